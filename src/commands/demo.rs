//! `gatewatch demo` (being built).

#[derive(Debug, clap::Args)]
pub struct DemoArgs {}

pub async fn run(_args: DemoArgs) -> anyhow::Result<u8> {
    anyhow::bail!("the demo gateway is not available in this build")
}
