//! A local mirror of the code of law's site: serves a snapshot archive over HTTP on loopback,
//! as the live site would (ETag, Last-Modified, 304 on a conditional GET, 404 for what is not
//! there, a permissive robots.txt unless the archive has one), so that the crawler is tested and
//! measured exactly as it runs against the real site. The snapshot can be switched while
//! serving, to play a site that changes.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use arc_swap::ArcSwap;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::crawl::SiteArchive;

struct MirrorFile {
    bytes: axum::body::Bytes,
    etag: String,
    last_modified: String,
}

/// One snapshot, ready to serve.
pub struct MirrorSite {
    files: HashMap<String, MirrorFile>,
}

impl MirrorSite {
    pub fn new(archive: SiteArchive) -> MirrorSite {
        let files = archive
            .files
            .into_iter()
            .map(|(name, (bytes, mtime))| {
                let hash = crate::crawl::sha256_hex(&bytes);
                let modified = std::time::UNIX_EPOCH + std::time::Duration::from_secs(mtime);
                let file = MirrorFile {
                    bytes: bytes.into(),
                    etag: format!("\"{}\"", &hash[..16]),
                    last_modified: httpdate::fmt_http_date(modified),
                };
                (name, file)
            })
            .collect();
        MirrorSite { files }
    }
}

/// The live snapshot; `store` a new one to switch.
pub type MirrorHandle = Arc<ArcSwap<MirrorSite>>;

pub fn mirror_router(site: MirrorHandle) -> Router {
    Router::new()
        .route("/{*path}", axum::routing::get(serve_file))
        .with_state(site)
}

async fn serve_file(
    State(site): State<MirrorHandle>,
    Path(path): Path<String>,
    headers: HeaderMap,
) -> Response {
    let site = site.load();
    let Some(file) = site.files.get(path.as_str()) else {
        if path == "robots.txt" {
            return "User-agent: *\nAllow: /\n".into_response();
        }
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    let etag_matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == file.etag));
    let not_modified_since = headers.get(header::IF_NONE_MATCH).is_none()
        && headers
            .get(header::IF_MODIFIED_SINCE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v == file.last_modified);
    let mut out = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_str(&file.etag) {
        out.insert(header::ETAG, v);
    }
    if let Ok(v) = HeaderValue::from_str(&file.last_modified) {
        out.insert(header::LAST_MODIFIED, v);
    }
    if etag_matches || not_modified_since {
        return (StatusCode::NOT_MODIFIED, out).into_response();
    }
    let content_type = if path.ends_with(".html") {
        "text/html; charset=utf-8"
    } else {
        "text/plain; charset=utf-8"
    };
    out.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    (out, file.bytes.clone()).into_response()
}

/// Serves `site` on `addr` until Ctrl-C or SIGTERM.
pub async fn serve_mirror(site: MirrorHandle, addr: SocketAddr) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!(addr = %listener.local_addr()?, "mirror serving");
    axum::serve(listener, mirror_router(site))
        .with_graceful_shutdown(super::shutdown_signal())
        .await
}
