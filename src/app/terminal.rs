//! Terminal setup and teardown. Restored on every exit path: normal return, error (the guard's
//! Drop), panic (the hook), and signals (the loop exits and the guard drops).

use std::io::{self, Stdout, Write};

use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use crossterm::{cursor, execute};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;

pub type Term = Terminal<CrosstermBackend<Stdout>>;

/// Puts the terminal back: leave the alternate screen, show the cursor, cooked mode.
/// Safe to call more than once.
pub fn restore() {
    let _ = disable_raw_mode();
    let mut out = io::stdout();
    let _ = execute!(
        out,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        cursor::Show
    );
    let _ = out.flush();
}

pub struct TerminalGuard {
    /// Always `Some` until the guard drops.
    terminal: Option<Term>,
}

impl TerminalGuard {
    pub fn enter() -> io::Result<TerminalGuard> {
        install_panic_hook();
        enable_raw_mode()?;
        let mut out = io::stdout();
        if let Err(e) = execute!(
            out,
            EnterAlternateScreen,
            EnableBracketedPaste,
            cursor::Hide
        ) {
            restore();
            return Err(e);
        }
        let terminal = match Terminal::new(CrosstermBackend::new(out)) {
            Ok(t) => t,
            Err(e) => {
                restore();
                return Err(e);
            }
        };
        Ok(TerminalGuard {
            terminal: Some(terminal),
        })
    }

    pub fn terminal(&mut self) -> &mut Term {
        match &mut self.terminal {
            Some(t) => t,
            None => unreachable!("the terminal is only taken when the guard drops"),
        }
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
        if let Some(mut terminal) = self.terminal.take() {
            // ratatui's own drop shows the cursor again and, when that fails (the terminal hung
            // up: SSH dropped, tmux pane killed), reports it with `eprintln!`, which panics on a
            // dead stderr. Show it here; on failure, skip ratatui's drop: nothing is left to
            // restore on a terminal that is gone.
            if terminal.show_cursor().is_err() {
                std::mem::forget(terminal);
            }
        }
    }
}

fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            let trace = std::backtrace::Backtrace::force_capture();
            tracing::error!("panic: {info}\n{trace}");
            previous(info);
        }));
    });
}
