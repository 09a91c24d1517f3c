//! Numbers and times as the evidence lines write them.

use std::time::Duration;

use crate::model::time::Timestamp;
use crate::sanitize::sanitize;

/// `1,204`.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `12.2%`; a tiny non-zero share is `<0.1%`, not `0.0%`.
pub fn percent(ratio: f64) -> String {
    let p = ratio * 100.0;
    if p > 0.0 && p < 0.1 {
        "<0.1%".to_string()
    } else if p >= 10.0 {
        format!("{p:.0}%")
    } else {
        format!("{p:.1}%")
    }
}

/// `850 ms`, `4.2 s`, `31 s`.
pub fn millis(ms: f64) -> String {
    if ms < 1000.0 {
        format!("{ms:.0} ms")
    } else if ms < 10_000.0 {
        format!("{:.1} s", ms / 1000.0)
    } else {
        format!("{:.0} s", ms / 1000.0)
    }
}

/// `45 s`, `4m 12s`, `6h 5m`, `2d 3h`.
pub fn duration(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0 if d.as_millis() > 0 => format!("{} ms", d.as_millis()),
        0..=59 => format!("{s} s"),
        60..=3599 => two(s / 60, "m", s % 60, "s"),
        3600..=86_399 => two(s / 3600, "h", (s % 3600) / 60, "m"),
        _ => two(s / 86_400, "d", (s % 86_400) / 3600, "h"),
    }
}

/// `4m 12s`, or `5m` when the smaller unit is zero.
fn two(big: u64, big_unit: &str, small: u64, small_unit: &str) -> String {
    if small == 0 {
        format!("{big}{big_unit}")
    } else {
        format!("{big}{big_unit} {small}{small_unit}")
    }
}

/// `14:02:10 UTC`, with ` (4m 12s ago)` when `now` is known.
pub fn moment(at: Timestamp, now: Option<Timestamp>) -> String {
    let stamp = at.rfc3339();
    let clock = stamp.get(11..19).unwrap_or(&stamp);
    match now {
        Some(now) if now >= at => format!("{clock} UTC ({} ago)", duration(now.since(at))),
        _ => format!("{clock} UTC"),
    }
}

/// An outside string made safe and short for one evidence line.
pub fn outside(s: &str, max_chars: usize) -> String {
    let clean = sanitize(s);
    if clean.chars().count() <= max_chars {
        clean.into_owned()
    } else {
        let mut cut: String = clean.chars().take(max_chars.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1204), "1,204");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(percent(0.122), "12%");
        assert_eq!(percent(0.0123), "1.2%");
        assert_eq!(percent(0.0001), "<0.1%");
        assert_eq!(percent(0.0), "0.0%");
        assert_eq!(millis(850.4), "850 ms");
        assert_eq!(millis(4210.0), "4.2 s");
        assert_eq!(millis(31_020.0), "31 s");
        assert_eq!(duration(Duration::from_secs(45)), "45 s");
        assert_eq!(duration(Duration::from_secs(252)), "4m 12s");
        assert_eq!(duration(Duration::from_secs(6 * 3600 + 300)), "6h 5m");
        assert_eq!(
            duration(Duration::from_secs(2 * 86_400 + 3 * 3600)),
            "2d 3h"
        );
        assert_eq!(duration(Duration::from_millis(250)), "250 ms");
        assert_eq!(duration(Duration::from_secs(300)), "5m");
        assert_eq!(duration(Duration::from_secs(7200)), "2h");
        let at = Timestamp::from_millis(1_700_000_530_000);
        assert_eq!(moment(at, None), "22:22:10 UTC");
        assert_eq!(
            moment(at, Some(at.plus(Duration::from_secs(252)))),
            "22:22:10 UTC (4m 12s ago)"
        );
        assert_eq!(outside("a\x1b[2Jb", 10), "ab");
        assert_eq!(outside("abcdef", 4), "abc…");
    }
}
