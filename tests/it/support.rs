//! Shared fixtures: the starter index built once per test run from the committed `content/`.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use tracuu::index::{self, LawIndex};
use tracuu::ingest::{self, Corpus, Report};
use tracuu::procedures::{self, Procedure};

pub fn content_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("content")
}

pub fn load_content() -> Corpus {
    let mut corpus = Corpus::new();
    let mut report = Report::default();
    ingest::load_content(&content_dir(), &mut corpus, &mut report).expect("content/ loads");
    assert!(
        report.rejected.is_empty(),
        "content/ has rejected records: {:?}",
        report.rejected
    );
    corpus
}

/// The curated procedures of `content/procedures/`, parsed.
pub fn content_procedures() -> Vec<Procedure> {
    let mut out = Vec::new();
    let rejected = procedures::load_dir(&content_dir().join("procedures"), &mut out)
        .expect("content/procedures loads");
    assert!(rejected.is_empty(), "rejected: {rejected:?}");
    out
}

/// Builds a generation of `corpus` with `procedures` under `root`, as `tracuu index` does.
pub fn build_with_procedures(root: &Path, corpus: &Corpus, procedures: &[Procedure]) {
    let part = |generation: &Path| {
        procedures::build(generation, procedures)
            .map(|_| ())
            .map_err(|e| index::IndexError::Part {
                part: "procedures",
                source: Box::new(e),
            })
    };
    index::build_with(root, corpus, vec!["content".into()], &(), &part).expect("index builds");
}

/// The starter index (content/ with its procedures), built once into a temporary directory
/// that lives as long as the process.
fn starter() -> &'static (tempfile::TempDir, LawIndex) {
    static INDEX: OnceLock<(tempfile::TempDir, LawIndex)> = OnceLock::new();
    INDEX.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        build_with_procedures(dir.path(), &load_content(), &content_procedures());
        let idx = LawIndex::open(dir.path()).expect("index opens");
        (dir, idx)
    })
}

pub fn content_index() -> &'static LawIndex {
    &starter().1
}

/// The root directory of the starter index (never rebuilt: open it, do not build into it).
pub fn content_index_dir() -> &'static Path {
    starter().0.path()
}
