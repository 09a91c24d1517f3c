//! Differential tests against `prometheus-parse` on inputs it handles: label values without
//! `,`, `=`, `}`, quotes or backslashes (it splits on the first two and cuts at the third),
//! Prometheus text only. Its histograms and summaries are folded per label set; both sides are
//! brought to one tuple per sample line before comparing.

use std::collections::BTreeMap;
use std::path::PathBuf;

use gatewatch::parse::exposition::{parse, parse_value, MetricType, ParseOptions};
use proptest::prelude::*;

/// Sample name, labels without `le`/`quantile`, that label's value, sample value (NaN as one
/// bit pattern so tuples compare), timestamp in ms if written.
type Row = (
    String,
    BTreeMap<String, String>,
    Option<u64>,
    u64,
    Option<i64>,
);

fn bits(v: f64) -> u64 {
    if v.is_nan() {
        f64::NAN.to_bits()
    } else {
        v.to_bits()
    }
}

fn ours(body: &str) -> Vec<Row> {
    let mut rows = Vec::new();
    let report = parse(
        body.as_bytes(),
        &ParseOptions::default(),
        &|_| true,
        &mut |f, s| {
            let special = match f.kind {
                MetricType::Histogram if s.name.ends_with("_bucket") => "le",
                MetricType::Summary if s.name == f.name => "quantile",
                _ => "",
            };
            let mut labels = BTreeMap::new();
            let mut bound = None;
            for (n, v) in s.labels.iter() {
                if n == special {
                    bound = parse_value(&v).map(bits);
                } else {
                    labels.insert(n.to_string(), v.into_owned());
                }
            }
            rows.push((
                s.name.to_string(),
                labels,
                bound,
                bits(s.value),
                s.timestamp_ms,
            ));
        },
    )
    .expect("small");
    assert_eq!(report.bad_line_count, 0, "{:?}", report.bad_lines);
    rows.sort();
    rows
}

/// `written`: the body's samples carry timestamps (prometheus-parse puts the current time on
/// samples without one, so only written ones are compared).
fn theirs(body: &str, written: bool) -> Vec<Row> {
    let lines = body.lines().map(|l| Ok(l.to_string()));
    let scrape = prometheus_parse::Scrape::parse(lines).expect("in memory");
    let has_ts = |s: &prometheus_parse::Sample, line_ts: bool| {
        line_ts.then(|| s.timestamp.timestamp_millis())
    };
    let mut rows = Vec::new();
    for s in &scrape.samples {
        let labels: BTreeMap<String, String> = s
            .labels
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let ts = has_ts(s, written);
        match &s.value {
            prometheus_parse::Value::Histogram(buckets) => {
                for b in buckets {
                    let name = format!("{}_bucket", s.metric);
                    rows.push((
                        name,
                        labels.clone(),
                        Some(bits(b.less_than)),
                        bits(b.count),
                        ts,
                    ));
                }
            }
            prometheus_parse::Value::Summary(quantiles) => {
                for q in quantiles {
                    rows.push((
                        s.metric.clone(),
                        labels.clone(),
                        Some(bits(q.quantile)),
                        bits(q.count),
                        ts,
                    ));
                }
            }
            prometheus_parse::Value::Counter(v)
            | prometheus_parse::Value::Gauge(v)
            | prometheus_parse::Value::Untyped(v) => {
                rows.push((s.metric.clone(), labels, None, bits(*v), ts));
            }
        }
    }
    rows.sort();
    rows
}

#[derive(Debug, Clone)]
struct Fam {
    kind: u8,
    series: Vec<(Vec<(usize, String)>, u32)>,
}

fn safe_value() -> impl Strategy<Value = String> {
    let ch = prop::sample::select(vec![
        'a', 'Z', '0', '9', '/', '-', '.', '_', ':', ' ', '{', 'é',
    ]);
    prop::collection::vec(ch, 0..10).prop_map(|c| c.into_iter().collect())
}

fn fam() -> impl Strategy<Value = Fam> {
    let labels = prop::collection::vec((0usize..4, safe_value()), 0..4);
    (0u8..4, prop::collection::vec((labels, 0u32..10_000), 1..4)).prop_map(|(kind, series)| Fam {
        kind,
        series: series
            .into_iter()
            .map(|(l, v)| {
                // Distinct names, first occurrence wins.
                let mut seen = Vec::new();
                let l = l
                    .into_iter()
                    .filter(|(n, _)| {
                        !seen.contains(n) && {
                            seen.push(*n);
                            true
                        }
                    })
                    .collect();
                (l, v)
            })
            .collect(),
    })
}

fn render(fams: &[Fam], ts: bool) -> String {
    const NAMES: [&str; 4] = ["route", "code", "method", "instance"];
    let mut out = String::new();
    for (i, f) in fams.iter().enumerate() {
        let name = format!("m{i}");
        let kind = ["counter", "gauge", "histogram", "summary"][f.kind as usize];
        out.push_str(&format!(
            "# HELP {name} Family {i}.\n# TYPE {name} {kind}\n"
        ));
        let mut seen = std::collections::BTreeSet::new();
        for (labels, v) in &f.series {
            let text: Vec<String> = labels
                .iter()
                .map(|(n, v)| format!("{}=\"{v}\"", NAMES[*n]))
                .collect();
            if !seen.insert(text.clone()) {
                continue;
            }
            let ts = if ts {
                format!(" {}", 1_600_000_000_000u64 + u64::from(*v))
            } else {
                String::new()
            };
            let with = |extra: &str| {
                let mut all = text.clone();
                if !extra.is_empty() {
                    all.push(extra.to_string());
                }
                if all.is_empty() {
                    String::new()
                } else {
                    format!("{{{}}}", all.join(","))
                }
            };
            let value = f64::from(*v) / 4.0;
            match f.kind {
                0 | 1 => out.push_str(&format!("{name}{} {value}{ts}\n", with(""))),
                2 => {
                    for (b, le) in ["0.1", "1", "+Inf"].iter().enumerate() {
                        let le = format!("le=\"{le}\"");
                        out.push_str(&format!(
                            "{name}_bucket{} {}{ts}\n",
                            with(&le),
                            value + b as f64
                        ));
                    }
                    out.push_str(&format!("{name}_sum{} {value}{ts}\n", with("")));
                    out.push_str(&format!("{name}_count{} {}{ts}\n", with(""), value + 2.0));
                }
                _ => {
                    for q in ["0.5", "0.9"] {
                        out.push_str(&format!(
                            "{name}{} {value}{ts}\n",
                            with(&format!("quantile=\"{q}\""))
                        ));
                    }
                    out.push_str(&format!("{name}_sum{} {value}{ts}\n", with("")));
                    out.push_str(&format!("{name}_count{} 2{ts}\n", with("")));
                }
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn same_samples_as_prometheus_parse(fams in prop::collection::vec(fam(), 1..5), ts in any::<bool>()) {
        let body = render(&fams, ts);
        prop_assert_eq!(ours(&body), theirs(&body, ts), "{}", body);
    }
}

#[test]
fn special_values_agree() {
    let body = "a NaN\nb +Inf\nc -Inf\nd 1e-3\ne -0.5\nf 0001\n";
    assert_eq!(ours(body), theirs(body, false));
}

fn shared_dir() -> PathBuf {
    std::env::var_os("GATEWATCH_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared")))
}

/// The real captures hold no label value prometheus-parse would mangle, so the two agree.
#[test]
fn same_samples_on_the_fixtures() {
    let dir = shared_dir().join("fixtures");
    let Ok(gateways) = std::fs::read_dir(&dir) else {
        eprintln!("SKIPPED: shared fixtures not found at {}", dir.display());
        return;
    };
    let mut compared = 0;
    for gateway in gateways.flatten() {
        for file in std::fs::read_dir(gateway.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            let path = file.path();
            if path.extension().is_none_or(|e| e != "prom") {
                continue;
            }
            let body = std::fs::read_to_string(&path).expect("UTF-8 fixture");
            assert_eq!(ours(&body), theirs(&body, false), "{}", path.display());
            compared += 1;
        }
    }
    assert!(compared > 0, "no .prom fixture compared");
}

/// Where prometheus-parse is wrong: a brace, comma or equals sign inside a value.
#[test]
fn values_prometheus_parse_mangles() {
    let body = "a{route=\"/v1/orders/{id}\"} 1\nb{q=\"x=1,y=2\"} 2\n";
    let ours = ours(body);
    assert_eq!(ours.len(), 2);
    assert_eq!(
        ours[0].1.get("route").map(String::as_str),
        Some("/v1/orders/{id}")
    );
    assert_eq!(ours[1].1.get("q").map(String::as_str), Some("x=1,y=2"));
    let theirs = theirs(body, false);
    assert_ne!(
        ours, theirs,
        "prometheus-parse now handles these; the note in docs is stale"
    );
}
