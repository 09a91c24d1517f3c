//! I/O: a configured check made ready to run: secrets resolved, request built, assertions
//! compiled, a client with the right trust roots.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::model::check::{CheckConfig, ConfigError, Expectations, StatusExpectation};
use crate::model::cors::PreflightRequest;
use crate::model::route::RouteKey;
use crate::model::status::{Status, StatusClass};
use crate::sources::http::secret::{self, SecretError};
use crate::sources::http::{ClientError, ClientOptions, HttpClient, HttpRequest, RequestError};

#[derive(Debug, thiserror::Error)]
pub enum SpecError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("check {check:?}: {source}")]
    Secret { check: String, source: SecretError },
    #[error("check {check:?}: {source}")]
    Request { check: String, source: RequestError },
    #[error("check {check:?}: {source}")]
    Client { check: String, source: ClientError },
}

#[derive(Clone, Debug)]
pub struct CheckSpec {
    pub name: Arc<str>,
    pub route: Option<RouteKey>,
    pub interval: Duration,
    pub request: HttpRequest,
    pub expectations: Expectations,
    /// Set for CORS checks: the request is the preflight, judged by these terms.
    pub preflight: Option<PreflightRequest>,
    pub client: HttpClient,
}

/// One client per distinct CA file, shared by the checks that use it.
#[derive(Debug, Default)]
pub struct ClientCache {
    base: ClientOptions,
    clients: HashMap<Option<PathBuf>, HttpClient>,
}

impl ClientCache {
    /// `base` applies to every client (tests add their CA and `resolve` overrides here).
    pub fn new(base: ClientOptions) -> Self {
        ClientCache {
            base,
            clients: HashMap::new(),
        }
    }

    pub fn client(&mut self, ca_file: Option<&PathBuf>) -> Result<HttpClient, ClientError> {
        let key = ca_file.cloned();
        if let Some(c) = self.clients.get(&key) {
            return Ok(c.clone());
        }
        let mut opts = self.base.clone();
        if let Some(p) = ca_file {
            opts.extra_roots
                .extend(super::super::http::load_pem_certs(p)?);
        }
        let client = HttpClient::new(opts)?;
        self.clients.insert(key, client.clone());
        Ok(client)
    }
}

/// A preflight as a browser sends it: `OPTIONS`, `Origin`, the method and the lower-cased,
/// sorted request header names. No credentials go with a preflight.
pub fn preflight_headers(pre: &PreflightRequest) -> Vec<(String, String)> {
    let mut out = vec![
        ("Origin".to_string(), pre.origin.clone()),
        (
            "Access-Control-Request-Method".to_string(),
            pre.method.clone(),
        ),
    ];
    let mut names: Vec<String> = pre
        .headers
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    names.sort();
    names.dedup();
    if !names.is_empty() {
        out.push((
            "Access-Control-Request-Headers".to_string(),
            names.join(","),
        ));
    }
    out
}

/// Any status: a CORS check's status is judged by the CORS rules.
fn any_status() -> StatusExpectation {
    StatusExpectation(StatusClass::ALL.iter().map(|c| Status::Class(*c)).collect())
}

impl CheckSpec {
    pub fn from_config(c: &CheckConfig, clients: &mut ClientCache) -> Result<Self, SpecError> {
        c.validate()?;
        let check = || c.name.clone();
        let mut expectations = c.expectations()?;
        let preflight = c.preflight();
        let (method, headers, secrets, body) = match &preflight {
            Some(pre) => {
                expectations.status = any_status();
                (
                    "OPTIONS".to_string(),
                    preflight_headers(pre),
                    Vec::new(),
                    None,
                )
            }
            None => {
                let (headers, secrets) = secret::resolve_headers(
                    c.headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
                )
                .map_err(|source| SpecError::Secret {
                    check: check(),
                    source,
                })?;
                (
                    c.method.clone(),
                    headers,
                    secrets,
                    c.body.clone().map(String::into_bytes),
                )
            }
        };
        let mut request = HttpRequest::new(&method, &c.url, &headers, &secrets, body, c.timeout)
            .map_err(|source| SpecError::Request {
                check: check(),
                source,
            })?;
        request.connect_timeout = c.connect_timeout;
        request.follow_redirects = c.follow_redirects;
        let client = clients
            .client(c.ca_file.as_ref())
            .map_err(|source| SpecError::Client {
                check: check(),
                source,
            })?;
        Ok(CheckSpec {
            name: Arc::from(c.name.as_str()),
            route: c.route_key(),
            interval: c.interval,
            request,
            expectations,
            preflight,
            client,
        })
    }

    /// `--check URL`: a GET expecting 2xx, named after its (redacted) URL.
    pub fn adhoc(
        url: &str,
        timeout: Duration,
        clients: &mut ClientCache,
    ) -> Result<Self, SpecError> {
        let shown = crate::redact::url(url).into_owned();
        let request = HttpRequest::new("GET", url, &[], &[], None, timeout).map_err(|source| {
            SpecError::Request {
                check: shown.clone(),
                source,
            }
        })?;
        let client = clients.client(None).map_err(|source| SpecError::Client {
            check: shown.clone(),
            source,
        })?;
        Ok(CheckSpec {
            name: Arc::from(shown.as_str()),
            route: None,
            interval: Duration::from_secs(30),
            request,
            expectations: Expectations::default(),
            preflight: None,
            client,
        })
    }
}
