//! The inbox's one writer. The UI thread never writes: each change the rep makes becomes a
//! [`Job`], and a thread with its own connection commits the jobs in the order they were
//! made, waiting as long as another process (an import) holds the store. A job still in the
//! queue can be cancelled; quitting, and the signals that end the inbox, wait until the
//! queue is empty.
//!
//! A store in memory has no second connection: [`Writer::inline`] then runs each job at once
//! on the inbox's own store, through the same [`Ledger::apply`].

use chrono::{DateTime, Utc};
use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use crate::domain::follow_up::Rules;
use crate::domain::time::Zone;
use crate::domain::{Status, TouchKind};
use crate::import::{import_path_with_progress, FileReport, ImportOptions};
use crate::store::{Store, StoreError, TouchLogged, Undone};

/// A change the rep asked for.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// `at` is when the key was pressed, not when the touch is saved.
    Touch {
        lead_id: i64,
        kind: TouchKind,
        note: Option<String>,
        at: DateTime<Utc>,
    },
    /// `at` is when the key was pressed (a close records it).
    Status {
        lead_id: i64,
        status: Status,
        at: DateTime<Utc>,
    },
    Owner {
        lead_id: i64,
        owner: Option<String>,
    },
    /// Snoozes the customer's next follow-up until `until`; `at` is when the key was
    /// pressed. The rules and zone say what the customer is owed.
    Snooze {
        lead_id: i64,
        until: DateTime<Utc>,
        at: DateTime<Utc>,
        rules: Box<Rules>,
        zone: Zone,
    },
    /// Closes the lead as lost for `reason`; `forced` when the customer was touched on
    /// fewer days than the settings ask and the rep confirmed.
    Lose {
        lead_id: i64,
        reason: String,
        forced: bool,
        at: DateTime<Utc>,
        rules: Box<Rules>,
        zone: Zone,
    },
    /// Sets the lead qualified: `override_reason` when the checklist is not complete, and
    /// the next step with its time.
    Qualify {
        lead_id: i64,
        override_reason: Option<String>,
        next_step: Option<(String, DateTime<Utc>)>,
        at: DateTime<Utc>,
        rules: Box<Rules>,
    },
    /// Checks (`on`) or unchecks an item of the customer's qualification checklist.
    Check {
        lead_id: i64,
        item: String,
        on: bool,
        at: DateTime<Utc>,
    },
    /// Deletes the lead with its touches (no undo).
    Delete {
        lead_id: i64,
    },
    /// Takes back what job `job` saved, if nobody changed it since.
    Undo {
        job: u64,
    },
    Import {
        path: PathBuf,
        now: DateTime<Utc>,
    },
    /// The same change on several leads (marked ones), taken back as one. A lead one of
    /// them is refused for (a rule of the lead or the customer) is counted and skipped.
    Bulk(Vec<Change>),
    /// Mutes (`muted`) or unmutes the warning that `offer` has gone silent; `at` is when the
    /// key was pressed.
    MuteOffer {
        offer: String,
        muted: bool,
        at: DateTime<Utc>,
    },
}

impl Change {
    /// The same change on lead `id`.
    pub fn for_lead(&self, id: i64) -> Change {
        let mut change = self.clone();
        match &mut change {
            Change::Touch { lead_id, .. }
            | Change::Status { lead_id, .. }
            | Change::Owner { lead_id, .. }
            | Change::Snooze { lead_id, .. }
            | Change::Lose { lead_id, .. }
            | Change::Qualify { lead_id, .. }
            | Change::Check { lead_id, .. }
            | Change::Delete { lead_id } => *lead_id = id,
            Change::Undo { .. }
            | Change::Import { .. }
            | Change::Bulk(_)
            | Change::MuteOffer { .. } => {}
        }
        change
    }

    /// The lead the change is about.
    pub fn lead_id(&self) -> Option<i64> {
        match self {
            Change::Touch { lead_id, .. }
            | Change::Status { lead_id, .. }
            | Change::Owner { lead_id, .. }
            | Change::Snooze { lead_id, .. }
            | Change::Lose { lead_id, .. }
            | Change::Qualify { lead_id, .. }
            | Change::Check { lead_id, .. }
            | Change::Delete { lead_id } => Some(*lead_id),
            Change::Undo { .. }
            | Change::Import { .. }
            | Change::Bulk(_)
            | Change::MuteOffer { .. } => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub id: u64,
    pub change: Change,
}

/// What the writer reports back.
#[derive(Debug, Clone, PartialEq)]
pub enum Report {
    Progress {
        job: u64,
        done: u64,
        total: u64,
    },
    Done {
        job: u64,
        result: Result<Saved, String>,
    },
}

/// What a job did.
#[derive(Debug, Clone, PartialEq)]
pub enum Saved {
    Touch {
        lead_id: i64,
        kind: TouchKind,
    },
    Status {
        lead_id: i64,
        previous: Status,
        status: Status,
    },
    Owner {
        lead_id: i64,
        owner: Option<String>,
    },
    Snoozed {
        lead_id: i64,
        until: DateTime<Utc>,
    },
    Checked {
        lead_id: i64,
        item: String,
        on: bool,
    },
    Deleted {
        lead_id: i64,
        /// Entries of its touch log deleted with it.
        touches: u64,
    },
    Undone {
        lead_id: i64,
        /// False when someone changed it since: nothing was changed.
        done: bool,
    },
    Imported(FileReport),
    /// A bulk change: how many leads took it, how many refused it (`first`: why the first
    /// refusal was).
    Bulk {
        done: usize,
        refused: usize,
        first: Option<String>,
    },
    OfferMuted {
        offer: String,
        muted: bool,
    },
}

/// What the writer remembers of each saved change, to take it back.
#[derive(Debug, Clone, PartialEq)]
enum Written {
    Touch {
        lead_id: i64,
        logged: TouchLogged,
    },
    Status {
        lead_id: i64,
        previous: Status,
        previous_closed_at: Option<DateTime<Utc>>,
        written: Status,
    },
    Owner {
        lead_id: i64,
        previous: Option<String>,
        written: Option<String>,
    },
    Snooze {
        lead_id: i64,
        /// The snooze it replaced: until when, set when.
        previous: Option<(DateTime<Utc>, DateTime<Utc>)>,
    },
    Check {
        lead_id: i64,
        item: String,
        on: bool,
        at: DateTime<Utc>,
    },
    /// What each change of a bulk change wrote, in order.
    Bulk(Vec<Written>),
    OfferMute {
        offer: String,
        /// Muted (else unmuted).
        written: bool,
        /// When it was muted before, if it was.
        previous: Option<DateTime<Utc>>,
    },
}

/// What a status change saved, and how to take it back: `done` is the status it replaced
/// and that one's close time.
fn status_saved(
    lead_id: i64,
    done: (Status, Option<DateTime<Utc>>),
    status: Status,
) -> (Saved, Option<Written>) {
    let (previous, previous_closed_at) = done;
    let written = Written::Status {
        lead_id,
        previous,
        previous_closed_at,
        written: status,
    };
    let saved = Saved::Status {
        lead_id,
        previous,
        status,
    };
    (saved, Some(written))
}

/// Applies jobs to a store and remembers what they wrote.
#[derive(Debug, Default)]
pub struct Ledger {
    written: HashMap<u64, Written>,
}

impl Ledger {
    /// Runs one job; `progress` hears an import's bytes.
    // One arm per kind of change, each a store call and what it saved: read best as one match.
    pub fn apply(
        &mut self,
        store: &mut Store,
        job: &Job,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<Saved, StoreError> {
        let (saved, written) = match &job.change {
            Change::Undo { job: target } => (self.undo(store, *target)?, None),
            change => apply_one(store, change, progress)?,
        };
        if let Some(written) = written {
            self.written.insert(job.id, written);
        }
        Ok(saved)
    }

    /// Takes back what job `target` saved, as a compare-and-set in the store.
    fn undo(&mut self, store: &mut Store, target: u64) -> Result<Saved, StoreError> {
        let Some(written) = self.written.remove(&target) else {
            // The change was never saved (it failed): there is nothing to take back.
            return Ok(Saved::Undone {
                lead_id: 0,
                done: false,
            });
        };
        let (lead_id, undone) = undo_one(store, written)?;
        Ok(Saved::Undone {
            lead_id,
            done: undone == Undone::Yes,
        })
    }
}

/// Runs one change (not an undo); returns what it saved and how to take it back.
// One arm per kind of change, each a store call and what it saved: read best as one match.
fn apply_one(
    store: &mut Store,
    change: &Change,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<(Saved, Option<Written>), StoreError> {
    let (saved, written) = match change {
        Change::Bulk(changes) => apply_bulk(store, changes, progress)?,
        Change::Touch {
            lead_id,
            kind,
            note,
            at,
        } => {
            let logged = store.add_touch(*lead_id, *kind, note.as_deref(), *at, *at)?;
            let lead_id = *lead_id;
            let saved = Saved::Touch {
                lead_id,
                kind: *kind,
            };
            (saved, Some(Written::Touch { lead_id, logged }))
        }
        Change::Status {
            lead_id,
            status,
            at,
        } => {
            let done = store.set_status_at(*lead_id, *status, *at)?;
            status_saved(*lead_id, done, *status)
        }
        Change::Owner { lead_id, owner } => {
            let (previous, owner) = store.set_owner(*lead_id, owner.as_deref())?;
            let lead_id = *lead_id;
            let written = Written::Owner {
                lead_id,
                previous,
                written: owner.clone(),
            };
            (Saved::Owner { lead_id, owner }, Some(written))
        }
        Change::Snooze {
            lead_id,
            until,
            at,
            rules,
            zone,
        } => {
            let previous = store.customer_of(*lead_id)?.state.snooze;
            let next = store.snooze(&[*lead_id], *until, *at, rules, *zone)?;
            let lead_id = *lead_id;
            let until = next.first().map_or(*until, |n| n.due_at);
            let written = Written::Snooze { lead_id, previous };
            (Saved::Snoozed { lead_id, until }, Some(written))
        }
        Change::Lose {
            lead_id,
            reason,
            forced,
            at,
            rules,
            zone,
        } => {
            let done = store.lose(&[*lead_id], reason, *forced, rules, *zone, *at)?;
            status_saved(*lead_id, done[0], Status::Lost)
        }
        Change::Qualify {
            lead_id,
            override_reason,
            next_step,
            at,
            rules,
        } => {
            let next_step = next_step
                .as_ref()
                .map(|(step, when)| (step.as_str(), *when));
            let reason = override_reason.as_deref();
            let done = store.qualify(&[*lead_id], reason, next_step, rules, *at)?;
            status_saved(*lead_id, done[0], Status::Qualified)
        }
        Change::Check {
            lead_id,
            item,
            on,
            at,
        } => {
            store.set_checks(*lead_id, &[(item.as_str(), *on)], *at)?;
            let (lead_id, item, on, at) = (*lead_id, item.clone(), *on, *at);
            let written = Written::Check {
                lead_id,
                item: item.clone(),
                on,
                at,
            };
            (Saved::Checked { lead_id, item, on }, Some(written))
        }
        Change::Delete { lead_id } => {
            let deleted = store.delete_leads(&[*lead_id])?;
            let saved = Saved::Deleted {
                lead_id: *lead_id,
                touches: deleted.touches,
            };
            (saved, None)
        }
        Change::MuteOffer { offer, muted, at } => {
            let previous = store.set_offer_muted(offer, *muted, *at)?;
            let written = Written::OfferMute {
                offer: offer.clone(),
                written: *muted,
                previous,
            };
            let saved = Saved::OfferMuted {
                offer: offer.clone(),
                muted: *muted,
            };
            (saved, Some(written))
        }
        Change::Undo { .. } => unreachable!("an undo is the ledger's"),
        Change::Import { path, now } => {
            let options = ImportOptions::default();
            let report = import_path_with_progress(store, path, &options, *now, progress)?;
            (Saved::Imported(report), None)
        }
    };
    Ok((saved, written))
}

/// Each change of a bulk change; a refused one is counted and skipped.
fn apply_bulk(
    store: &mut Store,
    changes: &[Change],
    progress: &mut dyn FnMut(u64, u64),
) -> Result<(Saved, Option<Written>), StoreError> {
    let (mut written, mut refused, mut first) = (Vec::new(), 0, None);
    for change in changes {
        match apply_one(store, change, progress) {
            Ok((_, done)) => written.extend(done),
            Err(e @ (StoreError::Refused(_) | StoreError::FollowUp(_))) => {
                refused += 1;
                first.get_or_insert(e.to_string());
            }
            Err(e) => return Err(e),
        }
    }
    let done = written.len();
    let saved = Saved::Bulk {
        done,
        refused,
        first,
    };
    Ok((saved, Some(Written::Bulk(written))))
}

/// Takes back one written change; returns the lead and whether it was taken back.
fn undo_one(store: &mut Store, written: Written) -> Result<(i64, Undone), StoreError> {
    let (lead_id, undone) = match written {
        Written::Touch { lead_id, logged } => (lead_id, store.undo_touch(logged)?),
        Written::Status {
            lead_id,
            previous,
            previous_closed_at,
            written,
        } => (
            lead_id,
            store.undo_status(lead_id, written, previous, previous_closed_at)?,
        ),
        Written::Owner {
            lead_id,
            previous,
            written,
        } => (
            lead_id,
            store.undo_owner(lead_id, written.as_deref(), previous.as_deref())?,
        ),
        Written::Check {
            lead_id,
            item,
            on,
            at,
        } => {
            store.set_checks(lead_id, &[(item.as_str(), !on)], at)?;
            (lead_id, Undone::Yes)
        }
        Written::Snooze { lead_id, previous } => {
            store.unsnooze(lead_id, previous)?;
            (lead_id, Undone::Yes)
        }
        Written::OfferMute {
            offer,
            written,
            previous,
        } => (0, store.undo_offer_mute(&offer, written, previous)?),
        Written::Bulk(all) => {
            let mut undone = Undone::Yes;
            for written in all.into_iter().rev() {
                if undo_one(store, written)?.1 != Undone::Yes {
                    undone = Undone::ChangedSince;
                }
            }
            (0, undone)
        }
    };
    Ok((lead_id, undone))
}

/// The queue between the inbox and its writer thread.
#[derive(Debug, Default)]
struct Queue {
    jobs: VecDeque<Job>,
    /// A job taken from the queue and not yet reported.
    running: Option<u64>,
    closed: bool,
}

#[derive(Debug, Default)]
pub struct Shared {
    queue: Mutex<Queue>,
    changed: Condvar,
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits until every job is saved (or failed), at most `limit`; returns how many are
    /// still unsaved.
    pub fn wait_until_saved(&self, limit: Duration) -> usize {
        let deadline = std::time::Instant::now() + limit;
        let mut queue = self.lock();
        loop {
            let unsaved = queue.jobs.len() + usize::from(queue.running.is_some());
            let now = std::time::Instant::now();
            if unsaved == 0 || now >= deadline {
                return unsaved;
            }
            queue = self
                .changed
                .wait_timeout(queue, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }
}

pub enum Writer {
    /// Jobs run on a thread with its own connection.
    Thread {
        shared: Arc<Shared>,
        reports: mpsc::Receiver<Report>,
    },
    /// Jobs run at once on the inbox's store (a store in memory).
    Inline {
        ledger: Ledger,
        reports: VecDeque<Report>,
    },
}

impl Writer {
    /// Starts the writer thread on its own connection to the store at `path`.
    pub fn spawn(path: &Path) -> Result<Writer, StoreError> {
        let mut store = Store::open(path)?;
        let shared = Arc::new(Shared::default());
        let (tx, reports) = mpsc::channel();
        let thread_shared = Arc::clone(&shared);
        std::thread::Builder::new()
            .name("leadbox-writer".into())
            .spawn(move || {
                let mut ledger = Ledger::default();
                loop {
                    // Waking now and then, idle or not, to notice replaced files.
                    let job = match next_job(&thread_shared, Duration::from_millis(250)) {
                        Next::Job(job) => Some(job),
                        Next::Idle => None,
                        Next::Closed => return,
                    };
                    // Another program may have replaced the store's files: write into the
                    // ones everybody else uses (and nothing while they cannot be opened).
                    let reopened = if store.files_replaced() {
                        store.reopen().map_err(|e| e.to_string())
                    } else {
                        Ok(())
                    };
                    let Some(job) = job else { continue };
                    let id = job.id;
                    let result = reopened.and_then(|()| {
                        let progress_tx = tx.clone();
                        ledger
                            .apply(&mut store, &job, &mut |done, total| {
                                let _ = progress_tx.send(Report::Progress {
                                    job: id,
                                    done,
                                    total,
                                });
                            })
                            .map_err(|e| e.to_string())
                    });
                    let _ = tx.send(Report::Done { job: id, result });
                    thread_shared.lock().running = None;
                    thread_shared.changed.notify_all();
                }
            })
            .map_err(|source| StoreError::Io {
                path: path.to_path_buf(),
                source,
            })?;
        Ok(Writer::Thread { shared, reports })
    }

    pub fn inline() -> Writer {
        Writer::Inline {
            ledger: Ledger::default(),
            reports: VecDeque::new(),
        }
    }

    /// Queues a job (or, inline, runs it on `store`).
    pub fn submit(&mut self, job: Job, store: &mut Store) {
        match self {
            Writer::Thread { shared, .. } => {
                shared.lock().jobs.push_back(job);
                shared.changed.notify_all();
            }
            Writer::Inline { ledger, reports } => {
                let id = job.id;
                let result = ledger
                    .apply(store, &job, &mut |_, _| {})
                    .map_err(|e| e.to_string());
                reports.push_back(Report::Done { job: id, result });
            }
        }
    }

    /// Takes job `id` out of the queue if it has not started: true when it never will.
    pub fn cancel(&mut self, id: u64) -> bool {
        match self {
            Writer::Thread { shared, .. } => {
                let mut queue = shared.lock();
                let before = queue.jobs.len();
                queue.jobs.retain(|job| job.id != id);
                let cancelled = queue.jobs.len() != before;
                if cancelled {
                    shared.changed.notify_all();
                }
                cancelled
            }
            Writer::Inline { .. } => false,
        }
    }

    /// What the writer reported since the last call.
    pub fn reports(&mut self) -> Vec<Report> {
        match self {
            Writer::Thread { reports, .. } => reports.try_iter().collect(),
            Writer::Inline { reports, .. } => reports.drain(..).collect(),
        }
    }

    /// The queue, for whoever must wait for it (quitting, the signal handler).
    pub fn shared(&self) -> Option<Arc<Shared>> {
        match self {
            Writer::Thread { shared, .. } => Some(Arc::clone(shared)),
            Writer::Inline { .. } => None,
        }
    }
}

impl Drop for Writer {
    /// The thread finishes the queue, then ends.
    fn drop(&mut self) {
        if let Writer::Thread { shared, .. } = self {
            shared.lock().closed = true;
            shared.changed.notify_all();
        }
    }
}

enum Next {
    Job(Job),
    /// Nothing to do within the wait.
    Idle,
    /// The queue is closed and empty.
    Closed,
}

/// The next job, marked running.
fn next_job(shared: &Shared, wait: Duration) -> Next {
    let mut queue = shared.lock();
    if queue.jobs.is_empty() && !queue.closed {
        queue = shared
            .changed
            .wait_timeout(queue, wait)
            .unwrap_or_else(|e| e.into_inner())
            .0;
    }
    match queue.jobs.pop_front() {
        Some(job) => {
            queue.running = Some(job.id);
            Next::Job(job)
        }
        None if queue.closed => Next::Closed,
        None => Next::Idle,
    }
}
