//! Latency and throughput measurement shared by `tracuu bench` and `benches/`: run a query
//! function over a query list, on one thread for latency percentiles and on every core for
//! throughput. Measurement only; what is measured is the caller's closure.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde::Serialize;

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct LatencyStats {
    pub samples: usize,
    pub p50_us: f64,
    pub p95_us: f64,
    pub p99_us: f64,
    pub max_us: f64,
    pub mean_us: f64,
}

impl std::fmt::Display for LatencyStats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "n={} p50 {:.3} ms  p95 {:.3} ms  p99 {:.3} ms  max {:.3} ms  mean {:.3} ms",
            self.samples,
            self.p50_us / 1000.0,
            self.p95_us / 1000.0,
            self.p99_us / 1000.0,
            self.max_us / 1000.0,
            self.mean_us / 1000.0
        )
    }
}

/// Percentiles of a set of durations (nearest-rank).
pub fn stats(mut samples_us: Vec<f64>) -> LatencyStats {
    if samples_us.is_empty() {
        return LatencyStats::default();
    }
    samples_us.sort_by(f64::total_cmp);
    let pct = |p: f64| {
        let rank = ((p / 100.0) * samples_us.len() as f64).ceil() as usize;
        samples_us[rank.clamp(1, samples_us.len()) - 1]
    };
    LatencyStats {
        samples: samples_us.len(),
        p50_us: pct(50.0),
        p95_us: pct(95.0),
        p99_us: pct(99.0),
        max_us: samples_us[samples_us.len() - 1],
        mean_us: samples_us.iter().sum::<f64>() / samples_us.len() as f64,
    }
}

/// Runs `f` once per query (after one warm-up pass) for `rounds` rounds on this thread and
/// returns the latency distribution.
pub fn latency<Q>(queries: &[Q], rounds: usize, mut f: impl FnMut(&Q)) -> LatencyStats {
    for q in queries {
        f(q);
    }
    let mut samples = Vec::with_capacity(queries.len() * rounds);
    for _ in 0..rounds {
        for q in queries {
            let t = Instant::now();
            f(q);
            samples.push(t.elapsed().as_nanos() as f64 / 1000.0);
        }
    }
    stats(samples)
}

/// Queries per second with `threads` threads cycling through `queries` for `duration`.
pub fn throughput<Q: Sync>(
    queries: &[Q],
    threads: usize,
    duration: Duration,
    f: impl Fn(&Q) + Sync,
) -> f64 {
    if queries.is_empty() {
        return 0.0;
    }
    let done = AtomicUsize::new(0);
    let start = Instant::now();
    std::thread::scope(|s| {
        for t in 0..threads.max(1) {
            let (done, f) = (&done, &f);
            s.spawn(move || {
                let mut i = t * queries.len() / threads.max(1);
                while start.elapsed() < duration {
                    f(&queries[i % queries.len()]);
                    i += 1;
                    done.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    });
    done.load(Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let s = stats((1..=100).map(f64::from).collect());
        assert_eq!(
            (s.p50_us, s.p95_us, s.p99_us, s.max_us),
            (50.0, 95.0, 99.0, 100.0)
        );
        assert_eq!(stats(vec![]).samples, 0);
        assert_eq!(stats(vec![7.0]).p99_us, 7.0);
    }
}
