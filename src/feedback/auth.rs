//! Staff accounts: argon2id password hashes, session tokens (only their SHA-256 is stored),
//! roles and what each may see and do, and the login throttle.

use std::time::Duration;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use sha2::{Digest, Sha256};

use super::FeedbackError;
use super::ids::now_ms;
use super::store::{Item, Store, UserRow};

/// Shortest password accepted by `tracuu user add`.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// A session lasts this long after login.
pub const SESSION_TTL: Duration = Duration::from_secs(8 * 3600);
/// Failed logins allowed per account (and per address) within [`LOGIN_WINDOW`].
pub const MAX_FAILED_LOGINS: u32 = 5;
pub const LOGIN_WINDOW: Duration = Duration::from_secs(15 * 60);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Everything, including submitters' data and publication.
    Administrator,
    /// Routes items to units.
    Intake,
    /// Answers its own unit's items, sees nothing else.
    UnitStaff,
}

impl Role {
    pub fn slug(self) -> &'static str {
        match self {
            Role::Administrator => "administrator",
            Role::Intake => "intake",
            Role::UnitStaff => "unit",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        [Role::Administrator, Role::Intake, Role::UnitStaff]
            .into_iter()
            .find(|r| r.slug() == s)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Role::Administrator => "Quản trị",
            Role::Intake => "Tiếp nhận, phân loại",
            Role::UnitStaff => "Cán bộ đơn vị",
        }
    }
}

/// A logged-in staff member.
#[derive(Debug, Clone, PartialEq)]
pub struct Staff {
    pub username: String,
    pub role: Role,
    /// The unit of a [`Role::UnitStaff`].
    pub unit: Option<String>,
}

impl Staff {
    pub fn from_row(row: &UserRow) -> Result<Staff, FeedbackError> {
        let role = Role::parse(&row.role)
            .ok_or_else(|| FeedbackError::Corrupt(format!("unknown role {:?}", row.role)))?;
        Ok(Staff {
            username: row.username.clone(),
            role,
            unit: row.unit.clone(),
        })
    }

    /// Whether the item is visible at all: unit staff see only their unit's items.
    pub fn can_see(&self, item: &Item) -> bool {
        match self.role {
            Role::Administrator | Role::Intake => true,
            Role::UnitStaff => self.unit.is_some() && item.unit == self.unit,
        }
    }

    pub fn can_route(&self) -> bool {
        matches!(self.role, Role::Administrator | Role::Intake)
    }

    pub fn can_draft(&self, item: &Item) -> bool {
        match self.role {
            Role::Administrator => true,
            Role::Intake => false,
            Role::UnitStaff => self.can_see(item),
        }
    }

    /// Approval, publication, submitters' data, erasure.
    pub fn is_admin(&self) -> bool {
        self.role == Role::Administrator
    }
}

/// An argon2id hash (PHC string) of `password`.
pub fn hash_password(password: &str) -> Result<String, FeedbackError> {
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>())
        .map_err(|e| FeedbackError::Auth(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| FeedbackError::Auth(e.to_string()))
}

pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// What the store keeps of a session token.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Counts events per key in a sliding window: failed logins per account and per address, and
/// submissions per address. The events are kept in the store (`throttle_events`, keys salted
/// and hashed), so a limit holds across a restart and across every node sharing the database.
pub struct Throttle {
    /// Which limit (one table holds them all).
    scope: &'static str,
    max: u32,
    window: Duration,
}

impl Throttle {
    pub fn new(scope: &'static str, max: u32, window: Duration) -> Throttle {
        Throttle { scope, max, window }
    }

    /// Whether `key` is under the limit now (does not count).
    pub async fn allows(&self, store: &Store, key: &str) -> Result<bool, FeedbackError> {
        let n = store.throttle_count(self.scope, key, now_ms()).await?;
        Ok(n < i64::from(self.max))
    }

    /// Counts one event for `key`.
    pub async fn hit(&self, store: &Store, key: &str) -> Result<(), FeedbackError> {
        let window_ms = i64::try_from(self.window.as_millis()).unwrap_or(i64::MAX / 2);
        store
            .throttle_hit(self.scope, key, now_ms(), window_ms)
            .await
    }

    pub async fn clear(&self, store: &Store, key: &str) -> Result<(), FeedbackError> {
        store.throttle_clear(self.scope, key).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argon2id_round_trip() {
        let h = hash_password("mật khẩu dài đủ rồi").unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify_password(&h, "mật khẩu dài đủ rồi"));
        assert!(!verify_password(&h, "mật khẩu sai"));
        assert!(!verify_password("not a hash", "x"));
    }
}
