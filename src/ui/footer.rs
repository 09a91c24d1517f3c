//! Footer widget: key hints generated from the keymap, as many as fit.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use crate::view::KeyHint;

use super::theme::{Role, Theme};

pub struct Footer<'a> {
    pub hints: &'a [KeyHint],
    pub theme: &'a Theme,
}

impl Widget for Footer<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let t = self.theme;
        let mut spans = Vec::new();
        let mut used = 0usize;
        let width = area.width as usize;
        for h in self.hints {
            let text_len = h.keys.chars().count() + h.hint.chars().count() + 3;
            if used + text_len > width {
                break;
            }
            used += text_len;
            spans.push(Span::styled(format!(" {}", h.keys), t.style(Role::Accent)));
            spans.push(Span::styled(format!(" {} ", h.hint), t.style(Role::Muted)));
        }
        Line::from(spans).render(area, buf);
    }
}
