//! All integration tests, in one binary. Each module tests one capability at its boundary:
//! the library's public API over real data (the committed `content/`, and the full code of law
//! from `../shared/data` when it is present).

mod crawl;
mod dev_eval;
mod index_lifecycle;
mod relevance;
mod search_features;
mod support;
mod web;
