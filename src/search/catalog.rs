//! Lookups of documents that are not ranked search: by URL slug, by any spelling of a số hiệu
//! (the resolver), by title or number prefix (suggestions), newest first, by đề mục. Built once
//! per open index from its document table, in memory: every lookup is a hash probe, a binary
//! search or a scan of a few thousand documents.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use regex::Regex;

use crate::analysis;
use crate::index::LawIndex;
use crate::model::{DocNumber, Document, PartialDocNumber, find_partial, url_slug};

/// Most suggestions returned for one prefix.
pub const MAX_SUGGESTIONS: usize = 10;
/// Longest prefix looked up, in characters; longer input gets no suggestions.
pub const MAX_SUGGEST_CHARS: usize = 120;
/// Longest text the resolver reads, in characters.
pub const MAX_RESOLVE_CHARS: usize = 200;
/// Matching entries examined per suggestion lookup before ranking (a one-letter prefix matches
/// thousands of titles; the first ones in sort order are as good as any).
const SUGGEST_SCAN: usize = 400;

/// What a số hiệu, as typed, names.
#[derive(Debug, Clone)]
pub enum Resolution {
    /// Exactly one document.
    Found(Arc<Document>),
    /// Several documents (a partial `43/2011`, or spellings that differ only by Đ), by number.
    Ambiguous(Vec<Arc<Document>>),
    NotFound,
}

/// The document table arranged for lookups.
pub struct Catalog {
    by_slug: HashMap<String, Vec<Arc<Document>>>,
    /// (folded key, index into `docs`), sorted by key.
    suggest: Vec<(String, u32)>,
    /// Newest first (capture snapshot, then issue date).
    docs: Vec<Arc<Document>>,
    numbers: Vec<Option<DocNumber>>,
}

static NUMBER_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\d{1,6})\s*[/\-]\s*(\d{4})$").expect("static number/year regex")
});

/// The folded, lower-case, single-spaced form titles and prefixes are compared in.
fn suggest_key(text: &str) -> String {
    analysis::fold(&text.to_lowercase())
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

impl Catalog {
    pub fn new(index: &LawIndex) -> Catalog {
        Catalog::from_documents(index.documents().cloned())
    }

    pub fn from_documents(documents: impl IntoIterator<Item = Arc<Document>>) -> Catalog {
        let mut docs: Vec<Arc<Document>> = documents.into_iter().collect();
        docs.sort_by(|a, b| {
            let date = |d: &Document| d.issued.or(d.effective_from);
            b.provenance
                .snapshot
                .cmp(&a.provenance.snapshot)
                .then_with(|| date(b).cmp(&date(a)))
                .then_with(|| a.key.cmp(&b.key))
        });
        let mut by_slug: HashMap<String, Vec<Arc<Document>>> = HashMap::new();
        let mut suggest = Vec::with_capacity(docs.len() * 4);
        let mut numbers = Vec::with_capacity(docs.len());
        for (i, doc) in docs.iter().enumerate() {
            by_slug
                .entry(url_slug(&doc.key))
                .or_default()
                .push(doc.clone());
            let i = i as u32;
            let number = DocNumber::parse(&doc.so_hieu).ok();
            let mut keys = vec![
                suggest_key(&doc.title),
                suggest_key(&doc.display_title()),
                suggest_key(&format!("{} {}", doc.doc_type, doc.title)),
            ];
            if !doc.so_hieu.is_empty() {
                let so_hieu = number
                    .as_ref()
                    .map_or_else(|| suggest_key(&doc.so_hieu), DocNumber::key);
                keys.push(suggest_key(&format!("{} {so_hieu}", doc.doc_type)));
                keys.push(so_hieu);
            }
            keys.sort();
            keys.dedup();
            suggest.extend(keys.into_iter().filter(|k| !k.is_empty()).map(|k| (k, i)));
            numbers.push(number);
        }
        suggest.sort();
        Catalog {
            by_slug,
            suggest,
            docs,
            numbers,
        }
    }

    /// The documents whose key has this URL slug: one, or several only where keys differ by Đ.
    pub fn by_slug(&self, slug: &str) -> &[Arc<Document>] {
        self.by_slug.get(slug).map_or(&[], Vec::as_slice)
    }

    /// All documents, newest first.
    pub fn documents(&self) -> &[Arc<Document>] {
        &self.docs
    }

    /// The `n` most recent documents: latest capture first, then latest issued.
    pub fn recent(&self, n: usize) -> &[Arc<Document>] {
        &self.docs[..n.min(self.docs.len())]
    }

    /// Documents with articles codified under đề mục `code`, newest first.
    pub fn in_demuc(&self, code: &str) -> Vec<Arc<Document>> {
        self.docs
            .iter()
            .filter(|d| d.demuc.iter().any(|c| c == code))
            .cloned()
            .collect()
    }

    /// What `input` names: a full số hiệu in any spelling (`43/2011/ND-CP`, `43-2011-nd-cp`,
    /// `043/2011/NĐ-CP`), a URL slug, or a partial `43/2011` / `nghị định 43/2011`.
    pub fn resolve(&self, input: &str) -> Resolution {
        let input = input.trim();
        if input.is_empty() || input.chars().count() > MAX_RESOLVE_CHARS {
            return Resolution::NotFound;
        }
        let from_slug = |slug: &str| match self.by_slug(slug) {
            [] => None,
            [one] => Some(Resolution::Found(one.clone())),
            many => Some(Resolution::Ambiguous(many.to_vec())),
        };
        if let Some(r) = from_slug(&url_slug(input)) {
            return r;
        }
        if let Ok(number) = DocNumber::parse(input)
            && let Some(r) = from_slug(&url_slug(number.canonical()))
        {
            return r;
        }
        let partial = match NUMBER_YEAR.captures(input) {
            Some(c) => c[1]
                .parse()
                .ok()
                .zip(c[2].parse().ok())
                .map(|(number, year)| PartialDocNumber {
                    number,
                    year,
                    type_hint: None,
                }),
            None => find_partial(input).first().map(|(_, p)| *p),
        };
        let Some(partial) = partial else {
            return Resolution::NotFound;
        };
        let mut found: Vec<(&DocNumber, &Arc<Document>)> = self
            .numbers
            .iter()
            .zip(&self.docs)
            .filter_map(|(n, d)| Some((n.as_ref()?, d)))
            .filter(|(n, _)| n.matches_partial(&partial))
            .collect();
        found.sort_by(|a, b| a.0.cmp(b.0));
        match found.as_slice() {
            [] => Resolution::NotFound,
            [(_, one)] => Resolution::Found((*one).clone()),
            many => Resolution::Ambiguous(many.iter().map(|(_, d)| (*d).clone()).collect()),
        }
    }

    /// Up to `limit` (at most [`MAX_SUGGESTIONS`]) documents whose title, type and title, or số
    /// hiệu starts with `prefix`, with or without diacritics. Documents in force and shorter
    /// titles come first.
    pub fn suggest(&self, prefix: &str, limit: usize) -> Vec<Arc<Document>> {
        let limit = limit.min(MAX_SUGGESTIONS);
        if prefix.chars().count() > MAX_SUGGEST_CHARS {
            return Vec::new();
        }
        let key = suggest_key(prefix);
        if key.is_empty() || limit == 0 {
            return Vec::new();
        }
        let start = self
            .suggest
            .partition_point(|(k, _)| k.as_str() < key.as_str());
        let mut seen: Vec<u32> = Vec::new();
        for (k, i) in self.suggest[start..].iter().take(SUGGEST_SCAN) {
            if !k.starts_with(&key) {
                break;
            }
            if !seen.contains(i) {
                seen.push(*i);
            }
        }
        let mut out: Vec<Arc<Document>> = seen
            .into_iter()
            .map(|i| self.docs[i as usize].clone())
            .collect();
        out.sort_by_cached_key(|d| {
            (
                d.status != crate::model::Status::InForce,
                d.display_title().chars().count(),
                d.key.clone(),
            )
        });
        out.truncate(limit);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Date, Provenance, Status};

    fn doc(so_hieu: &str, doc_type: &str, title: &str, issued: &str) -> Arc<Document> {
        let key = DocNumber::parse(so_hieu).map_or(so_hieu.to_owned(), |n| n.canonical().into());
        Arc::new(Document {
            key,
            so_hieu: so_hieu.to_owned(),
            doc_type: doc_type.to_owned(),
            title: title.to_owned(),
            issuer: None,
            signer: None,
            issued: Date::parse(issued).ok(),
            effective_from: None,
            status: Status::InForce,
            demuc: vec!["8.4".to_owned()],
            source_url: None,
            vbpl_item_id: None,
            provenance: Provenance {
                source: "test".to_owned(),
                snapshot: "2026-01".to_owned(),
                outdated: false,
                origin: String::new(),
            },
        })
    }

    fn catalog() -> Catalog {
        Catalog::from_documents([
            doc(
                "43/2011/NĐ-CP",
                "Nghị định",
                "Quy định về cung cấp thông tin",
                "2011-06-13",
            ),
            doc("43/2011/TT-BTC", "Thông tư", "Hướng dẫn thuế", "2011-03-31"),
            doc("52/2014/QH13", "Luật", "Hôn nhân và gia đình", "2014-06-19"),
            doc(
                "123/2015/NĐ-CP",
                "Nghị định",
                "Quy định chi tiết Luật Hộ tịch",
                "2015-11-15",
            ),
        ])
    }

    fn show(r: Resolution) -> String {
        match r {
            Resolution::Found(d) => format!("= {}", d.key),
            Resolution::Ambiguous(ds) => {
                let keys: Vec<&str> = ds.iter().map(|d| d.key.as_str()).collect();
                format!("? {}", keys.join(" "))
            }
            Resolution::NotFound => "-".to_owned(),
        }
    }

    #[test]
    fn resolves_number_variants() {
        let c = catalog();
        for (input, want) in [
            ("43/2011/NĐ-CP", "= 43/2011/NĐ-CP"),
            ("43/2011/ND-CP", "= 43/2011/NĐ-CP"),
            ("43-2011-nd-cp", "= 43/2011/NĐ-CP"),
            (" 043/2011/nd-cp ", "= 43/2011/NĐ-CP"),
            ("52/2014/qh13", "= 52/2014/QH13"),
            ("43/2011", "? 43/2011/NĐ-CP 43/2011/TT-BTC"),
            ("43-2011", "? 43/2011/NĐ-CP 43/2011/TT-BTC"),
            ("nghị định 43/2011", "= 43/2011/NĐ-CP"),
            ("luật 52/2014", "= 52/2014/QH13"),
            ("44/2011/ND-CP", "-"),
            ("44/2011", "-"),
            ("", "-"),
            ("<script>", "-"),
        ] {
            assert_eq!(show(c.resolve(input)), want, "{input:?}");
        }
    }

    #[test]
    fn suggests_by_prefix_without_diacritics() {
        let c = catalog();
        let keys =
            |q: &str| -> Vec<String> { c.suggest(q, 10).iter().map(|d| d.key.clone()).collect() };
        assert_eq!(keys("hon nhan"), ["52/2014/QH13"]);
        assert_eq!(keys("Luật hôn"), ["52/2014/QH13"]);
        assert_eq!(keys("43/2011/nd"), ["43/2011/NĐ-CP"]);
        assert_eq!(keys("43/2011").len(), 2);
        assert_eq!(keys("nghi dinh 123"), ["123/2015/NĐ-CP"]);
        assert!(keys("zzz").is_empty());
        assert!(keys("   ").is_empty());
        assert_eq!(c.suggest("q", 1).len(), 1);
    }

    #[test]
    fn recent_is_newest_first() {
        let c = catalog();
        let keys: Vec<&str> = c.recent(2).iter().map(|d| d.key.as_str()).collect();
        assert_eq!(keys, ["123/2015/NĐ-CP", "52/2014/QH13"]);
        assert_eq!(c.recent(100).len(), 4);
    }
}
