//! The crawler: follows the code of law as published and keeps a store of normalised records
//! that `tracuu index` reads beside `content/`.
//!
//! `extract` and `normalize` are pure (bytes in, records out); `fetch` is the polite HTTP client;
//! `state` remembers validators and hashes so that an unchanged page costs one 304 or one hash
//! compare, and the run in progress so that a killed crawl resumes; `store` holds the records.
//! [`run`] ties them together. The crawler never writes the index: the caller updates it from the
//! store when [`CrawlSummary::index_pending`] says the store changed.

mod extract;
mod fetch;
mod fidelity;
mod normalize;
mod site;
mod state;
mod store;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

pub use extract::{
    Citation, ExtractError, Page, PageArticle, discover_pages, extract_page, parse_citation,
};
pub use fetch::{
    DEFAULT_BACKOFF_BASE, DEFAULT_BACKOFF_MAX, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_PAGE_BYTES,
    DEFAULT_MAX_REDIRECTS, DEFAULT_MIN_DELAY, DEFAULT_PER_HOST_CONCURRENCY, DEFAULT_RETRIES,
    DEFAULT_RETRY_AFTER_MAX, DEFAULT_TIMEOUT, FetchError, FetchPolicy, Fetched, Fetcher,
    Validators, decode,
};
pub use fidelity::{Disagreement, FidelityReport, fidelity};
pub use normalize::{PageRecords, normalize};
pub use site::{SiteArchive, SiteError};
pub use state::{CrawlState, PageState, STATE_FILE, sha256_hex};
pub use store::Store;

use crate::model::Date;

/// The built-in seed list: every đề mục page of the 2026-01 code (id, code, name, articles).
pub const DEFAULT_SEEDS_TSV: &str = include_str!("seeds.tsv");
const LOCK_FILE: &str = "crawl.lock";

#[derive(Debug, thiserror::Error)]
pub enum CrawlError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {reason}")]
    State { path: PathBuf, reason: String },
    #[error("another crawl is running on {dir} (it holds {LOCK_FILE})")]
    Busy { dir: PathBuf },
    #[error("invalid index URL {url:?}")]
    BadUrl { url: String },
    #[error("{0}")]
    Fetch(#[from] FetchError),
}

/// What to crawl and how.
#[derive(Debug, Clone)]
pub struct CrawlOptions {
    pub store_dir: PathBuf,
    /// The index page; đề mục pages are `demuc/<id>.html` beside it.
    pub index_url: String,
    /// Page ids crawled whether or not the index page links them.
    pub seeds: Vec<String>,
    pub policy: FetchPolicy,
    /// Today, for the records' provenance and whether a document is in force yet.
    pub today: Date,
}

/// Page ids from a seed list: the first tab-separated column of each line, `#` comments and a
/// `demuc_id` header skipped, anything that is not a page id ignored.
pub fn parse_seeds(tsv: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in tsv.lines() {
        let id = line.split('\t').next().unwrap_or("").trim();
        let ok = !id.is_empty()
            && id.len() <= 64
            && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if ok && !line.starts_with('#') && id != "demuc_id" && !out.iter().any(|s| s == id) {
            out.push(id.to_ascii_lowercase());
        }
    }
    out
}

/// How one page went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageOutcome {
    NotModified,
    Unchanged,
    Updated {
        new: usize,
        changed: usize,
        removed: usize,
    },
    Gone {
        removed: usize,
    },
    Failed(String),
}

/// Live progress, for a progress bar.
pub trait Progress: Send + Sync {
    fn start(&self, pages: u64);
    fn page(&self, url: &str, outcome: &PageOutcome);
    fn finish(&self);
}

impl Progress for () {
    fn start(&self, _: u64) {}
    fn page(&self, _: &str, _: &PageOutcome) {}
    fn finish(&self) {}
}

/// What a crawl did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CrawlSummary {
    /// Pages to visit this run (after a resume, those not done before the kill).
    pub pages: usize,
    /// Pages already handled by the run this one resumed.
    pub resumed_done: usize,
    /// 200 responses (the index page included).
    pub fetched: usize,
    /// 304 responses.
    pub not_modified: usize,
    /// 200 with the same body as last time.
    pub unchanged: usize,
    pub pages_gone: usize,
    pub articles_new: usize,
    pub articles_changed: usize,
    pub articles_removed: usize,
    pub articles_total: usize,
    /// Articles with neither title, text nor citation: not stored.
    pub articles_skipped: Vec<String>,
    /// URL and reason.
    pub failed: Vec<(String, String)>,
    /// The store changed since the index was last built from it.
    pub index_pending: bool,
    pub took_ms: u64,
}

impl CrawlSummary {
    pub fn changed(&self) -> bool {
        self.articles_new + self.articles_changed + self.articles_removed > 0
    }
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// Holds the store's lock for the life of a crawl.
struct Lock(#[allow(dead_code)] std::fs::File);

fn lock(dir: &Path) -> Result<Lock, CrawlError> {
    use fs4::fs_std::FileExt;
    let path = dir.join(LOCK_FILE);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|source| CrawlError::Io {
            path: path.clone(),
            source,
        })?;
    match file.try_lock_exclusive() {
        Ok(true) => Ok(Lock(file)),
        Ok(false) => Err(CrawlError::Busy {
            dir: dir.to_owned(),
        }),
        Err(source) => Err(CrawlError::Io { path, source }),
    }
}

/// The URL of a đề mục page beside the index page.
pub fn page_url(index_url: &str, id: &str) -> Option<String> {
    let base = reqwest::Url::parse(index_url).ok()?;
    Some(base.join(&format!("demuc/{id}.html")).ok()?.to_string())
}

/// Crawls: the index page, then every page it links and every seed; updates the store and the
/// state after each page; resumes a run that was killed. Pages that fail keep their previous
/// records and are listed in the summary.
pub async fn run(opts: &CrawlOptions, progress: &dyn Progress) -> Result<CrawlSummary, CrawlError> {
    let started = Instant::now();
    let store = Store::open(&opts.store_dir)?;
    let _lock = lock(&opts.store_dir)?;
    let mut state = CrawlState::load(&opts.store_dir)?;
    let fetcher = Arc::new(Fetcher::new(opts.policy.clone())?);
    let mut summary = CrawlSummary::default();
    let snapshot = opts.today.to_string();

    let resumed = state.run.is_some();
    let run = state.run.get_or_insert_with(|| state::RunState {
        started_ms: now_ms(),
        done: BTreeSet::new(),
    });
    summary.resumed_done = run.done.len();
    if resumed {
        tracing::info!(
            done = run.done.len(),
            "resuming the crawl that was interrupted"
        );
    }

    // The index page: its links, or else the seed list alone.
    reqwest::Url::parse(&opts.index_url).map_err(|_| CrawlError::BadUrl {
        url: opts.index_url.clone(),
    })?;
    let mut listed_complete = true;
    let mut targets: Vec<String> = Vec::new();
    let index_validators = state
        .pages
        .get(INDEX_KEY)
        .map(|p| Validators {
            etag: p.etag.clone(),
            last_modified: p.last_modified.clone(),
        })
        .unwrap_or_default();
    match fetcher.fetch(&opts.index_url, &index_validators).await {
        Ok(Fetched::Page {
            text,
            bytes,
            validators,
        }) => {
            summary.fetched += 1;
            let found = discover_pages(&text);
            tracing::info!(pages = found.len(), "links found on the index page");
            let entry = state.pages.entry(INDEX_KEY.to_owned()).or_default();
            entry.url = opts.index_url.clone();
            entry.etag = validators.etag;
            entry.last_modified = validators.last_modified;
            entry.body_sha256 = state::sha256_hex(&bytes);
            entry.articles = found.iter().map(|id| (id.clone(), String::new())).collect();
            targets.extend(found);
        }
        Ok(Fetched::NotModified) => {
            summary.not_modified += 1;
            if let Some(p) = state.pages.get(INDEX_KEY) {
                targets.extend(p.articles.keys().cloned());
            }
        }
        Err(e) => {
            // Without the index, a page missing from the seeds cannot be told from a page
            // removed from the site: nothing is removed for being unlisted this time.
            listed_complete = false;
            summary.failed.push((opts.index_url.clone(), e.to_string()));
        }
    }
    for s in &opts.seeds {
        if !targets.contains(s) {
            targets.push(s.clone());
        }
    }
    let done = state
        .run
        .as_ref()
        .map(|r| r.done.clone())
        .unwrap_or_default();
    let mut todo: Vec<(String, String)> = Vec::new();
    for id in &targets {
        if done.contains(id) {
            continue;
        }
        match page_url(&opts.index_url, id) {
            Some(url) => todo.push((id.clone(), url)),
            None => summary
                .failed
                .push((id.clone(), "no URL for this page id".to_owned())),
        }
    }
    summary.pages = todo.len();
    progress.start(todo.len() as u64);

    let in_flight = opts.policy.per_host_concurrency.max(1) * 2;
    let mut pending = todo.into_iter();
    let mut tasks = tokio::task::JoinSet::new();
    loop {
        while tasks.len() < in_flight {
            let Some((id, url)) = pending.next() else {
                break;
            };
            let validators = state
                .pages
                .get(&id)
                .map(|p| Validators {
                    etag: p.etag.clone(),
                    last_modified: p.last_modified.clone(),
                })
                .unwrap_or_default();
            let fetcher = fetcher.clone();
            tasks.spawn(async move {
                let result = fetcher.fetch(&url, &validators).await;
                (id, url, result)
            });
        }
        let Some(joined) = tasks.join_next().await else {
            break;
        };
        let (id, url, result) = match joined {
            Ok(r) => r,
            Err(e) => {
                summary
                    .failed
                    .push(("(task)".to_owned(), format!("fetch task failed: {e}")));
                continue;
            }
        };
        let outcome = handle_page(
            &store,
            &mut state,
            &id,
            &url,
            result,
            opts,
            &snapshot,
            &mut summary,
        )?;
        if !matches!(outcome, PageOutcome::Failed(_))
            && let Some(run) = state.run.as_mut()
        {
            run.done.insert(id.clone());
        }
        // Saved when the store changed; a page that did not change costs a 304 again if the
        // crawl is killed before the next save, which is cheaper than writing the state each time.
        if matches!(
            outcome,
            PageOutcome::Updated { .. } | PageOutcome::Gone { .. }
        ) {
            state.save(&opts.store_dir)?;
        }
        progress.page(&url, &outcome);
    }

    // Pages the site no longer lists.
    if listed_complete {
        let listed: BTreeSet<&String> = targets.iter().collect();
        let stale: Vec<String> = state
            .pages
            .keys()
            .filter(|k| k.as_str() != INDEX_KEY && !listed.contains(k))
            .cloned()
            .collect();
        for id in stale {
            let removed = state.pages.remove(&id).map_or(0, |p| p.articles.len());
            store.remove_page(&id)?;
            summary.pages_gone += 1;
            summary.articles_removed += removed;
            state.index_pending |= removed > 0;
            state.save(&opts.store_dir)?;
        }
    }
    store.finish()?;
    state.run = None;
    summary.index_pending = state.index_pending;
    summary.articles_total = state
        .pages
        .iter()
        .filter(|(k, _)| k.as_str() != INDEX_KEY)
        .map(|(_, p)| p.articles.len())
        .sum();
    state.save(&opts.store_dir)?;
    progress.finish();
    summary.took_ms = started.elapsed().as_millis() as u64;
    Ok(summary)
}

/// The state key of the index page (page ids are UUIDs, so it cannot collide).
const INDEX_KEY: &str = "_index";

#[allow(clippy::too_many_arguments)]
fn handle_page(
    store: &Store,
    state: &mut CrawlState,
    id: &str,
    url: &str,
    result: Result<Fetched, FetchError>,
    opts: &CrawlOptions,
    snapshot: &str,
    summary: &mut CrawlSummary,
) -> Result<PageOutcome, CrawlError> {
    let (text, bytes, validators) = match result {
        Ok(Fetched::NotModified) => {
            summary.not_modified += 1;
            return Ok(PageOutcome::NotModified);
        }
        Ok(Fetched::Page {
            text,
            bytes,
            validators,
        }) => (text, bytes, validators),
        Err(e) if e.is_gone() => {
            summary.fetched += 1;
            let removed = state.pages.remove(id).map_or(0, |p| p.articles.len());
            store.remove_page(id)?;
            summary.pages_gone += 1;
            summary.articles_removed += removed;
            state.index_pending |= removed > 0;
            return Ok(PageOutcome::Gone { removed });
        }
        Err(e) => {
            let reason = e.to_string();
            summary.failed.push((url.to_owned(), reason.clone()));
            return Ok(PageOutcome::Failed(reason));
        }
    };
    summary.fetched += 1;
    let body_sha256 = state::sha256_hex(&bytes);
    if let Some(old) = state.pages.get_mut(id)
        && old.body_sha256 == body_sha256
    {
        // Same bytes: only the validators may have moved.
        old.etag = validators.etag;
        old.last_modified = validators.last_modified;
        summary.unchanged += 1;
        return Ok(PageOutcome::Unchanged);
    }
    let page = match extract_page(&text) {
        Ok(p) => p,
        Err(e) => {
            // The previous records stay; the page is retried on the next crawl.
            let reason = format!("{url}: {e}");
            summary.failed.push((url.to_owned(), reason.clone()));
            return Ok(PageOutcome::Failed(reason));
        }
    };
    let records = normalize(&page, snapshot, url, opts.today);
    summary
        .articles_skipped
        .extend(records.skipped.iter().cloned());
    // The hash covers what the page says about the article, not when it was read.
    let kept: BTreeSet<&str> = records.articles.iter().map(|a| a.id.as_str()).collect();
    let hashes: BTreeMap<String, String> = page
        .articles
        .iter()
        .filter(|a| kept.contains(a.id.as_str()))
        .map(|a| {
            let json =
                serde_json::to_vec(&(&page.demuc_code, &page.demuc_name, a)).unwrap_or_default();
            (a.id.clone(), state::sha256_hex(&json))
        })
        .collect();
    let old = state.pages.get(id).map(|p| &p.articles);
    let mut new = 0;
    let mut changed = 0;
    for (aid, h) in &hashes {
        match old.and_then(|o| o.get(aid)) {
            None => new += 1,
            Some(oh) if oh != h => changed += 1,
            Some(_) => {}
        }
    }
    let removed = old.map_or(0, |o| o.keys().filter(|k| !hashes.contains_key(*k)).count());
    store.write_page(id, &records)?;
    state.pages.insert(
        id.to_owned(),
        PageState {
            url: url.to_owned(),
            etag: validators.etag,
            last_modified: validators.last_modified,
            body_sha256,
            articles: hashes,
        },
    );
    summary.articles_new += new;
    summary.articles_changed += changed;
    summary.articles_removed += removed;
    if new + changed + removed > 0 {
        state.index_pending = true;
    }
    Ok(PageOutcome::Updated {
        new,
        changed,
        removed,
    })
}

/// Records that the index was rebuilt from the store as it is now.
pub fn mark_indexed(store_dir: &Path) -> Result<(), CrawlError> {
    let _lock = lock(store_dir)?;
    let mut state = CrawlState::load(store_dir)?;
    state.index_pending = false;
    state.save(store_dir)
}

/// The policy from configuration values, for callers that hold milliseconds.
pub fn policy_from(
    contact_url: &str,
    per_host_concurrency: usize,
    min_delay: Duration,
    timeout: Duration,
    retries: u32,
    max_page_bytes: u64,
    max_redirects: usize,
) -> FetchPolicy {
    FetchPolicy {
        per_host_concurrency,
        min_delay,
        timeout,
        retries,
        max_page_bytes,
        max_redirects,
        ..FetchPolicy::new(contact_url)
    }
}
