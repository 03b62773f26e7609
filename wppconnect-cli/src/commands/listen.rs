//! `listen`: the webhook router of `wppconnect-webhook` on a local port, printing each event.

use futures::StreamExt;
use wppconnect_webhook::{serve_on, Lagged, Webhook};

use crate::cli::ListenArgs;
use crate::failure::{code, Failure};
use crate::output::{describe, json_line, line};

/// Where `listen` binds when nothing else says.
pub(crate) const DEFAULT_BIND: &str = "127.0.0.1:8080";

/// Serves until Ctrl-C (or SIGTERM), then prints the events still buffered and exits 0.
///
/// Events go to stdout, one line each (text, or the event's JSON with `--json`); the address
/// and warnings go to stderr, so `wppconnect listen --json | jq` sees only events.
pub(crate) async fn run(args: ListenArgs, json: bool) -> Result<u8, Failure> {
    let bind = args.bind.as_deref().unwrap_or(DEFAULT_BIND);
    let mut builder = Webhook::builder().path(args.path.as_str());
    if let Some(secret) = &args.secret {
        builder = builder.secret(secret.expose());
    }
    let (router, hub) = builder.build::<()>();
    let mut events = hub.subscribe();
    drop(hub);
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .map_err(|e| Failure::server(format!("cannot listen on {bind}: {e}")))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Failure::server(format!("cannot listen on {bind}: {e}")))?;
    let path = args.path.trim_matches('/');
    let base = if path.is_empty() {
        format!("http://{addr}")
    } else {
        format!("http://{addr}/{path}")
    };
    eprintln!("listening for webhooks on {base}/<session>");
    if args.secret.is_some() {
        eprintln!("give the server {base}/<session>?token=<the secret> as the webhook URL");
    } else {
        eprintln!("give the server {base}/<session> as the webhook URL (no secret required: anyone who reaches this port can post)");
    }

    // stops the listener when stdout is gone (`| head -1`): nobody reads the events any more
    let gone = std::sync::Arc::new(tokio::sync::Notify::new());
    let printer = {
        let gone = gone.clone();
        tokio::spawn(async move {
            while let Some(item) = events.next().await {
                let written = match item {
                    Ok(event) if json => json_line(&event.to_value()),
                    Ok(event) => line(describe(&event)),
                    Err(Lagged(missed)) => {
                        eprintln!("warning: {missed} events were not printed (output too slow)");
                        true
                    }
                };
                if !written {
                    gone.notify_one();
                    return;
                }
            }
        })
    };
    let shutdown = async move {
        tokio::select! {
            () = stop() => {}
            () = gone.notified() => {}
        }
    };
    serve_on(listener, router, shutdown)
        .await
        .map_err(|e| Failure::server(format!("the webhook listener failed: {e}")))?;
    // the router is gone: the stream ends once the buffered events are printed
    let _ = printer.await;
    Ok(code::OK)
}

/// Ctrl-C, or SIGTERM on Unix.
async fn stop() {
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(term) => term,
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                    return;
                }
            };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
