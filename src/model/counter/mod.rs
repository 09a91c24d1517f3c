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
//! Series identity is in [`identity`]: a hash of the sample name and label set.

mod identity;

pub use identity::{
    hash_bytes, mix, series_id, LabelSetHash, PrehashedHasher, PrehashedMap, SeriesId,
};

use super::time::Timestamp;

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
    /// The caller's cheap key for this series as last written (see [`CounterTracker::find_by_hint`]).
    hint: u64,
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

    /// The series that followed the previous hit in the last scrape, if its hint is `hint`.
    /// A hint is any cheap key the caller computes from how the series is written (e.g. a hash
    /// of its raw label text): when the exporter repeats itself, the canonical (order-free)
    /// identity need not be computed at all. A miss means only "take the slow path".
    pub fn find_by_hint(&mut self, hint: u64) -> Option<Slot> {
        let &slot = self.prev_order.get(self.cursor)?;
        if self.slots[slot as usize].hint == hint {
            self.cursor += 1;
            return Some(Slot(slot));
        }
        None
    }

    /// Remembers the hint of a series, for [`CounterTracker::find_by_hint`] next scrape.
    pub fn set_hint(&mut self, id: SeriesId, hint: u64) {
        if let Some(&slot) = self.index.get(&id) {
            self.slots[slot as usize].hint = hint;
        }
    }

    pub fn set_hint_at(&mut self, slot: Slot, hint: u64) {
        self.slots[slot.0 as usize].hint = hint;
    }

    pub fn meta(&self, slot: Slot) -> &M {
        &self.slots[slot.0 as usize].meta
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
            hint: 0,
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
    fn hints_short_cut_lookups_in_scrape_order_only() {
        let mut t: CounterTracker<u64> = CounterTracker::new();
        for n in 0..3 {
            t.observe(id(n), 1.0, None, || n);
            t.set_hint(id(n), 100 + n);
        }
        t.commit(Timestamp(0));
        let s0 = t.find_by_hint(100).expect("first in order");
        assert_eq!(*t.meta(s0), 0);
        assert_eq!(t.find_by_hint(102), None, "out of order: slow path");
        let s1 = t.find(id(1)).expect("by id");
        assert_eq!(*t.meta(s1), 1);
        assert_eq!(t.find_by_hint(102).map(|s| *t.meta(s)), Some(2));
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
}
