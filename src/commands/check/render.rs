//! Check results as text (for a terminal), JSON (the snapshot's `checks` rows) or JUnit XML
//! (for CI). Everything shown was sanitised and redacted when the result was built.

use std::fmt::Write as _;

use serde::Serialize;

use super::CheckFormat;
use crate::model::check::{duration_ms, CheckResult, CheckState};
use crate::model::time::Timestamp;
use crate::store::checks::{CheckSnapshot, ChecksState};

pub fn render(
    results: &[CheckResult],
    format: CheckFormat,
    strict: bool,
    now: Timestamp,
) -> String {
    match format {
        CheckFormat::Text => text(results, strict),
        CheckFormat::Json => json(results, strict, now),
        CheckFormat::Junit => junit(results, strict),
    }
}

#[derive(Serialize)]
struct Summary {
    total: usize,
    ok: usize,
    degraded: usize,
    failed: usize,
    strict: bool,
    passed: bool,
}

fn summary(results: &[CheckResult], strict: bool) -> Summary {
    let count = |s| results.iter().filter(|r| r.state == s).count();
    Summary {
        total: results.len(),
        ok: count(CheckState::Ok),
        degraded: count(CheckState::Degraded),
        failed: count(CheckState::Failed),
        strict,
        passed: results.iter().all(|r| r.passed(strict)),
    }
}

/// `3 checks: 1 ok, 1 degraded, 1 failed — FAIL`.
pub fn summary_line(results: &[CheckResult], strict: bool) -> String {
    let s = summary(results, strict);
    format!(
        "{} checks: {} ok, {} degraded, {} failed — {}",
        s.total,
        s.ok,
        s.degraded,
        s.failed,
        if s.passed { "PASS" } else { "FAIL" }
    )
}

fn text(results: &[CheckResult], strict: bool) -> String {
    let name_w = results
        .iter()
        .map(|r| r.name.chars().count())
        .max()
        .unwrap_or(4)
        .min(32);
    let mut out = String::new();
    for r in results {
        let status = r
            .status()
            .map(|s| s.to_string())
            .unwrap_or_else(|| "—".into());
        let _ = writeln!(
            out,
            "{} {:<8} {:<name_w$}  {:>3}  {:>8.1} ms  {} {}",
            r.state.symbol(),
            r.state.label(),
            r.name,
            status,
            duration_ms(r.phases.total),
            r.method,
            r.url,
        );
        let _ = writeln!(out, "  {:<8} {}", "", r.phases.line());
        if let Some(reason) = &r.reason {
            let tag = if r.state == CheckState::Degraded && !strict {
                "warning"
            } else {
                "reason"
            };
            let _ = writeln!(out, "  {:<8} {tag}: {reason}", "");
        }
        if let Some(id) = r.response.as_ref().and_then(|x| x.request_id()) {
            let _ = writeln!(out, "  {:<8} request id: {id}", "");
        }
        if let Some(rl) = r.response.as_ref().and_then(|x| x.rate_limit.as_ref()) {
            let _ = writeln!(out, "  {:<8} rate limit: {}", "", rl.describe());
        }
    }
    let _ = writeln!(out, "{}", summary_line(results, strict));
    out
}

#[derive(Serialize)]
struct JsonReport {
    checks: Vec<CheckSnapshot>,
    summary: Summary,
}

fn json(results: &[CheckResult], strict: bool, now: Timestamp) -> String {
    let mut state = ChecksState::new(1, 1);
    for r in results {
        state.apply(r.clone(), now);
    }
    let report = JsonReport {
        checks: state.snapshot(now),
        summary: summary(results, strict),
    };
    let mut s =
        serde_json::to_string_pretty(&report).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    s.push('\n');
    s
}

/// Escapes text for XML attributes and content; drops characters XML 1.0 cannot hold.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

fn junit(results: &[CheckResult], strict: bool) -> String {
    let s = summary(results, strict);
    let failures = results.iter().filter(|r| !r.passed(strict)).count();
    let total_secs: f64 = results.iter().map(|r| r.phases.total.as_secs_f64()).sum();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"gatewatch check\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" time=\"{total_secs:.3}\">",
        s.total
    );
    let _ = writeln!(
        out,
        "  <testsuite name=\"gatewatch check\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\" time=\"{total_secs:.3}\">",
        s.total
    );
    for r in results {
        let name = xml_escape(&r.name);
        let classname = xml_escape(
            &r.route
                .as_ref()
                .map(|x| x.to_string())
                .unwrap_or_else(|| "gatewatch.check".into()),
        );
        let time = r.phases.total.as_secs_f64();
        let details = xml_escape(&format!(
            "{} {} → {}\n{}",
            r.method,
            r.url,
            r.status()
                .map(|x| x.to_string())
                .unwrap_or_else(|| "no response".into()),
            r.phases.line()
        ));
        let _ = write!(
            out,
            "    <testcase name=\"{name}\" classname=\"{classname}\" time=\"{time:.3}\""
        );
        match (&r.reason, r.passed(strict)) {
            (Some(reason), false) => {
                let _ = writeln!(
                    out,
                    ">\n      <failure type=\"{}\" message=\"{}\">{details}</failure>\n    </testcase>",
                    reason.code(),
                    xml_escape(&reason.to_string())
                );
            }
            (Some(reason), true) => {
                let _ = writeln!(
                    out,
                    ">\n      <system-out>degraded ({}): {}\n{details}</system-out>\n    </testcase>",
                    reason.code(),
                    xml_escape(&reason.to_string())
                );
            }
            (None, _) => {
                let _ = writeln!(
                    out,
                    ">\n      <system-out>{details}</system-out>\n    </testcase>"
                );
            }
        }
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escape_handles_markup_and_controls() {
        assert_eq!(xml_escape("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;");
    }
}
