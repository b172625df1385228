//! The citizens' pages: the question/feedback form (with its errors beside the fields and the
//! similar answered questions), the receipt, the tracking page, and the published answers
//! (`/hoi-dap`). None of them ever shows a name or a contact: their view models have no field
//! for one.

use maud::{Markup, html};

use super::{Head, layout};
use crate::feedback::{FieldErrors, Kind, field};

/// The form's values as typed, the hidden tokens, and what to show around it.
pub struct FormView {
    pub kind: String,
    pub subject: String,
    pub body: String,
    pub name: String,
    pub contact: String,
    pub consent: bool,
    /// The procedure's code (ma_thu_tuc), when the person came from its page.
    pub procedure: String,
    pub csrf: String,
    pub idempotency_key: String,
    pub errors: FieldErrors,
    /// A message above the form (rate limit, stale form), in Vietnamese.
    pub notice: Option<String>,
    /// Answered questions like this one, after "Xem câu hỏi tương tự".
    pub similar: Option<Vec<AnswerLink>>,
}

/// A published answer in a list.
pub struct AnswerLink {
    pub title: String,
    pub url: String,
    pub excerpt: String,
    pub unit: String,
    pub date: String,
}

pub fn form_page(v: &FormView) -> Markup {
    let mut head = Head::new("Gửi câu hỏi, góp ý");
    head.canonical = Some("/gop-y".to_owned());
    head.noindex = !v.errors.is_empty() || v.similar.is_some();
    let err = |f: &str| v.errors.get(f).map(str::to_owned);
    let described = |f: &str, hint: &str| match v.errors.get(f) {
        Some(_) => format!("{hint} loi-{f}"),
        None => hint.to_owned(),
    };
    layout(
        &head,
        html! {
            h1 { "Gửi câu hỏi, góp ý" }
            p { "Hỏi về pháp luật, hoặc góp ý về một thủ tục hành chính, một quy định. Câu hỏi được chuyển đến đơn vị có trách nhiệm trả lời trong thời hạn quy định; bạn theo dõi bằng mã được cấp sau khi gửi." }
            @if let Some(n) = &v.notice { p.error role="alert" { (n) } }
            @if !v.errors.is_empty() {
                div.error role="alert" #loi {
                    h2 { "Vui lòng sửa " (v.errors.0.len()) " mục dưới đây" }
                    ul { @for (f, m) in &v.errors.0 { li { a href={ "#" (f) } { (m) } } } }
                }
            }
            @if let Some(similar) = &v.similar {
                section aria-labelledby="tuong-tu" {
                    h2 #tuong-tu { "Câu hỏi tương tự đã được trả lời" }
                    @if similar.is_empty() {
                        p { "Chưa có câu trả lời nào gần với câu hỏi của bạn. Bạn có thể gửi câu hỏi ở dưới." }
                    } @else {
                        p { "Có thể câu trả lời bạn cần đã có. Nếu chưa, hãy gửi câu hỏi ở dưới." }
                        (answer_list(similar))
                    }
                }
            }
            form.feedback method="post" action="/gop-y" novalidate {
                input type="hidden" name="csrf" value=(v.csrf);
                input type="hidden" name="khoa" value=(v.idempotency_key);
                fieldset {
                    legend { "Loại" }
                    @for k in Kind::ALL {
                        div {
                            input type="radio" name=(field::KIND) id={ "loai-" (k.slug()) } value=(k.slug()) checked[v.kind == k.slug()];
                            label for={ "loai-" (k.slug()) } { (k.label_vi()) }
                        }
                    }
                    @if let Some(e) = err(field::KIND) { p.field-error #{ "loi-" (field::KIND) } { (e) } }
                }
                div.field {
                    label for=(field::SUBJECT) { "Chủ đề" }
                    input #(field::SUBJECT) name=(field::SUBJECT) type="text" value=(v.subject) maxlength="200" required
                        aria-invalid=[err(field::SUBJECT).map(|_| "true")] aria-describedby=(described(field::SUBJECT, "goi-y-chu-de"));
                    p.hint #goi-y-chu-de { "Văn bản, điều luật hoặc thủ tục bạn hỏi." }
                    @if let Some(e) = err(field::SUBJECT) { p.field-error #{ "loi-" (field::SUBJECT) } { (e) } }
                }
                div.field {
                    label for=(field::BODY) { "Nội dung" }
                    textarea #(field::BODY) name=(field::BODY) rows="8" maxlength="4000" required
                        aria-invalid=[err(field::BODY).map(|_| "true")] aria-describedby=(described(field::BODY, "goi-y-noi-dung")) { (v.body) }
                    p.hint #goi-y-noi-dung { "Tối đa 4.000 ký tự. Đừng ghi số căn cước, số tài khoản hay thông tin riêng không cần thiết." }
                    @if let Some(e) = err(field::BODY) { p.field-error #{ "loi-" (field::BODY) } { (e) } }
                }
                div.field {
                    label for=(field::PROCEDURE) { "Mã thủ tục (nếu hỏi, góp ý về một thủ tục hành chính)" }
                    input #(field::PROCEDURE) name=(field::PROCEDURE) type="text" value=(v.procedure) maxlength="20" inputmode="decimal"
                        aria-invalid=[err(field::PROCEDURE).map(|_| "true")] aria-describedby=(described(field::PROCEDURE, "goi-y-thu-tuc"));
                    p.hint #goi-y-thu-tuc { "Ví dụ 1.000110; có sẵn khi bạn mở biểu mẫu từ trang của thủ tục. Để trống nếu không có." }
                    @if let Some(e) = err(field::PROCEDURE) { p.field-error #{ "loi-" (field::PROCEDURE) } { (e) } }
                }
                div.field {
                    label for=(field::NAME) { "Họ và tên" }
                    input #(field::NAME) name=(field::NAME) type="text" value=(v.name) maxlength="100" required autocomplete="name"
                        aria-invalid=[err(field::NAME).map(|_| "true")] aria-describedby=[err(field::NAME).map(|_| format!("loi-{}", field::NAME))];
                    @if let Some(e) = err(field::NAME) { p.field-error #{ "loi-" (field::NAME) } { (e) } }
                }
                div.field {
                    label for=(field::CONTACT) { "Email hoặc số điện thoại" }
                    input #(field::CONTACT) name=(field::CONTACT) type="text" value=(v.contact) maxlength="254" required autocomplete="email"
                        aria-invalid=[err(field::CONTACT).map(|_| "true")] aria-describedby=(described(field::CONTACT, "goi-y-lien-he"));
                    p.hint #goi-y-lien-he { "Chỉ dùng để báo cho bạn khi có câu trả lời; không bao giờ công khai." }
                    @if let Some(e) = err(field::CONTACT) { p.field-error #{ "loi-" (field::CONTACT) } { (e) } }
                }
                div.field {
                    input #(field::CONSENT) name=(field::CONSENT) type="checkbox" value="1" checked[v.consent];
                    label for=(field::CONSENT) { "Tôi đồng ý công khai câu hỏi và câu trả lời (đã bỏ tên và thông tin liên hệ) để người khác cùng tham khảo." }
                }
                // A field people do not see; a robot that fills it is refused.
                div.hp aria-hidden="true" {
                    label for="website" { "Để trống ô này" }
                    input #website name="website" type="text" tabindex="-1" autocomplete="off";
                }
                div.actions {
                    button type="submit" name="buoc" value="xem-truoc" { "Xem câu hỏi tương tự" }
                    button type="submit" name="buoc" value="gui" { "Gửi câu hỏi" }
                }
            }
        },
    )
}

pub struct ReceiptView {
    pub code: String,
    pub due: String,
    pub repeated: bool,
}

pub fn receipt_page(v: &ReceiptView) -> Markup {
    let mut head = Head::new("Đã nhận câu hỏi, góp ý");
    head.noindex = true;
    layout(
        &head,
        html! {
            h1 { "Đã nhận câu hỏi, góp ý của bạn" }
            @if v.repeated { p.note { "Biểu mẫu này đã được gửi trước đó; đây là biên nhận của lần gửi ấy (không tạo thêm bản mới)." } }
            p { "Mã theo dõi của bạn:" }
            p.code { strong { (v.code) } }
            p { "Hãy lưu lại mã này: chỉ người có mã mới xem được tình trạng xử lý. Hạn trả lời: " strong { (v.due) } "." }
            p { a href={ "/theo-doi/" (v.code) } { "Xem tình trạng xử lý" } }
        },
    )
}

pub struct TrackingView {
    pub code: String,
    pub kind: String,
    pub subject: String,
    pub status: String,
    pub unit: Option<String>,
    pub received: String,
    pub due: String,
    pub overdue: bool,
    /// (date, status, unit)
    pub events: Vec<(String, String, Option<String>)>,
    pub answer: Option<String>,
}

pub fn tracking_form(code: &str, error: Option<&str>) -> Markup {
    let mut head = Head::new("Theo dõi câu hỏi, góp ý");
    head.noindex = true;
    layout(
        &head,
        html! {
            h1 { "Theo dõi câu hỏi, góp ý" }
            @if let Some(e) = error { p.error role="alert" { (e) } }
            form method="get" action="/theo-doi" {
                label for="ma" { "Mã theo dõi" }
                input #ma name="ma" type="text" value=(code) maxlength="40" autocomplete="off";
                button type="submit" { "Xem" }
            }
        },
    )
}

pub fn tracking_page(v: &TrackingView) -> Markup {
    let mut head = Head::new(format!("Theo dõi {}", v.code));
    head.noindex = true;
    layout(
        &head,
        html! {
            h1 { "Tình trạng xử lý" }
            dl.facts {
                dt { "Mã theo dõi" } dd { (v.code) }
                dt { "Loại" } dd { (v.kind) }
                dt { "Chủ đề" } dd { (v.subject) }
                dt { "Tình trạng" } dd { (v.status) }
                @if let Some(u) = &v.unit { dt { "Đơn vị xử lý" } dd { (u) } }
                dt { "Ngày nhận" } dd { (v.received) }
                dt { "Hạn trả lời" } dd { (v.due) @if v.overdue { " " span.badge.overdue { "Quá hạn" } } }
            }
            h2 { "Quá trình xử lý" }
            ol.history {
                @for (date, status, unit) in &v.events {
                    li { (date) ": " (status) @if let Some(u) = unit { " (" (u) ")" } }
                }
            }
            @if let Some(a) = &v.answer {
                h2 { "Câu trả lời" }
                div.answer { @for para in a.split("\n\n") { p { (para) } } }
            }
        },
    )
}

pub fn answer_list(items: &[AnswerLink]) -> Markup {
    html! {
        ol.answers {
            @for a in items {
                li {
                    h3 { a href=(a.url) { (a.title) } }
                    p { (a.excerpt) }
                    p.meta { (a.unit) " · " (a.date) }
                }
            }
        }
    }
}

pub fn answers_page(q: &str, items: &[AnswerLink], total: usize) -> Markup {
    let mut head = Head::new("Hỏi đáp pháp luật");
    head.canonical = Some("/hoi-dap".to_owned());
    head.noindex = !q.is_empty();
    layout(
        &head,
        html! {
            h1 { "Hỏi đáp pháp luật" }
            p { "Câu hỏi của người dân đã được các đơn vị trả lời và đồng ý công khai (đã bỏ thông tin cá nhân). " a href="/gop-y" { "Gửi câu hỏi mới" } }
            form role="search" method="get" action="/hoi-dap" {
                label for="q-hd" { "Tìm trong hỏi đáp" }
                input #q-hd type="search" name="q" value=(q) maxlength="512";
                button type="submit" { "Tìm" }
            }
            @if !q.is_empty() { p role="status" { (items.len()) " câu trả lời phù hợp." } }
            @else { p role="status" { (total) " câu trả lời đã công khai." } }
            h2.visually-hidden { "Các câu trả lời" }
            (answer_list(items))
        },
    )
}

pub struct AnswerView {
    pub subject: String,
    pub question: String,
    pub answer: String,
    pub unit: String,
    pub date: String,
}

pub fn answer_page(v: &AnswerView) -> Markup {
    let head = Head::new(v.subject.clone());
    layout(
        &head,
        html! {
            nav.crumbs aria-label="Đường dẫn" { ol { li { a href="/hoi-dap" { "Hỏi đáp" } } li aria-current="page" { (v.subject) } } }
            h1 { (v.subject) }
            h2 { "Câu hỏi" }
            div.question { @for para in v.question.split("\n\n") { p { (para) } } }
            h2 { "Trả lời" }
            p.meta { (v.unit) " · " (v.date) }
            div.answer { @for para in v.answer.split("\n\n") { p { (para) } } }
        },
    )
}
