//! The outbox sender. Mail is written to the outbox in the same transaction as the change it
//! announces; this sends what is pending. A failure leaves the mail pending with its error and
//! attempt count, so nothing is lost while the mail server is down. Submitters who gave a phone
//! number (or whose data was erased) get no mail: their outbox lines are settled with a note.

use super::FeedbackError;
use super::store::Store;

/// Something that delivers one mail (SMTP in production, a recorder in tests).
pub trait Mailer: Send + Sync {
    fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), String>;
}

/// Plain SMTP to a relay (`[feedback.smtp]`): the local mail relay of the deployment, which
/// does TLS and authentication onward. Sending blocks; the caller runs it off the async workers.
pub struct SmtpMailer {
    transport: lettre::SmtpTransport,
    from: lettre::message::Mailbox,
}

impl SmtpMailer {
    pub fn new(host: &str, port: u16, from: &str) -> Result<SmtpMailer, FeedbackError> {
        let from = from
            .parse()
            .map_err(|e| FeedbackError::BadInput(format!("feedback.smtp.from: {e}")))?;
        Ok(SmtpMailer {
            transport: lettre::SmtpTransport::builder_dangerous(host)
                .port(port)
                .timeout(Some(std::time::Duration::from_secs(20)))
                .build(),
            from,
        })
    }
}

impl Mailer for SmtpMailer {
    fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), String> {
        use lettre::Transport;
        let to = to.parse().map_err(|e| format!("address: {e}"))?;
        let message = lettre::Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(lettre::message::header::ContentType::TEXT_PLAIN)
            .body(body.to_owned())
            .map_err(|e| format!("message: {e}"))?;
        self.transport
            .send(&message)
            .map(|_| ())
            .map_err(|e| format!("smtp: {e}"))
    }
}

/// What one delivery round did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MailOutcome {
    pub sent: usize,
    pub failed: usize,
    pub skipped: usize,
}

/// Mail per round.
const BATCH: i64 = 100;

/// Sends up to one batch of pending mail.
pub async fn deliver_pending(
    store: &Store,
    mailer: &dyn Mailer,
) -> Result<MailOutcome, FeedbackError> {
    let mut out = MailOutcome::default();
    for mail in store.pending_mail(BATCH).await? {
        let Some(to) = &mail.to else {
            store.mail_done(&mail.id, Some("no email address")).await?;
            out.skipped += 1;
            continue;
        };
        match mailer.send(to, &mail.subject, &mail.body) {
            Ok(()) => {
                store.mail_done(&mail.id, None).await?;
                out.sent += 1;
            }
            Err(e) => {
                // The error names the server, not the person.
                tracing::warn!(attempts = mail.attempts + 1, error = %e, "mail not sent; kept in the outbox");
                store.mail_failed(&mail.id, &e).await?;
                out.failed += 1;
            }
        }
    }
    Ok(out)
}
