//! PURE: one editable text field of the probe dialog: its text and a cursor.
//!
//! Invariant: `cursor` is a byte offset on a char boundary of `text`, and `text` holds no
//! control characters other than `\n`, which only a multi-line field has (one line per header).

use crate::sanitize::sanitize;

#[derive(Clone, Default, PartialEq, Eq)]
pub struct TextField {
    text: String,
    cursor: usize,
    multiline: bool,
}

/// The text is never printed: header fields hold secrets the user typed.
impl std::fmt::Debug for TextField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TextField")
            .field("chars", &self.text.chars().count())
            .field("cursor", &self.cursor)
            .field("multiline", &self.multiline)
            .finish()
    }
}

impl TextField {
    /// A one-line field holding `text`, cursor at the end.
    pub fn single(text: &str) -> Self {
        let mut f = TextField::default();
        f.insert(text);
        f
    }

    /// A multi-line field holding `text`, cursor at the end.
    pub fn multi(text: &str) -> Self {
        let mut f = TextField {
            multiline: true,
            ..TextField::default()
        };
        f.insert(text);
        f
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn is_multiline(&self) -> bool {
        self.multiline
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Byte offset of the cursor.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// Replaces the text; the cursor goes to the end.
    pub fn set(&mut self, text: &str) {
        self.text.clear();
        self.cursor = 0;
        self.insert(text);
    }

    /// Inserts typed or pasted text at the cursor. Control characters and escape sequences are
    /// dropped; a line break becomes a new line in a multi-line field and a space in a one-line
    /// field (a trailing one, as pasted URLs often have, is dropped).
    pub fn insert(&mut self, s: &str) {
        let s = s.strip_suffix('\n').unwrap_or(s);
        let s = s.strip_suffix('\r').unwrap_or(s);
        let joiner = if self.multiline { "\n" } else { " " };
        let clean: Vec<String> = s
            .split('\n')
            .map(|line| sanitize(line.trim_end_matches('\r')).into_owned())
            .collect();
        let clean = clean.join(joiner);
        self.text.insert_str(self.cursor, &clean);
        self.cursor += clean.len();
    }

    pub fn insert_char(&mut self, c: char) {
        let mut buf = [0u8; 4];
        self.insert(c.encode_utf8(&mut buf));
    }

    pub fn newline(&mut self) {
        if self.multiline {
            self.text.insert(self.cursor, '\n');
            self.cursor += 1;
        }
    }

    fn prev_boundary(&self) -> Option<usize> {
        self.text[..self.cursor]
            .chars()
            .next_back()
            .map(|c| self.cursor - c.len_utf8())
    }

    fn next_boundary(&self) -> Option<usize> {
        self.text[self.cursor..]
            .chars()
            .next()
            .map(|c| self.cursor + c.len_utf8())
    }

    pub fn backspace(&mut self) {
        if let Some(p) = self.prev_boundary() {
            self.text.replace_range(p..self.cursor, "");
            self.cursor = p;
        }
    }

    pub fn delete(&mut self) {
        if let Some(n) = self.next_boundary() {
            self.text.replace_range(self.cursor..n, "");
        }
    }

    pub fn left(&mut self) {
        if let Some(p) = self.prev_boundary() {
            self.cursor = p;
        }
    }

    pub fn right(&mut self) {
        if let Some(n) = self.next_boundary() {
            self.cursor = n;
        }
    }

    fn line_start(&self) -> usize {
        self.text[..self.cursor].rfind('\n').map_or(0, |i| i + 1)
    }

    fn line_end(&self) -> usize {
        self.text[self.cursor..]
            .find('\n')
            .map_or(self.text.len(), |i| self.cursor + i)
    }

    /// To the start of the cursor's line.
    pub fn home(&mut self) {
        self.cursor = self.line_start();
    }

    /// To the end of the cursor's line.
    pub fn end(&mut self) {
        self.cursor = self.line_end();
    }

    /// Deletes from the start of the line to the cursor (ctrl-u in a shell).
    pub fn clear_to_start(&mut self) {
        let start = self.line_start();
        self.text.replace_range(start..self.cursor, "");
        self.cursor = start;
    }

    /// The cursor as (line, column), both counted in chars from 0.
    pub fn line_col(&self) -> (usize, usize) {
        let before = &self.text[..self.cursor];
        let line = before.matches('\n').count();
        let col = before[self.line_start()..].chars().count();
        (line, col)
    }

    pub fn lines(&self) -> impl Iterator<Item = &str> {
        self.text.split('\n')
    }

    /// Moves to the same column (or the line's end) of line `line`.
    fn goto(&mut self, line: usize, col: usize) {
        let mut offset = 0;
        for (i, l) in self.text.split('\n').enumerate() {
            if i == line {
                let within = l.char_indices().nth(col).map_or(l.len(), |(b, _)| b);
                self.cursor = offset + within;
                return;
            }
            offset += l.len() + 1;
        }
    }

    pub fn up(&mut self) {
        let (line, col) = self.line_col();
        if line > 0 {
            self.goto(line - 1, col);
        }
    }

    pub fn down(&mut self) {
        let (line, col) = self.line_col();
        if line + 1 < self.lines().count() {
            self.goto(line + 1, col);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typing_and_moving_keep_the_cursor_on_char_boundaries() {
        let mut f = TextField::single("http://x/é");
        assert_eq!(f.line_col(), (0, 10));
        f.left();
        f.insert_char('ü');
        assert_eq!(f.text(), "http://x/üé");
        f.backspace();
        f.backspace();
        assert_eq!(f.text(), "http://xé");
        f.home();
        f.delete();
        assert_eq!(f.text(), "ttp://xé");
        f.end();
        f.right();
        f.delete();
        assert_eq!(f.line_col(), (0, 8));
        f.clear_to_start();
        assert_eq!((f.text(), f.cursor()), ("", 0));
        f.backspace();
        f.left();
        assert_eq!(f.cursor(), 0);
    }

    #[test]
    fn one_line_fields_flatten_pastes_and_drop_escapes() {
        let mut f = TextField::single("");
        f.insert("http://a/\x1b[2Jb\n");
        assert_eq!(f.text(), "http://a/b");
        f.insert("c\nd");
        assert_eq!(f.text(), "http://a/bc d");
        f.newline();
        assert_eq!(f.text(), "http://a/bc d");
    }

    #[test]
    fn multi_line_fields_keep_lines_and_move_between_them() {
        let mut f = TextField::multi("Accept: */*\r\nX-Debug: 1");
        assert_eq!(f.lines().collect::<Vec<_>>(), ["Accept: */*", "X-Debug: 1"]);
        assert_eq!(f.line_col(), (1, 10));
        f.up();
        assert_eq!(f.line_col(), (0, 10));
        f.end();
        f.newline();
        f.insert("Authorization: Bearer t");
        assert_eq!(f.lines().count(), 3);
        f.down();
        assert_eq!(f.line_col(), (2, 10));
        f.down();
        assert_eq!(f.line_col(), (2, 10));
        f.home();
        f.clear_to_start();
        f.backspace();
        assert_eq!(f.lines().count(), 2);
    }

    #[test]
    fn debug_never_shows_the_text() {
        let f = TextField::multi("Authorization: Bearer hunter2-secret");
        assert!(!format!("{f:?}").contains("hunter2"));
    }
}
