//! ratatui widgets (one per file), drawn from the view model; theme and keymap.

pub mod detail;
pub mod footer;
pub mod header;
pub mod help;
pub mod keymap;
pub mod route_table;
pub mod runbook_pane;
pub mod theme;

#[cfg(test)]
mod snapshots;

use ratatui::layout::Rect;
use ratatui::Frame;

use crate::view::layout::DetailPlacement;
use crate::view::DashboardView;

use theme::Theme;

/// Draws the whole dashboard. Widgets only read the view model.
pub fn draw(frame: &mut Frame, view: &DashboardView, theme: &Theme) {
    let area = frame.area();
    let l = &view.layout;
    let header = Rect {
        height: l.header_rows.min(area.height),
        ..area
    };
    frame.render_widget(
        header::Header {
            view: &view.header,
            theme,
        },
        header,
    );
    let body_y = area.y + l.header_rows;
    let table = Rect {
        x: area.x,
        y: body_y,
        width: l.table_width.min(area.width),
        height: l.table_height,
    };
    frame.render_widget(
        route_table::RouteTable {
            view: &view.table,
            layout: l,
            theme,
        },
        table,
    );
    let detail = match l.detail {
        DetailPlacement::Below => Some(Rect {
            x: area.x,
            y: body_y + l.table_height,
            width: area.width,
            height: l.detail_height,
        }),
        DetailPlacement::Right => Some(Rect {
            x: area.x + l.table_width,
            y: body_y,
            width: l.detail_width,
            height: l.detail_height,
        }),
        DetailPlacement::Hidden => None,
    };
    if let Some(rect) = detail {
        frame.render_widget(
            detail::Detail {
                view: view.detail.as_ref(),
                theme,
            },
            rect,
        );
    }
    if area.height > l.header_rows + 1 {
        let footer = Rect {
            y: area.y + area.height - 1,
            height: 1,
            ..area
        };
        frame.render_widget(
            footer::Footer {
                hints: &view.footer,
                theme,
            },
            footer,
        );
    }
    if let Some(hints) = &view.help {
        frame.render_widget(help::Help { hints, theme }, area);
    }
}
