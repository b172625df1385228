//! `/tim-kiem`: the search page. A query that is only a số hiệu goes straight to its document
//! (303); invalid parameters give the form again with the reason, as a 400.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use super::{Timing, blocking, feedback};
use crate::analysis;
use crate::model::{Document, Status};
use crate::search::{
    self, DEFAULT_PAGE_SIZE, FacetCount, Hit, MAX_RESULT_WINDOW, Resolution, SearchRequest,
    SearchResults, Sort, Span,
};
use crate::web::cache::Sources;
use crate::web::pages::procedures;
use crate::web::query::{Dim, Grouping, MAX_PAGE, PageLinks, SearchParams, q_param, sort_label};
use crate::web::state::{AppState, Site};
use crate::web::views::feedback::AnswerLink;
use crate::web::views::search::{
    Choice, FacetGroup, FacetValue, GroupView, HitView, Link, NoResultHelp, Outcome, Pagination,
    ProcedureBlock, SearchView, page,
};
use crate::web::views::{article_anchor, article_url, count_vi, doc_url, path_segment};

/// Most values listed per facet.
const MAX_FACET_VALUES: usize = 20;

pub async fn show(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let raw = raw.unwrap_or_default();
    let params = match SearchParams::parse(&raw) {
        Ok(p) => p,
        Err(message) => return refused(lenient_q(&raw), message),
    };
    let Some(q) = params.q.clone() else {
        return page(&SearchView {
            q: String::new(),
            error: None,
            outcome: None,
            procedures: None,
            answers: Vec::new(),
        })
        .into_response();
    };
    let site = state.site();
    let lexicon = state.lexicon();
    let published = state.feedback().map(|f| f.published());
    let sources = Sources {
        site: &site,
        lexicon: &lexicon,
        answers: published.as_ref(),
    };
    if let Some(mut response) = state.pages().get(&raw, &sources, &headers) {
        Timing::cached(&mut response);
        return response;
    }
    let (site_now, lexicon_now, state_now) = (site.clone(), lexicon.clone(), state.clone());
    let answered = blocking(move || {
        let (site, lexicon, state) = (site_now, lexicon_now, state_now);
        // The engine's time includes reading the question (syllables, words, số hiệu).
        let started = Instant::now();
        let request = match params.request() {
            Ok(r) => r,
            Err(e) => return Ok((Rendered::Other(refused(q, e.message_vi())), None)),
        };
        let results = search::search(&site.index, &request)?;
        let procedures = procedure_block(&site, &lexicon, &q)?;
        let answers = answers(&state, &q);
        let engine = started.elapsed();
        let jump = jump_target(&site, &request, &results);
        if let Some(doc) = &jump
            && is_only_a_number(&request, &params)
        {
            return Ok((
                Rendered::Other(Redirect::to(&doc_url(&doc.key)).into_response()),
                None,
            ));
        }
        let rendering = Instant::now();
        let outcome = outcome(&site, &params, &request, &results, jump);
        let html = page(&SearchView {
            q,
            error: None,
            outcome: Some(outcome),
            procedures,
            answers,
        })
        .into_string();
        let render = rendering.elapsed();
        Ok((Rendered::Page(html), Some(Timing { engine, render })))
    })
    .await;
    let answered = answered.map(|(rendered, timing)| {
        let response = match rendered {
            Rendered::Page(html) => state.pages().put(&raw, &sources, html, &headers),
            Rendered::Other(response) => response,
        };
        (response, timing)
    });
    match answered {
        Ok((mut response, timing)) => {
            if let Some(t) = timing {
                t.report(&mut response);
            }
            response
        }
        Err(e) => e.into_response(),
    }
}

/// What the search page's work produced: a results page (kept for the next time the question
/// is asked), or another response.
enum Rendered {
    Page(String),
    Other(Response),
}

/// Published answers shown above the law's results.
const ANSWERS_IN_SEARCH: usize = 3;

/// The published answers matching `q` (none when the feedback service is off).
fn answers(state: &AppState, q: &str) -> Vec<AnswerLink> {
    let Some(fb) = state.feedback() else {
        return Vec::new();
    };
    match fb.similar(q, ANSWERS_IN_SEARCH) {
        Ok(found) => found.iter().map(|p| feedback::link_with(fb, p)).collect(),
        Err(e) => {
            tracing::warn!(error = %e, "answers not searched");
            Vec::new()
        }
    }
}

/// The form again with the reason, as a 400.
fn refused(q: String, message: String) -> Response {
    (
        StatusCode::BAD_REQUEST,
        page(&SearchView {
            q,
            error: Some(message),
            outcome: None,
            procedures: None,
            answers: Vec::new(),
        }),
    )
        .into_response()
}

/// Procedures shown beside the law hits.
const PROCEDURES_ON_SEARCH_PAGE: usize = 3;

/// The best procedures for the same question, when any match.
fn procedure_block(
    site: &Site,
    lexicon: &crate::procedures::Lexicon,
    q: &str,
) -> Result<Option<ProcedureBlock>, crate::web::error::WebError> {
    let Ok(query) = crate::procedures::ProcedureQuery::new(q)
        .and_then(|r| r.paginate(1, PROCEDURES_ON_SEARCH_PAGE))
    else {
        return Ok(None);
    };
    if query.text().is_empty() {
        return Ok(None);
    }
    let best = crate::procedures::best(&site.procedures, lexicon, &query)?;
    Ok((!best.procedures.is_empty()).then(|| ProcedureBlock {
        hits: best
            .procedures
            .iter()
            .map(|p| procedures::hit_view(p))
            .collect(),
        total: best.matches,
        url: format!("/thu-tuc?{}", q_param(q)),
    }))
}

/// The `q` of a query string whose other parameters are invalid, to refill the form.
fn lenient_q(raw: &str) -> String {
    form_urlencoded::parse(raw.as_bytes())
        .find(|(k, _)| k == "q")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// The document a số hiệu in the query names: a full number, or a partial one that only one
/// document matches.
fn jump_target(
    site: &Site,
    request: &SearchRequest,
    results: &SearchResults,
) -> Option<Arc<Document>> {
    if let Some(doc) = &results.number_match {
        return Some(doc.clone());
    }
    if request.tree().partial_numbers.is_empty() {
        return None;
    }
    match site.catalog.resolve(request.raw()) {
        Resolution::Found(doc) => Some(doc),
        _ => None,
    }
}

/// True when the query is a số hiệu and nothing else, on the first page with no filter: the
/// person wants the document, not a list.
fn is_only_a_number(request: &SearchRequest, params: &SearchParams) -> bool {
    let t = request.tree();
    params.page == 1
        && params.filters.is_empty()
        && t.syllables.is_empty()
        && t.phrases.is_empty()
        && t.excluded.is_empty()
        && t.numbers.len() + t.partial_numbers.len() == 1
}

fn outcome(
    site: &Site,
    params: &SearchParams,
    request: &SearchRequest,
    results: &SearchResults,
    jump: Option<Arc<Document>>,
) -> Outcome {
    let q = request.raw();
    let links = PageLinks::new(q);
    let window = results.window.unwrap_or(results.hits.len());
    let summary = match window {
        0 => "Không có điều nào khớp.".to_owned(),
        n if n >= MAX_RESULT_WINDOW => format!(
            "Hơn {MAX_RESULT_WINDOW} điều khớp; đây là những điều phù hợp nhất. Dùng bộ lọc để thu hẹp."
        ),
        n => format!("{} điều khớp.", count_vi(n)),
    };
    let hits = results.hits.iter().map(|h| hit_view(h, &links)).collect();
    let groups = results
        .groups
        .iter()
        .map(|g| GroupView {
            title: g
                .document
                .as_ref()
                .map_or_else(|| g.doc_key.clone(), |d| d.display_title()),
            document: g.document.clone(),
            url: format!("{}?{}", doc_url(&g.doc_key), links.q_param()),
            matched: g.matched_articles,
            hits: g.hits.iter().map(|h| hit_view(h, &links)).collect(),
        })
        .collect();
    let active: Vec<Link> = params
        .filters
        .iter()
        .map(|(dim, value)| Link {
            label: format!("{}: {}", dim.label(), value_label(site, *dim, value)),
            url: links.search(&params.without_filter(*dim, value)),
        })
        .collect();
    let facets = results.facets.as_ref().map_or_else(Vec::new, |f| {
        let dims: [(Dim, &Vec<FacetCount>); 5] = [
            (Dim::DocType, &f.doc_type),
            (Dim::Status, &f.status),
            (Dim::Year, &f.year),
            (Dim::Demuc, &f.demuc),
            (Dim::Issuer, &f.issuer),
        ];
        dims.into_iter()
            .map(|(dim, counts)| FacetGroup {
                label: dim.label(),
                values: counts
                    .iter()
                    .take(MAX_FACET_VALUES)
                    .map(|c| {
                        let active = params.has(dim, &c.value);
                        FacetValue {
                            label: value_label(site, dim, &c.value),
                            count: c.count,
                            url: links.search(&if active {
                                params.without_filter(dim, &c.value)
                            } else {
                                params.with_filter(dim, &c.value)
                            }),
                            active,
                        }
                    })
                    .collect(),
            })
            .collect()
    });
    let sorts = [Sort::Relevance, Sort::Newest, Sort::Oldest]
        .into_iter()
        .map(|s| Choice {
            label: sort_label(s),
            url: links.search(&params.with_sort(s)),
            current: params.sort == s,
        })
        .collect();
    let groupings = [
        (Grouping::Articles, "Theo điều"),
        (Grouping::Documents, "Theo văn bản"),
    ]
    .into_iter()
    .map(|(g, label)| Choice {
        label,
        url: links.search(&params.with_grouping(g)),
        current: params.grouping == g,
    })
    .collect();
    let empty = results.hits.is_empty() && results.groups.is_empty();
    let help = empty.then(|| no_result_help(params, request, &active));
    let last_page = match params.grouping {
        Grouping::Articles => window.div_ceil(DEFAULT_PAGE_SIZE).clamp(1, MAX_PAGE),
        Grouping::Documents => params.page + usize::from(results.has_more),
    };
    Outcome {
        summary,
        number_match: jump,
        hits,
        groups,
        first_rank: request.offset() + 1,
        clear_filters: (params.filters.len() > 1).then(|| links.search(&params.without_filters())),
        facets,
        active,
        sorts,
        groupings,
        pages: (last_page > 1 || params.page > 1).then(|| pagination(params, &links, last_page)),
        help,
    }
}

fn value_label(site: &Site, dim: Dim, value: &str) -> String {
    match dim {
        Dim::Demuc => site.demuc_name(value).to_owned(),
        Dim::Status => Status::from_slug(value)
            .map_or(value, |s| s.label_vi())
            .to_owned(),
        _ => value.to_owned(),
    }
}

fn hit_view(h: &Hit, links: &PageLinks) -> HitView {
    let heading = if h.title.is_empty() {
        vec![Span {
            text: h.article.title.clone(),
            highlight: false,
        }]
    } else {
        h.title.clone()
    };
    HitView {
        heading,
        number: h.article.number.clone(),
        url: format!(
            "{}?{}#{}",
            doc_url(&h.article.doc_key),
            links.q_param(),
            article_anchor(&h.article.id)
        ),
        permalink: article_url(&h.article.id),
        fragments: h.fragments.clone(),
        document: h.document.clone(),
        demuc: h.article.demuc_name.clone(),
    }
}

fn pagination(params: &SearchParams, links: &PageLinks, last: usize) -> Pagination {
    let current = params.page;
    let mut pages = Vec::new();
    let mut previous = 0;
    for n in 1..=last.max(current) {
        let near = n.abs_diff(current) <= 2;
        if n == 1 || n == last || near {
            if n > previous + 1 {
                pages.push(None);
            }
            pages.push(Some((n, links.search(&params.with_page(n)), n == current)));
            previous = n;
        }
    }
    Pagination {
        prev: (current > 1).then(|| links.search(&params.with_page(current - 1))),
        next: (current < last).then(|| links.search(&params.with_page(current + 1))),
        pages,
    }
}

fn no_result_help(params: &SearchParams, request: &SearchRequest, active: &[Link]) -> NoResultHelp {
    let q = request.raw();
    let folded = analysis::fold(q);
    let tree = request.tree();
    let looks_like_number = !tree.numbers.is_empty()
        || !tree.partial_numbers.is_empty()
        || (q.contains('/') && q.chars().any(|c| c.is_ascii_digit()));
    NoResultHelp {
        drop_filters: active
            .iter()
            .map(|l| Link {
                label: l.label.clone(),
                url: l.url.clone(),
            })
            .collect(),
        without_diacritics: (folded != q).then(|| Link {
            url: params.with_query(&folded).url(),
            label: folded,
        }),
        number: looks_like_number.then(|| Link {
            label: format!("tra cứu số hiệu “{q}”"),
            url: format!("/so-hieu/{}", path_segment(q).replace("%2F", "/")),
        }),
    }
}
