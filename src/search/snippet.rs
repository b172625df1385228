//! Highlighted snippets computed from our own token offsets, so that they are right under
//! folding: "ket hon" highlights "kết hôn", and "hòa giải" highlights "hoà giải".

use std::collections::HashSet;

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

/// The folded forms a text must contain to be highlighted.
#[derive(Debug, Clone, Default)]
pub struct Highlighter {
    terms: HashSet<String>,
}

impl Highlighter {
    pub fn new<'a>(syllables: impl IntoIterator<Item = &'a Syllable>) -> Highlighter {
        Highlighter {
            terms: syllables.into_iter().map(|s| s.folded.clone()).collect(),
        }
    }

    pub fn from_text(text: &str) -> Highlighter {
        Highlighter::new(&analysis::syllables(text))
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// The whole `text` cut into highlighted and plain spans.
    pub fn highlight(&self, text: &str) -> Vec<Span> {
        let syl = analysis::folded_syllables(text);
        let matched: Vec<bool> = syl.iter().map(|s| self.terms.contains(&s.1)).collect();
        spans(text, &syl, &matched, 0, text.len())
    }

    /// Up to [`MAX_FRAGMENTS`] excerpts of `text` dense in query terms, in text order. When no
    /// term occurs, the opening of the text.
    pub fn fragments(&self, text: &str) -> Vec<Fragment> {
        let syl = analysis::folded_syllables(text);
        if syl.is_empty() {
            return Vec::new();
        }
        let matched: Vec<bool> = syl.iter().map(|s| self.terms.contains(&s.1)).collect();
        let window = FRAGMENT_SYLLABLES.min(syl.len());
        // Candidate windows open a few syllables before a match; long articles full of common
        // query words are capped so one snippet never costs more than a bounded scan.
        let candidates: Vec<usize> = (0..syl.len())
            .filter(|&i| matched[i])
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
                let mut distinct: Vec<&str> = Vec::new();
                let mut hits = 0;
                for i in (start..end).filter(|&i| matched[i]) {
                    hits += 1;
                    if !distinct.contains(&syl[i].1.as_str()) {
                        distinct.push(&syl[i].1);
                    }
                }
                let score = distinct.len() * 8 + hits;
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
                let from = if start == 0 { 0 } else { syl[start].0.start };
                let to = if end == syl.len() {
                    text.len()
                } else {
                    syl[end - 1].0.end
                };
                Fragment {
                    spans: spans(text, &syl, &matched, from, to),
                    leading: start > 0,
                    trailing: end < syl.len(),
                }
            })
            .collect()
    }
}

/// Cuts `text[from..to]` into spans, merging adjacent highlighted syllables ("kết hôn" is one
/// highlight, not two).
fn spans(
    text: &str,
    syl: &[(std::ops::Range<usize>, String)],
    matched: &[bool],
    from: usize,
    to: usize,
) -> Vec<Span> {
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
    for ((range, _), &m) in syl.iter().zip(matched) {
        if range.start < from || range.end > to || !m {
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
