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
        s.finish()
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

/// `q=<text>`, for links that carry the query to a document page.
pub fn q_param(q: &str) -> String {
    let mut s = QueryString::default();
    s.pair("q", q);
    s.finish()
}

/// A query string for a link in a page, `application/x-www-form-urlencoded` as a form submits
/// it, except that letters and digits outside ASCII stay as they are.
///
/// A results page holds some 130 links that each repeat the question; percent-encoded, each
/// Vietnamese letter with a mark takes 6 to 9 bytes (`ế` is `%E1%BA%BF`), written out 2 or 3.
/// That was a third of the page's HTML. The URL Standard allows any letter in a query
/// ("URL code points"), and browsers percent-encode it as UTF-8 when they follow the link, so
/// the server reads the same bytes either way (`SearchParams::parse` decodes both). Everything
/// else outside `[A-Za-z0-9*-._]` is percent-encoded as `form_urlencoded` does, the space as
/// `+`: no value can end early, and marks, spaces and punctuation outside ASCII stay unambiguous.
#[derive(Default)]
pub struct QueryString(String);

impl QueryString {
    pub fn pair(&mut self, key: &str, value: &str) -> &mut Self {
        if !self.0.is_empty() {
            self.0.push('&');
        }
        push_component(&mut self.0, key);
        self.0.push('=');
        push_component(&mut self.0, value);
        self
    }

    pub fn finish(&mut self) -> String {
        std::mem::take(&mut self.0)
    }
}

/// `value` encoded into `out`, as [`QueryString`] describes.
pub fn push_component(out: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            'A'..='Z' | 'a'..='z' | '0'..='9' | '*' | '-' | '.' | '_' => out.push(c),
            ' ' => out.push('+'),
            c if !c.is_ascii() && c.is_alphanumeric() => out.push(c),
            c => {
                let mut utf8 = [0; 4];
                for b in c.encode_utf8(&mut utf8).bytes() {
                    const HEX: &[u8; 16] = b"0123456789ABCDEF";
                    out.push('%');
                    out.push(char::from(HEX[usize::from(b >> 4)]));
                    out.push(char::from(HEX[usize::from(b & 0xF)]));
                }
            }
        }
    }
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
    fn links_keep_letters_and_escape_the_rest() {
        let mut s = QueryString::default();
        s.pair("q", "Điều 5 & “hợp đồng” 100% a+b=c #1\u{0301}");
        assert_eq!(
            s.finish(),
            "q=Điều+5+%26+%E2%80%9Chợp+đồng%E2%80%9D+100%25+a%2Bb%3Dc+%231%CC%81"
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
