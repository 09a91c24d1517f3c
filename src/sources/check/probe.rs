//! I/O: an ad-hoc probe (the `probe` command, the TUI's probe dialog): a request described by
//! the user, sent once, graded as "does it work": a 2xx or 3xx answer, or a CORS preflight a
//! browser would accept.

use std::sync::Arc;
use std::time::Duration;

use super::spec::preflight_headers;
use super::{grade, GradeInput};
use crate::model::check::{CheckResult, Expectations, ProbeConfig, StatusExpectation};
use crate::model::cors::PreflightRequest;
use crate::sources::http::secret::{self, SecretError};
use crate::sources::http::{
    wall_now, ClientError, ClientOptions, HttpClient, HttpRequest, RequestError,
};

pub use crate::model::check::probe_request::{parse_header_arg, ProbeRequest};

pub const DEFAULT_PROBE_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    #[error("{0} is a path, and no [probe] base_url is configured to join it to")]
    NoBaseUrl(String),
    #[error(transparent)]
    Secret(#[from] SecretError),
    #[error(transparent)]
    Request(#[from] RequestError),
    #[error(transparent)]
    Client(#[from] ClientError),
}

/// `/v1/orders` + `https://api.example.com/` → `https://api.example.com/v1/orders`.
pub fn join_base(base: Option<&str>, url: &str) -> Result<String, ProbeError> {
    let u = url.trim();
    if !u.starts_with('/') {
        return Ok(u.to_string());
    }
    match base {
        Some(b) => Ok(format!("{}{u}", b.trim().trim_end_matches('/'))),
        None => Err(ProbeError::NoBaseUrl(crate::redact::url(u).into_owned())),
    }
}

#[derive(Clone, Debug)]
pub struct Probe {
    pub request: HttpRequest,
    pub preflight: Option<PreflightRequest>,
    pub client: HttpClient,
    pub expectations: Expectations,
    pub name: Arc<str>,
}

impl Probe {
    pub fn build(req: &ProbeRequest, cfg: &ProbeConfig) -> Result<Probe, ProbeError> {
        let url = join_base(cfg.base_url.as_deref(), &req.url)?;
        let timeout = req.timeout.or(cfg.timeout).unwrap_or(DEFAULT_PROBE_TIMEOUT);
        let method = if req.method.trim().is_empty() {
            "GET"
        } else {
            req.method.trim()
        };
        let mut typed = req.headers.clone();
        for (k, v) in &cfg.headers {
            if !typed.iter().any(|(t, _)| t.eq_ignore_ascii_case(k)) {
                typed.push((k.clone(), v.clone()));
            }
        }
        let preflight = req.cors_origin.as_ref().map(|origin| PreflightRequest {
            origin: origin.trim().to_string(),
            method: method.to_string(),
            headers: typed.iter().map(|(k, _)| k.clone()).collect(),
            credentials: req.cors_credentials,
        });
        let mut request = match &preflight {
            Some(pre) => {
                HttpRequest::new("OPTIONS", &url, &preflight_headers(pre), &[], None, timeout)?
            }
            None => {
                let (headers, secrets) =
                    secret::resolve_headers(typed.iter().map(|(k, v)| (k.as_str(), v.as_str())))?;
                let body = req.body.clone().map(String::into_bytes);
                HttpRequest::new(method, &url, &headers, &secrets, body, timeout)?
            }
        };
        request.follow_redirects = req.follow_redirects;
        let mut opts = ClientOptions {
            resolve: req.resolve.clone(),
            ..ClientOptions::default()
        };
        if let Some(ca) = req.ca_file.as_ref().or(cfg.ca_file.as_ref()) {
            opts.extra_roots = crate::sources::http::load_pem_certs(ca)?;
        }
        let expectations = Expectations {
            status: if preflight.is_some() {
                StatusExpectation(
                    crate::model::status::StatusClass::ALL
                        .iter()
                        .map(|c| crate::model::status::Status::Class(*c))
                        .collect(),
                )
            } else {
                StatusExpectation::success_or_redirect()
            },
            ..Expectations::default()
        };
        let name: Arc<str> = Arc::from(format!(
            "probe {} {}",
            request.method,
            request.display_url()
        ));
        Ok(Probe {
            request,
            preflight,
            client: HttpClient::new(opts)?,
            expectations,
            name,
        })
    }

    pub async fn send(&self) -> CheckResult {
        let at = wall_now();
        let exchange = self.client.send(&self.request).await;
        grade(
            GradeInput {
                name: &self.name,
                route: None,
                request: &self.request,
                expectations: &self.expectations,
                preflight: self.preflight.as_ref(),
                at,
            },
            exchange,
            wall_now(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_paths_to_the_base_url() {
        assert_eq!(
            join_base(Some("https://api.example.com/"), "/v1/orders").expect("joined"),
            "https://api.example.com/v1/orders"
        );
        assert_eq!(
            join_base(None, "http://x/y").expect("absolute"),
            "http://x/y"
        );
        assert!(
            matches!(join_base(None, "/v1?api_key=abc"), Err(ProbeError::NoBaseUrl(p)) if p.contains("redacted"))
        );
    }

    #[test]
    fn parses_header_arguments() {
        assert_eq!(
            parse_header_arg("X-A: b: c"),
            Some(("X-A".into(), "b: c".into()))
        );
        assert_eq!(
            parse_header_arg("Authorization:env:TOKEN"),
            Some(("Authorization".into(), "env:TOKEN".into()))
        );
        assert_eq!(parse_header_arg("no colon"), None);
        assert_eq!(parse_header_arg(": v"), None);
    }

    #[test]
    fn cors_probe_sends_a_preflight_without_the_header_values() {
        let req = ProbeRequest {
            method: "PUT".into(),
            url: "/v1/orders/7".into(),
            headers: vec![("Authorization".into(), "Bearer never-sent-123".into())],
            cors_origin: Some("https://app.example.com".into()),
            ..ProbeRequest::default()
        };
        let cfg = ProbeConfig {
            base_url: Some("http://127.0.0.1:9".into()),
            ..ProbeConfig::default()
        };
        let p = Probe::build(&req, &cfg).expect("builds");
        assert_eq!(p.request.method, http::Method::OPTIONS);
        let shown = format!("{:?}", p.request);
        assert!(
            shown.contains("access-control-request-headers: authorization"),
            "{shown}"
        );
        assert!(!shown.contains("never-sent"), "{shown}");
        assert_eq!(p.preflight.map(|x| x.method), Some("PUT".to_string()));
    }
}
