//! Normalisation: a page's extracted articles into the domain's `Article` and `Document` values,
//! the records the crawl store holds. Pure, like extraction.

use std::collections::BTreeMap;

use super::extract::{Page, PageArticle};
use crate::ingest::document_key;
use crate::model::{Article, Date, Document, Provenance, Status};

/// The records one page contributes, and the articles it had to leave out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageRecords {
    pub articles: Vec<Article>,
    /// By key; a document cited by several articles carries the union of what they say.
    pub documents: BTreeMap<String, Document>,
    /// Articles without title, text or citation: nothing to show, so not stored (reported).
    pub skipped: Vec<String>,
}

/// "Điều 27.1.TT.13.3" → "Điều 27.1.TT.13": the code numbers a document's articles under one prefix.
fn label_prefix(label: &str) -> &str {
    label.rsplit_once('.').map_or(label, |(p, _)| p)
}

fn date(s: Option<&str>) -> Option<Date> {
    s.and_then(|d| Date::parse(d).ok())
}

/// Converts a page's articles. `snapshot` names the crawl ("2026-11-21"), `origin` the page URL,
/// `today` decides whether a document is in force yet.
pub fn normalize(page: &Page, snapshot: &str, origin: &str, today: Date) -> PageRecords {
    let provenance = Provenance {
        source: "crawl".to_owned(),
        snapshot: snapshot.to_owned(),
        outdated: false,
        origin: origin.to_owned(),
    };
    let mut out = PageRecords::default();
    // Articles whose citation is missing belong to the document their siblings cite.
    let mut doc_of_prefix: BTreeMap<String, String> = BTreeMap::new();
    let mut keyed: Vec<(Option<String>, &PageArticle)> = Vec::with_capacity(page.articles.len());
    for a in &page.articles {
        let key = a.citation.as_ref().and_then(|c| {
            document_key(
                c.so_hieu.as_deref().unwrap_or(""),
                c.vbpl_item_id.as_deref(),
            )
        });
        if let Some(k) = &key {
            doc_of_prefix.insert(label_prefix(&a.label).to_owned(), k.clone());
        }
        keyed.push((key, a));
    }
    for (key, a) in keyed {
        let no_citation = a.citation.as_ref().is_none_or(|c| c.text.is_empty());
        if a.title.is_empty() && a.text.is_empty() && no_citation {
            out.skipped.push(a.id.clone());
            continue;
        }
        let doc_key = key
            .or_else(|| doc_of_prefix.get(label_prefix(&a.label)).cloned())
            // Nothing names the document: the article still stands, under its own label.
            .unwrap_or_else(|| format!("phapdien-{}", label_prefix(&a.label)));
        let c = a.citation.clone().unwrap_or_default();
        let effective_from = date(c.effective_from.as_deref());
        let url = c.url.clone();
        let document = Document {
            key: doc_key.clone(),
            so_hieu: c.so_hieu.clone().unwrap_or_default(),
            doc_type: c.doc_type.clone().unwrap_or_default(),
            title: c.doc_title.clone().unwrap_or_default(),
            issuer: c.issuer.clone(),
            signer: None,
            issued: date(c.issued.as_deref()),
            effective_from,
            status: if effective_from.is_some_and(|d| d > today) {
                Status::NotYetInForce
            } else {
                // The code holds provisions in force by construction.
                Status::InForce
            },
            demuc: vec![page.demuc_code.clone()],
            source_url: url
                .as_deref()
                .map(|u| u.split('#').next().unwrap_or(u).to_owned()),
            vbpl_item_id: c.vbpl_item_id.clone(),
            provenance: provenance.clone(),
        };
        merge(&mut out.documents, document);
        out.articles.push(Article {
            id: a.id.clone(),
            doc_key,
            label: a.label.clone(),
            number: c.unit.clone(),
            title: a.title.clone(),
            text: a.text.clone(),
            chapter: a.chapter.clone(),
            demuc_code: page.demuc_code.clone(),
            demuc_name: page.demuc_name.clone(),
            related: a.related.clone(),
            citation: Some(c.text).filter(|t| !t.is_empty()),
            source_url: url,
            provenance: provenance.clone(),
        });
    }
    out
}

/// Fills the fields a stored document lacks from another citation of it.
pub(crate) fn merge(documents: &mut BTreeMap<String, Document>, doc: Document) {
    let mut corpus = crate::ingest::Corpus::new();
    if let Some(old) = documents.remove(&doc.key) {
        corpus.merge_document(old);
    }
    corpus.merge_document(doc);
    documents.extend(corpus.documents);
}
