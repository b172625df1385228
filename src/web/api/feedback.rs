//! `POST /api/v1/feedback` (a question or feedback as JSON, with an `Idempotency-Key` header:
//! the form's validation, rate limit and idempotency) and `GET /api/v1/feedback/{code}` (the
//! tracking view: status history and answer, never personal data).

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::openapi::{error_response, json_response, path_param};
use crate::feedback::{Feedback, FeedbackError, SubmissionForm, token_hash, vn_date};
use crate::web::error::{ApiError, WebError};
use crate::web::pages::ApiSegment;
use crate::web::pages::feedback::{no_store, service};
use crate::web::pages::forms::Client;
use crate::web::state::AppState;

/// Shortest and longest `Idempotency-Key` accepted, in bytes of visible ASCII.
pub const MIN_IDEMPOTENCY_KEY: usize = 8;
pub const MAX_IDEMPOTENCY_KEY: usize = 128;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubmissionJson {
    pub kind: String,
    pub subject: String,
    pub body: String,
    pub name: String,
    pub contact: String,
    #[serde(default)]
    pub consent_publish: bool,
    #[serde(default)]
    pub procedure: Option<String>,
}

#[derive(Serialize)]
pub struct ReceiptJson {
    pub code: String,
    /// False when the idempotency key had been used: the first submission's receipt.
    pub created: bool,
    pub received_at: String,
    pub due_date: String,
    pub tracking_url: String,
    pub api_url: String,
}

#[derive(Serialize)]
pub struct EventJson {
    pub date: String,
    pub status: &'static str,
    pub label: &'static str,
    pub unit: Option<String>,
}

#[derive(Serialize)]
pub struct TrackingJson {
    pub code: String,
    pub kind: &'static str,
    pub subject: String,
    pub status: &'static str,
    pub label: &'static str,
    pub unit: Option<String>,
    pub received_at: String,
    pub due_date: String,
    pub events: Vec<EventJson>,
    pub answer: Option<String>,
}

fn bad(message: &str) -> ApiError {
    ApiError(WebError::BadRequest(message.to_owned()))
}

/// The service's key (32 hex digits) for a client's `Idempotency-Key`: the same key always
/// maps to the same submission, and never to a form's key.
fn idempotency_key(headers: &HeaderMap) -> Result<String, ApiError> {
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .unwrap_or("");
    let ok = (MIN_IDEMPOTENCY_KEY..=MAX_IDEMPOTENCY_KEY).contains(&key.len())
        && key.bytes().all(|b| b.is_ascii_graphic());
    if !ok {
        return Err(bad(&format!(
            "Cần tiêu đề Idempotency-Key: từ {MIN_IDEMPOTENCY_KEY} đến {MAX_IDEMPOTENCY_KEY} ký tự ASCII (ví dụ một UUID), mỗi lần gửi một khoá mới; gửi lại với cùng khoá không tạo bản mới."
        )));
    }
    Ok(token_hash(&format!("api\u{1f}{key}"))[..32].to_owned())
}

/// `POST /api/v1/feedback`: 201 with the receipt once committed (a repeated key gets the same
/// answer, the first submission's receipt with `created: false`, as a retry should); 400 with `error.fields` naming each wrong field; 429 over the rate limit.
pub async fn submit(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let fb = service(&state)?;
    let key = idempotency_key(&headers)?;
    let input: SubmissionJson = serde_json::from_slice(&body).map_err(|e| {
        bad(&format!(
            "Nội dung không phải JSON hợp lệ theo lược đồ FeedbackSubmission (dòng {}, cột {}).",
            e.line(),
            e.column()
        ))
    })?;
    let form = SubmissionForm {
        kind: input.kind,
        subject: input.subject,
        body: input.body,
        name: input.name,
        contact: input.contact,
        consent_publish: input.consent_publish,
        procedure: input.procedure.unwrap_or_default(),
    };
    match fb.submit(&form, &key, &client).await {
        Ok(r) => {
            let receipt = ReceiptJson {
                tracking_url: format!("/theo-doi/{}", r.code),
                api_url: format!("/api/v1/feedback/{}", r.code),
                created: r.created,
                received_at: vn_date(r.received_at).to_string(),
                due_date: r.due_date.to_string(),
                code: r.code,
            };
            Ok(no_store(
                (StatusCode::CREATED, Json(receipt)).into_response(),
            ))
        }
        Err(FeedbackError::Invalid(errors)) => {
            let fields: serde_json::Map<String, Value> = errors
                .0
                .iter()
                .map(|(f, m)| ((*f).to_owned(), Value::String(m.clone())))
                .collect();
            let body = json!({ "error": {
                "code": "invalid_submission",
                "message": "Có trường chưa hợp lệ; xem error.fields.",
                "fields": fields,
            }});
            Ok(no_store(
                (StatusCode::BAD_REQUEST, Json(body)).into_response(),
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /api/v1/feedback/{code}`: the tracking view.
pub async fn track(
    State(state): State<AppState>,
    ApiSegment(code): ApiSegment,
) -> Result<Response, ApiError> {
    let fb: std::sync::Arc<Feedback> = service(&state)?;
    let t = fb.tracking(&code).await?.ok_or_else(|| {
        ApiError(WebError::NotFound(
            "Không có câu hỏi, góp ý nào với mã theo dõi này.".to_owned(),
        ))
    })?;
    let unit = |c: &Option<String>| c.as_deref().map(|c| fb.unit_name(c));
    let view = TrackingJson {
        kind: t.kind.slug(),
        subject: t.subject.clone(),
        status: t.status.slug(),
        label: t.status.label_vi(),
        unit: unit(&t.unit),
        received_at: vn_date(t.received_at).to_string(),
        due_date: t.due_date.to_string(),
        events: t
            .events
            .iter()
            .map(|e| EventJson {
                date: vn_date(e.at).to_string(),
                status: e.status.slug(),
                label: e.status.label_vi(),
                unit: unit(&e.unit),
            })
            .collect(),
        answer: t.answer.clone(),
        code: t.code,
    };
    Ok(no_store(Json(view).into_response()))
}

/// The feedback paths and schemas of the OpenAPI document.
pub fn openapi() -> (Value, Value) {
    let example = json!({
        "kind": "hoi-phap-luat",
        "subject": "Đăng ký khai sinh",
        "body": "Con tôi sinh ở nước ngoài, về nước thì đăng ký khai sinh cho con ở đâu?",
        "name": "Nguyễn Văn A",
        "contact": "nguyen.van.a@example.vn",
        "consent_publish": true,
        "procedure": "1.000110"
    });
    let paths = json!({
        "/feedback": { "post": {
            "summary": "Gửi câu hỏi về pháp luật hoặc góp ý về thủ tục, quy định",
            "parameters": [{
                "name": "Idempotency-Key", "in": "header", "required": true,
                "description": format!("Khoá do máy khách tạo cho mỗi lần gửi ({MIN_IDEMPOTENCY_KEY}–{MAX_IDEMPOTENCY_KEY} ký tự ASCII, ví dụ UUID); gửi lại với cùng khoá trả về biên nhận cũ, không tạo bản mới."),
                "schema": { "type": "string" }, "example": "6f1c2a4e-5b7d-4e0a-9c3b-2d8e1f0a7b64"
            }],
            "requestBody": { "required": true, "content": { "application/json": {
                "schema": { "$ref": "#/components/schemas/FeedbackSubmission" }, "example": example
            }}},
            "responses": {
                "201": json_response("Đã nhận (sau khi đã lưu): biên nhận với mã theo dõi; với khoá đã dùng, biên nhận của lần gửi trước (created: false)", "FeedbackReceipt"),
                "400": error_response("Thiếu hoặc sai Idempotency-Key, JSON sai, hoặc trường không hợp lệ (error.fields)"),
                "413": { "description": "Nội dung quá 16 KiB" },
                "429": error_response("Gửi quá nhiều lần từ một địa chỉ")
            }
        }},
        "/feedback/{code}": { "get": {
            "summary": "Tình trạng xử lý theo mã theo dõi (không có thông tin cá nhân)",
            "parameters": [path_param("code", "Mã theo dõi, dạng XXXX-XXXX-XXXX-XXXX (ví dụ: mã do POST /feedback trả về)", "03B2-V7C3-WJDV-ZK9H")],
            "responses": {
                "200": json_response("Quá trình xử lý và câu trả lời", "FeedbackTracking"),
                "404": error_response("Không có mã theo dõi này")
            }
        }},
    });
    let schemas = json!({
        "FeedbackSubmission": { "type": "object", "additionalProperties": false,
            "required": ["kind", "subject", "body", "name", "contact"],
            "properties": {
                "kind": { "type": "string", "enum": ["hoi-phap-luat", "gop-y", "khac"] },
                "subject": { "type": "string", "maxLength": crate::feedback::MAX_SUBJECT_CHARS },
                "body": { "type": "string", "minLength": crate::feedback::MIN_BODY_CHARS, "maxLength": crate::feedback::MAX_BODY_CHARS },
                "name": { "type": "string", "maxLength": crate::feedback::MAX_NAME_CHARS },
                "contact": { "type": "string", "description": "Email hoặc số điện thoại", "maxLength": crate::feedback::MAX_CONTACT_CHARS },
                "consent_publish": { "type": "boolean", "default": false },
                "procedure": { "type": "string", "description": "Mã thủ tục (ma_thu_tuc), nếu có" }
            }},
        "FeedbackReceipt": { "type": "object", "properties": {
            "code": { "type": "string" }, "created": { "type": "boolean" },
            "received_at": { "type": "string", "format": "date" },
            "due_date": { "type": "string", "format": "date" },
            "tracking_url": { "type": "string" }, "api_url": { "type": "string" }
        }},
        "FeedbackTracking": { "type": "object", "properties": {
            "code": { "type": "string" }, "kind": { "type": "string" }, "subject": { "type": "string" },
            "status": { "type": "string", "enum": ["received", "assigned", "answered", "published"] },
            "label": { "type": "string" }, "unit": { "type": "string", "nullable": true },
            "received_at": { "type": "string", "format": "date" },
            "due_date": { "type": "string", "format": "date" },
            "events": { "type": "array", "items": { "type": "object", "properties": {
                "date": { "type": "string", "format": "date" }, "status": { "type": "string" },
                "label": { "type": "string" }, "unit": { "type": "string", "nullable": true }
            }}},
            "answer": { "type": "string", "nullable": true }
        }},
    });
    (paths, schemas)
}
