//! The first evidence line: how much of the route's traffic this error is, and who made it.

use super::format::{count, duration, percent};
use super::{EvidenceInput, EvidenceLine, Tone, Topic};
use crate::model::status::{Responder, Status, StatusClass};
use crate::runbook::model::Runbook;

/// Below this many requests a ratio says little, and the line says so.
pub const MIN_REQUESTS_FOR_RATIO: u64 = 20;

#[derive(PartialEq)]
enum Covered {
    Yes,
    /// A class-only count that may hold the runbook's codes.
    Maybe,
    No,
}

fn covered(rb: &Runbook, status: Status) -> Covered {
    match status {
        Status::Code(c) if rb.claims_code(c) || rb.classes.contains(&StatusClass::of_code(c)) => {
            Covered::Yes
        }
        Status::Class(k) if rb.classes.contains(&k) => Covered::Yes,
        Status::Class(k) if rb.codes.iter().any(|c| StatusClass::of_code(*c) == k) => {
            Covered::Maybe
        }
        _ => Covered::No,
    }
}

/// `502`, `502/503`, `5xx`.
fn label(rb: &Runbook) -> String {
    if !rb.codes.is_empty() {
        rb.codes
            .iter()
            .map(u16::to_string)
            .collect::<Vec<_>>()
            .join("/")
    } else {
        rb.classes
            .iter()
            .map(|c| c.label())
            .collect::<Vec<_>>()
            .join("/")
    }
}

pub fn lines(rb: &Runbook, input: &EvidenceInput, out: &mut Vec<EvidenceLine>) {
    if input.by_status.is_empty() || (rb.codes.is_empty() && rb.classes.is_empty()) {
        return;
    }
    let mut hits = 0u64;
    let mut maybe = 0u64;
    let (mut by_gateway, mut by_upstream) = (0u64, 0u64);
    for sc in &input.by_status {
        match covered(rb, sc.status) {
            Covered::Yes => {
                hits += sc.count;
                match sc.responder {
                    Responder::Gateway => by_gateway += sc.count,
                    Responder::Upstream => by_upstream += sc.count,
                    Responder::Unknown => {}
                }
            }
            Covered::Maybe => maybe += sc.count,
            Covered::No => {}
        }
    }
    let total = input
        .requests
        .unwrap_or_else(|| input.by_status.iter().map(|s| s.count).sum());
    let window = input
        .window
        .map(|w| format!(" in the last {}", duration(w)))
        .unwrap_or_default();
    let ratio = if total > 0 {
        hits as f64 / total as f64
    } else {
        0.0
    };
    let mut text = format!(
        "{} on this route: {} of {} requests ({}){window}",
        label(rb),
        count(hits),
        count(total),
        percent(ratio)
    );
    if total < MIN_REQUESTS_FOR_RATIO {
        text.push_str(" (too few requests for a reliable ratio)");
    }
    if maybe > 0 {
        text.push_str(&format!("; +{} more counted by class only", count(maybe)));
    }
    let tone = if total < MIN_REQUESTS_FOR_RATIO || ratio < 0.01 {
        Tone::Info
    } else if ratio < 0.10 {
        Tone::Warn
    } else {
        Tone::Crit
    };
    out.push(EvidenceLine::new(Topic::Traffic, tone, text));
    if by_gateway + by_upstream > 0 {
        out.push(responder_line(rb, by_gateway, by_upstream));
    }
}

fn responder_line(rb: &Runbook, by_gateway: u64, by_upstream: u64) -> EvidenceLine {
    let known = (by_gateway + by_upstream) as f64;
    let rate_limit = rb.claims_code(429);
    let server =
        rb.codes.iter().any(|c| *c >= 500) || rb.classes.contains(&StatusClass::ServerError);
    let meaning = if by_gateway as f64 >= 0.8 * known {
        if rate_limit {
            " — the gateway's own limiter"
        } else if server {
            " — the gateway answered itself, the upstream gave no usable reply"
        } else {
            " — refused at the gateway, before the upstream"
        }
    } else if by_upstream as f64 >= 0.8 * known {
        if rate_limit {
            " — the upstream rate-limits, not the gateway"
        } else if server {
            " — passed through from the upstream, the app itself failed"
        } else {
            " — the upstream refused them"
        }
    } else {
        ""
    };
    let text = format!(
        "Made by the gateway: {} · by the upstream: {}{meaning}",
        count(by_gateway),
        count(by_upstream)
    );
    EvidenceLine::new(Topic::Traffic, Tone::Info, text)
}
