//! The route table: routes ranked by how wrong they are, each with its trend.

use crate::model::source::SourceKind;
use crate::model::time::Timestamp;
use crate::model::traffic::StatusDetail;
use crate::sanitize::sanitize;
use crate::store::ranking::RankedRow;
use crate::store::window::{error_trend_of, Ratio};
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

/// `L`/`M`/`Q` by kind (`G` for a gateway's summed instances), with the feed's number among
/// its kind when there are several.
pub fn source_tag(store: &Store, id: &crate::model::source::SourceId) -> String {
    let Some(pos) = store.feeds.iter().position(|f| &f.id == id) else {
        return "?".into();
    };
    let letter = |f: &crate::store::Feed| {
        if f.is_gateway {
            return 'G';
        }
        match f.kind {
            SourceKind::Log => 'L',
            SourceKind::Scrape => 'M',
            SourceKind::Promql => 'Q',
            SourceKind::Check => 'C',
        }
    };
    let mine = letter(&store.feeds[pos]);
    let same: Vec<usize> = (0..store.feeds.len())
        .filter(|&i| letter(&store.feeds[i]) == mine)
        .collect();
    if same.len() > 1 {
        let n = same.iter().position(|&i| i == pos).unwrap_or(0) + 1;
        format!("{mine}{n}")
    } else {
        mine.to_string()
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
            let feed = store.feed(&r.primary);
            let class_only =
                feed.is_some_and(|f| f.status_detail(store) == StatusDetail::ClassOnly);
            let trend = feed
                .map(|f| {
                    let members: Vec<_> = f.route_members(store, &r.key).map(|(_, s)| s).collect();
                    error_trend_of(&members, now, store.config.window, trend_width)
                })
                .unwrap_or_default();
            let mut route = sanitize(&r.key.to_string()).into_owned();
            if r.key.is_other() {
                if let Some((count, saturated)) = feed.and_then(|f| f.folded_routes(store)) {
                    let more = if saturated { "+" } else { "" };
                    route = format!("(other: {count}{more} routes)");
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
