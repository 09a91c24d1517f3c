//! PURE Markdown → styled lines: headings, bullet and numbered lists, code blocks, inline code,
//! emphasis, strong and links, as lines of spans with semantic roles. Widgets map roles to
//! styles; the text itself stays readable without any style (bullets, numbers and indentation
//! carry the structure).

use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use unicode_width::UnicodeWidthStr;

/// What a piece of text is, for styling. Document roles (`Title`, tones, `Missing`) are used by
/// the runbook view around the Markdown body.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    Text,
    Title,
    Heading,
    Strong,
    Emphasis,
    /// Inline code.
    Code,
    /// A line of a fenced or indented code block.
    CodeBlock,
    /// List bullets and numbers, evidence symbols.
    Marker,
    Link,
    Muted,
    /// A placeholder with no value: `‹route?›`.
    Missing,
    Info,
    Ok,
    Warn,
    Crit,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StyledSpan {
    pub text: String,
    pub role: Role,
}

impl StyledSpan {
    pub fn new(text: impl Into<String>, role: Role) -> Self {
        StyledSpan {
            text: text.into(),
            role,
        }
    }
}

/// One logical line. A blank line has no spans.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StyledLine {
    /// Columns of space before the first visual line.
    pub indent: u16,
    /// Columns of space before each wrapped continuation (under the text after a bullet).
    pub hang: u16,
    pub spans: Vec<StyledSpan>,
    /// Code: wrapped by character, spaces kept.
    pub preformatted: bool,
}

impl StyledLine {
    pub fn new(indent: u16, spans: Vec<StyledSpan>) -> Self {
        StyledLine {
            indent,
            hang: indent,
            spans,
            preformatted: false,
        }
    }

    pub fn blank() -> Self {
        StyledLine::default()
    }

    pub fn is_blank(&self) -> bool {
        self.spans.iter().all(|s| s.text.is_empty())
    }

    /// The line's text without styling or indentation.
    pub fn text(&self) -> String {
        self.spans.iter().map(|s| s.text.as_str()).collect()
    }

    /// Appends, merging with the last span when the role is the same.
    pub fn push(&mut self, text: &str, role: Role) {
        if text.is_empty() {
            return;
        }
        match self.spans.last_mut() {
            Some(last) if last.role == role => last.text.push_str(text),
            _ => self.spans.push(StyledSpan::new(text, role)),
        }
    }
}

pub fn parse(markdown: &str) -> Vec<StyledLine> {
    let mut b = Builder::default();
    for event in Parser::new_ext(markdown, Options::empty()) {
        b.event(event);
    }
    b.flush();
    while b.lines.last().is_some_and(StyledLine::is_blank) {
        b.lines.pop();
    }
    b.lines
}

/// Byte ranges of `markdown` that are code (code spans and code block contents): filling uses
/// them to shell-quote values there.
pub fn code_ranges(markdown: &str) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let mut in_block = false;
    for (event, range) in Parser::new_ext(markdown, Options::empty()).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_block = true,
            Event::End(TagEnd::CodeBlock) => in_block = false,
            Event::Code(_) => ranges.push(range),
            Event::Text(_) if in_block => ranges.push(range),
            _ => {}
        }
    }
    ranges
}

struct ListLevel {
    /// The next number of an ordered list; `None` for bullets.
    next: Option<u64>,
}

#[derive(Default)]
struct Builder {
    lines: Vec<StyledLine>,
    cur: Option<StyledLine>,
    inline: Vec<Role>,
    in_heading: bool,
    lists: Vec<ListLevel>,
    /// Indentation of the content of each open list item or quote.
    content_indent: Vec<u16>,
    /// The current item's marker line still takes its first paragraph.
    item_fresh: bool,
    code: Option<String>,
    link_urls: Vec<String>,
}

impl Builder {
    fn indent(&self) -> u16 {
        self.content_indent.last().copied().unwrap_or(0)
    }

    fn role(&self) -> Role {
        if self.in_heading {
            Role::Heading
        } else {
            self.inline.last().copied().unwrap_or(Role::Text)
        }
    }

    fn flush(&mut self) {
        if let Some(line) = self.cur.take() {
            if !line.is_blank() {
                self.lines.push(line);
            }
        }
    }

    fn start_line(&mut self, indent: u16, hang: u16) {
        self.flush();
        self.cur = Some(StyledLine {
            indent,
            hang,
            ..StyledLine::default()
        });
    }

    /// One blank line between top-level blocks, none right after a heading.
    fn block_gap(&mut self) {
        self.flush();
        if !self.content_indent.is_empty() {
            return;
        }
        let Some(last) = self.lines.last() else {
            return;
        };
        let after_heading = last.spans.first().is_some_and(|s| s.role == Role::Heading);
        if !last.is_blank() && !after_heading {
            self.lines.push(StyledLine::blank());
        }
    }

    fn push_text(&mut self, text: &str, role: Role) {
        if self.cur.is_none() {
            let i = self.indent();
            self.start_line(i, i);
        }
        if let Some(cur) = self.cur.as_mut() {
            cur.push(text, role);
        }
    }

    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => match self.code.as_mut() {
                Some(code) => code.push_str(&t),
                None => self.push_text(&t, self.role()),
            },
            Event::Code(t) => self.push_text(&t, Role::Code),
            Event::SoftBreak => self.push_text(" ", self.role()),
            Event::HardBreak => {
                let hang = self
                    .cur
                    .as_ref()
                    .map(|l| l.hang)
                    .unwrap_or_else(|| self.indent());
                self.start_line(hang, hang);
            }
            Event::Rule => {
                self.block_gap();
                let i = self.indent();
                self.lines.push(StyledLine::new(
                    i,
                    vec![StyledSpan::new("———", Role::Muted)],
                ));
            }
            Event::Html(t) | Event::InlineHtml(t) => {
                for (n, part) in t.trim_end_matches('\n').split('\n').enumerate() {
                    if n > 0 {
                        let i = self.indent();
                        self.start_line(i, i);
                    }
                    self.push_text(part, Role::Muted);
                }
            }
            Event::FootnoteReference(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                self.push_text(&t, self.role())
            }
            Event::TaskListMarker(done) => {
                self.push_text(if done { "[x] " } else { "[ ] " }, Role::Marker)
            }
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph => {
                if self.item_fresh {
                    self.item_fresh = false;
                } else {
                    self.block_gap();
                    let i = self.indent();
                    self.start_line(i, i);
                }
            }
            Tag::Heading { .. } => {
                // A heading always gets air above it, even right after another heading.
                self.flush();
                if self.content_indent.is_empty()
                    && self.lines.last().is_some_and(|l| !l.is_blank())
                {
                    self.lines.push(StyledLine::blank());
                }
                let i = self.indent();
                self.start_line(i, i);
                self.in_heading = true;
            }
            Tag::List(start) => {
                if self.lists.is_empty() {
                    self.block_gap();
                } else {
                    self.flush();
                }
                self.lists.push(ListLevel { next: start });
            }
            Tag::Item => {
                self.flush();
                let indent = self.indent();
                let marker = match self.lists.last_mut() {
                    Some(ListLevel { next: Some(n) }) => {
                        let m = format!("{n}. ");
                        *n += 1;
                        m
                    }
                    _ => "• ".to_string(),
                };
                let hang = indent + marker.width() as u16;
                self.start_line(indent, hang);
                self.push_text(&marker, Role::Marker);
                self.content_indent.push(hang);
                self.item_fresh = true;
            }
            Tag::CodeBlock(_) => {
                if self.lists.is_empty() {
                    self.block_gap();
                } else {
                    self.flush();
                }
                self.code = Some(String::new());
                self.item_fresh = false;
            }
            Tag::BlockQuote(_) => {
                self.block_gap();
                let i = self.indent() + 2;
                self.content_indent.push(i);
            }
            Tag::Emphasis => self.inline.push(Role::Emphasis),
            Tag::Strong => self.inline.push(Role::Strong),
            Tag::Link { dest_url, .. } => {
                self.inline.push(Role::Link);
                self.link_urls.push(dest_url.to_string());
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => self.flush(),
            TagEnd::Heading(_) => {
                self.flush();
                self.in_heading = false;
            }
            TagEnd::List(_) => {
                self.flush();
                self.lists.pop();
            }
            TagEnd::Item => {
                self.flush();
                self.content_indent.pop();
                self.item_fresh = false;
            }
            TagEnd::CodeBlock => {
                self.flush();
                let code = self.code.take().unwrap_or_default();
                let indent = self.indent() + 2;
                for line in code.strip_suffix('\n').unwrap_or(&code).split('\n') {
                    self.lines.push(StyledLine {
                        indent,
                        hang: indent,
                        spans: vec![StyledSpan::new(line.trim_end(), Role::CodeBlock)],
                        preformatted: true,
                    });
                }
            }
            TagEnd::BlockQuote(_) => {
                self.flush();
                self.content_indent.pop();
            }
            TagEnd::Emphasis | TagEnd::Strong => {
                self.inline.pop();
            }
            TagEnd::Link => {
                self.inline.pop();
                let url = self.link_urls.pop().unwrap_or_default();
                let shown = self.cur.as_ref().map(StyledLine::text).unwrap_or_default();
                if !url.is_empty() && !shown.ends_with(url.as_str()) {
                    self.push_text(&format!(" ({url})"), Role::Muted);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines as `indent|[role]text[role]text`, for readable expectations.
    fn show(lines: &[StyledLine]) -> Vec<String> {
        lines
            .iter()
            .map(|l| {
                let spans: String = l
                    .spans
                    .iter()
                    .map(|s| format!("[{:?}]{}", s.role, s.text))
                    .collect();
                let pre = if l.preformatted { "pre" } else { "" };
                format!("{}/{}{pre}|{spans}", l.indent, l.hang)
            })
            .collect()
    }

    #[test]
    fn renders_the_runbook_subset() {
        let md = "## First checks\n\n1. Look at `x`\n2. Then **this** and *that*\n\n- a\n  - nested\n\n```sh\ncurl -i {route}\n  indented\n```\n\nSee [docs](https://d.example).\n";
        assert_eq!(
            show(&parse(md)),
            vec![
                "0/0|[Heading]First checks",
                "0/3|[Marker]1. [Text]Look at [Code]x",
                "0/3|[Marker]2. [Text]Then [Strong]this[Text] and [Emphasis]that",
                "",
                "0/2|[Marker]• [Text]a",
                "2/4|[Marker]• [Text]nested",
                "",
                "2/2pre|[CodeBlock]curl -i {route}",
                "2/2pre|[CodeBlock]  indented",
                "",
                "0/0|[Text]See [Link]docs[Muted] (https://d.example)[Text].",
            ]
            .into_iter()
            .map(|s| if s.is_empty() {
                "0/0|".to_string()
            } else {
                s.to_string()
            })
            .collect::<Vec<_>>()
        );
    }

    #[test]
    fn loose_lists_and_headings_stay_compact() {
        let md = "# A\n## B\ntext\nmore\n\n- one\n\n- two\n";
        let lines = parse(md);
        let texts: Vec<String> = lines.iter().map(StyledLine::text).collect();
        assert_eq!(texts, vec!["A", "", "B", "text more", "", "• one", "• two"]);
    }

    #[test]
    fn code_ranges_cover_code_only() {
        let md = "x {route} `a {route}`\n\n```\n{host}\n```\n";
        let ranges = code_ranges(md);
        let covered: Vec<&str> = ranges.iter().map(|r| &md[r.clone()]).collect();
        assert_eq!(covered, vec!["`a {route}`", "{host}\n"]);
    }

    proptest::proptest! {
        #[test]
        fn never_panics(md in "\\PC{0,300}") {
            let _ = parse(&md);
            let _ = code_ranges(&md);
        }

        #[test]
        fn structured_input_never_panics(md in "([-*#>`0-9. \n_\\[\\]()a-z]{0,12}\n){0,20}") {
            let _ = parse(&md);
        }
    }
}
