//! Shared helpers for the tail integration tests: a collector that waits on the channel with a
//! deadline (never a fixed sleep), numbered lines, and exact accounting of what arrived.

#![allow(dead_code)] // each test file uses a different subset

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;
use std::sync::mpsc::{sync_channel, Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::time::{Duration, Instant};

use gatewatch::sources::tail::{spawn_tail, TailEvent, TailHandle, TailSpec};

/// Generous: a loaded CI machine is slow, and a passing test never waits this long.
pub const DEADLINE: Duration = Duration::from_secs(10);

/// A spec for tests: defaults, except a short rotate wait so retirements happen quickly.
pub fn spec(pattern: &Path) -> TailSpec {
    let mut spec = TailSpec::new(pattern.to_string_lossy());
    spec.rotate_wait = Duration::from_millis(300);
    spec
}

pub struct Tail {
    rx: Receiver<TailEvent>,
    handle: Option<TailHandle>,
    /// Every event in arrival order.
    pub events: Vec<TailEvent>,
}

impl Tail {
    pub fn start(spec: TailSpec) -> Tail {
        Self::start_with_capacity(spec, 64)
    }

    pub fn start_with_capacity(spec: TailSpec, capacity: usize) -> Tail {
        let (tx, rx) = sync_channel(capacity);
        let handle = spawn_tail(spec, tx).expect("spawn_tail");
        Tail {
            rx,
            handle: Some(handle),
            events: Vec::new(),
        }
    }

    /// Starts and waits until the initial scan is over (so that what is written next counts
    /// as new).
    pub fn ready(spec: TailSpec) -> Tail {
        let mut tail = Tail::start(spec);
        tail.until("backfill done", |t| {
            t.saw(|e| matches!(e, TailEvent::BackfillDone))
        });
        tail
    }

    pub fn stop(&mut self) {
        self.handle = None;
    }

    /// Receives until `done` holds, or panics at the deadline with what was seen.
    pub fn until(&mut self, what: &str, mut done: impl FnMut(&Tail) -> bool) {
        let deadline = Instant::now() + DEADLINE;
        while !done(self) {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(event) => self.events.push(event),
                Err(RecvTimeoutError::Timeout) => {
                    panic!("timed out waiting for {what}; seen: {}", self.summary())
                }
                Err(RecvTimeoutError::Disconnected) => {
                    panic!(
                        "tail ended while waiting for {what}; seen: {}",
                        self.summary()
                    )
                }
            }
        }
    }

    /// Receives until the channel is closed (the tail thread ended), within the deadline.
    pub fn until_closed(&mut self) {
        let deadline = Instant::now() + DEADLINE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(event) => self.events.push(event),
                Err(RecvTimeoutError::Disconnected) => return,
                Err(RecvTimeoutError::Timeout) => panic!("tail did not end: {}", self.summary()),
            }
        }
    }

    /// Waits until the line `tag N` has arrived for the highest `N` given.
    pub fn until_line(&mut self, tag: &str, last: u64) {
        let what = format!("line {tag} {last}");
        self.until(&what, |t| t.numbers(tag).last() == Some(&last));
    }

    pub fn saw(&self, pred: impl Fn(&TailEvent) -> bool) -> bool {
        self.events.iter().any(pred)
    }

    pub fn position(&self, pred: impl Fn(&TailEvent) -> bool) -> Option<usize> {
        self.events.iter().position(pred)
    }

    /// All lines handed out, in order, as (file, line without its newline).
    pub fn lines(&self) -> Vec<(Arc<str>, Vec<u8>)> {
        let mut out = Vec::new();
        for event in &self.events {
            if let TailEvent::Lines { file, data } = event {
                assert_eq!(data.last(), Some(&b'\n'), "a batch ends with a newline");
                for line in data[..data.len() - 1].split(|&b| b == b'\n') {
                    out.push((Arc::clone(file), line.to_vec()));
                }
            }
        }
        out
    }

    /// The numbers of the lines `tag N …`, in arrival order.
    pub fn numbers(&self, tag: &str) -> Vec<u64> {
        let prefix = format!("{tag} ");
        self.lines()
            .iter()
            .filter_map(|(_, line)| {
                let text = std::str::from_utf8(line).ok()?;
                let rest = text.strip_prefix(&prefix)?;
                rest.split(' ').next()?.parse().ok()
            })
            .collect()
    }

    /// Every number in `range` arrived exactly once, in order, and nothing else with this tag.
    pub fn assert_exactly(&self, tag: &str, range: std::ops::RangeInclusive<u64>) {
        let got = self.numbers(tag);
        let want: Vec<u64> = range.collect();
        if got != want {
            let missing: Vec<_> = want.iter().filter(|n| !got.contains(n)).take(10).collect();
            let mut seen = std::collections::HashSet::new();
            let dup: Vec<_> = got.iter().filter(|n| !seen.insert(**n)).take(10).collect();
            panic!(
                "{tag}: got {} lines, want {}; missing {missing:?}, duplicated {dup:?}; events: {}",
                got.len(),
                want.len(),
                self.summary()
            );
        }
    }

    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        for event in &self.events {
            match event {
                TailEvent::Lines { file, data } => {
                    let n = data.iter().filter(|&&b| b == b'\n').count();
                    parts.push(format!("Lines({file}, {n})"));
                }
                other => parts.push(format!("{other:?}")),
            }
        }
        let text = parts.join(", ");
        if text.len() > 4000 {
            format!("…{}", &text[text.len() - 4000..])
        } else {
            text
        }
    }
}

/// `tag N` followed by some padding so lines have a realistic size.
pub fn numbered(tag: &str, n: u64) -> String {
    format!("{tag} {n} GET /v1/orders/{n} HTTP/1.1 200 512 0.003\n")
}

pub fn write_numbered(file: &mut File, tag: &str, range: std::ops::RangeInclusive<u64>) {
    let mut buf = String::new();
    for n in range {
        buf.push_str(&numbered(tag, n));
    }
    file.write_all(buf.as_bytes()).expect("write lines");
}

pub fn append_numbered(path: &Path, tag: &str, range: std::ops::RangeInclusive<u64>) {
    let mut file = open_append(path);
    write_numbered(&mut file, tag, range);
}

pub fn open_append(path: &Path) -> File {
    OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .expect("open for append")
}

pub fn is_problem(e: &TailEvent, needle: &str) -> bool {
    matches!(e, TailEvent::Problem { reason, .. } if reason.contains(needle))
}
