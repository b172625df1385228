//! All integration tests, in one binary. Each module tests one capability at its boundary:
//! the library's public API over real data (the committed `content/`, and the full code of law
//! from `../shared/data` when it is present).

mod browser;
mod browser_feedback;
mod crawl;
mod crawl_incremental;
mod dev_eval;
mod feedback_crash;
mod feedback_routing;
mod feedback_safeguards;
mod feedback_store;
mod feedback_support;
mod feedback_web;
mod index_lifecycle;
mod procedures;
mod relevance;
mod search_features;
mod support;
mod web;
mod web_procedures;
