//! The OpenAPI 3 description of `/api/v1`, written by hand. Every parameter has an `example`
//! from the starter content: the integration test calls each path with them and checks the
//! first documented status and its content type.

use axum::Json;
use serde_json::{Value, json};

pub(super) fn error_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } }
    })
}

pub(super) fn json_response(description: &str, schema: &str) -> Value {
    json!({
        "description": description,
        "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } }
    })
}

pub(super) fn query_param(name: &str, description: &str, example: Value, required: bool) -> Value {
    json!({
        "name": name, "in": "query", "required": required, "description": description,
        "schema": { "type": if example.is_number() { "integer" } else { "string" } },
        "example": example
    })
}

pub(super) fn path_param(name: &str, description: &str, example: &str) -> Value {
    json!({
        "name": name, "in": "path", "required": true, "description": description,
        "schema": { "type": "string" }, "example": example
    })
}

pub fn document() -> Value {
    let mut doc = laws();
    let (paths, schemas) = super::procedures::openapi();
    let (feedback_paths, feedback_schemas) = super::feedback::openapi();
    for (target, extra) in [
        ("paths", paths),
        ("components", schemas),
        ("paths", feedback_paths),
        ("components", feedback_schemas),
    ] {
        if let (Some(into), Value::Object(from)) = (doc[target].as_object_mut(), extra) {
            if target == "components" {
                if let Some(s) = into.get_mut("schemas").and_then(Value::as_object_mut) {
                    s.extend(from);
                }
            } else {
                into.extend(from);
            }
        }
    }
    doc
}

fn laws() -> Value {
    let filters = [
        query_param(
            "q",
            "Nội dung tìm kiếm, có dấu hoặc không dấu; có thể là số hiệu.",
            json!("điều kiện kết hôn"),
            true,
        ),
        query_param(
            "loai",
            "Lọc theo loại văn bản (lặp lại được).",
            json!("Luật"),
            false,
        ),
        query_param(
            "co-quan",
            "Lọc theo cơ quan ban hành (lặp lại được).",
            json!("Quốc hội"),
            false,
        ),
        query_param(
            "nam",
            "Lọc theo năm ban hành (lặp lại được).",
            json!(2014),
            false,
        ),
        query_param(
            "de-muc",
            "Lọc theo mã đề mục (lặp lại được).",
            json!("8.4"),
            false,
        ),
        query_param(
            "hieu-luc",
            "Lọc theo hiệu lực: con-hieu-luc, het-hieu-luc-mot-phan, chua-co-hieu-luc, het-hieu-luc, khong-xac-dinh.",
            json!("con-hieu-luc"),
            false,
        ),
        query_param(
            "sap-xep",
            "lien-quan (mặc định), moi-nhat, cu-nhat.",
            json!("lien-quan"),
            false,
        ),
        query_param("trang", "Trang, từ 1 đến 50.", json!(1), false),
        query_param(
            "nhom",
            "dieu (mặc định) hoặc van-ban: nhóm kết quả theo văn bản.",
            json!("dieu"),
            false,
        ),
    ];
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "Tra cứu pháp luật API",
            "version": "1",
            "description": "Tìm kiếm và tra cứu văn bản, điều luật của Bộ pháp điển. Dữ liệu: Bộ pháp điển, Bộ Tư pháp (phapdien.moj.gov.vn)."
        },
        "servers": [{ "url": "/api/v1" }],
        "paths": {
            "/search": { "get": {
                "summary": "Tìm điều luật",
                "parameters": filters,
                "responses": {
                    "200": json_response("Một trang kết quả, với bộ lọc và số lượng", "SearchResponse"),
                    "400": error_response("Tham số không hợp lệ"),
                    "503": error_response("Quá thời gian xử lý (server.request_timeout_ms); thử lại sau")
                }
            }},
            "/documents/{key}": { "get": {
                "summary": "Một văn bản và danh sách điều của nó",
                "parameters": [path_param("key", "Mã văn bản trong địa chỉ: số hiệu viết thường, dấu / thành -", "52-2014-qh13")],
                "responses": {
                    "200": json_response("Văn bản", "Document"),
                    "404": error_response("Không có văn bản")
                }
            }},
            "/articles/{id}": { "get": {
                "summary": "Một điều luật",
                "parameters": [path_param("id", "Mã điều (MAPC của Bộ pháp điển)", "1500100000000000100000100000000000000000")],
                "responses": {
                    "200": json_response("Điều luật", "Article"),
                    "404": error_response("Không có điều luật")
                }
            }},
            "/suggest": { "get": {
                "summary": "Gợi ý theo tiền tố của tên hoặc số hiệu văn bản",
                "parameters": [query_param("q", "Tiền tố, có dấu hoặc không dấu", json!("hon nhan"), true)],
                "responses": { "200": json_response("Tối đa 10 gợi ý", "SuggestResponse") }
            }},
            "/resolve/{number}": { "get": {
                "summary": "Tra số hiệu (mọi cách viết) ra văn bản",
                "parameters": [path_param("number", "Số hiệu, ví dụ 52/2014/QH13, 52-2014-qh13 hoặc 52/2014", "52/2014/QH13")],
                "responses": {
                    "200": json_response("Một văn bản", "ResolveResponse"),
                    "300": json_response("Nhiều văn bản khớp", "ResolveResponse"),
                    "404": error_response("Không có văn bản")
                }
            }},
            "/openapi.json": { "get": {
                "summary": "Tài liệu này",
                "responses": { "200": { "description": "OpenAPI 3", "content": { "application/json": {} } } }
            }}
        },
        "components": { "schemas": {
            "Error": { "type": "object", "required": ["error"], "properties": {
                "error": { "type": "object", "required": ["code", "message"], "properties": {
                    "code": { "type": "string", "enum": ["bad_request", "not_found", "timeout", "internal"] },
                    "message": { "type": "string", "description": "Lời giải thích bằng tiếng Việt" }
                }}
            }},
            "Status": { "type": "object", "properties": {
                "code": { "type": "string" }, "label": { "type": "string" }
            }},
            "DocumentSummary": { "type": "object", "properties": {
                "key": { "type": "string" }, "so_hieu": { "type": "string" },
                "doc_type": { "type": "string" }, "title": { "type": "string" },
                "display_title": { "type": "string" },
                "issued": { "type": "string", "format": "date", "nullable": true },
                "status": { "$ref": "#/components/schemas/Status" },
                "url": { "type": "string" }, "api_url": { "type": "string" }
            }},
            "Document": { "allOf": [{ "$ref": "#/components/schemas/DocumentSummary" }, { "type": "object", "properties": {
                "issuer": { "type": "string", "nullable": true },
                "signer": { "type": "string", "nullable": true },
                "effective_from": { "type": "string", "format": "date", "nullable": true },
                "demuc": { "type": "array", "items": { "type": "object", "properties": { "code": { "type": "string" }, "name": { "type": "string" } } } },
                "source_url": { "type": "string", "nullable": true },
                "snapshot": { "type": "string" }, "outdated": { "type": "boolean" },
                "articles": { "type": "array", "items": { "type": "object", "properties": {
                    "id": { "type": "string" }, "number": { "type": "string", "nullable": true },
                    "title": { "type": "string" }, "chapter": { "type": "string", "nullable": true },
                    "url": { "type": "string" }
                }}}
            }}]},
            "Article": { "type": "object", "properties": {
                "id": { "type": "string" }, "label": { "type": "string" },
                "number": { "type": "string", "nullable": true }, "title": { "type": "string" },
                "text": { "type": "string" }, "chapter": { "type": "string", "nullable": true },
                "citation": { "type": "string", "nullable": true },
                "source_url": { "type": "string", "nullable": true },
                "related": { "type": "array", "items": { "type": "string" } },
                "snapshot": { "type": "string" }, "outdated": { "type": "boolean" },
                "url": { "type": "string" },
                "document": { "$ref": "#/components/schemas/DocumentSummary" }
            }},
            "Span": { "type": "object", "properties": { "text": { "type": "string" }, "highlight": { "type": "boolean" } } },
            "Hit": { "type": "object", "properties": {
                "id": { "type": "string" }, "label": { "type": "string" },
                "number": { "type": "string", "nullable": true }, "title": { "type": "string" },
                "title_highlighted": { "type": "array", "items": { "$ref": "#/components/schemas/Span" } },
                "fragments": { "type": "array", "items": { "type": "object", "properties": {
                    "spans": { "type": "array", "items": { "$ref": "#/components/schemas/Span" } },
                    "leading": { "type": "boolean" }, "trailing": { "type": "boolean" }
                }}},
                "score": { "type": "number" }, "url": { "type": "string" },
                "document": { "$ref": "#/components/schemas/DocumentSummary" }
            }},
            "Facet": { "type": "array", "items": { "type": "object", "properties": {
                "value": { "type": "string" }, "label": { "type": "string" }, "count": { "type": "integer" }
            }}},
            "SearchResponse": { "type": "object", "properties": {
                "query": { "type": "string" }, "page": { "type": "integer" }, "page_size": { "type": "integer" },
                "total": { "type": "integer" }, "total_is_lower_bound": { "type": "boolean" },
                "has_more": { "type": "boolean" },
                "number_match": { "$ref": "#/components/schemas/DocumentSummary" },
                "hits": { "type": "array", "items": { "$ref": "#/components/schemas/Hit" } },
                "groups": { "type": "array", "items": { "type": "object", "properties": {
                    "document": { "$ref": "#/components/schemas/DocumentSummary" },
                    "doc_key": { "type": "string" }, "matched_articles": { "type": "integer" },
                    "hits": { "type": "array", "items": { "$ref": "#/components/schemas/Hit" } }
                }}},
                "facets": { "type": "object", "properties": {
                    "loai": { "$ref": "#/components/schemas/Facet" },
                    "co-quan": { "$ref": "#/components/schemas/Facet" },
                    "nam": { "$ref": "#/components/schemas/Facet" },
                    "de-muc": { "$ref": "#/components/schemas/Facet" },
                    "hieu-luc": { "$ref": "#/components/schemas/Facet" }
                }},
                "took_us": { "type": "integer" }
            }},
            "SuggestResponse": { "type": "object", "properties": {
                "query": { "type": "string" },
                "suggestions": { "type": "array", "maxItems": 10, "items": { "type": "object", "properties": {
                    "label": { "type": "string" }, "so_hieu": { "type": "string" }, "url": { "type": "string" }
                }}}
            }},
            "ResolveResponse": { "type": "object", "properties": {
                "status": { "type": "string", "enum": ["found", "ambiguous"] },
                "document": { "$ref": "#/components/schemas/DocumentSummary" },
                "candidates": { "type": "array", "items": { "$ref": "#/components/schemas/DocumentSummary" } }
            }}
        }}
    })
}

/// `/api/v1/openapi.json`.
pub async fn openapi() -> Json<Value> {
    Json(document())
}
