//! The feedback store: sqlx's `Any` driver over SQLite (the embedded default: WAL, foreign keys,
//! `synchronous=FULL`) or PostgreSQL, with the same migrations (`migrations/`, portable SQL) and
//! the same runtime queries (`$1` placeholders, which both accept). Every change is one
//! transaction that also writes the status event, the audit line and the outbox mail it
//! implies; callers are told of success only after the commit.
//!
//! Personal data lives in `submitters` only, and only [`Store::submitter`],
//! [`Store::erase_submitter`] and the outbox sender read it.

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor, Row};

use super::FeedbackError;
use super::auth::token_hash;
use super::domain::{ContactKind, Kind, NewSubmission, Status};
use super::ids::{now_ms, row_id, token, tracking_code};
use super::routing::Suggestion;
use crate::model::Date;

/// The portable migrations (`migrations/*.sql`), then the few that only one dialect can say
/// (`migrations/sqlite/`, `migrations/postgres/`: the same versions in each, such as the
/// audit log's triggers). They share one history table, so each ignores the other's versions.
fn migrators(sqlite: bool) -> [sqlx::migrate::Migrator; 2] {
    let mut portable = sqlx::migrate!("./migrations");
    let mut dialect = if sqlite {
        sqlx::migrate!("./migrations/sqlite")
    } else {
        sqlx::migrate!("./migrations/postgres")
    };
    portable.set_ignore_missing(true);
    dialect.set_ignore_missing(true);
    [portable, dialect]
}

/// Connections kept to SQLite: one writer at a time anyway, a few readers beside it.
const SQLITE_CONNECTIONS: u32 = 4;
const POSTGRES_CONNECTIONS: u32 = 10;
/// How long a writer waits for SQLite's lock before giving up.
const SQLITE_BUSY_TIMEOUT_MS: u32 = 30_000;

#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    sqlite: bool,
    /// Made once per database: throttle keys are stored as SHA-256 of salt, scope and key.
    throttle_salt: String,
}

/// What the person is given once the submission is committed.
#[derive(Debug, Clone, PartialEq)]
pub struct Receipt {
    pub code: String,
    pub received_at: i64,
    pub due_date: Date,
    /// False when the idempotency key had been seen: this is the earlier submission's receipt.
    pub created: bool,
}

/// One step of the public status history.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub at: i64,
    pub status: Status,
    pub unit: Option<String>,
}

/// What the tracking page may show: no name, no contact.
#[derive(Debug, Clone, PartialEq)]
pub struct Tracking {
    pub code: String,
    pub kind: Kind,
    pub subject: String,
    pub status: Status,
    pub unit: Option<String>,
    pub received_at: i64,
    pub due_date: Date,
    pub events: Vec<Event>,
    /// The approved answer, once there is one.
    pub answer: Option<String>,
}

/// A submission as staff see it (its submitter's data is fetched apart, by administrators).
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub code: String,
    pub kind: Kind,
    pub subject: String,
    pub body: String,
    pub consent_publish: bool,
    pub status: Status,
    pub unit: Option<String>,
    pub received_at: i64,
    pub due_date: Date,
    pub answered_at: Option<i64>,
    /// The procedure it is about (ma_thu_tuc), when the person named one.
    pub procedure: Option<String>,
    pub suggestion: Option<StoredSuggestion>,
    pub answer: Option<Answer>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StoredSuggestion {
    pub unit: String,
    pub confidence: f64,
    pub reason: String,
    pub decided_unit: Option<String>,
    pub decided_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub draft: String,
    pub drafted_by: String,
    pub approved_by: Option<String>,
    pub public_question: Option<String>,
    pub published_at: Option<i64>,
}

/// A published answer, anonymised.
#[derive(Debug, Clone, PartialEq)]
pub struct Published {
    pub code: String,
    pub subject: String,
    pub question: String,
    pub answer: String,
    pub unit: Option<String>,
    pub published_at: i64,
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub code: Option<String>,
    pub detail: String,
}

/// A submitter's personal data, for an administrator's export.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Submitter {
    pub code: String,
    pub name: String,
    pub contact: String,
    pub contact_kind: String,
}

/// A mail waiting in the outbox, with its address read at sending time.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxMail {
    pub id: String,
    pub code: String,
    pub to: Option<String>,
    pub subject: String,
    pub body: String,
    pub attempts: i64,
}

/// A staff account.
#[derive(Debug, Clone, PartialEq)]
pub struct UserRow {
    pub username: String,
    pub password_hash: String,
    pub role: String,
    pub unit: Option<String>,
}

/// Counts per unit for the statistics page.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemTimes {
    pub unit: Option<String>,
    pub received_at: i64,
    pub due_date: Date,
    pub answered_at: Option<i64>,
}

fn db(e: sqlx::Error) -> FeedbackError {
    FeedbackError::Db(e)
}

fn date_of(s: &str) -> Result<Date, FeedbackError> {
    Date::parse(s).map_err(|e| FeedbackError::Corrupt(e.to_string()))
}

fn status_of(s: &str) -> Result<Status, FeedbackError> {
    Status::parse(s).ok_or_else(|| FeedbackError::Corrupt(format!("unknown status {s:?}")))
}

fn kind_of(s: &str) -> Result<Kind, FeedbackError> {
    Kind::parse(s).ok_or_else(|| FeedbackError::Corrupt(format!("unknown kind {s:?}")))
}

type Tx<'a> = sqlx::Transaction<'a, sqlx::Any>;

impl Store {
    /// Connects to `url` (`sqlite://path?mode=rwc` or `postgres://...`) and runs the
    /// migrations.
    pub async fn open(url: &str) -> Result<Store, FeedbackError> {
        sqlx::any::install_default_drivers();
        let options = AnyConnectOptions::from_str(url).map_err(db)?;
        let sqlite = url.starts_with("sqlite:");
        let pool = AnyPoolOptions::new()
            .max_connections(if sqlite {
                SQLITE_CONNECTIONS
            } else {
                POSTGRES_CONNECTIONS
            })
            .acquire_timeout(Duration::from_secs(60))
            .after_connect(|conn, _meta| {
                Box::pin(async move {
                    if conn.backend_name() == "SQLite" {
                        conn.execute(
                            format!(
                                "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                                 PRAGMA foreign_keys = ON; PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS};"
                            )
                            .as_str(),
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .map_err(db)?;
        for migrator in migrators(sqlite) {
            migrator.run(&pool).await?;
        }
        sqlx::query(
            "INSERT INTO store_secrets (name, value) VALUES ('throttle_salt', $1) \
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(token(32))
        .execute(&pool)
        .await
        .map_err(db)?;
        let throttle_salt =
            sqlx::query("SELECT value FROM store_secrets WHERE name = 'throttle_salt'")
                .fetch_one(&pool)
                .await
                .and_then(|r| r.try_get("value"))
                .map_err(db)?;
        Ok(Store {
            pool,
            sqlite,
            throttle_salt,
        })
    }

    fn throttle_key(&self, scope: &str, key: &str) -> String {
        token_hash(&format!("{}\u{1f}{scope}\u{1f}{key}", self.throttle_salt))
    }

    /// Events of `scope` counted for `key` whose window has not ended at `now` (milliseconds).
    pub async fn throttle_count(
        &self,
        scope: &str,
        key: &str,
        now: i64,
    ) -> Result<i64, FeedbackError> {
        sqlx::query(
            "SELECT COUNT(*) AS n FROM throttle_events \
             WHERE scope = $1 AND key_hash = $2 AND expires_at > $3",
        )
        .bind(scope)
        .bind(self.throttle_key(scope, key))
        .bind(now)
        .fetch_one(&self.pool)
        .await
        .and_then(|r| r.try_get("n"))
        .map_err(db)
    }

    /// Counts one event of `scope` for `key` at `now`, for `window_ms`.
    pub async fn throttle_hit(
        &self,
        scope: &str,
        key: &str,
        now: i64,
        window_ms: i64,
    ) -> Result<(), FeedbackError> {
        sqlx::query(
            "INSERT INTO throttle_events (id, scope, key_hash, at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(row_id(now))
        .bind(scope)
        .bind(self.throttle_key(scope, key))
        .bind(now)
        .bind(now + window_ms)
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(())
    }

    /// Forgets the events of `scope` for `key` (a successful login clears its failures).
    pub async fn throttle_clear(&self, scope: &str, key: &str) -> Result<(), FeedbackError> {
        sqlx::query("DELETE FROM throttle_events WHERE scope = $1 AND key_hash = $2")
            .bind(scope)
            .bind(self.throttle_key(scope, key))
            .execute(&self.pool)
            .await
            .map_err(db)?;
        Ok(())
    }

    /// Deletes the sessions and throttle events that have expired at `now`; returns how many
    /// of each.
    pub async fn sweep(&self, now: i64) -> Result<(u64, u64), FeedbackError> {
        let sessions = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await
            .map_err(db)?
            .rows_affected();
        let events = sqlx::query("DELETE FROM throttle_events WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await
            .map_err(db)?
            .rows_affected();
        Ok((sessions, events))
    }

    /// The URL of the SQLite database in `dir`, created when missing.
    pub fn sqlite_url(dir: &std::path::Path) -> String {
        format!(
            "sqlite://{}?mode=rwc",
            dir.join("feedback.sqlite3").display()
        )
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Stores a submission with its routing suggestion, or, when `idempotency_key` was seen
    /// before, returns that submission's receipt. Returns after the commit.
    pub async fn submit(
        &self,
        s: &NewSubmission,
        idempotency_key: &str,
        suggestion: &Suggestion,
        reason: &str,
        due_date: Date,
    ) -> Result<Receipt, FeedbackError> {
        let now = now_ms();
        let code = tracking_code();
        let mut tx = self.pool.begin().await.map_err(db)?;
        // The insert comes first: it takes SQLite's write lock at once (a read first would
        // have to upgrade, and could fail under contention), and the unique key decides.
        let inserted = sqlx::query(
            "INSERT INTO submissions (code, idempotency_key, kind, subject, body, consent_publish, \
             status, unit, received_at, due_date, procedure_code) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8, $9, $10) \
             ON CONFLICT (idempotency_key) DO NOTHING",
        )
        .bind(&code)
        .bind(idempotency_key)
        .bind(s.kind.slug())
        .bind(&s.subject)
        .bind(&s.body)
        .bind(i64::from(s.consent_publish))
        .bind(Status::Received.slug())
        .bind(now)
        .bind(due_date.to_string())
        .bind(s.procedure.as_deref())
        .execute(&mut *tx)
        .await
        .map_err(db)?
        .rows_affected();
        if inserted == 0 {
            let row = sqlx::query(RECEIPT_BY_KEY)
                .bind(idempotency_key)
                .fetch_one(&mut *tx)
                .await
                .map_err(db)?;
            tx.commit().await.map_err(db)?;
            return receipt_of(&row);
        }
        sqlx::query(
            "INSERT INTO submitters (code, name, contact, contact_kind) VALUES ($1, $2, $3, $4)",
        )
        .bind(&code)
        .bind(&s.name)
        .bind(&s.contact)
        .bind(s.contact_kind.slug())
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        sqlx::query(
            "INSERT INTO routing (code, suggested_unit, confidence, reason) VALUES ($1, $2, $3, $4)",
        )
        .bind(&code)
        .bind(&suggestion.unit)
        .bind(suggestion.confidence)
        .bind(reason)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        event(&mut tx, &code, now, Status::Received, None).await?;
        audit(
            &mut tx,
            now,
            "citizen",
            "submit",
            Some(&code),
            s.kind.slug(),
        )
        .await?;
        outbox(
            &mut tx,
            &code,
            now,
            "Đã nhận câu hỏi, góp ý của bạn",
            &format!(
                "Chúng tôi đã nhận câu hỏi, góp ý của bạn. Mã theo dõi: {code}. Hạn trả lời: {}.",
                due_date.to_vi()
            ),
        )
        .await?;
        tx.commit().await.map_err(db)?;
        Ok(Receipt {
            code,
            received_at: now,
            due_date,
            created: true,
        })
    }

    /// The receipt of the submission made with `idempotency_key`, if there is one.
    pub async fn receipt_for_key(
        &self,
        idempotency_key: &str,
    ) -> Result<Option<Receipt>, FeedbackError> {
        sqlx::query(RECEIPT_BY_KEY)
            .bind(idempotency_key)
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?
            .as_ref()
            .map(receipt_of)
            .transpose()
    }

    /// The public view of a submission: never its submitter.
    pub async fn tracking(&self, code: &str) -> Result<Option<Tracking>, FeedbackError> {
        let Some(row) = sqlx::query(
            "SELECT s.code, s.kind, s.subject, s.status, s.unit, s.received_at, s.due_date, \
             a.draft, a.approved_at FROM submissions s LEFT JOIN answers a ON a.code = s.code \
             WHERE s.code = $1",
        )
        .bind(code)
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?
        else {
            return Ok(None);
        };
        let approved: Option<i64> = row.try_get("approved_at").map_err(db)?;
        let draft: Option<String> = row.try_get("draft").map_err(db)?;
        let events = sqlx::query("SELECT at, status, unit FROM events WHERE code = $1 ORDER BY id")
            .bind(code)
            .fetch_all(&self.pool)
            .await
            .map_err(db)?
            .into_iter()
            .map(|r| {
                Ok(Event {
                    at: r.try_get("at").map_err(db)?,
                    status: status_of(&r.try_get::<String, _>("status").map_err(db)?)?,
                    unit: r.try_get("unit").map_err(db)?,
                })
            })
            .collect::<Result<Vec<_>, FeedbackError>>()?;
        Ok(Some(Tracking {
            code: row.try_get("code").map_err(db)?,
            kind: kind_of(&row.try_get::<String, _>("kind").map_err(db)?)?,
            subject: row.try_get("subject").map_err(db)?,
            status: status_of(&row.try_get::<String, _>("status").map_err(db)?)?,
            unit: row.try_get("unit").map_err(db)?,
            received_at: row.try_get("received_at").map_err(db)?,
            due_date: date_of(&row.try_get::<String, _>("due_date").map_err(db)?)?,
            events,
            answer: approved.and(draft),
        }))
    }

    pub async fn count_submissions(&self) -> Result<i64, FeedbackError> {
        sqlx::query("SELECT COUNT(*) AS n FROM submissions")
            .fetch_one(&self.pool)
            .await
            .and_then(|r| r.try_get("n"))
            .map_err(db)
    }

    /// All submission codes (tests and exports).
    pub async fn codes(&self) -> Result<Vec<String>, FeedbackError> {
        sqlx::query("SELECT code FROM submissions ORDER BY code")
            .fetch_all(&self.pool)
            .await
            .map_err(db)?
            .into_iter()
            .map(|r| r.try_get("code").map_err(db))
            .collect()
    }

    /// One submission for staff.
    pub async fn item(&self, code: &str) -> Result<Option<Item>, FeedbackError> {
        let Some(r) = sqlx::query(
            "SELECT s.code, s.kind, s.subject, s.body, s.consent_publish, s.status, s.unit, \
             s.received_at, s.due_date, s.answered_at, s.procedure_code, \
             r.suggested_unit, r.confidence, r.reason, r.decided_unit, r.decided_by, \
             a.draft, a.drafted_by, a.approved_by, a.public_question, a.published_at \
             FROM submissions s LEFT JOIN routing r ON r.code = s.code \
             LEFT JOIN answers a ON a.code = s.code WHERE s.code = $1",
        )
        .bind(code)
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?
        else {
            return Ok(None);
        };
        let suggested: Option<String> = r.try_get("suggested_unit").map_err(db)?;
        let draft: Option<String> = r.try_get("draft").map_err(db)?;
        Ok(Some(Item {
            code: r.try_get("code").map_err(db)?,
            kind: kind_of(&r.try_get::<String, _>("kind").map_err(db)?)?,
            subject: r.try_get("subject").map_err(db)?,
            body: r.try_get("body").map_err(db)?,
            consent_publish: r.try_get::<i64, _>("consent_publish").map_err(db)? != 0,
            status: status_of(&r.try_get::<String, _>("status").map_err(db)?)?,
            unit: r.try_get("unit").map_err(db)?,
            received_at: r.try_get("received_at").map_err(db)?,
            due_date: date_of(&r.try_get::<String, _>("due_date").map_err(db)?)?,
            answered_at: r.try_get("answered_at").map_err(db)?,
            procedure: r.try_get("procedure_code").map_err(db)?,
            suggestion: match suggested {
                Some(unit) => Some(StoredSuggestion {
                    unit,
                    confidence: r.try_get("confidence").map_err(db)?,
                    reason: r.try_get("reason").map_err(db)?,
                    decided_unit: r.try_get("decided_unit").map_err(db)?,
                    decided_by: r.try_get("decided_by").map_err(db)?,
                }),
                None => None,
            },
            answer: match draft {
                Some(draft) => Some(Answer {
                    draft,
                    drafted_by: r.try_get("drafted_by").map_err(db)?,
                    approved_by: r.try_get("approved_by").map_err(db)?,
                    public_question: r.try_get("public_question").map_err(db)?,
                    published_at: r.try_get("published_at").map_err(db)?,
                }),
                None => None,
            },
        }))
    }

    /// Codes of the open items (not yet answered) of `unit`, or of every unit, or the
    /// unrouted ones (`Some(None)`), by deadline.
    pub async fn queue(&self, unit: Option<Option<&str>>) -> Result<Vec<Item>, FeedbackError> {
        let rows = match unit {
            None => {
                sqlx::query(
                    "SELECT code FROM submissions WHERE status IN ('received', 'assigned') \
                     ORDER BY due_date, received_at",
                )
                .fetch_all(&self.pool)
                .await
            }
            Some(None) => {
                sqlx::query(
                    "SELECT code FROM submissions WHERE unit IS NULL AND status = 'received' \
                     ORDER BY due_date, received_at",
                )
                .fetch_all(&self.pool)
                .await
            }
            Some(Some(u)) => {
                sqlx::query(
                    "SELECT code FROM submissions WHERE unit = $1 AND status IN ('received', 'assigned') \
                     ORDER BY due_date, received_at",
                )
                .bind(u)
                .fetch_all(&self.pool)
                .await
            }
        }
        .map_err(db)?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let code: String = r.try_get("code").map_err(db)?;
            if let Some(item) = self.item(&code).await? {
                out.push(item);
            }
        }
        Ok(out)
    }

    /// Intake's decision: the item goes to `unit` (the suggestion or another).
    pub async fn assign(&self, code: &str, unit: &str, actor: &str) -> Result<(), FeedbackError> {
        let now = now_ms();
        let mut tx = self.pool.begin().await.map_err(db)?;
        let n = sqlx::query(
            "UPDATE submissions SET unit = $1, status = 'assigned' WHERE code = $2 \
             AND status IN ('received', 'assigned')",
        )
        .bind(unit)
        .bind(code)
        .execute(&mut *tx)
        .await
        .map_err(db)?
        .rows_affected();
        if n == 0 {
            return Err(FeedbackError::Conflict(
                "Câu hỏi đã được trả lời, không chuyển đơn vị được nữa.".to_owned(),
            ));
        }
        sqlx::query(
            "UPDATE routing SET decided_unit = $1, decided_by = $2, decided_at = $3 WHERE code = $4",
        )
        .bind(unit)
        .bind(actor)
        .bind(now)
        .bind(code)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        event(&mut tx, code, now, Status::Assigned, Some(unit)).await?;
        audit(&mut tx, now, actor, "assign", Some(code), unit).await?;
        outbox(
            &mut tx,
            code,
            now,
            "Câu hỏi, góp ý của bạn đã được chuyển đơn vị xử lý",
            &format!("Mã theo dõi {code}: đã chuyển đơn vị xử lý."),
        )
        .await?;
        tx.commit().await.map_err(db)
    }

    /// Items intake decided on, with the unit chosen: what routing learns from.
    pub async fn decisions(&self) -> Result<Vec<(String, String)>, FeedbackError> {
        sqlx::query(
            "SELECT s.subject, s.body, r.decided_unit FROM routing r JOIN submissions s ON s.code = r.code \
             WHERE r.decided_unit IS NOT NULL",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db)?
        .into_iter()
        .map(|r| {
            let subject: String = r.try_get("subject").map_err(db)?;
            let body: String = r.try_get("body").map_err(db)?;
            Ok((format!("{subject}. {body}"), r.try_get("decided_unit").map_err(db)?))
        })
        .collect()
    }

    /// Writes (or rewrites) the draft answer; only before it is approved.
    pub async fn save_draft(
        &self,
        code: &str,
        text: &str,
        actor: &str,
    ) -> Result<(), FeedbackError> {
        let now = now_ms();
        let mut tx = self.pool.begin().await.map_err(db)?;
        let n = sqlx::query(
            "INSERT INTO answers (code, draft, drafted_by, drafted_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (code) DO UPDATE SET draft = excluded.draft, drafted_by = excluded.drafted_by, \
             drafted_at = excluded.drafted_at WHERE answers.approved_at IS NULL",
        )
        .bind(code)
        .bind(text)
        .bind(actor)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(db)?
        .rows_affected();
        if n == 0 {
            return Err(FeedbackError::Conflict(
                "Câu trả lời đã được duyệt, không sửa được nữa.".to_owned(),
            ));
        }
        audit(&mut tx, now, actor, "draft", Some(code), "").await?;
        tx.commit().await.map_err(db)
    }

    /// Approves the draft: the answer is final and shown on the tracking page.
    pub async fn approve(&self, code: &str, actor: &str) -> Result<(), FeedbackError> {
        let now = now_ms();
        let mut tx = self.pool.begin().await.map_err(db)?;
        let n = sqlx::query(
            "UPDATE answers SET approved_by = $1, approved_at = $2 WHERE code = $3 AND approved_at IS NULL",
        )
        .bind(actor)
        .bind(now)
        .bind(code)
        .execute(&mut *tx)
        .await
        .map_err(db)?
        .rows_affected();
        if n == 0 {
            return Err(FeedbackError::Conflict(
                "Chưa có bản dự thảo, hoặc câu trả lời đã được duyệt.".to_owned(),
            ));
        }
        sqlx::query("UPDATE submissions SET status = 'answered', answered_at = $1 WHERE code = $2")
            .bind(now)
            .bind(code)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        let unit = unit_of(&mut tx, code).await?;
        event(&mut tx, code, now, Status::Answered, unit.as_deref()).await?;
        audit(&mut tx, now, actor, "approve", Some(code), "").await?;
        outbox(
            &mut tx,
            code,
            now,
            "Câu hỏi, góp ý của bạn đã có câu trả lời",
            &format!("Mã theo dõi {code}: đã có câu trả lời. Xem tại trang theo dõi."),
        )
        .await?;
        tx.commit().await.map_err(db)
    }

    /// Publishes an approved answer with the anonymised question `public_question`; refused
    /// when the person did not consent.
    pub async fn publish(
        &self,
        code: &str,
        public_question: &str,
        actor: &str,
    ) -> Result<(), FeedbackError> {
        let now = now_ms();
        let mut tx = self.pool.begin().await.map_err(db)?;
        let n = sqlx::query(
            "UPDATE submissions SET status = 'published', published_at = $1 WHERE code = $2 \
             AND status = 'answered' AND consent_publish = 1 AND erased = 0",
        )
        .bind(now)
        .bind(code)
        .execute(&mut *tx)
        .await
        .map_err(db)?
        .rows_affected();
        if n == 0 {
            return Err(FeedbackError::Conflict(
                "Chỉ công khai được câu trả lời đã duyệt, khi người gửi đồng ý công khai."
                    .to_owned(),
            ));
        }
        sqlx::query(
            "UPDATE answers SET public_question = $1, published_by = $2, published_at = $3 WHERE code = $4",
        )
        .bind(public_question)
        .bind(actor)
        .bind(now)
        .bind(code)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        let unit = unit_of(&mut tx, code).await?;
        event(&mut tx, code, now, Status::Published, unit.as_deref()).await?;
        audit(&mut tx, now, actor, "publish", Some(code), "").await?;
        tx.commit().await.map_err(db)
    }

    /// Every published answer, newest first.
    pub async fn published(&self) -> Result<Vec<Published>, FeedbackError> {
        sqlx::query(
            "SELECT s.code, s.subject, s.unit, a.public_question, a.draft, a.published_at \
             FROM submissions s JOIN answers a ON a.code = s.code \
             WHERE s.status = 'published' AND a.public_question IS NOT NULL AND s.erased = 0 \
             ORDER BY a.published_at DESC",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db)?
        .into_iter()
        .map(|r| {
            Ok(Published {
                code: r.try_get("code").map_err(db)?,
                subject: r.try_get("subject").map_err(db)?,
                question: r.try_get("public_question").map_err(db)?,
                answer: r.try_get("draft").map_err(db)?,
                unit: r.try_get("unit").map_err(db)?,
                published_at: r.try_get("published_at").map_err(db)?,
            })
        })
        .collect()
    }

    /// The audit log, oldest first; of one item when `code` is given.
    pub async fn audit_log(&self, code: Option<&str>) -> Result<Vec<AuditEntry>, FeedbackError> {
        let q = match code {
            Some(c) => sqlx::query(
                "SELECT at, actor, action, code, detail FROM audit_log WHERE code = $1 ORDER BY id",
            )
            .bind(c),
            None => {
                sqlx::query("SELECT at, actor, action, code, detail FROM audit_log ORDER BY id")
            }
        };
        q.fetch_all(&self.pool)
            .await
            .map_err(db)?
            .into_iter()
            .map(|r| {
                Ok(AuditEntry {
                    at: r.try_get("at").map_err(db)?,
                    actor: r.try_get("actor").map_err(db)?,
                    action: r.try_get("action").map_err(db)?,
                    code: r.try_get("code").map_err(db)?,
                    detail: r.try_get("detail").map_err(db)?,
                })
            })
            .collect()
    }

    /// Records an action that changes no item (logins, user creation, exports).
    pub async fn record(
        &self,
        actor: &str,
        action: &str,
        code: Option<&str>,
        detail: &str,
    ) -> Result<(), FeedbackError> {
        let mut tx = self.pool.begin().await.map_err(db)?;
        audit(&mut tx, now_ms(), actor, action, code, detail).await?;
        tx.commit().await.map_err(db)
    }

    /// Times of every item, for the statistics.
    pub async fn item_times(&self) -> Result<Vec<ItemTimes>, FeedbackError> {
        sqlx::query("SELECT unit, received_at, due_date, answered_at FROM submissions")
            .fetch_all(&self.pool)
            .await
            .map_err(db)?
            .into_iter()
            .map(|r| {
                Ok(ItemTimes {
                    unit: r.try_get("unit").map_err(db)?,
                    received_at: r.try_get("received_at").map_err(db)?,
                    due_date: date_of(&r.try_get::<String, _>("due_date").map_err(db)?)?,
                    answered_at: r.try_get("answered_at").map_err(db)?,
                })
            })
            .collect()
    }

    /// The personal data of a submission (administrators only: the caller checks).
    pub async fn submitter(&self, code: &str) -> Result<Option<Submitter>, FeedbackError> {
        sqlx::query("SELECT code, name, contact, contact_kind FROM submitters WHERE code = $1")
            .bind(code)
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?
            .map(|r| {
                Ok(Submitter {
                    code: r.try_get("code").map_err(db)?,
                    name: r.try_get("name").map_err(db)?,
                    contact: r.try_get("contact").map_err(db)?,
                    contact_kind: r.try_get("contact_kind").map_err(db)?,
                })
            })
            .transpose()
    }

    /// Erases a submitter's personal data and withdraws a published answer made from it.
    pub async fn erase_submitter(&self, code: &str, actor: &str) -> Result<bool, FeedbackError> {
        let now = now_ms();
        let mut tx = self.pool.begin().await.map_err(db)?;
        let n = sqlx::query("DELETE FROM submitters WHERE code = $1")
            .bind(code)
            .execute(&mut *tx)
            .await
            .map_err(db)?
            .rows_affected();
        sqlx::query("UPDATE submissions SET erased = 1, body = '' WHERE code = $1")
            .bind(code)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        sqlx::query("UPDATE outbox SET sent_at = $1, last_error = 'erased' WHERE code = $2 AND sent_at IS NULL")
            .bind(now)
            .bind(code)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        audit(&mut tx, now, actor, "erase", Some(code), "").await?;
        tx.commit().await.map_err(db)?;
        Ok(n > 0)
    }

    /// Mail not yet sent, oldest first.
    pub async fn pending_mail(&self, limit: i64) -> Result<Vec<OutboxMail>, FeedbackError> {
        sqlx::query(
            "SELECT o.id, o.code, o.subject, o.body, o.attempts, p.contact, p.contact_kind \
             FROM outbox o LEFT JOIN submitters p ON p.code = o.code \
             WHERE o.sent_at IS NULL ORDER BY o.id LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(db)?
        .into_iter()
        .map(|r| {
            let contact: Option<String> = r.try_get("contact").map_err(db)?;
            let kind: Option<String> = r.try_get("contact_kind").map_err(db)?;
            Ok(OutboxMail {
                id: r.try_get("id").map_err(db)?,
                code: r.try_get("code").map_err(db)?,
                to: contact.filter(|_| kind.as_deref() == Some(ContactKind::Email.slug())),
                subject: r.try_get("subject").map_err(db)?,
                body: r.try_get("body").map_err(db)?,
                attempts: r.try_get("attempts").map_err(db)?,
            })
        })
        .collect()
    }

    /// Marks a mail sent (or settled without sending, with `note`).
    pub async fn mail_done(&self, id: &str, note: Option<&str>) -> Result<(), FeedbackError> {
        sqlx::query("UPDATE outbox SET sent_at = $1, last_error = $2 WHERE id = $3")
            .bind(now_ms())
            .bind(note)
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(db)?;
        Ok(())
    }

    /// Records a failed attempt; the mail stays pending.
    pub async fn mail_failed(&self, id: &str, error: &str) -> Result<(), FeedbackError> {
        sqlx::query("UPDATE outbox SET attempts = attempts + 1, last_error = $1 WHERE id = $2")
            .bind(error)
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(db)?;
        Ok(())
    }

    pub async fn add_user(
        &self,
        username: &str,
        password_hash: &str,
        role: &str,
        unit: Option<&str>,
    ) -> Result<(), FeedbackError> {
        let now = now_ms();
        let mut tx = self.pool.begin().await.map_err(db)?;
        let n = sqlx::query(
            "INSERT INTO users (username, password_hash, role, unit, created_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (username) DO NOTHING",
        )
        .bind(username)
        .bind(password_hash)
        .bind(role)
        .bind(unit)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(db)?
        .rows_affected();
        if n == 0 {
            return Err(FeedbackError::Conflict(format!(
                "tài khoản {username:?} đã có"
            )));
        }
        audit(
            &mut tx,
            now,
            "cli",
            "user-add",
            None,
            &format!("{username} {role}"),
        )
        .await?;
        tx.commit().await.map_err(db)
    }

    pub async fn user(&self, username: &str) -> Result<Option<UserRow>, FeedbackError> {
        sqlx::query("SELECT username, password_hash, role, unit FROM users WHERE username = $1")
            .bind(username)
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?
            .map(|r| user_row(&r))
            .transpose()
    }

    pub async fn create_session(
        &self,
        token_hash: &str,
        username: &str,
        csrf: &str,
        expires_at: i64,
    ) -> Result<(), FeedbackError> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, username, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(username)
        .bind(csrf)
        .bind(now_ms())
        .bind(expires_at)
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(())
    }

    /// The user and CSRF token of a live session.
    pub async fn session(
        &self,
        token_hash: &str,
    ) -> Result<Option<(UserRow, String)>, FeedbackError> {
        let Some(r) = sqlx::query(
            "SELECT u.username, u.password_hash, u.role, u.unit, s.csrf FROM sessions s \
             JOIN users u ON u.username = s.username WHERE s.token_hash = $1 AND s.expires_at > $2",
        )
        .bind(token_hash)
        .bind(now_ms())
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?
        else {
            return Ok(None);
        };
        Ok(Some((user_row(&r)?, r.try_get("csrf").map_err(db)?)))
    }

    pub async fn end_session(&self, token_hash: &str) -> Result<(), FeedbackError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await
            .map_err(db)?;
        Ok(())
    }

    /// Each table's columns, `table.column` sorted: the schema both backends must agree on.
    pub async fn schema(&self) -> Result<Vec<String>, FeedbackError> {
        let rows = if self.sqlite {
            sqlx::query(
                "SELECT m.name || '.' || p.name AS col FROM sqlite_master m, pragma_table_info(m.name) p \
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx%'",
            )
            .fetch_all(&self.pool)
            .await
        } else {
            sqlx::query(
                "SELECT table_name || '.' || column_name AS col FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name NOT LIKE '_sqlx%'",
            )
            .fetch_all(&self.pool)
            .await
        }
        .map_err(db)?;
        let mut cols = rows
            .into_iter()
            .map(|r| r.try_get::<String, _>("col").map_err(db))
            .collect::<Result<Vec<_>, _>>()?;
        cols.sort();
        Ok(cols)
    }
}

const RECEIPT_BY_KEY: &str =
    "SELECT code, received_at, due_date FROM submissions WHERE idempotency_key = $1";

/// The receipt of an earlier submission (a repeated idempotency key).
fn receipt_of(row: &sqlx::any::AnyRow) -> Result<Receipt, FeedbackError> {
    Ok(Receipt {
        code: row.try_get("code").map_err(db)?,
        received_at: row.try_get("received_at").map_err(db)?,
        due_date: date_of(&row.try_get::<String, _>("due_date").map_err(db)?)?,
        created: false,
    })
}

fn user_row(r: &sqlx::any::AnyRow) -> Result<UserRow, FeedbackError> {
    Ok(UserRow {
        username: r.try_get("username").map_err(db)?,
        password_hash: r.try_get("password_hash").map_err(db)?,
        role: r.try_get("role").map_err(db)?,
        unit: r.try_get("unit").map_err(db)?,
    })
}

/// The unit an item is assigned to, inside a transaction.
async fn unit_of(tx: &mut Tx<'_>, code: &str) -> Result<Option<String>, FeedbackError> {
    sqlx::query("SELECT unit FROM submissions WHERE code = $1")
        .bind(code)
        .fetch_one(&mut **tx)
        .await
        .and_then(|r| r.try_get("unit"))
        .map_err(db)
}

async fn event(
    tx: &mut Tx<'_>,
    code: &str,
    now: i64,
    status: Status,
    unit: Option<&str>,
) -> Result<(), FeedbackError> {
    sqlx::query("INSERT INTO events (id, code, at, status, unit) VALUES ($1, $2, $3, $4, $5)")
        .bind(row_id(now))
        .bind(code)
        .bind(now)
        .bind(status.slug())
        .bind(unit)
        .execute(&mut **tx)
        .await
        .map_err(db)?;
    Ok(())
}

async fn audit(
    tx: &mut Tx<'_>,
    now: i64,
    actor: &str,
    action: &str,
    code: Option<&str>,
    detail: &str,
) -> Result<(), FeedbackError> {
    sqlx::query(
        "INSERT INTO audit_log (id, at, actor, action, code, detail) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(row_id(now))
    .bind(now)
    .bind(actor)
    .bind(action)
    .bind(code)
    .bind(detail)
    .execute(&mut **tx)
    .await
    .map_err(db)?;
    Ok(())
}

async fn outbox(
    tx: &mut Tx<'_>,
    code: &str,
    now: i64,
    subject: &str,
    body: &str,
) -> Result<(), FeedbackError> {
    sqlx::query(
        "INSERT INTO outbox (id, code, created_at, subject, body) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(row_id(now))
    .bind(code)
    .bind(now)
    .bind(subject)
    .bind(body)
    .execute(&mut **tx)
    .await
    .map_err(db)?;
    Ok(())
}
