//! The search page's query string, `/tim-kiem?q=&loai=&co-quan=&nam=&de-muc=&hieu-luc=&sap-xep=&trang=&nhom=`,
//! parsed into [`SearchParams`] (filters may repeat) and written back for links that add or
//! remove one filter, change the sort or the page. The API takes the same parameters.

use crate::model::Status;
use crate::search::{
    DEFAULT_PAGE_SIZE, Filters, MAX_RESULT_WINDOW, RequestError, SearchRequest, Sort,
};

/// A filter dimension: its URL parameter and its label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dim {
    DocType,
    Issuer,
    Year,
    Demuc,
    Status,
}

impl Dim {
    pub const ALL: [Dim; 5] = [
        Dim::DocType,
        Dim::Issuer,
        Dim::Year,
        Dim::Demuc,
        Dim::Status,
    ];

    pub fn param(self) -> &'static str {
        match self {
            Dim::DocType => "loai",
            Dim::Issuer => "co-quan",
            Dim::Year => "nam",
            Dim::Demuc => "de-muc",
            Dim::Status => "hieu-luc",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Dim::DocType => "Loại văn bản",
            Dim::Issuer => "Cơ quan ban hành",
            Dim::Year => "Năm",
            Dim::Demuc => "Đề mục",
            Dim::Status => "Hiệu lực",
        }
    }
}

/// How results are listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Grouping {
    #[default]
    Articles,
    Documents,
}

/// Everything the search page was asked, validated.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchParams {
    /// `None` when the page was opened without a query.
    pub q: Option<String>,
    /// Filter values per dimension, as in the URL (status as its slug, years as digits).
    pub filters: Vec<(Dim, String)>,
    pub sort: Sort,
    pub page: usize,
    pub grouping: Grouping,
}

pub fn sort_param(sort: Sort) -> &'static str {
    match sort {
        Sort::Relevance => "lien-quan",
        Sort::Newest => "moi-nhat",
        Sort::Oldest => "cu-nhat",
    }
}

pub fn sort_label(sort: Sort) -> &'static str {
    match sort {
        Sort::Relevance => "Liên quan nhất",
        Sort::Newest => "Mới nhất",
        Sort::Oldest => "Cũ nhất",
    }
}

/// Deepest page reachable.
pub const MAX_PAGE: usize = MAX_RESULT_WINDOW / DEFAULT_PAGE_SIZE;

impl SearchParams {
    /// Parses a raw query string. The error is a message for people, in Vietnamese.
    pub fn parse(raw: &str) -> Result<SearchParams, String> {
        let mut p = SearchParams {
            page: 1,
            ..SearchParams::default()
        };
        for (key, value) in form_urlencoded::parse(raw.as_bytes()) {
            let value = value.trim();
            match key.as_ref() {
                "q" => {
                    if p.q.is_none() {
                        p.q = Some(value.to_owned());
                    }
                }
                "trang" => p.page = parse_page(value)?,
                "sap-xep" => {
                    p.sort = match value {
                        "" | "lien-quan" => Sort::Relevance,
                        "moi-nhat" => Sort::Newest,
                        "cu-nhat" => Sort::Oldest,
                        _ => {
                            return Err("Cách sắp xếp không hợp lệ: chọn liên quan nhất, mới nhất hoặc cũ nhất.".to_owned());
                        }
                    }
                }
                "nhom" => {
                    p.grouping = match value {
                        "" | "dieu" => Grouping::Articles,
                        "van-ban" => Grouping::Documents,
                        _ => return Err("Cách nhóm kết quả không hợp lệ.".to_owned()),
                    }
                }
                other => {
                    let Some(dim) = Dim::ALL.into_iter().find(|d| d.param() == other) else {
                        // Unknown parameters (tracking tags and the like) are ignored.
                        continue;
                    };
                    if value.is_empty() {
                        continue;
                    }
                    match dim {
                        Dim::Year if value.parse::<u16>().is_err() || value.len() != 4 => {
                            return Err("Năm phải gồm 4 chữ số, ví dụ 2014.".to_owned());
                        }
                        Dim::Status if Status::from_slug(value).is_none() => {
                            return Err("Trạng thái hiệu lực không hợp lệ.".to_owned());
                        }
                        _ => {}
                    }
                    let entry = (dim, value.to_owned());
                    if !p.filters.contains(&entry) {
                        p.filters.push(entry);
                    }
                }
            }
        }
        Ok(p)
    }

    /// The validated engine request for these parameters, with facets and snippets.
    pub fn request(&self) -> Result<SearchRequest, RequestError> {
        let mut request = SearchRequest::new(self.q.as_deref().unwrap_or(""))?
            .paginate(self.page, DEFAULT_PAGE_SIZE)?
            .with_filters(self.engine_filters())?;
        request.sort = self.sort;
        request.group_by_document = self.grouping == Grouping::Documents;
        request.facets = true;
        request.snippets = true;
        Ok(request)
    }

    fn engine_filters(&self) -> Filters {
        let mut f = Filters::default();
        for (dim, value) in &self.filters {
            match dim {
                Dim::DocType => f.doc_types.push(value.clone()),
                Dim::Issuer => f.issuers.push(value.clone()),
                Dim::Year => f.years.extend(value.parse::<u16>().ok()),
                Dim::Demuc => f.demuc.push(value.clone()),
                Dim::Status => f.status.extend(Status::from_slug(value)),
            }
        }
        f
    }

    pub fn has(&self, dim: Dim, value: &str) -> bool {
        self.filters.iter().any(|(d, v)| *d == dim && v == value)
    }

    /// The query string of these parameters (`q=...&loai=...`), defaults left out.
    pub fn to_query(&self) -> String {
        let mut s = QueryString::default();
        if let Some(q) = &self.q {
            s.pair("q", q);
        }
        self.push_all_but_q(&mut s);
        s.finish()
    }

    /// Filters, sort, grouping and page, the defaults left out.
    fn push_all_but_q(&self, s: &mut QueryString) {
        for (dim, value) in &self.filters {
            s.pair(dim.param(), value);
        }
        if self.sort != Sort::Relevance {
            s.pair("sap-xep", sort_param(self.sort));
        }
        if self.grouping == Grouping::Documents {
            s.pair("nhom", "van-ban");
        }
        if self.page > 1 {
            s.pair("trang", &self.page.to_string());
        }
    }

    /// `/tim-kiem?...` for these parameters.
    pub fn url(&self) -> String {
        format!("/tim-kiem?{}", self.to_query())
    }

    /// The first page with one more filter value.
    pub fn with_filter(&self, dim: Dim, value: &str) -> SearchParams {
        let mut p = self.clone();
        if !p.has(dim, value) {
            p.filters.push((dim, value.to_owned()));
        }
        p.page = 1;
        p
    }

    /// The first page without this filter value.
    pub fn without_filter(&self, dim: Dim, value: &str) -> SearchParams {
        let mut p = self.clone();
        p.filters.retain(|(d, v)| !(*d == dim && v == value));
        p.page = 1;
        p
    }

    pub fn without_filters(&self) -> SearchParams {
        SearchParams {
            filters: Vec::new(),
            page: 1,
            ..self.clone()
        }
    }

    pub fn with_sort(&self, sort: Sort) -> SearchParams {
        SearchParams {
            sort,
            page: 1,
            ..self.clone()
        }
    }

    pub fn with_grouping(&self, grouping: Grouping) -> SearchParams {
        SearchParams {
            grouping,
            page: 1,
            ..self.clone()
        }
    }

    pub fn with_page(&self, page: usize) -> SearchParams {
        SearchParams {
            page,
            ..self.clone()
        }
    }

    pub fn with_query(&self, q: &str) -> SearchParams {
        SearchParams {
            q: Some(q.to_owned()),
            page: 1,
            ..self.clone()
        }
    }
}

fn parse_page(value: &str) -> Result<usize, String> {
    if value.is_empty() {
        return Ok(1);
    }
    if !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err("Số trang phải là số nguyên dương, ví dụ trang=2.".to_owned());
    }
    match value.parse::<usize>() {
        Ok(0) => Err("Số trang phải là số nguyên dương, ví dụ trang=2.".to_owned()),
        Ok(n) if n <= MAX_PAGE => Ok(n),
        _ => Err(RequestError::PageTooDeep { page: MAX_PAGE + 1 }.message_vi()),
    }
}

/// The links of one results page: to the same question with a filter more or less, another
/// sort, grouping or page, and to the documents with the question highlighted. Every link
/// repeats the question, the longest part of most; it is encoded once per page, not once for
/// each of the page's 80 or so links.
pub struct PageLinks {
    /// `q=...`, encoded.
    q: String,
}

impl PageLinks {
    pub fn new(q: &str) -> PageLinks {
        PageLinks { q: q_param(q) }
    }

    /// `q=...`, for links that carry the question to a document page.
    pub fn q_param(&self) -> &str {
        &self.q
    }

    /// `/tim-kiem?...` for `params`, which must ask the page's question (as
    /// `params.with_filter(...)` and the like do).
    pub fn search(&self, params: &SearchParams) -> String {
        let mut url = String::with_capacity(self.q.len() + 80);
        url.push_str("/tim-kiem?");
        url.push_str(&self.q);
        let mut s = QueryString {
            out: url,
            first: false,
        };
        params.push_all_but_q(&mut s);
        s.finish()
    }
}

/// `q=<text>`, for links that carry the query to a document page.
pub fn q_param(q: &str) -> String {
    let mut s = QueryString::default();
    s.pair("q", q);
    s.finish()
}

/// A query string for a link in a page, `application/x-www-form-urlencoded` as a form submits
/// it, except that characters outside ASCII stay as they are.
///
/// About 100 of a results page's links repeat the question; percent-encoded, each
/// Vietnamese letter with a mark takes 6 to 9 bytes (`ế` is `%E1%BA%BF`), written out 2 or 3.
/// That was a fifth of the page's HTML. The URL Standard allows any code point from U+00A0 in a
/// query ("URL code points"), and browsers percent-encode it as UTF-8 when they follow the
/// link, so the server reads the same bytes either way (`SearchParams::parse` decodes both).
/// ASCII outside `[A-Za-z0-9*-._]` is percent-encoded as `form_urlencoded` does, the space as
/// `+`, so no value can end early or change another's meaning.
pub struct QueryString {
    out: String,
    /// No pair written yet: the next needs no `&` before it.
    first: bool,
}

impl Default for QueryString {
    fn default() -> QueryString {
        QueryString {
            out: String::new(),
            first: true,
        }
    }
}

impl QueryString {
    pub fn pair(&mut self, key: &str, value: &str) -> &mut Self {
        if !std::mem::take(&mut self.first) {
            self.out.push('&');
        }
        self.out.reserve(key.len() + value.len() + 1);
        push_component(&mut self.out, key);
        self.out.push('=');
        push_component(&mut self.out, value);
        self
    }

    pub fn finish(&mut self) -> String {
        std::mem::take(&mut self.out)
    }
}

/// `value` encoded into `out`, as [`QueryString`] describes: runs of bytes that stay as they
/// are are copied whole.
fn push_component(out: &mut String, value: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut kept = 0;
    for (i, b) in value.bytes().enumerate() {
        if b >= 0x80 || b.is_ascii_alphanumeric() || matches!(b, b'*' | b'-' | b'.' | b'_') {
            continue;
        }
        // `b` is ASCII, so `i` is a character boundary.
        out.push_str(&value[kept..i]);
        if b == b' ' {
            out.push('+');
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xF)]));
        }
        kept = i + 1;
    }
    out.push_str(&value[kept..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_writes_back() {
        let p = SearchParams::parse(
            "q=k%E1%BA%BFt+h%C3%B4n&loai=Lu%E1%BA%ADt&nam=2014&nam=2014&hieu-luc=con-hieu-luc&sap-xep=moi-nhat&trang=2&utm=x",
        )
        .unwrap();
        assert_eq!(p.q.as_deref(), Some("kết hôn"));
        assert_eq!(p.filters.len(), 3);
        assert_eq!(p.sort, Sort::Newest);
        assert_eq!(p.page, 2);
        assert_eq!(
            p.to_query(),
            "q=kết+hôn&loai=Luật&nam=2014&hieu-luc=con-hieu-luc&sap-xep=moi-nhat&trang=2"
        );
        assert_eq!(SearchParams::parse(&p.to_query()).unwrap(), p);
        let q = p.without_filter(Dim::Year, "2014");
        assert!(!q.has(Dim::Year, "2014"));
        assert_eq!(q.page, 1);
    }

    #[test]
    fn page_links_are_the_parameters_urls() {
        let p =
            SearchParams::parse("q=k%E1%BA%BFt+h%C3%B4n+%26+ly+h%C3%B4n&nam=2014&trang=3").unwrap();
        let links = PageLinks::new(p.q.as_deref().unwrap());
        for other in [
            p.with_filter(Dim::DocType, "Luật"),
            p.without_filter(Dim::Year, "2014"),
            p.without_filters(),
            p.with_sort(Sort::Oldest),
            p.with_grouping(Grouping::Documents),
            p.with_page(4),
        ] {
            assert_eq!(links.search(&other), other.url());
        }
        assert_eq!(links.q_param(), "q=kết+hôn+%26+ly+hôn");
    }

    #[test]
    fn links_keep_what_is_outside_ascii_and_escape_the_rest() {
        let mut s = QueryString::default();
        s.pair("q", "Điều 5 & “hợp đồng” 100% a+b=c #1\u{0301}\t<x>");
        assert_eq!(
            s.finish(),
            "q=Điều+5+%26+“hợp+đồng”+100%25+a%2Bb%3Dc+%231\u{0301}%09%3Cx%3E"
        );
    }

    proptest::proptest! {
        /// Whatever the value, a link's query string reads back as exactly that value.
        #[test]
        fn links_read_back(key in "\\PC{0,8}", value in "\\PC{0,40}") {
            let mut s = QueryString::default();
            s.pair(&key, &value).pair("trang", "2");
            let encoded = s.finish();
            proptest::prop_assert!(!encoded.contains(['#', ' ', '"', '<', '>', '\'']));
            let read: Vec<(String, String)> = form_urlencoded::parse(encoded.as_bytes()).into_owned().collect();
            proptest::prop_assert_eq!(read, vec![(key, value), ("trang".to_owned(), "2".to_owned())]);
        }
    }

    #[test]
    fn rejects_bad_values_in_vietnamese() {
        for raw in [
            "q=a&trang=-1",
            "q=a&trang=abc",
            "q=a&trang=0",
            "q=a&trang=99999999999999999999999",
            "q=a&trang=51",
            "q=a&nam=20x4",
            "q=a&hieu-luc=maybe",
            "q=a&sap-xep=random",
            "q=a&nhom=x",
        ] {
            let err = SearchParams::parse(raw).unwrap_err();
            assert!(
                err.chars()
                    .any(|c| "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ".contains(c)),
                "{raw}: {err}"
            );
        }
        assert_eq!(SearchParams::parse("q=a&trang=50").unwrap().page, 50);
        assert_eq!(SearchParams::parse("").unwrap().q, None);
    }
}
