//! What a runbook is once parsed: its identity, what it matches, its retry guidance and its text.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use serde::Deserialize;

use super::glob::RouteGlob;
use crate::model::status::StatusClass;

/// Whether sending the same request again can succeed, the first thing an on-call engineer
/// needs to tell the callers.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RetryGuidance {
    /// The request itself is wrong or not allowed; resending it fails the same way.
    Never,
    /// Transient overload: retry with exponential backoff and jitter.
    WithBackoff,
    /// A quota or window is exhausted: nothing succeeds until it resets.
    AfterReset,
    /// Usually a passing failure (restart, blip): a retry usually succeeds.
    UsuallyHelps,
}

impl RetryGuidance {
    pub const ALL: [RetryGuidance; 4] = [
        RetryGuidance::Never,
        RetryGuidance::WithBackoff,
        RetryGuidance::AfterReset,
        RetryGuidance::UsuallyHelps,
    ];

    /// The value as written in front matter and JSON: `with_backoff`.
    pub fn as_str(self) -> &'static str {
        match self {
            RetryGuidance::Never => "never",
            RetryGuidance::WithBackoff => "with_backoff",
            RetryGuidance::AfterReset => "after_reset",
            RetryGuidance::UsuallyHelps => "usually_helps",
        }
    }

    /// Words for a person: `retry with backoff`.
    pub fn label(self) -> &'static str {
        match self {
            RetryGuidance::Never => "do not retry",
            RetryGuidance::WithBackoff => "retry with backoff",
            RetryGuidance::AfterReset => "retry only after the limit resets",
            RetryGuidance::UsuallyHelps => "a retry usually helps",
        }
    }
}

impl fmt::Display for RetryGuidance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a runbook came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Embedded in the binary from `assets/runbooks/<file>`.
    Shipped { file: &'static str },
    /// A file in the team's `runbooks_dir`.
    Team { path: PathBuf },
}

impl Origin {
    pub fn is_team(&self) -> bool {
        matches!(self, Origin::Team { .. })
    }

    /// `assets/runbooks/502.md` or the team file's path, for messages.
    pub fn display(&self) -> String {
        match self {
            Origin::Shipped { file } => format!("assets/runbooks/{file}"),
            Origin::Team { path } => path.display().to_string(),
        }
    }
}

/// One parsed runbook.
#[derive(Clone, Debug, PartialEq)]
pub struct Runbook {
    /// Unique within a catalog: `502`, `429-quota`, `dns`. A team file with the same id replaces
    /// the shipped runbook.
    pub id: String,
    pub title: String,
    /// One line, shown in lists and probe results.
    pub summary: String,
    /// Exact status codes this runbook explains.
    pub codes: Vec<u16>,
    /// Status classes it explains when no runbook claims the exact code (fallback).
    pub classes: Vec<StatusClass>,
    /// Failure reasons it explains: `connect_refused`, or a family such as `tls`, which also
    /// matches `tls_expired`.
    pub reasons: Vec<String>,
    pub retry: RetryGuidance,
    /// Why that retry guidance, in a few words.
    pub retry_note: Option<String>,
    /// When non-empty, the runbook applies only to routes matching one of these globs.
    pub routes: Vec<RouteGlob>,
    /// When non-empty, the runbook applies only under one of these gateway presets.
    pub presets: Vec<String>,
    /// Breaks ties between equally good matches; higher comes first.
    pub priority: i32,
    /// A link to the team's own page about this error, shown with the runbook.
    pub runbook_url: Option<String>,
    /// Gateway preset (`haproxy`, `aws`, `nginx` …) → Markdown note for that gateway.
    pub gateway_notes: BTreeMap<String, String>,
    /// The Markdown body: causes, first checks, commands, fixes.
    pub body: String,
    /// 1-based line of the body's first line in the source file.
    pub body_line: usize,
    /// 1-based line of the `id` key in the source file.
    pub id_line: usize,
    pub origin: Origin,
}

impl Runbook {
    /// The runbook's gateway note for `preset`, where a note keyed `nginx` also serves the
    /// `nginx-vts` preset (a family prefix before `-`).
    pub fn gateway_note(&self, preset: &str) -> Option<(&str, &str)> {
        self.gateway_notes
            .iter()
            .find(|(k, _)| preset_matches(k, preset))
            .map(|(k, v)| (k.as_str(), v.as_str()))
    }

    pub fn claims_code(&self, code: u16) -> bool {
        self.codes.contains(&code)
    }

    pub fn claims_class(&self, class: StatusClass) -> bool {
        self.classes.contains(&class)
            || self.codes.iter().any(|c| StatusClass::of_code(*c) == class)
    }

    /// True when one of its reasons is `reason` or a family of it.
    pub fn claims_reason(&self, reason: &str) -> bool {
        self.reasons
            .iter()
            .any(|r| reason_matches(r, reason).is_some())
    }

    pub fn is_restricted(&self) -> bool {
        !self.routes.is_empty() || !self.presets.is_empty()
    }
}

/// How a claimed reason matches a reported one.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ReasonMatch {
    Exact,
    /// The claim is a family: `tls` claims `tls_expired`.
    Family,
}

pub fn reason_matches(claimed: &str, reported: &str) -> Option<ReasonMatch> {
    if claimed == reported {
        Some(ReasonMatch::Exact)
    } else if reported.len() > claimed.len()
        && reported.starts_with(claimed)
        && reported.as_bytes()[claimed.len()] == b'_'
    {
        Some(ReasonMatch::Family)
    } else {
        None
    }
}

/// A preset restriction or note key `nginx` covers `nginx` and `nginx-vts`; `aws` covers
/// `aws-rest`.
pub fn preset_matches(key: &str, preset: &str) -> bool {
    preset.eq_ignore_ascii_case(key)
        || (preset.len() > key.len()
            && preset
                .get(..key.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(key))
            && preset.as_bytes()[key.len()] == b'-')
}

/// The failure reasons gatewatch's checks, probes and log presets report, plus the two
/// rate-limit judgements. Team runbooks may claim others (a warning says so).
pub const KNOWN_REASONS: &[&str] = &[
    "dns",
    "connect",
    "connect_refused",
    "connect_timeout",
    "tls",
    "tls_handshake",
    "tls_expired",
    "tls_name_mismatch",
    "timeout",
    "timeout_headers",
    "timeout_body",
    "redirect_loop",
    "cors",
    "http_status",
    "assertion",
    "quota_exceeded",
    "throttled",
];

/// Gateway presets a runbook may name in `presets` or `gateway_notes`.
pub const KNOWN_PRESETS: &[(&str, &str)] = &[
    ("kong", "Kong"),
    ("envoy", "Envoy"),
    ("traefik", "Traefik"),
    ("haproxy", "HAProxy"),
    ("caddy", "Caddy"),
    ("apisix", "APISIX"),
    ("nginx", "nginx"),
    ("aws", "AWS API Gateway"),
    ("tyk", "Tyk"),
    ("krakend", "KrakenD"),
    ("generic", "generic"),
];

/// `haproxy` → `HAProxy`; unknown keys are shown as written.
pub fn preset_display(key: &str) -> &str {
    KNOWN_PRESETS
        .iter()
        .find(|(k, _)| preset_matches(k, key))
        .map(|(_, name)| *name)
        .unwrap_or(key)
}

pub fn is_known_reason(reason: &str) -> bool {
    KNOWN_REASONS
        .iter()
        .any(|k| reason_matches(k, reason).is_some() || reason_matches(reason, k).is_some())
}

pub fn is_known_preset(preset: &str) -> bool {
    KNOWN_PRESETS.iter().any(|(k, _)| preset_matches(k, preset))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reason_families() {
        let cases = [
            ("tls", "tls_expired", Some(ReasonMatch::Family)),
            ("tls", "tls", Some(ReasonMatch::Exact)),
            ("tls", "tlsx", None),
            ("connect_refused", "connect", None),
            ("timeout", "timeout_headers", Some(ReasonMatch::Family)),
            ("cors", "cors_origin", Some(ReasonMatch::Family)),
            ("dns", "", None),
        ];
        for (claimed, reported, want) in cases {
            assert_eq!(
                reason_matches(claimed, reported),
                want,
                "{claimed} vs {reported}"
            );
        }
    }

    #[test]
    fn preset_families() {
        let cases = [
            ("nginx", "nginx", true),
            ("nginx", "nginx-vts", true),
            ("nginx", "nginxvts", false),
            ("aws", "AWS-rest", true),
            ("nginx-vts", "nginx", false),
            ("kong", "", false),
        ];
        for (key, preset, want) in cases {
            assert_eq!(preset_matches(key, preset), want, "{key} vs {preset}");
        }
        assert_eq!(preset_display("haproxy"), "HAProxy");
        assert_eq!(preset_display("nginx-vts"), "nginx");
        assert_eq!(preset_display("zuul"), "zuul");
    }

    #[test]
    fn retry_guidance_names_round_trip() {
        for g in RetryGuidance::ALL {
            let parsed: RetryGuidance =
                serde_json::from_value(serde_json::Value::String(g.as_str().into()))
                    .expect("every guidance parses from its own name");
            assert_eq!(parsed, g);
        }
    }
}
