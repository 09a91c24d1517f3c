//! Running the `gatewatch` binary from tests: an isolated home (no user config, diagnostics in
//! a temporary state directory) and a bounded run whose success is asserted.

use std::ffi::OsStr;
use std::time::Duration;

/// Runs `gatewatch ARGS` with a fresh home, for at most 60 s; asserts exit code 0 and returns
/// standard output.
pub fn run_ok<I, S>(args: I) -> Vec<u8>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let home = tempfile::tempdir().expect("tempdir");
    let out = assert_cmd::Command::cargo_bin("gatewatch")
        .expect("the gatewatch binary")
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_STATE_HOME", home.path().join("state"))
        .env_remove("GATEWATCH_CONFIG")
        .args(args)
        .timeout(Duration::from_secs(60))
        .output()
        .expect("gatewatch runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}
