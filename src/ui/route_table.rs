//! Route table widget: routes ranked by how wrong they are, with ratios and an error trend.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Row, Table, Widget};

use crate::view::format;
use crate::view::layout::{DashboardLayout, RATE_COL, RATIO_COL, SRC_COL};
use crate::view::routes::{RouteTableView, Severity};

use super::theme::{Role, Theme};

pub struct RouteTable<'a> {
    pub view: &'a RouteTableView,
    pub layout: &'a DashboardLayout,
    pub theme: &'a Theme,
}

const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// An error-ratio sparkline as text: the bar height is the share of requests that failed in
/// that column (any error at all shows at least `▁`); a column without requests is `·`, one
/// without errors is blank, so a clean route reads clean and a 50% route reads half full.
pub fn sparkline(points: &[Option<f64>]) -> String {
    points
        .iter()
        .map(|p| match p {
            None => '·',
            Some(r) if *r <= 0.0 => ' ',
            Some(r) => BARS[((r * 8.0).ceil() as usize).clamp(1, 8) - 1],
        })
        .collect()
}

fn severity_role(s: Severity) -> Role {
    match s {
        Severity::Ok => Role::Text,
        Severity::Warn => Role::Warn,
        Severity::Crit => Role::Crit,
    }
}

impl Widget for RouteTable<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (v, l, t) = (self.view, self.layout, self.theme);
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(t.style(Role::Border))
            .title(Span::styled(format!(" {} ", v.title), t.style(Role::Title)));
        let header = Row::new(["", "ROUTE", "SRC", "REQ/S", "4XX", "5XX", "429", "ERRORS"])
            .style(t.style(Role::Muted));
        let rows = v
            .rows
            .iter()
            .enumerate()
            .skip(v.offset)
            .take(l.table_rows)
            .map(|(i, r)| {
                let selected = v.selected == Some(i);
                let marker = if selected { "▶" } else { " " };
                let row = Row::new(vec![
                    Cell::from(marker),
                    Cell::from(format::fit(&r.route, l.route_col as usize)),
                    Cell::from(Span::styled(r.source_tag.clone(), t.style(Role::Muted))),
                    Cell::from(Line::from(r.rate.clone()).right_aligned()),
                    Cell::from(
                        Line::from(Span::styled(
                            r.r4xx.clone(),
                            t.style(severity_role(r.severity_4xx)),
                        ))
                        .right_aligned(),
                    ),
                    Cell::from(
                        Line::from(Span::styled(
                            r.r5xx.clone(),
                            t.style(severity_role(r.severity_5xx)),
                        ))
                        .right_aligned(),
                    ),
                    Cell::from(
                        Line::from(Span::styled(
                            r.r429.clone(),
                            t.style(severity_role(r.severity_429)),
                        ))
                        .right_aligned(),
                    ),
                    Cell::from(Span::styled(
                        sparkline(&r.trend),
                        t.style(severity_role(r.severity_5xx.max(r.severity_4xx))),
                    )),
                ]);
                if selected {
                    row.style(t.style(Role::Selection))
                } else {
                    row
                }
            });
        let widths = [
            Constraint::Length(1),
            Constraint::Length(l.route_col),
            Constraint::Length(SRC_COL),
            Constraint::Length(RATE_COL),
            Constraint::Length(RATIO_COL),
            Constraint::Length(RATIO_COL),
            Constraint::Length(RATIO_COL),
            Constraint::Length(l.trend_col),
        ];
        let inner = block.inner(area);
        Table::new(rows, widths)
            .header(header)
            .block(block)
            .column_spacing(1)
            .render(area, buf);
        if let Some(note) = &v.empty_note {
            if inner.height > 1 {
                let at = Rect {
                    y: inner.y + 1,
                    height: 1,
                    ..inner
                };
                Line::from(Span::styled(format!(" {note}"), t.style(Role::Muted))).render(at, buf);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::sparkline;

    #[test]
    fn sparkline_height_is_the_error_share() {
        assert_eq!(sparkline(&[Some(0.0), None, Some(0.0)]), " · ");
        assert_eq!(
            sparkline(&[Some(0.001), Some(0.25), Some(0.5), Some(1.0)]),
            "▁▂▄█"
        );
    }
}
