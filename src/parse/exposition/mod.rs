//! Streaming, zero-copy parser for the Prometheus text format 0.0.4 and OpenMetrics 1.0.
//!
//! # Calling it
//! ```
//! use gatewatch::parse::exposition::{parse, ParseOptions};
//! let body = b"# TYPE http_requests_total counter\n\
//!              http_requests_total{route=\"/v1/orders/{id}\",code=\"500\"} 7\n";
//! let mut hits = Vec::new();
//! let report = parse(body, &ParseOptions::default(), &|family| family.starts_with("http_"),
//!     &mut |family, sample| {
//!         hits.push((family.name, sample.labels.get("route").unwrap().into_owned(), sample.value));
//!     })
//!     .unwrap();
//! assert_eq!(report.series, 1);
//! assert_eq!(hits, vec![("http_requests_total", "/v1/orders/{id}".to_string(), 7.0)]);
//! ```
//! [`parse`] walks the body once, line by line, and calls `on_sample` for every valid sample
//! of a family that `wanted` accepts (it is asked once per family name). Nothing is collected
//! per series: a [`Sample`] borrows its name and label text from the body, and a label value is
//! only copied (`Cow::Owned`) when it holds an escape. [`Labels`] keeps the raw text between
//! the braces and decodes it on demand ([`Labels::get`], [`Labels::iter`]); the scanner has
//! already validated it.
//!
//! # What comes back
//! [`ParseReport`]: the format, the number of samples (`series`: every valid sample line,
//! wanted or not), one [`FamilyStats`] per family (type, samples, label names seen), the bad
//! lines (line number, reason, sanitised excerpt; the first [`MAX_BAD_LINES_KEPT`] are kept,
//! all are counted) and whether the exposition conforms to its format. A bad line is skipped
//! and never fails the scrape; only a body over [`ParseOptions::max_bytes`] is an error.
//!
//! # Families
//! A family starts at its first metadata line (`# HELP`, `# TYPE`, `# UNIT`) or, without
//! metadata, at a sample whose name belongs to no current family (such a family is named after
//! the sample and typed `Unknown`). A sample belongs to the current family when its name is the
//! family name plus a suffix the family's type allows: `_total`/`_created` (counter),
//! `_bucket`/`_count`/`_sum`/`_created` (histogram), `_bucket`/`_gcount`/`_gsum`
//! (gauge histogram), `_count`/`_sum`/`_created` (summary), `_info` (info), or none.
//!
//! # Format and strictness
//! [`ParseOptions::openmetrics`] `None` detects the format: OpenMetrics when the body's last
//! line is `# EOF`, else Prometheus 0.0.4 (a scraper that knows the Content-Type says so,
//! through [`format_from_content_type`]). Both formats accept CRLF line ends and a body without a final newline, `NaN`,
//! `±Inf`, timestamps, exemplars (skipped) and escapes `\\`, `\"`, `\n` in label values.
//! OpenMetrics input is held to the OpenMetrics 1.0 rules: single spaces, `# EOF` last, no
//! blank lines or free comments, metadata once and before samples, families and metrics
//! grouped, timestamps non-decreasing, and the value rules of each type (counters and buckets
//! non-negative, histogram buckets ordered with a `+Inf` bucket matching `_count`, stateset
//! and info values, exemplars only on counters and buckets). Syntax violations are bad lines;
//! structural ones (the sample itself is readable) keep the sample and clear
//! [`ParseReport::conforming`] with the first reason.

mod chars;
mod comment;
mod content_type;
mod driver;
mod families;
mod label_set;
mod labels;
mod line;
mod number;
mod openmetrics;

use std::borrow::Cow;

pub use content_type::format_from_content_type;
pub use driver::parse;
pub use labels::{unescape_label_value, Labels};
pub use number::parse_value;

/// Default [`ParseOptions::max_bytes`]: 50 MiB.
pub const DEFAULT_MAX_BYTES: usize = 50 * 1024 * 1024;

/// How many [`BadLine`]s a report keeps in full; the rest are only counted.
pub const MAX_BAD_LINES_KEPT: usize = 100;

/// Longest excerpt of a bad line shown, in characters.
pub const EXCERPT_CHARS: usize = 120;

/// Options for [`parse`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseOptions {
    /// A larger body fails with [`ExpositionError::TooLarge`].
    pub max_bytes: usize,
    /// `Some(true)`: OpenMetrics 1.0, `Some(false)`: Prometheus 0.0.4, `None`: detect.
    pub openmetrics: Option<bool>,
}

impl Default for ParseOptions {
    fn default() -> Self {
        Self {
            max_bytes: DEFAULT_MAX_BYTES,
            openmetrics: None,
        }
    }
}

/// The type of a metric family, from its `# TYPE` line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MetricType {
    Counter,
    Gauge,
    Histogram,
    GaugeHistogram,
    Summary,
    Info,
    StateSet,
    /// `unknown`, `untyped`, or no `# TYPE` line.
    Unknown,
}

impl MetricType {
    /// The OpenMetrics type names.
    pub fn from_openmetrics(s: &str) -> Option<Self> {
        Some(match s {
            "counter" => Self::Counter,
            "gauge" => Self::Gauge,
            "histogram" => Self::Histogram,
            "gaugehistogram" => Self::GaugeHistogram,
            "summary" => Self::Summary,
            "info" => Self::Info,
            "stateset" => Self::StateSet,
            "unknown" => Self::Unknown,
            _ => return None,
        })
    }

    /// Prometheus 0.0.4 names (`untyped`), plus the OpenMetrics ones.
    pub fn from_prometheus(s: &str) -> Option<Self> {
        match s {
            "untyped" => Some(Self::Unknown),
            _ => Self::from_openmetrics(s),
        }
    }

    /// The name as written in a `# TYPE` line (OpenMetrics spelling).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Counter => "counter",
            Self::Gauge => "gauge",
            Self::Histogram => "histogram",
            Self::GaugeHistogram => "gaugehistogram",
            Self::Summary => "summary",
            Self::Info => "info",
            Self::StateSet => "stateset",
            Self::Unknown => "unknown",
        }
    }
}

/// A metric family as declared by its metadata.
#[derive(Debug, Clone, PartialEq)]
pub struct Family<'a> {
    pub name: &'a str,
    pub kind: MetricType,
    /// HELP text, unescaped.
    pub help: Option<Cow<'a, str>>,
    /// UNIT (OpenMetrics), `None` when absent or empty.
    pub unit: Option<&'a str>,
}

/// One sample line.
#[derive(Debug, Clone, Copy)]
pub struct Sample<'a> {
    /// The full sample name, e.g. `http_request_duration_seconds_bucket`.
    pub name: &'a str,
    pub labels: Labels<'a>,
    pub value: f64,
    /// Milliseconds since the epoch (OpenMetrics seconds are converted).
    pub timestamp_ms: Option<i64>,
}

/// Which text format the body was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Prometheus004,
    OpenMetrics1,
}

/// Per-family summary, for `inspect` and per-target stats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FamilyStats {
    pub name: String,
    pub kind: MetricType,
    /// Valid sample lines of the family.
    pub series: u64,
    /// Label names seen on its samples, in order of first appearance.
    pub label_names: Vec<String>,
}

/// A line that was skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    /// 1-based.
    pub line: usize,
    pub reason: String,
    /// The start of the line, sanitised for display.
    pub excerpt: String,
}

/// What a parse found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseReport {
    pub format: Format,
    /// Valid sample lines, of wanted and unwanted families alike.
    pub series: u64,
    /// In order of first appearance.
    pub families: Vec<FamilyStats>,
    /// The first [`MAX_BAD_LINES_KEPT`] bad lines.
    pub bad_lines: Vec<BadLine>,
    /// All bad lines.
    pub bad_line_count: u64,
    /// No bad line and no structural violation of the format.
    pub conforming: bool,
    /// The first structural violation (`line N: ...`), when there is one. Bad lines alone
    /// clear `conforming` without a reason here; they carry their own.
    pub nonconforming_reason: Option<String>,
}

/// Why a whole body was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExpositionError {
    #[error("metrics body is {size} bytes, over the {limit}-byte limit (max_bytes)")]
    TooLarge { size: usize, limit: usize },
}
