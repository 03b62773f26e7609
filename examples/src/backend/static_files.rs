//! The web console's files, built into the binary from `examples/web/`.

use axum::http::header;
use axum::routing::get;
use axum::Router;

use super::AppState;

/// The console's files: `/` and the scripts and style sheet it loads.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                    include_str!("../../web/index.html"),
                )
            }),
        )
        .route(
            "/app.js",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
                    include_str!("../../web/app.js"),
                )
            }),
        )
        .route(
            "/style.css",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
                    include_str!("../../web/style.css"),
                )
            }),
        )
        .nest_service(
            "/js",
            tower_http::services::ServeDir::new(concat!(env!("CARGO_MANIFEST_DIR"), "/web/js")),
        )
}
