//! Second stage: the best [`RERANK_DEPTH`] articles of the BM25 stage are scored again on
//! evidence a sum of term scores cannot see.
//!
//! BM25 adds up independent term scores, so an article that repeats two rare words of a
//! question can outrank one that contains all of them, and a long question's stray words pull
//! in articles of unrelated laws. For each candidate we read, from the postings of the query's
//! own terms, how much of the question it covers (syllables, adjacent pairs, words, as typed
//! and folded, weighted by IDF), how much of the candidate list its document and its đề mục
//! hold (the right law tends to bring several articles), and its role (a definitions article
//! for "là gì", closing boilerplate that rarely answers anything). A linear model over these
//! features, fitted on the dev questions by `fit_rerank.py` with held-out folds, gives the
//! final order. (A proximity feature, from positions, was tried: weight 0.04, dropped.)

use std::collections::HashMap;

use tantivy::postings::{Postings, SegmentPostings};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, DocId, DocSet, Searcher, TERMINATED, Term};

use super::intent::Intent;
use super::request::QueryTree;
use super::stats::TermStats;
use crate::analysis;
use crate::index::{Fields, schema_field_names as names};

/// Shortest query (in content syllables) that is reranked.
const RERANK_MIN_SYLLABLES: usize = 5;
/// Candidates taken from the first stage.
pub const RERANK_DEPTH: usize = 100;

/// Names of the features, in the order of [`Features`] (for the fitting script's report).
pub const FEATURE_NAMES: [&str; NUM_FEATURES] = [
    // The first stage's score over the best one.
    "bm25",
    // Share of the query's IDF mass present (title or text): syllables, adjacent pairs, pairs
    // in the title, syllables as typed with diacritics, dictionary words, the document's
    // context (type, title, đề mục).
    "cover",
    "cover_pair",
    "cover_pair_title",
    "cover_exact",
    "cover_words",
    "cover_context",
    // ln(1 + syllables of text).
    "text_len",
    // Share of the candidate list's score mass held by the article's document, its đề mục.
    "doc_share",
    "demuc_share",
    // The question asks what something is, and this is a definitions article.
    "definition_asked",
    // Closing boilerplate; scope articles.
    "boilerplate",
    "scope",
    // Share of the title's syllables that the query has: a short title the question spells
    // out ("Thời hạn kháng nghị") names the article asked about, where a long title that
    // merely contains the question's words is about something more specific. (The same share
    // over adjacent pairs was tried: weight -0.10, dropped.)
    "title_precision",
];
pub const NUM_FEATURES: usize = 14;
pub type Features = [f32; NUM_FEATURES];

/// Weights fitted by `fit_rerank.py` (see the module comment). Features are on comparable
/// scales (shares and coverages in 0..1, lengths as logarithms).
const WEIGHTS: Features = [
    0.00, 0.74, 1.80, 0.70, 0.78, 0.82, 0.39, -0.10, 0.48, 0.32, 1.74, -0.15, -0.53, 1.07,
];

/// Title pairs that mark an article's role in its document, in the order of `role` bits.
const ROLE_PAIRS: [&str; 8] = [
    // 0: the definitions article ("Giải thích từ ngữ").
    "giai thich",
    // 1–5: closing boilerplate ("Hiệu lực thi hành", "Điều khoản thi hành", "Quy định chuyển
    // tiếp", "Tổ chức thực hiện", "Trách nhiệm thi hành"): rarely what a question wants.
    "hieu luc",
    "khoan thi",
    "chuyen tiep",
    "chuc thuc",
    "nhiem thi",
    // 6–7: scope ("Phạm vi điều chỉnh", "Đối tượng áp dụng").
    "pham vi",
    "doi tuong",
];
const ROLE_DEFINITIONS: u64 = 1;
const ROLE_BOILERPLATE: u64 = 0b11_1110;
const ROLE_SCOPE: u64 = 0b1100_0000;

/// Query terms of each kind whose coverage is measured, rarest first.
const MAX_TERMS_PER_KIND: usize = 16;
/// Terms in this share of the articles or more are left out of coverage: nearly every
/// candidate has them, and their posting lists are the longest to seek through. (Leaving out
/// all "common" terms, 5% and up, as the first stage does, costs 0.02 of R@10: coverage of
/// "hợp đồng" or "lao động" does tell articles apart.)
const UBIQUITOUS_TERM_DOC_RATIO: f32 = 0.3;

/// A query term with the weight its coverage counts for.
struct WeightedTerm {
    /// As indexed in its field (folded, or exact for the exact fields and words).
    text: String,
    idf: f32,
}

impl AsRef<str> for WeightedTerm {
    fn as_ref(&self) -> &str {
        &self.text
    }
}

/// The question's distinct terms of each kind, with IDF over the article texts.
pub struct QueryTerms {
    syllables: Vec<WeightedTerm>,
    pairs: Vec<WeightedTerm>,
    /// Syllables as typed, when typed with diacritics (in the exact fields).
    exact: Vec<WeightedTerm>,
    /// Dictionary words, when typed with diacritics (the segmenter needs them).
    words: Vec<WeightedTerm>,
    /// Every distinct syllable of the query, however common (folded): what a title's
    /// precision is measured against.
    title_syllables: Vec<String>,
    definition_asked: bool,
}

/// The distinct, not ubiquitous, rarest terms of `texts` in `field`.
fn weighted<'a>(
    stats: &mut TermStats,
    field: Field,
    texts: impl Iterator<Item = &'a str>,
) -> Vec<WeightedTerm> {
    let mut terms: Vec<WeightedTerm> = Vec::new();
    for text in texts {
        if terms.iter().any(|t| t.text == text) {
            continue;
        }
        let term = Term::from_field_text(field, text);
        if stats.doc_ratio(&term) >= UBIQUITOUS_TERM_DOC_RATIO {
            continue;
        }
        if let Some(idf) = stats.idf(&term) {
            terms.push(WeightedTerm {
                text: text.to_owned(),
                idf,
            });
        }
    }
    terms.sort_by(|a, b| b.idf.total_cmp(&a.idf));
    terms.truncate(MAX_TERMS_PER_KIND);
    terms
}

impl QueryTerms {
    /// The terms of a question; `None` for a keyword query (fewer than
    /// [`RERANK_MIN_SYLLABLES`] content syllables), which is not reranked: its few words either
    /// name an article's title, which the first stage's title phrase already rewards, or say
    /// too little for coverage to tell candidates apart. The rerank is fitted on questions;
    /// keywords keep BM25's order (and its speed).
    pub fn new(stats: &mut TermStats, fields: &Fields, tree: &QueryTree) -> Option<QueryTerms> {
        if tree.syllables.len() < RERANK_MIN_SYLLABLES {
            return None;
        }
        let syllables = weighted(
            stats,
            fields.text_fold,
            tree.syllables.iter().map(|s| s.folded.as_str()),
        );
        let bigrams = analysis::bigrams(&tree.syllables);
        let pairs = weighted(
            stats,
            fields.text_bigram,
            bigrams.iter().map(|(_, _, p)| p.as_str()),
        );
        let exact = if tree.has_diacritics {
            weighted(
                stats,
                fields.text,
                tree.syllables.iter().map(|s| s.exact.as_str()),
            )
        } else {
            Vec::new()
        };
        let words = weighted(stats, fields.words, tree.words.iter().map(String::as_str));
        let mut title_syllables: Vec<String> =
            tree.syllables.iter().map(|s| s.folded.clone()).collect();
        title_syllables.sort_unstable();
        title_syllables.dedup();
        Some(QueryTerms {
            syllables,
            pairs,
            exact,
            words,
            title_syllables,
            definition_asked: tree.intents.contains(&Intent::Definition),
        })
    }
}

/// `DocSet::seek` that tolerates a target behind the cursor (a posting list may already stand
/// past a candidate that does not contain the term).
fn seek(postings: &mut impl DocSet, target: DocId) -> DocId {
    let at = postings.doc();
    if at >= target {
        at
    } else {
        postings.seek(target)
    }
}

/// Calls `found(term index, candidate index, postings)` for each term of `terms` that occurs
/// in `field` of a candidate doc (`docs` sorted ascending: each posting list is read forward
/// once).
fn for_each_occurrence(
    searcher: &Searcher,
    segment: u32,
    field: Field,
    terms: &[impl AsRef<str>],
    docs: &[DocId],
    option: IndexRecordOption,
    mut found: impl FnMut(usize, usize, &SegmentPostings),
) -> tantivy::Result<()> {
    let inverted = searcher.segment_reader(segment).inverted_index(field)?;
    for (t, term) in terms.iter().enumerate() {
        let Some(mut postings) =
            inverted.read_postings(&Term::from_field_text(field, term.as_ref()), option)?
        else {
            continue;
        };
        for (i, &doc) in docs.iter().enumerate() {
            let at = seek(&mut postings, doc);
            if at == TERMINATED {
                break;
            }
            if at == doc {
                found(t, i, &postings);
            }
        }
    }
    Ok(())
}

/// Per candidate doc, which terms occur: one bit per term (the first 64), per field.
fn presence(
    searcher: &Searcher,
    segment: u32,
    field: Field,
    terms: &[impl AsRef<str>],
    docs: &[DocId],
) -> tantivy::Result<Vec<u64>> {
    let mut mask = vec![0u64; docs.len()];
    let terms = &terms[..terms.len().min(64)];
    for_each_occurrence(
        searcher,
        segment,
        field,
        terms,
        docs,
        IndexRecordOption::Basic,
        |bit, i, _| mask[i] |= 1 << bit,
    )?;
    Ok(mask)
}

/// Per candidate doc, how many of its tokens in `field` are one of `terms`.
fn matched_tokens(
    searcher: &Searcher,
    segment: u32,
    field: Field,
    terms: &[String],
    docs: &[DocId],
) -> tantivy::Result<Vec<u32>> {
    let mut matched = vec![0u32; docs.len()];
    for_each_occurrence(
        searcher,
        segment,
        field,
        terms,
        docs,
        IndexRecordOption::WithFreqs,
        |_, i, postings| matched[i] += postings.term_freq(),
    )?;
    Ok(matched)
}

/// `matched` tokens of `len`, as a share (0 for an empty field).
fn precision(matched: u32, len: u32) -> f32 {
    if len == 0 {
        0.0
    } else {
        (matched as f32 / len as f32).min(1.0)
    }
}

fn covered(mask: u64, terms: &[WeightedTerm], total: f32) -> f32 {
    if total <= 0.0 {
        return 0.0;
    }
    let sum: f32 = terms
        .iter()
        .enumerate()
        .take(64)
        .filter(|(bit, _)| mask & (1 << bit) != 0)
        .map(|(_, t)| t.idf)
        .sum();
    sum / total
}

/// Term ordinal of a single-valued string fast field (same ordinal ⇔ same value in a segment).
fn ords(searcher: &Searcher, segment: u32, field: &str, docs: &[DocId]) -> Vec<Option<u64>> {
    let column = searcher.segment_reader(segment).fast_fields().str(field);
    match column {
        Ok(Some(column)) => docs.iter().map(|&d| column.term_ords(d).next()).collect(),
        _ => vec![None; docs.len()],
    }
}

/// Features of each candidate, in the candidates' order.
pub fn features(
    searcher: &Searcher,
    fields: &Fields,
    terms: &QueryTerms,
    candidates: &[(f32, DocAddress)],
) -> tantivy::Result<Vec<Features>> {
    let mut out = vec![[0.0f32; NUM_FEATURES]; candidates.len()];
    let max_score = candidates
        .iter()
        .map(|c| c.0)
        .fold(f32::MIN_POSITIVE, f32::max);
    let syllable_total: f32 = terms.syllables.iter().take(64).map(|t| t.idf).sum();
    let pair_total: f32 = terms.pairs.iter().take(64).map(|t| t.idf).sum();
    let exact_total: f32 = terms.exact.iter().take(64).map(|t| t.idf).sum();
    let words_total: f32 = terms.words.iter().take(64).map(|t| t.idf).sum();
    // Shares are keyed by (segment, ordinal).
    let mut doc_mass: HashMap<(u32, u64), f32> = HashMap::new();
    let mut demuc_mass: HashMap<(u32, u64), f32> = HashMap::new();
    let mut doc_of = vec![None; candidates.len()];
    let mut demuc_of = vec![None; candidates.len()];
    let mut segments: Vec<u32> = candidates.iter().map(|c| c.1.segment_ord).collect();
    segments.sort_unstable();
    segments.dedup();
    for segment in segments {
        // Candidates of this segment, by ascending doc id (postings are read forward).
        let mut idx: Vec<usize> = (0..candidates.len())
            .filter(|&i| candidates[i].1.segment_ord == segment)
            .collect();
        idx.sort_unstable_by_key(|&i| candidates[i].1.doc_id);
        let docs: Vec<DocId> = idx.iter().map(|&i| candidates[i].1.doc_id).collect();
        let syl = &terms.syllables;
        let title = presence(searcher, segment, fields.title_fold, syl, &docs)?;
        let text = presence(searcher, segment, fields.text_fold, syl, &docs)?;
        let pair_title = presence(searcher, segment, fields.title_bigram, &terms.pairs, &docs)?;
        let pair_text = presence(searcher, segment, fields.text_bigram, &terms.pairs, &docs)?;
        let context = presence(searcher, segment, fields.context, syl, &docs)?;
        let roles = presence(searcher, segment, fields.title_bigram, &ROLE_PAIRS, &docs)?;
        let exact = if terms.exact.is_empty() {
            None
        } else {
            let title = presence(searcher, segment, fields.title, &terms.exact, &docs)?;
            let text = presence(searcher, segment, fields.text, &terms.exact, &docs)?;
            Some((title, text))
        };
        let words = if terms.words.is_empty() {
            None
        } else {
            Some(presence(
                searcher,
                segment,
                fields.words,
                &terms.words,
                &docs,
            )?)
        };
        let norms = searcher
            .segment_reader(segment)
            .get_fieldnorms_reader(fields.text_fold)?;
        let title_norms = searcher
            .segment_reader(segment)
            .get_fieldnorms_reader(fields.title_fold)?;
        let title_syllables = matched_tokens(
            searcher,
            segment,
            fields.title_fold,
            &terms.title_syllables,
            &docs,
        )?;

        let doc_ords = ords(searcher, segment, names::DOC_KEY, &docs);
        let demuc_ords = ords(searcher, segment, names::DEMUC, &docs);
        for (k, &i) in idx.iter().enumerate() {
            let f = &mut out[i];
            f[1] = covered(title[k] | text[k], syl, syllable_total);
            f[2] = covered(pair_title[k] | pair_text[k], &terms.pairs, pair_total);
            f[3] = covered(pair_title[k], &terms.pairs, pair_total);
            // Without diacritics typed, exact and word coverage fall back to the folded one,
            // so one weight serves both kinds of query.
            f[4] = match &exact {
                Some((title, text)) => covered(title[k] | text[k], &terms.exact, exact_total),
                None => f[1],
            };
            f[5] = match &words {
                Some(words) => covered(words[k], &terms.words, words_total),
                None => f[1],
            };
            f[6] = covered(context[k], syl, syllable_total);
            f[7] = (1.0 + norms.fieldnorm(docs[k]) as f32).ln();
            let role = roles[k];
            f[10] = f32::from(u8::from(
                role & ROLE_DEFINITIONS != 0 && terms.definition_asked,
            ));
            f[11] = f32::from(u8::from(role & ROLE_BOILERPLATE != 0));
            f[12] = f32::from(u8::from(role & ROLE_SCOPE != 0));
            let title_len = title_norms.fieldnorm(docs[k]);
            f[13] = precision(title_syllables[k], title_len);
            doc_of[i] = doc_ords[k].map(|o| (segment, o));
            demuc_of[i] = demuc_ords[k].map(|o| (segment, o));
        }
    }
    let mut total_mass = 0.0f32;
    for (i, c) in candidates.iter().enumerate() {
        let m = c.0 / max_score;
        total_mass += m;
        if let Some(key) = doc_of[i] {
            *doc_mass.entry(key).or_default() += m;
        }
        if let Some(key) = demuc_of[i] {
            *demuc_mass.entry(key).or_default() += m;
        }
    }
    let total_mass = total_mass.max(f32::MIN_POSITIVE);
    for (i, c) in candidates.iter().enumerate() {
        let f = &mut out[i];
        f[0] = c.0 / max_score;
        f[8] = doc_of[i].map_or(0.0, |k| doc_mass[&k] / total_mass);
        f[9] = demuc_of[i].map_or(0.0, |k| demuc_mass[&k] / total_mass);
    }
    Ok(out)
}

fn score(f: &Features) -> f32 {
    f.iter().zip(WEIGHTS.iter()).map(|(x, w)| x * w).sum()
}

/// Reorders `candidates` (best first from the first stage) by the fitted model. The scores
/// returned are the model's, still "higher is better".
pub fn rerank(
    searcher: &Searcher,
    fields: &Fields,
    terms: &QueryTerms,
    candidates: Vec<(f32, DocAddress)>,
) -> tantivy::Result<Vec<(f32, DocAddress)>> {
    if candidates.len() < 2 {
        return Ok(candidates);
    }
    let features = features(searcher, fields, terms, &candidates)?;
    let mut scored: Vec<(f32, DocAddress)> = candidates
        .iter()
        .zip(&features)
        .map(|(c, f)| (score(f), c.1))
        .collect();
    // Stable: ties keep the first stage's order.
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    Ok(scored)
}
