//! The runtime loop: select over source events, terminal events, signals and a refresh tick;
//! drain what is pending, apply it, and redraw only when the view changed, at a capped rate.
//! Idle means no redraw and no busy loop: one cheap view comparison per refresh interval.

pub mod terminal;

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use crossterm::event::{Event as TermEvent, EventStream, KeyEventKind};
use futures_util::StreamExt;
use tokio::signal::unix::{signal, SignalKind};

use crate::session::Session;
use crate::sources::clock::now;
use crate::sources::plan::Plan;
use crate::store::{Effect, Event};
use crate::ui::keymap::Keymap;
use crate::ui::theme::Theme;
use crate::view::DashboardView;

use terminal::TerminalGuard;

/// Redraws after input happen at most this often (keys feel immediate; bursts coalesce).
const MIN_FRAME: Duration = Duration::from_millis(33);
/// Events applied per loop turn before the screen gets a chance to redraw.
const DRAIN_LIMIT: usize = 4096;

pub fn theme_for(plan: &Plan, flag: Option<&str>) -> Result<Theme> {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    Theme::shipped(flag.unwrap_or(&plan.theme), no_color).map_err(|e| anyhow::anyhow!(e))
}

pub fn keymap_for(plan: &Plan) -> Result<Keymap> {
    let user = match &plan.keymap {
        Some(p) => Some(
            std::fs::read_to_string(p)
                .with_context(|| format!("cannot read keymap {}", p.display()))?,
        ),
        None => None,
    };
    Keymap::load(user.as_deref()).map_err(|e| anyhow::anyhow!("keymap: {e}"))
}

pub async fn run(plan: Plan, theme_flag: Option<&str>) -> Result<u8> {
    let theme = theme_for(&plan, theme_flag)?;
    let keymap = keymap_for(&plan)?;
    let hints = keymap.hints();
    let refresh = plan.refresh.max(Duration::from_millis(100));
    let mut session = Session::start(plan).await?;

    let mut sigterm = signal(SignalKind::terminate())?;
    let mut sighup = signal(SignalKind::hangup())?;
    let mut sigint = signal(SignalKind::interrupt())?;

    let mut guard = TerminalGuard::enter().context("cannot set up the terminal")?;
    let mut keys = EventStream::new();
    let mut tick = tokio::time::interval(refresh);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);

    let mut last_view: Option<DashboardView> = None;
    let mut last_draw = Instant::now() - MIN_FRAME;
    let mut force = true;
    let mut table_rows = 0usize;
    loop {
        let mut dirty = false;
        tokio::select! {
            ev = session.rx.recv() => {
                let Some(ev) = ev else { break };
                session.store.apply(ev, now());
                session.drain(DRAIN_LIMIT);
                dirty = true;
            }
            term = keys.next() => {
                match term {
                    Some(Ok(TermEvent::Key(k))) if k.kind != KeyEventKind::Release => {
                        if let Some(action) = keymap.action_for(&k) {
                            let effects = session.store.apply(Event::Action(action), now());
                            if effects.contains(&Effect::Quit) {
                                break;
                            }
                            dirty = true;
                        }
                    }
                    Some(Ok(TermEvent::Resize(_, _))) => force = true,
                    Some(Ok(_)) => {}
                    // The terminal went away (SSH dropped): stop.
                    Some(Err(_)) | None => break,
                }
            }
            _ = tick.tick() => {
                session.refresh_demo_status();
                dirty = true;
            }
            _ = sigterm.recv() => break,
            _ = sighup.recv() => break,
            _ = sigint.recv() => break,
        }
        if !(dirty || force) {
            continue;
        }
        let since = last_draw.elapsed();
        if since < MIN_FRAME && !force {
            // Coalesce: the tick or the next event will bring the redraw.
            tokio::time::sleep(MIN_FRAME - since).await;
            session.drain(DRAIN_LIMIT);
        }
        let size = guard.terminal.size()?;
        let view = DashboardView::build(&session.store, now(), size.width, size.height, &hints);
        if view.layout.table_rows != table_rows {
            table_rows = view.layout.table_rows;
            session.store.apply(Event::Resized { table_rows }, now());
        }
        if force || last_view.as_ref() != Some(&view) {
            if force {
                // Not `clear()`: it queries the cursor position, and the answer would race
                // with the key reader. `resize` clears the screen and resets the back buffer.
                guard
                    .terminal
                    .resize(ratatui::layout::Rect::new(0, 0, size.width, size.height))?;
            }
            guard.terminal.draw(|f| crate::ui::draw(f, &view, &theme))?;
            last_draw = Instant::now();
            last_view = Some(view);
            force = false;
        }
    }
    drop(guard);
    Ok(0)
}
