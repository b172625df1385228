//! 404, 503 and 500 pages: what happened in one calm sentence, and ways on.

use axum::http::StatusCode;
use maud::{Markup, html};

use super::{Head, layout, search_form};

pub fn page(status: StatusCode, message: &str) -> Markup {
    let title = match status {
        StatusCode::NOT_FOUND => "Không tìm thấy trang",
        StatusCode::BAD_REQUEST => "Yêu cầu không hợp lệ",
        StatusCode::SERVICE_UNAVAILABLE => "Máy chủ đang bận",
        StatusCode::FORBIDDEN => "Không được phép",
        StatusCode::CONFLICT => "Không thực hiện được",
        StatusCode::TOO_MANY_REQUESTS => "Quá nhiều yêu cầu",
        _ => "Đã có lỗi xảy ra",
    };
    let mut head = Head::new(title);
    head.noindex = true;
    head.header_search = None;
    layout(
        &head,
        html! {
            h1 { (title) }
            p.error { (message) }
            p { "Bạn có thể tìm lại, hoặc " a href="/" { "về trang chủ" } " và " a href="/de-muc" { "tra cứu theo đề mục" } "." }
            (search_form("", "Tìm văn bản, điều luật", &[]))
        },
    )
}
