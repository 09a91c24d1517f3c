//! The tail thread for files: resolve the pattern to names, names to open files, and read.
//!
//! Invariants:
//! - A file (device + inode) is open at most once, whatever names point at it, so a glob that
//!   matches `access.log*` never reads `access.log.1` again after the rename.
//! - A file that no name points at any more (renamed away, deleted) is read before the file that
//!   replaced it, without a budget, and let go only after `rotate_wait` without growth.
//! - Files let go are remembered (identity, fingerprint, offset) so that meeting one again
//!   resumes it instead of reading it twice.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use super::glob::Pattern;
use super::identity::{FileId, RetiredFiles};
use super::lines::Piece;
use super::names::NameState;
use super::outbox::{Outbox, Stopped};
use super::reader::{FileReader, Start};
use super::stdin::send_pieces;
use super::watcher::{Nudge, Wakeup, Woken};
use super::{RotationKind, TailEvent, TailSpec, FALLBACK_POLL, MIN_PASS_GAP};

/// Bytes read from one live file per pass before the others get their turn.
const PASS_BUDGET: u64 = 4 * 1024 * 1024;
/// How many let-go files are remembered.
const RETIRED_MEMORY: usize = 1024;

pub(crate) struct Follower {
    spec: TailSpec,
    pattern: Pattern,
    outbox: Outbox<TailEvent>,
    wakeup: Wakeup,
    files: Vec<Tracked>,
    names: HashMap<PathBuf, NameState>,
    /// A glob that matches nothing is reported under the pattern itself.
    glob_empty: NameState,
    retired: RetiredFiles,
    backfill: Option<Backfill>,
    /// Every directory that matters is under watch, so the slow poll is enough.
    covered: bool,
    pieces: Vec<Piece>,
}

struct Tracked {
    reader: FileReader,
    /// The name it is followed under; `None` once no name points at it.
    bound: Option<PathBuf>,
    last_activity: Instant,
    /// Bytes of the content that existed at start still to read (backfill accounting).
    backfill_left: u64,
    read_problem: bool,
}

#[derive(Default)]
struct PassRead {
    /// Some file had new bytes.
    any: bool,
    /// Some file stopped at its budget with more to read.
    more: bool,
}

struct Backfill {
    total: u64,
    read: u64,
    next_report: u64,
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
        let vanish = self.names.values().filter_map(|n| n.vanished_at(wait));
        retire.chain(vanish).fold(poll_at, Instant::min)
    }

    /// Resolves the pattern to names and each name to an open file.
    fn scan(&mut self, initial: bool, now: Instant) -> Result<(), Stopped> {
        let (paths, dirs) = match &self.pattern {
            Pattern::Path(path) => (vec![path.clone()], vec![parent_dir(path)]),
            Pattern::Glob(glob) => {
                let found = glob.expand();
                (found.files, found.dirs)
            }
        };
        self.wakeup.watch_dirs(&dirs);
        self.covered = self.wakeup.covers(&dirs);
        if let Pattern::Glob(_) = self.pattern {
            self.report_glob_matches(!paths.is_empty())?;
        }
        let mut seen = HashSet::new();
        for path in paths {
            self.look_at(&path, initial, now)?;
            seen.insert(path);
        }
        let gone: Vec<PathBuf> = self
            .names
            .keys()
            .filter(|p| !seen.contains(*p))
            .cloned()
            .collect();
        for path in gone {
            self.name_gone(&path, now)?;
        }
        if let Pattern::Glob(_) = self.pattern {
            // Names a glob no longer matches are forgotten once their old file is let go.
            // Kept for rotate_wait, so a replacement can still be reported as a rotation.
            let open: HashSet<FileId> = self.files.iter().map(|t| t.reader.id).collect();
            let wait = self.spec.rotate_wait;
            self.names.retain(|path, state| {
                seen.contains(path)
                    || state.current.is_some_and(|id| open.contains(&id))
                    || state
                        .missing_since
                        .is_some_and(|t| now.duration_since(t) < wait)
            });
        }
        Ok(())
    }

    fn look_at(&mut self, path: &Path, initial: bool, now: Instant) -> Result<(), Stopped> {
        let meta = match fs::metadata(path) {
            Ok(meta) => meta,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return self.name_gone(path, now),
            Err(e) => return self.name_problem(path, format!("cannot stat: {e}")),
        };
        if !meta.is_file() {
            return self.name_problem(path, "not a regular file".to_string());
        }
        let id = FileId::of(&meta);
        let state = self
            .names
            .entry(path.to_path_buf())
            .or_insert_with(|| NameState::new(path));
        if state.current == Some(id) {
            return Ok(());
        }
        let display = Arc::clone(&state.display);
        if let Some(t) = self.files.iter_mut().find(|t| t.reader.id == id) {
            // A file already open, met under this name: bind it unless another name holds it
            // (two links to one file are read once).
            match &t.bound {
                None => t.bound = Some(path.to_path_buf()),
                Some(other) if other != path => return Ok(()),
                Some(_) => {}
            }
            return self.bind(path, id, now);
        }
        let start = match (initial, self.spec.from_start) {
            (true, true) => Start::Beginning,
            (true, false) => Start::End,
            (false, _) => Start::Beginning,
        };
        let opened = FileReader::open(path, display, start, self.spec.max_line_bytes).and_then(
            |mut reader| {
                if !initial {
                    if let Some(offset) = self.retired.recall(reader.id, reader.fingerprint()) {
                        reader.resume_at(offset)?;
                    }
                }
                let size = reader.size()?;
                Ok((reader, size))
            },
        );
        let (mut reader, size) = match opened {
            Ok(opened) => opened,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return self.name_gone(path, now),
            Err(e) => {
                if initial && !self.spec.from_start {
                    if let Some(state) = self.names.get_mut(path) {
                        state.end_at_start = Some((id, meta.len()));
                    }
                }
                return self.name_problem(path, format!("cannot open: {e}"));
            }
        };
        let end_at_start = self
            .names
            .get_mut(path)
            .and_then(|state| state.end_at_start.take());
        if let Some((first_id, end)) = end_at_start {
            if first_id == reader.id {
                if let Err(e) = reader.resume_at(end) {
                    return self.name_problem(path, format!("cannot seek: {e}"));
                }
            }
        }
        let id = reader.id;
        let backfill_left = match &mut self.backfill {
            Some(b) if initial => {
                b.total += size;
                size
            }
            _ => 0,
        };
        self.files.push(Tracked {
            reader,
            bound: Some(path.to_path_buf()),
            last_activity: now,
            backfill_left,
            read_problem: false,
        });
        self.bind(path, id, now)
    }

    /// Points `path` at the open file `id`, reporting a rotation if it pointed at another
    /// file before, and a recovery if it had a problem.
    fn bind(&mut self, path: &Path, id: FileId, now: Instant) -> Result<(), Stopped> {
        let Some(state) = self.names.get_mut(path) else {
            return Ok(());
        };
        let rotated = match state.current.replace(id) {
            Some(previous) if previous != id => Some(unbind(&mut self.files, previous, path, now)),
            _ => state.departed.take(),
        };
        state.departed = None;
        state.missing_since = None;
        let recovered = state.clear_problem();
        let file = Arc::clone(&state.display);
        if let Some(how) = rotated {
            self.outbox.send(TailEvent::Rotated {
                file: Arc::clone(&file),
                how,
            })?;
        }
        if recovered {
            self.outbox.send(TailEvent::Recovered { file })?;
        }
        Ok(())
    }

    /// `path` points at nothing now (or no longer matches the glob).
    fn name_gone(&mut self, path: &Path, now: Instant) -> Result<(), Stopped> {
        let state = self
            .names
            .entry(path.to_path_buf())
            .or_insert_with(|| NameState::new(path));
        match state.current {
            Some(id) => {
                let how = unbind(&mut self.files, id, path, now);
                state.depart(how, now);
            }
            None => {
                state.missing_since.get_or_insert(now);
            }
        }
        // A followed path that never existed is news at once; one that vanished only after
        // rotate_wait (a normal rotation leaves it missing for a moment).
        let never_existed = state.departed.is_none();
        if let (Pattern::Path(_), true) = (&self.pattern, never_existed) {
            let reason = state.missing_reason().to_string();
            if state.set_problem(reason.clone()) {
                let file = Arc::clone(&state.display);
                self.outbox.send(TailEvent::Problem { file, reason })?;
            }
        }
        Ok(())
    }

    fn name_problem(&mut self, path: &Path, reason: String) -> Result<(), Stopped> {
        let state = self
            .names
            .entry(path.to_path_buf())
            .or_insert_with(|| NameState::new(path));
        if state.set_problem(reason.clone()) {
            let file = Arc::clone(&state.display);
            self.outbox.send(TailEvent::Problem { file, reason })?;
        }
        Ok(())
    }

    fn report_vanished(&mut self, now: Instant) -> Result<(), Stopped> {
        if !matches!(self.pattern, Pattern::Path(_)) {
            return Ok(());
        }
        let wait = self.spec.rotate_wait;
        for state in self.names.values_mut() {
            if state.vanished_at(wait).is_some_and(|at| now >= at) {
                let reason = state.missing_reason().to_string();
                state.set_problem(reason.clone());
                let file = Arc::clone(&state.display);
                self.outbox.send(TailEvent::Problem { file, reason })?;
            }
        }
        Ok(())
    }

    fn report_glob_matches(&mut self, any: bool) -> Result<(), Stopped> {
        let file = Arc::clone(&self.glob_empty.display);
        if any {
            if self.glob_empty.clear_problem() {
                self.outbox.send(TailEvent::Recovered { file })?;
            }
        } else if self
            .glob_empty
            .set_problem("no file matches yet; waiting".to_string())
        {
            let reason = "no file matches yet; waiting".to_string();
            self.outbox.send(TailEvent::Problem { file, reason })?;
        }
        Ok(())
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

/// Unbinds the file `id` from `path`; says how it left, from its remaining links.
fn unbind(files: &mut [Tracked], id: FileId, path: &Path, now: Instant) -> RotationKind {
    let mut how = RotationKind::Renamed;
    for t in files.iter_mut().filter(|t| t.reader.id == id) {
        if t.bound.as_deref() == Some(path) {
            t.bound = None;
            t.last_activity = now;
        }
        if t.reader.links().is_ok_and(|n| n == 0) {
            how = RotationKind::Recreated;
        }
    }
    how
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

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}
