//! How numbers read on screen: short, fixed meaning, never falsely precise.

use crate::store::window::Ratio;

/// `0.4/s`, `12/s`, `412/s`, `1.2k/s`, `35k/s`; `—` when unknown.
pub fn rate(r: Option<f64>) -> String {
    match r {
        None => "—".to_string(),
        Some(r) if r > 0.0 && r < 0.05 => "<0.1/s".to_string(),
        Some(r) if r < 10.0 => format!("{r:.1}/s"),
        Some(r) if r < 1000.0 => format!("{r:.0}/s"),
        Some(r) if r < 10_000.0 => format!("{:.1}k/s", r / 1000.0),
        Some(r) => format!("{:.0}k/s", r / 1000.0),
    }
}

/// A ratio: `12.3%` when it stands on enough requests, `2/3` when it doesn't, `—` over nothing,
/// `0` for none at all.
pub fn ratio(r: Ratio) -> String {
    match r.value() {
        None => "—".to_string(),
        Some(_) if r.part == 0 => "0".to_string(),
        Some(_) if !r.is_confident() => format!("{}/{}", r.part, r.whole),
        Some(v) if v >= 0.995 => "100%".to_string(),
        Some(v) if v < 0.001 => "<0.1%".to_string(),
        Some(v) => format!("{:.1}%", v * 100.0),
    }
}

/// Milliseconds: `0.8ms`, `42ms`, `1.3s`, `31s`.
pub fn millis(ms: Option<f64>) -> String {
    match ms {
        None => "—".to_string(),
        Some(ms) if ms < 10.0 => format!("{ms:.1}ms"),
        Some(ms) if ms < 1000.0 => format!("{ms:.0}ms"),
        Some(ms) if ms < 10_000.0 => format!("{:.1}s", ms / 1000.0),
        Some(ms) => format!("{:.0}s", ms / 1000.0),
    }
}

/// Counts: `812`, `12.4k`, `3.1M`.
pub fn count(n: u64) -> String {
    match n {
        0..=9_999 => n.to_string(),
        10_000..=999_999 => format!("{:.1}k", n as f64 / 1000.0),
        _ => format!("{:.1}M", n as f64 / 1_000_000.0),
    }
}

/// `45s`, `5m`, `1h30m`.
pub fn duration(d: std::time::Duration) -> String {
    let s = d.as_secs();
    match s {
        0..=119 => format!("{s}s"),
        120..=3599 if s % 60 == 0 => format!("{}m", s / 60),
        120..=3599 => format!("{}m{}s", s / 60, s % 60),
        _ if s % 3600 == 0 => format!("{}h", s / 3600),
        _ => format!("{}h{}m", s / 3600, (s % 3600) / 60),
    }
}

/// Cuts `s` to `width` characters, ending in `…` when cut.
pub fn fit(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        return s.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut out: String = s.chars().take(width - 1).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_are_honest_about_few_requests() {
        let cases = [
            (0, 0, "—"),
            (0, 500, "0"),
            (2, 3, "2/3"),
            (19, 19, "19/19"),
            (20, 20, "100%"),
            (123, 1000, "12.3%"),
            (1, 5000, "<0.1%"),
        ];
        for (part, whole, want) in cases {
            assert_eq!(ratio(Ratio { part, whole }), want, "{part}/{whole}");
        }
    }

    #[test]
    fn rates_and_times_read_short() {
        assert_eq!(rate(None), "—");
        assert_eq!(rate(Some(0.44)), "0.4/s");
        assert_eq!(rate(Some(412.4)), "412/s");
        assert_eq!(rate(Some(1234.0)), "1.2k/s");
        assert_eq!(millis(Some(0.84)), "0.8ms");
        assert_eq!(millis(Some(29_500.0)), "30s");
        assert_eq!(count(12_400), "12.4k");
        assert_eq!(duration(std::time::Duration::from_secs(300)), "5m");
        assert_eq!(fit("/v1/orders/{id}", 8), "/v1/ord…");
    }
}
