//! A validated search request and the query tree parsed from what the person typed.
//!
//! The syntax is small and forgiving: words (with or without diacritics), `"quoted phrases"`,
//! `-excluded` words or `-"phrases"`, and document numbers anywhere (`43/2011/ND-CP`,
//! `nghị định 43/2011`). Nothing a person types is an error except an empty or overlong query;
//! unbalanced quotes and stray operators are read as plain text.

use super::expand::expand;
use super::intent::{Intent, interpret};
use crate::analysis::{self, Syllable};
use crate::model::{DocNumber, PartialDocNumber, Status, find_partial};

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 512;
/// Most syllables of free text used from a query; the rest is ignored (a pasted paragraph
/// should not cost a hundred posting lists).
pub const MAX_QUERY_SYLLABLES: usize = 48;
pub const DEFAULT_PAGE_SIZE: usize = 10;
pub const MAX_PAGE_SIZE: usize = 100;
/// Deepest result reachable by paging; facets, grouping and date sorting work on this window.
pub const MAX_RESULT_WINDOW: usize = 500;
/// Most values per filter dimension.
pub const MAX_FILTER_VALUES: usize = 20;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    #[error("the query is empty")]
    EmptyQuery,
    #[error("the query is {chars} characters long; at most {MAX_QUERY_CHARS} are accepted")]
    QueryTooLong { chars: usize },
    #[error("page size {0} is out of range 1..={MAX_PAGE_SIZE}")]
    PageSize(usize),
    #[error("page {page} is beyond the first {MAX_RESULT_WINDOW} results")]
    PageTooDeep { page: usize },
    #[error("too many values for filter `{0}` (at most {MAX_FILTER_VALUES})")]
    TooManyFilterValues(&'static str),
}

impl RequestError {
    /// A short explanation for people, in Vietnamese.
    pub fn message_vi(&self) -> String {
        match self {
            RequestError::EmptyQuery => "Vui lòng nhập nội dung cần tìm.".to_owned(),
            RequestError::QueryTooLong { chars } => {
                format!("Nội dung tìm kiếm dài {chars} ký tự; tối đa {MAX_QUERY_CHARS} ký tự.")
            }
            RequestError::PageSize(_) => {
                format!("Số kết quả mỗi trang phải từ 1 đến {MAX_PAGE_SIZE}.")
            }
            RequestError::PageTooDeep { .. } => {
                format!("Chỉ xem được {MAX_RESULT_WINDOW} kết quả đầu tiên; hãy thu hẹp tìm kiếm.")
            }
            RequestError::TooManyFilterValues(_) => "Quá nhiều bộ lọc.".to_owned(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Relevance,
    /// Newest document first (by issue date, else effective date), among the best matches.
    Newest,
    Oldest,
}

/// Restrictions on document fields; values within one dimension are alternatives.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    pub doc_types: Vec<String>,
    pub issuers: Vec<String>,
    pub years: Vec<u16>,
    pub demuc: Vec<String>,
    pub status: Vec<Status>,
}

impl Filters {
    pub fn is_empty(&self) -> bool {
        self.doc_types.is_empty()
            && self.issuers.is_empty()
            && self.years.is_empty()
            && self.demuc.is_empty()
            && self.status.is_empty()
    }

    fn validate(&self) -> Result<(), RequestError> {
        let dims = [
            ("loai", self.doc_types.len()),
            ("co-quan", self.issuers.len()),
            ("nam", self.years.len()),
            ("de-muc", self.demuc.len()),
            ("hieu-luc", self.status.len()),
        ];
        match dims.into_iter().find(|(_, n)| *n > MAX_FILTER_VALUES) {
            Some((name, _)) => Err(RequestError::TooManyFilterValues(name)),
            None => Ok(()),
        }
    }
}

/// What was typed, parsed.
#[derive(Debug, Clone, Default)]
pub struct QueryTree {
    /// Free-text syllables, in order (clauses kept, for bigrams).
    pub syllables: Vec<Syllable>,
    /// Quoted phrases: each must occur.
    pub phrases: Vec<Vec<Syllable>>,
    /// Excluded words and phrases: no result contains them.
    pub excluded: Vec<Vec<Syllable>>,
    /// Full document numbers found in the query.
    pub numbers: Vec<DocNumber>,
    /// Number/year references without a type ("nghị định 43/2011").
    pub partial_numbers: Vec<PartialDocNumber>,
    /// The person typed diacritics: exact-diacritic matches rank above folded ones.
    pub has_diacritics: bool,
    /// What the question asks for ("là gì" → a definition).
    pub intents: Vec<Intent>,
    /// Dictionary words of the free text, when typed with diacritics (the segmenter needs
    /// them); segmented once here for the query and the rerank.
    pub words: Vec<String>,
}

impl QueryTree {
    pub fn parse(raw: &str) -> QueryTree {
        let mut tree = QueryTree {
            has_diacritics: analysis::has_diacritics(raw),
            ..QueryTree::default()
        };
        // Document numbers first, blanked out so their digits do not become search words.
        let mut text = raw.to_owned();
        for (range, number) in DocNumber::find_all(raw) {
            blank(&mut text, range);
            if !tree.numbers.contains(&number) {
                tree.numbers.push(number);
            }
        }
        for (range, partial) in find_partial(&text.clone()) {
            blank(&mut text, range);
            tree.partial_numbers.push(partial);
        }

        let mut free = String::with_capacity(text.len());
        let mut rest = text.as_str();
        while let Some(i) = rest.find(['"', '“', '”', '-']) {
            let c = rest[i..].chars().next().unwrap_or('"');
            let at_word_start = rest[..i]
                .chars()
                .next_back()
                .is_none_or(char::is_whitespace);
            free.push_str(&rest[..i]);
            let after = &rest[i + c.len_utf8()..];
            if c == '-' {
                if !at_word_start {
                    free.push(' ');
                    rest = after;
                    continue;
                }
                // "-word" or -"phrase": an exclusion.
                let (target, next) = if let Some(q) = after.strip_prefix(['"', '“']) {
                    match q.find(['"', '”']) {
                        Some(end) => (&q[..end], &q[end + char_len(&q[end..])..]),
                        None => (q, ""),
                    }
                } else {
                    let end = after.find(char::is_whitespace).unwrap_or(after.len());
                    (&after[..end], &after[end..])
                };
                let syl = analysis::syllables(target);
                if !syl.is_empty() {
                    tree.excluded.push(syl);
                }
                rest = next;
            } else {
                match after.find(['"', '“', '”']) {
                    Some(end) => {
                        let syl = analysis::syllables(&after[..end]);
                        match syl.len() {
                            0 => {}
                            // One quoted syllable is a required word, which a phrase also expresses.
                            _ => tree.phrases.push(syl),
                        }
                        rest = &after[end + char_len(&after[end..])..];
                    }
                    None => {
                        // An unbalanced quote: the rest is plain text.
                        free.push(' ');
                        rest = after;
                    }
                }
            }
        }
        free.push_str(rest);
        let mut syllables = expand(&free, analysis::syllables(&free), tree.has_diacritics);
        syllables.truncate(MAX_QUERY_SYLLABLES);
        let interpreted = interpret(&syllables, tree.has_diacritics);
        tree.syllables = interpreted.content;
        tree.intents = interpreted.intents;
        if tree.has_diacritics {
            let text: Vec<&str> = tree.syllables.iter().map(|s| s.exact.as_str()).collect();
            let mut words: Vec<String> = Vec::new();
            for (_, word) in analysis::words(&text.join(" ")) {
                if !words.contains(&word) {
                    words.push(word);
                }
            }
            tree.words = words;
        }
        tree
    }

    /// True when nothing searchable was typed (only operators, punctuation or exclusions).
    pub fn is_empty(&self) -> bool {
        self.syllables.is_empty()
            && self.phrases.is_empty()
            && self.numbers.is_empty()
            && self.partial_numbers.is_empty()
    }
}

/// Byte length of the first character of `s` (closing quotes may be multibyte: `”`).
fn char_len(s: &str) -> usize {
    s.chars().next().map_or(0, char::len_utf8)
}

/// Replaces a byte range with spaces, keeping every other offset valid.
fn blank(text: &mut String, range: std::ops::Range<usize>) {
    if text.is_char_boundary(range.start)
        && text.is_char_boundary(range.end)
        && range.end <= text.len()
    {
        let spaces = " ".repeat(range.len());
        text.replace_range(range, &spaces);
    }
}

/// A validated search request: construct with [`SearchRequest::new`], then adjust.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    raw: String,
    tree: QueryTree,
    pub filters: Filters,
    pub sort: Sort,
    /// Group hits by document instead of listing articles.
    pub group_by_document: bool,
    /// Compute facet counts over the result window.
    pub facets: bool,
    /// Compute highlighted snippets for the page.
    pub snippets: bool,
    page: usize,
    page_size: usize,
}

impl SearchRequest {
    pub fn new(query: &str) -> Result<SearchRequest, RequestError> {
        let chars = query.chars().count();
        if chars > MAX_QUERY_CHARS {
            return Err(RequestError::QueryTooLong { chars });
        }
        let tree = QueryTree::parse(query);
        if tree.is_empty() {
            return Err(RequestError::EmptyQuery);
        }
        Ok(SearchRequest {
            raw: query.trim().to_owned(),
            tree,
            filters: Filters::default(),
            sort: Sort::Relevance,
            group_by_document: false,
            facets: false,
            snippets: true,
            page: 1,
            page_size: DEFAULT_PAGE_SIZE,
        })
    }

    /// Sets the 1-based page and its size.
    pub fn paginate(
        mut self,
        page: usize,
        page_size: usize,
    ) -> Result<SearchRequest, RequestError> {
        if page_size == 0 || page_size > MAX_PAGE_SIZE {
            return Err(RequestError::PageSize(page_size));
        }
        let page = page.max(1);
        if (page - 1).saturating_mul(page_size) >= MAX_RESULT_WINDOW {
            return Err(RequestError::PageTooDeep { page });
        }
        self.page = page;
        self.page_size = page_size;
        Ok(self)
    }

    pub fn with_filters(mut self, filters: Filters) -> Result<SearchRequest, RequestError> {
        filters.validate()?;
        self.filters = filters;
        Ok(self)
    }

    pub fn raw(&self) -> &str {
        &self.raw
    }
    pub fn tree(&self) -> &QueryTree {
        &self.tree
    }
    pub fn page(&self) -> usize {
        self.page
    }
    pub fn page_size(&self) -> usize {
        self.page_size
    }

    /// Index of the first result of the page.
    pub fn offset(&self) -> usize {
        (self.page - 1) * self.page_size
    }

    /// Whether the request needs the whole result window rather than one page.
    pub(crate) fn needs_window(&self) -> bool {
        self.facets || self.group_by_document || self.sort != Sort::Relevance
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(q: &str) -> String {
        let t = QueryTree::parse(q);
        let words = |s: &[Syllable]| {
            s.iter()
                .map(|s| s.exact.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        };
        let mut out = format!("[{}]", words(&t.syllables));
        for p in &t.phrases {
            out += &format!(" +\"{}\"", words(p));
        }
        for p in &t.excluded {
            out += &format!(" -\"{}\"", words(p));
        }
        for n in &t.numbers {
            out += &format!(" #{n}");
        }
        for p in &t.partial_numbers {
            out += &format!(" #{}/{}", p.number, p.year);
        }
        out
    }

    #[test]
    fn parses_operators() {
        assert_eq!(show("kết hôn"), "[kết hôn]");
        assert_eq!(
            show("\"đăng ký kết hôn\" nước ngoài"),
            "[nước ngoài] +\"đăng ký kết hôn\""
        );
        assert_eq!(show("ly hôn -con"), "[ly hôn] -\"con\"");
        assert_eq!(
            show("ly hôn -\"tài sản chung\""),
            "[ly hôn] -\"tài sản chung\""
        );
        assert_eq!(show("\"unbalanced quote"), "[unbalanced quote]");
        assert_eq!(show("tiền-lương"), "[tiền lương]");
        assert_eq!(show("- - \"\""), "[]");
        assert_eq!(
            show("“Địa điểm kinh doanh” không?"),
            "[không] +\"địa điểm kinh doanh\""
        );
        assert_eq!(show("-“a” b"), "[b] -\"a\"");
    }

    #[test]
    fn finds_document_numbers() {
        assert_eq!(show("43/2011/ND-CP"), "[] #43/2011/NĐ-CP");
        assert_eq!(
            show("điều 5 nghị định 43/2011"),
            "[điều 5 nghị định] #43/2011"
        );
    }

    #[test]
    fn validates() {
        assert_eq!(
            SearchRequest::new("  ").unwrap_err(),
            RequestError::EmptyQuery
        );
        assert_eq!(
            SearchRequest::new("-abc").unwrap_err(),
            RequestError::EmptyQuery
        );
        let long = "a ".repeat(MAX_QUERY_CHARS);
        assert!(matches!(
            SearchRequest::new(&long),
            Err(RequestError::QueryTooLong { .. })
        ));
        let r = SearchRequest::new("kết hôn").unwrap();
        assert!(r.clone().paginate(1, 0).is_err());
        assert!(r.clone().paginate(51, 10).is_err());
        assert_eq!(r.paginate(3, 10).unwrap().offset(), 20);
    }
}
