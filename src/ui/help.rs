//! Help overlay: every action with its keys and description, from the keymap and action table.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

use crate::view::KeyHint;

use super::theme::{Role, Theme};

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
        let w = ((key_w + desc_w + 6) as u16).min(area.width);
        let h = ((self.hints.len() + 3) as u16).min(area.height);
        let rect = Rect {
            x: area.x + (area.width - w) / 2,
            y: area.y + (area.height - h) / 2,
            width: w,
            height: h,
        };
        Clear.render(rect, buf);
        let mut lines: Vec<Line> = self
            .hints
            .iter()
            .map(|k| {
                Line::from(vec![
                    Span::styled(format!(" {:>key_w$}  ", k.keys), t.style(Role::Accent)),
                    Span::raw(k.description),
                ])
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
