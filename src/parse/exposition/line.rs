//! Scanning one line: a sample (`name{labels} value [timestamp] [# exemplar]`) or a comment
//! (`# HELP`, `# TYPE`, `# UNIT`, `# EOF`, anything else).
//!
//! Both formats are scanned by the same code; `om` switches on OpenMetrics' stricter
//! grammar: exactly one space between fields, no blanks inside braces, no trailing comma, no
//! trailing whitespace, and only the four known comment kinds. Prometheus 0.0.4 allows runs of
//! blanks and tabs, blanks around `=` and `,` inside braces, a trailing comma and free
//! comments. Errors are static reasons; the caller adds line number and excerpt.

use super::number::Timestamp;
use super::number::{parse_timestamp_openmetrics, parse_timestamp_prometheus, parse_value};
use super::MetricType;

/// Reusable buffers, so scanning a line never allocates once they have grown.
#[derive(Default)]
pub(crate) struct Scratch<'a> {
    /// `(name, raw value)` of the sample's labels in written order.
    pub pairs: Vec<(&'a str, &'a str)>,
    exemplar: Vec<(&'a str, &'a str)>,
}

/// A sample line after validation.
#[derive(Debug)]
pub(crate) struct RawSample<'a> {
    pub name: &'a str,
    /// Text between the braces (empty without braces).
    pub labels: &'a str,
    /// The label text holds a backslash.
    pub escaped: bool,
    pub value: f64,
    pub timestamp: Option<Timestamp>,
    pub exemplar: bool,
}

pub(crate) type ScanResult<T> = Result<T, &'static str>;

const fn table(first: bool, colon: bool) -> [bool; 256] {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = b.is_ascii_alphabetic()
            || b == b'_'
            || (colon && b == b':')
            || (!first && b.is_ascii_digit());
        c += 1;
    }
    t
}

static METRIC_START: [bool; 256] = table(true, true);
static METRIC_CHAR: [bool; 256] = table(false, true);
static LABEL_START: [bool; 256] = table(true, false);
static LABEL_CHAR: [bool; 256] = table(false, false);

/// A valid metric name (`[a-zA-Z_:][a-zA-Z0-9_:]*`).
pub(crate) fn is_metric_name(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty() && METRIC_START[b[0] as usize] && b[1..].iter().all(|&c| METRIC_CHAR[c as usize])
}

/// Skips the separator at `i`: one space (OpenMetrics) or a run of blanks (Prometheus).
/// `None` when there is no separator at `i`.
#[inline]
fn blank(b: &[u8], i: usize, om: bool) -> Option<usize> {
    if om {
        return (b.get(i) == Some(&b' ')).then_some(i + 1);
    }
    let mut j = i;
    while j < b.len() && (b[j] == b' ' || b[j] == b'\t') {
        j += 1;
    }
    (j > i).then_some(j)
}

#[inline]
fn skip_blanks(b: &[u8], mut i: usize, om: bool) -> usize {
    if !om {
        while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
            i += 1;
        }
    }
    i
}

#[inline]
fn token_end(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i] != b' ' && b[i] != b'\t' {
        i += 1;
    }
    i
}

/// Scans a sample line. `hint` is the current family's name: when the line starts with it,
/// those bytes are known to be valid and are not re-checked.
pub(crate) fn scan_sample<'a>(
    line: &'a str,
    om: bool,
    hint: &str,
    scratch: &mut Scratch<'a>,
) -> ScanResult<RawSample<'a>> {
    let b = line.as_bytes();
    let mut i = if !hint.is_empty() && b.starts_with(hint.as_bytes()) {
        hint.len()
    } else if b.first().is_some_and(|&c| METRIC_START[c as usize]) {
        1
    } else {
        return Err("metric name must start with a letter, '_' or ':'");
    };
    while i < b.len() && METRIC_CHAR[b[i] as usize] {
        i += 1;
    }
    let name = &line[..i];
    let mut labels = "";
    let mut escaped = false;
    scratch.pairs.clear();
    if b.get(i) == Some(&b'{') {
        let (end, esc) = scan_labels(line, i + 1, om, &mut scratch.pairs)?;
        labels = &line[i + 1..end];
        escaped = esc;
        i = end + 1;
    }
    if i == b.len() {
        return Err("missing value");
    }
    i = blank(b, i, om).ok_or("invalid character in metric name or after the labels")?;
    let value_end = token_end(b, i);
    if value_end == i {
        return Err(if i == b.len() {
            "missing value"
        } else {
            "more than one space before the value"
        });
    }
    let value = parse_value(&line[i..value_end]).ok_or("invalid value")?;
    let mut sample = RawSample {
        name,
        labels,
        escaped,
        value,
        timestamp: None,
        exemplar: false,
    };
    i = value_end;
    if i == b.len() {
        return Ok(sample);
    }
    i = blank(b, i, om).ok_or("invalid character after the value")?;
    if i == b.len() {
        return if om {
            Err("trailing whitespace")
        } else {
            Ok(sample)
        };
    }
    if b[i] != b'#' {
        let ts_end = token_end(b, i);
        let ts = &line[i..ts_end];
        sample.timestamp = Some(
            if om {
                parse_timestamp_openmetrics(ts)
            } else {
                parse_timestamp_prometheus(ts)
            }
            .ok_or("invalid timestamp")?,
        );
        i = ts_end;
        if i == b.len() {
            return Ok(sample);
        }
        i = blank(b, i, om).ok_or("invalid character after the timestamp")?;
        if i == b.len() {
            return if om {
                Err("trailing whitespace")
            } else {
                Ok(sample)
            };
        }
        if b[i] != b'#' {
            return Err("unexpected text after the timestamp");
        }
    }
    sample.exemplar = true;
    if om {
        scan_exemplar(line, i, &mut scratch.exemplar)?;
    }
    Ok(sample)
}

/// Scans `name="value",...}` from `i` (just after `{`). Returns the index of the closing brace
/// and whether any value holds a backslash.
fn scan_labels<'a>(
    line: &'a str,
    mut i: usize,
    om: bool,
    pairs: &mut Vec<(&'a str, &'a str)>,
) -> ScanResult<(usize, bool)> {
    let b = line.as_bytes();
    let mut escaped = false;
    let mut after_comma = false;
    loop {
        i = skip_blanks(b, i, om);
        match b.get(i) {
            None => return Err("unterminated label set"),
            Some(b'}') if om && after_comma => return Err("trailing comma in label set"),
            Some(b'}') => return Ok((i, escaped)),
            Some(&c) if LABEL_START[c as usize] => {}
            Some(_) => return Err("invalid label name"),
        }
        let name_start = i;
        i += 1;
        while i < b.len() && LABEL_CHAR[b[i] as usize] {
            i += 1;
        }
        let name = &line[name_start..i];
        i = skip_blanks(b, i, om);
        if b.get(i) != Some(&b'=') {
            return Err("expected '=' after a label name");
        }
        i = skip_blanks(b, i + 1, om);
        if b.get(i) != Some(&b'"') {
            return Err("label value must be in double quotes");
        }
        i += 1;
        let value_start = i;
        loop {
            let off = memchr::memchr2(b'"', b'\\', &b[i..]).ok_or("unterminated label value")?;
            let at = i + off;
            if b[at] == b'"' {
                i = at;
                break;
            }
            escaped = true;
            i = at + 2;
            if i > b.len() {
                return Err("unterminated label value");
            }
        }
        let value = &line[value_start..i];
        if pairs.iter().any(|(n, _)| *n == name) {
            return Err("duplicate label name");
        }
        pairs.push((name, value));
        i = skip_blanks(b, i + 1, om);
        match b.get(i) {
            Some(b',') => {
                i += 1;
                after_comma = true;
            }
            Some(b'}') => return Ok((i, escaped)),
            _ => return Err("expected ',' or '}' after a label value"),
        }
    }
}

/// OpenMetrics exemplar from `i` (at `#`): `# {labels} value [timestamp]`, labels at most 128
/// code points in all (names and values together).
fn scan_exemplar<'a>(
    line: &'a str,
    i: usize,
    pairs: &mut Vec<(&'a str, &'a str)>,
) -> ScanResult<()> {
    let b = line.as_bytes();
    if !b[i..].starts_with(b"# {") {
        return Err("exemplar must start with '# {'");
    }
    pairs.clear();
    let (end, _) = scan_labels(line, i + 3, true, pairs).map_err(|_| "invalid exemplar labels")?;
    let chars: usize = pairs
        .iter()
        .map(|(n, v)| n.chars().count() + v.chars().count())
        .sum();
    if chars > 128 {
        return Err("exemplar labels longer than 128 characters");
    }
    let mut j = blank(b, end + 1, true).ok_or("exemplar needs a space after its labels")?;
    let value_end = token_end(b, j);
    parse_value(&line[j..value_end]).ok_or("invalid exemplar value")?;
    j = value_end;
    if j == b.len() {
        return Ok(());
    }
    j = blank(b, j, true).ok_or("invalid character after the exemplar value")?;
    let ts_end = token_end(b, j);
    parse_timestamp_openmetrics(&line[j..ts_end]).ok_or("invalid exemplar timestamp")?;
    if ts_end != b.len() {
        return Err("unexpected text after the exemplar");
    }
    Ok(())
}

/// A comment line, classified.
#[derive(Debug, PartialEq)]
pub(crate) enum Comment<'a> {
    Help {
        name: &'a str,
        text: &'a str,
    },
    Type {
        name: &'a str,
        kind: MetricType,
    },
    Unit {
        name: &'a str,
        unit: &'a str,
    },
    Eof,
    /// A free comment (Prometheus only).
    Other,
}

/// Scans a line starting with `#`.
pub(crate) fn scan_comment(line: &str, om: bool) -> ScanResult<Comment<'_>> {
    if om {
        scan_comment_strict(line)
    } else {
        scan_comment_lenient(line)
    }
}

fn scan_comment_strict(line: &str) -> ScanResult<Comment<'_>> {
    if line == "# EOF" {
        return Ok(Comment::Eof);
    }
    let (keyword, rest) = match line.get(..7) {
        Some(k @ ("# HELP " | "# TYPE " | "# UNIT ")) => (&k[2..6], &line[7..]),
        _ => return Err("unknown comment: OpenMetrics allows only HELP, TYPE, UNIT and EOF"),
    };
    let Some((name, text)) = rest.split_once(' ') else {
        return Err(match keyword {
            "HELP" => "HELP needs a metric name, a space and a text",
            "TYPE" => "TYPE needs a metric name and a type",
            _ => "UNIT needs a metric name, a space and a unit",
        });
    };
    if !is_metric_name(name) {
        return Err("invalid metric name in metadata");
    }
    match keyword {
        "HELP" => Ok(Comment::Help { name, text }),
        "TYPE" => {
            let kind = MetricType::from_openmetrics(text).ok_or("unknown metric type")?;
            Ok(Comment::Type { name, kind })
        }
        _ => {
            if !text.bytes().all(|c| METRIC_CHAR[c as usize]) {
                return Err("invalid unit");
            }
            Ok(Comment::Unit { name, unit: text })
        }
    }
}

fn scan_comment_lenient(line: &str) -> ScanResult<Comment<'_>> {
    let rest = line[1..].trim_start_matches([' ', '\t']);
    let (keyword, rest) = rest.split_once([' ', '\t']).unwrap_or((rest, ""));
    if !matches!(keyword, "HELP" | "TYPE" | "UNIT") {
        return Ok(if keyword == "EOF" && rest.is_empty() {
            Comment::Eof
        } else {
            Comment::Other
        });
    }
    let rest = rest.trim_start_matches([' ', '\t']);
    let (name, text) = rest.split_once([' ', '\t']).unwrap_or((rest, ""));
    if !is_metric_name(name) {
        return Err("metadata needs a valid metric name");
    }
    let text = text.trim_start_matches([' ', '\t']);
    match keyword {
        "HELP" => Ok(Comment::Help { name, text }),
        "TYPE" => {
            let kind = MetricType::from_prometheus(text.trim_end_matches([' ', '\t']))
                .ok_or("unknown metric type")?;
            Ok(Comment::Type { name, kind })
        }
        _ => Ok(Comment::Unit {
            name,
            unit: text.trim_end_matches([' ', '\t']),
        }),
    }
}

#[cfg(test)]
#[path = "line_tests.rs"]
mod tests;
