//! The inbox's worker: a thread with its own connection that computes what takes longer
//! than a keystroke may at a million leads (the filter bar's counts, the Today view's whole
//! queue, the analytics figures and the offers' health) and writes the exports of marked
//! leads. The app asks
//! (`App::take_*_request`), the worker answers the newest request of each kind, and the
//! answers go back to the app (`App::apply_*`). The event loop and `leadbox-bench` both
//! drive it through [`Worker::exchange`].

use anyhow::{Context as _, Result};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::app::{self, App};
use crate::store::Store;

pub struct Worker {
    requests: mpsc::Sender<Ask>,
    replies: mpsc::Receiver<(Answer, Duration)>,
}

enum Ask {
    Counts(app::CountsRequest),
    Queue(app::QueueRequest),
    Stats(app::StatsRequest),
    Export(Box<ExportJob>),
}

enum Answer {
    Counts(Result<app::CountsReply, String>),
    Queue(Result<Box<app::QueueReply>, String>),
    Stats(Result<Box<app::StatsReply>, String>),
    Export(Box<(app::ExportRequest, app::ExportOutcome)>),
}

/// An export with what writing it needs of the app.
struct ExportJob {
    request: app::ExportRequest,
    now: chrono::DateTime<chrono::Utc>,
    rules: crate::domain::follow_up::Rules,
    zone: crate::domain::time::Zone,
}

/// What one [`Worker::exchange`] handed to the app.
#[derive(Debug, Default)]
pub struct Exchanged {
    /// Answers applied.
    pub answers: usize,
    /// The worker's time for each counts answer among them.
    pub counts_took: Vec<Duration>,
}

impl Worker {
    /// The worker of the store `main` is a connection to, on a connection of its own; none
    /// for a store in memory (the app then computes everything inline).
    pub fn spawn(main: &Store) -> Result<Option<Worker>> {
        if main.is_in_memory() {
            return Ok(None);
        }
        let mut store = Store::open(main.path())
            .context("cannot open a second connection to the store for the counts")?;
        let (request_tx, request_rx) = mpsc::channel::<Ask>();
        let (reply_tx, reply_rx) = mpsc::channel();
        std::thread::spawn(move || loop {
            // Wakes now and then to let go of replaced files even when nothing is asked.
            let first = match request_rx.recv_timeout(Duration::from_millis(250)) {
                Ok(request) => Some(request),
                Err(mpsc::RecvTimeoutError::Timeout) => None,
                Err(mpsc::RecvTimeoutError::Disconnected) => return,
            };
            // Only the newest request of each kind matters; every export is written.
            let (mut counts, mut queue, mut stats) = (None, None, None);
            let mut exports = Vec::new();
            for request in first.into_iter().chain(request_rx.try_iter()) {
                match request {
                    Ask::Counts(request) => counts = Some(request),
                    Ask::Queue(request) => queue = Some(request),
                    Ask::Stats(request) => stats = Some(request),
                    Ask::Export(job) => exports.push(job),
                }
            }
            if store.files_replaced() {
                if let Err(e) = store.reopen() {
                    let _ = reply_tx.send((Answer::Counts(Err(e.to_string())), Duration::ZERO));
                    if stats.is_some() {
                        let _ = reply_tx.send((Answer::Stats(Err(e.to_string())), Duration::ZERO));
                    }
                    for job in exports {
                        let outcome =
                            app::ExportOutcome::Failed(format!("cannot read the leads: {e}"));
                        let answer = Answer::Export(Box::new((job.request, outcome)));
                        let _ = reply_tx.send((answer, Duration::ZERO));
                    }
                    continue;
                }
            }
            // The counts first: they are quick, and the filter bar waits for them; the
            // figures last (the Today view waits for its queue when the inbox opens).
            let error = |e: crate::store::StoreError| e.to_string();
            let mut answered = true;
            let mut answer = |ask: &dyn Fn() -> Answer| {
                let started = Instant::now();
                let answer = ask();
                answered = answered && reply_tx.send((answer, started.elapsed())).is_ok();
            };
            if let Some(r) = counts {
                answer(&|| Answer::Counts(r.run(&store).map_err(error)));
            }
            if let Some(r) = queue {
                answer(&|| Answer::Queue(r.run(&store).map(Box::new).map_err(error)));
            }
            if let Some(r) = stats {
                answer(&|| Answer::Stats(r.run(&store).map(Box::new).map_err(error)));
            }
            for job in exports {
                let ExportJob {
                    request,
                    now,
                    rules,
                    zone,
                } = *job;
                let outcome = super::write_export(&store, &request, now, &rules, zone);
                let answer = Answer::Export(Box::new((request, outcome)));
                answered = answered && reply_tx.send((answer, Duration::ZERO)).is_ok();
            }
            if !answered {
                // The inbox is gone.
                return;
            }
        });
        Ok(Some(Worker {
            requests: request_tx,
            replies: reply_rx,
        }))
    }

    /// Hands an export to the worker; its answer reaches the app through
    /// [`Worker::exchange`] ([`App::export_answered`]).
    pub fn export(&self, app: &mut App, request: app::ExportRequest) {
        app.export_started(&request);
        let job = ExportJob {
            request,
            now: app.now,
            rules: app.rules.clone(),
            zone: app.zone,
        };
        if let Err(mpsc::SendError(Ask::Export(job))) =
            self.requests.send(Ask::Export(Box::new(job)))
        {
            let outcome = app::ExportOutcome::Failed("the inbox's worker has stopped".into());
            app.export_answered(job.request, outcome);
        }
    }

    /// Hands the app's requests to the worker and its answers to the app. A queue just
    /// asked for is waited for up to `patience`: a store of a usual size answers within
    /// it, and the view then never shows the queue's start for a single frame.
    pub fn exchange(&self, app: &mut App, patience: Duration) -> Result<Exchanged> {
        if let Some(request) = app.take_counts_request() {
            let _ = self.requests.send(Ask::Counts(request));
        }
        if let Some(request) = app.take_stats_request() {
            let _ = self.requests.send(Ask::Stats(request));
        }
        let mut wait = None;
        if let Some(request) = app.take_queue_request() {
            let _ = self.requests.send(Ask::Queue(request));
            wait = Some(Instant::now() + patience);
        }
        let mut exchanged = Exchanged::default();
        loop {
            let (answer, took) = match wait {
                Some(until) if app.queue_pending() => {
                    let left = until.saturating_duration_since(Instant::now());
                    match self.replies.recv_timeout(left) {
                        Ok(answer) => answer,
                        Err(_) => break,
                    }
                }
                _ => match self.replies.try_recv() {
                    Ok(answer) => answer,
                    Err(_) => break,
                },
            };
            exchanged.answers += 1;
            match answer {
                Answer::Counts(Ok(reply)) => {
                    exchanged.counts_took.push(took);
                    app.apply_counts(reply)
                }
                Answer::Counts(Err(e)) => app.counts_failed(e),
                Answer::Queue(Ok(reply)) => app.apply_queue(*reply)?,
                Answer::Queue(Err(e)) => app.queue_failed(e),
                Answer::Stats(Ok(reply)) => app.apply_stats(*reply),
                Answer::Stats(Err(e)) => app.stats_failed(e),
                Answer::Export(done) => {
                    let (request, outcome) = *done;
                    app.export_answered(request, outcome)
                }
            }
        }
        Ok(exchanged)
    }
}
