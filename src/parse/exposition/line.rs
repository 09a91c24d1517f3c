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
    /// The last sample's label names have the same names in the same order as the one
    /// before: its names need no duplicate check and no merging into family stats.
    pub same_names: bool,
    /// Label names of the last scanned label set without duplicates, in order: the next
    /// set is first matched against them.
    known: Vec<KnownName>,
    exemplar: Vec<(&'a str, &'a str)>,
}

/// A label name of up to 7 bytes with its `=`, as a little-endian word and mask, so matching
/// it at a position is one 8-byte load and compare. Longer names have `mask == 0` and always
/// take the byte loop.
#[derive(Clone, Copy)]
struct KnownName {
    word: u64,
    mask: u64,
    len: usize,
}

impl KnownName {
    fn new(name: &str) -> Self {
        let len = name.len();
        if len > 7 {
            return Self {
                word: 0,
                mask: 0,
                len,
            };
        }
        let mut bytes = [0u8; 8];
        bytes[..len].copy_from_slice(name.as_bytes());
        bytes[len] = b'=';
        let mask = u64::MAX >> (8 * (7 - len));
        Self {
            word: u64::from_le_bytes(bytes),
            mask,
            len,
        }
    }

    /// Whether `b[i..]` starts with this name and `=`.
    #[inline(always)]
    fn matches(&self, b: &[u8], i: usize) -> bool {
        self.mask != 0
            && b.get(i..)
                .and_then(|rest| rest.first_chunk::<8>())
                .is_some_and(|c| u64::from_le_bytes(*c) & self.mask == self.word)
    }
}

/// Byte-wise equality, inlined: label names are a few bytes, where a `memcmp` call costs
/// more than the comparison.
#[inline]
fn eq_short(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).all(|(x, y)| x == y)
}

fn has_duplicate(pairs: &[(&str, &str)]) -> bool {
    pairs
        .iter()
        .enumerate()
        .any(|(i, (n, _))| pairs[..i].iter().any(|(m, _)| eq_short(n, m)))
}

impl<'a> Scratch<'a> {
    /// Checks the freshly scanned names for duplicates unless they repeat the last set.
    /// `all_known`: every name was matched against `known` at its position.
    #[inline]
    fn check_names(&mut self, all_known: bool) -> ScanResult<()> {
        let same = all_known && self.pairs.len() == self.known.len();
        self.same_names = same;
        if !same {
            if has_duplicate(&self.pairs) {
                return Err("duplicate label name");
            }
            self.known.clear();
            self.known
                .extend(self.pairs.iter().map(|(n, _)| KnownName::new(n)));
        }
        Ok(())
    }
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
    /// The name starts with the `hint` given to [`scan_sample`].
    pub hinted: bool,
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
    let hinted = !hint.is_empty() && b.starts_with(hint.as_bytes());
    let mut i = if hinted {
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
    let mut all_known = true;
    if b.get(i) == Some(&b'{') {
        let (end, esc, known) = scan_labels(line, i + 1, om, &scratch.known, &mut scratch.pairs)?;
        labels = &line[i + 1..end];
        escaped = esc;
        all_known = known;
        i = end + 1;
    }
    scratch.check_names(all_known)?;
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
        hinted,
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

/// The first `"` or `\\` at or after `i`. Label values are short, where a SIMD search's setup
/// costs more than it saves; eight bytes at a time in a `u64` is cheaper.
#[inline]
fn find_quote_or_backslash(b: &[u8], mut i: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    while let Some(chunk) = b.get(i..).and_then(|rest| rest.first_chunk::<8>()) {
        let w = u64::from_le_bytes(*chunk);
        let q = w ^ (ONES * u64::from(b'"'));
        let s = w ^ (ONES * u64::from(b'\\'));
        // A zero byte in q or s is a match; the lowest flagged byte is always a true one.
        let hits = ((q.wrapping_sub(ONES) & !q) | (s.wrapping_sub(ONES) & !s)) & HIGHS;
        if hits != 0 {
            return Some(i + (hits.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    b.get(i..)?
        .iter()
        .position(|&c| c == b'"' || c == b'\\')
        .map(|off| i + off)
}

/// Index just past `want` at `i`, allowing blanks before it in Prometheus text. The expected
/// byte is tested first: blanks inside braces are rare.
#[inline(always)]
fn expect(b: &[u8], i: usize, want: u8, om: bool) -> Option<usize> {
    if b.get(i) == Some(&want) {
        return Some(i + 1);
    }
    expect_after_blanks(b, i, want, om)
}

#[cold]
fn expect_after_blanks(b: &[u8], i: usize, want: u8, om: bool) -> Option<usize> {
    let j = skip_blanks(b, i, om);
    (j > i && b.get(j) == Some(&want)).then_some(j + 1)
}

/// Scans `name="value",...}` from `i` (just after `{`). Returns the index of the closing
/// brace, whether any value holds a backslash, and whether every name matched `known` at its
/// position.
fn scan_labels<'a>(
    line: &'a str,
    mut i: usize,
    om: bool,
    known: &[KnownName],
    pairs: &mut Vec<(&'a str, &'a str)>,
) -> ScanResult<(usize, bool, bool)> {
    let b = line.as_bytes();
    let mut escaped = false;
    let mut after_comma = false;
    let mut all_known = true;
    loop {
        let c = *b.get(i).ok_or("unterminated label set")?;
        if !LABEL_START[c as usize] {
            if !om && (c == b' ' || c == b'\t') {
                i = skip_blanks(b, i, om);
                continue;
            }
            return match c {
                b'}' if om && after_comma => Err("trailing comma in label set"),
                b'}' => Ok((i, escaped, all_known)),
                _ => Err("invalid label name"),
            };
        }
        let name_start = i;
        let name_end = match known.get(pairs.len()) {
            Some(k) if k.matches(b, i) => {
                i += k.len + 1;
                i - 1
            }
            _ => {
                all_known = false;
                i += 1;
                while i < b.len() && LABEL_CHAR[b[i] as usize] {
                    i += 1;
                }
                let end = i;
                i = expect(b, i, b'=', om).ok_or("expected '=' after a label name")?;
                end
            }
        };
        let name = &line[name_start..name_end];
        i = expect(b, i, b'"', om).ok_or("label value must be in double quotes")?;
        let value_start = i;
        loop {
            let at = find_quote_or_backslash(b, i).ok_or("unterminated label value")?;
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
        pairs.push((name, &line[value_start..i]));
        i += 1;
        match b.get(i) {
            Some(b',') => {
                i += 1;
                after_comma = true;
            }
            Some(b'}') => return Ok((i, escaped, all_known)),
            _ => {
                let j = expect_after_blanks(b, i, b',', om)
                    .or_else(|| expect_after_blanks(b, i, b'}', om).map(|j| j - 1))
                    .ok_or("expected ',' or '}' after a label value")?;
                if b[j - 1] == b'}' {
                    return Ok((j - 1, escaped, all_known));
                }
                i = j;
                after_comma = true;
            }
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
    let (end, _, _) =
        scan_labels(line, i + 3, true, &[], pairs).map_err(|_| "invalid exemplar labels")?;
    if has_duplicate(pairs) {
        return Err("duplicate exemplar label name");
    }
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
