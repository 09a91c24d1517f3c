//! PURE wrapping of styled lines to a width in terminal columns, so a widget knows exactly how
//! many rows the runbook takes (for scrolling) and draws each row as it is.
//!
//! Prose wraps at spaces, continuation rows hang under the text after a bullet, and a word wider
//! than the row is split. Code wraps by character and keeps its spaces.

use unicode_width::UnicodeWidthChar;

use super::markdown::{Role, StyledLine, StyledSpan};

/// Visual rows: each returned line fits `width` columns including its `indent`.
pub fn wrap(lines: &[StyledLine], width: u16) -> Vec<StyledLine> {
    let mut out = Vec::new();
    if width == 0 {
        return out;
    }
    for line in lines {
        if line.is_blank() {
            out.push(StyledLine::blank());
        } else if line.preformatted {
            wrap_chars(line, width, &mut out);
        } else {
            wrap_words(line, width, &mut out);
        }
    }
    out
}

/// Keeps at least half the row, and at least two columns (one wide character), for text when
/// a deep indent meets a narrow pane.
fn fit_indent(indent: u16, width: u16) -> u16 {
    indent.min(width / 2).min(width.saturating_sub(2))
}

struct Row {
    indent: u16,
    avail: usize,
    used: usize,
    spans: Vec<StyledSpan>,
}

impl Row {
    fn new(indent: u16, width: u16) -> Row {
        let indent = fit_indent(indent, width);
        Row {
            indent,
            avail: usize::from(width - indent).max(1),
            used: 0,
            spans: Vec::new(),
        }
    }

    fn push(&mut self, text: &str, role: Role, cols: usize) {
        self.used += cols;
        match self.spans.last_mut() {
            Some(last) if last.role == role => last.text.push_str(text),
            _ => self.spans.push(StyledSpan::new(text, role)),
        }
    }

    fn finish(self) -> StyledLine {
        StyledLine::new(self.indent, self.spans)
    }
}

fn col_width(c: char) -> usize {
    c.width().unwrap_or(0)
}

fn str_width(s: &str) -> usize {
    s.chars().map(col_width).sum()
}

/// A word: consecutive non-space pieces, possibly across roles (`**this**,`).
type Word = Vec<(String, Role)>;

fn words(line: &StyledLine) -> Vec<Option<Word>> {
    // `None` stands for a run of spaces between words.
    let mut items: Vec<Option<Word>> = Vec::new();
    for span in &line.spans {
        let mut rest = span.text.as_str();
        while !rest.is_empty() {
            let space = rest.starts_with(' ');
            let end = rest
                .find(|c: char| (c == ' ') != space)
                .unwrap_or(rest.len());
            let (piece, tail) = rest.split_at(end);
            rest = tail;
            if space {
                if !matches!(items.last(), Some(None)) {
                    items.push(None);
                }
            } else if let Some(Some(word)) = items.last_mut() {
                word.push((piece.to_string(), span.role));
            } else {
                items.push(Some(vec![(piece.to_string(), span.role)]));
            }
        }
    }
    items
}

fn wrap_words(line: &StyledLine, width: u16, out: &mut Vec<StyledLine>) {
    let mut row = Row::new(line.indent, width);
    let mut space_pending = false;
    for item in words(line) {
        let Some(word) = item else {
            space_pending = row.used > 0;
            continue;
        };
        let w: usize = word.iter().map(|(t, _)| str_width(t)).sum();
        let gap = usize::from(space_pending);
        space_pending = false;
        if row.used > 0 && row.used + gap + w > row.avail {
            out.push(std::mem::replace(&mut row, Row::new(line.hang, width)).finish());
        } else if row.used > 0 && gap == 1 {
            let role = row.spans.last().map(|s| s.role).unwrap_or(Role::Text);
            // A space takes the role of the text before it unless that is code.
            let role = if role == Role::Code { Role::Text } else { role };
            row.push(" ", role, 1);
        }
        if row.used + w <= row.avail {
            for (text, role) in &word {
                row.push(text, *role, str_width(text));
            }
            continue;
        }
        // Wider than a row: split it.
        for (text, role) in &word {
            for c in text.chars() {
                let cw = col_width(c);
                if row.used + cw > row.avail && row.used > 0 {
                    out.push(std::mem::replace(&mut row, Row::new(line.hang, width)).finish());
                }
                let mut buf = [0u8; 4];
                row.push(c.encode_utf8(&mut buf), *role, cw);
            }
        }
    }
    out.push(row.finish());
}

fn wrap_chars(line: &StyledLine, width: u16, out: &mut Vec<StyledLine>) {
    let mut row = Row::new(line.indent, width);
    for span in &line.spans {
        for c in span.text.chars() {
            let cw = col_width(c);
            if row.used + cw > row.avail && row.used > 0 {
                let next = Row::new(line.hang, width);
                out.push(std::mem::replace(&mut row, next).finish());
            }
            let mut buf = [0u8; 4];
            row.push(c.encode_utf8(&mut buf), span.role, cw);
        }
    }
    let mut last = row.finish();
    last.preformatted = true;
    out.push(last);
}

/// How many rows `lines` take at `width`.
pub fn height(lines: &[StyledLine], width: u16) -> usize {
    wrap(lines, width).len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runbook::markdown::parse;

    fn rows(md: &str, width: u16) -> Vec<String> {
        wrap(&parse(md), width)
            .iter()
            .map(|l| format!("{}{}", " ".repeat(usize::from(l.indent)), l.text()))
            .collect()
    }

    #[test]
    fn wraps_prose_with_hanging_bullets() {
        assert_eq!(
            rows("- the quick brown fox jumps over", 14),
            vec!["• the quick", "  brown fox", "  jumps over"]
        );
        assert_eq!(
            rows("1. `curl` **now**, then wait", 12),
            vec!["1. curl now,", "   then wait"]
        );
    }

    #[test]
    fn splits_long_words_and_code() {
        assert_eq!(rows("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        assert_eq!(
            rows("```\ncurl -i https://x\n```", 10),
            vec!["  curl -i ", "  https://", "  x"]
        );
    }

    #[test]
    fn wide_characters_count_two_columns() {
        assert_eq!(rows("日本語です", 6), vec!["日本語", "です"]);
    }

    #[test]
    fn every_row_fits() {
        let md = "## Heading that is long\n\n- item with `code span` and **strong words** here\n  1. nested numbered item with a very-long-unbreakable-token-indeed\n\n```\nkubectl logs deploy/orders-service -n production --tail=200\n```\n";
        for width in 1..60u16 {
            for row in wrap(&parse(md), width) {
                let w = usize::from(row.indent) + str_width(&row.text());
                assert!(
                    w <= usize::from(width).max(1) || row.text().chars().count() == 1,
                    "width {width}: {row:?}"
                );
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn rows_fit_any_width(md in "([-*#`0-9. a-zé日]{0,30}\n){0,12}", width in 2u16..100) {
            for row in wrap(&parse(&md), width) {
                let w = usize::from(row.indent) + str_width(&row.text());
                proptest::prop_assert!(w <= usize::from(width), "width {}: {:?}", width, row);
            }
        }
    }

    #[test]
    fn zero_width_gives_nothing() {
        assert!(wrap(&parse("text"), 0).is_empty());
        assert_eq!(height(&parse("a\n\nb"), 10), 3);
    }
}
