//! Durability: the real server (`tracuu serve` on SQLite) is killed with SIGKILL in the middle
//! of a burst of submissions over HTTP; after a restart every submission that was acknowledged
//! (a receipt with its code came back) is in the store.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tracuu::feedback::Store;

use crate::support::content_index_dir;

/// A bare HTTP/1.1 exchange (`Connection: close`): the status, the headers and the body.
fn http(addr: &str, request: &str) -> Option<(u16, String, String)> {
    let mut s = TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(20))).ok()?;
    s.write_all(request.as_bytes()).ok()?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).ok()?;
    let text = String::from_utf8_lossy(&buf).into_owned();
    let (head, body) = text.split_once("\r\n\r\n")?;
    let status = head.split(' ').nth(1)?.parse().ok()?;
    Some((status, head.to_owned(), body.to_owned()))
}

fn input(body: &str, name: &str) -> Option<String> {
    let at = body.find(&format!("name=\"{name}\" value=\""))? + name.len() + 15;
    Some(body[at..].split('"').next()?.to_owned())
}

/// Opens the form: the CSRF cookie, its token and the idempotency key.
fn open_form(addr: &str) -> Option<(String, String, String)> {
    let (_, head, body) = http(
        addr,
        &format!("GET /gop-y HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
    )?;
    let cookie = head
        .lines()
        .find(|l| {
            l.to_ascii_lowercase()
                .starts_with("set-cookie: tracuu_csrf=")
        })?
        .split_once(": ")?
        .1
        .split(';')
        .next()?
        .to_owned();
    Some((cookie, input(&body, "csrf")?, input(&body, "khoa")?))
}

/// Posts the form's `fields` with the cookie: the status and the body.
fn post_form(addr: &str, cookie: &str, fields: &[(&str, &str)]) -> Option<(u16, String)> {
    let form: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    let (status, _, body) = http(
        addr,
        &format!(
            "POST /gop-y HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nCookie: {cookie}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{form}",
            form.len()
        ),
    )?;
    Some((status, body))
}

/// One submission: open the form, post it. The tracking code when it was acknowledged.
fn submit(addr: &str, i: usize) -> Option<String> {
    let (cookie, csrf, key) = open_form(addr)?;
    let text = format!("Câu hỏi số {i}: đăng ký kết hôn với người nước ngoài cần giấy tờ gì?");
    let (status, body) = post_form(
        addr,
        &cookie,
        &[
            ("csrf", csrf.as_str()),
            ("khoa", key.as_str()),
            ("loai", "hoi-phap-luat"),
            ("chu-de", "Đăng ký kết hôn"),
            ("noi-dung", &text),
            ("ho-ten", "Người Gửi"),
            ("lien-he", "nguoi.gui@example.vn"),
            ("buoc", "gui"),
        ],
    )?;
    if status != 200 {
        return None;
    }
    let at = body.find("/theo-doi/")? + 10;
    Some(body.get(at..at + 19)?.to_owned())
}

fn free_addr() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().to_string()
}

fn start(config: &Path, addr: &str) -> Child {
    start_logging(config, addr, "warn", Stdio::null())
}

/// `tracuu serve` with `RUST_LOG=log`, its log (stderr) going to `to`.
fn start_logging(config: &Path, addr: &str, log: &str, to: Stdio) -> Child {
    let child = Command::new(env!("CARGO_BIN_EXE_tracuu"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["--config", config.to_str().unwrap(), "--index-dir"])
        .arg(content_index_dir())
        .args(["serve", "--addr", addr])
        .env("RUST_LOG", log)
        .stdout(Stdio::null())
        .stderr(to)
        .spawn()
        .expect("tracuu starts");
    let started = Instant::now();
    while TcpStream::connect(addr).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "server did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    child
}

/// A directory for a server: its feedback store's directory and a `tracuu.toml` with `[feedback]`
/// pointing there, plus `more` lines.
fn server_dir(more: &str) -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    std::fs::create_dir_all(&db).unwrap();
    let config = dir.path().join("tracuu.toml");
    std::fs::write(
        &config,
        format!("[feedback]\ndata_dir = {:?}\n{more}", db.to_str().unwrap()),
    )
    .unwrap();
    (dir, db, config)
}

#[test]
fn every_acknowledged_submission_survives_sigkill() {
    let (_dir, db, config) = server_dir("submissions_per_hour = 1000000\n");
    let addr = free_addr();
    let mut server = start(&config, &addr);

    let acked = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let workers: Vec<_> = (0..8)
        .map(|w| {
            let (acked, stop, addr) = (acked.clone(), stop.clone(), addr.clone());
            std::thread::spawn(move || {
                let mut i = w * 100_000;
                while !stop.load(Ordering::Relaxed) {
                    if let Some(code) = submit(&addr, i) {
                        acked.lock().unwrap().push(code);
                    }
                    i += 1;
                }
            })
        })
        .collect();
    // Kill in the middle of the burst, once a good number went through.
    let started = Instant::now();
    while acked.lock().unwrap().len() < 60 && started.elapsed() < Duration::from_secs(120) {
        std::thread::sleep(Duration::from_millis(10));
    }
    server.kill().expect("SIGKILL"); // std's kill is SIGKILL on Unix
    server.wait().unwrap();
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.join().unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(acked.len() >= 60, "only {} acknowledged", acked.len());

    // Restart: the server opens the same store and every acknowledged code is there.
    let addr2 = free_addr();
    let mut again = start(&config, &addr2);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let codes = rt.block_on(async {
        let store = Store::open(&Store::sqlite_url(&db)).await.unwrap();
        store.codes().await.unwrap()
    });
    let missing: Vec<&String> = acked.iter().filter(|c| !codes.contains(c)).collect();
    assert!(
        missing.is_empty(),
        "lost {} of {}: {missing:?}",
        missing.len(),
        acked.len()
    );
    // And they are served.
    let (status, _, body) = http(
        &addr2,
        &format!(
            "GET /theo-doi/{} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            acked[0]
        ),
    )
    .unwrap();
    assert_eq!(status, 200);
    assert!(body.contains("Đã tiếp nhận"));
    again.kill().unwrap();
    again.wait().unwrap();
    eprintln!(
        "{} acknowledged before SIGKILL, {} stored, none lost",
        acked.len(),
        codes.len()
    );
}

/// The real server, logging at debug level (ours and every dependency's) while a person sends a
/// form with a mistake, previews similar answers, submits, and opens the tracking page: the log
/// has the requests, and no name, contact, text or client address.
#[test]
fn the_server_logs_no_personal_data() {
    let (dir, _db, config) = server_dir("");
    let log_path = dir.path().join("serve.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let addr = free_addr();
    let mut server = start_logging(&config, &addr, "debug", Stdio::from(log));

    let (name, contact, text) = (
        "Hoàng Thị Kín",
        "hoang.kin@example.vn",
        "Bí mật riêng: hàng xóm lấn đất nhà tôi ở thửa số 1234, tôi phải làm gì?",
    );
    let (cookie, csrf, key) = open_form(&addr).expect("the form");
    let fields = |contact: &'static str, step: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("khoa", key.clone()),
            ("loai", "hoi-phap-luat".to_owned()),
            ("chu-de", "Tranh chấp đất đai".to_owned()),
            ("noi-dung", text.to_owned()),
            ("ho-ten", name.to_owned()),
            ("lien-he", contact.to_owned()),
            ("dong-y", "1".to_owned()),
            ("buoc", step.to_owned()),
        ]
    };
    let send = |f: Vec<(&str, String)>| {
        let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        post_form(&addr, &cookie, &pairs).expect("a reply")
    };
    assert_eq!(send(fields("không-phải-liên-hệ", "gui")).0, 400);
    assert_eq!(send(fields("hoang.kin@example.vn", "xem-truoc")).0, 200);
    let (status, body) = send(fields("hoang.kin@example.vn", "gui"));
    assert_eq!(status, 200, "{body}");
    let at = body.find("/theo-doi/").unwrap();
    let code = body[at + 10..at + 29].to_owned();
    let (status, _, _) = http(
        &addr,
        &format!("GET /theo-doi/{code} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
    )
    .unwrap();
    assert_eq!(status, 200);
    std::thread::sleep(Duration::from_millis(300));
    server.kill().unwrap();
    server.wait().unwrap();

    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(log.contains("submission received"), "{log}");
    assert!(log.contains("/gop-y"), "the requests are logged: {log}");
    for secret in [
        name,
        contact,
        "hoang.kin",
        "Hoàng",
        "lấn đất",
        "thửa số",
        "Tranh chấp",
        "không-phải-liên-hệ",
        &form_urlencoded::byte_serialize(name.as_bytes()).collect::<String>(),
        "hoang.kin%40example.vn",
    ] {
        let lines: Vec<&str> = log.lines().filter(|l| l.contains(secret)).collect();
        assert!(lines.is_empty(), "the log has {secret:?}: {lines:#?}");
    }
    // The client's address: only the line saying where the server listens names 127.0.0.1.
    let client_lines: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("127.0.0.1") && !l.contains("serving"))
        .collect();
    assert!(client_lines.is_empty(), "{client_lines:#?}");
}
