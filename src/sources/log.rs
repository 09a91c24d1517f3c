//! The log source: the tailer's thread hands out complete lines; this source's own blocking
//! thread parses and aggregates them, and sends a batch of per-route deltas about every 100 ms
//! while lines flow (nothing at all while they don't).

use std::sync::mpsc::{sync_channel, RecvTimeoutError};
use std::time::{Duration, Instant};

use tokio::sync::mpsc;

use crate::model::source::{SourceId, SourceStats};
use crate::parse::accesslog::aggregate::{AggregateOptions, LogAggregator};
use crate::store::Event;

use super::clock::now;
use super::plan::LogPlan;
use super::tail::{spawn_tail, TailEvent, TailSpec};

/// Chunks in flight from the tailer (each up to the reader's 256 KiB). During a backfill the
/// reader is always ahead, so this queue stays full: a few chunks keep it busy, more only
/// cost memory.
const TAIL_QUEUE: usize = 4;

/// Lines are batched for at most this long before they are sent on.
const FLUSH_EVERY: Duration = Duration::from_millis(100);

/// `history`: how far back from the present the store keeps per-bucket history (its
/// retention); older lines are counted in coarse buckets.
pub async fn run(plan: LogPlan, history: Duration, tx: mpsc::Sender<Event>) {
    let id = plan.spec.id.clone();
    let result =
        tokio::task::spawn_blocking(move || consume(plan, history, &tx).map_err(|e| (tx, e))).await;
    if let Ok(Err((tx, error))) = result {
        let _ = tx.send(Event::SourceFailed { source: id, error }).await;
    }
}

fn send(tx: &mpsc::Sender<Event>, ev: Event) -> bool {
    tx.blocking_send(ev).is_ok()
}

/// The parser and aggregator of a plan's `[[log]]` settings (validated when the plan was made).
fn aggregator(
    plan: &LogPlan,
) -> Result<LogAggregator, crate::parse::accesslog::config::ConfigError> {
    let p = &plan.parse;
    let options = p.aggregate_options(AggregateOptions::default().resolution)?;
    Ok(LogAggregator::new(
        p.format_choice()?,
        p.route_templates()?,
        options,
    ))
}

fn consume(plan: LogPlan, history: Duration, tx: &mpsc::Sender<Event>) -> Result<(), String> {
    let id: SourceId = plan.spec.id.clone();
    let mut agg = aggregator(&plan).map_err(|e| e.to_string())?;
    agg.keep_fine_buckets_for(history);
    let (stx, srx) = sync_channel(TAIL_QUEUE);
    let mut spec = TailSpec::new(plan.path.clone());
    spec.from_start = plan.from_start;
    let _tail = spawn_tail(spec, stx).map_err(|e| format!("cannot follow {}: {e}", plan.path))?;

    let mut last_stats: Option<SourceStats> = None;
    let mut pending_since: Option<Instant> = None;
    let mut progress: Option<(u64, Option<u64>)> = None;
    let mut failing = false;
    if !send(
        tx,
        Event::SourceOk {
            source: id.clone(),
            stats: agg.stats(),
        },
    ) {
        return Ok(());
    }
    loop {
        // Block while nothing is buffered; wake for the flush while something is.
        let next = match pending_since {
            None => srx.recv().map_err(|_| RecvTimeoutError::Disconnected),
            Some(t) => srx.recv_timeout(FLUSH_EVERY.saturating_sub(t.elapsed())),
        };
        let mut flush_now = false;
        match next {
            Ok(TailEvent::Lines { data, .. }) => {
                agg.push_lines(&data, now());
                super::tail::recycle(data);
                pending_since.get_or_insert_with(Instant::now);
            }
            Ok(TailEvent::Oversize { bytes, .. }) => {
                agg.note_oversize(bytes);
                pending_since.get_or_insert_with(Instant::now);
            }
            Ok(TailEvent::Progress { read, total }) => {
                progress = Some((read, Some(total)));
                pending_since.get_or_insert_with(Instant::now);
            }
            Ok(TailEvent::BackfillDone) => {
                flush_now = true;
                flush(&id, &mut agg, progress, &mut last_stats, tx);
                if !send(tx, Event::BackfillDone { source: id.clone() }) {
                    return Ok(());
                }
                progress = None;
            }
            Ok(TailEvent::Problem { file, reason }) => {
                failing = true;
                let error = format!("{}: {reason}", crate::sanitize::sanitize(&file));
                if !send(
                    tx,
                    Event::SourceFailed {
                        source: id.clone(),
                        error,
                    },
                ) {
                    return Ok(());
                }
            }
            Ok(TailEvent::Recovered { .. }) => {
                if failing {
                    failing = false;
                    last_stats = None;
                    flush_now = true;
                }
            }
            Ok(TailEvent::Rotated { file, how }) => {
                tracing::info!(source = %id, file = %crate::sanitize::sanitize(&file), ?how, "log rotated");
            }
            Ok(TailEvent::Ended { .. }) | Err(RecvTimeoutError::Disconnected) => {
                flush(&id, &mut agg, progress, &mut last_stats, tx);
                return Ok(());
            }
            Err(RecvTimeoutError::Timeout) => flush_now = true,
        }
        if flush_now || pending_since.is_some_and(|t| t.elapsed() >= FLUSH_EVERY) {
            if !flush(&id, &mut agg, progress, &mut last_stats, tx) {
                return Ok(());
            }
            pending_since = None;
        }
    }
}

/// Sends what accumulated; stats only when they changed. False when the store is gone.
fn flush(
    id: &SourceId,
    agg: &mut LogAggregator,
    progress: Option<(u64, Option<u64>)>,
    last_stats: &mut Option<SourceStats>,
    tx: &mpsc::Sender<Event>,
) -> bool {
    let batch = agg.take_batch();
    if !batch.deltas.is_empty()
        && !send(
            tx,
            Event::Traffic {
                source: id.clone(),
                batch,
            },
        )
    {
        return false;
    }
    let mut stats = agg.stats();
    if progress.is_some() {
        stats.progress = progress;
    }
    if last_stats.as_ref() != Some(&stats) {
        *last_stats = Some(stats.clone());
        return send(
            tx,
            Event::SourceOk {
                source: id.clone(),
                stats,
            },
        );
    }
    true
}
