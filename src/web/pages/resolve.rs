//! `/so-hieu/{number}`: any spelling of a số hiệu to the document's canonical address (308), a
//! 300 page listing the candidates when several match, a 404 when none does.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::{Segment, blocking};
use crate::model::DocNumber;
use crate::search::Resolution;
use crate::web::error::WebError;
use crate::web::state::AppState;
use crate::web::views::{doc_url, resolve};

pub async fn show(
    State(state): State<AppState>,
    Segment(number): Segment,
) -> Result<Response, WebError> {
    let site = state.site();
    blocking(move || {
        Ok(match site.catalog.resolve(&number) {
            Resolution::Found(doc) => Redirect::permanent(&doc_url(&doc.key)).into_response(),
            Resolution::Ambiguous(docs) => (
                StatusCode::MULTIPLE_CHOICES,
                resolve::multiple_choices(&number, &docs),
            )
                .into_response(),
            Resolution::NotFound => {
                let hint = DocNumber::parse(&number).err().map(|e| e.message_vi());
                (StatusCode::NOT_FOUND, resolve::not_found(&number, hint)).into_response()
            }
        })
    })
    .await
}
