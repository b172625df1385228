//! Reading legal material into domain values: the codified law as published in parsed form
//! (`../shared/data/phapdien`), and the curated `content/` directory (the same format the crawler
//! writes to its store). Pure file IO and validation: nothing here knows about the index.
//!
//! Every malformed record is reported with its file, line and field, counted and skipped; one
//! bad line never stops an import, and never goes unnoticed.

mod content;
mod phapdien;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use crate::model::{Article, Document};

pub use content::{CONTENT_ARTICLES_DIR, CONTENT_DOCUMENTS_FILE, load_content, write_content};
pub(crate) use phapdien::document_key;
pub use phapdien::load_phapdien;

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: no input files found (expected {expected})")]
    NoInput {
        path: PathBuf,
        expected: &'static str,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// A record that was not accepted, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub file: PathBuf,
    pub line: usize,
    pub field: &'static str,
    pub reason: String,
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: field `{}`: {}",
            self.file.display(),
            self.line,
            self.field,
            self.reason
        )
    }
}

/// What an import did.
#[derive(Debug, Default, Clone)]
pub struct Report {
    pub lines_read: usize,
    pub articles_accepted: usize,
    /// Records whose id was already present and were merged into it (the newer snapshot wins).
    pub articles_replaced: usize,
    pub documents: usize,
    /// Accepted articles whose text the source does not have (label and citation only).
    pub articles_without_text: usize,
    pub rejected: Vec<Rejection>,
}

impl Report {
    fn reject(&mut self, file: &Path, line: usize, field: &'static str, reason: impl Into<String>) {
        self.rejected.push(Rejection {
            file: file.to_owned(),
            line,
            field,
            reason: reason.into(),
        });
    }
}

/// All articles and documents to be indexed, deduplicated by stable id.
#[derive(Debug, Default, Clone)]
pub struct Corpus {
    pub documents: BTreeMap<String, Document>,
    articles: Vec<Article>,
    by_id: HashMap<String, usize>,
}

impl Corpus {
    pub fn new() -> Corpus {
        Corpus::default()
    }

    pub fn articles(&self) -> &[Article] {
        &self.articles
    }

    /// Inserts or replaces by `Article::id`; returns true when it replaced one.
    pub fn upsert_article(&mut self, article: Article) -> bool {
        match self.by_id.get(&article.id) {
            Some(&i) => {
                self.articles[i] = article;
                true
            }
            None => {
                self.by_id.insert(article.id.clone(), self.articles.len());
                self.articles.push(article);
                false
            }
        }
    }

    pub fn article(&self, id: &str) -> Option<&Article> {
        self.by_id.get(id).map(|&i| &self.articles[i])
    }

    /// Inserts a document, or fills the fields the stored one lacks (sources give metadata
    /// piecemeal: the title on one article's citation, the issuer on another's).
    pub fn merge_document(&mut self, doc: Document) {
        use std::collections::btree_map::Entry;
        match self.documents.entry(doc.key.clone()) {
            Entry::Vacant(v) => {
                v.insert(doc);
            }
            Entry::Occupied(mut o) => {
                let old = o.get_mut();
                if old.title.is_empty() {
                    old.title = doc.title;
                }
                if old.doc_type.is_empty() {
                    old.doc_type = doc.doc_type;
                }
                old.issuer = old.issuer.take().or(doc.issuer);
                old.signer = old.signer.take().or(doc.signer);
                old.issued = old.issued.or(doc.issued);
                old.effective_from = old.effective_from.or(doc.effective_from);
                old.source_url = old.source_url.take().or(doc.source_url);
                old.vbpl_item_id = old.vbpl_item_id.take().or(doc.vbpl_item_id);
                for d in doc.demuc {
                    if !old.demuc.contains(&d) {
                        old.demuc.push(d);
                    }
                }
                // A document seen in the current snapshot is current, whatever else cites it.
                if !doc.provenance.outdated && old.provenance.outdated {
                    old.provenance = doc.provenance;
                    old.status = doc.status;
                }
            }
        }
    }

    /// Keeps only articles matching `keep`, and the documents they cite.
    pub fn retain_articles(&mut self, mut keep: impl FnMut(&Article) -> bool) {
        self.articles.retain(|a| keep(a));
        self.by_id = self
            .articles
            .iter()
            .enumerate()
            .map(|(i, a)| (a.id.clone(), i))
            .collect();
        let cited: std::collections::HashSet<&str> =
            self.articles.iter().map(|a| a.doc_key.as_str()).collect();
        self.documents.retain(|k, _| cited.contains(k.as_str()));
    }
}

/// Opens a JSONL file, transparently gunzipping `*.gz`, and calls `f(line_number, line)` per
/// non-empty line.
fn for_each_line(path: &Path, mut f: impl FnMut(usize, &str)) -> Result<usize, IngestError> {
    let io = |source| IngestError::Io {
        path: path.to_owned(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let reader: Box<dyn BufRead> = if path.extension().is_some_and(|e| e == "gz") {
        Box::new(BufReader::new(flate2::read::MultiGzDecoder::new(file)))
    } else {
        Box::new(BufReader::new(file))
    };
    let mut n = 0;
    for (i, line) in reader.lines().enumerate() {
        let line = line.map_err(io)?;
        if line.trim().is_empty() {
            continue;
        }
        n += 1;
        f(i + 1, &line);
    }
    Ok(n)
}

/// Files in `dir` whose names start with `prefix` and end with `.jsonl` or `.jsonl.gz`, sorted.
fn jsonl_files(dir: &Path, prefix: &str) -> Result<Vec<PathBuf>, IngestError> {
    let entries = std::fs::read_dir(dir).map_err(|source| IngestError::Io {
        path: dir.to_owned(),
        source,
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                n.starts_with(prefix) && (n.ends_with(".jsonl") || n.ends_with(".jsonl.gz"))
            })
        })
        .collect();
    files.sort();
    Ok(files)
}
