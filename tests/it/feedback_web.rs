//! The citizens' and staff pages through the router, in process: the form with CSRF, honeypot,
//! rate limit, size limits, hostile text and invalid UTF-8; the receipt and a double submit;
//! the tracking page without personal data; staff login, throttling, cookies, roles (a unit
//! cannot open or act on another unit's item, by URL guessing either); the whole flow from
//! submission to the published answer found by `/hoi-dap` and the main search.

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use tower::ServiceExt;

use tracuu::feedback::{Feedback, Role, Store, hash_password};
use tracuu::web::{self, AppState};

use crate::feedback_support::{TestDb, dbs, sqlite_db, state_with};

const PUBLIC_URL: &str = "https://tracuu.test";
const PASSWORD: &str = "mật khẩu rất dài 2026";

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> String {
        self.headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[track_caller]
    fn has(&self, needle: &str) -> &Reply {
        assert!(
            self.body.contains(needle),
            "expected {needle:?} (status {}):\n{}",
            self.status,
            &self.body[..self.body.len().min(6000)]
        );
        self
    }

    #[track_caller]
    fn lacks(&self, needle: &str) -> &Reply {
        assert!(
            !self.body.contains(needle),
            "did not expect {needle:?}:\n{}",
            self.body
        );
        self
    }

    #[track_caller]
    fn status(&self, s: StatusCode) -> &Reply {
        assert_eq!(
            self.status,
            s,
            "{}",
            &self.body[..self.body.len().min(6000)]
        );
        self
    }

    /// The value of `<input ... name="{name}" value="...">`.
    fn input(&self, name: &str) -> String {
        let at = self
            .body
            .find(&format!("name=\"{name}\" value=\""))
            .unwrap_or_else(|| panic!("no input {name}"));
        let rest = &self.body[at + name.len() + 15..];
        rest[..rest.find('"').unwrap()].to_owned()
    }
}

/// A browser: the state, its cookies, and an address.
struct Browser {
    state: AppState,
    cookies: Vec<String>,
    addr: std::net::SocketAddr,
}

impl Browser {
    fn new(state: &AppState) -> Browser {
        Browser {
            state: state.clone(),
            cookies: Vec::new(),
            addr: "10.0.0.1:5000".parse().unwrap(),
        }
    }

    async fn send(&mut self, req: Request<Body>) -> Reply {
        let mut req = req;
        if !self.cookies.is_empty() {
            req.headers_mut()
                .insert(header::COOKIE, self.cookies.join("; ").parse().unwrap());
        }
        req.extensions_mut()
            .insert(axum::extract::ConnectInfo(self.addr));
        let response = web::router(self.state.clone()).oneshot(req).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        let reply = Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        };
        for c in reply.header("set-cookie").lines() {
            let pair = c.split(';').next().unwrap().to_owned();
            let name = pair.split('=').next().unwrap().to_owned();
            self.cookies.retain(|x| !x.starts_with(&format!("{name}=")));
            if !c.contains("Max-Age=0") {
                self.cookies.push(pair);
            }
        }
        reply
    }

    async fn get(&mut self, uri: &str) -> Reply {
        self.send(Request::get(uri).body(Body::empty()).unwrap())
            .await
    }

    async fn post_raw(&mut self, uri: &str, body: impl Into<Body>) -> Reply {
        self.send(
            Request::post(uri)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(body.into())
                .unwrap(),
        )
        .await
    }

    async fn post(&mut self, uri: &str, fields: &[(&str, &str)]) -> Reply {
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        self.post_raw(uri, body).await
    }
}

fn fields<'a>(
    csrf: &'a str,
    key: &'a str,
    body: &'a str,
    step: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("khoa", key),
        ("loai", "hoi-phap-luat"),
        ("chu-de", "Đăng ký khai sinh"),
        ("noi-dung", body),
        ("ho-ten", "Lê Văn Bí Mật"),
        ("lien-he", "bi.mat@example.vn"),
        ("dong-y", "1"),
        ("buoc", step),
    ]
}

/// Opens the form, returns (csrf, idempotency key).
async fn open_form(b: &mut Browser) -> (String, String) {
    let r = b.get("/gop-y").await;
    r.status(StatusCode::OK);
    (r.input("csrf"), r.input("khoa"))
}

async fn service(db: &TestDb) -> AppState {
    let fb: Feedback = db.feedback().await;
    state_with(fb, PUBLIC_URL)
}

fn code_of(r: &Reply) -> String {
    let at = r.body.find("/theo-doi/").expect("tracking link");
    r.body[at + 10..at + 29].to_owned()
}

#[tokio::test]
async fn the_form_is_accessible_and_protected() {
    let db = sqlite_db();
    let state = service(&db).await;
    let mut b = Browser::new(&state);
    let r = b
        .get("/gop-y?chu-de=Lu%E1%BA%ADt%20H%C3%B4n%20nh%C3%A2n&loai=gop-y")
        .await;
    r.status(StatusCode::OK)
        .has(r#"<html lang="vi">"#)
        .has(r#"<label for="noi-dung">"#)
        .has(r#"<label for="lien-he">"#)
        .has(r#"value="Luật Hôn nhân""#)
        .has(r#"value="gop-y" checked"#)
        .has(r#"name="website""#);
    assert_eq!(r.header("cache-control"), "no-store");
    let cookie = r.header("set-cookie");
    for flag in ["tracuu_csrf=", "HttpOnly", "SameSite=Strict", "Secure"] {
        assert!(cookie.contains(flag), "{cookie}");
    }
    let (csrf, key) = (r.input("csrf"), r.input("khoa"));
    let text = "Con tôi sinh ở Nhật, về nước đăng ký khai sinh ở đâu?";

    // No token, a wrong token, a token without its cookie: 403, nothing stored.
    let mut f = fields("", &key, text, "gui");
    f.retain(|(k, _)| *k != "csrf");
    b.post("/gop-y", &f)
        .await
        .status(StatusCode::FORBIDDEN)
        .has("Biểu mẫu đã hết hạn");
    b.post(
        "/gop-y",
        &fields("0123456789abcdef0123456789abcdef", &key, text, "gui"),
    )
    .await
    .status(StatusCode::FORBIDDEN);
    let mut stranger = Browser::new(&state);
    stranger
        .post("/gop-y", &fields(&csrf, &key, text, "gui"))
        .await
        .status(StatusCode::FORBIDDEN);
    // The honeypot.
    let mut f = fields(&csrf, &key, text, "gui");
    f.push(("website", "http://spam.example"));
    b.post("/gop-y", &f).await.status(StatusCode::BAD_REQUEST);
    // A 1 MB body.
    let huge = format!("csrf={csrf}&noi-dung={}", "a".repeat(1 << 20));
    let r = b.post_raw("/gop-y", huge).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(db.store().await.count_submissions().await.unwrap(), 0);

    // Hostile text comes back escaped, with every error beside its field and the input kept.
    let hostile = "<script>alert(1)</script>'; DROP TABLE submissions; --";
    let mut f = fields(&csrf, &key, hostile, "gui");
    f.retain(|(k, _)| *k != "lien-he" && *k != "loai");
    f.push(("lien-he", "<img src=x onerror=alert(1)>"));
    let r = b.post("/gop-y", &f).await;
    r.status(StatusCode::BAD_REQUEST)
        .lacks("<script>alert(1)")
        .lacks("<img src=x")
        .has("&lt;script&gt;alert(1)&lt;/script&gt;")
        .has(r#"id="loi-lien-he""#)
        .has(r#"id="loi-loai""#)
        .has("Vui lòng nhập một địa chỉ email")
        .has(r#"aria-invalid="true""#)
        .has(&format!(r#"value="{key}""#));
    // Invalid UTF-8 in a field: refused beside the field.
    let mut raw = format!(
        "csrf={csrf}&khoa={key}&loai=khac&chu-de=x&ho-ten=A&lien-he=a%40b.vn&buoc=gui&noi-dung="
    )
    .into_bytes();
    raw.extend_from_slice(b"%FF%FE%FD abc def ghi jkl");
    let r = b.post_raw("/gop-y", raw).await;
    r.status(StatusCode::BAD_REQUEST).has("không phải mã UTF-8");
    // SQL in the text is just text: stored as typed.
    let r = b.post("/gop-y", &fields(&csrf, &key, hostile, "gui")).await;
    r.status(StatusCode::OK).has("Mã theo dõi");
    let code = code_of(&r);
    let t = b.get(&format!("/theo-doi/{code}")).await;
    t.status(StatusCode::OK);
    let store = db.store().await;
    assert_eq!(store.count_submissions().await.unwrap(), 1);
    assert_eq!(store.item(&code).await.unwrap().unwrap().body, hostile);
}

#[tokio::test]
async fn submit_receipt_double_submit_and_tracking_page() {
    for db in dbs().await {
        let state = service(&db).await;
        let mut b = Browser::new(&state);
        let (csrf, key) = open_form(&mut b).await;
        let text = "Vợ chồng tôi mới sinh em bé, làm giấy khai sinh ở đâu?";
        let r = b.post("/gop-y", &fields(&csrf, &key, text, "gui")).await;
        r.status(StatusCode::OK)
            .has("Đã nhận câu hỏi, góp ý của bạn")
            .lacks("Bí Mật")
            .lacks("bi.mat");
        let code = code_of(&r);
        // The same form again (double click, retry after a timeout): the same receipt.
        let again = b.post("/gop-y", &fields(&csrf, &key, text, "gui")).await;
        again
            .status(StatusCode::OK)
            .has(&code)
            .has("đã được gửi trước đó");
        assert_eq!(db.store().await.count_submissions().await.unwrap(), 1);

        let t = b.get(&format!("/theo-doi/{}", code.to_lowercase())).await;
        t.status(StatusCode::OK)
            .has("Đã tiếp nhận")
            .has(&code)
            .lacks("Bí Mật")
            .lacks("bi.mat")
            .lacks("example.vn");
        assert_eq!(t.header("cache-control"), "no-store");
        b.get("/theo-doi/AAAA-BBBB-CCCC-DDDD")
            .await
            .status(StatusCode::NOT_FOUND);
        b.get("/theo-doi/%3Cscript%3E")
            .await
            .status(StatusCode::NOT_FOUND);
        b.get("/theo-doi/%FF%FE")
            .await
            .status(StatusCode::NOT_FOUND);
        b.get("/theo-doi?ma=xyz")
            .await
            .status(StatusCode::BAD_REQUEST);
        let r = b
            .get(&format!("/theo-doi?ma={}", code.replace('-', "+")))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        db.finish().await;
    }
}

#[tokio::test]
async fn too_many_submissions_from_one_address_are_refused_with_the_text_kept() {
    let db = sqlite_db();
    let state = service(&db).await;
    let mut b = Browser::new(&state);
    let limit = db.config().submissions_per_hour;
    for i in 0..limit {
        let (csrf, key) = open_form(&mut b).await;
        b.post(
            "/gop-y",
            &fields(&csrf, &key, &format!("Câu hỏi thứ {i} về khai sinh"), "gui"),
        )
        .await
        .status(StatusCode::OK);
    }
    let (csrf, key) = open_form(&mut b).await;
    let r = b
        .post(
            "/gop-y",
            &fields(&csrf, &key, "Câu hỏi vượt giới hạn về khai sinh", "gui"),
        )
        .await;
    r.status(StatusCode::TOO_MANY_REQUESTS)
        .has("Câu hỏi vượt giới hạn về khai sinh");
}

async fn add_user(db: &TestDb, name: &str, role: Role, unit: Option<&str>) {
    let store: Store = db.store().await;
    store
        .add_user(name, &hash_password(PASSWORD).unwrap(), role.slug(), unit)
        .await
        .unwrap();
}

async fn login(state: &AppState, name: &str) -> (Browser, String) {
    let mut b = Browser::new(state);
    let r = b.get("/quan-tri/dang-nhap").await;
    let csrf = r.input("csrf");
    let r = b
        .post(
            "/quan-tri/dang-nhap",
            &[("csrf", &csrf), ("ten", name), ("mat-khau", PASSWORD)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let cookie = r.header("set-cookie");
    for flag in [
        "tracuu_phien=",
        "HttpOnly",
        "SameSite=Strict",
        "Secure",
        "Path=/quan-tri",
    ] {
        assert!(cookie.contains(flag), "{cookie}");
    }
    let q = b.get("/quan-tri").await;
    q.status(StatusCode::OK);
    let staff_csrf = q.input("csrf");
    (b, staff_csrf)
}

#[tokio::test]
async fn staff_login_is_throttled_and_pages_need_a_session() {
    let db = sqlite_db();
    add_user(&db, "quantri", Role::Administrator, None).await;
    let state = service(&db).await;
    let mut b = Browser::new(&state);
    assert_eq!(b.get("/quan-tri").await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        b.get("/quan-tri/thong-ke.csv").await.status,
        StatusCode::SEE_OTHER
    );
    let csrf = b.get("/quan-tri/dang-nhap").await.input("csrf");
    for _ in 0..5 {
        b.post(
            "/quan-tri/dang-nhap",
            &[
                ("csrf", &csrf),
                ("ten", "quantri"),
                ("mat-khau", "sai mật khẩu"),
            ],
        )
        .await
        .status(StatusCode::UNAUTHORIZED)
        .has("không đúng");
    }
    // Locked now, even with the right password.
    b.post(
        "/quan-tri/dang-nhap",
        &[("csrf", &csrf), ("ten", "quantri"), ("mat-khau", PASSWORD)],
    )
    .await
    .status(StatusCode::TOO_MANY_REQUESTS);
    // Without the CSRF token: refused.
    b.post(
        "/quan-tri/dang-nhap",
        &[("ten", "quantri"), ("mat-khau", PASSWORD)],
    )
    .await
    .status(StatusCode::FORBIDDEN);
    // A forged session cookie is no session.
    let mut forged = Browser::new(&state);
    forged
        .cookies
        .push("tracuu_phien=00112233445566778899aabbccddeeff".to_owned());
    assert_eq!(forged.get("/quan-tri").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_whole_flow_and_unit_isolation() {
    for db in dbs().await {
        add_user(&db, "quantri", Role::Administrator, None).await;
        add_user(&db, "tiepnhan", Role::Intake, None).await;
        add_user(&db, "hotich", Role::UnitStaff, Some("HCTP")).await;
        add_user(&db, "botro", Role::UnitStaff, Some("BTTP")).await;
        let state = service(&db).await;

        // A citizen submits.
        let mut citizen = Browser::new(&state);
        let (csrf, key) = open_form(&mut citizen).await;
        let text = "Tôi là Lê Văn Bí Mật (0987 654 321). Con tôi sinh ở nước ngoài, đăng ký khai sinh ở đâu?";
        let code = code_of(
            &citizen
                .post("/gop-y", &fields(&csrf, &key, text, "gui"))
                .await,
        );

        // Intake sees the suggestion with its reason and accepts another unit in one click.
        let (mut intake, icsrf) = login(&state, "tiepnhan").await;
        let page = intake.get(&format!("/quan-tri/muc/{code}")).await;
        page.status(StatusCode::OK)
            .has("Gợi ý phân loại")
            .has("độ tin cậy")
            .lacks("bi.mat");
        let r = intake
            .post(
                &format!("/quan-tri/muc/{code}/chuyen"),
                &[("csrf", &icsrf), ("don-vi", "HCTP")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        // Without the session's token: 403.
        intake
            .post(
                &format!("/quan-tri/muc/{code}/chuyen"),
                &[("don-vi", "BTTP")],
            )
            .await
            .status(StatusCode::FORBIDDEN);
        // Intake does not see submitters' data.
        intake
            .get(&format!("/quan-tri/nguoi-gui/{code}"))
            .await
            .status(StatusCode::NOT_FOUND);

        // Another unit: not in its queue, 404 by URL, 404 when acting on it.
        let (mut other, ocsrf) = login(&state, "botro").await;
        other.get("/quan-tri").await.lacks(&code);
        other
            .get(&format!("/quan-tri/muc/{code}"))
            .await
            .status(StatusCode::NOT_FOUND);
        other
            .post(
                &format!("/quan-tri/muc/{code}/tra-loi"),
                &[("csrf", &ocsrf), ("tra-loi", "chiếm quyền")],
            )
            .await
            .status(StatusCode::NOT_FOUND);
        other
            .post(
                &format!("/quan-tri/muc/{code}/chuyen"),
                &[("csrf", &ocsrf), ("don-vi", "BTTP")],
            )
            .await
            .status(StatusCode::NOT_FOUND);
        other
            .get(&format!("/quan-tri/nguoi-gui/{code}"))
            .await
            .status(StatusCode::NOT_FOUND);
        other
            .get("/quan-tri/nhat-ky")
            .await
            .status(StatusCode::FORBIDDEN);

        // The unit answers.
        let (mut unit, ucsrf) = login(&state, "hotich").await;
        unit.get("/quan-tri").await.has(&code);
        let answer = "Bạn đăng ký khai sinh tại Ủy ban nhân dân cấp xã nơi cư trú của cha hoặc mẹ.";
        let r = unit
            .post(
                &format!("/quan-tri/muc/{code}/tra-loi"),
                &[("csrf", &ucsrf), ("tra-loi", answer)],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        unit.post(&format!("/quan-tri/muc/{code}/duyet"), &[("csrf", &ucsrf)])
            .await
            .status(StatusCode::FORBIDDEN);

        // The administrator approves and publishes the anonymised question.
        let (mut admin, acsrf) = login(&state, "quantri").await;
        let r = admin
            .post(&format!("/quan-tri/muc/{code}/duyet"), &[("csrf", &acsrf)])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let page = admin.get(&format!("/quan-tri/muc/{code}")).await;
        page.has("Công khai");
        let question = page.body[page.body.find("name=\"cau-hoi\"").unwrap()..]
            .split_once('>')
            .unwrap()
            .1
            .split("</textarea>")
            .next()
            .unwrap()
            .to_owned();
        assert!(
            !question.contains("0987") && !question.contains("Bí Mật"),
            "{question}"
        );
        let r = admin
            .post(
                &format!("/quan-tri/muc/{code}/cong-bo"),
                &[("csrf", &acsrf), ("cau-hoi", &question)],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let export = admin.get(&format!("/quan-tri/nguoi-gui/{code}")).await;
        export.status(StatusCode::OK).has("bi.mat@example.vn");
        let csv = admin.get("/quan-tri/thong-ke.csv").await;
        csv.status(StatusCode::OK)
            .has("unit,name,received,answered")
            .has("HCTP,Cục Hành chính tư pháp,1,1,");
        assert!(csv.header("content-type").starts_with("text/csv"));
        admin
            .get("/quan-tri/nhat-ky")
            .await
            .status(StatusCode::OK)
            .has("publish");

        // The tracking page shows the history and the answer, never the person.
        let t = citizen.get(&format!("/theo-doi/{code}")).await;
        t.status(StatusCode::OK)
            .has("Đã công khai câu trả lời")
            .has("Cục Hành chính tư pháp")
            .has("Ủy ban nhân dân cấp xã")
            .lacks("Bí Mật")
            .lacks("0987")
            .lacks("bi.mat");
        // /hoi-dap lists and finds it, without the tracking code or the person.
        let list = citizen.get("/hoi-dap?q=khai%20sinh%20con").await;
        list.status(StatusCode::OK)
            .has("Đăng ký khai sinh")
            .lacks(&code)
            .lacks("Bí Mật");
        let at = list.body.find("href=\"/hoi-dap/").unwrap() + 6;
        let url = list.body[at..].split('"').next().unwrap().to_owned();
        let p = citizen.get(&url).await;
        p.status(StatusCode::OK)
            .has("Ủy ban nhân dân cấp xã")
            .lacks("Bí Mật")
            .lacks("0987 654 321")
            .lacks("bi.mat")
            .lacks(&code);
        // The main search shows it as its own kind of result.
        let s = citizen
            .get("/tim-kiem?q=%C4%91%C4%83ng%20k%C3%BD%20khai%20sinh")
            .await;
        s.status(StatusCode::OK).has("Hỏi đáp").has(&url);
        // Before submitting, a similar question is shown.
        let (csrf, key) = open_form(&mut citizen).await;
        let preview = citizen
            .post(
                "/gop-y",
                &fields(
                    &csrf,
                    &key,
                    "Con sinh ở nước ngoài thì khai sinh ở đâu ạ?",
                    "xem-truoc",
                ),
            )
            .await;
        preview
            .status(StatusCode::OK)
            .has("Câu hỏi tương tự đã được trả lời")
            .has(&url);
        assert_eq!(db.store().await.count_submissions().await.unwrap(), 1);

        // Logout ends the session.
        let r = admin.post("/quan-tri/dang-xuat", &[("csrf", &acsrf)]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(admin.get("/quan-tri").await.status, StatusCode::SEE_OTHER);
        db.finish().await;
    }
}

#[tokio::test]
async fn a_procedure_page_opens_the_form_and_its_procedure_routes_the_item() {
    for db in dbs().await {
        let name = db.name;
        let mut config = db.config();
        config.procedures_file = Some(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("content/procedures/procedures-curated.jsonl.gz"),
        );
        let state = state_with(Feedback::open(&config).await.unwrap(), PUBLIC_URL);
        let mut b = Browser::new(&state);

        // The procedure's page links the form with the kind, subject and code filled in.
        let page = b.get("/thu-tuc/1.000110").await;
        page.status(StatusCode::OK)
            .has("Hỏi hoặc góp ý về thủ tục này");
        let at = page.body.find("href=\"/gop-y?").expect("the form link") + 6;
        let link = page.body[at..]
            .split('"')
            .next()
            .unwrap()
            .replace("&amp;", "&");
        assert!(link.contains("thu-tuc=1.000110"), "{link}");
        // Links keep Vietnamese letters as they are; a browser percent-encodes them as UTF-8.
        let link: String = link
            .bytes()
            .map(|b| match b {
                0x80.. => format!("%{b:02X}"),
                _ => char::from(b).to_string(),
            })
            .collect();
        let form = b.get(&link).await;
        form.status(StatusCode::OK)
            .has(r#"value="gop-y" checked"#)
            .has(r#"name="thu-tuc" type="text" value="1.000110""#)
            .has("Thủ tục đăng ký khai sinh có yếu tố nước ngoài");
        let (csrf, key) = (form.input("csrf"), form.input("khoa"));

        // A complaint that names no field of law: the procedure decides where it goes.
        let text = "Tôi nộp hồ sơ đã ba tuần mà chưa có kết quả, gọi điện không ai trả lời.";
        let mut f = fields(&csrf, &key, text, "gui");
        f.push(("thu-tuc", "1.000110"));
        let code = code_of(b.post("/gop-y", &f).await.status(StatusCode::OK));
        let item = db.store().await.item(&code).await.unwrap().unwrap();
        assert_eq!(item.procedure.as_deref(), Some("1.000110"), "{name}");
        let s = item.suggestion.unwrap();
        assert_eq!(s.unit, "HCTP", "{name}: {}", s.reason);
        assert!(
            s.reason.starts_with(
                "Người gửi hỏi về thủ tục “Thủ tục đăng ký khai sinh có yếu tố nước ngoài"
            ),
            "{name}: {}",
            s.reason
        );
        assert!(s.reason.contains("lĩnh vực Hộ tịch"), "{}", s.reason);

        // Another ministry's procedure goes to that ministry.
        let (csrf, key) = open_form(&mut b).await;
        let mut f = fields(&csrf, &key, text, "gui");
        f.push(("thu-tuc", "1.000232"));
        let code = code_of(b.post("/gop-y", &f).await.status(StatusCode::OK));
        let s = db
            .store()
            .await
            .item(&code)
            .await
            .unwrap()
            .unwrap()
            .suggestion
            .unwrap();
        assert!(s.reason.contains("của Bộ Công an"), "{name}: {}", s.reason);
        assert_ne!(s.unit, "HCTP", "{name}");

        // Without a procedure the same text has no such reason.
        let (csrf, key) = open_form(&mut b).await;
        let code = code_of(
            b.post("/gop-y", &fields(&csrf, &key, text, "gui"))
                .await
                .status(StatusCode::OK),
        );
        let item = db.store().await.item(&code).await.unwrap().unwrap();
        assert_eq!(item.procedure, None);
        assert!(
            !item
                .suggestion
                .unwrap()
                .reason
                .contains("Người gửi hỏi về thủ tục")
        );

        // A code that is not one: refused beside its field, escaped, the rest kept.
        let (csrf, key) = open_form(&mut b).await;
        let mut f = fields(&csrf, &key, text, "gui");
        f.push(("thu-tuc", "1.0<script>"));
        b.post("/gop-y", &f)
            .await
            .status(StatusCode::BAD_REQUEST)
            .has(r#"id="loi-thu-tuc""#)
            .has("Mã thủ tục gồm các nhóm chữ số")
            .has("1.0&lt;script&gt;")
            .lacks("1.0<script>")
            .has(text);
        assert_eq!(db.store().await.count_submissions().await.unwrap(), 3);
        db.finish().await;
    }
}

#[tokio::test]
async fn an_administrator_exports_and_erases_a_submitters_data() {
    for db in dbs().await {
        let name = db.name;
        add_user(&db, "quantri", Role::Administrator, None).await;
        add_user(&db, "tiepnhan", Role::Intake, None).await;
        let state = service(&db).await;
        let mut citizen = Browser::new(&state);
        let (csrf, key) = open_form(&mut citizen).await;
        let text = "Tôi muốn hỏi thủ tục đăng ký khai sinh cho con sinh ở nước ngoài.";
        let code = code_of(
            citizen
                .post("/gop-y", &fields(&csrf, &key, text, "gui"))
                .await
                .status(StatusCode::OK),
        );

        // Intake can neither export nor erase.
        let (mut intake, icsrf) = login(&state, "tiepnhan").await;
        intake
            .get(&format!("/quan-tri/nguoi-gui/{code}"))
            .await
            .status(StatusCode::NOT_FOUND);
        intake
            .post(
                &format!("/quan-tri/muc/{code}/xoa-du-lieu"),
                &[("csrf", &icsrf)],
            )
            .await
            .status(StatusCode::NOT_FOUND);

        // The administrator's export: everything held on the person, as JSON, audited.
        let (mut admin, acsrf) = login(&state, "quantri").await;
        let export = admin.get(&format!("/quan-tri/nguoi-gui/{code}")).await;
        export.status(StatusCode::OK);
        assert!(
            export
                .header("content-type")
                .starts_with("application/json")
        );
        assert_eq!(export.header("cache-control"), "no-store");
        let data: serde_json::Value = serde_json::from_str(&export.body).unwrap();
        assert_eq!(
            data,
            serde_json::json!({
                "code": code, "name": "Lê Văn Bí Mật", "contact": "bi.mat@example.vn",
                "contact_kind": "email",
            }),
            "{name}"
        );
        // Without the token: refused, nothing erased.
        admin
            .post(
                &format!("/quan-tri/muc/{code}/xoa-du-lieu"),
                &[("csrf", "")],
            )
            .await
            .status(StatusCode::FORBIDDEN);
        let store = db.store().await;
        assert!(store.submitter(&code).await.unwrap().is_some());
        // A code that does not exist: 404, and no audit line for it.
        admin
            .post(
                "/quan-tri/muc/AAAA-BBBB-CCCC-DDDD/xoa-du-lieu",
                &[("csrf", &acsrf)],
            )
            .await
            .status(StatusCode::NOT_FOUND);

        // Erased: the person, their text and their pending mail; the item and its history stay.
        let r = admin
            .post(
                &format!("/quan-tri/muc/{code}/xoa-du-lieu"),
                &[("csrf", &acsrf)],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert!(store.submitter(&code).await.unwrap().is_none(), "{name}");
        let item = store.item(&code).await.unwrap().unwrap();
        assert_eq!(item.body, "", "{name}");
        assert!(store.pending_mail(100).await.unwrap().is_empty(), "{name}");
        admin
            .get(&format!("/quan-tri/nguoi-gui/{code}"))
            .await
            .status(StatusCode::NOT_FOUND);
        let page = admin.get(&format!("/quan-tri/muc/{code}")).await;
        page.status(StatusCode::OK)
            .lacks("Bí Mật")
            .lacks("bi.mat")
            .lacks("khai sinh cho con sinh ở nước ngoài.");
        citizen
            .get(&format!("/theo-doi/{code}"))
            .await
            .status(StatusCode::OK)
            .has("Đã tiếp nhận");
        let actions: Vec<(String, Option<String>)> = store
            .audit_log(None)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.action.contains("submitter") || e.action == "erase")
            .map(|e| (e.action, e.code))
            .collect();
        assert_eq!(
            actions,
            [
                ("export-submitter".to_owned(), Some(code.clone())),
                ("erase".to_owned(), Some(code.clone())),
            ],
            "{name}"
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn the_json_api_submits_and_tracks() {
    for db in dbs().await {
        let name = db.name;
        let state = service(&db).await;
        let mut b = Browser::new(&state);
        let post = |key: Option<&str>, body: &str| {
            let mut r =
                Request::post("/api/v1/feedback").header(header::CONTENT_TYPE, "application/json");
            if let Some(k) = key {
                r = r.header("idempotency-key", k);
            }
            r.body(Body::from(body.to_owned())).unwrap()
        };
        let good = serde_json::json!({
            "kind": "hoi-phap-luat", "subject": "Đăng ký khai sinh",
            "body": "Con tôi sinh ở nước ngoài thì đăng ký khai sinh ở đâu?",
            "name": "Lê Văn Bí Mật", "contact": "bi.mat@example.vn", "consent_publish": true
        })
        .to_string();

        // Refusals, each structured, nothing stored.
        let r = b.send(post(None, &good)).await;
        r.status(StatusCode::BAD_REQUEST)
            .has(r#""code":"bad_request""#)
            .has("Idempotency-Key");
        let r = b.send(post(Some("khoa-api-0001"), "{\"kind\": ")).await;
        r.status(StatusCode::BAD_REQUEST).has("JSON");
        let r = b.send(post(Some("khoa-api-0001"), r#"{"kind":"x","subject":"","body":"ngắn","name":"A","contact":"<script>","extra":1}"#)).await;
        r.status(StatusCode::BAD_REQUEST);
        let r = b
            .send(post(
                Some("khoa-api-0001"),
                r#"{"kind":"x","subject":"","body":"ngắn","name":"A","contact":"<script>"}"#,
            ))
            .await;
        r.status(StatusCode::BAD_REQUEST);
        let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(v["error"]["code"], "invalid_submission", "{name}");
        for f in ["loai", "chu-de", "noi-dung", "lien-he"] {
            assert!(v["error"]["fields"][f].is_string(), "{name}: {f} in {v}");
        }
        assert_eq!(db.store().await.count_submissions().await.unwrap(), 0);

        // Accepted: 201 with the receipt; the same key again: 200, the same code, one record.
        let r = b.send(post(Some("khoa-api-0001"), &good)).await;
        r.status(StatusCode::CREATED);
        assert_eq!(r.header("cache-control"), "no-store");
        let receipt: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        let code = receipt["code"].as_str().unwrap().to_owned();
        assert_eq!(receipt["created"], true);
        assert_eq!(receipt["api_url"], format!("/api/v1/feedback/{code}"));
        let again = b.send(post(Some("khoa-api-0001"), &good)).await;
        again
            .status(StatusCode::CREATED)
            .has(&code)
            .has(r#""created":false"#);
        assert_eq!(db.store().await.count_submissions().await.unwrap(), 1);

        // Tracking: the history, no personal data; an unknown code is a JSON 404.
        let t = b
            .get(&format!("/api/v1/feedback/{}", code.to_lowercase()))
            .await;
        t.status(StatusCode::OK)
            .has(r#""status":"received""#)
            .has("Đã tiếp nhận")
            .lacks("Bí Mật")
            .lacks("bi.mat");
        b.get("/api/v1/feedback/AAAA-BBBB-CCCC-DDDD")
            .await
            .status(StatusCode::NOT_FOUND)
            .has(r#""code":"not_found""#);

        // The rate limit counts API submissions with the form's.
        let limit = db.config().submissions_per_hour;
        let mut refused = None;
        for i in 0..limit {
            let r = b
                .send(post(Some(&format!("khoa-api-gioi-han-{i}")), &good))
                .await;
            if r.status == StatusCode::TOO_MANY_REQUESTS {
                refused = Some((i, r));
                break;
            }
        }
        let (i, r) = refused.expect("the limit is reached");
        assert_eq!(i + 1, limit, "{name}");
        r.has(r#""code":"too_many_requests""#);
        db.finish().await;
    }
}
