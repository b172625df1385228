//! Index generations: atomic switch, recovery from a killed build, schema version check.

use tracuu::index::{self, IndexError, LawIndex};

use crate::support::load_content;

fn small_corpus(n: usize) -> tracuu::ingest::Corpus {
    let mut corpus = load_content();
    let keep: std::collections::HashSet<String> = corpus
        .articles()
        .iter()
        .take(n)
        .map(|a| a.id.clone())
        .collect();
    corpus.retain_articles(|a| keep.contains(&a.id));
    corpus
}

fn generations(root: &std::path::Path) -> usize {
    std::fs::read_dir(root)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("gen-")
        })
        .count()
}

#[test]
fn missing_index_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = LawIndex::open(dir.path()).err().expect("no index");
    assert!(matches!(err, IndexError::Missing { .. }));
    assert!(err.to_string().contains("tracuu index"));
}

#[test]
fn rebuild_switches_and_keeps_one_previous_generation() {
    let dir = tempfile::tempdir().unwrap();
    index::build(dir.path(), &small_corpus(10), vec![], &()).unwrap();
    let first = LawIndex::open(dir.path()).unwrap();
    assert_eq!(first.reader.searcher().num_docs(), 10);
    std::thread::sleep(std::time::Duration::from_millis(5));
    index::build(dir.path(), &small_corpus(20), vec![], &()).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(5));
    index::build(dir.path(), &small_corpus(30), vec![], &()).unwrap();
    let live = LawIndex::open(dir.path()).unwrap();
    assert_eq!(live.reader.searcher().num_docs(), 30);
    assert_eq!(generations(dir.path()), 2);
    // An index opened before the rebuilds keeps serving from its own files.
    assert_eq!(first.reader.searcher().num_docs(), 10);
}

#[test]
fn a_killed_build_leaves_the_previous_generation_serving() {
    let dir = tempfile::tempdir().unwrap();
    index::build(dir.path(), &small_corpus(10), vec![], &()).unwrap();
    // What a build killed before its switch leaves behind: a newer, half-written generation.
    let partial = dir.path().join("gen-99999999999999");
    std::fs::create_dir(&partial).unwrap();
    std::fs::write(partial.join("meta.json"), b"{\"trunc").unwrap();
    let live = LawIndex::open(dir.path()).unwrap();
    assert_eq!(live.reader.searcher().num_docs(), 10);
    index::build(dir.path(), &small_corpus(12), vec![], &()).unwrap();
    assert!(!partial.exists(), "the next build removes the leftover");
    assert_eq!(
        LawIndex::open(dir.path())
            .unwrap()
            .reader
            .searcher()
            .num_docs(),
        12
    );
}

#[test]
fn another_schema_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    index::build(dir.path(), &small_corpus(5), vec![], &()).unwrap();
    let generation = index::current_generation(dir.path()).unwrap();
    let meta_path = generation.join("tracuu-meta.json");
    let meta = std::fs::read_to_string(&meta_path).unwrap();
    let old = meta.replace(
        &format!("\"schema_version\": {}", index::SCHEMA_VERSION),
        "\"schema_version\": 0",
    );
    assert_ne!(meta, old);
    std::fs::write(&meta_path, old).unwrap();
    let err = LawIndex::open(dir.path()).err().expect("refused");
    assert!(
        matches!(err, IndexError::SchemaMismatch { found: 0, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("rebuild"));
}

#[test]
fn an_update_needs_a_rebuild_when_the_live_generation_cannot_be_derived_from() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = small_corpus(8);
    let outcome = index::update(dir.path(), &corpus, vec![], &()).unwrap();
    assert!(
        matches!(&outcome, index::Update::NeedsRebuild { reason } if reason.contains("no index")),
        "{outcome:?}"
    );
    index::build(dir.path(), &small_corpus(5), vec![], &()).unwrap();
    let generation = index::current_generation(dir.path()).unwrap();
    // A generation built before article hashes were written.
    std::fs::remove_file(generation.join("article-hashes.txt")).unwrap();
    let outcome = index::update(dir.path(), &corpus, vec![], &()).unwrap();
    assert!(
        matches!(&outcome, index::Update::NeedsRebuild { reason } if reason.contains("hashes")),
        "{outcome:?}"
    );
    let meta_path = generation.join("tracuu-meta.json");
    let meta = std::fs::read_to_string(&meta_path).unwrap().replace(
        &format!("\"schema_version\": {}", index::SCHEMA_VERSION),
        "\"schema_version\": 0",
    );
    std::fs::write(&meta_path, meta).unwrap();
    let outcome = index::update(dir.path(), &corpus, vec![], &()).unwrap();
    assert!(
        matches!(&outcome, index::Update::NeedsRebuild { reason } if reason.contains("schema version 0")),
        "{outcome:?}"
    );
    assert_eq!(index::current_generation(dir.path()).unwrap(), generation);
    assert_eq!(generations(dir.path()), 1, "nothing written");
}

#[test]
fn an_update_never_touches_the_live_generation_and_an_index_open_on_it_keeps_serving() {
    let dir = tempfile::tempdir().unwrap();
    index::build(dir.path(), &small_corpus(10), vec![], &()).unwrap();
    let first = LawIndex::open(dir.path()).unwrap();
    let files = |p: &std::path::Path| -> Vec<(String, Vec<u8>)> {
        let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(p)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_file())
            .map(|p| {
                let bytes = std::fs::read(&p).unwrap();
                (p.file_name().unwrap().to_string_lossy().into_owned(), bytes)
            })
            .collect();
        out.sort();
        out
    };
    let before = files(&first.generation);
    // 10 → 20 articles: 10 new.
    let outcome = index::update(dir.path(), &small_corpus(20), vec![], &()).unwrap();
    let index::Update::Updated(report) = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(
        (
            report.added.len(),
            report.changed.len(),
            report.removed.len()
        ),
        (10, 0, 0)
    );
    assert_eq!(
        files(&first.generation),
        before,
        "the live generation's files"
    );
    assert_eq!(first.reader.searcher().num_docs(), 10);
    let live = LawIndex::open(dir.path()).unwrap();
    assert_eq!(live.reader.searcher().num_docs(), 20);
    assert!(matches!(
        index::update(dir.path(), &small_corpus(20), vec![], &()).unwrap(),
        index::Update::Unchanged
    ));
}
