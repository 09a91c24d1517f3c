//! The embedded demo gateway: an in-process HTTP server that behaves like a Kong 3.x node with a
//! dozen routes, serves `/metrics` in the Kong prometheus-plugin format, writes an nginx access
//! log (`combined` plus request time and upstream fields), and loops through incidents (see `docs/demo.md`).
//!
//! [`scenario`], [`traffic`] and [`routes`] are pure (time is passed in); this module owns the
//! clock, the tasks and the shared state.

pub mod log_writer;
pub mod metrics;
pub mod outcome;
pub mod responses;
pub mod rng;
pub mod routes;
pub mod scenario;
mod server;
pub mod traffic;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::Context as _;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::model::time::Timestamp;
use log_writer::AccessLog;
use metrics::KongMetrics;
use rng::DemoRng;
pub use scenario::{ForcedPhase, IncidentInfo, IncidentKind, Phase};
use traffic::{DemoRequest, TrafficGenerator};

/// How often synthetic traffic is generated (one batch per tick).
pub const TICK: Duration = Duration::from_millis(100);
pub const DEFAULT_RPS: u32 = 300;
pub const DEFAULT_SEED: u64 = 1;

#[derive(Clone, Debug)]
pub struct DemoOptions {
    /// Where to listen; `None` = 127.0.0.1 on a free port.
    pub listen: Option<SocketAddr>,
    /// Access log path; `None` = `access.log` in a fresh temporary directory, removed on shutdown.
    pub log_file: Option<PathBuf>,
    /// Synthetic requests per second at baseline (incidents add some).
    pub rps: u32,
    pub seed: u64,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions {
            listen: None,
            log_file: None,
            rps: DEFAULT_RPS,
            seed: DEFAULT_SEED,
        }
    }
}

/// Wall-clock time read once, advanced by a monotonic clock, so the demo's timeline never runs
/// backwards when the system clock is adjusted.
#[derive(Clone, Copy, Debug)]
struct DemoClock {
    wall_start: Timestamp,
    mono_start: Instant,
}

impl DemoClock {
    fn start() -> Self {
        let wall = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        DemoClock {
            wall_start: Timestamp(wall),
            mono_start: Instant::now(),
        }
    }

    fn now(&self) -> Timestamp {
        self.wall_start.plus(self.mono_start.elapsed())
    }
}

/// State shared by the generator task and the HTTP handlers. One lock, never held across an
/// await: metrics and log lines for a request are written together, so they always agree.
struct Shared {
    clock: DemoClock,
    inner: Mutex<Inner>,
}

struct Inner {
    generator: TrafficGenerator,
    /// Randomness for real requests, apart from the generator's so that real requests do not
    /// change the synthetic traffic.
    real_rng: DemoRng,
    metrics: KongMetrics,
    log: AccessLog,
    log_failed: bool,
    forced: Option<ForcedPhase>,
    paused: bool,
    generated_until: Timestamp,
    batch: Vec<DemoRequest>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves counters that are still valid numbers.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn phase_now(&self) -> Phase {
        let now = self.clock.now();
        let inner = self.lock();
        inner.generator.phase_at(now, inner.forced)
    }

    /// Generates and records the synthetic requests completed since the last tick.
    fn tick(&self) {
        let now = self.clock.now();
        let mut guard = self.lock();
        let inner = &mut *guard;
        if inner.paused {
            inner.generated_until = now;
            return;
        }
        let mut batch = std::mem::take(&mut inner.batch);
        batch.clear();
        inner
            .generator
            .generate(inner.generated_until, now, inner.forced, &mut batch);
        inner.generated_until = now;
        for r in &batch {
            inner.record(r);
        }
        inner.flush_log();
        inner.batch = batch;
    }
}

impl Inner {
    fn record(&mut self, r: &DemoRequest) {
        self.metrics.record(r);
        if let Err(e) = self.log.write(r) {
            self.log_error(&e);
        }
    }

    fn flush_log(&mut self) {
        if let Err(e) = self.log.flush() {
            self.log_error(&e);
        }
    }

    fn log_error(&mut self, e: &std::io::Error) {
        if !self.log_failed {
            tracing::warn!(path = %self.log.path().display(), error = %e, "demo access log write failed");
            self.log_failed = true;
        }
    }
}

/// A running demo gateway. Dropping it stops the server and the traffic.
pub struct DemoHandle {
    /// `http://127.0.0.1:PORT/metrics`
    pub metrics_url: String,
    /// `http://127.0.0.1:PORT` — the routes live under it (`/v1/orders` …).
    pub base_url: String,
    pub log_path: PathBuf,
    local_addr: SocketAddr,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
    temp_dir: Option<PathBuf>,
}

/// Starts the demo on the current tokio runtime.
pub async fn start(opts: DemoOptions) -> anyhow::Result<DemoHandle> {
    let listen = opts
        .listen
        .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 0)));
    // The demo answers anyone and serves fake secrets in its log: keep it on this machine.
    anyhow::ensure!(
        listen.ip().is_loopback(),
        "the demo gateway listens on loopback addresses only, not {listen}"
    );
    let (log_path, temp_dir) = match opts.log_file {
        Some(p) => (p, None),
        None => {
            let dir =
                fresh_temp_dir().context("creating a temporary directory for the demo log")?;
            (dir.join("access.log"), Some(dir))
        }
    };
    let log = AccessLog::open(&log_path)
        .with_context(|| format!("opening demo access log {}", log_path.display()))?;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("binding the demo gateway to {listen}"))?;
    let local_addr = listener.local_addr()?;

    let clock = DemoClock::start();
    let started = clock.now();
    let scenario = scenario::Scenario::new(opts.seed, started);
    let shared = Arc::new(Shared {
        clock,
        inner: Mutex::new(Inner {
            generator: TrafficGenerator::new(scenario, opts.seed, opts.rps),
            real_rng: DemoRng::derive(opts.seed, 0x4EA1),
            metrics: KongMetrics::new(),
            log,
            log_failed: false,
            forced: None,
            paused: false,
            generated_until: started,
            batch: Vec::new(),
        }),
    });

    let (stop, stop_rx) = watch::channel(false);
    let server_task = tokio::spawn(server::serve(listener, shared.clone(), stop_rx.clone()));
    let traffic_task = tokio::spawn(run_traffic(shared.clone(), stop_rx));
    let base_url = format!("http://{local_addr}");
    Ok(DemoHandle {
        metrics_url: format!("{base_url}/metrics"),
        base_url,
        log_path,
        local_addr,
        shared,
        stop,
        tasks: vec![server_task, traffic_task],
        temp_dir,
    })
}

async fn run_traffic(shared: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    let mut interval = tokio::time::interval(TICK);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = interval.tick() => shared.tick(),
            _ = stop.changed() => break,
        }
    }
    shared.lock().flush_log();
}

impl DemoHandle {
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The incident running now, if any (for the dashboard header).
    pub fn current_incident(&self) -> Option<IncidentInfo> {
        self.shared.phase_now().incident()
    }

    pub fn phase(&self) -> Phase {
        self.shared.phase_now()
    }

    /// When the next incident of the loop starts (ignores a forced phase).
    pub fn next_incident(&self) -> (IncidentKind, Timestamp) {
        let now = self.shared.clock.now();
        self.shared
            .lock()
            .generator
            .scenario()
            .next_incident_after(now)
    }

    /// Pins the scenario to a phase (`None` returns to the loop). Affects both synthetic
    /// traffic and real requests from the next request on.
    pub fn force_phase(&self, phase: Option<ForcedPhase>) {
        self.shared.lock().forced = phase;
    }

    /// Stops (or resumes) synthetic traffic. When this returns, no further synthetic request is
    /// recorded until resumed, so metrics and the log can be compared at rest.
    pub fn set_traffic_paused(&self, paused: bool) {
        let mut inner = self.shared.lock();
        inner.paused = paused;
        inner.flush_log();
    }

    /// Stops the server and the traffic, flushes the log and waits for the tasks to end.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        for t in self.tasks.drain(..) {
            if tokio::time::timeout(Duration::from_secs(2), t)
                .await
                .is_err()
            {
                tracing::warn!("demo task did not stop within 2 s");
            }
        }
        self.shared.lock().flush_log();
    }
}

impl Drop for DemoHandle {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        for t in &self.tasks {
            t.abort();
        }
        if let Some(dir) = self.temp_dir.take() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// A new private directory under the system temp dir.
fn fresh_temp_dir() -> std::io::Result<PathBuf> {
    let base = std::env::temp_dir();
    let pid = std::process::id();
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let mut last_err = None;
    for attempt in 0..16u32 {
        let dir = base.join(format!("gatewatch-demo-{pid}-{nanos:x}-{attempt}"));
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) => last_err = Some(e),
        }
    }
    Err(last_err.unwrap_or_else(|| std::io::Error::other("no temporary directory")))
}
