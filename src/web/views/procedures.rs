//! The procedure pages: the search list with filters, and one procedure laid out in the order a
//! person needs it (how long and what it costs per channel, what to bring as a checklist, the
//! steps, where to go, conditions, the result, the law it rests on), printable.

use std::sync::Arc;

use maud::{Markup, html};

use super::search::{FacetValue, Link, Pagination, facet_block, pagination};
use super::{Head, crumbs, layout, path_segment};
use crate::procedures::{ChannelKind, Fee, Procedure, Section};
use crate::web::query::QueryString;

pub fn channel_label(k: ChannelKind) -> &'static str {
    match k {
        ChannelKind::InPerson => "Nộp trực tiếp",
        ChannelKind::Online => "Nộp trực tuyến",
        ChannelKind::Post => "Nộp qua bưu chính",
    }
}

pub fn procedure_url(ma: &str) -> String {
    format!("/thu-tuc/{}", path_segment(ma))
}

#[derive(Default)]
pub struct ListView {
    pub q: String,
    pub error: Option<String>,
    pub summary: Option<String>,
    /// Official terms the colloquial lexicon added to the question.
    pub expanded: Vec<String>,
    pub hits: Vec<HitView>,
    pub first_rank: usize,
    pub facets: Vec<FacetBlock>,
    pub active: Vec<Link>,
    pub clear_filters: Option<String>,
    pub pages: Option<Pagination>,
    /// Names close to what was typed, when nothing matched.
    pub suggestions: Vec<Link>,
    pub total_in_index: usize,
}

pub struct HitView {
    pub name: String,
    pub url: String,
    pub ma: String,
    pub field: String,
    pub levels: String,
    pub ministry: String,
    pub channels: String,
}

pub struct FacetBlock {
    pub label: &'static str,
    pub values: Vec<FacetValue>,
}

/// The procedure search form.
pub fn form(q: &str) -> Markup {
    html! {
        form.search role="search" method="get" action="/thu-tuc" {
            label for="q" { "Tìm thủ tục hành chính" }
            input #q type="search" name="q" value=(q) maxlength="512"
                data-suggest="/api/v1/procedures/suggest" aria-describedby="q-goi-y" autocomplete="off";
            button type="submit" { "Tìm thủ tục" }
            p.hint #q-goi-y { "Viết như bạn vẫn nói. Ví dụ: làm giấy khai sinh cho con, nhập hộ khẩu, mở quán cà phê, mất sổ đỏ." }
        }
    }
}

pub fn list(v: &ListView) -> Markup {
    let title = if v.q.is_empty() {
        "Thủ tục hành chính".to_owned()
    } else {
        format!("Thủ tục cho “{}”", v.q)
    };
    let mut head = Head::new(title.clone());
    head.noindex = !v.q.is_empty() || v.error.is_some();
    head.header_search = None;
    head.description = Some(
        "Tra cứu thủ tục hành chính: hồ sơ cần chuẩn bị, nơi nộp, thời hạn, lệ phí và căn cứ pháp lý."
            .to_owned(),
    );
    layout(
        &head,
        html! {
            h1 { (title) }
            (form(&v.q))
            @if let Some(e) = &v.error { p.error role="alert" { (e) } }
            @if let Some(summary) = &v.summary {
                div.layout {
                    section.results aria-labelledby="kq" {
                        h2 #kq { "Kết quả" }
                        p role="status" { (summary) }
                        @if !v.expanded.is_empty() {
                            p.note { "Đã tìm thêm theo cách gọi chính thức: " (v.expanded.join("; ")) "." }
                        }
                        @if !v.active.is_empty() {
                            div {
                                "Đang lọc: "
                                ul.inline {
                                    @for a in &v.active {
                                        li { a href=(a.url) aria-label={ "Bỏ lọc " (a.label) } { (a.label) " ✕" } }
                                    }
                                    @if let Some(url) = &v.clear_filters { li { a href=(url) { "Bỏ tất cả bộ lọc" } } }
                                }
                            }
                        }
                        @if v.hits.is_empty() {
                            (no_results(v))
                        } @else {
                            ol.hits start=(v.first_rank) {
                                @for h in &v.hits { li { (hit(h)) } }
                            }
                        }
                        @if let Some(p) = &v.pages { (pagination(p)) }
                    }
                    @if v.facets.iter().any(|f| !f.values.is_empty()) {
                        aside.facets aria-labelledby="loc" {
                            h2 #loc { "Lọc thủ tục" }
                            @for f in v.facets.iter().filter(|f| !f.values.is_empty()) {
                                (facet_block(f.label, &f.values))
                            }
                        }
                    }
                }
            }
        },
    )
}

fn no_results(v: &ListView) -> Markup {
    html! {
        div {
            h3 { "Không tìm thấy thủ tục phù hợp" }
            @if v.total_in_index == 0 {
                p { "Chỉ mục hiện chưa có dữ liệu thủ tục hành chính." }
            }
            @if !v.suggestions.is_empty() {
                p { "Có phải bạn tìm:" }
                ul { @for s in &v.suggestions { li { a href=(s.url) { (s.label) } } } }
            }
            p { "Hãy thử ít từ hơn, bỏ bớt bộ lọc, hoặc mô tả việc bạn cần làm (ví dụ “đăng ký tạm trú”)." }
        }
    }
}

pub fn hit(h: &HitView) -> Markup {
    html! { article { (hit_body(h)) } }
}

fn hit_body(h: &HitView) -> Markup {
    html! {
        h3 { a href=(h.url) { (h.name) } }
        p.meta {
            "Mã " (h.ma) " · " (h.field)
            @if !h.levels.is_empty() { " · " (h.levels) }
            " · " (h.ministry)
        }
        @if !h.channels.is_empty() { p.meta { (h.channels) } }
    }
}

/// The procedures section of the unified search page: the best few, clearly labelled.
pub fn search_section(q_url: &str, hits: &[HitView], total: usize) -> Markup {
    html! {
        @if !hits.is_empty() {
            section.procedures aria-labelledby="tt" {
                h2 #tt { "Thủ tục hành chính" }
                ol.hits { @for h in hits { li { (hit_body(h)) } } }
                @if total > hits.len() {
                    p { a href=(q_url) { "Xem tất cả " (total) " thủ tục phù hợp" } }
                }
            }
        }
    }
}

/// One legal-basis row, linked when the document is in the index.
pub struct BasisView {
    pub title: String,
    pub number: String,
    pub url: Option<String>,
}

pub struct DetailView {
    pub procedure: Arc<Procedure>,
    pub basis: Vec<BasisView>,
    /// The same procedure at other levels ([`ProcedureIndex::at_other_levels`]).
    ///
    /// [`ProcedureIndex::at_other_levels`]: crate::procedures::ProcedureIndex::at_other_levels
    pub other_levels: Vec<Arc<Procedure>>,
}

/// The published text, one paragraph per line.
fn published(text: &str) -> Markup {
    html! {
        div.published {
            @for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) { p { (line) } }
        }
    }
}

fn fee(f: &Fee) -> Markup {
    html! {
        @match f {
            Fee::Free => "Miễn phí",
            Fee::Amount { text, .. } => (text),
            Fee::NotStated => span.muted { "Không có thông tin" },
        }
    }
}

fn section_or_text<T>(s: &Section<T>, render: impl Fn(&T) -> Markup) -> Markup {
    html! {
        @match &s.parsed {
            Some(v) => (render(v)),
            None => @if s.published.is_empty() { p.muted { "Nguồn không có thông tin." } } @else { (published(&s.published)) },
        }
    }
}

/// The question and feedback form about the procedure coded `ma`: kind "góp ý", its name as
/// the subject, its code carried for routing.
fn ask_url(ma: &str, name: &str) -> String {
    let query = QueryString::default()
        .pair("loai", "gop-y")
        .pair("chu-de", name)
        .pair("thu-tuc", ma)
        .finish();
    format!("/gop-y?{query}")
}

pub fn detail(v: &DetailView) -> Markup {
    let p = &v.procedure;
    let mut head = Head::new(p.name.clone());
    head.canonical = Some(procedure_url(&p.ma));
    head.description = Some(format!(
        "Thủ tục {}: hồ sơ, nơi nộp, thời hạn, lệ phí, căn cứ pháp lý.",
        p.name
    ));
    layout(
        &head,
        html! {
            (crumbs(&[("Thủ tục hành chính", "/thu-tuc".to_owned())], &p.ma))
            article.procedure {
                h1 { (p.name) }
                dl.facts {
                    dt { "Mã thủ tục" } dd { (p.ma) }
                    dt { "Lĩnh vực" } dd { (p.field) }
                    @if !p.levels.is_empty() { dt { "Cấp thực hiện" } dd { (p.levels.join(", ")) } }
                    @if !p.subjects.is_empty() { dt { "Ai thực hiện" } dd { (p.subjects.join("; ")) } }
                    dt { "Bộ, ngành" } dd { (p.ministry) }
                }
                @if !v.other_levels.is_empty() {
                    section.other-levels aria-labelledby="cap-khac" {
                        h2 #cap-khac { "Cùng thủ tục ở cấp khác" }
                        ul {
                            @for o in &v.other_levels {
                                li {
                                    a href=(procedure_url(&o.ma)) { (o.name) }
                                    @if !o.levels.is_empty() { " " span.muted { "(" (o.levels.join(", ")) ")" } }
                                    @if !o.implementing_bodies.is_empty() { ": " (o.implementing_bodies.join("; ")) }
                                }
                            }
                        }
                    }
                }
                p.ask { a href=(ask_url(&p.ma, &p.name)) { "Hỏi hoặc góp ý về thủ tục này" } }
                nav.toc aria-label="Mục lục" {
                    ol {
                        li { a href="#cach-nop" { "Cách nộp, thời hạn, lệ phí" } }
                        li { a href="#ho-so" { "Hồ sơ cần chuẩn bị" } }
                        li { a href="#cac-buoc" { "Các bước thực hiện" } }
                        li { a href="#co-quan" { "Cơ quan thực hiện" } }
                        @if !p.conditions.is_empty() { li { a href="#dieu-kien" { "Yêu cầu, điều kiện" } } }
                        li { a href="#ket-qua" { "Kết quả" } }
                        li { a href="#can-cu" { "Căn cứ pháp lý" } }
                    }
                }
                section aria-labelledby="cach-nop" {
                    h2 #cach-nop { "Cách nộp, thời hạn và lệ phí" }
                    (section_or_text(&p.channels, |channels| html! {
                        table {
                            caption { "Thời hạn giải quyết và phí, lệ phí theo cách nộp hồ sơ" }
                            thead { tr { th scope="col" { "Cách nộp" } th scope="col" { "Thời hạn" } th scope="col" { "Phí, lệ phí" } th scope="col" { "Ghi chú" } } }
                            tbody {
                                @for c in channels {
                                    tr {
                                        th scope="row" { (channel_label(c.kind)) }
                                        td {
                                            @if let Some(d) = &c.deadline { (d) } @else { span.muted { "Không có thông tin" } }
                                            @if c.deadline.is_some() && !c.deadline_has_unit() { " " span.muted { "(nguồn không ghi đơn vị)" } }
                                        }
                                        td { (fee(&c.fee)) }
                                        td { (c.description) }
                                    }
                                }
                            }
                        }
                    }))
                }
                section aria-labelledby="ho-so" {
                    h2 #ho-so { "Hồ sơ cần chuẩn bị" }
                    (section_or_text(&p.dossier, |groups| html! {
                        @for (g, group) in groups.iter().enumerate() {
                            @if let Some(case) = &group.case { h3 { (case) } }
                            ul.checklist {
                                @for (i, item) in group.items.iter().enumerate() {
                                    @let id = format!("hs-{g}-{i}");
                                    li {
                                        input type="checkbox" id=(id);
                                        label for=(id) {
                                            (item.name)
                                            @if let Some(q) = &item.quantity { " " span.qty { "(" (q) ")" } }
                                            @if let Some(form) = &item.form { " " span.muted { "Mẫu: " (form) } }
                                        }
                                    }
                                }
                            }
                        }
                    }))
                }
                section aria-labelledby="cac-buoc" {
                    h2 #cac-buoc { "Các bước thực hiện" }
                    (section_or_text(&p.steps, |steps| html! {
                        ol.steps {
                            @for s in steps {
                                li {
                                    @if !s.label.is_empty() { strong { (s.label) } " " }
                                    (published(&s.text))
                                }
                            }
                        }
                    }))
                }
                section aria-labelledby="co-quan" {
                    h2 #co-quan { "Cơ quan thực hiện" }
                    dl.facts {
                        @if !p.implementing_bodies.is_empty() { dt { "Cơ quan thực hiện" } dd { (p.implementing_bodies.join("; ")) } }
                        @if !p.competent_body.is_empty() { dt { "Cơ quan có thẩm quyền" } dd { (p.competent_body) } }
                    }
                }
                @if !p.conditions.is_empty() {
                    section aria-labelledby="dieu-kien" {
                        h2 #dieu-kien { "Yêu cầu, điều kiện" }
                        (published(&p.conditions))
                    }
                }
                section aria-labelledby="ket-qua" {
                    h2 #ket-qua { "Kết quả" }
                    (section_or_text(&p.results, |results| html! {
                        ul { @for r in results { li { (r) } } }
                    }))
                }
                section aria-labelledby="can-cu" {
                    h2 #can-cu { "Căn cứ pháp lý" }
                    @if v.basis.is_empty() {
                        (section_or_text(&p.legal_basis, |_| html! {}))
                    } @else {
                        ul {
                            @for b in &v.basis {
                                li {
                                    @if let Some(url) = &b.url { a href=(url) { (b.number) } } @else { (b.number) }
                                    @if !b.title.is_empty() { ": " (b.title) }
                                    @if b.url.is_none() { " " span.muted { "(chưa có trong cơ sở dữ liệu)" } }
                                }
                            }
                        }
                    }
                }
                @if !p.related.is_empty() {
                    section aria-labelledby="lien-quan" {
                        h2 #lien-quan { "Thủ tục liên quan" }
                        (published(&p.related))
                    }
                }
                p.meta.source {
                    "Nguồn: Cổng Dịch vụ công quốc gia"
                    @if !p.source_url.is_empty() { " · " a href=(p.source_url) rel="external" { "Xem trên dichvucong.gov.vn" } }
                    @if !p.decision.is_empty() { " · Quyết định công bố " (p.decision) }
                }
            }
        },
    )
}

/// The "procedures that rest on this document" block of a document page.
pub fn resting_on(procedures: &[Arc<Procedure>]) -> Markup {
    html! {
        @if !procedures.is_empty() {
            section.procedures aria-labelledby="thu-tuc" {
                h2 #thu-tuc { "Thủ tục hành chính căn cứ văn bản này" }
                ul {
                    @for p in procedures {
                        li { a href=(procedure_url(&p.ma)) { (p.name) } " " span.muted { "(" (p.field) ")" } }
                    }
                }
            }
        }
    }
}
