//! PURE access-log parsing: one record per line, borrowed from the line.
//!
//! Formats are compiled once ([`LogFormat`]) and then parse lines without allocating (a path
//! with JSON escapes is the one exception). [`detect`] picks a format from the first lines;
//! [`aggregate::LogAggregator`] turns lines into per-route, per-status, per-bucket deltas.

pub mod aggregate;
pub mod apisix;
pub mod attribution;
pub mod aws_apigw;
pub mod caddy;
pub mod clf;
mod combined_fast;
pub mod config;
pub mod detect;
pub mod envoy;
pub mod haproxy;
pub mod json;
pub mod json_scan;
pub mod kong;
pub mod nginx_format;
pub mod nginx_json;
pub mod nginx_vars;
mod route_cache;
pub mod samples;
pub mod times;
pub mod traefik;
pub mod values;

use std::borrow::Cow;
use std::fmt;

use thiserror::Error;

pub use json::JsonSpec;
pub use json_scan::unescape_json;
pub use nginx_format::{FormatError, ResponderRule, Template};

use crate::model::status::Responder;
use crate::model::time::Timestamp;

/// What one access-log line says about one request.
#[derive(Clone, Debug, PartialEq)]
pub struct LogRecord<'a> {
    pub time: Option<Timestamp>,
    pub method: Option<&'a str>,
    /// The path without its query string (empty when the request line was unreadable).
    pub path: Cow<'a, str>,
    /// The raw query string: may hold secrets, show it only through [`crate::redact::query`].
    pub query: Option<&'a str>,
    pub status: u16,
    pub bytes: Option<u64>,
    pub latency_ms: Option<f64>,
    pub upstream_latency_ms: Option<f64>,
    /// The status of the last upstream try, when the format logs it.
    pub upstream_status: Option<u16>,
    pub request_id: Option<&'a str>,
    pub client: Option<&'a str>,
    pub host: Option<&'a str>,
    /// The gateway's own name for the route (Traefik router, Kong route, APISIX route id …).
    pub route_name: Option<&'a str>,
    /// Gateway-specific termination details: Envoy response flags, HAProxy termination state.
    pub flags: Option<&'a str>,
    pub responder: Responder,
}

impl<'a> LogRecord<'a> {
    #[inline]
    pub fn empty() -> Self {
        LogRecord {
            time: None,
            method: None,
            path: Cow::Borrowed(""),
            query: None,
            status: 0,
            bytes: None,
            latency_ms: None,
            upstream_latency_ms: None,
            upstream_status: None,
            request_id: None,
            client: None,
            host: None,
            route_name: None,
            flags: None,
            responder: Responder::Unknown,
        }
    }
}

/// Why a line gave no record.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum LineError {
    /// A line the gateway writes into the same stream that is not about a request (HAProxy's
    /// `Server … is DOWN`). Expected; not a parse failure.
    #[error("not an access line: {0}")]
    NotAccess(&'static str),
    #[error("expected {expected:?} at byte {at}")]
    Expected { expected: String, at: usize },
    #[error("line ends early (at byte {at})")]
    Truncated { at: usize },
    #[error("unexpected text after the last field (at byte {at})")]
    Trailing { at: usize },
    #[error("no {0} in the line")]
    Missing(&'static str),
    #[error("bad {field}: {value:?}")]
    BadField { field: &'static str, value: String },
    #[error("not a JSON object")]
    NotJson,
    #[error("no format detected yet")]
    Undetected,
}

impl LineError {
    pub(crate) fn bad(field: &'static str, value: &str) -> Self {
        let mut value: String = value.chars().take(40).collect();
        value = crate::sanitize::sanitize(&value).into_owned();
        LineError::BadField { field, value }
    }

    pub fn is_not_access(&self) -> bool {
        matches!(self, LineError::NotAccess(_))
    }
}

/// The formats gatewatch knows by name (`--log-format NAME`).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FormatName {
    /// Detect from the first lines.
    Auto,
    Combined,
    Common,
    /// A `log_format` string from the configuration.
    Nginx,
    /// nginx `escape=json` lines whose keys are nginx variable names.
    NginxJson,
    Caddy,
    Envoy,
    Haproxy,
    Traefik,
    Kong,
    AwsApigw,
    Apisix,
    /// JSON lines with a field mapping from the configuration.
    Json,
}

impl FormatName {
    pub const ALL: [FormatName; 13] = [
        FormatName::Auto,
        FormatName::Combined,
        FormatName::Common,
        FormatName::Nginx,
        FormatName::NginxJson,
        FormatName::Caddy,
        FormatName::Envoy,
        FormatName::Haproxy,
        FormatName::Traefik,
        FormatName::Kong,
        FormatName::AwsApigw,
        FormatName::Apisix,
        FormatName::Json,
    ];

    pub fn label(self) -> &'static str {
        match self {
            FormatName::Auto => "auto",
            FormatName::Combined => "combined",
            FormatName::Common => "common",
            FormatName::Nginx => "nginx",
            FormatName::NginxJson => "nginx-json",
            FormatName::Caddy => "caddy",
            FormatName::Envoy => "envoy",
            FormatName::Haproxy => "haproxy",
            FormatName::Traefik => "traefik",
            FormatName::Kong => "kong",
            FormatName::AwsApigw => "aws-apigw",
            FormatName::Apisix => "apisix",
            FormatName::Json => "json",
        }
    }

    pub fn parse(s: &str) -> Option<FormatName> {
        FormatName::ALL
            .into_iter()
            .find(|f| f.label().eq_ignore_ascii_case(s))
    }
}

impl fmt::Display for FormatName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A compiled format, ready to parse lines.
#[derive(Clone, Debug, PartialEq)]
pub struct LogFormat {
    name: FormatName,
    parser: Parser,
    /// The route is named by the line's route name (a JSON mapping with `route`).
    route_from_name: bool,
}

#[derive(Clone, Debug, PartialEq)]
enum Parser {
    Text(Template),
    Json(JsonSpec),
    /// A family that writes both: lines starting with `{` are JSON.
    Dual(Template, JsonSpec),
    Haproxy,
}

impl LogFormat {
    /// A built-in format by name. `nginx`, `json` and `auto` need more than a name: use
    /// [`LogFormat::nginx`], [`LogFormat::json`] or [`FormatChoice::Auto`].
    pub fn builtin(name: FormatName) -> Option<LogFormat> {
        let parser = match name {
            FormatName::Combined => Parser::Text(clf::combined()),
            FormatName::Common => Parser::Text(clf::common()),
            FormatName::NginxJson => Parser::Json(nginx_json::spec()),
            FormatName::Caddy => Parser::Json(caddy::spec()),
            FormatName::Envoy => Parser::Dual(envoy::text(), envoy::json()),
            FormatName::Haproxy => Parser::Haproxy,
            FormatName::Traefik => Parser::Dual(traefik::text(), traefik::json()),
            FormatName::Kong => Parser::Dual(kong::text(), kong::json()),
            FormatName::AwsApigw => Parser::Dual(aws_apigw::text(), aws_apigw::json()),
            FormatName::Apisix => Parser::Dual(apisix::text(), apisix::json()),
            FormatName::Auto | FormatName::Nginx | FormatName::Json => return None,
        };
        Some(LogFormat {
            name,
            parser,
            route_from_name: false,
        })
    }

    /// An nginx `log_format` body, e.g. `$remote_addr - [$time_local] "$request" $status`.
    /// `escape=json` formats (`{"status":$status,…}`) work the same way.
    pub fn nginx(log_format: &str) -> Result<LogFormat, FormatError> {
        Ok(LogFormat {
            name: FormatName::Nginx,
            parser: Parser::Text(Template::compile(log_format, ResponderRule::None)?),
            route_from_name: false,
        })
    }

    /// JSON lines read through a field mapping.
    pub fn json(mapping: &config::JsonFieldMap) -> LogFormat {
        LogFormat {
            name: FormatName::Json,
            parser: Parser::Json(mapping.spec()),
            route_from_name: mapping.route.is_some(),
        }
    }

    /// Whether routes are named by the line's route name rather than its path.
    pub fn routes_by_name(&self) -> bool {
        self.route_from_name
    }

    pub fn name(&self) -> FormatName {
        self.name
    }

    pub fn parse<'a>(&self, line: &'a str) -> Result<LogRecord<'a>, LineError> {
        let mut rec = LogRecord::empty();
        self.parse_into(line, &mut rec)?;
        Ok(rec)
    }

    /// Parses into `rec` (reset first), without moving the record around: the hot path.
    #[inline]
    pub fn parse_into<'a>(&self, line: &'a str, rec: &mut LogRecord<'a>) -> Result<(), LineError> {
        let json = || line.trim_start().starts_with('{');
        match &self.parser {
            Parser::Text(t) => t.parse_into(line, rec)?,
            Parser::Dual(t, _) if !json() => t.parse_into(line, rec)?,
            Parser::Dual(_, j) | Parser::Json(j) => j.parse_into(line, rec)?,
            Parser::Haproxy => *rec = haproxy::parse(line)?,
        }
        if self.name == FormatName::AwsApigw {
            let path = std::mem::take(&mut rec.path);
            rec.path = match path {
                Cow::Borrowed(p) => Cow::Borrowed(aws_apigw::route_key_path(p)),
                Cow::Owned(p) => Cow::Owned(aws_apigw::route_key_path(&p).to_string()),
            };
        }
        Ok(())
    }
}

/// What the aggregator is told to read.
#[derive(Clone, Debug, PartialEq)]
pub enum FormatChoice {
    Auto,
    Fixed(LogFormat),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_names_round_trip() {
        for f in FormatName::ALL {
            assert_eq!(FormatName::parse(f.label()), Some(f));
        }
        assert_eq!(FormatName::parse("AWS-APIGW"), Some(FormatName::AwsApigw));
        assert_eq!(FormatName::parse("apache"), None);
    }
}
