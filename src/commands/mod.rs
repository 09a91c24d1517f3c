//! Headless commands: they use the same sources, store and view model as the dashboard and
//! print text, JSON or Markdown instead of drawing. Exit codes: 0 ok, 1 the command ran and
//! found a failure, 2 usage or config error.

pub mod check;
pub mod config_cmd;
pub mod demo;
pub mod inspect;
pub mod probe;
pub mod runbook;
pub mod snapshot;

use crate::cli::{Cli, Command};
use crate::sources::plan;

/// Runs the parsed command line; returns the exit code.
pub async fn dispatch(cli: Cli) -> u8 {
    let result = match cli.command {
        Some(Command::Config(c)) => return config_cmd::run(c),
        Some(Command::Demo(args)) => demo::run(args).await,
        Some(Command::Inspect(args)) => inspect::run(args).await,
        Some(Command::Check(args)) => check::run(args).await,
        Some(Command::Probe(args)) => probe::run(args).await,
        Some(Command::Runbook(mut args)) => {
            // Without --runbooks-dir, the config's runbooks_dir (if a config is in use) applies.
            if args.runbooks_dir.is_none() {
                let path = std::env::var_os("GATEWATCH_CONFIG")
                    .map(std::path::PathBuf::from)
                    .or_else(crate::config::default_path);
                if let Some(path) = path {
                    match crate::config::load(&path) {
                        Ok(cfg) => args.runbooks_dir = cfg.runbooks_dir.map(|d| d.into_inner()),
                        Err(e) => return config_error(e),
                    }
                }
            }
            runbook::run(args).await
        }
        Some(Command::Snapshot(args)) => {
            match plan::resolve(&args.sources, args.sources.from_start) {
                Ok(p) => snapshot::run(args, p).await,
                Err(e) => return config_error(e),
            }
        }
        None => match plan::resolve(&cli.sources, cli.sources.from_start) {
            Ok(p) => crate::app::run(p, cli.theme.as_deref()).await,
            Err(e) => return config_error(e),
        },
    };
    match result {
        Ok(code) => code,
        // The reader went away (`gatewatch runbook 429 | head`): not an error.
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            0
        }
        Err(e) => {
            let msg = crate::sanitize::sanitize(&format!("{e:#}")).into_owned();
            crate::diagnostics::print_error(&format!("gatewatch: {msg}"));
            1
        }
    }
}

fn config_error(e: crate::config::ConfigError) -> u8 {
    crate::diagnostics::print_error(&format!("gatewatch: config error: {e}"));
    2
}
