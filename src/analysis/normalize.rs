//! Character-level normalisation of Vietnamese text: NFC, lowercase, one tone-mark placement,
//! and the folded form (every mark removed, `đ` → `d`).
//!
//! Vietnamese is written with two competing tone-mark placements ("hòa"/"hoà", "thủy"/"thuỷ",
//! "quý"/"qúy"), typed either precomposed (NFC) or decomposed (NFD). Unless both sides are brought
//! to one spelling, the index and the query disagree on words a person reads as identical.
//! The canonical placement chosen here is the traditional one ("hòa", "thủy", "khỏe") because it is
//! what the codified law itself uses, by a ratio of about 15 to 1.

use std::sync::LazyLock;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

const GRAVE: char = '\u{300}';
const ACUTE: char = '\u{301}';
const TILDE: char = '\u{303}';
const HOOK: char = '\u{309}';
const DOT_BELOW: char = '\u{323}';

fn is_tone_mark(c: char) -> bool {
    matches!(c, GRAVE | ACUTE | TILDE | HOOK | DOT_BELOW)
}

/// Vowels after tone marks are stripped (quality marks kept), lowercase.
fn is_vowel(c: char) -> bool {
    matches!(
        c,
        'a' | 'ă' | 'â' | 'e' | 'ê' | 'i' | 'o' | 'ô' | 'ơ' | 'u' | 'ư' | 'y'
    )
}

fn has_quality_mark(c: char) -> bool {
    matches!(c, 'ă' | 'â' | 'ê' | 'ô' | 'ơ' | 'ư')
}

/// Lowercases, composes (NFC) and moves every syllable's tone mark to its canonical vowel.
/// Byte lengths can change (NFD input shrinks), so callers that need offsets into the original
/// text normalise token by token, never the whole text at once.
pub fn canonical_tones(text: &str) -> String {
    let lower: String = text.nfc().flat_map(char::to_lowercase).collect();
    if lower.is_ascii() {
        return lower;
    }
    let mut out = String::with_capacity(lower.len());
    let mut word = String::new();
    for c in lower.chars() {
        if c.is_alphanumeric() {
            word.push(c);
        } else {
            flush_syllable(&mut word, &mut out);
            out.push(c);
        }
    }
    flush_syllable(&mut word, &mut out);
    out
}

fn flush_syllable(word: &mut String, out: &mut String) {
    if !word.is_empty() {
        place_tone(word, out);
        word.clear();
    }
}

/// Writes `syllable` (lowercase NFC) to `out` with its tone mark on the canonical vowel.
fn place_tone(syllable: &str, out: &mut String) {
    if syllable.is_ascii() {
        out.push_str(syllable);
        return;
    }
    // Split off the tone: decompose, drop the tone mark, recompose the rest.
    let mut tone = None;
    let base: String = syllable
        .nfd()
        .filter(|&c| {
            if is_tone_mark(c) {
                tone.get_or_insert(c);
                false
            } else {
                true
            }
        })
        .nfc()
        .collect();
    let Some(tone) = tone else {
        out.push_str(syllable);
        return;
    };
    let chars: Vec<char> = base.chars().collect();
    let Some(target) = tone_position(&chars) else {
        // Not a Vietnamese syllable shape (a foreign word, a stray mark): leave as written.
        out.push_str(syllable);
        return;
    };
    for (i, &c) in chars.iter().enumerate() {
        if i == target {
            out.extend([c, tone].iter().collect::<String>().nfc());
        } else {
            out.push(c);
        }
    }
}

/// Index of the vowel that carries the tone in a toneless lowercase syllable.
fn tone_position(chars: &[char]) -> Option<usize> {
    // "qu" and "gi" before a vowel are consonants: "quý", "giá", but "gì" has the vowel i.
    let mut start = 0;
    if chars.len() > 2 {
        let onset_glide =
            (chars[0] == 'q' && chars[1] == 'u') || (chars[0] == 'g' && chars[1] == 'i');
        if onset_glide && is_vowel(chars[2]) {
            start = 2;
        }
    }
    let first_vowel = start + chars[start..].iter().position(|&c| is_vowel(c))?;
    let len = chars[first_vowel..]
        .iter()
        .take_while(|&&c| is_vowel(c))
        .count();
    let nucleus = &chars[first_vowel..first_vowel + len];
    let coda = &chars[first_vowel + len..];
    if coda.iter().any(|&c| is_vowel(c)) || coda.len() > 2 {
        // Two vowel groups ("café") or a long tail: not one Vietnamese syllable.
        return None;
    }
    let has_coda = !coda.is_empty();
    if let Some(last_marked) = nucleus.iter().rposition(|&c| has_quality_mark(c)) {
        return Some(first_vowel + last_marked);
    }
    let offset = match (len, has_coda) {
        (1, _) => 0,
        (_, true) => len - 1,
        // Open syllables: "hòa", "hòe", "thủy" (traditional), "của", "mái"; three vowels take the
        // middle one: "ngoài", "khuỷu".
        (2, false) => 0,
        _ => 1,
    };
    Some(first_vowel + offset)
}

/// Folds a normalised string: strips every diacritic and maps `đ` to `d`, which Unicode
/// decomposition does not do (đ is a distinct letter, not d plus a mark).
pub fn fold(text: &str) -> String {
    if text.is_ascii() {
        return text.to_owned();
    }
    text.nfd()
        .filter(|&c| !is_combining_mark(c))
        .map(|c| match c {
            'đ' | 'ð' => 'd',
            'Đ' | 'Ð' => 'D',
            c => c,
        })
        .collect()
}

/// Appends the folded, lowercase form of one character to `out` (nothing for a combining mark).
pub(crate) fn fold_char_into(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    if let Some(folded) = latin(c).and_then(|l| l.fold) {
        // The letters Vietnamese is written with, folded once ahead of time: a snippet folds
        // every syllable of each article it shows.
        out.push(folded);
        return;
    }
    fold_char_slow(c, out);
}

fn fold_char_slow(c: char, out: &mut String) {
    match c {
        'đ' | 'Đ' | 'ð' | 'Ð' => out.push('d'),
        c if is_combining_mark(c) => {}
        c => {
            let mut base = None;
            unicode_normalization::char::decompose_canonical(c, |d| {
                if base.is_none() && !is_combining_mark(d) {
                    base = Some(d);
                }
            });
            out.extend(base.unwrap_or(c).to_lowercase());
        }
    }
}

/// The first and last characters of the [`LATIN`] table: Latin-1 Supplement to Latin Extended
/// Additional, which hold every precomposed Vietnamese letter.
const LATIN_FIRST: char = '\u{C0}';
const LATIN_LAST: char = '\u{1EFF}';

/// What the analysis asks of a character, worked out once for each from [`LATIN_FIRST`] to
/// [`LATIN_LAST`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Latin {
    /// Its fold as [`fold_char_slow`] computes it, when that is exactly one character (the
    /// others keep the slow path).
    pub fold: Option<char>,
    /// Whether it belongs in a syllable (alphanumeric or a combining mark).
    pub letter: bool,
}

static LATIN: LazyLock<Vec<Latin>> = LazyLock::new(|| {
    (LATIN_FIRST..=LATIN_LAST)
        .map(|c| {
            let mut s = String::new();
            fold_char_slow(c, &mut s);
            let mut chars = s.chars();
            Latin {
                fold: match (chars.next(), chars.next()) {
                    (Some(f), None) => Some(f),
                    _ => None,
                },
                letter: c.is_alphanumeric() || is_combining_mark(c),
            }
        })
        .collect()
});

/// The table's entry for `c`, when `c` is in its range.
pub(crate) fn latin(c: char) -> Option<Latin> {
    let i = (c as usize).checked_sub(LATIN_FIRST as usize)?;
    LATIN.get(i).copied()
}

/// True when the text carries any Vietnamese diacritic, i.e. the person typed with marks and an
/// exact-diacritic match should rank above a folded one.
pub fn has_diacritics(text: &str) -> bool {
    !text.is_ascii() && fold(text) != text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_folding_table_agrees_with_the_slow_fold() {
        let mut checked = 0;
        for c in (LATIN_FIRST..=LATIN_LAST).chain(['ệ', 'Ự', 'đ', 'Đ', 'ǅ', 'İ', '\u{300}'])
        {
            let (mut fast, mut slow) = (String::new(), String::new());
            fold_char_into(c, &mut fast);
            fold_char_slow(c, &mut slow);
            assert_eq!(fast, slow, "{c:?} (U+{:04X})", c as u32);
            checked += 1;
        }
        assert!(checked > 7000);
        for c in (LATIN_FIRST..=LATIN_LAST).chain(['a', ' ', '7', '\u{301}', '×', 'ß']) {
            let unicode = c.is_alphanumeric() || is_combining_mark(c);
            assert_eq!(super::super::is_syllable_char(c), unicode, "{c:?}");
        }
        let mut s = String::new();
        for c in "Nghị định Đoàn Thị Ưng".chars() {
            fold_char_into(c, &mut s);
        }
        assert_eq!(s, "nghi dinh doan thi ung");
    }

    fn check(input: &str, expect: &str) {
        assert_eq!(canonical_tones(input), expect, "canonical_tones({input:?})");
    }

    #[test]
    fn tone_placement() {
        check("hoà", "hòa");
        check("hòa", "hòa");
        check("thuỷ", "thủy");
        check("khoẻ", "khỏe");
        check("qúy", "quý");
        check("quý", "quý");
        check("hoàng", "hoàng");
        check("toán", "toán");
        check("của", "của");
        check("người", "người");
        check("rượu", "rượu");
        check("ngoài", "ngoài");
        check("khuỷu", "khuỷu");
        check("giữa", "giữa");
        check("gì", "gì");
        check("giá", "giá");
        check("quốc", "quốc");
        check("điều", "điều");
        check("tuổi", "tuổi");
        check("Ủy Ban", "ủy ban");
        check("uỷ ban", "ủy ban");
        check("hưu", "hưu");
        check("xoáy", "xoáy");
        check("hoà giải, thuỷ lợi.", "hòa giải, thủy lợi.");
        check("43/2011/NĐ-CP", "43/2011/nđ-cp");
        check("café", "café");
        check("", "");
    }

    #[test]
    fn nfd_input_is_composed() {
        let nfd: String = "Hòa giải thủy lợi".nfd().collect();
        check(&nfd, "hòa giải thủy lợi");
        let nfd_new_style: String = "hoà".nfd().collect();
        check(&nfd_new_style, "hòa");
    }

    #[test]
    fn folding() {
        assert_eq!(fold("đăng ký kết hôn"), "dang ky ket hon");
        assert_eq!(fold("Đ"), "D");
        assert_eq!(fold("người"), "nguoi");
        assert_eq!(fold("plain"), "plain");
        assert!(has_diacritics("kết hôn"));
        assert!(has_diacritics("đ"));
        assert!(!has_diacritics("ket hon"));
    }

    #[test]
    fn never_panics_on_marks_alone() {
        for s in [
            "\u{301}",
            "a\u{301}\u{301}",
            "\u{323}\u{309}x",
            "ǘ",
            "𝔘̀",
            "ụ̀",
        ] {
            let _ = canonical_tones(s);
            let _ = fold(s);
        }
    }
}
