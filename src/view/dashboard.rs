//! The whole dashboard as one owned, render-ready value, built from the store at draw time.

use crate::model::time::Timestamp;
use crate::store::ranking::ranked_rows;
use crate::store::Store;

use super::detail::{self, RouteDetailView};
use super::header::{self, HeaderView};
use super::layout::{DashboardLayout, DetailPlacement};
use super::routes::{self, RouteTableView};
use super::runbook::{self, RunbookPaneView};

/// What the view needs besides the store: key hints, the runbook catalog, the probe base URL.
#[derive(Clone, Copy, Default)]
pub struct ViewContext<'a> {
    pub keys: &'a [KeyHint],
    pub catalog: Option<&'a crate::runbook::Catalog>,
    pub base_url: Option<&'a str>,
}

/// A key binding as the footer and the help overlay show it.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyHint {
    pub action: crate::store::Action,
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
    /// The runbook pane: beside the detail on wide screens, instead of it when opened in
    /// small ones.
    pub runbook: Option<RunbookPaneView>,
    /// The probe dialog, drawn over everything else while open.
    pub probe: Option<super::probe::ProbeDialogView>,
}

impl DashboardView {
    pub fn build(store: &Store, now: Timestamp, width: u16, height: u16, keys: &[KeyHint]) -> Self {
        Self::build_with(
            store,
            now,
            width,
            height,
            &ViewContext {
                keys,
                ..ViewContext::default()
            },
        )
    }

    pub fn build_with(
        store: &Store,
        now: Timestamp,
        width: u16,
        height: u16,
        ctx: &ViewContext<'_>,
    ) -> Self {
        let keys = ctx.keys;
        let layout = DashboardLayout::for_size_with(width, height, store.ui.runbook_open);
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
        let wants_runbook = match layout.detail {
            DetailPlacement::Right => true,
            DetailPlacement::Below => store.ui.runbook_open,
            DetailPlacement::Hidden => false,
        };
        let runbook = match (
            wants_runbook,
            ctx.catalog,
            table.selected.and_then(|i| ranked.get(i)),
        ) {
            (true, Some(catalog), Some(row)) => {
                Some(runbook::build(store, row, now, catalog, ctx.base_url))
            }
            _ => None,
        };
        DashboardView {
            runbook,
            layout,
            header: header::build(store, now),
            table,
            detail,
            footer: keys.to_vec(),
            help: store.ui.help_open.then(|| keys.to_vec()),
            probe: None,
        }
        .with_probe(store, now, keys)
    }

    /// The probe dialog, when open, takes the footer for its own keys; the dashboard's footer
    /// leaves the dialog's keys out.
    fn with_probe(mut self, store: &Store, now: Timestamp, keys: &[KeyHint]) -> Self {
        let (w, h) = (self.layout.width, self.layout.height);
        self.probe = super::probe::build(store, now, w, h, keys);
        self.footer = match &self.probe {
            Some(p) => p.hints.clone(),
            None => keys
                .iter()
                .filter(|k| !k.action.is_probe_dialog())
                .cloned()
                .collect(),
        };
        self
    }
}
