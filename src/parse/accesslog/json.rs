//! JSON access lines: a [`JsonSpec`] says which key paths hold which field (with aliases, first
//! found wins) and how the format tells who answered. The gateway families (Caddy, Envoy,
//! Traefik, Kong, AWS, APISIX, nginx `escape=json`) are specs; so is a user's field mapping.

use std::borrow::Cow;

use super::attribution::nginx_attribution;
use super::json_scan::{extract, unescape_json, PathSet, Value, MAX_PATHS};
use super::nginx_format::read_request;
use super::values::{
    epoch_to_timestamp, is_unset, last_status_in_list, parse_any_time, parse_decimal, parse_status,
    parse_u64, split_target, sum_decimals_in_list,
};
use super::{LineError, LogRecord};
use crate::model::status::Responder;

/// What a key holds.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Field {
    Time,
    Method,
    /// A target: path with an optional query string.
    Target,
    /// `METHOD target PROTOCOL` in one value (nginx `$request`).
    Request,
    Status,
    Bytes,
    Latency,
    UpstreamLatency,
    UpstreamStatus,
    RequestId,
    Client,
    Host,
    RouteName,
    /// Envoy response flags.
    Flags,
    /// The upstream that served (Envoy upstream host, APISIX `upstream`, nginx `upstream_addr`).
    UpstreamHost,
    /// nginx `upstream_header_time`.
    HeaderTime,
    /// Traefik `OriginStatus`.
    OriginStatus,
    /// Kong `source`.
    Source,
    /// AWS `error.responseType`.
    ErrorType,
    /// AWS `integration.status`.
    IntegrationStatus,
    /// Caddy `resp_headers`.
    RespHeaders,
}

const FIELDS: usize = Field::RespHeaders as usize + 1;

/// Unit of a duration field.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    #[serde(alias = "s")]
    Seconds,
    #[default]
    #[serde(alias = "ms")]
    Millis,
    #[serde(alias = "us")]
    Micros,
    #[serde(alias = "ns")]
    Nanos,
}

impl Unit {
    fn to_ms(self, x: f64) -> f64 {
        match self {
            Unit::Seconds => x * 1e3,
            Unit::Millis => x,
            Unit::Micros => x / 1e3,
            Unit::Nanos => x / 1e6,
        }
    }
}

/// How a JSON family tells who made the response.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum JsonRule {
    None,
    Nginx,
    Envoy,
    Traefik,
    Kong,
    Aws,
    Apisix,
    Caddy,
    /// A user mapping: an empty upstream status → gateway; the same status → upstream.
    Generic,
}

#[derive(Clone, Debug, PartialEq)]
pub struct JsonSpec {
    paths: PathSet,
    slots: Vec<(Field, Unit)>,
    rule: JsonRule,
    has: [bool; FIELDS],
}

/// Builds a [`JsonSpec`] field by field; aliases listed earlier win.
#[derive(Default)]
pub struct JsonSpecBuilder {
    paths: Vec<String>,
    slots: Vec<(Field, Unit)>,
}

impl JsonSpecBuilder {
    pub fn field(mut self, field: Field, unit: Unit, aliases: &[&str]) -> Self {
        for a in aliases {
            if self.paths.len() < MAX_PATHS {
                self.paths.push((*a).to_string());
                self.slots.push((field, unit));
            }
        }
        self
    }

    pub fn build(self, rule: JsonRule) -> JsonSpec {
        let mut has = [false; FIELDS];
        for (f, _) in &self.slots {
            has[*f as usize] = true;
        }
        JsonSpec {
            paths: PathSet::new(&self.paths),
            slots: self.slots,
            rule,
            has,
        }
    }
}

type Found<'a> = [Option<(Value<'a>, Unit)>; FIELDS];

impl JsonSpec {
    pub fn builder() -> JsonSpecBuilder {
        JsonSpecBuilder::default()
    }

    pub fn reads(&self, field: Field) -> bool {
        self.has[field as usize]
    }

    pub fn parse<'a>(&self, line: &'a str) -> Result<LogRecord<'a>, LineError> {
        let mut rec = LogRecord::empty();
        self.parse_into(line, &mut rec)?;
        Ok(rec)
    }

    /// Parses into `rec`, which is reset first.
    pub fn parse_into<'a>(&self, line: &'a str, rec: &mut LogRecord<'a>) -> Result<(), LineError> {
        // Most formats read a few paths: clear a small array per line, not all MAX_PATHS slots.
        const FEW: usize = 16;
        if self.paths.len() <= FEW {
            let mut raw = [None; FEW];
            self.parse_raw(line, &mut raw[..self.paths.len()], rec)
        } else {
            let mut raw = [None; MAX_PATHS];
            self.parse_raw(line, &mut raw[..self.paths.len()], rec)
        }
    }

    fn parse_raw<'a>(
        &self,
        line: &'a str,
        raw: &mut [Option<Value<'a>>],
        rec: &mut LogRecord<'a>,
    ) -> Result<(), LineError> {
        extract(line, &self.paths, raw).ok_or(LineError::NotJson)?;
        let mut f: Found<'a> = [None; FIELDS];
        for (slot, v) in raw.iter().enumerate() {
            let (field, unit) = self.slots[slot];
            if let (Some(v), None) = (v, &f[field as usize]) {
                f[field as usize] = Some((*v, unit));
            }
        }
        let get = |field: Field| f[field as usize].map(|(v, _)| v);
        let text = |field: Field| get(field).and_then(first_text).filter(|s| !is_unset(s));

        *rec = LogRecord::empty();
        let status = get(Field::Status).ok_or(LineError::Missing("status"))?;
        let status_text = first_text(status).unwrap_or("");
        rec.status =
            parse_status(status_text).ok_or_else(|| LineError::bad("status", status_text))?;
        if let Some(t) = text(Field::Target) {
            let (path, query) = split_target(t);
            rec.path = if path.contains('\\') {
                unescape_json(path)
            } else {
                Cow::Borrowed(path)
            };
            rec.query = query;
        } else if let Some(r) = text(Field::Request) {
            read_request(r, rec, true);
        }
        if let Some(m) = text(Field::Method) {
            rec.method = Some(m).filter(|m| super::values::is_method(m));
        }
        rec.time = get(Field::Time).and_then(|v| match v {
            Value::Num(n) => parse_decimal(n).and_then(epoch_to_timestamp),
            Value::Str(s) => parse_any_time(s),
            _ => None,
        });
        rec.bytes = text(Field::Bytes).and_then(parse_u64);
        rec.latency_ms = duration(&f, Field::Latency);
        rec.upstream_latency_ms = duration(&f, Field::UpstreamLatency);
        rec.upstream_status = text(Field::UpstreamStatus).and_then(last_status_in_list);
        rec.request_id = text(Field::RequestId);
        rec.client = text(Field::Client);
        rec.host = text(Field::Host);
        rec.route_name = text(Field::RouteName);
        rec.flags = text(Field::Flags);
        rec.responder = self.responder(rec, &f);
        Ok(())
    }

    fn responder(&self, rec: &LogRecord<'_>, f: &Found<'_>) -> Responder {
        let present = |field: Field| f[field as usize].map(|(v, _)| first_text(v).unwrap_or(""));
        match self.rule {
            JsonRule::None => Responder::Unknown,
            JsonRule::Nginx => {
                // Per line: a key the line does not have says nothing.
                let upstream = present(Field::UpstreamStatus).map(|_| rec.upstream_status);
                let header = present(Field::HeaderTime).map(Some);
                nginx_attribution(rec.status, upstream, header, present(Field::UpstreamHost))
            }
            JsonRule::Envoy => match (rec.flags, present(Field::UpstreamHost)) {
                (Some(_), _) => Responder::Gateway,
                (None, Some(h)) if is_unset(h) => Responder::Gateway,
                (None, Some(_)) => Responder::Upstream,
                (None, None) => Responder::Unknown,
            },
            JsonRule::Traefik => match present(Field::OriginStatus).and_then(parse_status) {
                None | Some(0) => Responder::Gateway,
                Some(_) => Responder::Upstream,
            },
            JsonRule::Kong => match present(Field::Source) {
                Some("kong") => Responder::Gateway,
                Some("upstream" | "service") => Responder::Upstream,
                _ => generic(rec, present(Field::UpstreamStatus)),
            },
            JsonRule::Aws => match (present(Field::ErrorType), present(Field::IntegrationStatus)) {
                (Some(t), _) if !is_unset(t) => Responder::Gateway,
                (_, Some(s)) if is_unset(s) => Responder::Gateway,
                (_, Some(_)) => Responder::Upstream,
                _ => Responder::Unknown,
            },
            JsonRule::Apisix => match present(Field::UpstreamHost) {
                Some(h) if is_unset(h) => Responder::Gateway,
                Some(_) => Responder::Upstream,
                None => Responder::Unknown,
            },
            JsonRule::Caddy => match f[Field::RespHeaders as usize] {
                // Headers copied from an upstream include its `Date`; Caddy's own error
                // responses (dial failure, timeout) carry only `Server`.
                Some((Value::Object(h), _)) if h.contains("\"Date\"") => Responder::Upstream,
                Some((Value::Object(_), _)) if rec.status >= 400 => Responder::Gateway,
                _ => Responder::Unknown,
            },
            JsonRule::Generic => generic(rec, present(Field::UpstreamStatus)),
        }
    }
}

fn generic(rec: &LogRecord<'_>, upstream_status: Option<&str>) -> Responder {
    match upstream_status {
        None => Responder::Unknown,
        Some(s) if is_unset(s) => Responder::Gateway,
        Some(_) if rec.upstream_status == Some(rec.status) => Responder::Upstream,
        Some(_) => Responder::Gateway,
    }
}

fn duration(f: &Found<'_>, field: Field) -> Option<f64> {
    let (v, unit) = f[field as usize]?;
    let t = first_text(v)?;
    let x = parse_decimal(t).or_else(|| sum_decimals_in_list(t))?;
    Some(unit.to_ms(x))
}

/// The text of a string or number, or of the first string in an array (Caddy logs headers as
/// `"X-Request-Id":["abc"]`).
fn first_text(v: Value<'_>) -> Option<&str> {
    match v {
        Value::Str(s) | Value::Num(s) => Some(s),
        Value::Array(a) => {
            let inner = a.get(1..a.len() - 1)?.trim();
            let s = inner.strip_prefix('"')?;
            let end = memchr::memchr(b'"', s.as_bytes())?;
            Some(&s[..end])
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> JsonSpec {
        JsonSpec::builder()
            .field(Field::Status, Unit::Millis, &["response.status", "status"])
            .field(Field::Target, Unit::Millis, &["request.uri"])
            .field(Field::Method, Unit::Millis, &["request.method"])
            .field(Field::Latency, Unit::Seconds, &["took"])
            .field(
                Field::RequestId,
                Unit::Millis,
                &["request.headers.X-Request-Id"],
            )
            .field(Field::UpstreamStatus, Unit::Millis, &["upstream_status"])
            .build(JsonRule::Generic)
    }

    #[test]
    fn reads_mapped_fields() {
        let line = r#"{"request":{"method":"GET","uri":"/a\/1?k=v","headers":{"X-Request-Id":["r-1"]}},"response":{"status":"503"},"took":0.25,"upstream_status":""}"#;
        let r = spec().parse(line).unwrap();
        assert_eq!(
            (r.status, r.method, r.path.as_ref(), r.query),
            (503, Some("GET"), "/a/1", Some("k=v"))
        );
        assert_eq!(r.latency_ms, Some(250.0));
        assert_eq!(r.request_id, Some("r-1"));
        assert_eq!(r.responder, Responder::Gateway);
    }

    #[test]
    fn errors() {
        let s = spec();
        assert_eq!(s.parse("nope"), Err(LineError::NotJson));
        assert_eq!(
            s.parse(r#"{"request":{}}"#),
            Err(LineError::Missing("status"))
        );
        assert!(matches!(
            s.parse(r#"{"status":"ok"}"#),
            Err(LineError::BadField { .. })
        ));
        // Alias order: response.status wins over status.
        assert_eq!(
            s.parse(r#"{"status":200,"response":{"status":404}}"#)
                .unwrap()
                .status,
            404
        );
    }

    #[test]
    fn first_text_of_arrays() {
        assert_eq!(first_text(Value::Array(r#"[ "a", "b"]"#)), Some("a"));
        assert_eq!(first_text(Value::Array("[]")), None);
        assert_eq!(first_text(Value::Array("[1]")), None);
    }
}
