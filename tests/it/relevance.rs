//! Ranking checks on the starter corpus: one line per query, the expected top results as text
//! ("label | title"), so a change in ranking shows as a readable diff.

use tracuu::search::{self, SearchRequest};

use crate::support::content_index;

fn check(query: &str, expected: &[&str]) {
    let index = content_index();
    let request = SearchRequest::new(query)
        .expect("valid query")
        .paginate(1, expected.len())
        .expect("page");
    let results = search::search(index, &request).expect("search runs");
    let got: Vec<String> = results
        .hits
        .iter()
        .map(|h| format!("{} | {}", h.article.label, h.article.title))
        .collect();
    assert_eq!(got, expected, "query {query:?}");
}

#[test]
fn marriage_conditions_with_and_without_diacritics() {
    let expected = ["Điều 8.4.LQ.8 | Điều kiện kết hôn"];
    check("điều kiện kết hôn", &expected);
    check("dieu kien ket hon", &expected);
    check("Điều kiện kết hôn được quy định như thế nào?", &expected);
}

#[test]
fn birth_registration() {
    check(
        "đăng ký khai sinh",
        &[
            "Điều 15.6.TT.4.7 | Đăng ký khai sinh",
            "Điều 15.3.LQ.14 | Nội dung đăng ký khai sinh",
        ],
    );
}

#[test]
fn maternity_leave() {
    check(
        "nghỉ thai sản",
        &[
            "Điều 20.2.LQ.139 | Nghỉ thai sản",
            "Điều 20.2.LQ.140 | Bảo đảm việc làm cho lao động nghỉ thai sản",
        ],
    );
}

#[test]
fn tone_placement_variants_meet() {
    // "hoà" (new style) in the query, "hòa" in the law.
    let index = content_index();
    for q in ["tiêu chuẩn hoà giải viên", "tiêu chuẩn hòa giải viên"] {
        let r = search::search(index, &SearchRequest::new(q).unwrap()).unwrap();
        assert_eq!(r.hits[0].article.title, "Tiêu chuẩn hòa giải viên", "{q}");
    }
}

#[test]
fn joint_property_phrase() {
    check(
        "\"tài sản chung\" vợ chồng",
        &["Điều 8.4.LQ.33 | Tài sản chung của vợ chồng"],
    );
}
