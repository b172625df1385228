//! `/`: the home page.

use axum::extract::State;
use maud::Markup;

use super::blocking;
use crate::web::error::WebError;
use crate::web::state::AppState;
use crate::web::views::home::{self, HomeView};

/// Đề mục listed on the home page; the rest are one click away.
const HOME_DEMUC: usize = 24;
/// Newest documents listed on the home page.
const HOME_RECENT: usize = 10;

pub async fn show(State(state): State<AppState>) -> Result<Markup, WebError> {
    let site = state.site();
    blocking(move || {
        let all = site.index.demuc();
        let mut demuc = all.to_vec();
        // The largest đề mục, shown in code order.
        demuc.sort_by_key(|d| std::cmp::Reverse(d.articles));
        demuc.truncate(HOME_DEMUC);
        let order: Vec<&str> = all.iter().map(|d| d.code.as_str()).collect();
        demuc.sort_by_key(|d| order.iter().position(|c| *c == d.code));
        Ok(home::page(&HomeView {
            more_demuc: all.len() > demuc.len(),
            demuc,
            recent: site.catalog.recent(HOME_RECENT).to_vec(),
            articles: site.index.meta.articles,
            documents: site.index.meta.documents,
        }))
    })
    .await
}
