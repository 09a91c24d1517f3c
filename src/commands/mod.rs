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
        Some(Command::Snapshot(args)) => match plan::resolve(&args.sources, args.from_start) {
            Ok(p) => snapshot::run(args, p).await,
            Err(e) => return config_error(e),
        },
        None => match plan::resolve(&cli.sources, false) {
            Ok(p) => crate::app::run(p, cli.theme.as_deref()).await,
            Err(e) => return config_error(e),
        },
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            let msg = crate::sanitize::sanitize(&format!("{e:#}")).into_owned();
            eprintln!("gatewatch: {msg}");
            1
        }
    }
}

fn config_error(e: crate::config::ConfigError) -> u8 {
    eprintln!("gatewatch: config error: {e}");
    2
}
