//! 5xx evidence: when the current burst began, and which other routes it hit.

use super::format::{count, moment, outside, percent};
use super::{EvidenceInput, EvidenceLine, RatioPoint, Tone, Topic};
use crate::model::time::Timestamp;

/// A share below this is never a burst, however quiet the route was before.
pub const BURST_MIN_RATIO: f64 = 0.02;
/// A share at or above this is always a burst, however noisy the route was before.
pub const BURST_ALWAYS_RATIO: f64 = 0.10;

/// Where the current burst began: the first point of the run of elevated points that reaches
/// the newest point. Elevated means at least twice the series' lower quartile, clamped to
/// [`BURST_MIN_RATIO`, `BURST_ALWAYS_RATIO`]. `None` when the newest point is not elevated.
/// The flag is true when the run reaches the oldest point: the burst began before the history.
pub fn burst_start(series: &[RatioPoint]) -> Option<(Timestamp, bool)> {
    let points: Vec<&RatioPoint> = series.iter().filter(|p| p.ratio.is_finite()).collect();
    let last = points.last()?;
    let mut ratios: Vec<f64> = points.iter().map(|p| p.ratio).collect();
    ratios.sort_by(f64::total_cmp);
    let lower_quartile = ratios[(ratios.len() - 1) / 4];
    let threshold = (2.0 * lower_quartile).clamp(BURST_MIN_RATIO, BURST_ALWAYS_RATIO);
    if last.ratio < threshold {
        return None;
    }
    let mut start = points.len() - 1;
    while start > 0 && points[start - 1].ratio >= threshold {
        start -= 1;
    }
    Some((points[start].at, start == 0))
}

pub fn lines(input: &EvidenceInput, out: &mut Vec<EvidenceLine>) {
    if let Some(at) = input.burst_started_at {
        let text = format!("Burst began {}", moment(at, input.now));
        out.push(EvidenceLine::new(Topic::Burst, Tone::Warn, text));
    } else if let Some((at, from_start)) = burst_start(&input.error_ratio) {
        let text = if from_start {
            format!(
                "Elevated since at least {} (the start of the history)",
                moment(at, input.now)
            )
        } else {
            format!("Burst began {}", moment(at, input.now))
        };
        out.push(EvidenceLine::new(Topic::Burst, Tone::Warn, text));
    } else if let Some(last) = input.error_ratio.iter().rev().find(|p| p.ratio.is_finite()) {
        let text = format!(
            "No burst now: latest share {}",
            percent(last.ratio.max(0.0))
        );
        out.push(EvidenceLine::new(Topic::Burst, Tone::Ok, text));
    }
    spread(input, out);
}

fn spread(input: &EvidenceInput, out: &mut Vec<EvidenceLine>) {
    let Some(others) = &input.other_routes else {
        return;
    };
    if others.is_empty() {
        let text = "No other route shows this error: suspect this route's upstream";
        out.push(EvidenceLine::new(
            Topic::Spread,
            Tone::Info,
            text.to_string(),
        ));
        return;
    }
    let mut sorted: Vec<_> = others.iter().collect();
    sorted.sort_by(|a, b| b.count.cmp(&a.count).then(a.route.cmp(&b.route)));
    let shown: Vec<String> = sorted
        .iter()
        .take(3)
        .map(|r| format!("{} ({})", outside(&r.route, 32), count(r.count)))
        .collect();
    let more = sorted.len().saturating_sub(3);
    let tail = if more > 0 {
        format!(", +{more} more")
    } else {
        String::new()
    };
    let noun = if sorted.len() == 1 { "route" } else { "routes" };
    let text = format!(
        "Also on {} other {noun}: {}{tail}",
        sorted.len(),
        shown.join(", ")
    );
    out.push(EvidenceLine::new(Topic::Spread, Tone::Warn, text));
    if sorted.len() >= 3 {
        let text = "Many routes at once: suspect something shared (the gateway, the network, a common dependency)";
        out.push(EvidenceLine::new(
            Topic::Spread,
            Tone::Warn,
            text.to_string(),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(ratios: &[f64]) -> Vec<RatioPoint> {
        ratios
            .iter()
            .enumerate()
            .map(|(i, r)| RatioPoint {
                at: Timestamp::from_millis(i as i64 * 10_000),
                ratio: *r,
            })
            .collect()
    }

    /// Ratios, then the expected (start millis, began before the history).
    type Case = (&'static [f64], Option<(i64, bool)>);

    #[test]
    fn burst_start_table() {
        let cases: &[Case] = &[
            (&[], None),
            (&[0.0, 0.0, 0.0, 0.3, 0.4], Some((30_000, false))),
            (&[0.0, 0.0, 0.3, 0.0, 0.4], Some((40_000, false))),
            (&[0.0, 0.0, 0.3, 0.4, 0.001], None),
            // A noisy route at 4%: a step to 9% is a burst, the usual 4% is not.
            (&[0.04, 0.04, 0.05, 0.04, 0.09, 0.09], Some((40_000, false))),
            (&[0.04, 0.04, 0.05, 0.04], None),
            // Bursting through the whole history.
            (&[0.3, 0.35, 0.4], Some((0, true))),
            (&[0.0, f64::NAN, 0.0, 0.5], Some((30_000, false))),
            (&[0.015, 0.015], None),
        ];
        for (ratios, want) in cases {
            let got = burst_start(&series(ratios)).map(|(t, whole)| (t.millis(), whole));
            assert_eq!(got, *want, "{ratios:?}");
        }
    }
}
