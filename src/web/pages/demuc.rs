//! `/de-muc` and `/de-muc/{code}`: browsing the code of law by topic.

use axum::extract::State;
use maud::Markup;

use super::{Segment, blocking};
use crate::index::Demuc;
use crate::web::error::WebError;
use crate::web::state::AppState;
use crate::web::views::demuc;

pub async fn index(State(state): State<AppState>) -> Result<Markup, WebError> {
    let site = state.site();
    blocking(move || {
        let mut groups: Vec<(String, Vec<Demuc>)> = Vec::new();
        for d in site.index.demuc() {
            match groups.last_mut() {
                Some((chude, list)) if chude == d.chude() => list.push(d.clone()),
                _ => groups.push((d.chude().to_owned(), vec![d.clone()])),
            }
        }
        Ok(demuc::index_page(&groups))
    })
    .await
}

pub async fn show(
    State(state): State<AppState>,
    Segment(code): Segment,
) -> Result<Markup, WebError> {
    let site = state.site();
    blocking(move || {
        let d = site.demuc(&code).ok_or_else(|| {
            WebError::NotFound(format!(
                "Không có đề mục “{code}”. Xem danh sách các đề mục để chọn lại."
            ))
        })?;
        Ok(demuc::page(d, &site.catalog.in_demuc(&code)))
    })
    .await
}
