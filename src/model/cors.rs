//! PURE: judge a CORS preflight answer the way a browser's fetch would, naming the rule that
//! failed. Follows the Fetch standard's CORS check and CORS-preflight fetch:
//! - the preflight must answer with an ok status (200–299);
//! - `Access-Control-Allow-Origin` must hold exactly one value: `*` (only without
//!   credentials) or the request's origin, byte for byte;
//! - with credentials, `Access-Control-Allow-Credentials` must be exactly `true`;
//! - the method must be listed (case-sensitively), be a safelisted one (GET, HEAD, POST), or be
//!   covered by `*` without credentials;
//! - every requested header must be listed (case-insensitively), or be covered by `*` without
//!   credentials — `*` never covers `Authorization`.
//!
//! Browsers do not enforce `Vary: Origin`, but an answer that echoes one origin without it can be
//! cached and served to another origin: that is reported as a warning (degraded), not a failure.

use serde::Serialize;

use super::check::{CheckState, FailureReason};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreflightRequest {
    /// `https://app.example.com`.
    pub origin: String,
    /// The method the real request would use (`Access-Control-Request-Method`).
    pub method: String,
    /// The non-safelisted headers the real request would send (`Access-Control-Request-Headers`).
    pub headers: Vec<String>,
    /// Whether the real request carries credentials (`fetch(…, {credentials: "include"})`).
    pub credentials: bool,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CorsRule {
    PreflightStatus,
    AllowOrigin,
    WildcardWithCredentials,
    AllowCredentials,
    AllowMethods,
    AllowHeaders,
    VaryOrigin,
}

impl CorsRule {
    pub fn code(self) -> &'static str {
        match self {
            CorsRule::PreflightStatus => "preflight_status",
            CorsRule::AllowOrigin => "allow_origin",
            CorsRule::WildcardWithCredentials => "wildcard_with_credentials",
            CorsRule::AllowCredentials => "allow_credentials",
            CorsRule::AllowMethods => "allow_methods",
            CorsRule::AllowHeaders => "allow_headers",
            CorsRule::VaryOrigin => "vary_origin",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CorsFinding {
    pub rule: CorsRule,
    pub detail: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CorsVerdict {
    /// Rules a browser enforces that the answer breaks: the real request would be blocked.
    pub failures: Vec<CorsFinding>,
    /// The request would pass, but the answer is fragile.
    pub warnings: Vec<CorsFinding>,
    pub max_age_secs: Option<u64>,
}

impl CorsVerdict {
    pub fn allowed(&self) -> bool {
        self.failures.is_empty()
    }

    pub fn state(&self) -> CheckState {
        if !self.failures.is_empty() {
            CheckState::Failed
        } else if !self.warnings.is_empty() {
            CheckState::Degraded
        } else {
            CheckState::Ok
        }
    }

    /// The first failure (or warning) as a check's failure reason.
    pub fn reason(&self) -> Option<FailureReason> {
        self.failures
            .first()
            .or(self.warnings.first())
            .map(|f| FailureReason::Cors {
                rule: f.rule,
                detail: f.detail.clone(),
            })
    }
}

/// Every value of a header (several fields are combined, as a browser does), comma-split.
fn values<'a>(headers: &'a [(String, String)], name: &str) -> Option<Vec<&'a str>> {
    let mut found = false;
    let mut out = Vec::new();
    for (k, v) in headers {
        if k.eq_ignore_ascii_case(name) {
            found = true;
            out.extend(v.split(',').map(str::trim).filter(|s| !s.is_empty()));
        }
    }
    found.then_some(out)
}

fn raw_values<'a>(headers: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim())
        .collect()
}

/// Fetch normalises these methods to upper case; any other method is compared as written.
fn normalise_method(m: &str) -> String {
    const NORMALISED: &[&str] = &["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];
    match NORMALISED.iter().find(|n| n.eq_ignore_ascii_case(m)) {
        Some(n) => n.to_string(),
        None => m.to_string(),
    }
}

pub fn judge(req: &PreflightRequest, status: u16, headers: &[(String, String)]) -> CorsVerdict {
    let mut v = CorsVerdict::default();
    let mut fail = |rule, detail: String| v.failures.push(CorsFinding { rule, detail });

    if !(200..=299).contains(&status) {
        fail(
            CorsRule::PreflightStatus,
            format!("preflight answered {status}; a browser needs 200–299"),
        );
    }

    let origins = raw_values(headers, "access-control-allow-origin");
    let echoes_origin = match origins.as_slice() {
        [] => {
            fail(
                CorsRule::AllowOrigin,
                "no Access-Control-Allow-Origin header".into(),
            );
            false
        }
        [one] if one.contains(',') => {
            fail(
                CorsRule::AllowOrigin,
                format!("several origins in one value: {one}"),
            );
            false
        }
        [one] if *one == "*" => {
            if req.credentials {
                fail(
                    CorsRule::WildcardWithCredentials,
                    "Access-Control-Allow-Origin is * but the request carries credentials; \
                     a browser needs the exact origin"
                        .into(),
                );
            }
            false
        }
        [one] if *one == req.origin => true,
        [one] => {
            fail(
                CorsRule::AllowOrigin,
                format!("allows origin {one}, not {}", req.origin),
            );
            false
        }
        many => {
            fail(
                CorsRule::AllowOrigin,
                format!(
                    "{} Access-Control-Allow-Origin headers; a browser needs exactly one",
                    many.len()
                ),
            );
            false
        }
    };

    if req.credentials {
        let acac = raw_values(headers, "access-control-allow-credentials");
        if acac.as_slice() != ["true"] {
            let seen = if acac.is_empty() {
                "absent".to_string()
            } else {
                acac.join(", ")
            };
            fail(
                CorsRule::AllowCredentials,
                format!("Access-Control-Allow-Credentials must be exactly true, is {seen}"),
            );
        }
    }

    let method = normalise_method(&req.method);
    let methods = values(headers, "access-control-allow-methods").unwrap_or_default();
    let safelisted = matches!(method.as_str(), "GET" | "HEAD" | "POST");
    let star = !req.credentials && methods.contains(&"*");
    if !safelisted && !star && !methods.contains(&method.as_str()) {
        let listed = if methods.is_empty() {
            "none".to_string()
        } else {
            methods.join(", ")
        };
        let note = if req.credentials && methods.contains(&"*") {
            " (* is taken literally with credentials)"
        } else {
            ""
        };
        fail(
            CorsRule::AllowMethods,
            format!("method {method} not allowed; allowed: {listed}{note}"),
        );
    }

    let allowed_headers: Vec<String> = values(headers, "access-control-allow-headers")
        .unwrap_or_default()
        .iter()
        .map(|h| h.to_ascii_lowercase())
        .collect();
    let header_star = !req.credentials && allowed_headers.iter().any(|h| h == "*");
    let missing: Vec<String> = req
        .headers
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .filter(|h| {
            !matches!(
                h.as_str(),
                "accept" | "accept-language" | "content-language"
            )
        })
        .filter(|h| {
            let covered = allowed_headers.contains(h) || (header_star && h != "authorization");
            !covered
        })
        .collect();
    if !missing.is_empty() {
        let note = if missing.iter().any(|h| h == "authorization")
            && allowed_headers.iter().any(|h| h == "*")
        {
            " (* never covers authorization)"
        } else {
            ""
        };
        fail(
            CorsRule::AllowHeaders,
            format!("headers not allowed: {}{note}", missing.join(", ")),
        );
    }

    if echoes_origin {
        let vary = values(headers, "vary").unwrap_or_default();
        if !vary
            .iter()
            .any(|h| h.eq_ignore_ascii_case("origin") || *h == "*")
        {
            v.warnings.push(CorsFinding {
                rule: CorsRule::VaryOrigin,
                detail: "echoes the origin without Vary: Origin; a cache may serve this answer \
                         to another origin"
                    .into(),
            });
        }
    }

    v.max_age_secs = raw_values(headers, "access-control-max-age")
        .first()
        .and_then(|s| s.parse().ok());
    v
}

#[cfg(test)]
mod tests;
