//! The text rendering of an `inspect` report: compact, for a terminal or a ticket.

use super::report::InspectOut;

pub(super) fn render(o: &InspectOut) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let preset = match (&o.preset, o.preset_auto) {
        (Some(p), true) => format!("{p} (picked automatically)"),
        (Some(p), false) => p.clone(),
        (None, _) => "none recognised".into(),
    };
    let _ = writeln!(s, "source   {} ({}, {} bytes)", o.source, o.format, o.bytes);
    let _ = writeln!(s, "preset   {preset}");
    let _ = writeln!(
        s,
        "series   {} in {} families; {} bad line(s){}",
        o.series_total,
        o.families.len(),
        o.bad_line_count,
        if o.conforming { "" } else { "; not conforming" }
    );
    let _ = writeln!(s, "\nFAMILIES (* = read by the preset)");
    for f in &o.families {
        let _ = writeln!(
            s,
            " {} {:<14} {:>7}  {}  [{}]",
            if f.mapped { "*" } else { " " },
            f.kind,
            f.series,
            f.name,
            f.labels.join(", ")
        );
    }
    if !o.bad_lines.is_empty() {
        let _ = writeln!(s, "\nBAD LINES");
        for b in &o.bad_lines {
            let _ = writeln!(s, "  line {}: {}  | {}", b.line, b.reason, b.excerpt);
        }
    }
    if let Some(m) = &o.mapping {
        let _ = writeln!(s, "\nMAPPING");
        let _ = writeln!(s, "  route       {}", m.route);
        let _ = writeln!(s, "  status      {} [{}]", m.status, m.status_detail);
        let _ = writeln!(s, "  latency     {}", m.latency);
        let _ = writeln!(s, "  rate limit  {}", m.rate_limit);
        for n in &m.notes {
            let _ = writeln!(s, "  note        {n}");
        }
        let _ = writeln!(
            s,
            "\nROUTES (lifetime totals{})",
            if m.gateway_only {
                "; no route identity: the gateway as a whole"
            } else {
                ""
            }
        );
        for r in &m.routes {
            let statuses: Vec<String> =
                r.statuses.iter().map(|(k, v)| format!("{k}:{v}")).collect();
            let latency = match (r.latency_p50_ms, r.latency_p99_ms) {
                (Some(p50), Some(p99)) => format!("  p50 {p50:.1} ms  p99 {p99:.1} ms"),
                _ => String::new(),
            };
            let sat = r.saturation.as_ref().map_or(String::new(), |s| {
                format!("  saturation {:.0}% ({})", s.value * 100.0, s.source)
            });
            let _ = writeln!(
                s,
                "  {:<28} {:>8} req  {}{latency}{sat}",
                r.route,
                r.requests,
                statuses.join(" "),
            );
        }
    }
    for p in &o.problems {
        let _ = writeln!(s, "\nproblem: {p}");
    }
    s
}
