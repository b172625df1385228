//! An article's own page (its permalink): the article, the document it comes from, and a link
//! to its place in the whole text.

use std::sync::Arc;

use maud::{Markup, html};

use super::document::{ArticleView, article};
use super::{Head, crumbs, doc_line, layout};
use crate::model::Document;
use crate::web::query::QueryString;

pub struct ArticlePageView {
    pub article: ArticleView,
    pub title: String,
    pub document: Option<Arc<Document>>,
    pub document_url: Option<String>,
    /// The article's place on the document page.
    pub in_document_url: Option<String>,
    pub canonical: String,
    pub outdated: Option<String>,
    pub highlighted: bool,
}

/// The question form with the subject prefilled: the article and its document's số hiệu.
fn ask_url(title: &str, document: Option<&Document>) -> String {
    let subject = match document.filter(|d| !d.so_hieu.is_empty()) {
        Some(d) => format!("{title} ({})", d.so_hieu),
        None => title.to_owned(),
    };
    let query = QueryString::default()
        .pair("loai", "hoi-phap-luat")
        .pair("chu-de", &subject)
        .finish();
    format!("/gop-y?{query}")
}

pub fn page(v: &ArticlePageView) -> Markup {
    let mut head = Head::new(v.title.clone());
    head.canonical = Some(v.canonical.clone());
    head.noindex = v.highlighted;
    let mut links = vec![("Trang chủ", "/".to_owned())];
    let doc_title = v.document.as_ref().map(|d| d.display_title());
    if let (Some(t), Some(url)) = (&doc_title, &v.document_url) {
        links.push((t.as_str(), url.clone()));
    }
    let current = v.article.number.as_deref().unwrap_or("Điều");
    layout(
        &head,
        html! {
            (crumbs(&links, current))
            @if let Some(note) = &v.outdated { p.note role="note" { (note) } }
            (article(&v.article, 1))
            @if let (Some(d), Some(url)) = (&v.document, &v.document_url) {
                h2 { "Văn bản" }
                p {
                    a href=(url) { (d.display_title()) }
                    br;
                    (doc_line(d))
                }
                @if let Some(url) = &v.in_document_url { p { a href=(url) { "Xem điều này trong toàn văn" } } }
            }
            p { a href=(ask_url(&v.title, v.document.as_deref())) { "Hỏi về điều này" } }
        },
    )
}
