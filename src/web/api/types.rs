//! The JSON shapes of the API, kept apart from the domain types: renaming a field of `Document`
//! must not change what API clients receive.

use serde::Serialize;

use crate::index::Demuc;
use crate::model::{Article, Document, Status};
use crate::search::{Fragment, Span};
use crate::web::views::{article_url, doc_url};

#[derive(Serialize)]
pub struct StatusJson {
    pub code: &'static str,
    pub label: &'static str,
}

impl From<Status> for StatusJson {
    fn from(s: Status) -> StatusJson {
        StatusJson {
            code: s.slug(),
            label: s.label_vi(),
        }
    }
}

#[derive(Serialize)]
pub struct DocumentSummary {
    pub key: String,
    pub so_hieu: String,
    pub doc_type: String,
    pub title: String,
    pub display_title: String,
    pub issued: Option<String>,
    pub status: StatusJson,
    pub url: String,
    pub api_url: String,
}

impl From<&Document> for DocumentSummary {
    fn from(d: &Document) -> DocumentSummary {
        let url = doc_url(&d.key);
        DocumentSummary {
            key: d.key.clone(),
            so_hieu: d.so_hieu.clone(),
            doc_type: d.doc_type.clone(),
            title: d.title.clone(),
            display_title: d.display_title(),
            issued: d.issued.map(|d| d.to_string()),
            status: d.status.into(),
            api_url: format!("/api/v1/documents/{}", &url["/van-ban/".len()..]),
            url,
        }
    }
}

#[derive(Serialize)]
pub struct DemucJson {
    pub code: String,
    pub name: String,
}

#[derive(Serialize)]
pub struct ArticleRef {
    pub id: String,
    pub number: Option<String>,
    pub title: String,
    pub chapter: Option<String>,
    pub url: String,
}

#[derive(Serialize)]
pub struct DocumentDetail {
    #[serde(flatten)]
    pub summary: DocumentSummary,
    pub issuer: Option<String>,
    pub signer: Option<String>,
    pub effective_from: Option<String>,
    pub demuc: Vec<DemucJson>,
    pub source_url: Option<String>,
    pub snapshot: String,
    pub outdated: bool,
    pub articles: Vec<ArticleRef>,
}

impl DocumentDetail {
    pub fn new(d: &Document, demuc: Vec<DemucJson>, articles: &[Article]) -> DocumentDetail {
        DocumentDetail {
            summary: d.into(),
            issuer: d.issuer.clone(),
            signer: d.signer.clone(),
            effective_from: d.effective_from.map(|d| d.to_string()),
            demuc,
            source_url: d.source_url.clone(),
            snapshot: d.provenance.snapshot.clone(),
            outdated: d.provenance.outdated,
            articles: articles
                .iter()
                .map(|a| ArticleRef {
                    id: a.id.clone(),
                    number: a.number.clone(),
                    title: a.title.clone(),
                    chapter: a.chapter.clone(),
                    url: article_url(&a.id),
                })
                .collect(),
        }
    }
}

#[derive(Serialize)]
pub struct ArticleDetail {
    pub id: String,
    pub label: String,
    pub number: Option<String>,
    pub title: String,
    pub text: String,
    pub chapter: Option<String>,
    pub demuc: DemucJson,
    pub citation: Option<String>,
    pub source_url: Option<String>,
    pub related: Vec<String>,
    pub snapshot: String,
    pub outdated: bool,
    pub url: String,
    pub document: Option<DocumentSummary>,
}

impl ArticleDetail {
    pub fn new(a: Article, document: Option<&Document>) -> ArticleDetail {
        ArticleDetail {
            url: article_url(&a.id),
            demuc: DemucJson {
                code: a.demuc_code,
                name: a.demuc_name,
            },
            snapshot: a.provenance.snapshot,
            outdated: a.provenance.outdated,
            document: document.map(DocumentSummary::from),
            id: a.id,
            label: a.label,
            number: a.number,
            title: a.title,
            text: a.text,
            chapter: a.chapter,
            citation: a.citation,
            source_url: a.source_url,
            related: a.related,
        }
    }
}

#[derive(Serialize)]
pub struct SpanJson {
    pub text: String,
    pub highlight: bool,
}

fn spans(s: &[Span]) -> Vec<SpanJson> {
    s.iter()
        .map(|s| SpanJson {
            text: s.text.clone(),
            highlight: s.highlight,
        })
        .collect()
}

#[derive(Serialize)]
pub struct FragmentJson {
    pub spans: Vec<SpanJson>,
    pub leading: bool,
    pub trailing: bool,
}

#[derive(Serialize)]
pub struct HitJson {
    pub id: String,
    pub label: String,
    pub number: Option<String>,
    pub title: String,
    pub title_highlighted: Vec<SpanJson>,
    pub fragments: Vec<FragmentJson>,
    pub score: f32,
    pub url: String,
    pub document: Option<DocumentSummary>,
}

impl From<&crate::search::Hit> for HitJson {
    fn from(h: &crate::search::Hit) -> HitJson {
        HitJson {
            id: h.article.id.clone(),
            label: h.article.label.clone(),
            number: h.article.number.clone(),
            title: h.article.title.clone(),
            title_highlighted: spans(&h.title),
            fragments: h
                .fragments
                .iter()
                .map(|f: &Fragment| FragmentJson {
                    spans: spans(&f.spans),
                    leading: f.leading,
                    trailing: f.trailing,
                })
                .collect(),
            score: h.score,
            url: article_url(&h.article.id),
            document: h.document.as_deref().map(DocumentSummary::from),
        }
    }
}

#[derive(Serialize)]
pub struct GroupJson {
    pub document: Option<DocumentSummary>,
    pub doc_key: String,
    pub matched_articles: usize,
    pub hits: Vec<HitJson>,
}

#[derive(Serialize)]
pub struct FacetJson {
    pub value: String,
    pub label: String,
    pub count: usize,
}

#[derive(Serialize, Default)]
pub struct FacetsJson {
    pub loai: Vec<FacetJson>,
    #[serde(rename = "co-quan")]
    pub co_quan: Vec<FacetJson>,
    pub nam: Vec<FacetJson>,
    #[serde(rename = "de-muc")]
    pub de_muc: Vec<FacetJson>,
    #[serde(rename = "hieu-luc")]
    pub hieu_luc: Vec<FacetJson>,
}

#[derive(Serialize)]
pub struct SearchResponse {
    pub query: String,
    pub page: usize,
    pub page_size: usize,
    /// Matching articles in the result window (at most the window size).
    pub total: usize,
    /// True when more articles match than the window holds.
    pub total_is_lower_bound: bool,
    pub has_more: bool,
    pub number_match: Option<DocumentSummary>,
    pub hits: Vec<HitJson>,
    pub groups: Vec<GroupJson>,
    pub facets: FacetsJson,
    pub took_us: u64,
}

#[derive(Serialize)]
pub struct SuggestionJson {
    pub label: String,
    pub so_hieu: String,
    pub url: String,
}

#[derive(Serialize)]
pub struct SuggestResponse {
    pub query: String,
    pub suggestions: Vec<SuggestionJson>,
}

#[derive(Serialize)]
pub struct ResolveResponse {
    /// "found" or "ambiguous".
    pub status: &'static str,
    pub document: Option<DocumentSummary>,
    pub candidates: Vec<DocumentSummary>,
}

impl From<&Demuc> for DemucJson {
    fn from(d: &Demuc) -> DemucJson {
        DemucJson {
            code: d.code.clone(),
            name: d.name.clone(),
        }
    }
}
