//! I/O: rustls client configuration (ring provider, HTTP/1.1 ALPN) and the mapping of rustls
//! handshake errors onto [`TlsFailure`].

use std::io;
use std::sync::Arc;

use rustls_pki_types::CertificateDer;
use tokio_rustls::rustls::{self, CertificateError, ClientConfig, RootCertStore};

use super::ClientError;
use crate::model::check::TlsFailure;
use crate::sanitize::sanitize;

pub(super) fn client_config(
    extra_roots: &[CertificateDer<'static>],
    only_extra: bool,
) -> Result<ClientConfig, ClientError> {
    let mut roots = RootCertStore::empty();
    if !only_extra {
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    }
    for cert in extra_roots {
        roots
            .add(cert.clone())
            .map_err(|e| ClientError::Tls(format!("extra CA certificate: {e}")))?;
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| ClientError::Tls(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// Which TLS failure a handshake error is, and its detail in words.
pub(super) fn classify(err: &io::Error) -> (TlsFailure, String) {
    let inner = err
        .get_ref()
        .and_then(|e| e.downcast_ref::<rustls::Error>());
    let failure = match inner {
        Some(rustls::Error::InvalidCertificate(ce)) => match ce {
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                TlsFailure::Expired
            }
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                TlsFailure::NameMismatch
            }
            CertificateError::UnknownIssuer
            | CertificateError::BadSignature
            | CertificateError::BadEncoding
            | CertificateError::InvalidPurpose
            | CertificateError::InvalidPurposeContext { .. }
            | CertificateError::Revoked => TlsFailure::Untrusted,
            _ => TlsFailure::Handshake,
        },
        _ => TlsFailure::Handshake,
    };
    let detail = match inner {
        Some(e) => e.to_string(),
        None if err.kind() == io::ErrorKind::UnexpectedEof => {
            "the server closed the connection during the handshake".to_string()
        }
        None => err.to_string(),
    };
    (failure, sanitize(&detail).into_owned())
}
