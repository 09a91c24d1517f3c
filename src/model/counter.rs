//! Counter increases between scrapes, with Prometheus semantics, per series.
//!
//! Rules (see docs/metrics.md):
//! - The increase of a series is the difference between two consecutive *successful* scrapes.
//!   A failed scrape changes nothing here, so the next success covers the gap.
//! - A decrease is a counter reset: the new value is the whole increase.
//! - A series absent from the previous scrape was born in between and counts its whole value,
//!   except on the very first scrape of a target, which is only a baseline.
//! - When `_created` is known: a later `_created` than before means a reset; a new series whose
//!   `_created` is at or before the previous scrape existed unseen, so it counts nothing yet.
//! - A series missing from a scrape is remembered for a few scrapes: if it comes back (a bad
//!   line hid it, or a flaky exporter), it continues instead of counting its whole value again.
//!
//! Series identity is a 64-bit hash of the sample name and its label set, computed without
//! sorting (pairs are hashed and combined commutatively), so identity costs no allocation.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::time::Timestamp;

/// Identity of one series: hash of its sample name and label set.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SeriesId(pub u64);

/// A fast, decent-quality 64-bit hash of bytes (multiply-rotate over 8-byte words, with a
/// final avalanche). Not for adversarial input; collisions only merge two series' counts.
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h: u64 = (bytes.len() as u64).wrapping_mul(K);
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        h = (h ^ w).wrapping_mul(K).rotate_left(29);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut buf = [0u8; 8];
        buf[..rest.len()].copy_from_slice(rest);
        h = (h ^ u64::from_le_bytes(buf))
            .wrapping_mul(K)
            .rotate_left(29);
    }
    avalanche(h)
}

/// Mixes two hashes into one, order-sensitive.
pub fn mix(a: u64, b: u64) -> u64 {
    avalanche(a.rotate_left(21) ^ b.wrapping_mul(0xC2B2_AE3D_27D4_EB4F))
}

fn avalanche(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    h ^= h >> 33;
    h = h.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    h ^ (h >> 33)
}

/// Order-independent hash of a label set: each `name=value` pair is hashed on its own and the
/// pair hashes are added, so `{a="1",b="2"}` and `{b="2",a="1"}` are the same set.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct LabelSetHash {
    sum: u64,
    count: u64,
}

impl LabelSetHash {
    pub fn add(&mut self, name: &str, value: &str) {
        let pair = mix(hash_bytes(name.as_bytes()), hash_bytes(value.as_bytes()));
        self.sum = self.sum.wrapping_add(pair);
        self.count += 1;
    }

    pub fn finish(self) -> u64 {
        mix(self.sum, self.count)
    }
}

/// The id of a series named `name` with label-set hash `labels`.
pub fn series_id(name: &str, labels: u64) -> SeriesId {
    SeriesId(mix(hash_bytes(name.as_bytes()), labels))
}

/// A hasher for keys that are already hashes.
#[derive(Default)]
pub struct PrehashedHasher(u64);

impl Hasher for PrehashedHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Only reached for keys that are not a single u64; fold them in properly.
        self.0 = mix(self.0, hash_bytes(bytes));
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

pub type PrehashedMap<K, V> = HashMap<K, V, BuildHasherDefault<PrehashedHasher>>;

/// How many successful scrapes a missing series is remembered for.
pub const DEFAULT_RETAIN_MISSED: u32 = 5;

#[derive(Clone, Debug)]
struct Tracked<M> {
    value: f64,
    created_ms: Option<i64>,
    /// The scrape generation that last saw this series.
    seen: u32,
    meta: M,
}

/// Per-series counter state across scrapes of one target. `M` is what the caller wants to
/// remember about each series (its route and status, already mapped), so that mapping work is
/// done once per series, not once per scrape.
#[derive(Clone, Debug)]
pub struct CounterTracker<M> {
    series: PrehashedMap<SeriesId, Tracked<M>>,
    /// Successful scrapes committed so far (plus one when built [`CounterTracker::from_zero`]).
    generation: u32,
    last_ok: Option<Timestamp>,
    retain_missed: u32,
}

impl<M> Default for CounterTracker<M> {
    fn default() -> Self {
        Self::new()
    }
}

impl<M> CounterTracker<M> {
    /// A tracker whose first scrape is a baseline (increases start after it).
    pub fn new() -> Self {
        CounterTracker {
            series: PrehashedMap::default(),
            generation: 0,
            last_ok: None,
            retain_missed: DEFAULT_RETAIN_MISSED,
        }
    }

    /// A tracker that treats the time before its first scrape as all zeros: the first scrape's
    /// increases are the counters' whole values (lifetime totals, used by `inspect`).
    pub fn from_zero() -> Self {
        CounterTracker {
            generation: 1,
            ..Self::new()
        }
    }

    pub fn with_retain_missed(mut self, scrapes: u32) -> Self {
        self.retain_missed = scrapes;
        self
    }

    /// True until the first successful scrape is committed.
    pub fn is_baseline(&self) -> bool {
        self.generation == 0
    }

    /// When the last successful scrape was taken.
    pub fn last_ok(&self) -> Option<Timestamp> {
        self.last_ok
    }

    pub fn contains(&self, id: SeriesId) -> bool {
        self.series.contains_key(&id)
    }

    pub fn len(&self) -> usize {
        self.series.len()
    }

    pub fn is_empty(&self) -> bool {
        self.series.is_empty()
    }

    /// Records one sample of the scrape in progress and returns the series' increase since the
    /// previous successful scrape, with its metadata (built by `meta` for a new series).
    /// `created_secs` is the OpenMetrics `_created` value (seconds since the epoch) when known.
    /// A NaN or infinite value is ignored (increase 0, state unchanged); a series seen twice in
    /// one scrape counts once.
    pub fn observe(
        &mut self,
        id: SeriesId,
        value: f64,
        created_secs: Option<f64>,
        meta: impl FnOnce() -> M,
    ) -> (f64, &M) {
        let current = self.generation + 1;
        let created_ms = created_secs
            .filter(|c| c.is_finite())
            .map(|c| (c * 1000.0).round() as i64);
        let baseline = self.generation == 0;
        let last_ok = self.last_ok;
        let usable = value.is_finite();
        let entry = self.series.entry(id);
        use std::collections::hash_map::Entry;
        match entry {
            Entry::Occupied(o) => {
                let t = o.into_mut();
                if t.seen == current || !usable {
                    return (0.0, &t.meta);
                }
                let reset_by_created = matches!(
                    (t.created_ms, created_ms),
                    (Some(before), Some(now)) if now > before
                );
                let increase = if baseline {
                    0.0
                } else if reset_by_created || value < t.value {
                    value.max(0.0)
                } else {
                    value - t.value
                };
                t.value = value;
                if created_ms.is_some() {
                    t.created_ms = created_ms;
                }
                t.seen = current;
                (increase, &t.meta)
            }
            Entry::Vacant(v) => {
                let increase = if baseline || !usable {
                    0.0
                } else {
                    match (created_ms, last_ok) {
                        // It existed at our previous scrape without being seen: unknown part.
                        (Some(c), Some(prev)) if c <= prev.millis() => 0.0,
                        _ => value.max(0.0),
                    }
                };
                let t = v.insert(Tracked {
                    value: if usable { value } else { 0.0 },
                    created_ms,
                    seen: if usable { current } else { 0 },
                    meta: meta(),
                });
                (increase, &t.meta)
            }
        }
    }

    /// Commits the scrape taken at `at`: it becomes the previous successful scrape, and series
    /// unseen for more than the retention are forgotten.
    pub fn commit(&mut self, at: Timestamp) {
        self.generation += 1;
        self.last_ok = Some(at);
        let current = self.generation;
        let keep = self.retain_missed;
        self.series
            .retain(|_, t| current.saturating_sub(t.seen) <= keep);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u64) -> SeriesId {
        SeriesId(n)
    }

    /// Runs scrapes (each a list of (series, value, created)) and returns each scrape's summed
    /// increase, or None for the baseline.
    /// (series, value, `_created` seconds)
    type Obs = (u64, f64, Option<f64>);

    fn run(scrapes: &[(i64, &[Obs])]) -> Vec<Option<f64>> {
        let mut t: CounterTracker<()> = CounterTracker::new();
        let mut out = Vec::new();
        for (at, samples) in scrapes {
            let baseline = t.is_baseline();
            let mut sum = 0.0;
            for &(s, v, c) in *samples {
                sum += t.observe(id(s), v, c, || ()).0;
            }
            t.commit(Timestamp(*at));
            out.push(if baseline { None } else { Some(sum) });
        }
        out
    }

    #[test]
    fn table_of_counter_cases() {
        type Case<'a> = (
            &'a str,
            Vec<(i64, &'a [(u64, f64, Option<f64>)])>,
            Vec<Option<f64>>,
        );
        let cases: Vec<Case> = vec![
            (
                "plain increases",
                vec![
                    (0, &[(1, 10.0, None)]),
                    (1000, &[(1, 15.0, None)]),
                    (2000, &[(1, 15.0, None)]),
                ],
                vec![None, Some(5.0), Some(0.0)],
            ),
            (
                "a decrease is a reset: the new value is the increase",
                vec![(0, &[(1, 100.0, None)]), (1000, &[(1, 7.0, None)])],
                vec![None, Some(7.0)],
            ),
            (
                "a series born after the baseline counts whole",
                vec![
                    (0, &[(1, 1.0, None)]),
                    (1000, &[(1, 1.0, None), (2, 9.0, None)]),
                ],
                vec![None, Some(9.0)],
            ),
            (
                "the first scrape is only a baseline",
                vec![(0, &[(1, 50.0, None), (2, 50.0, None)])],
                vec![None],
            ),
            (
                "sum after increases: one reset series does not cancel another's growth",
                vec![
                    (0, &[(1, 100.0, None), (2, 100.0, None)]),
                    (1000, &[(1, 3.0, None), (2, 110.0, None)]),
                ],
                vec![None, Some(13.0)],
            ),
            (
                "a later _created is a reset even when the value grew",
                vec![
                    (0, &[(1, 5.0, Some(100.0))]),
                    (10_000, &[(1, 8.0, Some(105.0))]),
                ],
                vec![None, Some(8.0)],
            ),
            (
                "an unchanged _created is no reset",
                vec![
                    (0, &[(1, 5.0, Some(100.0))]),
                    (10_000, &[(1, 8.0, Some(100.0))]),
                ],
                vec![None, Some(3.0)],
            ),
            (
                "a new series created after the previous scrape counts whole",
                vec![
                    (1_000, &[(1, 1.0, None)]),
                    (5_000, &[(1, 1.0, None), (2, 4.0, Some(2.5))]),
                ],
                vec![None, Some(4.0)],
            ),
            (
                "a new series created before the previous scrape existed unseen: nothing yet",
                vec![
                    (1_000, &[(1, 1.0, None)]),
                    (5_000, &[(1, 1.0, None), (2, 4.0, Some(0.5))]),
                    (9_000, &[(1, 1.0, None), (2, 6.0, Some(0.5))]),
                ],
                vec![None, Some(0.0), Some(2.0)],
            ),
            (
                "a briefly missing series continues instead of counting whole again",
                vec![
                    (0, &[(1, 100.0, None)]),
                    (1000, &[]),
                    (2000, &[(1, 104.0, None)]),
                ],
                vec![None, Some(0.0), Some(4.0)],
            ),
            (
                "NaN is ignored and does not corrupt the state",
                vec![
                    (0, &[(1, 10.0, None)]),
                    (1000, &[(1, f64::NAN, None)]),
                    (2000, &[(1, 12.0, None)]),
                ],
                vec![None, Some(0.0), Some(2.0)],
            ),
            (
                "a duplicated series in one scrape counts once",
                vec![
                    (0, &[(1, 10.0, None)]),
                    (1000, &[(1, 12.0, None), (1, 12.0, None)]),
                ],
                vec![None, Some(2.0)],
            ),
        ];
        for (name, scrapes, want) in cases {
            assert_eq!(run(&scrapes), want, "{name}");
        }
    }

    #[test]
    fn a_failed_scrape_is_a_gap_covered_by_the_next_success() {
        let mut t: CounterTracker<()> = CounterTracker::new();
        t.observe(id(1), 10.0, None, || ());
        t.commit(Timestamp(0));
        // The scrape at 1000 failed: nothing observed, nothing committed.
        let (inc, _) = t.observe(id(1), 30.0, None, || ());
        t.commit(Timestamp(2000));
        assert_eq!(inc, 20.0);
        assert_eq!(t.last_ok(), Some(Timestamp(2000)));
    }

    #[test]
    fn forgotten_after_retention_then_born_again() {
        let mut t: CounterTracker<()> = CounterTracker::new().with_retain_missed(1);
        t.observe(id(1), 10.0, None, || ());
        t.commit(Timestamp(0));
        t.commit(Timestamp(1));
        t.commit(Timestamp(2));
        assert!(!t.contains(id(1)));
        assert_eq!(t.observe(id(1), 3.0, None, || ()).0, 3.0);
    }

    #[test]
    fn from_zero_counts_whole_values_on_the_first_scrape() {
        let mut t: CounterTracker<()> = CounterTracker::from_zero();
        assert!(!t.is_baseline());
        assert_eq!(t.observe(id(1), 42.0, None, || ()).0, 42.0);
    }

    #[test]
    fn meta_is_built_once_per_series() {
        let mut t: CounterTracker<u32> = CounterTracker::new();
        let mut built = 0;
        for at in 0..3 {
            t.observe(id(7), at as f64, None, || {
                built += 1;
                99
            });
            t.commit(Timestamp(at));
        }
        assert_eq!(built, 1);
    }

    #[test]
    fn label_set_hash_ignores_order_but_not_pairing() {
        let mut a = LabelSetHash::default();
        a.add("code", "200");
        a.add("route", "/v1");
        let mut b = LabelSetHash::default();
        b.add("route", "/v1");
        b.add("code", "200");
        assert_eq!(a.finish(), b.finish());
        let mut c = LabelSetHash::default();
        c.add("code", "/v1");
        c.add("route", "200");
        assert_ne!(a.finish(), c.finish());
        assert_ne!(
            series_id("x_total", a.finish()),
            series_id("y_total", a.finish())
        );
        assert_ne!(LabelSetHash::default().finish(), a.finish());
    }

    #[test]
    fn hash_has_no_trivial_collisions() {
        let mut seen = std::collections::HashSet::new();
        for i in 0..50_000u32 {
            assert!(seen.insert(hash_bytes(format!("/v1/orders/{i}").as_bytes())));
        }
        assert_ne!(hash_bytes(b""), hash_bytes(b"\0"));
    }
}
