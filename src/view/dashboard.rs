//! The whole dashboard as one owned, render-ready value, built from the store at draw time.

use crate::model::time::Timestamp;
use crate::store::ranking::ranked_rows;
use crate::store::Store;

use super::detail::{self, RouteDetailView};
use super::header::{self, HeaderView};
use super::layout::{DashboardLayout, DetailPlacement};
use super::routes::{self, RouteTableView};

/// A key binding as the footer and the help overlay show it.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyHint {
    pub keys: String,
    pub hint: &'static str,
    pub description: &'static str,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DashboardView {
    pub layout: DashboardLayout,
    pub header: HeaderView,
    pub table: RouteTableView,
    pub detail: Option<RouteDetailView>,
    pub footer: Vec<KeyHint>,
    pub help: Option<Vec<KeyHint>>,
}

impl DashboardView {
    pub fn build(store: &Store, now: Timestamp, width: u16, height: u16, keys: &[KeyHint]) -> Self {
        let layout = DashboardLayout::for_size(width, height);
        let ranked = ranked_rows(store, now);
        let table = routes::build(
            store,
            &ranked,
            now,
            layout.trend_col as usize,
            layout.table_rows,
        );
        let detail = match layout.detail {
            DetailPlacement::Hidden => None,
            _ => table
                .selected
                .and_then(|i| ranked.get(i))
                .map(|row| detail::build(store, row, now)),
        };
        DashboardView {
            layout,
            header: header::build(store, now),
            table,
            detail,
            footer: keys.to_vec(),
            help: store.ui.help_open.then(|| keys.to_vec()),
        }
    }
}
