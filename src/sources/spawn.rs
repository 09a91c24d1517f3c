//! Starting the source tasks. Each runs on its own; dropping the set stops them all.

use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::store::Event;

use super::plan::SourcePlan;

/// The running sources; dropping it aborts every task.
#[derive(Default)]
pub struct RunningSources {
    tasks: Vec<JoinHandle<()>>,
}

impl Drop for RunningSources {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

impl RunningSources {
    pub fn push(&mut self, t: JoinHandle<()>) {
        self.tasks.push(t);
    }
}

/// Starts one task per source. A source that cannot start reports itself failed; the others run.
/// `history` is the store's retention (log sources count older lines coarsely).
pub fn spawn_all(
    plans: &[SourcePlan],
    history: Duration,
    tx: &mpsc::Sender<Event>,
) -> RunningSources {
    let mut running = RunningSources::default();
    for plan in plans {
        let tx = tx.clone();
        match plan {
            SourcePlan::Scrape(p) => {
                let p = (**p).clone();
                running.push(tokio::spawn(async move {
                    match super::metrics_ingest::for_plan(&p) {
                        Ok(ingest) => super::scrape::run(p, ingest, tx).await,
                        Err(error) => {
                            let _ = tx
                                .send(Event::SourceFailed {
                                    source: p.spec.id.clone(),
                                    error,
                                })
                                .await;
                        }
                    }
                }));
            }
            SourcePlan::Log(p) => {
                let p = (**p).clone();
                running.push(tokio::spawn(async move {
                    super::log::run(p, history, tx).await
                }));
            }
        }
    }
    running
}
