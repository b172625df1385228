//! Vietnamese word segmentation with a lindera dictionary compiled at runtime.
//!
//! Vietnamese writes one syllable per space-separated token, and a word is one or
//! more syllables ("người lao động" is one word, three syllables). Segmentation is
//! therefore the choice of where, between syllables, words end. This module does
//! it with lindera's Viterbi lattice over a dictionary built in memory (in a temp
//! dir, ~0.1-0.3 s) from two embedded lists:
//!
//! * `dict/pyvi-words.txt`: 31k general words from pyvi (MIT, see `dict/README.md`);
//! * `dict/legal-terms.txt`: ~4k multi-syllable legal terms mined from the codified
//!   law and the administrative procedures by `dict/mine_terms.py`.
//!
//! Every entry is lowercased, NFC'd and run through the same tone canonicalisation
//! the caller applies to the text (`canonical_tones`), so "hoà giải" and "hòa giải"
//! meet in one entry. All words cost the same, so the lattice picks the
//! segmentation with the fewest words (longest match, globally); a syllable not in
//! the dictionary is an unknown word that costs a bit more than a known one.
//!
//! The space-boundary trick: lindera matches dictionary entries at every character,
//! so without help it would happily cut inside a syllable ("thanh niên" →
//! "than" + "h niên"). The dictionary has three context classes, BOS/EOS, WORD
//! (every entry and every unknown syllable) and SPACE (the `' '` character, its own
//! `char.def` category); the connection cost WORD→WORD (two words touching with no
//! space in between) is prohibitive, so a word can only end before a space or the
//! end of a phrase. On top of that, [`Segmenter::words`] never hands lindera raw
//! text: it cuts the text into phrases (maximal runs of syllables separated only by
//! horizontal whitespace; punctuation, symbols and line breaks end a phrase),
//! rebuilds each phrase as syllables joined by single spaces, and maps the word
//! starts lindera reports back onto whole syllables of the input, so offsets are
//! exact and a syllable is never split whatever lindera does.

use std::borrow::Cow;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use lindera::dictionary::{DictionaryBuilder, Metadata, Schema, load_fs_dictionary_with_options};
use lindera::mode::Mode;
use unicode_normalization::UnicodeNormalization;

use super::is_syllable_char;
use super::normalize::canonical_tones as canon;

/// The general word list (pyvi 0.1.1, MIT).
const PYVI_WORDS: &str = include_str!("dict/pyvi-words.txt");
/// Legal terms mined from the corpus by `dict/mine_terms.py`.
const LEGAL_TERMS: &str = include_str!("dict/legal-terms.txt");

/// Cost of any dictionary word: uniform, so the best path has the fewest words.
const WORD_COST: i32 = 1000;
/// Cost of an unknown syllable (a one-syllable word not in the dictionary).
const UNKNOWN_COST: i32 = 1500;
/// Connection cost of two words touching without a space: never taken if avoidable.
const GLUE_COST: i32 = 30000;

/// Character classes. Everything but the two separators [`Segmenter::words`] puts
/// in lindera's input (space between syllables, newline between phrases) is part of
/// a syllable; the newline must be a separator too, or "sơ\n" groups into one
/// unknown word and the phrase-final word "hồ sơ" is lost.
const CHAR_DEF: &str = "\
DEFAULT 1 1 0
SPACE 0 1 0
0x000A SPACE
0x0020 SPACE
";

/// Errors building the dictionary.
#[derive(Debug, thiserror::Error)]
pub enum SegmentError {
    /// Writing the dictionary source or build output to the temp dir failed.
    #[error("segmenter dictionary: i/o error in {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// lindera refused to build or load the dictionary.
    #[error("segmenter dictionary: lindera: {0}")]
    Lindera(String),
    /// The process-wide instance failed to build (the message of the first failure).
    #[error("segmenter dictionary: {0}")]
    Global(String),
}

/// A Vietnamese word segmenter. Cheap to share: `Send + Sync`, `words` takes `&self`.
pub struct Segmenter {
    inner: lindera::segmenter::Segmenter,
    entries: usize,
}

impl std::fmt::Debug for Segmenter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Segmenter")
            .field("entries", &self.entries)
            .finish()
    }
}

/// Removes the temp build dir however `new` ends.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn write(path: &Path, contents: &str) -> Result<(), SegmentError> {
    std::fs::write(path, contents).map_err(|source| SegmentError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Whitespace that joins syllables into a phrase; line breaks end a phrase.
fn is_joiner(c: char) -> bool {
    c.is_whitespace()
        && !matches!(
            c,
            '\n' | '\r' | '\u{0b}' | '\u{0c}' | '\u{85}' | '\u{2028}' | '\u{2029}'
        )
}

/// The dictionary form of a list entry: lowercase, NFC, canonical tones, syllables
/// joined by one space. `None` when it holds anything but syllables (e.g. "kW-h",
/// "T/M"): such an entry could never match, since the text is cut at punctuation.
fn entry_form(line: &str) -> Option<String> {
    let lowered: String = line.trim().nfc().collect::<String>().to_lowercase();
    let canonical = canon(&lowered);
    let mut out = String::with_capacity(canonical.len());
    for syllable in canonical.split_whitespace() {
        if !syllable.chars().all(is_syllable_char) {
            return None;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(syllable);
    }
    (!out.is_empty()).then_some(out)
}

impl Segmenter {
    /// Built once per process from the embedded lists (include_str!), ~0.1-0.3 s.
    pub fn new() -> Result<Segmenter, SegmentError> {
        let mut entries: Vec<String> = PYVI_WORDS
            .lines()
            .chain(LEGAL_TERMS.lines())
            .filter_map(entry_form)
            .collect();
        entries.sort_unstable();
        entries.dedup();

        let mut lexicon = String::with_capacity(entries.len() * 24);
        for entry in &entries {
            lexicon.push_str(entry);
            lexicon.push_str(&format!(",1,1,{WORD_COST},W\n"));
        }
        let unk_def = format!("DEFAULT,1,1,{UNKNOWN_COST},U\nSPACE,2,2,0,S\n");
        let mut matrix_def = String::from("3 3\n");
        for left in 0..3 {
            for right in 0..3 {
                let cost = if left == 1 && right == 1 {
                    GLUE_COST
                } else {
                    0
                };
                matrix_def.push_str(&format!("{left} {right} {cost}\n"));
            }
        }

        static BUILD: AtomicUsize = AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let root = TempDir(std::env::temp_dir().join(format!(
            "tracuu-segment-{}-{}-{}",
            std::process::id(),
            BUILD.fetch_add(1, Ordering::Relaxed),
            nanos
        )));
        let input = root.0.join("src");
        let output = root.0.join("dict");
        std::fs::create_dir_all(&input).map_err(|source| SegmentError::Io {
            path: input.clone(),
            source,
        })?;
        write(&input.join("lex.csv"), &lexicon)?;
        write(&input.join("char.def"), CHAR_DEF)?;
        write(&input.join("unk.def"), &unk_def)?;
        write(&input.join("matrix.def"), &matrix_def)?;

        let schema = Schema::new(
            [
                "surface",
                "left_context_id",
                "right_context_id",
                "cost",
                "pos",
            ]
            .map(String::from)
            .to_vec(),
        );
        let metadata = Metadata::new(
            "tracuu-vi".to_string(),
            "UTF-8".to_string(),
            WORD_COST as i16,
            1,
            1,
            "*".to_string(),
            false,
            false,
            false,
            schema.clone(),
            Schema::new(vec!["surface".to_string(), "pos".to_string()]),
        );
        DictionaryBuilder::new(metadata)
            .build_dictionary(&input, &output)
            .map_err(|e| SegmentError::Lindera(e.to_string()))?;
        // Read into memory (no mmap), so the temp dir can go right away.
        let dictionary = load_fs_dictionary_with_options(&output, false)
            .map_err(|e| SegmentError::Lindera(e.to_string()))?;
        let inner = lindera::segmenter::Segmenter::new(Mode::Normal, dictionary, None)
            .unknown_word_ladder(false)
            .keep_whitespace(false);
        Ok(Segmenter {
            inner,
            entries: entries.len(),
        })
    }

    /// Process-wide shared instance (std::sync::OnceLock), panics never: returns Result.
    pub fn global() -> Result<&'static Segmenter, SegmentError> {
        static GLOBAL: OnceLock<Result<Segmenter, String>> = OnceLock::new();
        GLOBAL
            .get_or_init(|| Segmenter::new().map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| SegmentError::Global(e.clone()))
    }

    /// Number of distinct dictionary entries.
    pub fn entries(&self) -> usize {
        self.entries
    }

    /// Words of `text` (already normalised: NFC, lowercase, canonical tones), in order, as byte ranges into `text`.
    /// Every syllable (maximal run of alphanumeric chars) belongs to exactly one word; multi-syllable words
    /// span their inner spaces; punctuation and whitespace outside words are not returned. Unknown syllables are single-syllable words.
    pub fn words(&self, text: &str) -> Vec<Range<usize>> {
        // 1. Syllables of the text, and the phrase buffer handed to lindera:
        //    syllables joined by one space, phrases ended by '\n'.
        let mut syllables: Vec<Range<usize>> = Vec::new();
        let mut buffer_starts: Vec<usize> = Vec::new();
        // first syllable of each phrase
        let mut phrase_heads: Vec<bool> = Vec::new();
        let mut buffer = String::with_capacity(text.len() + 16);
        let mut joined = false; // only joiners since the last syllable
        let mut start: Option<usize> = None;
        for (i, c) in text
            .char_indices()
            .chain(std::iter::once((text.len(), '\n')))
        {
            if i < text.len() && is_syllable_char(c) {
                if start.is_none() {
                    start = Some(i);
                }
                continue;
            }
            if let Some(s) = start.take() {
                let head = !joined || syllables.is_empty();
                if !syllables.is_empty() {
                    buffer.push(if head { '\n' } else { ' ' });
                }
                buffer_starts.push(buffer.len());
                buffer.push_str(&text[s..i]);
                syllables.push(s..i);
                phrase_heads.push(head);
                joined = true;
            }
            if !is_joiner(c) {
                joined = false;
            }
        }
        if syllables.is_empty() {
            return Vec::new();
        }

        // 2. Word starts in the buffer, as lindera sees them.
        let mut starts: Vec<usize> = match self.inner.segment(Cow::Borrowed(buffer.as_str())) {
            Ok(tokens) => tokens.iter().map(|t| t.byte_start).collect(),
            // Cannot happen with this dictionary; degrade to one word per syllable.
            Err(_) => buffer_starts.clone(),
        };
        starts.sort_unstable();

        // 3. A syllable starts a word when it heads a phrase or lindera starts a token
        //    exactly there; token starts inside a syllable are ignored.
        let mut words: Vec<Range<usize>> = Vec::with_capacity(syllables.len());
        let mut k = 0;
        for (n, syllable) in syllables.iter().enumerate() {
            let at = buffer_starts[n];
            while k < starts.len() && starts[k] < at {
                k += 1;
            }
            let token_here = k < starts.len() && starts[k] == at;
            match words.last_mut() {
                Some(word) if !phrase_heads[n] && !token_here => word.end = syllable.end,
                _ => words.push(syllable.clone()),
            }
        }
        words
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg() -> &'static Segmenter {
        Segmenter::global().expect("segmenter builds")
    }

    /// Words of `text` rendered with `_` inside words and one space between them.
    fn render(text: &str) -> String {
        let words = seg().words(text);
        for w in &words {
            assert!(text.is_char_boundary(w.start) && text.is_char_boundary(w.end));
            assert!(w.start < w.end && w.end <= text.len());
        }
        words
            .iter()
            .map(|w| {
                text[w.clone()]
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join("_")
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[track_caller]
    fn check(text: &str, expected: &str) {
        let text = canon(&text.nfc().collect::<String>().to_lowercase());
        assert_eq!(render(&text), expected, "segmenting {text:?}");
    }

    #[test]
    fn thread_safe() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Segmenter>();
    }

    #[test]
    fn sentences() {
        check(
            "người lao động có quyền đơn phương chấm dứt hợp đồng lao động",
            "người_lao_động có quyền đơn_phương chấm_dứt hợp_đồng_lao_động",
        );
        check("thanh niên", "thanh_niên");
        check("hồ sơ, tổ chức", "hồ_sơ tổ_chức");
        // "công dân việt nam" is a mined legal term (a status in nationality law)
        check(
            "thanh niên là công dân việt nam",
            "thanh_niên là công_dân_việt_nam",
        );
    }

    #[test]
    fn tone_variants() {
        // both spellings canonicalise to one form, found in the dictionary
        let one = canon("hoà giải");
        assert_eq!(canon("hòa giải"), one);
        check("hoà giải", &one.replace(' ', "_"));
        check("hòa giải", &one.replace(' ', "_"));
        let joined = |s: &str| canon(s).replace(' ', "_");
        check("thuỷ sản", &joined("thuỷ sản"));
        check("thủy sản", &joined("thuỷ sản"));
        check("hoà giải viên", &joined("hoà giải viên"));
        check("xóa án tích", &joined("xoá án tích"));
    }

    #[test]
    fn legal_terms() {
        check("xoá án tích", &canon("xoá án tích").replace(' ', "_"));
        check("tạm giữ", "tạm_giữ");
        check(
            "giấy chứng nhận quyền sử dụng đất",
            "giấy_chứng_nhận_quyền_sử_dụng_đất",
        );
        check("hộ tịch", "hộ_tịch");
        check("thủ tục hành chính", "thủ_tục_hành_chính");
        check("xử phạt vi phạm hành chính", "xử_phạt_vi_phạm_hành_chính");
    }

    #[test]
    fn punctuation_and_numbers() {
        check("điều 5, khoản 2", "điều 5 khoản 2");
        check("Điều 5.", "điều 5");
        check("nghị định 43/2011/nđ-cp", "nghị_định 43 2011 nđ cp");
        check("thanh\nniên", "thanh niên");
        check("thanh  niên", "thanh_niên");
        check("thanh, niên", "thanh niên");
        check("tiếng anh: law firm", "tiếng_anh law firm");
    }

    #[test]
    fn degenerate_inputs() {
        assert!(seg().words("").is_empty());
        assert!(seg().words("   \n\t ").is_empty());
        assert!(seg().words("...!?").is_empty());
        check("😀 thanh niên 😀", "thanh_niên");
        check("😀thanh😀niên😀", "thanh niên");
        // stray combining mark (not NFC) stays inside its syllable
        let text = "thanh nie\u{302}n";
        let words = seg().words(text);
        assert_eq!(
            words.iter().map(|w| &text[w.clone()]).collect::<Vec<_>>(),
            vec!["thanh", "nie\u{302}n"]
        );
    }

    #[test]
    fn long_input() {
        let unit = "người lao động có quyền đơn phương chấm dứt hợp đồng lao động, điều 5.\n😀 ";
        let mut text = String::new();
        while text.len() < 100_000 {
            text.push_str(unit);
        }
        let words = seg().words(&text);
        assert!(words.len() > 1000);
        // no separators: one 110 KB phrase without any punctuation; lindera cuts
        // such a phrase every 32 KB, which may split a word there, never a syllable
        let long: String = "thanh niên ".repeat(10_000);
        let words = seg().words(&long);
        let whole = words
            .iter()
            .filter(|w| &long[(*w).clone()] == "thanh niên")
            .count();
        assert!(whole >= 9_990, "{whole}");
        let syllables: usize = words
            .iter()
            .map(|w| long[w.clone()].split(' ').count())
            .sum();
        assert_eq!(syllables, 20_000);
    }

    #[test]
    fn every_syllable_once() {
        let text = "Ủy ban nhân dân cấp tỉnh; 3 người (đ) x-y z.. ngân sách nhà nước\tvà";
        let words = seg().words(text);
        let mut covered = String::new();
        for w in &words {
            covered.push_str(&text[w.clone()]);
            covered.push('|');
        }
        let syllables: Vec<&str> = text
            .split(|c: char| !is_syllable_char(c))
            .filter(|s| !s.is_empty())
            .collect();
        let from_words: Vec<&str> = words
            .iter()
            .flat_map(|w| text[w.clone()].split_whitespace())
            .collect();
        assert_eq!(syllables, from_words, "{covered}");
    }

    /// Real article titles (phapdien 2026-01), as segmented; inspected by hand.
    #[test]
    fn article_titles() {
        check("Thanh niên", "thanh_niên");
        check("Tổ chức thanh niên", "tổ_chức thanh_niên");
        check("Phạm vi điều chỉnh", "phạm_vi_điều_chỉnh");
        check(
            "Thiết kế bản vẽ thi công, dự toán",
            "thiết_kế bản_vẽ thi_công dự_toán",
        );
        check(
            "Trách nhiệm của Ủy ban nhân dân cấp tỉnh",
            &format!(
                "trách_nhiệm của {}",
                canon("ủy ban nhân dân cấp tỉnh").replace(' ', "_")
            ),
        );
        check(
            "Chế độ chăm sóc y tế đối với người bị tạm giữ, người bị tạm giam",
            "chế_độ chăm_sóc y_tế đối_với người bị tạm_giữ người bị tạm_giam",
        );
        check(
            "Thu hồi kết quả phân loại trang thiết bị y tế",
            "thu_hồi kết_quả phân_loại trang_thiết_bị y_tế",
        );
        check("Điều khoản chuyển tiếp", "điều_khoản chuyển_tiếp");
        check("Giải thích từ ngữ", "giải_thích từ_ngữ");
        check(
            "Tổ chức, cá nhân quản lý lực lượng, phương tiện, thiết bị đóng tại địa phương",
            "tổ_chức cá_nhân quản_lý lực_lượng phương_tiện thiết_bị đóng tại địa_phương",
        );
        check(
            "Nguyên tắc hợp tác quốc tế trong tố tụng hình sự",
            "nguyên_tắc hợp_tác_quốc_tế trong tố_tụng_hình_sự",
        );
        check(
            "Phương pháp định giá tài sản",
            "phương_pháp định_giá tài_sản",
        );
        check(
            "Tiếp nhận tố giác, tin báo về tội phạm, kiến nghị khởi tố của các cơ quan có thẩm quyền tiến hành tố tụng",
            "tiếp_nhận tố_giác tin báo về tội_phạm kiến_nghị_khởi_tố của các cơ_quan_có_thẩm_quyền tiến_hành_tố_tụng",
        );
    }
}

#[cfg(test)]
mod corpus {
    //! Runs on the real corpus when it is there: `cargo test --release -- --ignored --nocapture`.
    use super::*;
    use std::io::BufRead;

    const ARTICLES: &str = "/work/shared/data/phapdien/articles-2026-01.jsonl.gz";

    fn articles(limit_bytes: usize) -> Option<Vec<(String, String)>> {
        let file = std::fs::File::open(ARTICLES).ok()?;
        let reader = std::io::BufReader::new(flate2::read::GzDecoder::new(file));
        let mut out = Vec::new();
        let mut total = 0;
        for line in reader.lines() {
            let v: serde_json::Value = serde_json::from_str(&line.ok()?).ok()?;
            let title = v["title"].as_str().unwrap_or("");
            let text = v["text"].as_str().unwrap_or("");
            let norm = |s: &str| canon(&s.nfc().collect::<String>().to_lowercase());
            total += text.len();
            out.push((norm(title), norm(text)));
            if total >= limit_bytes {
                break;
            }
        }
        Some(out)
    }

    /// Slow (segments 20 MB of the corpus): runs when TRACUU_SLOW_TESTS is set.
    #[test]
    fn throughput_and_titles() {
        if std::env::var_os("TRACUU_SLOW_TESTS").is_none() {
            eprintln!("set TRACUU_SLOW_TESTS=1 to run");
            return;
        }
        let Some(docs) = articles(20_000_000) else {
            eprintln!("corpus not found, skipped");
            return;
        };
        let seg = Segmenter::global().expect("segmenter builds");
        let t = std::time::Instant::now();
        let fresh = Segmenter::new().expect("segmenter builds");
        eprintln!(
            "Segmenter::new: {:?} ({} entries)",
            t.elapsed(),
            fresh.entries()
        );
        let bytes: usize = docs.iter().map(|d| d.1.len()).sum();
        let t = std::time::Instant::now();
        let mut n = 0;
        for (_, text) in &docs {
            n += seg.words(text).len();
        }
        let secs = t.elapsed().as_secs_f64();
        eprintln!(
            "{} articles, {:.1} MB, {n} words in {secs:.2} s: {:.1} MB/s (1 thread)",
            docs.len(),
            bytes as f64 / 1e6,
            bytes as f64 / 1e6 / secs
        );
        let t = std::time::Instant::now();
        std::thread::scope(|s| {
            for half in docs.chunks(docs.len().div_ceil(2)) {
                s.spawn(move || half.iter().map(|d| seg.words(&d.1).len()).sum::<usize>());
            }
        });
        let secs = t.elapsed().as_secs_f64();
        eprintln!("2 threads: {:.1} MB/s", bytes as f64 / 1e6 / secs);
        let mut seen = std::collections::HashSet::new();
        for (title, _) in docs.iter().step_by(97) {
            if seen.insert(title.clone()) && seen.len() <= 40 {
                let words = seg.words(title);
                let shown: Vec<String> = words
                    .iter()
                    .map(|w| title[w.clone()].replace(' ', "_"))
                    .collect();
                eprintln!("TITLE {title:?} => {}", shown.join(" "));
            }
        }
    }
}
