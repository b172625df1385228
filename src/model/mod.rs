//! The domain: legal documents (văn bản), their articles (Điều), document numbers (số hiệu),
//! dates and validity. Plain values with serde, no IO; every other module speaks these types.

mod date;
mod docnum;

use serde::{Deserialize, Serialize};

pub use date::{Date, DateError};
#[cfg(test)]
mod tests;

pub use docnum::{DocNumber, DocNumberError, DocNumberKind, PartialDocNumber, find_partial};

/// Whether a document is in force, as far as the source tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Còn hiệu lực.
    InForce,
    /// Hết hiệu lực một phần.
    PartlyInForce,
    /// Chưa có hiệu lực.
    NotYetInForce,
    /// Hết hiệu lực toàn bộ.
    Expired,
    /// Không xác định: the source does not say, or may be out of date.
    #[default]
    Unknown,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::InForce,
        Status::PartlyInForce,
        Status::NotYetInForce,
        Status::Expired,
        Status::Unknown,
    ];

    /// Stable machine name, used in the index and in URLs.
    pub fn slug(self) -> &'static str {
        match self {
            Status::InForce => "con-hieu-luc",
            Status::PartlyInForce => "het-hieu-luc-mot-phan",
            Status::NotYetInForce => "chua-co-hieu-luc",
            Status::Expired => "het-hieu-luc",
            Status::Unknown => "khong-xac-dinh",
        }
    }

    pub fn from_slug(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.slug() == s)
    }

    /// Label shown to people.
    pub fn label_vi(self) -> &'static str {
        match self {
            Status::InForce => "Còn hiệu lực",
            Status::PartlyInForce => "Hết hiệu lực một phần",
            Status::NotYetInForce => "Chưa có hiệu lực",
            Status::Expired => "Hết hiệu lực",
            Status::Unknown => "Chưa xác định hiệu lực",
        }
    }
}

/// Where a record comes from and when it was captured. The 2025-02 fill of the code is older
/// than the 2026-01 snapshot and may cite texts replaced since: pages say so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// Which collection: "phapdien", "curated", "crawl".
    pub source: String,
    /// Capture period, "2026-01".
    pub snapshot: String,
    /// True when a newer snapshot of the same source exists and this record was not in it.
    #[serde(default)]
    pub outdated: bool,
    /// Free-form origin (repository, commit, URL) as given by the source.
    #[serde(default)]
    pub origin: String,
}

/// A legal document (văn bản quy phạm pháp luật or other text an article comes from).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// Stable id: the canonical số hiệu when the document has one, else `vbpl-<item id>`.
    pub key: String,
    /// The number as published ("57/2020/QH14").
    pub so_hieu: String,
    /// Loại văn bản: "Luật", "Nghị định", "Thông tư"...
    pub doc_type: String,
    /// Trích yếu / title ("Luật Thanh niên").
    pub title: String,
    #[serde(default)]
    pub issuer: Option<String>,
    #[serde(default)]
    pub signer: Option<String>,
    #[serde(default)]
    pub issued: Option<Date>,
    #[serde(default)]
    pub effective_from: Option<Date>,
    #[serde(default)]
    pub status: Status,
    /// Đề mục codes of the code of law this document's articles are codified under.
    #[serde(default)]
    pub demuc: Vec<String>,
    /// Full text on vbpl.vn, when known.
    #[serde(default)]
    pub source_url: Option<String>,
    #[serde(default)]
    pub vbpl_item_id: Option<String>,
    pub provenance: Provenance,
}

impl Document {
    /// The title as people say it: "Luật Khiếu nại" for a law whose trích yếu is "Khiếu nại",
    /// the trích yếu alone when it already names the type or the type is unknown.
    pub fn display_title(&self) -> String {
        if self.title.trim().is_empty() {
            // The source lost the title (a small share of the code's citations): name the
            // document by what is left.
            let kind = if self.doc_type.is_empty() {
                "Văn bản"
            } else {
                self.doc_type.as_str()
            };
            return if self.so_hieu.is_empty() {
                format!("{kind} {}", self.key)
            } else {
                format!("{kind} số {}", self.so_hieu)
            };
        }
        let type_lower = self.doc_type.to_lowercase();
        if self.doc_type.is_empty() || self.title.to_lowercase().starts_with(&type_lower) {
            self.title.clone()
        } else if matches!(self.doc_type.as_str(), "Luật" | "Bộ luật" | "Pháp lệnh") {
            format!("{} {}", self.doc_type, self.title)
        } else {
            // Decrees and circulars carry a descriptive trích yếu ("Quy định chi tiết ..."): the
            // type and number name them better than a prefix would.
            self.title.clone()
        }
    }

    /// The document's year, from its number or else its issue date.
    pub fn year(&self) -> Option<u16> {
        DocNumber::parse(&self.so_hieu)
            .ok()
            .and_then(|n| n.year())
            .or_else(|| self.issued.map(|d| d.year()))
    }
}

/// An article (Điều) of the code of law, or of a curated document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// Stable id (the code's own MAPC for pháp điển articles).
    pub id: String,
    /// `Document::key` of the document the article comes from.
    pub doc_key: String,
    /// The code's label ("Điều 36.3.LQ.1") or the document's own ("Điều 1").
    pub label: String,
    /// The article in its source document ("Điều 1").
    #[serde(default)]
    pub number: Option<String>,
    pub title: String,
    pub text: String,
    /// Chương heading, when the article sits in one.
    #[serde(default)]
    pub chapter: Option<String>,
    /// Đề mục (topic) code and name.
    pub demuc_code: String,
    pub demuc_name: String,
    /// Ids of articles with related content.
    #[serde(default)]
    pub related: Vec<String>,
    /// The code's citation of the source ("(Điều 1 Luật số 57/2020/QH14 ...)").
    #[serde(default)]
    pub citation: Option<String>,
    #[serde(default)]
    pub source_url: Option<String>,
    pub provenance: Provenance,
}

impl Article {
    /// Position of the article in its source document, from `number` ("Điều 12a" → (12, "a")),
    /// for ordering a document's articles; `None` when the number is missing or unreadable.
    pub fn ordinal(&self) -> Option<(u32, String)> {
        let number = self.number.as_deref()?;
        let rest = number.trim().strip_prefix("Điều")?.trim_start();
        let digits_end = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let n = rest[..digits_end].parse().ok()?;
        Some((n, rest[digits_end..].trim().to_lowercase()))
    }
}

/// The form of a document key used in URLs: ASCII, lower case, runs of anything else as one `-`
/// (`43/2011/NĐ-CP` → `43-2011-nd-cp`). Every spelling of a number that differs only in case,
/// diacritics or separators has the same slug.
pub fn url_slug(key: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::with_capacity(key.len());
    let mut dash = false;
    for c in key.nfd() {
        let c = match c {
            'Đ' | 'đ' | 'Ð' | 'ð' => 'd',
            c => c.to_ascii_lowercase(),
        };
        if c.is_ascii_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c);
        } else if !unicode_normalization::char::is_combining_mark(c) {
            dash = true;
        }
    }
    out
}

/// One article with the fields of its document that the index carries beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexedArticle<'a> {
    pub article: &'a Article,
    pub document: &'a Document,
}
