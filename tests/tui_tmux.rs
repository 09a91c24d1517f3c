//! The dashboard for real: the binary in tmux at 80x24 on the demo. Keys move the selection,
//! q quits, SIGTERM and SIGHUP end it, and the shell is left clean each time.

use std::process::Command;
use std::time::{Duration, Instant};

fn tmux_available() -> bool {
    let ok = Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        if std::env::var_os("GATEWATCH_REQUIRE_GATEWAYS").is_some() {
            panic!("tmux is required in CI for the terminal tests");
        }
        eprintln!("SKIPPED: tmux not installed; the terminal end-to-end tests did not run");
    }
    ok
}

struct Session {
    name: String,
    socket: String,
}

impl Session {
    fn start(home: &std::path::Path) -> Session {
        let name = format!("gw{}", std::process::id());
        let socket = home.join("tmux.sock").display().to_string();
        let bin = env!("CARGO_BIN_EXE_gatewatch");
        let cmd = format!(
            "HOME={h} XDG_CONFIG_HOME={h}/c XDG_STATE_HOME={h}/s {bin}; echo GW-EXIT=$?; stty -a | grep -q ' icanon ' && echo TTY-COOKED; sleep 60",
            h = home.display()
        );
        let st = Command::new("tmux")
            .args([
                "-S",
                &socket,
                "new-session",
                "-d",
                "-s",
                &name,
                "-x",
                "80",
                "-y",
                "24",
                &cmd,
            ])
            .env_remove("GATEWATCH_CONFIG")
            .status()
            .unwrap();
        assert!(st.success());
        Session { name, socket }
    }

    fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["-S", &self.socket, "capture-pane", "-p", "-t", &self.name])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["-S", &self.socket, "send-keys", "-t", &self.name];
        args.extend_from_slice(keys);
        assert!(Command::new("tmux").args(args).status().unwrap().success());
    }

    fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
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
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn pid(&self) -> u32 {
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
        // The pane runs sh -c; gatewatch is its child.
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

impl Drop for Session {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-S", &self.socket, "kill-server"])
            .status();
    }
}

fn marker_row(screen: &str) -> Option<usize> {
    screen.lines().position(|l| l.contains('▶'))
}

/// The selected route's name: the selection follows the route, not the row, as ranks move.
fn selected(screen: &str) -> Option<String> {
    let line = screen.lines().find(|l| l.contains('▶'))?;
    let after = line.split('▶').nth(1)?;
    Some(after.split("  ").next()?.trim().to_string())
}

#[test]
fn dashboard_in_tmux_moves_quits_and_restores() {
    if !tmux_available() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let s = Session::start(home.path());
    let first = s.wait_for("the dashboard", |sc| {
        sc.contains("DEMO")
            && sc.contains("ROUTE")
            && sc.lines().filter(|l| l.contains("/s ")).count() >= 8
            && marker_row(sc).is_some()
    });
    assert!(first.contains("? help"), "footer hints:\n{first}");
    // The first row is selected; its detail pane is open.
    assert_eq!(marker_row(&first), Some(4), "{first}");
    let top = selected(&first).unwrap();
    assert!(
        first.contains(&format!("┌ {top}")),
        "detail pane of the selection:\n{first}"
    );
    s.keys(&["j"]);
    let moved = s.wait_for("the selection to move down", |sc| {
        selected(sc).is_some_and(|r| r != top)
    });
    let second = selected(&moved).unwrap();
    s.keys(&["k"]);
    s.wait_for("the selection to move back", |sc| {
        selected(sc).is_some_and(|r| r != second)
    });
    s.keys(&["?"]);
    s.wait_for("the help overlay", |sc| {
        sc.contains("Show or hide the key bindings")
    });
    s.keys(&["Escape"]);
    s.wait_for("the help to close", |sc| {
        !sc.contains("Show or hide the key bindings")
    });
    s.keys(&["q"]);
    let after = s.wait_for("a clean exit", |sc| {
        sc.contains("GW-EXIT=0") && sc.contains("TTY-COOKED")
    });
    assert!(
        !after.contains("ROUTE"),
        "the alternate screen is gone:\n{after}"
    );
}

#[test]
fn sigterm_and_sighup_leave_the_terminal_clean() {
    if !tmux_available() {
        return;
    }
    for sig in ["-TERM", "-HUP"] {
        let home = tempfile::tempdir().unwrap();
        let s = Session::start(home.path());
        s.wait_for("the dashboard", |sc| sc.contains("ROUTE"));
        let pid = s.pid();
        assert!(Command::new("kill")
            .args([sig, &pid.to_string()])
            .status()
            .unwrap()
            .success());
        let after = s.wait_for("a clean exit", |sc| {
            sc.contains("GW-EXIT=0") && sc.contains("TTY-COOKED")
        });
        assert!(
            !after.contains("ROUTE"),
            "{sig}: alternate screen left:\n{after}"
        );
    }
}
