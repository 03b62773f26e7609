//! The web console's files, built into the binary from `examples/web/`.

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use include_dir::{include_dir, Dir};

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
        .route("/js/{*path}", get(module))
}

/// The console's ES modules (`web/js/`), built into the binary like the other files, so a backend
/// binary copied away from the source tree still serves the whole console.
static MODULES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/web/js");

/// `/js/{path}`: one of the console's modules, or 404. Only embedded files are answered: a path
/// never reaches the file system, so `..` finds nothing.
async fn module(Path(path): Path<String>) -> Response {
    match MODULES.get_file(&path) {
        Some(file) if path.ends_with(".js") => (
            [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
            file.contents(),
        )
            .into_response(),
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}
