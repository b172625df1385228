//! The one place that knows the tantivy schema: field names, their options, and the function
//! from a domain value to a tantivy document.
//!
//! Bump [`SCHEMA_VERSION`] whenever a field, a tokenizer, or what a tokenizer emits changes: an
//! index built under another version is refused at open with a clear message, never misread.

use tantivy::schema::{
    FAST, INDEXED, IndexRecordOption, STORED, STRING, Schema, SchemaBuilder, TextFieldIndexing,
    TextOptions,
};
use tantivy::{TantivyDocument, doc};

use crate::analysis::{TOKENIZER_BIGRAM, TOKENIZER_EXACT, TOKENIZER_FOLDED, TOKENIZER_WORD};
use crate::model::{Article, DocNumber, Document};

/// Version of the schema and of the analysis that fills it.
pub const SCHEMA_VERSION: u32 = 2;

pub const ID: &str = "id";
pub const KIND: &str = "kind";
pub const DOC_KEY: &str = "doc_key";
pub const SO_HIEU: &str = "so_hieu";
pub const TITLE: &str = "title";
pub const TITLE_FOLD: &str = "title_fold";
pub const TITLE_BIGRAM: &str = "title_bigram";
pub const TEXT: &str = "text";
pub const TEXT_FOLD: &str = "text_fold";
pub const TEXT_BIGRAM: &str = "text_bigram";
pub const WORDS: &str = "words";
pub const CONTEXT: &str = "context";
pub const DOC_TYPE: &str = "doc_type";
pub const ISSUER: &str = "issuer";
pub const YEAR: &str = "year";
pub const DEMUC: &str = "demuc";
pub const STATUS: &str = "status";
pub const ISSUED_DAYS: &str = "issued_days";
pub const PAYLOAD: &str = "payload";

/// Record kinds in the index.
pub const KIND_ARTICLE: &str = "article";

/// Resolved field handles, built once per open index.
#[derive(Clone, Debug)]
pub struct Fields {
    pub id: tantivy::schema::Field,
    pub kind: tantivy::schema::Field,
    pub doc_key: tantivy::schema::Field,
    pub so_hieu: tantivy::schema::Field,
    pub title: tantivy::schema::Field,
    pub title_fold: tantivy::schema::Field,
    pub title_bigram: tantivy::schema::Field,
    pub text: tantivy::schema::Field,
    pub text_fold: tantivy::schema::Field,
    pub text_bigram: tantivy::schema::Field,
    pub words: tantivy::schema::Field,
    pub context: tantivy::schema::Field,
    pub doc_type: tantivy::schema::Field,
    pub issuer: tantivy::schema::Field,
    pub year: tantivy::schema::Field,
    pub demuc: tantivy::schema::Field,
    pub status: tantivy::schema::Field,
    pub issued_days: tantivy::schema::Field,
    pub payload: tantivy::schema::Field,
}

fn text_field(tokenizer: &str, record: IndexRecordOption) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(record),
    )
}

pub fn build_schema() -> Schema {
    use IndexRecordOption::{WithFreqs, WithFreqsAndPositions};
    let mut b = SchemaBuilder::new();
    b.add_text_field(ID, STRING | STORED | FAST);
    b.add_text_field(KIND, STRING | FAST);
    b.add_text_field(DOC_KEY, STRING | FAST);
    b.add_text_field(SO_HIEU, STRING);
    b.add_text_field(TITLE, text_field(TOKENIZER_EXACT, WithFreqsAndPositions));
    b.add_text_field(
        TITLE_FOLD,
        text_field(TOKENIZER_FOLDED, WithFreqsAndPositions),
    );
    b.add_text_field(TITLE_BIGRAM, text_field(TOKENIZER_BIGRAM, WithFreqs));
    b.add_text_field(TEXT, text_field(TOKENIZER_EXACT, WithFreqsAndPositions));
    // Phrases of the text are matched on the pairs' positions (short lists, few positions per
    // article), not on the syllables' (see `search::compile`): the folded syllables need none.
    b.add_text_field(TEXT_FOLD, text_field(TOKENIZER_FOLDED, WithFreqs));
    b.add_text_field(
        TEXT_BIGRAM,
        text_field(TOKENIZER_BIGRAM, WithFreqsAndPositions),
    );
    b.add_text_field(WORDS, text_field(TOKENIZER_WORD, WithFreqs));
    b.add_text_field(CONTEXT, text_field(TOKENIZER_FOLDED, WithFreqs));
    b.add_text_field(DOC_TYPE, STRING | FAST);
    b.add_text_field(ISSUER, STRING | FAST);
    b.add_u64_field(YEAR, INDEXED | FAST);
    b.add_text_field(DEMUC, STRING | FAST);
    b.add_text_field(STATUS, STRING | FAST);
    b.add_i64_field(ISSUED_DAYS, FAST);
    b.add_text_field(PAYLOAD, STORED);
    b.build()
}

impl Fields {
    pub fn new(schema: &Schema) -> tantivy::Result<Fields> {
        let f = |name: &str| schema.get_field(name);
        Ok(Fields {
            id: f(ID)?,
            kind: f(KIND)?,
            doc_key: f(DOC_KEY)?,
            so_hieu: f(SO_HIEU)?,
            title: f(TITLE)?,
            title_fold: f(TITLE_FOLD)?,
            title_bigram: f(TITLE_BIGRAM)?,
            text: f(TEXT)?,
            text_fold: f(TEXT_FOLD)?,
            text_bigram: f(TEXT_BIGRAM)?,
            words: f(WORDS)?,
            context: f(CONTEXT)?,
            doc_type: f(DOC_TYPE)?,
            issuer: f(ISSUER)?,
            year: f(YEAR)?,
            demuc: f(DEMUC)?,
            status: f(STATUS)?,
            issued_days: f(ISSUED_DAYS)?,
            payload: f(PAYLOAD)?,
        })
    }
}

/// What the index stores of an article: enough to render a hit without another lookup.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct StoredArticle {
    pub article: Article,
}

/// The key under which a số hiệu is indexed and looked up: folded, lowercase.
pub fn so_hieu_key(so_hieu: &str) -> String {
    DocNumber::parse(so_hieu).map_or_else(
        |_| crate::analysis::fold(&so_hieu.to_lowercase()),
        |n| n.key(),
    )
}

/// The one function from domain values to a tantivy document.
pub fn article_document(
    fields: &Fields,
    article: &Article,
    document: Option<&Document>,
) -> TantivyDocument {
    let doc_title = document.map_or("", |d| d.title.as_str());
    let doc_type = document.map_or("", |d| d.doc_type.as_str());
    let mut context = String::with_capacity(doc_title.len() + article.demuc_name.len() + 64);
    for part in [
        doc_type,
        doc_title,
        &article.demuc_name,
        article.chapter.as_deref().unwrap_or(""),
    ] {
        context.push_str(part);
        context.push_str(". ");
    }
    let payload = serde_json::to_string(&StoredArticle {
        article: article.clone(),
    })
    .unwrap_or_default();
    let mut words_src = String::with_capacity(article.title.len() + article.text.len() + 2);
    words_src.push_str(&article.title);
    words_src.push_str(".\n");
    words_src.push_str(&article.text);

    let mut d = doc!(
        fields.id => article.id.as_str(),
        fields.kind => KIND_ARTICLE,
        fields.doc_key => article.doc_key.as_str(),
        fields.title => article.title.as_str(),
        fields.title_fold => article.title.as_str(),
        fields.title_bigram => article.title.as_str(),
        fields.text => article.text.as_str(),
        fields.text_fold => article.text.as_str(),
        fields.text_bigram => article.text.as_str(),
        fields.words => words_src,
        fields.context => context,
        fields.demuc => article.demuc_code.as_str(),
        fields.payload => payload,
    );
    if let Some(doc) = document {
        if !doc.so_hieu.is_empty() {
            d.add_text(fields.so_hieu, so_hieu_key(&doc.so_hieu));
        }
        if !doc.doc_type.is_empty() {
            d.add_text(fields.doc_type, &doc.doc_type);
        }
        if let Some(issuer) = &doc.issuer {
            d.add_text(fields.issuer, issuer);
        }
        if let Some(year) = doc.year() {
            d.add_u64(fields.year, u64::from(year));
        }
        d.add_text(fields.status, doc.status.slug());
        if let Some(issued) = doc.issued.or(doc.effective_from) {
            d.add_i64(fields.issued_days, issued.days_since_epoch());
        }
    }
    d
}
