//! PURE: an ad-hoc probe as the user described it (the `probe` command's flags, the probe
//! dialog's fields), before it is resolved into a request.

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

/// What the user asked for, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProbeRequest {
    pub method: String,
    /// Absolute, or a path joined to `[probe] base_url`.
    pub url: String,
    /// Values may be `env:NAME` or `file:PATH`.
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
    /// Send a CORS preflight from this origin instead of the request itself.
    pub cors_origin: Option<String>,
    pub cors_credentials: bool,
    /// Defaults to `[probe] timeout`, then 5 s.
    pub timeout: Option<Duration>,
    pub follow_redirects: bool,
    /// Extra CA certificates; defaults to `[probe] ca_file`.
    pub ca_file: Option<PathBuf>,
    pub resolve: Vec<(String, IpAddr)>,
}

/// `K: V` → (`K`, `V`); `None` when there is no colon or no name.
pub fn parse_header_arg(arg: &str) -> Option<(String, String)> {
    let (k, v) = arg.split_once(':')?;
    let k = k.trim();
    (!k.is_empty()).then(|| (k.to_string(), v.trim().to_string()))
}
