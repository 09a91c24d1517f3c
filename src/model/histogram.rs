//! Latency histograms: bucket counts with explicit upper bounds, mergeable when layouts match,
//! with quantiles interpolated the way Prometheus's `histogram_quantile` does.
//!
//! Two layouts occur: a gateway's own `le` buckets (metrics), and [`LatencyHistogram::log_scale`],
//! a fixed fine layout (4% wide buckets) used for latencies read from access logs. Counts are kept
//! sparse so that a route with few requests in a time bucket costs a few bytes.

use std::sync::{Arc, OnceLock};

/// Upper bounds in milliseconds, strictly increasing, ending with `f64::INFINITY`.
#[derive(Debug, PartialEq)]
pub struct BucketLayout {
    pub upper_ms: Vec<f64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct LatencyHistogram {
    layout: Arc<BucketLayout>,
    /// (bucket index, count), sorted by index, no zero counts.
    counts: Vec<(u16, u64)>,
    total: u64,
}

const LOG_GROWTH: f64 = 1.04;
const LOG_MIN_MS: f64 = 0.01;
const LOG_BUCKETS: usize = 510;

/// Latencies below this many milliseconds are looked up by whole microsecond in
/// `LogTables::micros`, from here to `TABLE_TO_MS` by whole millisecond in `LogTables::millis`,
/// instead of computing a logarithm.
const MICROS_TO_MS: f64 = 16.0;
const TABLE_TO_MS: f64 = 8192.0;

/// The log-scale layout and its look-up tables, built once (one check per look-up).
struct LogTables {
    layout: Arc<BucketLayout>,
    /// For each whole millisecond below `TABLE_TO_MS`: the bucket holding it.
    millis: Vec<u16>,
    /// For each whole microsecond below `MICROS_TO_MS`: the bucket holding it.
    micros: Vec<u16>,
}

fn log_tables() -> &'static LogTables {
    static TABLES: OnceLock<LogTables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let layout = log_layout_uncached();
        let bounds = &layout.upper_ms;
        LogTables {
            millis: first_bounds(bounds, (0..TABLE_TO_MS as usize).map(|k| k as f64)),
            micros: first_bounds(
                bounds,
                (0..(MICROS_TO_MS * 1000.0) as usize).map(|k| k as f64 / 1000.0),
            ),
            layout,
        }
    })
}

/// The index of the first log-scale bound ≥ each value.
fn first_bounds(bounds: &[f64], values: impl Iterator<Item = f64>) -> Vec<u16> {
    values
        .map(|v| bounds.partition_point(|&b| b < v) as u16)
        .collect()
}

/// The log-scale bucket of `ms` (the first upper bound ≥ ms): a table look-up, settled
/// against the actual bounds so that it is exact.
pub(crate) fn log_bucket_of(ms: f64) -> usize {
    if ms.is_nan() || ms <= LOG_MIN_MS {
        return 0;
    }
    let tables = log_tables();
    let bounds = &tables.layout.upper_ms;
    let mut i = if ms < MICROS_TO_MS {
        usize::from(tables.micros[(ms * 1000.0) as usize])
    } else if ms < TABLE_TO_MS {
        usize::from(tables.millis[ms as usize])
    } else {
        (((ms / LOG_MIN_MS).ln() / LOG_GROWTH.ln()).ceil() as usize).min(bounds.len() - 1)
    };
    // Float rounding (of the product, or of the logarithm) can land one off either way.
    while i > 0 && bounds[i - 1] >= ms {
        i -= 1;
    }
    while bounds[i] < ms {
        i += 1;
    }
    i
}

fn log_layout() -> &'static Arc<BucketLayout> {
    &log_tables().layout
}

fn log_layout_uncached() -> Arc<BucketLayout> {
    let mut upper_ms = Vec::with_capacity(LOG_BUCKETS + 1);
    let mut b = LOG_MIN_MS;
    for _ in 0..LOG_BUCKETS {
        upper_ms.push(b);
        b *= LOG_GROWTH;
    }
    upper_ms.push(f64::INFINITY);
    Arc::new(BucketLayout { upper_ms })
}

impl LatencyHistogram {
    pub fn with_layout(layout: Arc<BucketLayout>) -> Self {
        LatencyHistogram {
            layout,
            counts: Vec::new(),
            total: 0,
        }
    }

    /// A log-scale histogram from (bucket index, count) pairs sorted by index, without zeros.
    pub(crate) fn log_scale_from_sorted(counts: Vec<(u16, u64)>) -> Self {
        let total = counts.iter().map(|&(_, n)| n).sum();
        LatencyHistogram {
            layout: log_layout().clone(),
            counts,
            total,
        }
    }

    /// An empty histogram in the fixed log-scale layout (0.01 ms to ~5 min, 4% buckets).
    pub fn log_scale() -> Self {
        Self::with_layout(log_layout().clone())
    }

    pub fn layout(&self) -> &Arc<BucketLayout> {
        &self.layout
    }

    pub fn total(&self) -> u64 {
        self.total
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// Index of the bucket holding `ms` (the first upper bound ≥ ms).
    pub fn bucket_of(&self, ms: f64) -> usize {
        if Arc::ptr_eq(&self.layout, log_layout()) {
            return log_bucket_of(ms);
        }
        let bounds = &self.layout.upper_ms;
        bounds.partition_point(|&b| b < ms).min(bounds.len() - 1)
    }

    pub fn record(&mut self, ms: f64) {
        self.add_to_bucket(self.bucket_of(ms), 1);
    }

    pub fn add_to_bucket(&mut self, index: usize, n: u64) {
        if n == 0 {
            return;
        }
        let idx = index.min(self.layout.upper_ms.len() - 1) as u16;
        match self.counts.binary_search_by_key(&idx, |&(i, _)| i) {
            Ok(pos) => self.counts[pos].1 += n,
            Err(pos) => self.counts.insert(pos, (idx, n)),
        }
        self.total += n;
    }

    /// Adds `other` into `self`. Returns false (and changes nothing) when layouts differ.
    pub fn merge(&mut self, other: &LatencyHistogram) -> bool {
        if !Arc::ptr_eq(&self.layout, &other.layout) && self.layout != other.layout {
            return false;
        }
        if self.counts.is_empty() {
            self.counts = other.counts.clone();
            self.total = other.total;
            return true;
        }
        // Common once warmed up: every bucket of `other` already exists here; add in place.
        let find = |counts: &[(u16, u64)], from: usize, i: u16| {
            counts[from..]
                .binary_search_by_key(&i, |&(j, _)| j)
                .map(|p| from + p)
        };
        let mut from = 0;
        let in_place = other
            .counts
            .iter()
            .all(|&(i, _)| match find(&self.counts, from, i) {
                Ok(p) => {
                    from = p + 1;
                    true
                }
                Err(_) => false,
            });
        if in_place {
            let mut from = 0;
            for &(i, n) in &other.counts {
                if let Ok(p) = find(&self.counts, from, i) {
                    self.counts[p].1 += n;
                    from = p + 1;
                }
            }
            self.total += other.total;
            return true;
        }
        let mut merged = Vec::with_capacity(self.counts.len() + other.counts.len());
        let (mut a, mut b) = (
            self.counts.iter().peekable(),
            other.counts.iter().peekable(),
        );
        loop {
            match (a.peek(), b.peek()) {
                (Some(&&(ia, na)), Some(&&(ib, nb))) => {
                    if ia == ib {
                        merged.push((ia, na + nb));
                        a.next();
                        b.next();
                    } else if ia < ib {
                        merged.push((ia, na));
                        a.next();
                    } else {
                        merged.push((ib, nb));
                        b.next();
                    }
                }
                (Some(&&x), None) => {
                    merged.push(x);
                    a.next();
                }
                (None, Some(&&x)) => {
                    merged.push(x);
                    b.next();
                }
                (None, None) => break,
            }
        }
        self.counts = merged;
        self.total += other.total;
        true
    }

    /// The q-quantile (0 ≤ q ≤ 1) in ms, interpolated linearly inside the bucket as
    /// `histogram_quantile` does: the lower edge of the first bucket is 0 (or the bucket's own
    /// bound when it is negative); a quantile in the +Inf bucket answers the last finite bound.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        if self.total == 0 || q.is_nan() {
            return None;
        }
        let bounds = &self.layout.upper_ms;
        let rank = q.clamp(0.0, 1.0) * self.total as f64;
        let mut cumulative = 0u64;
        for &(idx, n) in &self.counts {
            let before = cumulative;
            cumulative += n;
            if (cumulative as f64) >= rank {
                let i = idx as usize;
                let upper = bounds[i];
                if upper.is_infinite() {
                    return Some(if bounds.len() >= 2 {
                        bounds[bounds.len() - 2]
                    } else {
                        0.0
                    });
                }
                let lower = if i == 0 {
                    0.0_f64.min(upper)
                } else {
                    bounds[i - 1]
                };
                let within = (rank - before as f64) / n as f64;
                return Some(lower + (upper - lower) * within);
            }
        }
        bounds.iter().rev().find(|b| b.is_finite()).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prom_layout(bounds_s: &[f64]) -> Arc<BucketLayout> {
        let mut upper_ms: Vec<f64> = bounds_s.iter().map(|s| s * 1000.0).collect();
        upper_ms.push(f64::INFINITY);
        Arc::new(BucketLayout { upper_ms })
    }

    #[test]
    fn quantile_matches_histogram_quantile() {
        // Buckets le=0.1,0.5,1,+Inf with cumulative 10, 60, 90, 100 (seconds).
        let mut h = LatencyHistogram::with_layout(prom_layout(&[0.1, 0.5, 1.0]));
        h.add_to_bucket(0, 10);
        h.add_to_bucket(1, 50);
        h.add_to_bucket(2, 30);
        h.add_to_bucket(3, 10);
        // p50: rank 50 falls in (0.1, 0.5] with 40 of 50 -> 0.1 + 0.4*0.8 = 0.42 s
        assert!((h.quantile(0.5).unwrap() - 420.0).abs() < 1e-9);
        // p95: rank 95 is in +Inf -> last finite bound, 1 s
        assert_eq!(h.quantile(0.95), Some(1000.0));
        // p05: rank 5 in first bucket -> 0 + 0.1 * 0.5
        assert!((h.quantile(0.05).unwrap() - 50.0).abs() < 1e-9);
    }

    #[test]
    fn log_scale_is_within_four_percent() {
        for &ms in &[0.5, 3.0, 12.5, 99.0, 250.0, 1234.0, 29_000.0] {
            let mut h = LatencyHistogram::log_scale();
            for _ in 0..100 {
                h.record(ms);
            }
            let p = h.quantile(0.99).unwrap();
            assert!((p - ms).abs() / ms <= 0.04, "{ms} -> {p}");
        }
    }

    #[test]
    fn bucket_of_agrees_with_bounds() {
        let h = LatencyHistogram::log_scale();
        let bounds = &h.layout().upper_ms;
        let mut values = vec![
            0.0, 0.01, 0.0100001, 1.0, 7.77, 1e3, 1e9, 16.0, 8191.99, 8192.0,
        ];
        // Log times are whole milliseconds, often a few ulps off after `seconds * 1000`.
        for k in 0..20_000 {
            let ms = f64::from(k);
            values.extend([ms, (ms / 1000.0) * 1000.0, ms + 0.5, ms - 1e-9, ms + 1e-9]);
            // Microseconds below 20 ms, as `$request_time`-style decimals read back.
            let us = ms / 1000.0;
            values.extend([us, (us / 1e6) * 1e6, us + 1e-12, us - 1e-12, us + 0.0005]);
        }
        values.extend(bounds.iter().filter(|b| b.is_finite()).copied());
        for ms in values {
            let i = h.bucket_of(ms);
            assert_eq!(i, bounds.partition_point(|&b| b < ms), "{ms}");
            assert!(bounds[i] >= ms);
            assert!(i == 0 || bounds[i - 1] < ms, "{ms}");
        }
    }

    #[test]
    fn merge_adds_and_refuses_foreign_layouts() {
        let mut a = LatencyHistogram::log_scale();
        let mut b = LatencyHistogram::log_scale();
        a.record(10.0);
        b.record(10.0);
        b.record(500.0);
        assert!(a.merge(&b));
        assert_eq!(a.total(), 3);
        // Every bucket of `b` exists in `a` now: added in place.
        assert!(a.merge(&b));
        assert_eq!(a.total(), 5);
        assert_eq!(a.counts.len(), 2);
        assert_eq!(a.counts.iter().map(|c| c.1).collect::<Vec<_>>(), vec![3, 2]);
        let foreign = LatencyHistogram::with_layout(prom_layout(&[1.0]));
        assert!(!a.merge(&foreign));
        assert_eq!(a.total(), 5);
    }
}
