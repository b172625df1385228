//! The JSON API under `/api/v1`: search, documents, articles, suggestions, the resolver,
//! procedures, citizens' questions and feedback (submit, track), and the OpenAPI description of
//! all of them. Errors are `{"error":{"code","message"}}` with the
//! message in Vietnamese.

mod feedback;
mod openapi;
mod procedures;
mod types;

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::model::Status;
use crate::search::{
    self, FacetCount, MAX_RESULT_WINDOW, MAX_SUGGESTIONS, RequestError, Resolution,
};
use crate::web::error::{ApiError, WebError};
use crate::web::pages::{ApiSegment, blocking};
use crate::web::query::SearchParams;
use crate::web::state::{AppState, Site};
use crate::web::views::doc_url;

pub use feedback::{submit as feedback_submit, track as feedback_track};
pub use openapi::openapi;
pub use procedures::{procedure, procedures_search, procedures_suggest};
use types::*;

pub async fn search(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<SearchResponse>, ApiError> {
    let params = SearchParams::parse(raw.as_deref().unwrap_or("")).map_err(WebError::BadRequest)?;
    if params.q.is_none() {
        return Err(RequestError::EmptyQuery.into());
    }
    let site = state.site();
    let response = blocking(move || {
        let request = params.request()?;
        let r = search::search(&site.index, &request)?;
        let facet = |dim: &str, counts: &[FacetCount]| -> Vec<FacetJson> {
            counts
                .iter()
                .map(|c| FacetJson {
                    label: match dim {
                        "de-muc" => site.demuc_name(&c.value).to_owned(),
                        "hieu-luc" => Status::from_slug(&c.value)
                            .map_or(c.value.as_str(), |s| s.label_vi())
                            .to_owned(),
                        _ => c.value.clone(),
                    },
                    value: c.value.clone(),
                    count: c.count,
                })
                .collect()
        };
        let facets = r
            .facets
            .as_ref()
            .map_or_else(FacetsJson::default, |f| FacetsJson {
                loai: facet("loai", &f.doc_type),
                co_quan: facet("co-quan", &f.issuer),
                nam: facet("nam", &f.year),
                de_muc: facet("de-muc", &f.demuc),
                hieu_luc: facet("hieu-luc", &f.status),
            });
        let total = r.window.unwrap_or(r.hits.len());
        Ok(SearchResponse {
            query: request.raw().to_owned(),
            page: request.page(),
            page_size: request.page_size(),
            total,
            total_is_lower_bound: total >= MAX_RESULT_WINDOW,
            has_more: r.has_more,
            number_match: r.number_match.as_deref().map(DocumentSummary::from),
            hits: r.hits.iter().map(HitJson::from).collect(),
            groups: r
                .groups
                .iter()
                .map(|g| GroupJson {
                    document: g.document.as_deref().map(DocumentSummary::from),
                    doc_key: g.doc_key.clone(),
                    matched_articles: g.matched_articles,
                    hits: g.hits.iter().map(HitJson::from).collect(),
                })
                .collect(),
            facets,
            took_us: r.took_us,
        })
    })
    .await?;
    Ok(Json(response))
}

fn demuc_json(site: &Site, codes: &[String]) -> Vec<DemucJson> {
    codes
        .iter()
        .map(|c| DemucJson {
            code: c.clone(),
            name: site.demuc_name(c).to_owned(),
        })
        .collect()
}

pub async fn document(
    State(state): State<AppState>,
    ApiSegment(slug): ApiSegment,
) -> Result<Json<DocumentDetail>, ApiError> {
    let site = state.site();
    let detail = blocking(move || {
        let doc = match site.catalog.by_slug(&slug) {
            [doc] => doc.clone(),
            _ => {
                return Err(WebError::NotFound(
                    "Không có văn bản với mã này; dùng /api/v1/resolve để tra số hiệu.".to_owned(),
                ));
            }
        };
        let articles = site.index.document_articles(&doc.key)?;
        Ok(DocumentDetail::new(
            &doc,
            demuc_json(&site, &doc.demuc),
            &articles,
        ))
    })
    .await?;
    Ok(Json(detail))
}

pub async fn article(
    State(state): State<AppState>,
    ApiSegment(id): ApiSegment,
) -> Result<Json<ArticleDetail>, ApiError> {
    let site = state.site();
    let detail = blocking(move || {
        let article = site
            .index
            .article(&id)?
            .ok_or_else(|| WebError::NotFound("Không có điều luật với mã này.".to_owned()))?;
        let document = site.index.document(&article.doc_key).cloned();
        Ok(ArticleDetail::new(article, document.as_deref()))
    })
    .await?;
    Ok(Json(detail))
}

pub async fn suggest(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Json<SuggestResponse> {
    let q = q_of(raw.as_deref());
    // A binary search and a short scan: cheap enough for the async worker.
    let suggestions = state
        .site()
        .catalog
        .suggest(&q, MAX_SUGGESTIONS)
        .iter()
        .map(|d| SuggestionJson {
            label: if d.so_hieu.is_empty() {
                d.display_title()
            } else {
                format!("{} ({})", d.display_title(), d.so_hieu)
            },
            so_hieu: d.so_hieu.clone(),
            url: doc_url(&d.key),
        })
        .collect();
    Json(SuggestResponse {
        query: q,
        suggestions,
    })
}

pub async fn resolve(
    State(state): State<AppState>,
    ApiSegment(number): ApiSegment,
) -> Result<Response, ApiError> {
    let site = state.site();
    Ok(match site.catalog.resolve(&number) {
        Resolution::Found(doc) => Json(ResolveResponse {
            status: "found",
            document: Some((&*doc).into()),
            candidates: Vec::new(),
        })
        .into_response(),
        Resolution::Ambiguous(docs) => (
            StatusCode::MULTIPLE_CHOICES,
            Json(ResolveResponse {
                status: "ambiguous",
                document: None,
                candidates: docs.iter().map(|d| (&**d).into()).collect(),
            }),
        )
            .into_response(),
        Resolution::NotFound => {
            let message = match crate::model::DocNumber::parse(&number) {
                Err(e) => e.message_vi().to_owned(),
                Ok(_) => "Không có văn bản nào mang số hiệu này trong Bộ pháp điển.".to_owned(),
            };
            return Err(WebError::NotFound(message).into());
        }
    })
}

/// The `q` parameter of a raw query string, empty when absent.
pub(super) fn q_of(raw: Option<&str>) -> String {
    raw.and_then(|raw| {
        form_urlencoded::parse(raw.as_bytes())
            .find(|(k, _)| k == "q")
            .map(|(_, v)| v.into_owned())
    })
    .unwrap_or_default()
}

/// Any other address under `/api/v1`.
pub async fn not_found() -> ApiError {
    ApiError(WebError::NotFound(
        "Không có đường dẫn API này; xem /api/v1/openapi.json.".to_owned(),
    ))
}
