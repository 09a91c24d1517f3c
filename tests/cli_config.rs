//! The command line's contract: config errors name file:line:col and key and exit 2; the
//! template is a valid config; usage errors exit 2.

use assert_cmd::Command;

fn gatewatch() -> Command {
    let mut c = Command::cargo_bin("gatewatch").expect("binary builds");
    // Keep diagnostics and any user config out of the way.
    let home = tempfile::tempdir().expect("tempdir").keep();
    c.env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"));
    c.env_remove("GATEWATCH_CONFIG");
    c
}

/// Writes `text` as a config file and runs `gatewatch config check` on it: the exit code,
/// standard error, and the file's path (which the errors name).
fn config_check(dir: &std::path::Path, text: &str) -> (Option<i32>, String, std::path::PathBuf) {
    let path = dir.join("gw.toml");
    std::fs::write(&path, text).unwrap();
    let out = gatewatch()
        .args(["config", "check"])
        .arg(&path)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    (out.status.code(), err, path)
}

#[test]
fn gateway_targets_errors_name_file_line_column_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let (code, err, path) = config_check(
        dir.path(),
        "[[scrape]]\npreset = \"haproxy\"\ntargets = [\"http://10.0.0.1:8405/metrics\", \"http://10.0.0.2:8405/metrics\"]\n",
    );
    assert_eq!(code, Some(2));
    let want = format!(
        "{}:3:11: key `scrape[0].targets`: `targets` needs `gateway = \"NAME\"`",
        path.display()
    );
    assert!(err.contains(&want), "{err}");

    let (code, err, _) = config_check(
        dir.path(),
        "[[scrape]]\ngateway = \"edge\"\npreset = \"haproxy\"\ntargets = [\"http://10.0.0.1:8405/metrics\", \"http://10.0.0.2:8405/metrics\"]\n",
    );
    assert_eq!(code, Some(0), "{err}");
}

#[test]
fn bad_config_names_file_line_column_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let (code, err, path) = config_check(dir.path(), "[dashboard]\nwindow = \"1m\"\n\n[[scrape]]\nurl = \"http://127.0.0.1:9/metrics\"\ninterval = \"5 parsecs\"\n");
    assert_eq!(code, Some(2));
    let want = format!(
        "{}:6:12: key `scrape[0].interval`: invalid duration",
        path.display()
    );
    assert!(err.contains(&want), "{err}");

    // The dashboard and snapshot refuse it the same way, before touching the terminal.
    let out = gatewatch().arg("--config").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains(":6:12:"));
    let out = gatewatch()
        .args(["snapshot", "--wait", "0s", "--config"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn unknown_key_is_reported_with_its_table() {
    let dir = tempfile::tempdir().unwrap();
    let (code, err, _) = config_check(
        dir.path(),
        "[[log]]\npath = \"/var/log/nginx/access.log\"\nfromat = \"combined\"\n",
    );
    assert_eq!(code, Some(2));
    assert!(
        err.contains(":3:1: key `log[0].fromat`: unknown field `fromat`"),
        "{err}"
    );
}

#[test]
fn template_checks_clean() {
    let out = gatewatch().args(["config", "template"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.toml");
    std::fs::write(&path, &out.stdout).unwrap();
    let out = gatewatch()
        .args(["config", "check"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    assert_eq!(
        gatewatch()
            .args(["snapshot", "--wait", "soon"])
            .output()
            .unwrap()
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        gatewatch()
            .args(["--no-such-flag"])
            .output()
            .unwrap()
            .status
            .code(),
        Some(2)
    );
    let help = gatewatch().arg("--help").output().unwrap();
    assert_eq!(help.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&help.stdout).contains("snapshot"));
}

#[test]
fn a_down_target_is_reported_failing_with_exit_1() {
    // Bind and drop to find a port that refuses connections.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://user:hunter2@127.0.0.1:{port}/metrics?token=s3cr3tvalue");
    let out = gatewatch()
        .args(["snapshot", "--wait", "1s", "--scrape", &url])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    let src = &doc["sources"][0];
    assert_eq!(src["state"], "failing");
    assert_eq!(src["healthy"], false);
    assert!(
        src["last_error"].as_str().unwrap().contains("connect"),
        "{src}"
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        !text.contains("hunter2") && !text.contains("s3cr3tvalue"),
        "{text}"
    );
}

#[test]
fn config_check_reports_bad_team_runbooks_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let books = dir.path().join("runbooks");
    std::fs::create_dir(&books).unwrap();
    std::fs::write(
        books.join("broken.md"),
        "+++\nid = \"team-502\"\ntitle = 42\n+++\nbody\n",
    )
    .unwrap();
    let path = dir.path().join("gw.toml");
    std::fs::write(
        &path,
        format!("runbooks_dir = {:?}\n", books.display().to_string()),
    )
    .unwrap();
    let out = gatewatch()
        .args(["config", "check"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("broken.md:3:"), "{err}");
}

#[test]
fn a_log_format_without_status_is_refused_with_its_key() {
    let dir = tempfile::tempdir().unwrap();
    let (code, err, path) = config_check(
        dir.path(),
        "[[log]]\npath = \"/var/log/nginx/access.log\"\nlog_format = '$remote_addr \"$request\"'\n",
    );
    assert_eq!(code, Some(2));
    let want = format!(
        "{}:3:14: key `log[0].log_format`: log_format: log_format has no $status variable",
        path.display()
    );
    assert!(err.contains(&want), "{err}");
}
