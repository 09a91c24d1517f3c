//! Time-bucketed history for one route: a bounded, sparse ring of per-second (or per-resolution)
//! buckets. Old buckets fall off once they are older than the retention.

use std::collections::VecDeque;
use std::time::Duration;

use crate::model::histogram::LatencyHistogram;
use crate::model::status::{Status, StatusClass};
use crate::model::time::Timestamp;
use crate::model::traffic::RouteDelta;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Bucket {
    /// Bucket number: `at / resolution`.
    pub index: i64,
    pub requests: u64,
    /// Indexed by [`class_slot`]: 1xx, 2xx, 3xx, 4xx, 5xx, other.
    pub by_class: [u64; 6],
    pub rate_limited: u64,
    pub latency: Option<LatencyHistogram>,
}

pub fn class_slot(c: StatusClass) -> usize {
    match c {
        StatusClass::Informational => 0,
        StatusClass::Success => 1,
        StatusClass::Redirection => 2,
        StatusClass::ClientError => 3,
        StatusClass::ServerError => 4,
        StatusClass::Other => 5,
    }
}

impl Bucket {
    pub fn errors(&self) -> u64 {
        self.by_class[3] + self.by_class[4]
    }

    fn add(&mut self, delta: &RouteDelta) {
        for s in &delta.statuses {
            self.requests += s.count;
            self.by_class[class_slot(s.status.class())] += s.count;
            if s.status == Status::Code(429) {
                self.rate_limited += s.count;
            }
        }
        if let Some(h) = &delta.latency {
            match &mut self.latency {
                Some(mine) => {
                    mine.merge(h);
                }
                None => self.latency = Some(h.clone()),
            }
        }
    }
}

impl Bucket {
    fn add_bucket(&mut self, other: &Bucket) {
        self.requests += other.requests;
        for (a, b) in self.by_class.iter_mut().zip(other.by_class) {
            *a += b;
        }
        self.rate_limited += other.rate_limited;
        if let Some(h) = &other.latency {
            match &mut self.latency {
                Some(mine) => {
                    mine.merge(h);
                }
                None => self.latency = Some(h.clone()),
            }
        }
    }
}

#[derive(Clone, Debug)]
pub struct BucketRing {
    resolution_ms: i64,
    capacity: usize,
    buckets: VecDeque<Bucket>,
}

impl BucketRing {
    pub fn new(resolution: Duration, retention: Duration) -> Self {
        let resolution_ms = (resolution.as_millis() as i64).max(1);
        let capacity = (retention.as_millis() as i64 / resolution_ms).max(1) as usize;
        BucketRing {
            resolution_ms,
            capacity,
            buckets: VecDeque::new(),
        }
    }

    pub fn index_of(&self, at: Timestamp) -> i64 {
        at.millis().div_euclid(self.resolution_ms)
    }

    pub fn resolution_ms(&self) -> i64 {
        self.resolution_ms
    }

    /// Adds a delta into its bucket. Deltas older than the ring's reach are dropped from the
    /// history (they still count in the route's totals, which the caller keeps).
    pub fn add(&mut self, delta: &RouteDelta) {
        let idx = self.index_of(delta.at);
        let newest = self.buckets.back().map(|b| b.index);
        if let Some(newest) = newest {
            if idx <= newest - self.capacity as i64 {
                return;
            }
        }
        let pos = self.buckets.partition_point(|b| b.index < idx);
        if pos < self.buckets.len() && self.buckets[pos].index == idx {
            self.buckets[pos].add(delta);
        } else {
            let mut b = Bucket {
                index: idx,
                ..Bucket::default()
            };
            b.add(delta);
            self.buckets.insert(pos, b);
        }
        let newest = self.buckets.back().map(|b| b.index).unwrap_or(idx);
        while let Some(front) = self.buckets.front() {
            if front.index <= newest - self.capacity as i64 {
                self.buckets.pop_front();
            } else {
                break;
            }
        }
    }

    /// Adds another ring's buckets (of the same resolution) into this one: the history of
    /// several instances of one gateway, summed bucket by bucket.
    pub fn merge(&mut self, other: &BucketRing) {
        debug_assert_eq!(self.resolution_ms, other.resolution_ms);
        for b in &other.buckets {
            let pos = self.buckets.partition_point(|m| m.index < b.index);
            if pos < self.buckets.len() && self.buckets[pos].index == b.index {
                self.buckets[pos].add_bucket(b);
            } else {
                self.buckets.insert(pos, b.clone());
            }
        }
        let newest = self.buckets.back().map_or(0, |b| b.index);
        while self
            .buckets
            .front()
            .is_some_and(|f| f.index <= newest - self.capacity as i64)
        {
            self.buckets.pop_front();
        }
    }

    /// Buckets whose time lies in `(from, to]`.
    pub fn range(&self, from: Timestamp, to: Timestamp) -> impl Iterator<Item = &Bucket> {
        let lo = self.index_of(from);
        let hi = self.index_of(to);
        let start = self.buckets.partition_point(|b| b.index <= lo);
        self.buckets
            .range(start..)
            .take_while(move |b| b.index <= hi)
    }

    pub fn len(&self) -> usize {
        self.buckets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.buckets.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::route::RouteKey;
    use crate::model::status::Responder;

    fn delta(at_ms: i64, code: u16, n: u64) -> RouteDelta {
        let mut d = RouteDelta::new(RouteKey::new(None, "r"), Timestamp(at_ms));
        d.add(Status::Code(code), Responder::Unknown, n);
        d
    }

    #[test]
    fn buckets_merge_and_expire() {
        let mut ring = BucketRing::new(Duration::from_secs(1), Duration::from_secs(3));
        ring.add(&delta(1_000, 200, 5));
        ring.add(&delta(1_500, 502, 2));
        ring.add(&delta(2_000, 429, 1));
        assert_eq!(ring.len(), 2);
        let all: Vec<_> = ring.range(Timestamp(0), Timestamp(2_999)).collect();
        assert_eq!(all[0].requests, 7);
        assert_eq!(all[0].by_class[4], 2);
        assert_eq!(all[1].rate_limited, 1);
        ring.add(&delta(5_000, 200, 1));
        // Capacity 3: buckets 3, 4, 5 are in reach; 1 and 2 fell off.
        assert_eq!(ring.len(), 1);
        // A delta too old for the ring is not kept.
        ring.add(&delta(1_000, 200, 1));
        assert_eq!(ring.len(), 1);
    }

    #[test]
    fn merged_rings_add_bucket_by_bucket_within_capacity() {
        let mut a = BucketRing::new(Duration::from_secs(1), Duration::from_secs(3));
        let mut b = BucketRing::new(Duration::from_secs(1), Duration::from_secs(3));
        a.add(&delta(1_000, 200, 5));
        a.add(&delta(3_000, 502, 2));
        b.add(&delta(3_500, 200, 4));
        b.add(&delta(4_000, 429, 1));
        a.merge(&b);
        let got: Vec<(i64, u64, u64, u64)> = a
            .range(Timestamp(0), Timestamp(10_000))
            .map(|b| (b.index, b.requests, b.by_class[4], b.rate_limited))
            .collect();
        // Bucket 1 fell out of reach of the newest (4) with capacity 3.
        assert_eq!(got, vec![(3, 6, 2, 0), (4, 1, 0, 1)]);
    }

    #[test]
    fn out_of_order_deltas_land_in_their_bucket() {
        let mut ring = BucketRing::new(Duration::from_secs(1), Duration::from_secs(60));
        ring.add(&delta(10_000, 200, 1));
        ring.add(&delta(8_000, 200, 2));
        ring.add(&delta(9_000, 200, 3));
        let idx: Vec<i64> = ring
            .range(Timestamp(0), Timestamp(20_000))
            .map(|b| b.index)
            .collect();
        assert_eq!(idx, vec![8, 9, 10]);
        let sum: u64 = ring
            .range(Timestamp(8_000), Timestamp(10_000))
            .map(|b| b.requests)
            .sum();
        assert_eq!(sum, 4, "range is (from, to]");
    }
}
