//! A published snapshot of the site as an archive (`site-2026-01.tar.gz`), read into memory:
//! what the local mirror serves and what the fidelity check extracts. File IO only.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Files by their path inside the archive ("phapdien/demuc/<id>.html"), with the archive's
/// modification time of each (seconds since the epoch), for Last-Modified.
#[derive(Debug, Clone, Default)]
pub struct SiteArchive {
    pub files: BTreeMap<String, (Vec<u8>, u64)>,
}

impl SiteArchive {
    /// Reads a `.tar.gz` (or plain `.tar`) archive.
    pub fn open(path: &Path) -> Result<SiteArchive, SiteError> {
        let io = |source| SiteError::Io {
            path: path.to_owned(),
            source,
        };
        let file = std::fs::File::open(path).map_err(io)?;
        let reader: Box<dyn Read> = if path.extension().is_some_and(|e| e == "gz") {
            Box::new(flate2::read::GzDecoder::new(file))
        } else {
            Box::new(file)
        };
        let mut archive = tar::Archive::new(reader);
        let mut files = BTreeMap::new();
        for entry in archive.entries().map_err(io)? {
            let mut entry = entry.map_err(io)?;
            if !entry.header().entry_type().is_file() {
                continue;
            }
            let name = entry
                .path()
                .map_err(io)?
                .to_string_lossy()
                .trim_start_matches("./")
                .to_owned();
            let mtime = entry.header().mtime().unwrap_or(0);
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).map_err(io)?;
            files.insert(name, (bytes, mtime));
        }
        Ok(SiteArchive { files })
    }

    /// Adds `other`'s files over this one's (an older fill over a newer snapshot, or the reverse).
    pub fn overlay(&mut self, other: SiteArchive) {
        self.files.extend(other.files);
    }

    /// The đề mục pages: page id and bytes.
    pub fn demuc_pages(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files.iter().filter_map(|(name, (bytes, _))| {
            let id = name
                .strip_prefix("phapdien/demuc/")?
                .strip_suffix(".html")?;
            Some((id, bytes.as_slice()))
        })
    }
}
