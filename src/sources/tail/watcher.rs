//! Prompt wake-ups from the filesystem (`notify`), folded into one wake-up channel that the
//! tail thread sleeps on between passes.
//!
//! Directories are watched, not files: a directory watch reports writes to the files in it and
//! also the creates, renames and deletes that rotation is made of, and it survives the file
//! being replaced. Events carry no data the tailer trusts; they only say "look now". Whether to
//! look at the directory listing again (a file came or went) or only at the open files (data
//! was appended) is kept in one flag, so a stream of writes never costs a directory scan.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender};
use std::sync::Arc;
use std::time::Duration;

use notify::event::{EventKind, ModifyKind};
use notify::{RecommendedWatcher, RecursiveMode, Watcher};

/// Why the tail thread woke up.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Woken {
    /// The filesystem (or the handle, to stop) said something changed.
    Nudged,
    TimedOut,
}

/// The sending half, for whoever needs to wake the tail thread (the handle, on stop).
#[derive(Clone, Debug)]
pub(crate) struct Nudge(SyncSender<()>);

impl Nudge {
    pub(crate) fn nudge(&self) {
        // A full channel already holds a wake-up; a closed one has nobody left to wake.
        let _ = self.0.try_send(());
    }
}

pub(crate) struct Wakeup {
    rx: Receiver<()>,
    nudge: Nudge,
    structural: Arc<AtomicBool>,
    watcher: Option<RecommendedWatcher>,
    watched: HashSet<PathBuf>,
    wanted: Vec<PathBuf>,
    /// Watches taken down while data streams in (see [`Self::pause`]).
    paused: bool,
}

impl Wakeup {
    /// With `use_notify` false, or when the platform watcher cannot be set up, only timeouts
    /// and explicit nudges wake the thread; [`Self::is_live`] says which it is.
    pub(crate) fn new(use_notify: bool) -> Wakeup {
        let (tx, rx) = mpsc::sync_channel(1);
        let nudge = Nudge(tx);
        let structural = Arc::new(AtomicBool::new(true));
        let watcher = if use_notify {
            let handler_nudge = nudge.clone();
            let handler_flag = Arc::clone(&structural);
            let made = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
                let kind = match res {
                    Ok(event) => event.kind,
                    // A lost or failed event: assume the worst and rescan.
                    Err(_) => EventKind::Any,
                };
                match kind {
                    // Opens and closes, including our own, change nothing worth a look.
                    EventKind::Access(_) => return,
                    EventKind::Modify(ModifyKind::Data(_)) => {}
                    _ => handler_flag.store(true, Ordering::Release),
                }
                handler_nudge.nudge();
            });
            match made {
                Ok(w) => Some(w),
                Err(e) => {
                    tracing::warn!(error = %e, "file watcher unavailable; polling instead");
                    None
                }
            }
        } else {
            None
        };
        Wakeup {
            rx,
            nudge,
            structural,
            watcher,
            watched: HashSet::new(),
            wanted: Vec::new(),
            paused: false,
        }
    }

    pub(crate) fn nudge_handle(&self) -> Nudge {
        self.nudge.clone()
    }

    pub(crate) fn is_live(&self) -> bool {
        self.watcher.is_some()
    }

    /// Makes the watched set exactly `dirs` (the ones that exist). A directory that cannot be
    /// watched yet (missing, unreadable) is tried again on the next call.
    pub(crate) fn watch_dirs(&mut self, dirs: &[PathBuf]) {
        if self.wanted.as_slice() != dirs {
            self.wanted = dirs.to_vec();
        }
        if self.paused {
            return;
        }
        let Some(watcher) = self.watcher.as_mut() else {
            return;
        };
        let wanted: HashSet<&Path> = dirs.iter().map(PathBuf::as_path).collect();
        self.watched.retain(|dir| {
            if wanted.contains(dir.as_path()) {
                return true;
            }
            let _ = watcher.unwatch(dir);
            false
        });
        for dir in wanted {
            if self.watched.contains(dir) {
                continue;
            }
            match watcher.watch(dir, RecursiveMode::NonRecursive) {
                Ok(()) => {
                    self.watched.insert(dir.to_path_buf());
                }
                Err(e) => {
                    tracing::debug!(dir = %dir.display(), error = %e, "cannot watch yet");
                }
            }
        }
    }

    /// Whether every wanted directory is under watch (otherwise only the poll notices changes
    /// there, and the poll must be quick).
    pub(crate) fn covers(&self, dirs: &[PathBuf]) -> bool {
        self.is_live() && (self.paused || dirs.iter().all(|d| self.watched.contains(d)))
    }

    /// Takes the watches down while lines stream in. A busy log makes one event per write
    /// (thousands a second), each costing the watcher thread a wake-up; while every pass finds
    /// new data anyway, timed passes are cheaper. [`Self::resume`] when the stream goes quiet.
    pub(crate) fn pause(&mut self) {
        let Some(watcher) = self.watcher.as_mut() else {
            return;
        };
        for dir in self.watched.drain() {
            let _ = watcher.unwatch(&dir);
        }
        self.paused = true;
    }

    /// Puts the watches back. Changes made while paused send no event: look once more after.
    pub(crate) fn resume(&mut self) {
        if !self.paused {
            return;
        }
        self.paused = false;
        let wanted = std::mem::take(&mut self.wanted);
        self.watch_dirs(&wanted);
    }

    /// Sleeps until a nudge or the timeout. Nudges that piled up meanwhile are folded into one.
    pub(crate) fn wait(&self, timeout: Duration) -> Woken {
        match self.rx.recv_timeout(timeout) {
            Ok(()) => Woken::Nudged,
            Err(RecvTimeoutError::Timeout) => Woken::TimedOut,
            // Cannot happen while `self.nudge` holds a sender; treat as a timeout.
            Err(RecvTimeoutError::Disconnected) => Woken::TimedOut,
        }
    }

    /// Whether a file may have come or gone since the last call (always true the first time).
    pub(crate) fn take_structural(&self) -> bool {
        self.structural.swap(false, Ordering::AcqRel)
    }
}

impl std::fmt::Debug for Wakeup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Wakeup")
            .field("live", &self.is_live())
            .field("watched", &self.watched)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nudges_fold_into_one_wakeup() {
        let wakeup = Wakeup::new(false);
        assert!(!wakeup.is_live());
        let nudge = wakeup.nudge_handle();
        nudge.nudge();
        nudge.nudge();
        nudge.nudge();
        assert_eq!(wakeup.wait(Duration::from_secs(10)), Woken::Nudged);
        assert_eq!(wakeup.wait(Duration::from_millis(1)), Woken::TimedOut);
        assert!(
            wakeup.take_structural(),
            "the first look is always a full one"
        );
        assert!(!wakeup.take_structural());
    }
}
