//! 504 and timeout evidence: the route's p99 against the gateway's timeout.

use super::format::{millis, outside};
use super::{EvidenceInput, EvidenceLine, Tone, Topic};
use crate::runbook::model::preset_matches;

/// Default upstream timeouts of gateways whose default is well known, used when config does
/// not say (and the line says the number is assumed). HAProxy has no default `timeout server`.
pub const KNOWN_DEFAULT_TIMEOUTS_MS: &[(&str, f64, &str)] = &[
    (
        "aws",
        29_000.0,
        "AWS API Gateway's default integration timeout",
    ),
    ("envoy", 15_000.0, "Envoy's default route timeout"),
    ("nginx", 60_000.0, "nginx's default proxy_read_timeout"),
    ("kong", 60_000.0, "Kong's default read_timeout"),
    ("krakend", 2_000.0, "KrakenD's default endpoint timeout"),
];

/// The timeout to compare with, and where it comes from.
pub fn timeout_for(input: &EvidenceInput) -> Option<(f64, String)> {
    if let Some(t) = &input.gateway_timeout {
        if t.ms.is_finite() && t.ms > 0.0 {
            return Some((t.ms, outside(&t.source, 40)));
        }
    }
    let preset = input.preset.as_deref()?;
    KNOWN_DEFAULT_TIMEOUTS_MS
        .iter()
        .find(|(k, _, _)| preset_matches(k, preset))
        .map(|(_, ms, what)| (*ms, format!("assumed: {what}")))
}

/// `client_side`: for 499s, where the clients' own timeouts matter more than the gateway's.
pub fn lines(input: &EvidenceInput, client_side: bool, out: &mut Vec<EvidenceLine>) {
    let Some(p99) = input.latency_p99_ms.filter(|v| v.is_finite() && *v >= 0.0) else {
        return;
    };
    let caddy = input
        .preset
        .as_deref()
        .is_some_and(|p| preset_matches("caddy", p));
    if client_side {
        let text = format!(
            "p99 {}: clients with a shorter timeout leave before the answer",
            millis(p99)
        );
        out.push(EvidenceLine::new(Topic::Latency, Tone::Info, text));
        return;
    }
    let line = match timeout_for(input) {
        Some((timeout, source)) => {
            let share = p99 / timeout;
            let (tone, verdict) = if share >= 0.95 {
                (
                    Tone::Crit,
                    "requests hit the timeout: the upstream is slower than the gateway waits",
                )
            } else if share >= 0.8 {
                (
                    Tone::Warn,
                    "close to the timeout: the slow tail is being cut off",
                )
            } else if share < 0.5 {
                (
                    Tone::Info,
                    "far below the timeout: look for a slow minority or connect timeouts",
                )
            } else {
                (Tone::Info, "below the timeout")
            };
            let text = format!(
                "p99 {} vs timeout {} ({source}): {verdict}",
                millis(p99),
                millis(timeout)
            );
            EvidenceLine::new(Topic::Latency, tone, text)
        }
        None => {
            let text = format!(
                "p99 {}; the gateway timeout is unknown (set it in config to compare)",
                millis(p99)
            );
            EvidenceLine::new(Topic::Latency, Tone::Info, text)
        }
    };
    out.push(line);
    if caddy {
        let text = "Caddy leaves its own 504s out of its latency histograms: this p99 reads low";
        out.push(EvidenceLine::new(
            Topic::Latency,
            Tone::Info,
            text.to_string(),
        ));
    }
}
