//! What a preset is: data saying which families a gateway exports and what each one means
//! (route, status, latency, rate limit). Gateway quirks that data cannot say live in a
//! per-preset [`Hook`].

use crate::model::status::{Responder, Status};
use crate::model::traffic::StatusDetail;

use super::aggregate::HookCtx;

/// Unit of a latency histogram's `le` bounds.
#[derive(Copy, Clone, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeUnit {
    #[serde(alias = "seconds")]
    S,
    #[serde(alias = "milliseconds")]
    Ms,
    #[serde(alias = "microseconds")]
    Us,
}

impl TimeUnit {
    pub fn to_ms(self, v: f64) -> f64 {
        match self {
            TimeUnit::S => v * 1000.0,
            TimeUnit::Ms => v,
            TimeUnit::Us => v / 1000.0,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TimeUnit::S => "s",
            TimeUnit::Ms => "ms",
            TimeUnit::Us => "us",
        }
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum GaugeKind {
    ActiveServers,
    BackupServers,
    StickTableSize,
    StickTableUsed,
}

/// What a family's samples mean.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Role {
    /// A counter of responses per status.
    Responses,
    /// A latency histogram whose `_count` also counts responses per status (Caddy, KrakenD).
    LatencyAndResponses(TimeUnit),
    /// A latency histogram only.
    Latency(TimeUnit),
    /// A counter of all requests, no status (Caddy `requests_total`, nginx stub_status).
    Requests,
    /// A counter of requests whose handler failed (Caddy `request_errors_total`).
    HandlerErrors,
    /// A counter of requests a rate limiter refused; each is a gateway-made 429 (Envoy).
    RateLimited,
    /// A counter of requests a rate limiter let through (saturation denominator).
    RateLimitPassed,
    /// A counter of requests the gateway denied (HAProxy frontend `requests_denied_total`).
    Denied,
    /// A gauge read as it is.
    Gauge(GaugeKind),
}

impl Role {
    pub fn is_histogram(self) -> bool {
        matches!(self, Role::LatencyAndResponses(_) | Role::Latency(_))
    }

    pub fn counts_responses(self) -> bool {
        matches!(self, Role::Responses | Role::LatencyAndResponses(_))
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NameMatch {
    Exact,
    /// Any family ending with the name; the route is the part before it, minus `strip_prefix`
    /// (Envoy versions that fold a stat prefix into the metric name).
    Suffix {
        strip_prefix: &'static str,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RouteRule {
    /// The gateway as a whole ([`crate::model::route::RouteKey::gateway`]).
    Gateway,
    /// The first of these labels with a non-empty value; `fallback` when none has one.
    FirstOf(Vec<String>, String),
    /// The non-empty values of these labels joined by a space (Tyk `api path`).
    Join(Vec<String>),
    /// Taken from the metric name ([`NameMatch::Suffix`]).
    FromName,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StatusRule {
    None,
    /// The label holds exact codes (`"502"`).
    Exact(String),
    /// The label holds classes (`"5xx"`, Envoy's `"5"`, HAProxy's `"other"`).
    Class(String),
}

impl StatusRule {
    pub fn label(&self) -> Option<&str> {
        match self {
            StatusRule::None => None,
            StatusRule::Exact(l) | StatusRule::Class(l) => Some(l),
        }
    }

    pub fn parse(&self, value: &str) -> Option<Status> {
        match self {
            StatusRule::None => None,
            StatusRule::Exact(_) | StatusRule::Class(_) => Status::parse(value),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum ResponderRule {
    #[default]
    Unknown,
    Fixed(Responder),
    /// A label telling who answered: these values mean the gateway, those the upstream.
    Label {
        name: String,
        gateway: Vec<String>,
        upstream: Vec<String>,
    },
}

/// Where a route's rate-limit saturation comes from, when the hook does not set it.
#[derive(Clone, Debug, PartialEq)]
pub enum RateLimitSignal {
    None,
    /// [`Role::RateLimited`] / [`Role::RateLimitPassed`] counters (Envoy).
    Counters,
    /// Share of requests answered with these codes by the gateway itself.
    GatewayStatusShare(Vec<u16>),
    /// Share of requests answered with these codes, whoever answered.
    StatusShare(Vec<u16>),
}

/// One family a preset reads, and what it means.
#[derive(Clone, Debug)]
pub struct FamilyRule {
    /// As exposed in the text format: counters with their `_total` when they have one,
    /// histograms by their base name.
    pub name: String,
    pub name_match: NameMatch,
    pub role: Role,
    pub route: RouteRule,
    pub method_label: Option<String>,
    pub status: StatusRule,
    pub responder: ResponderRule,
    /// Only series whose label equals the value (Kong 2.x `type="request"`).
    pub require: Vec<(String, String)>,
    /// Series whose label equals the value are ignored (VTS `host="*"`, the sum of all zones).
    pub exclude: Vec<(String, String)>,
    /// `(group, level)`: within a group only the lowest level present in a scrape is used, so a
    /// gateway that exports the same requests at several levels is not counted twice.
    pub level: Option<(u8, u8)>,
    /// A label naming a related route the hook may compare with (Traefik: a router's
    /// `service`), recorded once per series.
    pub companion_label: Option<String>,
}

impl FamilyRule {
    pub fn new(role: Role, name: &str) -> Self {
        FamilyRule {
            name: name.to_string(),
            name_match: NameMatch::Exact,
            role,
            route: RouteRule::Gateway,
            method_label: None,
            status: StatusRule::None,
            responder: ResponderRule::Unknown,
            require: Vec::new(),
            exclude: Vec::new(),
            level: None,
            companion_label: None,
        }
    }

    /// Route from the first non-empty of `labels`, else `fallback`.
    pub fn route(mut self, labels: &[&str], fallback: &str) -> Self {
        self.route = RouteRule::FirstOf(strings(labels), fallback.to_string());
        self
    }

    pub fn route_joined(mut self, labels: &[&str]) -> Self {
        self.route = RouteRule::Join(strings(labels));
        self
    }

    pub fn route_from_name(mut self, strip_prefix: &'static str) -> Self {
        self.route = RouteRule::FromName;
        self.name_match = NameMatch::Suffix { strip_prefix };
        self
    }

    pub fn exact(mut self, label: &str) -> Self {
        self.status = StatusRule::Exact(label.to_string());
        self
    }

    pub fn class(mut self, label: &str) -> Self {
        self.status = StatusRule::Class(label.to_string());
        self
    }

    pub fn method(mut self, label: &str) -> Self {
        self.method_label = Some(label.to_string());
        self
    }

    pub fn responder(mut self, label: &str, gateway: &[&str], upstream: &[&str]) -> Self {
        self.responder = ResponderRule::Label {
            name: label.to_string(),
            gateway: strings(gateway),
            upstream: strings(upstream),
        };
        self
    }

    pub fn responder_fixed(mut self, r: Responder) -> Self {
        self.responder = ResponderRule::Fixed(r);
        self
    }

    pub fn require(mut self, label: &str, value: &str) -> Self {
        self.require.push((label.to_string(), value.to_string()));
        self
    }

    pub fn exclude(mut self, label: &str, value: &str) -> Self {
        self.exclude.push((label.to_string(), value.to_string()));
        self
    }

    pub fn companion(mut self, label: &str) -> Self {
        self.companion_label = Some(label.to_string());
        self
    }

    pub fn level(mut self, group: u8, level: u8) -> Self {
        self.level = Some((group, level));
        self
    }
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// Gateway-specific adjustments after increases are summed per route.
pub type Hook = fn(&mut HookCtx<'_>);

/// Human-readable account of a mapping, for `inspect` and docs.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct MappingDoc {
    pub route: String,
    pub status: String,
    pub latency: String,
    pub rate_limit: String,
    pub notes: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct Preset {
    pub name: &'static str,
    /// Family-name prefixes (or exact names) that identify the gateway for `auto`.
    pub detect: Vec<&'static str>,
    pub rules: Vec<FamilyRule>,
    /// The status detail when the chosen responses rules give no hint (no responses family).
    pub default_detail: StatusDetail,
    pub gateway_only: bool,
    pub rate_limit: RateLimitSignal,
    pub hook: Option<Hook>,
    /// Responses of levels not chosen are still summed, apart, for the hook to compare
    /// (never emitted).
    pub shadow_levels: bool,
    pub doc: MappingDoc,
}

pub fn doc(
    route: &str,
    status: &str,
    latency: &str,
    rate_limit: &str,
    notes: &[&str],
) -> MappingDoc {
    MappingDoc {
        route: route.to_string(),
        status: status.to_string(),
        latency: latency.to_string(),
        rate_limit: rate_limit.to_string(),
        notes: strings(notes),
    }
}
