//! Diagnostics go to a log file under the XDG state directory, never to the screen.

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

/// Where the log file lives: `$XDG_STATE_HOME/gatewatch/gatewatch.log` (or the platform's
/// equivalent). `None` when no home directory can be found; then diagnostics are dropped.
pub fn log_dir() -> Option<std::path::PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "gatewatch")?;
    Some(
        dirs.state_dir()
            .unwrap_or_else(|| dirs.data_local_dir())
            .to_path_buf(),
    )
}

static STARTED: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

/// Marks the process start; call first thing in `main`.
pub fn mark_start() {
    STARTED.get_or_init(std::time::Instant::now);
}

/// Time since [`mark_start`] (for the start-to-first-frame figure in the log).
pub fn since_start() -> std::time::Duration {
    STARTED.get_or_init(std::time::Instant::now).elapsed()
}

pub fn init(level: &str) -> Option<WorkerGuard> {
    let dir = log_dir()?;
    std::fs::create_dir_all(&dir).ok()?;
    let appender = tracing_appender::rolling::never(&dir, "gatewatch.log");
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = EnvFilter::try_new(format!("gatewatch={level}"))
        .unwrap_or_else(|_| EnvFilter::new("gatewatch=info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .try_init()
        .ok()?;
    Some(guard)
}

/// Writes one line to stderr, ignoring failure: after an SSH session drops, stderr is a
/// hung-up terminal, and `eprintln!` would panic on the way out instead of exiting.
pub fn print_error(line: &str) {
    use std::io::Write;
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{line}");
}
