//! `gatewatch config template` and `gatewatch config check FILE`.

use crate::cli::ConfigCommand;

pub fn run(cmd: ConfigCommand) -> u8 {
    match cmd {
        ConfigCommand::Template => {
            print!("{}", crate::config::TEMPLATE);
            0
        }
        ConfigCommand::Check { file } => match crate::config::load(&file) {
            Ok(cfg) => {
                // Team runbooks: every problem with file and line; an error fails the check
                // (the shipped runbooks still load at run time).
                let mut runbook_errors = 0;
                if let Some(dir) = &cfg.runbooks_dir {
                    for d in crate::runbook::check_runbooks_dir(dir.get_ref()) {
                        runbook_errors += usize::from(d.is_error());
                        crate::diagnostics::print_error(&format!("{d}"));
                    }
                }
                if runbook_errors > 0 {
                    crate::diagnostics::print_error(&format!(
                        "gatewatch: config error: {runbook_errors} runbook file(s) have errors"
                    ));
                    return 2;
                }
                println!(
                    "{}: ok ({} scrape, {} log sources, {} checks)",
                    file.display(),
                    cfg.scrape.len(),
                    cfg.log.len(),
                    cfg.checks.len()
                );
                0
            }
            Err(e) => {
                crate::diagnostics::print_error(&format!("gatewatch: config error: {e}"));
                2
            }
        },
    }
}
