//! Typed configuration: defaults that work with no file, an optional TOML file
//! (`tracuu.toml`, or `--config`), then `TRACUU_*` environment overrides. Unknown keys are errors,
//! and every validation error names its key.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Read when present in the working directory and no `--config` is given.
pub const DEFAULT_CONFIG_FILE: &str = "tracuu.toml";

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("invalid value for `{key}`: {message}")]
    Invalid { key: &'static str, message: String },
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Root of the index generations.
    pub index_dir: PathBuf,
    /// Curated documents, indexed on every build.
    pub content_dir: PathBuf,
    /// The full code of law (parsed JSONL), indexed when set.
    pub phapdien_dir: Option<PathBuf>,
    /// Administrative procedures from the national portal (procedures-*.jsonl.gz), indexed
    /// beside `content_dir/procedures/` when set.
    pub procedures_dir: Option<PathBuf>,
    pub server: ServerConfig,
    pub feedback: FeedbackConfig,
    pub crawl: CrawlConfig,
}

/// Citizens' questions and feedback (`[feedback]`).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct FeedbackConfig {
    /// `postgres://user@host/db` for PostgreSQL; unset: SQLite in `data_dir`.
    pub database_url: Option<String>,
    /// Where the embedded SQLite database lives.
    pub data_dir: PathBuf,
    /// The units that receive submissions (Bộ Tư pháp's units and the ministries).
    pub units_file: PathBuf,
    /// Procedures (`procedures-*.jsonl.gz`) that routing compares submissions with.
    pub procedures_file: Option<PathBuf>,
    /// Working days a unit has to answer.
    pub deadline_working_days: u32,
    /// Public holidays (`yyyy-mm-dd`), not working days.
    pub holidays: Vec<String>,
    /// Submissions accepted per client address per hour.
    pub submissions_per_hour: u32,
    /// Mail to submitters through this SMTP relay; unset: mail waits in the outbox.
    pub smtp: Option<SmtpConfig>,
}

/// `[feedback.smtp]`: a plain SMTP relay (the deployment's local relay).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    pub host: String,
    #[serde(default = "default_smtp_port")]
    pub port: u16,
    /// `Tra cứu pháp luật <khong-tra-loi@example.vn>`
    pub from: String,
}

fn default_smtp_port() -> u16 {
    25
}

impl Default for FeedbackConfig {
    fn default() -> FeedbackConfig {
        FeedbackConfig {
            database_url: None,
            data_dir: PathBuf::from("data"),
            units_file: PathBuf::from("content/feedback/units.toml"),
            procedures_file: None,
            deadline_working_days: 10,
            // Vietnam's public holidays in 2026 (Bộ luật Lao động, Điều 112, and the Tết and
            // compensatory days announced for 2026); extend each year.
            holidays: [
                "2026-01-01",
                "2026-02-16",
                "2026-02-17",
                "2026-02-18",
                "2026-02-19",
                "2026-02-20",
                "2026-04-27",
                "2026-04-30",
                "2026-05-01",
                "2026-09-01",
                "2026-09-02",
            ]
            .map(str::to_owned)
            .to_vec(),
            submissions_per_hour: 20,
            smtp: None,
        }
    }
}

impl FeedbackConfig {
    /// A configuration for tests: SQLite in `dir`, the committed units, no procedures.
    pub fn for_test(dir: &Path) -> FeedbackConfig {
        FeedbackConfig {
            data_dir: dir.to_owned(),
            units_file: Path::new(env!("CARGO_MANIFEST_DIR")).join("content/feedback/units.toml"),
            ..FeedbackConfig::default()
        }
    }

    fn validate(&self) -> Result<(), ConfigError> {
        if let Some(url) = &self.database_url
            && !(url.starts_with("postgres://")
                || url.starts_with("postgresql://")
                || url.starts_with("sqlite:"))
        {
            return Err(ConfigError::Invalid {
                key: "feedback.database_url",
                message: "expected postgres://… or sqlite:…".to_owned(),
            });
        }
        if self.deadline_working_days == 0 {
            return Err(ConfigError::Invalid {
                key: "feedback.deadline_working_days",
                message: "must be positive".to_owned(),
            });
        }
        if self.submissions_per_hour == 0 {
            return Err(ConfigError::Invalid {
                key: "feedback.submissions_per_hour",
                message: "must be positive".to_owned(),
            });
        }
        for d in &self.holidays {
            crate::model::Date::parse(d).map_err(|e| ConfigError::Invalid {
                key: "feedback.holidays",
                message: e.to_string(),
            })?;
        }
        Ok(())
    }
}

/// The crawler's source and politeness (`[crawl]`). Defaults are the named defaults of
/// `crawl::fetch`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct CrawlConfig {
    /// Where the crawler keeps its records and state; `tracuu index` reads it beside `content/`.
    pub store_dir: PathBuf,
    /// The code of law's index page; đề mục pages are `demuc/<id>.html` beside it.
    pub index_url: String,
    /// Seed list (TSV, page id in the first column); the built-in list of the 2026-01 pages
    /// when unset.
    pub seed_file: Option<PathBuf>,
    /// Where a site operator can reach us, sent in the User-Agent; `server.public_url` when unset.
    pub contact_url: Option<String>,
    pub per_host_concurrency: usize,
    pub min_delay_ms: u64,
    pub timeout_ms: u64,
    pub retries: u32,
    pub max_page_bytes: u64,
    pub max_redirects: usize,
    /// `tracuu serve` crawls (and updates the index when something changed) every this many seconds;
    /// never when unset.
    pub schedule_seconds: Option<u64>,
}

impl Default for CrawlConfig {
    fn default() -> CrawlConfig {
        use crate::crawl;
        CrawlConfig {
            store_dir: PathBuf::from("crawl"),
            index_url: "https://phapdien.moj.gov.vn/TraCuuPhapDien/BoPhapDien.html".to_owned(),
            seed_file: None,
            contact_url: None,
            per_host_concurrency: crawl::DEFAULT_PER_HOST_CONCURRENCY,
            min_delay_ms: crawl::DEFAULT_MIN_DELAY.as_millis() as u64,
            timeout_ms: crawl::DEFAULT_TIMEOUT.as_millis() as u64,
            retries: crawl::DEFAULT_RETRIES,
            max_page_bytes: crawl::DEFAULT_MAX_PAGE_BYTES,
            max_redirects: crawl::DEFAULT_MAX_REDIRECTS,
            schedule_seconds: None,
        }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    pub addr: String,
    /// Whole-request timeout.
    pub request_timeout_ms: u64,
    /// How often the server looks for a newly built index.
    pub index_poll_ms: u64,
    /// Origin the site is reached at (`https://tracuu.example.vn`), for the absolute URLs of the
    /// sitemap, feed and OpenSearch description; `http://<addr>` when unset.
    pub public_url: Option<String>,
    /// The colloquial lexicon of the procedure search, re-read when it changes; the copy
    /// compiled into the binary when unset. `tracuu serve` sets it to
    /// `content_dir/procedures/lexicon.toml` unless configured.
    pub lexicon: Option<PathBuf>,
    /// Compressed search pages kept for questions asked again (see `web::cache`), in MiB; 0
    /// turns the cache off.
    pub page_cache_mb: u64,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            index_dir: PathBuf::from("index"),
            content_dir: PathBuf::from("content"),
            phapdien_dir: None,
            procedures_dir: None,
            server: ServerConfig::default(),
            feedback: FeedbackConfig::default(),
            crawl: CrawlConfig::default(),
        }
    }
}

/// Largest page cache accepted (MiB): its table is sized from it when the server starts.
const MAX_PAGE_CACHE_MB: u64 = 16 * 1024;

impl Default for ServerConfig {
    fn default() -> ServerConfig {
        ServerConfig {
            addr: "127.0.0.1:8080".to_owned(),
            request_timeout_ms: 10_000,
            index_poll_ms: 2_000,
            public_url: None,
            lexicon: None,
            page_cache_mb: 32,
        }
    }
}

impl ServerConfig {
    /// The public origin, without a trailing slash.
    pub fn public_url(&self) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!("http://{}", self.addr),
        }
    }
}

impl Config {
    /// Defaults, then `path` (or `tracuu.toml` if it exists), then the environment.
    pub fn load(path: Option<&Path>) -> Result<Config, ConfigError> {
        let default_path = Path::new(DEFAULT_CONFIG_FILE);
        let path = path.or_else(|| default_path.exists().then_some(default_path));
        let mut config = match path {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
                    path: path.to_owned(),
                    source,
                })?;
                Config::from_toml(&text).map_err(|message| ConfigError::Parse {
                    path: path.to_owned(),
                    message,
                })?
            }
            None => Config::default(),
        };
        config.apply_env(|k| std::env::var(k).ok())?;
        config.validate()?;
        Ok(config)
    }

    pub fn from_toml(text: &str) -> Result<Config, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }

    /// A configuration for tests: everything under `dir`.
    pub fn for_test(dir: &Path) -> Config {
        Config {
            index_dir: dir.join("index"),
            content_dir: dir.join("content"),
            phapdien_dir: None,
            procedures_dir: None,
            server: ServerConfig {
                addr: "127.0.0.1:0".to_owned(),
                ..ServerConfig::default()
            },
            feedback: FeedbackConfig::for_test(&dir.join("feedback")),
            crawl: CrawlConfig {
                store_dir: dir.join("crawl"),
                ..CrawlConfig::default()
            },
        }
    }

    /// The procedure search's colloquial lexicon file: `server.lexicon`, or the one in
    /// `content_dir`.
    pub fn lexicon_path(&self) -> PathBuf {
        self.server
            .lexicon
            .clone()
            .unwrap_or_else(|| self.content_dir.join("procedures").join("lexicon.toml"))
    }

    fn apply_env(&mut self, var: impl Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
        if let Some(v) = var("TRACUU_INDEX_DIR") {
            self.index_dir = v.into();
        }
        if let Some(v) = var("TRACUU_CONTENT_DIR") {
            self.content_dir = v.into();
        }
        if let Some(v) = var("TRACUU_PHAPDIEN_DIR") {
            self.phapdien_dir = Some(v.into());
        }
        if let Some(v) = var("TRACUU_PROCEDURES_DIR") {
            self.procedures_dir = Some(v.into());
        }
        if let Some(v) = var("TRACUU_LEXICON") {
            self.server.lexicon = Some(v.into());
        }
        if let Some(v) = var("TRACUU_PAGE_CACHE_MB") {
            self.server.page_cache_mb = v.parse().map_err(|e| ConfigError::Invalid {
                key: "server.page_cache_mb",
                message: format!("{v:?}: {e}"),
            })?;
        }
        if let Some(v) = var("TRACUU_ADDR") {
            self.server.addr = v;
        }
        if let Some(v) = var("TRACUU_PUBLIC_URL") {
            self.server.public_url = Some(v);
        }
        if let Some(v) = var("TRACUU_DATABASE_URL") {
            self.feedback.database_url = Some(v);
        }
        if let Some(v) = var("TRACUU_CRAWL_STORE_DIR") {
            self.crawl.store_dir = v.into();
        }
        if let Some(v) = var("TRACUU_CRAWL_INDEX_URL") {
            self.crawl.index_url = v;
        }
        Ok(())
    }

    pub fn validate(&self) -> Result<(), ConfigError> {
        self.server
            .addr
            .parse::<SocketAddr>()
            .map_err(|e| ConfigError::Invalid {
                key: "server.addr",
                message: format!("{:?}: {e}", self.server.addr),
            })?;
        if self.server.request_timeout_ms == 0 {
            return Err(ConfigError::Invalid {
                key: "server.request_timeout_ms",
                message: "must be positive".to_owned(),
            });
        }
        if self.server.page_cache_mb > MAX_PAGE_CACHE_MB {
            return Err(ConfigError::Invalid {
                key: "server.page_cache_mb",
                message: format!("at most {MAX_PAGE_CACHE_MB}"),
            });
        }
        if self.server.index_poll_ms == 0 {
            return Err(ConfigError::Invalid {
                key: "server.index_poll_ms",
                message: "must be positive".to_owned(),
            });
        }
        if let Some(url) = &self.server.public_url {
            let ok = (url.starts_with("http://") || url.starts_with("https://"))
                && !url.contains(|c: char| c.is_whitespace() || matches!(c, '"' | '<' | '>'));
            if !ok {
                return Err(ConfigError::Invalid {
                    key: "server.public_url",
                    message: format!("{url:?}: expected an http:// or https:// origin"),
                });
            }
        }
        self.feedback.validate()?;
        let http = |key: &'static str, url: &str| {
            let ok = (url.starts_with("http://") || url.starts_with("https://"))
                && !url.contains(|c: char| c.is_whitespace() || matches!(c, '"' | '<' | '>'));
            if ok {
                Ok(())
            } else {
                Err(ConfigError::Invalid {
                    key,
                    message: format!("{url:?}: expected an http:// or https:// URL"),
                })
            }
        };
        http("crawl.index_url", &self.crawl.index_url)?;
        if let Some(url) = &self.crawl.contact_url {
            http("crawl.contact_url", url)?;
        }
        let positive = [
            (
                "crawl.per_host_concurrency",
                self.crawl.per_host_concurrency as u64,
            ),
            ("crawl.timeout_ms", self.crawl.timeout_ms),
            ("crawl.max_page_bytes", self.crawl.max_page_bytes),
            (
                "crawl.schedule_seconds",
                self.crawl.schedule_seconds.unwrap_or(1),
            ),
        ];
        for (key, value) in positive {
            if value == 0 {
                return Err(ConfigError::Invalid {
                    key,
                    message: "must be positive".to_owned(),
                });
            }
        }
        if self.crawl.per_host_concurrency > 16 {
            return Err(ConfigError::Invalid {
                key: "crawl.per_host_concurrency",
                message: "at most 16: this is someone else's server".to_owned(),
            });
        }
        if self.index_dir.as_os_str().is_empty() {
            return Err(ConfigError::Invalid {
                key: "index_dir",
                message: "must not be empty".to_owned(),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_work_without_a_file() {
        let c = Config::default();
        c.validate().unwrap();
        assert_eq!(c.index_dir, Path::new("index"));
    }

    #[test]
    fn unknown_keys_are_errors() {
        let err = Config::from_toml("index_dri = \"x\"").unwrap_err();
        assert!(err.contains("index_dri"), "{err}");
        let err = Config::from_toml("[server]\nadr = \"x\"").unwrap_err();
        assert!(err.contains("adr"), "{err}");
    }

    #[test]
    fn file_then_env() {
        let mut c =
            Config::from_toml("index_dir = \"/a\"\n[server]\naddr = \"0.0.0.0:9000\"").unwrap();
        assert_eq!(c.server.addr, "0.0.0.0:9000");
        assert_eq!(c.server.request_timeout_ms, 10_000);
        c.apply_env(|k| (k == "TRACUU_INDEX_DIR").then(|| "/b".to_owned()))
            .unwrap();
        assert_eq!(c.index_dir, Path::new("/b"));
    }

    #[test]
    fn validation_names_the_key() {
        let mut c = Config::default();
        c.server.addr = "nonsense".into();
        let err = c.validate().unwrap_err().to_string();
        assert!(err.contains("server.addr"), "{err}");
        let mut c = Config::default();
        c.server.public_url = Some("ftp://x".into());
        let err = c.validate().unwrap_err().to_string();
        assert!(err.contains("server.public_url"), "{err}");
        let mut c = Config::default();
        c.server.page_cache_mb = u64::MAX;
        let err = c.validate().unwrap_err().to_string();
        assert!(err.contains("server.page_cache_mb"), "{err}");
    }

    #[test]
    fn crawl_section_is_validated_by_key() {
        let c = Config::from_toml("[crawl]\nmin_delay_ms = 0\nschedule_seconds = 3600").unwrap();
        c.validate().unwrap();
        assert_eq!(c.crawl.schedule_seconds, Some(3600));
        let err = Config::from_toml("[crawl]\ndelay = 1").unwrap_err();
        assert!(err.contains("delay"), "{err}");
        let mut c = Config::default();
        c.crawl.index_url = "phapdien".into();
        let err = c.validate().unwrap_err().to_string();
        assert!(err.contains("crawl.index_url"), "{err}");
        let mut c = Config::default();
        c.crawl.per_host_concurrency = 0;
        let err = c.validate().unwrap_err().to_string();
        assert!(err.contains("crawl.per_host_concurrency"), "{err}");
    }

    #[test]
    fn public_url_defaults_to_the_address() {
        let mut c = Config::default();
        assert_eq!(c.server.public_url(), "http://127.0.0.1:8080");
        c.server.public_url = Some("https://tracuu.example.vn/".into());
        assert_eq!(c.server.public_url(), "https://tracuu.example.vn");
    }
}
