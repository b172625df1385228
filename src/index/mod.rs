//! The on-disk index: tantivy segments plus the document table, in generation directories under
//! one root, switched atomically.
//!
//! ```text
//! index/
//!   CURRENT               name of the live generation, replaced by rename
//!   LOCK                  held by a build or update while it runs
//!   gen-<millis>/         tantivy files, documents.jsonl, article-hashes.txt, tracuu-meta.json
//! ```
//!
//! A build writes a whole new generation, commits it, then renames a new `CURRENT` into place;
//! an update (`update`) derives the new generation from the live one's hard-linked files. Killed
//! at any point before that rename, the previous generation still opens and serves; the
//! half-written directory is removed by the next build or update. No network IO happens here.

mod schema;
mod update;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use tantivy::{Index, IndexReader, ReloadPolicy, Term};

use crate::ingest::Corpus;
use crate::model::{Article, Document};

pub use schema::{
    Fields, KIND_ARTICLE, SCHEMA_VERSION, StoredArticle, article_document, build_schema,
    so_hieu_key,
};
pub use update::{Update, UpdateReport, update, update_with};

/// Field names, for the search module's fast-field reads.
pub mod schema_field_names {
    pub use super::schema::{DEMUC, DOC_KEY, DOC_TYPE, ID, ISSUED_DAYS, ISSUER, STATUS, YEAR};
}

const CURRENT: &str = "CURRENT";
const META_FILE: &str = "tracuu-meta.json";
const DOCUMENTS_FILE: &str = "documents.jsonl";
const GEN_PREFIX: &str = "gen-";
/// Memory for tantivy's indexing threads, split between them.
const WRITER_HEAP_BYTES: usize = 600 * 1024 * 1024;
/// Generations kept after a build: the live one and the one before it, which a running server
/// may still be reading until it reloads.
const GENERATIONS_KEPT: usize = 2;

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("no index in {dir}: build one with `tracuu index`")]
    Missing { dir: PathBuf },
    #[error(
        "the index in {dir} was built with schema version {found}, this program reads version {expected}: rebuild it with `tracuu index`"
    )]
    SchemaMismatch {
        dir: PathBuf,
        found: u32,
        expected: u32,
    },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: invalid metadata: {reason}")]
    Corrupt { path: PathBuf, reason: String },
    #[error("tantivy: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    /// A part written into the generation by the caller of [`build_with`] failed.
    #[error("{part}: {source}")]
    Part {
        part: &'static str,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> IndexError + '_ {
    move |source| IndexError::Io {
        path: path.to_owned(),
        source,
    }
}

/// What a generation holds, written beside its segments.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IndexMeta {
    pub schema_version: u32,
    /// Milliseconds since the Unix epoch.
    pub built_at_ms: u64,
    pub articles: usize,
    pub documents: usize,
    /// Where the records came from ("content", "phapdien:../shared/data/phapdien").
    pub sources: Vec<String>,
}

/// An open generation: tantivy index and reader, resolved fields and the document table.
pub struct LawIndex {
    pub index: Index,
    pub reader: IndexReader,
    pub fields: Fields,
    pub meta: IndexMeta,
    pub generation: PathBuf,
    documents: HashMap<String, Arc<Document>>,
    common_terms: HashSet<String>,
    demuc: Vec<Demuc>,
    /// Per segment, the values of each [`NAMED_COLUMNS`] fast field by ordinal.
    column_values: Vec<Vec<Vec<String>>>,
    /// Per segment, each document's article id, by doc id.
    article_ids: Vec<StrTable>,
}

/// Strings by position, in one buffer: 75k article ids cost one allocation, not 75k.
#[derive(Default)]
struct StrTable {
    bytes: String,
    /// `bytes[ends[i - 1]..ends[i]]` is the `i`th string.
    ends: Vec<u32>,
}

impl StrTable {
    fn push(&mut self, s: &str) {
        self.bytes.push_str(s);
        self.ends.push(self.bytes.len() as u32);
    }

    fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)? as usize;
        let start = i.checked_sub(1).map_or(0, |p| self.ends[p] as usize);
        self.bytes.get(start..end)
    }
}

/// The article id of every document of each segment, by doc id. Evaluation and the engine
/// benchmark return ids; resolving one through the id column's dictionary decodes a
/// zstd-compressed sstable block, which was a fifth of a keyword query's time.
fn article_ids(reader: &IndexReader) -> Result<Vec<StrTable>, IndexError> {
    let searcher = reader.searcher();
    let mut out = Vec::new();
    for segment in searcher.segment_readers() {
        let mut table = StrTable::default();
        if let Some(column) = segment.fast_fields().str(schema::ID)? {
            let mut by_ord = StrTable::default();
            let mut stream = column
                .dictionary()
                .stream()
                .map_err(tantivy::TantivyError::from)?;
            while stream.advance() {
                by_ord.push(&String::from_utf8_lossy(stream.key()));
            }
            for doc in 0..segment.max_doc() {
                let id = column
                    .term_ords(doc)
                    .next()
                    .and_then(|ord| by_ord.get(ord as usize))
                    .unwrap_or("");
                table.push(id);
            }
        }
        out.push(table);
    }
    Ok(out)
}

/// The string fast fields whose values [`LawIndex::column_value`] resolves from memory: the
/// ones a result window groups and counts by. Resolving an ordinal through the column's own
/// dictionary decodes an sstable block each time, which cost a results page most of its time.
/// (Article ids are resolved by doc id instead: [`LawIndex::article_id`].) Index with the
/// `COLUMN_*` constants.
pub const NAMED_COLUMNS: [&str; 5] = [
    schema::DOC_KEY,
    schema::DOC_TYPE,
    schema::ISSUER,
    schema::DEMUC,
    schema::STATUS,
];
pub const COLUMN_DOC_KEY: usize = 0;
pub const COLUMN_DOC_TYPE: usize = 1;
pub const COLUMN_ISSUER: usize = 2;
pub const COLUMN_DEMUC: usize = 3;
pub const COLUMN_STATUS: usize = 4;

/// Every value of each [`NAMED_COLUMNS`] column of each segment, in ordinal order.
fn column_values(reader: &IndexReader) -> Result<Vec<Vec<Vec<String>>>, IndexError> {
    let searcher = reader.searcher();
    let mut out = Vec::new();
    for segment in searcher.segment_readers() {
        let mut columns = Vec::new();
        for name in NAMED_COLUMNS {
            let mut values = Vec::new();
            if let Some(column) = segment.fast_fields().str(name)? {
                let mut stream = column
                    .dictionary()
                    .stream()
                    .map_err(tantivy::TantivyError::from)?;
                while stream.advance() {
                    values.push(String::from_utf8_lossy(stream.key()).into_owned());
                }
            }
            columns.push(values);
        }
        out.push(columns);
    }
    Ok(out)
}

/// A đề mục (topic) of the code of law present in the index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Demuc {
    /// "15.3": chủ đề 15, đề mục 3.
    pub code: String,
    pub name: String,
    /// Articles indexed under it.
    pub articles: usize,
}

impl Demuc {
    /// The chủ đề (subject) number, the part of the code before the dot.
    pub fn chude(&self) -> &str {
        self.code.split('.').next().unwrap_or("")
    }
}

impl LawIndex {
    /// Opens the live generation under `root`.
    pub fn open(root: &Path) -> Result<LawIndex, IndexError> {
        let generation = current_generation(root)?;
        LawIndex::open_generation(&generation)
    }

    fn open_generation(generation: &Path) -> Result<LawIndex, IndexError> {
        let meta = read_meta(generation)?;
        let index = Index::open_in_dir(generation)?;
        crate::analysis::register(index.tokenizers());
        let fields = Fields::new(&index.schema())?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let docs_path = generation.join(DOCUMENTS_FILE);
        let text = std::fs::read_to_string(&docs_path).map_err(io_err(&docs_path))?;
        let mut documents = HashMap::new();
        for (i, line) in text.lines().enumerate() {
            let doc: Document = serde_json::from_str(line).map_err(|e| IndexError::Corrupt {
                path: docs_path.clone(),
                reason: format!("line {}: {e}", i + 1),
            })?;
            documents.insert(doc.key.clone(), Arc::new(doc));
        }
        let common_terms = common_terms(&reader, &[fields.text_fold, fields.text_bigram])?;
        let demuc = demuc_list(&reader, &fields, generation)?;
        let column_values = column_values(&reader)?;
        let article_ids = article_ids(&reader)?;
        // Built now rather than on the first query, which would otherwise pay for it.
        if let Err(e) = crate::analysis::Segmenter::global() {
            tracing::warn!(error = %e, "word segmenter unavailable; searching without words");
        }
        Ok(LawIndex {
            index,
            reader,
            fields,
            meta,
            generation: generation.to_owned(),
            documents,
            common_terms,
            demuc,
            column_values,
            article_ids,
        })
    }

    /// The value of ordinal `ord` of the `which`th of [`NAMED_COLUMNS`] in segment `segment`
    /// ("" when there is none).
    pub fn column_value(&self, segment: u32, which: usize, ord: u64) -> &str {
        self.column_values
            .get(segment as usize)
            .and_then(|columns| columns.get(which))
            .and_then(|values| values.get(ord as usize))
            .map_or("", String::as_str)
    }

    /// The article id of document `doc` of segment `segment` ("" when there is none).
    pub fn article_id(&self, segment: u32, doc: tantivy::DocId) -> &str {
        self.article_ids
            .get(segment as usize)
            .and_then(|ids| ids.get(doc as usize))
            .unwrap_or("")
    }

    /// The đề mục of the indexed articles, in code order (1.1, 1.2, ..., 2.1, ..., 10.1).
    pub fn demuc(&self) -> &[Demuc] {
        &self.demuc
    }

    /// Every article of the document `doc_key`, in the document's order (by article number,
    /// then by id for articles without one).
    pub fn document_articles(&self, doc_key: &str) -> Result<Vec<Article>, IndexError> {
        let searcher = self.reader.searcher();
        let term = Term::from_field_text(self.fields.doc_key, doc_key);
        let query = tantivy::query::TermQuery::new(term, tantivy::schema::IndexRecordOption::Basic);
        let addrs = searcher.search(&query, &tantivy::collector::DocSetCollector)?;
        let mut articles = addrs
            .into_iter()
            .map(|addr| self.stored_article(&searcher, addr))
            .collect::<Result<Vec<_>, _>>()?;
        articles.sort_by_cached_key(|a| (a.ordinal().is_none(), a.ordinal(), a.id.clone()));
        Ok(articles)
    }

    /// True for a folded syllable or bigram that occurs in at least
    /// [`COMMON_TERM_DOC_RATIO`] of the articles' texts ("của", "quy định"): such terms say
    /// little about relevance and cost the most to score.
    pub fn is_common(&self, folded_term: &str) -> bool {
        self.common_terms.contains(folded_term)
    }

    pub fn document(&self, key: &str) -> Option<&Arc<Document>> {
        self.documents.get(key)
    }

    pub fn documents(&self) -> impl Iterator<Item = &Arc<Document>> {
        self.documents.values()
    }

    /// The stored article with this id.
    pub fn article(&self, id: &str) -> Result<Option<Article>, IndexError> {
        let searcher = self.reader.searcher();
        let term = Term::from_field_text(self.fields.id, id);
        let query = tantivy::query::TermQuery::new(term, tantivy::schema::IndexRecordOption::Basic);
        let top = searcher.search(
            &query,
            &tantivy::collector::TopDocs::with_limit(1).order_by_score(),
        )?;
        match top.first() {
            Some((_, addr)) => Ok(Some(self.stored_article(&searcher, *addr)?)),
            None => Ok(None),
        }
    }

    /// Decodes the stored payload of a hit.
    pub fn stored_article(
        &self,
        searcher: &tantivy::Searcher,
        addr: tantivy::DocAddress,
    ) -> Result<Article, IndexError> {
        read_article(searcher, &self.fields, &self.generation, addr)
    }
}

fn read_article(
    searcher: &tantivy::Searcher,
    fields: &Fields,
    generation: &Path,
    addr: tantivy::DocAddress,
) -> Result<Article, IndexError> {
    use tantivy::schema::Value;
    let doc: tantivy::TantivyDocument = searcher.doc(addr)?;
    let payload = doc
        .get_first(fields.payload)
        .and_then(|v| v.as_str())
        .unwrap_or_default();
    let stored: StoredArticle = serde_json::from_str(payload).map_err(|e| IndexError::Corrupt {
        path: generation.to_owned(),
        reason: format!("stored article: {e}"),
    })?;
    Ok(stored.article)
}

/// Share of articles a term must occur in to count as common (see [`LawIndex::is_common`]).
pub const COMMON_TERM_DOC_RATIO: f64 = 0.05;

fn common_terms(
    reader: &IndexReader,
    fields: &[tantivy::schema::Field],
) -> Result<HashSet<String>, IndexError> {
    let searcher = reader.searcher();
    let min_df = (searcher.num_docs() as f64 * COMMON_TERM_DOC_RATIO)
        .ceil()
        .max(1.0) as u64;
    // A term common in the whole index is, in at least one of its n segments, in 1/n of the
    // threshold's documents: those are the candidates, counted over all segments after. (A full
    // build has one segment; an incremental update adds small ones beside it.)
    let segments = searcher.segment_readers();
    let per_segment = min_df.div_ceil(segments.len().max(1) as u64);
    let mut out = HashSet::new();
    for &field in fields {
        let mut candidates = HashSet::new();
        for segment in segments {
            let inverted = segment.inverted_index(field)?;
            let mut stream = inverted
                .terms()
                .stream()
                .map_err(tantivy::TantivyError::from)?;
            while stream.advance() {
                if u64::from(stream.value().doc_freq) >= per_segment
                    && let Ok(term) = std::str::from_utf8(stream.key())
                {
                    candidates.insert(term.to_owned());
                }
            }
        }
        for term in candidates {
            // Deleted documents still count until their segment is merged, as in BM25's
            // statistics.
            if searcher.doc_freq(&Term::from_field_text(field, &term))? >= min_df {
                out.insert(term);
            }
        }
    }
    Ok(out)
}

/// Đề mục codes with their article counts from the term dictionary, and each name from one of
/// its articles.
fn demuc_list(
    reader: &IndexReader,
    fields: &Fields,
    generation: &Path,
) -> Result<Vec<Demuc>, IndexError> {
    let searcher = reader.searcher();
    let mut codes: HashSet<String> = HashSet::new();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(fields.demuc)?;
        let mut stream = inverted
            .terms()
            .stream()
            .map_err(tantivy::TantivyError::from)?;
        while stream.advance() {
            if let Ok(code) = std::str::from_utf8(stream.key()) {
                codes.insert(code.to_owned());
            }
        }
    }
    let mut out = Vec::with_capacity(codes.len());
    for code in codes {
        let term = Term::from_field_text(fields.demuc, &code);
        let query = tantivy::query::TermQuery::new(term, tantivy::schema::IndexRecordOption::Basic);
        // Counted, not read from the dictionary: a term's document frequency includes the
        // deleted documents an incremental update leaves until their segment is merged.
        let articles = searcher.search(&query, &tantivy::collector::Count)?;
        if articles == 0 {
            continue;
        }
        let top = searcher.search(
            &query,
            &tantivy::collector::TopDocs::with_limit(1).order_by_score(),
        )?;
        let name = match top.first() {
            Some((_, addr)) => read_article(&searcher, fields, generation, *addr)?.demuc_name,
            None => String::new(),
        };
        out.push(Demuc {
            code,
            name,
            articles,
        });
    }
    out.sort_by_cached_key(|d| demuc_order(&d.code));
    Ok(out)
}

/// Sort key of a đề mục code: its numeric parts ("10.2" after "9.1").
fn demuc_order(code: &str) -> Vec<u32> {
    code.split('.')
        .map(|p| p.parse().unwrap_or(u32::MAX))
        .collect()
}

/// The metadata of `generation`, if this program can read that generation
/// ([`IndexError::SchemaMismatch`] when it was built with another schema version).
pub fn read_meta(generation: &Path) -> Result<IndexMeta, IndexError> {
    let meta_path = generation.join(META_FILE);
    let meta_bytes = std::fs::read(&meta_path).map_err(io_err(&meta_path))?;
    let meta: IndexMeta = serde_json::from_slice(&meta_bytes).map_err(|e| IndexError::Corrupt {
        path: meta_path.clone(),
        reason: e.to_string(),
    })?;
    if meta.schema_version != SCHEMA_VERSION {
        return Err(IndexError::SchemaMismatch {
            dir: generation.to_owned(),
            found: meta.schema_version,
            expected: SCHEMA_VERSION,
        });
    }
    Ok(meta)
}

/// The live generation's directory under `root`.
pub fn current_generation(root: &Path) -> Result<PathBuf, IndexError> {
    let pointer = root.join(CURRENT);
    let name = match std::fs::read_to_string(&pointer) {
        Ok(name) => name,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(IndexError::Missing {
                dir: root.to_owned(),
            });
        }
        Err(e) => return Err(io_err(&pointer)(e)),
    };
    let name = name.trim();
    if !name.starts_with(GEN_PREFIX) || name.contains(['/', '\\']) {
        return Err(IndexError::Corrupt {
            path: pointer,
            reason: format!("not a generation name: {name:?}"),
        });
    }
    Ok(root.join(name))
}

/// Progress of a build, for a progress bar.
pub trait Progress: Sync {
    fn start(&self, total: u64);
    fn advance(&self, n: u64);
    fn finish(&self);
}

impl Progress for () {
    fn start(&self, _: u64) {}
    fn advance(&self, _: u64) {}
    fn finish(&self) {}
}

/// Builds a new generation from `corpus` under `root` and makes it live.
pub fn build(
    root: &Path,
    corpus: &Corpus,
    sources: Vec<String>,
    progress: &dyn Progress,
) -> Result<IndexMeta, IndexError> {
    build_with(root, corpus, sources, progress, &|_| Ok(()))
}

/// What a caller adds to a generation before it goes live (the procedures index writes its
/// own subdirectory): called with the new generation's directory after the law index is
/// committed and before `CURRENT` is switched, so both become live together or not at all.
pub type GenerationPart<'a> = &'a (dyn Fn(&Path) -> Result<(), IndexError> + Sync);

/// [`build`], with `part` writing more into the generation before the switch.
pub fn build_with(
    root: &Path,
    corpus: &Corpus,
    sources: Vec<String>,
    progress: &dyn Progress,
    part: GenerationPart<'_>,
) -> Result<IndexMeta, IndexError> {
    std::fs::create_dir_all(root).map_err(io_err(root))?;
    let _lock = lock_root(root)?;
    remove_stale_generations(root)?;
    let (built_at_ms, generation) = new_generation(root, 0)?;

    let schema = build_schema();
    let index = Index::create_in_dir(&generation, schema.clone())?;
    crate::analysis::register(index.tokenizers());
    let fields = Fields::new(&schema)?;
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(1, 8);
    let mut writer: tantivy::IndexWriter =
        index.writer_with_num_threads(threads, WRITER_HEAP_BYTES)?;

    progress.start(corpus.articles().len() as u64);
    for chunk in corpus.articles().chunks(512) {
        for article in chunk {
            let document = corpus.documents.get(&article.doc_key);
            // Upsert by stable id: a generation never holds two records with one id.
            writer.delete_term(Term::from_field_text(fields.id, &article.id));
            writer.add_document(article_document(&fields, article, document))?;
        }
        progress.advance(chunk.len() as u64);
    }
    writer.commit()?;
    merge_into_one_segment(&index, writer)?;
    progress.finish();

    let meta = IndexMeta {
        schema_version: SCHEMA_VERSION,
        built_at_ms,
        articles: corpus.articles().len(),
        documents: corpus.documents.len(),
        sources,
    };
    let documents = documents_jsonl(corpus);
    let hashes = update::corpus_hashes(corpus)?;
    publish(root, &generation, &documents, &hashes, &meta, part)?;
    Ok(meta)
}

/// The document table of a generation: one JSON line per document, in key order.
fn documents_jsonl(corpus: &Corpus) -> String {
    let mut lines = String::new();
    for doc in corpus.documents.values() {
        lines.push_str(&serde_json::to_string(doc).unwrap_or_default());
        lines.push('\n');
    }
    lines
}

/// The last steps of every new generation, full or incremental: its side files (document table,
/// article hashes, meta), `part`, then the switch of `CURRENT` and the pruning of old generations.
fn publish(
    root: &Path,
    generation: &Path,
    documents: &str,
    hashes: &BTreeMap<String, String>,
    meta: &IndexMeta,
    part: GenerationPart<'_>,
) -> Result<(), IndexError> {
    write_synced(&generation.join(DOCUMENTS_FILE), documents.as_bytes())?;
    update::write_hashes(generation, hashes)?;
    let meta_json = serde_json::to_vec_pretty(meta).unwrap_or_default();
    write_synced(&generation.join(META_FILE), &meta_json)?;
    part(generation)?;
    sync_dir(generation)?;

    // The switch: a whole new pointer file renamed over the old one.
    let name = generation
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let tmp = root.join(format!("{CURRENT}.tmp"));
    write_synced(&tmp, name.as_bytes())?;
    std::fs::rename(&tmp, root.join(CURRENT)).map_err(io_err(root))?;
    sync_dir(root)?;
    prune_generations(root, name)
}

/// Held by a build or an update for its whole run: two at once under one root would each take
/// the other's half-built generation for a killed one's leftovers and remove it.
const LOCK_FILE: &str = "LOCK";

/// Waits for, then holds, the exclusive lock on `root` until dropped.
fn lock_root(root: &Path) -> Result<std::fs::File, IndexError> {
    use fs4::fs_std::FileExt;
    let path = root.join(LOCK_FILE);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(io_err(&path))?;
    file.lock_exclusive().map_err(io_err(&path))?;
    Ok(file)
}

/// Creates the directory of a new generation, stamped now (and after `after_ms`, the stamp of
/// the generation it derives from, so that generations sort in the order they were made).
fn new_generation(root: &Path, after_ms: u64) -> Result<(u64, PathBuf), IndexError> {
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    let built_at_ms = now_ms.max(after_ms + 1);
    let generation = root.join(format!("{GEN_PREFIX}{built_at_ms}"));
    std::fs::create_dir(&generation).map_err(io_err(&generation))?;
    Ok((built_at_ms, generation))
}

/// Merges the committed segments into one without deleted documents, and waits for it: every
/// query pays per segment, and the statistics read at open then count live articles only.
fn merge_into_one_segment(
    index: &Index,
    mut writer: tantivy::IndexWriter,
) -> Result<(), IndexError> {
    let segments = index.searchable_segment_metas()?;
    if segments.len() > 1 || segments.iter().any(|s| s.has_deletes()) {
        let ids: Vec<_> = segments.iter().map(|s| s.id()).collect();
        writer.merge(&ids).wait()?;
    }
    writer.wait_merging_threads()?;
    Ok(())
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), IndexError> {
    use std::io::Write;
    let mut f = std::fs::File::create(path).map_err(io_err(path))?;
    f.write_all(bytes).map_err(io_err(path))?;
    f.sync_all().map_err(io_err(path))
}

fn sync_dir(dir: &Path) -> Result<(), IndexError> {
    std::fs::File::open(dir)
        .and_then(|f| f.sync_all())
        .map_err(io_err(dir))
}

fn generations(root: &Path) -> Result<Vec<String>, IndexError> {
    let mut names: Vec<String> = std::fs::read_dir(root)
        .map_err(io_err(root))?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with(GEN_PREFIX))
        .collect();
    // Same-length millisecond stamps sort in time order.
    names.sort_by(|a, b| a.len().cmp(&b.len()).then(a.cmp(b)));
    Ok(names)
}

/// Removes generations newer than the live one: leftovers of a build that was killed.
fn remove_stale_generations(root: &Path) -> Result<(), IndexError> {
    let live = current_generation(root)
        .ok()
        .and_then(|p| p.file_name()?.to_str().map(str::to_owned));
    for name in generations(root)? {
        let newer = live
            .as_ref()
            .is_none_or(|l| (name.len(), &name) > (l.len(), l));
        if newer {
            let path = root.join(&name);
            std::fs::remove_dir_all(&path).map_err(io_err(&path))?;
        }
    }
    Ok(())
}

fn prune_generations(root: &Path, live: &str) -> Result<(), IndexError> {
    let names = generations(root)?;
    let keep_from = names.len().saturating_sub(GENERATIONS_KEPT);
    for name in &names[..keep_from] {
        if name != live {
            let path = root.join(name);
            std::fs::remove_dir_all(&path).map_err(io_err(&path))?;
        }
    }
    Ok(())
}
