//! The feedback service over a real store, run against SQLite and (when reachable) PostgreSQL:
//! the same schema from the same migrations, submissions acknowledged only once committed,
//! idempotency, 500 concurrent submissions, the whole answer workflow with its audit log, roles,
//! the outbox when mail is down, erasure.

use std::sync::Mutex;

use futures_util::future::join_all;

use tracuu::feedback::{
    Feedback, FeedbackError, Mailer, Role, Staff, Status, deliver_pending, token, vn_date,
};

use crate::feedback_support::{dbs, form, postgres_db, sqlite_db};

fn staff(name: &str, role: Role, unit: Option<&str>) -> Staff {
    Staff {
        username: name.to_owned(),
        role,
        unit: unit.map(str::to_owned),
    }
}

#[tokio::test]
async fn both_backends_have_the_same_schema() {
    let lite = sqlite_db();
    let lite_schema = lite.store().await.schema().await.unwrap();
    assert!(lite_schema.contains(&"submissions.idempotency_key".to_owned()));
    assert!(lite_schema.contains(&"submitters.contact".to_owned()));
    assert!(lite_schema.len() > 50, "{lite_schema:?}");
    let Some(pg) = postgres_db().await else {
        return;
    };
    let pg_schema = pg.store().await.schema().await.unwrap();
    assert_eq!(lite_schema, pg_schema);
    // Migrations run twice are a no-op.
    pg.store().await;
    pg.finish().await;
}

#[tokio::test]
async fn a_submission_is_tracked_without_personal_data_and_idempotent() {
    for db in dbs().await {
        let fb = db.feedback().await;
        let key = token(16);
        let f = form("Con tôi sinh ở nước ngoài, đăng ký khai sinh ở đâu?");
        let r1 = fb.submit(&f, &key, "10.0.0.1").await.unwrap();
        assert!(r1.created, "{}", db.name);
        let r2 = fb.submit(&f, &key, "10.0.0.1").await.unwrap();
        assert!(!r2.created);
        assert_eq!(r1.code, r2.code);
        assert_eq!(
            fb.store().count_submissions().await.unwrap(),
            1,
            "{}",
            db.name
        );
        let t = fb.tracking(&r1.code.to_lowercase()).await.unwrap().unwrap();
        assert_eq!(t.status, Status::Received);
        assert_eq!(t.events.len(), 1);
        let shown = format!("{t:?}");
        assert!(
            !shown.contains("Riêng Tư") && !shown.contains("rieng.tu"),
            "{shown}"
        );
        // Due in 10 working days.
        let received = vn_date(t.received_at);
        assert_eq!(fb.calendar().working_days_between(received, t.due_date), 10);
        assert!(fb.tracking("AAAA-AAAA-AAAA-AAAA").await.unwrap().is_none());
        assert!(fb.tracking("' OR 1=1 --").await.unwrap().is_none());
        // Invalid forms and stale keys store nothing.
        let mut bad = form("x");
        bad.contact = "not a contact".into();
        assert!(matches!(
            fb.submit(&bad, &token(16), "10.0.0.1").await,
            Err(FeedbackError::Invalid(_))
        ));
        assert!(matches!(
            fb.submit(&f, "short", "10.0.0.1").await,
            Err(FeedbackError::BadInput(_))
        ));
        assert_eq!(fb.store().count_submissions().await.unwrap(), 1);
        db.finish().await;
    }
}

#[tokio::test]
async fn five_hundred_concurrent_submissions_make_five_hundred_records() {
    for db in dbs().await {
        let fb = db.feedback().await;
        let fb = &fb;
        let acks = join_all((0..500).map(|i| async move {
            let f = form(&format!(
                "Câu hỏi số {i} về đăng ký kết hôn có yếu tố nước ngoài"
            ));
            // One address each: the per-address limit is not what is tested here.
            fb.submit(&f, &token(16), &format!("10.1.{}.{}", i / 250, i % 250))
                .await
        }))
        .await;
        let mut codes: Vec<String> = acks
            .into_iter()
            .map(|r| r.unwrap_or_else(|e| panic!("{}: {e}", db.name)).code)
            .collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), 500, "{}", db.name);
        assert_eq!(
            fb.store().count_submissions().await.unwrap(),
            500,
            "{}",
            db.name
        );
        assert_eq!(fb.store().codes().await.unwrap(), codes);
        // The same form sent 50 times at once (a double click, retries) is one record.
        let key = token(16);
        let f = form("Một câu hỏi gửi nhiều lần cùng lúc vì bấm đúp");
        let again = join_all((0..50).map(|_| fb.submit(&f, &key, "10.2.0.1"))).await;
        let codes: std::collections::BTreeSet<String> =
            again.into_iter().map(|r| r.unwrap().code).collect();
        assert_eq!(codes.len(), 1);
        assert_eq!(fb.store().count_submissions().await.unwrap(), 501);
        db.finish().await;
    }
}

#[tokio::test]
async fn the_rate_limit_counts_per_address_and_never_refuses_a_retry() {
    let db = sqlite_db();
    let fb = db.feedback().await;
    let limit = db.config().submissions_per_hour as usize;
    let mut last_key = String::new();
    for i in 0..limit {
        last_key = token(16);
        fb.submit(
            &form(&format!("Câu hỏi thứ {i} cho giới hạn")),
            &last_key,
            "10.9.9.9",
        )
        .await
        .unwrap();
    }
    let over = fb
        .submit(
            &form("Một câu hỏi nữa vượt giới hạn"),
            &token(16),
            "10.9.9.9",
        )
        .await;
    assert!(matches!(over, Err(FeedbackError::RateLimited)), "{over:?}");
    // Another address is not affected.
    fb.submit(&form("Từ địa chỉ khác, vẫn nhận"), &token(16), "10.9.9.8")
        .await
        .unwrap();
    assert_eq!(
        fb.store().count_submissions().await.unwrap(),
        limit as i64 + 1
    );
    let _ = last_key;
}

struct Recorder {
    up: bool,
    sent: Mutex<Vec<String>>,
}

impl Mailer for Recorder {
    fn send(&self, to: &str, subject: &str, _body: &str) -> Result<(), String> {
        if !self.up {
            return Err("connection refused".to_owned());
        }
        self.sent.lock().unwrap().push(format!("{to}: {subject}"));
        Ok(())
    }
}

#[tokio::test]
async fn routing_answer_publication_and_audit_with_roles() {
    for db in dbs().await {
        let fb = db.feedback().await;
        let r = fb
            .submit(
                &form(
                    "Tôi là Trần Thị Riêng Tư, sđt 0912345678. Thủ tục đăng ký khai sinh cho con?",
                ),
                &token(16),
                "10.0.0.2",
            )
            .await
            .unwrap();
        let admin = staff("quantri", Role::Administrator, None);
        let intake = staff("tiepnhan", Role::Intake, None);
        let hctp = staff("hotich", Role::UnitStaff, Some("HCTP"));
        let bttp = staff("botro", Role::UnitStaff, Some("BTTP"));

        // Nobody's unit yet: unit staff see nothing of it.
        assert!(matches!(
            fb.item_for(&hctp, &r.code).await,
            Err(FeedbackError::NotFound)
        ));
        let item = fb.item_for(&intake, &r.code).await.unwrap();
        let suggestion = item.suggestion.clone().unwrap();
        assert!(!suggestion.reason.is_empty());
        assert!((0.0..=1.0).contains(&suggestion.confidence));
        // Unit staff cannot route; intake can.
        assert!(fb.assign(&hctp, &r.code, "HCTP").await.is_err());
        assert!(matches!(
            fb.assign(&intake, &r.code, "NOPE").await,
            Err(FeedbackError::BadInput(_))
        ));
        fb.assign(&intake, &r.code, "HCTP").await.unwrap();

        // The other unit cannot read or act on it; its own unit can.
        assert!(matches!(
            fb.item_for(&bttp, &r.code).await,
            Err(FeedbackError::NotFound)
        ));
        assert!(matches!(
            fb.save_draft(&bttp, &r.code, "trả lời").await,
            Err(FeedbackError::NotFound)
        ));
        assert!(fb.queue_for(&bttp).await.unwrap().is_empty());
        assert_eq!(fb.queue_for(&hctp).await.unwrap().len(), 1);
        assert!(matches!(
            fb.save_draft(&intake, &r.code, "trả lời").await,
            Err(FeedbackError::Forbidden)
        ));
        fb.save_draft(
            &hctp,
            &r.code,
            "Bạn đăng ký khai sinh tại UBND cấp xã nơi cư trú.",
        )
        .await
        .unwrap();
        // Unit staff do not approve; a second approval is refused.
        assert!(matches!(
            fb.approve(&hctp, &r.code).await,
            Err(FeedbackError::Forbidden)
        ));
        fb.approve(&admin, &r.code).await.unwrap();
        assert!(matches!(
            fb.approve(&admin, &r.code).await,
            Err(FeedbackError::Conflict(_))
        ));
        assert!(matches!(
            fb.save_draft(&hctp, &r.code, "sửa sau khi duyệt").await,
            Err(FeedbackError::Conflict(_))
        ));
        let t = fb.tracking(&r.code).await.unwrap().unwrap();
        assert_eq!(t.status, Status::Answered);
        assert!(t.answer.unwrap().contains("UBND cấp xã"));

        fb.publish(&admin, &r.code, None).await.unwrap();
        let published = fb.published();
        assert_eq!(published.all().len(), 1);
        let p = &published.all()[0];
        for leak in ["Riêng Tư", "0912345678", "rieng.tu"] {
            assert!(!p.question.contains(leak), "{leak} in {:?}", p.question);
        }
        let found = fb.similar("khai sinh cho con ở đâu", 5).unwrap();
        assert_eq!(found.len(), 1);

        let t = fb.tracking(&r.code).await.unwrap().unwrap();
        let statuses: Vec<Status> = t.events.iter().map(|e| e.status).collect();
        assert_eq!(
            statuses,
            [
                Status::Received,
                Status::Assigned,
                Status::Answered,
                Status::Published
            ]
        );
        let audit: Vec<(String, String)> = fb
            .store()
            .audit_log(Some(&r.code))
            .await
            .unwrap()
            .into_iter()
            .map(|a| (a.actor, a.action))
            .collect();
        let expect = [
            ("citizen", "submit"),
            ("tiepnhan", "assign"),
            ("hotich", "draft"),
            ("quantri", "approve"),
            ("quantri", "publish"),
        ];
        assert_eq!(
            audit,
            expect.map(|(a, b)| (a.to_owned(), b.to_owned())).to_vec(),
            "{}",
            db.name
        );

        // The decision feeds routing: a similar question now suggests HCTP with a past reason.
        let r2 = fb
            .submit(
                &form("Thủ tục đăng ký khai sinh cho con thế nào?"),
                &token(16),
                "10.0.0.3",
            )
            .await
            .unwrap();
        let s2 = fb
            .item_for(&intake, &r2.code)
            .await
            .unwrap()
            .suggestion
            .unwrap();
        assert_eq!(s2.unit, "HCTP", "{}", s2.reason);
        assert!(s2.reason.contains("trước đây"), "{}", s2.reason);

        // Statistics: HCTP received 1 and answered 1.
        let stats = fb.stats(vn_date(tracuu::feedback::now_ms())).await.unwrap();
        let h = stats.iter().find(|s| s.unit == "HCTP").unwrap();
        assert_eq!((h.received, h.answered), (1, 1));

        // Mail: down → everything stays pending; up → sent, each once.
        let down = Recorder {
            up: false,
            sent: Mutex::new(Vec::new()),
        };
        let o = deliver_pending(fb.store(), &down).await.unwrap();
        assert_eq!(o.sent, 0);
        assert!(o.failed >= 4, "{o:?}");
        let up = Recorder {
            up: true,
            sent: Mutex::new(Vec::new()),
        };
        let o = deliver_pending(fb.store(), &up).await.unwrap();
        assert_eq!(o.failed, 0);
        assert_eq!(o.sent, up.sent.lock().unwrap().len());
        assert!(
            up.sent
                .lock()
                .unwrap()
                .iter()
                .all(|m| m.starts_with("rieng.tu@example.vn"))
        );
        assert_eq!(deliver_pending(fb.store(), &up).await.unwrap().sent, 0);

        // Export and erasure are the administrator's.
        assert!(matches!(
            fb.export_submitter(&intake, &r.code).await,
            Err(FeedbackError::NotFound)
        ));
        let data = fb.export_submitter(&admin, &r.code).await.unwrap();
        assert_eq!(data.contact, "rieng.tu@example.vn");
        fb.erase_submitter(&admin, &r.code).await.unwrap();
        assert!(fb.store().submitter(&r.code).await.unwrap().is_none());
        assert!(fb.published().all().is_empty());
        db.finish().await;
    }
}

#[tokio::test]
async fn a_reopened_service_remembers_published_answers_and_decisions() {
    let db = sqlite_db();
    let code = {
        let fb = db.feedback().await;
        let r = fb
            .submit(
                &form("Hỏi về công chứng hợp đồng mua bán nhà"),
                &token(16),
                "10.0.0.4",
            )
            .await
            .unwrap();
        let admin = staff("quantri", Role::Administrator, None);
        fb.assign(&admin, &r.code, "BTTP").await.unwrap();
        fb.save_draft(
            &admin,
            &r.code,
            "Hợp đồng mua bán nhà phải được công chứng.",
        )
        .await
        .unwrap();
        fb.approve(&admin, &r.code).await.unwrap();
        fb.publish(
            &admin,
            &r.code,
            Some("Hợp đồng mua bán nhà có phải công chứng?"),
        )
        .await
        .unwrap();
        fb.store().close().await;
        r.code
    };
    let fb: Feedback = db.feedback().await;
    assert_eq!(fb.published().all()[0].code, code);
    assert_eq!(fb.similar("công chứng hợp đồng", 3).unwrap().len(), 1);
}

#[tokio::test]
async fn smtp_down_keeps_every_mail_in_the_outbox() {
    let db = sqlite_db();
    let fb = db.feedback().await;
    fb.submit(
        &form("Hỏi về chứng thực bản sao giấy tờ"),
        &token(16),
        "10.0.0.5",
    )
    .await
    .unwrap();
    // Nothing listens on this port: the real SMTP client fails, the mail stays pending.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let smtp =
        tracuu::feedback::SmtpMailer::new("127.0.0.1", port, "Tra cứu <khong-tra-loi@example.vn>")
            .unwrap();
    let store = fb.store().clone();
    let outcome = tokio::task::spawn_blocking(move || {
        tokio::runtime::Handle::current().block_on(deliver_pending(&store, &smtp))
    })
    .await
    .unwrap()
    .unwrap();
    assert_eq!((outcome.sent, outcome.failed), (0, 1));
    let pending = fb.store().pending_mail(10).await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].attempts, 1);
}
