//! The gatewatch binary: parse the command line, set up diagnostics, dispatch.

use std::process::ExitCode;

use clap::Parser;

use gatewatch::cli::Cli;

fn main() -> ExitCode {
    gatewatch::diagnostics::mark_start();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            // --help and --version are not errors.
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let _log_guard = gatewatch::diagnostics::init(&cli.log_level);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            gatewatch::diagnostics::print_error(&format!(
                "gatewatch: cannot start the runtime: {e}"
            ));
            return ExitCode::from(1);
        }
    };
    let code = runtime.block_on(gatewatch::commands::dispatch(cli));
    // Everything the command writes is written by now. Source tasks may be blocked on I/O
    // (a log source waits for lines that may never come): don't wait for them on the way out.
    runtime.shutdown_background();
    ExitCode::from(code)
}
