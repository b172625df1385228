//! Page handlers, one module per resource: extract, call the library, build the view model,
//! render. The library's calls are synchronous and CPU-bound, so each handler runs its body on
//! the blocking pool and the async workers only move bytes.

pub mod article;
pub mod demuc;
pub mod document;
pub mod feeds;
pub mod home;
pub mod resolve;
pub mod search;

use axum::extract::Path;
use axum::response::Response;

use super::assets::ASSETS;
use super::error::WebError;

/// Runs `f` on the blocking pool.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, WebError> + Send + 'static,
) -> Result<T, WebError> {
    tokio::task::spawn_blocking(f).await?
}

/// `/static/{file}`: a hashed static file, cached for a year.
pub async fn static_file(Path(file): Path<String>) -> Result<Response, WebError> {
    ASSETS.response(&file).ok_or_else(WebError::not_found_page)
}

/// Every address no route claims.
pub async fn not_found() -> WebError {
    WebError::not_found_page()
}
