//! Finding procedures: a validated [`ProcedureQuery`] compiled to one tantivy query (the only
//! place this module builds one), expanded with the colloquial lexicon, filtered and counted by
//! ministry, lĩnh vực, level, subject and channel over the in-memory table; name suggestions.
//!
//! Ranking: BM25 over folded syllables and syllable bigrams of the name (weighted most), the
//! lĩnh vực and bodies, and the body text; the official terms the lexicon maps the question's
//! everyday words to are added as name terms. Question scaffolding ("thủ tục ... như thế
//! nào", "cần giấy tờ gì") is not scored: every procedure has it.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use tantivy::Term;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;

use super::ProcedureError;
use super::index::ProcedureIndex;
use super::lexicon::Lexicon;
use super::model::{ChannelKind, Procedure};
use super::rerank::{self, QuestionProfile, RERANK_DEPTH};
use crate::analysis;

/// Longest query read, in characters.
pub const MAX_QUERY_CHARS: usize = 512;
/// Syllables of a query that are scored; the rest are ignored.
pub const MAX_QUERY_SYLLABLES: usize = 64;
pub const DEFAULT_PAGE_SIZE: usize = 20;
pub const MAX_PAGE_SIZE: usize = 50;
/// Deepest page served.
pub const MAX_PAGE: usize = 50;
/// Values accepted per filter.
pub const MAX_FILTER_VALUES: usize = 10;
/// Candidates a query reads from the index before filtering and counting.
pub const MAX_RESULT_WINDOW: usize = 500;
/// A hit scoring below this share of the best hit's score is not counted as a match: with OR
/// semantics almost every procedure shares some syllable with a question, and counting those
/// would make the facet counts meaningless.
pub const RELATIVE_SCORE_FLOOR: f32 = 0.25;
pub const MAX_SUGGESTIONS: usize = 10;

const W_NAME: f32 = 3.0;
/// The name's syllables with their marks: "biến động" is not "biện pháp".
const W_NAME_EXACT: f32 = 1.5;
const W_NAME_BIGRAM: f32 = 4.0;
const W_CONTEXT: f32 = 1.0;
const W_BODY: f32 = 0.3;
const W_BODY_BIGRAM: f32 = 0.6;
/// Weight of the lexicon's official terms relative to the words typed.
const W_EXPANSION: f32 = 1.5;
/// Words of a question that say it is a question, not what it is about (folded).
const SCAFFOLDING: &[&str] = &[
    "thu tuc",
    "nhu the nao",
    "the nao",
    "ra sao",
    "o dau",
    "lam sao",
    "lam the nao",
    "can nhung gi",
    "nhung gi",
    "can gi",
    "gom nhung",
    "bao gom",
    "la gi",
    "duoc thuc hien",
    "thuc hien",
    "co duoc khong",
    "khong",
    "can chuan bi",
    "hay cho biet",
    "cho hoi",
    "toi muon",
    "muon",
    "phai",
    "can",
    "nhung",
    "gi",
];

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RequestError {
    #[error("query longer than {MAX_QUERY_CHARS} characters")]
    TooLong,
    #[error("page {0} out of range 1..={MAX_PAGE}")]
    Page(usize),
    #[error("page size {0} out of range 1..={MAX_PAGE_SIZE}")]
    PageSize(usize),
    #[error("more than {MAX_FILTER_VALUES} values for one filter")]
    TooManyFilterValues,
    #[error("unknown channel {0:?}")]
    UnknownChannel(String),
}

impl RequestError {
    pub fn message_vi(&self) -> String {
        match self {
            RequestError::TooLong => {
                format!("Câu tìm kiếm quá dài: tối đa {MAX_QUERY_CHARS} ký tự.")
            }
            RequestError::Page(_) => format!("Số trang phải từ 1 đến {MAX_PAGE}."),
            RequestError::PageSize(_) => {
                format!("Số kết quả mỗi trang phải từ 1 đến {MAX_PAGE_SIZE}.")
            }
            RequestError::TooManyFilterValues => {
                format!("Mỗi bộ lọc chọn tối đa {MAX_FILTER_VALUES} giá trị.")
            }
            RequestError::UnknownChannel(_) => {
                "Cách thức nộp không hợp lệ: chọn trực tiếp, trực tuyến hoặc bưu chính.".to_owned()
            }
        }
    }
}

/// Filters; values are the labels as published ("Bộ Tư pháp", "Hộ tịch", "Cấp xã").
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProcedureFilters {
    pub ministry: Vec<String>,
    pub field: Vec<String>,
    pub level: Vec<String>,
    pub subject: Vec<String>,
    pub channel: Vec<ChannelKind>,
}

impl ProcedureFilters {
    pub fn is_empty(&self) -> bool {
        self.ministry.is_empty()
            && self.field.is_empty()
            && self.level.is_empty()
            && self.subject.is_empty()
            && self.channel.is_empty()
    }

    fn admits(&self, p: &Procedure) -> bool {
        let any = |wanted: &[String], have: &[String]| {
            wanted.is_empty() || wanted.iter().any(|w| have.contains(w))
        };
        (self.ministry.is_empty() || self.ministry.contains(&p.ministry))
            && (self.field.is_empty() || self.field.contains(&p.field))
            && any(&self.level, &p.levels)
            && any(&self.subject, &p.subjects)
            && (self.channel.is_empty() || self.channel.iter().all(|&k| p.has_channel(k)))
    }
}

/// A validated search: text (may be empty: browse by filters), filters, page.
#[derive(Debug, Clone)]
pub struct ProcedureQuery {
    text: String,
    pub filters: ProcedureFilters,
    page: usize,
    page_size: usize,
}

impl ProcedureQuery {
    pub fn new(text: &str) -> Result<ProcedureQuery, RequestError> {
        if text.chars().count() > MAX_QUERY_CHARS {
            return Err(RequestError::TooLong);
        }
        Ok(ProcedureQuery {
            text: text.trim().to_owned(),
            filters: ProcedureFilters::default(),
            page: 1,
            page_size: DEFAULT_PAGE_SIZE,
        })
    }

    pub fn with_filters(
        mut self,
        filters: ProcedureFilters,
    ) -> Result<ProcedureQuery, RequestError> {
        let lists = [
            filters.ministry.len(),
            filters.field.len(),
            filters.level.len(),
            filters.subject.len(),
            filters.channel.len(),
        ];
        if lists.iter().any(|&n| n > MAX_FILTER_VALUES) {
            return Err(RequestError::TooManyFilterValues);
        }
        self.filters = filters;
        Ok(self)
    }

    pub fn paginate(
        mut self,
        page: usize,
        page_size: usize,
    ) -> Result<ProcedureQuery, RequestError> {
        if !(1..=MAX_PAGE).contains(&page) {
            return Err(RequestError::Page(page));
        }
        if !(1..=MAX_PAGE_SIZE).contains(&page_size) {
            return Err(RequestError::PageSize(page_size));
        }
        self.page = page;
        self.page_size = page_size;
        Ok(self)
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn page(&self) -> usize {
        self.page
    }

    pub fn page_size(&self) -> usize {
        self.page_size
    }
}

#[derive(Debug, Clone)]
pub struct ProcedureHit {
    pub procedure: Arc<Procedure>,
    /// 0 when browsing without a query.
    pub score: f32,
}

/// Counts per value over every match, most first.
#[derive(Debug, Clone, Default)]
pub struct ProcedureFacets {
    pub ministry: Vec<(String, usize)>,
    pub field: Vec<(String, usize)>,
    pub level: Vec<(String, usize)>,
    pub subject: Vec<(String, usize)>,
    pub channel: Vec<(ChannelKind, usize)>,
}

#[derive(Debug, Clone)]
pub struct ProcedureResults {
    pub hits: Vec<ProcedureHit>,
    /// Matches after filtering (at most [`MAX_RESULT_WINDOW`] for a text query).
    pub total: usize,
    pub facets: ProcedureFacets,
    /// The official terms the lexicon added to the question.
    pub expanded: Vec<String>,
    pub took_us: u64,
}

/// The scored part of a question: folded syllables and bigrams with their weights.
struct Terms {
    /// Exact forms of the syllables typed with marks.
    exact: Vec<(String, f32)>,
    syllables: Vec<(String, f32)>,
    bigrams: Vec<(String, f32)>,
}

fn scaffolding_mask(folded: &[String]) -> Vec<bool> {
    let mut mask = vec![false; folded.len()];
    for phrase in SCAFFOLDING {
        let words: Vec<&str> = phrase.split(' ').collect();
        if words.len() > folded.len() {
            continue;
        }
        for start in 0..=folded.len() - words.len() {
            if words.iter().zip(&folded[start..]).all(|(w, f)| w == f) {
                mask[start..start + words.len()].fill(true);
            }
        }
    }
    mask
}

fn terms(text: &str, expansions: &[&str]) -> Terms {
    let mut exact: Vec<(String, f32)> = Vec::new();
    let mut syllables: Vec<(String, f32)> = Vec::new();
    let mut bigrams: Vec<(String, f32)> = Vec::new();
    let mut add = |text: &str, weight: f32, drop_scaffolding: bool| {
        let mut s = analysis::syllables(text);
        s.truncate(MAX_QUERY_SYLLABLES);
        let folded: Vec<String> = s.iter().map(|x| x.folded.clone()).collect();
        let mask = if drop_scaffolding {
            scaffolding_mask(&folded)
        } else {
            vec![false; folded.len()]
        };
        for ((f, masked), syl) in folded.iter().zip(&mask).zip(&s) {
            if !masked && !syllables.iter().any(|(t, _)| t == f) {
                syllables.push((f.clone(), weight));
            }
            if !masked && syl.exact != *f && !exact.iter().any(|(t, _)| *t == syl.exact) {
                exact.push((syl.exact.clone(), weight));
            }
        }
        for (i, _, b) in analysis::bigrams(&s) {
            let scaffolding = mask[i] && mask[i + 1];
            if !scaffolding && !bigrams.iter().any(|(t, _)| *t == b) {
                bigrams.push((b, weight));
            }
        }
    };
    add(text, 1.0, true);
    for e in expansions {
        add(e, W_EXPANSION, false);
    }
    Terms {
        exact,
        syllables,
        bigrams,
    }
}

fn compile(index: &ProcedureIndex, terms: &Terms) -> Box<dyn Query> {
    let f = &index.fields;
    let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let mut term = |field, text: &str, boost: f32| {
        let q = TermQuery::new(
            Term::from_field_text(field, text),
            IndexRecordOption::WithFreqs,
        );
        should.push((Occur::Should, Box::new(BoostQuery::new(Box::new(q), boost))));
    };
    for (t, w) in &terms.exact {
        term(f.name_exact, t, W_NAME_EXACT * w);
    }
    for (t, w) in &terms.syllables {
        term(f.name_fold, t, W_NAME * w);
        term(f.context_fold, t, W_CONTEXT * w);
        term(f.body_fold, t, W_BODY * w);
    }
    for (t, w) in &terms.bigrams {
        term(f.name_bigram, t, W_NAME_BIGRAM * w);
        term(f.body_bigram, t, W_BODY_BIGRAM * w);
    }
    Box::new(BooleanQuery::new(should))
}

/// (position in the table, first-stage score relative to the best, final score) of the best
/// procedures, and the official terms added.
type Ranked = (Vec<Candidate>, Vec<String>);

#[derive(Debug, Clone, Copy)]
struct Candidate {
    position: usize,
    /// BM25 relative to the best candidate's: what the match floor reads.
    bm25: f32,
    score: f32,
}

/// The first stage: the best `limit` procedures by BM25 (at least [`RERANK_DEPTH`]), scores
/// relative to the best, with the question's profile for the rerank.
fn first_stage<'t>(
    index: &ProcedureIndex,
    terms: &'t Terms,
    text: &str,
    expansions: &[&str],
    limit: usize,
) -> Result<(Vec<Candidate>, QuestionProfile<'t>), ProcedureError> {
    let query = compile(index, terms);
    let searcher = index.reader.searcher();
    // Every match scored, through tantivy's plain union rather than Block-WAND, which the
    // score order would pick: a window of hundreds over a few thousand procedures lets it skip
    // little, and it re-sorts a question's dozens of term scorers at each step (three quarters
    // of the collection's instructions, counted under callgrind).
    let exhaustive = TopDocs::with_limit(limit.max(RERANK_DEPTH))
        .tweak_score(|_: &tantivy::SegmentReader| |_: tantivy::DocId, score: tantivy::Score| score);
    let top = searcher.search(&query, &exhaustive)?;
    let best = top.first().map_or(1.0, |t| t.0).max(f32::MIN_POSITIVE);
    let mut out = Vec::with_capacity(top.len());
    for (score, addr) in top {
        if let Some(position) = index.position_of(addr) {
            out.push(Candidate {
                position,
                bm25: score / best,
                score: score / best,
            });
        }
    }
    let typed = |list: &'t [(String, f32)]| -> Vec<&'t str> {
        list.iter()
            .filter(|(_, w)| *w == 1.0)
            .map(|(t, _)| t.as_str())
            .collect()
    };
    let question = QuestionProfile::new(
        index.names(),
        typed(&terms.bigrams),
        terms.bigrams.iter().map(|(b, _)| b.as_str()).collect(),
        typed(&terms.exact),
        text,
        expansions,
    );
    Ok((out, question))
}

/// Positions in the table of the best `limit` procedures for `text`, with scores.
fn ranked(
    index: &ProcedureIndex,
    lexicon: &Lexicon,
    text: &str,
    limit: usize,
) -> Result<Ranked, ProcedureError> {
    let expansions = lexicon.expand(text);
    let terms = terms(text, &expansions);
    if terms.syllables.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    let (mut out, mut question) = first_stage(index, &terms, text, &expansions, limit)?;
    // The re-scored candidates stay ahead of the rest, which keep the first stage's order.
    let depth = out.len().min(RERANK_DEPTH);
    // The pool is only worked out when its feature counts (`candidate_features` always does,
    // for the fit).
    question.set_candidates(
        out[..depth]
            .iter()
            .map(|c| index.names().profile(c.position)),
        rerank::scores_pool(),
    );
    for c in &mut out[..depth] {
        let f = rerank::features(&question, index.names().profile(c.position), c.bm25);
        c.score = rerank::score(&f);
    }
    out[..depth].sort_by(|a, b| b.score.total_cmp(&a.score));
    out.truncate(limit);
    Ok((out, expansions.into_iter().map(str::to_owned).collect()))
}

/// Each question's first-stage candidates (best first, at most [`RERANK_DEPTH`]) with their
/// rerank features: the input of `fit_rerank.py`.
pub struct CandidateFeatures {
    pub ids: Vec<String>,
    pub features: Vec<rerank::Features>,
}

pub fn candidate_features(
    index: &ProcedureIndex,
    lexicon: &Lexicon,
    text: &str,
) -> Result<CandidateFeatures, ProcedureError> {
    let expansions = lexicon.expand(text);
    let terms = terms(text, &expansions);
    let mut out = CandidateFeatures {
        ids: Vec::new(),
        features: Vec::new(),
    };
    if terms.syllables.is_empty() {
        return Ok(out);
    }
    let (candidates, mut question) = first_stage(index, &terms, text, &expansions, RERANK_DEPTH)?;
    let candidates = &candidates[..candidates.len().min(RERANK_DEPTH)];
    question.set_candidates(
        candidates.iter().map(|c| index.names().profile(c.position)),
        true,
    );
    for c in candidates {
        out.ids.push(index.all()[c.position].ma.clone());
        out.features.push(rerank::features(
            &question,
            index.names().profile(c.position),
            c.bm25,
        ));
    }
    Ok(out)
}

/// Ids (mã thủ tục) of the best `limit` procedures for `text`: the ranking eval measures.
pub fn ranked_ids(
    index: &ProcedureIndex,
    lexicon: &Lexicon,
    text: &str,
    limit: usize,
) -> Vec<String> {
    match ranked(index, lexicon, text, limit) {
        Ok((hits, _)) => hits
            .into_iter()
            .map(|c| index.all()[c.position].ma.clone())
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// Table positions with scores, best first, and the official terms the lexicon added.
type Matches = (Vec<(usize, f32)>, Vec<String>);

/// `query`'s matches, best first (by name when it has no text), filtered.
fn matches(
    index: &ProcedureIndex,
    lexicon: &Lexicon,
    query: &ProcedureQuery,
) -> Result<Matches, ProcedureError> {
    let table = index.all();
    let (matches, expanded): Matches = if query.text.is_empty() {
        let mut all: Vec<(usize, f32)> = (0..table.len()).map(|i| (i, 0.0)).collect();
        all.sort_by(|a, b| table[a.0].name.cmp(&table[b.0].name));
        (all, Vec::new())
    } else {
        let (hits, expanded) = ranked(index, lexicon, &query.text, MAX_RESULT_WINDOW)?;
        let hits = hits
            .into_iter()
            .filter(|c| c.bm25 >= RELATIVE_SCORE_FLOOR)
            .map(|c| (c.position, c.score))
            .collect();
        (hits, expanded)
    };
    let filtered = matches
        .into_iter()
        .filter(|(i, _)| query.filters.admits(&table[*i]))
        .collect();
    Ok((filtered, expanded))
}

/// Runs `query`: ranked matches (or every procedure by name when the text is empty), filtered,
/// counted, one page.
pub fn search(
    index: &ProcedureIndex,
    lexicon: &Lexicon,
    query: &ProcedureQuery,
) -> Result<ProcedureResults, ProcedureError> {
    let started = Instant::now();
    let table = index.all();
    let (filtered, expanded) = matches(index, lexicon, query)?;
    let facets = facets(filtered.iter().map(|(i, _)| table[*i].as_ref()));
    let hits = filtered
        .iter()
        .skip((query.page - 1) * query.page_size)
        .take(query.page_size)
        .map(|&(i, score)| ProcedureHit {
            procedure: table[i].clone(),
            score,
        })
        .collect();
    Ok(ProcedureResults {
        hits,
        total: filtered.len(),
        facets,
        expanded,
        took_us: started.elapsed().as_micros() as u64,
    })
}

/// The best procedures for a question, and how many match: what a page that is not the
/// procedure search shows beside its own results (the law search page).
#[derive(Debug, Clone, Default)]
pub struct BestProcedures {
    pub procedures: Vec<Arc<Procedure>>,
    /// Matches above the score floor, at most [`MAX_RESULT_WINDOW`].
    pub matches: usize,
}

/// The first page of `query`'s matches and their number, as [`search`] ranks and filters them,
/// without facets: what a page that is not the procedure search shows beside its own results.
pub fn best(
    index: &ProcedureIndex,
    lexicon: &Lexicon,
    query: &ProcedureQuery,
) -> Result<BestProcedures, ProcedureError> {
    let (matches, _) = matches(index, lexicon, query)?;
    Ok(BestProcedures {
        procedures: matches
            .iter()
            .take(query.page_size)
            .map(|&(i, _)| index.all()[i].clone())
            .collect(),
        matches: matches.len(),
    })
}

fn facets<'a>(procedures: impl Iterator<Item = &'a Procedure>) -> ProcedureFacets {
    let mut ministry: BTreeMap<&str, usize> = BTreeMap::new();
    let mut field: BTreeMap<&str, usize> = BTreeMap::new();
    let mut level: BTreeMap<&str, usize> = BTreeMap::new();
    let mut subject: BTreeMap<&str, usize> = BTreeMap::new();
    let mut channel: BTreeMap<ChannelKind, usize> = BTreeMap::new();
    for p in procedures {
        *ministry.entry(&p.ministry).or_default() += 1;
        *field.entry(&p.field).or_default() += 1;
        for l in &p.levels {
            *level.entry(l).or_default() += 1;
        }
        for s in &p.subjects {
            *subject.entry(s).or_default() += 1;
        }
        for k in ChannelKind::ALL.into_iter().filter(|&k| p.has_channel(k)) {
            *channel.entry(k).or_default() += 1;
        }
    }
    fn sorted<K: Clone + Ord>(m: BTreeMap<K, usize>) -> Vec<(K, usize)> {
        let mut v: Vec<(K, usize)> = m.into_iter().collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        v
    }
    let owned = |m: BTreeMap<&str, usize>| -> Vec<(String, usize)> {
        sorted(m)
            .into_iter()
            .filter(|(k, _)| !k.is_empty())
            .map(|(k, n)| (k.to_owned(), n))
            .collect()
    };
    ProcedureFacets {
        ministry: owned(ministry),
        field: owned(field),
        level: owned(level),
        subject: owned(subject),
        channel: sorted(channel),
    }
}

/// Up to `limit` procedures whose name contains `prefix` at the start of a word, with or
/// without diacritics; names starting with it first, then shorter names.
pub fn suggest(index: &ProcedureIndex, prefix: &str, limit: usize) -> Vec<Arc<Procedure>> {
    let limit = limit.min(MAX_SUGGESTIONS);
    if prefix.chars().count() > MAX_QUERY_CHARS {
        return Vec::new();
    }
    let key = fold_line(prefix);
    if key.is_empty() || limit == 0 {
        return Vec::new();
    }
    let mut found: Vec<(usize, usize, &Arc<Procedure>)> = index
        .all()
        .iter()
        .filter_map(|p| {
            let name = fold_line(&p.name);
            let at = name
                .match_indices(&key)
                .map(|(i, _)| i)
                .find(|&i| i == 0 || name.as_bytes()[i - 1] == b' ')?;
            Some((at, name.len(), p))
        })
        .collect();
    found.sort_by_key(|f| (f.0 > 0, f.1));
    found
        .into_iter()
        .take(limit)
        .map(|(_, _, p)| p.clone())
        .collect()
}

/// Folded, lower-case, single-spaced.
fn fold_line(text: &str) -> String {
    analysis::fold(&text.to_lowercase())
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaffolding_is_not_scored() {
        let t = terms("Thủ tục đăng ký khai sinh được thực hiện như thế nào?", &[]);
        let s: Vec<&str> = t.syllables.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(s, ["dang", "ky", "khai", "sinh"]);
        let b: Vec<&str> = t.bigrams.iter().map(|(s, _)| s.as_str()).collect();
        assert!(b.contains(&"khai sinh") && !b.contains(&"thu tuc"), "{b:?}");
        let t = terms("làm giấy khai sinh", &["đăng ký khai sinh"]);
        assert!(
            t.syllables
                .iter()
                .any(|(s, w)| s == "dang" && *w == W_EXPANSION)
        );
    }

    #[test]
    fn requests_are_validated() {
        assert_eq!(
            ProcedureQuery::new(&"a".repeat(MAX_QUERY_CHARS + 1)).unwrap_err(),
            RequestError::TooLong
        );
        let q = ProcedureQuery::new("x").unwrap();
        assert_eq!(
            q.clone().paginate(0, 10).unwrap_err(),
            RequestError::Page(0)
        );
        assert_eq!(
            q.clone().paginate(1, 0).unwrap_err(),
            RequestError::PageSize(0)
        );
        let many = ProcedureFilters {
            field: vec!["x".into(); MAX_FILTER_VALUES + 1],
            ..Default::default()
        };
        assert_eq!(
            q.with_filters(many).unwrap_err(),
            RequestError::TooManyFilterValues
        );
    }
}
