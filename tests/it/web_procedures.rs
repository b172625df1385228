//! The procedure pages and API through the router, in process, over the starter index (content/
//! with its curated procedures): search with filters and counts, the detail page with its
//! checklist, channel table and linked legal basis, the document page's back-links, the unified
//! search page's procedure section, hostile input, and page weight.

use axum::http::StatusCode;

use crate::web::{
    PAGE_BUDGET_BYTES, enc, expect_status, get, get_gzipped, is_html, is_json, json, stylesheet_url,
};

#[tokio::test]
async fn procedure_search_page_with_filters_and_counts() {
    let uri = format!("/thu-tuc?q={}", enc("làm giấy khai sinh cho con"));
    let r = get(&uri).await;
    expect_status(&r, StatusCode::OK, &uri);
    assert!(is_html(&r));
    r.has("<html lang=\"vi\"")
        .has("Thủ tục đăng ký khai sinh")
        .has("href=\"/thu-tuc/1.001193\"")
        .has("Lọc thủ tục")
        .has("Cách nộp hồ sơ")
        .has("Nộp trực tuyến")
        .has("Lĩnh vực")
        .has("Hộ tịch</a> (")
        .has("đăng ký khai sinh")
        .has("label for=\"q\"");
    // A filter narrows and is shown as active, with a link to remove it.
    let uri = format!(
        "/thu-tuc?q={}&kenh=truc-tuyen&linh-vuc={}",
        enc("khai sinh"),
        enc("Hộ tịch")
    );
    let r = get(&uri).await;
    expect_status(&r, StatusCode::OK, &uri);
    r.has("Đang lọc")
        .has("Bỏ tất cả bộ lọc")
        .has("aria-current=\"true\"");
    // Browsing without a query lists every procedure.
    let r = get("/thu-tuc").await;
    expect_status(&r, StatusCode::OK, "/thu-tuc");
    r.has("thủ tục").has("Phân trang");
}

#[tokio::test]
async fn procedure_search_refuses_bad_input_in_vietnamese() {
    for (uri, message) in [
        ("/thu-tuc?kenh=bay".to_owned(), "Cách thức nộp không hợp lệ"),
        ("/thu-tuc?q=x&trang=0".to_owned(), "Số trang"),
        ("/thu-tuc?q=x&trang=9999".to_owned(), "Số trang"),
        (format!("/thu-tuc?q={}", "a".repeat(600)), "quá dài"),
        (
            format!(
                "/thu-tuc?q=x{}",
                (0..11).map(|i| format!("&cap=c{i}")).collect::<String>()
            ),
            "tối đa",
        ),
    ] {
        let r = get(&uri).await;
        expect_status(&r, StatusCode::BAD_REQUEST, &uri);
        r.has(message)
            .has("role=\"alert\"")
            .has("action=\"/thu-tuc\"");
    }
    let r = get(&format!("/thu-tuc?q={}", enc("<script>alert(1)</script>"))).await;
    expect_status(&r, StatusCode::OK, "hostile");
    r.lacks("<script>alert").has("&lt;script&gt;");
    let r = get("/thu-tuc?q=%FF%FE").await;
    assert!(r.status == StatusCode::OK || r.status == StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn no_result_page_suggests_names() {
    let r = get(&format!(
        "/thu-tuc?q={}&kenh=buu-chinh&cap={}",
        enc("khai sinh"),
        enc("Không có cấp này")
    ))
    .await;
    expect_status(&r, StatusCode::OK, "no results");
    r.has("Không tìm thấy thủ tục phù hợp")
        .has("Có phải bạn tìm");
}

#[tokio::test]
async fn procedure_detail_page() {
    let r = get("/thu-tuc/1.001193").await;
    expect_status(&r, StatusCode::OK, "/thu-tuc/1.001193");
    r.has("<h1>Thủ tục đăng ký khai sinh</h1>")
        .has("Cách nộp, thời hạn và lệ phí")
        .has("<th scope=\"col\">Thời hạn</th>")
        .has("Hồ sơ cần chuẩn bị")
        .has("type=\"checkbox\"")
        .has("Các bước thực hiện")
        .has("Căn cứ pháp lý")
        // Luật Hộ tịch is in content/: its number links to the document page.
        .has("href=\"/van-ban/60-2014-qh13\"")
        .has("rel=\"canonical\" href=\"/thu-tuc/1.001193\"");
    // Sections in the order a person needs them.
    let at = |s: &str| r.body.find(s).unwrap_or_else(|| panic!("{s}"));
    assert!(at("id=\"cach-nop\"") < at("id=\"ho-so\""));
    assert!(at("id=\"ho-so\"") < at("id=\"cac-buoc\""));
    assert!(at("id=\"cac-buoc\"") < at("id=\"can-cu\""));
    for uri in ["/thu-tuc/9.999999", "/thu-tuc/%3Cscript%3E", "/thu-tuc/%FF"] {
        let r = get(uri).await;
        expect_status(&r, StatusCode::NOT_FOUND, uri);
        assert!(is_html(&r));
        r.lacks("<script>");
    }
}

/// A question seldom says which level it means: the page of one level's procedure links the
/// others, and a procedure without such twins shows no such section.
#[tokio::test]
async fn a_procedure_page_links_the_same_procedure_at_other_levels() {
    let r = get("/thu-tuc/2.001194").await;
    expect_status(&r, StatusCode::OK, "/thu-tuc/2.001194");
    r.has("Cùng thủ tục ở cấp khác")
        .has("href=\"/thu-tuc/1.000757\"")
        .has("Cấp lại thẻ căn cước (thực hiện tại cấp trung ương)")
        .lacks("href=\"/thu-tuc/1.000889\"");
    let at = |s: &str| r.body.find(s).unwrap_or_else(|| panic!("{s}"));
    assert!(at("id=\"cap-khac\"") < at("id=\"cach-nop\""));
    get("/thu-tuc/1.001193")
        .await
        .lacks("Cùng thủ tục ở cấp khác");
    let v = json(&get("/api/v1/procedures/2.001194").await);
    let others: Vec<&str> = v["other_levels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["ma"].as_str().unwrap())
        .collect();
    assert!(others.contains(&"1.000757"), "{v:#}");
    assert!(!others.contains(&"2.001194"), "{v:#}");
}

#[tokio::test]
async fn a_document_page_lists_the_procedures_resting_on_it() {
    let r = get("/van-ban/60-2014-qh13").await;
    expect_status(&r, StatusCode::OK, "Luật Hộ tịch");
    r.has("Thủ tục hành chính căn cứ văn bản này")
        .has("href=\"/thu-tuc/1.001193\"");
}

#[tokio::test]
async fn the_search_page_shows_procedures_beside_laws() {
    let uri = format!("/tim-kiem?q={}", enc("đăng ký khai sinh"));
    let r = get(&uri).await;
    expect_status(&r, StatusCode::OK, &uri);
    r.has("<h2 id=\"tt\">Thủ tục hành chính</h2>")
        .has("href=\"/thu-tuc/1.001193\"")
        .has("Kết quả");
}

/// The source lists a channel once per case: "Chứng thực bản sao từ bản chính" has two rows,
/// both in person. A list shows each way of filing once.
#[tokio::test]
async fn a_listed_procedure_names_each_channel_once() {
    let v = json(&get("/api/v1/procedures/2.000815").await);
    let kinds: Vec<&str> = v["channels"]["parsed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["truc-tiep", "truc-tiep"], "{v:#}");
    let q = enc("chứng thực bản sao từ bản chính giấy tờ do cơ quan nước ngoài cấp");
    let v = json(&get(&format!("/api/v1/procedures?q={q}")).await);
    let hit = v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["ma"] == "2.000815")
        .unwrap_or_else(|| panic!("2.000815 not found: {v:#}"));
    assert_eq!(hit["channels"], serde_json::json!(["truc-tiep"]), "{hit:#}");
    let uri = format!("/thu-tuc?q={q}");
    let r = get(&uri).await;
    expect_status(&r, StatusCode::OK, &uri);
    r.has("href=\"/thu-tuc/2.000815\"")
        .lacks("Nộp trực tiếp, Nộp trực tiếp");
}

#[tokio::test]
async fn procedure_api() {
    let r = get(&format!(
        "/api/v1/procedures?q={}&kenh=truc-tuyen",
        enc("nhập hộ khẩu")
    ))
    .await;
    expect_status(&r, StatusCode::OK, "api search");
    assert!(is_json(&r));
    let v = json(&r);
    assert_eq!(v["hits"][0]["ma"], "1.004222", "{v:#}");
    assert!(
        v["expanded"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e == "đăng ký thường trú")
    );
    assert!(v["facets"]["kenh"][0]["count"].as_u64().unwrap() >= 1);
    let v = json(&get("/api/v1/procedures/1.001193").await);
    assert_eq!(v["name"], "Thủ tục đăng ký khai sinh");
    assert!(v["channels"]["parsed"].as_array().unwrap().len() >= 2);
    assert!(
        v["legal_basis"]["parsed"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["document_url"] == "/van-ban/60-2014-qh13"),
        "{v:#}"
    );
    let v = json(&get("/api/v1/procedures/suggest?q=dang%20ky%20khai").await);
    assert!(v["suggestions"].as_array().unwrap().len() >= 2, "{v:#}");
    for (uri, status) in [
        ("/api/v1/procedures/0.000000", StatusCode::NOT_FOUND),
        ("/api/v1/procedures?kenh=fax", StatusCode::BAD_REQUEST),
        ("/api/v1/procedures?trang=-1", StatusCode::BAD_REQUEST),
    ] {
        let r = get(uri).await;
        expect_status(&r, status, uri);
        let v = json(&r);
        assert!(v["error"]["message"].as_str().unwrap().len() > 5, "{uri}");
    }
}

#[tokio::test]
async fn procedure_pages_weigh_at_most_15_kb_gzipped() {
    let mut report = Vec::new();
    let mut uris = vec![
        format!("/thu-tuc?q={}", enc("đăng ký khai sinh")),
        format!(
            "/thu-tuc?q={}&kenh=truc-tuyen",
            enc("lam giay khai sinh cho con")
        ),
        "/thu-tuc".to_owned(),
    ];
    // The detail pages of the procedures people ask about most.
    for ma in [
        "1.001193", "1.000894", "1.004222", "1.004194", "1.012786", "1.001612",
    ] {
        uris.push(format!("/thu-tuc/{ma}"));
    }
    for uri in uris {
        let (html_gz, html) = get_gzipped(&uri).await;
        let (css_gz, css) = get_gzipped(&stylesheet_url(&html)).await;
        assert!(css.contains("@media print"));
        let total = html_gz + css_gz;
        report.push(format!(
            "{uri}: html {} B, {total} B gzip with css",
            html.len()
        ));
        assert!(total <= PAGE_BUDGET_BYTES, "{}", report.join("\n"));
    }
    println!("{}", report.join("\n"));
}
