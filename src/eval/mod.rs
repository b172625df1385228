//! Relevance measurement: query files with known answers (the JSONL format of
//! `../shared/data/eval`: `qid`, `query`, `relevant`), ranking metrics, and a report that lists
//! every query whose answer was missed. Knows nothing of how results are ranked: it takes a
//! function from query text to ranked ids.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}:{line}: {reason}")]
    Malformed {
        path: PathBuf,
        line: usize,
        reason: String,
    },
}

/// One question with the ids that answer it.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct EvalQuery {
    pub qid: String,
    pub query: String,
    pub relevant: Vec<String>,
}

pub fn load_queries(path: &Path) -> Result<Vec<EvalQuery>, EvalError> {
    let text = std::fs::read_to_string(path).map_err(|source| EvalError::Io {
        path: path.to_owned(),
        source,
    })?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let q: EvalQuery = serde_json::from_str(line).map_err(|e| EvalError::Malformed {
            path: path.to_owned(),
            line: i + 1,
            reason: e.to_string(),
        })?;
        if q.relevant.is_empty() {
            return Err(EvalError::Malformed {
                path: path.to_owned(),
                line: i + 1,
                reason: "`relevant` is empty".to_owned(),
            });
        }
        out.push(q);
    }
    Ok(out)
}

/// Averages over all queries. Recall@k is the share of a query's relevant ids found in its top k.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Metrics {
    pub queries: usize,
    pub recall_at_1: f64,
    pub recall_at_5: f64,
    pub recall_at_10: f64,
    pub recall_at_100: f64,
    pub mrr_at_10: f64,
    pub ndcg_at_10: f64,
}

impl std::fmt::Display for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "queries {}  R@1 {:.3}  R@5 {:.3}  R@10 {:.3}  R@100 {:.3}  MRR@10 {:.3}  nDCG@10 {:.3}",
            self.queries,
            self.recall_at_1,
            self.recall_at_5,
            self.recall_at_10,
            self.recall_at_100,
            self.mrr_at_10,
            self.ndcg_at_10
        )
    }
}

/// A query whose answer was not ranked first.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Miss {
    pub qid: String,
    pub query: String,
    pub relevant: Vec<String>,
    /// 1-based rank of the first relevant id in the top 100, if any.
    pub first_relevant_rank: Option<usize>,
    /// The top 5 returned.
    pub top: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EvalReport {
    pub metrics: Metrics,
    /// Queries with no relevant id in the top 10, worst first.
    pub missed_at_10: Vec<Miss>,
}

/// Ranks every query with `rank` (ids, best first; at least 100 asked) and scores the rankings.
pub fn evaluate(queries: &[EvalQuery], mut rank: impl FnMut(&str) -> Vec<String>) -> EvalReport {
    let mut m = Metrics {
        queries: queries.len(),
        ..Metrics::default()
    };
    let mut missed = Vec::new();
    for q in queries {
        let ranked = rank(&q.query);
        let is_rel = |id: &String| q.relevant.contains(id);
        let recall = |k: usize| {
            let found = ranked.iter().take(k).filter(|id| is_rel(id)).count();
            found as f64 / q.relevant.len() as f64
        };
        m.recall_at_1 += recall(1);
        m.recall_at_5 += recall(5);
        m.recall_at_10 += recall(10);
        m.recall_at_100 += recall(100);
        let first = ranked.iter().take(100).position(is_rel);
        if let Some(p) = first.filter(|&p| p < 10) {
            m.mrr_at_10 += 1.0 / (p + 1) as f64;
        }
        let dcg: f64 = ranked
            .iter()
            .take(10)
            .enumerate()
            .filter(|(_, id)| is_rel(id))
            .map(|(i, _)| 1.0 / ((i + 2) as f64).log2())
            .sum();
        let idcg: f64 = (0..q.relevant.len().min(10))
            .map(|i| 1.0 / ((i + 2) as f64).log2())
            .sum();
        m.ndcg_at_10 += dcg / idcg;
        if first.is_none_or(|p| p >= 10) {
            missed.push(Miss {
                qid: q.qid.clone(),
                query: q.query.clone(),
                relevant: q.relevant.clone(),
                first_relevant_rank: first.map(|p| p + 1),
                top: ranked.iter().take(5).cloned().collect(),
            });
        }
    }
    let n = queries.len().max(1) as f64;
    for v in [
        &mut m.recall_at_1,
        &mut m.recall_at_5,
        &mut m.recall_at_10,
        &mut m.recall_at_100,
        &mut m.mrr_at_10,
        &mut m.ndcg_at_10,
    ] {
        *v /= n;
    }
    missed.sort_by_key(|x| std::cmp::Reverse(x.first_relevant_rank.unwrap_or(usize::MAX)));
    EvalReport {
        metrics: m,
        missed_at_10: missed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(id: &str, rel: &[&str]) -> EvalQuery {
        EvalQuery {
            qid: id.into(),
            query: id.into(),
            relevant: rel.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn metrics_on_a_known_ranking() {
        let queries = [q("a", &["x"]), q("b", &["y"]), q("c", &["z"])];
        let report = evaluate(&queries, |query| match query {
            "a" => vec!["x".into(), "n".into()],
            "b" => vec!["n".into(), "y".into()],
            _ => vec!["n".into()],
        });
        let m = &report.metrics;
        assert!((m.recall_at_1 - 1.0 / 3.0).abs() < 1e-9);
        assert!((m.recall_at_10 - 2.0 / 3.0).abs() < 1e-9);
        assert!((m.mrr_at_10 - (1.0 + 0.5) / 3.0).abs() < 1e-9);
        assert!((m.ndcg_at_10 - (1.0 + 1.0 / 3f64.log2()) / 3.0).abs() < 1e-9);
        assert_eq!(report.missed_at_10.len(), 1);
        assert_eq!(report.missed_at_10[0].qid, "c");
    }
}
