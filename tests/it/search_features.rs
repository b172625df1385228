//! Search features through the public API: numbers, phrases, exclusions, filters, facets,
//! grouping, sorting, paging, snippets, diacritics, and hostile input.

use proptest::prelude::*;
use tracuu::index::{self, LawIndex};
use tracuu::ingest::Corpus;
use tracuu::model::{Article, Document, Provenance, Status};
use tracuu::search::{self, Filters, SearchRequest, Sort};

use crate::support::{content_index, load_content};

fn run(request: SearchRequest) -> search::SearchResults {
    search::search(content_index(), &request).expect("search runs")
}

fn q(query: &str) -> SearchRequest {
    SearchRequest::new(query).expect("valid query")
}

fn folded_text(h: &search::Hit) -> String {
    tracuu::analysis::fold(&format!("{} {}", h.article.title, h.article.text).to_lowercase())
}

#[test]
fn document_number_variants_find_the_document() {
    for query in [
        "52/2014/QH13",
        "52/2014/qh13",
        "luật 52/2014/QH13",
        "52 / 2014 / QH13",
    ] {
        let r = run(q(query));
        assert_eq!(
            r.number_match.as_ref().map(|d| d.key.as_str()),
            Some("52/2014/QH13"),
            "{query}"
        );
        assert!(!r.hits.is_empty(), "{query}");
        assert!(
            r.hits.iter().all(|h| h.article.doc_key == "52/2014/QH13"),
            "{query}"
        );
    }
}

#[test]
fn partial_number_puts_the_document_first() {
    let r = run(q("luật 52/2014 tài sản chung"));
    assert_eq!(r.hits[0].article.doc_key, "52/2014/QH13");
}

#[test]
fn quoted_phrase_is_required_and_exclusion_forbidden() {
    let r = run(q("\"tài sản chung\" vợ chồng -\"thời kỳ hôn nhân\"")
        .paginate(1, 30)
        .unwrap());
    assert!(!r.hits.is_empty());
    for h in &r.hits {
        let t = folded_text(h);
        assert!(t.contains("tai san chung"), "{}", h.article.label);
        assert!(!t.contains("thoi ky hon nhan"), "{}", h.article.label);
    }
}

/// A quoted phrase finds exactly the articles whose title holds it, or whose text holds it
/// within one clause (text phrases are matched on the positions of their syllable pairs, and
/// pairs stop at punctuation): the engine's answer against a scan of every starter article.
#[test]
fn quoted_phrase_finds_exactly_the_articles_that_hold_it() {
    use std::collections::BTreeSet;
    use tracuu::analysis::{Syllable, syllables};

    fn holds(text: &str, phrase: &[String], within_clause: bool) -> bool {
        syllables(text).windows(phrase.len()).any(|w: &[Syllable]| {
            w.iter().zip(phrase).all(|(s, p)| &s.folded == p)
                && (!within_clause || w.iter().all(|s| s.clause == w[0].clause))
        })
    }
    let corpus = load_content();
    for phrase in [
        "giấy chứng nhận kết hôn",
        "nơi cư trú",
        "người lao động",
        "tạm trú",
    ] {
        let folded: Vec<String> = syllables(phrase).into_iter().map(|s| s.folded).collect();
        let expected: BTreeSet<&str> = corpus
            .articles()
            .iter()
            .filter(|a| holds(&a.title, &folded, false) || holds(&a.text, &folded, true))
            .map(|a| a.id.as_str())
            .collect();
        let found = search::search_ids(content_index(), &q(&format!("\"{phrase}\"")), 100_000)
            .expect("search runs");
        let found: BTreeSet<&str> = found.iter().map(String::as_str).collect();
        assert!(!expected.is_empty(), "{phrase}: not in the starter set");
        assert_eq!(found, expected, "{phrase}");
    }
}

#[test]
fn filters_restrict_results() {
    let filters = Filters {
        doc_types: vec!["Thông tư".into()],
        ..Filters::default()
    };
    let r = run(q("đăng ký kết hôn")
        .with_filters(filters)
        .unwrap()
        .paginate(1, 20)
        .unwrap());
    assert!(!r.hits.is_empty());
    assert!(
        r.hits
            .iter()
            .all(|h| h.document.as_ref().unwrap().doc_type == "Thông tư")
    );
}

#[test]
fn a_filter_restricts_but_never_matches_on_its_own() {
    let luat = || Filters {
        doc_types: vec!["Luật".into()],
        ..Filters::default()
    };
    let unfiltered = run(q("tảo hôn").paginate(1, 100).unwrap());
    let mut request = q("tảo hôn").with_filters(luat()).unwrap();
    request.facets = true;
    let filtered = run(request);
    let window = filtered.window.expect("window");
    assert!(window > 0);
    assert!(
        window <= unfiltered.hits.len(),
        "the filter added {window} results to {}",
        unfiltered.hits.len()
    );
    let nothing = run(q("xyzzyq wubbl").with_filters(luat()).unwrap());
    assert!(nothing.hits.is_empty(), "{}", nothing.hits[0].article.label);
    let excluded_only = run(q("xyzzyq -hôn").with_filters(luat()).unwrap());
    assert!(excluded_only.hits.is_empty());
}

#[test]
fn facets_count_the_window() {
    let mut request = q("kết hôn");
    request.facets = true;
    let r = run(request);
    let facets = r.facets.expect("facets");
    let window = r.window.expect("window");
    assert!(window > 0);
    let type_total: usize = facets.doc_type.iter().map(|f| f.count).sum();
    assert!(type_total <= window && type_total > 0);
    assert!(facets.doc_type.windows(2).all(|w| w[0].count >= w[1].count));
    assert!(
        facets
            .status
            .iter()
            .any(|f| f.value == Status::InForce.slug())
    );
    assert!(
        facets.year.windows(2).all(|w| w[0].value > w[1].value),
        "years newest first"
    );
}

#[test]
fn grouping_by_document() {
    let mut request = q("đăng ký hộ tịch");
    request.group_by_document = true;
    let r = run(request);
    assert!(r.hits.is_empty());
    assert!(!r.groups.is_empty());
    let keys: std::collections::HashSet<&str> =
        r.groups.iter().map(|g| g.doc_key.as_str()).collect();
    assert_eq!(keys.len(), r.groups.len(), "one group per document");
    for g in &r.groups {
        assert!(!g.hits.is_empty() && g.hits.len() <= search::HITS_PER_GROUP);
        assert!(g.hits.iter().all(|h| h.article.doc_key == g.doc_key));
        assert!(g.matched_articles >= g.hits.len());
    }
    assert!(
        r.groups
            .windows(2)
            .all(|w| w[0].best_score >= w[1].best_score)
    );
}

#[test]
fn sort_by_date() {
    let mut request = q("khiếu nại").paginate(1, 20).unwrap();
    request.sort = Sort::Newest;
    let r = run(request);
    let dates: Vec<_> = r
        .hits
        .iter()
        .map(|h| {
            h.document
                .as_ref()
                .and_then(|d| d.issued.or(d.effective_from))
        })
        .collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");
}

#[test]
fn pages_do_not_overlap() {
    let p1 = run(q("người lao động").paginate(1, 10).unwrap());
    let p2 = run(q("người lao động").paginate(2, 10).unwrap());
    assert!(p1.has_more);
    let ids1: Vec<&str> = p1.hits.iter().map(|h| h.article.id.as_str()).collect();
    assert!(
        p2.hits
            .iter()
            .all(|h| !ids1.contains(&h.article.id.as_str()))
    );
}

#[test]
fn snippets_highlight_under_folding() {
    let r = run(q("ket hon"));
    let h = &r.hits[0];
    let highlighted: Vec<&str> = h
        .title
        .iter()
        .chain(h.fragments.iter().flat_map(|f| &f.spans))
        .filter(|s| s.highlight)
        .map(|s| s.text.as_str())
        .collect();
    assert!(
        highlighted
            .iter()
            .any(|s| s.to_lowercase().contains("kết hôn")),
        "{highlighted:?}"
    );
    for f in &h.fragments {
        let text: String = f.spans.iter().map(|s| s.text.as_str()).collect();
        assert!(
            h.article.text.contains(&text),
            "a fragment is a verbatim slice of the text"
        );
    }
}

fn tiny_index(dir: &std::path::Path, texts: &[(&str, &str)]) -> LawIndex {
    let provenance = Provenance {
        source: "test".into(),
        snapshot: "2026-11".into(),
        outdated: false,
        origin: String::new(),
    };
    let mut corpus = Corpus::new();
    corpus.merge_document(Document {
        key: "1/2020/NĐ-CP".into(),
        so_hieu: "1/2020/NĐ-CP".into(),
        doc_type: "Nghị định".into(),
        title: "Thử".into(),
        issuer: None,
        signer: None,
        issued: None,
        effective_from: None,
        status: Status::InForce,
        demuc: vec![],
        source_url: None,
        vbpl_item_id: None,
        provenance: provenance.clone(),
    });
    for (id, text) in texts {
        corpus.upsert_article(Article {
            id: (*id).into(),
            doc_key: "1/2020/NĐ-CP".into(),
            label: format!("Điều {id}"),
            number: None,
            title: String::new(),
            text: (*text).into(),
            chapter: None,
            demuc_code: "1.1".into(),
            demuc_name: "Thử".into(),
            related: vec![],
            citation: None,
            source_url: None,
            provenance: provenance.clone(),
        });
    }
    index::build(dir, &corpus, vec![], &()).unwrap();
    LawIndex::open(dir).unwrap()
}

#[test]
fn exact_diacritics_rank_above_folded_matches() {
    let dir = tempfile::tempdir().unwrap();
    let index = tiny_index(
        dir.path(),
        &[
            ("1", "bạn hàng của doanh nghiệp"),
            ("2", "bán hàng của doanh nghiệp"),
            ("3", "nội dung khác"),
        ],
    );
    let top =
        |query: &str| search::search_ids(&index, &SearchRequest::new(query).unwrap(), 3).unwrap();
    assert_eq!(top("bán hàng")[0], "2");
    assert_eq!(top("bạn hàng")[0], "1");
    let folded = top("ban hang");
    assert_eq!(folded.len(), 2, "without diacritics both match: {folded:?}");
}

#[test]
fn invalid_requests_are_typed_errors() {
    use tracuu::search::RequestError;
    assert_eq!(
        SearchRequest::new("").unwrap_err(),
        RequestError::EmptyQuery
    );
    assert_eq!(
        SearchRequest::new("?!.,").unwrap_err(),
        RequestError::EmptyQuery
    );
    assert!(matches!(
        SearchRequest::new(&"x".repeat(10_000)),
        Err(RequestError::QueryTooLong { .. })
    ));
    assert!(q("a").paginate(1000, 10).is_err());
    let too_many = Filters {
        years: (1990..2030).collect(),
        ..Filters::default()
    };
    assert!(q("a").with_filters(too_many).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    /// No input panics the query path: parse, compile, execute, snippet.
    #[test]
    fn any_query_is_safe(s in "\\PC{0,80}", t in "[\"\\-/ a-zđĐ0-9ạảãàáâăêôơưọ“”]{0,60}") {
        for query in [s.as_str(), t.as_str()] {
            if let Ok(request) = SearchRequest::new(query) {
                let _ = search::search(content_index(), &request).unwrap();
            }
        }
    }
}
