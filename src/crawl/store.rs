//! The crawl store: normalised records in the `content/` layout, which `ingest::load_content`
//! reads and `tracuu index` indexes beside `content/`.
//!
//! ```text
//! <store>/
//!   documents.jsonl                 every page's documents, merged (rewritten when a crawl ends)
//!   articles/<page id>.jsonl        one page's articles
//!   pages/<page id>.documents.jsonl one page's documents, the source of documents.jsonl
//!   crawl-state.json                see `state`
//!   crawl.lock                      held while a crawl runs
//! ```
//!
//! A page's files are replaced whole (temporary file, rename). `documents.jsonl` is rebuilt from
//! the pages' documents when a crawl finishes: only a finished crawl's store is indexed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::CrawlError;
use super::normalize::{PageRecords, merge};
use super::state::write_atomic;
use crate::ingest::{CONTENT_ARTICLES_DIR, CONTENT_DOCUMENTS_FILE};
use crate::model::Document;

const PAGES_DIR: &str = "pages";
const PAGE_DOCS_SUFFIX: &str = ".documents.jsonl";

pub struct Store {
    dir: PathBuf,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> CrawlError + '_ {
    move |source| CrawlError::Io {
        path: path.to_owned(),
        source,
    }
}

fn jsonl<T: serde::Serialize>(items: impl IntoIterator<Item = T>) -> Vec<u8> {
    let mut out = Vec::new();
    for item in items {
        // Our own model types always serialise.
        if let Ok(line) = serde_json::to_vec(&item) {
            out.extend_from_slice(&line);
            out.push(b'\n');
        }
    }
    out
}

impl Store {
    pub fn open(dir: &Path) -> Result<Store, CrawlError> {
        for sub in [
            dir.to_owned(),
            dir.join(CONTENT_ARTICLES_DIR),
            dir.join(PAGES_DIR),
        ] {
            std::fs::create_dir_all(&sub).map_err(io(&sub))?;
        }
        let store = Store {
            dir: dir.to_owned(),
        };
        if !dir.join(CONTENT_DOCUMENTS_FILE).exists() {
            write_atomic(&dir.join(CONTENT_DOCUMENTS_FILE), b"")?;
        }
        Ok(store)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn articles_path(&self, page: &str) -> PathBuf {
        self.dir
            .join(CONTENT_ARTICLES_DIR)
            .join(format!("{page}.jsonl"))
    }

    fn documents_path(&self, page: &str) -> PathBuf {
        self.dir
            .join(PAGES_DIR)
            .join(format!("{page}{PAGE_DOCS_SUFFIX}"))
    }

    /// Replaces a page's records.
    pub fn write_page(&self, page: &str, records: &PageRecords) -> Result<(), CrawlError> {
        write_atomic(
            &self.documents_path(page),
            &jsonl(records.documents.values()),
        )?;
        write_atomic(&self.articles_path(page), &jsonl(&records.articles))
    }

    /// Removes a page's records (the page is gone from the site).
    pub fn remove_page(&self, page: &str) -> Result<(), CrawlError> {
        for path in [self.articles_path(page), self.documents_path(page)] {
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(io(&path)(e)),
            }
        }
        Ok(())
    }

    /// Rebuilds `documents.jsonl` from every page's documents: the last step of a crawl, after
    /// which the store is consistent and can be indexed.
    pub fn finish(&self) -> Result<(), CrawlError> {
        let dir = self.dir.join(PAGES_DIR);
        let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map_err(io(&dir))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.to_str().is_some_and(|s| s.ends_with(PAGE_DOCS_SUFFIX)))
            .collect();
        names.sort();
        let mut all: BTreeMap<String, Document> = BTreeMap::new();
        for path in names {
            let text = std::fs::read_to_string(&path).map_err(io(&path))?;
            for line in text.lines().filter(|l| !l.trim().is_empty()) {
                let doc: Document = serde_json::from_str(line).map_err(|e| CrawlError::State {
                    path: path.clone(),
                    reason: e.to_string(),
                })?;
                merge(&mut all, doc);
            }
        }
        write_atomic(&self.dir.join(CONTENT_DOCUMENTS_FILE), &jsonl(all.values()))
    }
}
