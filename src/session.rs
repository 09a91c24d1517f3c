//! A running session: the plan's sources (and the demo, when asked) feeding one store.
//! The dashboard and the headless commands both start one.

use anyhow::Result;
use tokio::sync::mpsc;

use crate::model::source::SourceKind;
use crate::sources::clock::now;
use crate::sources::plan::{LogPlan, Plan, ScrapePlan, SourcePlan, DEFAULT_MAX_BODY};
use crate::sources::spawn::{spawn_all, RunningSources};
use crate::store::{Event, Store};

/// Events in flight between the sources and the store; sources wait when it is full.
pub const EVENT_QUEUE: usize = 1024;

pub struct Session {
    pub store: Store,
    pub rx: mpsc::Receiver<Event>,
    pub plan: Plan,
    _sources: RunningSources,
    pub demo: Option<crate::demo::DemoHandle>,
}

impl Session {
    pub async fn start(mut plan: Plan) -> Result<Session> {
        let demo = if plan.demo {
            let handle = crate::demo::start(crate::demo::DemoOptions::default()).await?;
            plan.sources.retain(|_| false);
            plan.sources.push(SourcePlan::Scrape(Box::new(ScrapePlan {
                spec: crate::model::source::SourceSpec {
                    id: crate::model::source::SourceId::new("scrape:demo"),
                    kind: SourceKind::Scrape,
                    target: handle.metrics_url.clone(),
                },
                gateway: None,
                url: handle.metrics_url.clone(),
                preset: "kong".into(),
                interval: std::time::Duration::from_secs(1),
                timeout: std::time::Duration::from_secs(2),
                bearer_token: None,
                basic: None,
                ca_file: None,
                insecure_skip_verify: false,
                max_body: DEFAULT_MAX_BODY,
                generic: None,
                options: None,
            })));
            plan.sources.push(SourcePlan::Log(Box::new(LogPlan {
                spec: crate::model::source::SourceSpec {
                    id: crate::model::source::SourceId::new("log:demo"),
                    kind: SourceKind::Log,
                    target: handle.log_path.display().to_string(),
                },
                path: handle.log_path.display().to_string(),
                parse: crate::parse::accesslog::config::LogParseConfig {
                    log_format: Some(crate::demo::log_writer::LOG_FORMAT.to_string()),
                    ..Default::default()
                },
                from_start: false,
            })));
            plan.base_url.get_or_insert_with(|| handle.base_url.clone());
            Some(handle)
        } else {
            None
        };
        let specs = plan.sources.iter().map(|s| s.spec().clone()).collect();
        let mut store = Store::new(plan.store.clone(), specs, now()).with_gateways(plan.gateways());
        if demo.is_some() {
            store.demo = Some("starting".into());
        }
        let (tx, rx) = mpsc::channel(EVENT_QUEUE);
        let mut sources = spawn_all(&plan.sources, plan.store.retention, &tx);
        let mut adhoc = plan.adhoc_checks.clone();
        if let Some(d) = &demo {
            // The demo checks its own health route, so the checks pane has something real.
            adhoc.push(format!("{}/healthz", d.base_url));
        }
        if !plan.checks.is_empty() || !adhoc.is_empty() {
            let specs = crate::commands::check::build_specs(
                &plan.checks,
                &adhoc,
                std::time::Duration::from_secs(5),
                &mut crate::sources::check::ClientCache::default(),
            )?;
            for t in crate::sources::check::spawn_checks(specs, tx.clone()) {
                sources.push(t);
            }
        }
        Ok(Session {
            store,
            rx,
            plan,
            _sources: sources,
            demo,
        })
    }

    /// Waits until every log source reports its backfill complete (or failed), applying events
    /// as they come. Bounded: a source that never answers is given up on after 10 minutes.
    pub async fn wait_for_backfill(&mut self) {
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(600);
        loop {
            if !self.store.backfill_pending() {
                return;
            }
            tokio::select! {
                ev = self.rx.recv() => match ev {
                    Some(ev) => { self.store.apply(ev, now()); }
                    None => return,
                },
                _ = tokio::time::sleep_until(deadline) => return,
            }
        }
    }

    /// The demo's current incident as a header label; applied when it changed.
    pub fn refresh_demo_status(&mut self) {
        let Some(demo) = &self.demo else { return };
        let label = match demo.current_incident() {
            Some(i) => format!("{} ({} {})", i.title, i.status, i.route),
            None => "healthy baseline".to_string(),
        };
        if self.store.demo.as_deref() != Some(label.as_str()) {
            self.store.apply(Event::DemoStatus { label }, now());
        }
    }

    /// Applies everything already queued, without waiting. Returns how many events it applied.
    pub fn drain(&mut self, limit: usize) -> usize {
        let mut n = 0;
        while n < limit {
            match self.rx.try_recv() {
                Ok(ev) => {
                    self.store.apply(ev, now());
                    n += 1;
                }
                Err(_) => break,
            }
        }
        n
    }
}
