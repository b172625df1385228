//! Engine latency by query class on the full code of law, against a naive baseline run in the
//! same process.
//!
//! Corpus: `../shared/data/phapdien` (75,818 articles), indexed afresh into a temporary directory
//! by the real `index::build`. Baseline: tantivy's default tokenizer with ASCII folding and an OR
//! query over title and text (`tracuu::baseline`), indexed from the same corpus.
//!
//! Query classes:
//! - `keyword`: 1–3 syllables, the opening words of article titles (every 150th article);
//! - `question`: the 1,190 dev questions (`../shared/data/eval/laws-questions-dev.jsonl`);
//! - `phrase`: a quoted 3-syllable phrase from a title;
//! - `so_hieu`: a document number as people type it (lowercase, ASCII-folded or canonical);
//! - `filtered`: a dev question restricted to one document type.
//!
//! What is timed, one thread, after a warm-up pass:
//! - `engine`: `search::search_ids` for the first page of 10 (query parsing, expansion,
//!   compilation, both ranking stages, the 10 ids read from a fast field), against the
//!   baseline's parse, search and load of its 10 stored ids: the same work, the ratio is theirs;
//! - `page`: `search::search` for the same page as the portal asks for it (also loading the 10
//!   stored articles and computing their highlighted snippets), which the baseline does not do.
//!
//! Run: `cargo bench --bench search`. Figures go to `target/bench/search.json` and stdout.
//! Without `../shared` the bench says so and exits.

use std::path::Path;

use tracuu::baseline::NaiveIndex;
use tracuu::bench::{LatencyStats, latency};
use tracuu::index::{self, LawIndex};
use tracuu::ingest::{self, Corpus, Report};
use tracuu::search::{self, Filters, SearchRequest};

const PHAPDIEN: &str = "../shared/data/phapdien";
const QUESTIONS: &str = "../shared/data/eval/laws-questions-dev.jsonl";
const ROUNDS: usize = 3;

struct Class {
    name: &'static str,
    queries: Vec<String>,
    filters: Filters,
}

fn syllables(s: &str, n: usize) -> String {
    s.split_whitespace().take(n).collect::<Vec<_>>().join(" ")
}

fn classes(corpus: &Corpus) -> Vec<Class> {
    let questions: Vec<String> = tracuu::eval::load_queries(Path::new(QUESTIONS))
        .map(|q| q.into_iter().map(|q| q.query).collect())
        .unwrap_or_default();
    let titles: Vec<&str> = corpus
        .articles()
        .iter()
        .step_by(150)
        .map(|a| a.title.as_str())
        .filter(|t| t.split_whitespace().count() >= 3)
        .collect();
    let keyword = titles
        .iter()
        .enumerate()
        .map(|(i, t)| syllables(t, 1 + i % 3))
        .collect();
    let phrase = titles
        .iter()
        .map(|t| format!("\"{}\"", syllables(t, 3)))
        .collect();
    let so_hieu = corpus
        .documents
        .values()
        .step_by(10)
        .enumerate()
        .map(|(i, d)| match i % 3 {
            0 => d.so_hieu.to_lowercase(),
            1 => tracuu::analysis::fold(&d.so_hieu),
            _ => d.so_hieu.clone(),
        })
        .collect();
    vec![
        Class {
            name: "keyword",
            queries: keyword,
            filters: Filters::default(),
        },
        Class {
            name: "question",
            queries: questions.clone(),
            filters: Filters::default(),
        },
        Class {
            name: "phrase",
            queries: phrase,
            filters: Filters::default(),
        },
        Class {
            name: "so_hieu",
            queries: so_hieu,
            filters: Filters::default(),
        },
        Class {
            name: "filtered",
            queries: questions.into_iter().step_by(4).collect(),
            filters: Filters {
                doc_types: vec!["Thông tư".to_owned()],
                ..Filters::default()
            },
        },
    ]
}

fn main() {
    if !Path::new(PHAPDIEN).exists() {
        println!("{PHAPDIEN} not found: this bench needs the full code of law; skipped");
        return;
    }
    let mut corpus = Corpus::new();
    let mut report = Report::default();
    ingest::load_phapdien(Path::new(PHAPDIEN), &mut corpus, &mut report).expect("corpus loads");
    let dir = tempfile::tempdir().expect("temp dir");
    let ours_dir = dir.path().join("tracuu");
    let naive_dir = dir.path().join("naive");
    std::fs::create_dir_all(&naive_dir).expect("naive dir");
    let t = std::time::Instant::now();
    index::build(&ours_dir, &corpus, vec![PHAPDIEN.into()], &()).expect("index builds");
    let build_s = t.elapsed().as_secs_f64();
    let index = LawIndex::open(&ours_dir).expect("index opens");
    let naive = NaiveIndex::build(&corpus, &naive_dir).expect("naive index builds");

    let mut rows = Vec::new();
    println!(
        "{} articles, index build {build_s:.1} s",
        corpus.articles().len()
    );
    println!(
        "{:<10} {:>5}  {:>28}  {:>28}  {:>7} {:>7}  {:>28}",
        "class",
        "n",
        "engine p50/p95/p99 ms",
        "naive p50/p95/p99 ms",
        "x p50",
        "x p99",
        "page p50/p95/p99 ms"
    );
    for class in classes(&corpus) {
        // Reading the question (syllables, words, số hiệu) is timed with the search, as the
        // naive baseline's query parsing is timed with its search.
        let request = |q: &String| {
            SearchRequest::new(q)
                .ok()
                .and_then(|r| r.with_filters(class.filters.clone()).ok())
        };
        let ours = latency(&class.queries, ROUNDS, |q| {
            if let Some(r) = request(q) {
                let _ = search::search_ids(&index, &r, r.page_size());
            }
        });
        let page = latency(&class.queries, ROUNDS, |q| {
            if let Some(r) = request(q) {
                let _ = search::search(&index, &r);
            }
        });
        let naive_stats = latency(&class.queries, ROUNDS, |q| {
            let _ = naive.search_ids(q, 10);
        });
        let show = |s: &LatencyStats| {
            format!(
                "{:.3} / {:.3} / {:.3}",
                s.p50_us / 1e3,
                s.p95_us / 1e3,
                s.p99_us / 1e3
            )
        };
        println!(
            "{:<10} {:>5}  {:>28}  {:>28}  {:>7.1} {:>7.1}  {:>28}",
            class.name,
            class.queries.len(),
            show(&ours),
            show(&naive_stats),
            naive_stats.p50_us / ours.p50_us,
            naive_stats.p99_us / ours.p99_us,
            show(&page),
        );
        rows.push(serde_json::json!({
            "class": class.name,
            "queries": class.queries.len(),
            "tracuu": ours,
            "naive": naive_stats,
            "tracuu_page": page,
            "speedup_p50": naive_stats.p50_us / ours.p50_us,
            "speedup_p99": naive_stats.p99_us / ours.p99_us,
        }));
    }
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench");
    std::fs::create_dir_all(&out).expect("target/bench");
    let json = serde_json::json!({
        "corpus_articles": corpus.articles().len(),
        "index_build_s": build_s,
        "rounds": ROUNDS,
        "classes": rows,
    });
    let path = out.join("search.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&json).expect("json")).expect("write figures");
    println!("figures written to {}", path.display());
}
