//! The index follows the crawl store by incremental updates: the real 2025-02 fill pages
//! switched to their 2026-01 versions (and back), with the expected changes computed from the
//! pages themselves; an update that fails before its switch, finished by the next crawl; and
//! `tracuu serve`'s crawl schedule against a slow local mirror.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use tower::ServiceExt;
use tracuu::config::ServerConfig;
use tracuu::crawl::{self, SiteArchive};
use tracuu::index::{self, LawIndex, Update, UpdateReport};
use tracuu::ingest::{self, Corpus, Report};
use tracuu::model::Article;
use tracuu::web::{self, AppState, MirrorSite, mirror_router};

use crate::crawl::{
    INDEX_PAGE, archive_linking, fixture, older_version, options, pid, run_with_summary, serve,
};

fn store_corpus(store: &Path) -> Corpus {
    let mut corpus = Corpus::new();
    let mut report = Report::default();
    ingest::load_content(store, &mut corpus, &mut report).unwrap();
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    corpus
}

/// Every article the index holds, by id, read back from its stored payloads.
fn indexed_articles(idx: &LawIndex) -> BTreeMap<String, Article> {
    let searcher = idx.reader.searcher();
    let addrs = searcher
        .search(
            &tantivy::query::AllQuery,
            &tantivy::collector::DocSetCollector,
        )
        .unwrap();
    let mut out = BTreeMap::new();
    for addr in addrs {
        let a = idx.stored_article(&searcher, addr).unwrap();
        assert!(out.insert(a.id.clone(), a).is_none(), "two records, one id");
    }
    out
}

/// What the crawler extracts from each page of a site, by article id: computed from the pages
/// with the pure extraction, never from the store or the index.
fn extracted(site: &SiteArchive, ids: &[String], index_url: &str) -> BTreeMap<String, Article> {
    let today = options(Path::new("."), "127.0.0.1:1".parse().unwrap()).today;
    let mut out = BTreeMap::new();
    for id in ids {
        let Some((bytes, _)) = site.files.get(&format!("phapdien/demuc/{id}.html")) else {
            continue;
        };
        let text = crawl::decode(bytes, "text/html; charset=utf-8");
        let page = crawl::extract_page(&text).unwrap();
        let url = crawl::page_url(index_url, id).unwrap();
        for a in crawl::normalize(&page, &today.to_string(), &url, today).articles {
            out.insert(a.id.clone(), a);
        }
    }
    out
}

/// (added, changed, removed) ids from one extraction to the next.
fn expected_changes(
    old: &BTreeMap<String, Article>,
    new: &BTreeMap<String, Article>,
) -> (Vec<String>, Vec<String>, Vec<String>) {
    let added = new.keys().filter(|k| !old.contains_key(*k)).cloned();
    let changed = new
        .iter()
        .filter(|(k, a)| old.get(*k).is_some_and(|o| o != *a))
        .map(|(k, _)| k.clone());
    let removed = old.keys().filter(|k| !new.contains_key(*k)).cloned();
    (added.collect(), changed.collect(), removed.collect())
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

async fn status_and_body(state: &AppState, uri: &str) -> (StatusCode, String) {
    let response = web::router(state.clone())
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

/// Polls the in-process portal until `uri` answers `status` (the reloader swaps generations).
async fn wait_for(state: &AppState, uri: &str, status: StatusCode) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (got, body) = status_and_body(state, uri).await;
        if got == status {
            return body;
        }
        assert!(
            Instant::now() < deadline,
            "{uri}: still {got}, not {status}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn updated(outcome: Update) -> UpdateReport {
    match outcome {
        Update::Updated(r) => r,
        other => panic!("expected an incremental update, got {other:?}"),
    }
}

/// The index after an update holds exactly what a build from scratch of the same store holds.
fn assert_same_as_scratch_build(root: &Path, corpus: &Corpus) {
    let incremental = LawIndex::open(root).unwrap();
    let scratch_dir = tempfile::tempdir().unwrap();
    index::build(scratch_dir.path(), corpus, vec![], &()).unwrap();
    let scratch = LawIndex::open(scratch_dir.path()).unwrap();
    let (a, b) = (indexed_articles(&incremental), indexed_articles(&scratch));
    assert_eq!(a.len(), b.len());
    assert!(a == b, "the updated index and a fresh build differ");
    assert_eq!(incremental.demuc(), scratch.demuc(), "đề mục counts");
    assert_eq!(incremental.meta.articles, scratch.meta.articles);
    let docs = |i: &LawIndex| {
        let mut d: Vec<_> = i.documents().map(|d| (**d).clone()).collect();
        d.sort_by(|x, y| x.key.cmp(&y.key));
        d
    };
    assert_eq!(docs(&incremental), docs(&scratch), "document tables");
}

fn phapdien_data() -> Option<PathBuf> {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/phapdien");
    if !data.join("site-2025-02-fill.tar.gz").exists()
        || std::env::var_os("TRACUU_SKIP_FULL").is_some()
    {
        eprintln!("skipped: {} not found", data.display());
        return None;
    }
    Some(data)
}

/// Page ids of a `demuc-pages-*.tsv` with their article counts.
fn pages_of(tsv: &Path) -> Vec<(String, usize)> {
    std::fs::read_to_string(tsv)
        .unwrap()
        .lines()
        .skip(1)
        .filter_map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            Some((cols.first()?.to_string(), cols.get(3)?.parse().ok()?))
        })
        .collect()
}

/// A real page with its first article's text edited and its last article left out.
fn real_older_version(html: &str) -> String {
    let edited = html.replacen(
        "<p class='pNoiDung'>",
        "<p class='pNoiDung'>Bản cũ trước khi sửa đổi. ",
        1,
    );
    assert_ne!(edited, html);
    let last = edited.rfind("<p class='pDieu'>").unwrap();
    format!("{}</div>", &edited[..last])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_real_fill_pages_switched_to_2026_01_update_the_index_in_place() {
    let Some(data) = phapdien_data() else { return };
    let fill = SiteArchive::open(&data.join("site-2025-02-fill.tar.gz")).unwrap();
    let current = SiteArchive::open(&data.join("site-2026-01.tar.gz")).unwrap();
    let fill_ids: Vec<String> = pages_of(&data.join("demuc-pages-2025-02-fill.tsv"))
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(fill_ids.len(), 28);
    // Two small real pages that stay: one unchanged, one whose older version differs.
    let mut small: Vec<(String, usize)> = pages_of(&data.join("demuc-pages-2026-01.tsv"))
        .into_iter()
        .filter(|(id, n)| *n >= 5 && !fill_ids.contains(id))
        .collect();
    small.sort_by_key(|(id, n)| (*n, id.clone()));
    let (steady, edited) = (small[0].0.clone(), small[1].0.clone());
    let html_of = |site: &SiteArchive, id: &str| {
        site.files
            .get(&format!("phapdien/demuc/{id}.html"))
            .map(|(b, _)| String::from_utf8(b.clone()).unwrap())
    };
    let all_ids: Vec<String> = fill_ids
        .iter()
        .cloned()
        .chain([steady.clone(), edited.clone()])
        .collect();
    let links: Vec<&str> = all_ids.iter().map(String::as_str).collect();
    // A site: the fill pages from `fill_from`, the steady page, the edited page old or new.
    let site = |fill_from: &SiteArchive, edited_old: bool| {
        let mut pages: Vec<(String, String)> = fill_ids
            .iter()
            .filter_map(|id| Some((id.clone(), html_of(fill_from, id)?)))
            .collect();
        pages.push((steady.clone(), html_of(&current, &steady).unwrap()));
        let e = html_of(&current, &edited).unwrap();
        pages.push((
            edited.clone(),
            if edited_old {
                real_older_version(&e)
            } else {
                e
            },
        ));
        let refs: Vec<(&str, String)> =
            pages.iter().map(|(i, h)| (i.as_str(), h.clone())).collect();
        archive_linking(&links, &refs)
    };
    let sites = [
        site(&current, true), // 2026-01: 26 empty stubs, 2 pages missing (404)
        site(&fill, false),   // 2025-02 fill pages, the edited page as published
        site(&current, false),
    ];

    let mirror = Arc::new(arc_swap::ArcSwap::from_pointee(MirrorSite::new(
        sites[0].clone(),
    )));
    let addr = serve(mirror_router(mirror.clone())).await;
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let root = dir.path().join("index");
    let opts = options(&store, addr);
    let expected: Vec<BTreeMap<String, Article>> = sites
        .iter()
        .map(|s| extracted(s, &all_ids, &opts.index_url))
        .collect();

    // The first crawl: no index yet, so a full build.
    let first = crawl::run(&opts, &()).await.unwrap();
    assert!(first.failed.is_empty(), "{:?}", first.failed);
    let corpus = store_corpus(&store);
    match index::update(&root, &corpus, vec!["crawl".into()], &()).unwrap() {
        Update::NeedsRebuild { reason } => assert!(reason.contains("no index"), "{reason}"),
        other => panic!("{other:?}"),
    }
    index::build(&root, &corpus, vec!["crawl".into()], &()).unwrap();
    crawl::mark_indexed(&store).unwrap();
    assert_eq!(
        indexed_articles(&LawIndex::open(&root).unwrap())
            .keys()
            .collect::<Vec<_>>(),
        expected[0].keys().collect::<Vec<_>>()
    );

    let portal = AppState::open(&root, &ServerConfig::default()).unwrap();
    let _reloader = portal.spawn_reloader(Duration::from_millis(20));
    let (edited_first, edited_last) = {
        let old: BTreeSet<&String> = expected[0].keys().collect();
        let changed = expected[1]
            .iter()
            .find(|(k, a)| old.contains(k) && expected[0][*k] != **a)
            .map(|(k, _)| k.clone())
            .unwrap();
        let new = expected[1]
            .iter()
            .find(|(k, a)| !old.contains(k) && a.demuc_code == expected[0][&changed].demuc_code)
            .map(|(k, _)| k.clone())
            .unwrap();
        (changed, new)
    };
    let fill_article = expected[1]
        .keys()
        .find(|k| !expected[0].contains_key(*k) && **k != edited_last)
        .unwrap()
        .clone();
    let body = wait_for(&portal, &format!("/dieu/{edited_first}"), StatusCode::OK).await;
    assert!(body.contains("Bản cũ trước khi sửa đổi"));
    wait_for(
        &portal,
        &format!("/dieu/{fill_article}"),
        StatusCode::NOT_FOUND,
    )
    .await;

    for step in 1..sites.len() {
        mirror.store(Arc::new(MirrorSite::new(sites[step].clone())));
        let crawled = crawl::run(&opts, &()).await.unwrap();
        assert!(crawled.failed.is_empty(), "{:?}", crawled.failed);
        assert!(crawled.index_pending);
        let corpus = store_corpus(&store);
        let report = updated(index::update(&root, &corpus, vec!["crawl".into()], &()).unwrap());
        crawl::mark_indexed(&store).unwrap();
        let (added, changed, removed) = expected_changes(&expected[step - 1], &expected[step]);
        assert_eq!(sorted(report.added.clone()), added, "step {step}: added");
        assert_eq!(
            sorted(report.changed.clone()),
            changed,
            "step {step}: changed"
        );
        assert_eq!(
            sorted(report.removed.clone()),
            removed,
            "step {step}: removed"
        );
        assert_eq!(
            (
                crawled.articles_new,
                crawled.articles_changed,
                crawled.articles_removed
            ),
            (added.len(), changed.len(), removed.len()),
            "step {step}: the crawl's own count"
        );
        assert_same_as_scratch_build(&root, &corpus);
        eprintln!(
            "step {step}: {} added, {} changed, {} removed; {} ms, {} ms merging",
            added.len(),
            changed.len(),
            removed.len(),
            report.took_ms,
            report.merge_ms
        );
        let live = LawIndex::open(&root).unwrap();
        let searcher = live.reader.searcher();
        assert_eq!(searcher.segment_readers().len(), 1, "merged back");
        assert_eq!(searcher.segment_reader(0).num_deleted_docs(), 0);
        // The running portal serves the new generation, without a restart.
        if step == 1 {
            assert_eq!((changed.len(), added.len() > 13_000), (1, true));
            let body = wait_for(&portal, &format!("/dieu/{fill_article}"), StatusCode::OK).await;
            assert!(body.contains(&expected[1][&fill_article].title));
            wait_for(&portal, &format!("/dieu/{edited_last}"), StatusCode::OK).await;
            let (_, body) = status_and_body(&portal, &format!("/dieu/{edited_first}")).await;
            assert!(!body.contains("Bản cũ trước khi sửa đổi"));
        } else {
            assert_eq!((added.len(), changed.len()), (0, 0));
            assert!(removed.len() > 13_000 && removed.contains(&fill_article));
            wait_for(
                &portal,
                &format!("/dieu/{fill_article}"),
                StatusCode::NOT_FOUND,
            )
            .await;
            let steady_article =
                extracted(&sites[2], std::slice::from_ref(&steady), &opts.index_url)
                    .into_keys()
                    .next()
                    .unwrap();
            wait_for(&portal, &format!("/dieu/{steady_article}"), StatusCode::OK).await;
        }
    }

    // Nothing changed since: no new generation.
    let before = index::current_generation(&root).unwrap();
    let corpus = store_corpus(&store);
    assert!(matches!(
        index::update(&root, &corpus, vec!["crawl".into()], &()).unwrap(),
        Update::Unchanged
    ));
    assert_eq!(index::current_generation(&root).unwrap(), before);
}

/// The text of the article the fixture's older version edits, as the live index holds it.
fn youth_text(root: &Path) -> String {
    let youth = "3600300000000000100000100000000000000000";
    LawIndex::open(root)
        .unwrap()
        .article(youth)
        .unwrap()
        .unwrap()
        .text
}

/// Generation directories under `root`, by name.
fn generation_dirs(root: &Path) -> BTreeSet<String> {
    std::fs::read_dir(root)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with("gen-"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_update_that_fails_before_its_switch_leaves_the_index_whole_and_the_next_crawl_finishes_it()
 {
    let current = fixture("chapters-citations-related.html");
    let page = pid(1);
    let old = archive_linking(&[&page], &[(&page, older_version(&current))]);
    let new = archive_linking(&[&page], &[(&page, current.clone())]);
    let mirror = Arc::new(arc_swap::ArcSwap::from_pointee(MirrorSite::new(old)));
    let addr = serve(mirror_router(mirror.clone())).await;
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let root = dir.path().join("index");
    let opts = options(&store, addr);
    crawl::run(&opts, &()).await.unwrap();
    index::build(&root, &store_corpus(&store), vec!["crawl".into()], &()).unwrap();
    crawl::mark_indexed(&store).unwrap();
    let live = index::current_generation(&root).unwrap();

    mirror.store(Arc::new(MirrorSite::new(new)));
    let switched = crawl::run(&opts, &()).await.unwrap();
    assert_eq!((switched.articles_new, switched.articles_changed), (1, 1));
    // The update writes its segments and side files, then fails before the switch, as a kill
    // between those steps would leave it.
    let failing = |_: &Path| {
        Err(index::IndexError::Part {
            part: "injected",
            source: "failure between the commit and the switch".into(),
        })
    };
    let err = index::update_with(
        &root,
        &store_corpus(&store),
        vec!["crawl".into()],
        &(),
        &failing,
    )
    .unwrap_err();
    assert!(err.to_string().contains("injected"), "{err}");
    assert_eq!(index::current_generation(&root).unwrap(), live);
    let half_built = generation_dirs(&root);
    assert_eq!(half_built.len(), 2, "the live one and the half-built one");
    assert!(youth_text(&root).contains("đến 35 tuổi"));
    assert!(crawl::CrawlState::load(&store).unwrap().index_pending);

    // The next `tracuu crawl`: every page answers 304, the index is behind, it catches up.
    let seeds = dir.path().join("seeds.tsv");
    std::fs::write(&seeds, "# none\n").unwrap();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_tracuu"));
    cmd.current_dir(dir.path())
        .env("RUST_LOG", "warn")
        .arg("--index-dir")
        .arg(&root)
        .args([
            "crawl",
            "--index-url",
            &opts.index_url,
            "--min-delay-ms",
            "0",
        ])
        .arg("--store")
        .arg(&store)
        .arg("--seed-file")
        .arg(&seeds);
    let summary = run_with_summary(cmd, &dir.path().join("summary.json"));
    assert_eq!(summary["not_modified"], 2, "{summary}");
    assert_eq!(summary["index"]["mode"], "incremental", "{summary}");
    assert_eq!(
        (
            &summary["index"]["added"],
            &summary["index"]["changed"],
            &summary["index"]["removed"]
        ),
        (&1.into(), &1.into(), &0.into()),
        "{summary}"
    );
    assert!(!crawl::CrawlState::load(&store).unwrap().index_pending);
    let now = index::current_generation(&root).unwrap();
    assert_ne!(now, live);
    let left: BTreeSet<String> = generation_dirs(&root);
    for name in &half_built {
        if Some(name.as_str()) != live.file_name().and_then(|n| n.to_str()) {
            assert!(!left.contains(name), "the half-built {name} was removed");
        }
    }
    assert!(youth_text(&root).contains("đến 30 tuổi"));
    assert_eq!(LawIndex::open(&root).unwrap().meta.articles, 12);
    assert_same_as_scratch_build(&root, &store_corpus(&store));
}

/// A bare GET over HTTP/1.1: the status.
fn http_status(addr: &str, path: &str) -> Option<u16> {
    let mut s = std::net::TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(20))).ok()?;
    s.write_all(
        format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes(),
    )
    .ok()?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).ok()?;
    String::from_utf8_lossy(&buf)
        .split(' ')
        .nth(1)?
        .parse()
        .ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_serve_schedule_crawls_one_at_a_time_and_the_portal_follows() {
    // Three pages served slowly: one crawl takes longer than the schedule's interval.
    let base = fixture("chapters-citations-related.html");
    let pages: Vec<(String, String)> = (0..3)
        .map(|k| {
            (
                pid(k),
                base.replace("name='36", &format!("name='8{k:02}36")),
            )
        })
        .collect();
    let refs: Vec<(&str, String)> = pages.iter().map(|(i, h)| (i.as_str(), h.clone())).collect();
    let links: Vec<&str> = pages.iter().map(|(i, _)| i.as_str()).collect();
    let site = Arc::new(arc_swap::ArcSwap::from_pointee(MirrorSite::new(
        archive_linking(&links, &refs),
    )));
    let in_flight = Arc::new(AtomicUsize::new(0));
    let most_in_flight = Arc::new(AtomicUsize::new(0));
    let index_requests = Arc::new(AtomicUsize::new(0));
    let slow = {
        let (in_flight, most, index_requests) = (
            in_flight.clone(),
            most_in_flight.clone(),
            index_requests.clone(),
        );
        mirror_router(site).layer(axum::middleware::from_fn(
            move |req: axum::extract::Request, next: axum::middleware::Next| {
                let (in_flight, most, index_requests) =
                    (in_flight.clone(), most.clone(), index_requests.clone());
                async move {
                    if req.uri().path().ends_with(INDEX_PAGE) {
                        index_requests.fetch_add(1, Ordering::SeqCst);
                    }
                    let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(400)).await;
                    let response = next.run(req).await;
                    in_flight.fetch_sub(1, Ordering::SeqCst);
                    response
                }
            },
        ))
    };
    let mirror = serve(slow).await;

    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("index");
    let store = dir.path().join("store");
    // The portal starts on an index of one curated đề mục; the crawl's articles come on top.
    let mut corpus = crate::support::load_content();
    let keep = corpus.articles()[0].demuc_code.clone();
    corpus.retain_articles(|a| a.demuc_code == keep);
    index::build(&root, &corpus, vec![], &()).unwrap();
    let seeds = dir.path().join("seeds.tsv");
    std::fs::write(&seeds, "# none\n").unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let config = dir.path().join("tracuu.toml");
    let path = |p: &Path| p.to_str().unwrap().to_owned();
    std::fs::write(
        &config,
        format!(
            "content_dir = {:?}\n[server]\nindex_poll_ms = 50\n[feedback]\ndata_dir = {:?}\n\
             [crawl]\nstore_dir = {:?}\nindex_url = \"http://{mirror}/{INDEX_PAGE}\"\n\
             seed_file = {:?}\nmin_delay_ms = 0\nper_host_concurrency = 1\nschedule_seconds = 1\n",
            path(&dir.path().join("no-content")),
            path(&data),
            path(&store),
            path(&seeds),
        ),
    )
    .unwrap();
    let addr = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().to_string()
    };
    let log = dir.path().join("serve.log");
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_tracuu"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("RUST_LOG", "info")
        .arg("--config")
        .arg(&config)
        .arg("--index-dir")
        .arg(&root)
        .args(["serve", "--addr", &addr])
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let crawled_article = format!(
        "/dieu/{}",
        crawl::extract_page(&pages[0].1).unwrap().articles[0].id
    );
    let deadline = Instant::now() + Duration::from_secs(90);
    let mut served = false;
    while Instant::now() < deadline {
        if let Ok(Some(status)) = server.try_wait() {
            panic!(
                "tracuu serve exited ({status}):\n{}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
        }
        if !served {
            served = http_status(&addr, &crawled_article) == Some(200);
        }
        if served && index_requests.load(Ordering::SeqCst) >= 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = server.kill();
    let _ = server.wait();
    let log = std::fs::read_to_string(&log).unwrap();
    assert!(served, "the crawled article was never served:\n{log}");
    assert!(
        index_requests.load(Ordering::SeqCst) >= 3,
        "fewer than three scheduled crawls:\n{log}"
    );
    // One request at a time per crawl (per_host_concurrency = 1): two crawls at once would
    // have had two in flight.
    assert_eq!(most_in_flight.load(Ordering::SeqCst), 1, "{log}");
    assert!(!log.contains("another crawl is running"), "{log}");
    let starts = log.matches("scheduled crawl starting").count();
    let ends = log.matches("scheduled crawl finished").count();
    assert!(
        starts >= 3 && (starts == ends || starts == ends + 1),
        "{log}"
    );
    assert!(
        log.contains("index updated in place") || log.contains("serving a new index generation"),
        "{log}"
    );
}
