//! The one place where errors become HTTP responses. Domain errors carry no status code; here
//! each kind gets one, with a calm Vietnamese page for people or a JSON body for the API. An
//! unexpected error is logged with its cause and shown as a plain 500 that reveals nothing.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::views;
use crate::feedback::FeedbackError;
use crate::index::IndexError;
use crate::procedures::{self, ProcedureError};
use crate::search::{RequestError, SearchError};

/// What went wrong, as the serving layer sees it.
#[derive(Debug)]
pub enum WebError {
    /// The request cannot be served as asked; the message is for people, in Vietnamese.
    BadRequest(String),
    /// Nothing lives at this address; the message says what was looked for, in Vietnamese.
    NotFound(String),
    /// The request took longer than `server.request_timeout_ms`; worth trying again.
    TimedOut,
    /// The person may not do this; the message is for people, in Vietnamese.
    Forbidden(String),
    /// The request does not fit the current state (an answer already approved).
    Conflict(String),
    /// Too many requests from one client; the message is for people, in Vietnamese.
    TooMany(String),
    /// A fault of ours; the cause is logged, never shown.
    Internal(String),
}

impl WebError {
    pub fn not_found_page() -> WebError {
        WebError::NotFound("Không tìm thấy trang bạn yêu cầu.".to_owned())
    }

    fn status(&self) -> StatusCode {
        match self {
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::NotFound(_) => StatusCode::NOT_FOUND,
            WebError::TimedOut => StatusCode::SERVICE_UNAVAILABLE,
            WebError::Forbidden(_) => StatusCode::FORBIDDEN,
            WebError::Conflict(_) => StatusCode::CONFLICT,
            WebError::TooMany(_) => StatusCode::TOO_MANY_REQUESTS,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            WebError::BadRequest(_) => "bad_request",
            WebError::NotFound(_) => "not_found",
            WebError::TimedOut => "timeout",
            WebError::Forbidden(_) => "forbidden",
            WebError::Conflict(_) => "conflict",
            WebError::TooMany(_) => "too_many_requests",
            WebError::Internal(_) => "internal",
        }
    }

    /// What people are told.
    fn message(&self) -> &str {
        match self {
            WebError::BadRequest(m)
            | WebError::NotFound(m)
            | WebError::Forbidden(m)
            | WebError::Conflict(m)
            | WebError::TooMany(m) => m,
            WebError::TimedOut => {
                "Máy chủ đang bận nên chưa trả lời kịp. Vui lòng thử lại sau ít giây."
            }
            WebError::Internal(_) => {
                "Hệ thống đang gặp sự cố. Vui lòng thử lại sau ít phút; chúng tôi đã ghi nhận lỗi."
            }
        }
    }

    fn log(&self) {
        match self {
            WebError::Internal(cause) => tracing::error!(cause = %cause, "request failed"),
            WebError::TimedOut => tracing::warn!("request timed out"),
            _ => {}
        }
    }
}

impl From<RequestError> for WebError {
    fn from(e: RequestError) -> WebError {
        WebError::BadRequest(e.message_vi())
    }
}

impl From<SearchError> for WebError {
    fn from(e: SearchError) -> WebError {
        match e {
            SearchError::Request(r) => r.into(),
            other => WebError::Internal(other.to_string()),
        }
    }
}

impl From<procedures::RequestError> for WebError {
    fn from(e: procedures::RequestError) -> WebError {
        WebError::BadRequest(e.message_vi())
    }
}

impl From<ProcedureError> for WebError {
    fn from(e: ProcedureError) -> WebError {
        match e {
            ProcedureError::Request(r) => r.into(),
            other => WebError::Internal(other.to_string()),
        }
    }
}

impl From<IndexError> for WebError {
    fn from(e: IndexError) -> WebError {
        WebError::Internal(e.to_string())
    }
}

impl From<FeedbackError> for WebError {
    fn from(e: FeedbackError) -> WebError {
        match e {
            FeedbackError::NotFound => WebError::NotFound(
                "Không tìm thấy mục này, hoặc bạn không có quyền xem.".to_owned(),
            ),
            FeedbackError::Forbidden => {
                WebError::Forbidden("Bạn không có quyền thực hiện việc này.".to_owned())
            }
            FeedbackError::RateLimited => WebError::TooMany(
                "Bạn đã gửi quá nhiều lần trong thời gian ngắn. Vui lòng thử lại sau.".to_owned(),
            ),
            FeedbackError::Conflict(m) => WebError::Conflict(m),
            FeedbackError::BadInput(m) => WebError::BadRequest(m),
            FeedbackError::Invalid(errors) => {
                WebError::BadRequest(errors.0.values().cloned().collect::<Vec<_>>().join(" "))
            }
            other => WebError::Internal(other.to_string()),
        }
    }
}

impl From<tokio::task::JoinError> for WebError {
    fn from(e: tokio::task::JoinError) -> WebError {
        WebError::Internal(format!("blocking task: {e}"))
    }
}

/// Pages: the error page in the shared layout.
impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        self.log();
        (
            self.status(),
            views::error::page(self.status(), self.message()),
        )
            .into_response()
    }
}

/// The same errors for the JSON API: `{"error":{"code":"...","message":"..."}}`.
#[derive(Debug)]
pub struct ApiError(pub WebError);

/// `?` in API handlers: everything that becomes a [`WebError`] becomes an [`ApiError`].
macro_rules! api_error_from {
    ($($t:ty),*) => {$(
        impl From<$t> for ApiError {
            fn from(e: $t) -> ApiError {
                ApiError(e.into())
            }
        }
    )*};
}
api_error_from!(
    WebError,
    RequestError,
    SearchError,
    IndexError,
    procedures::RequestError,
    ProcedureError,
    FeedbackError,
    tokio::task::JoinError
);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let e = self.0;
        e.log();
        let body = serde_json::json!({
            "error": { "code": e.code(), "message": e.message() }
        });
        (e.status(), Json(body)).into_response()
    }
}

/// The response to a request that ran out of time: the Vietnamese page, or JSON under
/// `/api/`.
pub fn timeout_response(path: &str) -> Response {
    if path == "/api" || path.starts_with("/api/") {
        ApiError(WebError::TimedOut).into_response()
    } else {
        WebError::TimedOut.into_response()
    }
}

/// The response to a panic in a handler: the calm 500 page, the panic logged.
pub fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let detail = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    WebError::Internal(format!("panic: {detail}")).into_response()
}
