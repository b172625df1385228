//! A citizen's question from the form to the published answer, in headless Chromium (the
//! harness of `browser.rs`): the citizen opens `/gop-y` from a procedure's page (kind, subject
//! and procedure code filled in), fills it (a wrong contact first, then "Xem câu
//! hỏi tương tự", which lists an answer published earlier), submits and gets the receipt and
//! tracking code; staff accounts made by the real `tracuu user add` log in at `/quan-tri`:
//! intake accepts the routing suggestion, the unit's staff drafts the answer, an administrator
//! approves and publishes it; the tracking page then shows the whole history and the answer and
//! no contact data, `/hoi-dap` lists it, and the main search's "Hỏi đáp" section finds it.
//! Each step asserts on the page's content, and every page is screenshot and audited with
//! axe-core (no serious or critical violation).

use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};
use serde_json::json;

use tracuu::feedback::{Feedback, Role, Staff, SubmissionForm, token};
use tracuu::web;

use crate::browser::{
    VIEWPORTS, Walk, click, conclude, open_browser, output_dir, path_of, text_of, tools_or_skip,
    wait_left,
};
use crate::feedback_support::{TestDb, sqlite_db, state_with};

const PASSWORD: &str = "mật khẩu thật dài 2026";

/// The citizen, and what must never appear on a public page.
const NAME: &str = "Phạm Thị Thư";
const EMAIL: &str = "pham.thu@example.vn";
const PHONE: &str = "0912 345 678";

/// Creates an account with the real `tracuu user add` (password on standard input), over the
/// test's database.
fn user_add(db: &TestDb, username: &str, role: &str, unit: Option<&str>) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tracuu"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("TRACUU_DATABASE_URL", &db.url)
        .args(["user", "add", username, "--role", role]);
    if let Some(u) = unit {
        cmd.args(["--unit", u]);
    }
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("running tracuu user add");
    writeln!(child.stdin.take().unwrap(), "{PASSWORD}").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "tracuu user add {username}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// An answer published before the citizen comes, so that the form has a similar question to
/// show. Made through the service, as staff would.
async fn publish_earlier_answer(fb: &Feedback) -> String {
    let form = SubmissionForm {
        kind: "hoi-phap-luat".into(),
        subject: "Khai sinh cho con sinh ở nước ngoài".into(),
        body: "Con tôi sinh ở nước ngoài, về Việt Nam đăng ký khai sinh cho con ở đâu?".into(),
        name: "Người Hỏi Trước".into(),
        contact: "truoc@example.vn".into(),
        consent_publish: true,
        procedure: String::new(),
    };
    let receipt = fb.submit(&form, &token(16), "seed").await.unwrap();
    let admin = Staff {
        username: "seed-admin".into(),
        role: Role::Administrator,
        unit: None,
    };
    fb.assign(&admin, &receipt.code, "HCTP").await.unwrap();
    let unit = Staff {
        username: "seed-unit".into(),
        role: Role::UnitStaff,
        unit: Some("HCTP".into()),
    };
    fb.save_draft(
        &unit,
        &receipt.code,
        "Bạn đăng ký khai sinh cho con tại Ủy ban nhân dân cấp xã nơi cư trú.",
    )
    .await
    .unwrap();
    fb.approve(&admin, &receipt.code).await.unwrap();
    fb.publish(&admin, &receipt.code, None).await.unwrap();
    let published = fb.published();
    let p = published.search("khai sinh nước ngoài", 1).unwrap();
    assert_eq!(p.len(), 1, "the earlier answer is searchable");
    format!("/hoi-dap/{}", tracuu::feedback::public_id(&p[0].code))
}

/// Clicks `css` (a submit button or a link) and waits for the next page to load, even when it
/// has the same address (a form posted back to itself, a redirect to the page it came from).
async fn follow(c: &Client, css: &str) {
    c.execute("window.__tracuuOld = true;", vec![])
        .await
        .expect("marking the page");
    click(c, css).await;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let state = c
            .execute(
                "return window.__tracuuOld === true ? 'old' : document.readyState;",
                vec![],
            )
            .await;
        if matches!(state, Ok(ref s) if *s == json!("complete")) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "no new page after clicking {css}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn type_into(c: &Client, css: &str, text: &str) {
    let e = c
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    e.clear()
        .await
        .unwrap_or_else(|err| panic!("clearing {css}: {err}"));
    e.send_keys(text)
        .await
        .unwrap_or_else(|err| panic!("typing into {css}: {err}"));
}

async fn value_of(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .prop("value")
        .await
        .expect("value")
        .unwrap_or_default()
}

async fn source(c: &Client) -> String {
    c.source().await.expect("page source")
}

#[track_caller]
fn no_personal_data(page: &str, html: &str) {
    for secret in [NAME, EMAIL, PHONE, "0912345678", "pham.thu"] {
        assert!(!html.contains(secret), "{page} shows {secret:?}");
    }
}

impl Walk<'_> {
    async fn login(&mut self, username: &str, shot: Option<&str>) {
        let c = self.client.clone();
        self.goto("/quan-tri").await;
        assert_eq!(
            path_of(&c).await,
            "/quan-tri/dang-nhap",
            "not logged in yet"
        );
        type_into(&c, "#ten", username).await;
        type_into(&c, "#mat-khau", PASSWORD).await;
        if let Some(name) = shot {
            self.record(name).await;
        }
        click(&c, "form[action='/quan-tri/dang-nhap'] button[type=submit]").await;
        let now = wait_left(&c, "/quan-tri/dang-nhap").await;
        assert_eq!(now, "/quan-tri", "{username} logged in");
        assert!(text_of(&c, "nav.staff").await.contains(username));
    }

    async fn logout(&mut self) {
        let c = self.client.clone();
        follow(&c, "nav.staff form button[type=submit]").await;
        self.goto("/quan-tri").await;
        assert_eq!(path_of(&c).await, "/quan-tri/dang-nhap", "logged out");
    }

    /// Opens the item from the queue, as staff would.
    async fn open_item(&mut self, code: &str) {
        let c = self.client.clone();
        let link = format!("table.queue a[href='/quan-tri/muc/{code}']");
        click(&c, &link).await;
        let now = wait_left(&c, "/quan-tri").await;
        assert_eq!(now, format!("/quan-tri/muc/{code}"));
    }

    async fn feedback_flow(&mut self, earlier: &str) {
        let c = self.client.clone();

        // The citizen comes from a procedure's page: the form opens with the kind, the
        // procedure's name and its code filled in.
        self.goto("/thu-tuc/1.000110").await;
        self.record("thu-tuc").await;
        click(&c, "p.ask a").await;
        assert!(
            wait_left(&c, "/thu-tuc/1.000110")
                .await
                .starts_with("/gop-y?")
        );
        assert_eq!(text_of(&c, "h1").await, "Gửi câu hỏi, góp ý");
        assert_eq!(value_of(&c, "#thu-tuc").await, "1.000110");
        assert!(
            value_of(&c, "#chu-de")
                .await
                .starts_with("Thủ tục đăng ký khai sinh có yếu tố nước ngoài")
        );
        let kind = c.find(Locator::Css("#loai-gop-y")).await.unwrap();
        assert_eq!(kind.prop("checked").await.unwrap().as_deref(), Some("true"));
        // They shorten the subject, type the question and a contact that is neither an email
        // nor a phone number.
        type_into(&c, "#chu-de", "Đăng ký khai sinh").await;
        let question = format!(
            "Tôi là {NAME}, điện thoại {PHONE}. Con tôi sinh ở nước ngoài, nay về nước thì đăng ký khai sinh cho con ở đâu?"
        );
        type_into(&c, "#noi-dung", &question).await;
        type_into(&c, "#ho-ten", NAME).await;
        type_into(&c, "#lien-he", "không có").await;
        click(&c, "#dong-y").await;
        self.record("gop-y").await;
        follow(&c, "button[value=gui]").await;
        // Refused beside the field, in Vietnamese, with everything typed kept.
        assert!(
            text_of(&c, "#loi-lien-he")
                .await
                .contains("Vui lòng nhập một địa chỉ email")
        );
        assert_eq!(value_of(&c, "#noi-dung").await, question);
        assert_eq!(value_of(&c, "#ho-ten").await, NAME);
        assert_eq!(
            c.find(Locator::Css("#dong-y"))
                .await
                .unwrap()
                .prop("checked")
                .await
                .unwrap()
                .as_deref(),
            Some("true")
        );
        self.record("gop-y-loi").await;

        // A valid contact; then the answered questions like this one.
        type_into(&c, "#lien-he", EMAIL).await;
        follow(&c, "button[value=xem-truoc]").await;
        assert_eq!(
            text_of(&c, "#tuong-tu").await,
            "Câu hỏi tương tự đã được trả lời"
        );
        c.find(Locator::Css(&format!("ol.answers a[href='{earlier}']")))
            .await
            .unwrap_or_else(|_| panic!("the earlier answer {earlier} is not shown as similar"));
        assert_eq!(value_of(&c, "#noi-dung").await, question);
        self.record("gop-y-tuong-tu").await;

        // Sent: the receipt, with the tracking code.
        follow(&c, "button[value=gui]").await;
        assert_eq!(text_of(&c, "h1").await, "Đã nhận câu hỏi, góp ý của bạn");
        let code = text_of(&c, "p.code strong").await;
        assert!(
            tracuu::feedback::normalize_code(&code).as_deref() == Some(code.as_str()),
            "tracking code {code:?}"
        );
        no_personal_data("the receipt", &source(&c).await);
        self.record("bien-nhan").await;
        click(&c, &format!("a[href='/theo-doi/{code}']")).await;
        let tracking = wait_left(&c, "/gop-y").await;
        assert_eq!(tracking, format!("/theo-doi/{code}"));
        assert!(text_of(&c, "ol.history").await.contains("Đã tiếp nhận"));
        self.record("theo-doi-moi").await;

        // Intake accepts the routing suggestion in one click: Cục Hành chính tư pháp, the unit
        // of the procedure's lĩnh vực (Hộ tịch), where the earlier question like it went too.
        self.login("tiepnhan", Some("dang-nhap")).await;
        assert!(text_of(&c, "table.queue").await.contains(&code));
        self.record("hang-doi-tiep-nhan").await;
        self.open_item(&code).await;
        let page = text_of(&c, "main").await;
        assert!(page.contains("Gợi ý phân loại"), "{page}");
        assert!(page.contains("độ tin cậy"), "{page}");
        assert!(
            page.contains(
                "Người gửi hỏi về thủ tục “Thủ tục đăng ký khai sinh có yếu tố nước ngoài"
            ),
            "the procedure the person came from is the first reason: {page}"
        );
        assert!(!page.contains(EMAIL), "intake sees no contact");
        assert_eq!(
            value_of(&c, "form[action$='/chuyen'] input[name=don-vi]").await,
            "HCTP",
            "suggested unit"
        );
        self.record("muc-tiep-nhan").await;
        follow(&c, "form[action$='/chuyen'] button[type=submit]").await;
        assert!(
            text_of(&c, "main")
                .await
                .contains("Đã quyết định: Cục Hành chính tư pháp")
        );
        self.record("muc-da-chuyen").await;
        self.logout().await;

        // The unit's staff draft the answer.
        self.login("hotich", None).await;
        assert!(text_of(&c, "table.queue").await.contains(&code));
        self.open_item(&code).await;
        let answer = "Bạn đăng ký khai sinh cho con tại Ủy ban nhân dân cấp xã nơi bạn cư trú, mang theo giấy tờ chứng minh việc sinh ở nước ngoài.";
        type_into(&c, "#tra-loi", answer).await;
        follow(&c, "form[action$='/tra-loi'] button[type=submit]").await;
        let page = text_of(&c, "main").await;
        assert!(page.contains(answer), "{page}");
        assert!(page.contains("Bản dự thảo, chưa duyệt."), "{page}");
        assert!(
            c.find_all(Locator::Css("form[action$='/duyet']"))
                .await
                .unwrap()
                .is_empty(),
            "unit staff cannot approve"
        );
        self.record("muc-du-thao").await;
        self.logout().await;

        // An administrator approves, then publishes the question with the person taken out.
        self.login("quantri", None).await;
        self.open_item(&code).await;
        follow(&c, "form[action$='/duyet'] button[type=submit]").await;
        assert!(text_of(&c, "main").await.contains("Đã duyệt."));
        let public_question = value_of(&c, "#cau-hoi").await;
        assert!(
            public_question.contains("đăng ký khai sinh cho con"),
            "{public_question}"
        );
        no_personal_data("the question proposed for publication", &public_question);
        self.record("muc-duyet").await;
        follow(&c, "form[action$='/cong-bo'] button[type=submit]").await;
        assert!(text_of(&c, "main").await.contains("Đã công khai."));
        self.record("muc-cong-khai").await;
        self.logout().await;

        // The tracking page: the whole history and the answer, nobody's name or contact.
        self.goto(&format!("/theo-doi/{code}")).await;
        let history = text_of(&c, "ol.history").await;
        for status in [
            "Đã tiếp nhận",
            "Đã chuyển đơn vị xử lý (Cục Hành chính tư pháp)",
            "Đã có câu trả lời",
            "Đã công khai câu trả lời",
        ] {
            assert!(history.contains(status), "{status} missing in {history}");
        }
        assert!(text_of(&c, "div.answer").await.contains(answer));
        no_personal_data("the tracking page", &source(&c).await);
        self.record("theo-doi-da-tra-loi").await;

        // /hoi-dap lists it; its page has the answer and no person.
        self.goto("/hoi-dap").await;
        let list = text_of(&c, "ol.answers").await;
        assert!(list.contains("Đăng ký khai sinh"), "{list}");
        self.record("hoi-dap").await;
        let links = c.find_all(Locator::Css("ol.answers h3 a")).await.unwrap();
        let mut url = None;
        for l in links {
            let href = l.attr("href").await.unwrap().unwrap_or_default();
            if href != earlier {
                url = Some(href);
            }
        }
        let url = url.expect("the new answer is listed on /hoi-dap");
        click(&c, &format!("ol.answers a[href='{url}']")).await;
        assert_eq!(wait_left(&c, "/hoi-dap").await, url);
        assert!(text_of(&c, "main").await.contains(answer));
        let html = source(&c).await;
        no_personal_data("the published answer", &html);
        assert!(
            !html.contains(&code),
            "the published answer shows the tracking code"
        );
        self.record("hoi-dap-cau-tra-loi").await;

        // The main search, through the home page's form, finds it as a question answered.
        self.goto("/").await;
        type_into(&c, "#q", "khai sinh cho con sinh ở nước ngoài").await;
        click(&c, "form.search button[type=submit]").await;
        let results = wait_left(&c, "/").await;
        assert!(results.starts_with("/tim-kiem?q="), "{results}");
        let answered = c
            .find_all(Locator::Css(&format!("a[href='{url}']")))
            .await
            .unwrap();
        assert!(
            !answered.is_empty(),
            "the search page does not link the answer {url}"
        );
        assert!(source(&c).await.contains("Hỏi đáp"));
        self.record("tim-kiem-hoi-dap").await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_question_from_form_to_published_answer_in_chromium() {
    let Some(tools) = tools_or_skip("browser feedback flow") else {
        return;
    };
    let db = sqlite_db();
    let mut config = db.config();
    config.procedures_file = Some(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("content/procedures/procedures-curated.jsonl.gz"),
    );
    let fb = Feedback::open(&config).await.expect("feedback opens");
    let earlier = publish_earlier_answer(&fb).await;
    user_add(&db, "quantri", "administrator", None);
    user_add(&db, "tiepnhan", "intake", None);
    user_add(&db, "hotich", "unit", Some("HCTP"));

    let listener = tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
        .await
        .expect("a local port");
    let base = format!("http://{}", listener.local_addr().unwrap());
    let state = state_with(fb, &base);
    let app = web::router(state).into_make_service_with_connect_info::<SocketAddr>();
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let dir: PathBuf = output_dir().join("feedback");
    std::fs::create_dir_all(&dir).expect("screenshot directory");
    let driver = crate::browser::Driver::start(&tools.chromedriver);
    let desktop = &VIEWPORTS[0];
    let client = open_browser(&driver, &tools.chromium, desktop).await;
    let mut walk = Walk {
        client: client.clone(),
        base,
        axe: &tools.axe,
        viewport: desktop.name,
        dir: dir.clone(),
        shots: Vec::new(),
        audits: Vec::new(),
    };
    walk.feedback_flow(&earlier).await;
    client.close().await.expect("closing the session");
    drop(driver);
    server.abort();
    conclude(
        "browser feedback flow",
        "axe.json",
        Path::new(&dir),
        &walk.shots,
        &walk.audits,
    );
}
