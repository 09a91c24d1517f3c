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
    avalanche(absorb((bytes.len() as u64).wrapping_mul(K), bytes))
}

const K: u64 = 0x9E37_79B9_7F4A_7C15;

/// Folds bytes into a running state, 8 at a time (no final avalanche).
fn absorb(mut h: u64, bytes: &[u8]) -> u64 {
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
    h
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
        // One pass over name then value; both lengths are folded in so that the split point
        // between them is part of the hash.
        let seed = K ^ ((name.len() as u64) << 32 | value.len() as u64);
        let h = absorb(
            absorb(seed, name.as_bytes()).rotate_left(17),
            value.as_bytes(),
        );
        let pair = avalanche(h);
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
    id: SeriesId,
    value: f64,
    created_ms: Option<i64>,
    /// The scrape generation that last saw this series.
    seen: u32,
    /// Where the last scrape saw it (index into `prev_order`), `u32::MAX` when it did not.
    pos: u32,
    meta: M,
}

/// A series' place in the tracker, valid until the next [`CounterTracker::commit`].
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Slot(u32);

/// Per-series counter state across scrapes of one target. `M` is what the caller wants to
/// remember about each series (its route and status, already mapped), so that mapping work is
/// done once per series, not once per scrape.
///
/// Storage is dense (one `Vec` of series) with a hash index; since exporters print their
/// series in the same order every scrape, [`CounterTracker::find`] first checks the series
/// that followed the previous hit in the last scrape, which turns nearly every lookup into a
/// sequential read instead of a random probe.
#[derive(Clone, Debug)]
pub struct CounterTracker<M> {
    slots: Vec<Tracked<M>>,
    index: PrehashedMap<SeriesId, u32>,
    /// Slots in the order the last committed scrape observed them.
    prev_order: Vec<u32>,
    /// Slots in the order the scrape in progress observes them.
    order: Vec<u32>,
    cursor: usize,
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
            slots: Vec::new(),
            index: PrehashedMap::default(),
            prev_order: Vec::new(),
            order: Vec::new(),
            cursor: 0,
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
        self.index.contains_key(&id)
    }

    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// The slot of a known series. Call in scrape order for the fast path.
    pub fn find(&mut self, id: SeriesId) -> Option<Slot> {
        if let Some(&slot) = self.prev_order.get(self.cursor) {
            if self.slots[slot as usize].id == id {
                self.cursor += 1;
                return Some(Slot(slot));
            }
        }
        let slot = *self.index.get(&id)?;
        let pos = self.slots[slot as usize].pos;
        if pos != u32::MAX {
            self.cursor = pos as usize + 1;
        }
        Some(Slot(slot))
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
        if let Some(slot) = self.index.get(&id).copied() {
            return self.observe_slot(Slot(slot), value, created_secs);
        }
        let created_ms = to_ms(created_secs);
        let usable = value.is_finite();
        let increase = if self.generation == 0 || !usable {
            0.0
        } else {
            match (created_ms, self.last_ok) {
                // It existed at our previous scrape without being seen: unknown part.
                (Some(c), Some(prev)) if c <= prev.millis() => 0.0,
                _ => value.max(0.0),
            }
        };
        let slot = self.slots.len() as u32;
        self.slots.push(Tracked {
            id,
            value: if usable { value } else { 0.0 },
            created_ms,
            seen: if usable { self.generation + 1 } else { 0 },
            pos: u32::MAX,
            meta: meta(),
        });
        self.index.insert(id, slot);
        if usable {
            self.order.push(slot);
        }
        (increase, &self.slots[slot as usize].meta)
    }

    /// [`CounterTracker::observe`] for a series already found.
    pub fn observe_slot(&mut self, slot: Slot, value: f64, created_secs: Option<f64>) -> (f64, &M) {
        let current = self.generation + 1;
        let baseline = self.generation == 0;
        let t = &mut self.slots[slot.0 as usize];
        if t.seen == current || !value.is_finite() {
            return (0.0, &self.slots[slot.0 as usize].meta);
        }
        let created_ms = to_ms(created_secs);
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
        self.order.push(slot.0);
        (increase, &self.slots[slot.0 as usize].meta)
    }

    /// Commits the scrape taken at `at`: it becomes the previous successful scrape, and series
    /// unseen for more than the retention are forgotten.
    pub fn commit(&mut self, at: Timestamp) {
        self.generation += 1;
        self.last_ok = Some(at);
        let current = self.generation;
        let keep = self.retain_missed;
        if self
            .slots
            .iter()
            .any(|t| current.saturating_sub(t.seen) > keep)
        {
            let mut remap = vec![u32::MAX; self.slots.len()];
            let mut kept = 0u32;
            for (old, t) in self.slots.iter().enumerate() {
                if current.saturating_sub(t.seen) <= keep {
                    remap[old] = kept;
                    kept += 1;
                }
            }
            let mut old = 0;
            self.slots.retain(|_| {
                let k = remap[old] != u32::MAX;
                old += 1;
                k
            });
            self.index.clear();
            for (i, t) in self.slots.iter().enumerate() {
                self.index.insert(t.id, i as u32);
            }
            for s in &mut self.order {
                *s = remap[*s as usize];
            }
            self.order.retain(|s| *s != u32::MAX);
        }
        std::mem::swap(&mut self.prev_order, &mut self.order);
        self.order.clear();
        for t in &mut self.slots {
            t.pos = u32::MAX;
        }
        for (i, &s) in self.prev_order.iter().enumerate() {
            self.slots[s as usize].pos = i as u32;
        }
        self.cursor = 0;
    }
}

fn to_ms(created_secs: Option<f64>) -> Option<i64> {
    created_secs
        .filter(|c| c.is_finite())
        .map(|c| (c * 1000.0).round() as i64)
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
    fn find_follows_scrape_order_and_survives_reordering_and_eviction() {
        let mut t: CounterTracker<u64> = CounterTracker::new().with_retain_missed(0);
        for n in 0..4 {
            t.observe(id(n), 1.0, None, || n);
        }
        t.commit(Timestamp(0));
        // Same order: every find hits; a reordered series is still found through the index.
        for n in [0, 1, 3, 2] {
            let slot = t.find(id(n)).expect("known");
            let (inc, meta) = t.observe_slot(slot, 2.0, None);
            assert_eq!((inc, *meta), (1.0, n));
        }
        assert_eq!(t.find(id(9)), None);
        t.commit(Timestamp(1));
        // Series 1 is not seen and is evicted at once (retention 0); the others keep working.
        for n in [0, 3, 2] {
            let slot = t.find(id(n)).expect("known");
            assert_eq!(t.observe_slot(slot, 5.0, None).0, 3.0);
        }
        t.commit(Timestamp(2));
        assert!(!t.contains(id(1)));
        assert_eq!(t.len(), 3);
        for n in [0, 3, 2] {
            let slot = t.find(id(n)).expect("still known after compaction");
            assert_eq!(*t.observe_slot(slot, 6.0, None).1, n);
        }
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
