//! Safeguards that live in the database, on SQLite and PostgreSQL: the per-address submission
//! limit and the login throttle hold across two "web nodes" over one database and across a
//! restart (a new service over the same database), and store no address or user name as
//! typed; the audit log refuses UPDATE and DELETE in the database itself; expired sessions
//! (and expired throttle events) are swept.

use sqlx::{AnyPool, Row};

use tracuu::feedback::{
    Feedback, FeedbackError, MAX_FAILED_LOGINS, Role, hash_password, now_ms, token, token_hash,
};

use crate::feedback_support::{TestDb, dbs, form};

const PASSWORD: &str = "mật khẩu đủ dài 2026";

async fn node(db: &TestDb, per_hour: u32) -> Feedback {
    let mut config = db.config();
    config.submissions_per_hour = per_hour;
    Feedback::open(&config).await.expect("feedback opens")
}

async fn raw(db: &TestDb) -> AnyPool {
    sqlx::any::install_default_drivers();
    AnyPool::connect(&db.url).await.expect("a raw pool")
}

async fn count(pool: &AnyPool, sql: &str) -> i64 {
    sqlx::query(sql)
        .fetch_one(pool)
        .await
        .and_then(|r| r.try_get::<i64, _>(0))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

#[tokio::test]
async fn limits_hold_across_nodes_and_restarts() {
    for db in dbs().await {
        let name = db.name;
        let (a, b) = (node(&db, 2).await, node(&db, 2).await);
        let client = "203.0.113.7";
        let key2 = token(16);
        a.submit(&form("Câu hỏi thứ nhất về khai sinh"), &token(16), client)
            .await
            .unwrap();
        let second = b
            .submit(&form("Câu hỏi thứ hai về khai sinh"), &key2, client)
            .await
            .unwrap();
        // The third from the same address, on either node: refused.
        for n in [&a, &b] {
            let r = n
                .submit(&form("Câu hỏi thứ ba về khai sinh"), &token(16), client)
                .await;
            assert!(
                matches!(r, Err(FeedbackError::RateLimited)),
                "{name}: {r:?}"
            );
        }
        // A retry of a stored submission still gets its receipt at the limit.
        let again = a
            .submit(&form("Câu hỏi thứ hai về khai sinh"), &key2, client)
            .await
            .unwrap();
        assert_eq!(
            (again.code.as_str(), again.created),
            (second.code.as_str(), false)
        );
        // Another address is not affected.
        b.submit(
            &form("Một câu hỏi khác về khai sinh"),
            &token(16),
            "203.0.113.8",
        )
        .await
        .unwrap();

        // Failed logins: some on each node.
        a.store()
            .add_user(
                "quantri",
                &hash_password(PASSWORD).unwrap(),
                Role::Administrator.slug(),
                None,
            )
            .await
            .unwrap();
        for i in 0..MAX_FAILED_LOGINS {
            let n = if i % 2 == 0 { &a } else { &b };
            assert_eq!(
                n.login("quantri", "sai mật khẩu", "198.51.100.1")
                    .await
                    .unwrap(),
                None
            );
        }
        a.store().close().await;
        b.store().close().await;
        drop((a, b));

        // Restarted: both limits still hold.
        let c = node(&db, 2).await;
        let r = c
            .submit(&form("Câu hỏi sau khi khởi động lại"), &token(16), client)
            .await;
        assert!(
            matches!(r, Err(FeedbackError::RateLimited)),
            "{name}: {r:?}"
        );
        for from in ["198.51.100.1", "198.51.100.2"] {
            let r = c.login("quantri", PASSWORD, from).await;
            assert!(
                matches!(r, Err(FeedbackError::RateLimited)),
                "{name}: the account is locked from {from}: {r:?}"
            );
        }
        // The limits do not store an address or a user name as typed.
        let pool = raw(&db).await;
        let keys: Vec<String> = sqlx::query("SELECT key_hash FROM throttle_events")
            .fetch_all(&pool)
            .await
            .unwrap()
            .iter()
            .map(|r| r.try_get("key_hash").unwrap())
            .collect();
        assert!(
            keys.len() >= 3 + MAX_FAILED_LOGINS as usize,
            "{name}: {keys:?}"
        );
        for k in &keys {
            assert!(
                k.len() == 64 && k.bytes().all(|b| b.is_ascii_hexdigit()),
                "{name}: {k}"
            );
        }
        // A salted hash: not the plain SHA-256 of the address.
        assert!(!keys.contains(&token_hash(client)));
        pool.close().await;
        c.store().close().await;
        db.finish().await;
    }
}

#[tokio::test]
async fn the_audit_log_refuses_update_and_delete() {
    for db in dbs().await {
        let name = db.name;
        let store = db.store().await;
        store.record("quantri", "login", None, "").await.unwrap();
        let pool = raw(&db).await;
        let mut refused = vec![
            "UPDATE audit_log SET actor = 'ai đó'",
            "DELETE FROM audit_log",
        ];
        if name == "postgres" {
            refused.push("TRUNCATE audit_log");
        }
        for sql in refused {
            let e = sqlx::query(sql)
                .execute(&pool)
                .await
                .expect_err(&format!("{name}: {sql} went through"));
            assert!(e.to_string().contains("append-only"), "{name}: {sql}: {e}");
        }
        // Appending still works, and nothing was changed.
        store
            .record("quantri", "export-submitter", Some("X"), "")
            .await
            .unwrap();
        let log = store.audit_log(None).await.unwrap();
        let lines: Vec<(&str, &str)> = log
            .iter()
            .map(|e| (e.actor.as_str(), e.action.as_str()))
            .collect();
        assert_eq!(
            lines,
            [("quantri", "login"), ("quantri", "export-submitter")],
            "{name}"
        );
        pool.close().await;
        store.close().await;
        db.finish().await;
    }
}

#[tokio::test]
async fn expired_sessions_and_throttle_events_are_swept() {
    for db in dbs().await {
        let name = db.name;
        let fb = node(&db, 10).await;
        let store = fb.store();
        store
            .add_user(
                "tiepnhan",
                &hash_password(PASSWORD).unwrap(),
                Role::Intake.slug(),
                None,
            )
            .await
            .unwrap();
        let now = now_ms();
        store
            .create_session(&token_hash("het-han"), "tiepnhan", "c1", now - 1)
            .await
            .unwrap();
        store
            .create_session(&token_hash("con-han"), "tiepnhan", "c2", now + 3_600_000)
            .await
            .unwrap();
        store
            .throttle_hit("login", "c:192.0.2.50", now - 10, 5)
            .await
            .unwrap();
        store
            .throttle_hit("login", "c:192.0.2.1", now, 60_000)
            .await
            .unwrap();
        let pool = raw(&db).await;
        assert_eq!(count(&pool, "SELECT COUNT(*) FROM sessions").await, 2);

        // A login sweeps before it starts its own session.
        let staff = fb
            .login("tiepnhan", PASSWORD, "192.0.2.9")
            .await
            .unwrap()
            .expect("logged in");
        let (fresh, _) = fb.start_session(&staff).await.unwrap();
        assert_eq!(
            count(&pool, "SELECT COUNT(*) FROM sessions").await,
            2,
            "{name}: the expired session is gone, the live one and the new one stay"
        );
        assert!(fb.session("het-han").await.unwrap().is_none());
        assert!(fb.session("con-han").await.unwrap().is_some());
        assert!(fb.session(&fresh).await.unwrap().is_some());
        assert_eq!(
            count(&pool, "SELECT COUNT(*) FROM throttle_events").await,
            1,
            "{name}: only the live throttle event stays"
        );

        // The periodic sweep finds nothing more until something expires.
        assert_eq!(fb.sweep().await.unwrap(), (0, 0), "{name}");
        pool.close().await;
        fb.store().close().await;
        db.finish().await;
    }
}
