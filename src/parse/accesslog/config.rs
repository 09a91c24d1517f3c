//! Configuration of access-log parsing, as it appears in the TOML config:
//!
//! ```toml
//! format = "nginx"                      # auto (default), combined, common, nginx, nginx-json,
//!                                       # caddy, envoy, haproxy, traefik, kong, aws-apigw,
//!                                       # apisix, json
//! log_format = '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time $upstream_status'
//! routes = ["/v1/orders/{id}", "/static/{*}"]
//! route_cap = 500
//! error_samples = 5
//! route_by = "path"                     # or "name": the gateway's route name when logged
//!
//! [json]                                # only for format = "json"
//! status = "response.status"
//! path = "request.uri"
//! method = "request.method"
//! latency = "latencies.request"
//! latency_unit = "ms"                   # s, ms, us, ns
//! ```

use serde::Deserialize;
use thiserror::Error;

use super::aggregate::AggregateOptions;
use super::json::{Field, JsonRule, JsonSpec, Unit};
use super::{FormatChoice, FormatError, FormatName, LogFormat};
use crate::model::route_template::{PatternError, RouteTemplates};

#[derive(Debug, Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("format = \"nginx\" needs a log_format string")]
    NginxWithoutLogFormat,
    #[error("format = \"json\" needs a [json] field mapping")]
    JsonWithoutMapping,
    #[error("log_format is only read with format = \"nginx\" (or with no format)")]
    LogFormatWithOtherFormat,
    #[error("[json] is only read with format = \"json\" (or with no format)")]
    MappingWithOtherFormat,
    #[error("the [json] mapping needs `path`, `request` or `route`")]
    MappingWithoutPath,
    #[error("log_format: {0}")]
    LogFormat(#[from] FormatError),
    #[error("routes: {0}")]
    Route(#[from] PatternError),
    #[error("route_cap must be at least 1")]
    ZeroRouteCap,
}

/// Which name a route gets.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RouteBy {
    /// Method + path template (explicit patterns, then id collapsing).
    #[default]
    Path,
    /// The gateway's own route name (Traefik router, Kong route, APISIX route id, HAProxy
    /// backend, Envoy route name) when the line has one; the path template otherwise.
    Name,
}

/// How to read one access log.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogParseConfig {
    /// The format by name; `auto` (the default) detects it from the first lines.
    pub format: Option<FormatName>,
    /// An nginx `log_format` body (the quoted parts joined). Implies `format = "nginx"`.
    pub log_format: Option<String>,
    /// The field mapping of `format = "json"`.
    pub json: Option<JsonFieldMap>,
    /// Route patterns, tried in order: `/v1/orders/{id}`; `{*}` as the last segment matches
    /// the rest of the path.
    #[serde(default)]
    pub routes: Vec<String>,
    /// Collapse id-like path segments (numbers, UUIDs, long hex, long mixed tokens) into `{id}`
    /// when no pattern matches. Default true.
    pub collapse_ids: Option<bool>,
    /// Routes per source before new ones fold into the "(other)" row. Default 500.
    pub route_cap: Option<usize>,
    /// Recent error lines (status ≥ 400) kept per route. Default 5.
    pub error_samples: Option<usize>,
    #[serde(default)]
    pub route_by: RouteBy,
}

/// Where the fields of a JSON access line are, as dotted key paths (`request.uri`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonFieldMap {
    /// The response status (a number or a string).
    pub status: String,
    /// The request path, with or without its query string.
    pub path: Option<String>,
    /// A `METHOD target PROTOCOL` request line, when the path is not logged on its own.
    pub request: Option<String>,
    pub method: Option<String>,
    /// RFC 3339, CLF (`10/Oct/2000:13:55:36 -0700`) or an epoch number (s, ms, µs or ns).
    pub time: Option<String>,
    pub latency: Option<String>,
    #[serde(default)]
    pub latency_unit: Unit,
    pub upstream_latency: Option<String>,
    #[serde(default)]
    pub upstream_latency_unit: Unit,
    /// The upstream's status; empty or `-` means the gateway answered itself.
    pub upstream_status: Option<String>,
    pub request_id: Option<String>,
    /// The gateway's route name; when mapped, it names the route.
    pub route: Option<String>,
    pub client: Option<String>,
    pub host: Option<String>,
    pub bytes: Option<String>,
}

impl JsonFieldMap {
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.path.is_none() && self.request.is_none() && self.route.is_none() {
            return Err(ConfigError::MappingWithoutPath);
        }
        Ok(())
    }

    pub(crate) fn spec(&self) -> JsonSpec {
        let mut b = JsonSpec::builder();
        let fields: [(Field, Unit, &Option<String>); 13] = [
            (Field::Target, Unit::Millis, &self.path),
            (Field::Request, Unit::Millis, &self.request),
            (Field::Method, Unit::Millis, &self.method),
            (Field::Time, Unit::Millis, &self.time),
            (Field::Latency, self.latency_unit, &self.latency),
            (
                Field::UpstreamLatency,
                self.upstream_latency_unit,
                &self.upstream_latency,
            ),
            (Field::UpstreamStatus, Unit::Millis, &self.upstream_status),
            (Field::RequestId, Unit::Millis, &self.request_id),
            (Field::RouteName, Unit::Millis, &self.route),
            (Field::Client, Unit::Millis, &self.client),
            (Field::Host, Unit::Millis, &self.host),
            (Field::Bytes, Unit::Millis, &self.bytes),
            (Field::Status, Unit::Millis, &Some(self.status.clone())),
        ];
        for (field, unit, path) in fields {
            if let Some(p) = path {
                b = b.field(field, unit, &[p.as_str()]);
            }
        }
        b.build(JsonRule::Generic)
    }
}

impl LogParseConfig {
    /// The format to read with (`Auto` when neither a format nor a log_format is given).
    pub fn format_choice(&self) -> Result<FormatChoice, ConfigError> {
        let name = match (self.format, &self.log_format, &self.json) {
            (Some(f), Some(_), _) if f != FormatName::Nginx => {
                return Err(ConfigError::LogFormatWithOtherFormat)
            }
            (Some(f), _, Some(_)) if f != FormatName::Json => {
                return Err(ConfigError::MappingWithOtherFormat)
            }
            (Some(f), _, _) => f,
            (None, Some(_), _) => FormatName::Nginx,
            (None, None, Some(_)) => FormatName::Json,
            (None, None, None) => FormatName::Auto,
        };
        Ok(match name {
            FormatName::Auto => FormatChoice::Auto,
            FormatName::Nginx => {
                let f = self
                    .log_format
                    .as_deref()
                    .ok_or(ConfigError::NginxWithoutLogFormat)?;
                FormatChoice::Fixed(LogFormat::nginx(f)?)
            }
            FormatName::Json => {
                let map = self.json.as_ref().ok_or(ConfigError::JsonWithoutMapping)?;
                map.validate()?;
                FormatChoice::Fixed(LogFormat::json(map))
            }
            other => match LogFormat::builtin(other) {
                Some(f) => FormatChoice::Fixed(f),
                None => FormatChoice::Auto,
            },
        })
    }

    pub fn route_templates(&self) -> Result<RouteTemplates, ConfigError> {
        let t = RouteTemplates::new(&self.routes)?;
        Ok(if self.collapse_ids == Some(false) {
            t.without_auto_collapse()
        } else {
            t
        })
    }

    /// Options for [`super::aggregate::LogAggregator::new`], with the store's time resolution.
    pub fn aggregate_options(
        &self,
        resolution: std::time::Duration,
    ) -> Result<AggregateOptions, ConfigError> {
        let d = AggregateOptions::default();
        let route_cap = self.route_cap.unwrap_or(d.route_cap);
        if route_cap == 0 {
            return Err(ConfigError::ZeroRouteCap);
        }
        Ok(AggregateOptions {
            resolution,
            route_cap,
            error_samples: self.error_samples.unwrap_or(d.error_samples),
            prefer_route_name: self.route_by == RouteBy::Name,
            ..d
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(s: &str) -> Result<LogParseConfig, toml::de::Error> {
        toml::from_str(s)
    }

    #[test]
    fn reads_every_shape() {
        let c = load("").unwrap();
        assert_eq!(c.format_choice(), Ok(FormatChoice::Auto));
        let c = load(r#"format = "aws-apigw""#).unwrap();
        assert!(
            matches!(c.format_choice(), Ok(FormatChoice::Fixed(f)) if f.name() == FormatName::AwsApigw)
        );
        let c = load(r#"log_format = '$remote_addr "$request" $status'"#).unwrap();
        assert!(
            matches!(c.format_choice(), Ok(FormatChoice::Fixed(f)) if f.name() == FormatName::Nginx)
        );
        let c = load("[json]\nstatus = \"code\"\npath = \"req.path\"\nlatency = \"t\"\nlatency_unit = \"ns\"").unwrap();
        let FormatChoice::Fixed(f) = c.format_choice().unwrap() else {
            panic!("fixed")
        };
        let r = f
            .parse(r#"{"code":503,"req":{"path":"/a/1"},"t":2000000}"#)
            .unwrap();
        assert_eq!(
            (r.status, r.path.as_ref(), r.latency_ms),
            (503, "/a/1", Some(2.0))
        );
        let c =
            load("routes = [\"/v1/orders/{id}\"]\nroute_cap = 10\nroute_by = \"name\"").unwrap();
        assert!(c.route_templates().unwrap().has_patterns());
        let o = c
            .aggregate_options(std::time::Duration::from_secs(1))
            .unwrap();
        assert_eq!((o.route_cap, o.prefer_route_name), (10, true));
    }

    #[test]
    fn rejects_contradictions_and_unknown_keys() {
        assert!(load("formt = \"caddy\"").is_err());
        assert!(load("format = \"apache\"").is_err());
        assert!(load("[json]\nstatus = \"s\"\nlatencyunit = \"ms\"").is_err());
        let cases = [
            ("format = \"nginx\"", ConfigError::NginxWithoutLogFormat),
            ("format = \"json\"", ConfigError::JsonWithoutMapping),
            (
                "format = \"caddy\"\nlog_format = \"$status\"",
                ConfigError::LogFormatWithOtherFormat,
            ),
            (
                "format = \"caddy\"\n[json]\nstatus = \"s\"",
                ConfigError::MappingWithOtherFormat,
            ),
            ("[json]\nstatus = \"s\"", ConfigError::MappingWithoutPath),
            (
                "log_format = \"$request\"",
                ConfigError::LogFormat(FormatError::NoStatus),
            ),
        ];
        for (text, want) in cases {
            assert_eq!(
                load(text).unwrap().format_choice().unwrap_err(),
                want,
                "{text}"
            );
        }
        let c = load("routes = [\"v1\"]").unwrap();
        assert!(matches!(c.route_templates(), Err(ConfigError::Route(_))));
        let c = load("route_cap = 0").unwrap();
        assert_eq!(
            c.aggregate_options(std::time::Duration::from_secs(1)),
            Err(ConfigError::ZeroRouteCap)
        );
    }
}
