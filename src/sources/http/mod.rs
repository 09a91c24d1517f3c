//! I/O: the HTTP client of checks and probes. One fresh connection per request, so every run
//! measures what a new client sees: DNS, connect, TLS handshake, time to first byte and total,
//! each timed here around hyper's HTTP/1.1 connection (rustls with the `ring` provider for TLS).
//!
//! Every failure maps to one [`FailureReason`]; redirects are followed only when asked, and
//! credentials never go to another origin.

mod cert;
mod exchange;
mod redirect;
pub mod secret;
mod tls;

use std::collections::HashMap;
use std::fmt;
use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::{HeaderName, HeaderValue, Method};
use rustls_pki_types::CertificateDer;

use crate::model::check::{FailureReason, PhaseTimings};
use crate::model::time::Timestamp;
use crate::redact;

pub use cert::not_after;

/// The wall clock as a [`Timestamp`]: sources read the clock, pure code is handed it.
pub fn wall_now() -> Timestamp {
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0);
    Timestamp(ms)
}

/// Bytes of body read at most; the rest is not read (assertions see the first part only).
pub const DEFAULT_BODY_LIMIT: usize = 1 << 20;
pub const DEFAULT_MAX_REDIRECTS: u32 = 10;

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("cannot read CA file {path}: {message}")]
    CaFile { path: String, message: String },
    #[error("tls setup: {0}")]
    Tls(String),
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RequestError {
    #[error("invalid URL {url}: {message}")]
    Url { url: String, message: String },
    #[error("invalid method {0:?}")]
    Method(String),
    #[error("invalid header {name:?}: {message}")]
    Header { name: String, message: String },
}

#[derive(Clone, Debug, Default)]
pub struct ClientOptions {
    /// Trusted in addition to the bundled web roots.
    pub extra_roots: Vec<CertificateDer<'static>>,
    /// Trust only `extra_roots` (tests, private gateways).
    pub only_extra_roots: bool,
    /// `host → address` overrides, like curl's `--resolve`: probe one node behind a balancer.
    pub resolve: Vec<(String, IpAddr)>,
    /// Defaults to [`DEFAULT_BODY_LIMIT`].
    pub body_limit: Option<usize>,
}

/// Shared by many requests; cheap to clone.
#[derive(Clone)]
pub struct HttpClient {
    tls: Arc<tokio_rustls::rustls::ClientConfig>,
    resolve: Arc<HashMap<String, IpAddr>>,
    body_limit: usize,
}

impl fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpClient")
            .field("resolve", &self.resolve)
            .field("body_limit", &self.body_limit)
            .finish_non_exhaustive()
    }
}

impl HttpClient {
    pub fn new(opts: ClientOptions) -> Result<Self, ClientError> {
        Ok(HttpClient {
            tls: Arc::new(tls::client_config(
                &opts.extra_roots,
                opts.only_extra_roots,
            )?),
            resolve: Arc::new(
                opts.resolve
                    .into_iter()
                    .map(|(h, ip)| (h.to_ascii_lowercase(), ip))
                    .collect(),
            ),
            body_limit: opts.body_limit.unwrap_or(DEFAULT_BODY_LIMIT),
        })
    }

    /// A client trusting the bundled web roots plus the PEM certificates in `ca_file`.
    pub fn with_ca_file(ca_file: Option<&Path>) -> Result<Self, ClientError> {
        let extra_roots = match ca_file {
            Some(p) => load_pem_certs(p)?,
            None => Vec::new(),
        };
        HttpClient::new(ClientOptions {
            extra_roots,
            ..ClientOptions::default()
        })
    }

    /// Sends `req`, following redirects when it asks to, within its timeout.
    pub async fn send(&self, req: &HttpRequest) -> HttpExchange {
        redirect::send(self, req).await
    }
}

pub fn load_pem_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, ClientError> {
    use rustls_pki_types::pem::PemObject;
    let err = |message: String| ClientError::CaFile {
        path: path.display().to_string(),
        message,
    };
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
        .map_err(|e| err(e.to_string()))?
        .collect::<Result<_, _>>()
        .map_err(|e| err(e.to_string()))?;
    if certs.is_empty() {
        return Err(err("no PEM certificates in it".into()));
    }
    Ok(certs)
}

/// One request as sent on the wire. Header values may be secrets: `Debug` redacts them.
#[derive(Clone)]
pub struct HttpRequest {
    pub method: Method,
    pub url: url::Url,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub body: Option<bytes::Bytes>,
    /// The whole exchange, redirects included.
    pub timeout: Duration,
    /// Defaults to `timeout`.
    pub connect_timeout: Option<Duration>,
    pub follow_redirects: bool,
    pub max_redirects: u32,
    /// Values that must never be shown (scrubbed from previews even when a server echoes them).
    secrets: Vec<String>,
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<String> = self
            .headers
            .iter()
            .map(|(k, v)| {
                let value = String::from_utf8_lossy(v.as_bytes());
                format!("{k}: {}", self.display_header(k.as_str(), &value))
            })
            .collect();
        f.debug_struct("HttpRequest")
            .field("method", &self.method.as_str())
            .field("url", &redact::url(self.url.as_str()))
            .field("headers", &headers)
            .field("body_bytes", &self.body.as_ref().map(|b| b.len()))
            .field("timeout", &self.timeout)
            .field("follow_redirects", &self.follow_redirects)
            .finish()
    }
}

impl HttpRequest {
    /// `headers` values are taken as given (resolve `env:`/`file:` first with [`secret`]);
    /// `secret_values` lists those that came from a secret source, whatever their header name.
    pub fn new(
        method: &str,
        url: &str,
        headers: &[(String, String)],
        secret_values: &[String],
        body: Option<Vec<u8>>,
        timeout: Duration,
    ) -> Result<Self, RequestError> {
        let method = Method::from_bytes(method.trim().as_bytes())
            .map_err(|_| RequestError::Method(method.to_string()))?;
        let parsed = url::Url::parse(url.trim()).map_err(|e| RequestError::Url {
            url: redact::url(url).into_owned(),
            message: e.to_string(),
        })?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
            return Err(RequestError::Url {
                url: redact::url(url).into_owned(),
                message: "needs http:// or https:// and a host".into(),
            });
        }
        let mut secrets: Vec<String> = secret_values.to_vec();
        // Query secrets and a userinfo password would be shown redacted in the URL; a server
        // echoing them back in a body must not undo that.
        secrets.extend(
            parsed
                .query_pairs()
                .filter(|(k, v)| redact::is_secret_key(k) && !v.is_empty())
                .map(|(_, v)| v.into_owned()),
        );
        if let Some(p) = parsed.password() {
            secrets.push(p.to_string());
        }
        let mut out = Vec::with_capacity(headers.len());
        for (name, value) in headers {
            let header_err = |message: &str| RequestError::Header {
                name: name.clone(),
                message: message.to_string(),
            };
            let n = HeaderName::from_bytes(name.trim().as_bytes())
                .map_err(|_| header_err("not a header name"))?;
            let mut v = HeaderValue::from_str(value.trim())
                .map_err(|_| header_err("value holds characters a header cannot"))?;
            let secret = redact::is_secret_header(n.as_str()) || secret_values.contains(value);
            if secret {
                v.set_sensitive(true);
                secrets.push(value.trim().to_string());
            }
            out.push((n, v));
        }
        secrets.retain(|s| !s.is_empty());
        Ok(HttpRequest {
            method,
            url: parsed,
            headers: out,
            body: body.map(bytes::Bytes::from),
            timeout,
            connect_timeout: None,
            follow_redirects: false,
            max_redirects: DEFAULT_MAX_REDIRECTS,
            secrets,
        })
    }

    /// The values to scrub from anything shown about this request's answer.
    pub fn secrets(&self) -> Vec<&str> {
        self.secrets.iter().map(String::as_str).collect()
    }

    /// A request header's value as it may be shown.
    pub fn display_header(&self, name: &str, value: &str) -> String {
        let shown = redact::header_value(name, value);
        redact::scrub(&shown, &self.secrets()).into_owned()
    }

    pub fn display_url(&self) -> String {
        redact::url(self.url.as_str()).into_owned()
    }
}

/// What one hop read back.
#[derive(Clone, Debug, PartialEq)]
pub struct HttpResponse {
    pub status: u16,
    pub version: String,
    /// Raw (not yet sanitised or redacted): names as received, values lossy UTF-8.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub body_truncated: bool,
    pub cert_not_after: Option<Timestamp>,
}

/// The result of [`HttpClient::send`]: the final answer or why there was none, with timings.
#[derive(Clone, Debug, PartialEq)]
pub struct HttpExchange {
    pub outcome: Result<HttpResponse, FailureReason>,
    pub phases: PhaseTimings,
    pub redirects: u32,
    /// Redacted.
    pub final_url: String,
}
