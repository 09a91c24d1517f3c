//! Comment lines: `# HELP`, `# TYPE`, `# UNIT`, `# EOF`, and (Prometheus only) free text.
//!
//! OpenMetrics spells them exactly: one space after `#`, after the keyword and after the name,
//! nothing trailing after a type or a unit. Prometheus 0.0.4 allows runs of blanks.

use super::chars::{is_metric_name, METRIC_CHAR};
use super::line::ScanResult;
use super::MetricType;

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
mod tests {
    use super::*;

    #[test]
    fn comments() {
        use MetricType::*;
        let help = |name, text| Some(Comment::Help { name, text });
        let ty = |name, kind| Some(Comment::Type { name, kind });
        let unit = |name, unit| Some(Comment::Unit { name, unit });
        let cases: &[(&str, bool, Option<Comment<'static>>)] = &[
            ("# HELP a some text", true, help("a", "some text")),
            ("# HELP a ", true, help("a", "")),
            ("# HELP a", true, None),
            ("# HELP a\t", true, None),
            ("# HELP", true, None),
            ("#  HELP a  x", false, help("a", "x")),
            ("# HELP a", false, help("a", "")),
            ("# TYPE a counter", true, ty("a", Counter)),
            ("# TYPE a gauge ", true, None),
            ("# TYPE a gauge ", false, ty("a", Gauge)),
            ("# TYPE a untyped", true, None),
            ("# TYPE a untyped", false, ty("a", Unknown)),
            ("# TYPE a meh", false, None),
            ("# TYPE a", false, None),
            ("# TYPE 0a gauge", false, None),
            ("# UNIT a_s s", true, unit("a_s", "s")),
            ("# UNIT a ", true, unit("a", "")),
            ("# UNIT a_s s ", true, None),
            ("# EOF", true, Some(Comment::Eof)),
            ("# EOF", false, Some(Comment::Eof)),
            ("# EOFblah", true, None),
            ("# FOO a x", true, None),
            ("# FOO a x", false, Some(Comment::Other)),
            ("#a_sum 0", true, None),
            ("# just a note", false, Some(Comment::Other)),
        ];
        for (line, om, want) in cases {
            let got = scan_comment(line, *om).ok();
            assert_eq!(got.as_ref(), want.as_ref(), "{line:?} om={om}");
        }
    }
}
