//! Administrative procedures (thủ tục hành chính): what to bring, where to go, how long it
//! takes, what it costs, and the law it rests on.
//!
//! ```text
//! procedures-*.jsonl.gz (national portal) ─ source::read ─► SourceRecord
//!        ─ parse::procedure ─► Procedure (structure + published text) ─ index::build ─►
//!        gen-<ms>/procedures/ ─ ProcedureIndex::open ─► search / suggest / resting_on
//! ```
//!
//! Parsing is pure and never invents a value: a field that does not parse keeps only its
//! published text, and [`ParseReport`] counts what did. The colloquial [`Lexicon`] is data,
//! read at query time. The procedure index lives inside the law index's generation directory,
//! so the generation switch publishes both at once.

mod index;
mod lexicon;
mod model;
mod parse;
mod rerank;
mod search;
mod source;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub use index::{PROCEDURE_SCHEMA_VERSION, ProcedureIndex, ProcedureMeta, body_text, build};
pub use lexicon::{Lexicon, LiveLexicon, RELOAD_CHECK};

/// The lexicon text compiled into the binary (the copy in `content/procedures/lexicon.toml`).
pub fn lexicon_builtin_text() -> &'static str {
    lexicon::BUILTIN
}
pub use model::{
    Channel, ChannelKind, DossierGroup, DossierItem, Fee, LegalBasis, Procedure, Section, Step,
};
pub use rerank::{FEATURE_NAMES, Features};
pub use search::{
    BestProcedures, CandidateFeatures, DEFAULT_PAGE_SIZE, MAX_FILTER_VALUES, MAX_PAGE,
    MAX_PAGE_SIZE, MAX_QUERY_CHARS, MAX_RESULT_WINDOW, MAX_SUGGESTIONS, ProcedureFacets,
    ProcedureFilters, ProcedureHit, ProcedureQuery, ProcedureResults, RequestError, best,
    candidate_features, ranked_ids, search, suggest,
};
pub use source::Rejection;

#[derive(Debug, thiserror::Error)]
pub enum ProcedureError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {reason}")]
    Corrupt { path: PathBuf, reason: String },
    #[error(
        "the procedures in {dir} were built with schema version {found}, this program reads version {expected}: rebuild with `tracuu index`"
    )]
    SchemaMismatch {
        dir: PathBuf,
        found: u32,
        expected: u32,
    },
    #[error("lexicon {origin}: {reason}")]
    Lexicon { origin: String, reason: String },
    #[error("tantivy: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error(transparent)]
    Request(#[from] RequestError),
}

/// Reads and parses every source file of `dir` (`procedures*.jsonl[.gz]`), adding to `out` by
/// mã thủ tục (a later record replaces an earlier one with the same code). Returns the lines
/// that could not be read.
pub fn load_dir(dir: &Path, out: &mut Vec<Procedure>) -> Result<Vec<Rejection>, ProcedureError> {
    let files = source::files(dir)?;
    if files.is_empty() {
        return Err(ProcedureError::Io {
            path: dir.to_owned(),
            source: std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "no procedures*.jsonl or procedures*.jsonl.gz file",
            ),
        });
    }
    let mut rejected = Vec::new();
    let mut at: HashMap<String, usize> = out
        .iter()
        .enumerate()
        .map(|(i, p)| (p.ma.clone(), i))
        .collect();
    for file in files {
        for record in source::read(&file, &mut rejected)? {
            let p = parse::procedure(&record);
            match at.get(&p.ma) {
                Some(&i) => out[i] = p,
                None => {
                    at.insert(p.ma.clone(), out.len());
                    out.push(p);
                }
            }
        }
    }
    Ok(rejected)
}

/// How a cited số hiệu fared against the documents in the law index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// One document: linked.
    Found,
    /// Several documents match the number (a partial match): not linked to one.
    Ambiguous,
    /// Not linked, but the index has a document of the same type with the same number and
    /// year under another issuer: a citation the source may have mistyped, or a spelling the
    /// resolver does not accept.
    SameNumberElsewhere,
    NotFound,
}

/// What the parser made of a set of procedures.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct ParseReport {
    pub procedures: usize,
    pub with_steps: usize,
    pub with_dossier: usize,
    pub dossier_items: usize,
    pub with_channels: usize,
    /// At least one channel, and every channel with a deadline that has a unit and a stated
    /// fee (free or an amount).
    pub with_channels_fee_and_deadline: usize,
    pub with_results: usize,
    pub with_legal_basis: usize,
    /// Distinct (procedure, số hiệu) citations, and how many of them parse as a số hiệu.
    pub citations: usize,
    pub citations_parsed: usize,
    pub citations_linked: usize,
    pub citations_ambiguous: usize,
    /// Citations not linked although the index has a document of the same type, number and
    /// year.
    pub citations_same_number_elsewhere: usize,
    /// Procedures with at least one legal-basis document linked.
    pub with_linked_basis: usize,
    /// Distinct cited documents, and how many are linked.
    pub cited_documents: usize,
    pub cited_documents_linked: usize,
    /// Codes of procedures whose steps, dossier, channels did not parse (first 20 each).
    pub unparsed_steps: Vec<String>,
    pub unparsed_dossier: Vec<String>,
    pub unparsed_channels: Vec<String>,
}

/// Counts what parsed; `link` says whether a canonical số hiệu is in the law index.
pub fn report(procedures: &[Procedure], link: impl Fn(&str) -> Link) -> ParseReport {
    const LISTED: usize = 20;
    let mut r = ParseReport {
        procedures: procedures.len(),
        ..ParseReport::default()
    };
    let mut documents: HashMap<&str, Link> = HashMap::new();
    let note = |list: &mut Vec<String>, ma: &str| {
        if list.len() < LISTED {
            list.push(ma.to_owned());
        }
    };
    for p in procedures {
        if p.steps.is_parsed() {
            r.with_steps += 1;
        } else if !p.steps.published.is_empty() {
            note(&mut r.unparsed_steps, &p.ma);
        }
        match &p.dossier.parsed {
            Some(groups) => {
                r.with_dossier += 1;
                r.dossier_items += groups.iter().map(|g| g.items.len()).sum::<usize>();
            }
            None => note(&mut r.unparsed_dossier, &p.ma),
        }
        match &p.channels.parsed {
            Some(channels) => {
                r.with_channels += 1;
                let complete = !channels.is_empty()
                    && channels
                        .iter()
                        .all(|c| c.deadline_has_unit() && c.fee != Fee::NotStated);
                if complete {
                    r.with_channels_fee_and_deadline += 1;
                }
            }
            None => note(&mut r.unparsed_channels, &p.ma),
        }
        if p.results.is_parsed() {
            r.with_results += 1;
        }
        if let Some(basis) = &p.legal_basis.parsed {
            r.with_legal_basis += 1;
            let mut any_linked = false;
            for b in basis {
                r.citations += 1;
                if !b.parsed {
                    continue;
                }
                r.citations_parsed += 1;
                let outcome = *documents
                    .entry(b.number.as_str())
                    .or_insert_with(|| link(&b.number));
                match outcome {
                    Link::Found => {
                        r.citations_linked += 1;
                        any_linked = true;
                    }
                    Link::Ambiguous => r.citations_ambiguous += 1,
                    Link::SameNumberElsewhere => r.citations_same_number_elsewhere += 1,
                    Link::NotFound => {}
                }
            }
            if any_linked {
                r.with_linked_basis += 1;
            }
        }
    }
    r.cited_documents = documents.len();
    r.cited_documents_linked = documents.values().filter(|l| **l == Link::Found).count();
    r
}
