//! Extraction: a đề mục page of the code of law (bytes in) to its articles (records out). Pure:
//! no IO, no clock, no network; tested on fixture pages under `tests/fixtures/phapdien/`.
//!
//! A page is a flat run of paragraphs marked by class: `pChuong` (chapter heading, one or two
//! paragraphs), `pDieu` (an article's anchor, label and title), `pGhiChu` (the citation of the
//! source article, linked to vbpl.vn), `pNoiDung` (the text, which runs on over unmarked
//! paragraphs and tables up to the next marker) and `pChiDan` (links to related articles). The
//! markup nests `<p>` inside `<p>` and leaves elements open, so the HTML5 parser's tree does not
//! follow the page's intent: the walk below goes through every node in document order and lets
//! each marker start a new section, wherever the parser put it.

use std::sync::LazyLock;

use regex::Regex;
use scraper::{Html, Node};
use unicode_normalization::UnicodeNormalization;

/// The citation of an article's source, as written on the page and parsed into its parts.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Citation {
    /// "(Điều 1 Luật số 57/2020/QH14 Luật Thanh niên ngày 16/06/2020 của Quốc hội, ...)".
    pub text: String,
    /// The link to the full text on vbpl.vn, as published (with its `#Chuong_I_Dieu_1` anchor).
    pub url: Option<String>,
    pub vbpl_item_id: Option<String>,
    /// The article in the source document ("Điều 1").
    pub unit: Option<String>,
    pub doc_type: Option<String>,
    pub so_hieu: Option<String>,
    /// The title, issue date (dd/mm/yyyy as written) and issuer: only the first article the
    /// code cites from a document carries them.
    pub doc_title: Option<String>,
    pub issued: Option<String>,
    pub issuer: Option<String>,
    pub effective_from: Option<String>,
}

/// One article of the code as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PageArticle {
    /// The code's own id (MAPC), from the anchor.
    pub id: String,
    /// "Điều 36.3.LQ.1".
    pub label: String,
    pub title: String,
    /// "Chương I NHỮNG QUY ĐỊNH CHUNG".
    pub chapter: Option<String>,
    /// Paragraphs separated by `\n`, spaces collapsed, NFC.
    pub text: String,
    pub citation: Option<Citation>,
    /// Ids of articles with related content.
    pub related: Vec<String>,
}

/// A đề mục page: its header and articles (none for the stubs awaiting re-codification).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// "36.3".
    pub demuc_code: String,
    /// "Thanh niên".
    pub demuc_name: String,
    pub articles: Vec<PageArticle>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ExtractError {
    #[error("not a đề mục page: no \"Đề mục <code>\" heading")]
    NoHeading,
    #[error("article {index} has no id anchor (label {label:?})")]
    NoAnchor { index: usize, label: String },
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Before,
    Chapter,
    Article,
    Citation,
    Text,
    Related,
}

fn section_of(class: &str) -> Option<Section> {
    Some(match class {
        "pChuong" => Section::Chapter,
        "pDieu" => Section::Article,
        "pGhiChu" => Section::Citation,
        "pNoiDung" => Section::Text,
        "pChiDan" => Section::Related,
        _ => return None,
    })
}

/// Elements that end a line of text.
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "br"
            | "tr"
            | "li"
            | "table"
            | "tbody"
            | "thead"
            | "ul"
            | "ol"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "blockquote"
            | "pre"
    )
}

static RELATED_ID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"ViewNoiDungPhapDien\('([0-9A-Za-z_-]+)'\)").expect("regex"));
static HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?s)Đề mục\s+([0-9]+(?:\.[0-9]+)*)\s*(.*)").expect("regex"));

/// An article being read.
#[derive(Default)]
struct Draft {
    id: Option<String>,
    heading: String,
    chapter: Option<String>,
    citation: String,
    url: Option<String>,
    text: String,
    related: Vec<String>,
}

/// Extracts the articles of a đề mục page. `html` is the page as decoded text (a leading BOM is
/// ignored). Never panics, whatever the input.
pub fn extract_page(html: &str) -> Result<Page, ExtractError> {
    let html = html.trim_start_matches('\u{feff}');
    let doc = Html::parse_document(html);
    let mut heading = String::new();
    let mut chapter = String::new();
    // The chapter heading is one or two consecutive pChuong paragraphs; an article ends it.
    let mut chapter_open = false;
    let mut drafts: Vec<Draft> = Vec::new();
    let mut section = Section::Before;
    let mut in_h3 = 0usize;
    for edge in doc.root_element().traverse() {
        match edge {
            ego_tree::iter::Edge::Open(node) => match node.value() {
                Node::Element(el) => {
                    let name = el.name();
                    if name == "h3" {
                        in_h3 += 1;
                    }
                    let marker = el
                        .attr("class")
                        .and_then(|c| c.split_whitespace().find_map(section_of));
                    if let Some(s) = marker {
                        section = s;
                        match s {
                            Section::Chapter => {
                                if !chapter_open {
                                    chapter.clear();
                                    chapter_open = true;
                                }
                                push_break(&mut chapter);
                            }
                            Section::Article => {
                                chapter_open = false;
                                drafts.push(Draft {
                                    chapter: Some(chapter.clone()),
                                    ..Draft::default()
                                });
                            }
                            _ => {}
                        }
                    }
                    if name == "a" {
                        if let Some(d) = drafts.last_mut() {
                            match section {
                                Section::Article if d.id.is_none() => {
                                    d.id = el.attr("name").map(|s| s.trim().to_owned());
                                }
                                Section::Citation if d.url.is_none() => {
                                    d.url = el.attr("href").map(|s| s.trim().to_owned());
                                }
                                Section::Related => {
                                    if let Some(id) = el
                                        .attr("onclick")
                                        .and_then(|s| RELATED_ID.captures(s))
                                        .map(|c| c[1].to_owned())
                                        && !d.related.contains(&id)
                                    {
                                        d.related.push(id);
                                    }
                                }
                                _ => {}
                            }
                        }
                    } else if is_block(name) {
                        break_line(section, &mut chapter, drafts.last_mut());
                    } else if matches!(name, "td" | "th")
                        && section == Section::Text
                        && let Some(d) = drafts.last_mut()
                    {
                        d.text.push(' ');
                    }
                }
                Node::Text(t) => {
                    if in_h3 > 0 && section == Section::Before {
                        heading.push_str(t);
                        heading.push(' ');
                        continue;
                    }
                    match (section, drafts.last_mut()) {
                        (Section::Chapter, _) => chapter.push_str(t),
                        (Section::Article, Some(d)) => d.heading.push_str(t),
                        (Section::Citation, Some(d)) => d.citation.push_str(t),
                        (Section::Text, Some(d)) => d.text.push_str(t),
                        _ => {}
                    }
                }
                _ => {}
            },
            ego_tree::iter::Edge::Close(node) => {
                if let Node::Element(el) = node.value() {
                    if el.name() == "h3" {
                        in_h3 = in_h3.saturating_sub(1);
                    }
                    if is_block(el.name()) {
                        break_line(section, &mut chapter, drafts.last_mut());
                    }
                }
            }
        }
    }

    let heading = one_line(&heading);
    let caps = HEADING.captures(&heading).ok_or(ExtractError::NoHeading)?;
    let demuc_code = caps[1].to_owned();
    let demuc_name = caps[2].trim().to_owned();

    let mut articles = Vec::with_capacity(drafts.len());
    for (index, d) in drafts.into_iter().enumerate() {
        let heading = one_line(&d.heading);
        let (label, title) = split_heading(&heading);
        let id = match d.id.filter(|s| !s.is_empty()) {
            Some(id) => id,
            None => return Err(ExtractError::NoAnchor { index, label }),
        };
        let citation_text = one_line(&d.citation);
        let citation = (!citation_text.is_empty() || d.url.is_some())
            .then(|| parse_citation(&citation_text, d.url));
        articles.push(PageArticle {
            id,
            label,
            title,
            chapter: d.chapter.map(|c| one_line(&c)).filter(|c| !c.is_empty()),
            text: paragraphs(&d.text),
            citation,
            related: d.related,
        });
    }
    Ok(Page {
        demuc_code,
        demuc_name,
        articles,
    })
}

fn push_break(s: &mut String) {
    if !s.is_empty() && !s.ends_with('\n') {
        s.push('\n');
    }
}

fn break_line(section: Section, chapter: &mut String, draft: Option<&mut Draft>) {
    match (section, draft) {
        (Section::Chapter, _) => push_break(chapter),
        (Section::Text, Some(d)) => push_break(&mut d.text),
        _ => {}
    }
}

/// All whitespace (line breaks, non-breaking spaces) collapsed to one space; NFC.
fn one_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split(char::is_whitespace).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out.nfc().collect()
}

/// Lines with their spaces collapsed, empty lines dropped, joined by `\n`; NFC.
fn paragraphs(s: &str) -> String {
    let lines: Vec<String> = s
        .split('\n')
        .map(one_line)
        .filter(|l| !l.is_empty())
        .collect();
    lines.join("\n")
}

/// "Điều 36.3.LQ.1. Thanh niên" → ("Điều 36.3.LQ.1", "Thanh niên").
fn split_heading(heading: &str) -> (String, String) {
    if let Some(rest) = heading.strip_prefix("Điều ") {
        let (token, title) = rest.split_once(' ').unwrap_or((rest, ""));
        let label = format!("Điều {}", token.trim_end_matches('.'));
        return (label, title.trim().to_owned());
    }
    (heading.to_owned(), String::new())
}

static CITATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^\(+\s*(?P<unit>(?:Điều|Khoản|Mục|Chương|Phần|Phụ lục)\s+[^\s,]+|[^\s,]+)\s+",
        r"(?P<type>[^,]+?)\s+số\s+(?P<num>[^\s,()]+(?:\s+/[^\s,()]+)?)(?P<rest>.*?)\s*,\s*",
        r"có hiệu lực(?: thi hành)? kể từ ngày\s*(?P<eff>\d{1,2}/\d{1,2}/\d{4})",
    ))
    .expect("regex")
});
static TITLE_DATE_ISSUER: LazyLock<Regex> = LazyLock::new(|| {
    // Greedy title: where a title itself cites an older text "ngày 12/9/2012 của ...", the
    // document's own date and issuer are the last ones.
    Regex::new(
        r"^\s*(?P<title>.*)\s+ngày\s+(?P<date>\d{1,2}/\d{1,2}/\d{4})\s+của\s+(?P<issuer>.+?)\s*$",
    )
    .expect("regex")
});
static ITEM_ID: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[?&]ItemID=(\d+)").expect("regex"));

/// Parses a citation's text and link. Parts the text does not give stay `None`.
pub fn parse_citation(text: &str, url: Option<String>) -> Citation {
    let mut c = Citation {
        text: text.to_owned(),
        vbpl_item_id: url
            .as_deref()
            .and_then(|u| ITEM_ID.captures(u))
            .map(|m| m[1].to_owned()),
        url: url.filter(|u| !u.is_empty()),
        ..Citation::default()
    };
    let Some(m) = CITATION.captures(text) else {
        return c;
    };
    let non_empty = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    c.unit = non_empty(&m["unit"]);
    c.doc_type = non_empty(&m["type"]);
    // A sentence's full stop is not part of the number ("... số 77/2016/NĐ-CP.").
    // ... nor a stray space before a slash ("02 /2018/TTLT-BCA-VKSNDTC-TANDTC-BQP").
    let num: String = m["num"].split_whitespace().collect();
    c.so_hieu = non_empty(num.trim_end_matches(['.', ';', ':']));
    c.effective_from = non_empty(&m["eff"]);
    if let Some(t) = TITLE_DATE_ISSUER.captures(&m["rest"]) {
        c.doc_title = non_empty(&t["title"]);
        c.issued = non_empty(&t["date"]);
        c.issuer = non_empty(&t["issuer"]);
    }
    c
}

static PAGE_LINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"demuc/([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\.html"#)
        .expect("regex")
});

/// The đề mục page ids an index page links to, in order of appearance, without repeats. The
/// published index builds most of its tree from a script the package lacks, so this finds
/// only the literal links; the configured seed list supplies the rest.
pub fn discover_pages(html: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for m in PAGE_LINK.captures_iter(html) {
        let id = m[1].to_ascii_lowercase();
        if !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_split_into_label_and_title() {
        let cases = [
            (
                "Điều 36.3.LQ.1. Thanh niên",
                ("Điều 36.3.LQ.1", "Thanh niên"),
            ),
            (
                "Điều 1.1.NĐ.2.10. Điều khoản thi hành",
                ("Điều 1.1.NĐ.2.10", "Điều khoản thi hành"),
            ),
            ("Điều 41a", ("Điều 41a", "")),
            ("Lời nói đầu", ("Lời nói đầu", "")),
        ];
        for (input, (label, title)) in cases {
            assert_eq!(
                split_heading(input),
                (label.to_owned(), title.to_owned()),
                "{input}"
            );
        }
    }

    #[test]
    fn citations_parse_into_metadata() {
        let c = parse_citation(
            "(Điều 1 Luật số 57/2020/QH14 Luật Thanh niên ngày 16/06/2020 của Quốc hội, có hiệu lực thi hành kể từ ngày 01/01/2021)",
            Some("http://vbpl.vn/TW/Pages/vbpq-toanvan.aspx?ItemID=142850#Chuong_I_Dieu_1".into()),
        );
        assert_eq!(c.unit.as_deref(), Some("Điều 1"));
        assert_eq!(c.doc_type.as_deref(), Some("Luật"));
        assert_eq!(c.so_hieu.as_deref(), Some("57/2020/QH14"));
        assert_eq!(c.doc_title.as_deref(), Some("Luật Thanh niên"));
        assert_eq!(c.issued.as_deref(), Some("16/06/2020"));
        assert_eq!(c.issuer.as_deref(), Some("Quốc hội"));
        assert_eq!(c.effective_from.as_deref(), Some("01/01/2021"));
        assert_eq!(c.vbpl_item_id.as_deref(), Some("142850"));

        let c = parse_citation(
            "(Điều 2 Thông tư liên tịch số 59/2014/TTLT-BTC-BGTVT, có hiệu lực thi hành kể từ ngày 24/06/2014 )",
            Some("http://vbpl.vn/TW/Pages/vbpq-toanvan.aspx?ItemID=".into()),
        );
        assert_eq!(c.doc_type.as_deref(), Some("Thông tư liên tịch"));
        assert_eq!(c.so_hieu.as_deref(), Some("59/2014/TTLT-BTC-BGTVT"));
        assert_eq!((c.doc_title, c.issuer, c.vbpl_item_id), (None, None, None));

        // A title that cites an older text: the document's own date and issuer are the last.
        let c = parse_citation(
            "(Điều 2 Thông tư số 56/2015/TT-BTC Sửa đổi Thông tư số 150/2012/TT-BTC ngày 12/9/2012 của Bộ Tài chính hướng dẫn kiểm toán ngày 23/04/2015 của Bộ Tài chính, có hiệu lực thi hành kể từ ngày 08/06/2015)",
            None,
        );
        assert_eq!(c.issued.as_deref(), Some("23/04/2015"));
        assert_eq!(c.issuer.as_deref(), Some("Bộ Tài chính"));

        let c = parse_citation(
            "(Điều 15 Pháp lệnh Về Hàm, cấp ngoại giao, có hiệu lực)",
            None,
        );
        assert_eq!((c.so_hieu, c.doc_type), (None, None));
    }

    #[test]
    fn index_page_links() {
        let html = r#"<iframe src="demuc/AB2A3EC6-2176-4dac-a836-cde2cae944b1.html"></iframe>
            <a href='demuc/" + id + ".html'> <a href="demuc/ab2a3ec6-2176-4dac-a836-cde2cae944b1.html#x">"#;
        assert_eq!(
            discover_pages(html),
            ["ab2a3ec6-2176-4dac-a836-cde2cae944b1"]
        );
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for input in [
            "",
            "\u{feff}",
            "<p class='pDieu'>",
            "<<<>>>&&&",
            "<h3>Đề mục</h3>",
        ] {
            assert!(extract_page(input).is_err(), "{input:?}");
        }
        let page = extract_page("<h3>Đề mục 1.2<br/>X</h3><p class='pDieu'><a name='7'></a>Điều 1.2.LQ.1. T</p><table><tr><td>a<td>b").unwrap();
        assert_eq!(page.articles[0].id, "7");
    }
}
