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
                println!(
                    "{}: ok ({} scrape, {} log sources)",
                    file.display(),
                    cfg.scrape.len(),
                    cfg.log.len()
                );
                0
            }
            Err(e) => {
                eprintln!("gatewatch: config error: {e}");
                2
            }
        },
    }
}
