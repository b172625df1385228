//! The search page: the form, then results with facets, active filters, sort, pagination and
//! highlighted snippets; or the form with an error; or help when nothing matched.

use std::sync::Arc;

use maud::{Markup, html};

use super::feedback::AnswerLink;
use super::{Badge, Head, Spans, doc_url, layout, search_form};
use crate::model::Document;
use crate::search::{Fragment, Span};
use crate::web::query::q_param;

pub struct SearchView {
    pub q: String,
    /// Why the request was refused, in Vietnamese (the page is a 400).
    pub error: Option<String>,
    pub outcome: Option<Outcome>,
    /// Published answers to citizens' questions matching the query: the "Hỏi đáp" section.
    pub answers: Vec<AnswerLink>,
    /// The best administrative procedures for the same question, shown in their own section.
    pub procedures: Option<ProcedureBlock>,
}

/// The procedures section of the results page.
pub struct ProcedureBlock {
    pub hits: Vec<super::procedures::HitView>,
    pub total: usize,
    /// `/thu-tuc?q=...`: every matching procedure.
    pub url: String,
}

pub struct Outcome {
    /// "123 điều khớp", "Hơn 500 kết quả".
    pub summary: String,
    pub number_match: Option<Arc<Document>>,
    pub hits: Vec<HitView>,
    pub groups: Vec<GroupView>,
    /// The rank of the page's first result.
    pub first_rank: usize,
    pub facets: Vec<FacetGroup>,
    pub active: Vec<Link>,
    pub clear_filters: Option<String>,
    pub sorts: Vec<Choice>,
    pub groupings: Vec<Choice>,
    pub pages: Option<Pagination>,
    pub help: Option<NoResultHelp>,
}

impl Outcome {
    fn has_facets(&self) -> bool {
        self.facets.iter().any(|f| !f.values.is_empty())
    }
}

pub struct HitView {
    pub heading: Vec<Span>,
    pub number: Option<String>,
    /// The article on its document's page, with the query highlighted.
    pub url: String,
    pub permalink: String,
    pub fragments: Vec<Fragment>,
    pub document: Option<Arc<Document>>,
    pub demuc: String,
}

pub struct GroupView {
    pub document: Option<Arc<Document>>,
    pub title: String,
    pub url: String,
    pub matched: usize,
    pub hits: Vec<HitView>,
}

pub struct Link {
    pub label: String,
    pub url: String,
}

pub struct Choice {
    pub label: &'static str,
    pub url: String,
    pub current: bool,
}

pub struct FacetGroup {
    pub label: &'static str,
    pub values: Vec<FacetValue>,
}

pub struct FacetValue {
    pub label: String,
    pub count: usize,
    pub url: String,
    pub active: bool,
}

pub struct Pagination {
    pub prev: Option<String>,
    pub next: Option<String>,
    /// Page numbers around the current one: (number, url, current); `None` marks a gap.
    pub pages: Vec<Option<(usize, String, bool)>>,
}

pub struct NoResultHelp {
    pub drop_filters: Vec<Link>,
    pub without_diacritics: Option<Link>,
    /// The query holds something like a số hiệu: link to the resolver.
    pub number: Option<Link>,
}

/// Facet values shown before "Xem thêm".
const FACET_VISIBLE: usize = 6;

pub fn page(v: &SearchView) -> Markup {
    let title = if v.q.is_empty() {
        "Tìm kiếm".to_owned()
    } else {
        format!("Kết quả tìm kiếm cho “{}”", v.q)
    };
    let mut head = Head::new(title.clone());
    head.noindex = !v.q.is_empty();
    head.header_search = None;
    layout(
        &head,
        html! {
            h1 { (title) }
            (search_form(&v.q, "Tìm văn bản, điều luật", &[]))
            @if let Some(e) = &v.error { p.error role="alert" { (e) } }
            @if let Some(b) = &v.procedures { (super::procedures::search_section(&b.url, &b.hits, b.total)) }
            @if !v.answers.is_empty() {
                section.faq aria-labelledby="hoi-dap" {
                    h2 #hoi-dap { "Hỏi đáp" }
                    p { "Câu hỏi của người dân đã được trả lời. " a href={ "/hoi-dap?" (q_param(&v.q)) } { "Xem thêm trong Hỏi đáp" } }
                    (super::feedback::answer_list(&v.answers))
                }
            }
            @if let Some(o) = &v.outcome { (outcome(o)) }
        },
    )
}

fn outcome(o: &Outcome) -> Markup {
    html! {
        @if let Some(doc) = &o.number_match {
            p.note {
                "Số hiệu bạn tìm là của văn bản: "
                a href=(doc_url(&doc.key)) { (doc.display_title()) " (" (doc.so_hieu) ")" }
            }
        }
        div.layout {
            section.results aria-labelledby="kq" {
                h2 #kq { "Kết quả" }
                p role="status" { (o.summary) }
                @if !o.active.is_empty() {
                    div {
                        "Đang lọc: "
                        ul.inline {
                            @for a in &o.active {
                                li { a href=(a.url) aria-label={ "Bỏ lọc " (a.label) } { (a.label) " ✕" } }
                            }
                            @if let Some(url) = &o.clear_filters { li { a href=(url) { "Bỏ tất cả bộ lọc" } } }
                        }
                    }
                }
                div.tools {
                    (choices("Sắp xếp:", &o.sorts))
                    (choices("Hiển thị:", &o.groupings))
                    // On a narrow screen the filters come after the results: a way down to them.
                    @if o.has_facets() {
                        a.to-facets href="#loc" { "Lọc kết quả ↓" }
                    }
                }
                @if let Some(help) = &o.help { (no_results(help)) }
                @if !o.hits.is_empty() {
                    ol.hits start=(o.first_rank) {
                        @for h in &o.hits { li { (hit(h, true)) } }
                    }
                }
                @if !o.groups.is_empty() {
                    ol.hits start=(o.first_rank) {
                        @for g in &o.groups { li { (group(g)) } }
                    }
                }
                @if let Some(p) = &o.pages { (pagination(p)) }
            }
            @if o.has_facets() {
                aside.facets aria-labelledby="loc" {
                    h2 #loc { "Lọc kết quả" }
                    @for f in o.facets.iter().filter(|f| !f.values.is_empty()) {
                        (facet_block(f.label, &f.values))
                    }
                }
            }
        }
    }
}

/// One facet: its heading, the first values, the rest behind "Xem thêm".
pub fn facet_block(label: &str, values: &[FacetValue]) -> Markup {
    html! {
        h3 { (label) }
        ul {
            @for v in values.iter().take(FACET_VISIBLE) { (facet_value(v)) }
        }
        @if values.len() > FACET_VISIBLE {
            details {
                summary { "Xem thêm " (values.len() - FACET_VISIBLE) " mục" }
                ul { @for v in values.iter().skip(FACET_VISIBLE) { (facet_value(v)) } }
            }
        }
    }
}

fn choices(label: &str, list: &[Choice]) -> Markup {
    html! {
        span {
            (label) " "
            @for (i, c) in list.iter().enumerate() {
                @if i > 0 { " · " }
                @if c.current { a href=(c.url) aria-current="true" { (c.label) } }
                @else { a href=(c.url) rel="nofollow" { (c.label) } }
            }
        }
    }
}

fn facet_value(v: &FacetValue) -> Markup {
    html! {
        li {
            @if v.active { a href=(v.url) aria-current="true" { (v.label) } " (" (v.count) ")" }
            @else { a href=(v.url) rel="nofollow" { (v.label) } " (" (v.count) ")" }
        }
    }
}

fn hit(h: &HitView, with_document: bool) -> Markup {
    html! {
        article {
            h3 {
                a href=(h.url) {
                    @if let Some(n) = &h.number { (n) ". " }
                    (Spans(&h.heading))
                }
            }
            @if with_document {
                @if let Some(d) = &h.document {
                    p.meta {
                        (d.display_title()) " · "
                        @if !d.so_hieu.is_empty() { "Số hiệu " (d.so_hieu) " · " }
                        @if let Some(date) = d.issued { "Ngày " (date.to_vi()) " " }
                        (Badge(d.status))
                    }
                }
            }
            @for f in &h.fragments {
                p { @if f.leading { "… " } (Spans(&f.spans)) @if f.trailing { " …" } }
            }
            p.meta { "Đề mục: " (h.demuc) " · " a.perma href=(h.permalink) { "Trang riêng của điều này" } }
        }
    }
}

fn group(g: &GroupView) -> Markup {
    html! {
        article {
            h3 { a href=(g.url) { (g.title) } }
            @if let Some(d) = &g.document {
                p.meta {
                    @if !d.so_hieu.is_empty() { "Số hiệu " (d.so_hieu) " · " }
                    @if let Some(date) = d.issued { "Ngày " (date.to_vi()) " " }
                    (Badge(d.status))
                }
            }
            p.meta { (g.matched) " điều khớp" @if g.matched > g.hits.len() { ", " (g.hits.len()) " điều tiêu biểu:" } }
            ul { @for h in &g.hits { li { (hit(h, false)) } } }
        }
    }
}

pub fn pagination(p: &Pagination) -> Markup {
    html! {
        nav.pages aria-label="Phân trang" {
            ul {
                @if let Some(url) = &p.prev { li { a href=(url) rel="prev" { "‹ Trang trước" } } }
                @for entry in &p.pages {
                    @match entry {
                        Some((n, url, true)) => li { a href=(url) aria-current="page" aria-label={ "Trang " (n) } { (n) } },
                        Some((n, url, false)) => li { a href=(url) aria-label={ "Trang " (n) } { (n) } },
                        None => li { span aria-hidden="true" { "…" } },
                    }
                }
                @if let Some(url) = &p.next { li { a href=(url) rel="next" { "Trang sau ›" } } }
            }
        }
    }
}

fn no_results(h: &NoResultHelp) -> Markup {
    html! {
        div {
            h3 { "Không tìm thấy kết quả phù hợp" }
            p { "Bạn có thể thử:" }
            ul {
                @if !h.drop_filters.is_empty() {
                    li {
                        "Bỏ bớt bộ lọc: "
                        @for (i, l) in h.drop_filters.iter().enumerate() {
                            @if i > 0 { ", " }
                            a href=(l.url) { "bỏ " (l.label) }
                        }
                    }
                }
                @if let Some(l) = &h.without_diacritics {
                    li { "Tìm không dấu: " a href=(l.url) { (l.label) } }
                }
                @if let Some(l) = &h.number {
                    li { "Kiểm tra lại số hiệu (ví dụ 52/2014/QH13, 123/2015/NĐ-CP) hoặc " a href=(l.url) { (l.label) } }
                }
                li { "Dùng ít từ hơn, hoặc từ ngữ thông dụng hơn (ví dụ “ly hôn” thay cho “chấm dứt hôn nhân”)." }
                li { a href="/de-muc" { "Tra cứu theo đề mục" } }
            }
        }
    }
}
