//! HTML templates: maud functions over view-model structs, one shared [`layout`], and small
//! components. Every string goes through maud's escaping; the one exception is [`xml_prolog`],
//! a constant.

pub mod article;
pub mod demuc;
pub mod document;
pub mod error;
pub mod feedback;
pub mod feeds;
pub mod home;
pub mod procedures;
pub mod resolve;
pub mod search;
pub mod staff;

use maud::{DOCTYPE, Markup, PreEscaped, Render, html};

use super::assets::ASSETS;
use crate::model::{Date, Document, Status, url_slug};
use crate::search::Span;

pub const SITE_NAME: &str = "Tra cứu pháp luật";
pub const ATTRIBUTION: &str = "Bộ pháp điển, Bộ Tư pháp (phapdien.moj.gov.vn)";

/// What the shared layout needs from a page.
pub struct Head {
    pub title: String,
    pub description: Option<String>,
    /// Canonical path of the page, when it has one.
    pub canonical: Option<String>,
    /// Keep the page out of search engines (result lists, error pages).
    pub noindex: bool,
    /// The compact search box in the header, prefilled; `None` hides it (the home page has its
    /// own).
    pub header_search: Option<String>,
}

impl Head {
    pub fn new(title: impl Into<String>) -> Head {
        Head {
            title: title.into(),
            description: None,
            canonical: None,
            noindex: false,
            header_search: Some(String::new()),
        }
    }
}

/// The page around `main`: skip link, header with the site name, navigation and search box,
/// `<main id="noi-dung-chinh">` (not `noi-dung`: that is the feedback form's text field), footer with the attribution.
pub fn layout(head: &Head, main: Markup) -> Markup {
    let title = if head.title == SITE_NAME {
        head.title.clone()
    } else {
        format!("{} | {SITE_NAME}", head.title)
    };
    html! {
        (DOCTYPE)
        html lang="vi" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                @if let Some(d) = &head.description { meta name="description" content=(d); }
                @if head.noindex { meta name="robots" content="noindex"; }
                @if let Some(c) = &head.canonical { link rel="canonical" href=(c); }
                link rel="stylesheet" href=(ASSETS.url("site.css"));
                link rel="icon" href="data:,";
                link rel="search" type="application/opensearchdescription+xml" title=(SITE_NAME) href="/opensearch.xml";
                link rel="alternate" type="application/atom+xml" title="Văn bản mới" href="/feed.atom";
                script src=(ASSETS.url("suggest.js")) defer {}
            }
            body {
                a.skip href="#noi-dung-chinh" { "Bỏ qua, đến nội dung chính" }
                header.site {
                    div.wrap {
                        a.brand href="/" { (SITE_NAME) }
                        nav aria-label="Chính" {
                            ul {
                                li { a href="/tim-kiem" { "Tìm kiếm" } }
                                li { a href="/de-muc" { "Đề mục" } }
                                li { a href="/thu-tuc" { "Thủ tục" } }
                                li { a href="/hoi-dap" { "Hỏi đáp" } }
                                li { a href="/gop-y" { "Gửi câu hỏi" } }
                            }
                        }
                        @if let Some(q) = &head.header_search {
                            form.search.mini role="search" method="get" action="/tim-kiem" {
                                label for="q-dau" { "Tìm văn bản, điều luật" }
                                input #q-dau type="search" name="q" value=(q) maxlength="512";
                                button type="submit" { "Tìm" }
                            }
                        }
                    }
                }
                main #noi-dung-chinh tabindex="-1" {
                    div.wrap { (main) }
                }
                footer.site {
                    div.wrap {
                        p { "Nguồn dữ liệu: " (ATTRIBUTION) ". Nội dung chỉ để tham khảo; văn bản có giá trị pháp lý là bản do cơ quan nhà nước có thẩm quyền ban hành." }
                        ul {
                            li { a href="/de-muc" { "Tất cả đề mục" } }
                            li { a href="/feed.atom" { "Văn bản mới (Atom)" } }
                            li { a href="/api/v1/openapi.json" { "API dữ liệu" } }
                        }
                    }
                }
            }
        }
    }
}

/// The big search form (home page, search page). `autofocus` is left out: it disorients
/// screen-reader users.
pub fn search_form(q: &str, label: &str, hidden: &[(&str, &str)]) -> Markup {
    html! {
        form.search role="search" method="get" action="/tim-kiem" {
            label for="q" { (label) }
            input #q type="search" name="q" value=(q) maxlength="512" data-suggest
                aria-describedby="q-goi-y" autocomplete="off";
            @for (name, value) in hidden { input type="hidden" name=(name) value=(value); }
            button type="submit" { "Tìm kiếm" }
            p.hint #q-goi-y { "Gõ có dấu hoặc không dấu. Ví dụ: điều kiện kết hôn, dang ky khai sinh, 52/2014/QH13." }
        }
    }
}

/// A validity badge.
pub struct Badge(pub Status);

impl Render for Badge {
    fn render(&self) -> Markup {
        html! { span class={ "badge s-" (self.0.slug()) } { (self.0.label_vi()) } }
    }
}

/// Text runs with the highlighted ones in `<mark>`.
pub struct Spans<'a>(pub &'a [Span]);

impl Render for Spans<'_> {
    fn render(&self) -> Markup {
        html! {
            @for s in self.0 {
                @if s.highlight { mark { (s.text) } } @else { (s.text) }
            }
        }
    }
}

/// Breadcrumbs: links, then the current page.
pub fn crumbs(links: &[(&str, String)], current: &str) -> Markup {
    html! {
        nav.crumbs aria-label="Đường dẫn" {
            ol {
                @for (label, url) in links { li { a href=(url) { (label) } } }
                li aria-current="page" { (current) }
            }
        }
    }
}

/// "Luật số 52/2014/QH13 · ban hành 19/06/2014 · Còn hiệu lực", one line under a title.
pub fn doc_line(doc: &Document) -> Markup {
    html! {
        span.meta {
            (if doc.doc_type.is_empty() { "Văn bản" } else { &doc.doc_type })
            @if !doc.so_hieu.is_empty() { " số " (doc.so_hieu) }
            @if let Some(d) = doc.issued { " · ban hành " (d.to_vi()) }
            " "
        }
        (Badge(doc.status))
    }
}

pub fn doc_url(key: &str) -> String {
    format!("/van-ban/{}", url_slug(key))
}

pub fn article_url(id: &str) -> String {
    format!("/dieu/{}", path_segment(id))
}

/// The anchor of an article on its document's page.
pub fn article_anchor(id: &str) -> String {
    format!("d-{}", path_segment(id))
}

/// Percent-encodes everything but unreserved characters, for one path segment or fragment.
pub fn path_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A count as Vietnamese writes it: `4.430`, `75.818`.
pub fn count_vi(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

pub fn date_vi(d: Option<Date>) -> String {
    d.map_or_else(|| "Không rõ".to_owned(), Date::to_vi)
}

/// `<?xml ...?>` for the XML documents, which maud would otherwise escape.
pub fn xml_prolog() -> PreEscaped<&'static str> {
    PreEscaped("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_path_segments() {
        for (n, s) in [
            (0, "0"),
            (999, "999"),
            (1000, "1.000"),
            (4430, "4.430"),
            (75_818, "75.818"),
            (1_234_567, "1.234.567"),
        ] {
            assert_eq!(count_vi(n), s);
        }
        assert_eq!(path_segment("0800400000"), "0800400000");
        assert_eq!(path_segment("a/b c<d>"), "a%2Fb%20c%3Cd%3E");
        assert_eq!(path_segment("đ"), "%C4%91");
        assert_eq!(doc_url("43/2011/NĐ-CP"), "/van-ban/43-2011-nd-cp");
    }
}
