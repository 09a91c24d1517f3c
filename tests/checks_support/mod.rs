//! Shared by the checks/probe integration tests: scripted HTTP servers on 127.0.0.1:0, a test
//! CA with leaf certificates, and a TLS server. Every server task ends with the test's runtime.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use gatewatch::sources::http::{ClientOptions, HttpClient};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::rustls;

/// What the server does with one connection, after reading the request head.
pub enum Script {
    /// Write these bytes and close.
    Reply(Vec<u8>),
    /// Write the bytes, then hold the connection open without writing more.
    ReplyThenStall(Vec<u8>),
    /// Never answer; hold the connection open.
    Stall,
    /// Wait, then write the bytes and close (a slow upstream).
    Delayed(Duration, Vec<u8>),
    /// Close at once with a TCP reset.
    Reset,
}

pub fn response(status: u16, headers: &[(&str, &str)], body: &str) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} X\r\ncontent-length: {}\r\n", body.len());
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    out.push_str(body);
    out.into_bytes()
}

/// The request head as received (request line and headers).
pub struct Seen {
    pub index: usize,
    pub head: String,
}

impl Seen {
    pub fn path(&self) -> &str {
        self.head.split(' ').nth(1).unwrap_or("")
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

async fn read_head<S: AsyncRead + Unpin>(s: &mut S) -> String {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < 64 * 1024 {
        match s.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    String::from_utf8_lossy(&buf).into_owned()
}

async fn play<S: AsyncRead + AsyncWrite + Unpin>(mut s: S, script: Script) -> Option<S> {
    match script {
        Script::Reply(bytes) => {
            let _ = s.write_all(&bytes).await;
            let _ = s.shutdown().await;
            None
        }
        Script::ReplyThenStall(bytes) => {
            let _ = s.write_all(&bytes).await;
            let _ = s.flush().await;
            Some(s)
        }
        Script::Stall => Some(s),
        Script::Delayed(wait, bytes) => {
            tokio::time::sleep(wait).await;
            let _ = s.write_all(&bytes).await;
            let _ = s.shutdown().await;
            None
        }
        Script::Reset => None,
    }
}

/// A plain-HTTP server answering each connection with `script(seen)`.
pub async fn serve<F>(script: F) -> SocketAddr
where
    F: Fn(Seen) -> Script + Send + Sync + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let script = Arc::new(script);
    let count = Arc::new(AtomicUsize::new(0));
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let script = script.clone();
            let index = count.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let head = read_head(&mut sock).await;
                let s = script(Seen { index, head });
                if matches!(s, Script::Reset) {
                    let _ = sock.set_zero_linger();
                    drop(sock);
                    return;
                }
                if let Some(held) = play(sock, s).await {
                    tokio::time::sleep(Duration::from_secs(30)).await;
                    drop(held);
                }
            });
        }
    });
    addr
}

/// A port with nothing listening on it.
pub async fn closed_port() -> SocketAddr {
    let l = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = l.local_addr().expect("addr");
    drop(l);
    addr
}

/// A listener whose accept queue is full and never drained: the kernel drops further SYNs, so
/// a connect to it hangs until the client's connect timeout. Returns the address and the
/// sockets that keep the queue full (keep them alive for the test).
pub async fn full_backlog() -> (SocketAddr, Vec<TcpStream>, tokio::net::TcpListener) {
    let sock = tokio::net::TcpSocket::new_v4().expect("socket");
    sock.bind("127.0.0.1:0".parse().expect("addr"))
        .expect("bind");
    let listener = sock.listen(0).expect("listen");
    let addr = listener.local_addr().expect("addr");
    let mut held = Vec::new();
    for _ in 0..8 {
        match tokio::time::timeout(Duration::from_millis(100), TcpStream::connect(addr)).await {
            Ok(Ok(s)) => held.push(s),
            _ => break,
        }
    }
    (addr, held, listener)
}

pub fn plain_client() -> HttpClient {
    HttpClient::new(ClientOptions::default()).expect("client")
}

/// A test CA and what it signs.
pub struct TestCa {
    pub cert: rcgen::Certificate,
    pub key: rcgen::KeyPair,
}

pub struct Leaf {
    pub der: CertificateDer<'static>,
    pub key: PrivateKeyDer<'static>,
}

impl TestCa {
    pub fn new() -> Self {
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "gatewatch test CA");
        let key = rcgen::KeyPair::generate().expect("key");
        let cert = params.self_signed(&key).expect("ca");
        TestCa { cert, key }
    }

    pub fn der(&self) -> CertificateDer<'static> {
        self.cert.der().clone()
    }

    pub fn pem(&self) -> String {
        self.cert.pem()
    }

    /// A leaf for `names`, valid from `not_before` to `not_after` (y, m, d).
    pub fn leaf(
        &self,
        names: &[&str],
        not_before: (i32, u8, u8),
        not_after: (i32, u8, u8),
    ) -> Leaf {
        let mut params =
            rcgen::CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
                .expect("params");
        params.not_before = rcgen::date_time_ymd(not_before.0, not_before.1, not_before.2);
        params.not_after = rcgen::date_time_ymd(not_after.0, not_after.1, not_after.2);
        let key = rcgen::KeyPair::generate().expect("key");
        let cert = params.signed_by(&key, &self.cert, &self.key).expect("leaf");
        Leaf {
            der: cert.der().clone(),
            key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        }
    }

    /// A client trusting only this CA.
    pub fn client(&self) -> HttpClient {
        HttpClient::new(ClientOptions {
            extra_roots: vec![self.der()],
            only_extra_roots: true,
            ..ClientOptions::default()
        })
        .expect("client")
    }
}

/// An HTTPS server presenting `leaf` and answering every request with `reply`.
pub async fn serve_tls(leaf: Leaf, reply: Vec<u8>) -> SocketAddr {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(vec![leaf.der], leaf.key)
        .expect("server cert");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            let reply = reply.clone();
            tokio::spawn(async move {
                if let Ok(mut tls) = acceptor.accept(sock).await {
                    let _ = read_head(&mut tls).await;
                    let _ = play(tls, Script::Reply(reply)).await;
                }
            });
        }
    });
    addr
}

/// Sends a GET (or `req` as built) and grades it against `expect`.
pub async fn run(
    client: &HttpClient,
    req: &gatewatch::sources::http::HttpRequest,
    expect: &gatewatch::model::check::Expectations,
) -> gatewatch::model::check::CheckResult {
    use gatewatch::sources::check::{grade, GradeInput};
    let name: Arc<str> = Arc::from("test");
    let at = gatewatch::sources::http::wall_now();
    let exchange = client.send(req).await;
    grade(
        GradeInput {
            name: &name,
            route: None,
            request: req,
            expectations: expect,
            preflight: None,
            at,
        },
        exchange,
        gatewatch::sources::http::wall_now(),
    )
}

pub fn get(url: &str, timeout_ms: u64) -> gatewatch::sources::http::HttpRequest {
    gatewatch::sources::http::HttpRequest::new(
        "GET",
        url,
        &[],
        &[],
        None,
        Duration::from_millis(timeout_ms),
    )
    .expect("request")
}

pub fn reason_code(r: &gatewatch::model::check::CheckResult) -> &'static str {
    r.reason.as_ref().map(|x| x.code()).unwrap_or("none")
}
