//! The dashboard for real: the binary in tmux at 80x24 on the demo. Keys move the selection,
//! q quits, SIGTERM and SIGHUP end it, and the shell is left clean each time.

use std::process::Command;

mod tmux_support;
use tmux_support::{selected, tmux_available, Tmux};

fn marker_row(screen: &str) -> Option<usize> {
    screen.lines().position(|l| l.contains('▶'))
}

#[test]
fn dashboard_in_tmux_moves_quits_and_restores() {
    if !tmux_available("the terminal end-to-end tests") {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let s = Tmux::start(
        home.path(),
        "gw",
        "",
        "stty -a | grep -q ' icanon ' && echo TTY-COOKED;",
    );
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
        sc.contains(" keys ") && sc.contains("? or esc closes this")
    });
    s.keys(&["Escape"]);
    s.wait_for("the help to close", |sc| {
        !sc.contains("? or esc closes this")
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
    if !tmux_available("the terminal end-to-end tests") {
        return;
    }
    for sig in ["-TERM", "-HUP"] {
        let home = tempfile::tempdir().unwrap();
        let s = Tmux::start(
            home.path(),
            "gw",
            "",
            "stty -a | grep -q ' icanon ' && echo TTY-COOKED;",
        );
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

/// The pane is killed (as when an SSH session drops): the terminal hangs up under the running
/// dashboard. gatewatch must exit, not spin on a dead terminal or panic on a dead stderr.
#[test]
fn a_hung_up_terminal_ends_the_dashboard() {
    if !tmux_available("the terminal end-to-end tests") {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let s = Tmux::start(home.path(), "gwhup", "", "");
    s.wait_for("the dashboard", |sc| sc.contains("ROUTE"));
    let pid = s.pid();
    assert!(Command::new("tmux")
        .args(["-S", &s.socket, "kill-session", "-t", &s.name])
        .status()
        .unwrap()
        .success());
    // A zombie waiting for its parent to reap it has exited too.
    let alive = || {
        std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|st| {
            st.rsplit(')')
                .next()
                .is_some_and(|r| !r.trim_start().starts_with('Z'))
        })
    };
    let mut waited = 0;
    while alive() && waited < 200 {
        std::thread::sleep(std::time::Duration::from_millis(50));
        waited += 1;
    }
    if alive() {
        let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
        panic!("gatewatch (pid {pid}) still runs 10 s after its terminal hung up");
    }
    let log = std::fs::read_to_string(home.path().join("s/gatewatch/gatewatch.log")).unwrap();
    assert!(!log.contains("panic"), "it panicked on the way out:\n{log}");
}
