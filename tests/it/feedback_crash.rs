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

/// One submission: open the form, post it. The tracking code when it was acknowledged.
fn submit(addr: &str, i: usize) -> Option<String> {
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
    let csrf = input(&body, "csrf")?;
    let key = input(&body, "khoa")?;
    let form: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("csrf", csrf.as_str()),
            ("khoa", key.as_str()),
            ("loai", "hoi-phap-luat"),
            ("chu-de", "Đăng ký kết hôn"),
            (
                "noi-dung",
                &format!("Câu hỏi số {i}: đăng ký kết hôn với người nước ngoài cần giấy tờ gì?"),
            ),
            ("ho-ten", "Người Gửi"),
            ("lien-he", "nguoi.gui@example.vn"),
            ("buoc", "gui"),
        ])
        .finish();
    let (status, _, body) = http(
        addr,
        &format!(
            "POST /gop-y HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nCookie: {cookie}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{form}",
            form.len()
        ),
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
    let child = Command::new(env!("CARGO_BIN_EXE_tracuu"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["--config", config.to_str().unwrap(), "--index-dir"])
        .arg(content_index_dir())
        .args(["serve", "--addr", addr])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
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

#[test]
fn every_acknowledged_submission_survives_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    std::fs::create_dir_all(&db).unwrap();
    let config = dir.path().join("tracuu.toml");
    std::fs::write(
        &config,
        format!(
            "[feedback]\ndata_dir = {:?}\nsubmissions_per_hour = 1000000\n",
            db.to_str().unwrap()
        ),
    )
    .unwrap();
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
