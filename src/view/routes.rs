//! The route table: routes ranked by how wrong they are, each with its trend.

use crate::model::source::SourceKind;
use crate::model::time::Timestamp;
use crate::model::traffic::StatusDetail;
use crate::sanitize::sanitize;
use crate::store::ranking::RankedRow;
use crate::store::window::{error_trend, Ratio};
use crate::store::Store;

use super::format;

#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Ok,
    Warn,
    Crit,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RouteRow {
    pub route: String,
    pub source_tag: String,
    pub rate: String,
    pub r4xx: String,
    pub r5xx: String,
    pub r429: String,
    pub severity_4xx: Severity,
    pub severity_5xx: Severity,
    pub severity_429: Severity,
    /// Error ratio (4xx + 5xx) per column over the window, oldest first, cut to the trend width;
    /// `None` where the column saw no requests.
    pub trend: Vec<Option<f64>>,
    pub class_only: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RouteTableView {
    pub rows: Vec<RouteRow>,
    pub selected: Option<usize>,
    /// First row shown, so the selection stays visible.
    pub offset: usize,
    pub title: String,
    pub empty_note: Option<String>,
}

pub fn ratio_severity(r: Ratio, warn: f64, crit: f64) -> Severity {
    match r.value() {
        Some(v) if r.is_confident() && v >= crit => Severity::Crit,
        Some(v) if v >= warn && r.part > 0 => Severity::Warn,
        _ => Severity::Ok,
    }
}

/// `L`/`M`/`Q` by kind, with the source's number among its kind when there are several.
pub fn source_tag(store: &Store, id: &crate::model::source::SourceId) -> String {
    let Some(pos) = store.sources.iter().position(|s| &s.spec.id == id) else {
        return "?".into();
    };
    let kind = store.sources[pos].spec.kind;
    let letter = match kind {
        SourceKind::Log => 'L',
        SourceKind::Scrape => 'M',
        SourceKind::Promql => 'Q',
        SourceKind::Check => 'C',
    };
    let same: Vec<usize> = (0..store.sources.len())
        .filter(|&i| store.sources[i].spec.kind == kind)
        .collect();
    if same.len() > 1 {
        let n = same.iter().position(|&i| i == pos).unwrap_or(0) + 1;
        format!("{letter}{n}")
    } else {
        letter.to_string()
    }
}

pub fn build(
    store: &Store,
    ranked: &[RankedRow],
    now: Timestamp,
    trend_width: usize,
    visible_rows: usize,
) -> RouteTableView {
    let rows: Vec<RouteRow> = ranked
        .iter()
        .map(|r| {
            let class_only = store
                .source(&r.primary)
                .is_some_and(|s| s.status_detail == StatusDetail::ClassOnly);
            let trend = store
                .routes
                .get(&r.primary)
                .and_then(|m| m.get(&r.key))
                .map(|stats| error_trend(stats, now, store.config.window, trend_width))
                .unwrap_or_default();
            let mut route = sanitize(&r.key.to_string()).into_owned();
            if r.key.is_other() {
                if let Some(f) = store.folded_routes.get(&r.primary) {
                    let more = if f.saturated { "+" } else { "" };
                    route = format!("(other: {}{more} routes)", f.count());
                }
            }
            RouteRow {
                route,
                source_tag: source_tag(store, &r.primary),
                rate: format::rate(r.stats.rate_per_s),
                r4xx: format::ratio(r.stats.ratio_4xx()),
                r5xx: format::ratio(r.stats.ratio_5xx()),
                r429: if class_only {
                    "cls".into()
                } else {
                    format::ratio(r.stats.ratio_429())
                },
                severity_4xx: ratio_severity(r.stats.ratio_4xx(), 0.05, 0.20),
                severity_5xx: ratio_severity(r.stats.ratio_5xx(), 0.01, 0.05),
                severity_429: ratio_severity(r.stats.ratio_429(), 0.01, 0.10),
                trend,
                class_only,
            }
        })
        .collect();
    let selected = store.ui.selected_position(ranked);
    let offset = match selected {
        Some(s) if visible_rows > 0 && s >= visible_rows => s + 1 - visible_rows,
        _ => 0,
    };
    let empty_note = rows.is_empty().then(|| "no routes seen yet".to_string());
    RouteTableView {
        title: format!(
            "routes by error rate · last {}",
            format::duration(store.config.window)
        ),
        rows,
        selected,
        offset,
        empty_note,
    }
}
