//! How people write versus how the law is written.
//!
//! Questions abbreviate ("đóng BHXH", "giáo viên THPT", "chủ DNTN") and use everyday names
//! ("sổ đỏ", "ở tù"), while statutes spell everything out ("bảo hiểm xã hội", "giấy chứng nhận
//! quyền sử dụng đất", "chấp hành án phạt tù"). Each such query word is replaced by the
//! statute's words, which keep the range of what was typed so highlighting still points at it.
//! The tables are curated, not mined: a wrong expansion costs more than a missing one.

use std::sync::LazyLock;

use crate::analysis::{self, Syllable};

/// Abbreviations as typed (any case, with or without đ) → the words they stand for. Only
/// vowel-less forms, or forms typed in capitals, are expanded, so that "tha" or "cand" typed as
/// ordinary words stay words.
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("bhxh", "bảo hiểm xã hội"),
    ("bhyt", "bảo hiểm y tế"),
    ("bhtn", "bảo hiểm thất nghiệp"),
    ("hđlđ", "hợp đồng lao động"),
    ("hđ", "hợp đồng"),
    ("nlđ", "người lao động"),
    ("nsdlđ", "người sử dụng lao động"),
    ("ubnd", "ủy ban nhân dân"),
    ("hđnd", "hội đồng nhân dân"),
    ("dntn", "doanh nghiệp tư nhân"),
    ("dn", "doanh nghiệp"),
    ("tnhh", "trách nhiệm hữu hạn"),
    ("ctcp", "công ty cổ phần"),
    ("htx", "hợp tác xã"),
    ("gcn", "giấy chứng nhận"),
    ("qsdđ", "quyền sử dụng đất"),
    ("gcnqsdđ", "giấy chứng nhận quyền sử dụng đất"),
    ("cmnd", "chứng minh nhân dân"),
    ("cccd", "căn cước công dân"),
    ("thpt", "trung học phổ thông"),
    ("thcs", "trung học cơ sở"),
    ("gtgt", "giá trị gia tăng"),
    ("tncn", "thu nhập cá nhân"),
    ("tndn", "thu nhập doanh nghiệp"),
    ("vphc", "vi phạm hành chính"),
    ("xlvphc", "xử lý vi phạm hành chính"),
    ("tthc", "thủ tục hành chính"),
    ("csgt", "cảnh sát giao thông"),
    ("gplx", "giấy phép lái xe"),
    ("đkkd", "đăng ký kinh doanh"),
    ("mst", "mã số thuế"),
    ("tand", "tòa án nhân dân"),
    ("vksnd", "viện kiểm sát nhân dân"),
    ("vks", "viện kiểm sát"),
    ("thads", "thi hành án dân sự"),
    ("cbcc", "cán bộ công chức"),
    ("cbccvc", "cán bộ công chức viên chức"),
    ("llvt", "lực lượng vũ trang"),
    ("qđnd", "quân đội nhân dân"),
    ("cand", "công an nhân dân"),
    ("pccc", "phòng cháy chữa cháy"),
    ("attp", "an toàn thực phẩm"),
    ("bđs", "bất động sản"),
    ("shtt", "sở hữu trí tuệ"),
    ("kcn", "khu công nghiệp"),
    ("đtm", "đánh giá tác động môi trường"),
    ("xnk", "xuất nhập khẩu"),
    ("tctd", "tổ chức tín dụng"),
    ("nhnn", "ngân hàng nhà nước"),
    ("kbnn", "kho bạc nhà nước"),
    ("nsnn", "ngân sách nhà nước"),
    ("đvsn", "đơn vị sự nghiệp"),
    ("hssv", "học sinh sinh viên"),
    ("tngt", "tai nạn giao thông"),
    ("tnlđ", "tai nạn lao động"),
    ("bnn", "bệnh nghề nghiệp"),
];

/// Everyday phrases → the statute's words.
const COLLOQUIAL: &[(&str, &str)] = &[
    ("sổ đỏ", "giấy chứng nhận quyền sử dụng đất"),
    ("bìa đỏ", "giấy chứng nhận quyền sử dụng đất"),
    ("sổ hồng", "giấy chứng nhận quyền sở hữu nhà ở"),
    ("bằng lái xe", "giấy phép lái xe"),
    ("bằng lái", "giấy phép lái xe"),
    ("ở tù", "chấp hành án phạt tù"),
    ("đi tù", "chấp hành án phạt tù"),
    ("bị tù", "chấp hành án phạt tù"),
    ("nghỉ đẻ", "nghỉ thai sản"),
    ("bỏ vợ", "ly hôn"),
    ("bỏ chồng", "ly hôn"),
];

type ExactAndFolded = (String, String);

struct Table {
    /// Folded form → expansion syllables.
    abbreviations: Vec<(String, Vec<Syllable>)>,
    /// Words of the phrase (exact, folded) → expansion syllables.
    colloquial: Vec<(Vec<ExactAndFolded>, Vec<Syllable>)>,
}

static TABLE: LazyLock<Table> = LazyLock::new(|| Table {
    abbreviations: ABBREVIATIONS
        .iter()
        .map(|(a, e)| (analysis::fold(a), analysis::syllables(e)))
        .collect(),
    colloquial: COLLOQUIAL
        .iter()
        .map(|(p, e)| {
            let words = analysis::syllables(p)
                .into_iter()
                .map(|s| (s.exact, s.folded))
                .collect();
            (words, analysis::syllables(e))
        })
        .collect(),
});

fn has_vowel(folded: &str) -> bool {
    folded.contains(['a', 'e', 'i', 'o', 'u', 'y'])
}

/// The replacement words, placed where the typed ones were.
fn placed(expansion: &[Syllable], typed: &[Syllable]) -> impl Iterator<Item = Syllable> {
    let range = typed[0].range.start..typed[typed.len() - 1].range.end;
    let clause = typed[0].clause;
    expansion.iter().map(move |s| Syllable {
        range: range.clone(),
        clause,
        ..s.clone()
    })
}

/// `syllables` (analysed from `raw`) with abbreviations and everyday phrases spelt out. Phrases
/// are compared with their diacritics when the person typed some ("đi tu" is not "đi tù").
pub fn expand(raw: &str, syllables: Vec<Syllable>, exact: bool) -> Vec<Syllable> {
    let table = &*TABLE;
    let mut out = Vec::with_capacity(syllables.len());
    let mut i = 0;
    'outer: while i < syllables.len() {
        for (words, expansion) in &table.colloquial {
            let end = i + words.len();
            if end <= syllables.len()
                && syllables[i..end]
                    .iter()
                    .zip(words)
                    .all(|(s, (e, f))| if exact { &s.exact == e } else { &s.folded == f })
            {
                out.extend(placed(expansion, &syllables[i..end]));
                i = end;
                continue 'outer;
            }
        }
        let s = &syllables[i];
        let typed = raw.get(s.range.clone()).unwrap_or_default();
        let capitals = typed.chars().count() >= 2 && typed.chars().all(char::is_uppercase);
        if (!has_vowel(&s.folded) || capitals)
            && let Some((_, expansion)) = table.abbreviations.iter().find(|(a, _)| a == &s.folded)
        {
            out.extend(placed(expansion, &syllables[i..=i]));
            i += 1;
            continue;
        }
        out.push(s.clone());
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(q: &str, expect: &str) {
        let got: Vec<String> = expand(q, analysis::syllables(q), analysis::has_diacritics(q))
            .into_iter()
            .map(|s| s.exact)
            .collect();
        assert_eq!(got.join(" "), expect, "{q}");
    }

    #[test]
    fn spells_out_what_people_abbreviate() {
        check("đóng BHXH", "đóng bảo hiểm xã hội");
        check("dong bhxh", "dong bảo hiểm xã hội");
        check(
            "giáo viên THPT hạng I",
            "giáo viên trung học phổ thông hạng i",
        );
        check(
            "chủ DNTN ở tù",
            "chủ doanh nghiệp tư nhân chấp hành án phạt tù",
        );
        check("thu hồi sổ đỏ", "thu hồi giấy chứng nhận quyền sử dụng đất");
        check("so do", "giấy chứng nhận quyền sử dụng đất");
        check("đi tu", "đi tu");
        // Ordinary words that happen to spell an abbreviation stay words.
        check("tha tội", "tha tội");
        check("cand", "cand");
        check("CAND", "công an nhân dân");
    }

    #[test]
    fn keeps_what_was_typed_for_highlighting() {
        let q = "đóng BHXH";
        let out = expand(q, analysis::syllables(q), true);
        assert!(out[1..].iter().all(|s| &q[s.range.clone()] == "BHXH"));
    }
}
