//! Fixtures for the feedback tests: a fresh store per test on each backend (SQLite in a
//! temporary directory; PostgreSQL in a schema of its own on `TRACUU_TEST_POSTGRES`, default
//! `postgres://postgres@127.0.0.1:5432/test`), a feedback service over it, and a router with it.
//! When PostgreSQL cannot be reached the tests run on SQLite only and say so on stderr.

use std::sync::Arc;

use sqlx::Connection;

use tracuu::config::{FeedbackConfig, ServerConfig};
use tracuu::feedback::{Feedback, Store, SubmissionForm, token};
use tracuu::web::AppState;

use crate::support::content_index_dir;

pub const DEFAULT_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/test";

pub fn postgres_url() -> String {
    std::env::var("TRACUU_TEST_POSTGRES").unwrap_or_else(|_| DEFAULT_POSTGRES.to_owned())
}

/// One test database; dropping the PostgreSQL schema is [`TestDb::finish`]'s job.
pub struct TestDb {
    pub name: &'static str,
    pub url: String,
    pub dir: tempfile::TempDir,
    schema: Option<String>,
}

impl TestDb {
    pub async fn store(&self) -> Store {
        Store::open(&self.url).await.expect("store opens")
    }

    pub fn config(&self) -> FeedbackConfig {
        let mut c = FeedbackConfig::for_test(self.dir.path());
        c.database_url = Some(self.url.clone());
        c
    }

    pub async fn feedback(&self) -> Feedback {
        Feedback::open(&self.config())
            .await
            .expect("feedback opens")
    }

    pub async fn finish(self) {
        if let Some(schema) = &self.schema {
            sqlx::any::install_default_drivers();
            if let Ok(mut c) = sqlx::AnyConnection::connect(&postgres_url()).await {
                let _ = sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
                    .execute(&mut c)
                    .await;
            }
        }
    }
}

pub fn sqlite_db() -> TestDb {
    let dir = tempfile::tempdir().expect("temp dir");
    TestDb {
        name: "sqlite",
        url: Store::sqlite_url(dir.path()),
        dir,
        schema: None,
    }
}

/// A fresh schema on the test PostgreSQL, or `None` (said once on stderr) when unreachable.
pub async fn postgres_db() -> Option<TestDb> {
    sqlx::any::install_default_drivers();
    let url = postgres_url();
    let connect = tokio::time::timeout(
        std::time::Duration::from_secs(3),
        sqlx::AnyConnection::connect(&url),
    )
    .await;
    let mut conn = match connect {
        Ok(Ok(c)) => c,
        _ => {
            static SAID: std::sync::Once = std::sync::Once::new();
            SAID.call_once(|| {
                eprintln!(
                    "PostgreSQL not reachable at {url}: the feedback tests run on SQLite only"
                )
            });
            return None;
        }
    };
    let schema = format!("t_{}", token(8));
    sqlx::query(&format!("CREATE SCHEMA {schema}"))
        .execute(&mut conn)
        .await
        .expect("create schema");
    let sep = if url.contains('?') { '&' } else { '?' };
    Some(TestDb {
        name: "postgres",
        url: format!("{url}{sep}options=-c%20search_path%3D{schema}"),
        dir: tempfile::tempdir().expect("temp dir"),
        schema: Some(schema),
    })
}

/// SQLite, and PostgreSQL when reachable.
pub async fn dbs() -> Vec<TestDb> {
    let mut out = vec![sqlite_db()];
    out.extend(postgres_db().await);
    out
}

pub fn form(body: &str) -> SubmissionForm {
    SubmissionForm {
        kind: "hoi-phap-luat".into(),
        subject: "Đăng ký khai sinh".into(),
        body: body.into(),
        name: "Trần Thị Riêng Tư".into(),
        contact: "rieng.tu@example.vn".into(),
        consent_publish: true,
        procedure: String::new(),
    }
}

pub fn state_with(fb: Feedback, public_url: &str) -> AppState {
    let config = ServerConfig {
        public_url: Some(public_url.to_owned()),
        ..ServerConfig::default()
    };
    AppState::open_with(content_index_dir(), &config, Some(Arc::new(fb))).expect("state opens")
}
