//! What a question asks, as opposed to what it is about.
//!
//! People ask the law questions: "thời hạn kháng cáo là bao lâu?", "điều kiện kết hôn được quy
//! định như thế nào?". The interrogative scaffolding ("như thế nào", "là gì", "có được không")
//! never occurs in the statute, so as search terms its rarity would make it score highly on the
//! few articles that happen to contain it. It is removed from the scored words, and what it asks
//! for becomes an intent: a definition, a time limit, an amount, a place, a competent body.

use std::sync::LazyLock;

use crate::analysis::Syllable;

/// What kind of answer the question wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    /// "X là gì", "X được hiểu như thế nào": the article that defines X.
    Definition,
    /// "bao lâu", "mấy ngày", "khi nào": a time limit.
    Duration,
    /// "bao nhiêu", "mức ... là": an amount, fee or fine.
    Amount,
    /// "ở đâu", "nơi nào", "cơ quan nào": where to file, who decides.
    Place,
}

/// Scaffolding phrases, longest first within each shared start, exact (canonical tones).
const SCAFFOLDING: &[(&str, Option<Intent>)] = &[
    ("được hiểu như thế nào", Some(Intent::Definition)),
    ("được hiểu thế nào", Some(Intent::Definition)),
    ("được hiểu là gì", Some(Intent::Definition)),
    ("nghĩa là gì", Some(Intent::Definition)),
    ("có nghĩa là gì", Some(Intent::Definition)),
    ("là gì", Some(Intent::Definition)),
    ("là như thế nào", Some(Intent::Definition)),
    ("được định nghĩa như thế nào", Some(Intent::Definition)),
    ("được định nghĩa thế nào", Some(Intent::Definition)),
    ("được định nghĩa là gì", Some(Intent::Definition)),
    ("được định nghĩa ra sao", Some(Intent::Definition)),
    ("định nghĩa về", Some(Intent::Definition)),
    ("định nghĩa", Some(Intent::Definition)),
    ("khái niệm về", Some(Intent::Definition)),
    ("khái niệm", Some(Intent::Definition)),
    ("như thế nào là", Some(Intent::Definition)),
    ("thế nào là", Some(Intent::Definition)),
    ("thế nào được gọi là", Some(Intent::Definition)),
    ("được xem là", Some(Intent::Definition)),
    ("được coi là", Some(Intent::Definition)),
    ("được gọi là", Some(Intent::Definition)),
    ("được quy định như thế nào", None),
    ("được quy định thế nào", None),
    ("được quy định ra sao", None),
    ("quy định như thế nào", None),
    ("quy định thế nào", None),
    ("quy định ra sao", None),
    ("như thế nào", None),
    ("thế nào", None),
    ("ra sao", None),
    ("là bao lâu", Some(Intent::Duration)),
    ("trong bao lâu", Some(Intent::Duration)),
    ("bao lâu", Some(Intent::Duration)),
    ("mấy ngày", Some(Intent::Duration)),
    ("mấy tháng", Some(Intent::Duration)),
    ("mấy năm", Some(Intent::Duration)),
    ("khi nào", Some(Intent::Duration)),
    ("bao nhiêu tiền", Some(Intent::Amount)),
    ("là bao nhiêu", Some(Intent::Amount)),
    ("bao nhiêu", Some(Intent::Amount)),
    ("ở đâu", Some(Intent::Place)),
    ("tại đâu", Some(Intent::Place)),
    ("nơi nào", Some(Intent::Place)),
    ("bao gồm những gì", None),
    ("gồm những gì", None),
    ("gồm có những gì", None),
    ("những gì", None),
    ("có được không", None),
    ("được không", None),
    ("hay không", None),
    ("có phải", None),
    ("phải không", None),
    ("theo quy định mới nhất", None),
    ("mới nhất", None),
    ("hiện nay", None),
    ("hiện hành", None),
    ("xin hỏi", None),
    ("cho hỏi", None),
    ("cho tôi hỏi", None),
    ("tôi muốn hỏi", None),
    ("gì", None),
    ("nào", None),
    ("ạ", None),
    ("vậy", None),
    ("nhỉ", None),
];

type Phrases = Vec<(Vec<String>, Option<Intent>)>;

/// [`SCAFFOLDING`] split into words once, as written and folded.
static SCAFFOLDING_EXACT: LazyLock<Phrases> = LazyLock::new(|| scaffolding(false));
static SCAFFOLDING_FOLDED: LazyLock<Phrases> = LazyLock::new(|| scaffolding(true));

fn scaffolding(folded: bool) -> Phrases {
    SCAFFOLDING
        .iter()
        .map(|(p, intent)| {
            let words = p
                .split(' ')
                .map(|w| {
                    if folded {
                        crate::analysis::fold(w)
                    } else {
                        w.to_owned()
                    }
                })
                .collect();
            (words, *intent)
        })
        .collect()
}

/// Words that only ever end a yes/no question ("... có được miễn thuế không?").
const TRAILING_PARTICLES: &[&str] = &["không", "chưa", "ko", "k"];

/// The question's scaffolding removed, and what it asked for.
#[derive(Debug, Clone, Default)]
pub struct Interpreted {
    /// The syllables that say what the question is about.
    pub content: Vec<Syllable>,
    pub intents: Vec<Intent>,
}

/// Splits a question into content words and intents. `exact` compares with diacritics (when
/// the person typed them), else folded forms are compared.
pub fn interpret(syllables: &[Syllable], exact: bool) -> Interpreted {
    fn form(s: &Syllable, exact: bool) -> &str {
        if exact { &s.exact } else { &s.folded }
    }
    let phrases = if exact {
        &SCAFFOLDING_EXACT
    } else {
        &SCAFFOLDING_FOLDED
    };
    let mut out = Interpreted::default();
    let mut i = 0;
    'outer: while i < syllables.len() {
        for (words, intent) in phrases.iter() {
            let end = i + words.len();
            if end <= syllables.len()
                && syllables[i..end]
                    .iter()
                    .zip(words)
                    .all(|(s, w)| form(s, exact) == w)
            {
                if let Some(intent) = intent
                    && !out.intents.contains(intent)
                {
                    out.intents.push(*intent);
                }
                i = end;
                continue 'outer;
            }
        }
        out.content.push(syllables[i].clone());
        i += 1;
    }
    if let Some(last) = out.content.last()
        && out.content.len() > 1
        && TRAILING_PARTICLES.iter().any(|p| {
            let p = if exact {
                (*p).to_owned()
            } else {
                crate::analysis::fold(p)
            };
            form(last, exact) == p
        })
        && syllables.last().is_some_and(|s| s.range == last.range)
    {
        out.content.pop();
    }
    if out.content.is_empty() {
        // Nothing but scaffolding ("là gì?"): search what was typed rather than nothing.
        out.content = syllables.to_vec();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{has_diacritics, syllables};

    fn check(q: &str, expect: &str) {
        let s = syllables(q);
        let r = interpret(&s, has_diacritics(q));
        let words: Vec<&str> = r.content.iter().map(|s| s.exact.as_str()).collect();
        let got = format!("{} {:?}", words.join(" "), r.intents);
        assert_eq!(got, expect, "{q}");
    }

    #[test]
    fn strips_scaffolding_and_keeps_intent() {
        check(
            "Điều kiện kết hôn được quy định như thế nào?",
            "điều kiện kết hôn []",
        );
        check("Hàng đóng gói sẵn là gì?", "hàng đóng gói sẵn [Definition]");
        check(
            "Thời hạn kháng cáo là bao lâu?",
            "thời hạn kháng cáo [Duration]",
        );
        check(
            "Phí đăng ký kết hôn bao nhiêu tiền",
            "phí đăng ký kết hôn [Amount]",
        );
        check("làm giấy khai sinh ở đâu", "làm giấy khai sinh [Place]");
        check(
            "16 tuổi có được tự mình mua xe máy không?",
            "16 tuổi có được tự mình mua xe máy []",
        );
        check("người không có quốc tịch", "người không có quốc tịch []");
        check("la gi", "la gi [Definition]");
        check("ket hon la gi", "ket hon [Definition]");
        check("Cơ quan nào cấp giấy phép?", "cơ quan cấp giấy phép []");
        check("Khái niệm gia đình", "gia đình [Definition]");
        check(
            "Bến khách ngang sông được định nghĩa như thế nào?",
            "bến khách ngang sông [Definition]",
        );
        check(
            "Như thế nào là trái phiếu chuyển đổi?",
            "trái phiếu chuyển đổi [Definition]",
        );
    }
}
