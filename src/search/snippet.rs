//! Highlighted snippets computed from our own token offsets, so that they are right under
//! folding: "ket hon" highlights "kết hôn", and "hòa giải" highlights "hoà giải".

use std::ops::Range;

use rustc_hash::FxHashMap;

use crate::analysis::{self, Syllable};

/// Syllables in one fragment.
pub const FRAGMENT_SYLLABLES: usize = 32;
/// Most fragments per hit.
pub const MAX_FRAGMENTS: usize = 3;
/// Most candidate windows examined per text.
const MAX_CANDIDATES: usize = 256;

/// A run of text, highlighted or not. Plain text: the view escapes it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Span {
    pub text: String,
    pub highlight: bool,
}

/// One excerpt of an article; `leading`/`trailing` say whether text was cut before or after.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Fragment {
    pub spans: Vec<Span>,
    pub leading: bool,
    pub trailing: bool,
}

/// The folded forms a text must contain to be highlighted, each with a small number (for
/// counting distinct terms in a window).
#[derive(Debug, Clone, Default)]
pub struct Highlighter {
    /// FxHash: every syllable of each article shown is looked up here.
    terms: FxHashMap<String, u32>,
}

/// A text's syllables (byte ranges) and, for those that are query terms, the term's number.
struct Scanned {
    ranges: Vec<Range<usize>>,
    terms: Vec<Option<u32>>,
}

impl Highlighter {
    pub fn new<'a>(syllables: impl IntoIterator<Item = &'a Syllable>) -> Highlighter {
        let mut terms = FxHashMap::default();
        for s in syllables {
            let next = terms.len() as u32;
            terms.entry(s.folded.clone()).or_insert(next);
        }
        Highlighter { terms }
    }

    fn scan(&self, text: &str) -> Scanned {
        let mut ranges = Vec::with_capacity(text.len() / 5);
        let mut terms = Vec::with_capacity(text.len() / 5);
        analysis::for_each_folded_syllable(text, |range, folded| {
            ranges.push(range);
            terms.push(self.terms.get(folded).copied());
        });
        Scanned { ranges, terms }
    }

    pub fn from_text(text: &str) -> Highlighter {
        Highlighter::new(&analysis::syllables(text))
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// The whole `text` cut into highlighted and plain spans.
    pub fn highlight(&self, text: &str) -> Vec<Span> {
        let scanned = self.scan(text);
        spans(text, &scanned, 0, text.len())
    }

    /// Up to [`MAX_FRAGMENTS`] excerpts of `text` dense in query terms, in text order. When no
    /// term occurs, the opening of the text.
    pub fn fragments(&self, text: &str) -> Vec<Fragment> {
        let scanned = self.scan(text);
        let syl = &scanned.ranges;
        let matched = &scanned.terms;
        if syl.is_empty() {
            return Vec::new();
        }
        let window = FRAGMENT_SYLLABLES.min(syl.len());
        // Candidate windows open a few syllables before a match; long articles full of common
        // query words are capped so one snippet never costs more than a bounded scan.
        let candidates: Vec<usize> = (0..syl.len())
            .filter(|&i| matched[i].is_some())
            .map(|i| i.saturating_sub(4).min(syl.len() - window))
            .take(MAX_CANDIDATES)
            .collect();
        let mut starts: Vec<(usize, usize)> = Vec::new();
        for _ in 0..MAX_FRAGMENTS {
            let mut best: Option<(usize, usize)> = None;
            for &start in &candidates {
                let end = start + window;
                if starts.iter().any(|&(s, e)| start < e && s < end) {
                    continue;
                }
                // Distinct terms as bits (numbers past 63 share a bit: a query that long
                // still ranks windows by their hits).
                let mut distinct = 0u64;
                let mut hits = 0;
                for term in matched[start..end].iter().flatten() {
                    hits += 1;
                    distinct |= 1 << (term % 64);
                }
                let score = distinct.count_ones() as usize * 8 + hits;
                if best.is_none_or(|(s, _)| score > s) {
                    best = Some((score, start));
                }
            }
            let Some((_, start)) = best else { break };
            starts.push((start, start + window));
        }
        if starts.is_empty() {
            starts.push((0, window));
        }
        starts.sort_unstable();
        starts
            .into_iter()
            .map(|(start, end)| {
                let from = if start == 0 { 0 } else { syl[start].start };
                let to = if end == syl.len() {
                    text.len()
                } else {
                    syl[end - 1].end
                };
                Fragment {
                    spans: spans(text, &scanned, from, to),
                    leading: start > 0,
                    trailing: end < syl.len(),
                }
            })
            .collect()
    }
}

/// Cuts `text[from..to]` into spans, merging adjacent highlighted syllables ("kết hôn" is one
/// highlight, not two).
fn spans(text: &str, scanned: &Scanned, from: usize, to: usize) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::new();
    let mut cursor = from;
    let push = |out: &mut Vec<Span>, s: &str, highlight: bool| {
        if s.is_empty() {
            return;
        }
        match out.last_mut() {
            Some(last) if last.highlight == highlight => last.text.push_str(s),
            _ => out.push(Span {
                text: s.to_owned(),
                highlight,
            }),
        }
    };
    let first = scanned.ranges.partition_point(|r| r.start < from);
    for (range, term) in scanned.ranges[first..].iter().zip(&scanned.terms[first..]) {
        if range.end > to {
            break;
        }
        if term.is_none() {
            continue;
        }
        let gap = &text[cursor..range.start];
        // A single space between two highlighted syllables belongs to the highlight.
        let joins = gap.chars().all(char::is_whitespace)
            && !gap.is_empty()
            && out.last().is_some_and(|l| l.highlight)
            && cursor > from;
        push(&mut out, gap, joins);
        push(&mut out, &text[range.clone()], true);
        cursor = range.end;
    }
    push(&mut out, &text[cursor..to], false);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(spans: &[Span]) -> String {
        spans
            .iter()
            .map(|s| {
                if s.highlight {
                    format!("[{}]", s.text)
                } else {
                    s.text.clone()
                }
            })
            .collect()
    }

    #[test]
    fn highlights_under_folding() {
        let h = Highlighter::from_text("ket hon");
        assert_eq!(
            render(&h.highlight("Điều kiện kết hôn: nam, nữ kết  hôn.")),
            "Điều kiện [kết hôn]: nam, nữ [kết  hôn]."
        );
        let h = Highlighter::from_text("hòa giải");
        assert_eq!(render(&h.highlight("Hoà giải viên")), "[Hoà giải] viên");
    }

    #[test]
    fn fragments_pick_dense_windows() {
        let filler = "một hai ba bốn năm sáu bảy tám chín mười ".repeat(10);
        let text = format!("{filler}người lao động có quyền {filler}đình công hợp pháp {filler}");
        let h = Highlighter::from_text("quyền đình công");
        let frags = h.fragments(&text);
        assert!(!frags.is_empty() && frags.len() <= MAX_FRAGMENTS);
        let joined: Vec<String> = frags.iter().map(|f| render(&f.spans)).collect();
        assert!(
            joined.iter().any(|f| f.contains("[đình công]")),
            "{joined:?}"
        );
        assert!(joined.iter().any(|f| f.contains("[quyền]")), "{joined:?}");
        assert!(frags.iter().all(|f| f.leading && f.trailing));
    }

    #[test]
    fn no_match_gives_the_opening() {
        let h = Highlighter::from_text("zzz");
        let frags = h.fragments("Luật này quy định về thanh niên.");
        assert_eq!(frags.len(), 1);
        assert_eq!(render(&frags[0].spans), "Luật này quy định về thanh niên.");
        assert!(h.fragments("").is_empty());
    }
}
