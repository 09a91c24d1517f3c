//! Latency from a gateway's histogram: increases of the cumulative `le` buckets, turned into a
//! [`LatencyHistogram`] in milliseconds on a shared [`BucketLayout`] (one `Arc` per distinct
//! layout, so histograms of one gateway merge by pointer).

use std::collections::HashMap;
use std::sync::Arc;

use crate::model::histogram::{BucketLayout, LatencyHistogram};

/// Cumulative bucket increases of one route, summed across its series (per `le`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BucketIncreases {
    /// (upper bound in ms, increase of the cumulative count), unsorted.
    bounds: Vec<(f64, f64)>,
}

impl BucketIncreases {
    pub fn add(&mut self, le_ms: f64, increase: f64) {
        match self.bounds.iter_mut().find(|(le, _)| *le == le_ms) {
            Some((_, inc)) => *inc += increase,
            None => self.bounds.push((le_ms, increase)),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.bounds.is_empty()
    }

    pub fn clear(&mut self) {
        self.bounds.clear();
    }

    /// Per-bucket counts on the layout of the bounds seen. `None` when no bucket was seen.
    /// A histogram exposed without its `+Inf` bucket gets one holding nothing.
    pub fn to_histogram(&self, layouts: &mut LayoutCache) -> Option<LatencyHistogram> {
        if self.bounds.is_empty() {
            return None;
        }
        let mut sorted: Vec<(f64, f64)> = self
            .bounds
            .iter()
            .copied()
            .filter(|(le, _)| !le.is_nan())
            .collect();
        sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
        if sorted.last().is_some_and(|(le, _)| le.is_finite()) {
            let top = sorted.last().map_or(0.0, |b| b.1);
            sorted.push((f64::INFINITY, top));
        }
        sorted.truncate(u16::MAX as usize);
        let uppers: Vec<f64> = sorted.iter().map(|b| b.0).collect();
        let mut h = LatencyHistogram::with_layout(layouts.get(uppers));
        let mut below = 0.0_f64;
        for (i, &(_, cumulative)) in sorted.iter().enumerate() {
            let n = (cumulative - below).max(0.0).round();
            below = below.max(cumulative);
            h.add_to_bucket(i, n as u64);
        }
        Some(h)
    }
}

/// One `Arc<BucketLayout>` per distinct list of bounds, kept for the life of a mapper.
#[derive(Debug, Default)]
pub struct LayoutCache {
    layouts: HashMap<Vec<u64>, Arc<BucketLayout>>,
}

impl LayoutCache {
    pub fn get(&mut self, upper_ms: Vec<f64>) -> Arc<BucketLayout> {
        let key: Vec<u64> = upper_ms.iter().map(|b| b.to_bits()).collect();
        self.layouts
            .entry(key)
            .or_insert_with(|| Arc::new(BucketLayout { upper_ms }))
            .clone()
    }

    pub fn len(&self) -> usize {
        self.layouts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.layouts.is_empty()
    }
}

/// Parses an `le` label value (`"0.25"`, `"+Inf"`).
pub fn parse_le(s: &str) -> Option<f64> {
    match s.trim() {
        "+Inf" | "Inf" | "+inf" | "inf" => Some(f64::INFINITY),
        t => t.parse::<f64>().ok().filter(|v| !v.is_nan()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cumulative_increases_become_bucket_counts() {
        let mut b = BucketIncreases::default();
        // Two series (e.g. two status codes) of one route, le in seconds turned into ms.
        for (le, inc) in [(5.0, 3.0), (50.0, 10.0), (f64::INFINITY, 12.0)] {
            b.add(le, inc);
        }
        for (le, inc) in [(50.0, 4.0), (5.0, 0.0), (f64::INFINITY, 4.0)] {
            b.add(le, inc);
        }
        let mut cache = LayoutCache::default();
        let h = b.to_histogram(&mut cache).unwrap();
        assert_eq!(h.total(), 16);
        assert_eq!(h.layout().upper_ms, vec![5.0, 50.0, f64::INFINITY]);
        // 3 in (0,5], 11 in (5,50], 2 above: the median is inside (5, 50].
        let p50 = h.quantile(0.5).unwrap();
        assert!(p50 > 5.0 && p50 <= 50.0, "{p50}");
    }

    #[test]
    fn one_layout_per_distinct_bounds() {
        let mut cache = LayoutCache::default();
        let a = cache.get(vec![1.0, f64::INFINITY]);
        let b = cache.get(vec![1.0, f64::INFINITY]);
        let c = cache.get(vec![2.0, f64::INFINITY]);
        assert!(Arc::ptr_eq(&a, &b));
        assert!(!Arc::ptr_eq(&a, &c));
        assert_eq!(cache.len(), 2);
    }

    #[test]
    fn missing_inf_bucket_is_added_and_non_monotone_input_clamps() {
        let mut b = BucketIncreases::default();
        b.add(10.0, 5.0);
        b.add(20.0, 4.0); // a racing scrape can show a lower cumulative count
        let h = b.to_histogram(&mut LayoutCache::default()).unwrap();
        assert_eq!(h.total(), 5);
        assert_eq!(*h.layout().upper_ms.last().unwrap(), f64::INFINITY);
    }

    #[test]
    fn le_values() {
        assert_eq!(parse_le("+Inf"), Some(f64::INFINITY));
        assert_eq!(parse_le("0.005"), Some(0.005));
        assert_eq!(parse_le("1e3"), Some(1000.0));
        assert_eq!(parse_le("NaN"), None);
        assert_eq!(parse_le("x"), None);
    }
}
