//! The tail thread for files: resolve the pattern to names, names to open files, and read.
//!
//! Invariants:
//! - A file (device + inode) is open at most once, whatever names point at it, so a glob that
//!   matches `access.log*` never reads `access.log.1` again after the rename.
//! - A file that no name points at any more (renamed away, deleted) is read before the file that
//!   replaced it, without a budget, and let go only after `rotate_wait` without growth.
//! - Files let go are remembered (identity, fingerprint, offset) so that meeting one again
//!   resumes it instead of reading it twice.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use super::glob::Pattern;
use super::identity::RetiredFiles;
use super::lines::Piece;
use super::names::NameState;
use super::outbox::{Outbox, Stopped};
use super::reader::FileReader;
use super::stdin::send_pieces;
use super::watcher::{Nudge, Wakeup, Woken};
use super::{RotationKind, TailEvent, TailSpec, FALLBACK_POLL, MIN_PASS_GAP};

/// Bytes read from one live file per pass before the others get their turn.
const PASS_BUDGET: u64 = 4 * 1024 * 1024;
/// How many let-go files are remembered.
const RETIRED_MEMORY: usize = 1024;

pub(crate) struct Follower {
    pub(super) spec: TailSpec,
    pub(super) pattern: Pattern,
    pub(super) outbox: Outbox<TailEvent>,
    pub(super) wakeup: Wakeup,
    pub(super) files: Vec<Tracked>,
    pub(super) names: HashMap<PathBuf, NameState>,
    /// A glob that matches nothing is reported under the pattern itself.
    pub(super) glob_empty: NameState,
    pub(super) retired: RetiredFiles,
    pub(super) backfill: Option<Backfill>,
    /// Every directory that matters is under watch, so the slow poll is enough.
    pub(super) covered: bool,
    pub(super) pieces: Vec<Piece>,
}

pub(super) struct Tracked {
    pub(super) reader: FileReader,
    /// The name it is followed under; `None` once no name points at it.
    pub(super) bound: Option<PathBuf>,
    pub(super) last_activity: Instant,
    /// Bytes of the content that existed at start still to read (backfill accounting).
    pub(super) backfill_left: u64,
    pub(super) read_problem: bool,
}

#[derive(Default)]
struct PassRead {
    /// Some file had new bytes.
    any: bool,
    /// Some file stopped at its budget with more to read.
    more: bool,
}

pub(super) struct Backfill {
    pub(super) total: u64,
    pub(super) read: u64,
    pub(super) next_report: u64,
}

impl Follower {
    pub(crate) fn new(spec: TailSpec, outbox: Outbox<TailEvent>) -> io::Result<Follower> {
        let pattern = Pattern::parse(&spec.pattern)?;
        let wakeup = Wakeup::new(spec.use_notify);
        let glob_empty = NameState::new(Path::new(&spec.pattern));
        Ok(Follower {
            backfill: spec.from_start.then_some(Backfill {
                total: 0,
                read: 0,
                next_report: 0,
            }),
            spec,
            pattern,
            outbox,
            wakeup,
            files: Vec::new(),
            names: HashMap::new(),
            glob_empty,
            retired: RetiredFiles::new(RETIRED_MEMORY),
            covered: false,
            pieces: Vec::new(),
        })
    }

    pub(crate) fn nudge_handle(&self) -> Nudge {
        self.wakeup.nudge_handle()
    }

    pub(crate) fn run(mut self) {
        // Stopping (handle dropped, consumer gone) is the only way out.
        let _ = self.follow();
    }

    fn follow(&mut self) -> Result<(), Stopped> {
        let started = Instant::now();
        self.wakeup.take_structural();
        self.scan(true, started)?;
        match &self.backfill {
            None => self.outbox.send(TailEvent::BackfillDone)?,
            Some(b) => self.outbox.send(TailEvent::Progress {
                read: 0,
                total: b.total,
            })?,
        }
        let mut last_scan = started;
        let mut rescan = false;
        // Hot: data arrived on the last pass; watches are paused and passes are timed.
        let mut hot = false;
        loop {
            if self.outbox.stopping() {
                return Err(Stopped);
            }
            let now = Instant::now();
            if self.wakeup.take_structural() || rescan || now >= last_scan + self.poll_interval() {
                self.scan(false, now)?;
                last_scan = now;
                rescan = false;
            }
            let pass_started = Instant::now();
            let read = self.read_all(pass_started)?;
            self.report_backfill()?;
            let now = Instant::now();
            self.retire_idle(now)?;
            self.report_vanished(now)?;
            if read.more {
                continue;
            }
            if self.wakeup.is_live() {
                if read.any && !hot {
                    hot = true;
                    self.wakeup.pause();
                } else if !read.any && hot {
                    hot = false;
                    self.wakeup.resume();
                    // Whatever changed between the last pass and the watches coming back sent
                    // no event: one more full pass now.
                    rescan = true;
                    continue;
                }
            }
            if hot {
                // Without watches, renames are only seen by looking: scan on every pass.
                rescan = true;
                pause_until(pass_started + MIN_PASS_GAP);
                continue;
            }
            let deadline = self.next_deadline(last_scan + self.poll_interval());
            let woken = self.wakeup.wait(deadline.saturating_duration_since(now));
            if woken == Woken::Nudged {
                pause_until(pass_started + MIN_PASS_GAP);
            }
        }
    }

    fn poll_interval(&self) -> std::time::Duration {
        if self.spec.use_notify && !self.covered {
            self.spec.poll_every.min(FALLBACK_POLL)
        } else {
            self.spec.poll_every
        }
    }

    /// The next moment something is due without any event: the poll, a file to let go, a
    /// missing name to report.
    fn next_deadline(&self, poll_at: Instant) -> Instant {
        let wait = self.spec.rotate_wait;
        let retire = self
            .files
            .iter()
            .filter(|t| t.bound.is_none())
            .map(|t| t.last_activity + wait);
        // Only a followed path is reported as vanished; glob matches come and go.
        let by_path = matches!(self.pattern, Pattern::Path(_));
        let vanish = self
            .names
            .values()
            .filter(|_| by_path)
            .filter_map(|n| n.vanished_at(wait));
        retire.chain(vanish).fold(poll_at, Instant::min)
    }

    /// Reads every open file.
    fn read_all(&mut self, now: Instant) -> Result<PassRead, Stopped> {
        let Follower {
            files,
            pieces,
            outbox,
            backfill,
            ..
        } = self;
        let mut read = PassRead::default();
        for t in files.iter_mut() {
            // A file on its way out is read to its end before the one that replaced it.
            let budget = if t.bound.is_some() {
                PASS_BUDGET
            } else {
                u64::MAX
            };
            let result = t.reader.read_available(budget, &mut |p| pieces.push(p));
            let name = Arc::clone(&t.reader.name);
            if matches!(&result, Ok(o) if o.truncated) {
                credit(backfill, &mut t.backfill_left, u64::MAX);
                outbox.send(TailEvent::Rotated {
                    file: Arc::clone(&name),
                    how: RotationKind::Truncated,
                })?;
            }
            send_pieces(&name, pieces, outbox)?;
            match result {
                Ok(outcome) => {
                    if outcome.bytes > 0 {
                        t.last_activity = now;
                        credit(backfill, &mut t.backfill_left, outcome.bytes);
                        read.any = true;
                    }
                    read.more |= outcome.more;
                    if std::mem::take(&mut t.read_problem) {
                        outbox.send(TailEvent::Recovered { file: name })?;
                    }
                }
                Err(e) => {
                    credit(backfill, &mut t.backfill_left, u64::MAX);
                    if !std::mem::replace(&mut t.read_problem, true) {
                        let reason = format!("read failed: {e}");
                        outbox.send(TailEvent::Problem { file: name, reason })?;
                    }
                }
            }
        }
        Ok(read)
    }

    fn report_backfill(&mut self) -> Result<(), Stopped> {
        let Some(b) = &mut self.backfill else {
            return Ok(());
        };
        if self.files.iter().all(|t| t.backfill_left == 0) {
            let total = b.total;
            self.backfill = None;
            self.outbox
                .send(TailEvent::Progress { read: total, total })?;
            return self.outbox.send(TailEvent::BackfillDone);
        }
        if b.read >= b.next_report {
            b.next_report = b.read + (b.total / 100).max(1024 * 1024);
            let (read, total) = (b.read, b.total);
            self.outbox.send(TailEvent::Progress { read, total })?;
        }
        Ok(())
    }

    /// Lets go of files no name points at once they stopped growing for `rotate_wait`.
    fn retire_idle(&mut self, now: Instant) -> Result<(), Stopped> {
        let wait = self.spec.rotate_wait;
        let mut i = 0;
        while i < self.files.len() {
            let t = &self.files[i];
            if t.bound.is_some() || now.duration_since(t.last_activity) < wait {
                i += 1;
                continue;
            }
            let mut t = self.files.remove(i);
            t.reader.finish(&mut |p| self.pieces.push(p));
            send_pieces(&t.reader.name, &mut self.pieces, &self.outbox)?;
            credit(&mut self.backfill, &mut t.backfill_left, u64::MAX);
            let fingerprint = t.reader.fingerprint().clone();
            self.retired
                .remember(t.reader.id, fingerprint, t.reader.offset());
        }
        Ok(())
    }
}

fn pause_until(at: Instant) {
    let left = at.saturating_duration_since(Instant::now());
    if !left.is_zero() {
        std::thread::sleep(left);
    }
}

fn credit(backfill: &mut Option<Backfill>, left: &mut u64, bytes: u64) {
    let credited = bytes.min(*left);
    *left -= credited;
    if let Some(b) = backfill {
        b.read += credited;
    }
}
