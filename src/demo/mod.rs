//! The embedded demo gateway (being built).

use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Clone, Default)]
pub struct DemoOptions {
    pub listen: Option<SocketAddr>,
    pub log_file: Option<PathBuf>,
    pub rps: u32,
    pub seed: u64,
}

pub struct DemoHandle {
    pub metrics_url: String,
    pub base_url: String,
    pub log_path: PathBuf,
}

pub async fn start(_opts: DemoOptions) -> anyhow::Result<DemoHandle> {
    anyhow::bail!("the demo gateway is not available in this build")
}
