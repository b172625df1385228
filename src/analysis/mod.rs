//! Vietnamese text analysis, shared by the indexer and the query path so that both see the same
//! tokens.
//!
//! A text is cut into syllables (maximal runs of letters and digits). Each syllable has an exact
//! form (NFC, lowercase, canonical tone placement) and a folded form (no marks, `đ` → `d`).
//! From the syllables come two derived streams: folded syllable bigrams (adjacent syllables in one
//! clause, which stand in for phrase proximity at the cost of a single term lookup) and words
//! found by dictionary segmentation with lindera. Every token keeps the exact byte range of the
//! text it came from, so highlights computed from tokens land on the right characters.
//!
//! The tokenizers are registered with tantivy by name ([`register`]); the query path calls
//! [`syllables`], [`bigrams`] and [`words`] directly, which are the same functions the tokenizers
//! run.

mod normalize;
mod segment;

use std::ops::Range;

use tantivy::tokenizer::{Token, TokenStream, Tokenizer, TokenizerManager};

pub use normalize::{canonical_tones, fold, has_diacritics};
pub use segment::{SegmentError, Segmenter};

/// Tokenizer names as registered with tantivy; the schema refers to them by these names.
pub const TOKENIZER_EXACT: &str = "vi";
pub const TOKENIZER_FOLDED: &str = "vi_fold";
pub const TOKENIZER_BIGRAM: &str = "vi_bigram";
pub const TOKENIZER_WORD: &str = "vi_word";
/// Separator inside a bigram or word token ("hop dong", "hợp_đồng_lao_động").
pub const BIGRAM_SEP: char = ' ';
pub const WORD_SEP: char = '_';

/// One syllable of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Syllable {
    /// Byte range in the analysed text.
    pub range: Range<usize>,
    /// NFC, lowercase, canonical tone placement.
    pub exact: String,
    /// `exact` without any mark.
    pub folded: String,
    /// Clause number: punctuation between two syllables starts a new clause. Bigrams never cross
    /// a clause boundary, so "hợp đồng, lao động" does not pretend "đồng lao" is a phrase.
    pub clause: u32,
}

fn is_clause_break(c: char) -> bool {
    matches!(
        c,
        ',' | '.'
            | ';'
            | ':'
            | '!'
            | '?'
            | '('
            | ')'
            | '['
            | ']'
            | '{'
            | '}'
            | '"'
            | '“'
            | '”'
            | '\n'
            | '\r'
            | '\t'
            | '…'
            | '–'
            | '—'
    )
}

/// A syllable character: letters and digits (and stray combining marks, so that text which is
/// not NFC still keeps its syllables whole).
pub(crate) fn is_syllable_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    // The letters Vietnamese is written with from a table: Unicode's property lookups were
    // most of the cost of scanning an article for a snippet.
    if let Some(latin) = normalize::latin(c) {
        return latin.letter;
    }
    c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c)
}

/// Cuts `text` into syllables, with exact byte ranges into `text` (any normalisation form).
pub fn syllables(text: &str) -> Vec<Syllable> {
    let mut out = Vec::with_capacity(text.len() / 5);
    let mut clause = 0u32;
    let mut start: Option<usize> = None;
    let mut pending_break = false;
    for (i, c) in text.char_indices() {
        if is_syllable_char(c) {
            if start.is_none() {
                if pending_break && !out.is_empty() {
                    clause += 1;
                }
                pending_break = false;
                start = Some(i);
            }
        } else {
            if let Some(s) = start.take() {
                push_syllable(text, s..i, clause, &mut out);
            }
            pending_break |= is_clause_break(c);
        }
    }
    if let Some(s) = start {
        push_syllable(text, s..text.len(), clause, &mut out);
    }
    out
}

fn push_syllable(text: &str, range: Range<usize>, clause: u32, out: &mut Vec<Syllable>) {
    let exact = canonical_tones(&text[range.clone()]);
    let folded = fold(&exact);
    out.push(Syllable {
        range,
        exact,
        folded,
        clause,
    });
}

/// Syllables of `text` in folded form only, with byte ranges: the fast path for highlighting,
/// which needs no exact form. Equal to the `folded` of [`syllables`] for every syllable.
pub fn folded_syllables(text: &str) -> Vec<(Range<usize>, String)> {
    let mut out = Vec::with_capacity(text.len() / 5);
    for_each_folded_syllable(text, |range, folded| out.push((range, folded.to_owned())));
    out
}

/// Calls `f(byte range, folded form)` for each syllable of `text`, in order, without
/// allocating per syllable (one buffer is reused): for scanning whole articles.
pub fn for_each_folded_syllable(text: &str, mut f: impl FnMut(Range<usize>, &str)) {
    let mut current = String::new();
    let mut start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        if is_syllable_char(c) {
            start.get_or_insert(i);
            normalize::fold_char_into(c, &mut current);
        } else if let Some(s) = start.take() {
            f(s..i, &current);
            current.clear();
        }
    }
    if let Some(s) = start {
        f(s..text.len(), &current);
    }
}

/// Folded bigrams of adjacent syllables within a clause, as `(position of the first syllable,
/// byte range, "a b")`.
pub fn bigrams(syllables: &[Syllable]) -> Vec<(usize, Range<usize>, String)> {
    syllables
        .windows(2)
        .enumerate()
        .filter(|(_, w)| w[0].clause == w[1].clause)
        .map(|(i, w)| {
            let mut s = String::with_capacity(w[0].folded.len() + w[1].folded.len() + 1);
            s.push_str(&w[0].folded);
            s.push(BIGRAM_SEP);
            s.push_str(&w[1].folded);
            (i, w[0].range.start..w[1].range.end, s)
        })
        .collect()
}

/// Multi-syllable dictionary words of `text` (exact forms joined by `_`), with byte ranges into the
/// normalised text. Single-syllable words are left out: the syllable fields already hold them.
pub fn words(text: &str) -> Vec<(Range<usize>, String)> {
    let Ok(segmenter) = Segmenter::global() else {
        // The dictionary is compiled into the binary and checked by tests; if it ever fails to
        // build, search degrades to syllables and bigrams instead of failing.
        return Vec::new();
    };
    let normalized = canonical_tones(text);
    segmenter
        .words(&normalized)
        .into_iter()
        .filter_map(|range| {
            let word = &normalized[range.clone()];
            if !word.contains(|c: char| !is_syllable_char(c)) {
                return None;
            }
            let joined: String = word
                .split(|c: char| !is_syllable_char(c))
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join("_");
            Some((range, joined))
        })
        .collect()
}

/// Registers the four Vietnamese tokenizers on an index's tokenizer manager.
pub fn register(manager: &TokenizerManager) {
    manager.register(TOKENIZER_EXACT, ViTokenizer(Kind::Exact));
    manager.register(TOKENIZER_FOLDED, ViTokenizer(Kind::Folded));
    manager.register(TOKENIZER_BIGRAM, ViTokenizer(Kind::Bigram));
    manager.register(TOKENIZER_WORD, ViTokenizer(Kind::Word));
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    Exact,
    Folded,
    Bigram,
    Word,
}

/// A tantivy tokenizer over [`syllables`], [`bigrams`] or [`words`]: the tokens are computed
/// eagerly, then streamed.
#[derive(Clone, Debug)]
struct ViTokenizer(Kind);

struct VecTokenStream {
    tokens: Vec<Token>,
    next: usize,
}

impl Tokenizer for ViTokenizer {
    type TokenStream<'a> = VecTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        let token = |position: usize, range: Range<usize>, text: String| Token {
            offset_from: range.start,
            offset_to: range.end,
            position,
            text,
            position_length: 1,
        };
        let tokens = match self.0 {
            Kind::Exact | Kind::Folded => syllables(text)
                .into_iter()
                .enumerate()
                .map(|(i, s)| {
                    let form = if matches!(self.0, Kind::Exact) {
                        s.exact
                    } else {
                        s.folded
                    };
                    token(i, s.range, form)
                })
                .collect(),
            Kind::Bigram => bigrams(&syllables(text))
                .into_iter()
                .map(|(i, r, s)| token(i, r, s))
                .collect(),
            Kind::Word => words(text)
                .into_iter()
                .enumerate()
                .map(|(i, (r, s))| token(i, r, s))
                .collect(),
        };
        VecTokenStream { tokens, next: 0 }
    }
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        &self.tokens[self
            .next
            .saturating_sub(1)
            .min(self.tokens.len().saturating_sub(1))]
    }

    fn token_mut(&mut self) -> &mut Token {
        let i = self
            .next
            .saturating_sub(1)
            .min(self.tokens.len().saturating_sub(1));
        &mut self.tokens[i]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(text: &str) -> String {
        syllables(text)
            .iter()
            .map(|s| {
                assert_eq!(canonical_tones(&text[s.range.clone()]), s.exact);
                format!("{}|{}@{}", s.exact, s.folded, s.clause)
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn syllables_keep_offsets_and_clauses() {
        assert_eq!(
            show("Hoà giải, Điều 5."),
            "hòa|hoa@0 giải|giai@0 điều|dieu@1 5|5@1"
        );
        assert_eq!(show("43/2011/NĐ-CP"), "43|43@0 2011|2011@0 nđ|nd@0 cp|cp@0");
        assert_eq!(show(""), "");
        assert_eq!(show("  ,, "), "");
    }

    #[test]
    fn nfd_offsets_point_into_original() {
        use unicode_normalization::UnicodeNormalization;
        let nfd: String = "kết hôn".nfd().collect();
        let syl = syllables(&nfd);
        assert_eq!(syl.len(), 2);
        assert_eq!(syl[0].exact, "kết");
        assert_eq!(&nfd[syl[1].range.clone()], "hôn".nfd().collect::<String>());
    }

    #[test]
    fn fast_folding_agrees_with_full_analysis() {
        use unicode_normalization::UnicodeNormalization;
        let text = "Điều 5. Hoà giải viên, QUYỀN và nghĩa vụ của người lao động; Ðơn ĐỀ NGHỊ 43/2011/nđ-cp";
        let nfd: String = text.nfd().collect();
        for t in [text, nfd.as_str()] {
            let full: Vec<(Range<usize>, String)> = syllables(t)
                .into_iter()
                .map(|s| (s.range, s.folded))
                .collect();
            assert_eq!(folded_syllables(t), full);
        }
    }

    #[test]
    fn bigrams_stay_inside_clauses() {
        let s = syllables("hợp đồng, lao động");
        let b: Vec<String> = bigrams(&s).into_iter().map(|(_, _, t)| t).collect();
        assert_eq!(b, ["hop dong", "lao dong"]);
    }

    #[test]
    fn token_stream_survives_empty_text() {
        let mut t = ViTokenizer(Kind::Folded);
        let mut stream = t.token_stream("");
        assert!(!stream.advance());
    }
}
