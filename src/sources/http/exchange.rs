//! I/O: one request on one fresh connection, timing each phase and naming each failure.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use http::{header, HeaderName, HeaderValue, Method, Request};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use rustls_pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio::time::{timeout_at, Instant};

use super::{cert, tls, HttpClient, HttpResponse};
use crate::model::check::{FailureReason, Phase, PhaseTimings, TlsFailure};
use crate::sanitize::sanitize;

/// What one hop sends.
pub(super) struct Hop<'a> {
    pub method: &'a Method,
    pub url: &'a url::Url,
    pub headers: &'a [(HeaderName, HeaderValue)],
    pub body: Option<&'a bytes::Bytes>,
    pub deadline: Instant,
    pub connect_deadline: Instant,
}

const USER_AGENT: &str = concat!("gatewatch/", env!("CARGO_PKG_VERSION"));

fn since(t: Instant) -> Duration {
    Instant::now().saturating_duration_since(t)
}

/// `.invalid` never resolves (RFC 6761): answer at once instead of asking a resolver.
fn reserved_invalid(host: &str) -> bool {
    let h = host.trim_end_matches('.').to_ascii_lowercase();
    h == "invalid" || h.ends_with(".invalid")
}

async fn resolve(
    client: &HttpClient,
    url: &url::Url,
    port: u16,
    deadline: Instant,
    phases: &mut PhaseTimings,
) -> Result<Vec<SocketAddr>, FailureReason> {
    let domain = match url.host() {
        Some(url::Host::Ipv4(ip)) => return Ok(vec![SocketAddr::new(ip.into(), port)]),
        Some(url::Host::Ipv6(ip)) => return Ok(vec![SocketAddr::new(ip.into(), port)]),
        Some(url::Host::Domain(d)) => d,
        None => {
            return Err(FailureReason::Dns {
                detail: "the URL has no host".into(),
            })
        }
    };
    if let Some(ip) = client.resolve.get(&domain.to_ascii_lowercase()) {
        return Ok(vec![SocketAddr::new(*ip, port)]);
    }
    let name = sanitize(domain).into_owned();
    if reserved_invalid(domain) {
        return Err(FailureReason::Dns {
            detail: format!("{name} is under .invalid and never resolves"),
        });
    }
    let started = Instant::now();
    let looked_up = timeout_at(deadline, tokio::net::lookup_host((domain, port))).await;
    phases.dns = Some(since(started));
    match looked_up {
        Err(_) => Err(FailureReason::Dns {
            detail: format!("resolving {name} timed out"),
        }),
        Ok(Err(e)) => Err(FailureReason::Dns {
            detail: format!("{name}: {}", sanitize(&e.to_string())),
        }),
        Ok(Ok(addrs)) => {
            let list: Vec<SocketAddr> = addrs.collect();
            if list.is_empty() {
                Err(FailureReason::Dns {
                    detail: format!("{name} has no addresses"),
                })
            } else {
                Ok(list)
            }
        }
    }
}

async fn connect(
    addrs: &[SocketAddr],
    deadline: Instant,
    phases: &mut PhaseTimings,
) -> Result<TcpStream, FailureReason> {
    let started = Instant::now();
    let mut last = FailureReason::ConnectRefused;
    for addr in addrs {
        match timeout_at(deadline, TcpStream::connect(addr)).await {
            Err(_) => {
                phases.connect = Some(since(started));
                return Err(FailureReason::ConnectTimeout);
            }
            Ok(Ok(stream)) => {
                phases.connect = Some(since(started));
                // Small requests: do not wait for Nagle.
                let _ = stream.set_nodelay(true);
                return Ok(stream);
            }
            Ok(Err(e)) => {
                last = match e.kind() {
                    io::ErrorKind::ConnectionRefused => FailureReason::ConnectRefused,
                    io::ErrorKind::TimedOut => FailureReason::ConnectTimeout,
                    _ => FailureReason::ConnectFailed {
                        detail: sanitize(&e.to_string()).into_owned(),
                    },
                };
            }
        }
    }
    phases.connect = Some(since(started));
    Err(last)
}

pub(super) async fn one_hop(
    client: &HttpClient,
    hop: &Hop<'_>,
    phases: &mut PhaseTimings,
) -> Result<HttpResponse, FailureReason> {
    let port = hop.url.port_or_known_default().unwrap_or(80);
    let addrs = resolve(client, hop.url, port, hop.connect_deadline, phases).await?;
    let tcp = connect(&addrs, hop.connect_deadline, phases).await?;
    if hop.url.scheme() != "https" {
        return http1(client, tcp, hop, phases, None).await;
    }
    let host = hop.url.host_str().unwrap_or_default();
    let name = ServerName::try_from(
        host.trim_start_matches('[')
            .trim_end_matches(']')
            .to_string(),
    )
    .map_err(|e| FailureReason::Tls {
        failure: TlsFailure::Handshake,
        detail: format!("not a TLS server name: {e}"),
    })?;
    let connector = tokio_rustls::TlsConnector::from(client.tls.clone());
    let started = Instant::now();
    let handshake = timeout_at(hop.deadline, connector.connect(name, tcp)).await;
    phases.tls = Some(since(started));
    let stream = match handshake {
        Err(_) => {
            return Err(FailureReason::Tls {
                failure: TlsFailure::Handshake,
                detail: "timed out".into(),
            })
        }
        Ok(Err(e)) => {
            let (failure, detail) = tls::classify(&e);
            return Err(FailureReason::Tls { failure, detail });
        }
        Ok(Ok(s)) => s,
    };
    let not_after = stream
        .get_ref()
        .1
        .peer_certificates()
        .and_then(|certs| certs.first())
        .and_then(|leaf| cert::not_after(leaf.as_ref()));
    http1(client, stream, hop, phases, not_after).await
}

fn build_request(hop: &Hop<'_>) -> Result<Request<Full<bytes::Bytes>>, FailureReason> {
    let target = match hop.url.query() {
        Some(q) => format!("{}?{q}", hop.url.path()),
        None => hop.url.path().to_string(),
    };
    let host = match hop.url.port() {
        Some(p) => format!("{}:{p}", hop.url.host_str().unwrap_or_default()),
        None => hop.url.host_str().unwrap_or_default().to_string(),
    };
    let mut b = Request::builder().method(hop.method.clone()).uri(target);
    let given = |n: &HeaderName| hop.headers.iter().any(|(k, _)| k == n);
    for (name, value) in [
        (header::HOST, host.as_str()),
        (header::USER_AGENT, USER_AGENT),
        (header::ACCEPT, "*/*"),
    ] {
        if !given(&name) {
            b = b.header(name, value);
        }
    }
    // One connection per request: say so, so the server closes instead of waiting.
    b = b.header(header::CONNECTION, "close");
    for (k, v) in hop.headers {
        b = b.header(k, v);
    }
    let body = hop.body.cloned().unwrap_or_default();
    b.body(Full::new(body))
        .map_err(|e| FailureReason::BadResponse {
            detail: format!("could not build the request: {e}"),
        })
}

fn hyper_failure(e: &hyper::Error, phase: Phase) -> FailureReason {
    if e.is_parse() || e.is_parse_status() || e.is_parse_too_large() {
        FailureReason::BadResponse {
            detail: sanitize(&e.to_string()).into_owned(),
        }
    } else {
        FailureReason::ConnectionReset { phase }
    }
}

/// Aborts the spawned connection driver however the hop ends.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

async fn http1<S>(
    client: &HttpClient,
    io: S,
    hop: &Hop<'_>,
    phases: &mut PhaseTimings,
    cert_not_after: Option<crate::model::time::Timestamp>,
) -> Result<HttpResponse, FailureReason>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let request = build_request(hop)?;
    let (mut sender, conn) = timeout_at(
        hop.deadline,
        hyper::client::conn::http1::handshake(TokioIo::new(io)),
    )
    .await
    .map_err(|_| FailureReason::HeadersTimeout)?
    .map_err(|e| hyper_failure(&e, Phase::Headers))?;
    let _driver = AbortOnDrop(tokio::spawn(async move {
        let _ = conn.await;
    }));
    let started = Instant::now();
    let response = match timeout_at(hop.deadline, sender.send_request(request)).await {
        Err(_) => return Err(FailureReason::HeadersTimeout),
        Ok(Err(e)) => return Err(hyper_failure(&e, Phase::Headers)),
        Ok(Ok(r)) => r,
    };
    phases.ttfb = Some(since(started));
    let (parts, mut body) = response.into_parts();
    let mut bytes = Vec::new();
    let mut truncated = false;
    if hop.method != Method::HEAD {
        loop {
            match timeout_at(hop.deadline, body.frame()).await {
                Err(_) => return Err(FailureReason::BodyTimeout),
                Ok(None) => break,
                Ok(Some(Err(e))) => return Err(hyper_failure(&e, Phase::Body)),
                Ok(Some(Ok(frame))) => {
                    if let Some(data) = frame.data_ref() {
                        let room = client.body_limit.saturating_sub(bytes.len());
                        bytes.extend_from_slice(&data[..data.len().min(room)]);
                        if data.len() > room {
                            truncated = true;
                            break;
                        }
                    }
                }
            }
        }
    }
    let headers = parts
        .headers
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    Ok(HttpResponse {
        status: parts.status.as_u16(),
        version: format!("{:?}", parts.version),
        headers,
        body: bytes,
        body_truncated: truncated,
        cert_not_after,
    })
}
