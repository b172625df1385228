//! The procedure index: its own tantivy index in `procedures/` inside a law index generation
//! (so one `CURRENT` switch publishes both), beside `procedures.jsonl`, the parsed procedures,
//! which are held in memory once opened (a few thousand records): detail pages, facet counts,
//! suggestions and the document → procedures links read the table, never tantivy.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tantivy::schema::{
    Field, IndexRecordOption, STORED, STRING, Schema, SchemaBuilder, TextFieldIndexing,
    TextOptions, Value,
};
use tantivy::{Index, IndexReader, ReloadPolicy, TantivyDocument};

use super::ProcedureError;
use super::model::Procedure;
use super::rerank::Names;
use crate::analysis::{self, TOKENIZER_BIGRAM, TOKENIZER_EXACT, TOKENIZER_FOLDED};

/// Version of this schema and of the procedure JSON stored beside it.
pub const PROCEDURE_SCHEMA_VERSION: u32 = 1;
/// The subdirectory of a generation that holds the procedures.
pub const PROCEDURES_DIR: &str = "procedures";
const TABLE_FILE: &str = "procedures.jsonl";
const META_FILE: &str = "procedures-meta.json";
const WRITER_HEAP_BYTES: usize = 100 * 1024 * 1024;

const MA: &str = "ma";
const NAME_EXACT: &str = "name_exact";
const NAME_FOLD: &str = "name_fold";
const NAME_BIGRAM: &str = "name_bigram";
const CONTEXT_FOLD: &str = "context_fold";
const BODY_FOLD: &str = "body_fold";
const BODY_BIGRAM: &str = "body_bigram";

#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    pub ma: Field,
    pub name_exact: Field,
    pub name_fold: Field,
    pub name_bigram: Field,
    pub context_fold: Field,
    pub body_fold: Field,
    pub body_bigram: Field,
}

fn schema() -> Schema {
    let text = |tokenizer: &str| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(IndexRecordOption::WithFreqs),
        )
    };
    let mut b = SchemaBuilder::new();
    b.add_text_field(MA, STRING | STORED);
    b.add_text_field(NAME_EXACT, text(TOKENIZER_EXACT));
    b.add_text_field(NAME_FOLD, text(TOKENIZER_FOLDED));
    b.add_text_field(NAME_BIGRAM, text(TOKENIZER_BIGRAM));
    b.add_text_field(CONTEXT_FOLD, text(TOKENIZER_FOLDED));
    b.add_text_field(BODY_FOLD, text(TOKENIZER_FOLDED));
    b.add_text_field(BODY_BIGRAM, text(TOKENIZER_BIGRAM));
    b.build()
}

impl Fields {
    fn new(schema: &Schema) -> Result<Fields, ProcedureError> {
        let f = |name: &str| schema.get_field(name).map_err(ProcedureError::from);
        Ok(Fields {
            ma: f(MA)?,
            name_exact: f(NAME_EXACT)?,
            name_fold: f(NAME_FOLD)?,
            name_bigram: f(NAME_BIGRAM)?,
            context_fold: f(CONTEXT_FOLD)?,
            body_fold: f(BODY_FOLD)?,
            body_bigram: f(BODY_BIGRAM)?,
        })
    }
}

/// The text a procedure is found by besides its name: what to bring, the steps, the result,
/// conditions. The same text the naive baseline indexes as "text".
pub fn body_text(p: &Procedure) -> String {
    let mut out = String::new();
    for part in [
        p.steps.published.as_str(),
        p.dossier.published.as_str(),
        p.results.published.as_str(),
        p.conditions.as_str(),
    ] {
        out.push_str(part);
        out.push('\n');
    }
    out
}

/// Lĩnh vực, subjects, bodies: short labels that place a procedure.
fn context_text(p: &Procedure) -> String {
    let mut parts = vec![p.field.clone(), p.competent_body.clone()];
    parts.extend(p.subjects.iter().cloned());
    parts.extend(p.implementing_bodies.iter().cloned());
    parts.join(". ")
}

fn document(fields: &Fields, p: &Procedure) -> TantivyDocument {
    let mut d = TantivyDocument::default();
    d.add_text(fields.ma, &p.ma);
    d.add_text(fields.name_exact, &p.name);
    d.add_text(fields.name_fold, &p.name);
    d.add_text(fields.name_bigram, &p.name);
    d.add_text(fields.context_fold, context_text(p));
    let body = body_text(p);
    d.add_text(fields.body_fold, &body);
    d.add_text(fields.body_bigram, &body);
    d
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProcedureMeta {
    pub schema_version: u32,
    pub procedures: usize,
}

/// Writes the procedure index into `generation/procedures/`. Called by the generation build
/// before the switch, so a failure here leaves the previous generation serving.
pub fn build(generation: &Path, procedures: &[Procedure]) -> Result<ProcedureMeta, ProcedureError> {
    let dir = generation.join(PROCEDURES_DIR);
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| ProcedureError::Io { path, source }
    };
    std::fs::create_dir_all(&dir).map_err(io(&dir))?;
    let index = Index::create_in_dir(&dir, schema())?;
    analysis::register(index.tokenizers());
    let fields = Fields::new(&index.schema())?;
    let mut writer: tantivy::IndexWriter = index.writer_with_num_threads(1, WRITER_HEAP_BYTES)?;
    let mut table = String::new();
    for p in procedures {
        writer.add_document(document(&fields, p))?;
        table.push_str(
            &serde_json::to_string(p).map_err(|e| ProcedureError::Corrupt {
                path: dir.clone(),
                reason: e.to_string(),
            })?,
        );
        table.push('\n');
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    let meta = ProcedureMeta {
        schema_version: PROCEDURE_SCHEMA_VERSION,
        procedures: procedures.len(),
    };
    let table_path = dir.join(TABLE_FILE);
    write_synced(&table_path, table.as_bytes())?;
    let meta_path = dir.join(META_FILE);
    write_synced(
        &meta_path,
        &serde_json::to_vec_pretty(&meta).unwrap_or_default(),
    )?;
    Ok(meta)
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), ProcedureError> {
    use std::io::Write;
    let io = |source| ProcedureError::Io {
        path: path.to_owned(),
        source,
    };
    let mut f = std::fs::File::create(path).map_err(io)?;
    f.write_all(bytes).map_err(io)?;
    f.sync_all().map_err(io)
}

/// An open procedure index with its table.
pub struct ProcedureIndex {
    pub(crate) reader: IndexReader,
    pub(crate) fields: Fields,
    table: Vec<Arc<Procedure>>,
    by_ma: HashMap<String, usize>,
    by_document: HashMap<String, Vec<usize>>,
    /// Positions of procedures sharing a name but for the level it names, by position (only
    /// those with such twins).
    twins: HashMap<usize, Vec<usize>>,
    /// Per segment of the reader's searcher, each document's position in `table`, by doc id
    /// (`u32::MAX` where the stored code is not in the table). Read once at open: fetching the
    /// stored code of each of a 500-hit window decompressed a doc-store block per hit, which
    /// was most of a procedure search's time.
    positions: Vec<Vec<u32>>,
    /// What the rerank reads of the names.
    names: Names,
}

impl ProcedureIndex {
    /// Opens the procedures of a generation; a generation built without procedures opens as an
    /// empty index.
    pub fn open(generation: &Path) -> Result<ProcedureIndex, ProcedureError> {
        let dir = generation.join(PROCEDURES_DIR);
        if !dir.exists() {
            return ProcedureIndex::in_memory(&[]);
        }
        let meta_path = dir.join(META_FILE);
        let meta_bytes = std::fs::read(&meta_path).map_err(|source| ProcedureError::Io {
            path: meta_path.clone(),
            source,
        })?;
        let meta: ProcedureMeta =
            serde_json::from_slice(&meta_bytes).map_err(|e| ProcedureError::Corrupt {
                path: meta_path.clone(),
                reason: e.to_string(),
            })?;
        if meta.schema_version != PROCEDURE_SCHEMA_VERSION {
            return Err(ProcedureError::SchemaMismatch {
                dir,
                found: meta.schema_version,
                expected: PROCEDURE_SCHEMA_VERSION,
            });
        }
        let index = Index::open_in_dir(&dir)?;
        let table_path = dir.join(TABLE_FILE);
        let text = std::fs::read_to_string(&table_path).map_err(|source| ProcedureError::Io {
            path: table_path.clone(),
            source,
        })?;
        let mut table = Vec::with_capacity(meta.procedures);
        for (i, line) in text.lines().enumerate() {
            let p: Procedure = serde_json::from_str(line).map_err(|e| ProcedureError::Corrupt {
                path: table_path.clone(),
                reason: format!("line {}: {e}", i + 1),
            })?;
            table.push(Arc::new(p));
        }
        ProcedureIndex::from_parts(index, table)
    }

    /// An index held in memory: for tests, and the empty index of a generation without
    /// procedures.
    pub fn in_memory(procedures: &[Procedure]) -> Result<ProcedureIndex, ProcedureError> {
        let index = Index::create_in_ram(schema());
        analysis::register(index.tokenizers());
        let fields = Fields::new(&index.schema())?;
        let mut writer: tantivy::IndexWriter =
            index.writer_with_num_threads(1, WRITER_HEAP_BYTES)?;
        for p in procedures {
            writer.add_document(document(&fields, p))?;
        }
        writer.commit()?;
        let table = procedures.iter().cloned().map(Arc::new).collect();
        ProcedureIndex::from_parts(index, table)
    }

    fn from_parts(
        index: Index,
        table: Vec<Arc<Procedure>>,
    ) -> Result<ProcedureIndex, ProcedureError> {
        analysis::register(index.tokenizers());
        let fields = Fields::new(&index.schema())?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let by_ma = table
            .iter()
            .enumerate()
            .map(|(i, p)| (p.ma.clone(), i))
            .collect();
        let mut by_document: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, p) in table.iter().enumerate() {
            for basis in p.legal_basis.parsed.iter().flatten().filter(|b| b.parsed) {
                by_document.entry(basis.number.clone()).or_default().push(i);
            }
        }
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, p) in table.iter().enumerate() {
            by_name
                .entry(name_without_level(&p.name))
                .or_default()
                .push(i);
        }
        let mut twins = HashMap::new();
        for group in by_name.into_values().filter(|g| g.len() > 1) {
            for &i in &group {
                twins.insert(i, group.iter().copied().filter(|&j| j != i).collect());
            }
        }
        let positions = positions(&reader, fields, &by_ma)?;
        let names = Names::new(&table);
        Ok(ProcedureIndex {
            reader,
            fields,
            table,
            by_ma,
            by_document,
            twins,
            positions,
            names,
        })
    }

    pub fn len(&self) -> usize {
        self.table.len()
    }

    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }

    pub fn all(&self) -> &[Arc<Procedure>] {
        &self.table
    }

    pub fn get(&self, ma: &str) -> Option<&Arc<Procedure>> {
        self.by_ma.get(ma.trim()).map(|&i| &self.table[i])
    }

    /// Procedures whose legal basis cites the document with this key (canonical số hiệu), by
    /// name.
    pub fn resting_on(&self, doc_key: &str) -> Vec<Arc<Procedure>> {
        let mut out: Vec<Arc<Procedure>> = self
            .by_document
            .get(doc_key)
            .into_iter()
            .flatten()
            .map(|&i| self.table[i].clone())
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }

    /// The same procedure done at other levels: the procedures whose name is this one's but
    /// for a level it names ("Cấp lại thẻ căn cước (thực hiện tại cấp tỉnh)", "… (thực hiện
    /// tại cấp trung ương)", "Cấp lại thẻ căn cước"), in table order. A question seldom says
    /// which level it means, so the page of one shows the others.
    pub fn at_other_levels(&self, ma: &str) -> Vec<Arc<Procedure>> {
        let Some(&i) = self.by_ma.get(ma.trim()) else {
            return Vec::new();
        };
        self.twins
            .get(&i)
            .into_iter()
            .flatten()
            .map(|&j| self.table[j].clone())
            .collect()
    }

    pub(crate) fn names(&self) -> &Names {
        &self.names
    }

    /// The table position of a document of the reader's searcher.
    pub(crate) fn position_of(&self, addr: tantivy::DocAddress) -> Option<usize> {
        let p = *self
            .positions
            .get(addr.segment_ord as usize)?
            .get(addr.doc_id as usize)?;
        (p != u32::MAX).then_some(p as usize)
    }
}

/// Levels a name can end with, folded: "(cấp Bộ)", "(thực hiện tại cấp tỉnh)".
const LEVELS: [&str; 5] = ["bo", "tinh", "huyen", "xa", "trung uong"];

/// A name's folded syllables without a leading "Thủ tục" and a closing level in brackets: the
/// key that groups a procedure's versions at each level.
fn name_without_level(name: &str) -> String {
    let mut folded: Vec<String> = analysis::syllables(name)
        .into_iter()
        .map(|s| s.folded)
        .collect();
    let trimmed = name.trim_end().trim_end_matches('.');
    if let Some(open) = trimmed.strip_suffix(')').and_then(|t| t.rfind('(')) {
        let inside: Vec<String> = analysis::syllables(&trimmed[open..])
            .into_iter()
            .map(|s| s.folded)
            .collect();
        let words: Vec<&str> = inside.iter().map(String::as_str).collect();
        let level = match words.as_slice() {
            ["thuc", "hien", "tai", "cap", rest @ ..] | ["cap", rest @ ..] => rest.join(" "),
            _ => String::new(),
        };
        if LEVELS.contains(&level.as_str()) {
            folded.truncate(folded.len() - inside.len());
        }
    }
    if folded.len() > 2 && folded[0] == "thu" && folded[1] == "tuc" {
        folded.drain(..2);
    }
    folded.join(" ")
}

/// Each document's table position, per segment by doc id (see [`ProcedureIndex::positions`]).
/// The reader never reloads, so its segments are the ones searched for the index's lifetime.
fn positions(
    reader: &IndexReader,
    fields: Fields,
    by_ma: &HashMap<String, usize>,
) -> Result<Vec<Vec<u32>>, ProcedureError> {
    let searcher = reader.searcher();
    let mut out = Vec::with_capacity(searcher.segment_readers().len());
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        let mut by_doc = vec![u32::MAX; segment.max_doc() as usize];
        for doc_id in segment.doc_ids_alive() {
            let doc: TantivyDocument =
                searcher.doc(tantivy::DocAddress::new(ord as u32, doc_id))?;
            let ma = doc.get_first(fields.ma).and_then(|v| v.as_str());
            if let Some(&p) = ma.and_then(|ma| by_ma.get(ma)) {
                by_doc[doc_id as usize] = p as u32;
            }
        }
        out.push(by_doc);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::procedures::model::test_procedure;

    #[test]
    fn a_name_loses_its_level_and_its_thu_tuc() {
        let key = name_without_level("Cấp lại thẻ căn cước (thực hiện tại cấp trung ương)");
        assert_eq!(key, "cap lai the can cuoc");
        assert_eq!(name_without_level("Cấp lại thẻ căn cước"), key);
        assert_eq!(
            name_without_level("Thủ tục cấp lại thẻ căn cước (cấp Tỉnh)."),
            key
        );
        // Brackets that say something else stay.
        assert_eq!(
            name_without_level("Cấp lại chứng chỉ (trong trường hợp bị mất)"),
            "cap lai chung chi trong truong hop bi mat"
        );
        assert_eq!(name_without_level("Đăng ký (cấp)"), "dang ky cap");
    }

    #[test]
    fn a_procedure_lists_its_versions_at_other_levels() {
        let all = [
            test_procedure(
                "1",
                "Cấp lại thẻ căn cước (thực hiện tại cấp trung ương)",
                &["Cấp bộ"],
            ),
            test_procedure("2", "Cấp lại thẻ căn cước", &["Cấp xã"]),
            test_procedure(
                "3",
                "Cấp lại thẻ căn cước (thực hiện tại cấp tỉnh)",
                &["Cấp tỉnh"],
            ),
            test_procedure("4", "Cấp đổi thẻ căn cước", &["Cấp xã"]),
        ];
        let index = ProcedureIndex::in_memory(&all).unwrap();
        let mas = |ma: &str| -> Vec<String> {
            index
                .at_other_levels(ma)
                .iter()
                .map(|p| p.ma.clone())
                .collect()
        };
        assert_eq!(mas("1"), ["2", "3"]);
        assert_eq!(mas("3"), ["1", "2"]);
        assert!(mas("4").is_empty());
        assert!(mas("không có").is_empty());
    }
}
