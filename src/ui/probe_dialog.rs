//! Probe dialog widget: the request form, the result pane and the probe history, painted from
//! the view model (which already cut every line to width and redacted what must be).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Widget};

use crate::model::check::CheckState;
use crate::view::probe::{
    FieldView, HistoryMark, HistoryRow, LineKind, ProbeDialogView, ResultLine, LABEL_COLS,
};

use super::theme::{Role, Theme};

pub struct ProbeDialog<'a> {
    pub view: &'a ProbeDialogView,
    pub theme: &'a Theme,
}

fn state_role(s: CheckState) -> Role {
    match s {
        CheckState::Ok => Role::Ok,
        CheckState::Degraded => Role::Warn,
        CheckState::Failed => Role::Crit,
    }
}

fn mark_symbol(m: HistoryMark) -> (&'static str, Role) {
    match m {
        HistoryMark::Pending => ("…", Role::Accent),
        HistoryMark::Rejected => ("✗", Role::Crit),
        HistoryMark::Answered(s) => (s.symbol(), state_role(s)),
        HistoryMark::Gone => ("·", Role::Muted),
    }
}

impl ProbeDialog<'_> {
    fn line_role(&self, kind: LineKind) -> Style {
        let t = self.theme;
        match kind {
            LineKind::Headline(s) => t.style(state_role(s)).add_modifier(Modifier::BOLD),
            LineKind::Pending | LineKind::Compare => t.style(Role::Accent),
            LineKind::Error => t.style(Role::Crit),
            LineKind::Reason => t.style(Role::Warn),
            LineKind::RunbookTitle => t.style(Role::Accent).add_modifier(Modifier::BOLD),
            LineKind::Muted | LineKind::Body => t.style(Role::Muted),
            LineKind::Phases | LineKind::Fact | LineKind::Header | LineKind::Runbook => {
                t.style(Role::Text)
            }
        }
    }

    fn field(&self, f: &FieldView, x: u16, y: u16, width: u16, buf: &mut Buffer) -> u16 {
        let t = self.theme;
        let marker = match (f.editing, f.focused) {
            (true, _) => "✎",
            (false, true) => "›",
            _ => " ",
        };
        let label_style = if f.focused {
            t.style(Role::Accent).add_modifier(Modifier::BOLD)
        } else {
            t.style(Role::Muted)
        };
        let value_style = if f.placeholder {
            t.style(Role::Muted)
        } else {
            t.style(Role::Text)
        };
        for (i, text) in f.lines.iter().enumerate() {
            let row = y + i as u16;
            let label = if i == 0 {
                format!("{marker}{:<7} ", f.field.label())
            } else {
                " ".repeat(LABEL_COLS as usize)
            };
            Line::from(vec![
                Span::styled(label, label_style),
                Span::styled(text.as_str(), value_style),
            ])
            .render(Rect::new(x, row, width, 1), buf);
        }
        if let Some((row, col)) = f.cursor {
            let cx = x + LABEL_COLS + col;
            let cy = y + row as u16;
            if cx < x + width {
                if let Some(cell) = buf.cell_mut((cx, cy)) {
                    cell.set_style(t.style(Role::Text).add_modifier(Modifier::REVERSED));
                }
            }
        }
        f.lines.len() as u16
    }

    fn result_line(&self, l: &ResultLine, x: u16, y: u16, width: u16, buf: &mut Buffer) {
        let t = self.theme;
        let mut spans = vec![Span::raw(" ")];
        if let Some(label) = l.label {
            spans.push(Span::styled(format!("{label:<8}"), t.style(Role::Muted)));
        }
        spans.push(Span::styled(l.text.as_str(), self.line_role(l.kind)));
        Line::from(spans).render(Rect::new(x, y, width, 1), buf);
    }

    fn history_column(&self, area: Rect, buf: &mut Buffer) {
        let t = self.theme;
        let v = self.view;
        for y in area.y..area.y + area.height {
            if let Some(cell) = buf.cell_mut((area.x, y)) {
                cell.set_symbol("│").set_style(t.style(Role::Border));
            }
        }
        let inner = Rect {
            x: area.x + 1,
            width: area.width.saturating_sub(1),
            ..area
        };
        let title = match &v.history_position {
            Some(pos) => format!(" history {pos} · ↑/↓ pick · r re-send"),
            None => " history: none sent yet".to_string(),
        };
        Line::from(Span::styled(title, t.style(Role::Title)))
            .render(Rect { height: 1, ..inner }, buf);
        for (i, row) in v.history.iter().enumerate() {
            let y = inner.y + 1 + i as u16;
            if y >= inner.y + inner.height {
                break;
            }
            history_row(row, t, Rect::new(inner.x, y, inner.width, 1), buf);
        }
    }

    fn history_strip(&self, area: Rect, buf: &mut Buffer) {
        let t = self.theme;
        let v = self.view;
        let Some(pos) = &v.history_position else {
            return;
        };
        let mut spans = vec![Span::styled(
            format!(" history {pos} "),
            t.style(Role::Muted),
        )];
        let mut used = spans[0].content.chars().count();
        for row in &v.history {
            let (sym, role) = mark_symbol(row.mark);
            let text = format!(" {sym} {} ", row.short);
            let n = text.chars().count();
            if used + n > area.width as usize {
                spans.push(Span::styled("…", t.style(Role::Muted)));
                break;
            }
            used += n;
            let style = if row.selected {
                t.style(Role::Selection)
            } else {
                t.style(role)
            };
            spans.push(Span::styled(text, style));
        }
        Line::from(spans).render(area, buf);
    }
}

fn history_row(row: &HistoryRow, t: &Theme, area: Rect, buf: &mut Buffer) {
    let (sym, role) = mark_symbol(row.mark);
    let style = if row.selected {
        t.style(Role::Selection)
    } else {
        t.style(Role::Text)
    };
    let marker = if row.selected { "▸" } else { " " };
    Line::from(vec![
        Span::styled(marker, style),
        Span::styled(
            format!("{sym} "),
            if row.selected { style } else { t.style(role) },
        ),
        Span::styled(row.text.as_str(), style),
    ])
    .render(area, buf);
}

impl Widget for ProbeDialog<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let t = self.theme;
        let v = self.view;
        let l = &v.layout;
        let outer = Rect::new(l.x, l.y, l.width, l.height).intersection(area);
        if outer.width < 4 || outer.height < 3 {
            return;
        }
        Clear.render(outer, buf);
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(t.style(Role::Border))
            .title(Span::styled(v.title.as_str(), t.style(Role::Title)));
        let inner = block.inner(outer);
        block.render(outer, buf);
        let main_w = l.main_width.min(inner.width);
        let bottom = inner.y + inner.height;
        let strip = u16::from(l.history_width == 0);
        let mut y = inner.y;
        for f in &v.fields {
            if y >= bottom {
                return;
            }
            let rows = (f.lines.len() as u16).min(bottom - y);
            let shown = FieldView {
                lines: f.lines[..rows as usize].to_vec(),
                ..f.clone()
            };
            y += self.field(&shown, inner.x, y, main_w, buf);
        }
        if let Some(e) = &v.error {
            if y < bottom {
                Line::from(Span::styled(format!(" ✗ {e}"), t.style(Role::Crit)))
                    .render(Rect::new(inner.x, y, main_w, 1), buf);
                y += 1;
            }
        }
        if y < bottom {
            Line::from(Span::styled(
                "─".repeat(main_w as usize),
                t.style(Role::Border),
            ))
            .render(Rect::new(inner.x, y, main_w, 1), buf);
            y += 1;
        }
        for line in &v.result {
            if y + strip >= bottom {
                break;
            }
            self.result_line(line, inner.x, y, main_w, buf);
            y += 1;
        }
        if l.history_width > 0 {
            let hist = Rect {
                x: inner.x + main_w,
                width: inner.width.saturating_sub(main_w),
                ..inner
            };
            self.history_column(hist, buf);
        } else if inner.height > 0 {
            self.history_strip(Rect::new(inner.x, bottom - 1, main_w, 1), buf);
        }
    }
}

#[cfg(test)]
mod tests;
