//! The portal in a real browser: headless Chromium, driven over WebDriver (chromedriver, through
//! fantoccini), walks the site as a person would on a desktop and on a phone-sized screen (home,
//! a search submitted through the form, a document, an article's permalink, a đề mục page, a
//! search with no result, a 404), saves a screenshot of each page, and runs axe-core on each:
//! any serious or critical accessibility violation fails the test with the list.
//!
//! Needs Debian's `chromium` and `chromium-driver` and `npm ci --prefix tests/browser` (axe-core,
//! pinned in `tests/browser/package-lock.json`); `.ci/run` installs them. Without them the test
//! says so on stderr and passes, unless `TRACUU_REQUIRE_BROWSER=1` (set by `.ci/run`), which makes
//! a missing tool a failure. Screenshots and the axe report go to `<target>/browser/`.

use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr, TcpListener as StdListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

use tracuu::config::ServerConfig;
use tracuu::web::{self, AppState};

use crate::support::content_index_dir;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const INSTALL_HINT: &str =
    "apt-get install chromium chromium-driver && npm ci --prefix tests/browser";

/// Impacts that fail the test; "moderate" and "minor" ones are reported only.
const FAILING_IMPACTS: &[&str] = &["serious", "critical"];

/// A screen to walk the site on: its name (used in file names) and size in CSS pixels.
pub struct Viewport {
    pub name: &'static str,
    width: u32,
    height: u32,
    /// Emulate a phone (touch, mobile user agent) rather than size a desktop window.
    mobile: bool,
}

pub const VIEWPORTS: &[Viewport] = &[
    Viewport {
        name: "desktop",
        width: 1280,
        height: 900,
        mobile: false,
    },
    Viewport {
        name: "phone",
        width: 390,
        height: 844,
        mobile: true,
    },
];

/// Writes straight to the process's stderr, past the test harness's capture, so that a skip or
/// the list of screenshots shows in `cargo test`'s output.
pub fn say(message: &str) {
    let _ = writeln!(std::io::stderr(), "{message}");
}

pub struct Tools {
    pub chromium: PathBuf,
    pub chromedriver: PathBuf,
    pub axe: String,
}

fn env_path(var: &str, default: &str) -> PathBuf {
    std::env::var_os(var).map_or_else(|| PathBuf::from(default), PathBuf::from)
}

pub fn find_tools() -> Result<Tools, String> {
    let chromium = env_path("TRACUU_CHROMIUM", CHROMIUM);
    let chromedriver = env_path("TRACUU_CHROMEDRIVER", CHROMEDRIVER);
    let axe_path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/browser/node_modules/axe-core/axe.min.js");
    let mut missing = Vec::new();
    for (what, path) in [("chromium", &chromium), ("chromedriver", &chromedriver)] {
        if !path.is_file() {
            missing.push(format!("{what} ({})", path.display()));
        }
    }
    let axe = std::fs::read_to_string(&axe_path).unwrap_or_else(|_| {
        missing.push(format!("axe-core ({})", axe_path.display()));
        String::new()
    });
    if missing.is_empty() {
        Ok(Tools {
            chromium,
            chromedriver,
            axe,
        })
    } else {
        Err(format!("missing {}", missing.join(", ")))
    }
}

/// Where screenshots and the report go: `<target>/browser/`.
pub fn output_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("target"),
        PathBuf::from,
    );
    target.join("browser")
}

fn free_port() -> u16 {
    StdListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .expect("a free local port")
        .port()
}

/// chromedriver, killed when dropped (also when the test fails).
pub struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    pub fn start(path: &Path) -> Driver {
        let port = free_port();
        let child = Command::new(path)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", path.display()));
        let driver = Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "chromedriver did not listen on {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        driver
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub async fn open_browser(driver: &Driver, chromium: &Path, vp: &Viewport) -> Client {
    let mut options = json!({
        "binary": chromium,
        "args": [
            "--headless=new",
            "--no-sandbox",
            "--disable-dev-shm-usage",
            "--disable-gpu",
            "--hide-scrollbars",
            "--lang=vi",
            format!("--window-size={},{}", vp.width, vp.height),
        ],
    });
    if vp.mobile {
        options["mobileEmulation"] = json!({
            "deviceMetrics": { "width": vp.width, "height": vp.height, "pixelRatio": 1.0, "touch": true },
        });
    }
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), json!("chrome"));
    caps.insert("goog:chromeOptions".into(), options);
    let client = ClientBuilder::new(HttpConnector::new())
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .unwrap_or_else(|e| panic!("a chromium session through {}: {e}", driver.url));
    client
        .update_timeouts(fantoccini::wd::TimeoutConfiguration::new(
            Some(Duration::from_secs(60)),
            Some(Duration::from_secs(30)),
            Some(Duration::ZERO),
        ))
        .await
        .expect("timeouts");
    client
}

/// One page's axe result: every violation, and whether it fails the test.
pub struct Audit {
    page: String,
    violations: Vec<Value>,
}

impl Audit {
    pub fn failing(&self) -> impl Iterator<Item = &Value> {
        self.violations
            .iter()
            .filter(|v| FAILING_IMPACTS.contains(&v["impact"].as_str().unwrap_or("")))
    }
}

/// Runs axe-core on the current page. The script is injected through WebDriver, which the
/// page's CSP does not govern; the page's own CSP stays as served (checked in [`csp_holds`]).
pub async fn audit(client: &Client, axe: &str, page: &str) -> Audit {
    let loaded = client
        .execute(&format!("{axe}\n;return typeof window.axe;"), vec![])
        .await
        .expect("injecting axe-core");
    assert_eq!(loaded, json!("object"), "{page}: axe-core did not load");
    let result = client
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
               axe.run(document, { resultTypes: ["violations"] })
                 .then(r => done(r.violations.map(v => ({
                     id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                     nodes: v.nodes.map(n => ({ target: n.target, html: n.html.slice(0, 200),
                                                summary: n.failureSummary }))
                 }))))
                 .catch(e => done({ error: String(e) }));"#,
            vec![],
        )
        .await
        .expect("running axe-core");
    let violations = match result {
        Value::Array(v) => v,
        other => panic!("{page}: axe-core failed: {other}"),
    };
    Audit {
        page: page.to_owned(),
        violations,
    }
}

/// The page's CSP is in force: an inline script added to it does not run.
pub async fn csp_holds(client: &Client) -> bool {
    client
        .execute(
            r#"const s = document.createElement("script");
               s.textContent = "window.__inlineRan = true;";
               document.head.appendChild(s);
               return window.__inlineRan === true;"#,
            vec![],
        )
        .await
        .expect("inline script probe")
        == json!(false)
}

pub async fn path_of(client: &Client) -> String {
    let url = client.current_url().await.expect("current url");
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    }
}

pub async fn text_of(client: &Client, css: &str) -> String {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .text()
        .await
        .expect("element text")
}

pub async fn click(client: &Client, css: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("clicking {css}: {e}"));
}

/// Waits until the browser has left `from` (a link or a form was followed).
pub async fn wait_left(client: &Client, from: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let now = path_of(client).await;
        let ready = client
            .execute("return document.readyState;", vec![])
            .await
            .expect("readyState");
        if now != from && ready == json!("complete") {
            return now;
        }
        assert!(Instant::now() < deadline, "still on {from}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub struct Walk<'a> {
    pub client: Client,
    pub base: String,
    pub axe: &'a str,
    pub viewport: &'static str,
    pub dir: PathBuf,
    pub shots: Vec<PathBuf>,
    pub audits: Vec<Audit>,
}

impl Walk<'_> {
    /// Screenshot and audit of the page the browser is on.
    pub async fn record(&mut self, name: &str) {
        let png = self.client.screenshot().await.expect("screenshot");
        let path = self.dir.join(format!("{}-{name}.png", self.viewport));
        std::fs::write(&path, png).expect("writing the screenshot");
        self.shots.push(path);
        let page = format!("{} {name} ({})", self.viewport, path_of(&self.client).await);
        // Two elements with one id break labels and in-page links (axe-core no longer checks).
        let twice = self
            .client
            .execute(
                r#"const seen = new Set(), twice = new Set();
                   for (const e of document.querySelectorAll("[id]")) {
                       (seen.has(e.id) ? twice : seen).add(e.id);
                   }
                   return [...twice];"#,
                vec![],
            )
            .await
            .expect("listing ids");
        assert_eq!(twice, json!([]), "{page}: ids used twice");
        self.audits.push(audit(&self.client, self.axe, &page).await);
    }

    pub async fn goto(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap_or_else(|e| panic!("{path}: {e}"));
    }

    async fn run(&mut self) {
        let c = self.client.clone();
        // Home.
        self.goto("/").await;
        assert_eq!(c.title().await.unwrap(), "Tra cứu pháp luật");
        let lang = c
            .execute("return document.documentElement.lang;", vec![])
            .await
            .unwrap();
        assert_eq!(lang, json!("vi"));
        assert!(
            csp_holds(&c).await,
            "an inline script ran: the CSP is not in force"
        );
        self.record("home").await;

        // The optional script fills suggestions as a person types (it runs under the CSP).
        let input = c.find(Locator::Css("#q")).await.expect("the search box");
        input.send_keys("hôn nhân").await.expect("typing");
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let n = c
                .execute(
                    "return document.querySelectorAll('#goi-y option').length;",
                    vec![],
                )
                .await
                .unwrap();
            if n.as_u64().unwrap_or(0) > 0 {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "no suggestion appeared under the search box"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        // Submit through the form, as a person would.
        input.clear().await.expect("clearing the box");
        input.send_keys("kết hôn").await.expect("typing");
        click(&c, "form.search button[type=submit]").await;
        let results = wait_left(&c, "/").await;
        assert!(results.starts_with("/tim-kiem?q="), "{results}");
        assert!(text_of(&c, "h1").await.contains("kết hôn"));
        let hits = c
            .find_all(Locator::Css("section.results ol.hits > li"))
            .await
            .unwrap();
        assert_eq!(hits.len(), 10, "ten results on the first page");
        self.record("search").await;

        // The first result: its document, with the query marked.
        click(&c, "section.results ol.hits > li h3 a").await;
        let document = wait_left(&c, &results).await;
        assert!(document.starts_with("/van-ban/"), "{document}");
        assert!(!c.find_all(Locator::Css("mark")).await.unwrap().is_empty());
        self.record("document").await;

        // An article's permalink from the document page.
        click(&c, "article.art a.perma").await;
        let article = wait_left(&c, &document).await;
        assert!(article.starts_with("/dieu/"), "{article}");
        assert!(text_of(&c, "h1").await.starts_with("Điều"));
        self.record("article").await;

        // Đề mục: the list, then one.
        self.goto("/de-muc").await;
        click(&c, "a[href='/de-muc/8.4']").await;
        let demuc = wait_left(&c, "/de-muc").await;
        assert_eq!(demuc, "/de-muc/8.4");
        assert_eq!(text_of(&c, "h1").await, "Hôn nhân và gia đình");
        self.record("de-muc").await;

        // A search that finds nothing, and an address that names nothing.
        self.goto("/tim-kiem?q=x%E1%BB%B3zzyq+w%E1%BB%B1bbl").await;
        assert!(
            c.source()
                .await
                .unwrap()
                .contains("Không tìm thấy kết quả phù hợp")
        );
        self.record("khong-ket-qua").await;
        self.goto("/khong-co-trang-nay").await;
        assert!(text_of(&c, "main").await.contains("Không tìm thấy trang"));
        self.record("404").await;

        // The audit can fail: the same page without its language is a serious violation.
        c.execute("document.documentElement.removeAttribute('lang');", vec![])
            .await
            .unwrap();
        let broken = audit(&c, self.axe, "404 without lang").await;
        assert!(
            broken.failing().any(|v| v["id"] == "html-has-lang"),
            "axe-core did not flag a page without lang: {:?}",
            broken.violations
        );

        // Nothing is wider than the screen (no sideways scrolling on a phone).
        self.fit_the_screen(&["/", &results, &document, &article])
            .await;
    }

    /// No page of `paths` is wider than the screen.
    async fn fit_the_screen(&self, paths: &[&str]) {
        for path in paths {
            self.goto(path).await;
            let overflow = self
                .client
                .execute(
                    "return document.documentElement.scrollWidth - window.innerWidth;",
                    vec![],
                )
                .await
                .unwrap();
            assert!(
                overflow.as_i64().unwrap_or(0) <= 0,
                "{} {path}: the page is {overflow} px wider than the screen",
                self.viewport
            );
        }
    }
}

impl Walk<'_> {
    /// Administrative procedures: a question typed the way people write it, the results
    /// narrowed to what can be done online, then the first procedure's page.
    async fn run_procedures(&mut self) {
        let c = self.client.clone();
        self.goto("/thu-tuc").await;
        assert_eq!(text_of(&c, "h1").await, "Thủ tục hành chính");
        let input = c.find(Locator::Css("#q")).await.expect("the search box");
        input
            .send_keys("lam giay khai sinh cho con")
            .await
            .expect("typing");
        click(&c, "form.search button[type=submit]").await;
        let results = wait_left(&c, "/thu-tuc").await;
        assert!(results.starts_with("/thu-tuc?q="), "{results}");
        let first = text_of(&c, "section.results ol.hits > li h3 a").await;
        assert!(first.contains("khai sinh"), "first result: {first}");
        assert!(
            text_of(&c, "section.results p.note")
                .await
                .contains("đăng ký khai sinh"),
            "the lexicon's official wording is shown"
        );
        self.record("thu-tuc").await;

        // The channel filter: only procedures that can be done online, with its count.
        click(&c, "aside.facets a[href*='kenh=truc-tuyen']").await;
        let filtered = wait_left(&c, &results).await;
        assert!(filtered.contains("kenh=truc-tuyen"), "{filtered}");
        assert!(
            !c.find_all(Locator::Css("a[aria-label^='Bỏ lọc']"))
                .await
                .unwrap()
                .is_empty(),
            "the active filter can be removed"
        );
        let hits = c
            .find_all(Locator::Css("section.results ol.hits > li"))
            .await
            .unwrap();
        assert!(!hits.is_empty(), "no procedure left after the filter");
        self.record("thu-tuc-truc-tuyen").await;

        // The first procedure: deadline and fee per channel, the dossier as a checklist, the
        // law it rests on.
        click(&c, "section.results ol.hits > li h3 a").await;
        let detail = wait_left(&c, &filtered).await;
        assert!(detail.starts_with("/thu-tuc/"), "{detail}");
        assert!(text_of(&c, "h1").await.contains("khai sinh"));
        for css in ["#cach-nop", "#ho-so", "#can-cu", "input[type=checkbox]"] {
            c.find(Locator::Css(css))
                .await
                .unwrap_or_else(|e| panic!("{detail}: no {css}: {e}"));
        }
        self.record("thu-tuc-chi-tiet").await;

        self.fit_the_screen(&[&results, &filtered, &detail]).await;
    }
}

pub fn describe(v: &Value) -> String {
    let nodes: Vec<String> = v["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .take(5)
        .map(|n| format!("      {} {}", n["target"], n["html"].as_str().unwrap_or("")))
        .collect();
    format!(
        "    [{}] {}: {} ({})\n{}",
        v["impact"].as_str().unwrap_or("?"),
        v["id"].as_str().unwrap_or("?"),
        v["help"].as_str().unwrap_or(""),
        v["helpUrl"].as_str().unwrap_or(""),
        nodes.join("\n")
    )
}

/// The tools, or `None` after saying why the test is skipped; a failure instead under
/// `TRACUU_REQUIRE_BROWSER=1`.
pub fn tools_or_skip(test: &str) -> Option<Tools> {
    match find_tools() {
        Ok(t) => Some(t),
        Err(missing) => {
            let required = std::env::var("TRACUU_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
            assert!(
                !required,
                "TRACUU_REQUIRE_BROWSER=1 but the browser test cannot run: {missing}. Install: {INSTALL_HINT}"
            );
            say(&format!(
                "{test} SKIPPED: {missing}. Install: {INSTALL_HINT} (TRACUU_REQUIRE_BROWSER=1 makes this a failure)"
            ));
            None
        }
    }
}

/// Writes the axe report of `audits` to `<dir>/{report}`, lists the screenshots and every
/// violation on stderr, and fails on any serious or critical one.
pub fn conclude(test: &str, report: &str, dir: &Path, shots: &[PathBuf], audits: &[Audit]) {
    let json: Vec<Value> = audits
        .iter()
        .map(|a| json!({ "page": a.page, "violations": a.violations }))
        .collect();
    let report_path = dir.join(report);
    std::fs::write(&report_path, serde_json::to_vec_pretty(&json).unwrap())
        .expect("writing the axe report");
    let mut listing = vec![format!(
        "{test}: {} pages audited with axe-core; screenshots and {}:",
        audits.len(),
        report_path.display()
    )];
    listing.extend(shots.iter().map(|p| format!("  {}", p.display())));
    for a in audits {
        for v in &a.violations {
            listing.push(format!("  {}: {}", a.page, describe(v).trim_start()));
        }
    }
    say(&listing.join("\n"));

    let failures: Vec<String> = audits
        .iter()
        .flat_map(|a| {
            a.failing()
                .map(move |v| format!("  {}\n{}", a.page, describe(v)))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} serious or critical accessibility violations:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_in_chromium_are_accessible() {
    walk_in_chromium(Flow::Portal).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn procedure_pages_in_chromium_are_accessible() {
    walk_in_chromium(Flow::Procedures).await;
}

/// A walk through one part of the site.
#[derive(Debug, Clone, Copy)]
enum Flow {
    Portal,
    Procedures,
}

/// Serves the starter index, walks `flow` on each viewport with screenshots and axe-core, and
/// fails on any serious or critical violation.
async fn walk_in_chromium(flow: Flow) {
    let (test, subdir) = match flow {
        Flow::Portal => ("browser test", ""),
        Flow::Procedures => ("browser test of the procedures", "procedures"),
    };
    let Some(tools) = tools_or_skip(test) else {
        return;
    };

    // The portal on the starter index, on a free port.
    let state = AppState::open(content_index_dir(), &ServerConfig::default()).expect("index");
    let listener = tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
        .await
        .expect("a local port");
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move { axum::serve(listener, web::router(state)).await });

    let dir = output_dir().join(subdir);
    std::fs::create_dir_all(&dir).expect("screenshot directory");
    let driver = Driver::start(&tools.chromedriver);
    let mut shots = Vec::new();
    let mut audits = Vec::new();
    for vp in VIEWPORTS {
        let client = open_browser(&driver, &tools.chromium, vp).await;
        let mut walk = Walk {
            client: client.clone(),
            base: base.clone(),
            axe: &tools.axe,
            viewport: vp.name,
            dir: dir.clone(),
            shots: Vec::new(),
            audits: Vec::new(),
        };
        match flow {
            Flow::Portal => walk.run().await,
            Flow::Procedures => walk.run_procedures().await,
        }
        shots.append(&mut walk.shots);
        audits.append(&mut walk.audits);
        client.close().await.expect("closing the session");
    }
    drop(driver);
    server.abort();
    conclude(test, "axe.json", &dir, &shots, &audits);
}
