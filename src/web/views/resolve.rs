//! The số hiệu resolver's pages: several documents match (300), or none (404).

use std::sync::Arc;

use maud::{Markup, html};

use super::{Head, doc_line, doc_url, layout, search_form};
use crate::model::Document;

pub fn multiple_choices(input: &str, candidates: &[Arc<Document>]) -> Markup {
    let mut head = Head::new(format!("Nhiều văn bản có số hiệu “{input}”"));
    head.noindex = true;
    layout(
        &head,
        html! {
            h1 { "Nhiều văn bản khớp với số hiệu “" (input) "”" }
            p { "Chọn văn bản bạn cần:" }
            ul {
                @for d in candidates {
                    li {
                        a href=(doc_url(&d.key)) { (d.so_hieu) ": " (d.display_title()) }
                        br;
                        (doc_line(d))
                    }
                }
            }
        },
    )
}

pub fn not_found(input: &str, hint: Option<&str>) -> Markup {
    let mut head = Head::new("Không tìm thấy số hiệu");
    head.noindex = true;
    head.header_search = None;
    layout(
        &head,
        html! {
            h1 { "Không tìm thấy văn bản có số hiệu “" (input) "”" }
            @if let Some(h) = hint { p.error { (h) } }
            p { "Số hiệu có dạng số/năm/ký hiệu, ví dụ 52/2014/QH13 hoặc 123/2015/NĐ-CP. Văn bản có thể chưa có trong Bộ pháp điển; bạn có thể tìm theo nội dung:" }
            (search_form(input, "Tìm văn bản, điều luật", &[]))
        },
    )
}
