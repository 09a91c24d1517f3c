//! The runtime loop: select over source events, terminal events, signals and a refresh tick;
//! drain what is pending, apply it, and redraw only when the view changed, at a capped rate.
//! Idle means no redraw and no busy loop: one cheap view comparison per refresh interval.

mod probe;
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

/// Redraws after source events happen at most this often (bursts coalesce); a key draws at once.
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
    let runbooks = std::sync::Arc::new(crate::runbook::load(plan.runbooks_dir.as_deref()));
    for d in &runbooks.diagnostics {
        tracing::warn!("runbooks: {d}");
    }
    let mut session = Session::start(plan).await?;
    let base_url = session.plan.base_url.clone();
    // The probe dialog: its answers come back on a channel of their own.
    let probe_cx = std::sync::Arc::new(probe::ProbeContext {
        config: crate::model::check::ProbeConfig {
            base_url: session.plan.base_url.clone(),
            ..session.plan.probe.clone()
        },
        runbooks: runbooks.clone(),
    });
    session.store.probe.base_url = session.plan.base_url.clone();
    let (probe_tx, mut probe_rx) = tokio::sync::mpsc::channel(probe::PROBE_QUEUE);
    // When the oldest key not yet on screen arrived, for the frame-latency log.
    let mut key_at: Option<Instant> = None;

    let mut sigterm = signal(SignalKind::terminate())?;
    let mut sighup = signal(SignalKind::hangup())?;
    let mut sigint = signal(SignalKind::interrupt())?;

    let mut guard = TerminalGuard::enter().context("cannot set up the terminal")?;
    let mut keys = EventStream::new();
    let mut tick = tokio::time::interval(refresh);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);

    let mut last_view: Option<DashboardView> = None;
    let mut backfill_drawn = false;
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
            Some(ev) = probe_rx.recv() => {
                session.store.apply(ev, now());
                dirty = true;
            }
            term = keys.next() => {
                match term {
                    Some(Ok(TermEvent::Key(k)))
                        if k.kind != KeyEventKind::Release && session.store.probe.is_open() =>
                    {
                        match probe::route_key(&keymap, &k, &session.store.probe) {
                            probe::Routed::Quit => break,
                            probe::Routed::Apply(ev) => {
                                key_at.get_or_insert_with(Instant::now);
                                let effects = session.store.apply(*ev, now());
                                probe::start(&effects, &probe_cx, &probe_tx);
                                dirty = true;
                            }
                            probe::Routed::Ignore => {}
                        }
                    }
                    Some(Ok(TermEvent::Paste(text))) => {
                        if let Some(ev) = probe::paste(text, &session.store.probe) {
                            session.store.apply(ev, now());
                            dirty = true;
                        }
                    }
                    Some(Ok(TermEvent::Key(k))) if k.kind != KeyEventKind::Release => {
                        if let Some(action) = keymap.action_for(&k) {
                            key_at.get_or_insert_with(Instant::now);
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
        // A key waiting for its frame draws now: keys come at human rates, and one typed into
        // the probe dialog after another must not wait a frame each.
        if since < MIN_FRAME && !force && key_at.is_none() {
            // Coalesce: the tick or the next event will bring the redraw.
            tokio::time::sleep(MIN_FRAME - since).await;
            session.drain(DRAIN_LIMIT);
        }
        let size = guard.terminal().size()?;
        let ctx = crate::view::ViewContext {
            keys: &hints,
            catalog: Some(&runbooks.catalog),
            base_url: base_url.as_deref(),
        };
        let view = DashboardView::build_with(&session.store, now(), size.width, size.height, &ctx);
        if view.layout.table_rows != table_rows {
            table_rows = view.layout.table_rows;
            session.store.apply(Event::Resized { table_rows }, now());
        }
        if force || last_view.as_ref() != Some(&view) {
            if force {
                // Not `clear()`: it queries the cursor position, and the answer would race
                // with the key reader. `resize` clears the screen and resets the back buffer.
                guard.terminal().resize(ratatui::layout::Rect::new(
                    0,
                    0,
                    size.width,
                    size.height,
                ))?;
            }
            guard
                .terminal()
                .draw(|f| crate::ui::draw(f, &view, &theme))?;
            if last_view.is_none() {
                let ms = crate::diagnostics::since_start().as_secs_f64() * 1000.0;
                tracing::info!("first frame drawn {ms:.1} ms after start");
            }
            if !backfill_drawn && !session.store.backfill_pending() {
                // The first frame with everything the logs held at start.
                backfill_drawn = true;
                let ms = crate::diagnostics::since_start().as_secs_f64() * 1000.0;
                tracing::info!("backfilled frame drawn {ms:.1} ms after start");
            }
            last_draw = Instant::now();
            if let Some(at) = key_at {
                tracing::debug!(
                    target: "gatewatch::frame",
                    key_to_frame_us = at.elapsed().as_micros() as u64,
                    probes_pending = session.store.probe.pending(),
                    "key drawn"
                );
            }
            last_view = Some(view);
            force = false;
        }
        // A key that changed nothing draws nothing: it is not waiting for a frame any more.
        key_at = None;
    }
    drop(guard);
    Ok(0)
}
