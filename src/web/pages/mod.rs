//! Page handlers, one module per resource: extract, call the library, build the view model,
//! render. The library's calls are synchronous and CPU-bound, so each handler runs its body on
//! the blocking pool and the async workers only move bytes.

pub mod article;
pub mod demuc;
pub mod document;
pub mod feedback;
pub mod feeds;
pub mod forms;
pub mod home;
pub mod procedures;
pub mod resolve;
pub mod search;
pub mod staff;

use std::time::Duration;

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::http::{HeaderName, HeaderValue};
use axum::response::Response;

use super::assets::ASSETS;
use super::error::{ApiError, WebError};

/// One path parameter. A segment that does not decode (invalid UTF-8 after percent-decoding)
/// names nothing: a 404 page, not axum's plain-text 400.
pub struct Segment(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Segment {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Segment, WebError> {
        Path::<String>::from_request_parts(parts, state)
            .await
            .map(|Path(s)| Segment(s))
            .map_err(|_| WebError::not_found_page())
    }
}

/// [`Segment`] for the API: the rejection is a JSON 404.
pub struct ApiSegment(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ApiSegment {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<ApiSegment, ApiError> {
        Path::<String>::from_request_parts(parts, state)
            .await
            .map(|Path(s)| ApiSegment(s))
            .map_err(|_| ApiError(WebError::NotFound("Không có tài nguyên này.".to_owned())))
    }
}

/// Where a search request's time went: the engine (`search::search`: ranking, facets,
/// snippets) and the page built from its results (view model and HTML). Reported in a
/// `Server-Timing` header (browsers' developer tools show it) and as `engine_ms`/`render_ms` on
/// the request's log line, which `benches/http.sh` reads.
pub struct Timing {
    pub engine: Duration,
    pub render: Duration,
}

const SERVER_TIMING: HeaderName = HeaderName::from_static("server-timing");

impl Timing {
    /// A page served from the page cache: no engine, no rendering.
    pub fn cached(response: &mut Response) {
        tracing::Span::current().record("cache", "hit");
        response
            .headers_mut()
            .insert(SERVER_TIMING, HeaderValue::from_static("cache;desc=hit"));
    }

    pub fn report(&self, response: &mut Response) {
        let engine_ms = self.engine.as_secs_f64() * 1000.0;
        let render_ms = self.render.as_secs_f64() * 1000.0;
        tracing::Span::current()
            .record("engine_ms", engine_ms)
            .record("render_ms", render_ms);
        let value = format!("engine;dur={engine_ms:.3}, render;dur={render_ms:.3}");
        if let Ok(v) = HeaderValue::from_str(&value) {
            response.headers_mut().insert(SERVER_TIMING, v);
        }
    }
}

/// Runs `f`, which blocks (search, store): in place on the server's multi-thread runtime, or on
/// the blocking pool on a current-thread runtime (tests, benches).
///
/// In place, the worker first hands its other tasks to another thread, so the runtime keeps
/// serving, and the request itself skips two thread hand-offs (to the pool and back): on an
/// idle two-core machine those cost a search page about half a millisecond at p50
/// (`benches/http.sh`). A panic in `f` still becomes a 500 (the router's catch-panic layer).
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, WebError> + Send + 'static,
) -> Result<T, WebError> {
    use tokio::runtime::{Handle, RuntimeFlavor};
    if Handle::current().runtime_flavor() == RuntimeFlavor::MultiThread {
        return tokio::task::block_in_place(f);
    }
    tokio::task::spawn_blocking(f).await?
}

/// `/static/{file}`: a hashed static file, cached for a year.
pub async fn static_file(Segment(file): Segment) -> Result<Response, WebError> {
    ASSETS.response(&file).ok_or_else(WebError::not_found_page)
}

/// Every address no route claims.
pub async fn not_found() -> WebError {
    WebError::not_found_page()
}
