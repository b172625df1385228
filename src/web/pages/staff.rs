//! `/quan-tri`: staff pages behind a login. The session cookie is HttpOnly, SameSite=Strict,
//! Secure on https, scoped to `/quan-tri`; every POST carries the session's CSRF token. What a
//! person may see and do is decided in `feedback` (`Staff`), never here: an item of another
//! unit is a 404, as if it did not exist.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use super::feedback::{no_store as private, service, today};
use super::forms::{
    CSRF_COOKIE, Client, Fields, SESSION_COOKIE, constant_time_eq, cookie, csrf_ok, csrf_token,
    set_cookie,
};
use crate::feedback::{
    Feedback, FeedbackError, Item, SESSION_TTL, Staff, anonymise, stats_csv as to_csv, vn_date,
};
use crate::web::error::WebError;
use crate::web::state::AppState;
use crate::web::views::staff::{
    Bar, ItemView, QueueRow, StatsRow, audit_page, item_page, login_page, queue_page, stats_page,
};

const STAFF_PATH: &str = "/quan-tri";

/// A logged-in request: the staff member and the session's CSRF token.
struct Session {
    staff: Staff,
    csrf: String,
}

impl Session {
    fn bar(&self, fb: &Feedback) -> Bar {
        Bar {
            username: self.staff.username.clone(),
            role: self.staff.role.label_vi().to_owned(),
            unit: self.staff.unit.as_deref().map(|u| fb.unit_name(u)),
            csrf: self.csrf.clone(),
            admin: self.staff.is_admin(),
        }
    }
}

/// The session of this request, or a redirect to the login page.
async fn session(
    fb: &Feedback,
    headers: &HeaderMap,
) -> Result<Result<Session, Response>, WebError> {
    let Some(token) = cookie(headers, SESSION_COOKIE) else {
        return Ok(Err(to_login()));
    };
    Ok(match fb.session(&token).await? {
        Some((staff, csrf)) => Ok(Session { staff, csrf }),
        None => Err(to_login()),
    })
}

fn to_login() -> Response {
    Redirect::to("/quan-tri/dang-nhap").into_response()
}

pub async fn login_form(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    service(&state)?;
    let (csrf, new) = csrf_token(&headers);
    let mut r = private(login_page(&csrf, None, "").into_response());
    if new {
        r.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(CSRF_COOKIE, &csrf, "/", state.secure_cookies(), None),
        );
    }
    Ok(r)
}

pub async fn login(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let fb = service(&state)?;
    let fields = Fields::parse(&body);
    if !csrf_ok(&headers, &fields) {
        return Err(WebError::Forbidden(
            "Biểu mẫu đăng nhập đã hết hạn. Vui lòng mở lại trang đăng nhập.".to_owned(),
        ));
    }
    let username = fields.get("ten").trim().to_owned();
    let csrf = fields.get("csrf").to_owned();
    match fb.login(&username, fields.get("mat-khau"), &client).await {
        Ok(Some(staff)) => {
            let (token, _) = fb.start_session(&staff).await?;
            let mut r = Redirect::to(STAFF_PATH).into_response();
            r.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(
                    SESSION_COOKIE,
                    &token,
                    STAFF_PATH,
                    state.secure_cookies(),
                    Some(SESSION_TTL.as_secs()),
                ),
            );
            Ok(r)
        }
        Ok(None) => Ok(private(
            (
                StatusCode::UNAUTHORIZED,
                login_page(
                    &csrf,
                    Some("Tên đăng nhập hoặc mật khẩu không đúng."),
                    &username,
                ),
            )
                .into_response(),
        )),
        Err(FeedbackError::RateLimited) => Ok(private(
            (
                StatusCode::TOO_MANY_REQUESTS,
                login_page(
                    &csrf,
                    Some("Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 15 phút."),
                    &username,
                ),
            )
                .into_response(),
        )),
        Err(e) => Err(e.into()),
    }
}

pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let fb = service(&state)?;
    let s = match session(&fb, &headers).await? {
        Ok(s) => s,
        Err(r) => return Ok(r),
    };
    check_csrf(&s, &Fields::parse(&body))?;
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        fb.end_session(&token).await?;
    }
    let mut r = Redirect::to("/quan-tri/dang-nhap").into_response();
    r.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(
            SESSION_COOKIE,
            "",
            STAFF_PATH,
            state.secure_cookies(),
            Some(0),
        ),
    );
    Ok(r)
}

fn check_csrf(s: &Session, fields: &Fields) -> Result<(), WebError> {
    if constant_time_eq(s.csrf.as_bytes(), fields.get("csrf").as_bytes()) {
        Ok(())
    } else {
        Err(WebError::Forbidden(
            "Biểu mẫu đã hết hạn hoặc không được gửi từ trang quản trị. Vui lòng tải lại trang."
                .to_owned(),
        ))
    }
}

/// `GET /quan-tri`: the open items by deadline (a unit's own for unit staff).
pub async fn queue(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let fb = service(&state)?;
    let s = match session(&fb, &headers).await? {
        Ok(s) => s,
        Err(r) => return Ok(r),
    };
    let items = fb.queue_for(&s.staff).await?;
    let today = today();
    let rows: Vec<QueueRow> = items
        .iter()
        .map(|i| QueueRow {
            code: i.code.clone(),
            subject: i.subject.clone(),
            kind: i.kind.label_vi().to_owned(),
            status: i.status.label_vi().to_owned(),
            unit: i
                .unit
                .as_deref()
                .map_or_else(String::new, |u| fb.unit_name(u)),
            suggestion: i
                .suggestion
                .as_ref()
                .map_or_else(String::new, |g| fb.unit_name(&g.unit)),
            due: i.due_date.to_vi(),
            overdue: Feedback::is_overdue(i, today),
        })
        .collect();
    let title = match &s.staff.unit {
        Some(u) => format!("Hàng đợi của {}", fb.unit_name(u)),
        None => "Hàng đợi".to_owned(),
    };
    Ok(private(
        queue_page(&s.bar(&fb), &title, &rows).into_response(),
    ))
}

async fn item_view(fb: &Feedback, s: &Session, item: &Item) -> Result<ItemView, WebError> {
    let audit = fb
        .store()
        .audit_log(Some(&item.code))
        .await?
        .into_iter()
        .map(|a| (vn_date(a.at).to_vi(), a.actor, a.action, a.detail))
        .collect();
    let public_question = match (&item.answer, s.staff.is_admin()) {
        (Some(a), _) if a.public_question.is_some() => {
            a.public_question.clone().unwrap_or_default()
        }
        (_, true) => {
            let name = fb.store().submitter(&item.code).await?.map(|p| p.name);
            anonymise(&item.body, name.as_deref())
        }
        _ => String::new(),
    };
    Ok(ItemView {
        code: item.code.clone(),
        kind: item.kind.label_vi().to_owned(),
        subject: item.subject.clone(),
        body: item.body.clone(),
        procedure: item.procedure.clone(),
        status: item.status.label_vi().to_owned(),
        unit: item.unit.as_deref().map(|u| fb.unit_name(u)),
        received: vn_date(item.received_at).to_vi(),
        due: item.due_date.to_vi(),
        overdue: Feedback::is_overdue(item, today()),
        consent: item.consent_publish,
        suggestion: item.suggestion.as_ref().map(|g| {
            (
                g.unit.clone(),
                fb.unit_name(&g.unit),
                format!("{:.0}%", g.confidence * 100.0),
                g.reason.lines().map(str::to_owned).collect(),
            )
        }),
        decided: item.suggestion.as_ref().and_then(|g| {
            g.decided_unit.as_ref().map(|u| {
                format!(
                    "{} ({})",
                    fb.unit_name(u),
                    g.decided_by.clone().unwrap_or_default()
                )
            })
        }),
        can_route: s.staff.can_route(),
        can_draft: s.staff.can_draft(item) && item.unit.is_some(),
        admin: s.staff.is_admin(),
        units: fb
            .units()
            .all()
            .iter()
            .map(|u| (u.code.clone(), u.name.clone()))
            .collect(),
        draft: item.answer.as_ref().map(|a| a.draft.clone()),
        approved: item
            .answer
            .as_ref()
            .is_some_and(|a| a.approved_by.is_some()),
        published: item
            .answer
            .as_ref()
            .is_some_and(|a| a.published_at.is_some()),
        public_question,
        audit,
    })
}

/// `GET /quan-tri/muc/{code}`.
pub async fn item(
    State(state): State<AppState>,
    headers: HeaderMap,
    super::Segment(code): super::Segment,
) -> Result<Response, WebError> {
    let fb = service(&state)?;
    let s = match session(&fb, &headers).await? {
        Ok(s) => s,
        Err(r) => return Ok(r),
    };
    let item = fb.item_for(&s.staff, &code).await?;
    let view = item_view(&fb, &s, &item).await?;
    Ok(private(item_page(&s.bar(&fb), &view, None).into_response()))
}

/// `POST /quan-tri/muc/{code}/{action}`: `chuyen` (route), `tra-loi` (draft), `duyet`
/// (approve), `cong-bo` (publish), `xoa-du-lieu` (erase the submitter's data).
pub async fn act(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((code, action)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let fb = service(&state)?;
    let s = match session(&fb, &headers).await? {
        Ok(s) => s,
        Err(r) => return Ok(r),
    };
    let fields = Fields::parse(&body);
    check_csrf(&s, &fields)?;
    let result = match action.as_str() {
        "chuyen" => fb.assign(&s.staff, &code, fields.get("don-vi")).await,
        "tra-loi" => fb.save_draft(&s.staff, &code, fields.get("tra-loi")).await,
        "duyet" => fb.approve(&s.staff, &code).await,
        "cong-bo" => {
            fb.publish(&s.staff, &code, Some(fields.get("cau-hoi")))
                .await
        }
        "xoa-du-lieu" => fb.erase_submitter(&s.staff, &code).await,
        _ => return Err(WebError::not_found_page()),
    };
    match result {
        Ok(()) => {
            // Unit staff who routed an item away can no longer see it: back to the queue.
            let target = match fb.item_for(&s.staff, &code).await {
                Ok(item) => format!("/quan-tri/muc/{}", item.code),
                Err(_) => STAFF_PATH.to_owned(),
            };
            Ok(Redirect::to(&target).into_response())
        }
        Err(e @ (FeedbackError::Conflict(_) | FeedbackError::BadInput(_))) => {
            let item = fb.item_for(&s.staff, &code).await?;
            let view = item_view(&fb, &s, &item).await?;
            let status = if matches!(e, FeedbackError::Conflict(_)) {
                StatusCode::CONFLICT
            } else {
                StatusCode::BAD_REQUEST
            };
            Ok(private(
                (status, item_page(&s.bar(&fb), &view, Some(&e.to_string()))).into_response(),
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /quan-tri/nguoi-gui/{code}`: an administrator's export of a submitter's data (JSON).
pub async fn submitter(
    State(state): State<AppState>,
    headers: HeaderMap,
    super::Segment(code): super::Segment,
) -> Result<Response, WebError> {
    let fb = service(&state)?;
    let s = match session(&fb, &headers).await? {
        Ok(s) => s,
        Err(r) => return Ok(r),
    };
    let data = fb.export_submitter(&s.staff, &code).await?;
    Ok(private(axum::Json(data).into_response()))
}

async fn stats_rows(fb: &Feedback) -> Result<Vec<crate::feedback::UnitStats>, WebError> {
    Ok(fb.stats(today()).await?)
}

/// `GET /quan-tri/thong-ke`.
pub async fn stats(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let fb = service(&state)?;
    let s = match session(&fb, &headers).await? {
        Ok(s) => s,
        Err(r) => return Ok(r),
    };
    let rows: Vec<StatsRow> = stats_rows(&fb)
        .await?
        .into_iter()
        .map(|u| StatsRow {
            unit: u.name,
            received: u.received,
            answered: u.answered,
            median: u
                .median_days_to_answer
                .map_or_else(|| "—".to_owned(), |d| format!("{d:.1}")),
            overdue_rate: format!("{:.0}%", u.overdue_rate * 100.0),
        })
        .collect();
    Ok(private(stats_page(&s.bar(&fb), &rows).into_response()))
}

/// `GET /quan-tri/thong-ke.csv`.
pub async fn stats_csv(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let fb = service(&state)?;
    if let Err(r) = session(&fb, &headers).await? {
        return Ok(r);
    }
    let csv = to_csv(&stats_rows(&fb).await?);
    Ok(private(
        (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"thong-ke.csv\"",
                ),
            ],
            csv,
        )
            .into_response(),
    ))
}

/// `GET /quan-tri/nhat-ky`: the whole audit log (administrators).
pub async fn audit(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let fb = service(&state)?;
    let s = match session(&fb, &headers).await? {
        Ok(s) => s,
        Err(r) => return Ok(r),
    };
    if !s.staff.is_admin() {
        return Err(FeedbackError::Forbidden.into());
    }
    let rows: Vec<_> = fb
        .store()
        .audit_log(None)
        .await?
        .into_iter()
        .rev()
        .take(500)
        .map(|a| {
            (
                vn_date(a.at).to_vi(),
                a.actor,
                a.action,
                a.code.unwrap_or_default(),
                a.detail,
            )
        })
        .collect();
    Ok(private(audit_page(&s.bar(&fb), &rows).into_response()))
}
