//! Search pages kept, compressed, for the questions asked again.
//!
//! A results page costs a few milliseconds of CPU (ranking, facets over the result window, the
//! procedures and answers beside it, snippets, HTML, gzip); the same few hundred questions come
//! back all day ("đăng ký kết hôn", "làm sổ đỏ"). A page is kept as the gzip bytes sent, with
//! what it was made from: the index generation, the procedures' lexicon and the published
//! answers. It is served again only while all three are still the live ones, so a new index, a
//! re-read lexicon or a newly published answer is on the very next page, with no expiry to
//! tune. The cache is bounded in bytes (S3-FIFO eviction, `quick_cache`), and off when
//! `server.page_cache_mb` is 0.

use std::io::Read;
use std::sync::{Arc, Weak};

use axum::body::Bytes;
use axum::http::header::{ACCEPT_ENCODING, CONTENT_ENCODING, CONTENT_TYPE, VARY};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};

use crate::feedback::AnswerIndex;
use crate::procedures::Lexicon;
use crate::web::state::Site;

/// Longest query string kept: longer ones are rare, and each would weigh on the cache.
const MAX_KEY_BYTES: usize = 1024;

/// What a page was made from; the page is good while each is still live.
pub struct Sources<'a> {
    pub site: &'a Arc<Site>,
    pub lexicon: &'a Arc<Lexicon>,
    pub answers: Option<&'a Arc<AnswerIndex>>,
}

#[derive(Clone)]
struct Page {
    gzip: Bytes,
    site: Weak<Site>,
    lexicon: Weak<Lexicon>,
    answers: Option<Weak<AnswerIndex>>,
}

impl Page {
    /// A `Weak` keeps its allocation, so a live `Arc` at the same address is the same value.
    fn made_from(&self, now: &Sources<'_>) -> bool {
        fn same<T>(weak: &Weak<T>, live: &Arc<T>) -> bool {
            std::ptr::eq(weak.as_ptr(), Arc::as_ptr(live))
        }
        same(&self.site, now.site)
            && same(&self.lexicon, now.lexicon)
            && match (&self.answers, now.answers) {
                (Some(w), Some(a)) => same(w, a),
                (None, None) => true,
                _ => false,
            }
    }
}

#[derive(Clone)]
struct ByteWeight;

impl quick_cache::Weighter<String, Page> for ByteWeight {
    fn weight(&self, key: &String, page: &Page) -> u64 {
        (key.len() + page.gzip.len()) as u64
    }
}

pub struct PageCache {
    pages: Option<quick_cache::sync::Cache<String, Page, ByteWeight>>,
}

impl PageCache {
    /// A cache of at most `megabytes` of compressed pages; none at 0.
    pub fn new(megabytes: u64) -> PageCache {
        let bytes = megabytes * 1024 * 1024;
        // A compressed results page is about 8 KB.
        let pages = (bytes > 0).then(|| {
            quick_cache::sync::Cache::with_weighter((bytes / 8192) as usize, bytes, ByteWeight)
        });
        PageCache { pages }
    }

    /// The page kept for `query` if it was made from the live `sources`, as a response in the
    /// encoding the request accepts.
    pub fn get(&self, query: &str, sources: &Sources<'_>, headers: &HeaderMap) -> Option<Response> {
        let page = self.pages.as_ref()?.get(query)?;
        if !page.made_from(sources) {
            return None;
        }
        respond(page.gzip, accepts_gzip(headers))
    }

    /// Keeps `html`, the page for `query` made from `sources`, and returns it as a response in
    /// the encoding the request accepts.
    pub fn put(
        &self,
        query: &str,
        sources: &Sources<'_>,
        html: String,
        headers: &HeaderMap,
    ) -> Response {
        let gzip_accepted = accepts_gzip(headers);
        let pages = self.pages.as_ref().filter(|_| query.len() <= MAX_KEY_BYTES);
        if pages.is_none() && !gzip_accepted {
            return html_response(html.into());
        }
        let Some(gzip) = compress(html.as_bytes()) else {
            return html_response(html.into());
        };
        let gzip = Bytes::from(gzip);
        let Some(pages) = pages else {
            return gzip_response(gzip);
        };
        pages.insert(
            query.to_owned(),
            Page {
                gzip: gzip.clone(),
                site: Arc::downgrade(sources.site),
                lexicon: Arc::downgrade(sources.lexicon),
                answers: sources.answers.map(Arc::downgrade),
            },
        );
        if gzip_accepted {
            gzip_response(gzip)
        } else {
            html_response(html.into())
        }
    }
}

fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.split(';');
            let name = parts.next().unwrap_or("").trim();
            let refused = parts.any(|p| matches!(p.trim(), "q=0" | "q=0.0" | "q=0.00" | "q=0.000"));
            name.eq_ignore_ascii_case("gzip") && !refused
        })
}

/// A gzip member (RFC 1952) holding `html`, at deflate's fastest level, as the compression
/// layer uses for the pages it compresses itself.
///
/// flate2's `GzEncoder` sets up a new deflate state for every page, and that setup (allocating
/// and zeroing its tables and window) cost two thirds of compressing a results page (0.45 M
/// against 0.68 M instructions; a reset is 0.18 M). So each thread keeps one raw deflate
/// stream and resets it, and the gzip header and trailer (10 and 8 bytes) are written here.
fn compress(html: &[u8]) -> Option<Vec<u8>> {
    use flate2::{Compress, Compression, Crc, FlushCompress, Status};
    thread_local! {
        static DEFLATE: std::cell::RefCell<Compress> =
            std::cell::RefCell::new(Compress::new(Compression::fast(), false));
    }
    // No file name, no time; XFL 4 = fastest algorithm; OS 255 = unknown.
    const HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 4, 255];
    let size = u32::try_from(html.len()).ok()?;
    let mut gzip = Vec::with_capacity(HEADER.len() + html.len() / 4 + 8);
    gzip.extend_from_slice(&HEADER);
    DEFLATE.with_borrow_mut(|deflate| {
        deflate.reset();
        loop {
            // Always room to write: each round then makes progress towards the stream's end.
            gzip.reserve(html.len() / 8 + 64);
            let read = usize::try_from(deflate.total_in()).ok()?;
            match deflate.compress_vec(html.get(read..)?, &mut gzip, FlushCompress::Finish) {
                Ok(Status::StreamEnd) => return Some(()),
                Ok(Status::Ok | Status::BufError) => continue,
                Err(_) => return None,
            }
        }
    })?;
    let mut crc = Crc::new();
    crc.update(html);
    gzip.extend_from_slice(&crc.sum().to_le_bytes());
    gzip.extend_from_slice(&size.to_le_bytes());
    Some(gzip)
}

fn respond(gzip: Bytes, gzip_accepted: bool) -> Option<Response> {
    if gzip_accepted {
        return Some(gzip_response(gzip));
    }
    let mut html = Vec::with_capacity(gzip.len() * 5);
    flate2::read::GzDecoder::new(&gzip[..])
        .read_to_end(&mut html)
        .ok()?;
    Some(html_response(html.into()))
}

const HTML: HeaderValue = HeaderValue::from_static("text/html; charset=utf-8");

fn html_response(html: Bytes) -> Response {
    let mut response = html.into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HTML);
    headers.insert(VARY, HeaderValue::from_static("accept-encoding"));
    response
}

/// Already compressed: the compression layer leaves a response with a `Content-Encoding` alone.
fn gzip_response(gzip: Bytes) -> Response {
    let mut response = html_response(gzip);
    response
        .headers_mut()
        .insert(CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gzip_is_accepted_unless_refused() {
        let h = |v: &str| {
            let mut m = HeaderMap::new();
            m.insert(ACCEPT_ENCODING, HeaderValue::from_str(v).unwrap());
            m
        };
        assert!(accepts_gzip(&h("gzip, deflate, br")));
        assert!(accepts_gzip(&h("br;q=1.0, GZIP;q=0.5")));
        assert!(!accepts_gzip(&h("gzip;q=0")));
        assert!(!accepts_gzip(&h("br, deflate")));
        assert!(!accepts_gzip(&HeaderMap::new()));
    }

    fn gunzip(gzip: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(gzip)
            .read_to_end(&mut out)
            .unwrap();
        out
    }

    #[test]
    fn one_thread_compresses_page_after_page() {
        // Empty, a page, bytes that do not compress (the output outgrows its first
        // allocation), and a page again: the reset stream starts afresh each time.
        let page = "<li><a href=\"/dieu/1\">Điều 1. Đăng ký kết hôn</a></li>".repeat(400);
        let mut noise = Vec::with_capacity(200_000);
        let mut x: u32 = 2_463_534_242;
        while noise.len() < 200_000 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            noise.extend_from_slice(&x.to_le_bytes());
        }
        for input in [&b""[..], page.as_bytes(), &noise, page.as_bytes()] {
            let gzip = compress(input).unwrap();
            assert_eq!(gunzip(&gzip), input);
            // The trailer is checked by the decoder; the header says: deflate, no name.
            assert_eq!(&gzip[..4], &[0x1f, 0x8b, 8, 0]);
        }
        assert!(compress(page.as_bytes()).unwrap().len() < page.len() / 10);
    }

    #[test]
    fn a_page_round_trips_through_gzip() {
        let html = "<p>Đăng ký kết hôn</p>".repeat(50);
        let gzip = Bytes::from(compress(html.as_bytes()).unwrap());
        assert!(gzip.len() < html.len());
        let response = respond(gzip, false).unwrap();
        assert!(response.headers().get(CONTENT_ENCODING).is_none());
    }
}
