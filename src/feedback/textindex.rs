//! A small in-memory BM25 index over short texts, with the law index's Vietnamese analysis
//! (folded syllables and folded bigrams): what routing looks up procedures and past items in,
//! and what finds published answers. Entries are addressed by their position in the list the
//! index was built from. It never touches the law index.

use std::collections::BTreeSet;

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    FAST, Field, IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::{Index, IndexReader, TantivyDocument, Term, doc};

use crate::analysis::{self, TOKENIZER_BIGRAM, TOKENIZER_FOLDED};

/// At most this many distinct query syllables are scored (a 4,000-character text has hundreds).
pub const MAX_QUERY_TERMS: usize = 64;
/// Writer heap for an in-memory build.
const WRITER_HEAP_BYTES: usize = 15_000_000;
/// Bigrams are weighted above single syllables: they carry the phrase ("khai sinh").
const BIGRAM_BOOST: f32 = 1.5;

pub struct TextIndex {
    reader: IndexReader,
    pos: Field,
    fold: Field,
    bigram: Field,
    len: usize,
}

/// One entry found: its position in the build list, score, and the query syllables it holds.
#[derive(Debug, Clone)]
pub struct Found {
    pub pos: usize,
    pub score: f32,
}

impl TextIndex {
    /// Indexes `texts` (position = index in the iterator).
    pub fn build<'a>(texts: impl IntoIterator<Item = &'a str>) -> tantivy::Result<TextIndex> {
        let mut b = Schema::builder();
        let pos = b.add_u64_field("pos", FAST | STORED);
        let options = |tokenizer: &str| {
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(tokenizer)
                    .set_index_option(IndexRecordOption::WithFreqs),
            )
        };
        let fold = b.add_text_field("fold", options(TOKENIZER_FOLDED));
        let bigram = b.add_text_field("bigram", options(TOKENIZER_BIGRAM));
        let index = Index::create_in_ram(b.build());
        analysis::register(index.tokenizers());
        let mut writer = index.writer_with_num_threads(1, WRITER_HEAP_BYTES)?;
        let mut len = 0;
        for (i, text) in texts.into_iter().enumerate() {
            writer.add_document(doc!(pos => i as u64, fold => text, bigram => text))?;
            len += 1;
        }
        writer.commit()?;
        let reader = index.reader()?;
        Ok(TextIndex {
            reader,
            pos,
            fold,
            bigram,
            len,
        })
    }

    /// The best `limit` entries for `text`, best first.
    pub fn search(&self, text: &str, limit: usize) -> tantivy::Result<Vec<Found>> {
        let terms = query_terms(text);
        if terms.0.is_empty() || limit == 0 || self.len == 0 {
            return Ok(Vec::new());
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for t in &terms.0 {
            clauses.push((
                Occur::Should,
                Box::new(TermQuery::new(
                    Term::from_field_text(self.fold, t),
                    IndexRecordOption::WithFreqs,
                )),
            ));
        }
        for t in &terms.1 {
            let q = TermQuery::new(
                Term::from_field_text(self.bigram, t),
                IndexRecordOption::WithFreqs,
            );
            clauses.push((
                Occur::Should,
                Box::new(tantivy::query::BoostQuery::new(Box::new(q), BIGRAM_BOOST)),
            ));
        }
        let query = BooleanQuery::new(clauses);
        let searcher = self.reader.searcher();
        let top = searcher.search(&query, &TopDocs::with_limit(limit).order_by_score())?;
        let mut out = Vec::with_capacity(top.len());
        for (score, addr) in top {
            let doc: TantivyDocument = searcher.doc(addr)?;
            if let Some(p) = doc.get_first(self.pos).and_then(|v| v.as_u64()) {
                out.push(Found {
                    pos: p as usize,
                    score,
                });
            }
        }
        Ok(out)
    }
}

/// The distinct folded syllables and bigrams of `text`, at most [`MAX_QUERY_TERMS`] each.
fn query_terms(text: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    let syllables = analysis::syllables(text);
    let mut singles = BTreeSet::new();
    for s in &syllables {
        if singles.len() >= MAX_QUERY_TERMS {
            break;
        }
        singles.insert(s.folded.clone());
    }
    let mut pairs = BTreeSet::new();
    for (_, _, b) in analysis::bigrams(&syllables) {
        if pairs.len() >= MAX_QUERY_TERMS {
            break;
        }
        pairs.insert(b);
    }
    (singles, pairs)
}

/// The folded syllables `a` and `b` share, in `a`'s order: the "matched terms" a reason shows.
pub fn shared_words(a: &str, b: &str) -> Vec<String> {
    let theirs: BTreeSet<String> = analysis::folded_syllables(b)
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    let mut seen = BTreeSet::new();
    analysis::syllables(a)
        .into_iter()
        .filter(|s| theirs.contains(&s.folded) && seen.insert(s.folded.clone()))
        .map(|s| s.exact)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_by_folded_words_and_phrases() {
        let idx = TextIndex::build([
            "Đăng ký khai sinh có yếu tố nước ngoài",
            "Đăng ký kết hôn",
            "Cấp giấy phép xây dựng nhà ở riêng lẻ",
        ])
        .unwrap();
        let found = idx.search("dang ky khai sinh cho con", 3).unwrap();
        assert_eq!(found[0].pos, 0);
        let found = idx.search("giấy phép xây dựng", 3).unwrap();
        assert_eq!(found[0].pos, 2);
        assert!(idx.search("", 3).unwrap().is_empty());
        assert!(idx.search("!!! ???", 3).unwrap().is_empty());
        let words = shared_words("Đăng ký khai sinh cho con", "dang ky khai sinh");
        assert_eq!(words, ["đăng", "ký", "khai", "sinh"]);
    }
}
