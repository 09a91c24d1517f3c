//! Shared helpers for the terminal end-to-end tests: the binary in a private tmux server at
//! 80x24, screen capture, keys, bounded waits, and the selected route read off the screen.

#![allow(dead_code)] // each test file uses a different subset

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// tmux is there; without it the test is skipped loudly, or fails in CI.
pub fn tmux_available(what: &str) -> bool {
    let ok = Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        if std::env::var_os("GATEWATCH_REQUIRE_GATEWAYS").is_some() {
            panic!("tmux is required in CI for the terminal tests");
        }
        eprintln!("SKIPPED: tmux not installed; {what} did not run");
    }
    ok
}

pub struct Tmux {
    pub name: String,
    pub socket: String,
}

impl Tmux {
    /// Runs `gatewatch ARGS` with its own HOME, then `GW-EXIT=<code>` and `then` (more shell).
    pub fn start(home: &Path, tag: &str, args: &str, then: &str) -> Tmux {
        let name = format!("{tag}{}", std::process::id());
        let socket = home.join("tmux.sock").display().to_string();
        let bin = env!("CARGO_BIN_EXE_gatewatch");
        let cmd = format!(
            "HOME={h} XDG_CONFIG_HOME={h}/c XDG_STATE_HOME={h}/s {bin} {args}; echo GW-EXIT=$?; {then} sleep 60",
            h = home.display()
        );
        let st = Command::new("tmux")
            .args(["-S", &socket, "new-session", "-d", "-s", &name])
            .args(["-x", "80", "-y", "24", &cmd])
            .env_remove("GATEWATCH_CONFIG")
            .status()
            .expect("tmux runs");
        assert!(st.success());
        Tmux { name, socket }
    }

    pub fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["-S", &self.socket, "capture-pane", "-p", "-t", &self.name])
            .output()
            .expect("capture-pane");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["-S", &self.socket, "send-keys", "-t", &self.name];
        args.extend_from_slice(keys);
        assert!(Command::new("tmux")
            .args(args)
            .status()
            .expect("send-keys")
            .success());
    }

    /// Polls the screen until `pred` holds; fails after 20 s with the screen in the message.
    pub fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let s = self.screen();
            if pred(&s) {
                return s;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The gatewatch process in the pane (the pane runs `sh -c`; gatewatch is its child).
    pub fn pid(&self) -> u32 {
        let out = Command::new("tmux")
            .args([
                "-S",
                &self.socket,
                "list-panes",
                "-t",
                &self.name,
                "-F",
                "#{pane_pid}",
            ])
            .output()
            .unwrap();
        let shell: u32 = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap();
        let out = Command::new("pgrep")
            .args(["-P", &shell.to_string(), "gatewatch"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .expect("gatewatch is running")
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-S", &self.socket, "kill-server"])
            .status();
    }
}

/// The selected route's name: the selection follows the route, not the row, as ranks move.
pub fn selected(screen: &str) -> Option<String> {
    let line = screen.lines().find(|l| l.contains('▶'))?;
    let after = line.split('▶').nth(1)?;
    Some(after.split("  ").next()?.trim().to_string())
}
