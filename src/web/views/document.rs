//! The document page: metadata, table of contents by chương and điều, every article with an
//! anchor and a permalink; arriving from a search, the query's terms marked and links from one
//! matching article to the next. Also the shared rendering of one article.

use std::sync::Arc;

use maud::{Markup, html};

use super::{Badge, Head, Spans, crumbs, date_vi, layout};
use crate::model::{Document, Provenance};
use crate::search::Span;

pub struct DocumentView {
    pub doc: Arc<Document>,
    pub canonical: String,
    /// The query the reader arrived with, and the page's URL without it.
    pub q: Option<String>,
    pub plain_url: String,
    pub matching_articles: usize,
    pub demuc: Vec<(String, String)>,
    pub outdated: Option<String>,
    pub chapters: Vec<ChapterView>,
    /// Administrative procedures whose legal basis cites this document.
    pub procedures: Vec<Arc<crate::procedures::Procedure>>,
}

pub struct ChapterView {
    /// "Chương I NHỮNG QUY ĐỊNH CHUNG"; `None` for articles outside any chương.
    pub heading: Option<String>,
    pub anchor: String,
    pub articles: Vec<ArticleView>,
}

pub struct ArticleView {
    pub anchor: String,
    pub heading_id: String,
    pub permalink: String,
    pub number: Option<String>,
    pub title: Vec<Span>,
    pub lines: Vec<Vec<Span>>,
    /// The code's label ("Điều 8.4.LQ.8").
    pub label: String,
    pub demuc: String,
    pub citation: Option<String>,
    pub source_url: Option<String>,
    pub related: Vec<RelatedLink>,
    pub matched: Option<MatchNav>,
}

pub struct RelatedLink {
    pub label: String,
    pub url: String,
}

/// Where a matching article sits among the document's matching articles.
pub struct MatchNav {
    pub anchor: String,
    pub n: usize,
    pub total: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
}

/// "tháng 02/2025" for a snapshot "2025-02".
pub fn snapshot_vi(snapshot: &str) -> String {
    match snapshot.split_once('-') {
        Some((y, m)) => format!("tháng {m}/{y}"),
        None => snapshot.to_owned(),
    }
}

/// The note shown on text from an older capture that may cite replaced texts.
pub fn outdated_note(p: &Provenance) -> Option<String> {
    p.outdated.then(|| {
        format!(
            "Nội dung này lấy từ bản pháp điển cũ hơn ({}), dùng cho các đề mục chưa có trong bản mới nhất. Nội dung có thể đã lạc hậu và trích dẫn văn bản đã được thay thế: hãy đối chiếu với văn bản gốc.",
            snapshot_vi(&p.snapshot)
        )
    })
}

pub fn page(v: &DocumentView) -> Markup {
    let d = &v.doc;
    let title = d.display_title();
    let mut head = Head::new(if d.so_hieu.is_empty() {
        title.clone()
    } else {
        format!("{title} ({})", d.so_hieu)
    });
    head.description = Some(if d.so_hieu.is_empty() {
        format!("{}: {}", d.doc_type, d.title)
    } else {
        format!("{} số {}: {}", d.doc_type, d.so_hieu, d.title)
    });
    head.canonical = Some(v.canonical.clone());
    head.noindex = v.q.is_some();
    let mut links = vec![("Trang chủ", "/".to_owned())];
    if let Some((code, name)) = v.demuc.first() {
        links.push((name.as_str(), format!("/de-muc/{code}")));
    }
    let chaptered = v.chapters.iter().any(|c| c.heading.is_some());
    let total_articles: usize = v.chapters.iter().map(|c| c.articles.len()).sum();
    layout(
        &head,
        html! {
            (crumbs(&links, &title))
            h1 { (title) }
            p { (super::doc_line(d)) }
            @if let Some(note) = &v.outdated { p.note role="note" { (note) } }
            @if let Some(q) = &v.q {
                p.note role="status" {
                    @if v.matching_articles > 0 {
                        (v.matching_articles) " điều có từ khóa “" (q) "”. "
                        a href="#kq-1" { "Đến điều đầu tiên" } " · "
                    } @else {
                        "Không điều nào trong văn bản này có từ khóa “" (q) "”. "
                    }
                    a href=(v.plain_url) { "Bỏ đánh dấu" }
                }
            }
            h2 #thong-tin { "Thông tin văn bản" }
            table.meta {
                tbody {
                    tr { th scope="row" { "Số hiệu" } td { (if d.so_hieu.is_empty() { "Không có" } else { &d.so_hieu }) } }
                    tr { th scope="row" { "Loại văn bản" } td { (if d.doc_type.is_empty() { "Không rõ" } else { &d.doc_type }) } }
                    tr { th scope="row" { "Trích yếu" } td { (d.title) } }
                    tr { th scope="row" { "Cơ quan ban hành" } td { (d.issuer.as_deref().unwrap_or("Không rõ")) } }
                    tr { th scope="row" { "Người ký" } td { (d.signer.as_deref().unwrap_or("Không rõ")) } }
                    tr { th scope="row" { "Ngày ban hành" } td { (date_vi(d.issued)) } }
                    tr { th scope="row" { "Ngày hiệu lực" } td { (date_vi(d.effective_from)) } }
                    tr { th scope="row" { "Trạng thái" } td { (Badge(d.status)) } }
                    tr {
                        th scope="row" { "Đề mục" }
                        td {
                            @for (i, (code, name)) in v.demuc.iter().enumerate() {
                                @if i > 0 { ", " }
                                a href={ "/de-muc/" (code) } { (name) }
                            }
                        }
                    }
                    tr {
                        th scope="row" { "Nguồn" }
                        td {
                            @if let Some(url) = &d.source_url { a href=(url) rel="noopener" { "Toàn văn trên vbpl.vn" } " · " }
                            (super::ATTRIBUTION)
                        }
                    }
                    tr { th scope="row" { "Bản pháp điển" } td { (snapshot_vi(&d.provenance.snapshot)) } }
                }
            }
            (super::procedures::resting_on(&v.procedures))
            @if total_articles > 1 {
                nav.toc aria-labelledby="muc-luc" {
                    h2 #muc-luc { "Mục lục (" (total_articles) " điều)" }
                    @if chaptered {
                        ol {
                            @for c in &v.chapters {
                                li {
                                    details {
                                        summary { (c.heading.as_deref().unwrap_or("Các điều khác")) " (" (c.articles.len()) " điều)" }
                                        (toc_list(&c.articles))
                                    }
                                }
                            }
                        }
                    } @else {
                        (toc_list(v.chapters.iter().flat_map(|c| &c.articles)))
                    }
                }
            }
            @if !chaptered { h2 #noi-dung-van-ban { "Nội dung" } }
            @for c in &v.chapters {
                @if chaptered {
                    h2 id=(c.anchor) { (c.heading.as_deref().unwrap_or("Các điều khác")) }
                }
                @for a in &c.articles { (article(a, 3)) }
            }
        },
    )
}

fn toc_list<'a>(articles: impl IntoIterator<Item = &'a ArticleView>) -> Markup {
    html! {
        ol {
            @for a in articles {
                li {
                    a href={ "#" (a.anchor) } {
                        @if let Some(n) = &a.number { (n) ". " }
                        @for s in &a.title { (s.text) }
                    }
                }
            }
        }
    }
}

/// One article: match navigation, heading, text, the code's label and citation, permalink,
/// related articles. `level` is the heading level (3 on a document page, 1 on its own page).
pub fn article(a: &ArticleView, level: u8) -> Markup {
    let heading = html! {
        @if let Some(n) = &a.number { (n) ". " }
        (Spans(&a.title))
    };
    html! {
        // An <article>, not a labelled <section>: a long law would otherwise add hundreds of
        // landmarks to a screen reader's list.
        article.art id=(a.anchor) {
            @if let Some(m) = &a.matched {
                p.matchnav id=(m.anchor) {
                    span { "Điều khớp " (m.n) "/" (m.total) }
                    @if let Some(p) = &m.prev { a href={ "#" (p) } { "‹ Điều khớp trước" } }
                    @if let Some(n) = &m.next { a href={ "#" (n) } { "Điều khớp sau ›" } }
                }
            }
            @match level {
                1 => h1 id=(a.heading_id) { (heading) },
                _ => h3 id=(a.heading_id) { (heading) },
            }
            @for line in &a.lines { p { (Spans(line)) } }
            p.meta {
                (a.label) " · Đề mục " (a.demuc)
                @if let Some(c) = &a.citation { br; (c) }
            }
            p.meta {
                a.perma href=(a.permalink) { "Liên kết cố định" }
                @if let Some(url) = &a.source_url { " · " a href=(url) rel="noopener" { "Điều này trên vbpl.vn" } }
            }
            @if !a.related.is_empty() {
                div.related {
                    p { "Điều liên quan:" }
                    ul {
                        @for r in &a.related { li { a href=(r.url) { (r.label) } } }
                    }
                }
            }
        }
    }
}
