//! tracuu: Vietnam's open legal-information portal.
//!
//! Data flows one way: sources → `ingest` (domain values from `model`) → `index` (tantivy
//! generations under `index/`) → `search` → `web` (the portal) and the binary's commands. See ARCHITECTURE.md for the
//! module map and the invariants each module keeps.

pub mod analysis;
pub mod baseline;
pub mod bench;
pub mod config;
pub mod crawl;
pub mod eval;
pub mod feedback;
pub mod index;
pub mod ingest;
pub mod model;
pub mod procedures;
pub mod search;
pub mod web;
