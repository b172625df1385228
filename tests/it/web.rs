//! The portal through its router, in process (`oneshot`), over the starter index: every page and
//! API route, hostile and invalid input, the resolver, headers, page weight, and the switch to a
//! newly built index while serving.

use std::io::Read;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use axum::response::IntoResponse;
use tower::ServiceExt;

use tracuu::config::ServerConfig;
use tracuu::index;
use tracuu::web::{self, AppState, WebError};

use crate::support::{content_index_dir, load_content};

const PUBLIC_URL: &str = "https://tracuu.test";

fn config() -> ServerConfig {
    ServerConfig {
        public_url: Some(PUBLIC_URL.to_owned()),
        // The tests share one state: a page cached by one would change what another measures
        // (`Server-Timing`). The cache has its own test.
        page_cache_mb: 0,
        ..ServerConfig::default()
    }
}

pub(crate) fn state() -> AppState {
    static STATE: OnceLock<AppState> = OnceLock::new();
    STATE
        .get_or_init(|| AppState::open(content_index_dir(), &config()).expect("starter opens"))
        .clone()
}

pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: String,
}

impl Reply {
    pub(crate) fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    #[track_caller]
    pub(crate) fn has(&self, needle: &str) -> &Reply {
        assert!(
            self.body.contains(needle),
            "expected {needle:?} in the body (status {}):\n{}",
            self.status,
            excerpt(&self.body)
        );
        self
    }

    #[track_caller]
    pub(crate) fn lacks(&self, needle: &str) -> &Reply {
        assert!(
            !self.body.contains(needle),
            "did not expect {needle:?} in the body:\n{}",
            excerpt(&self.body)
        );
        self
    }
}

pub(crate) fn excerpt(body: &str) -> &str {
    let mut end = body.len().min(4000);
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    &body[..end]
}

async fn send_to(state: AppState, request: Request<Body>) -> Reply {
    let response = web::router(state)
        .oneshot(request)
        .await
        .expect("infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body");
    Reply {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

pub(crate) async fn get(uri: &str) -> Reply {
    send_to(state(), Request::get(uri).body(Body::empty()).unwrap()).await
}

#[track_caller]
pub(crate) fn expect_status(r: &Reply, status: StatusCode, uri: &str) {
    assert_eq!(r.status, status, "{uri}:\n{}", excerpt(&r.body));
}

pub(crate) fn is_html(r: &Reply) -> bool {
    r.header("content-type").starts_with("text/html")
}

pub(crate) fn is_json(r: &Reply) -> bool {
    r.header("content-type").starts_with("application/json")
}

/// Percent-encodes a query value.
pub(crate) fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

pub(crate) fn json(r: &Reply) -> serde_json::Value {
    serde_json::from_str(&r.body).unwrap_or_else(|e| panic!("{e}: {}", excerpt(&r.body)))
}

// ---------------------------------------------------------------- pages

#[tokio::test]
async fn home_page() {
    let r = get("/").await;
    expect_status(&r, StatusCode::OK, "/");
    assert!(is_html(&r));
    r.has(r#"<html lang="vi">"#)
        .has(r##"href="#noi-dung-chinh""##)
        .has(r#"<main id="noi-dung-chinh""#)
        .has(r#"action="/tim-kiem""#)
        .has(r#"<label for="q">"#)
        .has(r#"href="/de-muc/8.4">Hôn nhân và gia đình</a>"#)
        .has(&{
            let meta = &state().site().index.meta;
            let (n, d) = (meta.articles, meta.documents);
            assert!((1000..1_000_000).contains(&n) && d < 1000);
            format!("trong {}.{:03} điều của {d} văn bản", n / 1000, n % 1000)
        })
        .has("Văn bản mới cập nhật")
        .has(r#"href="/van-ban/"#)
        .lacks("<script>")
        .lacks("style=");
    // One h1, and no h3 before the first h2.
    assert_eq!(r.body.matches("<h1").count(), 1);
    assert!(r.body.find("<h2").unwrap() < r.body.find("<h3").unwrap_or(usize::MAX));
}

#[tokio::test]
async fn security_headers_and_request_ids() {
    let r = get("/").await;
    assert_eq!(
        r.header("content-security-policy"),
        web::CONTENT_SECURITY_POLICY
    );
    assert!(
        web::CONTENT_SECURITY_POLICY.contains("script-src 'self';")
            && !web::CONTENT_SECURITY_POLICY.contains("unsafe-inline")
    );
    assert_eq!(r.header("x-content-type-options"), "nosniff");
    assert!(!r.header("referrer-policy").is_empty());
    assert_eq!(r.header("x-request-id").len(), 36, "a generated UUID");
    // Errors carry them too, and a caller's id comes back.
    let r = send_to(
        state(),
        Request::get("/khong-co-trang-nay")
            .header("x-request-id", "abc-123")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.header("x-request-id"), "abc-123");
    assert_eq!(
        r.header("content-security-policy"),
        web::CONTENT_SECURITY_POLICY
    );
}

#[tokio::test]
async fn search_page_with_results() {
    let uri = format!("/tim-kiem?q={}", enc("kết hôn"));
    let r = get(&uri).await;
    expect_status(&r, StatusCode::OK, &uri);
    r.has("Kết quả tìm kiếm cho “kết hôn”")
        .has("<mark>")
        .has(r#"<meta name="robots" content="noindex">"#)
        .has("Lọc kết quả")
        .has("Loại văn bản")
        .has("&amp;loai=Luật")
        .has("Số hiệu 52/2014/QH13")
        .has(r#"class="badge s-con-hieu-luc""#)
        .has(r#"aria-label="Phân trang""#)
        .has("trang=2")
        .has("Mới nhất")
        .has("Trang riêng của điều này")
        .has(r##"<a class="to-facets" href="#loc">"##)
        .has(r#"href="/van-ban/52-2014-qh13?q=kết+hôn#d-"#);
    // Where the time went, for developer tools and the HTTP benchmark.
    let timing = r.header("server-timing");
    assert!(
        timing.starts_with("engine;dur=") && timing.contains(", render;dur="),
        "{timing}"
    );
    // Ten hits on the first page.
    assert_eq!(
        r.body.matches("<article>").count(),
        10,
        "{}",
        excerpt(&r.body)
    );
}

/// A results page asked for again comes from the page cache: the same page, gzip or not as
/// the request accepts; other questions, refusals and number jumps are not served from it.
#[tokio::test]
async fn a_search_page_asked_again_comes_from_the_cache() {
    let state = AppState::open(
        content_index_dir(),
        &ServerConfig {
            page_cache_mb: 4,
            ..config()
        },
    )
    .expect("starter opens");
    let fetch = |uri: String, gzip: bool| {
        let state = state.clone();
        async move {
            let mut request = Request::get(&uri);
            if gzip {
                request = request.header("accept-encoding", "gzip");
            }
            let response = web::router(state)
                .oneshot(request.body(Body::empty()).unwrap())
                .await
                .expect("infallible");
            let headers = response.headers().clone();
            let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .expect("body");
            (headers, bytes)
        }
    };
    let timing = |h: &HeaderMap| h["server-timing"].to_str().unwrap_or("").to_owned();
    let uri = format!("/tim-kiem?q={}", enc("nơi cư trú"));
    let (h, first) = fetch(uri.clone(), false).await;
    assert!(timing(&h).starts_with("engine;dur="), "{}", timing(&h));
    let (h, again) = fetch(uri.clone(), false).await;
    assert_eq!(timing(&h), "cache;desc=hit");
    assert!(h.get("content-encoding").is_none());
    assert_eq!(again, first);
    let (h, gzip) = fetch(uri.clone(), true).await;
    assert_eq!(timing(&h), "cache;desc=hit");
    assert_eq!(h["content-encoding"], "gzip");
    assert!(h["content-type"].to_str().unwrap().starts_with("text/html"));
    let mut html = Vec::new();
    flate2::read::GzDecoder::new(&gzip[..])
        .read_to_end(&mut html)
        .expect("gzip");
    assert_eq!(html, first);
    // Another question is not that page.
    let (h, _) = fetch(format!("/tim-kiem?q={}", enc("tạm trú")), false).await;
    assert!(timing(&h).starts_with("engine;dur="), "{}", timing(&h));
    // Refusals and jumps to a document are answered afresh each time.
    for uri in ["/tim-kiem?q=a&trang=0", "/tim-kiem?q=52%2F2014%2FQH13"] {
        for _ in 0..2 {
            let (h, _) = fetch(uri.to_owned(), false).await;
            assert!(h.get("server-timing").is_none(), "{uri}");
        }
    }
}

/// With the page cache off, a results page is still compressed once, by the page's own gzip
/// (`web::cache`), and the compression layer leaves it alone: one gzip member holding the page.
#[tokio::test]
async fn a_search_page_without_the_cache_is_sent_compressed_once() {
    let uri = format!("/tim-kiem?q={}", enc("đăng ký kết hôn"));
    let plain = get(&uri).await;
    expect_status(&plain, StatusCode::OK, &uri);
    let response = web::router(state())
        .oneshot(
            Request::get(&uri)
                .header("accept-encoding", "gzip")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .expect("infallible");
    assert_eq!(response.headers()["content-encoding"], "gzip");
    let gzip = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body");
    let mut html = String::new();
    flate2::read::GzDecoder::new(&gzip[..])
        .read_to_string(&mut html)
        .expect("one gzip member holding the page");
    assert_eq!(html, plain.body);
}

#[tokio::test]
async fn search_filters_sort_paging_and_grouping() {
    let base = format!("/tim-kiem?q={}", enc("kết hôn"));
    let filtered = format!("{base}&loai={}", enc("Luật"));
    let r = get(&filtered).await;
    expect_status(&r, StatusCode::OK, &filtered);
    r.has("Đang lọc:")
        .has(r#"aria-label="Bỏ lọc Loại văn bản: Luật""#)
        .lacks("Thông tư số");
    // Page 2 starts at rank 11; the previous-page link leads back.
    let page2 = format!("{base}&trang=2");
    get(&page2)
        .await
        .has(r#"<ol class="hits" start="11">"#)
        .has("Trang trước");
    let newest = format!("{base}&sap-xep=moi-nhat");
    get(&newest).await.has(r#"aria-current="true">Mới nhất"#);
    let grouped = format!("{base}&nhom=van-ban");
    get(&grouped)
        .await
        .has("điều khớp")
        .has(r#"aria-current="true">Theo văn bản"#);
}

#[tokio::test]
async fn hostile_query_is_escaped() {
    let q = "<script>alert(1)</script> kết hôn";
    let uri = format!("/tim-kiem?q={}", enc(q));
    let r = get(&uri).await;
    expect_status(&r, StatusCode::OK, &uri);
    r.lacks("<script>alert(1)")
        .has("&lt;script&gt;alert(1)&lt;/script&gt;");
    // Also where the query is echoed in links and on error pages.
    let uri = format!("/tim-kiem?q={}&trang=x", enc(q));
    let r = get(&uri).await;
    expect_status(&r, StatusCode::BAD_REQUEST, &uri);
    r.lacks("<script>alert(1)");
    let r = get("/so-hieu/%3Cscript%3Ealert(1)%3C%2Fscript%3E").await;
    expect_status(&r, StatusCode::NOT_FOUND, "so-hieu script");
    r.lacks("<script>alert(1)").has("&lt;script&gt;");
    let uri = format!("/van-ban/52-2014-qh13?q={}", enc(q));
    get(&uri).await.lacks("<script>alert(1)");
}

#[tokio::test]
async fn bad_parameters_give_the_form_again_in_vietnamese() {
    for (params, message) in [
        ("trang=-1", "Số trang phải là số nguyên dương"),
        ("trang=abc", "Số trang phải là số nguyên dương"),
        ("trang=0", "Số trang phải là số nguyên dương"),
        (
            "trang=99999999999999999999999999",
            "Chỉ xem được 500 kết quả đầu tiên",
        ),
        ("trang=51", "Chỉ xem được 500 kết quả đầu tiên"),
        ("nam=abcd", "Năm phải gồm 4 chữ số"),
        ("hieu-luc=bat-ky", "Trạng thái hiệu lực không hợp lệ"),
        ("sap-xep=ngau-nhien", "Cách sắp xếp không hợp lệ"),
    ] {
        let uri = format!("/tim-kiem?q={}&{params}", enc("ly hôn"));
        let r = get(&uri).await;
        expect_status(&r, StatusCode::BAD_REQUEST, &uri);
        assert!(is_html(&r));
        r.has(message)
            .has(r#"role="alert""#)
            .has(r#"name="q" value="ly hôn""#);
    }
    let r = get("/tim-kiem?q=").await;
    expect_status(&r, StatusCode::BAD_REQUEST, "q=");
    r.has("Vui lòng nhập nội dung cần tìm.");
    let long = "a ".repeat(600);
    let r = get(&format!("/tim-kiem?q={}", enc(&long))).await;
    expect_status(&r, StatusCode::BAD_REQUEST, "long q");
    r.has("tối đa 512 ký tự");
    // Without a query the page is the empty form, not an error.
    let r = get("/tim-kiem").await;
    expect_status(&r, StatusCode::OK, "/tim-kiem");
    r.has(r#"name="q""#).lacks(r#"role="alert""#);
}

#[tokio::test]
async fn a_number_query_jumps_to_its_document() {
    let r = get("/tim-kiem?q=52%2F2014%2FQH13").await;
    expect_status(&r, StatusCode::SEE_OTHER, "number");
    assert_eq!(r.header("location"), "/van-ban/52-2014-qh13");
    let r = get(&format!("/tim-kiem?q={}", enc("luật 52/2014"))).await;
    // "luật" is a word of the query: a list, with the document named at the top.
    expect_status(&r, StatusCode::OK, "luật 52/2014");
    r.has("Số hiệu bạn tìm là của văn bản")
        .has(r#"href="/van-ban/52-2014-qh13">Luật Hôn nhân và gia đình (52/2014/QH13)"#);
}

#[tokio::test]
async fn no_results_page_helps() {
    let uri = format!("/tim-kiem?q={}&loai={}", enc("xỳzzyq wựbbl"), enc("Luật"));
    let r = get(&uri).await;
    expect_status(&r, StatusCode::OK, &uri);
    r.has("Không tìm thấy kết quả phù hợp")
        .has("Bỏ bớt bộ lọc")
        .has("bỏ Loại văn bản: Luật")
        .has("Tìm không dấu")
        .has("xyzzyq wubbl</a>")
        .has(r#"href="/de-muc""#);
    let uri = format!("/tim-kiem?q={}", enc("44/2011/NĐ-CP"));
    get(&uri).await.has("Kiểm tra lại số hiệu");
}

#[tokio::test]
async fn document_page() {
    let r = get("/van-ban/52-2014-qh13").await;
    expect_status(&r, StatusCode::OK, "document");
    r.has("<h1>Luật Hôn nhân và gia đình</h1>")
        .has(r#"<link rel="canonical" href="/van-ban/52-2014-qh13">"#)
        .has(r#"<th scope="row">Số hiệu</th><td>52/2014/QH13</td>"#)
        .has(r#"<th scope="row">Cơ quan ban hành</th><td>Quốc hội</td>"#)
        .has(r#"<th scope="row">Ngày ban hành</th><td>19/06/2014</td>"#)
        .has(r#"<th scope="row">Người ký</th>"#)
        .has("Còn hiệu lực")
        .has(r#"href="http://vbpl.vn/TW/Pages/vbpq-toanvan.aspx?ItemID=36870""#)
        .has("Mục lục")
        .has("<summary>Chương I")
        .has(r#"<h2 id="chuong-1">Chương I"#)
        .has(r#"<article class="art" id="d-"#)
        .has(r#"href="/dieu/"#)
        .has("Liên kết cố định")
        .lacks("<mark>")
        .lacks("bản pháp điển cũ hơn");
    // Articles in the document's order: Điều 8 before Điều 9 before Điều 10.
    let at = |s: &str| r.body.find(s).unwrap_or_else(|| panic!("{s}"));
    assert!(at("Điều 8. Điều kiện kết hôn") < at("Điều 9. "));
    assert!(at("Điều 9. ") < at("Điều 10. "));
}

#[tokio::test]
async fn document_page_from_a_search_highlights_and_links_matches() {
    let uri = format!("/van-ban/52-2014-qh13?q={}", enc("tảo hôn"));
    let r = get(&uri).await;
    expect_status(&r, StatusCode::OK, &uri);
    r.has("<mark>Tảo hôn</mark>")
        .has(r##"href="#kq-1">Đến điều đầu tiên"##)
        .has(r#"id="kq-1""#)
        .has(r#"id="kq-2""#)
        .has(r##"href="#kq-2">Điều khớp sau"##)
        .has(r##"href="#kq-1">‹ Điều khớp trước"##)
        .has("Bỏ đánh dấu")
        .has(r#"<meta name="robots" content="noindex">"#);
    // A match holds every word of the query, not any: "hôn" alone is in most of this law.
    let count: usize = r.body[..r.body.find(" điều có từ khóa").unwrap()]
        .rsplit('>')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!((2..20).contains(&count), "{count} matching articles");
}

#[tokio::test]
async fn documents_have_one_address() {
    for variant in ["52-2014-QH13", "52%2F2014%2Fqh13"] {
        let uri = format!("/van-ban/{variant}");
        let r = get(&uri).await;
        expect_status(&r, StatusCode::PERMANENT_REDIRECT, &uri);
        assert_eq!(r.header("location"), "/van-ban/52-2014-qh13");
    }
    for uri in [
        "/van-ban/%FF%FE",
        "/dieu/%C3%28",
        "/de-muc/%FF",
        "/so-hieu/%FF",
    ] {
        let r = get(uri).await;
        expect_status(&r, StatusCode::NOT_FOUND, uri);
        assert!(is_html(&r), "{uri}");
    }
    let r = get("/api/v1/articles/%FF").await;
    expect_status(&r, StatusCode::NOT_FOUND, "api invalid utf-8");
    assert!(is_json(&r));
    let r = get("/van-ban/99-2099-nd-cp").await;
    expect_status(&r, StatusCode::NOT_FOUND, "unknown document");
    assert!(is_html(&r));
    r.has(r#"<html lang="vi">"#)
        .has("Không tìm thấy văn bản này")
        .lacks("Missing")
        .lacks("error:");
}

#[tokio::test]
async fn outdated_text_is_labelled() {
    let site = state().site();
    let doc = site
        .catalog
        .documents()
        .iter()
        .find(|d| d.provenance.outdated)
        .expect("the starter set has 2025-02 documents")
        .clone();
    let uri = web::document_path(&doc.key);
    let r = get(&uri).await;
    expect_status(&r, StatusCode::OK, &uri);
    r.has(r#"class="note" role="note""#)
        .has("bản pháp điển cũ hơn (tháng 02/2025)")
        .has("lạc hậu");
}

#[tokio::test]
async fn article_permalink_page() {
    let site = state().site();
    let article = site
        .index
        .document_articles("52/2014/QH13")
        .unwrap()
        .into_iter()
        .find(|a| !a.related.is_empty())
        .expect("an article of the marriage law with related articles");
    let uri = format!("/dieu/{}", article.id);
    let r = get(&uri).await;
    expect_status(&r, StatusCode::OK, &uri);
    r.has(&format!("<h1 id=\"h-d-{}\">", article.id))
        .has(&article.title)
        .has(r#"href="/van-ban/52-2014-qh13">Luật Hôn nhân và gia đình</a>"#)
        .has(&format!(r#"href="/van-ban/52-2014-qh13#d-{}""#, article.id))
        .has("Điều liên quan:")
        .has(&format!(
            r#"<link rel="canonical" href="/dieu/{}">"#,
            article.id
        ));
    let r = get("/dieu/0000000000").await;
    expect_status(&r, StatusCode::NOT_FOUND, "unknown article");
    r.has("Không tìm thấy điều luật này");
}

#[tokio::test]
async fn demuc_pages() {
    let r = get("/de-muc").await;
    expect_status(&r, StatusCode::OK, "/de-muc");
    r.has("Chủ đề 8").has(r#"href="/de-muc/8.4""#);
    let r = get("/de-muc/8.4").await;
    expect_status(&r, StatusCode::OK, "/de-muc/8.4");
    r.has("<h1>Hôn nhân và gia đình</h1>")
        .has(r#"href="/van-ban/52-2014-qh13""#)
        .has(r#"<input type="hidden" name="de-muc" value="8.4">"#);
    let r = get("/de-muc/99.9").await;
    expect_status(&r, StatusCode::NOT_FOUND, "/de-muc/99.9");
    r.has("Không có đề mục “99.9”");
}

#[tokio::test]
async fn resolver() {
    for variant in [
        "52/2014/QH13",
        "52/2014/qh13",
        "52-2014-qh13",
        "052%2F2014%2FQH13",
    ] {
        let uri = format!("/so-hieu/{variant}");
        let r = get(&uri).await;
        expect_status(&r, StatusCode::PERMANENT_REDIRECT, &uri);
        assert_eq!(r.header("location"), "/van-ban/52-2014-qh13", "{uri}");
    }
    let r = get("/so-hieu/23/2015/ND-CP").await;
    assert_eq!(r.header("location"), "/van-ban/23-2015-nd-cp");
    // Partial: two documents are 58/2014.
    let r = get("/so-hieu/58/2014").await;
    expect_status(&r, StatusCode::MULTIPLE_CHOICES, "58/2014");
    r.has(r#"href="/van-ban/58-2014-qh13""#)
        .has(r#"href="/van-ban/58-2014-ttlt-btc-btp""#);
    let r = get("/so-hieu/99/2099/ND-CP").await;
    expect_status(&r, StatusCode::NOT_FOUND, "unknown number");
    r.has("Không tìm thấy văn bản có số hiệu");
    let r = get("/so-hieu/12-03-2020").await;
    expect_status(&r, StatusCode::NOT_FOUND, "a date");
    r.has("Đây là ngày tháng, không phải số hiệu văn bản.");
}

#[tokio::test]
async fn unknown_pages_and_internal_errors_are_calm() {
    let r = get("/khong/co/trang/nay").await;
    expect_status(&r, StatusCode::NOT_FOUND, "unknown");
    assert!(is_html(&r));
    r.has("Không tìm thấy trang bạn yêu cầu.");
    let response =
        WebError::Internal("tantivy: segment 3f2a corrupt at /srv/index".into()).into_response();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    let body = String::from_utf8_lossy(&bytes);
    assert!(body.contains("Hệ thống đang gặp sự cố"), "{body}");
    assert!(
        !body.contains("tantivy") && !body.contains("/srv/index"),
        "{body}"
    );
}

#[tokio::test]
async fn a_request_out_of_time_gets_the_vietnamese_page_or_json() {
    // A zero limit lets nothing through (a search on the starter index can answer within any
    // positive limit a test could afford).
    let impatient = AppState::open(
        content_index_dir(),
        &ServerConfig {
            request_timeout_ms: 0,
            ..config()
        },
    )
    .unwrap();
    let request = |uri: &str| Request::get(uri).body(Body::empty()).unwrap();
    let uri = format!("/tim-kiem?q={}", enc("kết hôn"));
    let r = send_to(impatient.clone(), request(&uri)).await;
    expect_status(&r, StatusCode::SERVICE_UNAVAILABLE, &uri);
    assert!(is_html(&r));
    r.has(r#"<html lang="vi">"#)
        .has("Máy chủ đang bận")
        .has("Vui lòng thử lại");
    assert_eq!(
        r.header("content-security-policy"),
        web::CONTENT_SECURITY_POLICY
    );
    let uri = format!("/api/v1/search?q={}", enc("kết hôn"));
    let r = send_to(impatient, request(&uri)).await;
    expect_status(&r, StatusCode::SERVICE_UNAVAILABLE, &uri);
    assert!(is_json(&r));
    let v = json(&r);
    assert_eq!(v["error"]["code"], "timeout");
    assert!(v["error"]["message"].as_str().unwrap().contains("thử lại"));
}

// ---------------------------------------------------------------- static, feeds

pub(crate) fn stylesheet_url(html: &str) -> String {
    let start = html.find("/static/site.").expect("stylesheet link");
    let end = start + html[start..].find('"').unwrap();
    html[start..end].to_owned()
}

#[tokio::test]
async fn static_files_have_hashed_names_and_long_lifetimes() {
    let home = get("/").await;
    let css = stylesheet_url(&home.body);
    assert!(
        css.len() == "/static/site.12345678.css".len(),
        "hashed name: {css}"
    );
    let r = get(&css).await;
    expect_status(&r, StatusCode::OK, &css);
    assert!(r.header("content-type").starts_with("text/css"));
    assert_eq!(r.header("cache-control"), web::STATIC_CACHE_CONTROL);
    r.has("@media print").has(":focus-visible");
    let r = get("/static/site.css").await;
    expect_status(&r, StatusCode::NOT_FOUND, "unhashed name");
    let js = home
        .body
        .split('"')
        .find(|s| s.starts_with("/static/suggest."))
        .expect("the optional script");
    let r = get(js).await;
    expect_status(&r, StatusCode::OK, js);
    assert!(r.header("content-type").starts_with("text/javascript"));
    r.has("/api/v1/suggest");
}

#[tokio::test]
async fn feeds_and_robots() {
    let r = get("/opensearch.xml").await;
    expect_status(&r, StatusCode::OK, "opensearch");
    assert!(
        r.header("content-type")
            .starts_with("application/opensearchdescription+xml")
    );
    r.has(&format!(
        r#"template="{PUBLIC_URL}/tim-kiem?q={{searchTerms}}""#
    ));
    let r = get("/sitemap.xml").await;
    expect_status(&r, StatusCode::OK, "sitemap");
    assert!(r.header("content-type").starts_with("application/xml"));
    r.has(r#"<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">"#)
        .has(&format!("<loc>{PUBLIC_URL}/van-ban/52-2014-qh13</loc>"))
        .has(&format!("<loc>{PUBLIC_URL}/de-muc/8.4</loc>"));
    let documents = state().site().catalog.documents().len();
    assert_eq!(r.body.matches("/van-ban/").count(), documents);
    let r = get("/robots.txt").await;
    assert!(r.header("content-type").starts_with("text/plain"));
    r.has(&format!("Sitemap: {PUBLIC_URL}/sitemap.xml"))
        .has("Disallow: /api/");
    let r = get("/feed.atom").await;
    expect_status(&r, StatusCode::OK, "atom");
    assert!(r.header("content-type").starts_with("application/atom+xml"));
    r.has(r#"<feed xmlns="http://www.w3.org/2005/Atom""#)
        .has("<entry>")
        .has(&format!(r#"href="{PUBLIC_URL}/van-ban/"#));
    assert!(r.body.matches("<entry>").count() <= 50);
    // Every element that opens closes: a light well-formedness check.
    for tag in ["feed", "entry", "title", "id", "updated", "link", "summary"] {
        assert_eq!(
            r.body.matches(&format!("<{tag}>")).count()
                + r.body.matches(&format!("<{tag} ")).count(),
            r.body.matches(&format!("</{tag}>")).count(),
            "<{tag}>"
        );
    }
}

// ---------------------------------------------------------------- page weight

fn gzip_len_of(bytes: &[u8]) -> usize {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap().len()
}

pub(crate) async fn get_gzipped(uri: &str) -> (usize, String) {
    let response = web::router(state())
        .oneshot(
            Request::get(uri)
                .header(header::ACCEPT_ENCODING, "gzip")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{uri}");
    assert_eq!(
        response.headers().get(header::CONTENT_ENCODING).unwrap(),
        "gzip",
        "{uri} compressed"
    );
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    let mut text = String::new();
    flate2::read::GzDecoder::new(&bytes[..])
        .read_to_string(&mut text)
        .unwrap();
    (bytes.len(), text)
}

/// The issue's budget: a results page for a common query, HTML and CSS, at most 15 KB gzipped.
pub(crate) const PAGE_BUDGET_BYTES: usize = 15 * 1024;

#[tokio::test]
async fn results_page_weighs_at_most_15_kb_gzipped() {
    let mut report = Vec::new();
    for q in [
        "kết hôn",
        "đăng ký khai sinh",
        "hợp đồng lao động",
        "thời hiệu khởi kiện",
    ] {
        let uri = format!("/tim-kiem?q={}", enc(q));
        let (html_gz, html) = get_gzipped(&uri).await;
        assert!(html.contains("<article>"), "{q}: results");
        let (css_gz, css) = get_gzipped(&stylesheet_url(&html)).await;
        assert!(css.contains("@media print"));
        // Compression on, and doing its work.
        assert!(html_gz < html.len() / 2);
        let total = html_gz + css_gz;
        report.push(format!(
            "{q}: html {} B ({html_gz} B gzip) + css {} B ({css_gz} B gzip) = {total} B gzip",
            html.len(),
            css.len()
        ));
        assert!(total <= PAGE_BUDGET_BYTES, "{}", report.join("\n"));
    }
    println!("{}", report.join("\n"));
    // The measurement can fail: a page padded past the budget is caught.
    assert!(gzip_len_of(&vec![b'x'; 1 << 20]) > 0);
}

// ---------------------------------------------------------------- API

#[tokio::test]
async fn api_search() {
    let uri = format!("/api/v1/search?q={}&de-muc=8.4", enc("kết hôn"));
    let r = get(&uri).await;
    expect_status(&r, StatusCode::OK, &uri);
    assert!(is_json(&r));
    let v = json(&r);
    assert_eq!(v["query"], "kết hôn");
    assert_eq!(v["page"], 1);
    assert_eq!(v["hits"].as_array().unwrap().len(), 10);
    let hit = &v["hits"][0];
    assert!(hit["url"].as_str().unwrap().starts_with("/dieu/"));
    assert!(hit["document"]["so_hieu"].is_string());
    assert!(
        hit["fragments"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|f| f["spans"].as_array().unwrap())
            .any(|s| s["highlight"] == true)
    );
    let demuc = v["facets"]["de-muc"].as_array().unwrap();
    assert_eq!(demuc.len(), 1, "filtered to one đề mục");
    assert_eq!(demuc[0]["label"], "Hôn nhân và gia đình");
    assert!(v["total"].as_u64().unwrap() > 10);

    let r = get("/api/v1/search?q=52%2F2014%2FQH13").await;
    assert_eq!(json(&r)["number_match"]["key"], "52/2014/QH13");

    for uri in [
        "/api/v1/search?q=a&trang=abc",
        "/api/v1/search?q=",
        "/api/v1/search",
    ] {
        let r = get(uri).await;
        expect_status(&r, StatusCode::BAD_REQUEST, uri);
        assert!(is_json(&r));
        let v = json(&r);
        assert_eq!(v["error"]["code"], "bad_request", "{uri}");
        assert!(!v["error"]["message"].as_str().unwrap().is_empty());
    }
    assert_eq!(
        json(&get("/api/v1/search").await)["error"]["message"],
        "Vui lòng nhập nội dung cần tìm."
    );
}

#[tokio::test]
async fn api_documents_articles_suggest_resolve() {
    let r = get("/api/v1/documents/52-2014-qh13").await;
    expect_status(&r, StatusCode::OK, "document");
    let v = json(&r);
    assert_eq!(v["so_hieu"], "52/2014/QH13");
    assert_eq!(v["display_title"], "Luật Hôn nhân và gia đình");
    assert_eq!(v["status"]["code"], "con-hieu-luc");
    assert_eq!(v["demuc"][0]["name"], "Hôn nhân và gia đình");
    let articles = v["articles"].as_array().unwrap();
    assert!(articles.len() > 100);
    let id = articles[0]["id"].as_str().unwrap().to_owned();

    let r = get(&format!("/api/v1/articles/{id}")).await;
    expect_status(&r, StatusCode::OK, "article");
    let a = json(&r);
    assert_eq!(a["id"], id.as_str());
    assert_eq!(a["document"]["key"], "52/2014/QH13");
    assert!(!a["text"].as_str().unwrap().is_empty());

    for uri in [
        "/api/v1/documents/khong-co",
        "/api/v1/articles/khong-co",
        "/api/v1/khong-co",
    ] {
        let r = get(uri).await;
        expect_status(&r, StatusCode::NOT_FOUND, uri);
        assert!(is_json(&r));
        assert_eq!(json(&r)["error"]["code"], "not_found");
    }

    let r = get("/api/v1/suggest?q=hon%20nhan").await;
    expect_status(&r, StatusCode::OK, "suggest");
    let s = json(&r);
    let list = s["suggestions"].as_array().unwrap();
    assert!(!list.is_empty() && list.len() <= 10);
    assert!(
        list.iter()
            .any(|x| x["url"] == "/van-ban/52-2014-qh13" && x["so_hieu"] == "52/2014/QH13"),
        "{s}"
    );
    let started = Instant::now();
    let s = json(&get("/api/v1/suggest?q=n").await);
    assert_eq!(s["suggestions"].as_array().unwrap().len(), 10);
    assert!(started.elapsed() < Duration::from_millis(500));
    assert!(
        json(&get("/api/v1/suggest?q=").await)["suggestions"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    let r = get("/api/v1/resolve/52-2014-qh13").await;
    expect_status(&r, StatusCode::OK, "resolve");
    assert_eq!(json(&r)["document"]["url"], "/van-ban/52-2014-qh13");
    let r = get("/api/v1/resolve/58/2014").await;
    expect_status(&r, StatusCode::MULTIPLE_CHOICES, "resolve partial");
    assert_eq!(json(&r)["candidates"].as_array().unwrap().len(), 2);
    let r = get("/api/v1/resolve/12-03-2020").await;
    expect_status(&r, StatusCode::NOT_FOUND, "resolve a date");
    assert_eq!(
        json(&r)["error"]["message"],
        "Đây là ngày tháng, không phải số hiệu văn bản."
    );
}

/// Every operation of the OpenAPI document, called with its parameters' and request body's
/// examples (on a portal with the feedback service, so a question sent with `POST /feedback`
/// gives the code its tracking path is then called with), answers with the first status it
/// documents and that status's content type.
#[tokio::test]
async fn every_openapi_path_answers_as_documented() {
    let db = crate::feedback_support::sqlite_db();
    let live = crate::feedback_support::state_with(db.feedback().await, "https://tracuu.test");
    let spec = json(
        &send_to(
            live.clone(),
            Request::get("/api/v1/openapi.json")
                .body(Body::empty())
                .unwrap(),
        )
        .await,
    );
    assert_eq!(spec["openapi"], "3.0.3");
    let base = spec["servers"][0]["url"].as_str().unwrap().to_owned();
    let paths = spec["paths"].as_object().unwrap();
    assert!(
        paths.len() >= 8,
        "search, documents, articles, suggest, resolve, openapi, feedback, feedback/{{code}}"
    );
    let mut tracking_code: Option<String> = None;
    let mut called = 0;
    for (template, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            let mut path = template.clone();
            let mut query = Vec::new();
            let mut request = Request::builder().method(method.to_uppercase().as_str());
            for p in op["parameters"].as_array().into_iter().flatten() {
                let name = p["name"].as_str().unwrap();
                let mut example = match &p["example"] {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                if let (Some(code), "code") = (&tracking_code, name) {
                    example = code.clone();
                }
                match p["in"].as_str().unwrap() {
                    "path" => path = path.replace(&format!("{{{name}}}"), &example),
                    "query" => query.push(format!("{name}={}", enc(&example))),
                    "header" => request = request.header(name, example),
                    other => panic!("{template}: parameter in {other}"),
                }
            }
            assert!(
                !path.contains('{'),
                "{template}: every path parameter has an example"
            );
            let uri = if query.is_empty() {
                format!("{base}{path}")
            } else {
                format!("{base}{path}?{}", query.join("&"))
            };
            let body = match op["requestBody"]["content"]["application/json"]["example"] {
                serde_json::Value::Null => Body::empty(),
                ref example => {
                    request = request.header(header::CONTENT_TYPE, "application/json");
                    Body::from(example.to_string())
                }
            };
            let responses = op["responses"].as_object().unwrap();
            let (status, documented) = responses
                .iter()
                .min_by_key(|(code, _)| code.parse::<u16>().unwrap())
                .unwrap();
            let r = send_to(live.clone(), request.uri(&uri).body(body).unwrap()).await;
            assert_eq!(
                r.status.as_u16().to_string(),
                *status,
                "{method} {uri}: {}",
                excerpt(&r.body)
            );
            let content_type = documented["content"]
                .as_object()
                .and_then(|c| c.keys().next())
                .expect("a documented content type");
            assert!(
                r.header("content-type").starts_with(content_type.as_str()),
                "{uri}: {} is not {content_type}",
                r.header("content-type")
            );
            let value = serde_json::from_str::<serde_json::Value>(&r.body).expect("JSON body");
            if let Some(code) = value["code"]
                .as_str()
                .filter(|_| value["tracking_url"].is_string())
            {
                tracking_code = Some(code.to_owned());
            }
            called += 1;
        }
    }
    assert!(called >= paths.len(), "{called} operations");
    assert!(
        tracking_code.is_some(),
        "POST /feedback gave a tracking code"
    );
}

// ---------------------------------------------------------------- index reload

fn corpus_of(demuc: &[&str]) -> tracuu::ingest::Corpus {
    let mut corpus = load_content();
    corpus.retain_articles(|a| demuc.contains(&a.demuc_code.as_str()));
    corpus
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_a_newly_built_index_without_restarting() {
    let dir = tempfile::tempdir().unwrap();
    index::build(dir.path(), &corpus_of(&["15.1"]), vec![], &()).unwrap();
    let live = AppState::open(dir.path(), &config()).unwrap();
    let poller = live.spawn_reloader(Duration::from_millis(20));
    let doc = "/van-ban/52-2014-qh13";
    let request = || Request::get(doc).body(Body::empty()).unwrap();
    assert_eq!(
        send_to(live.clone(), request()).await.status,
        StatusCode::NOT_FOUND
    );
    let before = live.site().index.generation.clone();

    // A new generation, built while the router serves.
    std::thread::sleep(Duration::from_millis(5));
    index::build(dir.path(), &corpus_of(&["15.1", "8.4"]), vec![], &()).unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let r = send_to(live.clone(), request()).await;
        if r.status == StatusCode::OK {
            r.has("Luật Hôn nhân và gia đình");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the new generation was not picked up"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_ne!(live.site().index.generation, before);
    poller.abort();

    // A CURRENT naming a generation that cannot be opened: the serving one stays.
    let serving = live.site().index.generation.clone();
    std::fs::write(dir.path().join("CURRENT"), "gen-99999999999999").unwrap();
    assert!(live.reload_if_changed().is_err());
    assert_eq!(live.site().index.generation, serving);
    assert_eq!(
        send_to(live.clone(), request()).await.status,
        StatusCode::OK
    );
}
