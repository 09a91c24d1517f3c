//! PURE: the `[[checks]]` and `[probe]` configuration schema. Durations are written as
//! humantime strings (`"250ms"`, `"5s"`, `"1m"`); header values may be `env:NAME` or
//! `file:PATH` so secrets stay out of the file (they are resolved by the sources, not here).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use regex::Regex;
use serde::Deserialize;

use super::assert::{
    BodyAssertion, Expectations, HeaderAssertion, HeaderCheck, JsonAssertion, StatusExpectation,
};
use crate::model::cors::PreflightRequest;
use crate::model::route::RouteKey;
use crate::model::status::Status;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("check {check:?}: {field}: {message}")]
pub struct ConfigError {
    pub check: String,
    pub field: &'static str,
    pub message: String,
}

/// One scheduled check.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CheckConfig {
    pub name: String,
    /// The dashboard route it belongs to: `"GET /v1/orders"`, or a route name as the metrics
    /// call it (`"be_orders"`).
    #[serde(default)]
    pub route: Option<String>,
    #[serde(default = "default_method")]
    pub method: String,
    pub url: String,
    /// Request headers; a value may be `env:NAME` or `file:PATH`.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default = "default_interval", deserialize_with = "duration")]
    pub interval: Duration,
    #[serde(default = "default_timeout", deserialize_with = "duration")]
    pub timeout: Duration,
    /// Defaults to `timeout`.
    #[serde(default, deserialize_with = "opt_duration")]
    pub connect_timeout: Option<Duration>,
    #[serde(default)]
    pub follow_redirects: bool,
    /// Extra trusted CA certificates (PEM), for gateways behind a private CA.
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    /// `200`, `"2xx"`, `[200, 204]` or `["2xx", 304]`; default `"2xx"`. Ignored by CORS checks,
    /// whose preflight status is judged by the CORS rules.
    #[serde(default)]
    pub status: Option<StatusSpec>,
    #[serde(default, deserialize_with = "opt_duration")]
    pub degraded_after: Option<Duration>,
    #[serde(default, deserialize_with = "opt_duration")]
    pub fail_after: Option<Duration>,
    #[serde(default)]
    pub expect_headers: Vec<HeaderAssertionConfig>,
    #[serde(default)]
    pub body_contains: Vec<String>,
    #[serde(default)]
    pub body_matches: Vec<String>,
    #[serde(default)]
    pub json: Vec<JsonAssertionConfig>,
    #[serde(default)]
    pub cert_valid_days: Option<u32>,
    /// Makes this a CORS preflight check: `OPTIONS` with `Origin` and the request headers.
    #[serde(default)]
    pub cors: Option<CorsConfig>,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum StatusSpec {
    One(u16),
    Text(String),
    Many(Vec<StatusItem>),
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum StatusItem {
    Code(u16),
    Text(String),
}

/// `{ name = "x-request-id" }` (present), with `equals = "…"` or `matches = "regex"`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct HeaderAssertionConfig {
    pub name: String,
    #[serde(default)]
    pub equals: Option<String>,
    #[serde(default)]
    pub matches: Option<String>,
}

/// `{ pointer = "/status", equals = "ok" }`; `equals` is any TOML value.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct JsonAssertionConfig {
    pub pointer: String,
    pub equals: serde_json::Value,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CorsConfig {
    pub origin: String,
    /// The real request's method; defaults to the check's `method`.
    #[serde(default)]
    pub method: Option<String>,
    #[serde(default)]
    pub headers: Vec<String>,
    #[serde(default)]
    pub credentials: bool,
}

/// `[probe]`: defaults for ad-hoc probes (`gatewatch probe`, the probe dialog).
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ProbeConfig {
    /// Joined with a route's path: `https://api.example.com`.
    #[serde(default)]
    pub base_url: Option<String>,
    #[serde(default, deserialize_with = "opt_duration")]
    pub timeout: Option<Duration>,
    /// Sent with every probe; values may be `env:NAME` or `file:PATH`.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
}

fn default_method() -> String {
    "GET".into()
}
fn default_interval() -> Duration {
    Duration::from_secs(30)
}
fn default_timeout() -> Duration {
    Duration::from_secs(5)
}

fn duration<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    let s = String::deserialize(d)?;
    humantime::parse_duration(&s).map_err(|e| serde::de::Error::custom(format!("{s:?}: {e}")))
}

fn opt_duration<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
    duration(d).map(Some)
}

/// `"GET /v1/orders"` → method + route; `"be_orders"` → route only.
pub fn parse_route(s: &str) -> RouteKey {
    let t = s.trim();
    match t.split_once(' ') {
        Some((m, rest))
            if !m.is_empty()
                && m.bytes().all(|b| b.is_ascii_uppercase())
                && !rest.trim().is_empty() =>
        {
            RouteKey::new(Some(m), rest.trim())
        }
        _ => RouteKey::new(None, t),
    }
}

pub fn is_method_token(m: &str) -> bool {
    !m.is_empty()
        && m.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

impl CheckConfig {
    fn err(&self, field: &'static str, message: impl Into<String>) -> ConfigError {
        ConfigError {
            check: self.name.clone(),
            field,
            message: message.into(),
        }
    }

    pub fn route_key(&self) -> Option<RouteKey> {
        self.route.as_deref().map(parse_route)
    }

    /// Checks what serde cannot: URL, method, durations that contradict each other.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.name.trim().is_empty() {
            return Err(self.err("name", "must not be empty"));
        }
        match url::Url::parse(&self.url) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => {}
            Ok(u) => {
                return Err(self.err("url", format!("scheme {} is not http or https", u.scheme())))
            }
            Err(e) => return Err(self.err("url", e.to_string())),
        }
        if !is_method_token(&self.method) {
            return Err(self.err("method", format!("{:?} is not an HTTP method", self.method)));
        }
        if self.timeout.is_zero() {
            return Err(self.err("timeout", "must be above zero"));
        }
        if self.interval < Duration::from_millis(100) {
            return Err(self.err("interval", "must be at least 100ms"));
        }
        if let (Some(d), Some(f)) = (self.degraded_after, self.fail_after) {
            if d > f {
                return Err(self.err("degraded_after", "is longer than fail_after"));
            }
        }
        for name in self.headers.keys() {
            if http_header_name_invalid(name) {
                return Err(self.err("headers", format!("{name:?} is not a header name")));
            }
        }
        self.expectations().map(|_| ())
    }

    pub fn status_expectation(&self) -> Result<StatusExpectation, ConfigError> {
        let items: Vec<StatusItem> = match &self.status {
            None => return Ok(StatusExpectation::success()),
            Some(StatusSpec::One(c)) => vec![StatusItem::Code(*c)],
            Some(StatusSpec::Text(t)) => vec![StatusItem::Text(t.clone())],
            Some(StatusSpec::Many(v)) => v.clone(),
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            let parsed = match &item {
                StatusItem::Code(c) if (100..=599).contains(c) => Some(Status::Code(*c)),
                StatusItem::Code(_) => None,
                StatusItem::Text(t) => Status::parse(t.trim()),
            };
            match parsed {
                Some(s) => out.push(s),
                None => {
                    return Err(self.err("status", format!("{item:?} is not a status or class")))
                }
            }
        }
        if out.is_empty() {
            return Err(self.err("status", "must name at least one status"));
        }
        Ok(StatusExpectation(out))
    }

    pub fn expectations(&self) -> Result<Expectations, ConfigError> {
        let regex = |field, s: &str| Regex::new(s).map_err(|e| self.err(field, e.to_string()));
        let mut headers = Vec::with_capacity(self.expect_headers.len());
        for h in &self.expect_headers {
            let check = match (&h.equals, &h.matches) {
                (None, None) => HeaderCheck::Present,
                (Some(v), None) => HeaderCheck::Equals(v.clone()),
                (None, Some(r)) => HeaderCheck::Matches(regex("expect_headers", r)?),
                (Some(_), Some(_)) => {
                    return Err(self.err("expect_headers", "use equals or matches, not both"))
                }
            };
            headers.push(HeaderAssertion {
                name: h.name.to_ascii_lowercase(),
                check,
            });
        }
        let mut body: Vec<BodyAssertion> = self
            .body_contains
            .iter()
            .cloned()
            .map(BodyAssertion::Contains)
            .collect();
        for r in &self.body_matches {
            body.push(BodyAssertion::Matches(regex("body_matches", r)?));
        }
        for j in &self.json {
            if !(j.pointer.is_empty() || j.pointer.starts_with('/')) {
                return Err(self.err("json", format!("pointer {:?} must start with /", j.pointer)));
            }
        }
        Ok(Expectations {
            status: self.status_expectation()?,
            degraded_after: self.degraded_after,
            fail_after: self.fail_after,
            headers,
            body,
            json: self
                .json
                .iter()
                .map(|j| JsonAssertion {
                    pointer: j.pointer.clone(),
                    equals: j.equals.clone(),
                })
                .collect(),
            cert_valid_days: self.cert_valid_days,
        })
    }

    pub fn preflight(&self) -> Option<PreflightRequest> {
        self.cors.as_ref().map(|c| PreflightRequest {
            origin: c.origin.clone(),
            method: c.method.clone().unwrap_or_else(|| self.method.clone()),
            headers: c.headers.clone(),
            credentials: c.credentials,
        })
    }
}

fn http_header_name_invalid(name: &str) -> bool {
    !is_method_token(name)
}

#[cfg(test)]
mod tests;
