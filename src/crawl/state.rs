//! Persisted crawl state: per page the validators for a conditional GET (ETag, Last-Modified),
//! the hash of the body and of each article; the run in progress, so that a crawl killed at any
//! point resumes where it stopped; and whether the store has changes the index has not seen.
//!
//! Written whole to a temporary file, synced, and renamed over the old one after every page: a
//! kill leaves either the state before that page or the state after it, never a torn file.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::CrawlError;

pub const STATE_FILE: &str = "crawl-state.json";
const STATE_VERSION: u32 = 1;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PageState {
    pub url: String,
    #[serde(default)]
    pub etag: Option<String>,
    #[serde(default)]
    pub last_modified: Option<String>,
    /// SHA-256 of the body as received (hex).
    pub body_sha256: String,
    /// Article id → SHA-256 of the normalised record.
    #[serde(default)]
    pub articles: BTreeMap<String, String>,
}

/// A crawl that started and has not finished.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunState {
    pub started_ms: u64,
    /// Pages already handled in this run (fetched, not modified, or gone).
    pub done: BTreeSet<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CrawlState {
    pub version: u32,
    /// Page id → state.
    pub pages: BTreeMap<String, PageState>,
    #[serde(default)]
    pub run: Option<RunState>,
    /// The store changed since the index was last built from it.
    #[serde(default)]
    pub index_pending: bool,
}

impl CrawlState {
    pub fn load(dir: &Path) -> Result<CrawlState, CrawlError> {
        let path = dir.join(STATE_FILE);
        match std::fs::read(&path) {
            Ok(bytes) => {
                let state: CrawlState =
                    serde_json::from_slice(&bytes).map_err(|e| CrawlError::State {
                        path: path.clone(),
                        reason: e.to_string(),
                    })?;
                if state.version != STATE_VERSION {
                    return Err(CrawlError::State {
                        path,
                        reason: format!(
                            "version {} (this program reads {STATE_VERSION}): remove the store to crawl afresh",
                            state.version
                        ),
                    });
                }
                Ok(state)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(CrawlState {
                version: STATE_VERSION,
                ..CrawlState::default()
            }),
            Err(source) => Err(CrawlError::Io { path, source }),
        }
    }

    pub fn save(&self, dir: &Path) -> Result<(), CrawlError> {
        let bytes = serde_json::to_vec(self).map_err(|e| CrawlError::State {
            path: dir.join(STATE_FILE),
            reason: e.to_string(),
        })?;
        write_atomic(&dir.join(STATE_FILE), &bytes)
    }
}

/// Hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> CrawlError + '_ {
    move |source| CrawlError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Writes `bytes` to a sibling temporary file, syncs it, renames it over `path` and syncs the
/// directory: readers see the old content or the new, never a part.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), CrawlError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp_name = path.file_name().unwrap_or_default().to_owned();
    tmp_name.push(".tmp");
    let tmp: PathBuf = dir.join(tmp_name);
    {
        let mut f = std::fs::File::create(&tmp).map_err(io(&tmp))?;
        f.write_all(bytes).map_err(io(&tmp))?;
        f.sync_all().map_err(io(&tmp))?;
    }
    std::fs::rename(&tmp, path).map_err(io(path))?;
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io(dir))
}
