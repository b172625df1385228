//! The `content/` format: curated documents and articles in our own model, as JSON lines.
//!
//! ```text
//! content/
//!   documents.jsonl          one model::Document per line
//!   articles/<name>.jsonl    model::Article per line; `doc_key` names a document above
//! ```
//!
//! The crawler writes the same layout into its store, so one reader serves both. Files are plain
//! (not gzipped) so that a curated change reads as a diff.

use std::io::Write;
use std::path::Path;

use super::{Corpus, IngestError, Report, for_each_line, jsonl_files};
use crate::model::{Article, Document};

pub const CONTENT_DOCUMENTS_FILE: &str = "documents.jsonl";
pub const CONTENT_ARTICLES_DIR: &str = "articles";

/// The field a serde_json error is about, when it says.
fn field_of(err: &serde_json::Error) -> &'static str {
    const FIELDS: [&str; 12] = [
        "id",
        "doc_key",
        "label",
        "title",
        "text",
        "demuc_code",
        "demuc_name",
        "key",
        "so_hieu",
        "doc_type",
        "provenance",
        "issued",
    ];
    let msg = err.to_string();
    FIELDS
        .into_iter()
        .find(|f| msg.contains(&format!("`{f}`")))
        .unwrap_or("(json)")
}

/// Loads `dir/documents.jsonl` and every `dir/articles/*.jsonl` into `corpus`.
pub fn load_content(
    dir: &Path,
    corpus: &mut Corpus,
    report: &mut Report,
) -> Result<(), IngestError> {
    let docs_path = dir.join(CONTENT_DOCUMENTS_FILE);
    if !docs_path.exists() {
        return Err(IngestError::NoInput {
            path: dir.to_owned(),
            expected: "documents.jsonl and articles/*.jsonl",
        });
    }
    report.lines_read += for_each_line(&docs_path, |line_no, line| {
        match serde_json::from_str::<Document>(line) {
            Ok(d) if d.key.trim().is_empty() => report.reject(&docs_path, line_no, "key", "empty"),
            Ok(d) => corpus.merge_document(d),
            Err(e) => report.reject(&docs_path, line_no, field_of(&e), e.to_string()),
        }
    })?;
    for path in jsonl_files(&dir.join(CONTENT_ARTICLES_DIR), "")? {
        let lines = for_each_line(&path, |line_no, line| {
            let article: Article = match serde_json::from_str(line) {
                Ok(a) => a,
                Err(e) => return report.reject(&path, line_no, field_of(&e), e.to_string()),
            };
            if article.id.trim().is_empty() {
                return report.reject(&path, line_no, "id", "empty");
            }
            // As in the parsed code: an article published with only its label and citation
            // is kept, so that the label and the link to the source still answer a lookup.
            if article.title.trim().is_empty()
                && article.text.trim().is_empty()
                && article
                    .citation
                    .as_deref()
                    .is_none_or(|c| c.trim().is_empty())
            {
                return report.reject(
                    &path,
                    line_no,
                    "text",
                    "article has neither title, text nor citation",
                );
            }
            if !corpus.documents.contains_key(&article.doc_key) {
                return report.reject(
                    &path,
                    line_no,
                    "doc_key",
                    format!(
                        "no document {:?} in {CONTENT_DOCUMENTS_FILE}",
                        article.doc_key
                    ),
                );
            }
            if corpus.upsert_article(article) {
                report.articles_replaced += 1;
            } else {
                report.articles_accepted += 1;
            }
        })?;
        report.lines_read += lines;
    }
    report.documents = corpus.documents.len();
    Ok(())
}

/// Writes `corpus` as a `content/` directory: documents, and articles grouped one file per đề mục.
/// Each file is written beside its final name and renamed, so a reader never sees half a file.
pub fn write_content(corpus: &Corpus, dir: &Path) -> Result<(), IngestError> {
    let articles_dir = dir.join(CONTENT_ARTICLES_DIR);
    std::fs::create_dir_all(&articles_dir).map_err(|source| IngestError::Write {
        path: articles_dir.clone(),
        source,
    })?;
    let docs: Vec<String> = corpus
        .documents
        .values()
        .map(|d| serde_json::to_string(d).unwrap_or_default())
        .collect();
    write_lines(&dir.join(CONTENT_DOCUMENTS_FILE), &docs)?;
    let mut by_demuc: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
    for a in corpus.articles() {
        by_demuc
            .entry(a.demuc_code.as_str())
            .or_default()
            .push(serde_json::to_string(a).unwrap_or_default());
    }
    for (demuc, lines) in by_demuc {
        write_lines(&articles_dir.join(format!("{demuc}.jsonl")), &lines)?;
    }
    Ok(())
}

fn write_lines(path: &Path, lines: &[String]) -> Result<(), IngestError> {
    let err = |source| IngestError::Write {
        path: path.to_owned(),
        source,
    };
    let tmp = path.with_extension("jsonl.tmp");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&tmp).map_err(err)?);
    for l in lines {
        writeln!(f, "{l}").map_err(err)?;
    }
    f.into_inner()
        .map_err(|e| err(e.into_error()))?
        .sync_all()
        .map_err(err)?;
    std::fs::rename(&tmp, path).map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Provenance, Status};

    fn provenance() -> Provenance {
        Provenance {
            source: "curated".into(),
            snapshot: "2026-11".into(),
            outdated: false,
            origin: String::new(),
        }
    }

    #[test]
    fn round_trip_and_rejections() {
        let dir = tempfile::tempdir().unwrap();
        let mut corpus = Corpus::new();
        corpus.merge_document(Document {
            key: "52/2014/QH13".into(),
            so_hieu: "52/2014/QH13".into(),
            doc_type: "Luật".into(),
            title: "Luật Hôn nhân và gia đình".into(),
            issuer: Some("Quốc hội".into()),
            signer: None,
            issued: crate::model::Date::new(2014, 6, 19),
            effective_from: crate::model::Date::new(2015, 1, 1),
            status: Status::InForce,
            demuc: vec!["8.4".into()],
            source_url: None,
            vbpl_item_id: None,
            provenance: provenance(),
        });
        corpus.upsert_article(Article {
            id: "a1".into(),
            doc_key: "52/2014/QH13".into(),
            label: "Điều 8.4.LQ.8".into(),
            number: Some("Điều 8".into()),
            title: "Điều kiện kết hôn".into(),
            text: "Nam từ đủ 20 tuổi trở lên, nữ từ đủ 18 tuổi trở lên".into(),
            chapter: None,
            demuc_code: "8.4".into(),
            demuc_name: "Hôn nhân và gia đình".into(),
            related: vec![],
            citation: None,
            source_url: None,
            provenance: provenance(),
        });
        write_content(&corpus, dir.path()).unwrap();
        let bad = dir.path().join(CONTENT_ARTICLES_DIR).join("zz.jsonl");
        std::fs::write(&bad, "{\"id\":\"x\"}\n{}\n").unwrap();

        let mut back = Corpus::new();
        let mut report = Report::default();
        load_content(dir.path(), &mut back, &mut report).unwrap();
        assert_eq!(back.articles(), corpus.articles());
        assert_eq!(back.documents, corpus.documents);
        let rejected: Vec<String> = report
            .rejected
            .iter()
            .map(|r| format!("{}:{}", r.line, r.field))
            .collect();
        assert_eq!(rejected, ["1:doc_key", "2:id"]);
    }
}
