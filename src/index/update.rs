//! The incremental update: the next generation derived from the live one, with only the articles
//! that changed rewritten.
//!
//! Tantivy never modifies a file once written (new segments, new delete files, `meta.json`
//! replaced by rename), so the live generation's files are hard-linked (copied where links are
//! not possible) into a new generation directory, a writer there deletes the changed and
//! removed articles by id and adds the changed and new ones, and the generation is published
//! as a full build's is: side files, then the rename of `CURRENT`. The live generation is never
//! written to; a kill at any point leaves `CURRENT` naming it, and the half-built directory is
//! removed by the next build or update. The new generation is merged back into one segment before
//! it goes live, so that it is laid out as a full build's.
//!
//! What changed is decided by comparing the hash of each article's tantivy document with the hashes the live generation was built
//! from (`article-hashes.txt`, written by every build and update), so the result holds the same
//! articles as a full build of the same corpus, whatever the caller believes changed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Instant;

use sha2::{Digest, Sha256};
use tantivy::{Index, Term};

use super::{
    Corpus, DOCUMENTS_FILE, GenerationPart, IndexError, IndexMeta, META_FILE, Progress,
    SCHEMA_VERSION, article_document, current_generation, documents_jsonl, io_err,
    merge_into_one_segment, new_generation, publish, read_meta, remove_stale_generations,
};

/// One line per article, `<sha256> <id>`, in id order.
const HASHES_FILE: &str = "article-hashes.txt";
/// Memory for an update's indexing threads: an update usually adds a few pages' articles.
const UPDATE_WRITER_HEAP_BYTES: usize = 200 * 1024 * 1024;
/// Articles to add above which the update indexes on every core, as a full build does.
const PARALLEL_ABOVE_ARTICLES: usize = 2_000;

/// What [`update`] did.
#[derive(Debug)]
pub enum Update {
    /// The live generation already holds this corpus: no new generation.
    Unchanged,
    /// A new generation, derived from the previous one, is live.
    Updated(UpdateReport),
    /// The live generation cannot be updated (none yet, another schema version, no article
    /// hashes): build a whole one with [`super::build`]. Nothing was written.
    NeedsRebuild { reason: String },
}

/// The articles an update added, rewrote and deleted, by id.
#[derive(Debug, Clone)]
pub struct UpdateReport {
    pub meta: IndexMeta,
    pub added: Vec<String>,
    pub changed: Vec<String>,
    pub removed: Vec<String>,
    /// Of `took_ms`, merging the new generation back into one segment.
    pub merge_ms: u64,
    pub took_ms: u64,
}

/// Id → SHA-256 of the tantivy document of every article of `corpus`: what is indexed, so that a
/// change to a document's metadata that no article's record shows (its đề mục list) rewrites
/// the document table and no article.
pub(super) fn corpus_hashes(corpus: &Corpus) -> Result<BTreeMap<String, String>, IndexError> {
    let schema = super::build_schema();
    let fields = super::Fields::new(&schema)?;
    Ok(corpus
        .articles()
        .iter()
        .map(|a| {
            let doc = article_document(&fields, a, corpus.documents.get(&a.doc_key));
            let json = tantivy::schema::document::Document::to_json(&doc, &schema);
            let hash = format!("{:x}", Sha256::digest(json.as_bytes()));
            (a.id.clone(), hash)
        })
        .collect())
}

pub(super) fn write_hashes(
    generation: &Path,
    hashes: &BTreeMap<String, String>,
) -> Result<(), IndexError> {
    let mut text = String::with_capacity(hashes.len() * 120);
    for (id, hash) in hashes {
        text.push_str(hash);
        text.push(' ');
        text.push_str(id);
        text.push('\n');
    }
    super::write_synced(&generation.join(HASHES_FILE), text.as_bytes())
}

fn read_hashes(generation: &Path) -> Result<BTreeMap<String, String>, IndexError> {
    let path = generation.join(HASHES_FILE);
    let text = std::fs::read_to_string(&path).map_err(io_err(&path))?;
    let mut out = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let Some((hash, id)) = line.split_once(' ') else {
            return Err(IndexError::Corrupt {
                path,
                reason: format!("line {}: not `<hash> <id>`", i + 1),
            });
        };
        out.insert(id.to_owned(), hash.to_owned());
    }
    Ok(out)
}

/// Tantivy's lock files: held by a writer or reader of that directory, never carried over.
fn is_lock_file(name: &str) -> bool {
    name.starts_with(".tantivy-") && name.ends_with(".lock")
}

/// Hard-links (or, across file systems, copies) every file under `from` into `to`, except the
/// generation's own side files at the top, which the update writes afresh.
fn link_tree(from: &Path, to: &Path, top: bool) -> Result<(), IndexError> {
    for entry in std::fs::read_dir(from).map_err(io_err(from))? {
        let entry = entry.map_err(io_err(from))?;
        let name = entry.file_name();
        let name_str = name.to_string_lossy();
        let skip = is_lock_file(&name_str)
            || (top && [META_FILE, DOCUMENTS_FILE, HASHES_FILE].contains(&name_str.as_ref()));
        if skip {
            continue;
        }
        let (src, dst) = (entry.path(), to.join(&name));
        let kind = entry.file_type().map_err(io_err(&src))?;
        if kind.is_dir() {
            std::fs::create_dir(&dst).map_err(io_err(&dst))?;
            link_tree(&src, &dst, false)?;
        } else if std::fs::hard_link(&src, &dst).is_err() {
            std::fs::copy(&src, &dst).map_err(io_err(&dst))?;
        }
    }
    Ok(())
}

/// Brings the live generation under `root` to `corpus` by deriving a new generation from it
/// (see the module's documentation). `sources` are added to the ones the live generation lists.
pub fn update(
    root: &Path,
    corpus: &Corpus,
    sources: Vec<String>,
    progress: &dyn Progress,
) -> Result<Update, IndexError> {
    update_with(root, corpus, sources, progress, &|_| Ok(()))
}

/// [`update`], with `part` writing more into the new generation before the switch (as
/// [`super::build_with`]). The previous generation's other parts (`procedures/`) are carried
/// over unchanged.
pub fn update_with(
    root: &Path,
    corpus: &Corpus,
    sources: Vec<String>,
    progress: &dyn Progress,
    part: GenerationPart<'_>,
) -> Result<Update, IndexError> {
    let started = Instant::now();
    std::fs::create_dir_all(root).map_err(io_err(root))?;
    let _lock = super::lock_root(root)?;
    // Leftovers of a build or update that was killed.
    remove_stale_generations(root)?;
    let previous = match current_generation(root) {
        Ok(p) => p,
        Err(IndexError::Missing { .. }) => {
            return Ok(Update::NeedsRebuild {
                reason: "there is no index yet".to_owned(),
            });
        }
        Err(e) => return Err(e),
    };
    let previous_meta = match read_meta(&previous) {
        Ok(m) => m,
        Err(IndexError::SchemaMismatch { found, .. }) => {
            return Ok(Update::NeedsRebuild {
                reason: format!(
                    "the live index has schema version {found}, this program writes {SCHEMA_VERSION}"
                ),
            });
        }
        Err(e) => return Err(e),
    };
    let old = match read_hashes(&previous) {
        Ok(h) => h,
        Err(e) => {
            return Ok(Update::NeedsRebuild {
                reason: format!("the live index has no usable article hashes ({e})"),
            });
        }
    };
    let new = corpus_hashes(corpus)?;
    let mut added = Vec::new();
    let mut changed = Vec::new();
    for (id, hash) in &new {
        match old.get(id) {
            None => added.push(id.clone()),
            Some(h) if h != hash => changed.push(id.clone()),
            Some(_) => {}
        }
    }
    let removed: Vec<String> = old
        .keys()
        .filter(|id| !new.contains_key(*id))
        .cloned()
        .collect();
    let documents = documents_jsonl(corpus);
    let documents_path = previous.join(DOCUMENTS_FILE);
    let same_documents =
        std::fs::read(&documents_path).map_err(io_err(&documents_path))? == documents.as_bytes();
    // The previous generation's sources stay listed: its parts (procedures) are carried over.
    let mut all_sources = previous_meta.sources.clone();
    for s in sources {
        if !all_sources.contains(&s) {
            all_sources.push(s);
        }
    }
    if added.is_empty()
        && changed.is_empty()
        && removed.is_empty()
        && same_documents
        && previous_meta.sources == all_sources
    {
        return Ok(Update::Unchanged);
    }

    let (built_at_ms, generation) = new_generation(root, previous_meta.built_at_ms)?;
    link_tree(&previous, &generation, true)?;
    let index = Index::open_in_dir(&generation)?;
    crate::analysis::register(index.tokenizers());
    let fields = super::Fields::new(&index.schema())?;
    let upserts: BTreeSet<&str> = added.iter().chain(&changed).map(String::as_str).collect();
    let threads = if upserts.len() > PARALLEL_ABOVE_ARTICLES {
        std::thread::available_parallelism()
            .map_or(2, |n| n.get())
            .clamp(1, 8)
    } else {
        1
    };
    let heap = if threads > 1 {
        super::WRITER_HEAP_BYTES
    } else {
        UPDATE_WRITER_HEAP_BYTES
    };
    let mut writer: tantivy::IndexWriter = index.writer_with_num_threads(threads, heap)?;
    // Merged explicitly below, never in the background meanwhile.
    writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
    progress.start(upserts.len() as u64);
    for id in changed.iter().chain(&removed) {
        writer.delete_term(Term::from_field_text(fields.id, id));
    }
    for article in corpus.articles() {
        if upserts.contains(article.id.as_str()) {
            let document = corpus.documents.get(&article.doc_key);
            writer.add_document(article_document(&fields, article, document))?;
            progress.advance(1);
        }
    }
    writer.commit()?;
    // Back to one segment without deleted documents, as a full build leaves it: queries pay per
    // segment, and the statistics then count no deleted article. It rewrites the segments, which
    // the bench measures at a fraction of a build (no tokenising).
    let merge_started = Instant::now();
    merge_into_one_segment(&index, writer)?;
    let merge_ms = merge_started.elapsed().as_millis() as u64;
    progress.finish();

    let meta = IndexMeta {
        schema_version: SCHEMA_VERSION,
        built_at_ms,
        articles: corpus.articles().len(),
        documents: corpus.documents.len(),
        sources: all_sources,
    };
    publish(root, &generation, &documents, &new, &meta, part)?;
    Ok(Update::Updated(UpdateReport {
        meta,
        added,
        changed,
        removed,
        merge_ms,
        took_ms: started.elapsed().as_millis() as u64,
    }))
}
