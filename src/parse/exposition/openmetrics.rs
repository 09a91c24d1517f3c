//! OpenMetrics 1.0 rules that span samples: metrics grouped, timestamps in order, and each
//! type's value rules (counters, histogram buckets, summaries, states, infos, exemplars).
//!
//! A *metric* is one label set of a family (for histograms and summaries the set without `le`
//! or `quantile`; for a stateset without the label named after the family). Label sets are
//! remembered as order-independent 64-bit hashes, and only for the current family.

use std::collections::HashSet;

use super::line::RawSample;
use super::number::parse_value;
use super::{Family, MetricType};

/// One violation; the driver turns it into `line N: ...`.
pub(crate) struct Violation {
    pub line: usize,
    pub reason: String,
}

#[derive(Default)]
struct Histogram {
    last_le: Option<f64>,
    last_bucket: f64,
    inf: Option<f64>,
    negative_bucket: bool,
    count: Option<f64>,
    sum: Option<f64>,
}

struct Metric {
    key: u64,
    line: usize,
    kind: MetricType,
    hist: Histogram,
}

#[derive(Default)]
pub(crate) struct Checker {
    metric: Option<Metric>,
    closed: KeySet,
    /// Hash of the last sample's name and full label set, and its timestamp.
    last_series: Option<(u64, Option<f64>)>,
    pub violations: Vec<Violation>,
    /// Line of the earliest violation flagged so far.
    first_line: Option<usize>,
}

fn mix(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// Eight bytes per step, the tail as overlapping loads; not keyed, so a body could be crafted
/// to collide (which at worst hides or invents a grouping report, never changes a sample).
fn hash_str(mut h: u64, s: &str) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let b = s.as_bytes();
    let n = b.len();
    let mut chunks = b.chunks_exact(8);
    for c in chunks.by_ref() {
        h = (h ^ load(c, 0, 8)).wrapping_mul(K).rotate_left(31);
    }
    let tail = match n {
        0 => 0,
        1..=3 => u64::from(b[0]) | u64::from(b[n / 2]) << 8 | u64::from(b[n - 1]) << 16,
        4..=7 => load(b, 0, 4) | load(b, n - 4, 4) << 32,
        _ => load(b, n - 8, 8),
    };
    // The length keeps "ab" + "c" and "a" + "bc" apart.
    (h ^ tail).wrapping_mul(K).rotate_left(31) ^ (n as u64)
}

/// Little-endian load of `width` (4 or 8) bytes at `at`; 0 when out of range (never, given
/// the callers' lengths).
#[inline(always)]
fn load(b: &[u8], at: usize, width: usize) -> u64 {
    match width {
        4 => b
            .get(at..)
            .and_then(|r| r.first_chunk::<4>())
            .map_or(0, |c| u64::from(u32::from_le_bytes(*c))),
        _ => b
            .get(at..)
            .and_then(|r| r.first_chunk::<8>())
            .map_or(0, |c| u64::from_le_bytes(*c)),
    }
}

/// Metric keys are already hashes: the set uses them as they are.
#[derive(Default, Clone, Copy)]
struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }
}

type KeySet = HashSet<u64, std::hash::BuildHasherDefault<KeyHasher>>;

fn pair_hash(name: &str, value: &str) -> u64 {
    mix(hash_str(hash_str(0x243f_6a88_85a3_08d3, name), value))
}

fn bad(v: f64) -> bool {
    v.is_nan() || v < 0.0
}

impl Checker {
    /// Only the earliest violation is reported, so a later one is not worth formatting.
    fn wants(&self, line: usize) -> bool {
        self.first_line.is_none_or(|first| line < first)
    }

    fn flag(&mut self, line: usize, reason: impl Into<String>) {
        if self.wants(line) {
            self.first_line = Some(line);
            self.violations.push(Violation {
                line,
                reason: reason.into(),
            });
        }
    }

    /// The current family ends (another starts, or the exposition ends).
    pub fn end_family(&mut self, family: Option<&Family<'_>>) {
        self.end_metric(family.map_or("", |f| f.name));
        self.closed.clear();
        self.last_series = None;
    }

    fn end_metric(&mut self, family: &str) {
        let Some(m) = self.metric.take() else { return };
        self.closed.insert(m.key);
        let h = &m.hist;
        let (count, sum) = match m.kind {
            MetricType::Histogram => ("_count", "_sum"),
            MetricType::GaugeHistogram => ("_gcount", "_gsum"),
            _ => return,
        };
        if !self.wants(m.line) {
            return;
        }
        let mut problems: Vec<String> = Vec::new();
        if h.inf.is_none() {
            problems.push(format!("histogram {family} has no le=\"+Inf\" bucket"));
        }
        if h.count.is_some() != h.sum.is_some() {
            problems.push(format!(
                "histogram {family} has one of {count} and {sum} without the other"
            ));
        }
        if let (Some(c), Some(inf)) = (h.count, h.inf) {
            if c != inf {
                problems.push(format!(
                    "histogram {family}{count} differs from its +Inf bucket"
                ));
            }
        }
        if let Some(s) = h.sum {
            if m.kind == MetricType::Histogram && h.negative_bucket {
                problems.push(format!(
                    "histogram {family} has negative buckets and a _sum"
                ));
            } else if s < 0.0 && !h.negative_bucket {
                problems.push(format!(
                    "histogram {family}{sum} is negative without negative buckets"
                ));
            }
        }
        for p in problems {
            self.flag(m.line, p);
        }
    }

    /// Checks one sample of `family`, placed there by `suffix` (`None`: the name does not fit
    /// the family's type).
    pub fn sample(
        &mut self,
        line: usize,
        family: &Family<'_>,
        suffix: Option<&str>,
        s: &RawSample<'_>,
        pairs: &[(&str, &str)],
    ) {
        let kind = family.kind;
        let Some(suffix) = suffix else {
            if !self.wants(line) {
                return;
            }
            self.flag(
                line,
                format!(
                    "sample {} does not fit {} family {}",
                    s.name,
                    kind.as_str(),
                    family.name
                ),
            );
            return;
        };
        let special = match (kind, suffix) {
            (MetricType::Histogram | MetricType::GaugeHistogram, "_bucket") => "le",
            (MetricType::Summary, "") => "quantile",
            (MetricType::StateSet, _) => family.name,
            _ => "",
        };
        let mut key = 0u64;
        let mut full = hash_str(0x1319_8a2e_0370_7344, s.name);
        let mut special_value = None;
        for &(n, v) in pairs {
            let h = pair_hash(n, v);
            full = full.wrapping_add(h);
            if n == special {
                special_value = Some(v);
            } else {
                key = key.wrapping_add(h);
            }
        }
        self.group(line, family.name, kind, key);
        self.order(line, full, s.timestamp.map(|t| t.raw));
        self.values(line, family.name, kind, suffix, special_value, s.value);
        let exemplar_ok = matches!(
            (kind, suffix),
            (MetricType::Counter, "_total")
                | (
                    MetricType::Histogram | MetricType::GaugeHistogram,
                    "_bucket"
                )
        );
        if s.exemplar && !exemplar_ok && self.wants(line) {
            self.flag(
                line,
                format!("exemplar on {}, which cannot carry one", s.name),
            );
        }
    }

    fn group(&mut self, line: usize, family: &str, kind: MetricType, key: u64) {
        if self.metric.as_ref().is_some_and(|m| m.key == key) {
            return;
        }
        self.end_metric(family);
        if self.closed.contains(&key) && self.wants(line) {
            self.flag(
                line,
                format!("samples of one {family} metric are not grouped together"),
            );
        }
        self.metric = Some(Metric {
            key,
            line,
            kind,
            hist: Histogram::default(),
        });
    }

    fn order(&mut self, line: usize, full: u64, ts: Option<f64>) {
        if let Some((prev, prev_ts)) = self.last_series {
            if prev == full {
                let problem = match (prev_ts, ts) {
                    (None, None) => Some("duplicate sample"),
                    (Some(_), None) | (None, Some(_)) => {
                        Some("timestamps on only some samples of a series")
                    }
                    (Some(p), Some(t)) if t < p => Some("timestamps go backwards"),
                    _ => None,
                };
                if let Some(p) = problem {
                    self.flag(line, p);
                }
            }
        }
        self.last_series = Some((full, ts));
    }

    fn values(
        &mut self,
        line: usize,
        family: &str,
        kind: MetricType,
        suffix: &str,
        special: Option<&str>,
        v: f64,
    ) {
        use MetricType::*;
        let bucket_problem = match (kind, suffix) {
            (Histogram | GaugeHistogram, "_bucket") => self.bucket(special, v),
            _ => None,
        };
        if let Some(m) = self.metric.as_mut() {
            match suffix {
                "_count" | "_gcount" => m.hist.count = Some(v),
                "_sum" | "_gsum" => m.hist.sum = Some(v),
                _ => {}
            }
        }
        if !self.wants(line) {
            return;
        }
        let problem: Option<String> = match (kind, suffix) {
            (Counter, "") => Some(format!("counter {family} samples must end in _total")),
            (Counter, "_total") if bad(v) => Some("counter value is NaN or negative".into()),
            (Histogram | GaugeHistogram, "_bucket") => bucket_problem.map(String::from),
            (Histogram, "_count" | "_sum")
            | (GaugeHistogram, "_gcount")
            | (Summary, "_count" | "_sum")
                if bad(v) =>
            {
                Some(format!("{family}{suffix} is NaN or negative"))
            }
            (GaugeHistogram, "_gsum") if v.is_nan() => Some(format!("{family}_gsum is NaN")),
            (Summary, "") => match special.and_then(parse_value) {
                None => Some("summary quantile sample needs a numeric quantile label".into()),
                Some(q) if !(0.0..=1.0).contains(&q) => Some("quantile outside 0..1".into()),
                Some(_) if v < 0.0 => Some("quantile value is negative".into()),
                Some(_) => None,
            },
            (Info, "") => Some(format!("info {family} samples must end in _info")),
            (Info, "_info") if v != 1.0 => Some("info value must be 1".into()),
            (StateSet, _) if special.is_none() => {
                Some(format!("stateset sample needs a label named {family}"))
            }
            (StateSet, _) if v != 0.0 && v != 1.0 => Some("stateset value must be 0 or 1".into()),
            _ => None,
        };
        if let Some(p) = problem {
            self.flag(line, p);
        }
    }

    fn bucket(&mut self, le: Option<&str>, v: f64) -> Option<&'static str> {
        let h = &mut self.metric.as_mut()?.hist;
        let Some(le_text) = le else {
            return Some("histogram bucket without an le label");
        };
        let Some(le) = parse_value(le_text).filter(|x| !x.is_nan()) else {
            return Some("histogram bucket le is not a number");
        };
        if le_text == "+Inf" {
            h.inf = Some(v);
        }
        let problem = if bad(v) {
            Some("bucket value is NaN or negative")
        } else if h.last_le.is_some_and(|prev| le <= prev) {
            Some("histogram buckets are not in increasing le order")
        } else if h.last_le.is_some() && v < h.last_bucket {
            Some("histogram bucket counts decrease")
        } else {
            None
        };
        h.last_le = Some(le);
        h.last_bucket = v;
        h.negative_bucket |= le < 0.0;
        problem
    }
}

#[cfg(test)]
#[path = "openmetrics_tests.rs"]
mod tests;
