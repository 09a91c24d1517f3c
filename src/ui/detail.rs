//! Detail pane widget: the selected route's per-source numbers and recent errors.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget, Wrap};

use crate::view::detail::RouteDetailView;
use crate::view::format;

use super::theme::{Role, Theme};

pub struct Detail<'a> {
    pub view: Option<&'a RouteDetailView>,
    pub theme: &'a Theme,
}

impl Widget for Detail<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let t = self.theme;
        let title = self
            .view
            .map_or(" detail ".to_string(), |v| format!(" {} ", v.title));
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(t.style(Role::Border))
            .title(Span::styled(title, t.style(Role::Title)));
        let Some(v) = self.view else {
            Paragraph::new(Span::styled(
                " select a route with j/k",
                t.style(Role::Muted),
            ))
            .block(block)
            .render(area, buf);
            return;
        };
        let mut lines: Vec<Line> = Vec::new();
        for s in &v.sources {
            let mut head = vec![
                Span::styled(format!("[{}] ", s.tag), t.style(Role::Accent)),
                Span::raw(format!("{} ", s.rate)),
                Span::styled(
                    format!(
                        "{} in window, {} total",
                        format::count(s.window_requests),
                        format::count(s.total_requests)
                    ),
                    t.style(Role::Muted),
                ),
            ];
            if let Some([p50, p95, p99]) = &s.latency {
                head.push(Span::raw(format!("  p50 {p50} p95 {p95} p99 {p99}")));
            }
            lines.push(Line::from(head));
            let mut codes = vec![Span::raw(" ")];
            for c in &s.statuses {
                let role = if c.is_error { Role::Warn } else { Role::Text };
                codes.push(Span::styled(c.label.clone(), t.style(role)));
                codes.push(Span::raw(format!(" ×{}", format::count(c.count))));
                if let Some(g) = c.by_gateway {
                    codes.push(Span::styled(
                        format!(" (gw {})", format::count(g)),
                        t.style(Role::Muted),
                    ));
                }
                codes.push(Span::raw("  "));
            }
            lines.push(Line::from(codes));
            if let Some(sat) = &s.saturation {
                lines.push(Line::from(vec![
                    Span::styled(" rate limit ", t.style(Role::Muted)),
                    Span::raw(sat.clone()),
                ]));
            }
            for n in &s.notes {
                lines.push(Line::from(Span::styled(
                    format!(" {n}"),
                    t.style(Role::Muted),
                )));
            }
        }
        if let Some(d) = &v.disagreement {
            lines.push(Line::from(Span::styled(
                format!(" ⚠ {d}"),
                t.style(Role::Warn),
            )));
        }
        if !v.recent_errors.is_empty() {
            lines.push(Line::from(Span::styled(
                " recent errors:",
                t.style(Role::Muted),
            )));
            for e in &v.recent_errors {
                lines.push(Line::from(Span::raw(format!("  {e}"))));
            }
        }
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block)
            .render(area, buf);
    }
}
