//! Extraction fidelity: our extraction of a site snapshot against a reference parse of the same
//! pages (`articles-2026-01.jsonl.gz`). Counts articles with the same id and the same text
//! modulo whitespace, and per-article agreement of the citation's metadata, field by field, with
//! examples of every kind of disagreement for a person to judge.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::extract::{PageArticle, extract_page};
use super::fetch::decode;
use super::site::SiteArchive;

#[derive(Deserialize)]
struct RefArticle {
    id: String,
    #[serde(default)]
    label: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    chuong: Option<String>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    related: Option<Vec<String>>,
    #[serde(default)]
    source: Option<RefSource>,
}

#[derive(Deserialize, Default)]
struct RefSource {
    citation: Option<String>,
    url: Option<String>,
    vbpl_item_id: Option<String>,
    unit: Option<String>,
    doc_type: Option<String>,
    so_hieu: Option<String>,
    effective_from: Option<String>,
    doc_title: Option<String>,
    issued_date: Option<String>,
    issuer: Option<String>,
}

/// One disagreement: the article, the field, the reference's value and ours.
#[derive(Debug, Clone, Serialize)]
pub struct Disagreement {
    pub id: String,
    pub field: &'static str,
    pub reference: Option<String>,
    pub ours: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct FidelityReport {
    pub pages: usize,
    pub pages_failed: Vec<String>,
    pub reference_articles: usize,
    pub extracted_articles: usize,
    /// Reference ids we found.
    pub same_id: usize,
    /// ... with the same text modulo whitespace.
    pub same_text: usize,
    pub same_text_ratio: f64,
    /// ... and byte for byte.
    pub same_text_exact: usize,
    /// Reference articles whose metadata (số hiệu, type, title, issue date, issuer, effective
    /// date, vbpl id and link, article in the source, citation) all agree with ours.
    pub same_metadata: usize,
    pub same_metadata_ratio: f64,
    pub same_label_title: usize,
    pub same_chapter: usize,
    pub same_related: usize,
    /// Disagreements per field.
    pub field_disagreements: BTreeMap<&'static str, usize>,
    pub missing_ids: Vec<String>,
    /// Ids we extracted that the reference does not have.
    pub extra_ids: Vec<String>,
    /// Up to `EXAMPLES` of each metadata field's disagreements.
    pub examples: Vec<Disagreement>,
    /// Every text disagreement, from a little before the first difference.
    pub text_disagreements: Vec<Disagreement>,
}

const EXAMPLES: usize = 40;

/// Whitespace collapsed, and NFC: the source writes some tone marks as combining characters,
/// which we normalise (as `ingest` does the reference) and which are the same text.
fn squash(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .nfc()
        .collect()
}

/// The two texts from a little before their first difference, for a reader to compare.
fn around_difference(a: &str, b: &str) -> (String, String) {
    let common = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    let from = common.saturating_sub(80);
    let cut = |s: &str| s.chars().skip(from).take(300).collect::<String>();
    (cut(a), cut(b))
}

fn opt(s: &Option<String>) -> Option<String> {
    s.as_deref().map(squash).filter(|s| !s.is_empty())
}

/// Extracts every đề mục page of `site` and compares with the reference JSONL (gzipped or not).
pub fn fidelity(site: &SiteArchive, reference: &Path) -> std::io::Result<FidelityReport> {
    let mut report = FidelityReport::default();
    // A few ids occur twice on the site (one article under two đề mục): any occurrence counts.
    let mut ours: HashMap<String, Vec<PageArticle>> = HashMap::new();
    for (id, bytes) in site.demuc_pages() {
        report.pages += 1;
        match extract_page(&decode(bytes, "text/html")) {
            Ok(page) => {
                for a in page.articles {
                    report.extracted_articles += 1;
                    ours.entry(a.id.clone()).or_default().push(a);
                }
            }
            Err(e) => report.pages_failed.push(format!("{id}: {e}")),
        }
    }
    let file = std::fs::File::open(reference)?;
    let reader: Box<dyn BufRead> = if reference.extension().is_some_and(|e| e == "gz") {
        Box::new(BufReader::new(flate2::read::MultiGzDecoder::new(file)))
    } else {
        Box::new(BufReader::new(file))
    };
    let mut seen: HashMap<String, ()> = HashMap::new();
    let mut per_field: BTreeMap<&'static str, usize> = BTreeMap::new();
    for line in reader.lines() {
        let line = line?;
        let Ok(r) = serde_json::from_str::<RefArticle>(&line) else {
            continue;
        };
        // The reference repeats a few ids (the same article under two đề mục): counted once.
        if seen.insert(r.id.clone(), ()).is_some() {
            continue;
        }
        report.reference_articles += 1;
        let Some(found) = ours.get(&r.id) else {
            report.missing_ids.push(r.id.clone());
            continue;
        };
        report.same_id += 1;
        let ref_text = r.text.clone().unwrap_or_default();
        let a = found
            .iter()
            .find(|a| squash(&a.text) == squash(&ref_text))
            .unwrap_or(&found[0]);
        if squash(&ref_text) == squash(&a.text) {
            report.same_text += 1;
        } else {
            let (reference, ours) = around_difference(&squash(&ref_text), &squash(&a.text));
            report.text_disagreements.push(Disagreement {
                id: r.id.clone(),
                field: "text",
                reference: Some(reference),
                ours: Some(ours),
            });
        }
        if ref_text == a.text {
            report.same_text_exact += 1;
        }
        if squash(&ref_text) != squash(&a.text) {
            *per_field.entry("text").or_default() += 1;
        }
        if opt(&r.label) == opt(&Some(a.label.clone()))
            && opt(&r.title) == opt(&Some(a.title.clone()))
        {
            report.same_label_title += 1;
        }
        if opt(&r.chuong) == a.chapter.as_ref().map(|c| squash(c)) {
            report.same_chapter += 1;
        }
        if r.related.clone().unwrap_or_default() == a.related {
            report.same_related += 1;
        }
        let s = r.source.unwrap_or_default();
        let c = a.citation.clone().unwrap_or_default();
        let fields: [(&'static str, Option<String>, Option<String>); 10] = [
            ("citation", opt(&s.citation), opt(&Some(c.text.clone()))),
            ("url", opt(&s.url), opt(&c.url)),
            ("vbpl_item_id", opt(&s.vbpl_item_id), opt(&c.vbpl_item_id)),
            ("unit", opt(&s.unit), opt(&c.unit)),
            ("doc_type", opt(&s.doc_type), opt(&c.doc_type)),
            ("so_hieu", opt(&s.so_hieu), opt(&c.so_hieu)),
            ("doc_title", opt(&s.doc_title), opt(&c.doc_title)),
            ("issued_date", opt(&s.issued_date), opt(&c.issued)),
            ("issuer", opt(&s.issuer), opt(&c.issuer)),
            (
                "effective_from",
                opt(&s.effective_from),
                opt(&c.effective_from),
            ),
        ];
        let mut agree = true;
        for (field, reference, ours) in fields {
            if reference != ours {
                agree = false;
                let n = per_field.entry(field).or_default();
                *n += 1;
                if *n <= EXAMPLES {
                    report.examples.push(Disagreement {
                        id: r.id.clone(),
                        field,
                        reference,
                        ours,
                    });
                }
            }
        }
        if agree {
            report.same_metadata += 1;
        }
    }
    let mut extra: Vec<String> = ours
        .keys()
        .filter(|id| !seen.contains_key(*id))
        .cloned()
        .collect();
    extra.sort();
    report.extra_ids = extra;
    report.field_disagreements = per_field;
    let n = report.reference_articles.max(1) as f64;
    report.same_text_ratio = report.same_text as f64 / n;
    report.same_metadata_ratio = report.same_metadata as f64 / n;
    Ok(report)
}
