//! Help overlay: every action with its keys and description, from the keymap and action table.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

use crate::view::KeyHint;

use super::theme::{Role, Theme};
use crate::view::format;

pub struct Help<'a> {
    pub hints: &'a [KeyHint],
    pub theme: &'a Theme,
}

impl Widget for Help<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let t = self.theme;
        let key_w = self
            .hints
            .iter()
            .map(|h| h.keys.chars().count())
            .max()
            .unwrap_or(0);
        let desc_w = self
            .hints
            .iter()
            .map(|h| h.description.chars().count())
            .max()
            .unwrap_or(0);
        // One column when every action fits; two, with descriptions cut to fit, when the
        // terminal is too short (80x24 holds about twenty lines).
        let n = self.hints.len();
        let columns = if n + 3 > area.height as usize { 2 } else { 1 };
        let rows = n.div_ceil(columns);
        let one_w = key_w + desc_w + 4;
        let w = ((one_w * columns + 2) as u16).min(area.width);
        let h = ((rows + 3) as u16).min(area.height);
        let rect = Rect {
            x: area.x + (area.width - w) / 2,
            y: area.y + (area.height - h) / 2,
            width: w,
            height: h,
        };
        Clear.render(rect, buf);
        let col_w = (w.saturating_sub(2) as usize) / columns;
        let fit_w = col_w.saturating_sub(key_w + 4);
        let cell = |k: &KeyHint| -> [Span<'static>; 2] {
            let desc = format::fit(k.description, fit_w);
            let pad = fit_w.saturating_sub(desc.chars().count());
            [
                Span::styled(format!(" {:>key_w$}  ", k.keys), t.style(Role::Accent)),
                Span::raw(format!("{desc}{:pad$} ", "")),
            ]
        };
        let mut lines: Vec<Line> = (0..rows)
            .map(|r| {
                let spans: Vec<Span> = (0..columns)
                    .filter_map(|c| self.hints.get(c * rows + r))
                    .flat_map(cell)
                    .collect();
                Line::from(spans)
            })
            .collect();
        lines.push(Line::from(Span::styled(
            " ? or esc closes this",
            t.style(Role::Muted),
        )));
        Paragraph::new(lines)
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .border_style(t.style(Role::Border))
                    .title(Span::styled(" keys ", t.style(Role::Title))),
            )
            .render(rect, buf);
    }
}
