//! `/opensearch.xml`, `/sitemap.xml`, `/robots.txt`, `/feed.atom`.

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use super::blocking;
use crate::web::error::WebError;
use crate::web::state::AppState;
use crate::web::views::feeds;

/// Entries in the Atom feed.
const FEED_ENTRIES: usize = 50;

fn typed(content_type: &'static str, body: String) -> Response {
    (
        [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
        body,
    )
        .into_response()
}

pub async fn opensearch(State(state): State<AppState>) -> Response {
    typed(
        "application/opensearchdescription+xml; charset=utf-8",
        feeds::opensearch(state.public_url()).into_string(),
    )
}

pub async fn sitemap(State(state): State<AppState>) -> Result<Response, WebError> {
    let site = state.site();
    blocking(move || {
        let xml = feeds::sitemap(
            state.public_url(),
            site.catalog.documents(),
            site.index.demuc(),
        );
        Ok(typed("application/xml; charset=utf-8", xml.into_string()))
    })
    .await
}

pub async fn atom(State(state): State<AppState>) -> Response {
    let site = state.site();
    let xml = feeds::atom(
        state.public_url(),
        site.index.meta.built_at_ms,
        site.catalog.recent(FEED_ENTRIES),
    );
    typed("application/atom+xml; charset=utf-8", xml.into_string())
}

pub async fn robots(State(state): State<AppState>) -> Response {
    typed(
        "text/plain; charset=utf-8",
        format!(
            "User-agent: *\nDisallow: /tim-kiem\nDisallow: /api/\nAllow: /\n\nSitemap: {}/sitemap.xml\n",
            state.public_url()
        ),
    )
}
