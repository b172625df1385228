//! The citizens' side: `/gop-y` (form, preview of similar answers, submission, receipt),
//! `/theo-doi` (tracking by code), `/hoi-dap` (published answers). Personal data goes from
//! the form to the store and nowhere else: no view model here has a field for it except the
//! form's own echo of what the person typed.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use super::Segment;
use super::forms::{CSRF_COOKIE, Client, Fields, csrf_ok, csrf_token, set_cookie};
use crate::feedback::{
    Feedback, FeedbackError, FieldErrors, Kind, MAX_PROCEDURE_CHARS, MAX_SUBJECT_CHARS, Published,
    SIMILAR_SHOWN, SubmissionForm, field, now_ms, token, vn_date,
};
use crate::model::Date;
use crate::web::error::WebError;
use crate::web::state::AppState;
use crate::web::views::feedback::{
    AnswerLink, AnswerView, FormView, ReceiptView, TrackingView, answer_page, answers_page,
    form_page, receipt_page, tracking_form, tracking_page,
};

/// Answers listed on `/hoi-dap`.
const ANSWERS_LISTED: usize = 50;
/// Characters of an answer shown in a list.
const EXCERPT_CHARS: usize = 240;

/// The feedback service, or a 404 when the site runs without it.
pub fn service(state: &AppState) -> Result<Arc<Feedback>, WebError> {
    state
        .feedback()
        .cloned()
        .ok_or_else(WebError::not_found_page)
}

fn query_param(raw: Option<&str>, name: &str) -> Option<String> {
    form_urlencoded::parse(raw.unwrap_or("").as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// `GET /gop-y`: the empty form, the subject, kind and procedure prefilled from `?chu-de=`,
/// `?loai=` and `?thu-tuc=` (links from document, article and procedure pages).
pub async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    service(&state)?;
    let subject: String = query_param(raw.as_deref(), "chu-de")
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_SUBJECT_CHARS)
        .collect();
    let kind = query_param(raw.as_deref(), "loai")
        .filter(|k| Kind::parse(k).is_some())
        .unwrap_or_default();
    // Shown as typed in its field; a wrong one is refused beside it when the form is sent.
    let procedure: String = query_param(raw.as_deref(), field::PROCEDURE)
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_PROCEDURE_CHARS)
        .collect();
    let (csrf, new) = csrf_token(&headers);
    let view = FormView {
        kind,
        subject,
        body: String::new(),
        name: String::new(),
        contact: String::new(),
        consent: false,
        procedure,
        csrf: csrf.clone(),
        idempotency_key: token(16),
        errors: FieldErrors::default(),
        notice: None,
        similar: None,
    };
    Ok(with_csrf(
        &state,
        form_page(&view).into_response(),
        &csrf,
        new,
    ))
}

fn with_csrf(state: &AppState, mut response: Response, csrf: &str, new: bool) -> Response {
    if new {
        response.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(CSRF_COOKIE, csrf, "/", state.secure_cookies(), None),
        );
    }
    no_store(response)
}

/// Pages with what a person typed or their tracking code stay out of caches.
pub fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `POST /gop-y`: `buoc=xem-truoc` shows the similar answers above the form kept as typed;
/// `buoc=gui` stores the submission and shows the receipt once it is committed.
pub async fn submit(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let fb = service(&state)?;
    let fields = Fields::parse(&body);
    if !csrf_ok(&headers, &fields) {
        return Err(WebError::Forbidden(
            "Biểu mẫu đã hết hạn hoặc không được gửi từ trang của chúng tôi. Vui lòng mở lại trang Gửi câu hỏi và gửi lại."
                .to_owned(),
        ));
    }
    if !fields.get("website").is_empty() {
        return Err(WebError::BadRequest(
            "Không gửi được biểu mẫu. Nếu bạn dùng trình tự động điền, hãy tắt nó rồi gửi lại."
                .to_owned(),
        ));
    }
    let typed = SubmissionForm {
        kind: fields.get(field::KIND).to_owned(),
        subject: fields.get(field::SUBJECT).to_owned(),
        body: fields.get(field::BODY).to_owned(),
        name: fields.get(field::NAME).to_owned(),
        contact: fields.get(field::CONTACT).to_owned(),
        consent_publish: fields.has(field::CONSENT),
        procedure: fields.get(field::PROCEDURE).to_owned(),
    };
    let key = fields.get("khoa").to_owned();
    let csrf = fields.get("csrf").to_owned();
    let again =
        |errors: FieldErrors, notice: Option<String>, similar: Option<Vec<AnswerLink>>| FormView {
            kind: typed.kind.clone(),
            subject: typed.subject.clone(),
            body: typed.body.clone(),
            name: typed.name.clone(),
            contact: typed.contact.clone(),
            consent: typed.consent_publish,
            procedure: typed.procedure.clone(),
            csrf: csrf.clone(),
            idempotency_key: if key.len() == 32 {
                key.clone()
            } else {
                token(16)
            },
            errors,
            notice,
            similar,
        };
    if fields.get("buoc") == "xem-truoc" {
        let text = format!("{} {}", typed.subject, typed.body);
        let similar = fb.similar(&text, SIMILAR_SHOWN)?;
        let errors = typed.validate().err().unwrap_or_default();
        let view = again(errors, None, Some(similar.iter().map(link).collect()));
        return Ok(no_store(form_page(&view).into_response()));
    }
    match fb.submit(&typed, &key, &client).await {
        Ok(receipt) => Ok(no_store(
            receipt_page(&ReceiptView {
                code: receipt.code,
                due: receipt.due_date.to_vi(),
                repeated: !receipt.created,
            })
            .into_response(),
        )),
        Err(FeedbackError::Invalid(errors)) => Ok(no_store(
            (StatusCode::BAD_REQUEST, form_page(&again(errors, None, None))).into_response(),
        )),
        Err(FeedbackError::RateLimited) => Ok(no_store(
            (
                StatusCode::TOO_MANY_REQUESTS,
                form_page(&again(
                    FieldErrors::default(),
                    Some("Bạn đã gửi nhiều câu hỏi trong một giờ qua. Nội dung vẫn được giữ dưới đây; vui lòng gửi lại sau ít phút.".to_owned()),
                    None,
                )),
            )
                .into_response(),
        )),
        Err(FeedbackError::BadInput(message)) => Ok(no_store(
            (
                StatusCode::BAD_REQUEST,
                form_page(&again(FieldErrors::default(), Some(message), None)),
            )
                .into_response(),
        )),
        Err(e) => Err(e.into()),
    }
}

/// `GET /theo-doi?ma=`: the code form, or a redirect to the code's page.
pub async fn track_form(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    service(&state)?;
    match query_param(raw.as_deref(), "ma") {
        Some(code) if !code.trim().is_empty() => match crate::feedback::normalize_code(&code) {
            Some(c) => Ok(Redirect::to(&format!("/theo-doi/{c}")).into_response()),
            None => Ok((
                StatusCode::BAD_REQUEST,
                tracking_form(
                    "",
                    Some("Mã theo dõi gồm 16 chữ và số, dạng XXXX-XXXX-XXXX-XXXX. Vui lòng kiểm tra lại."),
                ),
            )
                .into_response()),
        },
        _ => Ok(tracking_form("", None).into_response()),
    }
}

/// `GET /theo-doi/{code}`: status history and answer; never the submitter.
pub async fn track(
    State(state): State<AppState>,
    Segment(code): Segment,
) -> Result<Response, WebError> {
    let fb = service(&state)?;
    let t = fb.tracking(&code).await?.ok_or_else(|| {
        WebError::NotFound(
            "Không có câu hỏi, góp ý nào với mã theo dõi này. Vui lòng kiểm tra lại mã.".to_owned(),
        )
    })?;
    let today = vn_date(now_ms());
    let unit = |c: &Option<String>| c.as_deref().map(|c| fb.unit_name(c));
    let view = TrackingView {
        code: t.code.clone(),
        kind: t.kind.label_vi().to_owned(),
        subject: t.subject.clone(),
        status: t.status.label_vi().to_owned(),
        unit: unit(&t.unit),
        received: vn_date(t.received_at).to_vi(),
        due: t.due_date.to_vi(),
        overdue: t.answer.is_none() && t.due_date < today,
        events: t
            .events
            .iter()
            .map(|e| {
                (
                    vn_date(e.at).to_vi(),
                    e.status.label_vi().to_owned(),
                    unit(&e.unit),
                )
            })
            .collect(),
        answer: t.answer.clone(),
    };
    Ok(no_store(tracking_page(&view).into_response()))
}

/// `GET /hoi-dap?q=`: the published answers, newest first or matching `q`.
pub async fn answers(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    let fb = service(&state)?;
    let q: String = query_param(raw.as_deref(), "q")
        .unwrap_or_default()
        .trim()
        .chars()
        .take(512)
        .collect();
    let index = fb.published();
    let items = if q.is_empty() {
        index.all().iter().take(ANSWERS_LISTED).cloned().collect()
    } else {
        index.search(&q, ANSWERS_LISTED)?
    };
    let links: Vec<AnswerLink> = items.iter().map(|p| link_with(&fb, p)).collect();
    Ok(answers_page(&q, &links, index.all().len()).into_response())
}

/// `GET /hoi-dap/{id}`: one published answer.
pub async fn answer(
    State(state): State<AppState>,
    Segment(id): Segment,
) -> Result<Response, WebError> {
    let fb = service(&state)?;
    let index = fb.published();
    let p = index
        .all()
        .iter()
        .find(|p| crate::feedback::public_id(&p.code) == id)
        .ok_or_else(WebError::not_found_page)?;
    Ok(answer_page(&AnswerView {
        subject: p.subject.clone(),
        question: p.question.clone(),
        answer: p.answer.clone(),
        unit: p
            .unit
            .as_deref()
            .map_or_else(String::new, |u| fb.unit_name(u)),
        date: vn_date(p.published_at).to_vi(),
    })
    .into_response())
}

fn link(p: &Published) -> AnswerLink {
    AnswerLink {
        title: p.subject.clone(),
        url: answer_url(&p.code),
        excerpt: excerpt(&p.answer),
        unit: String::new(),
        date: vn_date(p.published_at).to_vi(),
    }
}

/// A published answer as a list entry (also the main search's "Hỏi đáp" section).
pub fn link_with(fb: &Feedback, p: &Published) -> AnswerLink {
    AnswerLink {
        unit: p
            .unit
            .as_deref()
            .map_or_else(String::new, |u| fb.unit_name(u)),
        ..link(p)
    }
}

pub fn answer_url(code: &str) -> String {
    format!("/hoi-dap/{}", crate::feedback::public_id(code))
}

fn excerpt(text: &str) -> String {
    let mut out: String = text.chars().take(EXCERPT_CHARS).collect();
    if text.chars().count() > EXCERPT_CHARS {
        out.push('…');
    }
    out
}

/// Today in Vietnam (for overdue flags).
pub fn today() -> Date {
    vn_date(now_ms())
}
