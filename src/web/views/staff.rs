//! The staff pages under `/quan-tri`: login, the queue by deadline, one item (routing
//! suggestion with its reasons, one-click accept or reassign, draft, approve, publish), the
//! statistics and the audit log. Every form carries the session's CSRF token.

use maud::{Markup, html};

use super::{Head, layout};

fn staff_head(title: &str) -> Head {
    let mut head = Head::new(title.to_owned());
    head.noindex = true;
    head.header_search = None;
    head
}

pub fn login_page(csrf: &str, error: Option<&str>, username: &str) -> Markup {
    layout(
        &staff_head("Đăng nhập quản trị"),
        html! {
            h1 { "Đăng nhập quản trị" }
            @if let Some(e) = error { p.error role="alert" { (e) } }
            form method="post" action="/quan-tri/dang-nhap" {
                input type="hidden" name="csrf" value=(csrf);
                div.field { label for="ten" { "Tên đăng nhập" } input #ten name="ten" type="text" value=(username) required autocomplete="username"; }
                div.field { label for="mat-khau" { "Mật khẩu" } input #mat-khau name="mat-khau" type="password" required autocomplete="current-password"; }
                button type="submit" { "Đăng nhập" }
            }
        },
    )
}

/// The bar above every staff page: who is logged in, the links, logout.
pub struct Bar {
    pub username: String,
    pub role: String,
    pub unit: Option<String>,
    pub csrf: String,
    pub admin: bool,
}

fn bar(b: &Bar) -> Markup {
    html! {
        nav.staff aria-label="Quản trị" {
            p { (b.username) " · " (b.role) @if let Some(u) = &b.unit { " · " (u) } }
            ul.inline {
                li { a href="/quan-tri" { "Hàng đợi" } }
                li { a href="/quan-tri/thong-ke" { "Thống kê" } }
                @if b.admin { li { a href="/quan-tri/nhat-ky" { "Nhật ký" } } }
            }
            form method="post" action="/quan-tri/dang-xuat" {
                input type="hidden" name="csrf" value=(b.csrf);
                button type="submit" { "Đăng xuất" }
            }
        }
    }
}

pub struct QueueRow {
    pub code: String,
    pub subject: String,
    pub kind: String,
    pub status: String,
    pub unit: String,
    pub suggestion: String,
    pub due: String,
    pub overdue: bool,
}

pub fn queue_page(b: &Bar, title: &str, rows: &[QueueRow]) -> Markup {
    layout(
        &staff_head(title),
        html! {
            (bar(b))
            h1 { (title) }
            p role="status" { (rows.len()) " mục đang chờ xử lý, xếp theo hạn trả lời." }
            table.queue {
                caption.visually-hidden { (title) }
                thead { tr { th scope="col" { "Hạn" } th scope="col" { "Mã" } th scope="col" { "Chủ đề" } th scope="col" { "Loại" } th scope="col" { "Tình trạng" } th scope="col" { "Đơn vị" } th scope="col" { "Gợi ý" } } }
                tbody {
                    @for r in rows {
                        tr {
                            td { (r.due) @if r.overdue { " " span.badge.overdue { "Quá hạn" } } }
                            td { a href={ "/quan-tri/muc/" (r.code) } { (r.code) } }
                            td { (r.subject) }
                            td { (r.kind) }
                            td { (r.status) }
                            td { (r.unit) }
                            td { (r.suggestion) }
                        }
                    }
                }
            }
        },
    )
}

pub struct ItemView {
    pub code: String,
    pub kind: String,
    pub subject: String,
    pub body: String,
    /// The procedure's code, when the person named one.
    pub procedure: Option<String>,
    pub status: String,
    pub unit: Option<String>,
    pub received: String,
    pub due: String,
    pub overdue: bool,
    pub consent: bool,
    /// (unit code, unit name, confidence %, reasons)
    pub suggestion: Option<(String, String, String, Vec<String>)>,
    pub decided: Option<String>,
    pub can_route: bool,
    pub can_draft: bool,
    pub admin: bool,
    /// Every unit, for reassignment: (code, name).
    pub units: Vec<(String, String)>,
    pub draft: Option<String>,
    pub approved: bool,
    pub published: bool,
    /// The anonymised question proposed for publication.
    pub public_question: String,
    /// (date, actor, action, detail)
    pub audit: Vec<(String, String, String, String)>,
}

pub fn item_page(b: &Bar, v: &ItemView, error: Option<&str>) -> Markup {
    let action = |a: &str| format!("/quan-tri/muc/{}/{a}", v.code);
    let csrf = html! { input type="hidden" name="csrf" value=(b.csrf); };
    layout(
        &staff_head(&format!("Mục {}", v.code)),
        html! {
            (bar(b))
            h1 { (v.subject) }
            @if let Some(e) = error { p.error role="alert" { (e) } }
            dl.facts {
                dt { "Mã" } dd { (v.code) }
                dt { "Loại" } dd { (v.kind) }
                @if let Some(ma) = &v.procedure { dt { "Thủ tục" } dd { a href={ "/thu-tuc/" (ma) } { (ma) } } }
                dt { "Tình trạng" } dd { (v.status) }
                dt { "Đơn vị" } dd { (v.unit.as_deref().unwrap_or("Chưa phân")) }
                dt { "Ngày nhận" } dd { (v.received) }
                dt { "Hạn" } dd { (v.due) @if v.overdue { " " span.badge.overdue { "Quá hạn" } } }
                dt { "Đồng ý công khai" } dd { @if v.consent { "Có" } @else { "Không" } }
            }
            h2 { "Nội dung" }
            div.question { @for para in v.body.split("\n\n") { p { (para) } } }
            @if let Some((code, name, conf, reasons)) = &v.suggestion {
                h2 { "Gợi ý phân loại" }
                p { strong { (name) } " (độ tin cậy " (conf) ")" }
                ul { @for r in reasons { li { (r) } } }
                @if let Some(d) = &v.decided { p { "Đã quyết định: " (d) } }
                @if v.can_route {
                    form method="post" action=(action("chuyen")) {
                        (csrf)
                        input type="hidden" name="don-vi" value=(code);
                        button type="submit" { "Chấp nhận gợi ý: chuyển " (name) }
                    }
                    form method="post" action=(action("chuyen")) {
                        (csrf)
                        label for="don-vi" { "Chuyển đơn vị khác" }
                        select #don-vi name="don-vi" {
                            @for (c, n) in &v.units { option value=(c) selected[*c == *code] { (n) } }
                        }
                        button type="submit" { "Chuyển" }
                    }
                }
            }
            h2 { "Trả lời" }
            @if let Some(d) = &v.draft {
                div.answer { @for para in d.split("\n\n") { p { (para) } } }
                p.meta { @if v.published { "Đã công khai." } @else if v.approved { "Đã duyệt." } @else { "Bản dự thảo, chưa duyệt." } }
            }
            @if v.can_draft && !v.approved {
                form method="post" action=(action("tra-loi")) {
                    (csrf)
                    label for="tra-loi" { "Dự thảo câu trả lời" }
                    textarea #tra-loi name="tra-loi" rows="10" maxlength="20000" required { (v.draft.as_deref().unwrap_or("")) }
                    button type="submit" { "Lưu dự thảo" }
                }
            }
            @if v.admin && v.draft.is_some() && !v.approved {
                form method="post" action=(action("duyet")) { (csrf) button type="submit" { "Duyệt câu trả lời" } }
            }
            @if v.admin && v.approved && !v.published && v.consent {
                form method="post" action=(action("cong-bo")) {
                    (csrf)
                    label for="cau-hoi" { "Câu hỏi công khai (đã bỏ thông tin cá nhân; sửa nếu cần)" }
                    textarea #cau-hoi name="cau-hoi" rows="6" maxlength="4000" { (v.public_question) }
                    button type="submit" { "Công khai" }
                }
            }
            @if v.admin {
                h2 { "Dữ liệu người gửi" }
                p { a href={ "/quan-tri/nguoi-gui/" (v.code) } { "Xuất dữ liệu người gửi (JSON)" } }
                form method="post" action=(action("xoa-du-lieu")) {
                    (csrf)
                    button type="submit" { "Xoá dữ liệu cá nhân của người gửi" }
                }
            }
            h2 { "Nhật ký" }
            ol.history { @for (d, who, what, detail) in &v.audit { li { (d) " · " (who) " · " (what) @if !detail.is_empty() { " · " (detail) } } } }
        },
    )
}

pub struct StatsRow {
    pub unit: String,
    pub received: usize,
    pub answered: usize,
    pub median: String,
    pub overdue_rate: String,
}

pub fn stats_page(b: &Bar, rows: &[StatsRow]) -> Markup {
    layout(
        &staff_head("Thống kê theo đơn vị"),
        html! {
            (bar(b))
            h1 { "Thống kê theo đơn vị" }
            p { a href="/quan-tri/thong-ke.csv" { "Tải về CSV" } }
            table {
                thead { tr { th scope="col" { "Đơn vị" } th scope="col" { "Đã nhận" } th scope="col" { "Đã trả lời" } th scope="col" { "Số ngày trả lời (trung vị)" } th scope="col" { "Tỷ lệ quá hạn" } } }
                tbody { @for r in rows { tr { td { (r.unit) } td { (r.received) } td { (r.answered) } td { (r.median) } td { (r.overdue_rate) } } } }
            }
        },
    )
}

pub fn audit_page(b: &Bar, rows: &[(String, String, String, String, String)]) -> Markup {
    layout(
        &staff_head("Nhật ký thao tác"),
        html! {
            (bar(b))
            h1 { "Nhật ký thao tác" }
            table {
                thead { tr { th scope="col" { "Thời điểm" } th scope="col" { "Người" } th scope="col" { "Việc" } th scope="col" { "Mục" } th scope="col" { "Chi tiết" } } }
                tbody { @for (a, b2, c, d, e) in rows { tr { td { (a) } td { (b2) } td { (c) } td { (d) } td { (e) } } } }
            }
        },
    )
}
