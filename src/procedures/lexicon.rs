//! Everyday wording → the official terms procedures are named in ("làm giấy khai sinh" →
//! "đăng ký khai sinh", "nhập hộ khẩu" → "đăng ký thường trú"). A plain TOML file, maintained by
//! hand (`content/procedures/lexicon.toml`), read at query time: [`LiveLexicon`] looks at the
//! file's modification time at most once per [`RELOAD_CHECK`] and reloads it when it changed,
//! so an edit takes effect without rebuilding the index or restarting the server. A file that
//! does not parse is reported and the previous lexicon stays in use.
//!
//! Matching is on whole syllables: exact forms for what was typed with marks, folded forms for
//! what was typed without ("lam giay khai sinh" matches too), except for an entry's `marked`
//! phrases, whose letters without marks mostly mean something else ("de con" is "để con" far
//! more often than "đẻ con").

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use rustc_hash::FxHashMap;
use serde::Deserialize;

use super::ProcedureError;
use crate::analysis;

/// The lexicon shipped in the repository, compiled in: what serves when no file is configured.
pub const BUILTIN: &str = include_str!("../../content/procedures/lexicon.toml");
/// How often the file's modification time is looked at.
pub const RELOAD_CHECK: Duration = Duration::from_secs(1);

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LexiconFile {
    #[serde(default, rename = "entry")]
    entries: Vec<EntryFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryFile {
    /// The official terms, as procedures are named.
    official: String,
    /// Ways people say it.
    #[serde(default)]
    colloquial: Vec<String>,
    /// Ways people say it that are only read where the question was typed with marks: without
    /// them the letters mostly mean something else ("de con" is far more often "để con" than
    /// "đẻ con").
    #[serde(default)]
    marked: Vec<String>,
}

/// A parsed lexicon.
#[derive(Debug, Default)]
pub struct Lexicon {
    phrases: Vec<Phrase>,
    /// The phrases by the folded form of their first syllable: a question's syllable is
    /// compared only with the phrases that can start there (exact forms are equal only where
    /// folded ones are). A scan of every phrase at every syllable took about 0.5 M
    /// instructions a question at 95 entries, and grows with the lexicon.
    by_first: FxHashMap<String, Vec<usize>>,
    official: Vec<String>,
}

/// A colloquial phrase.
#[derive(Debug)]
struct Phrase {
    syllables: Vec<Syllable>,
    /// Index of its official term.
    official: usize,
    /// From the entry's `marked` list: its syllables with marks match only syllables typed
    /// with marks (see [`Syllable::matches`]).
    marked_only: bool,
}

/// One syllable in both forms: a question typed with marks is matched on the exact form (so
/// "hoạt động của công ty" is not "đóng cửa công ty"), one typed without on the folded form.
#[derive(Debug, Clone, PartialEq)]
struct Syllable {
    exact: String,
    folded: String,
}

/// A syllable of the question, and whether it was typed with marks (worked out once per
/// question: it decides how every phrase of the lexicon is compared with it).
struct Typed {
    syllable: Syllable,
    marked: bool,
}

impl Syllable {
    /// Whether `typed` reads as this syllable; `strict`: a syllable with marks is not read
    /// into one typed without them.
    fn matches(&self, typed: &Typed, strict: bool) -> bool {
        if strict && !typed.marked && self.exact != self.folded {
            return false;
        }
        if typed.marked {
            self.exact == typed.syllable.exact
        } else {
            self.folded == typed.syllable.folded
        }
    }
}

impl Lexicon {
    /// Parses the TOML text; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Lexicon, ProcedureError> {
        let file: LexiconFile = toml::from_str(text).map_err(|e| ProcedureError::Lexicon {
            origin: origin.to_owned(),
            reason: e.to_string(),
        })?;
        let mut lexicon = Lexicon::default();
        for (i, entry) in file.entries.into_iter().enumerate() {
            let invalid = |reason: String| ProcedureError::Lexicon {
                origin: origin.to_owned(),
                reason: format!("entry {}: {reason}", i + 1),
            };
            if syllables(&entry.official).is_empty() {
                return Err(invalid("`official` is empty".to_owned()));
            }
            if entry.colloquial.is_empty() && entry.marked.is_empty() {
                return Err(invalid(
                    "`colloquial` and `marked` are both empty".to_owned(),
                ));
            }
            let at = lexicon.official.len();
            let listed = entry.colloquial.iter().map(|p| (p, false));
            for (phrase, marked_only) in listed.chain(entry.marked.iter().map(|p| (p, true))) {
                let words = syllables(phrase);
                if words.is_empty() {
                    return Err(invalid(format!("empty colloquial phrase {phrase:?}")));
                }
                if marked_only && words.iter().all(|w| w.exact == w.folded) {
                    return Err(invalid(format!(
                        "`marked` phrase {phrase:?} has no marks: list it under `colloquial`"
                    )));
                }
                lexicon
                    .by_first
                    .entry(words[0].folded.clone())
                    .or_default()
                    .push(lexicon.phrases.len());
                lexicon.phrases.push(Phrase {
                    syllables: words,
                    official: at,
                    marked_only,
                });
            }
            lexicon.official.push(entry.official);
        }
        Ok(lexicon)
    }

    pub fn builtin() -> Lexicon {
        // Checked by a unit test; an empty lexicon is the safe fallback.
        Lexicon::parse(BUILTIN, "builtin").unwrap_or_default()
    }

    pub fn len(&self) -> usize {
        self.official.len()
    }

    pub fn is_empty(&self) -> bool {
        self.official.is_empty()
    }

    /// The official terms whose colloquial phrases occur in `query` (as whole syllables, in
    /// order; a long phrase may have a few other syllables inside it, see [`MAX_GAP`]), each
    /// once, in lexicon order.
    pub fn expand(&self, query: &str) -> Vec<&str> {
        let q = typed(query);
        let mut hit = vec![false; self.official.len()];
        for (start, first) in q.iter().enumerate() {
            let Some(candidates) = self.by_first.get(&first.syllable.folded) else {
                continue;
            };
            for &i in candidates {
                let phrase = &self.phrases[i];
                if !hit[phrase.official] && phrase.occurs_at(&q, start) {
                    hit[phrase.official] = true;
                }
            }
        }
        self.official_hit(hit)
    }

    /// The official terms marked in `hit` (one flag per entry), in lexicon order.
    fn official_hit(&self, hit: Vec<bool>) -> Vec<&str> {
        self.official
            .iter()
            .zip(hit)
            .filter(|(_, h)| *h)
            .map(|(o, _)| o.as_str())
            .collect()
    }
}

/// Other syllables allowed between two of a long phrase's: people put words inside a phrase
/// ("bị đình chỉ vì ko đạt pccc" for "đình chỉ vì pccc", "cán bộ xã làm sai"). Only phrases
/// of [`GAP_MIN_SYLLABLES`] or more get them: a short one with a gap reads too much ("cho tây
/// thuê nhà" is not "cho thuê nhà", a landlord's tax). Chosen on the tuning sets (gaps of 1–3,
/// from 2, 3 or 4 syllables; README); the blind sixth set did not move.
const MAX_GAP: usize = 2;
const GAP_MIN_SYLLABLES: usize = 4;

impl Phrase {
    fn gap(&self) -> usize {
        if self.syllables.len() >= GAP_MIN_SYLLABLES {
            MAX_GAP
        } else {
            0
        }
    }

    /// Whether the phrase occurs in `q` starting at `start`: its syllables in order, with at
    /// most [`Phrase::gap`] other syllables between two of them.
    fn occurs_at(&self, q: &[Typed], start: usize) -> bool {
        occurs_at(&self.syllables, q, start, self.gap(), self.marked_only)
    }
}

fn occurs_at(phrase: &[Syllable], q: &[Typed], start: usize, gap: usize, strict: bool) -> bool {
    let Some((first, rest)) = phrase.split_first() else {
        return true;
    };
    if !q.get(start).is_some_and(|t| first.matches(t, strict)) {
        return false;
    }
    rest.is_empty()
        || (start + 1..=start + 1 + gap)
            .take_while(|&next| next < q.len())
            .any(|next| occurs_at(rest, q, next, gap, strict))
}

/// The question's syllables, each with whether it was typed with marks.
fn typed(query: &str) -> Vec<Typed> {
    syllables(query)
        .into_iter()
        .map(|syllable| Typed {
            marked: analysis::has_diacritics(&syllable.exact),
            syllable,
        })
        .collect()
}

fn syllables(text: &str) -> Vec<Syllable> {
    analysis::syllables(text)
        .into_iter()
        .map(|s| Syllable {
            exact: s.exact,
            folded: s.folded,
        })
        .collect()
}

/// The lexicon file, reloaded when it changes.
pub struct LiveLexicon {
    path: Option<PathBuf>,
    state: Mutex<LiveState>,
}

struct LiveState {
    lexicon: Arc<Lexicon>,
    modified: Option<SystemTime>,
    checked: Instant,
}

impl LiveLexicon {
    /// Serves the file at `path` (the built-in lexicon while it is absent or invalid), or the
    /// built-in lexicon when `path` is `None`.
    pub fn new(path: Option<PathBuf>) -> LiveLexicon {
        let live = LiveLexicon {
            path,
            state: Mutex::new(LiveState {
                lexicon: Arc::new(Lexicon::builtin()),
                modified: None,
                checked: Instant::now(),
            }),
        };
        live.reload();
        live
    }

    /// The lexicon now, re-reading the file first when it changed since the last look.
    pub fn get(&self) -> Arc<Lexicon> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if state.checked.elapsed() >= RELOAD_CHECK {
            state.checked = Instant::now();
            self.reload_locked(&mut state);
        }
        state.lexicon.clone()
    }

    /// Re-reads the file if its modification time changed. Returns whether it was reloaded.
    pub fn reload(&self) -> bool {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        self.reload_locked(&mut state)
    }

    fn reload_locked(&self, state: &mut LiveState) -> bool {
        let Some(path) = &self.path else {
            return false;
        };
        let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok();
        if modified.is_none() || modified == state.modified {
            return false;
        }
        state.modified = modified;
        match read(path) {
            Ok(lexicon) => {
                tracing::info!(path = %path.display(), entries = lexicon.len(), "lexicon loaded");
                state.lexicon = Arc::new(lexicon);
                true
            }
            Err(e) => {
                tracing::warn!(error = %e, "lexicon not reloaded; the previous one stays in use");
                false
            }
        }
    }
}

fn read(path: &Path) -> Result<Lexicon, ProcedureError> {
    let text = std::fs::read_to_string(path).map_err(|source| ProcedureError::Io {
        path: path.to_owned(),
        source,
    })?;
    Lexicon::parse(&text, &path.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_parses_and_expands() {
        let l = Lexicon::parse(BUILTIN, "builtin").unwrap();
        assert!(l.len() >= 30, "{} entries", l.len());
        assert_eq!(
            l.expand("vợ chồng tôi mới sinh em bé, làm giấy khai sinh ở đâu"),
            ["đăng ký khai sinh"]
        );
        assert_eq!(
            l.expand("nhap ho khau ve cho o moi"),
            ["đăng ký thường trú"]
        );
        assert!(l.expand("").is_empty());
        // "cưới" alone is read only with its marks: "cuoi" is mostly "cuối".
        assert_eq!(l.expand("tụi mình sắp cưới"), ["đăng ký kết hôn"]);
        assert_eq!(l.expand("tui minh chuan bi cuoi"), ["đăng ký kết hôn"]);
        assert!(l.expand("cuoi nam quyet toan thue").is_empty());
        // Folding alone would read "động của công ty" as "đóng cửa công ty".
        assert!(
            !l.expand("thay đổi hoạt động của công ty")
                .contains(&"giải thể doanh nghiệp")
        );
        assert!(
            l.expand("dong cua cong ty")
                .contains(&"giải thể doanh nghiệp")
        );
    }

    /// Every phrase at every syllable, worked out another way: the positions where each prefix
    /// of the phrase can end.
    fn expand_by_scanning<'a>(l: &'a Lexicon, query: &str) -> Vec<&'a str> {
        let q = typed(query);
        let mut hit = vec![false; l.official.len()];
        for phrase in &l.phrases {
            // The positions where the phrase's first k syllables can end, k = 1, 2, ...
            let (gap, strict) = (phrase.gap(), phrase.marked_only);
            let words = &phrase.syllables;
            let mut ends: Vec<usize> = (0..q.len())
                .filter(|&i| words[0].matches(&q[i], strict))
                .collect();
            for syllable in &words[1..] {
                ends = (0..q.len())
                    .filter(|&i| {
                        syllable.matches(&q[i], strict)
                            && ends.iter().any(|&e| e < i && i <= e + 1 + gap)
                    })
                    .collect();
            }
            if !ends.is_empty() {
                hit[phrase.official] = true;
            }
        }
        l.official_hit(hit)
    }

    #[test]
    fn the_index_finds_what_a_scan_of_every_phrase_finds() {
        let l = Lexicon::parse(BUILTIN, "builtin").unwrap();
        // Every phrase of the lexicon as a question, with and without marks, inside a sentence
        // and run together with the next phrase: what a scan finds, the index finds.
        let phrases: Vec<String> = l
            .phrases
            .iter()
            .map(|p| {
                p.syllables
                    .iter()
                    .map(|s| s.exact.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        let mut marked_only = 0;
        for (i, phrase) in phrases.iter().enumerate() {
            let next = &phrases[(i + 1) % phrases.len()];
            // A phrase of the `marked` list is not read into the same letters without marks.
            let folded_fires = !l.phrases[i].marked_only;
            marked_only += usize::from(!folded_fires);
            for (q, fires) in [
                (phrase.clone(), true),
                (analysis::fold(phrase), folded_fires),
                (format!("cho em hỏi {phrase} thì làm ở đâu"), true),
                (format!("{phrase} {next}"), true),
                (format!("{} {next}", analysis::fold(phrase)), true),
            ] {
                let found = l.expand(&q);
                assert_eq!(found, expand_by_scanning(&l, &q), "{q:?}");
                // (Another phrase may read it: "so dang kiem tau ca" is "đăng kiểm tàu cá".)
                assert!(!fires || !found.is_empty(), "{q:?} finds nothing");
            }
        }
        assert!(marked_only > 0, "the builtin lexicon has a `marked` list");
    }

    #[test]
    fn marked_phrases_are_read_only_where_the_question_has_marks() {
        let l = Lexicon::parse(
            "[[entry]]\nofficial = \"đăng ký khai sinh\"\ncolloquial = [\"mới đẻ\"]\n\
             marked = [\"đẻ con\"]\n",
            "test",
        )
        .unwrap();
        assert_eq!(l.expand("vợ tôi vừa đẻ con"), ["đăng ký khai sinh"]);
        assert!(l.expand("muốn làm giấy để con đi nhận thay").is_empty());
        assert!(l.expand("muon lam giay de con di nhan thay").is_empty());
        // The entry's other phrases are read without marks as before.
        assert_eq!(l.expand("vo toi moi de"), ["đăng ký khai sinh"]);
    }

    #[test]
    fn long_phrases_allow_a_few_words_inside_short_ones_do_not() {
        let l = Lexicon::parse(
            "[[entry]]\nofficial = \"phục hồi hoạt động\"\ncolloquial = [\"đình chỉ vì pccc\"]\n\
             [[entry]]\nofficial = \"khai thuế cho thuê nhà\"\ncolloquial = [\"cho thuê nhà\"]\n",
            "test",
        )
        .unwrap();
        assert_eq!(l.expand("bị đình chỉ vì pccc"), ["phục hồi hoạt động"]);
        assert_eq!(
            l.expand("bi dinh chi vi ko dat pccc"),
            ["phục hồi hoạt động"]
        );
        assert!(l.expand("bị đình chỉ vì một lỗi nhỏ về pccc").is_empty());
        assert!(l.expand("pccc vì đình chỉ").is_empty());
        assert_eq!(l.expand("cho thuê nhà"), ["khai thuế cho thuê nhà"]);
        assert!(l.expand("cho tây thuê nhà").is_empty());
    }

    #[test]
    fn bad_files_are_refused_with_their_reason() {
        for (text, reason) in [
            (
                "[[entry]]\nofficial = \"\"\ncolloquial = [\"x\"]",
                "`official` is empty",
            ),
            (
                "[[entry]]\nofficial = \"a\"\ncolloquial = []",
                "`colloquial` and `marked` are both empty",
            ),
            (
                "[[entry]]\nofficial = \"a\"\nmarked = [\"mua ghe\"]",
                "`marked` phrase \"mua ghe\" has no marks",
            ),
            (
                "[[entry]]\nofficial = \"a\"\ncolloquial = [\"x\"]\nextra = 1",
                "unknown field",
            ),
            ("not toml [", ""),
        ] {
            let e = Lexicon::parse(text, "t").unwrap_err().to_string();
            assert!(e.contains(reason), "{e}");
        }
    }
}
