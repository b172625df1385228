//! Published answers: anonymisation of the question, and the in-memory index that finds them
//! (the `/hoi-dap` page, the main search's "Hỏi đáp" section, and the similar questions shown
//! before submitting). Rebuilt from the store at start and after every publication.

use std::sync::LazyLock;

use regex::Regex;

use super::FeedbackError;
use super::store::Published;
use super::textindex::TextIndex;

pub struct AnswerIndex {
    items: Vec<Published>,
    index: TextIndex,
}

impl AnswerIndex {
    pub fn new(items: Vec<Published>) -> Result<AnswerIndex, FeedbackError> {
        let texts: Vec<String> = items
            .iter()
            .map(|p| format!("{}. {}. {}", p.subject, p.question, p.answer))
            .collect();
        let index = TextIndex::build(texts.iter().map(String::as_str))?;
        Ok(AnswerIndex { items, index })
    }

    /// Newest first.
    pub fn all(&self) -> &[Published] {
        &self.items
    }

    pub fn get(&self, code: &str) -> Option<&Published> {
        self.items.iter().find(|p| p.code == code)
    }

    /// The best `limit` answers for `text`.
    pub fn search(&self, text: &str, limit: usize) -> Result<Vec<Published>, FeedbackError> {
        Ok(self
            .index
            .search(text, limit)?
            .into_iter()
            .filter_map(|f| self.items.get(f.pos).cloned())
            .collect())
    }
}

/// The public address of a published answer: derived from the tracking code by a one-way hash,
/// so that the published page never reveals the code that opens the tracking page.
pub fn public_id(code: &str) -> String {
    super::auth::token_hash(&format!("hoi-dap:{code}"))[..16].to_owned()
}

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}").expect("email pattern")
});
/// Runs of 8 or more digits, allowing separators: phone numbers, ID card numbers.
static DIGITS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\+?\d[\d .\-]{6,}\d").expect("digits pattern"));

/// The question without the submitter's name, email addresses or long numbers (phones, ID
/// cards), each replaced by `[…]`.
pub fn anonymise(text: &str, name: Option<&str>) -> String {
    let mut out = EMAIL.replace_all(text, "[…]").into_owned();
    out = DIGITS.replace_all(&out, "[…]").into_owned();
    if let Some(name) = name.map(str::trim).filter(|n| n.chars().count() >= 2) {
        out = replace_ci(&out, name);
        // The given name alone (last word of a Vietnamese name) when long enough to be one.
        if let Some(given) = name.split_whitespace().last()
            && given.chars().count() >= 3
            && given != name
        {
            out = replace_words(&out, given);
        }
    }
    out
}

fn replace_ci(text: &str, needle: &str) -> String {
    let pattern = format!("(?i){}", regex::escape(needle));
    match Regex::new(&pattern) {
        Ok(re) => re.replace_all(text, "[…]").into_owned(),
        Err(_) => text.to_owned(),
    }
}

fn replace_words(text: &str, word: &str) -> String {
    let pattern = format!(r"(?i)\b{}\b", regex::escape(word));
    match Regex::new(&pattern) {
        Ok(re) => re.replace_all(text, "[…]").into_owned(),
        Err(_) => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_personal_data() {
        let t = anonymise(
            "Tôi là Nguyễn Văn Bình, email binh.nv@example.vn, sđt 0912 345 678, CCCD 001203004567. Bình hỏi: đăng ký khai sinh ở đâu?",
            Some("Nguyễn Văn Bình"),
        );
        for leak in ["Nguyễn Văn Bình", "binh.nv", "0912", "001203004567", "Bình"] {
            assert!(!t.contains(leak), "{leak} in {t}");
        }
        assert!(t.contains("đăng ký khai sinh ở đâu?"), "{t}");
        assert_eq!(anonymise("Điều 5 năm 2024", None), "Điều 5 năm 2024");
    }
}
