//! A full crawl of the 2026-01 site from a local mirror on loopback, plus indexing, against a
//! re-crawl of the same site with nothing changed, and against a re-crawl after a few đề mục
//! pages changed, with the incremental index update set against a full rebuild of the same
//! store, in the same process.
//!
//! Corpus: `../shared/data/phapdien/site-2026-01.tar.gz` (index page + 301 đề mục pages, 62,323
//! articles), served by `tracuu::web::mirror_router` (ETag, Last-Modified, 304) on 127.0.0.1;
//! then the three smallest pages of `site-2025-02-fill.tar.gz` overlaid on their 2026-01 stubs.
//! Crawler: the real `crawl::run` with the default policy except the minimum delay between
//! requests (0: the 1 s default is for the live site) and 2 requests in flight.
//!
//! What is timed: (1) the full crawl into an empty store (fetch, extract, normalise, write);
//! (2) `index::build` from the store; (3) a second crawl with nothing changed (every page a 304)
//! and `index::update`, which finds nothing to do; (4) a crawl after the switch of three pages;
//! (5) `index::update` of the live generation from the store (loading the store, hashing, adding,
//! and merging back into one segment, reported apart); (6) `index::build` of the same store, the
//! baseline for (5); then (7) the same pages switched back, their articles deleted from the large
//! segment, `index::update` again. Figures of interest: (3) ÷ (1) and (5) ÷ (6).
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
const FILL: &str = "../shared/data/phapdien/site-2025-02-fill.tar.gz";
/// Fill pages switched in for step (4): the smallest, as a routine re-codification is.
const SWITCHED_PAGES: usize = 3;

fn main() {
    let site = Path::new(env!("CARGO_MANIFEST_DIR")).join(SITE);
    if !site.exists() {
        eprintln!("{} not found: nothing to measure", site.display());
        return;
    }
    let archive = SiteArchive::open(&site).expect("site archive");
    let fill =
        SiteArchive::open(&Path::new(env!("CARGO_MANIFEST_DIR")).join(FILL)).expect("fill archive");
    let mut smallest: Vec<(&String, usize)> = fill
        .files
        .iter()
        .filter(|(name, _)| name.ends_with(".html"))
        .map(|(name, (bytes, _))| (name, bytes.len()))
        .collect();
    smallest.sort_by_key(|(name, len)| (*len, (*name).clone()));
    let original = archive.clone();
    let mut switched = archive.clone();
    let mut switch = SiteArchive::default();
    for (name, _) in smallest.iter().take(SWITCHED_PAGES) {
        switch
            .files
            .insert((*name).clone(), fill.files[*name].clone());
    }
    switched.overlay(switch);
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
        let served = mirror.clone();
        tokio::spawn(async move {
            let _ = axum::serve(listener, mirror_router(served)).await;
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

        let load = || {
            let mut corpus = Corpus::new();
            let mut report = Report::default();
            ingest::load_content(&store, &mut corpus, &mut report).expect("store loads");
            (corpus, report)
        };
        let t = Instant::now();
        let (corpus, report) = load();
        let meta = index::build(&root, &corpus, vec!["crawl".into()], &()).expect("index");
        let index_s = t.elapsed().as_secs_f64();
        crawl::mark_indexed(&store).expect("mark");

        let t = Instant::now();
        let again = crawl::run(&opts, &()).await.expect("re-crawl");
        let again_s = t.elapsed().as_secs_f64();
        assert!(!again.changed() && !again.index_pending, "{again:?}");
        let t = Instant::now();
        let unchanged = index::update(&root, &load().0, vec!["crawl".into()], &()).expect("update");
        let unchanged_update_s = t.elapsed().as_secs_f64();
        assert!(
            matches!(unchanged, index::Update::Unchanged),
            "{unchanged:?}"
        );

        mirror.store(Arc::new(MirrorSite::new(switched)));
        let t = Instant::now();
        let after_switch = crawl::run(&opts, &())
            .await
            .expect("crawl after the switch");
        let switch_crawl_s = t.elapsed().as_secs_f64();
        assert!(after_switch.index_pending && after_switch.failed.is_empty());
        let t = Instant::now();
        let (corpus, _) = load();
        let update = match index::update(&root, &corpus, vec!["crawl".into()], &()) {
            Ok(index::Update::Updated(r)) => r,
            other => panic!("expected an incremental update: {other:?}"),
        };
        let update_s = t.elapsed().as_secs_f64();

        let rebuilt = dir.path().join("rebuilt");
        let t = Instant::now();
        let (corpus, _) = load();
        index::build(&rebuilt, &corpus, vec!["crawl".into()], &()).expect("rebuild");
        let rebuild_s = t.elapsed().as_secs_f64();

        // And back: the same pages removed, deletions in the large segment.
        mirror.store(Arc::new(MirrorSite::new(original)));
        crawl::run(&opts, &())
            .await
            .expect("crawl after switching back");
        let t = Instant::now();
        let back = match index::update(&root, &load().0, vec!["crawl".into()], &()) {
            Ok(index::Update::Updated(r)) => r,
            other => panic!("expected an incremental update: {other:?}"),
        };
        let back_s = t.elapsed().as_secs_f64();

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
            "recrawl_unchanged_index_update_s": unchanged_update_s,
            "switched_pages": SWITCHED_PAGES,
            "switch_crawl_s": switch_crawl_s,
            "switch_crawl_fetched_pages": after_switch.fetched,
            "switch_articles_new": after_switch.articles_new,
            "switch_articles_changed": after_switch.articles_changed,
            "switch_articles_removed": after_switch.articles_removed,
            "incremental_update_s": update_s,
            "incremental_update_added": update.added.len(),
            "incremental_update_changed": update.changed.len(),
            "incremental_update_removed": update.removed.len(),
            "incremental_update_merge_s": update.merge_ms as f64 / 1000.0,
            "switch_back_update_s": back_s,
            "switch_back_removed": back.removed.len(),
            "switch_back_update_merge_s": back.merge_ms as f64 / 1000.0,
            "full_rebuild_same_store_s": rebuild_s,
            "incremental_over_full_rebuild": update_s / rebuild_s,
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
