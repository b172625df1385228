//! `/dieu/{id}`: an article's permalink page.

use axum::extract::{RawQuery, State};
use maud::Markup;

use super::document::{RelatedResolver, article_view, query_marks, query_text};
use super::{Segment, blocking};
use crate::web::error::WebError;
use crate::web::state::AppState;
use crate::web::views::article::{ArticlePageView, page};
use crate::web::views::document::outdated_note;
use crate::web::views::{article_anchor, article_url, doc_url};

pub async fn show(
    State(state): State<AppState>,
    Segment(id): Segment,
    RawQuery(raw): RawQuery,
) -> Result<Markup, WebError> {
    let site = state.site();
    blocking(move || {
        let article = site.index.article(&id)?.ok_or_else(|| {
            WebError::NotFound(
                "Không tìm thấy điều luật này. Có thể điều đã được thay thế hoặc địa chỉ bị gõ sai."
                    .to_owned(),
            )
        })?;
        let marks = query_text(raw.as_deref()).and_then(|q| query_marks(&q));
        let highlighter = marks.map(|m| m.highlighter);
        let document = site.index.document(&article.doc_key).cloned();
        let mut related = RelatedResolver::new(&site, &[]);
        let view = article_view(&site, &article, highlighter.as_ref(), &mut related)?;
        let title = match (&article.number, &document) {
            (Some(n), Some(d)) if !d.so_hieu.is_empty() => {
                format!("{n}. {} ({} {})", article.title, d.doc_type, d.so_hieu)
            }
            (Some(n), _) => format!("{n}. {}", article.title),
            _ => article.title.clone(),
        };
        let document_url = document.as_ref().map(|d| doc_url(&d.key));
        Ok(page(&ArticlePageView {
            in_document_url: document_url
                .as_ref()
                .map(|u| format!("{u}#{}", article_anchor(&article.id))),
            document_url,
            document,
            title,
            canonical: article_url(&article.id),
            outdated: outdated_note(&article.provenance),
            highlighted: highlighter.is_some(),
            article: view,
        }))
    })
    .await
}
