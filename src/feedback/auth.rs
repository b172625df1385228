//! Staff accounts: argon2id password hashes, session tokens (only their SHA-256 is stored),
//! roles and what each may see and do, and the login throttle.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use sha2::{Digest, Sha256};

use super::FeedbackError;
use super::store::{Item, UserRow};

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
/// submissions per address.
pub struct Throttle {
    max: u32,
    window: Duration,
    seen: Mutex<HashMap<String, Vec<Instant>>>,
}

/// Keys remembered before old ones are swept.
const THROTTLE_SWEEP_AT: usize = 10_000;

impl Throttle {
    pub fn new(max: u32, window: Duration) -> Throttle {
        Throttle {
            max,
            window,
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// Whether `key` is under the limit now (does not count).
    pub fn allows(&self, key: &str) -> bool {
        let now = Instant::now();
        let seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        seen.get(key).is_none_or(|v| {
            v.iter()
                .filter(|t| now.duration_since(**t) < self.window)
                .count()
                < self.max as usize
        })
    }

    /// Counts one event for `key`.
    pub fn hit(&self, key: &str) {
        let now = Instant::now();
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        if seen.len() >= THROTTLE_SWEEP_AT {
            seen.retain(|_, v| v.iter().any(|t| now.duration_since(*t) < self.window));
        }
        let v = seen.entry(key.to_owned()).or_default();
        v.retain(|t| now.duration_since(*t) < self.window);
        v.push(now);
    }

    /// Counts one event and says whether it was still allowed.
    pub fn check_and_hit(&self, key: &str) -> bool {
        let ok = self.allows(key);
        if ok {
            self.hit(key);
        }
        ok
    }

    pub fn clear(&self, key: &str) {
        self.seen
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(key);
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

    #[test]
    fn throttle_counts_in_its_window() {
        let t = Throttle::new(2, Duration::from_secs(60));
        assert!(t.check_and_hit("a"));
        assert!(t.check_and_hit("a"));
        assert!(!t.check_and_hit("a"));
        assert!(t.check_and_hit("b"));
        t.clear("a");
        assert!(t.allows("a"));
    }
}
