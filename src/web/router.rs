//! Every route of the site, and the middleware around them.

use std::time::Duration;

use axum::Router;
use axum::extract::{self, State};
use axum::http::{HeaderName, HeaderValue, Request, Response, header};
use axum::middleware::{self, Next};
use axum::routing::{get, post};
use tower::ServiceBuilder;
use tower_http::CompressionLevel;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use super::api;
use super::error::{panic_response, timeout_response};
use super::pages::{
    self, article, demuc, document, feedback, feeds, home, procedures, resolve, search, staff,
};
use super::state::AppState;

/// Largest request body accepted outside the feedback forms: the rest of the site only reads
/// GET requests.
pub const MAX_REQUEST_BODY_BYTES: usize = 16 * 1024;

/// Largest body of a feedback or staff form: 4,000 characters of Vietnamese, percent-encoded
/// (up to 9 bytes each), with the other fields. Larger bodies are refused with 413.
pub const MAX_FORM_BODY_BYTES: usize = 64 * 1024;

/// Forbids inline script and every origin but ours.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/search", get(api::search))
        .route("/documents/{key}", get(api::document))
        .route("/articles/{id}", get(api::article))
        .route("/suggest", get(api::suggest))
        .route("/resolve/{*number}", get(api::resolve))
        .route("/procedures", get(api::procedures_search))
        .route("/procedures/suggest", get(api::procedures_suggest))
        .route("/procedures/{ma}", get(api::procedure))
        .route("/feedback", post(api::feedback_submit))
        .route("/feedback/{code}", get(api::feedback_track))
        .route("/openapi.json", get(api::openapi))
        .fallback(api::not_found);

    // The forms that accept POST bodies, with their own body limit.
    let forms = Router::new()
        .route("/gop-y", get(feedback::form).post(feedback::submit))
        .route("/theo-doi", get(feedback::track_form))
        .route("/theo-doi/{code}", get(feedback::track))
        .route("/hoi-dap", get(feedback::answers))
        .route("/hoi-dap/{id}", get(feedback::answer))
        .route("/quan-tri", get(staff::queue))
        .route(
            "/quan-tri/dang-nhap",
            get(staff::login_form).post(staff::login),
        )
        .route("/quan-tri/dang-xuat", post(staff::logout))
        .route("/quan-tri/muc/{code}", get(staff::item))
        .route("/quan-tri/muc/{code}/{action}", post(staff::act))
        .route("/quan-tri/nguoi-gui/{code}", get(staff::submitter))
        .route("/quan-tri/thong-ke", get(staff::stats))
        .route("/quan-tri/thong-ke.csv", get(staff::stats_csv))
        .route("/quan-tri/nhat-ky", get(staff::audit))
        .layer(RequestBodyLimitLayer::new(MAX_FORM_BODY_BYTES));

    let timeout = state.request_timeout();
    Router::new()
        .route("/", get(home::show))
        .route("/tim-kiem", get(search::show))
        .route("/van-ban/{key}", get(document::show))
        .route("/dieu/{id}", get(article::show))
        .route("/de-muc", get(demuc::index))
        .route("/de-muc/{code}", get(demuc::show))
        .route("/so-hieu/{*number}", get(resolve::show))
        .route("/thu-tuc", get(procedures::index))
        .route("/thu-tuc/{ma}", get(procedures::show))
        .route("/opensearch.xml", get(feeds::opensearch))
        .route("/sitemap.xml", get(feeds::sitemap))
        .route("/robots.txt", get(feeds::robots))
        .route("/feed.atom", get(feeds::atom))
        .route("/static/{file}", get(pages::static_file))
        .nest("/api/v1", api)
        .layer(RequestBodyLimitLayer::new(MAX_REQUEST_BODY_BYTES))
        .merge(forms)
        .fallback(pages::not_found)
        .with_state(state)
        // Innermost: the time limit, around the handlers.
        .layer(middleware::from_fn_with_state(timeout, time_limit))
        // Outermost first: request id, tracing, security headers, compression, panics (the body
        // limits are per group of routes, above).
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(X_REQUEST_ID, MakeRequestUuid))
                .layer(
                    TraceLayer::new_for_http()
                        // The path only: a query string can hold what a citizen typed.
                        .make_span_with(|req: &Request<_>| {
                            let id = req
                                .headers()
                                .get(X_REQUEST_ID)
                                .and_then(|v| v.to_str().ok())
                                .unwrap_or("");
                            tracing::info_span!(
                                "request",
                                method = %req.method(),
                                path = %req.uri().path(),
                                request_id = %id,
                                // Filled by the search handlers (`pages::Timing`).
                                engine_ms = tracing::field::Empty,
                                render_ms = tracing::field::Empty,
                                cache = tracing::field::Empty,
                            )
                        })
                        .on_request(())
                        .on_response(|res: &Response<_>, latency: Duration, _: &tracing::Span| {
                            tracing::info!(
                                status = res.status().as_u16(),
                                took_ms = latency.as_secs_f64() * 1000.0,
                                "response"
                            );
                        }),
                )
                .layer(PropagateRequestIdLayer::new(X_REQUEST_ID))
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::CONTENT_SECURITY_POLICY,
                    HeaderValue::from_static(CONTENT_SECURITY_POLICY),
                ))
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                ))
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::REFERRER_POLICY,
                    HeaderValue::from_static("strict-origin-when-cross-origin"),
                ))
                // gzip's fastest level: on the dev questions' results pages (48 KB of HTML) it is
                // about 3x faster than the default level for 6.7 KB instead of 5.6 KB sent.
                .layer(CompressionLayer::new().quality(CompressionLevel::Fastest))
                .layer(CatchPanicLayer::custom(panic_response)),
        )
}

/// Answers with the 503 page (or JSON under `/api/`) when the handler has not answered within
/// `limit`. Work already on the blocking pool finishes there; its result is dropped. A handler
/// that answers late without ever yielding (`timeout` cannot interrupt it) gets the 503 too, so
/// the limit means the same for every handler.
async fn time_limit(
    State(limit): State<Duration>,
    request: extract::Request,
    next: Next,
) -> axum::response::Response {
    let path = request.uri().path().to_owned();
    let started = std::time::Instant::now();
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) if started.elapsed() <= limit => response,
        _ => timeout_response(&path),
    }
}
