//! The codified law (Bộ pháp điển) in its parsed JSONL form: `articles-<period>[-fill].jsonl.gz`
//! and `documents-<period>[-fill].jsonl.gz`, one JSON object per line.
//!
//! Older periods are read first, so that where an article id occurs in two snapshots the newer
//! one wins; records of a period older than the newest one read are marked outdated.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

use super::{Corpus, IngestError, Report, for_each_line, jsonl_files};
use crate::model::{Article, Date, DocNumber, Document, Provenance, Status};

#[derive(Deserialize)]
struct RawArticle {
    id: Option<String>,
    demuc_code: Option<String>,
    demuc_name: Option<String>,
    chuong: Option<String>,
    label: Option<String>,
    title: Option<String>,
    source: Option<RawSource>,
    text: Option<String>,
    #[serde(default)]
    related: Option<Vec<String>>,
    snapshot: Option<String>,
}

#[derive(Deserialize)]
struct RawSource {
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

#[derive(Deserialize)]
struct RawDocument {
    vbpl_item_id: Option<String>,
    so_hieu: Option<String>,
    doc_type: Option<String>,
    title: Option<String>,
    issued_date: Option<String>,
    issuer: Option<String>,
    #[serde(default)]
    effective_from: Option<Vec<String>>,
    #[serde(default)]
    demuc: Option<Vec<String>>,
}

/// A snapshot file set: the period ("2026-01") and whether it is a fill of older pages.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Period {
    period: String,
    fill: bool,
}

fn period_of(path: &Path, prefix: &str) -> Option<Period> {
    let name = path.file_name()?.to_str()?;
    let stem = name.strip_prefix(prefix)?.split(".jsonl").next()?;
    let fill = stem.ends_with("-fill");
    let period = stem.trim_end_matches("-fill").to_owned();
    Some(Period { period, fill })
}

fn nfc(s: &str) -> String {
    if is_nfc_quick(s.chars()) == IsNormalized::Yes {
        s.trim().to_owned()
    } else {
        s.nfc().collect::<String>().trim().to_owned()
    }
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.map(|s| nfc(&s)).filter(|s| !s.is_empty())
}

/// The key of the document a số hiệu names: its canonical form when it parses, else the trimmed
/// text as published (a few real numbers are irregular, and must still group their articles).
pub(crate) fn document_key(so_hieu: &str, vbpl_item_id: Option<&str>) -> Option<String> {
    let so_hieu = so_hieu.trim();
    if let Ok(n) = DocNumber::parse(so_hieu) {
        return Some(n.canonical().to_owned());
    }
    if !so_hieu.is_empty() {
        return Some(nfc(so_hieu));
    }
    vbpl_item_id
        .filter(|s| !s.is_empty())
        .map(|id| format!("vbpl-{id}"))
}

/// Loads every `articles-*.jsonl[.gz]` and `documents-*.jsonl[.gz]` in `dir` into `corpus`.
pub fn load_phapdien(
    dir: &Path,
    corpus: &mut Corpus,
    report: &mut Report,
) -> Result<(), IngestError> {
    let mut article_files: Vec<(Period, PathBuf)> = jsonl_files(dir, "articles-")?
        .into_iter()
        .filter_map(|p| Some((period_of(&p, "articles-")?, p)))
        .collect();
    if article_files.is_empty() {
        return Err(IngestError::NoInput {
            path: dir.to_owned(),
            expected: "articles-<period>.jsonl.gz",
        });
    }
    article_files.sort();
    let newest = article_files
        .iter()
        .map(|(p, _)| p.period.clone())
        .max()
        .unwrap_or_default();
    let today = Date::today();

    for (period, path) in &article_files {
        let outdated = period.period < newest;
        load_articles(path, period, outdated, today, corpus, report)?;
    }

    let mut doc_files: Vec<(Period, PathBuf)> = jsonl_files(dir, "documents-")?
        .into_iter()
        .filter_map(|p| Some((period_of(&p, "documents-")?, p)))
        .collect();
    // Newest first: merge_document keeps the first value seen for each field.
    doc_files.sort_by(|a, b| b.0.cmp(&a.0));
    for (period, path) in &doc_files {
        load_documents(path, period, period.period < newest, corpus, report)?;
    }
    report.documents = corpus.documents.len();
    Ok(())
}

fn load_articles(
    path: &Path,
    period: &Period,
    outdated: bool,
    today: Date,
    corpus: &mut Corpus,
    report: &mut Report,
) -> Result<(), IngestError> {
    // Articles the reference parse lost the citation of: their document is the one their
    // siblings in the code cite ("Điều 27.1.TT.13.3" sits with "Điều 27.1.TT.13.2").
    let mut orphans: Vec<(usize, Article)> = Vec::new();
    let mut doc_of_prefix: HashMap<String, String> = HashMap::new();
    let lines = for_each_line(path, |line_no, line| {
        let raw: RawArticle = match serde_json::from_str(line) {
            Ok(r) => r,
            Err(e) => return report.reject(path, line_no, "(json)", e.to_string()),
        };
        let Some(id) = non_empty(raw.id) else {
            return report.reject(path, line_no, "id", "missing or empty");
        };
        if !id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            || id.len() > 128
        {
            return report.reject(path, line_no, "id", format!("not a valid id: {id:?}"));
        }
        let Some(label) = non_empty(raw.label) else {
            return report.reject(path, line_no, "label", "missing or empty");
        };
        let title = non_empty(raw.title).unwrap_or_default();
        let text = non_empty(raw.text).unwrap_or_default();
        // Some articles of the code are published with their text missing (the page holds only
        // the label and the citation): kept, so the label and the link to the source still
        // answer a lookup, and counted. Without even a citation there is nothing to show.
        if title.is_empty() && text.is_empty() {
            if raw
                .source
                .as_ref()
                .and_then(|s| s.citation.as_deref())
                .is_none_or(str::is_empty)
            {
                return report.reject(
                    path,
                    line_no,
                    "text",
                    "article has neither title, text nor citation",
                );
            }
            report.articles_without_text += 1;
        }
        let Some(demuc_code) = non_empty(raw.demuc_code) else {
            return report.reject(path, line_no, "demuc_code", "missing or empty");
        };
        let provenance = Provenance {
            source: "phapdien".to_owned(),
            snapshot: period.period.clone(),
            outdated,
            origin: raw.snapshot.unwrap_or_default(),
        };
        let mut article = Article {
            id,
            doc_key: String::new(),
            label,
            number: None,
            title,
            text,
            chapter: non_empty(raw.chuong),
            demuc_code,
            demuc_name: non_empty(raw.demuc_name).unwrap_or_default(),
            related: raw.related.unwrap_or_default(),
            citation: None,
            source_url: None,
            provenance: provenance.clone(),
        };
        let Some(source) = raw.source else {
            orphans.push((line_no, article));
            return;
        };
        let so_hieu = non_empty(source.so_hieu).unwrap_or_default();
        let vbpl = non_empty(source.vbpl_item_id);
        let Some(doc_key) = document_key(&so_hieu, vbpl.as_deref()) else {
            orphans.push((line_no, article));
            return;
        };
        article.doc_key = doc_key.clone();
        article.number = non_empty(source.unit);
        article.citation = non_empty(source.citation);
        article.source_url = non_empty(source.url.clone());
        doc_of_prefix.insert(label_prefix(&article.label).to_owned(), doc_key.clone());

        let effective_from = source
            .effective_from
            .as_deref()
            .and_then(|d| Date::parse(d).ok());
        let status = if outdated {
            Status::Unknown
        } else if effective_from.is_some_and(|d| d > today) {
            Status::NotYetInForce
        } else {
            // The code holds provisions in force by construction.
            Status::InForce
        };
        corpus.merge_document(Document {
            key: doc_key,
            so_hieu,
            doc_type: non_empty(source.doc_type).unwrap_or_default(),
            title: non_empty(source.doc_title).unwrap_or_default(),
            issuer: non_empty(source.issuer),
            signer: None,
            issued: source
                .issued_date
                .as_deref()
                .and_then(|d| Date::parse(d).ok()),
            effective_from,
            status,
            demuc: vec![article.demuc_code.clone()],
            source_url: non_empty(source.url).map(|u| u.split('#').next().unwrap_or(&u).to_owned()),
            vbpl_item_id: vbpl,
            provenance,
        });
        if corpus.upsert_article(article) {
            report.articles_replaced += 1;
        } else {
            report.articles_accepted += 1;
        }
    })?;
    report.lines_read += lines;
    for (line_no, mut article) in orphans {
        match doc_of_prefix.get(label_prefix(&article.label)) {
            Some(key) => {
                article.doc_key = key.clone();
                if corpus.upsert_article(article) {
                    report.articles_replaced += 1;
                } else {
                    report.articles_accepted += 1;
                }
            }
            None => report.reject(
                path,
                line_no,
                "source",
                "no citation, and no sibling article names the document",
            ),
        }
    }
    Ok(())
}

/// "Điều 27.1.TT.13.3" → "Điều 27.1.TT.13": the code numbers a document's articles under one prefix.
fn label_prefix(label: &str) -> &str {
    label.rsplit_once('.').map_or(label, |(p, _)| p)
}

fn load_documents(
    path: &Path,
    period: &Period,
    outdated: bool,
    corpus: &mut Corpus,
    report: &mut Report,
) -> Result<(), IngestError> {
    let mut docs = Vec::new();
    for_each_line(path, |line_no, line| {
        let raw: RawDocument = match serde_json::from_str(line) {
            Ok(r) => r,
            Err(e) => return report.reject(path, line_no, "(json)", e.to_string()),
        };
        let so_hieu = non_empty(raw.so_hieu).unwrap_or_default();
        let Some(key) = document_key(&so_hieu, raw.vbpl_item_id.as_deref()) else {
            return report.reject(path, line_no, "so_hieu", "neither số hiệu nor vbpl id");
        };
        docs.push(Document {
            key,
            so_hieu,
            doc_type: non_empty(raw.doc_type).unwrap_or_default(),
            title: non_empty(raw.title).unwrap_or_default(),
            issuer: non_empty(raw.issuer),
            signer: None,
            issued: raw.issued_date.as_deref().and_then(|d| Date::parse(d).ok()),
            effective_from: raw
                .effective_from
                .unwrap_or_default()
                .iter()
                .find_map(|d| Date::parse(d).ok()),
            status: if outdated {
                Status::Unknown
            } else {
                Status::InForce
            },
            demuc: raw.demuc.unwrap_or_default(),
            source_url: raw
                .vbpl_item_id
                .as_deref()
                .map(|id| format!("https://vbpl.vn/TW/Pages/vbpq-toanvan.aspx?ItemID={id}")),
            vbpl_item_id: non_empty(raw.vbpl_item_id),
            provenance: Provenance {
                source: "phapdien".to_owned(),
                snapshot: period.period.clone(),
                outdated,
                origin: String::new(),
            },
        });
    })?;
    for doc in docs {
        // The table only completes documents that articles cite; it never adds an empty one.
        if corpus.documents.contains_key(&doc.key) {
            corpus.merge_document(doc);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_from_file_names() {
        let p = period_of(Path::new("x/articles-2025-02-fill.jsonl.gz"), "articles-").unwrap();
        assert_eq!((p.period.as_str(), p.fill), ("2025-02", true));
        let p = period_of(Path::new("articles-2026-01.jsonl"), "articles-").unwrap();
        assert_eq!((p.period.as_str(), p.fill), ("2026-01", false));
    }

    #[test]
    fn label_prefixes() {
        assert_eq!(label_prefix("Điều 27.1.TT.13.3"), "Điều 27.1.TT.13");
        assert_eq!(label_prefix("Điều 1"), "Điều 1");
    }

    fn write(dir: &Path, name: &str, lines: &[&str]) {
        std::fs::write(dir.join(name), lines.join("\n")).unwrap();
    }

    #[test]
    fn malformed_records_are_reported_with_line_and_field() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "articles-2026-01.jsonl",
            &[
                r#"{"id":"1","demuc_code":"1.1","demuc_name":"X","label":"Điều 1.1.LQ.1","title":"Phạm vi","text":"Luật này","source":{"so_hieu":"57/2020/QH14","doc_type":"Luật","effective_from":"01/01/2021"},"related":[]}"#,
                r#"{"id":"","label":"Điều 1.1.LQ.2","title":"x","text":"y","demuc_code":"1.1"}"#,
                "not json",
                r#"{"id":"3","demuc_code":"1.1","label":"Điều 1.1.LQ.3","title":"Orphan","text":"t","source":null}"#,
                r#"{"id":"4","demuc_code":"1.1","label":"Điều 1.1.LQ.4","title":"","text":"","source":null}"#,
                r#"{"id":"5","demuc_code":"1.1","label":"Điều 1.1.LQ.5","title":"","text":"","source":{"citation":"(Điều 5 Luật số 57/2020/QH14)","so_hieu":"57/2020/QH14"}}"#,
            ],
        );
        let mut corpus = Corpus::new();
        let mut report = Report::default();
        load_phapdien(dir.path(), &mut corpus, &mut report).unwrap();
        let rejected: Vec<String> = report
            .rejected
            .iter()
            .map(|r| format!("{}:{}", r.line, r.field))
            .collect();
        assert_eq!(rejected, ["2:id", "3:(json)", "5:text"]);
        assert_eq!(report.articles_accepted, 3);
        assert_eq!(report.articles_without_text, 1);
        assert_eq!(corpus.article("3").unwrap().doc_key, "57/2020/QH14");
        assert_eq!(corpus.documents["57/2020/QH14"].status, Status::InForce);
    }

    #[test]
    fn newer_snapshot_wins_and_older_is_outdated() {
        let dir = tempfile::tempdir().unwrap();
        let rec = |text: &str| {
            format!(
                r#"{{"id":"9","demuc_code":"2.1","label":"Điều 2.1.LQ.1","title":"T","text":"{text}","source":{{"so_hieu":"80/2015/QH13","doc_type":"Luật"}}}}"#
            )
        };
        write(
            dir.path(),
            "articles-2025-02-fill.jsonl",
            &[&rec("old"), &rec("old again")],
        );
        write(dir.path(), "articles-2026-01.jsonl", &[&rec("new")]);
        let mut corpus = Corpus::new();
        let mut report = Report::default();
        load_phapdien(dir.path(), &mut corpus, &mut report).unwrap();
        load_phapdien(dir.path(), &mut corpus, &mut report).unwrap();
        assert_eq!(corpus.articles().len(), 1, "re-import is idempotent");
        let a = corpus.article("9").unwrap();
        assert_eq!(a.text, "new");
        assert!(!a.provenance.outdated);
        assert_eq!(corpus.documents["80/2015/QH13"].status, Status::InForce);
    }
}
