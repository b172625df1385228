//! `/thu-tuc`: procedure search with filters and counts; `/thu-tuc/{ma}`: one procedure, with
//! its legal basis linked to document pages through the số hiệu resolver.

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::{Segment, blocking};
use crate::procedures::{
    self, ChannelKind, DEFAULT_PAGE_SIZE, MAX_PAGE, ProcedureFilters, ProcedureQuery,
};
use crate::search::Resolution;
use crate::web::error::WebError;
use crate::web::query::QueryString;
use crate::web::state::{AppState, Site};
use crate::web::views::procedures::{
    BasisView, DetailView, FacetBlock, HitView, ListView, channel_label, detail, list,
    procedure_url,
};
use crate::web::views::search::{FacetValue, Link, Pagination};
use crate::web::views::{count_vi, doc_url};

/// A filter of the procedure page: its URL parameter and label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dim {
    Ministry,
    Field,
    Level,
    Subject,
    Channel,
}

impl Dim {
    pub const ALL: [Dim; 5] = [
        Dim::Channel,
        Dim::Level,
        Dim::Field,
        Dim::Subject,
        Dim::Ministry,
    ];

    pub fn param(self) -> &'static str {
        match self {
            Dim::Ministry => "bo",
            Dim::Field => "linh-vuc",
            Dim::Level => "cap",
            Dim::Subject => "doi-tuong",
            Dim::Channel => "kenh",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Dim::Ministry => "Bộ, ngành",
            Dim::Field => "Lĩnh vực",
            Dim::Level => "Cấp thực hiện",
            Dim::Subject => "Đối tượng",
            Dim::Channel => "Cách nộp hồ sơ",
        }
    }
}

/// What `/thu-tuc` was asked, validated.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProcedureParams {
    pub q: String,
    pub filters: Vec<(Dim, String)>,
    pub page: usize,
}

impl ProcedureParams {
    /// Parses a raw query string; the error is for people, in Vietnamese.
    pub fn parse(raw: &str) -> Result<ProcedureParams, String> {
        let mut p = ProcedureParams {
            page: 1,
            ..ProcedureParams::default()
        };
        let mut seen_q = false;
        for (key, value) in form_urlencoded::parse(raw.as_bytes()) {
            let value = value.trim();
            match key.as_ref() {
                "q" if !seen_q => {
                    seen_q = true;
                    p.q = value.to_owned();
                }
                "trang" => {
                    p.page = match value.parse::<usize>() {
                        Ok(n) if (1..=MAX_PAGE).contains(&n) => n,
                        _ => return Err(format!("Số trang phải là số từ 1 đến {MAX_PAGE}.")),
                    }
                }
                other => {
                    let Some(dim) = Dim::ALL.into_iter().find(|d| d.param() == other) else {
                        continue;
                    };
                    if value.is_empty() {
                        continue;
                    }
                    if dim == Dim::Channel && ChannelKind::from_slug(value).is_none() {
                        return Err(
                            procedures::RequestError::UnknownChannel(value.to_owned()).message_vi()
                        );
                    }
                    let entry = (dim, value.to_owned());
                    if !p.filters.contains(&entry) {
                        p.filters.push(entry);
                    }
                }
            }
        }
        Ok(p)
    }

    pub fn query(&self) -> Result<ProcedureQuery, procedures::RequestError> {
        let mut f = ProcedureFilters::default();
        for (dim, value) in &self.filters {
            match dim {
                Dim::Ministry => f.ministry.push(value.clone()),
                Dim::Field => f.field.push(value.clone()),
                Dim::Level => f.level.push(value.clone()),
                Dim::Subject => f.subject.push(value.clone()),
                Dim::Channel => f.channel.extend(ChannelKind::from_slug(value)),
            }
        }
        ProcedureQuery::new(&self.q)?
            .with_filters(f)?
            .paginate(self.page, DEFAULT_PAGE_SIZE)
    }

    pub fn url(&self) -> String {
        let mut s = QueryString::default();
        if !self.q.is_empty() {
            s.pair("q", &self.q);
        }
        for (dim, value) in &self.filters {
            s.pair(dim.param(), value);
        }
        if self.page > 1 {
            s.pair("trang", &self.page.to_string());
        }
        let qs = s.finish();
        if qs.is_empty() {
            "/thu-tuc".to_owned()
        } else {
            format!("/thu-tuc?{qs}")
        }
    }

    fn toggled(&self, dim: Dim, value: &str) -> ProcedureParams {
        let mut p = self.clone();
        p.page = 1;
        let entry = (dim, value.to_owned());
        if let Some(i) = p.filters.iter().position(|f| *f == entry) {
            p.filters.remove(i);
        } else {
            p.filters.push(entry);
        }
        p
    }
}

pub async fn index(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let raw = raw.unwrap_or_default();
    let params = match ProcedureParams::parse(&raw) {
        Ok(p) => p,
        Err(message) => return refused(&raw, message),
    };
    let site = state.site();
    let lexicon = state.lexicon();
    let q = params.q.clone();
    blocking(move || {
        let query = match params.query() {
            Ok(q) => q,
            Err(e) => return Ok(refused_q(q, e.message_vi())),
        };
        let results = procedures::search(&site.procedures, &lexicon, &query)?;
        Ok(list(&list_view(&site, &params, &results)).into_response())
    })
    .await
    .unwrap_or_else(IntoResponse::into_response)
}

fn refused(raw: &str, message: String) -> Response {
    let q = form_urlencoded::parse(raw.as_bytes())
        .find(|(k, _)| k == "q")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    refused_q(q, message)
}

fn refused_q(q: String, message: String) -> Response {
    (
        StatusCode::BAD_REQUEST,
        list(&ListView {
            q,
            error: Some(message),
            ..ListView::default()
        }),
    )
        .into_response()
}

fn list_view(site: &Site, params: &ProcedureParams, r: &procedures::ProcedureResults) -> ListView {
    let facet = |dim: Dim, values: Vec<(String, String, usize)>| FacetBlock {
        label: dim.label(),
        values: values
            .into_iter()
            .map(|(value, label, count)| {
                let active = params.filters.contains(&(dim, value.clone()));
                FacetValue {
                    label,
                    count,
                    url: params.toggled(dim, &value).url(),
                    active,
                }
            })
            .collect(),
    };
    let plain = |v: &[(String, usize)]| -> Vec<(String, String, usize)> {
        v.iter().map(|(k, n)| (k.clone(), k.clone(), *n)).collect()
    };
    let f = &r.facets;
    let facets = vec![
        facet(
            Dim::Channel,
            f.channel
                .iter()
                .map(|(k, n)| (k.slug().to_owned(), channel_label(*k).to_owned(), *n))
                .collect(),
        ),
        facet(Dim::Level, plain(&f.level)),
        facet(Dim::Field, plain(&f.field)),
        facet(Dim::Subject, plain(&f.subject)),
        facet(Dim::Ministry, plain(&f.ministry)),
    ];
    let active = params
        .filters
        .iter()
        .map(|(dim, value)| Link {
            label: match dim {
                Dim::Channel => ChannelKind::from_slug(value)
                    .map_or_else(|| value.clone(), |k| channel_label(k).to_owned()),
                _ => value.clone(),
            },
            url: params.toggled(*dim, value).url(),
        })
        .collect();
    let pages_total = r.total.div_ceil(DEFAULT_PAGE_SIZE).min(MAX_PAGE);
    let page_url = |n: usize| {
        ProcedureParams {
            page: n,
            ..params.clone()
        }
        .url()
    };
    let pages = (pages_total > 1).then(|| Pagination {
        prev: (params.page > 1).then(|| page_url(params.page - 1)),
        next: (params.page < pages_total).then(|| page_url(params.page + 1)),
        pages: (1..=pages_total)
            .filter(|n| n.abs_diff(params.page) <= 3 || *n == 1 || *n == pages_total)
            .map(|n| Some((n, page_url(n), n == params.page)))
            .collect(),
    });
    let suggestions = if r.total == 0 && !params.q.is_empty() {
        procedures::suggest(&site.procedures, &params.q, 5)
            .into_iter()
            .map(|p| Link {
                label: p.name.clone(),
                url: procedure_url(&p.ma),
            })
            .collect()
    } else {
        Vec::new()
    };
    ListView {
        q: params.q.clone(),
        error: None,
        summary: Some(if params.q.is_empty() && params.filters.is_empty() {
            format!("{} thủ tục", count_vi(r.total))
        } else {
            format!("{} thủ tục phù hợp", count_vi(r.total))
        }),
        expanded: r.expanded.clone(),
        hits: r.hits.iter().map(|h| hit_view(&h.procedure)).collect(),
        first_rank: (params.page - 1) * DEFAULT_PAGE_SIZE + 1,
        facets,
        clear_filters: (!params.filters.is_empty()).then(|| {
            ProcedureParams {
                filters: Vec::new(),
                page: 1,
                ..params.clone()
            }
            .url()
        }),
        active,
        pages,
        suggestions,
        total_in_index: site.procedures.len(),
    }
}

pub fn hit_view(p: &procedures::Procedure) -> HitView {
    let channels: Vec<&'static str> = p.channel_kinds().into_iter().map(channel_label).collect();
    HitView {
        name: p.name.clone(),
        url: procedure_url(&p.ma),
        ma: p.ma.clone(),
        field: p.field.clone(),
        levels: p.levels.join(", "),
        ministry: p.ministry.clone(),
        channels: channels.join(", "),
    }
}

pub async fn show(
    State(state): State<AppState>,
    Segment(ma): Segment,
) -> Result<Response, WebError> {
    let site = state.site();
    blocking(move || {
        let Some(p) = site.procedures.get(&ma).cloned() else {
            return Err(WebError::NotFound(
                "Không tìm thấy thủ tục có mã này. Hãy kiểm tra lại mã thủ tục hoặc tìm theo tên thủ tục.".to_owned(),
            ));
        };
        let basis = p
            .legal_basis
            .parsed
            .iter()
            .flatten()
            .map(|b| BasisView {
                title: b.title.clone(),
                number: b.number.clone(),
                url: match site.catalog.resolve(&b.number) {
                    Resolution::Found(doc) if b.parsed => Some(doc_url(&doc.key)),
                    _ => None,
                },
            })
            .collect();
        let other_levels = site.procedures.at_other_levels(&p.ma);
        Ok(detail(&DetailView {
            procedure: p,
            basis,
            other_levels,
        })
        .into_response())
    })
    .await
}
