//! Finding the TOML front matter between `+++` lines at the top of a runbook file.

/// Where the front matter's TOML sits in the file.
pub struct Split<'a> {
    pub toml: &'a str,
    pub toml_offset: usize,
    pub body: &'a str,
    pub body_offset: usize,
}

/// The front matter and body with their byte offsets, or the offset and text of an error.
pub fn split_front_matter(text: &str) -> Result<Split<'_>, (usize, String)> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut lines = LineIter { text, pos: start };
    let Some((first, _)) = lines.next() else {
        return Err((0, "empty file: expected `+++` front matter".into()));
    };
    match first.trim_end() {
        "+++" => {}
        "---" => {
            return Err((
                start,
                "YAML front matter is not supported: put TOML between `+++` lines".into(),
            ))
        }
        _ => {
            return Err((
                start,
                "expected `+++` on the first line, opening the TOML front matter".into(),
            ))
        }
    }
    let toml_offset = lines.pos;
    while let Some((line, line_start)) = lines.next() {
        if line.trim_end() == "+++" {
            return Ok(Split {
                toml: &text[toml_offset..line_start],
                toml_offset,
                body: &text[lines.pos..],
                body_offset: lines.pos,
            });
        }
    }
    Err((
        start,
        "the front matter opened here is never closed by a `+++` line".into(),
    ))
}

/// Lines with their start offsets; `pos` is the offset after the last line returned.
struct LineIter<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Iterator for LineIter<'a> {
    type Item = (&'a str, usize);

    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.text.len() {
            return None;
        }
        let start = self.pos;
        let rest = &self.text[start..];
        let (line, advance) = match rest.find('\n') {
            Some(i) => (&rest[..i], i + 1),
            None => (rest, rest.len()),
        };
        self.pos += advance;
        Some((line.strip_suffix('\r').unwrap_or(line), start))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_the_closing_line() {
        let text = "+++\r\nid = 1\r\n+++  \r\nbody\n";
        let split = split_front_matter(text).expect("closed");
        assert_eq!(split.toml, "id = 1\r\n");
        assert_eq!((split.toml_offset, split.body), (5, "body\n"));
        assert_eq!(&text[split.body_offset..], "body\n");
        let bom = format!("\u{feff}{text}");
        assert_eq!(
            split_front_matter(&bom).map(|s| s.toml_offset).ok(),
            Some(8)
        );
        assert!(split_front_matter("+++\nid = 1\n").is_err());
        assert!(split_front_matter("+++").is_err());
    }
}
