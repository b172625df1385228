//! Document numbers: the *số, ký hiệu* (often just *số hiệu*) printed under the
//! heading of every Vietnamese legal or administrative document.
//!
//! A number names a document by its sequence number, optionally its year, the
//! abbreviation of its type and the abbreviation of the issuing body:
//! `43/2011/NĐ-CP` (Nghị định 43 of 2011 by the Chính phủ), `80/2015/QH13`
//! (a law of the 13th National Assembly), `01/CT-BTP` (an administrative
//! Chỉ thị with no year in its number), `4919/VPCP-KTTH` (a công văn: issuer
//! and drafting unit, no type). Pre-1997 documents use older shapes such as
//! `74/CP`, `82-TC/TCT` or `23-L/CTN`.
//!
//! [`DocNumber::parse`] accepts the variants people and scrapers produce (any
//! case, ASCII `D` for `Đ`, the Icelandic `Ð` some sources use, en/em dashes,
//! spaces around separators, NFD text, a leading "Số:") and builds one
//! canonical form:
//!
//! * upper case, except the officially mixed-case abbreviations `TTg`, `QyĐ`,
//!   `CTr`, `TTr` and `TrS`, which are written as the law writes them;
//! * `Đ` restored where a known abbreviation has it (`ND` → `NĐ`, `QD` → `QĐ`,
//!   `HDTP` → `HĐTP`, `BGDDT` → `BGDĐT`, ...);
//! * no spaces, `/` between number, year and the letter part and `-` inside
//!   the letter part (old `TTLT/BTC-BGTVT` becomes `TTLT-BTC-BGTVT`);
//! * the sequence number written with at least two digits (`1/CT-BTP` and
//!   `001/CT-BTP` both become `01/CT-BTP`). Nghị định 30/2020/NĐ-CP requires
//!   numbers below 10 to carry a leading zero, so this is the official
//!   spelling, and because it is derived from the numeric value every way of
//!   writing the same number compares equal.
//!
//! [`DocNumber::key`] is the canonical form ASCII-folded and lower-cased
//! (`43/2011/nd-cp`), the form to index on, since queries are often typed
//! without diacritics. [`find_all`](DocNumber::find_all) and [`find_partial`]
//! locate full and partial (`nghị định 43/2011`) numbers in free text.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Range;
use std::str::FromStr;
use std::sync::LazyLock;
use std::time::{SystemTime, UNIX_EPOCH};

use regex::Regex;
use unicode_normalization::UnicodeNormalization;

/// Longest input accepted, in characters; real numbers stay far below it
/// (the longest joint circulars are about 45).
pub const MAX_LEN: usize = 64;
/// The Democratic Republic of Vietnam was founded in 1945; nothing older is
/// a Vietnamese legal document number.
pub const MIN_YEAR: u16 = 1945;
const MAX_NUMBER_DIGITS: usize = 6;

/// What shape a number has, which says roughly what kind of document it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DocNumberKind {
    /// Issued by the Quốc hội or its Ủy ban Thường vụ, numbered within a
    /// legislative term (khóa): `80/2015/QH13`, `26/2005/PL-UBTVQH11`,
    /// `1187/NQ-UBTVQH14`.
    Legislative,
    /// `n/yyyy/TYPE-ISSUER`: legal normative documents (VBQPPL) such as
    /// `43/2011/NĐ-CP`, `72/2011/TTLT-BTC-BGTVT`.
    Normative,
    /// `n/TYPE-ISSUER[-UNIT]`: administrative documents without a year in the
    /// number (`01/CT-BTP`, `1234/QĐ-BCA-C06`, `03/VBHN-VPQH`).
    Administrative,
    /// `n/ISSUER-UNIT`: công văn, which have no type abbreviation
    /// (`4919/VPCP-KTTH`).
    Dispatch,
    /// Pre-1997 shapes: `74/CP`, `326/TTg`, `82-TC/TCT`, `23-L/CTN`.
    Legacy,
}

/// Why a string is not a document number.
#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone)]
pub enum DocNumberError {
    #[error("empty document number")]
    Empty,
    #[error("document number too long ({len} characters, at most {max})")]
    TooLong { len: usize, max: usize },
    #[error("looks like a date, not a document number")]
    DateLike,
    #[error(
        "a plain number is not a document number; it needs a type or issuer part such as /NĐ-CP"
    )]
    PlainNumber,
    #[error("no letter segment (document type or issuer) in the number")]
    NoLetterSegment,
    #[error("a document number must start with its sequence number")]
    MissingNumber,
    #[error("invalid sequence number {0:?}")]
    InvalidNumber(String),
    #[error("invalid character {0:?} in document number")]
    InvalidCharacter(char),
    #[error("invalid year {0:?}: expected four digits")]
    InvalidYear(String),
    #[error("year {year} outside {min}..={max}")]
    YearOutOfRange { year: u16, min: u16, max: u16 },
    #[error("empty segment between separators: the number looks truncated")]
    Truncated,
    #[error("document type {0} without an issuing body")]
    MissingIssuer(String),
    #[error("unknown document type abbreviation {0:?}")]
    UnknownType(String),
    #[error("National Assembly number without its legislative term (e.g. QH15)")]
    MissingTerm,
    #[error("legislative term must be between 1 and 99")]
    InvalidTerm,
    #[error("unrecognised document number shape")]
    Malformed,
}

impl DocNumberError {
    /// A short explanation for end users, in Vietnamese.
    pub fn message_vi(&self) -> &'static str {
        use DocNumberError::*;
        match self {
            Empty => "Chưa nhập số hiệu văn bản.",
            TooLong { .. } => "Số hiệu văn bản quá dài.",
            DateLike => "Đây là ngày tháng, không phải số hiệu văn bản.",
            PlainNumber => "Chỉ có con số; số hiệu cần có ký hiệu, ví dụ 43/2011/NĐ-CP.",
            NoLetterSegment => {
                "Thiếu ký hiệu loại văn bản hoặc cơ quan ban hành, ví dụ 43/2011/NĐ-CP."
            }
            MissingNumber => "Số hiệu phải bắt đầu bằng số thứ tự của văn bản.",
            InvalidNumber(_) => "Số thứ tự của văn bản không hợp lệ.",
            InvalidCharacter(_) => "Số hiệu có ký tự không hợp lệ.",
            InvalidYear(_) => "Năm ban hành trong số hiệu phải gồm 4 chữ số.",
            YearOutOfRange { .. } => "Năm ban hành không hợp lệ.",
            Truncated => "Số hiệu bị thiếu phần sau dấu gạch ngang hoặc dấu gạch chéo.",
            MissingIssuer(_) => "Thiếu tên viết tắt của cơ quan ban hành, ví dụ -CP, -BTC.",
            UnknownType(_) => "Không nhận ra tên viết tắt của loại văn bản.",
            MissingTerm => "Số hiệu văn bản của Quốc hội phải có số khóa, ví dụ QH15.",
            InvalidTerm => "Số khóa của Quốc hội không hợp lệ.",
            Malformed => "Số hiệu văn bản không đúng định dạng.",
        }
    }
}

/// A parsed, normalised document number. Equality, hashing and ordering use
/// the canonical form (every other field is derived from it); ordering is by
/// year (undated first), then sequence number, then canonical text.
#[derive(Debug, Clone)]
pub struct DocNumber {
    canonical: String,
    number: u32,
    suffix: Option<char>,
    year: Option<u16>,
    type_abbr: Option<&'static str>,
    type_name: Option<&'static str>,
    issuer: String,
    term: Option<u8>,
    kind: DocNumberKind,
}

/// `number/year` without the letter part, as typed in queries
/// (`nghị định 43/2011`, `luật số 80/2015`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PartialDocNumber {
    pub number: u32,
    pub year: u16,
    /// From the word before the number: "NĐ" (nghị định), "TT" (thông tư),
    /// "TTLT", "QĐ", "QH" (luật, bộ luật), "NQ", "NQLT", "PL", "CT".
    pub type_hint: Option<&'static str>,
}

// (canonical abbreviation, Vietnamese name). Looked up by exact upper-case
// spelling first, so HĐ (hợp đồng) and HD (hướng dẫn), ĐA (đề án) and DA
// (dự án) stay distinct; only unambiguous ASCII spellings fold back to Đ.
const TYPES: &[(&str, &str)] = &[
    ("NĐ", "Nghị định"),
    ("NQ", "Nghị quyết"),
    ("NQLT", "Nghị quyết liên tịch"),
    ("QĐ", "Quyết định"),
    ("TT", "Thông tư"),
    ("TTLT", "Thông tư liên tịch"),
    ("PL", "Pháp lệnh"),
    ("L", "Lệnh"),
    ("CT", "Chỉ thị"),
    ("QC", "Quy chế"),
    ("QyĐ", "Quy định"),
    ("TC", "Thông cáo"),
    ("TB", "Thông báo"),
    ("HD", "Hướng dẫn"),
    ("CTr", "Chương trình"),
    ("KH", "Kế hoạch"),
    ("PA", "Phương án"),
    ("ĐA", "Đề án"),
    ("DA", "Dự án"),
    ("BC", "Báo cáo"),
    ("BB", "Biên bản"),
    ("TTr", "Tờ trình"),
    ("HĐ", "Hợp đồng"),
    ("CĐ", "Công điện"),
    ("BGN", "Bản ghi nhớ"),
    ("BTT", "Bản thỏa thuận"),
    ("GUQ", "Giấy ủy quyền"),
    ("GM", "Giấy mời"),
    ("GGT", "Giấy giới thiệu"),
    ("GNP", "Giấy nghỉ phép"),
    ("PG", "Phiếu gửi"),
    ("PC", "Phiếu chuyển"),
    ("PB", "Phiếu báo"),
    ("VBHN", "Văn bản hợp nhất"),
    ("SY", "Bản sao y"),
    ("TrS", "Bản trích sao"),
    ("SL", "Bản sao lục"),
];

// ASCII spellings that can only mean one type with Đ.
const TYPE_FOLDS: &[(&str, &str)] = &[("ND", "NĐ"), ("QD", "QĐ"), ("QYD", "QyĐ"), ("CD", "CĐ")];

// Type abbreviations of the pre-1997 `n-TYPE/ISSUER` shape.
const LEGACY_TYPES: &[(&str, &str)] = &[
    ("L", "Luật"),
    ("SL", "Sắc lệnh"),
    ("LCT", "Lệnh"),
    ("PL", "Pháp lệnh"),
];

// Issuer abbreviations spelt with Đ (or mixed case), keyed by their ASCII
// upper-case fold, so `BGDDT` and `bgdđt` both come out as `BGDĐT`.
const ISSUER_FOLDS: &[(&str, &str)] = &[
    ("TTG", "TTg"),
    ("HDTP", "HĐTP"),
    ("HDND", "HĐND"),
    ("HDNN", "HĐNN"),
    ("HDBCQG", "HĐBCQG"),
    ("HDPH", "HĐPH"),
    ("BGDDT", "BGDĐT"),
    ("BLDTBXH", "BLĐTBXH"),
    ("BKHDT", "BKHĐT"),
    ("TCDC", "TCĐC"),
    ("TLD", "TLĐ"),
    ("TLDLDVN", "TLĐLĐVN"),
    ("DCTUBTWMTTQVN", "ĐCTUBTWMTTQVN"),
    ("DHQGHN", "ĐHQGHN"),
    ("DHQGHCM", "ĐHQGHCM"),
];

static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(\d{1,2})[/.\-](\d{1,2})[/.\-]\d{2,4}|\d{4}-\d{1,2}-\d{1,2})$")
        .expect("static date regex")
});

static LEGISLATIVE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(UBTVQH|QH)(\d{1,3})?$").expect("static legislative regex"));

static SO_PREFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:SỐ|SO)\s*[:.]?\s*(\d.*)?$").expect("static prefix regex"));

const DASHES: &str = r"\-\x{2010}-\x{2015}\x{2212}\x{FE58}\x{FE63}\x{FF0D}";
const SLASHES: &str = r"/\x{2044}\x{2215}\x{FF0F}";

static CANDIDATE: LazyLock<Regex> = LazyLock::new(|| {
    let d = format!("[{DASHES}]");
    let s = format!("[{SLASHES}]");
    let seg1 = "[A-Za-zĐđÐð][A-Za-z0-9ĐđÐð&]*";
    let segn = "[A-Za-z0-9ĐđÐð&]+";
    let h = r"[ \t\x{A0}]*";
    // Spaces are tolerated around the slashes and the first dash only
    // ("43/2011/NĐ - CP"); allowing them everywhere would glue following
    // words onto the issuer in running text.
    let pat = format!(
        r"\b\d{{1,{MAX_NUMBER_DIGITS}}}[A-Za-z]?(?:{h}{s}{h}(?:\d{{4}}{h}{s}{h})?{seg1}(?:{h}{d}{h}{segn})?(?:(?:{d}|{s}){segn})*|{d}{seg1}(?:(?:{d}|{s}){segn})*)\b"
    );
    Regex::new(&pat).expect("static candidate regex")
});

static PARTIAL: LazyLock<Regex> = LazyLock::new(|| {
    let pat = format!(
        r"\b(\d{{1,{MAX_NUMBER_DIGITS}}})[ \t\x{{A0}}]*[{SLASHES}][ \t\x{{A0}}]*(\d{{4}})\b"
    );
    Regex::new(&pat).expect("static partial regex")
});

// Matched against ASCII-folded lower-case text that ends where the number
// starts.
static TYPE_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:^|[^a-z0-9])(bo luat|luat|nghi dinh|thong tu lien tich|thong tu|quyet dinh|nghi quyet lien tich|nghi quyet|phap lenh|chi thi)(?:\s+so)?\s*:?\s*$",
    )
    .expect("static type-word regex")
});
static SO_BEFORE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|[^a-z0-9])so\s*:?\s*$").expect("static so regex"));
static DATE_WORD_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^a-z0-9])(?:ngay|thang|nam)\s*$").expect("static date-word regex")
});

fn is_dash(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}'
    )
}

fn is_slash(c: char) -> bool {
    matches!(c, '/' | '\u{2044}' | '\u{2215}' | '\u{FF0F}')
}

fn is_combining(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}')
}

fn current_year() -> u16 {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    // Howard Hinnant's civil-from-days; a clock set in the past must not
    // reject documents we know exist, hence the floor.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let y = yoe + era * 400 + i64::from(mp >= 10);
    u16::try_from(y).unwrap_or(u16::MAX).max(2026)
}

fn max_year() -> u16 {
    current_year().saturating_add(1)
}

/// Folds to what a user without a Vietnamese keyboard would type.
fn ascii_fold_upper(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'Đ' | 'đ' | 'Ð' | 'ð' => 'D',
            c => c.to_ascii_uppercase(),
        })
        .collect()
}

/// Lower-case, diacritic-free, đ → d: used to recognise words before a number.
fn fold_words(s: &str) -> String {
    s.nfd()
        .filter(|c| !is_combining(*c))
        .flat_map(|c| match c {
            'Đ' | 'đ' | 'Ð' | 'ð' => 'd'.to_lowercase(),
            c => c.to_lowercase(),
        })
        .collect()
}

fn lookup_type(seg: &str) -> Option<(&'static str, &'static str)> {
    if let Some(&(abbr, name)) = TYPES.iter().find(|(abbr, _)| abbr.to_uppercase() == seg) {
        return Some((abbr, name));
    }
    let folded = ascii_fold_upper(seg);
    let canon = TYPE_FOLDS.iter().find(|(k, _)| *k == folded)?.1;
    TYPES.iter().find(|(abbr, _)| *abbr == canon).copied()
}

fn canonical_issuer_seg(seg: &str) -> String {
    let letters = seg.trim_end_matches(|c: char| c.is_ascii_digit());
    let digits = &seg[letters.len()..];
    let folded = ascii_fold_upper(letters);
    match ISSUER_FOLDS.iter().find(|(k, _)| *k == folded) {
        Some((_, canon)) => format!("{canon}{digits}"),
        None => seg.to_string(),
    }
}

/// `QH13` → ("QH", 13). `Err(MissingTerm)` for a bare `QH`/`UBTVQH`.
fn legislative_seg(seg: &str) -> Result<Option<(&'static str, u8)>, DocNumberError> {
    let Some(c) = LEGISLATIVE.captures(seg) else {
        return Ok(None);
    };
    let body = if &c[1] == "QH" { "QH" } else { "UBTVQH" };
    let Some(term) = c.get(2) else {
        return Err(DocNumberError::MissingTerm);
    };
    match term.as_str().parse::<u8>() {
        Ok(t) if (1..=99).contains(&t) => Ok(Some((body, t))),
        _ => Err(DocNumberError::InvalidTerm),
    }
}

/// NFC, one spelling per separator and letter, upper case, no spaces around
/// separators, without a leading "Số:" or trailing punctuation.
fn normalize(input: &str) -> Result<String, DocNumberError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(DocNumberError::Empty);
    }
    let len = trimmed.chars().count();
    if len > MAX_LEN {
        return Err(DocNumberError::TooLong { len, max: MAX_LEN });
    }
    let mut chars: Vec<char> = Vec::with_capacity(trimmed.len());
    for c in trimmed.nfc() {
        let c = match c {
            'Ð' | 'ð' | 'đ' => 'Đ',
            c if is_dash(c) => '-',
            c if is_slash(c) => '/',
            c if c.is_whitespace() => ' ',
            c => c,
        };
        chars.extend(c.to_uppercase());
    }
    let mut upper: String = chars.iter().collect();
    if let Some(c) = SO_PREFIX.captures(&upper) {
        upper = c.get(1).map_or(String::new(), |m| m.as_str().to_string());
    }
    let upper = upper.trim_end_matches(['.', ',', ';', ' ']);
    let chars: Vec<char> = upper.chars().collect();
    let mut out = String::with_capacity(upper.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let prev = out.chars().next_back();
            let next = chars[i + 1..].iter().copied().find(|&n| n != ' ');
            if matches!(prev, Some('/' | '-')) || matches!(next, Some('/' | '-')) {
                continue;
            }
        }
        out.push(c);
    }
    if out.is_empty() {
        return Err(DocNumberError::Empty);
    }
    Ok(out)
}

impl DocNumber {
    /// Parses one document number; see the module docs for what is accepted.
    pub fn parse(s: &str) -> Result<DocNumber, DocNumberError> {
        let s = normalize(s)?;
        if let Some(c) = DATE.captures(&s) {
            let small = |i: usize, max: u32| {
                c.get(i).is_none_or(|m| {
                    m.as_str()
                        .parse::<u32>()
                        .is_ok_and(|v| (1..=max).contains(&v))
                })
            };
            if small(1, 31) && small(2, 12) {
                return Err(DocNumberError::DateLike);
            }
        }
        if let Some(bad) = s.chars().find(|&c| {
            !(c.is_ascii_uppercase() || c.is_ascii_digit() || matches!(c, 'Đ' | '&' | '/' | '-'))
        }) {
            return Err(DocNumberError::InvalidCharacter(bad));
        }
        if s.chars().all(|c| c.is_ascii_digit()) {
            return Err(DocNumberError::PlainNumber);
        }
        if !s.chars().any(|c| c.is_ascii_uppercase() || c == 'Đ') {
            return Err(DocNumberError::NoLetterSegment);
        }
        if !s.starts_with(|c: char| c.is_ascii_digit()) {
            return Err(DocNumberError::MissingNumber);
        }

        let digits_end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let digits = &s[..digits_end];
        let mut rest = &s[digits_end..];
        let mut suffix = None;
        if let Some(c) = rest.chars().next().filter(|c| c.is_ascii_uppercase())
            && rest[1..].starts_with(['/', '-'])
        {
            suffix = Some(c.to_ascii_lowercase());
            rest = &rest[1..];
        }
        let number = match digits.parse::<u32>() {
            Ok(n) if n > 0 && digits.len() <= MAX_NUMBER_DIGITS => n,
            _ => return Err(DocNumberError::InvalidNumber(digits.to_string())),
        };
        let num_str = match suffix {
            Some(c) => format!("{number:02}{c}"),
            None => format!("{number:02}"),
        };
        if let Some(after) = rest.strip_prefix('/') {
            Self::parse_slash_form(number, suffix, num_str, after)
        } else if let Some(after) = rest.strip_prefix('-') {
            Self::parse_legacy_dash(number, suffix, num_str, after)
        } else {
            Err(DocNumberError::Malformed)
        }
    }

    fn parse_slash_form(
        number: u32,
        suffix: Option<char>,
        num_str: String,
        after: &str,
    ) -> Result<DocNumber, DocNumberError> {
        let mut year = None;
        let mut rest = after;
        if rest.starts_with(|c: char| c.is_ascii_digit()) {
            let end = rest.find(['/', '-']).unwrap_or(rest.len());
            let y = &rest[..end];
            if y.len() != 4
                || !y.chars().all(|c| c.is_ascii_digit())
                || !rest[end..].starts_with('/')
            {
                return Err(DocNumberError::InvalidYear(y.to_string()));
            }
            let v: u16 = y
                .parse()
                .map_err(|_| DocNumberError::InvalidYear(y.to_string()))?;
            let max = max_year();
            if !(MIN_YEAR..=max).contains(&v) {
                return Err(DocNumberError::YearOutOfRange {
                    year: v,
                    min: MIN_YEAR,
                    max,
                });
            }
            year = Some(v);
            rest = &rest[end + 1..];
        }
        let segs: Vec<&str> = rest.split(['/', '-']).collect();
        if segs.iter().any(|s| s.is_empty()) {
            return Err(DocNumberError::Truncated);
        }
        if !segs[0].starts_with(|c: char| c.is_ascii_uppercase() || c == 'Đ') {
            return Err(DocNumberError::Malformed);
        }
        let year_prefix = year.map(|y| format!("/{y}")).unwrap_or_default();
        let mk = |type_abbr: Option<&'static str>,
                  type_name: Option<&'static str>,
                  issuer_segs: Vec<String>,
                  kind: DocNumberKind,
                  term: Option<u8>,
                  issuer: String| {
            let mut letter_part: Vec<String> = Vec::new();
            if let Some(t) = type_abbr {
                letter_part.push(String::from(t));
            }
            letter_part.extend(issuer_segs);
            DocNumber {
                canonical: format!("{num_str}{year_prefix}/{}", letter_part.join("-")),
                number,
                suffix,
                year,
                type_abbr,
                type_name,
                issuer,
                term,
                kind,
            }
        };

        if segs.len() == 1 {
            let seg = segs[0];
            if let Some((body, term)) = legislative_seg(seg)? {
                let name = if body == "QH" {
                    "Luật hoặc Nghị quyết"
                } else {
                    "Pháp lệnh hoặc Nghị quyết"
                };
                return Ok(mk(
                    None,
                    Some(name),
                    vec![format!("{body}{term}")],
                    DocNumberKind::Legislative,
                    Some(term),
                    body.to_string(),
                )
                .with_type_abbr(body));
            }
            if let Some((abbr, _)) = lookup_type(seg) {
                return Err(DocNumberError::MissingIssuer(abbr.to_string()));
            }
            if year.is_some() {
                return Err(DocNumberError::UnknownType(seg.to_string()));
            }
            let issuer = canonical_issuer_seg(seg);
            return Ok(mk(
                None,
                None,
                vec![issuer.clone()],
                DocNumberKind::Legacy,
                None,
                issuer,
            ));
        }

        let typ = lookup_type(segs[0]);
        if typ.is_none() && year.is_some() {
            return Err(DocNumberError::UnknownType(segs[0].to_string()));
        }
        let issuer_raw = if typ.is_some() { &segs[1..] } else { &segs[..] };
        let issuer_segs: Vec<String> = issuer_raw.iter().map(|s| canonical_issuer_seg(s)).collect();
        let legislative = if typ.is_some() {
            legislative_seg(issuer_raw[0])?
        } else {
            None
        };
        let (kind, term, issuer) = match legislative {
            Some((body, term)) => {
                let mut parts = vec![body.to_string()];
                parts.extend(issuer_segs[1..].iter().cloned());
                (DocNumberKind::Legislative, Some(term), parts.join("-"))
            }
            None => {
                let kind = match (typ, year) {
                    (Some(_), Some(_)) => DocNumberKind::Normative,
                    (Some(_), None) => DocNumberKind::Administrative,
                    (None, _) => DocNumberKind::Dispatch,
                };
                (kind, None, issuer_segs.join("-"))
            }
        };
        let (type_abbr, type_name) = match typ {
            Some((a, n)) => (Some(a), Some(n)),
            None => (None, Some("Công văn")),
        };
        Ok(mk(type_abbr, type_name, issuer_segs, kind, term, issuer))
    }

    fn parse_legacy_dash(
        number: u32,
        suffix: Option<char>,
        num_str: String,
        after: &str,
    ) -> Result<DocNumber, DocNumberError> {
        let segs: Vec<&str> = after.split(['/', '-']).collect();
        if segs.iter().any(|s| s.is_empty()) {
            return Err(DocNumberError::Truncated);
        }
        if !segs[0].starts_with(|c: char| c.is_ascii_uppercase() || c == 'Đ') {
            return Err(DocNumberError::Malformed);
        }
        // Keep the separators as written: in these old numbers `/` and `-`
        // are not interchangeable (`23-L/CTN`).
        let mut letter_part = String::new();
        let mut seg_start = 0;
        for (i, c) in after
            .char_indices()
            .chain(std::iter::once((after.len(), '\0')))
        {
            if c == '/' || c == '-' || i == after.len() {
                letter_part.push_str(&canonical_issuer_seg(&after[seg_start..i]));
                if i < after.len() {
                    letter_part.push(c);
                }
                seg_start = i + c.len_utf8();
            }
        }
        let legacy_type = LEGACY_TYPES.iter().find(|(a, _)| *a == segs[0]).copied();
        let issuer = match legacy_type {
            Some((a, _)) if segs.len() > 1 => letter_part[a.len() + 1..].to_string(),
            _ => letter_part.clone(),
        };
        let (type_abbr, type_name) = match legacy_type {
            Some((a, n)) if segs.len() > 1 => (Some(a), Some(n)),
            _ => (None, None),
        };
        Ok(DocNumber {
            canonical: format!("{num_str}-{letter_part}"),
            number,
            suffix,
            year: None,
            type_abbr,
            type_name,
            issuer,
            term: None,
            kind: DocNumberKind::Legacy,
        })
    }

    fn with_type_abbr(mut self, abbr: &'static str) -> Self {
        self.type_abbr = Some(abbr);
        self
    }

    /// The canonical spelling, e.g. `43/2011/NĐ-CP`.
    pub fn canonical(&self) -> &str {
        &self.canonical
    }

    /// ASCII-folded lower-case key for index lookups: `43/2011/nd-cp`.
    /// Distinct numbers can share a key only where Đ is the sole difference
    /// (`HĐ` hợp đồng vs `HD` hướng dẫn), which is harmless for lookups.
    pub fn key(&self) -> String {
        self.canonical
            .chars()
            .flat_map(|c| match c {
                'Đ' | 'đ' => 'd'.to_lowercase(),
                c => c.to_lowercase(),
            })
            .collect()
    }

    /// The sequence number (without any letter suffix such as the `b` of
    /// `522b/NQ-UBTVQH13`).
    pub fn number(&self) -> u32 {
        self.number
    }

    /// The letter written right after the sequence number (`105a/QĐ-NHNN`).
    pub fn number_suffix(&self) -> Option<char> {
        self.suffix
    }

    /// The year, when the number carries one (`43/2011/NĐ-CP`); administrative
    /// numbers and công văn do not.
    pub fn year(&self) -> Option<u16> {
        self.year
    }

    /// The type abbreviation: `NĐ`, `TTLT`, `CT`; `QH`/`UBTVQH` for bare
    /// National Assembly numbers (`80/2015/QH13`); `None` for công văn and
    /// most legacy numbers.
    pub fn type_abbr(&self) -> Option<&str> {
        self.type_abbr
    }

    /// The issuing body (several for joint documents, joined by `-`), with the
    /// legislative term removed (`QH`, `UBTVQH`; see [`term`](Self::term)).
    /// For công văn this includes the drafting unit (`VPCP-KTTH`).
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The legislative term (khóa) of Quốc hội / UBTVQH numbers: 13 for
    /// `80/2015/QH13`.
    pub fn term(&self) -> Option<u8> {
        self.term
    }

    pub fn kind(&self) -> DocNumberKind {
        self.kind
    }

    /// Vietnamese name of the document type when the number tells it. A bare
    /// `QH` number may be a law or a resolution, hence "Luật hoặc Nghị quyết".
    pub fn type_name(&self) -> Option<&'static str> {
        self.type_name
    }

    /// Every full document number in `text`, with byte ranges into `text`.
    /// Dates never match (a letter segment is required). Numbers without a
    /// year, and legacy shapes, are only taken when written with capitals or
    /// right after "số" or a document-type word, since lower-case `n/xx-yy`
    /// in running text is more often something else.
    pub fn find_all(text: &str) -> Vec<(Range<usize>, DocNumber)> {
        let mut out = Vec::new();
        for m in CANDIDATE.find_iter(text) {
            let (start, end) = (m.start(), m.end());
            if !boundary_before(text, start) || !boundary_after(text, end) {
                continue;
            }
            let Ok(doc) = DocNumber::parse(m.as_str()) else {
                continue;
            };
            let needs_context = match doc.kind {
                DocNumberKind::Legacy => true,
                DocNumberKind::Administrative | DocNumberKind::Dispatch => !m
                    .as_str()
                    .chars()
                    .skip_while(|c| !is_slash(*c) && !is_dash(*c))
                    .any(char::is_uppercase),
                DocNumberKind::Legislative | DocNumberKind::Normative => false,
            };
            if needs_context {
                let ctx = context_before(text, start);
                if ctx.type_hint.is_none() && !ctx.has_so {
                    continue;
                }
            }
            out.push((start..end, doc));
        }
        out
    }

    /// Whether this number is the one a partial `number/year` refers to.
    pub fn matches_partial(&self, p: &PartialDocNumber) -> bool {
        if self.number != p.number || self.suffix.is_some() || self.year != Some(p.year) {
            return false;
        }
        let t = self.type_abbr;
        let body = self.issuer.split('-').next().unwrap_or("");
        let by_legislature = self.kind == DocNumberKind::Legislative;
        match p.type_hint {
            None => true,
            Some("QH") => by_legislature && body == "QH" && matches!(t, None | Some("QH")),
            Some("NQ") => {
                matches!(t, Some("NQ" | "NQLT"))
                    || (by_legislature && matches!(t, Some("QH" | "UBTVQH")))
            }
            Some("PL") => t == Some("PL") || (by_legislature && t == Some("UBTVQH")),
            Some("TT") => matches!(t, Some("TT" | "TTLT")),
            Some(h) => t == Some(h),
        }
    }
}

struct Context {
    type_hint: Option<&'static str>,
    has_so: bool,
    date_word: bool,
}

fn context_before(text: &str, start: usize) -> Context {
    let before = text.get(..start).unwrap_or("");
    let window_start = before.char_indices().rev().nth(39).map_or(0, |(i, _)| i);
    let folded = fold_words(&before[window_start..]);
    let type_hint = TYPE_BEFORE.captures(&folded).and_then(|c| {
        Some(match c.get(1)?.as_str() {
            "bo luat" | "luat" => "QH",
            "nghi dinh" => "NĐ",
            "thong tu lien tich" => "TTLT",
            "thong tu" => "TT",
            "quyet dinh" => "QĐ",
            "nghi quyet lien tich" => "NQLT",
            "nghi quyet" => "NQ",
            "phap lenh" => "PL",
            "chi thi" => "CT",
            _ => return None,
        })
    });
    Context {
        type_hint,
        has_so: SO_BEFORE.is_match(&folded),
        date_word: DATE_WORD_BEFORE.is_match(&folded),
    }
}

fn boundary_before(text: &str, start: usize) -> bool {
    match text.get(..start).and_then(|b| b.chars().next_back()) {
        None => true,
        Some(c) => {
            !(c.is_alphanumeric()
                || is_combining(c)
                || is_slash(c)
                || is_dash(c)
                || c == '.'
                || c == '_')
        }
    }
}

fn boundary_after(text: &str, end: usize) -> bool {
    match text.get(end..).and_then(|a| a.chars().next()) {
        None => true,
        Some(c) => !(c.is_alphanumeric() || is_combining(c) || c == '_'),
    }
}

/// Every `number/year` in `text` that is not part of a full document number
/// or a date, with byte ranges into `text`.
///
/// Date rule: a match is skipped when it continues with a separator (it is the
/// start of something longer: `12/3/2020`, `43/2011/NĐ-CP`), when a digit and
/// separator precede it (the tail of `12/3/2020`), when "ngày", "tháng" or
/// "năm" directly precede it (`tháng 3/2020`), and, with no "số" or type word
/// before it, when the first number is 12 or less (a bare `3/2020` is far more
/// often a month than a document).
pub fn find_partial(text: &str) -> Vec<(Range<usize>, PartialDocNumber)> {
    let mut out = Vec::new();
    for c in PARTIAL.captures_iter(text) {
        let Some(m) = c.get(0) else { continue };
        let (start, end) = (m.start(), m.end());
        if !boundary_before(text, start) {
            continue;
        }
        let before = text[..start].trim_end_matches([' ', '\t', '\u{A0}']);
        if before.ends_with(|ch: char| is_slash(ch) || is_dash(ch) || ch.is_ascii_digit()) {
            continue;
        }
        if !boundary_after(text, end) {
            continue;
        }
        let after = text[end..].trim_start_matches([' ', '\t', '\u{A0}']);
        if after.starts_with(|ch: char| is_slash(ch) || is_dash(ch)) {
            continue;
        }
        let (Some(n), Some(y)) = (c.get(1), c.get(2)) else {
            continue;
        };
        let (Ok(number), Ok(year)) = (n.as_str().parse::<u32>(), y.as_str().parse::<u16>()) else {
            continue;
        };
        if number == 0 || !(MIN_YEAR..=max_year()).contains(&year) {
            continue;
        }
        let ctx = context_before(text, start);
        if ctx.date_word && ctx.type_hint.is_none() {
            continue;
        }
        if ctx.type_hint.is_none() && !ctx.has_so && number <= 12 {
            continue;
        }
        out.push((
            start..end,
            PartialDocNumber {
                number,
                year,
                type_hint: ctx.type_hint,
            },
        ));
    }
    out
}

impl PartialEq for DocNumber {
    fn eq(&self, other: &Self) -> bool {
        self.canonical == other.canonical
    }
}

impl Eq for DocNumber {}

impl Hash for DocNumber {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.canonical.hash(state);
    }
}

impl Ord for DocNumber {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.year, self.number, &self.canonical).cmp(&(other.year, other.number, &other.canonical))
    }
}

impl PartialOrd for DocNumber {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for DocNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.canonical)
    }
}

impl FromStr for DocNumber {
    type Err = DocNumberError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DocNumber::parse(s)
    }
}

impl serde::Serialize for DocNumber {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.canonical)
    }
}

impl<'de> serde::Deserialize<'de> for DocNumber {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        DocNumber::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn describe(d: &DocNumber) -> String {
        let mut s = format!(
            "{} kind={:?} year={} type={} issuer={}",
            d.canonical(),
            d.kind(),
            d.year().map_or("-".to_string(), |y| y.to_string()),
            d.type_abbr().unwrap_or("-"),
            d.issuer()
        );
        if let Some(t) = d.term() {
            s.push_str(&format!(" term={t}"));
        }
        s
    }

    #[track_caller]
    fn check(input: &str, expect: &str) {
        let d = DocNumber::parse(input).unwrap_or_else(|e| panic!("{input:?} failed: {e}"));
        assert_eq!(describe(&d), expect, "input {input:?}");
        // The canonical and key forms must parse back to the same thing.
        let again = DocNumber::parse(d.canonical()).expect("canonical reparses");
        assert_eq!(again, d, "canonical of {input:?} is not a fixed point");
        let from_key = DocNumber::parse(&d.key()).expect("key reparses");
        assert_eq!(from_key.key(), d.key(), "key of {input:?} is not stable");
    }

    #[track_caller]
    fn check_err(input: &str, expect: DocNumberError) {
        assert_eq!(DocNumber::parse(input), Err(expect), "input {input:?}");
    }

    #[test]
    fn normative_variants() {
        let nd = "43/2011/NĐ-CP kind=Normative year=2011 type=NĐ issuer=CP";
        for v in [
            "43/2011/NĐ-CP",
            "43/2011/ND-CP",
            "43/2011/nđ-cp",
            "43/2011/nd-cp",
            "43/2011/NĐ - CP",
            "43 / 2011 / NĐ-CP",
            "43/2011/NĐ–CP",
            "43/2011/NĐ—CP",
            "43/2011/NÐ-CP",
            "43/2011/nð-cp",
            "43/2011/N\u{0110}-CP",
            "  43/2011/NĐ-CP  ",
            "043/2011/NĐ-CP",
            "Số: 43/2011/NĐ-CP",
            "số 43/2011/nđ-cp",
            "SỐ 43/2011/NĐ-CP",
            "So: 43/2011/ND-CP",
            "43/2011/NĐ-CP.",
            "43／2011／NĐ－CP",
            "43\u{00A0}/\u{00A0}2011/NĐ-CP",
        ] {
            check(v, nd);
        }
        // NFD input: the prefix word decomposes; the number itself has no
        // decomposable letters but must survive anyway.
        let nfd: String = "Số: 43/2011/NĐ-CP".nfd().collect();
        check(&nfd, nd);
        check(
            "02/2017/TT-VPCP",
            "02/2017/TT-VPCP kind=Normative year=2017 type=TT issuer=VPCP",
        );
        check(
            "2/2017/tt-vpcp",
            "02/2017/TT-VPCP kind=Normative year=2017 type=TT issuer=VPCP",
        );
        check(
            "72/2011/TTLT-BTC-BGTVT",
            "72/2011/TTLT-BTC-BGTVT kind=Normative year=2011 type=TTLT issuer=BTC-BGTVT",
        );
        check(
            "235/2009/TTLT/BTC-BGTVT-BTT",
            "235/2009/TTLT-BTC-BGTVT-BTT kind=Normative year=2009 type=TTLT issuer=BTC-BGTVT-BTT",
        );
        check(
            "01/2016/NQ-HĐTP",
            "01/2016/NQ-HĐTP kind=Normative year=2016 type=NQ issuer=HĐTP",
        );
        check(
            "01/2016/nq-hdtp",
            "01/2016/NQ-HĐTP kind=Normative year=2016 type=NQ issuer=HĐTP",
        );
        check(
            "18/2020/QĐ-TTg",
            "18/2020/QĐ-TTg kind=Normative year=2020 type=QĐ issuer=TTg",
        );
        check(
            "18/2020/qd-ttg",
            "18/2020/QĐ-TTg kind=Normative year=2020 type=QĐ issuer=TTg",
        );
        check(
            "18/2020/QD-TTG",
            "18/2020/QĐ-TTg kind=Normative year=2020 type=QĐ issuer=TTg",
        );
        check(
            "06/2018/QĐ-UBND",
            "06/2018/QĐ-UBND kind=Normative year=2018 type=QĐ issuer=UBND",
        );
        check(
            "20/2025/nq-hdnd",
            "20/2025/NQ-HĐND kind=Normative year=2025 type=NQ issuer=HĐND",
        );
        check(
            "41/2020/tt-bca",
            "41/2020/TT-BCA kind=Normative year=2020 type=TT issuer=BCA",
        );
        check(
            "03/2019/tt-bkhđt",
            "03/2019/TT-BKHĐT kind=Normative year=2019 type=TT issuer=BKHĐT",
        );
        check(
            "03/2019/TT-BKHDT",
            "03/2019/TT-BKHĐT kind=Normative year=2019 type=TT issuer=BKHĐT",
        );
        check(
            "12/2018/TT-BLĐTBXh",
            "12/2018/TT-BLĐTBXH kind=Normative year=2018 type=TT issuer=BLĐTBXH",
        );
        check(
            "12/2018/tt-bldtbxh",
            "12/2018/TT-BLĐTBXH kind=Normative year=2018 type=TT issuer=BLĐTBXH",
        );
        check(
            "55/2018/TT-BGDDT",
            "55/2018/TT-BGDĐT kind=Normative year=2018 type=TT issuer=BGDĐT",
        );
        check(
            "24/2026/NQ-CP",
            "24/2026/NQ-CP kind=Normative year=2026 type=NQ issuer=CP",
        );
        check(
            "7/2025/NQ-CP",
            "07/2025/NQ-CP kind=Normative year=2025 type=NQ issuer=CP",
        );
        check(
            "25/2003/CT-TTg",
            "25/2003/CT-TTg kind=Normative year=2003 type=CT issuer=TTg",
        );
        check(
            "21/2014/L-CTN",
            "21/2014/L-CTN kind=Normative year=2014 type=L issuer=CTN",
        );
        check(
            "61/2000/TT-BNNPTNT/KH",
            "61/2000/TT-BNNPTNT-KH kind=Normative year=2000 type=TT issuer=BNNPTNT-KH",
        );
        check(
            "01/2014/NQLT/CP-UBT",
            "01/2014/NQLT-CP-UBT kind=Normative year=2014 type=NQLT issuer=CP-UBT",
        );
        check(
            "1945/1945/SL-CP",
            "1945/1945/SL-CP kind=Normative year=1945 type=SL issuer=CP",
        );
    }

    #[test]
    fn legislative() {
        check(
            "80/2015/QH13",
            "80/2015/QH13 kind=Legislative year=2015 type=QH issuer=QH term=13",
        );
        check(
            "57/2020/qh14",
            "57/2020/QH14 kind=Legislative year=2020 type=QH issuer=QH term=14",
        );
        check(
            "92/2015/QH13",
            "92/2015/QH13 kind=Legislative year=2015 type=QH issuer=QH term=13",
        );
        check(
            "64/2025/QH15",
            "64/2025/QH15 kind=Legislative year=2025 type=QH issuer=QH term=15",
        );
        check(
            "05/2008/UBTVQH12",
            "05/2008/UBTVQH12 kind=Legislative year=2008 type=UBTVQH issuer=UBTVQH term=12",
        );
        check(
            "26/2005/PL-UBTVQH11",
            "26/2005/PL-UBTVQH11 kind=Legislative year=2005 type=PL issuer=UBTVQH term=11",
        );
        check(
            "190/2025/NQ-QH15",
            "190/2025/NQ-QH15 kind=Legislative year=2025 type=NQ issuer=QH term=15",
        );
        check(
            "1187/NQ-UBTVQH14",
            "1187/NQ-UBTVQH14 kind=Legislative year=- type=NQ issuer=UBTVQH term=14",
        );
        check(
            "522b/NQ-UBTVQH13",
            "522b/NQ-UBTVQH13 kind=Legislative year=- type=NQ issuer=UBTVQH term=13",
        );
        check(
            "72/2025/NQLT-UBTVQH15-CP-ĐCTUBTWMTTQVN",
            "72/2025/NQLT-UBTVQH15-CP-ĐCTUBTWMTTQVN kind=Legislative year=2025 type=NQLT issuer=UBTVQH-CP-ĐCTUBTWMTTQVN term=15",
        );
        let d = DocNumber::parse("80/2015/QH13").unwrap();
        assert_eq!(d.type_name(), Some("Luật hoặc Nghị quyết"));
        assert_eq!(d.term(), Some(13));
        assert_eq!(d.key(), "80/2015/qh13");
        check_err("36/2024/QH", DocNumberError::MissingTerm);
        check_err("36/2024/NQ-QH", DocNumberError::MissingTerm);
        check_err("36/2024/QH0", DocNumberError::InvalidTerm);
        check_err("36/2024/QH100", DocNumberError::InvalidTerm);
    }

    #[test]
    fn administrative_and_dispatch() {
        check(
            "01/CT-BTP",
            "01/CT-BTP kind=Administrative year=- type=CT issuer=BTP",
        );
        check(
            "1/CT-BTP",
            "01/CT-BTP kind=Administrative year=- type=CT issuer=BTP",
        );
        check(
            "001/ct-btp",
            "01/CT-BTP kind=Administrative year=- type=CT issuer=BTP",
        );
        check(
            "4654/TB-BTP",
            "4654/TB-BTP kind=Administrative year=- type=TB issuer=BTP",
        );
        check(
            "163/QĐ-BTP",
            "163/QĐ-BTP kind=Administrative year=- type=QĐ issuer=BTP",
        );
        check(
            "3713/QD-BTP",
            "3713/QĐ-BTP kind=Administrative year=- type=QĐ issuer=BTP",
        );
        check(
            "1234/QĐ-BCA-C06",
            "1234/QĐ-BCA-C06 kind=Administrative year=- type=QĐ issuer=BCA-C06",
        );
        check(
            "1234/qd-bca-c06",
            "1234/QĐ-BCA-C06 kind=Administrative year=- type=QĐ issuer=BCA-C06",
        );
        check(
            "03/VBHN-VPQH",
            "03/VBHN-VPQH kind=Administrative year=- type=VBHN issuer=VPQH",
        );
        check(
            "2089/VBHN-BHXH",
            "2089/VBHN-BHXH kind=Administrative year=- type=VBHN issuer=BHXH",
        );
        check(
            "105a/QĐ-NHNN",
            "105a/QĐ-NHNN kind=Administrative year=- type=QĐ issuer=NHNN",
        );
        check(
            "105A/QĐ-NHNN",
            "105a/QĐ-NHNN kind=Administrative year=- type=QĐ issuer=NHNN",
        );
        check(
            "SỐ 64/QĐ-NHNN",
            "64/QĐ-NHNN kind=Administrative year=- type=QĐ issuer=NHNN",
        );
        check(
            "12/QyĐ-BTP",
            "12/QyĐ-BTP kind=Administrative year=- type=QyĐ issuer=BTP",
        );
        check(
            "12/QYD-BTP",
            "12/QyĐ-BTP kind=Administrative year=- type=QyĐ issuer=BTP",
        );
        check(
            "12/TTr-BTP",
            "12/TTr-BTP kind=Administrative year=- type=TTr issuer=BTP",
        );
        check(
            "12/CTr-UBND",
            "12/CTr-UBND kind=Administrative year=- type=CTr issuer=UBND",
        );
        check(
            "12/HĐ-BTP",
            "12/HĐ-BTP kind=Administrative year=- type=HĐ issuer=BTP",
        );
        check(
            "12/HD-BTP",
            "12/HD-BTP kind=Administrative year=- type=HD issuer=BTP",
        );
        check(
            "12/CD-TTg",
            "12/CĐ-TTg kind=Administrative year=- type=CĐ issuer=TTg",
        );
        check(
            "92/TT-LB",
            "92/TT-LB kind=Administrative year=- type=TT issuer=LB",
        );
        check(
            "4919/VPCP-KTTH",
            "4919/VPCP-KTTH kind=Dispatch year=- type=- issuer=VPCP-KTTH",
        );
        check(
            "4919/vpcp-ktth",
            "4919/VPCP-KTTH kind=Dispatch year=- type=- issuer=VPCP-KTTH",
        );
        check(
            "35/HTQTCT-HT",
            "35/HTQTCT-HT kind=Dispatch year=- type=- issuer=HTQTCT-HT",
        );
        check(
            "573/HĐPH-PBGDPL",
            "573/HĐPH-PBGDPL kind=Dispatch year=- type=- issuer=HĐPH-PBGDPL",
        );
        check(
            "573/HDPH-PBGDPL",
            "573/HĐPH-PBGDPL kind=Dispatch year=- type=- issuer=HĐPH-PBGDPL",
        );
        check(
            "4533/BHXH-CSXH",
            "4533/BHXH-CSXH kind=Dispatch year=- type=- issuer=BHXH-CSXH",
        );
        let d = DocNumber::parse("4919/VPCP-KTTH").unwrap();
        assert_eq!(d.type_name(), Some("Công văn"));
        assert_eq!(d.number(), 4919);
        assert_eq!(
            DocNumber::parse("01/CT-BTP").unwrap().type_name(),
            Some("Chỉ thị")
        );
        assert_eq!(
            DocNumber::parse("01/CT-BTP").unwrap(),
            DocNumber::parse("1/CT-BTP").unwrap()
        );
    }

    #[test]
    fn legacy() {
        check("74/CP", "74/CP kind=Legacy year=- type=- issuer=CP");
        check("326/TTg", "326/TTg kind=Legacy year=- type=- issuer=TTg");
        check("02/TTLB", "02/TTLB kind=Legacy year=- type=- issuer=TTLB");
        check("74-CP", "74-CP kind=Legacy year=- type=- issuer=CP");
        check("5/cp", "05/CP kind=Legacy year=- type=- issuer=CP");
        check("43/C06", "43/C06 kind=Legacy year=- type=- issuer=C06");
        check(
            "82-TC/TCT",
            "82-TC/TCT kind=Legacy year=- type=- issuer=TC/TCT",
        );
        check("23-L/CTN", "23-L/CTN kind=Legacy year=- type=L issuer=CTN");
        check(
            "21-LCT/HDNN8",
            "21-LCT/HĐNN8 kind=Legacy year=- type=LCT issuer=HĐNN8",
        );
        check(
            "102-SL/L-004",
            "102-SL/L-004 kind=Legacy year=- type=SL issuer=L-004",
        );
        assert_eq!(
            DocNumber::parse("23-L/CTN").unwrap().type_name(),
            Some("Luật")
        );
    }

    #[test]
    fn errors() {
        use DocNumberError::*;
        check_err("", Empty);
        check_err("   ", Empty);
        check_err("Số:", Empty);
        check_err("12/3/2020", DateLike);
        check_err("12/03/2020", DateLike);
        check_err("23/08/1993", DateLike);
        check_err("1/1/99", DateLike);
        check_err("12-3-2020", DateLike);
        check_err("12.3.2020", DateLike);
        check_err("2020-03-12", DateLike);
        check_err("43/13/2020", NoLetterSegment);
        check_err("12345", PlainNumber);
        check_err("0", PlainNumber);
        check_err("43/2011", NoLetterSegment);
        check_err("02/2020/", NoLetterSegment);
        check_err("43/2011/", NoLetterSegment);
        check_err("//--", NoLetterSegment);
        check_err("NĐ-CP", MissingNumber);
        check_err("QĐ/0001-BCA", MissingNumber);
        check_err("Demo/QĐ-BCA", MissingNumber);
        check_err("nghị định 43/2011/NĐ-CP", InvalidCharacter('Ị'));
        check_err("43/2011/NĐ CP", InvalidCharacter(' '));
        check_err("43/2011/NĐ_CP", InvalidCharacter('_'));
        check_err("43/2011/NĐ-CP🙂", InvalidCharacter('🙂'));
        check_err("2267./QĐ-BXD", InvalidCharacter('.'));
        check_err("0/2011/NĐ-CP", InvalidNumber("0".into()));
        check_err("1234567/QĐ-BTC", InvalidNumber("1234567".into()));
        check_err("43/11/NĐ-CP", InvalidYear("11".into()));
        check_err("43/20111/NĐ-CP", InvalidYear("20111".into()));
        check_err("43/2011-NĐ-CP", InvalidYear("2011".into()));
        let max = max_year();
        check_err(
            "43/1911/NĐ-CP",
            YearOutOfRange {
                year: 1911,
                min: MIN_YEAR,
                max,
            },
        );
        check_err(
            "43/9999/NĐ-CP",
            YearOutOfRange {
                year: 9999,
                min: MIN_YEAR,
                max,
            },
        );
        let next2 = max + 1;
        check_err(
            &format!("43/{next2}/NĐ-CP"),
            YearOutOfRange {
                year: next2,
                min: MIN_YEAR,
                max,
            },
        );
        assert!(DocNumber::parse(&format!("43/{max}/NĐ-CP")).is_ok());
        check_err("68/2015/TT-", Truncated);
        check_err("01/2018/TTLT-BCA-BQP-", Truncated);
        check_err("159/2006/NĐ-", Truncated);
        check_err("43//NĐ-CP", Truncated);
        check_err("43/-CP", Truncated);
        check_err("31/2025/TT", MissingIssuer("TT".into()));
        check_err("105/2025/NĐ", MissingIssuer("NĐ".into()));
        check_err("43/NĐ", MissingIssuer("NĐ".into()));
        check_err("89/2015/N", UnknownType("N".into()));
        check_err("43/2011/XYZ-CP", UnknownType("XYZ".into()));
        check_err("43/2011/CP", UnknownType("CP".into()));
        check_err("43ND-CP", Malformed);
        check_err("43/2011/2012/NĐ-CP", Malformed);
        let long = format!("43/2011/NĐ-{}", "A".repeat(60));
        check_err(
            &long,
            TooLong {
                len: 71,
                max: MAX_LEN,
            },
        );
        // exactly at the limit is accepted
        let at = format!("4/2011/TT-{}", "B".repeat(MAX_LEN - 10));
        assert_eq!(at.chars().count(), MAX_LEN);
        assert!(DocNumber::parse(&at).is_ok());
    }

    #[test]
    fn messages() {
        let all = [
            DocNumberError::Empty,
            DocNumberError::TooLong { len: 70, max: 64 },
            DocNumberError::DateLike,
            DocNumberError::PlainNumber,
            DocNumberError::NoLetterSegment,
            DocNumberError::MissingNumber,
            DocNumberError::InvalidNumber("0".into()),
            DocNumberError::InvalidCharacter('x'),
            DocNumberError::InvalidYear("11".into()),
            DocNumberError::YearOutOfRange {
                year: 1900,
                min: 1945,
                max: 2027,
            },
            DocNumberError::Truncated,
            DocNumberError::MissingIssuer("TT".into()),
            DocNumberError::UnknownType("X".into()),
            DocNumberError::MissingTerm,
            DocNumberError::InvalidTerm,
            DocNumberError::Malformed,
        ];
        for e in all {
            assert!(!e.to_string().is_empty());
            assert!(!e.message_vi().is_empty());
        }
        assert_eq!(
            DocNumber::parse("12/3/2020").unwrap_err().message_vi(),
            "Đây là ngày tháng, không phải số hiệu văn bản."
        );
    }

    #[test]
    fn accessors_and_traits() {
        let d: DocNumber = "43/2011/nd-cp".parse().unwrap();
        assert_eq!(d.canonical(), "43/2011/NĐ-CP");
        assert_eq!(d.to_string(), "43/2011/NĐ-CP");
        assert_eq!(d.key(), "43/2011/nd-cp");
        assert_eq!(d.number(), 43);
        assert_eq!(d.year(), Some(2011));
        assert_eq!(d.type_abbr(), Some("NĐ"));
        assert_eq!(d.type_name(), Some("Nghị định"));
        assert_eq!(d.issuer(), "CP");
        assert_eq!(d.kind(), DocNumberKind::Normative);
        assert_eq!(d.term(), None);
        assert_eq!(d.number_suffix(), None);
        assert_eq!(DocNumber::parse("01/CT-BTP").unwrap().year(), None);
        assert_eq!(
            DocNumber::parse("01/2016/NQ-HĐTP").unwrap().key(),
            "01/2016/nq-hdtp"
        );
        assert_eq!(
            DocNumber::parse("18/2020/QĐ-TTg").unwrap().key(),
            "18/2020/qd-ttg"
        );

        let mut set = std::collections::HashSet::new();
        for v in ["43/2011/NĐ-CP", "43/2011/nd-cp", "043/2011/ND - CP"] {
            set.insert(DocNumber::parse(v).unwrap());
        }
        assert_eq!(set.len(), 1);

        let mut v: Vec<DocNumber> = [
            "80/2015/QH13",
            "01/CT-BTP",
            "43/2011/NĐ-CP",
            "100/2011/NĐ-CP",
            "9/2011/TT-BTC",
        ]
        .iter()
        .map(|s| DocNumber::parse(s).unwrap())
        .collect();
        v.sort();
        let got: Vec<&str> = v.iter().map(|d| d.canonical()).collect();
        assert_eq!(
            got,
            [
                "01/CT-BTP",
                "09/2011/TT-BTC",
                "43/2011/NĐ-CP",
                "100/2011/NĐ-CP",
                "80/2015/QH13"
            ]
        );
    }

    #[test]
    fn serde_roundtrip() {
        let d = DocNumber::parse("43/2011/nd-cp").unwrap();
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(json, "\"43/2011/NĐ-CP\"");
        let back: DocNumber = serde_json::from_str("\"43/2011/ND-CP\"").unwrap();
        assert_eq!(back, d);
        let list: Vec<DocNumber> = serde_json::from_str(r#"["80/2015/qh13","01/CT-BTP"]"#).unwrap();
        assert_eq!(list.len(), 2);
        let err = serde_json::from_str::<DocNumber>("\"12/3/2020\"").unwrap_err();
        assert!(err.to_string().contains("date"), "{err}");
        assert!(serde_json::from_str::<DocNumber>("42").is_err());
    }

    fn found(text: &str) -> Vec<(String, String)> {
        DocNumber::find_all(text)
            .into_iter()
            .map(|(r, d)| (text[r].to_string(), d.canonical().to_string()))
            .collect()
    }

    #[track_caller]
    fn check_find(text: &str, expect: &[(&str, &str)]) {
        let got = found(text);
        let want: Vec<(String, String)> = expect
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(got, want, "text {text:?}");
    }

    #[test]
    fn find_all_cases() {
        check_find(
            "theo nghị định 43/2011/nd-cp và luật 80/2015/QH13",
            &[
                ("43/2011/nd-cp", "43/2011/NĐ-CP"),
                ("80/2015/QH13", "80/2015/QH13"),
            ],
        );
        check_find("ngày 12/3/2020", &[]);
        check_find(
            "Nghị định số 43/2011/NĐ-CP ngày 13/6/2011 của Chính phủ",
            &[("43/2011/NĐ-CP", "43/2011/NĐ-CP")],
        );
        check_find("(43/2011/NĐ-CP).", &[("43/2011/NĐ-CP", "43/2011/NĐ-CP")]);
        check_find(
            "43/2011/NĐ-CP,80/2015/QH13;",
            &[
                ("43/2011/NĐ-CP", "43/2011/NĐ-CP"),
                ("80/2015/QH13", "80/2015/QH13"),
            ],
        );
        check_find(
            "theo 43/2011/NĐ - CP của",
            &[("43/2011/NĐ - CP", "43/2011/NĐ-CP")],
        );
        check_find(
            "43 / 2011 / NĐ-CP",
            &[("43 / 2011 / NĐ-CP", "43/2011/NĐ-CP")],
        );
        check_find(
            "Nghị định 43/2011/NĐ-CP - Bộ Tư pháp",
            &[("43/2011/NĐ-CP", "43/2011/NĐ-CP")],
        );
        check_find(
            "Thông tư 72/2011/TTLT-BTC-BGTVT hướng dẫn",
            &[("72/2011/TTLT-BTC-BGTVT", "72/2011/TTLT-BTC-BGTVT")],
        );
        check_find(
            "Công văn 4919/VPCP-KTTH ngày",
            &[("4919/VPCP-KTTH", "4919/VPCP-KTTH")],
        );
        check_find("cong van 4919/vpcp-ktth", &[]);
        check_find(
            "công văn số 4919/vpcp-ktth",
            &[("4919/vpcp-ktth", "4919/VPCP-KTTH")],
        );
        check_find(
            "Quyết định 1234/QĐ-BCA-C06 của Bộ",
            &[("1234/QĐ-BCA-C06", "1234/QĐ-BCA-C06")],
        );
        check_find("Chỉ thị 01/CT-BTP", &[("01/CT-BTP", "01/CT-BTP")]);
        check_find("chỉ thị 01/ct-btp", &[("01/ct-btp", "01/CT-BTP")]);
        check_find("01/ct-btp", &[]);
        check_find(
            "Nghị định số 73-CP và Nghị định số 84/CP",
            &[("73-CP", "73-CP"), ("84/CP", "84/CP")],
        );
        check_find("khoảng 5-CP hoặc 84/CP", &[]);
        check_find("NĐ 43/2011/NĐ–CP", &[("43/2011/NĐ–CP", "43/2011/NĐ-CP")]);
        check_find("ABC43/2011/NĐ-CP", &[]);
        check_find("1.234/BTC-TCT", &[]);
        check_find("43/2011/NĐ-CPđã", &[]);
        check_find(
            "số 43/2011/NĐ-CPxyz",
            &[("43/2011/NĐ-CPxyz", "43/2011/NĐ-CPXYZ")],
        );
        check_find("tỉ lệ 1/2 hoặc 24/7", &[]);
        check_find("ngày 05/3/2020/NĐ", &[]);
        check_find(
            "Số: 01/2016/NQ-HĐTP",
            &[("01/2016/NQ-HĐTP", "01/2016/NQ-HĐTP")],
        );
        let nfd: String = "Nghị định 43/2011/nđ-cp".nfd().collect();
        let got = DocNumber::find_all(&nfd);
        assert_eq!(got.len(), 1);
        assert_eq!(&nfd[got[0].0.clone()], "43/2011/nđ-cp");
        check_find("Luật 68/2015/TT- và", &[]);
        check_find("43/2011/XYZ-CP", &[]);
    }

    fn partials(text: &str) -> Vec<(String, u32, u16, Option<&'static str>)> {
        find_partial(text)
            .into_iter()
            .map(|(r, p)| (text[r].to_string(), p.number, p.year, p.type_hint))
            .collect()
    }

    #[track_caller]
    fn check_partial(text: &str, expect: &[(&str, u32, u16, Option<&'static str>)]) {
        let want: Vec<_> = expect
            .iter()
            .map(|(s, n, y, h)| (s.to_string(), *n, *y, *h))
            .collect();
        assert_eq!(partials(text), want, "text {text:?}");
    }

    #[test]
    fn find_partial_cases() {
        check_partial("nghị định 43/2011", &[("43/2011", 43, 2011, Some("NĐ"))]);
        check_partial("nghi dinh so 43/2011", &[("43/2011", 43, 2011, Some("NĐ"))]);
        check_partial(
            "Nghị định số: 43/2011 quy định",
            &[("43/2011", 43, 2011, Some("NĐ"))],
        );
        check_partial("luật số 80/2015", &[("80/2015", 80, 2015, Some("QH"))]);
        check_partial("Bộ luật 92/2015", &[("92/2015", 92, 2015, Some("QH"))]);
        check_partial("thông tư 02/2017", &[("02/2017", 2, 2017, Some("TT"))]);
        check_partial(
            "thông tư liên tịch 72/2011",
            &[("72/2011", 72, 2011, Some("TTLT"))],
        );
        check_partial("quyết định 18/2020", &[("18/2020", 18, 2020, Some("QĐ"))]);
        check_partial("QUYẾT ĐỊNH 18/2020", &[("18/2020", 18, 2020, Some("QĐ"))]);
        check_partial("nghị quyết 01/2016", &[("01/2016", 1, 2016, Some("NQ"))]);
        check_partial("pháp lệnh 26/2005", &[("26/2005", 26, 2005, Some("PL"))]);
        check_partial("43/2011", &[("43/2011", 43, 2011, None)]);
        check_partial("văn bản 43 / 2011 nói", &[("43 / 2011", 43, 2011, None)]);
        check_partial("số 05/2020", &[("05/2020", 5, 2020, None)]);
        check_partial("nghị định 05/2020", &[("05/2020", 5, 2020, Some("NĐ"))]);
        // never dates or months
        check_partial("ngày 12/3/2020", &[]);
        check_partial("ngày 12/03/2020", &[]);
        check_partial("12 / 3 / 2020", &[]);
        check_partial("tháng 3/2020", &[]);
        check_partial("tháng 12/2020", &[]);
        check_partial("từ 3/2020 đến 5/2021", &[]);
        check_partial("ngày 25/2020", &[]);
        check_partial("2020/12/01", &[]);
        // full numbers are find_all's job
        check_partial("nghị định 43/2011/NĐ-CP", &[]);
        check_partial("nghị định 43/2011 / NĐ-CP", &[]);
        check_partial("43/2011-abc", &[]);
        check_partial("43/20111", &[]);
        check_partial("43/1800", &[]);
        check_partial("0/2011", &[]);
        check_partial("a43/2011", &[]);
        check_partial(
            "nghị định 43/2011 và luật 80/2015",
            &[
                ("43/2011", 43, 2011, Some("NĐ")),
                ("80/2015", 80, 2015, Some("QH")),
            ],
        );
        let nfd: String = "Nghị định số 43/2011".nfd().collect();
        assert_eq!(find_partial(&nfd)[0].1.type_hint, Some("NĐ"));
    }

    #[test]
    fn matches_partial_cases() {
        let p = |n, y, h| PartialDocNumber {
            number: n,
            year: y,
            type_hint: h,
        };
        let d = |s: &str| DocNumber::parse(s).unwrap();
        assert!(d("43/2011/NĐ-CP").matches_partial(&p(43, 2011, Some("NĐ"))));
        assert!(d("43/2011/NĐ-CP").matches_partial(&p(43, 2011, None)));
        assert!(!d("43/2011/NĐ-CP").matches_partial(&p(43, 2011, Some("TT"))));
        assert!(!d("43/2011/NĐ-CP").matches_partial(&p(43, 2012, None)));
        assert!(!d("43/2011/NĐ-CP").matches_partial(&p(42, 2011, None)));
        assert!(d("80/2015/QH13").matches_partial(&p(80, 2015, Some("QH"))));
        assert!(d("80/2015/QH13").matches_partial(&p(80, 2015, Some("NQ"))));
        assert!(!d("80/2015/QH13").matches_partial(&p(80, 2015, Some("NĐ"))));
        assert!(d("190/2025/NQ-QH15").matches_partial(&p(190, 2025, Some("NQ"))));
        assert!(!d("190/2025/NQ-QH15").matches_partial(&p(190, 2025, Some("QH"))));
        assert!(d("72/2011/TTLT-BTC-BGTVT").matches_partial(&p(72, 2011, Some("TT"))));
        assert!(d("72/2011/TTLT-BTC-BGTVT").matches_partial(&p(72, 2011, Some("TTLT"))));
        assert!(!d("02/2017/TT-VPCP").matches_partial(&p(2, 2017, Some("TTLT"))));
        assert!(d("26/2005/PL-UBTVQH11").matches_partial(&p(26, 2005, Some("PL"))));
        assert!(d("05/2008/UBTVQH12").matches_partial(&p(5, 2008, Some("PL"))));
        assert!(!d("01/CT-BTP").matches_partial(&p(1, 2020, None)));
        // end to end: query text to index
        let (_, q) = find_partial("nghị định 43/2011")[0];
        assert!(d("43/2011/nd-cp").matches_partial(&q));
    }

    /// xorshift64*: deterministic, no dependency.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    #[test]
    fn no_panics_on_hostile_input() {
        const ATOMS: &[&str] = &[
            "0",
            "1",
            "9",
            "43",
            "2011",
            "2027",
            "1945",
            "/",
            "-",
            "–",
            "—",
            "／",
            "⁄",
            " ",
            "\u{A0}",
            "\t",
            "\n",
            "NĐ",
            "nđ",
            "ND",
            "Ð",
            "ð",
            "đ",
            "Đ",
            "CP",
            "QH",
            "13",
            "UBTVQH",
            "TTLT",
            "BTC",
            "TTg",
            "QĐ",
            "y",
            "&",
            "\u{0301}",
            "\u{0323}",
            "\u{0300}",
            "ế",
            "ngày ",
            "tháng ",
            "nghị định ",
            "luật ",
            "số ",
            "Số: ",
            ".",
            ",",
            "🙂",
            "\u{FEFF}",
            "\u{200B}",
            "ß",
            "İ",
            "ﬁ",
            "\u{1E9E}",
            "\0",
            "\u{10FFFF}",
            "a",
            "Z",
            "_",
            "(",
            ")",
            "99999999999999999999",
            "0000",
            "12/3/2020",
            "43/2011/NĐ-CP",
            "\u{0110}\u{0301}",
        ];
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for i in 0..20_000 {
            let n = rng.below(24);
            let mut s = String::new();
            for _ in 0..n {
                if i % 7 == 0 {
                    // raw random code points, including unassigned ones
                    if let Some(c) = char::from_u32((rng.next() % 0x11_0000) as u32) {
                        s.push(c);
                    }
                } else {
                    s.push_str(ATOMS[rng.below(ATOMS.len())]);
                }
            }
            if let Ok(d) = DocNumber::parse(&s) {
                let again = DocNumber::parse(d.canonical()).expect("canonical reparses");
                assert_eq!(again, d, "input {s:?}");
                assert!(d.canonical().chars().count() <= MAX_LEN + 2, "{s:?}");
                let _ = d.key();
            } else if let Err(e) = DocNumber::parse(&s) {
                let _ = e.message_vi();
            }
            for (r, d) in DocNumber::find_all(&s) {
                let sub = s.get(r.clone()).expect("range on char boundaries");
                assert_eq!(DocNumber::parse(sub).as_ref(), Ok(&d));
            }
            for (r, p) in find_partial(&s) {
                assert!(s.get(r).is_some());
                assert!(p.number > 0);
            }
        }
        // Some pathological long inputs.
        let big = "43/2011/NĐ-CP ".repeat(5_000);
        assert_eq!(DocNumber::find_all(&big).len(), 5_000);
        let slashes = "/".repeat(100_000);
        assert!(DocNumber::find_all(&slashes).is_empty());
        assert!(find_partial(&"1/2011".repeat(10_000)).is_empty());
        assert!(DocNumber::parse(&"1".repeat(10_000)).is_err());
    }

    #[test]
    fn real_data_phapdien() {
        use std::io::BufRead;
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/data/phapdien/documents-2026-01.jsonl.gz");
        let Ok(file) = std::fs::File::open(&path) else {
            println!("skipping: {} not present", path.display());
            return;
        };
        let reader = std::io::BufReader::new(flate2::read::GzDecoder::new(file));
        let (mut total, mut ok, mut absent) = (0usize, 0usize, 0usize);
        let mut failures = Vec::new();
        for line in reader.lines() {
            let line = line.expect("read line");
            let v: serde_json::Value = serde_json::from_str(&line).expect("json line");
            let Some(so_hieu) = v.get("so_hieu").and_then(|s| s.as_str()) else {
                absent += 1;
                continue;
            };
            total += 1;
            match DocNumber::parse(so_hieu) {
                Ok(_) => ok += 1,
                Err(e) => failures.push(format!("{so_hieu:?}: {e}")),
            }
        }
        let rate = ok as f64 / total.max(1) as f64;
        println!(
            "parsed {ok}/{total} so_hieu ({:.2}%), {absent} without so_hieu",
            rate * 100.0
        );
        for f in &failures {
            println!("  unparsed {f}");
        }
        assert!(total > 1000, "suspiciously few rows: {total}");
        assert!(rate >= 0.99, "parse rate {rate}");
    }
}
