//! `/van-ban/{slug}`: a document with all its articles. A slug that is another spelling of a
//! known số hiệu redirects (308) to the canonical address.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};

use super::{Segment, blocking};
use crate::analysis;
use crate::model::{Article, Document};
use crate::search::{self, Highlighter, MAX_QUERY_CHARS, Resolution, SearchRequest, Span};
use crate::web::error::WebError;
use crate::web::state::{AppState, Site};
use crate::web::views::document::{
    ArticleView, ChapterView, DocumentView, MatchNav, RelatedLink, outdated_note, page,
};
use crate::web::views::{article_anchor, article_url, doc_url, resolve};

pub async fn show(
    State(state): State<AppState>,
    Segment(slug): Segment,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    let site = state.site();
    blocking(move || {
        let doc = match find(&site, &slug)? {
            Found::One(doc) => doc,
            Found::Elsewhere(doc) => {
                let mut url = doc_url(&doc.key);
                if let Some(raw) = raw.filter(|r| !r.is_empty()) {
                    url = format!("{url}?{raw}");
                }
                return Ok(Redirect::permanent(&url).into_response());
            }
            Found::Several(docs) => {
                return Ok((
                    axum::http::StatusCode::MULTIPLE_CHOICES,
                    resolve::multiple_choices(&slug, &docs),
                )
                    .into_response());
            }
        };
        let q = query_text(raw.as_deref());
        let marks = q.as_deref().and_then(query_marks);
        let articles = site.index.document_articles(&doc.key)?;
        Ok(page(&document_view(&site, doc, q, marks.as_ref(), articles)?).into_response())
    })
    .await
}

pub(super) enum Found {
    One(Arc<Document>),
    /// Known under another slug: redirect there.
    Elsewhere(Arc<Document>),
    Several(Vec<Arc<Document>>),
}

/// The document a slug names, directly or as another spelling of its số hiệu.
pub(super) fn find(site: &Site, slug: &str) -> Result<Found, WebError> {
    match site.catalog.by_slug(slug) {
        [one] => return Ok(Found::One(one.clone())),
        [] => {}
        many => return Ok(Found::Several(many.to_vec())),
    }
    match site.catalog.resolve(slug) {
        Resolution::Found(doc) => Ok(Found::Elsewhere(doc)),
        Resolution::Ambiguous(docs) => Ok(Found::Several(docs)),
        Resolution::NotFound => Err(WebError::NotFound(
            "Không tìm thấy văn bản này. Văn bản có thể chưa có trong Bộ pháp điển, hoặc địa chỉ bị gõ sai.".to_owned(),
        )),
    }
}

/// The `q` parameter, when present, non-empty and of acceptable length.
pub(super) fn query_text(raw: Option<&str>) -> Option<String> {
    let raw = raw?;
    form_urlencoded::parse(raw.as_bytes())
        .find(|(k, _)| k == "q")
        .map(|(_, v)| v.trim().to_owned())
        .filter(|q| !q.is_empty() && q.chars().count() <= MAX_QUERY_CHARS)
}

/// What a query marks in a text: its terms highlighted, and the folded terms an article must
/// all contain to count as a match for the next/previous navigation.
pub(super) struct QueryMarks {
    pub highlighter: Highlighter,
    terms: HashSet<String>,
}

pub(super) fn query_marks(q: &str) -> Option<QueryMarks> {
    let request = SearchRequest::new(q).ok()?;
    let highlighter = search::highlighter(&request);
    let tree = request.tree();
    let terms: HashSet<String> = tree
        .syllables
        .iter()
        .chain(tree.phrases.iter().flatten())
        .map(|s| s.folded.clone())
        .collect();
    (!highlighter.is_empty()).then_some(QueryMarks { highlighter, terms })
}

fn spans(text: &str, highlighter: Option<&Highlighter>) -> Vec<Span> {
    match highlighter {
        Some(h) => h.highlight(text),
        None => vec![Span {
            text: text.to_owned(),
            highlight: false,
        }],
    }
}

/// Resolves related article ids to links: to an anchor when the article is on this page, to its
/// permalink otherwise; ids the index does not hold are left out.
pub(super) struct RelatedResolver<'a> {
    site: &'a Site,
    on_page: HashMap<String, String>,
    cache: HashMap<String, Option<RelatedLink>>,
}

fn related_label(a: &Article, doc: Option<&Document>) -> String {
    let mut label = match &a.number {
        Some(n) => format!("{n}. {}", a.title),
        None => a.title.clone(),
    };
    if let Some(d) = doc.filter(|d| !d.so_hieu.is_empty()) {
        label.push_str(&format!(" ({} {})", d.doc_type, d.so_hieu));
    }
    label
}

impl<'a> RelatedResolver<'a> {
    pub(super) fn new(site: &'a Site, on_page: &[Article]) -> RelatedResolver<'a> {
        RelatedResolver {
            site,
            on_page: on_page
                .iter()
                .map(|a| (a.id.clone(), related_label(a, None)))
                .collect(),
            cache: HashMap::new(),
        }
    }

    pub(super) fn links(&mut self, ids: &[String]) -> Result<Vec<RelatedLink>, WebError> {
        let mut out = Vec::new();
        for id in ids {
            if let Some(label) = self.on_page.get(id) {
                out.push(RelatedLink {
                    label: label.clone(),
                    url: format!("#{}", article_anchor(id)),
                });
                continue;
            }
            if !self.cache.contains_key(id) {
                let link = self.site.index.article(id)?.map(|a| RelatedLink {
                    label: related_label(&a, self.site.index.document(&a.doc_key).map(|d| &**d)),
                    url: article_url(&a.id),
                });
                self.cache.insert(id.clone(), link);
            }
            if let Some(Some(link)) = self.cache.get(id) {
                out.push(RelatedLink {
                    label: link.label.clone(),
                    url: link.url.clone(),
                });
            }
        }
        Ok(out)
    }
}

/// One article's view: its text cut into highlighted spans when there is a query.
pub(super) fn article_view(
    site: &Site,
    a: &Article,
    highlighter: Option<&Highlighter>,
    related: &mut RelatedResolver<'_>,
) -> Result<ArticleView, WebError> {
    let anchor = article_anchor(&a.id);
    Ok(ArticleView {
        heading_id: format!("h-{anchor}"),
        permalink: article_url(&a.id),
        number: a.number.clone(),
        title: spans(&a.title, highlighter),
        lines: a
            .text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|l| spans(l, highlighter))
            .collect(),
        label: a.label.clone(),
        demuc: site.demuc_name(&a.demuc_code).to_owned(),
        citation: a.citation.clone(),
        source_url: a.source_url.clone(),
        related: related.links(&a.related)?,
        matched: None,
        anchor,
    })
}

/// True when the article holds every term of the query (in any of their spellings).
fn has_match(a: &ArticleView, marks: &QueryMarks) -> bool {
    let mut found: HashSet<String> = HashSet::new();
    for span in a.title.iter().chain(a.lines.iter().flatten()) {
        if span.highlight {
            found.extend(
                analysis::folded_syllables(&span.text)
                    .into_iter()
                    .map(|(_, folded)| folded),
            );
        }
    }
    marks.terms.iter().all(|t| found.contains(t))
}

fn document_view(
    site: &Site,
    doc: Arc<Document>,
    q: Option<String>,
    marks: Option<&QueryMarks>,
    articles: Vec<Article>,
) -> Result<DocumentView, WebError> {
    let highlighter = marks.map(|m| &m.highlighter);
    let mut related = RelatedResolver::new(site, &articles);
    let mut chapters: Vec<ChapterView> = Vec::new();
    for a in &articles {
        let view = article_view(site, a, highlighter, &mut related)?;
        match chapters.last_mut() {
            Some(c) if c.heading == a.chapter => c.articles.push(view),
            _ => chapters.push(ChapterView {
                heading: a.chapter.clone(),
                anchor: format!("chuong-{}", chapters.len() + 1),
                articles: vec![view],
            }),
        }
    }
    // Number the matching articles and link each to the previous and next one.
    let matching = |a: &ArticleView| marks.is_some_and(|m| has_match(a, m));
    let total = chapters
        .iter()
        .flat_map(|c| &c.articles)
        .filter(|a| matching(a))
        .count();
    let mut n = 0;
    for a in chapters.iter_mut().flat_map(|c| &mut c.articles) {
        if matching(a) {
            n += 1;
            a.matched = Some(MatchNav {
                anchor: format!("kq-{n}"),
                n,
                total,
                prev: (n > 1).then(|| format!("kq-{}", n - 1)),
                next: (n < total).then(|| format!("kq-{}", n + 1)),
            });
        }
    }
    let outdated = if doc.provenance.outdated {
        outdated_note(&doc.provenance)
    } else {
        articles
            .iter()
            .find(|a| a.provenance.outdated)
            .and_then(|a| outdated_note(&a.provenance))
    };
    Ok(DocumentView {
        canonical: doc_url(&doc.key),
        plain_url: doc_url(&doc.key),
        demuc: doc
            .demuc
            .iter()
            .map(|c| (c.clone(), site.demuc_name(c).to_owned()))
            .collect(),
        q: q.filter(|_| marks.is_some()),
        matching_articles: total,
        outdated,
        chapters,
        procedures: site.procedures.resting_on(&doc.key),
        doc,
    })
}
