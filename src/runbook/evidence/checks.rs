//! Evidence from the route's synthetic checks: do they fail to connect (502/503), and does the
//! known-good credential still pass (401)?

use super::format::outside;
use super::{CheckSeen, EvidenceInput, EvidenceLine, Tone, Topic};

fn is_connect_failure(reason: &str) -> bool {
    ["connect", "dns", "tls"].iter().any(|family| {
        reason == *family
            || reason
                .strip_prefix(family)
                .is_some_and(|rest| rest.starts_with('_'))
    })
}

fn what_failed(check: &CheckSeen) -> String {
    match (&check.reason, check.status) {
        (Some(r), Some(s)) if r == "http_status" => format!("{s}"),
        (Some(r), _) => outside(r, 24),
        (None, Some(s)) => format!("{s}"),
        (None, None) => "failed".to_string(),
    }
}

/// Distinct failure descriptions, at most three, for one line.
fn summary(checks: &[&CheckSeen]) -> String {
    let mut seen: Vec<String> = Vec::new();
    for c in checks {
        let w = what_failed(c);
        if !seen.contains(&w) {
            seen.push(w);
        }
    }
    let more = seen.len().saturating_sub(3);
    seen.truncate(3);
    let mut s = seen.join(", ");
    if more > 0 {
        s.push_str(&format!(", +{more}"));
    }
    s
}

pub fn connect_lines(input: &EvidenceInput, out: &mut Vec<EvidenceLine>) {
    let Some(checks) = &input.checks else { return };
    if checks.is_empty() {
        let text = "No check covers this route: probe it to see whether it connects";
        out.push(EvidenceLine::new(
            Topic::Checks,
            Tone::Info,
            text.to_string(),
        ));
        return;
    }
    let n = checks.len();
    let failing: Vec<&CheckSeen> = checks.iter().filter(|c| !c.ok).collect();
    let connect: Vec<&CheckSeen> = failing
        .iter()
        .copied()
        .filter(|c| c.reason.as_deref().is_some_and(is_connect_failure))
        .collect();
    let line = if !connect.is_empty() {
        let text = if n == 1 {
            format!(
                "Check '{}' fails to connect ({}): nothing accepts connections at its target",
                outside(&connect[0].name, 32),
                summary(&connect)
            )
        } else {
            format!(
                "{} of {n} checks for this route fail to connect ({}): nothing accepts connections at their target",
                connect.len(),
                summary(&connect)
            )
        };
        EvidenceLine::new(Topic::Checks, Tone::Crit, text)
    } else if !failing.is_empty() {
        let text = if n == 1 {
            format!(
                "Check '{}' fails ({}), but it connects: the error is live",
                outside(&failing[0].name, 32),
                summary(&failing)
            )
        } else {
            format!(
                "{} of {n} checks for this route fail ({}), but they connect: the error is live",
                failing.len(),
                summary(&failing)
            )
        };
        EvidenceLine::new(Topic::Checks, Tone::Warn, text)
    } else {
        let text = if n == 1 {
            format!(
                "Check '{}' passes: the failure is partial, intermittent or request-specific",
                outside(&checks[0].name, 32)
            )
        } else {
            format!("All {n} checks for this route pass: the failure is partial, intermittent or request-specific")
        };
        EvidenceLine::new(Topic::Checks, Tone::Ok, text)
    };
    out.push(line);
}

pub fn credential_lines(input: &EvidenceInput, out: &mut Vec<EvidenceLine>) {
    let Some(checks) = &input.checks else { return };
    let known_good: Vec<&CheckSeen> = checks.iter().filter(|c| c.known_good_credentials).collect();
    if known_good.is_empty() {
        let text = "No known-good-credential check for this route: probe it with a token you trust";
        out.push(EvidenceLine::new(
            Topic::Credentials,
            Tone::Info,
            text.to_string(),
        ));
        return;
    }
    if let Some(pass) = known_good.iter().find(|c| c.ok) {
        let text = format!(
            "Known-good credential check '{}' passes: gateway auth works; suspect the callers' credentials",
            outside(&pass.name, 32)
        );
        out.push(EvidenceLine::new(Topic::Credentials, Tone::Ok, text));
        return;
    }
    let first = known_good[0];
    let line = match first.status {
        Some(s @ (401 | 403)) => EvidenceLine::new(
            Topic::Credentials,
            Tone::Crit,
            format!(
                "Even the known-good credential check '{}' gets {s}: the gateway's auth or the identity provider broke",
                outside(&first.name, 32)
            ),
        ),
        _ => EvidenceLine::new(
            Topic::Credentials,
            Tone::Warn,
            format!(
                "Known-good credential check '{}' fails ({}): cannot tell auth from reachability",
                outside(&first.name, 32),
                what_failed(first)
            ),
        ),
    };
    out.push(line);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connect_failure_families() {
        for (reason, want) in [
            ("connect_refused", true),
            ("connect_timeout", true),
            ("dns", true),
            ("tls_expired", true),
            ("connection", false),
            ("timeout_headers", false),
            ("http_status", false),
        ] {
            assert_eq!(is_connect_failure(reason), want, "{reason}");
        }
    }
}
