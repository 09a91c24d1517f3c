//! Following log files (paths and globs, several files at once) and stdin, handing out
//! complete lines, through rotation and damage, without losing or double-counting a line.
//!
//! One std thread per [`spawn_tail`] does blocking file I/O and sleeps between passes. A pass
//! reads whatever was appended to every open file. It is started by a filesystem event
//! (`notify`, for promptness) or by the slow poll (`poll_every`, the safety net for filesystems
//! and containers where events go missing), and passes are at least [`MIN_PASS_GAP`] apart so a
//! stream of writes is read in batches. While every pass finds new lines, the watches are taken
//! down and passes simply run every `MIN_PASS_GAP` (a busy log would otherwise cost one watcher
//! wake-up per write); the first pass that finds nothing puts them back. Idle costs one stat per
//! file per `poll_every`.
//!
//! Files are told apart by device + inode, confirmed by a fingerprint of their first bytes.
//! Rotation is handled as follows (see `docs/tail.md` for the user's view):
//! - **rename + create** and **delete + recreate**: the old file is read to its end before the
//!   new one, and kept open for `rotate_wait` after its last growth (a writer may still append to
//!   it until it reopens); the new file is read from its start.
//! - **copytruncate** and **truncation**: the file shrank (or its first bytes changed), so
//!   reading restarts at 0.
//! - A **partial last line** is held until its newline arrives. When the file it is in ends
//!   for good (retired after rotation, truncated) or stdin closes, it is handed out with a
//!   `\n` added: a line the writer never finished is still a line it wrote.
//! - **Oversize lines** (more than `max_line_bytes` before the newline) are skipped and
//!   reported with [`TailEvent::Oversize`]; the lines after them are intact.
//! - Bytes are passed through untouched: invalid UTF-8 and NUL bytes are the parser's to judge.

mod follow;
mod glob;
mod identity;
mod lines;
mod names;
mod outbox;
mod pool;
mod reader;
mod resolve;
mod stdin;
mod watcher;

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::SyncSender;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use outbox::Outbox;
pub use pool::recycle;
use watcher::Nudge;

/// Passes over the files are at least this far apart when woken by events, so that thousands
/// of small writes a second are read in a few dozen batches.
pub const MIN_PASS_GAP: Duration = Duration::from_millis(25);

/// The poll interval used instead of `poll_every` while file events are unavailable for a
/// watched directory (watcher failed, or the directory does not exist yet), so that lines
/// still arrive within the 250 ms promise.
pub const FALLBACK_POLL: Duration = Duration::from_millis(200);

/// The pattern that means standard input.
pub const STDIN_PATTERN: &str = "-";

/// What to follow and how.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TailSpec {
    /// A path, a glob (`/var/log/nginx/*.log`), or `-` for stdin.
    pub pattern: String,
    /// Read the existing content first (backfill), instead of starting at the end. Files that
    /// appear later (new glob matches, files created by rotation) are always read from their
    /// start. Stdin is always read from its start.
    pub from_start: bool,
    /// The safety-net poll: how often every file is stat'ed even without events.
    pub poll_every: Duration,
    /// Longer lines are skipped and reported as [`TailEvent::Oversize`].
    pub max_line_bytes: usize,
    /// How long a rotated-away or deleted file stays open after its last growth, for a writer
    /// that has not reopened its log yet.
    pub rotate_wait: Duration,
    /// Use filesystem events for prompt wake-ups. Off means polling only (set `poll_every`
    /// to 200 ms or less then, to keep lines prompt).
    pub use_notify: bool,
}

impl TailSpec {
    pub const DEFAULT_POLL_EVERY: Duration = Duration::from_secs(1);
    pub const DEFAULT_MAX_LINE_BYTES: usize = 1024 * 1024;
    pub const DEFAULT_ROTATE_WAIT: Duration = Duration::from_secs(5);

    /// The defaults: start at the end, poll every second, 1 MiB lines, 5 s rotate wait.
    pub fn new(pattern: impl Into<String>) -> TailSpec {
        TailSpec {
            pattern: pattern.into(),
            from_start: false,
            poll_every: Self::DEFAULT_POLL_EVERY,
            max_line_bytes: Self::DEFAULT_MAX_LINE_BYTES,
            rotate_wait: Self::DEFAULT_ROTATE_WAIT,
            use_notify: true,
        }
    }
}

/// How a followed file was replaced.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum RotationKind {
    /// The file was moved away and a new one took its name (logrotate's default).
    Renamed,
    /// The file was deleted and a new one took its name.
    Recreated,
    /// The file shrank in place or was rewritten from its start (copytruncate, `: > file`).
    Truncated,
}

/// What a tail hands out. `file` is the path as followed (lossy UTF-8, not sanitised: pass it
/// through `crate::sanitize` before display); stdin is `-`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TailEvent {
    /// One or more complete lines, each ending in `\n`, bytes exactly as read.
    Lines {
        file: Arc<str>,
        data: Vec<u8>,
    },
    /// Backfill progress over the files that existed at start (`from_start` only).
    Progress {
        read: u64,
        total: u64,
    },
    /// Everything that existed at start has been handed out (immediately when not
    /// `from_start`; for stdin with `from_start`, at end of input).
    BackfillDone,
    /// A line longer than `max_line_bytes` was skipped; its length without the newline.
    Oversize {
        file: Arc<str>,
        bytes: u64,
    },
    /// Something is wrong with a file (permission denied, vanished, not found yet, read
    /// error). It is retried; [`TailEvent::Recovered`] follows when it works again.
    Problem {
        file: Arc<str>,
        reason: String,
    },
    Recovered {
        file: Arc<str>,
    },
    Rotated {
        file: Arc<str>,
        how: RotationKind,
    },
    /// Stdin reached its end; nothing more will come from this tail.
    Ended {
        file: Arc<str>,
    },
}

/// The running tail. Dropping it stops the thread (within about `MIN_PASS_GAP` plus one file
/// read; a stdin read in progress is left to finish on its own, detached).
#[derive(Debug)]
pub struct TailHandle {
    stop: Arc<AtomicBool>,
    nudge: Option<Nudge>,
    thread: Option<JoinHandle<()>>,
    join_on_drop: bool,
}

impl TailHandle {
    /// Whether the tail thread has ended (stdin closed, the consumer went away).
    pub fn is_finished(&self) -> bool {
        self.thread.as_ref().is_none_or(JoinHandle::is_finished)
    }
}

impl Drop for TailHandle {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(nudge) = &self.nudge {
            nudge.nudge();
        }
        if let Some(thread) = self.thread.take() {
            if self.join_on_drop {
                let _ = thread.join();
            }
        }
    }
}

/// Starts following `spec.pattern`, sending to `out`. Use a bounded channel (a capacity of 64
/// is plenty): when it is full the reader waits, so a slow consumer slows reading down and no
/// line is dropped. Errors only for an invalid pattern or a failed thread spawn; a file that is
/// missing or unreadable is reported through [`TailEvent::Problem`] and retried.
pub fn spawn_tail(spec: TailSpec, out: SyncSender<TailEvent>) -> io::Result<TailHandle> {
    let stop = Arc::new(AtomicBool::new(false));
    let outbox = Outbox::new(out, Arc::clone(&stop));
    let thread_name = format!("tail {}", spec.pattern);
    if spec.pattern == STDIN_PATTERN {
        let thread = std::thread::Builder::new()
            .name(thread_name)
            .spawn(move || stdin::follow_stdin(&spec, &outbox))?;
        return Ok(TailHandle {
            stop,
            nudge: None,
            thread: Some(thread),
            join_on_drop: false,
        });
    }
    let follower = follow::Follower::new(spec, outbox)?;
    let nudge = follower.nudge_handle();
    let thread = std::thread::Builder::new()
        .name(thread_name)
        .spawn(move || follower.run())?;
    Ok(TailHandle {
        stop,
        nudge: Some(nudge),
        thread: Some(thread),
        join_on_drop: true,
    })
}

/// Follows any byte stream as if it were stdin (for tests and for inputs already opened, such as
/// a pipe from a child process). `name` labels the events.
pub fn spawn_stream_tail(
    name: &str,
    input: impl io::Read + Send + 'static,
    spec: TailSpec,
    out: SyncSender<TailEvent>,
) -> io::Result<TailHandle> {
    let stop = Arc::new(AtomicBool::new(false));
    let outbox = Outbox::new(out, Arc::clone(&stop));
    let name: Arc<str> = Arc::from(name);
    let thread = std::thread::Builder::new()
        .name(format!("tail {name}"))
        .spawn(move || stdin::follow_stream(name, input, &spec, &outbox))?;
    Ok(TailHandle {
        stop,
        nudge: None,
        thread: Some(thread),
        join_on_drop: false,
    })
}
