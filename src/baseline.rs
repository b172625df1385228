//! The naive baseline every figure is compared with: tantivy's default tokenizer with ASCII
//! folding, and an OR query over title and text. Measurement only; the product never serves it.

use std::path::Path;

use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::schema::{
    Field, STORED, STRING, SchemaBuilder, TextFieldIndexing, TextOptions, Value,
};
use tantivy::tokenizer::{AsciiFoldingFilter, LowerCaser, SimpleTokenizer, TextAnalyzer};
use tantivy::{Index, IndexReader, TantivyDocument, doc};

use crate::ingest::Corpus;

const TOKENIZER: &str = "naive";

pub struct NaiveIndex {
    reader: IndexReader,
    parser: QueryParser,
    id: Field,
}

impl NaiveIndex {
    /// Indexes `corpus` into `dir` (which must be empty).
    pub fn build(corpus: &Corpus, dir: &Path) -> tantivy::Result<NaiveIndex> {
        NaiveIndex::build_records(
            corpus
                .articles()
                .iter()
                .map(|a| (a.id.as_str(), a.title.as_str(), a.text.as_str())),
            Some(dir),
        )
    }

    /// Indexes `(id, title, text)` records into `dir` (which must be empty; in memory when
    /// `None`): the same baseline for any kind of record (articles, procedures).
    pub fn build_records<'a>(
        records: impl IntoIterator<Item = (&'a str, &'a str, &'a str)>,
        dir: Option<&Path>,
    ) -> tantivy::Result<NaiveIndex> {
        let mut b = SchemaBuilder::new();
        let text_opts = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(TOKENIZER)
                .set_index_option(tantivy::schema::IndexRecordOption::WithFreqsAndPositions),
        );
        let id = b.add_text_field("id", STRING | STORED);
        let title = b.add_text_field("title", text_opts.clone());
        let text = b.add_text_field("text", text_opts);
        let index = match dir {
            Some(dir) => Index::create_in_dir(dir, b.build())?,
            None => Index::create_in_ram(b.build()),
        };
        index.tokenizers().register(
            TOKENIZER,
            TextAnalyzer::builder(SimpleTokenizer::default())
                .filter(LowerCaser)
                .filter(AsciiFoldingFilter)
                .build(),
        );
        let mut writer: tantivy::IndexWriter = index.writer(400 * 1024 * 1024)?;
        for (record_id, record_title, record_text) in records {
            writer
                .add_document(doc!(id => record_id, title => record_title, text => record_text))?;
        }
        writer.commit()?;
        writer.wait_merging_threads()?;
        let reader = index.reader()?;
        let parser = QueryParser::for_index(&index, vec![title, text]);
        Ok(NaiveIndex { reader, parser, id })
    }

    /// Ids of the best `limit` articles for `query`.
    pub fn search_ids(&self, query: &str, limit: usize) -> tantivy::Result<Vec<String>> {
        let (q, _) = self.parser.parse_query_lenient(query);
        let searcher = self.reader.searcher();
        let top = searcher.search(&q, &TopDocs::with_limit(limit).order_by_score())?;
        let mut out = Vec::with_capacity(top.len());
        for (_, addr) in top {
            let d: TantivyDocument = searcher.doc(addr)?;
            out.push(
                d.get_first(self.id)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_owned(),
            );
        }
        Ok(out)
    }
}
