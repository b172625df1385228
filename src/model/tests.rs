use super::*;

#[test]
fn url_slugs() {
    for (key, slug) in [
        ("43/2011/NĐ-CP", "43-2011-nd-cp"),
        ("43/2011/nd-cp", "43-2011-nd-cp"),
        ("43-2011-ND-CP", "43-2011-nd-cp"),
        (" 43 / 2011 / nđ – cp ", "43-2011-nd-cp"),
        ("01/2014/NQLT-CP-UBT", "01-2014-nqlt-cp-ubt"),
        ("18/2020/QĐ-TTg", "18-2020-qd-ttg"),
        ("vbpl-12345", "vbpl-12345"),
        ("Bộ luật", "bo-luat"),
        ("///", ""),
    ] {
        assert_eq!(url_slug(key), slug, "{key:?}");
    }
}

#[test]
fn article_ordinals() {
    let mut a: Article = serde_json::from_str(
        r#"{"id":"x","doc_key":"k","label":"Điều 1.1","title":"t","text":"","demuc_code":"1.1",
            "demuc_name":"n","provenance":{"source":"s","snapshot":"2026-01"}}"#,
    )
    .unwrap();
    assert_eq!(a.ordinal(), None);
    for (number, want) in [
        ("Điều 12", Some((12, ""))),
        ("Điều 12a", Some((12, "a"))),
        ("Điều 7 b", Some((7, "b"))),
        ("Khoản 3", None),
        ("Điều", None),
    ] {
        a.number = Some(number.to_owned());
        assert_eq!(
            a.ordinal(),
            want.map(|(n, s)| (n, s.to_owned())),
            "{number}"
        );
    }
}

#[test]
fn display_titles() {
    let mut d: Document = serde_json::from_str(
        r#"{"key":"52/2014/QH13","so_hieu":"52/2014/QH13","doc_type":"Luật",
            "title":"Hôn nhân và gia đình","provenance":{"source":"s","snapshot":"2026-01"}}"#,
    )
    .unwrap();
    assert_eq!(d.display_title(), "Luật Hôn nhân và gia đình");
    d.title = "Luật Hôn nhân và gia đình".into();
    assert_eq!(d.display_title(), "Luật Hôn nhân và gia đình");
    d.doc_type = "Nghị định".into();
    d.title = "Quy định chi tiết".into();
    assert_eq!(d.display_title(), "Quy định chi tiết");
    d.title = " ".into();
    assert_eq!(d.display_title(), "Nghị định số 52/2014/QH13");
    d.doc_type.clear();
    d.so_hieu.clear();
    d.key = "vbpl-1".into();
    assert_eq!(d.display_title(), "Văn bản vbpl-1");
}
