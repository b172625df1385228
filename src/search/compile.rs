//! The one place where a [`SearchRequest`] becomes a tantivy query.
//!
//! Free text is a disjunction (natural questions must not need every word) of per-field BM25
//! term scores: folded syllables everywhere, exact syllables when the person typed diacritics (so
//! an exact match outscores a folded one), folded syllable bigrams (adjacent words score as a
//! phrase, at the cost of one term lookup), dictionary words, and the document's context (type,
//! title, đề mục). Quoted phrases and filters are required, exclusions forbidden, and a document
//! number in the query lifts that document above everything else.

use std::collections::HashSet;

use tantivy::Term;
use tantivy::query::{
    BooleanQuery, BoostQuery, EmptyQuery, Occur, PhraseQuery, Query, RegexQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};

use super::intent::Intent;
use super::request::{Filters, QueryTree, SearchRequest};
use super::stats::TermStats;
use crate::analysis::{self, Syllable};
use crate::index::{Fields, LawIndex, so_hieu_key};

// Field weights, tuned on the dev question set at the granularity of "which field matters
// more" (not per query): text bigrams carry phrase evidence and weigh most; titles are short, so
// BM25 already favours them and a high title weight over-rewards a single shared word.
const W_TITLE: f32 = 0.7;
const W_TEXT: f32 = 1.0;
const W_TITLE_EXACT: f32 = 0.3;
const W_TEXT_EXACT: f32 = 0.3;
const W_TITLE_BIGRAM: f32 = 1.0;
const W_TEXT_BIGRAM: f32 = 2.0;
const W_WORDS: f32 = 1.0;
const W_CONTEXT: f32 = 0.3;
const W_PHRASE: f32 = 2.0;
/// The whole (short) query is the article's title, or a phrase of it ("đăng ký thường trú"):
/// shared among the title pairs the query spells.
const W_TITLE_PHRASE: f32 = 3.0;
/// Longest query read as a keyword phrase: matched in the text by its pairs only.
const MAX_KEYWORD_SYLLABLES: usize = 3;
/// Longest query whose whole text is also tried as a title phrase.
const MAX_TITLE_PHRASE_SYLLABLES: usize = 8;
/// "X là gì": the definitions article ("Giải thích từ ngữ") of the text that defines X.
const W_DEFINITION: f32 = 4.0;
/// "bao lâu": provisions that set a time limit (thời hạn).
const W_DURATION: f32 = 1.0;
/// Most term scorers in one query (see `select_terms`). The first stage's cost grows with the
/// number of posting lists in its union; the rerank restores what the dropped terms said.
/// Measured on the dev questions: 32 terms p50 1.45 ms, 16 terms 0.61 ms, at the same R@10
/// after the rerank (0.854 held out).
const MAX_SCORED_TERMS: usize = 16;
/// An exact (as typed) syllable is scored only where folding merges words ("dan": dân, đan,
/// dẫn). When at least this share of the articles with the folded syllable have the very
/// spelling typed ("nhiem": nhiệm), the exact term repeats the folded term's score at the cost
/// of two more posting lists.
const EXACT_REDUNDANT_SHARE: f32 = 0.9;
/// A document number the person typed puts its document first, whatever the other words say.
const W_DOC_NUMBER: f32 = 1000.0;

fn phrase_or_term(field: Field, syllables: &[Syllable], exact: bool) -> Box<dyn Query> {
    let form = |s: &Syllable| {
        if exact {
            s.exact.clone()
        } else {
            s.folded.clone()
        }
    };
    if syllables.len() == 1 {
        return Box::new(TermQuery::new(
            Term::from_field_text(field, &form(&syllables[0])),
            IndexRecordOption::Basic,
        ));
    }
    Box::new(PhraseQuery::new(
        syllables
            .iter()
            .map(|s| Term::from_field_text(field, &form(s)))
            .collect(),
    ))
}

/// "In the title or the text" for a phrase, folded; with `exact_boost`, an article whose text
/// has the phrase's syllables as typed (with their diacritics) scores higher.
fn phrase_anywhere(fields: &Fields, syllables: &[Syllable], exact_boost: bool) -> Box<dyn Query> {
    let mut text = text_phrase(fields, syllables);
    let marked: Vec<&Syllable> = syllables.iter().filter(|s| s.exact != s.folded).collect();
    if exact_boost && !marked.is_empty() {
        // Term scorers nested under the text phrase, so they are only sought in the articles
        // it found. (The phrase as typed, matched on the exact syllables' positions, cost as
        // much as the rest of the query.)
        let weight = W_PHRASE / marked.len() as f32;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text)];
        for s in marked {
            let term = TermQuery::new(
                Term::from_field_text(fields.text, &s.exact),
                IndexRecordOption::WithFreqs,
            );
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(term), weight)),
            ));
        }
        text = Box::new(BooleanQuery::new(clauses));
    }
    Box::new(BooleanQuery::new(vec![
        (
            Occur::Should,
            phrase_or_term(fields.title_fold, syllables, false),
        ),
        (Occur::Should, text),
    ]))
}

/// A phrase of the articles' text, folded, matched on the positions of its pairs: a pair's
/// posting list is short (a few hundred articles for "bàn giao" where "bàn" and "giao" have
/// tens of thousands each) and holds few positions per article. Pairs are indexed within a
/// clause, so the phrase matches within one ("bàn giao, tiếp nhận" does not hold the phrase
/// "giao tiếp"); a phrase typed with punctuation inside matches each of its clauses.
fn text_phrase(fields: &Fields, syllables: &[Syllable]) -> Box<dyn Query> {
    let mut clauses: Vec<Box<dyn Query>> = Vec::new();
    for clause in syllables.chunk_by(|a, b| a.clause == b.clause) {
        let pairs: Vec<Term> = analysis::bigrams(clause)
            .into_iter()
            .map(|(_, _, pair)| Term::from_field_text(fields.text_bigram, &pair))
            .collect();
        clauses.push(match pairs.len() {
            0 => phrase_or_term(fields.text_fold, clause, false),
            1 => Box::new(TermQuery::new(
                pairs[0].clone(),
                IndexRecordOption::WithFreqs,
            )),
            _ => Box::new(PhraseQuery::new(pairs)),
        });
    }
    if clauses.len() == 1 {
        return clauses.remove(0);
    }
    Box::new(BooleanQuery::new(
        clauses.into_iter().map(|q| (Occur::Must, q)).collect(),
    ))
}

pub fn compile(index: &LawIndex, stats: &mut TermStats, request: &SearchRequest) -> Box<dyn Query> {
    let fields = &index.fields;
    let tree = request.tree();
    let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    free_text(index, stats, tree, &mut should);

    let mut must: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for phrase in &tree.phrases {
        must.push((
            Occur::Must,
            phrase_anywhere(fields, phrase, tree.has_diacritics),
        ));
    }
    for excluded in &tree.excluded {
        must.push((Occur::MustNot, phrase_anywhere(fields, excluded, false)));
    }
    let numbers = number_query(fields, tree);
    if let Some(numbers) = numbers {
        if tree.syllables.is_empty() && tree.phrases.is_empty() {
            // Only a number was typed: its document, nothing else.
            must.push((Occur::Must, numbers));
        } else {
            should.push((
                Occur::Should,
                Box::new(BoostQuery::new(numbers, W_DOC_NUMBER)),
            ));
        }
    }
    // Whether something typed is itself required (a phrase, or a number typed alone); if not,
    // the free text must match, or filters and exclusions would match on their own.
    let typed_required = must.iter().any(|(occur, _)| *occur == Occur::Must);
    filters(fields, &request.filters, &mut must);

    if must.is_empty() {
        return if should.is_empty() {
            Box::new(EmptyQuery)
        } else {
            Box::new(BooleanQuery::new(should))
        };
    }
    if !typed_required && should.is_empty() {
        return Box::new(EmptyQuery);
    }
    if !should.is_empty() {
        // Scores come from the free text; the required parts only restrict.
        let occur = if typed_required {
            Occur::Should
        } else {
            Occur::Must
        };
        must.push((occur, Box::new(BooleanQuery::new(should))));
    }
    Box::new(BooleanQuery::new(must))
}

fn free_text(
    index: &LawIndex,
    stats: &mut TermStats,
    tree: &QueryTree,
    out: &mut Vec<(Occur, Box<dyn Query>)>,
) {
    let fields = &index.fields;
    let mut terms: Vec<(Term, f32)> = Vec::new();
    // Common terms are dropped unless nothing else is left: they barely move the ranking and
    // their long posting lists are most of a query's cost. An uncommon pair of common syllables
    // ("bàn giao": "bàn" and "giao" are each in over 5% of the articles) is something left: it
    // says what the two syllables would, in a list thirty times shorter.
    let bigrams = analysis::bigrams(&tree.syllables);
    let all_common = tree.syllables.iter().all(|s| index.is_common(&s.folded))
        && bigrams.iter().all(|(_, _, b)| index.is_common(b));
    let keep = |t: &str| all_common || !index.is_common(t);
    // A keyword query of a few syllables is a phrase ("trường hợp", "đăng ký kết hôn"): in the
    // text it is matched by its pairs, not syllable by syllable (an article with "trường" in
    // one sentence and "hợp" in another is not about it, and those two lists each hold half the
    // articles). Titles still match syllable by syllable.
    let keyword_phrase = (2..=MAX_KEYWORD_SYLLABLES).contains(&tree.syllables.len())
        && bigrams.len() + 1 == tree.syllables.len()
        && bigrams
            .iter()
            .all(|(_, _, b)| stats.doc_freq(&Term::from_field_text(fields.text_bigram, b)) > 0);
    let mut seen = HashSet::new();
    for s in &tree.syllables {
        if !seen.insert(s.exact.as_str()) || !keep(&s.folded) {
            continue;
        }
        let text_fold = Term::from_field_text(fields.text_fold, &s.folded);
        terms.push((Term::from_field_text(fields.title_fold, &s.folded), W_TITLE));
        terms.push((Term::from_field_text(fields.context, &s.folded), W_CONTEXT));
        if tree.has_diacritics && s.exact != s.folded {
            let text_exact = Term::from_field_text(fields.text, &s.exact);
            if !repeats(stats, &text_exact, &text_fold) {
                terms.push((Term::from_field_text(fields.title, &s.exact), W_TITLE_EXACT));
                if !keyword_phrase {
                    terms.push((text_exact, W_TEXT_EXACT));
                }
            }
        }
        if !keyword_phrase {
            terms.push((text_fold, W_TEXT));
        }
    }
    // The whole (short) query as a phrase of the title, scored through the title's pairs:
    // term scorers only, so that tantivy's block-max pruning applies to the whole disjunction
    // (one phrase scorer in it turns the search into an exhaustive union, 10× slower on a
    // keyword query whose words are everywhere).
    let title_phrase = (2..=MAX_TITLE_PHRASE_SYLLABLES).contains(&tree.syllables.len())
        && tree
            .syllables
            .windows(2)
            .all(|w| w[0].clause == w[1].clause);
    let title_pair_weight = if title_phrase {
        W_TITLE_BIGRAM + W_TITLE_PHRASE / (tree.syllables.len() - 1) as f32
    } else {
        W_TITLE_BIGRAM
    };
    for intent in &tree.intents {
        match intent {
            Intent::Definition => terms.push((
                Term::from_field_text(fields.title_bigram, "giai thich"),
                W_DEFINITION,
            )),
            Intent::Duration => terms.push((
                Term::from_field_text(fields.text_bigram, "thoi han"),
                W_DURATION,
            )),
            Intent::Amount | Intent::Place => {}
        }
    }
    let mut seen = HashSet::new();
    for (_, _, bigram) in bigrams {
        if keep(&bigram) && seen.insert(bigram.clone()) {
            terms.push((
                Term::from_field_text(fields.title_bigram, &bigram),
                title_pair_weight,
            ));
            terms.push((
                Term::from_field_text(fields.text_bigram, &bigram),
                W_TEXT_BIGRAM,
            ));
        }
    }
    for word in &tree.words {
        let term = Term::from_field_text(fields.words, word);
        if !redundant_word(stats, fields, &term, word) {
            terms.push((term, W_WORDS));
        }
    }
    select_terms(stats, terms, out);
}

/// True when a dictionary word (`word`, syllables joined by `_`) adds nothing to its folded
/// syllable or syllable pair: nearly every article with those has the word as spelt
/// ([`EXACT_REDUNDANT_SHARE`]), so scoring it again would only cost a posting list. Words of
/// three syllables and more are kept.
fn redundant_word(stats: &mut TermStats, fields: &Fields, term: &Term, word: &str) -> bool {
    let folded = analysis::fold(word).replace('_', " ");
    let equivalent = match word.matches('_').count() {
        0 => Term::from_field_text(fields.text_fold, &folded),
        1 => Term::from_field_text(fields.text_bigram, &folded),
        _ => return false,
    };
    repeats(stats, term, &equivalent)
}

/// True when `term` is in at least [`EXACT_REDUNDANT_SHARE`] of the articles that have its
/// folded `equivalent`: scoring both says the same thing twice.
fn repeats(stats: &mut TermStats, term: &Term, equivalent: &Term) -> bool {
    let equivalent_df = stats.doc_freq(equivalent);
    equivalent_df > 0 && stats.doc_freq(term) as f32 >= EXACT_REDUNDANT_SHARE * equivalent_df as f32
}

/// Keeps the [`MAX_SCORED_TERMS`] terms that can contribute most (weight × IDF) and drops terms
/// absent from the index. A long question otherwise brings a hundred posting lists, and the
/// cost of a disjunction grows with their number far more than its ranking improves.
fn select_terms(
    stats: &mut TermStats,
    terms: Vec<(Term, f32)>,
    out: &mut Vec<(Occur, Box<dyn Query>)>,
) {
    let mut scored: Vec<(f32, Term, f32)> = terms
        .into_iter()
        .filter_map(|(term, weight)| Some((weight * stats.idf(&term)?, term, weight)))
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (_, term, weight) in scored.into_iter().take(MAX_SCORED_TERMS) {
        let q = TermQuery::new(term, IndexRecordOption::WithFreqs);
        out.push((
            Occur::Should,
            Box::new(BoostQuery::new(Box::new(q), weight)),
        ));
    }
}

fn number_query(fields: &Fields, tree: &QueryTree) -> Option<Box<dyn Query>> {
    let mut alternatives: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for n in &tree.numbers {
        alternatives.push((
            Occur::Should,
            Box::new(TermQuery::new(
                Term::from_field_text(fields.so_hieu, &n.key()),
                IndexRecordOption::Basic,
            )),
        ));
    }
    for p in &tree.partial_numbers {
        // "43/2011" with an optional type hint matches "43/2011/nd-cp"; keys are folded ASCII.
        let type_part = p
            .type_hint
            .map(|t| regex_escape(&so_hieu_key(t)))
            .unwrap_or_default();
        let pattern = format!("{}/{}/{}.*", p.number, p.year, type_part);
        if let Ok(q) = RegexQuery::from_pattern(&pattern, fields.so_hieu) {
            alternatives.push((Occur::Should, Box::new(q)));
        }
    }
    match alternatives.len() {
        0 => None,
        _ => Some(Box::new(BooleanQuery::new(alternatives))),
    }
}

fn regex_escape(s: &str) -> String {
    s.chars()
        .flat_map(|c| {
            let special = "\\.+*?()|[]{}^$#&-~".contains(c);
            special
                .then_some('\\')
                .into_iter()
                .chain(std::iter::once(c))
        })
        .collect()
}

fn any_of<T>(values: &[T], term: impl Fn(&T) -> Term, out: &mut Vec<(Occur, Box<dyn Query>)>) {
    if values.is_empty() {
        return;
    }
    let alternatives = values
        .iter()
        .map(|v| {
            let q: Box<dyn Query> = Box::new(TermQuery::new(term(v), IndexRecordOption::Basic));
            (Occur::Should, q)
        })
        .collect();
    out.push((Occur::Must, Box::new(BooleanQuery::new(alternatives))));
}

fn filters(fields: &Fields, f: &Filters, out: &mut Vec<(Occur, Box<dyn Query>)>) {
    any_of(
        &f.doc_types,
        |v| Term::from_field_text(fields.doc_type, v),
        out,
    );
    any_of(&f.issuers, |v| Term::from_field_text(fields.issuer, v), out);
    any_of(
        &f.years,
        |v| Term::from_field_u64(fields.year, u64::from(*v)),
        out,
    );
    any_of(&f.demuc, |v| Term::from_field_text(fields.demuc, v), out);
    any_of(
        &f.status,
        |v| Term::from_field_text(fields.status, v.slug()),
        out,
    );
}
