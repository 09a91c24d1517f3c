//! `gatewatch snapshot`: collect for `--wait`, then print the state and exit.

use anyhow::Result;

use crate::cli::{OutputFormat, SnapshotArgs};
use crate::session::Session;
use crate::sources::clock::now;
use crate::sources::plan::Plan;
use crate::view::{snapshot, snapshot_text};

pub async fn run(args: SnapshotArgs, plan: Plan) -> Result<u8> {
    let wait = args.wait;
    let mut session = Session::start(plan).await?;
    // Logs read from the start (`--from-start`, or `read_from = "start"` in the config) are
    // read whole first: wait until every log source says its backfill is done. A log followed
    // from its end says so at once.
    session.wait_for_backfill().await;
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        tokio::select! {
            ev = session.rx.recv() => match ev {
                Some(ev) => { session.store.apply(ev, now()); }
                None => break,
            },
            _ = tokio::time::sleep_until(deadline) => break,
        }
    }
    session.drain(usize::MAX);
    session.refresh_demo_status();
    let snap = snapshot::build(&session.store, now());
    let out = match args.format {
        OutputFormat::Json => serde_json::to_string_pretty(&snap)? + "\n",
        OutputFormat::Text => snapshot_text::text(&snap),
        OutputFormat::Markdown => snapshot_text::markdown(&snap),
    };
    print!("{out}");
    let failing = snap.sources.iter().any(|s| s.state == "failing");
    Ok(u8::from(failing))
}
