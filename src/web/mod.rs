//! The public web portal: server-rendered pages (maud), a JSON API under `/api/v1`, feeds, and
//! static files, over the search library. The only module that knows about HTTP: it imports
//! axum, http and maud, and maps the library's errors to status codes in one place (`error`).
//!
//! Handlers are thin: extract the request, call the library, build a view model, render.

mod api;
mod assets;
mod cache;
mod error;
mod mirror;
mod pages;
mod query;
mod router;
mod state;
mod views;

use std::net::SocketAddr;
use std::time::Duration;

pub use assets::STATIC_CACHE_CONTROL;
pub use error::WebError;
pub use mirror::{MirrorHandle, MirrorSite, mirror_router, serve_mirror};
pub use query::SearchParams;
pub use router::{CONTENT_SECURITY_POLICY, MAX_FORM_BODY_BYTES, MAX_REQUEST_BODY_BYTES, router};
pub use state::{AppState, Site};

use crate::config::ServerConfig;

/// The path of a document's page (`/van-ban/43-2011-nd-cp`).
pub fn document_path(key: &str) -> String {
    views::doc_url(key)
}

/// Serves `state` on `addr` until Ctrl-C or SIGTERM, polling for new index generations every
/// `config.index_poll_ms`. Requests in flight are finished before it returns.
pub async fn serve(
    state: AppState,
    addr: SocketAddr,
    config: &ServerConfig,
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let reloader = state.spawn_reloader(Duration::from_millis(config.index_poll_ms));
    tracing::info!(addr = %listener.local_addr()?, "serving");
    // The client's address reaches handlers for the feedback rate limits (never logged).
    let result = axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await;
    reloader.abort();
    tracing::info!("stopped");
    result
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
