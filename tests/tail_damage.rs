//! Damaged input: partial lines, bytes that are not UTF-8, oversize lines, unreadable files.

mod tail_support;

use std::fs;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Command;

use gatewatch::sources::tail::TailEvent;
use tail_support::*;

#[test]
fn a_partial_last_line_is_held_until_its_newline() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("access.log");
    let mut writer = open_append(&log);
    let mut tail = Tail::ready(spec(&log));

    writer.write_all(b"h 1\nh 2 first half").expect("write");
    tail.until_line("h", 1);
    writer.write_all(b", second half\nh 3\n").expect("write");
    tail.until_line("h", 3);
    let lines: Vec<Vec<u8>> = tail.lines().into_iter().map(|(_, l)| l).collect();
    // Had the half line been handed out early, it would show up as two lines.
    assert_eq!(
        lines,
        [
            b"h 1".to_vec(),
            b"h 2 first half, second half".to_vec(),
            b"h 3".to_vec()
        ]
    );
}

#[test]
fn invalid_utf8_and_nul_bytes_pass_through_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("access.log");
    let mut writer = open_append(&log);
    let mut tail = Tail::ready(spec(&log));

    let raw: &[&[u8]] = &[
        b"u 1 \xff\xfe bad utf-8",
        b"u 2 \x00\x00 nul bytes \x00",
        b"u 3 \xe2\x82 truncated sequence",
        b"u 4 \x1b[31m escape kept for the sanitiser",
        b"u 5 plain",
    ];
    for line in raw {
        writer.write_all(line).expect("write");
        writer.write_all(b"\n").expect("write");
    }
    tail.until("five lines", |t| t.lines().len() == raw.len());
    let got: Vec<Vec<u8>> = tail.lines().into_iter().map(|(_, l)| l).collect();
    let want: Vec<Vec<u8>> = raw.iter().map(|l| l.to_vec()).collect();
    assert_eq!(got, want);
}

#[test]
fn an_oversize_line_is_skipped_and_reported_and_the_next_lines_are_intact() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("access.log");
    let mut writer = open_append(&log);
    let tail_spec = spec(&log);
    let max = tail_spec.max_line_bytes;
    let mut tail = Tail::ready(tail_spec);

    write_numbered(&mut writer, "o", 1..=3);
    // Written in pieces, as a slow writer would, so it spans several reads.
    let long = vec![b'x'; max + 1];
    for piece in long.chunks(max / 3) {
        writer.write_all(piece).expect("write");
    }
    writer.write_all(b"\n").expect("write");
    write_numbered(&mut writer, "o", 4..=6);
    // Exactly at the limit is still a line.
    let mut at_limit = b"o 7 ".to_vec();
    at_limit.resize(max, b'y');
    writer.write_all(&at_limit).expect("write");
    writer.write_all(b"\n").expect("write");
    write_numbered(&mut writer, "o", 8..=9);

    tail.until_line("o", 9);
    tail.assert_exactly("o", 1..=9);
    let oversize: Vec<u64> = tail
        .events
        .iter()
        .filter_map(|e| match e {
            TailEvent::Oversize { bytes, .. } => Some(*bytes),
            _ => None,
        })
        .collect();
    assert_eq!(oversize, [max as u64 + 1]);
    assert!(tail.lines().iter().all(|(_, l)| !l.starts_with(b"xx")));
}

/// Both roles in one test. Root reads everything, so as root the test re-runs itself as
/// `nobody`, which then plays the scenario; otherwise it plays it directly.
#[test]
fn permission_denied_is_reported_with_the_reason_and_retried() {
    const CHILD: &str = "GATEWATCH_TAIL_PERM_CHILD";
    if let Some(dir) = std::env::var_os(CHILD) {
        permission_scenario(Path::new(&dir));
        println!("CHILD permission scenario passed");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    // The effective user owns /proc/self.
    let root = fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
        .unwrap_or(false);
    if !root {
        permission_scenario(dir.path());
        return;
    }
    const NOBODY: u32 = 65534;
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o777)).expect("chmod dir");
    let exe = std::env::current_exe().expect("current exe");
    let output = Command::new(exe)
        .args([
            "--exact",
            "permission_denied_is_reported_with_the_reason_and_retried",
            "--nocapture",
        ])
        .env(CHILD, dir.path())
        .uid(NOBODY)
        .gid(NOBODY)
        .output();
    let output = match output {
        Ok(output) => output,
        Err(e) => {
            eprintln!("SKIPPED: cannot run the test binary as nobody ({e})");
            return;
        }
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success()
        && stderr.contains("Permission denied (os error 13)")
        && !stdout.contains("running 1 test")
    {
        eprintln!("SKIPPED: the test binary is not executable by nobody: {stderr}");
        return;
    }
    assert!(output.status.success(), "child failed:\n{stdout}\n{stderr}");
    assert!(
        stdout.contains("CHILD permission scenario passed"),
        "{stdout}\n{stderr}"
    );
}

fn permission_scenario(dir: &Path) {
    let log = dir.join("access.log");
    append_numbered(&log, "early", 1..=3);
    // Writable but not readable by its owner.
    fs::set_permissions(&log, fs::Permissions::from_mode(0o200)).expect("chmod 200");
    let mut tail = Tail::ready(spec(&log));
    tail.until("permission denied", |t| {
        t.saw(|e| is_problem(e, "Permission denied"))
    });
    append_numbered(&log, "during", 1..=5);
    fs::set_permissions(&log, fs::Permissions::from_mode(0o644)).expect("chmod 644");
    append_numbered(&log, "late", 1..=5);
    tail.until_line("late", 5);
    assert!(tail.saw(|e| matches!(e, TailEvent::Recovered { .. })));
    // What existed at start is skipped (the tail starts at the end); what was written while
    // the file was unreadable is not.
    assert!(tail.numbers("early").is_empty(), "{}", tail.summary());
    tail.assert_exactly("during", 1..=5);
    tail.assert_exactly("late", 1..=5);
}
