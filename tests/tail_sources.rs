//! What gets followed: start at the end or backfill, missing files, globs, several files,
//! polling only, stdin, stopping and backpressure.

mod tail_support;

use std::fs;
use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc::sync_channel;
use std::time::Duration;

use gatewatch::sources::tail::{spawn_tail, TailEvent, TailSpec};
use tail_support::*;

#[test]
fn starts_at_the_end_and_keeps_a_line_in_progress_whole() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("access.log");
    fs::write(&log, "old 1\nold 2\nnew 1 written in").expect("write");
    let mut tail = Tail::ready(spec(&log));

    let mut writer = open_append(&log);
    writer.write_all(b" two parts\n").expect("write");
    write_numbered(&mut writer, "new", 2..=10);
    tail.until_line("new", 10);
    tail.assert_exactly("new", 1..=10);
    assert!(tail.numbers("old").is_empty());
    let lines = tail.lines();
    assert_eq!(lines[0].1, b"new 1 written in two parts");
}

#[test]
fn from_start_backfills_with_progress_then_follows() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("access.log");
    let mut writer = open_append(&log);
    write_numbered(&mut writer, "b", 1..=50_000);
    let size = fs::metadata(&log).expect("stat").len();
    let mut spec = spec(&log);
    spec.from_start = true;
    let mut tail = Tail::start(spec);
    tail.until("backfill done", |t| {
        t.saw(|e| *e == TailEvent::BackfillDone)
    });
    write_numbered(&mut writer, "b", 50_001..=50_100);
    tail.until_line("b", 50_100);
    tail.assert_exactly("b", 1..=50_100);

    let progress: Vec<(u64, u64)> = tail
        .events
        .iter()
        .filter_map(|e| match e {
            TailEvent::Progress { read, total } => Some((*read, *total)),
            _ => None,
        })
        .collect();
    assert!(progress.len() >= 2, "{progress:?}");
    assert_eq!(progress.first(), Some(&(0, size)));
    assert_eq!(progress.last(), Some(&(size, size)));
    assert!(
        progress.windows(2).all(|w| w[0].0 <= w[1].0),
        "{progress:?}"
    );

    // Everything that existed is handed out before BackfillDone, nothing new before it.
    let done = tail
        .position(|e| *e == TailEvent::BackfillDone)
        .unwrap_or(0);
    let before: usize = tail.events[..done]
        .iter()
        .map(|e| match e {
            TailEvent::Lines { data, .. } => data.iter().filter(|&&b| b == b'\n').count(),
            _ => 0,
        })
        .sum();
    assert_eq!(before, 50_000);
}

#[test]
fn a_missing_file_is_waited_for_and_read_from_its_start() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("later").join("access.log");
    let mut tail = Tail::ready(spec(&log));
    tail.until("not found", |t| {
        t.saw(|e| is_problem(e, "does not exist yet"))
    });

    fs::create_dir(dir.path().join("later")).expect("mkdir");
    append_numbered(&log, "m", 1..=20);
    tail.until_line("m", 20);
    tail.assert_exactly("m", 1..=20);
    assert!(tail.saw(|e| matches!(e, TailEvent::Recovered { .. })));
}

#[test]
fn a_glob_follows_several_files_each_in_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tags = ["a", "b", "c"];
    let mut writers: Vec<_> = tags
        .iter()
        .map(|t| open_append(&dir.path().join(format!("{t}.log"))))
        .collect();
    let mut tail = Tail::ready(spec(&dir.path().join("*.log")));
    for round in 0..10u64 {
        for (writer, tag) in writers.iter_mut().zip(tags) {
            write_numbered(writer, tag, round * 100 + 1..=round * 100 + 100);
        }
    }
    tail.until("all three files", |t| {
        tags.iter().all(|tag| t.numbers(tag).last() == Some(&1000))
    });
    for tag in tags {
        tail.assert_exactly(tag, 1..=1000);
    }
    for (file, line) in tail.lines() {
        let tag = (line[0] as char).to_string();
        assert!(file.ends_with(&format!("{tag}.log")), "{file} holds {tag}");
    }
}

#[test]
fn a_glob_picks_up_new_files_from_their_start() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pattern = dir.path().join("*.log");
    let mut tail = Tail::ready(spec(&pattern));
    tail.until("no match", |t| t.saw(|e| is_problem(e, "no file matches")));

    append_numbered(&dir.path().join("first.log"), "f", 1..=10);
    tail.until_line("f", 10);
    assert!(tail.saw(|e| matches!(e, TailEvent::Recovered { .. })));
    append_numbered(&dir.path().join("second.log"), "s", 1..=10);
    append_numbered(&dir.path().join("ignored.txt"), "x", 1..=10);
    tail.until_line("s", 10);
    tail.assert_exactly("f", 1..=10);
    tail.assert_exactly("s", 1..=10);
    assert!(tail.numbers("x").is_empty());
}

#[test]
fn polling_alone_follows_lines_and_rotation() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("access.log");
    let mut writer = open_append(&log);
    let mut spec = spec(&log);
    spec.use_notify = false;
    spec.poll_every = Duration::from_millis(50);
    let mut tail = Tail::ready(spec);

    write_numbered(&mut writer, "p", 1..=100);
    fs::rename(&log, dir.path().join("access.log.1")).expect("rename");
    write_numbered(&mut writer, "p", 101..=200);
    append_numbered(&log, "p", 201..=300);
    tail.until_line("p", 300);
    tail.assert_exactly("p", 1..=300);
}

#[test]
fn dropping_the_handle_stops_the_thread() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("access.log");
    fs::write(&log, "").expect("create");
    let mut tail = Tail::ready(spec(&log));
    tail.stop();
    tail.until_closed();
}

#[test]
fn a_slow_consumer_slows_the_reader_and_loses_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("access.log");
    append_numbered(&log, "s", 1..=100_000);
    let mut spec = spec(&log);
    spec.from_start = true;
    let (tx, rx) = sync_channel(1);
    let _handle = spawn_tail(spec, tx).expect("spawn");
    let mut next = 1u64;
    // Take one event at a time; the reader must wait for each.
    while next <= 100_000 {
        match rx.recv_timeout(DEADLINE) {
            Ok(TailEvent::Lines { data, .. }) => {
                for line in data.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
                    assert_eq!(line, numbered("s", next).trim_end().as_bytes());
                    next += 1;
                }
            }
            Ok(_) => {}
            Err(e) => panic!("stalled at line {next}: {e}"),
        }
    }
}

/// Both roles in one test: run normally, it re-runs itself as a child with piped stdin; as the
/// child (env var set), it follows `-` and prints what arrived.
#[test]
fn stdin_is_followed_to_its_end() {
    const CHILD: &str = "GATEWATCH_TAIL_STDIN_CHILD";
    if std::env::var_os(CHILD).is_some() {
        let mut spec = TailSpec::new("-");
        spec.from_start = true;
        let mut tail = Tail::start(spec);
        tail.until("end of input", |t| {
            t.saw(|e| matches!(e, TailEvent::Ended { .. }))
        });
        let numbers = tail.numbers("in");
        let ok = numbers == (1..=5000).collect::<Vec<u64>>();
        let last = tail
            .lines()
            .last()
            .map(|(_, l)| l.clone())
            .unwrap_or_default();
        let done = tail.position(|e| *e == TailEvent::BackfillDone);
        let ended = tail.position(|e| matches!(e, TailEvent::Ended { .. }));
        println!(
            "CHILD lines_ok={ok} last={} done_before_end={}",
            String::from_utf8_lossy(&last),
            done < ended
        );
        return;
    }
    let exe = std::env::current_exe().expect("current exe");
    let mut child = Command::new(exe)
        .args(["--exact", "stdin_is_followed_to_its_end", "--nocapture"])
        .env(CHILD, "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn child");
    let mut stdin = child.stdin.take().expect("stdin");
    for n in 1..=5000 {
        stdin
            .write_all(numbered("in", n).as_bytes())
            .expect("write");
    }
    stdin.write_all(b"unfinished last line").expect("write");
    drop(stdin);
    let mut out = String::new();
    child
        .stdout
        .take()
        .expect("stdout")
        .read_to_string(&mut out)
        .expect("read");
    let status = child.wait().expect("wait");
    assert!(status.success(), "child failed: {out}");
    assert!(
        out.contains("CHILD lines_ok=true last=unfinished last line done_before_end=true"),
        "{out}"
    );
}
