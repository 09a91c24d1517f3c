//! Detail pane widget: the selected route's per-source numbers and recent errors.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget, Wrap};

use crate::store::source_state::Health;
use crate::view::detail::RouteDetailView;
use crate::view::format;
use crate::view::instances::InstanceDetail;
use crate::view::routes::Severity;

use super::theme::{Role, Theme};

/// A header and one line per gateway instance: health, rate, 5xx and 4xx ratios, p99; a failing
/// instance's reason on the line below it.
fn instance_lines<'a>(instances: &'a [InstanceDetail], t: &Theme) -> Vec<Line<'a>> {
    if instances.is_empty() {
        return Vec::new();
    }
    let width = instances
        .iter()
        .map(|i| i.name.chars().count())
        .max()
        .unwrap_or(0)
        .clamp(8, 24);
    let mut lines = vec![Line::from(Span::styled(
        format!(
            "    {:<width$} {:>7} {:>6} {:>6} {:>6}",
            "instance", "req/s", "5xx", "4xx", "p99"
        ),
        t.style(Role::Muted),
    ))];
    for i in instances {
        let (sym, role) = match i.health {
            Health::Healthy => ("●", Role::Ok),
            Health::Pending => ("○", Role::Muted),
            Health::Failing => ("✗", Role::Crit),
        };
        let r5 = match i.severity_5xx {
            Severity::Crit => Role::Crit,
            Severity::Warn => Role::Warn,
            Severity::Ok => Role::Text,
        };
        lines.push(Line::from(vec![
            Span::styled(format!("  {sym} "), t.style(role)),
            Span::raw(format!("{:<width$} ", format::fit(&i.name, width))),
            Span::raw(format!("{:>7} ", i.rate)),
            Span::styled(format!("{:>6} ", i.r5xx), t.style(r5)),
            Span::raw(format!("{:>6} ", i.r4xx)),
            Span::raw(format!("{:>6}", i.p99.as_deref().unwrap_or("—"))),
        ]));
        if let Some(note) = &i.note {
            lines.push(Line::from(Span::styled(
                format!("      {note}"),
                t.style(role),
            )));
        }
    }
    lines
}

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
            lines.extend(instance_lines(&s.instances, t));
            if let Some(d) = &s.instance_disagreement {
                lines.push(Line::from(Span::styled(
                    format!(" ⚠ {d}"),
                    t.style(Role::Warn),
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
