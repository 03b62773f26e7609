//! A ready listener for users who only want webhooks.

use std::future::Future;

use axum::Router;
use tokio::net::TcpListener;

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
/// use wppconnect_webhook::{serve, Webhook};
/// # async fn run() -> std::io::Result<()> {
/// let (router, hub) = Webhook::builder().secret("s3cr3t").build();
/// let mut events = hub.subscribe();
/// tokio::spawn(async move {
///     use futures::StreamExt;
///     while let Some(event) = events.next().await {
///         println!("{event:?}");
///     }
/// });
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
/// serve(listener, router, async {
///     let _ = tokio::signal::ctrl_c().await;
/// })
/// .await
/// # }
/// ```
pub async fn serve<F>(listener: TcpListener, router: Router, shutdown: F) -> std::io::Result<()>
where
    F: Future<Output = ()> + Send + 'static,
{
    if let Ok(addr) = listener.local_addr() {
        tracing::info!(%addr, "webhook listener started");
    }
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
}
