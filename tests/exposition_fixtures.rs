//! Every real `/metrics` capture under the shared fixtures parses cleanly, with one series per
//! sample line and every sample placed in the family its TYPE line declares.

use std::collections::HashMap;
use std::path::PathBuf;

use gatewatch::parse::exposition::{parse, Format, MetricType, ParseOptions};

fn shared_dir() -> PathBuf {
    std::env::var_os("GATEWATCH_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared")))
}

fn fixtures() -> Option<Vec<PathBuf>> {
    let dir = shared_dir().join("fixtures");
    let Ok(gateways) = std::fs::read_dir(&dir) else {
        eprintln!("SKIPPED: shared fixtures not found at {}", dir.display());
        return None;
    };
    let mut out = Vec::new();
    for gateway in gateways {
        let gateway = gateway.expect("fixture dir entry").path();
        let Ok(files) = std::fs::read_dir(&gateway) else {
            continue;
        };
        for file in files {
            let file = file.expect("fixture file").path();
            if file.extension().is_some_and(|e| e == "prom") {
                out.push(file);
            }
        }
    }
    out.sort();
    Some(out)
}

/// Independent expectations from the raw text: sample lines, and declared types.
fn expected(text: &str) -> (u64, HashMap<String, String>) {
    let samples = text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .count() as u64;
    let types = text
        .lines()
        .filter_map(|l| l.strip_prefix("# TYPE "))
        .filter_map(|rest| rest.split_once(' '))
        .map(|(n, t)| (n.to_string(), t.trim().to_string()))
        .collect();
    (samples, types)
}

#[test]
fn every_fixture_parses_without_bad_lines() {
    let Some(files) = fixtures() else { return };
    assert!(!files.is_empty(), "the fixtures folder holds .prom files");
    for file in files {
        let body = std::fs::read(&file).expect("fixture readable");
        let text = String::from_utf8(body.clone()).expect("fixtures are UTF-8");
        let (want_series, types) = expected(&text);
        let mut delivered = 0u64;
        let mut kinds: HashMap<String, MetricType> = HashMap::new();
        let report = parse(&body, &ParseOptions::default(), &|_| true, &mut |f, s| {
            delivered += 1;
            assert!(
                s.name.starts_with(f.name),
                "{} placed in {}",
                s.name,
                f.name
            );
            kinds.insert(f.name.to_string(), f.kind);
        })
        .expect("fixture under the size limit");
        let name = file.display();
        assert_eq!(report.format, Format::Prometheus004, "{name}");
        assert_eq!(report.bad_line_count, 0, "{name}: {:?}", report.bad_lines);
        assert!(
            report.conforming,
            "{name}: {:?}",
            report.nonconforming_reason
        );
        assert_eq!(report.series, want_series, "{name}");
        assert_eq!(delivered, want_series, "{name}");
        let per_family: u64 = report.families.iter().map(|f| f.series).sum();
        assert_eq!(per_family, want_series, "{name}");
        for (family, kind) in &kinds {
            let declared = types.get(family).map(String::as_str).unwrap_or("untyped");
            let declared = MetricType::from_prometheus(declared).expect("known type");
            assert_eq!(*kind, declared, "{name}: family {family}");
        }
    }
}

#[test]
fn unwanted_families_are_counted_but_not_delivered() {
    let Some(files) = fixtures() else { return };
    for file in files {
        let body = std::fs::read(&file).expect("fixture readable");
        let mut delivered = 0u64;
        let report = parse(
            &body,
            &ParseOptions::default(),
            &|f| f.ends_with("_total"),
            &mut |f, _| {
                assert!(f.name.ends_with("_total"));
                delivered += 1;
            },
        )
        .expect("under the limit");
        let wanted: u64 = report
            .families
            .iter()
            .filter(|f| f.name.ends_with("_total"))
            .map(|f| f.series)
            .sum();
        assert_eq!(delivered, wanted, "{}", file.display());
        assert!(report.series >= delivered);
    }
}
