//! Browsing by đề mục: all đề mục grouped by chủ đề, and one đề mục's documents.

use std::sync::Arc;

use maud::{Markup, html};

use super::{Head, count_vi, crumbs, doc_line, doc_url, layout, search_form};
use crate::index::Demuc;
use crate::model::Document;

pub fn index_page(groups: &[(String, Vec<Demuc>)]) -> Markup {
    let mut head = Head::new("Đề mục pháp điển");
    head.canonical = Some("/de-muc".to_owned());
    head.description = Some("Các đề mục của Bộ pháp điển, theo chủ đề.".to_owned());
    layout(
        &head,
        html! {
            (crumbs(&[("Trang chủ", "/".to_owned())], "Đề mục"))
            h1 { "Đề mục pháp điển" }
            p { "Bộ pháp điển sắp xếp các điều luật theo chủ đề, mỗi chủ đề gồm nhiều đề mục." }
            @for (chude, list) in groups {
                section aria-labelledby={ "cd-" (chude) } {
                    h2 id={ "cd-" (chude) } { "Chủ đề " (chude) }
                    ul {
                        @for d in list {
                            li { a href={ "/de-muc/" (d.code) } { (d.name) } " " span.meta { "(đề mục " (d.code) ", " (count_vi(d.articles)) " điều)" } }
                        }
                    }
                }
            }
        },
    )
}

pub fn page(demuc: &Demuc, documents: &[Arc<Document>]) -> Markup {
    let mut head = Head::new(format!("Đề mục {}", demuc.name));
    head.canonical = Some(format!("/de-muc/{}", demuc.code));
    layout(
        &head,
        html! {
            (crumbs(&[("Trang chủ", "/".to_owned()), ("Đề mục", "/de-muc".to_owned())], &demuc.name))
            h1 { (demuc.name) }
            p { "Đề mục " (demuc.code) " của Bộ pháp điển: " (demuc.articles) " điều từ " (documents.len()) " văn bản." }
            (search_form("", "Tìm trong đề mục này", &[("de-muc", demuc.code.as_str())]))
            h2 { "Văn bản" }
            ul {
                @for d in documents {
                    li {
                        a href=(doc_url(&d.key)) { (d.display_title()) }
                        br;
                        (doc_line(d))
                    }
                }
            }
        },
    )
}
