//! The runbook pane: draws a composed runbook (see `runbook::document::compose`), wrapped to
//! the pane's width and scrolled by a row offset. Styles come per role from [`RunbookStyles`],
//! which the caller builds from the theme; [`RunbookStyles::monochrome`] reads without colour.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Widget};

use crate::runbook::markdown::{Role, StyledLine};
use crate::runbook::wrap::wrap;

/// One style per semantic role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunbookStyles {
    pub text: Style,
    pub title: Style,
    pub heading: Style,
    pub strong: Style,
    pub emphasis: Style,
    pub code: Style,
    pub code_block: Style,
    pub marker: Style,
    pub link: Style,
    pub muted: Style,
    pub missing: Style,
    pub info: Style,
    pub ok: Style,
    pub warn: Style,
    pub crit: Style,
}

impl RunbookStyles {
    /// Weight and decoration only, for `NO_COLOR` and monochrome themes: structure is carried
    /// by bold headings, bullets, indentation and the evidence symbols (`✓ ! ✗ ·`).
    pub fn monochrome() -> Self {
        let plain = Style::default();
        let bold = plain.add_modifier(Modifier::BOLD);
        RunbookStyles {
            text: plain,
            title: bold.add_modifier(Modifier::UNDERLINED),
            heading: bold,
            strong: bold,
            emphasis: plain.add_modifier(Modifier::ITALIC),
            code: plain,
            code_block: plain,
            marker: bold,
            link: plain.add_modifier(Modifier::UNDERLINED),
            muted: plain.add_modifier(Modifier::DIM),
            missing: plain.add_modifier(Modifier::REVERSED),
            info: plain,
            ok: plain,
            warn: bold,
            crit: bold,
        }
    }

    /// A plain 16-colour palette, for when no theme is loaded.
    pub fn basic() -> Self {
        let mono = RunbookStyles::monochrome();
        RunbookStyles {
            title: mono.title.fg(Color::Cyan),
            heading: mono.heading.fg(Color::Cyan),
            code: mono.code.fg(Color::Yellow),
            code_block: mono.code_block.fg(Color::Yellow),
            marker: mono.marker.fg(Color::Cyan),
            link: mono.link.fg(Color::Blue),
            missing: mono.missing.fg(Color::Magenta),
            ok: mono.ok.fg(Color::Green),
            warn: mono.warn.fg(Color::Yellow),
            crit: mono.crit.fg(Color::Red),
            ..mono
        }
    }

    pub fn for_role(&self, role: Role) -> Style {
        match role {
            Role::Text => self.text,
            Role::Title => self.title,
            Role::Heading => self.heading,
            Role::Strong => self.strong,
            Role::Emphasis => self.emphasis,
            Role::Code => self.code,
            Role::CodeBlock => self.code_block,
            Role::Marker => self.marker,
            Role::Link => self.link,
            Role::Muted => self.muted,
            Role::Missing => self.missing,
            Role::Info => self.info,
            Role::Ok => self.ok,
            Role::Warn => self.warn,
            Role::Crit => self.crit,
        }
    }
}

impl Default for RunbookStyles {
    fn default() -> Self {
        RunbookStyles::basic()
    }
}

/// The largest useful scroll offset for `lines` in a text area of `width` × `height`.
pub fn max_scroll(lines: &[StyledLine], width: u16, height: u16) -> usize {
    wrap(lines, width).len().saturating_sub(usize::from(height))
}

pub struct RunbookPane<'a> {
    lines: &'a [StyledLine],
    styles: &'a RunbookStyles,
    scroll: usize,
    block: Option<Block<'a>>,
}

impl<'a> RunbookPane<'a> {
    pub fn new(lines: &'a [StyledLine], styles: &'a RunbookStyles) -> Self {
        RunbookPane {
            lines,
            styles,
            scroll: 0,
            block: None,
        }
    }

    /// Rows to skip from the top; clamped so the last row can reach the bottom, not beyond.
    pub fn scroll(mut self, rows: usize) -> Self {
        self.scroll = rows;
        self
    }

    /// A frame around the text; when the text is taller than the pane, its bottom edge shows
    /// which rows are visible.
    pub fn block(mut self, block: Block<'a>) -> Self {
        self.block = Some(block);
        self
    }
}

impl Widget for RunbookPane<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let inner = match &self.block {
            Some(b) => b.inner(area),
            None => area,
        };
        let rows = wrap(self.lines, inner.width);
        let height = usize::from(inner.height);
        let scroll = self.scroll.min(rows.len().saturating_sub(height));
        if let Some(mut block) = self.block {
            if rows.len() > height && height > 0 {
                let last = (scroll + height).min(rows.len());
                let hint = format!(" {}–{}/{} ", scroll + 1, last, rows.len());
                block = block.title_bottom(Line::from(hint).right_aligned());
            }
            block.render(area, buf);
        }
        for (i, row) in rows.iter().skip(scroll).take(height).enumerate() {
            let y = inner.y + i as u16;
            let mut x = inner.x + row.indent.min(inner.width);
            let right = inner.x + inner.width;
            for span in &row.spans {
                if x >= right {
                    break;
                }
                let style = self.styles.for_role(span.role);
                let (nx, _) = buf.set_stringn(x, y, &span.text, usize::from(right - x), style);
                x = nx;
            }
        }
    }
}
