//! What every handler shares: the live index with its catalog, swappable as a whole, and the
//! site's fixed settings. A background task looks at `CURRENT` every `index_poll_ms` and swaps
//! in a newly built generation; requests in flight keep the generation they started with.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;

use crate::config::ServerConfig;
use crate::feedback::Feedback;
use crate::index::{self, Demuc, IndexError, LawIndex};
use crate::procedures::{Lexicon, LiveLexicon, ProcedureIndex};
use crate::search::Catalog;
use crate::web::cache::PageCache;

/// One open generation and what is derived from it.
pub struct Site {
    pub index: LawIndex,
    pub catalog: Catalog,
    /// The generation's procedures (empty when it was built without them).
    pub procedures: ProcedureIndex,
}

impl Site {
    pub fn open(root: &Path) -> Result<Site, IndexError> {
        let index = LawIndex::open(root)?;
        let catalog = Catalog::new(&index);
        let procedures = ProcedureIndex::open(&index.generation).map_err(|e| IndexError::Part {
            part: "procedures",
            source: Box::new(e),
        })?;
        Ok(Site {
            index,
            catalog,
            procedures,
        })
    }

    pub fn demuc(&self, code: &str) -> Option<&Demuc> {
        self.index.demuc().iter().find(|d| d.code == code)
    }

    /// The name of a đề mục, or its code when the index does not know it.
    pub fn demuc_name<'a>(&'a self, code: &'a str) -> &'a str {
        self.demuc(code).map_or(code, |d| d.name.as_str())
    }
}

#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    root: PathBuf,
    site: ArcSwap<Site>,
    public_url: String,
    request_timeout: Duration,
    /// Citizens' questions and feedback; `None` when the site serves the law only.
    feedback: Option<Arc<Feedback>>,
    /// Cookies carry `Secure`: the public origin is https.
    secure_cookies: bool,
    /// The generation that last failed to open, so that it is reported once, not every poll.
    failed: Mutex<Option<PathBuf>>,
    /// The procedure search's colloquial lexicon, re-read when its file changes.
    lexicon: LiveLexicon,
    /// Search pages kept for questions asked again.
    pages: PageCache,
}

impl AppState {
    /// Opens the live generation under `root`.
    pub fn open(root: &Path, config: &ServerConfig) -> Result<AppState, IndexError> {
        AppState::open_with(root, config, None)
    }

    /// [`AppState::open`] with the feedback service.
    pub fn open_with(
        root: &Path,
        config: &ServerConfig,
        feedback: Option<Arc<Feedback>>,
    ) -> Result<AppState, IndexError> {
        let site = Site::open(root)?;
        Ok(AppState {
            inner: Arc::new(Inner {
                root: root.to_owned(),
                site: ArcSwap::from_pointee(site),
                public_url: config.public_url(),
                request_timeout: Duration::from_millis(config.request_timeout_ms),
                feedback,
                secure_cookies: config.public_url().starts_with("https://"),
                failed: Mutex::new(None),
                lexicon: LiveLexicon::new(config.lexicon.clone()),
                pages: PageCache::new(config.page_cache_mb),
            }),
        })
    }

    /// The generation serving now; hold it for the whole request.
    pub fn site(&self) -> Arc<Site> {
        self.inner.site.load_full()
    }

    /// The public origin, for absolute URLs (`https://host`, no trailing slash).
    pub fn public_url(&self) -> &str {
        &self.inner.public_url
    }

    /// The colloquial lexicon now (re-read first if its file changed).
    pub fn lexicon(&self) -> Arc<Lexicon> {
        self.inner.lexicon.get()
    }

    /// Search pages kept for questions asked again.
    pub fn pages(&self) -> &PageCache {
        &self.inner.pages
    }

    pub fn feedback(&self) -> Option<&Arc<Feedback>> {
        self.inner.feedback.as_ref()
    }

    pub fn secure_cookies(&self) -> bool {
        self.inner.secure_cookies
    }

    pub fn request_timeout(&self) -> Duration {
        self.inner.request_timeout
    }

    /// Opens and swaps in the generation `CURRENT` names if it is not the one serving. Returns
    /// whether it swapped. On failure the serving generation stays.
    pub fn reload_if_changed(&self) -> Result<bool, IndexError> {
        let current = index::current_generation(&self.inner.root)?;
        if current == self.site().index.generation {
            return Ok(false);
        }
        let started = Instant::now();
        match Site::open(&self.inner.root) {
            Ok(site) => {
                let articles = site.index.meta.articles;
                self.inner.site.store(Arc::new(site));
                *self.inner.failed.lock().unwrap_or_else(|e| e.into_inner()) = None;
                tracing::info!(
                    generation = %current.display(),
                    articles,
                    took_ms = started.elapsed().as_millis() as u64,
                    "serving a new index generation"
                );
                Ok(true)
            }
            Err(e) => {
                let mut failed = self.inner.failed.lock().unwrap_or_else(|e| e.into_inner());
                if failed.as_ref() != Some(&current) {
                    tracing::warn!(
                        generation = %current.display(),
                        error = %e,
                        "cannot open the new index generation; still serving the previous one"
                    );
                    *failed = Some(current);
                }
                Err(e)
            }
        }
    }

    /// Polls for a new generation every `every`, until the runtime shuts down.
    pub fn spawn_reloader(&self, every: Duration) -> tokio::task::JoinHandle<()> {
        let state = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                let state = state.clone();
                // Opening an index reads files and builds tables: off the async workers.
                let _ = tokio::task::spawn_blocking(move || state.reload_if_changed()).await;
            }
        })
    }
}
