//! Machine-readable documents: OpenSearch description, sitemap, Atom feed. XML written with maud
//! (its escaping is XML's); empty elements are written open and closed (`<link ...></link>`),
//! which XML reads the same as `<link .../>`.

use std::sync::Arc;

use maud::{Markup, html};

use super::{SITE_NAME, doc_url, xml_prolog};
use crate::index::Demuc;
use crate::model::{Date, Document};

pub fn opensearch(base: &str) -> Markup {
    html! {
        (xml_prolog())
        OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/" {
            ShortName { (SITE_NAME) }
            Description { "Tra cứu văn bản và điều luật của Bộ pháp điển" }
            InputEncoding { "UTF-8" }
            Language { "vi" }
            Url type="text/html" method="get" template={ (base) "/tim-kiem?q={searchTerms}" } {}
        }
    }
}

pub fn sitemap(base: &str, documents: &[Arc<Document>], demuc: &[Demuc]) -> Markup {
    html! {
        (xml_prolog())
        urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" {
            url { loc { (base) "/" } }
            url { loc { (base) "/de-muc" } }
            @for d in demuc { url { loc { (base) "/de-muc/" (d.code) } } }
            @for d in documents {
                url {
                    loc { (base) (doc_url(&d.key)) }
                }
            }
        }
    }
}

/// RFC 3339 UTC time of a Unix time in milliseconds.
pub fn rfc3339(ms: u64) -> String {
    let secs = ms / 1000;
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let date = Date::from_days_since_epoch(days)
        .map_or_else(|| "1970-01-01".to_owned(), |d| d.to_string());
    format!(
        "{date}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

pub fn atom(base: &str, built_at_ms: u64, documents: &[Arc<Document>]) -> Markup {
    let updated = rfc3339(built_at_ms);
    html! {
        (xml_prolog())
        feed xmlns="http://www.w3.org/2005/Atom" xml:lang="vi" {
            title { (SITE_NAME) ": văn bản mới cập nhật" }
            id { (base) "/feed.atom" }
            updated { (updated) }
            link rel="self" type="application/atom+xml" href={ (base) "/feed.atom" } {}
            link rel="alternate" type="text/html" href={ (base) "/" } {}
            author { name { (SITE_NAME) } }
            @for d in documents {
                entry {
                    title { (d.display_title()) @if !d.so_hieu.is_empty() { " (" (d.so_hieu) ")" } }
                    id { (base) (doc_url(&d.key)) }
                    link rel="alternate" type="text/html" href={ (base) (doc_url(&d.key)) } {}
                    updated { (d.issued.map_or_else(|| updated.clone(), |date| format!("{date}T00:00:00Z"))) }
                    summary { (d.doc_type) " số " (d.so_hieu) ": " (d.title) }
                }
            }
        }
    }
}
