//! Fetching, politely: robots.txt honoured (and its Crawl-delay), a User-Agent that names us and
//! how to reach us, at most `per_host_concurrency` requests in flight per host and at least
//! `min_delay` between their starts, a timeout per request, retries with exponential backoff and
//! jitter on timeouts, connection errors, 429 and 5xx (waiting as long as Retry-After asks, up to
//! a cap), a cap on body size and on redirects, conditional GET, and decoding by the declared
//! charset with the BOM removed. The only module besides `web` that speaks HTTP, and only as a
//! client.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{
    CONTENT_LENGTH, CONTENT_TYPE, ETAG, HeaderMap, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED,
    RETRY_AFTER,
};
use reqwest::{StatusCode, Url};
use tokio::sync::Semaphore;

/// Politeness and limits. The defaults suit a public government site.
#[derive(Debug, Clone, PartialEq)]
pub struct FetchPolicy {
    pub user_agent: String,
    pub per_host_concurrency: usize,
    pub min_delay: Duration,
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// Attempts after the first.
    pub retries: u32,
    pub backoff_base: Duration,
    pub backoff_max: Duration,
    /// The longest Retry-After honoured; a server asking for more fails the page.
    pub retry_after_max: Duration,
    pub max_page_bytes: u64,
    pub max_redirects: usize,
}

pub const DEFAULT_PER_HOST_CONCURRENCY: usize = 2;
pub const DEFAULT_MIN_DELAY: Duration = Duration::from_millis(1000);
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
pub const DEFAULT_RETRIES: u32 = 3;
pub const DEFAULT_BACKOFF_BASE: Duration = Duration::from_millis(500);
pub const DEFAULT_BACKOFF_MAX: Duration = Duration::from_secs(30);
pub const DEFAULT_RETRY_AFTER_MAX: Duration = Duration::from_secs(120);
/// The largest real page is about 4 MB.
pub const DEFAULT_MAX_PAGE_BYTES: u64 = 16 * 1024 * 1024;
pub const DEFAULT_MAX_REDIRECTS: usize = 5;

impl FetchPolicy {
    /// The defaults, with a User-Agent naming the crawler and `contact_url`.
    pub fn new(contact_url: &str) -> FetchPolicy {
        FetchPolicy {
            user_agent: format!(
                "tracuu-crawler/{} (+{contact_url})",
                env!("CARGO_PKG_VERSION")
            ),
            per_host_concurrency: DEFAULT_PER_HOST_CONCURRENCY,
            min_delay: DEFAULT_MIN_DELAY,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            retries: DEFAULT_RETRIES,
            backoff_base: DEFAULT_BACKOFF_BASE,
            backoff_max: DEFAULT_BACKOFF_MAX,
            retry_after_max: DEFAULT_RETRY_AFTER_MAX,
            max_page_bytes: DEFAULT_MAX_PAGE_BYTES,
            max_redirects: DEFAULT_MAX_REDIRECTS,
        }
    }
}

/// Validators from the last fetch, for a conditional GET.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetched {
    /// 304: the page is as it was.
    NotModified,
    Page {
        /// Decoded text, BOM removed.
        text: String,
        /// The bytes as received, for the page hash.
        bytes: Vec<u8>,
        validators: Validators,
    },
}

/// Why a URL could not be fetched: each says what happened in words a log reader understands.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum FetchError {
    #[error("{url}: not a valid http(s) URL")]
    BadUrl { url: String },
    #[error("{url}: disallowed by robots.txt")]
    Disallowed { url: String },
    #[error("{url}: robots.txt could not be read ({reason}); not crawling the host")]
    RobotsUnavailable { url: String, reason: String },
    #[error("{url}: HTTP {status}")]
    Status { url: String, status: u16 },
    #[error("{url}: HTTP {status} after {attempts} attempts")]
    GaveUp {
        url: String,
        status: u16,
        attempts: u32,
    },
    #[error("{url}: timed out after {attempts} attempts ({timeout_ms} ms each)")]
    Timeout {
        url: String,
        attempts: u32,
        timeout_ms: u64,
    },
    #[error("{url}: {reason} (after {attempts} attempts)")]
    Network {
        url: String,
        reason: String,
        attempts: u32,
    },
    #[error("{url}: more than {limit} redirects")]
    Redirects { url: String, limit: usize },
    #[error("{url}: page larger than {limit} bytes")]
    TooLarge { url: String, limit: u64 },
    #[error("{url}: body ended early ({reason})")]
    Truncated { url: String, reason: String },
    #[error("{url}: content type {found:?}, expected HTML or text")]
    ContentType { url: String, found: String },
    #[error("{url}: Retry-After asks for {asked_s} s, more than the {max_s} s we wait")]
    RetryAfterTooLong {
        url: String,
        asked_s: u64,
        max_s: u64,
    },
}

impl FetchError {
    /// True when the page is gone from the site (404, 410), as opposed to failing.
    pub fn is_gone(&self) -> bool {
        matches!(
            self,
            FetchError::Status {
                status: 404 | 410,
                ..
            }
        )
    }
}

enum Robots {
    Rules(texting_robots::Robot),
    AllowAll,
    Unavailable(String),
}

struct Host {
    permits: Semaphore,
    /// When the next request to this host may start.
    next_start: tokio::sync::Mutex<Instant>,
    robots: tokio::sync::OnceCell<Robots>,
}

pub struct Fetcher {
    client: reqwest::Client,
    policy: FetchPolicy,
    hosts: Mutex<HashMap<String, Arc<Host>>>,
}

/// One attempt's outcome, before the retry decision.
enum Attempt {
    Done(Result<Fetched, FetchError>),
    Retry {
        status: Option<u16>,
        wait: Option<Duration>,
        error: FetchError,
    },
}

impl Fetcher {
    pub fn new(policy: FetchPolicy) -> Result<Fetcher, FetchError> {
        let client = reqwest::Client::builder()
            .user_agent(&policy.user_agent)
            .timeout(policy.timeout)
            .connect_timeout(policy.connect_timeout)
            .redirect(reqwest::redirect::Policy::limited(policy.max_redirects))
            .build()
            .map_err(|e| FetchError::Network {
                url: String::new(),
                reason: format!("HTTP client: {e}"),
                attempts: 0,
            })?;
        Ok(Fetcher {
            client,
            policy,
            hosts: Mutex::new(HashMap::new()),
        })
    }

    pub fn policy(&self) -> &FetchPolicy {
        &self.policy
    }

    fn host(&self, url: &Url) -> Arc<Host> {
        let key = format!(
            "{}://{}:{}",
            url.scheme(),
            url.host_str().unwrap_or(""),
            url.port_or_known_default().unwrap_or(0)
        );
        let mut hosts = self.hosts.lock().unwrap_or_else(|p| p.into_inner());
        hosts
            .entry(key)
            .or_insert_with(|| {
                Arc::new(Host {
                    permits: Semaphore::new(self.policy.per_host_concurrency.max(1)),
                    next_start: tokio::sync::Mutex::new(Instant::now()),
                    robots: tokio::sync::OnceCell::new(),
                })
            })
            .clone()
    }

    /// GETs `url` (conditionally when `validators` has any), within the policy.
    pub async fn fetch(&self, url: &str, validators: &Validators) -> Result<Fetched, FetchError> {
        let parsed = Url::parse(url)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
            .ok_or_else(|| FetchError::BadUrl {
                url: url.to_owned(),
            })?;
        let host = self.host(&parsed);
        let robots = host
            .robots
            .get_or_init(|| self.load_robots(&parsed, &host))
            .await;
        let crawl_delay = match robots {
            Robots::Rules(r) => {
                if !r.allowed(url) {
                    return Err(FetchError::Disallowed {
                        url: url.to_owned(),
                    });
                }
                r.delay.map(|s| Duration::from_secs_f32(s.clamp(0.0, 60.0)))
            }
            Robots::AllowAll => None,
            Robots::Unavailable(reason) => {
                return Err(FetchError::RobotsUnavailable {
                    url: url.to_owned(),
                    reason: reason.clone(),
                });
            }
        };
        let delay = crawl_delay.map_or(self.policy.min_delay, |d| d.max(self.policy.min_delay));
        let mut attempts = 0;
        loop {
            attempts += 1;
            let outcome = {
                let _permit = host
                    .permits
                    .acquire()
                    .await
                    .map_err(|_| FetchError::Network {
                        url: url.to_owned(),
                        reason: "fetcher closed".to_owned(),
                        attempts,
                    })?;
                wait_turn(&host, delay).await;
                self.attempt(&parsed, validators).await
            };
            match outcome {
                Attempt::Done(result) => return result,
                Attempt::Retry {
                    status,
                    wait,
                    error,
                } => {
                    if attempts > self.policy.retries {
                        return Err(match (error, status) {
                            (FetchError::Timeout { .. }, _) => FetchError::Timeout {
                                url: url.to_owned(),
                                attempts,
                                timeout_ms: self.policy.timeout.as_millis() as u64,
                            },
                            (FetchError::Network { reason, .. }, None) => FetchError::Network {
                                url: url.to_owned(),
                                reason,
                                attempts,
                            },
                            (e, None) => e,
                            (_, Some(status)) => FetchError::GaveUp {
                                url: url.to_owned(),
                                status,
                                attempts,
                            },
                        });
                    }
                    if let Some(w) = wait
                        && w > self.policy.retry_after_max
                    {
                        return Err(FetchError::RetryAfterTooLong {
                            url: url.to_owned(),
                            asked_s: w.as_secs(),
                            max_s: self.policy.retry_after_max.as_secs(),
                        });
                    }
                    let backoff = backoff(&self.policy, attempts);
                    let pause = wait.map_or(backoff, |w| w.max(backoff));
                    tracing::debug!(url, attempts, pause_ms = pause.as_millis() as u64, error = %error, "retrying");
                    tokio::time::sleep(pause).await;
                }
            }
        }
    }

    async fn load_robots(&self, url: &Url, host: &Host) -> Robots {
        let mut robots_url = url.clone();
        robots_url.set_path("/robots.txt");
        robots_url.set_query(None);
        robots_url.set_fragment(None);
        let mut last = String::new();
        for attempt in 0..=self.policy.retries {
            if attempt > 0 {
                tokio::time::sleep(backoff(&self.policy, attempt)).await;
            }
            wait_turn(host, self.policy.min_delay).await;
            match self.attempt(&robots_url, &Validators::default()).await {
                Attempt::Done(Ok(Fetched::Page { bytes, .. })) => {
                    return match texting_robots::Robot::new(&self.policy.user_agent, &bytes) {
                        Ok(r) => Robots::Rules(r),
                        // Unparseable rules say nothing: like a missing file (RFC 9309 §2.3.1.3
                        // treats an unreadable file by its status, and this one was served).
                        Err(_) => Robots::AllowAll,
                    };
                }
                Attempt::Done(Ok(Fetched::NotModified)) => return Robots::AllowAll,
                // 4xx: no rules, everything allowed (RFC 9309 §2.3.1.3).
                Attempt::Done(Err(FetchError::Status { status, .. }))
                    if (400..500).contains(&status) =>
                {
                    return Robots::AllowAll;
                }
                Attempt::Done(Err(e)) => return Robots::Unavailable(e.to_string()),
                // 5xx and unreachable: assume complete disallow, after retrying (§2.3.1.4).
                Attempt::Retry { error, .. } => last = error.to_string(),
            }
        }
        Robots::Unavailable(last)
    }

    async fn attempt(&self, url: &Url, validators: &Validators) -> Attempt {
        let u = url.as_str();
        let mut request = self.client.get(url.clone());
        if let Some(etag) = &validators.etag {
            request = request.header(IF_NONE_MATCH, etag);
        }
        if let Some(lm) = &validators.last_modified {
            request = request.header(IF_MODIFIED_SINCE, lm);
        }
        let mut response = match request.send().await {
            Ok(r) => r,
            Err(e) => return classify(u, &e, self.policy.max_redirects),
        };
        let status = response.status();
        if status == StatusCode::NOT_MODIFIED {
            return Attempt::Done(Ok(Fetched::NotModified));
        }
        if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
            return Attempt::Retry {
                status: Some(status.as_u16()),
                wait: retry_after(response.headers()),
                error: FetchError::Status {
                    url: u.to_owned(),
                    status: status.as_u16(),
                },
            };
        }
        if !status.is_success() {
            return Attempt::Done(Err(FetchError::Status {
                url: u.to_owned(),
                status: status.as_u16(),
            }));
        }
        let headers = response.headers().clone();
        let content_type = header(&headers, CONTENT_TYPE).unwrap_or_default();
        let mime = content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if !(mime.is_empty() || mime.starts_with("text/") || mime == "application/xhtml+xml") {
            return Attempt::Done(Err(FetchError::ContentType {
                url: u.to_owned(),
                found: content_type,
            }));
        }
        let limit = self.policy.max_page_bytes;
        let declared_len = header(&headers, CONTENT_LENGTH).and_then(|v| v.parse::<u64>().ok());
        if declared_len.is_some_and(|n| n > limit) {
            return Attempt::Done(Err(FetchError::TooLarge {
                url: u.to_owned(),
                limit,
            }));
        }
        let mut bytes: Vec<u8> = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if bytes.len() as u64 + chunk.len() as u64 > limit {
                        return Attempt::Done(Err(FetchError::TooLarge {
                            url: u.to_owned(),
                            limit,
                        }));
                    }
                    bytes.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) if e.is_timeout() => {
                    return Attempt::Retry {
                        status: None,
                        wait: None,
                        error: FetchError::Timeout {
                            url: u.to_owned(),
                            attempts: 1,
                            timeout_ms: self.policy.timeout.as_millis() as u64,
                        },
                    };
                }
                Err(e) => {
                    // A connection closed before Content-Length bytes arrived.
                    return Attempt::Retry {
                        status: None,
                        wait: None,
                        error: FetchError::Truncated {
                            url: u.to_owned(),
                            reason: error_chain(&e),
                        },
                    };
                }
            }
        }
        if let Some(n) = declared_len
            && (bytes.len() as u64) < n
        {
            return Attempt::Retry {
                status: None,
                wait: None,
                error: FetchError::Truncated {
                    url: u.to_owned(),
                    reason: format!("{} of {n} bytes", bytes.len()),
                },
            };
        }
        let text = decode(&bytes, &content_type);
        Attempt::Done(Ok(Fetched::Page {
            text,
            bytes,
            validators: Validators {
                etag: header(&headers, ETAG),
                last_modified: header(&headers, LAST_MODIFIED),
            },
        }))
    }
}

async fn wait_turn(host: &Host, delay: Duration) {
    let mut next = host.next_start.lock().await;
    let now = Instant::now();
    if *next > now {
        tokio::time::sleep_until((*next).into()).await;
    }
    *next = Instant::now() + delay;
}

fn header(headers: &HeaderMap, name: reqwest::header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

/// Retry-After as seconds or an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = header(headers, RETRY_AFTER)?;
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(&value).ok()?;
    Some(at.duration_since(SystemTime::now()).unwrap_or_default())
}

/// Exponential backoff with jitter: base × 2^(attempt-1), capped, times a random factor in
/// [0.5, 1], so that clients that failed together do not retry together.
fn backoff(policy: &FetchPolicy, attempt: u32) -> Duration {
    let exp = policy
        .backoff_base
        .saturating_mul(1u32 << attempt.saturating_sub(1).min(16))
        .min(policy.backoff_max);
    exp.mul_f64(rand::random_range(0.5..=1.0))
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

fn classify(url: &str, e: &reqwest::Error, max_redirects: usize) -> Attempt {
    if e.is_redirect() {
        return Attempt::Done(Err(FetchError::Redirects {
            url: url.to_owned(),
            limit: max_redirects,
        }));
    }
    let error = if e.is_timeout() {
        FetchError::Timeout {
            url: url.to_owned(),
            attempts: 1,
            timeout_ms: 0,
        }
    } else {
        FetchError::Network {
            url: url.to_owned(),
            reason: error_chain(e),
            attempts: 1,
        }
    };
    Attempt::Retry {
        status: None,
        wait: None,
        error,
    }
}

/// Text by the declared charset, else by BOM, else UTF-8; malformed sequences replaced, the BOM
/// removed.
pub fn decode(bytes: &[u8], content_type: &str) -> String {
    let declared = content_type
        .split(';')
        .filter_map(|p| p.trim().strip_prefix("charset="))
        .next()
        .map(|c| c.trim_matches('"'))
        .and_then(|label| encoding_rs::Encoding::for_label(label.as_bytes()))
        .unwrap_or(encoding_rs::UTF_8);
    // `decode` sniffs a BOM first (it wins over the label, as in browsers) and strips it.
    let (text, _, _) = declared.decode(bytes);
    text.into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding_strips_the_bom_and_follows_the_charset() {
        assert_eq!(decode("\u{feff}Đề mục".as_bytes(), "text/html"), "Đề mục");
        assert_eq!(decode(b"\xd0\xe8", "text/html; charset=windows-1258"), "Đè");
        assert_eq!(decode(b"ok \xff", ""), "ok \u{fffd}");
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let mut p = FetchPolicy::new("https://example.org");
        p.backoff_base = Duration::from_millis(100);
        p.backoff_max = Duration::from_millis(1000);
        for attempt in 1..20 {
            let d = backoff(&p, attempt);
            let full = (100u64 << (attempt - 1).min(16)).min(1000);
            assert!(
                d.as_millis() as u64 <= full && d.as_millis() as u64 >= full / 2 - 1,
                "{attempt}: {d:?}"
            );
        }
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, "7".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(7)));
        let later = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(60));
        h.insert(RETRY_AFTER, later.parse().unwrap());
        let d = retry_after(&h).unwrap();
        assert!(
            d > Duration::from_secs(55) && d <= Duration::from_secs(60),
            "{d:?}"
        );
        h.insert(RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(retry_after(&h), None);
    }
}
