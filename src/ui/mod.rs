//! ratatui widgets (one per file), drawn from the view model; theme and keymap.

pub mod detail;
pub mod footer;
pub mod header;
pub mod help;
pub mod keymap;
pub mod probe_dialog;
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
    match (l.detail, &view.runbook, detail) {
        // Wide: detail on top, the runbook below it in the right-hand column.
        (DetailPlacement::Right, Some(rb), Some(rect)) => {
            let top_h = (rect.height * 2 / 5).max(6).min(rect.height);
            let top = Rect {
                height: top_h,
                ..rect
            };
            let bottom = Rect {
                y: rect.y + top_h,
                height: rect.height - top_h,
                ..rect
            };
            frame.render_widget(
                detail::Detail {
                    view: view.detail.as_ref(),
                    theme,
                },
                top,
            );
            draw_runbook(frame, rb, theme, bottom);
        }
        // Small: the runbook replaces the detail pane while it is open.
        (DetailPlacement::Below, Some(rb), Some(rect)) => draw_runbook(frame, rb, theme, rect),
        (_, _, Some(rect)) => frame.render_widget(
            detail::Detail {
                view: view.detail.as_ref(),
                theme,
            },
            rect,
        ),
        _ => {}
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
    if let Some(probe) = &view.probe {
        frame.render_widget(probe_dialog::ProbeDialog { view: probe, theme }, area);
    }
}

fn draw_runbook(
    frame: &mut Frame,
    rb: &crate::view::runbook::RunbookPaneView,
    theme: &Theme,
    rect: Rect,
) {
    use ratatui::text::Span;
    use ratatui::widgets::{Block, Borders};
    let styles = runbook_pane::RunbookStyles::from_theme(theme);
    let inner_h = rect.height.saturating_sub(2);
    let inner_w = rect.width.saturating_sub(2);
    let scroll = rb
        .scroll
        .min(runbook_pane::max_scroll(&rb.lines, inner_w, inner_h));
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style(theme::Role::Border))
        .title(Span::styled(
            format!(" {} ", rb.title),
            theme.style(theme::Role::Title),
        ));
    frame.render_widget(
        runbook_pane::RunbookPane::new(&rb.lines, &styles)
            .scroll(scroll)
            .block(block),
        rect,
    );
}
