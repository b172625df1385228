//! Term statistics of one query, looked up once: the first stage picks its terms by
//! weight × IDF and the rerank weighs coverage by IDF, mostly over the same terms.

use std::collections::HashMap;

use tantivy::{Searcher, Term};

pub struct TermStats<'s> {
    searcher: &'s Searcher,
    docs: f32,
    doc_freqs: HashMap<Term, u64>,
}

impl<'s> TermStats<'s> {
    pub fn new(searcher: &'s Searcher) -> TermStats<'s> {
        TermStats {
            searcher,
            docs: searcher.num_docs() as f32,
            doc_freqs: HashMap::new(),
        }
    }

    /// Articles containing `term` (0 when the lookup fails: such a term scores nothing).
    pub fn doc_freq(&mut self, term: &Term) -> u64 {
        if let Some(&df) = self.doc_freqs.get(term) {
            return df;
        }
        let df = self.searcher.doc_freq(term).unwrap_or(0);
        self.doc_freqs.insert(term.clone(), df);
        df
    }

    /// Share of the articles containing `term`.
    pub fn doc_ratio(&mut self, term: &Term) -> f32 {
        self.doc_freq(term) as f32 / self.docs.max(1.0)
    }

    /// BM25's IDF of `term`; `None` for a term no article has.
    pub fn idf(&mut self, term: &Term) -> Option<f32> {
        let df = self.doc_freq(term) as f32;
        (df > 0.0).then(|| (1.0 + (self.docs - df + 0.5) / (df + 0.5)).ln())
    }
}
