//! What the tailer knows about each followed *name* (as opposed to each open file): which file
//! it points at now, how the previous one went away, and which problem was last reported, so
//! that every problem is reported once and every recovery once.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::identity::FileId;
use super::RotationKind;

#[derive(Debug)]
pub(crate) struct NameState {
    pub display: Arc<str>,
    /// The file this name points at and that is open under it.
    pub current: Option<FileId>,
    /// The previous file left under this name (renamed away or deleted), and how.
    pub departed: Option<RotationKind>,
    /// The problem last reported for this name, until it is cleared by a recovery.
    pub problem: Option<String>,
    /// Since when the name has pointed at nothing.
    pub missing_since: Option<Instant>,
    /// A file that existed at start but could not be opened then: where its end was, so
    /// that once it can be read, tailing starts there (if it is still the same file).
    pub end_at_start: Option<(FileId, u64)>,
}

impl NameState {
    pub(crate) fn new(path: &Path) -> NameState {
        NameState {
            display: Arc::from(path.to_string_lossy().as_ref()),
            current: None,
            departed: None,
            problem: None,
            missing_since: None,
            end_at_start: None,
        }
    }

    /// Records `reason` as the name's problem; true when it is news (not the one already
    /// reported), so that a retry every poll does not repeat it.
    pub(crate) fn set_problem(&mut self, reason: String) -> bool {
        if self.problem.as_deref() == Some(reason.as_str()) {
            return false;
        }
        self.problem = Some(reason);
        true
    }

    /// Clears the problem; true when there was one (a recovery to report).
    pub(crate) fn clear_problem(&mut self) -> bool {
        self.problem.take().is_some()
    }

    /// The name no longer points at `current`; `how` says how the old file went.
    pub(crate) fn depart(&mut self, how: RotationKind, now: Instant) {
        if self.current.take().is_some() {
            self.departed = Some(how);
        }
        self.missing_since.get_or_insert(now);
    }

    /// When a missing name has been missing long enough to be reported as vanished, and when
    /// that will be (for the thread's next wake-up).
    pub(crate) fn vanished_at(&self, rotate_wait: Duration) -> Option<Instant> {
        if self.current.is_some() || self.problem.is_some() {
            return None;
        }
        self.missing_since.map(|since| since + rotate_wait)
    }

    /// The reason to report for a name that does not point at a file.
    pub(crate) fn missing_reason(&self) -> &'static str {
        if self.departed.is_some() {
            "vanished; waiting for it to reappear"
        } else {
            "does not exist yet; waiting for it"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_are_reported_once_and_recovered_once() {
        let mut state = NameState::new(Path::new("/x/a.log"));
        assert_eq!(&*state.display, "/x/a.log");
        assert!(state.set_problem("permission denied".into()));
        assert!(
            !state.set_problem("permission denied".into()),
            "same reason: quiet"
        );
        assert!(
            state.set_problem("is a directory".into()),
            "a new reason is news"
        );
        assert!(state.clear_problem());
        assert!(!state.clear_problem());
    }

    #[test]
    fn missing_names_wait_before_being_called_vanished() {
        let t0 = Instant::now();
        let wait = Duration::from_secs(5);
        let mut state = NameState::new(Path::new("a.log"));
        state.current = Some(FileId { dev: 1, ino: 2 });
        assert_eq!(state.vanished_at(wait), None);
        state.depart(RotationKind::Renamed, t0);
        assert_eq!(state.departed, Some(RotationKind::Renamed));
        assert_eq!(state.vanished_at(wait), Some(t0 + wait));
        assert_eq!(
            state.missing_reason(),
            "vanished; waiting for it to reappear"
        );
        state.depart(RotationKind::Recreated, t0 + wait);
        assert_eq!(
            state.departed,
            Some(RotationKind::Renamed),
            "nothing left to depart"
        );
        assert_eq!(
            state.vanished_at(wait),
            Some(t0 + wait),
            "first miss counts"
        );
        assert!(state.set_problem(state.missing_reason().to_string()));
        assert_eq!(state.vanished_at(wait), None, "already reported");
    }
}
