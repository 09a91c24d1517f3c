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
        let _ = writeln!(
            out,
            "{:<40} {:<22} {:>8} {:>8} {:>7} {:>7} {:>7} {:>8}",
            format::fit(&name, 40),
            format::fit(&r.source, 22),
            r.requests,
            format::rate(r.rate_per_s),
            pct(r.ratio_4xx, r.requests),
            pct(r.ratio_5xx, r.requests),
            pct(r.ratio_429, r.requests),
            format::millis(r.latency_ms.p99)
        );
        for i in r.instances.iter().flatten() {
            let name = format!("  └ {} [{}]", i.source, i.state);
            let _ = writeln!(
                out,
                "{:<63} {:>8} {:>8} {:>7} {:>7} {:>7} {:>8}",
                format::fit(&name, 63),
                i.requests,
                format::rate(i.rate_per_s),
                pct(i.ratio_4xx, i.requests),
                pct(i.ratio_5xx, i.requests),
                pct(i.ratio_429, i.requests),
                format::millis(i.latency_ms.p99)
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
        let _ = writeln!(
            out,
            "| `{}` | `{}` | {} | {} | {} | {} | {} | {} |",
            md_cell(&name),
            md_cell(&r.source),
            r.requests,
            format::rate(r.rate_per_s),
            pct(r.ratio_4xx, r.requests),
            pct(r.ratio_5xx, r.requests),
            pct(r.ratio_429, r.requests),
            format::millis(r.latency_ms.p99)
        );
        for i in r.instances.iter().flatten() {
            let _ = writeln!(
                out,
                "| └ | `{}` ({}) | {} | {} | {} | {} | {} | {} |",
                md_cell(&i.source),
                i.state,
                i.requests,
                format::rate(i.rate_per_s),
                pct(i.ratio_4xx, i.requests),
                pct(i.ratio_5xx, i.requests),
                pct(i.ratio_429, i.requests),
                format::millis(i.latency_ms.p99)
            );
        }
    }
    out
}
