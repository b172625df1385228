//! What the POST forms share: the urlencoded body read by hand (so that invalid UTF-8 and
//! oversize fields become errors beside the field, not a bare 422), cookies, the double-submit
//! CSRF token, and the client's address for the rate limits (never stored or logged).

use std::collections::HashMap;
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};

use crate::feedback;

/// The cookie that carries the anonymous CSRF token of the public forms.
pub const CSRF_COOKIE: &str = "tracuu_csrf";
/// The staff session cookie.
pub const SESSION_COOKIE: &str = "tracuu_phien";
/// The hidden field that repeats the CSRF token.
pub const CSRF_FIELD: &str = "csrf";

/// A decoded form: the first value of each name. Bytes that are not UTF-8 decode to U+FFFD,
/// which validation refuses.
pub struct Fields(HashMap<String, String>);

impl Fields {
    pub fn parse(body: &[u8]) -> Fields {
        let mut map = HashMap::new();
        for (k, v) in form_urlencoded::parse(body) {
            map.entry(k.into_owned()).or_insert_with(|| v.into_owned());
        }
        Fields(map)
    }

    pub fn get(&self, name: &str) -> &str {
        self.0.get(name).map_or("", String::as_str)
    }

    pub fn has(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }
}

/// The value of cookie `name`.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
        .filter(|v| !v.is_empty() && v.len() <= 128 && v.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Strict, Secure on https; a session cookie when
/// `max_age_s` is `None`, removed when it is `Some(0)`.
pub fn set_cookie(
    name: &str,
    value: &str,
    path: &str,
    secure: bool,
    max_age_s: Option<u64>,
) -> HeaderValue {
    let mut c = format!("{name}={value}; Path={path}; HttpOnly; SameSite=Strict");
    if secure {
        c.push_str("; Secure");
    }
    if let Some(age) = max_age_s {
        c.push_str(&format!("; Max-Age={age}"));
    }
    HeaderValue::from_str(&c).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The CSRF token of this browser (from its cookie) or a new one to set.
pub fn csrf_token(headers: &HeaderMap) -> (String, bool) {
    match cookie(headers, CSRF_COOKIE) {
        Some(t) if t.len() == 32 => (t, false),
        _ => (feedback::token(16), true),
    }
}

/// Whether the form's token matches the cookie's (compared in constant time).
pub fn csrf_ok(headers: &HeaderMap, fields: &Fields) -> bool {
    match cookie(headers, CSRF_COOKIE) {
        Some(c) => constant_time_eq(c.as_bytes(), fields.get(CSRF_FIELD).as_bytes()),
        None => false,
    }
}

pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The client's address as the server saw it; "unknown" when served without one.
pub struct Client(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Client, Self::Rejection> {
        Ok(Client(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map_or_else(|| "unknown".to_owned(), |c| c.0.ip().to_string()),
        ))
    }
}
