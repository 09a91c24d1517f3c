//! `gatewatch demo`: run only the embedded demo gateway, for other tools and tests.

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;

use crate::demo::{self, DemoOptions, DEFAULT_RPS, DEFAULT_SEED};

/// Run the embedded demo gateway (a simulated Kong 3.x node) until interrupted.
#[derive(clap::Args, Debug, Clone)]
pub struct DemoArgs {
    /// Address to listen on; loopback only (default: 127.0.0.1 on a free port).
    #[arg(long, value_name = "ADDR:PORT")]
    pub listen: Option<SocketAddr>,
    /// Write the access log here (default: access.log in a fresh temporary directory,
    /// removed on exit).
    #[arg(long, value_name = "PATH")]
    pub log_file: Option<PathBuf>,
    /// Synthetic requests per second at baseline.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_RPS,
          value_parser = clap::value_parser!(u32).range(0..=20_000))]
    pub rps: u32,
    /// Seed of the incident timeline and traffic (same seed, same story).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_SEED)]
    pub seed: u64,
}

/// Exit codes: 0 after a signal, 2 for a non-loopback `--listen`.
pub async fn run(args: DemoArgs) -> anyhow::Result<u8> {
    if let Err(msg) = check_listen(args.listen) {
        crate::diagnostics::print_error(&format!("gatewatch demo: {msg}"));
        return Ok(2);
    }
    let handle = demo::start(DemoOptions {
        listen: args.listen,
        log_file: args.log_file,
        rps: args.rps,
        seed: args.seed,
    })
    .await?;
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "metrics: {}", handle.metrics_url)?;
        writeln!(out, "base: {}", handle.base_url)?;
        writeln!(out, "log: {}", handle.log_path.display())?;
        out.flush()?;
    }
    wait_for_signal().await?;
    handle.shutdown().await;
    Ok(0)
}

/// The demo serves fake secrets and answers anyone: it must not be reachable from elsewhere.
pub fn check_listen(listen: Option<SocketAddr>) -> Result<(), String> {
    match listen {
        Some(addr) if !addr.ip().is_loopback() => Err(format!(
            "--listen {addr}: only loopback addresses (127.0.0.0/8, ::1) are allowed"
        )),
        _ => Ok(()),
    }
}

#[cfg(unix)]
async fn wait_for_signal() -> anyhow::Result<()> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut int = signal(SignalKind::interrupt())?;
    let mut term = signal(SignalKind::terminate())?;
    let mut hup = signal(SignalKind::hangup())?;
    tokio::select! {
        _ = int.recv() => {}
        _ = term.recv() => {}
        _ = hup.recv() => {}
    }
    Ok(())
}

#[cfg(not(unix))]
async fn wait_for_signal() -> anyhow::Result<()> {
    tokio::signal::ctrl_c().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_listen_addresses() {
        let cases = [
            (None, true),
            (Some("127.0.0.1:0"), true),
            (Some("127.8.9.1:9000"), true),
            (Some("[::1]:8080"), true),
            (Some("0.0.0.0:8000"), false),
            (Some("10.1.2.3:80"), false),
            (Some("[::]:8080"), false),
        ];
        for (addr, ok) in cases {
            let parsed = addr.map(|a| a.parse::<SocketAddr>().expect("valid address"));
            assert_eq!(check_listen(parsed).is_ok(), ok, "{addr:?}");
        }
    }
}
