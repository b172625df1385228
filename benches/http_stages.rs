//! Where a search page's time goes: the 1,190 dev questions
//! (`../shared/data/eval/laws-questions-dev.jsonl`) on the full code of law, timed stage by
//! stage in one process on one thread, each stage against the first (ranking alone) run in the
//! same process.
//!
//! Stages, each doing what the one before does and more:
//! - `rank`: `search::search` with facets and snippets off (read the question, compile, rank,
//!   load the page's 10 stored articles);
//! - `snippets`: plus highlighted snippets;
//! - `facets`: plus facet counts over the result window: the request the search page makes;
//! - `procedures`: plus the procedures the page shows beside the law (its 3 best and their
//!   count): the page's whole engine time, as its handler reports it (`engine_ms`);
//! - `page`: `GET /tim-kiem?q=` through the real router in process (`oneshot`), with the page
//!   cache off: the handler on the blocking pool, the view model, the HTML, the middleware; no
//!   compression;
//! - `page_gzip`: the same with `Accept-Encoding: gzip`, the compressed body read to its end.
//!
//! What HTTP adds on top (sockets, hyper, the client) is measured by `benches/http.sh`, which
//! loads `tracuu serve` at a fixed rate and runs this bench after it.
//!
//! Corpus: the index in `TRACUU_BENCH_INDEX` (benches/http.sh passes the one it built), or else
//! a fresh one built from `../shared/data/phapdien` into a temporary directory.
//! Run: `cargo bench --profile dev --bench http_stages`; `TRACUU_BENCH_QUESTIONS=N` takes the
//! first N questions only. Figures go to
//! `target/bench/http-stages.json` and stdout. Without `../shared` the bench says so and exits.

use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use tower::ServiceExt;

use tracuu::bench::{LatencyStats, latency};
use tracuu::config::ServerConfig;
use tracuu::index;
use tracuu::ingest::{self, Corpus, Report};
use tracuu::procedures::{self, ProcedureQuery};
use tracuu::search::{self, SearchRequest};
use tracuu::web::{self, AppState, SearchParams};

const PHAPDIEN: &str = "../shared/data/phapdien";
const QUESTIONS: &str = "../shared/data/eval/laws-questions-dev.jsonl";
const ROUNDS: usize = 2;

/// The dev questions; the first `TRACUU_BENCH_QUESTIONS` of them when that is set (to count
/// instructions under callgrind on a sample).
fn questions() -> Vec<String> {
    let limit = std::env::var("TRACUU_BENCH_QUESTIONS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(usize::MAX);
    std::fs::read_to_string(QUESTIONS)
        .expect("dev questions")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(limit)
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("a JSON line");
            v["query"].as_str().expect("a query").to_owned()
        })
        .collect()
}

/// The index to measure, and the temporary directory that holds it when it was built here.
fn index_root() -> (PathBuf, Option<tempfile::TempDir>) {
    if let Some(dir) = std::env::var_os("TRACUU_BENCH_INDEX") {
        return (PathBuf::from(dir), None);
    }
    let mut corpus = Corpus::new();
    let mut report = Report::default();
    ingest::load_phapdien(Path::new(PHAPDIEN), &mut corpus, &mut report).expect("corpus loads");
    let dir = tempfile::tempdir().expect("temp dir");
    index::build(dir.path(), &corpus, vec![PHAPDIEN.into()], &()).expect("index builds");
    (dir.path().to_owned(), Some(dir))
}

fn main() {
    if !Path::new(PHAPDIEN).exists() {
        println!("{PHAPDIEN} not found: this bench needs the full code of law; skipped");
        return;
    }
    let (root, _keep) = index_root();
    // Every page searched: the page cache would answer the second round.
    let config = ServerConfig {
        page_cache_mb: 0,
        ..ServerConfig::default()
    };
    let state = AppState::open(&root, &config).expect("index opens");
    let site = state.site();
    let lexicon = state.lexicon();
    let questions = questions();
    let uris: Vec<String> = questions
        .iter()
        .map(|q| {
            let q: String = form_urlencoded::byte_serialize(q.as_bytes()).collect();
            format!("/tim-kiem?q={q}")
        })
        .collect();
    // The page's own parameters for each question; each stage reads the question from them, as
    // the handler does inside its engine time.
    let params: Vec<SearchParams> = uris
        .iter()
        .map(|u| SearchParams::parse(&u["/tim-kiem?".len()..]).expect("valid parameters"))
        .collect();
    let request = |p: &SearchParams, facets: bool, snippets: bool| -> SearchRequest {
        let mut r = p.request().expect("a valid question");
        r.facets = facets;
        r.snippets = snippets;
        r
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let router = web::router(state.clone());
    let fetch = |uri: &str, gzip: bool| {
        let mut request = Request::get(uri);
        if gzip {
            request = request.header(header::ACCEPT_ENCODING, "gzip");
        }
        let response = runtime
            .block_on(router.clone().oneshot(request.body(Body::empty()).unwrap()))
            .expect("infallible");
        assert_eq!(response.status(), StatusCode::OK, "{uri}");
        let body = runtime
            .block_on(axum::body::to_bytes(response.into_body(), usize::MAX))
            .expect("body");
        body.len()
    };

    let engine = |facets: bool, snippets: bool| -> LatencyStats {
        latency(&params, ROUNDS, |p| {
            search::search(&site.index, &request(p, facets, snippets)).expect("search");
        })
    };
    let mut stages: Vec<(&str, LatencyStats)> = vec![
        ("rank", engine(false, false)),
        ("snippets", engine(false, true)),
        ("facets", engine(true, true)),
        (
            "procedures",
            latency(&params, ROUNDS, |p| {
                let r = request(p, true, true);
                search::search(&site.index, &r).expect("search");
                // As the page asks (`web::pages::search`): its 3 best and their number.
                let block = ProcedureQuery::new(r.raw())
                    .and_then(|q| q.paginate(1, 3))
                    .expect("a valid question");
                procedures::best(&site.procedures, &lexicon, &block).expect("procedures");
            }),
        ),
    ];
    stages.push((
        "page",
        latency(&uris, ROUNDS, |u| {
            fetch(u, false);
        }),
    ));
    stages.push((
        "page_gzip",
        latency(&uris, ROUNDS, |u| {
            fetch(u, true);
        }),
    ));
    let plain: usize = uris.iter().map(|u| fetch(u, false)).sum();
    let gzipped: usize = uris.iter().map(|u| fetch(u, true)).sum();

    let base = stages[0].1.p50_us;
    println!(
        "{} questions, {} articles, one thread, {ROUNDS} rounds",
        questions.len(),
        site.index.meta.articles
    );
    println!(
        "{:<10} {:>28}  {:>9}  {:>14}",
        "stage", "p50/p95/p99 ms", "x rank p50", "added p50 ms"
    );
    let mut rows = Vec::new();
    let mut previous = 0.0;
    for (name, s) in &stages {
        println!(
            "{name:<10} {:>8.3} {:>8.3} {:>9.3}  {:>9.2}  {:>14.3}",
            s.p50_us / 1000.0,
            s.p95_us / 1000.0,
            s.p99_us / 1000.0,
            s.p50_us / base,
            (s.p50_us - previous) / 1000.0
        );
        rows.push(serde_json::json!({
            "stage": name,
            "latency": s,
            "p50_over_rank_p50": s.p50_us / base,
            "added_p50_ms": (s.p50_us - previous) / 1000.0,
        }));
        previous = s.p50_us;
    }
    println!(
        "mean page {:.1} KB, {:.1} KB gzipped",
        plain as f64 / uris.len() as f64 / 1024.0,
        gzipped as f64 / uris.len() as f64 / 1024.0
    );
    let out = serde_json::json!({
        "what": "GET /tim-kiem?q=<dev question>, stage by stage, one process, one thread",
        "questions": questions.len(),
        "articles": site.index.meta.articles,
        "rounds": ROUNDS,
        "stages": rows,
        "mean_page_bytes": plain / uris.len(),
        "mean_page_gzip_bytes": gzipped / uris.len(),
    });
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench");
    let dir = std::env::var_os("CARGO_TARGET_DIR").map_or(dir, |t| PathBuf::from(t).join("bench"));
    std::fs::create_dir_all(&dir).expect("target/bench");
    let path = dir.join("http-stages.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&out).unwrap()).expect("writing figures");
    println!("figures: {}", path.display());
}
