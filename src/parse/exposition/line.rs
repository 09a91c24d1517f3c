//! Scanning one sample line: `name{labels} value [timestamp] [# exemplar]` (the labels in
//! `label_set.rs`, comment lines in `comment.rs`).
//!
//! Both formats are scanned by the same code; `om` switches on OpenMetrics' stricter
//! grammar: exactly one space between fields, no blanks inside braces, no trailing comma, no
//! trailing whitespace, seconds for timestamps, and checked exemplars. Prometheus 0.0.4 allows
//! runs of blanks and tabs, blanks around `=` and `,` inside braces and a trailing comma.
//! Errors are static reasons; the caller adds line number and excerpt.

use super::chars::{has_prefix_at, separator, token_end, METRIC_CHAR, METRIC_START};
use super::label_set::{has_duplicate, scan_pairs, LabelScanner};
use super::number::Timestamp;
use super::number::{parse_timestamp_openmetrics, parse_timestamp_prometheus, parse_value};

/// Reusable buffers, so scanning a line never allocates once they have grown.
#[derive(Default)]
pub(crate) struct Scratch<'a> {
    pub labels: LabelScanner<'a>,
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
    /// The name starts with the `hint` given to [`scan_sample`].
    pub hinted: bool,
}

pub(crate) type ScanResult<T> = Result<T, &'static str>;

/// Scans a sample line. `hint` is the current family's name: when the line starts with it,
/// those bytes are known to be valid and are not re-checked.
pub(crate) fn scan_sample<'a>(
    line: &'a str,
    om: bool,
    hint: &str,
    scratch: &mut Scratch<'a>,
) -> ScanResult<RawSample<'a>> {
    let b = line.as_bytes();
    let hinted = !hint.is_empty() && has_prefix_at(b, 0, hint.as_bytes());
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
    if b.get(i) == Some(&b'{') {
        let end = scratch.labels.scan(line, i + 1, om, om)?;
        labels = &line[i + 1..end.close];
        escaped = end.escaped;
        i = end.close + 1;
    } else {
        scratch.labels.none();
    }
    if i == b.len() {
        return Err("missing value");
    }
    i = separator(b, i, om).ok_or("invalid character in metric name or after the labels")?;
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
    i = separator(b, i, om).ok_or("invalid character after the value")?;
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
        i = separator(b, i, om).ok_or("invalid character after the timestamp")?;
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
    let (end, _) = scan_pairs(line, i + 3, true, pairs).map_err(|_| "invalid exemplar labels")?;
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
    let mut j =
        separator(b, end.close + 1, true).ok_or("exemplar needs a space after its labels")?;
    let value_end = token_end(b, j);
    parse_value(&line[j..value_end]).ok_or("invalid exemplar value")?;
    j = value_end;
    if j == b.len() {
        return Ok(());
    }
    j = separator(b, j, true).ok_or("invalid character after the exemplar value")?;
    let ts_end = token_end(b, j);
    parse_timestamp_openmetrics(&line[j..ts_end]).ok_or("invalid exemplar timestamp")?;
    if ts_end != b.len() {
        return Err("unexpected text after the exemplar");
    }
    Ok(())
}

#[cfg(test)]
#[path = "line_tests.rs"]
mod tests;
