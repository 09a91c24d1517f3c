//! The families of one exposition: which family a sample name belongs to, each family's
//! metadata and counts, and the label names seen on its samples.
//!
//! One entry per family, whatever the number of series, so memory stays proportional to the
//! number of families; label names are borrowed from the body.

use std::collections::HashMap;

use super::{Family, FamilyStats, MetricType};

/// Sample-name suffixes a family of each type owns (`""` is the bare family name). Counters
/// and infos also take the bare name because Prometheus 0.0.4 names the family after the
/// sample (`# TYPE x_total counter`); OpenMetrics flags that use in `openmetrics.rs`.
pub(crate) fn suffixes(kind: MetricType) -> &'static [&'static str] {
    match kind {
        MetricType::Counter => &["_total", "_created", ""],
        MetricType::Histogram => &["_bucket", "_count", "_sum", "_created"],
        MetricType::GaugeHistogram => &["_bucket", "_gcount", "_gsum"],
        MetricType::Summary => &["", "_count", "_sum", "_created"],
        MetricType::Info => &["_info", ""],
        MetricType::Gauge | MetricType::StateSet | MetricType::Unknown => &[""],
    }
}

const ALL_SUFFIXES: [&str; 8] = [
    "_total", "_created", "_bucket", "_count", "_sum", "_gcount", "_gsum", "_info",
];

/// The suffix by which `sample` belongs to family `family` of type `kind`, if it does.
#[inline]
pub(crate) fn suffix_in(family: &str, kind: MetricType, sample: &str) -> Option<&'static str> {
    let rest = sample.strip_prefix(family)?;
    suffixes(kind).iter().copied().find(|s| *s == rest)
}

pub(crate) struct Entry<'a> {
    pub family: Family<'a>,
    pub has_type: bool,
    pub has_help: bool,
    pub has_unit: bool,
    pub samples: u64,
    pub wanted: bool,
    pub label_names: Vec<&'a str>,
}

/// How a sample name was placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Placement {
    /// In the current family.
    Current,
    /// In a family seen earlier and left: the exposition is not grouped by family.
    Returned,
    /// A new family named after the sample.
    New,
}

#[derive(Default)]
pub(crate) struct Registry<'a> {
    pub entries: Vec<Entry<'a>>,
    by_name: HashMap<&'a str, usize>,
    pub current: Option<usize>,
    /// The family of the last sample noted: consecutive samples of one family nearly always
    /// carry the same label names, and then merging is skipped.
    last_names_of: Option<usize>,
    key: String,
}

impl<'a> Registry<'a> {
    pub fn current_name(&self) -> &'a str {
        self.current.map_or("", |c| self.entries[c].family.name)
    }

    pub fn get(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }

    /// Adds a family (untyped, no metadata) and makes it current.
    pub fn add(&mut self, name: &'a str, wanted: &dyn Fn(&str) -> bool) -> usize {
        let idx = self.entries.len();
        self.entries.push(Entry {
            family: Family {
                name,
                kind: MetricType::Unknown,
                help: None,
                unit: None,
            },
            has_type: false,
            has_help: false,
            has_unit: false,
            samples: 0,
            wanted: wanted(name),
            label_names: Vec::new(),
        });
        self.by_name.insert(name, idx);
        self.current = Some(idx);
        idx
    }

    /// Finds (or creates) the family of sample `name`, makes it current, and returns it with
    /// the suffix that placed it (`None`: the name does not fit the family's type).
    /// `hinted`: the name is known to start with the current family's name.
    pub fn place(
        &mut self,
        name: &'a str,
        hinted: bool,
        wanted: &dyn Fn(&str) -> bool,
    ) -> (usize, Option<&'static str>, Placement) {
        if let Some(c) = self.current {
            let f = &self.entries[c].family;
            let suffix = if hinted {
                let rest = &name.as_bytes()[f.name.len()..];
                suffixes(f.kind)
                    .iter()
                    .copied()
                    .find(|s| s.as_bytes() == rest)
            } else {
                suffix_in(f.name, f.kind, name)
            };
            if let Some(s) = suffix {
                return (c, Some(s), Placement::Current);
            }
        }
        let found = self
            .owner(name)
            .or_else(|| self.get(name).map(|i| (i, None)));
        match found {
            Some((idx, suffix)) => {
                let placement = if Some(idx) == self.current {
                    Placement::Current
                } else {
                    Placement::Returned
                };
                self.current = Some(idx);
                (idx, suffix, placement)
            }
            None => (self.add(name, wanted), Some(""), Placement::New),
        }
    }

    /// The family whose type makes `name` one of its sample names.
    fn owner(&self, name: &str) -> Option<(usize, Option<&'static str>)> {
        for s in ALL_SUFFIXES.iter().copied().chain([""]) {
            let Some(base) = name.strip_suffix(s) else {
                continue;
            };
            if let Some(idx) = self.get(base) {
                let f = &self.entries[idx].family;
                if suffixes(f.kind).contains(&s) {
                    return Some((idx, Some(s)));
                }
            }
        }
        None
    }

    /// Whether family `name` of type `kind` would share sample names with another family.
    pub fn clashes(&mut self, idx: usize) -> Option<&'a str> {
        let Family { name, kind, .. } = self.entries[idx].family;
        for s in ALL_SUFFIXES {
            if let Some(base) = name.strip_suffix(s) {
                if let Some(other) = self.get(base) {
                    let f = &self.entries[other].family;
                    if other != idx && suffixes(f.kind).contains(&s) {
                        return Some(f.name);
                    }
                }
            }
        }
        for s in suffixes(kind).iter().filter(|s| !s.is_empty()) {
            self.key.clear();
            self.key.push_str(name);
            self.key.push_str(s);
            if let Some(other) = self.by_name.get(self.key.as_str()) {
                return Some(self.entries[*other].family.name);
            }
        }
        None
    }

    /// Records the label names of a sample of family `idx`; `same_names` says they repeat
    /// the previous sample's names.
    #[inline]
    pub fn note_labels(&mut self, idx: usize, pairs: &[(&'a str, &'a str)], same_names: bool) {
        if same_names && self.last_names_of == Some(idx) {
            return;
        }
        let names = &mut self.entries[idx].label_names;
        for (n, _) in pairs {
            if !names.contains(n) {
                names.push(n);
            }
        }
        self.last_names_of = Some(idx);
    }

    pub fn stats(&self) -> Vec<FamilyStats> {
        self.entries
            .iter()
            .map(|e| FamilyStats {
                name: e.family.name.to_string(),
                kind: e.family.kind,
                series: e.samples,
                label_names: e.label_names.iter().map(|n| n.to_string()).collect(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffix_rules() {
        use MetricType::*;
        let cases = [
            ("a", Counter, "a_total", Some("_total")),
            ("a", Counter, "a_created", Some("_created")),
            ("a", Counter, "a", Some("")),
            ("a", Counter, "a_sum", None),
            ("a", Histogram, "a_bucket", Some("_bucket")),
            ("a", Histogram, "a", None),
            ("a", GaugeHistogram, "a_gsum", Some("_gsum")),
            ("a", GaugeHistogram, "a_sum", None),
            ("a", Summary, "a", Some("")),
            ("a", Summary, "a_count", Some("_count")),
            ("a", Info, "a_info", Some("_info")),
            ("a", Gauge, "a_total", None),
            ("a", Gauge, "ab", None),
            ("ab", Gauge, "a", None),
        ];
        for (fam, kind, sample, want) in cases {
            assert_eq!(
                suffix_in(fam, kind, sample),
                want,
                "{fam} {kind:?} {sample}"
            );
        }
    }

    #[test]
    fn placement_and_label_names() {
        let all = |_: &str| true;
        let mut r = Registry::default();
        let h = r.add("lat", &all);
        r.entries[h].family.kind = MetricType::Histogram;
        let placed = (h, Some("_bucket"), Placement::Current);
        assert_eq!(r.place("lat_bucket", true, &all), placed);
        assert_eq!(r.place("lat_bucket", false, &all), placed);
        let (g, _, p) = r.place("up", false, &all);
        assert_eq!(p, Placement::New);
        let back = (h, Some("_sum"), Placement::Returned);
        assert_eq!(r.place("lat_sum", false, &all), back);
        assert_eq!(
            r.place("up", false, &all),
            (g, Some(""), Placement::Returned)
        );
        assert_eq!(r.place("up", true, &all), (g, Some(""), Placement::Current));
        r.note_labels(h, &[("route", "/a"), ("le", "1")], false);
        r.note_labels(h, &[("route", "/b"), ("le", "2")], true);
        r.note_labels(h, &[("code", "200")], false);
        assert_eq!(r.entries[h].label_names, vec!["route", "le", "code"]);
    }

    #[test]
    fn clashes() {
        let all = |_: &str| true;
        let mut r = Registry::default();
        let a = r.add("a_created", &all);
        r.entries[a].family.kind = MetricType::Gauge;
        let b = r.add("a", &all);
        r.entries[b].family.kind = MetricType::Counter;
        assert_eq!(r.clashes(b), Some("a_created"));
        assert_eq!(r.clashes(a), Some("a"));
        let c = r.add("other", &all);
        assert_eq!(r.clashes(c), None);
    }
}
