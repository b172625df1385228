//! Search over the index: a validated [`SearchRequest`] in, our own [`SearchResults`] out.
//! Callers never see tantivy types; the query is compiled in exactly one place (`compile`).
//! [`Catalog`] answers the lookups that are not ranked search: số hiệu resolution, suggestions,
//! newest documents.

mod catalog;
mod compile;
mod expand;
mod intent;
mod request;
mod rerank;
mod snippet;
mod stats;

use rustc_hash::FxHashMap;
use std::sync::Arc;
use std::time::Instant;

use tantivy::collector::TopDocs;
use tantivy::{DocAddress, Searcher};

use crate::index::{
    COLUMN_DEMUC, COLUMN_DOC_KEY, COLUMN_DOC_TYPE, COLUMN_ISSUER, COLUMN_STATUS, IndexError,
    LawIndex, NAMED_COLUMNS, schema_field_names as names,
};
use crate::model::{Article, Document};

pub use catalog::{Catalog, MAX_RESOLVE_CHARS, MAX_SUGGEST_CHARS, MAX_SUGGESTIONS, Resolution};
pub use intent::Intent;
pub use request::{
    DEFAULT_PAGE_SIZE, Filters, MAX_FILTER_VALUES, MAX_PAGE_SIZE, MAX_QUERY_CHARS,
    MAX_QUERY_SYLLABLES, MAX_RESULT_WINDOW, QueryTree, RequestError, SearchRequest, Sort,
};
pub use rerank::{FEATURE_NAMES, Features, NUM_FEATURES, RERANK_DEPTH};
pub use snippet::{FRAGMENT_SYLLABLES, Fragment, Highlighter, MAX_FRAGMENTS, Span};

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error(transparent)]
    Request(#[from] RequestError),
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error("search failed: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
}

/// Articles shown per document group.
pub const HITS_PER_GROUP: usize = 3;

/// One matching article.
#[derive(Debug, Clone)]
pub struct Hit {
    pub score: f32,
    pub article: Article,
    pub document: Option<Arc<Document>>,
    /// The article's title with query terms highlighted.
    pub title: Vec<Span>,
    pub fragments: Vec<Fragment>,
}

/// Matching articles of one document.
#[derive(Debug, Clone)]
pub struct DocumentGroup {
    pub doc_key: String,
    pub document: Option<Arc<Document>>,
    pub best_score: f32,
    /// Matching articles in the result window.
    pub matched_articles: usize,
    /// The best few of them.
    pub hits: Vec<Hit>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FacetCount {
    pub value: String,
    pub count: usize,
}

/// Counts per value of each document field, over the result window.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Facets {
    pub doc_type: Vec<FacetCount>,
    pub issuer: Vec<FacetCount>,
    pub year: Vec<FacetCount>,
    pub demuc: Vec<FacetCount>,
    pub status: Vec<FacetCount>,
}

#[derive(Debug, Clone, Default)]
pub struct SearchResults {
    /// The page of articles (empty when grouped).
    pub hits: Vec<Hit>,
    /// The page of documents (when grouped).
    pub groups: Vec<DocumentGroup>,
    /// Results in the window the page was cut from, when the window was collected.
    pub window: Option<usize>,
    /// Another page follows.
    pub has_more: bool,
    pub facets: Option<Facets>,
    /// A document number in the query named this document.
    pub number_match: Option<Arc<Document>>,
    pub took_us: u64,
}

/// Per-hit values read from fast fields, for grouping, sorting and facets.
struct WindowEntry<'a> {
    score: f32,
    addr: DocAddress,
    doc_key: &'a str,
    issued_days: Option<i64>,
}

/// Runs `request` against `index`.
pub fn search(index: &LawIndex, request: &SearchRequest) -> Result<SearchResults, SearchError> {
    let started = Instant::now();
    let searcher = index.reader.searcher();
    let highlighter = highlighter(request);
    let mut results = SearchResults::default();

    if !request.needs_window() {
        let top = ranked(
            index,
            &searcher,
            request,
            request.offset() + request.page_size() + 1,
        )?;
        results.has_more = top.len() > request.offset() + request.page_size();
        for (score, addr) in top
            .into_iter()
            .skip(request.offset())
            .take(request.page_size())
        {
            results
                .hits
                .push(hit(index, &searcher, &highlighter, request, score, addr)?);
        }
    } else {
        let top = ranked(index, &searcher, request, MAX_RESULT_WINDOW)?;
        let mut window = window_entries(index, &searcher, top)?;
        if request.facets {
            results.facets = Some(facets(index, &searcher, &window)?);
        }
        match request.sort {
            Sort::Relevance => {}
            Sort::Newest => {
                window.sort_by_key(|e| std::cmp::Reverse(e.issued_days.unwrap_or(i64::MIN)))
            }
            Sort::Oldest => window.sort_by_key(|e| e.issued_days.unwrap_or(i64::MAX)),
        }
        results.window = Some(window.len());
        if request.group_by_document {
            let mut order: Vec<&str> = Vec::new();
            let mut members: FxHashMap<&str, Vec<&WindowEntry>> = FxHashMap::default();
            for e in &window {
                let list = members.entry(e.doc_key).or_default();
                if list.is_empty() {
                    order.push(e.doc_key);
                }
                list.push(e);
            }
            results.has_more = order.len() > request.offset() + request.page_size();
            for key in order
                .iter()
                .skip(request.offset())
                .take(request.page_size())
            {
                let list = &members[key];
                let mut hits = Vec::new();
                for e in list.iter().take(HITS_PER_GROUP) {
                    hits.push(hit(
                        index,
                        &searcher,
                        &highlighter,
                        request,
                        e.score,
                        e.addr,
                    )?);
                }
                results.groups.push(DocumentGroup {
                    doc_key: (*key).to_owned(),
                    document: index.document(key).cloned(),
                    best_score: list.first().map_or(0.0, |e| e.score),
                    matched_articles: list.len(),
                    hits,
                });
            }
        } else {
            results.has_more = window.len() > request.offset() + request.page_size();
            for e in window
                .iter()
                .skip(request.offset())
                .take(request.page_size())
            {
                results.hits.push(hit(
                    index,
                    &searcher,
                    &highlighter,
                    request,
                    e.score,
                    e.addr,
                )?);
            }
        }
    }
    results.number_match = request
        .tree()
        .numbers
        .iter()
        .find_map(|n| index.document(n.canonical()).cloned());
    results.took_us = started.elapsed().as_micros() as u64;
    Ok(results)
}

/// Hits as (score, address), best first.
type Ranked = Vec<(f32, DocAddress)>;

/// The BM25 stage's best `limit` candidates, and the question's terms when it is reranked.
fn first_stage(
    index: &LawIndex,
    searcher: &Searcher,
    request: &SearchRequest,
    limit: usize,
) -> Result<(Ranked, Option<rerank::QueryTerms>), SearchError> {
    let mut stats = stats::TermStats::new(searcher);
    let query = compile::compile(index, &mut stats, request);
    let terms = rerank::QueryTerms::new(&mut stats, &index.fields, request.tree());
    // A keyword query collects only its page, which lets the top-k pruning work.
    let depth = if terms.is_some() {
        limit.max(RERANK_DEPTH)
    } else {
        limit
    };
    let top = searcher.search(&query, &TopDocs::with_limit(depth).order_by_score())?;
    Ok((top, terms))
}

/// The best `limit` articles by relevance: the BM25 stage over the whole index, then, for a
/// question, the rerank of its best [`RERANK_DEPTH`].
fn ranked(
    index: &LawIndex,
    searcher: &Searcher,
    request: &SearchRequest,
    limit: usize,
) -> Result<Vec<(f32, DocAddress)>, SearchError> {
    let (mut top, terms) = first_stage(index, searcher, request, limit)?;
    let Some(terms) = terms else {
        return Ok(top);
    };
    let rest = top.split_off(top.len().min(RERANK_DEPTH));
    let mut out = rerank::rerank(searcher, &index.fields, &terms, top)?;
    // Below the reranked head, first-stage order; scores shifted so the order holds.
    let floor = out.iter().map(|h| h.0).fold(f32::INFINITY, f32::min);
    let ceiling = rest.first().map_or(0.0, |h| h.0);
    out.extend(
        rest.into_iter()
            .map(|(s, a)| (s - ceiling + floor - 1.0, a)),
    );
    out.truncate(limit);
    Ok(out)
}

/// A query's first-stage candidates as the rerank sees them: what `fit_rerank.py` learns from
/// (`tracuu eval --dump-features`).
#[derive(Debug, Clone)]
pub struct Candidates {
    /// False for a keyword query: its candidates keep the first stage's order, and their
    /// features are not computed (all zero).
    pub reranked: bool,
    /// Article ids, best first by the first stage.
    pub ids: Vec<String>,
    pub features: Vec<Features>,
}

pub fn candidate_features(
    index: &LawIndex,
    request: &SearchRequest,
) -> Result<Candidates, SearchError> {
    let searcher = index.reader.searcher();
    let (top, terms) = first_stage(index, &searcher, request, RERANK_DEPTH)?;
    let ids = ids_of(index, &top);
    let features = match &terms {
        Some(terms) => rerank::features(&searcher, &index.fields, terms, &top)?,
        None => vec![[0.0; NUM_FEATURES]; ids.len()],
    };
    Ok(Candidates {
        reranked: terms.is_some(),
        ids,
        features,
    })
}

/// Ids of the best `limit` articles, best first: the engine alone, for evaluation.
pub fn search_ids(
    index: &LawIndex,
    request: &SearchRequest,
    limit: usize,
) -> Result<Vec<String>, SearchError> {
    let searcher = index.reader.searcher();
    let top = ranked(index, &searcher, request, limit)?;
    Ok(ids_of(index, &top))
}

fn ids_of(index: &LawIndex, top: &[(f32, DocAddress)]) -> Vec<String> {
    top.iter()
        .map(|&(_, addr)| index.article_id(addr.segment_ord, addr.doc_id).to_owned())
        .collect()
}

/// Ids of the best `limit` articles for the text `query` as typed; none for an invalid query.
/// What evaluation ranks with.
pub fn ranked_ids(index: &LawIndex, query: &str, limit: usize) -> Vec<String> {
    SearchRequest::new(query)
        .ok()
        .and_then(|r| search_ids(index, &r, limit).ok())
        .unwrap_or_default()
}

/// Highlights what `request` searches for (its words and phrases, not its exclusions), in any
/// text: for snippets, and for showing a whole document as found from a search.
pub fn highlighter(request: &SearchRequest) -> Highlighter {
    let tree = request.tree();
    Highlighter::new(tree.syllables.iter().chain(tree.phrases.iter().flatten()))
}

fn hit(
    index: &LawIndex,
    searcher: &Searcher,
    highlighter: &Highlighter,
    request: &SearchRequest,
    score: f32,
    addr: DocAddress,
) -> Result<Hit, SearchError> {
    let article = index.stored_article(searcher, addr)?;
    let (title, fragments) = if request.snippets {
        (
            highlighter.highlight(&article.title),
            highlighter.fragments(&article.text),
        )
    } else {
        (Vec::new(), Vec::new())
    };
    Ok(Hit {
        score,
        document: index.document(&article.doc_key).cloned(),
        article,
        title,
        fragments,
    })
}

/// The first ordinal of each doc in the [`NAMED_COLUMNS`] columns, their columns opened once
/// per segment; the values behind the ordinals come from [`LawIndex::column_value`].
#[derive(Default)]
struct Ordinals(FxHashMap<u32, Vec<Option<tantivy::columnar::StrColumn>>>);

impl Ordinals {
    fn first(
        &mut self,
        searcher: &Searcher,
        addr: DocAddress,
        which: usize,
    ) -> Result<Option<u64>, SearchError> {
        let columns = match self.0.entry(addr.segment_ord) {
            std::collections::hash_map::Entry::Occupied(o) => o.into_mut(),
            std::collections::hash_map::Entry::Vacant(v) => {
                let ff = searcher.segment_reader(addr.segment_ord).fast_fields();
                let columns = NAMED_COLUMNS
                    .iter()
                    .map(|name| ff.str(name))
                    .collect::<Result<Vec<_>, _>>()?;
                v.insert(columns)
            }
        };
        Ok(columns[which]
            .as_ref()
            .and_then(|c| c.term_ords(addr.doc_id).next()))
    }
}

fn window_entries<'a>(
    index: &'a LawIndex,
    searcher: &Searcher,
    top: Vec<(f32, DocAddress)>,
) -> Result<Vec<WindowEntry<'a>>, SearchError> {
    let mut days: FxHashMap<u32, Option<tantivy::columnar::Column<i64>>> = FxHashMap::default();
    let mut ordinals = Ordinals::default();
    let doc_key = COLUMN_DOC_KEY;
    let mut out = Vec::with_capacity(top.len());
    for (score, addr) in top {
        let days = days.entry(addr.segment_ord).or_insert_with(|| {
            searcher
                .segment_reader(addr.segment_ord)
                .fast_fields()
                .i64(names::ISSUED_DAYS)
                .ok()
        });
        let key = ordinals
            .first(searcher, addr, doc_key)?
            .map_or("", |ord| index.column_value(addr.segment_ord, doc_key, ord));
        out.push(WindowEntry {
            score,
            addr,
            doc_key: key,
            issued_days: days.as_ref().and_then(|c| c.first(addr.doc_id)),
        });
    }
    Ok(out)
}

fn facets(
    index: &LawIndex,
    searcher: &Searcher,
    window: &[WindowEntry],
) -> Result<Facets, SearchError> {
    let dims = [COLUMN_DOC_TYPE, COLUMN_ISSUER, COLUMN_DEMUC, COLUMN_STATUS];
    let mut counts: [FxHashMap<&str, usize>; 4] = Default::default();
    let mut years: FxHashMap<u64, usize> = FxHashMap::default();
    let mut year_columns: FxHashMap<u32, Option<tantivy::columnar::Column<u64>>> =
        FxHashMap::default();
    let mut ordinals = Ordinals::default();
    for e in window {
        let seg = e.addr.segment_ord;
        for (i, &which) in dims.iter().enumerate() {
            if let Some(ord) = ordinals.first(searcher, e.addr, which)? {
                let value = index.column_value(seg, which, ord);
                if !value.is_empty() {
                    *counts[i].entry(value).or_default() += 1;
                }
            }
        }
        let year = year_columns.entry(seg).or_insert_with(|| {
            searcher
                .segment_reader(seg)
                .fast_fields()
                .u64(names::YEAR)
                .ok()
        });
        if let Some(y) = year.as_ref().and_then(|c| c.first(e.addr.doc_id)) {
            *years.entry(y).or_default() += 1;
        }
    }
    let years: Vec<(String, usize)> = years.into_iter().map(|(y, n)| (y.to_string(), n)).collect();
    let years: FxHashMap<&str, usize> = years.iter().map(|(y, n)| (y.as_str(), *n)).collect();
    let sorted = |m: &FxHashMap<&str, usize>, by_value_desc: bool| {
        let mut v: Vec<FacetCount> = m
            .iter()
            .map(|(value, &count)| FacetCount {
                value: (*value).to_owned(),
                count,
            })
            .collect();
        if by_value_desc {
            v.sort_by(|a, b| b.value.cmp(&a.value));
        } else {
            v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
        }
        v
    };
    Ok(Facets {
        doc_type: sorted(&counts[0], false),
        issuer: sorted(&counts[1], false),
        demuc: sorted(&counts[2], false),
        status: sorted(&counts[3], false),
        year: sorted(&years, true),
    })
}
