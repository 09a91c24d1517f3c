//! Header widget: title, demo marker, headline rate, the status-class bar, source health.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use crate::model::status::StatusClass;
use crate::store::source_state::Health;
use crate::view::format;
use crate::view::header::HeaderView;

use super::theme::{Role, Theme};

pub struct Header<'a> {
    pub view: &'a HeaderView,
    pub theme: &'a Theme,
}

fn class_role(c: StatusClass) -> Role {
    match c {
        StatusClass::Success => Role::Class2xx,
        StatusClass::Redirection => Role::Class3xx,
        StatusClass::ClientError => Role::Class4xx,
        StatusClass::ServerError => Role::Class5xx,
        _ => Role::Muted,
    }
}

/// Bar fill per class; distinct symbols keep the bar readable without colour.
fn class_symbol(c: StatusClass, mono: bool) -> &'static str {
    match (c, mono) {
        (_, false) => "█",
        (StatusClass::Success, true) => "█",
        (StatusClass::Redirection, true) => "▓",
        (StatusClass::ClientError, true) => "▒",
        (StatusClass::ServerError, true) => "╳",
        _ => "░",
    }
}

impl Widget for Header<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (v, t) = (self.view, self.theme);
        let mut top = vec![Span::styled(" gatewatch ", t.style(Role::Title))];
        if let Some(demo) = &v.demo {
            top.push(Span::styled(format!(" DEMO: {demo} "), t.style(Role::Demo)));
            top.push(Span::raw(" "));
        }
        top.push(Span::styled(v.rate.clone(), t.style(Role::Accent)));
        top.push(Span::styled(
            format!(" · {} ", v.window),
            t.style(Role::Muted),
        ));
        if let Some(src) = &v.headline_source {
            if v.sources.len() > 1 {
                top.push(Span::styled(format!("({src}) "), t.style(Role::Muted)));
            }
        }
        for s in &v.sources {
            // A gateway with some instances down still has numbers: half a dot, and which one.
            let partly_down = s
                .instances
                .is_some_and(|i| i.up < i.total && s.health != Health::Failing);
            let (sym, role) = match s.health {
                _ if partly_down => ("◐", Role::Warn),
                Health::Healthy => ("●", Role::Ok),
                Health::Pending => ("○", Role::Muted),
                Health::Failing => ("✗", Role::Crit),
            };
            top.push(Span::styled(format!(" {sym}"), t.style(role)));
            let label = match s.instances {
                Some(i) => format!("{} {}/{} up ", s.name, i.up, i.total),
                None => format!("{} ", s.kind.label()),
            };
            top.push(Span::styled(label, t.style(Role::Muted)));
            if s.health == Health::Failing || partly_down {
                let why = s.detail.as_deref().unwrap_or("failing");
                top.push(Span::styled(format::fit(why, 40), t.style(role)));
            } else if let Some(b) = &s.backfill {
                top.push(Span::styled(format!("{b} "), t.style(Role::Warn)));
            }
        }

        let mut bottom = Vec::new();
        if let Some(waiting) = &v.waiting {
            bottom.push(Span::styled(format!(" {waiting}"), t.style(Role::Muted)));
        } else {
            // Labels first, then the bar fills what is left.
            let labels: Vec<Span> = v
                .shares
                .iter()
                .flat_map(|s| {
                    [
                        Span::styled(format!(" {} ", s.label), t.style(class_role(s.class))),
                        Span::styled(format::ratio(s.ratio), t.style(Role::Text)),
                    ]
                })
                .collect();
            let label_width: usize = labels.iter().map(|s| s.content.chars().count()).sum();
            let bar_width = (area.width as usize).saturating_sub(label_width + 3);
            bottom.push(Span::raw(" "));
            let mut used = 0usize;
            let total: u64 = v.shares.iter().map(|s| s.ratio.part).sum();
            for (i, s) in v.shares.iter().enumerate() {
                if total == 0 || bar_width == 0 {
                    break;
                }
                let cells = if i + 1 == v.shares.len() {
                    bar_width - used
                } else {
                    // Any share above zero gets at least one cell, so a few 5xx stay visible.
                    let exact = s.ratio.part as f64 / total as f64 * bar_width as f64;
                    let c = exact.round() as usize;
                    (if s.ratio.part > 0 { c.max(1) } else { c }).min(bar_width - used)
                };
                used += cells;
                bottom.push(Span::styled(
                    class_symbol(s.class, t.monochrome).repeat(cells),
                    t.style(class_role(s.class)),
                ));
            }
            bottom.push(Span::raw(" "));
            bottom.extend(labels);
        }
        Paragraph::new(vec![Line::from(top), Line::from(bottom)]).render(area, buf);
    }
}
