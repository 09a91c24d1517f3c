//! A dense counter of log-scale latency buckets, for the hot path of log ingest.
//!
//! [`LatencyHistogram`] keeps its counts sparse (a few bytes for a route with few requests),
//! which makes each `record` a binary search and sometimes an insert. The log aggregator counts
//! thousands of lines into the same histogram between two hand-overs, so it counts into this
//! dense array (one add per line) and converts once per hand-over.

use super::histogram::{log_bucket_of, LatencyHistogram};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LatencyTally {
    /// Count per log-scale bucket index; grows up to the highest index seen.
    counts: Vec<u32>,
}

impl LatencyTally {
    pub fn record(&mut self, ms: f64) {
        let i = log_bucket_of(ms);
        if i >= self.counts.len() {
            self.counts.resize(i + 1, 0);
        }
        // Four billion lines in one bucket between two hand-overs does not happen; saturate.
        self.counts[i] = self.counts[i].saturating_add(1);
    }

    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    /// The same counts as a (sparse) log-scale histogram.
    pub fn to_histogram(&self) -> LatencyHistogram {
        let sparse = self
            .counts
            .iter()
            .enumerate()
            .filter(|(_, &n)| n > 0)
            .map(|(i, &n)| (i as u16, u64::from(n)))
            .collect();
        LatencyHistogram::log_scale_from_sorted(sparse)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tally_equals_recording_into_a_histogram() {
        let values = [
            0.0, 0.004, 0.5, 3.0, 17.0, 17.0, 18.0, 250.0, 9000.0, 1e7, 3.0,
        ];
        let mut tally = LatencyTally::default();
        let mut direct = LatencyHistogram::log_scale();
        for ms in values {
            tally.record(ms);
            direct.record(ms);
        }
        assert_eq!(tally.to_histogram(), direct);
        assert_eq!(tally.to_histogram().total(), values.len() as u64);
        assert!(LatencyTally::default().is_empty());
        assert!(LatencyTally::default().to_histogram().is_empty());
    }
}
