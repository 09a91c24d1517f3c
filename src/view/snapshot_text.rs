//! The snapshot as plain text (for a terminal) and as Markdown (for an incident channel).

use std::fmt::Write;

use super::format;
use super::snapshot::Snapshot;
use crate::store::window::Ratio;

fn pct(part: Option<f64>, requests: u64) -> String {
    match part {
        None => "—".into(),
        Some(v) => format::ratio(Ratio {
            part: (v * requests as f64).round() as u64,
            whole: requests,
        }),
    }
}

/// The numeric columns a route or an instance row shares.
struct Numbers<'a> {
    requests: u64,
    rate_per_s: Option<f64>,
    ratios: [Option<f64>; 3],
    latency: &'a super::snapshot::Latency,
}

impl<'a> Numbers<'a> {
    fn of_route(r: &'a super::snapshot::RouteEntry) -> Self {
        Numbers {
            requests: r.requests,
            rate_per_s: r.rate_per_s,
            ratios: [r.ratio_4xx, r.ratio_5xx, r.ratio_429],
            latency: &r.latency_ms,
        }
    }

    fn of_instance(i: &'a super::snapshot::InstanceEntry) -> Self {
        Numbers {
            requests: i.requests,
            rate_per_s: i.rate_per_s,
            ratios: [i.ratio_4xx, i.ratio_5xx, i.ratio_429],
            latency: &i.latency_ms,
        }
    }
}

/// Requests, req/s, 4xx, 5xx, 429 and p99, formatted.
fn numbers(n: &Numbers<'_>) -> [String; 6] {
    let [r4, r5, r429] = n.ratios.map(|r| pct(r, n.requests));
    [
        n.requests.to_string(),
        format::rate(n.rate_per_s),
        r4,
        r5,
        r429,
        format::millis(n.latency.p99),
    ]
}

fn worst_first(s: &Snapshot) -> Vec<&super::snapshot::RouteEntry> {
    let mut rows: Vec<_> = s.routes.iter().collect();
    rows.sort_by(|a, b| {
        b.ratio_5xx
            .unwrap_or(0.0)
            .total_cmp(&a.ratio_5xx.unwrap_or(0.0))
            .then(
                b.ratio_429
                    .unwrap_or(0.0)
                    .total_cmp(&a.ratio_429.unwrap_or(0.0)),
            )
            .then(b.requests.cmp(&a.requests))
    });
    rows
}

fn route_label(r: &super::snapshot::RouteEntry) -> String {
    match &r.method {
        Some(m) => format!("{m} {}", r.route),
        None => r.route.clone(),
    }
}

fn class_counts(s: &Snapshot) -> Vec<String> {
    s.totals
        .by_class
        .iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect()
}

pub fn text(s: &Snapshot) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "gatewatch snapshot {} (collected {}s)",
        s.generated_at, s.window_seconds
    );
    if let Some(d) = &s.demo {
        let _ = writeln!(out, "DEMO: {d}");
    }
    for src in &s.sources {
        let err = src
            .last_error
            .as_deref()
            .map(|e| format!(" — {e}"))
            .unwrap_or_default();
        let _ = writeln!(out, "source {} [{}] {}{err}", src.id, src.state, src.target);
    }
    let classes = class_counts(s);
    let _ = writeln!(
        out,
        "total {} requests, {} ({}): {}",
        s.totals.requests,
        format::rate(s.totals.rate_per_s),
        s.totals.source.as_deref().unwrap_or("-"),
        classes.join("  ")
    );
    let _ = writeln!(
        out,
        "\n{:<40} {:<22} {:>8} {:>8} {:>7} {:>7} {:>7} {:>8}",
        "ROUTE", "SOURCE", "REQS", "REQ/S", "4XX", "5XX", "429", "P99"
    );
    for r in worst_first(s) {
        let name = route_label(r);
        let [n, rate, r4, r5, r429, p99] = numbers(&Numbers::of_route(r));
        let _ = writeln!(
            out,
            "{:<40} {:<22} {n:>8} {rate:>8} {r4:>7} {r5:>7} {r429:>7} {p99:>8}",
            format::fit(&name, 40),
            format::fit(&r.source, 22),
        );
        for i in r.instances.iter().flatten() {
            let name = format!("  └ {} [{}]", i.source, i.state);
            let [n, rate, r4, r5, r429, p99] = numbers(&Numbers::of_instance(i));
            let _ = writeln!(
                out,
                "{:<63} {n:>8} {rate:>8} {r4:>7} {r5:>7} {r429:>7} {p99:>8}",
                format::fit(&name, 63),
            );
        }
    }
    out
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|")
}

pub fn markdown(s: &Snapshot) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "### gatewatch snapshot — {}\n", s.generated_at);
    if let Some(d) = &s.demo {
        let _ = writeln!(out, "**DEMO**: {}\n", md_cell(d));
    }
    let classes = class_counts(s);
    let _ = writeln!(
        out,
        "**{} requests** in {}s, {} (from `{}`): {}\n",
        s.totals.requests,
        s.window_seconds,
        format::rate(s.totals.rate_per_s),
        s.totals.source.as_deref().unwrap_or("-"),
        classes.join(", ")
    );
    let _ = writeln!(out, "| source | state | last error |\n|---|---|---|");
    for src in &s.sources {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} |",
            md_cell(&src.id),
            src.state,
            md_cell(src.last_error.as_deref().unwrap_or(""))
        );
    }
    let _ = writeln!(out, "\n| route | source | requests | req/s | 4xx | 5xx | 429 | p99 |\n|---|---|---:|---:|---:|---:|---:|---:|");
    for r in worst_first(s) {
        let name = route_label(r);
        let cells = numbers(&Numbers::of_route(r)).join(" | ");
        let _ = writeln!(
            out,
            "| `{}` | `{}` | {cells} |",
            md_cell(&name),
            md_cell(&r.source),
        );
        for i in r.instances.iter().flatten() {
            let cells = numbers(&Numbers::of_instance(i)).join(" | ");
            let _ = writeln!(
                out,
                "| └ | `{}` ({}) | {cells} |",
                md_cell(&i.source),
                i.state,
            );
        }
    }
    out
}
