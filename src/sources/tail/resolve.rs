//! From the pattern to names, and from each name to the open file it points at: where
//! rotation is noticed (a name now points at another file), and where problems with a name
//! (missing, unreadable) are reported once and recoveries once.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use super::follow::{Follower, Tracked};
use super::glob::Pattern;
use super::identity::FileId;
use super::names::NameState;
use super::outbox::Stopped;
use super::reader::{FileReader, Start};
use super::{RotationKind, TailEvent};

impl Follower {
    /// Resolves the pattern to names and each name to an open file.
    pub(super) fn scan(&mut self, initial: bool, now: Instant) -> Result<(), Stopped> {
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

    pub(super) fn report_vanished(&mut self, now: Instant) -> Result<(), Stopped> {
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

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}
