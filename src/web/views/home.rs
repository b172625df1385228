//! The home page: one search box, the đề mục to browse, the newest documents.

use std::sync::Arc;

use maud::{Markup, html};

use super::{Head, SITE_NAME, count_vi, doc_line, doc_url, layout, search_form};
use crate::index::Demuc;
use crate::model::Document;

pub struct HomeView {
    /// The largest đề mục, in code order.
    pub demuc: Vec<Demuc>,
    /// More đề mục exist than are listed.
    pub more_demuc: bool,
    pub recent: Vec<Arc<Document>>,
    pub articles: usize,
    pub documents: usize,
}

pub fn page(v: &HomeView) -> Markup {
    let mut head = Head::new(SITE_NAME);
    head.description = Some(
        "Tra cứu văn bản và điều luật của Bộ pháp điển bằng tiếng Việt, có dấu hoặc không dấu."
            .to_owned(),
    );
    head.canonical = Some("/".to_owned());
    head.header_search = None;
    layout(
        &head,
        html! {
            h1 { "Tra cứu pháp luật Việt Nam" }
            p { "Tìm quy định áp dụng cho bạn trong " (count_vi(v.articles)) " điều của " (count_vi(v.documents)) " văn bản thuộc Bộ pháp điển." }
            (search_form("", "Bạn cần tìm quy định gì?", &[]))
            section aria-labelledby="de-muc" {
                h2 #de-muc { "Tra cứu theo đề mục" }
                ul.cols {
                    @for d in &v.demuc {
                        li { a href={ "/de-muc/" (d.code) } { (d.name) } " " span.meta { "(" (count_vi(d.articles)) " điều)" } }
                    }
                }
                @if v.more_demuc { p { a href="/de-muc" { "Xem tất cả đề mục" } } }
            }
            section aria-labelledby="moi" {
                h2 #moi { "Văn bản mới cập nhật" }
                ul {
                    @for d in &v.recent {
                        li {
                            a href=(doc_url(&d.key)) { (d.display_title()) }
                            br;
                            (doc_line(d))
                        }
                    }
                }
                p.meta { "Cập nhật theo bản pháp điển, ngày ban hành mới nhất trước. " a href="/feed.atom" { "Theo dõi bằng Atom" } }
            }
        },
    )
}
