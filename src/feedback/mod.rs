//! Citizens' questions and feedback: submission, tracking, routing to units, answers and their
//! publication. [`Feedback`] is the one entry point the web layer calls; underneath are the
//! validated form (`domain`), the store (`store`: SQLite or PostgreSQL through sqlx), routing
//! suggestions (`routing`, over procedures, unit remits and past decisions), working-day
//! deadlines (`deadline`), staff accounts and roles (`auth`), the in-memory index of published
//! answers (`answers`), statistics (`stats`) and the outbox sender (`mail`).
//!
//! Knows nothing of HTTP. Never logs a submitter's name, contact, address or text.

mod answers;
mod auth;
mod deadline;
mod domain;
mod ids;
mod mail;
mod routing;
mod stats;
mod store;
mod textindex;
mod units;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;

pub use answers::{AnswerIndex, anonymise, public_id};
pub use auth::{
    LOGIN_WINDOW, MAX_FAILED_LOGINS, MIN_PASSWORD_CHARS, Role, SESSION_TTL, Staff, Throttle,
    hash_password, token_hash, verify_password,
};
pub use deadline::{Calendar, vn_date};
pub use domain::{
    ContactKind, FieldErrors, Kind, MAX_BODY_CHARS, MAX_CONTACT_CHARS, MAX_NAME_CHARS,
    MAX_PROCEDURE_CHARS, MAX_SUBJECT_CHARS, MIN_BODY_CHARS, NewSubmission, Status, SubmissionForm,
    field, parse_contact,
};
pub use ids::{normalize_code, now_ms, token, tracking_code};
pub use mail::{MailOutcome, Mailer, SmtpMailer, deliver_pending};
pub use routing::{
    FALLBACK_UNIT, PastItem, Procedure, Reason, RoutingEval, RoutingModel, Suggestion, evaluate,
    load_procedures,
};
pub use stats::{UnitStats, stats_csv, unit_stats};
pub use store::{
    AuditEntry, Event, Item, ItemTimes, Published, Receipt, Store, Submitter, Tracking, UserRow,
};
pub use units::{HOME_MINISTRY, Unit, UnitKind, Units};

use crate::config::FeedbackConfig;
use crate::model::Date;

#[derive(Debug, thiserror::Error)]
pub enum FeedbackError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Units { path: PathBuf, message: String },
    #[error("text index: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    #[error("password hashing: {0}")]
    Auth(String),
    /// The form has errors; each names its field.
    #[error("invalid submission")]
    Invalid(FieldErrors),
    /// Too many submissions from one address.
    #[error("rate limited")]
    RateLimited,
    /// No such item, or not one this person may see (the two are not told apart).
    #[error("not found")]
    NotFound,
    /// The person may see the item but not do this to it.
    #[error("forbidden")]
    Forbidden,
    /// The action does not fit the item's state; the message is for people, in Vietnamese.
    #[error("{0}")]
    Conflict(String),
    /// A value from staff is not acceptable; the message is for people, in Vietnamese.
    #[error("{0}")]
    BadInput(String),
}

/// The feedback service: the store, the units, and the live routing and answer indexes.
pub struct Feedback {
    store: Store,
    units: Units,
    routing: ArcSwap<RoutingModel>,
    answers: ArcSwap<AnswerIndex>,
    calendar: Calendar,
    deadline_days: u32,
    submissions: Throttle,
    failed_logins: Throttle,
}

/// How many similar answered questions are shown before submitting.
pub const SIMILAR_SHOWN: usize = 5;

impl Feedback {
    /// Opens the store named by the configuration (SQLite under `data_dir` by default), loads
    /// the units and procedures, and builds the routing model (with every past decision) and
    /// the index of published answers.
    pub async fn open(config: &FeedbackConfig) -> Result<Feedback, FeedbackError> {
        let url = match &config.database_url {
            Some(url) => url.clone(),
            None => {
                std::fs::create_dir_all(&config.data_dir).map_err(|source| FeedbackError::Io {
                    path: config.data_dir.clone(),
                    source,
                })?;
                Store::sqlite_url(&config.data_dir)
            }
        };
        let store = Store::open(&url).await?;
        Feedback::with_store(store, config).await
    }

    /// [`Feedback::open`] over an open store.
    pub async fn with_store(
        store: Store,
        config: &FeedbackConfig,
    ) -> Result<Feedback, FeedbackError> {
        let units = Units::load(&config.units_file)?;
        let procedures = match &config.procedures_file {
            Some(p) => load_procedures(p)?.0,
            None => Vec::new(),
        };
        let past = store
            .decisions()
            .await?
            .into_iter()
            .map(|(text, unit)| PastItem { text, unit })
            .collect();
        let routing =
            tokio::task::spawn_blocking(move || RoutingModel::new(units, procedures, past))
                .await
                .map_err(|e| FeedbackError::Corrupt(format!("routing build: {e}")))??;
        let answers = AnswerIndex::new(store.published().await?)?;
        let holidays = config
            .holidays
            .iter()
            .filter_map(|d| Date::parse(d).ok())
            .collect::<Vec<_>>();
        Ok(Feedback {
            units: routing.units().clone(),
            store,
            routing: ArcSwap::from_pointee(routing),
            answers: ArcSwap::from_pointee(answers),
            calendar: Calendar::new(holidays),
            deadline_days: config.deadline_working_days,
            submissions: Throttle::new(
                "submit",
                config.submissions_per_hour,
                Duration::from_secs(3600),
            ),
            failed_logins: Throttle::new("login", MAX_FAILED_LOGINS, LOGIN_WINDOW),
        })
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn units(&self) -> &Units {
        &self.units
    }

    pub fn calendar(&self) -> &Calendar {
        &self.calendar
    }

    /// A unit's name, or the code when unknown.
    pub fn unit_name(&self, code: &str) -> String {
        self.units
            .get(code)
            .map_or_else(|| code.to_owned(), |u| u.name.clone())
    }

    /// Validates and stores a submission from `client` (an address, used for the rate limit
    /// and never stored or logged). Returns after the commit.
    pub async fn submit(
        &self,
        form: &SubmissionForm,
        idempotency_key: &str,
        client: &str,
    ) -> Result<Receipt, FeedbackError> {
        let new = form.validate().map_err(FeedbackError::Invalid)?;
        if idempotency_key.len() != 32 || !idempotency_key.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(FeedbackError::BadInput(
                "Biểu mẫu không hợp lệ hoặc đã cũ. Vui lòng tải lại trang và gửi lại.".to_owned(),
            ));
        }
        // A retry of a submission already stored is answered with its receipt, whatever the
        // rate: the limit must never make a double click look like a loss.
        if !self.submissions.allows(&self.store, client).await? {
            return match self.store.receipt_for_key(idempotency_key).await? {
                Some(receipt) => Ok(receipt),
                None => Err(FeedbackError::RateLimited),
            };
        }
        let routing = self.routing.load_full();
        let text = format!("{}. {}", new.subject, new.body);
        let linked = new.procedure.clone();
        let suggestion =
            tokio::task::spawn_blocking(move || routing.suggest_for(&text, linked.as_deref()))
                .await
                .map_err(|e| FeedbackError::Corrupt(format!("routing: {e}")))??;
        let reason = suggestion
            .reasons
            .iter()
            .map(|r| r.to_vi(&self.units))
            .collect::<Vec<_>>()
            .join("\n");
        let due = self
            .calendar
            .add_working_days(vn_date(now_ms()), self.deadline_days);
        let receipt = self
            .store
            .submit(&new, idempotency_key, &suggestion, &reason, due)
            .await?;
        if receipt.created {
            tracing::info!(kind = new.kind.slug(), "submission received");
            // Committed already: a failure to count it must not hide the receipt.
            if let Err(e) = self.submissions.hit(&self.store, client).await {
                tracing::warn!(error = %e, "submission not counted for the rate limit");
            }
        }
        Ok(receipt)
    }

    /// Answered questions similar to `text`, best first.
    pub fn similar(&self, text: &str, limit: usize) -> Result<Vec<Published>, FeedbackError> {
        self.answers.load().search(text, limit)
    }

    /// The published answers, newest first.
    pub fn published(&self) -> Arc<AnswerIndex> {
        self.answers.load_full()
    }

    /// The tracking view of `code` as typed (normalised first).
    pub async fn tracking(&self, code: &str) -> Result<Option<Tracking>, FeedbackError> {
        match normalize_code(code) {
            Some(c) => self.store.tracking(&c).await,
            None => Ok(None),
        }
    }

    /// Checks a login; throttled per account and per address. `Ok(None)`: wrong name or
    /// password.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        client: &str,
    ) -> Result<Option<Staff>, FeedbackError> {
        let user_key = format!("u:{username}");
        let client_key = format!("c:{client}");
        if !self.failed_logins.allows(&self.store, &user_key).await?
            || !self.failed_logins.allows(&self.store, &client_key).await?
        {
            return Err(FeedbackError::RateLimited);
        }
        let row = self.store.user(username).await?;
        let password = password.to_owned();
        let ok = tokio::task::spawn_blocking(move || match row {
            Some(row) if verify_password(&row.password_hash, &password) => Some(row),
            Some(_) => None,
            // The same work for an unknown name, so that timing does not tell names apart.
            None => {
                verify_password(DUMMY_HASH, &password);
                None
            }
        })
        .await
        .map_err(|e| FeedbackError::Corrupt(format!("login: {e}")))?;
        match ok {
            Some(row) => {
                self.failed_logins.clear(&self.store, &user_key).await?;
                self.store.record(&row.username, "login", None, "").await?;
                Ok(Some(Staff::from_row(&row)?))
            }
            None => {
                self.failed_logins.hit(&self.store, &user_key).await?;
                self.failed_logins.hit(&self.store, &client_key).await?;
                Ok(None)
            }
        }
    }

    /// Starts a session: returns the token (for the cookie) and the session's CSRF token.
    /// Expired sessions are swept first.
    pub async fn start_session(&self, staff: &Staff) -> Result<(String, String), FeedbackError> {
        self.sweep().await?;
        let session = token(32);
        let csrf = token(32);
        let expires = now_ms() + SESSION_TTL.as_millis() as i64;
        self.store
            .create_session(&token_hash(&session), &staff.username, &csrf, expires)
            .await?;
        Ok((session, csrf))
    }

    /// The staff member and CSRF token of a session token.
    pub async fn session(&self, token: &str) -> Result<Option<(Staff, String)>, FeedbackError> {
        match self.store.session(&token_hash(token)).await? {
            Some((row, csrf)) => Ok(Some((Staff::from_row(&row)?, csrf))),
            None => Ok(None),
        }
    }

    pub async fn end_session(&self, token: &str) -> Result<(), FeedbackError> {
        self.store.end_session(&token_hash(token)).await
    }

    /// An item, if `staff` may see it (otherwise [`FeedbackError::NotFound`], as for a code
    /// that does not exist).
    pub async fn item_for(&self, staff: &Staff, code: &str) -> Result<Item, FeedbackError> {
        let code = normalize_code(code).ok_or(FeedbackError::NotFound)?;
        match self.store.item(&code).await? {
            Some(item) if staff.can_see(&item) => Ok(item),
            _ => Err(FeedbackError::NotFound),
        }
    }

    /// The open items `staff` works on, by deadline: a unit's own for unit staff, all for the
    /// others.
    pub async fn queue_for(&self, staff: &Staff) -> Result<Vec<Item>, FeedbackError> {
        match staff.role {
            Role::UnitStaff => match &staff.unit {
                Some(u) => self.store.queue(Some(Some(u))).await,
                None => Ok(Vec::new()),
            },
            _ => self.store.queue(None).await,
        }
    }

    /// Routes an item to `unit`; the decision is learnt by the routing model.
    pub async fn assign(&self, staff: &Staff, code: &str, unit: &str) -> Result<(), FeedbackError> {
        let item = self.item_for(staff, code).await?;
        if !staff.can_route() {
            return Err(FeedbackError::Forbidden);
        }
        if self.units.get(unit).is_none() {
            return Err(FeedbackError::BadInput(format!(
                "Không có đơn vị mã {unit:?}."
            )));
        }
        self.store.assign(&item.code, unit, &staff.username).await?;
        let model = self.routing.load_full();
        let past = PastItem {
            text: format!("{}. {}", item.subject, item.body),
            unit: unit.to_owned(),
        };
        match tokio::task::spawn_blocking(move || model.with_past(past)).await {
            Ok(Ok(m)) => self.routing.store(Arc::new(m)),
            Ok(Err(e)) => tracing::warn!(error = %e, "routing model not updated"),
            Err(e) => tracing::warn!(error = %e, "routing model not updated"),
        }
        Ok(())
    }

    pub async fn save_draft(
        &self,
        staff: &Staff,
        code: &str,
        text: &str,
    ) -> Result<(), FeedbackError> {
        let item = self.item_for(staff, code).await?;
        if !staff.can_draft(&item) || item.unit.is_none() {
            return Err(FeedbackError::Forbidden);
        }
        let text = text.trim();
        if text.is_empty() || text.chars().count() > MAX_ANSWER_CHARS {
            return Err(FeedbackError::BadInput(format!(
                "Câu trả lời phải có nội dung và không quá {MAX_ANSWER_CHARS} ký tự."
            )));
        }
        self.store
            .save_draft(&item.code, text, &staff.username)
            .await
    }

    pub async fn approve(&self, staff: &Staff, code: &str) -> Result<(), FeedbackError> {
        let item = self.item_for(staff, code).await?;
        if !staff.is_admin() {
            return Err(FeedbackError::Forbidden);
        }
        self.store.approve(&item.code, &staff.username).await
    }

    /// Publishes the answer with the question anonymised (`question`, or the submitted text
    /// with the submitter's name, emails and phone numbers removed), and rebuilds the index of
    /// published answers.
    pub async fn publish(
        &self,
        staff: &Staff,
        code: &str,
        question: Option<&str>,
    ) -> Result<(), FeedbackError> {
        let item = self.item_for(staff, code).await?;
        if !staff.is_admin() {
            return Err(FeedbackError::Forbidden);
        }
        let name = self.store.submitter(&item.code).await?.map(|s| s.name);
        let question = anonymise(
            question
                .filter(|q| !q.trim().is_empty())
                .unwrap_or(&item.body),
            name.as_deref(),
        );
        self.store
            .publish(&item.code, &question, &staff.username)
            .await?;
        self.reload_answers().await
    }

    /// Rebuilds the index of published answers from the store.
    pub async fn reload_answers(&self) -> Result<(), FeedbackError> {
        let published = self.store.published().await?;
        let index = tokio::task::spawn_blocking(move || AnswerIndex::new(published))
            .await
            .map_err(|e| FeedbackError::Corrupt(format!("answers: {e}")))??;
        self.answers.store(Arc::new(index));
        Ok(())
    }

    /// The submitter's data, for an administrator (the export is audited).
    pub async fn export_submitter(
        &self,
        staff: &Staff,
        code: &str,
    ) -> Result<Submitter, FeedbackError> {
        if !staff.is_admin() {
            return Err(FeedbackError::NotFound);
        }
        let code = normalize_code(code).ok_or(FeedbackError::NotFound)?;
        let s = self
            .store
            .submitter(&code)
            .await?
            .ok_or(FeedbackError::NotFound)?;
        self.store
            .record(&staff.username, "export-submitter", Some(&code), "")
            .await?;
        Ok(s)
    }

    /// Erases the submitter's data (and withdraws a published answer made from it).
    pub async fn erase_submitter(&self, staff: &Staff, code: &str) -> Result<(), FeedbackError> {
        if !staff.is_admin() {
            return Err(FeedbackError::NotFound);
        }
        let item = self.item_for(staff, code).await?;
        self.store
            .erase_submitter(&item.code, &staff.username)
            .await?;
        self.reload_answers().await
    }

    /// Per-unit statistics as of `today`.
    pub async fn stats(&self, today: Date) -> Result<Vec<UnitStats>, FeedbackError> {
        let times = self.store.item_times().await?;
        Ok(unit_stats(&times, today, |c| self.unit_name(c)))
    }

    /// Sends pending mail through `mailer` every `every`, forever (run it as a task). Nothing
    /// is lost while the server is down: failed mail stays in the outbox for the next round.
    pub async fn run_outbox(self: Arc<Self>, mailer: Arc<dyn Mailer>, every: Duration) {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let (fb, m) = (self.clone(), mailer.clone());
            // SMTP blocks: one round on the blocking pool, with its own small runtime handle.
            let handle = tokio::runtime::Handle::current();
            let round = tokio::task::spawn_blocking(move || {
                handle.block_on(deliver_pending(fb.store(), m.as_ref()))
            })
            .await;
            match round {
                Ok(Ok(o)) if o.sent + o.failed + o.skipped > 0 => {
                    tracing::info!(
                        sent = o.sent,
                        failed = o.failed,
                        skipped = o.skipped,
                        "outbox round"
                    );
                }
                Ok(Err(e)) => tracing::warn!(error = %e, "outbox round failed"),
                Err(e) => tracing::warn!(error = %e, "outbox round failed"),
                _ => {}
            }
        }
    }

    /// Deletes expired sessions and expired rate-limit events; returns how many of each.
    pub async fn sweep(&self) -> Result<(u64, u64), FeedbackError> {
        self.store.sweep(now_ms()).await
    }

    /// Runs [`Feedback::sweep`] every `every`, forever (run it as a task).
    pub async fn run_sweeper(self: Arc<Self>, every: Duration) {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match self.sweep().await {
                Ok((sessions, events)) if sessions + events > 0 => {
                    tracing::info!(sessions, throttle_events = events, "expired rows swept");
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "sweep failed"),
            }
        }
    }

    /// Whether an open item is past its deadline on `today`.
    pub fn is_overdue(item: &Item, today: Date) -> bool {
        item.answered_at.is_none() && item.due_date < today
    }
}

/// Longest answer, in characters.
pub const MAX_ANSWER_CHARS: usize = 20_000;

/// A valid argon2id hash of a random password, checked against when the name is unknown.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$x5XmHe1cOIbT+ZZ1Jc4lpSsWj5ELIRzB1kMKSd4GN4w";
