//! A full crawl of the 2026-01 site from a local mirror on loopback, plus indexing, against a
//! re-crawl of the same site with nothing changed, in the same process.
//!
//! Corpus: `../shared/data/phapdien/site-2026-01.tar.gz` (index page + 301 đề mục pages, 62,323
//! articles), served by `tracuu::web::mirror_router` (ETag, Last-Modified, 304) on 127.0.0.1.
//! Crawler: the real `crawl::run` with the default policy except the minimum delay between
//! requests (0: the 1 s default is for the live site) and 2 requests in flight.
//!
//! What is timed: (1) the full crawl into an empty store (fetch, extract, normalise, write);
//! (2) `index::build` from the store; (3) a second crawl with nothing changed (every page a 304).
//! The baseline is (1): the figure of interest is (3) ÷ (1).
//!
//! Run: `cargo bench --profile dev --bench crawl`. Figures go to `target/bench/crawl.json` and
//! stdout. Without `../shared` the bench says so and exits.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tracuu::crawl::{self, CrawlOptions, FetchPolicy, SiteArchive};
use tracuu::index;
use tracuu::ingest::{self, Corpus, Report};
use tracuu::model::Date;
use tracuu::web::{MirrorSite, mirror_router};

const SITE: &str = "../shared/data/phapdien/site-2026-01.tar.gz";

fn main() {
    let site = Path::new(env!("CARGO_MANIFEST_DIR")).join(SITE);
    if !site.exists() {
        eprintln!("{} not found: nothing to measure", site.display());
        return;
    }
    let archive = SiteArchive::open(&site).expect("site archive");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("store");
    let root = dir.path().join("index");
    let figures = rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let mirror = Arc::new(arc_swap::ArcSwap::from_pointee(MirrorSite::new(archive)));
        tokio::spawn(async move {
            let _ = axum::serve(listener, mirror_router(mirror)).await;
        });
        let mut policy = FetchPolicy::new("https://tracuu.example.vn/lien-he");
        policy.min_delay = Duration::ZERO;
        let opts = CrawlOptions {
            store_dir: store.clone(),
            index_url: format!("http://{addr}/phapdien/BoPhapDien.html"),
            seeds: crawl::parse_seeds(crawl::DEFAULT_SEEDS_TSV),
            policy,
            today: Date::today(),
        };
        let t = Instant::now();
        let full = crawl::run(&opts, &()).await.expect("full crawl");
        let full_s = t.elapsed().as_secs_f64();
        assert!(full.failed.is_empty(), "{:?}", full.failed);

        let t = Instant::now();
        let mut corpus = Corpus::new();
        let mut report = Report::default();
        ingest::load_content(&store, &mut corpus, &mut report).expect("store loads");
        let meta = index::build(&root, &corpus, vec!["crawl".into()], &()).expect("index");
        let index_s = t.elapsed().as_secs_f64();
        crawl::mark_indexed(&store).expect("mark");

        let t = Instant::now();
        let again = crawl::run(&opts, &()).await.expect("re-crawl");
        let again_s = t.elapsed().as_secs_f64();
        assert!(!again.changed() && !again.index_pending, "{again:?}");
        serde_json::json!({
            "pages": full.pages,
            "articles_stored": full.articles_total,
            "articles_rejected_by_ingest": report.rejected.len(),
            "articles_indexed": meta.articles,
            "full_crawl_s": full_s,
            "index_build_s": index_s,
            "full_crawl_plus_index_s": full_s + index_s,
            "recrawl_unchanged_s": again_s,
            "recrawl_not_modified_pages": again.not_modified,
            "recrawl_fetched_pages": again.fetched,
            "recrawl_over_full_crawl": again_s / full_s,
        })
    });
    println!(
        "{}",
        serde_json::to_string_pretty(&figures).unwrap_or_default()
    );
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench");
    let _ = std::fs::create_dir_all(&out);
    let _ = std::fs::write(
        out.join("crawl.json"),
        serde_json::to_vec_pretty(&figures).unwrap_or_default(),
    );
}
