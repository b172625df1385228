//! From the source's run-together text to structure: pure functions, no IO. The national portal
//! flattened its tables into one string per field ("Hình thức nộpThời gianPhí, lệ phíMô tảTrực
//! tiếp22 Ngày làm việcMiễn phí..."); each function here reads one field back into values, or
//! returns `None` and leaves the published text to be shown as it is. A value is only ever cut
//! out of the source's own text, never filled in.

use std::sync::LazyLock;

use regex::Regex;

use super::model::{
    Channel, ChannelKind, DossierGroup, DossierItem, Fee, LegalBasis, Procedure, Section, Step,
};
use super::source::SourceRecord;
use crate::analysis;
use crate::model::DocNumber;

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("static regex")
}

/// The name as published, without the stray punctuation two of the source's names start with
/// (". Đăng ký thuế đối với ...").
fn name(published: &str) -> String {
    published
        .trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '.' | ',' | ';' | ':' | '-'))
        .trim_end()
        .to_owned()
}

/// The source record as a [`Procedure`].
pub fn procedure(src: &SourceRecord) -> Procedure {
    let text = |s: &str| s.trim().to_owned();
    let levels = if src.cap_thuc_hien_list.is_empty() {
        split_list(&src.cap_thuc_hien)
    } else {
        src.cap_thuc_hien_list.iter().map(|s| text(s)).collect()
    };
    let bodies = if src.co_quan_thuc_hien_list.is_empty() {
        split_list(&src.co_quan_thuc_hien)
    } else {
        src.co_quan_thuc_hien_list.iter().map(|s| text(s)).collect()
    };
    Procedure {
        ma: text(&src.ma_thu_tuc),
        name: name(&src.ten_thu_tuc),
        ministry: text(&src.bo_nganh),
        field: text(&src.linh_vuc),
        levels,
        subjects: split_list(&src.doi_tuong_thuc_hien),
        kind: text(&src.loai_thu_tuc),
        decision: text(&src.so_quyet_dinh),
        implementing_bodies: bodies,
        competent_body: text(&src.co_quan_co_tham_quyen),
        steps: section(&src.trinh_tu_thuc_hien, steps(&src.trinh_tu_thuc_hien)),
        channels: section(&src.cach_thuc_thuc_hien, channels(&src.cach_thuc_thuc_hien)),
        dossier: section(
            &src.thanh_phan_ho_so,
            dossier(&src.thanh_phan_ho_so, &src.form_names()),
        ),
        conditions: text(&src.yeu_cau_dieu_kien),
        results: section(&src.ket_qua_xu_ly, results(&src.ket_qua_xu_ly)),
        legal_basis: section(
            &src.can_cu_phap_ly,
            legal_basis(&src.can_cu_phap_ly, &src.can_cu_so_ky_hieu),
        ),
        related: match src.thu_tuc_lien_quan.trim() {
            "Không có thông tin" => String::new(),
            other => other.to_owned(),
        },
        source_url: text(&src.detail_url),
    }
}

fn section<T>(published: &str, parsed: Option<T>) -> Section<T> {
    Section {
        parsed,
        published: published.trim().to_owned(),
    }
}

/// A comma-separated list whose items start with a capital ("Tổ chức (không bao gồm doanh
/// nghiệp, HTX), Công dân Việt Nam, Cán bộ, công chức, viên chức"): commas inside parentheses
/// or before a lower-case word belong to the item.
pub fn split_list(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth <= 0 => {
                let next = s[i + 1..].trim_start().chars().next();
                if next.is_some_and(char::is_uppercase) {
                    out.push(s[start..i].trim().to_owned());
                    start = i + 1;
                }
            }
            _ => {}
        }
    }
    out.push(s[start..].trim().to_owned());
    out.retain(|x| !x.is_empty());
    out
}

static STEP_MARK: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?m)^[\s\-+*•]*(Bước\s*(\d{1,2}))\s*[:.\-–]?\s*"));
/// "Bước 2:" inside a line ("...hồ sơ; Bước 2: ..."): a step only with its colon or dash.
static INLINE_STEP_MARK: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?:^|[\s(*;.:])(Bước\s*(\d{1,2}))\s*[:.\-–]\s*"));
static LETTER_MARK: LazyLock<Regex> = LazyLock::new(|| re(r"(?m)^[\s\-+*•]*(([a-zđ])\))\s*"));
static NUMBER_MARK: LazyLock<Regex> = LazyLock::new(|| re(r"(?m)^[\s\-+*•]*((\d{1,2})[.)])\s+"));

/// Ordered steps: "Bước 1: ..." (at the start of a line, or inside one), or lines starting
/// "a) ... b) ...", or "1. ... 2. ...". At least two markers, numbered in order from the first;
/// text before the first marker is kept as an unlabelled step.
pub fn steps(text: &str) -> Option<Vec<Step>> {
    for (mark, ordinal) in [
        (&*STEP_MARK, ordinal_number as fn(&str) -> Option<u32>),
        (&*INLINE_STEP_MARK, ordinal_number),
        (&*LETTER_MARK, ordinal_letter),
        (&*NUMBER_MARK, ordinal_number),
    ] {
        let marks: Vec<_> = mark.captures_iter(text).collect();
        if marks.len() < 2 {
            continue;
        }
        // In order 1, 2, 3 (or a, b, c); a repeated or skipped number means the markers are
        // something else (a sub-list inside a step), so this reading is rejected.
        let in_order = marks
            .iter()
            .enumerate()
            .all(|(i, c)| ordinal(&c[2]) == Some(i as u32 + 1));
        if !in_order {
            continue;
        }
        // A marker starts at its label, with the bullet or line break before it; what comes
        // before that ("...hồ sơ;") ends the previous step.
        let start = |c: &regex::Captures| {
            let label = c.get(1).map_or(0, |m| m.start());
            text[..label]
                .trim_end_matches(|ch: char| ch.is_whitespace() || "-+*•".contains(ch))
                .len()
        };
        let mut out = Vec::with_capacity(marks.len() + 1);
        let first = start(&marks[0]);
        if !text[..first].trim().is_empty() {
            out.push(Step {
                label: String::new(),
                text: text[..first].trim().to_owned(),
            });
        }
        for (i, c) in marks.iter().enumerate() {
            let body_start = c.get(0).map_or(0, |m| m.end());
            let body_end = marks.get(i + 1).map_or(text.len(), start);
            out.push(Step {
                label: c[1].split_whitespace().collect::<Vec<_>>().join(" "),
                text: text[body_start..body_end].trim().to_owned(),
            });
        }
        return Some(out);
    }
    None
}

fn ordinal_number(s: &str) -> Option<u32> {
    s.parse().ok()
}

fn ordinal_letter(s: &str) -> Option<u32> {
    const LETTERS: &str = "abcdđeghiklmnopqrstuvxy";
    LETTERS
        .chars()
        .position(|c| s.starts_with(c))
        .map(|p| p as u32 + 1)
}

const CHANNEL_HEADER: &str = "Hình thức nộpThời gianPhí, lệ phíMô tả";
static CHANNEL_START: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(Trực tiếp|Trực tuyến|Dịch vụ bưu chính)(?:\d|Miễn phí|Không có thông tin|Không phải trả|Phí|Lệ phí)",
    )
});
static DEADLINE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"^(\d+(?:[.,]\d+)?)\s*(Ngày làm việc|Ngày|Giờ làm việc|Giờ|Tháng|Năm|Phút)?")
});
static AMOUNT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?:(?:Lệ phí|Phí)\s*:?\s*)?(\d{1,3}(?:[.,]\d{3})+|\d+)\s*(Việt Nam đồng|VNĐ|VND|Đồng|đồng)",
    )
});

/// The channels table: one row per channel with its deadline, fee and description.
pub fn channels(text: &str) -> Option<Vec<Channel>> {
    let body = text.trim().strip_prefix(CHANNEL_HEADER)?;
    let starts: Vec<(usize, ChannelKind, usize)> = CHANNEL_START
        .captures_iter(body)
        .filter_map(|c| {
            let m = c.get(1)?;
            let kind = match m.as_str() {
                "Trực tiếp" => ChannelKind::InPerson,
                "Trực tuyến" => ChannelKind::Online,
                _ => ChannelKind::Post,
            };
            Some((m.start(), kind, m.end()))
        })
        .collect();
    // The table starts with a channel; anything else is a layout this reader does not know.
    if starts.first().is_none_or(|s| s.0 != 0) {
        return None;
    }
    let mut out = Vec::with_capacity(starts.len());
    for (i, &(_, kind, cell)) in starts.iter().enumerate() {
        let end = starts.get(i + 1).map_or(body.len(), |s| s.0);
        let mut rest = &body[cell..end];
        let mut deadline = None;
        if let Some(d) = DEADLINE.captures(rest) {
            let whole = d.get(0).map_or("", |m| m.as_str());
            deadline = Some(whole.trim().to_owned());
            rest = &rest[whole.len()..];
        }
        let (fee, rest) = fee(rest);
        out.push(Channel {
            kind,
            deadline,
            fee,
            description: rest.trim().to_owned(),
        });
    }
    Some(out)
}

fn fee(cell: &str) -> (Fee, &str) {
    for (prefix, fee) in [
        ("Miễn phí", Fee::Free),
        ("Không phải trả phí", Fee::Free),
        ("Không có thông tin", Fee::NotStated),
    ] {
        if let Some(rest) = cell.strip_prefix(prefix) {
            return (fee, rest);
        }
    }
    if let Some(c) = AMOUNT.captures(cell) {
        let whole = c.get(0).map_or("", |m| m.as_str());
        let digits: String = c[1].chars().filter(char::is_ascii_digit).collect();
        if let Ok(vnd) = digits.parse() {
            return (
                Fee::Amount {
                    vnd,
                    text: whole.trim().to_owned(),
                },
                &cell[whole.len()..],
            );
        }
    }
    (Fee::NotStated, cell)
}

const DOSSIER_HEADER: &str = "Tên giấy tờMẫu đơn, tờ khaiSố lượng";
/// The quantity cell: one digit (the source's quantities are 0-9), glued to the name before it
/// and to the next row after it. "01 bản sao hoặc ..." inside a name is followed by a space,
/// which is how [`is_quantity_cell`] tells it apart.
static QUANTITY: LazyLock<Regex> =
    LazyLock::new(|| re(r"\d bản chính(?:\s*,\s*\d bản sao)?|\d bản sao"));

fn is_quantity_cell(text: &str, end: usize) -> bool {
    text[end..]
        .chars()
        .next()
        .is_none_or(|c| !c.is_whitespace())
}
static FORM_FILE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\.(?:docx?|pdf|xlsx?|odt|rtf|zip|rar)$"));

/// The dossier table: groups of (name, form, quantity), each group under its case when the
/// source has several ("Trường hợp ..."). `forms` are the form file names the source lists,
/// used to cut a file name from the name it is glued to.
pub fn dossier(text: &str, forms: &[&str]) -> Option<Vec<DossierGroup>> {
    let parts: Vec<&str> = text.split(DOSSIER_HEADER).collect();
    if parts.len() < 2 {
        return None;
    }
    let mut groups = Vec::with_capacity(parts.len() - 1);
    let mut case = parts[0];
    for part in &parts[1..] {
        let mut items = Vec::new();
        let mut last = 0;
        for q in QUANTITY
            .find_iter(part)
            .filter(|q| is_quantity_cell(part, q.end()))
        {
            let raw = part[last..q.start()].trim();
            last = q.end();
            if raw.is_empty() {
                continue;
            }
            let (name, form) = split_form(raw, forms);
            items.push(DossierItem {
                name,
                form,
                quantity: Some(q.as_str().to_owned()),
            });
        }
        if items.is_empty() {
            return None;
        }
        groups.push(DossierGroup {
            case: case_title(case),
            items,
        });
        // What follows the last quantity is the next group's case.
        case = &part[last..];
    }
    if !case.trim().trim_matches('-').trim().is_empty() {
        // Text after the last table that is not a case: keep the table unparsed rather than
        // drop it.
        return None;
    }
    Some(groups)
}

fn case_title(s: &str) -> Option<String> {
    let t = s.trim().trim_matches('-').trim();
    (!t.is_empty()).then(|| t.to_owned())
}

fn split_form(raw: &str, forms: &[&str]) -> (String, Option<String>) {
    if let Some(form) = forms
        .iter()
        .filter(|f| !f.is_empty() && raw.ends_with(*f) && raw.len() > f.len())
        .max_by_key(|f| f.len())
    {
        let name = raw[..raw.len() - form.len()].trim();
        return (name.to_owned(), Some((*form).to_owned()));
    }
    if FORM_FILE.is_match(raw) {
        // The file name starts after the sentence that names the document ends.
        let ext = raw.rfind('.').unwrap_or(0);
        if let Some(cut) = raw[..ext].rfind([';', '.', ':']) {
            let name = raw[..=cut].trim();
            let form = raw[cut + 1..].trim();
            if !name.is_empty() && !form.is_empty() && !form.starts_with('.') {
                return (name.to_owned(), Some(form.to_owned()));
            }
        }
    }
    (raw.to_owned(), None)
}

static RESULT_CODE: LazyLock<Regex> = LazyLock::new(|| re(r"Mã:\s*[A-Z0-9.\-_]*\d"));
/// Where the portal's page furniture starts after the results.
const RESULT_TAIL: &str = "Từ khóa";

/// The results (ket quả), one per code the source lists.
pub fn results(text: &str) -> Option<Vec<String>> {
    let body = text.split(RESULT_TAIL).next().unwrap_or("").trim();
    if body.is_empty() {
        return None;
    }
    let mut out = Vec::new();
    let mut last = 0;
    for m in RESULT_CODE.find_iter(body) {
        let name = body[last..m.start()].trim();
        if !name.is_empty() {
            out.push(name.to_owned());
        }
        last = m.end();
    }
    let tail = body[last..].trim();
    if !tail.is_empty() {
        out.push(tail.to_owned());
    }
    (!out.is_empty()).then_some(out)
}

const BASIS_HEADER: &str = "Tên văn bản pháp lýMã văn bản";
static NUMBER_START: LazyLock<Regex> = LazyLock::new(|| re(r"(\d{1,10})/(\d{4})/"));

/// The legal basis table: each row's title and số hiệu, the number found where the title ends.
/// `listed` are the numbers the source extracted itself; any it has that the scan missed are
/// added without a title.
pub fn legal_basis(text: &str, listed: &[String]) -> Option<Vec<LegalBasis>> {
    let listed_numbers: Vec<DocNumber> = listed
        .iter()
        .filter_map(|l| DocNumber::parse(l).ok())
        .collect();
    // The same document spelt with an issuer that ends earlier or later ("TT-BC" / "TT-BCT",
    // "NĐ-C" / "NĐ-CP"): the source's list truncates some numbers and glues titles onto others,
    // and the scan is ambiguous where it cut a capital off before a lower-case word.
    let variant = |a: &DocNumber, b: &DocNumber| {
        a.number() == b.number()
            && a.year() == b.year()
            && a.canonical() != b.canonical()
            && (a.canonical().starts_with(b.canonical())
                || b.canonical().starts_with(a.canonical()))
    };
    // Only where the scan had to guess does the list settle the issuer.
    let settle = |n: DocNumber, guessed: bool| -> DocNumber {
        if !guessed {
            return n;
        }
        listed_numbers
            .iter()
            .find(|l| variant(l, &n))
            .cloned()
            .unwrap_or(n)
    };
    let body = text.trim();
    let body = body.strip_prefix(BASIS_HEADER).unwrap_or(body);
    let mut out: Vec<LegalBasis> = Vec::new();
    let mut pos = 0;
    let mut title_start = 0;
    while let Some(c) = NUMBER_START.captures_at(body, pos) {
        let (Some(m), Some(num), Some(year)) = (c.get(0), c.get(1), c.get(2)) else {
            break;
        };
        let mut number = num.as_str();
        let mut number_start = num.start();
        // "Luật Khiếu nại năm 201102/2011/QH13": the title's year glued to the number.
        if number.len() >= 5
            && number[..4]
                .parse::<u16>()
                .is_ok_and(|y| (1945..=2035).contains(&y))
        {
            number = &number[4..];
            number_start += 4;
        }
        let (issuer, guessed) = issuer_at(&body[m.end()..]);
        let raw = format!("{number}/{}/{issuer}", year.as_str());
        let end = m.end() + issuer.len();
        match DocNumber::parse(&raw) {
            Ok(n) if !issuer.is_empty() => {
                let n = settle(n, guessed);
                let title = body[title_start..number_start]
                    .trim()
                    .trim_end_matches(['(', ',', ';'])
                    .trim();
                let title = title
                    .strip_suffix("số")
                    .map_or(title, str::trim_end)
                    .to_owned();
                if !out.iter().any(|b| b.number == n.canonical()) {
                    out.push(LegalBasis {
                        title,
                        number: n.canonical().to_owned(),
                        parsed: true,
                    });
                }
                title_start = end;
                pos = end;
            }
            _ => pos = m.end(),
        }
    }
    let scanned: Vec<DocNumber> = out
        .iter()
        .filter_map(|b| DocNumber::parse(&b.number).ok())
        .collect();
    for number in listed {
        let (canonical, parsed) = match DocNumber::parse(number) {
            // A variant of a number the scan read from the text is that number, misspelt.
            Ok(n) if scanned.iter().any(|s| variant(s, &n)) => continue,
            Ok(n) => (n.canonical().to_owned(), true),
            Err(_) => (number.trim().to_owned(), false),
        };
        if !canonical.is_empty() && !out.iter().any(|b| b.number == canonical) {
            out.push(LegalBasis {
                title: String::new(),
                number: canonical,
                parsed,
            });
        }
    }
    (!out.is_empty()).then_some(out)
}

/// Words that open a document title, upper-case and folded: a title in capitals glued to the
/// number ("04/2015/TT-BCAQUY ĐỊNH MỨC THU") starts with one of them.
const TITLE_WORDS: &[&str] = &[
    "QUY DINH",
    "BAN HANH",
    "LUAT",
    "THONG TU",
    "NGHI DINH",
    "NGHI QUYET",
    "QUYET DINH",
    "SUA DOI",
    "HUONG DAN",
    "BO SUNG",
    "PHAP LENH",
    "CHI THI",
    "QUY CHE",
];

/// Whether `s` starts with a title word in capitals, followed by the end of a word (or a
/// number glued on).
fn starts_title(s: &str) -> bool {
    TITLE_WORDS.iter().any(|word| {
        let n = word.chars().count();
        let head: String = s.chars().take(n).collect();
        head.chars().count() == n
            && !head.chars().any(char::is_lowercase)
            && analysis::fold(&head.to_lowercase()).to_uppercase() == *word
            && !s[head.len()..].starts_with(char::is_alphabetic)
    })
}

/// Whether a capital followed by `next` can open a Vietnamese syllable: a vowel after it, or
/// one of the two-letter onsets (ch, gh, gi, kh, ng, nh, ph, qu, th, tr).
fn can_start_syllable(capital: char, next: char) -> bool {
    let folded = analysis::fold(&next.to_string());
    let vowel = folded.starts_with(['a', 'e', 'i', 'o', 'u', 'y']);
    let pair = format!("{}{}", capital.to_ascii_lowercase(), folded);
    vowel || ["ch", "gh", "gi", "kh", "ng", "nh", "ph", "qu", "th", "tr"].contains(&pair.as_str())
}

/// The issuer part of a số hiệu at the start of `s` ("NĐ-CP", "QH13", "QĐ-TTg", "TT-BTC"),
/// cut where the next title or number begins; `true` when the cut is a guess (a capital taken
/// off before a lower-case letter: "TT-BCALuật", but also "TT-BCTư").
fn issuer_at(s: &str) -> (&str, bool) {
    let mut end = 0;
    let bytes: Vec<(usize, char)> = s.char_indices().collect();
    let mut i = 0;
    while i < bytes.len() {
        let (at, c) = bytes[i];
        let tg = c == 'g' && s[..at].ends_with("TT");
        if c.is_ascii_uppercase() || c == 'Đ' || c.is_ascii_digit() || c == '-' || tg {
            end = at + c.len_utf8();
            i += 1;
        } else {
            break;
        }
    }
    let mut issuer = &s[..end];
    let next = s[end..].chars().next();
    // The Government's suffix is exactly "CP": "NĐ-CPLU" is "NĐ-CP" glued to "LUẬT ...".
    if let Some(cp) = issuer.find("-CP") {
        return (&issuer[..cp + 3], false);
    }
    // A title in capitals glued on: cut where its first word starts, leaving at least two
    // letters of the issuer's last part ("TT-BCA" of "TT-BCAQUY ĐỊNH").
    let last_part = issuer.rfind('-').map_or(0, |d| d + 1);
    if let Some(cut) = (last_part + 2..issuer.len())
        .filter(|&k| issuer.is_char_boundary(k))
        .find(|&k| starts_title(&s[k..]))
    {
        return (&issuer[..cut], false);
    }
    let mut guessed = false;
    let last = issuer.chars().next_back();
    let starts_syllable = match (last, next) {
        (Some(c), Some(n)) => can_start_syllable(c, n),
        _ => false,
    };
    if next.is_some_and(char::is_lowercase)
        && last.is_some_and(|c| c.is_ascii_uppercase())
        && starts_syllable
    {
        // "TT-BCALuật": the capital that starts the next title's word ("TT-BTCsửa" keeps its
        // C: no Vietnamese syllable starts "Cs").
        let mut chars = issuer.chars();
        chars.next_back();
        issuer = chars.as_str();
        guessed = true;
    } else if next == Some('/') {
        // "QH1354/2014/...": the next row's number is glued on.
        if let Some(q) = issuer.rfind("QH") {
            let digits = issuer[q + 2..].len().min(2);
            issuer = &issuer[..q + 2 + digits];
        } else {
            issuer = issuer.trim_end_matches(|c: char| c.is_ascii_digit());
        }
    }
    (issuer.trim_end_matches('-'), guessed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show_basis(text: &str) -> String {
        legal_basis(text, &[])
            .unwrap_or_default()
            .iter()
            .map(|b| format!("{} <{}>", b.title, b.number))
            .collect::<Vec<_>>()
            .join(" | ")
    }

    #[test]
    fn legal_basis_rows() {
        let check = |text: &str, expect: &str| assert_eq!(show_basis(text), expect, "{text}");
        check(
            "Tên văn bản pháp lýMã văn bảnHướng dẫn xử lý khiếu nại68/2013/TT-BCALuật Khiếu nại  năm 201102/2011/QH13Nghị định 05/2012/NĐ-CP05/2012/NĐ-CP",
            "Hướng dẫn xử lý khiếu nại <68/2013/TT-BCA> | Luật Khiếu nại  năm 2011 <02/2011/QH13> | Nghị định <05/2012/NĐ-CP>",
        );
        check(
            "Tên văn bản pháp lýMã văn bảnLuật 54/2014/QH1354/2014/QH13Thuế xuất khẩu107/2016/QH13",
            "Luật <54/2014/QH13> | Thuế xuất khẩu <107/2016/QH13>",
        );
        check(
            "Tên văn bản pháp lýMã văn bảnvề cấp và quản lý bảo lãnh Chính phủNghị định số 92/2018/NĐ-CP",
            "về cấp và quản lý bảo lãnh Chính phủNghị định <92/2018/NĐ-CP>",
        );
        check(
            "Tên văn bản pháp lýMã văn bảnQuyết định 12/2020/QĐ-TTgLuật Hộ tịch60/2014/QH13",
            "Quyết định <12/2020/QĐ-TTg> | Luật Hộ tịch <60/2014/QH13>",
        );
        check(
            "Tên văn bản pháp lýMã văn bảnNghị định 92/2016/NĐ-CPLUẬT ĐẦU TƯ 61/2020/QH14hướng dẫn 86/2020/NĐ-CPhướng dẫn",
            "Nghị định <92/2016/NĐ-CP> | LUẬT ĐẦU TƯ <61/2020/QH14> | hướng dẫn <86/2020/NĐ-CP>",
        );
        check("", "");
        // An upper-case title glued to the number is cut where its first word starts, even
        // when the source's own list has the glued number too.
        check(
            "Tên văn bản pháp lýMã văn bảnThông tư 04/2015/TT-BCAQUY ĐỊNH MẪU GIẤY TỜ01/2016/TT-BLĐTBXHBAN HÀNH56/2018/TT-BGTVTLUẬT GIAO THÔNG",
            "Thông tư <04/2015/TT-BCA> | QUY ĐỊNH MẪU GIẤY TỜ <01/2016/TT-BLĐTBXH> | BAN HÀNH <56/2018/TT-BGTVT>",
        );
        let numbers = |text: &str, listed: &[&str]| -> Vec<String> {
            let listed: Vec<String> = listed.iter().map(|s| s.to_string()).collect();
            legal_basis(text, &listed)
                .unwrap_or_default()
                .into_iter()
                .map(|b| b.number)
                .collect()
        };
        assert_eq!(
            numbers("Thông tư 04/2015/TT-BCAQUY ĐỊNH", &["04/2015/TT-BCAQUY"]),
            ["04/2015/TT-BCA"]
        );
        // The source's list cuts some numbers short: the text's spelling stands, once.
        assert_eq!(
            numbers(
                "Thông tư số 60/2023/TT-BTC ngày 07/9/2023Nghị định 85/2020/NĐ-CP85/2020/NĐ-CP",
                &[
                    "60/2023/TT-BT",
                    "60/2023/TT-BTC",
                    "85/2020/NĐ-C",
                    "01/2024/TT-BTP"
                ]
            ),
            ["60/2023/TT-BTC", "85/2020/NĐ-CP", "01/2024/TT-BTP"]
        );
        // Where the scan guessed (a capital taken off before a lower-case word), the list
        // settles it.
        assert_eq!(
            numbers("Thông tư 53/2025/TT-BCTư pháp", &["53/2025/TT-BCT"]),
            ["53/2025/TT-BCT"]
        );
        // No syllable starts "Cs": the C is the issuer's, whatever the list says.
        assert_eq!(
            numbers("lệ phí257/2016/TT-BTCsửa đổi", &["257/2016/TT-BT"]),
            ["257/2016/TT-BTC"]
        );
    }

    #[test]
    fn channel_rows() {
        let c = channels("Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến22 Ngày làm việcMiễn phíTrong thời hạn 22 ngàyTrực tiếp3 Ngày50,000 Việt Nam đồng(Lệ phí)Dịch vụ bưu chínhKhông có thông tin").unwrap();
        assert_eq!(c.len(), 3);
        assert_eq!(c[0].kind, ChannelKind::Online);
        assert_eq!(c[0].deadline.as_deref(), Some("22 Ngày làm việc"));
        assert_eq!(c[0].fee, Fee::Free);
        assert_eq!(c[0].description, "Trong thời hạn 22 ngày");
        assert_eq!(
            c[1].fee,
            Fee::Amount {
                vnd: 50_000,
                text: "50,000 Việt Nam đồng".into()
            }
        );
        assert_eq!(c[2].kind, ChannelKind::Post);
        assert_eq!(c[2].deadline, None);
        assert_eq!(c[2].fee, Fee::NotStated);
        assert!(channels("Nộp tại UBND").is_none());
    }

    #[test]
    fn dossier_groups_and_forms() {
        let d = dossier("* Trường hợp A--Tên giấy tờMẫu đơn, tờ khaiSố lượngTờ khai theo mẫu;Mus08.docx1 bản chínhGiấy tờ tùy thân0 bản chính, 1 bản sao* Trường hợp BTên giấy tờMẫu đơn, tờ khaiSố lượngẢnh 4x61 bản chính", &[]).unwrap();
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].case.as_deref(), Some("* Trường hợp A"));
        assert_eq!(d[0].items[0].name, "Tờ khai theo mẫu;");
        assert_eq!(d[0].items[0].form.as_deref(), Some("Mus08.docx"));
        assert_eq!(
            d[0].items[1].quantity.as_deref(),
            Some("0 bản chính, 1 bản sao")
        );
        assert_eq!(d[1].case.as_deref(), Some("* Trường hợp B"));
        assert_eq!(d[1].items[0].name, "Ảnh 4x6");
        assert!(dossier("Theo quy định", &[]).is_none());
        let forms = dossier(
            "Tên giấy tờMẫu đơn, tờ khaiSố lượngĐơn đề nghị bộvăn bản đề nghị.docx1 bản chính",
            &["văn bản đề nghị.docx"],
        )
        .unwrap();
        assert_eq!(forms[0].items[0].name, "Đơn đề nghị bộ");
    }

    #[test]
    fn steps_in_order() {
        let shown = |text: &str| -> Vec<String> {
            steps(text)
                .unwrap_or_default()
                .iter()
                .map(|s| format!("{}={}", s.label, s.text))
                .collect()
        };
        assert_eq!(
            shown("Chuẩn bị\nBước 1: Nộp hồ sơ\nBước 2: Nhận kết quả"),
            ["=Chuẩn bị", "Bước 1=Nộp hồ sơ", "Bước 2=Nhận kết quả"]
        );
        let s = steps("a) Nộp hồ sơ\nb) Trả kết quả").unwrap();
        assert_eq!(s[1].label, "b)");
        assert!(steps("Bước 1: chỉ một bước").is_none());
        // Steps run together inside lines; what precedes a marker ends the previous step.
        assert_eq!(
            shown("* Đăng ký kiểm dịch Bước 1: Gửi hồ sơ; Bước 2: Kiểm tra.\n- Bước 3: Trả"),
            [
                "=* Đăng ký kiểm dịch",
                "Bước 1=Gửi hồ sơ;",
                "Bước 2=Kiểm tra.",
                "Bước 3=Trả"
            ]
        );
        // Inside a line a mention is not a step: "theo Bước 2" has no colon.
        assert!(steps("Bước 1: nộp, làm lại theo Bước 2 nếu thiếu").is_none());
        assert!(steps("1. a\n3. b").is_none());
    }

    #[test]
    fn a_name_loses_the_punctuation_it_starts_with() {
        assert_eq!(
            name(" . Đăng ký thuế đối với trường hợp chuyển đổi mô hình "),
            "Đăng ký thuế đối với trường hợp chuyển đổi mô hình"
        );
        assert_eq!(
            name("Thủ tục đăng ký khai sinh"),
            "Thủ tục đăng ký khai sinh"
        );
        assert_eq!(name("(cấp Tỉnh) Cấp giấy phép"), "(cấp Tỉnh) Cấp giấy phép");
    }

    #[test]
    fn results_and_lists() {
        assert_eq!(
            results("Giấy phépMã: KQ.G19.000181Văn bản từ chốiMã: G19-KQ0060102Từ khóaKhông có thông tin").unwrap(),
            ["Giấy phép", "Văn bản từ chối"]
        );
        assert_eq!(
            split_list(
                "Tổ chức (không bao gồm doanh nghiệp, HTX), Công dân Việt Nam, Cán bộ, công chức, viên chức"
            ),
            [
                "Tổ chức (không bao gồm doanh nghiệp, HTX)",
                "Công dân Việt Nam",
                "Cán bộ, công chức, viên chức"
            ]
        );
    }
}
