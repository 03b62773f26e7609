//! A ready listener for users who only want webhooks.

use std::future::Future;

use axum::Router;
use tokio::net::{TcpListener, ToSocketAddrs};

/// Binds `addr` and serves `router` there until `shutdown` completes; see [`serve_on`].
///
/// # Errors
/// The bind error (address in use, no permission…), or the listener's I/O error. Never panics.
///
/// ```no_run
/// use futures::StreamExt;
/// use wppconnect_webhook::{serve, Lagged, Webhook};
/// # async fn run() -> std::io::Result<()> {
/// let (router, hub) = Webhook::builder().secret("s3cr3t").build();
/// let mut events = hub.subscribe();
/// tokio::spawn(async move {
///     while let Some(item) = events.next().await {
///         match item {
///             Ok(event) => println!("{} for {:?}", event.kind(), event.session()),
///             Err(Lagged(missed)) => eprintln!("missed {missed} events"),
///         }
///     }
/// });
/// // the server posts to http://<host>:8080/webhook/<session>?token=s3cr3t
/// serve("127.0.0.1:8080", router, async {
///     let _ = tokio::signal::ctrl_c().await;
/// })
/// .await
/// # }
/// ```
pub async fn serve<A, F>(addr: A, router: Router, shutdown: F) -> std::io::Result<()>
where
    A: ToSocketAddrs,
    F: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind(addr).await?;
    serve_on(listener, router, shutdown).await
}

/// Serves `router` on `listener` until `shutdown` completes, then stops accepting, lets the
/// requests in flight finish (their events are published) and returns.
///
/// Events already handed to subscribers stay in their buffers after the router is gone: a
/// subscriber reads them all before its stream ends.
///
/// # Errors
/// The listener's I/O error.
///
/// ```no_run
/// use wppconnect_webhook::{serve_on, Webhook};
/// # async fn run() -> std::io::Result<()> {
/// let (router, _hub) = Webhook::builder().build();
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
/// println!("listening on {}", listener.local_addr()?);
/// serve_on(listener, router, std::future::pending()).await
/// # }
/// ```
pub async fn serve_on<F>(listener: TcpListener, router: Router, shutdown: F) -> std::io::Result<()>
where
    F: Future<Output = ()> + Send + 'static,
{
    if let Ok(addr) = listener.local_addr() {
        tracing::info!(%addr, "webhook listener started");
    }
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await?;
    tracing::info!("webhook listener stopped");
    Ok(())
}
