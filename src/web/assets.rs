//! Static files from `static/`, compiled into the binary and served under names that carry a
//! hash of their bytes (`/static/site.3f2a9c1e.css`), so browsers may cache them for a year: a
//! changed file gets a new name. The hash is computed at startup.

use std::sync::LazyLock;

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

/// The site's files, hashed once on first use (at startup: the router asks for them).
pub static ASSETS: LazyLock<Assets> = LazyLock::new(Assets::new);

/// Cache lifetime of a hashed static file.
pub const STATIC_CACHE_CONTROL: &str = "public, max-age=31536000, immutable";

/// One file: its logical name (`site.css`), the name it is served under, type and bytes.
pub struct Asset {
    pub name: &'static str,
    pub served_as: String,
    pub content_type: &'static str,
    pub bytes: &'static [u8],
}

pub struct Assets {
    files: Vec<Asset>,
}

const FILES: &[(&str, &str, &[u8])] = &[
    (
        "site.css",
        "text/css; charset=utf-8",
        include_bytes!("../../static/site.css"),
    ),
    (
        "suggest.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../static/suggest.js"),
    ),
];

/// FNV-1a, 64 bits: stable across Rust versions and platforms (unlike `DefaultHasher`), which a
/// name that browsers cache must be.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

impl Assets {
    pub fn new() -> Assets {
        let files = FILES
            .iter()
            .map(|&(name, content_type, bytes)| {
                let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
                Asset {
                    name,
                    served_as: format!("{stem}.{:08x}.{ext}", fnv1a(bytes) as u32),
                    content_type,
                    bytes,
                }
            })
            .collect();
        Assets { files }
    }

    /// The URL path of `name` (`/static/site.<hash>.css`).
    pub fn url(&self, name: &str) -> String {
        match self.files.iter().find(|f| f.name == name) {
            Some(f) => format!("/static/{}", f.served_as),
            None => format!("/static/{name}"),
        }
    }

    /// The response for `/static/<served_as>`, if it names a file.
    pub fn response(&self, served_as: &str) -> Option<Response> {
        let f = self.files.iter().find(|f| f.served_as == served_as)?;
        Some(
            (
                [
                    (
                        header::CONTENT_TYPE,
                        HeaderValue::from_static(f.content_type),
                    ),
                    (
                        header::CACHE_CONTROL,
                        HeaderValue::from_static(STATIC_CACHE_CONTROL),
                    ),
                ],
                f.bytes,
            )
                .into_response(),
        )
    }
}
