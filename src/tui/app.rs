//! The inbox's state and how commands change it. Drawing reads this state; it never changes it.

use chrono::{DateTime, Utc};
use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use std::path::PathBuf;

use super::analytics::Analytics;
use super::keys::{Command, Context, Keymap};
use super::layout::Areas;
pub use super::prompt::Input;
use super::prompt::{pick_status, Picked, Typed};
use super::today::{Queue, QueueAsk};
use super::writer::{Change, Job, Report, Saved, Writer};
use crate::domain::analytics::Window;
use crate::domain::follow_up::{self, Rules};
use crate::domain::{Action, Lead, LeadFilter, OwnerFilter, SortKey, Status, Touch, TouchKind};
use crate::import::FileReport;
use crate::store::{
    ActionCounts, Cursor, ImportRecord, OfferHealth, PageEnd, PageStart, Stats, StatsQuery, Store,
    StoreError,
};
use std::collections::{BTreeMap, BTreeSet};

/// The action filters, in key order (`1`..`7`). `Other` shows only when such leads exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tab {
    All,
    Action(Action),
    Other,
}

impl Tab {
    pub fn label(&self) -> &str {
        match self {
            Tab::All => "All",
            Tab::Action(a) => a.as_str(),
            Tab::Other => "Other",
        }
    }
}

pub use crate::domain::time::Zone;

/// How the inbox shows a time unless the settings say otherwise: `Nov 20 09:00`.
pub const SHORT_TIME: &str = "%b %d %H:%M";

/// What a call came to, as its note starts when Tab picked one.
pub const CALL_OUTCOMES: [&str; 3] = ["connected", "voicemail", "no answer"];

#[derive(Debug, Clone, PartialEq)]
pub enum Mode {
    List,
    Detail,
    Search(Input),
    /// The note of a touch about to be logged (optional but for a note); a call's outcome
    /// (Tab picks it) is an index of [`CALL_OUTCOMES`].
    Touch {
        kind: TouchKind,
        input: Input,
        outcome: Option<usize>,
    },
    Owner(Input),
    /// Until when to snooze the selected customer's follow-up.
    Snooze(Input),
    /// Why the selected lead is lost.
    LostReason(Input),
    /// `y` closes a customer touched on fewer days than the settings ask.
    ConfirmClose {
        reason: String,
        days: usize,
    },
    /// Why the selected lead is qualified though its customer's checklist lacks `missing`.
    Override {
        input: Input,
        missing: Vec<String>,
    },
    /// The email composed for the selected lead: `o` opens it in the mail program, `y`
    /// copies it, `e` opens it in the rep's editor, Esc closes.
    Compose(Box<crate::compose::Draft>),
    /// `y` logs the email just handed to the mail program.
    LogEmail,
    /// `y` marks every lead shown (`count` of them).
    ConfirmMarkAll {
        count: u64,
    },
    /// The customer's qualification checklist: Space checks the selected item.
    Checklist {
        items: Vec<(String, bool)>,
        selected: usize,
    },
    /// What comes after qualifying, and when (`TEXT @ WHEN`).
    NextStep {
        input: Input,
        override_reason: Option<String>,
    },
    Status {
        selected: usize,
    },
    /// `y` deletes the lead; any other key keeps it.
    ConfirmDelete {
        lead_id: i64,
        name: String,
    },
    ImportPath(Input),
    /// Where to export the marked leads, else the selected one (`.json`: JSON, else CSV).
    ExportPath(Input),
    /// `y` writes the export over the file that is there; any other key keeps the file.
    ConfirmOverwrite(ExportRequest),
    Importing {
        file: String,
        done: u64,
        total: u64,
    },
    ImportSummary(Vec<FileReport>),
    Help,
    /// The numbers (`A`): SLA by day, first touches, funnel, owners, offers.
    Analytics,
}

/// A change the rep made, saved or on its way: what `u` takes back.
#[derive(Debug, Clone, PartialEq)]
struct UndoEntry {
    job: u64,
    /// The lead it changed (a deleted lead takes its entries with it).
    lead_id: Option<i64>,
    label: String,
}

/// A change on its way to the store.
#[derive(Debug, Clone, PartialEq)]
pub struct Unsaved {
    pub job: u64,
    pub lead_id: Option<i64>,
    pub label: String,
}

/// The selected lead with everything the detail pane shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Detail {
    /// The lead, its notes cut to their first [`NOTES_KEPT`] bytes: a pane shows no more.
    pub lead: Lead,
    /// The length of the whole notes, in bytes (`leadbox show` prints them).
    pub notes_len: usize,
    /// Every touch and note on any of the customer's leads: one timeline.
    pub touches: Vec<Touch>,
    /// The customer's leads, without their notes.
    pub contact: Vec<Lead>,
    /// What the customer is owed next, and when.
    pub next: Option<follow_up::Next>,
}

/// The start of a lead's notes the detail pane keeps: more than any terminal shows, and
/// little enough that opening a lead whose notes run to megabytes copies no more than this.
pub const NOTES_KEPT: usize = crate::store::NOTES_IN_PAGES;

/// Customers whose leads the detail pane keeps at most.
const CONTACTS_KEPT: usize = 256;

/// `lead` without its notes past the first `keep` bytes (cut at a character): no copy of
/// the rest is made.
fn lead_with_notes_cut(lead: &Lead, keep: usize) -> Lead {
    let mut cut = keep.min(lead.description.as_ref().map_or(0, String::len));
    let notes = lead.description.as_deref().map(|notes| {
        while !notes.is_char_boundary(cut) {
            cut -= 1;
        }
        notes[..cut].to_string()
    });
    Lead {
        id: lead.id,
        contact_id: lead.contact_id,
        received_at: lead.received_at,
        source: lead.source.clone(),
        action: lead.action.clone(),
        offer: lead.offer.clone(),
        offer_name: lead.offer_name.clone(),
        lead_source: lead.lead_source.clone(),
        first_name: lead.first_name.clone(),
        last_name: lead.last_name.clone(),
        full_name: lead.full_name.clone(),
        email: lead.email.clone(),
        phone: lead.phone.clone(),
        country: lead.country.clone(),
        company: lead.company.clone(),
        title: lead.title.clone(),
        description: notes,
        notes_len: lead.notes_len,
        is_test: lead.is_test,
        status: lead.status,
        owner: lead.owner.clone(),
        touches: lead.touches,
        last_touch_at: lead.last_touch_at,
        first_touch_at: lead.first_touch_at,
        sla_due_at: lead.sla_due_at,
        closed_at: lead.closed_at,
    }
}

/// A short message in the status bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Flash {
    pub text: String,
    pub error: bool,
}

/// Leads to write to a file: the marked ones, else the selected one.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportRequest {
    pub path: PathBuf,
    /// Each lead once.
    pub ids: Vec<i64>,
    /// The ids are the marks (used up once the file is written).
    pub marked: bool,
    /// The rep said yes to replacing the file that is there.
    pub overwrite: bool,
}

/// What writing an [`ExportRequest`] came to.
#[derive(Debug, Clone, PartialEq)]
pub enum ExportOutcome {
    /// This many leads written.
    Written(u64),
    /// The file is there, and the request does not replace it: ask.
    Exists,
    /// Why nothing (or not everything) was written, naming the file.
    Failed(String),
}

/// Something the event loop must do outside the state (it owns the terminal).
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    None,
    Quit,
    /// Put this text on the terminal's clipboard (OSC 52: over SSH too).
    Copy(String),
    /// Open this `mailto:` URL in the rep's mail program (the inbox leaves its screen
    /// meanwhile), then ask whether to log the email.
    OpenMail(String),
    /// Open this draft in the rep's editor (`$VISUAL`, else `$EDITOR`, else `vi`), off the
    /// inbox's screen, then show it as saved in the preview ([`App::draft_edited`]).
    EditDraft(Box<crate::compose::Draft>),
    /// Write these leads to a file, then say how it went ([`App::export_finished`]).
    Export(ExportRequest),
}

/// Completes a typed path (given to the inbox by whoever starts it: the inbox itself reads
/// no folder).
pub type PathCompletion = fn(&str) -> Option<String>;

/// What a key asks of the inbox, whatever mode it was typed in: the key table, the prompts
/// and the pickers turn keys into these, and [`App::step`] applies them.
#[derive(Debug, Clone, PartialEq)]
enum Control {
    Quit,
    Nothing,
    /// A command of the key table (the list and the lead's pane).
    Command(Command),
    /// The search text changed: the list follows each keystroke.
    Search(String),
    /// Enter in the search: keep it.
    KeepSearch,
    /// Esc in a prompt or an overlay.
    Cancel,
    /// A key for the list under the prompt or dialog.
    Pass(KeyEvent),
    /// Enter in a prompt, with its text.
    Submit(String),
    /// Tab in the path prompt.
    CompletePath,
    PickStatus(Status),
    /// The answer to the delete question.
    ConfirmDelete(bool),
    ConfirmClose(bool),
    /// Hand the composed email on: to the mail program, the clipboard or the editor.
    SendDraft(Handoff),
    /// The answer to "log the email?".
    LogEmail(bool),
    /// Space on a checklist item.
    Check(usize),
    /// The answer to "mark all?".
    MarkAll(bool),
    /// The answer to "replace the file?".
    ConfirmOverwrite(bool),
}

/// Where a composed email goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Handoff {
    Mail,
    Copy,
    Editor,
}

/// Counts the filter bar needs, asked of a worker so that typing never waits for them.
#[derive(Debug, Clone, PartialEq)]
pub struct CountsRequest {
    pub generation: u64,
    pub filter: LeadFilter,
    pub now: DateTime<Utc>,
}

/// The answer to a [`CountsRequest`].
#[derive(Debug, Clone, PartialEq)]
pub struct CountsReply {
    pub generation: u64,
    pub counts: ActionCounts,
    /// Leads in the store with no search (test leads only when shown).
    pub store_total: u64,
}

impl CountsRequest {
    /// Runs the request against a store (the worker's own connection, or the app's).
    pub fn run(&self, store: &Store) -> Result<CountsReply, StoreError> {
        let counts = store.lane_counts(&self.filter, self.now)?;
        let store_total = if self.filter.search.is_some() {
            let everything = LeadFilter {
                search: None,
                ..self.filter.clone()
            };
            store.lane_counts(&everything, self.now)?.all
        } else {
            counts.all
        };
        Ok(CountsReply {
            generation: self.generation,
            counts,
            store_total,
        })
    }
}

/// A Today queue, asked of the worker: at a million leads it takes longer than a
/// keystroke may, so the view shows its start meanwhile ([`Queue::start`]).
#[derive(Debug, Clone, PartialEq)]
pub struct QueueRequest {
    pub generation: u64,
    pub ask: QueueAsk,
}

/// The answer to a [`QueueRequest`]: the whole queue, its rows not read yet.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueReply {
    pub generation: u64,
    pub queue: Queue,
}

/// The figures of the analytics view, or the offers' health alone, asked of the worker: at a
/// million leads they take longer than a keystroke may.
#[derive(Debug, Clone, PartialEq)]
pub struct StatsRequest {
    pub generation: u64,
    /// The window of the figures; none: the offers' health alone (the silent warning).
    pub window: Option<Window>,
    pub zone: Zone,
    pub rules: Rules,
    pub now: DateTime<Utc>,
}

/// The answer to a [`StatsRequest`].
#[derive(Debug, Clone, PartialEq)]
pub struct StatsReply {
    pub generation: u64,
    /// Every offer's health over all history.
    pub health: BTreeMap<String, OfferHealth>,
    /// The figures, when a window was asked for.
    pub stats: Option<Box<Stats>>,
}

impl StatsRequest {
    /// Runs the request against a store (the worker's own connection, or the app's).
    pub fn run(&self, store: &Store) -> Result<StatsReply, StoreError> {
        let (health, stats) = match self.window {
            Some(window) => {
                let stats = store.stats(&StatsQuery {
                    window,
                    zone: self.zone,
                    rules: &self.rules,
                    now: self.now,
                })?;
                (stats.offers.clone(), Some(Box::new(stats)))
            }
            None => (store.offer_health(self.now)?, None),
        };
        Ok(StatsReply {
            generation: self.generation,
            health,
            stats,
        })
    }
}

impl QueueRequest {
    /// Runs the request against a store (the worker's own connection).
    pub fn run(&self, store: &Store) -> Result<QueueReply, StoreError> {
        Ok(QueueReply {
            generation: self.generation,
            queue: Queue::compute(store, &self.ask)?,
        })
    }
}

pub struct App {
    pub store: Store,
    /// Who `me` is in the owner prompt.
    pub me: Option<String>,
    /// The keys, with the rep's remappings: commands, help and hints read it.
    pub keymap: Keymap,
    pub now: DateTime<Utc>,
    pub zone: Zone,
    pub mode: Mode,
    /// The mode under an overlay (help, prompts), to return to.
    pub base: Mode,
    pub tabs: Vec<Tab>,
    pub tab: usize,
    pub sort: SortKey,
    pub include_test: bool,
    pub search: String,
    pub counts: ActionCounts,
    /// The counts describe an earlier search or toggle: show them as pending.
    pub counts_stale: bool,
    /// Leads matching the current tab and search.
    pub total: u64,
    /// Leads in the store (test leads only when shown).
    pub store_total: u64,
    /// Position of the selected lead in the list.
    pub selected: u64,
    /// Position of the first lead of the window.
    pub scroll: u64,
    /// The visible window of leads, from `scroll`; nothing else is read from the store.
    pub rows: Vec<Lead>,
    cursors: Vec<Cursor>,
    pub page: u64,
    pub detail: Option<Detail>,
    /// The leads of the customers shown in detail (without notes), by contact, and the
    /// store's data version they were read at: moving back and forth does not read them
    /// again (the store reads whole rows, notes included).
    contact_cache: (i64, std::collections::HashMap<i64, Vec<Lead>>),
    pub flash: Option<Flash>,
    pub last_import: Option<ImportRecord>,
    pub size: (u16, u16),
    undo: Vec<UndoEntry>,
    /// Changes not yet saved, oldest first.
    pub unsaved: Vec<Unsaved>,
    writer: Writer,
    /// What Tab in the import prompt completes a path with (the inbox reads no folder).
    complete_path: Option<PathCompletion>,
    next_job: u64,
    /// Bytes of the running import read so far, and in all.
    pub import_done: (u64, u64),
    /// What quitting has to say once the terminal is restored (changes saved or not).
    pub quit_notes: Vec<String>,
    /// The minute of the last refresh (countdowns move each minute).
    minute: i64,
    data_version: i64,
    /// Counts are computed by a worker (the event loop's), not inline.
    background_counts: bool,
    counts_generation: u64,
    counts_request: Option<CountsRequest>,
    queue_generation: u64,
    queue_request: Option<QueueRequest>,
    /// Exports handed to the worker and not yet written.
    exports_pending: usize,
    /// The inbox is quitting: what the exports still on their way came to goes into
    /// `quit_notes`.
    quitting: bool,
    /// The follow-up rules the Today view's queue follows.
    pub rules: Rules,
    /// The Today view, when it is shown instead of the list (`T` switches).
    pub queue: Option<Queue>,
    /// Only the rep's own customers, in both views.
    pub mine: bool,
    /// Leads marked for the next change (Space, V, *), which then applies once per customer.
    pub marks: std::collections::BTreeSet<i64>,
    /// The last lead marked: `V` marks from it.
    mark_anchor: Option<i64>,
    /// The settings' templates folder, before the shipped templates.
    pub templates: Option<PathBuf>,
    /// The settings' mail command (else the system's opener takes `mailto:` URLs).
    pub mail_command: Option<String>,
    /// How the lists and the pane show a time (the settings' `date_format`).
    pub date_format: String,
    /// The analytics view's window, figures and selected offer.
    pub analytics: Analytics,
    /// Where Esc in the analytics view returns: the list (or Today view), or the lead.
    analytics_return: Mode,
    /// The SLA compliance a day should reach, in percent (the settings' `sla_target`).
    pub sla_target: u8,
    /// Every offer's health, from the worker's latest answer: the status bar warns of the
    /// silent ones.
    pub health: BTreeMap<String, OfferHealth>,
    /// The offers whose silence the rep muted (read from the store).
    pub muted: BTreeSet<String>,
    stats_generation: u64,
    /// The generation of the last stats answer taken in.
    stats_answered: u64,
    stats_request: Option<StatsRequest>,
}

impl App {
    /// An inbox that computes its counts inline (tests, small stores).
    pub fn new(store: Store, now: DateTime<Utc>, zone: Zone) -> Result<App, StoreError> {
        App::build(store, now, zone, false)
    }

    /// An inbox whose counts come from a worker: the first frame does not wait for them.
    /// Take the requests with [`App::take_counts_request`], answer with [`App::apply_counts`].
    pub fn with_counts_worker(
        store: Store,
        now: DateTime<Utc>,
        zone: Zone,
    ) -> Result<App, StoreError> {
        App::build(store, now, zone, true)
    }

    fn build(
        store: Store,
        now: DateTime<Utc>,
        zone: Zone,
        background_counts: bool,
    ) -> Result<App, StoreError> {
        let data_version = store.data_version()?;
        let writer = if store.is_in_memory() {
            Writer::inline()
        } else {
            Writer::spawn(store.path())?
        };
        let mut app = App {
            store,
            now,
            zone,
            mode: Mode::List,
            base: Mode::List,
            // Every tab exists from the start: a `3` typed before the counts arrive works.
            tabs: std::iter::once(Tab::All)
                .chain(Action::KNOWN.iter().cloned().map(Tab::Action))
                .collect(),
            tab: 0,
            sort: SortKey::Urgency,
            include_test: false,
            search: String::new(),
            counts: ActionCounts::default(),
            counts_stale: true,
            keymap: Keymap::default(),
            me: None,
            total: 0,
            store_total: 0,
            selected: 0,
            scroll: 0,
            rows: Vec::new(),
            cursors: Vec::new(),
            page: 20,
            detail: None,
            contact_cache: (-1, Default::default()),
            flash: None,
            last_import: None,
            size: (80, 24),
            undo: Vec::new(),
            unsaved: Vec::new(),
            writer,
            complete_path: None,
            next_job: 0,
            import_done: (0, 0),
            quit_notes: Vec::new(),
            minute: now.timestamp() / 60,
            data_version,
            background_counts,
            counts_generation: 0,
            counts_request: None,
            queue_generation: 0,
            queue_request: None,
            exports_pending: 0,
            quitting: false,
            rules: Rules::default(),
            queue: None,
            mine: false,
            marks: Default::default(),
            mark_anchor: None,
            templates: None,
            mail_command: None,
            date_format: SHORT_TIME.to_string(),
            analytics: Analytics::default(),
            analytics_return: Mode::List,
            sla_target: crate::config::DEFAULT_SLA_TARGET,
            health: BTreeMap::new(),
            muted: BTreeSet::new(),
            stats_generation: 0,
            stats_answered: 0,
            stats_request: None,
        };
        app.refresh_counts()?;
        app.load_from_top()?;
        app.last_import = app.store.last_import()?;
        app.muted = app.store.muted_offers()?;
        // The offers' health, for the status bar's warning of a silent one.
        app.ask_stats(false)?;
        Ok(app)
    }

    /// The filter of the current tab, search and test-lead toggle.
    pub fn filter(&self) -> LeadFilter {
        let mut filter = LeadFilter {
            include_test: self.include_test,
            owner: self.owner_filter(),
            ..LeadFilter::default()
        }
        .with_search(&self.search);
        match self.tabs.get(self.tab) {
            Some(Tab::Action(a)) => filter.actions = vec![a.clone()],
            Some(Tab::Other) => filter.other_actions = true,
            _ => {}
        }
        filter
    }

    pub fn tab_count(&self, tab: &Tab) -> u64 {
        match tab {
            Tab::All => self.counts.all,
            Tab::Action(a) => self.counts.by_action.get(a.as_str()).copied().unwrap_or(0),
            Tab::Other => self.counts.other,
        }
    }

    /// Asks for fresh counts: inline, or from the worker when there is one.
    fn refresh_counts(&mut self) -> Result<(), StoreError> {
        self.counts_generation += 1;
        let request = CountsRequest {
            generation: self.counts_generation,
            filter: LeadFilter {
                actions: Vec::new(),
                other_actions: false,
                ..self.filter()
            },
            now: self.now,
        };
        if self.background_counts {
            self.counts_request = Some(request);
            Ok(())
        } else {
            let reply = request.run(&self.store)?;
            self.apply_counts(reply);
            Ok(())
        }
    }

    /// Tab in the import prompt completes paths with `complete`.
    pub fn complete_paths_with(&mut self, complete: PathCompletion) {
        self.complete_path = Some(complete);
    }

    /// The counts the worker should compute next, if any.
    pub fn take_counts_request(&mut self) -> Option<CountsRequest> {
        self.counts_request.take()
    }

    /// Counts arrived; answers to superseded requests are dropped.
    pub fn apply_counts(&mut self, reply: CountsReply) {
        if reply.generation != self.counts_generation {
            return;
        }
        self.counts = reply.counts;
        self.store_total = reply.store_total;
        self.counts_stale = false;
        let current = self.tabs.get(self.tab).cloned().unwrap_or(Tab::All);
        self.tabs = std::iter::once(Tab::All)
            .chain(Action::KNOWN.iter().cloned().map(Tab::Action))
            .chain((self.counts.other > 0 || current == Tab::Other).then_some(Tab::Other))
            .collect();
        self.tab = self.tabs.iter().position(|t| *t == current).unwrap_or(0);
        self.total = self.tab_count(&self.tabs[self.tab].clone());
        if self.rows.len() < self.page as usize {
            // A short window is the end of the list: its position follows from the total.
            self.scroll = self.total.saturating_sub(self.rows.len() as u64);
            self.selected = self.selected.max(self.scroll);
        }
    }

    /// Re-reads what the store may have changed: the window where it is, the counts, the
    /// detail, the last import.
    pub fn reload(&mut self) -> Result<(), StoreError> {
        self.contact_cache.1.clear();
        self.refresh_counts()?;
        self.refetch()?;
        if self.queue.is_some() {
            self.load_queue()?;
        }
        let last_import = self.store.last_import()?;
        if last_import != self.last_import {
            // New leads (from this inbox, a watched folder or another process): the offers'
            // health again.
            self.last_import = last_import;
            self.ask_stats(false)?;
        }
        self.muted = self.store.muted_offers()?;
        if matches!(self.mode, Mode::Detail) || matches!(self.base, Mode::Detail) {
            self.load_detail()?;
        }
        Ok(())
    }

    /// Sets the terminal size; the list shows as many rows as fit.
    pub fn resize(&mut self, width: u16, height: u16) -> Result<(), StoreError> {
        self.size = (width, height);
        let page = (Areas::new(width, height).list_rows() as u64).max(1);
        if page != self.page {
            self.page = page;
            self.refetch()?;
            if let Some(queue) = &mut self.queue {
                queue.show(&self.store, page as usize)?;
            }
        }
        Ok(())
    }

    fn set_window(&mut self, window: Vec<(Cursor, Lead)>) {
        (self.cursors, self.rows) = window.into_iter().unzip();
    }

    fn load_from_top(&mut self) -> Result<(), StoreError> {
        let window = self.store.page_forward(
            &self.filter(),
            self.sort,
            self.now,
            &PageStart::Beginning,
            0,
            self.page as usize,
        )?;
        self.set_window(window);
        self.scroll = 0;
        self.selected = 0;
        Ok(())
    }

    fn load_bottom(&mut self) -> Result<(), StoreError> {
        let window = self.store.page_backward(
            &self.filter(),
            self.sort,
            self.now,
            &PageEnd::End,
            self.page as usize,
        )?;
        self.set_window(window);
        let len = self.rows.len() as u64;
        self.scroll = self.total.max(len) - len;
        self.selected = self.scroll + len.saturating_sub(1);
        Ok(())
    }

    /// The same window again, from its first lead on (leads may have moved or gone).
    fn refetch(&mut self) -> Result<(), StoreError> {
        let Some(first) = self.cursors.first().cloned() else {
            return self.load_from_top();
        };
        let row = self.selected - self.scroll;
        let window = self.store.page_forward(
            &self.filter(),
            self.sort,
            self.now,
            &PageStart::At(first),
            0,
            self.page as usize,
        )?;
        if window.len() < self.page as usize && self.scroll > 0 {
            self.load_bottom()?;
        } else {
            self.set_window(window);
        }
        if self.rows.is_empty() {
            return self.load_from_top();
        }
        self.selected = self.scroll + row.min(self.rows.len() as u64 - 1);
        Ok(())
    }

    /// Moves the selection by `delta` rows, reading only the rows that come into view.
    fn move_by(&mut self, delta: i64) -> Result<(), StoreError> {
        if self.rows.is_empty() {
            return Ok(());
        }
        let row = (self.selected - self.scroll) as i64 + delta;
        let len = self.rows.len() as i64;
        let page = self.page as usize;
        if (0..len).contains(&row) {
            self.selected = self.scroll + row as u64;
        } else if row >= len {
            let last = self.cursors.last().cloned().expect("a non-empty window");
            let wanted = (row - len + 1) as usize;
            let more = self.store.page_forward(
                &self.filter(),
                self.sort,
                self.now,
                &PageStart::After(last),
                0,
                wanted,
            )?;
            let mut window: Vec<(Cursor, Lead)> = self
                .cursors
                .drain(..)
                .zip(self.rows.drain(..))
                .chain(more)
                .collect();
            let drop = window.len().saturating_sub(page);
            window.drain(..drop);
            self.set_window(window);
            self.scroll += drop as u64;
            // The target is the last row, or the list ended before it: the last row either way.
            self.selected = self.scroll + self.rows.len() as u64 - 1;
        } else {
            let first = self.cursors[0].clone();
            let wanted = (-row) as usize;
            let mut window = self.store.page_backward(
                &self.filter(),
                self.sort,
                self.now,
                &PageEnd::Before(first),
                wanted,
            )?;
            let got = window.len() as u64;
            window.extend(self.cursors.drain(..).zip(self.rows.drain(..)));
            window.truncate(page);
            self.set_window(window);
            self.scroll = self.scroll.saturating_sub(got);
            self.selected = self.scroll;
        }
        Ok(())
    }

    pub fn selected_lead(&self) -> Option<&Lead> {
        if let Some(queue) = &self.queue {
            return queue.selected_lead();
        }
        self.rows
            .get(self.selected.checked_sub(self.scroll)? as usize)
    }

    /// A time as the lists and the pane show it.
    pub fn short_time(&self, t: DateTime<Utc>) -> String {
        self.zone.format(t, &self.date_format)
    }

    /// Shows the Today view (`true`) or the list.
    pub fn show_today(&mut self, today: bool) -> Result<(), StoreError> {
        match today {
            true => self.load_queue()?,
            false => self.queue = None,
        }
        self.follow_selection()
    }

    /// Whose customers `mine` leaves: the rep's, or everyone's.
    fn owner_filter(&self) -> OwnerFilter {
        match (&self.me, self.mine) {
            (Some(me), true) => OwnerFilter::Named(me.clone()),
            _ => OwnerFilter::Any,
        }
    }

    /// Computes the Today view's queue again, the selection where it was: inline, or on
    /// the worker when there is one, showing the start of the queue meanwhile.
    fn load_queue(&mut self) -> Result<(), StoreError> {
        let mut before = self.queue.take();
        let page = self.page as usize;
        let ask = QueueAsk {
            rules: self.rules.clone(),
            zone: self.zone,
            now: self.now,
            owner: self.owner_filter(),
            // The list's filter and search, but for the owner (which `owner` is) and the
            // test leads (never in the queue).
            filter: Some(LeadFilter {
                owner: OwnerFilter::Any,
                include_test: false,
                ..self.filter()
            }),
        };
        let queue = match self.background_counts {
            true => {
                let mut queue = Queue::start(&self.store, &ask, before.as_mut(), page)?;
                queue.settle(&self.store, before.as_ref(), page)?;
                self.queue_generation += 1;
                self.queue_request = Some(QueueRequest {
                    generation: self.queue_generation,
                    ask,
                });
                queue
            }
            false => Queue::load(&self.store, &ask, before.as_ref(), page)?,
        };
        self.queue = Some(queue);
        Ok(())
    }

    /// The queue the worker should compute next, if any.
    pub fn take_queue_request(&mut self) -> Option<QueueRequest> {
        self.queue_request.take()
    }

    /// Whether the Today view waits for its whole queue.
    pub fn queue_pending(&self) -> bool {
        self.queue.as_ref().is_some_and(|q| !q.complete)
    }

    /// The whole queue arrived: it takes the place of its start, the selection where it
    /// was. Answers to superseded requests are dropped.
    pub fn apply_queue(&mut self, reply: QueueReply) -> Result<(), StoreError> {
        if reply.generation != self.queue_generation {
            return Ok(());
        }
        let Some(before) = self.queue.take() else {
            return Ok(());
        };
        let mut queue = reply.queue;
        queue.settle(&self.store, Some(&before), self.page as usize)?;
        self.queue = Some(queue);
        self.follow_selection()
    }

    /// Asks for the offers' health and, with `figures` (or while the analytics view waits
    /// for its figures), the figures of the view's window: inline, or from the worker when
    /// there is one. A newer request replaces any earlier one not answered yet.
    fn ask_stats(&mut self, figures: bool) -> Result<(), StoreError> {
        let figures = figures || self.analytics_pending();
        if figures {
            self.analytics.stats = None;
            self.analytics.failed = None;
        }
        self.stats_generation += 1;
        let today = self.zone.date_of(self.now);
        let request = StatsRequest {
            generation: self.stats_generation,
            window: figures.then(|| self.analytics.period.window(today)),
            zone: self.zone,
            rules: self.rules.clone(),
            now: self.now,
        };
        match self.background_counts {
            true => self.stats_request = Some(request),
            false => match request.run(&self.store) {
                Ok(reply) => self.apply_stats(reply),
                Err(e) => self.stats_failed(e.to_string()),
            },
        }
        Ok(())
    }

    /// The figures or health the worker should compute next, if any.
    pub fn take_stats_request(&mut self) -> Option<StatsRequest> {
        self.stats_request.take()
    }

    /// Whether a stats request is waiting for its answer.
    pub fn stats_pending(&self) -> bool {
        self.stats_generation > self.stats_answered
    }

    /// Whether the analytics view waits for its figures ("computing…").
    pub fn analytics_pending(&self) -> bool {
        self.analytics.stats.is_none() && self.analytics.failed.is_none() && self.stats_pending()
    }

    /// Figures or health arrived; answers to superseded requests are dropped.
    pub fn apply_stats(&mut self, reply: StatsReply) {
        if reply.generation != self.stats_generation {
            return;
        }
        self.stats_answered = reply.generation;
        self.health = reply.health;
        if let Some(stats) = reply.stats {
            let offers = stats.offers.len();
            self.analytics.stats = Some(stats);
            self.analytics.selected = self.analytics.selected.min(offers.saturating_sub(1));
        }
    }

    /// The worker could not compute the figures.
    pub fn stats_failed(&mut self, error: String) {
        self.stats_answered = self.stats_generation;
        if self.analytics.stats.is_none() {
            self.analytics.failed = Some(error.clone());
        }
        self.flash_error(format!("cannot compute the figures: {error}"));
    }

    /// Opens the analytics view over the list (or Today view) or the lead's pane, and asks
    /// for its figures.
    fn open_analytics(&mut self) -> Result<(), StoreError> {
        self.analytics_return = match self.mode {
            Mode::Detail => Mode::Detail,
            _ => Mode::List,
        };
        self.mode = Mode::Analytics;
        self.base = Mode::Analytics;
        self.ask_stats(true)
    }

    /// Back to where the rep was before `A`.
    fn close_analytics(&mut self) -> Result<(), StoreError> {
        self.mode = self.analytics_return.clone();
        self.base = self.analytics_return.clone();
        self.follow_selection()
    }

    /// The analytics view's keys.
    fn run_in_analytics(&mut self, command: Command) -> Result<Effect, StoreError> {
        match command {
            Command::Quit | Command::Back | Command::Analytics => self.close_analytics()?,
            Command::Down => self.move_offer(1),
            Command::Up => self.move_offer(-1),
            Command::CycleWindow => {
                self.analytics.period = self.analytics.period.next();
                self.ask_stats(true)?;
            }
            Command::MuteOffer => self.mute_selected_offer()?,
            Command::Undo => self.undo()?,
            Command::Help => self.over_base(Mode::Help),
            _ => {}
        }
        Ok(Effect::None)
    }

    /// Moves the offers table's selection.
    fn move_offer(&mut self, delta: i64) {
        let last = self.analytics.offers().len().saturating_sub(1) as i64;
        let selected = (self.analytics.selected as i64 + delta).clamp(0, last);
        self.analytics.selected = selected as usize;
    }

    /// Mutes the silence warning of the selected offer, or unmutes it, through the writer.
    fn mute_selected_offer(&mut self) -> Result<(), StoreError> {
        let Some(offer) = self.analytics.selected_offer().map(str::to_string) else {
            self.flash_error("no offer selected");
            return Ok(());
        };
        let muted = !self.muted.contains(&offer);
        let label = format!(
            "{} of offer {}",
            if muted { "mute" } else { "unmute" },
            crate::domain::text::printable(&offer)
        );
        let change = Change::MuteOffer {
            offer,
            muted,
            at: self.now,
        };
        self.submit(change, label, true)
    }

    /// The worker could not compute the queue.
    pub fn queue_failed(&mut self, error: String) {
        if let Some(queue) = &mut self.queue {
            // What is shown is all there is.
            queue.counts = follow_up::Reason::ALL
                .map(|reason| queue.items.iter().filter(|i| i.reason == reason).count());
            queue.complete = true;
        }
        self.flash_error(format!("cannot read today's queue: {error}"));
    }

    /// The Today view's queue again, when it is shown (its filter or search changed).
    fn reload_queue(&mut self) -> Result<(), StoreError> {
        match self.queue.is_some() {
            true => self.load_queue(),
            false => Ok(()),
        }
    }

    /// Moves in the Today view's queue, or in the list.
    fn queue_or_list(&mut self, delta: i64) -> Result<bool, StoreError> {
        let page = self.page as usize;
        match &mut self.queue {
            Some(queue) => {
                queue.move_by(&self.store, delta, page)?;
                self.follow_selection()?;
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// Snoozes the selected customer's next follow-up until `when` (a form of
    /// [`follow_up::snooze_until`]).
    fn snooze(&mut self, when: &str) -> Result<(), StoreError> {
        let Some(lead) = self.selected_lead().map(|l| lead_with_notes_cut(l, 0)) else {
            return Ok(());
        };
        let until = match follow_up::snooze_until(when, self.now, self.zone, self.rules.day_start) {
            Ok(until) => until,
            Err(problem) => {
                self.flash_error(problem);
                return Ok(());
            }
        };
        let name = lead.name().unwrap_or_else(|| format!("lead {}", lead.id));
        let change = Change::Snooze {
            lead_id: lead.id,
            until,
            at: self.now,
            rules: Box::new(self.rules.clone()),
            zone: self.zone,
        };
        self.submit(change, format!("snooze of {name}"), true)
    }

    /// Closes the selected lead as lost for `reason`, once it is one of the settings'; a
    /// customer touched on fewer days than they ask is confirmed first.
    fn lose(&mut self, reason: &str) -> Result<(), StoreError> {
        let Some(lead_id) = self.selected_lead().map(|l| l.id) else {
            return Ok(());
        };
        let reason = match follow_up::lost_reason(reason, &self.rules) {
            Ok(reason) => reason,
            Err(problem) => {
                self.flash_error(format!("not closed: {problem}"));
                return Ok(());
            }
        };
        let customer = self.store.customer_of(lead_id)?;
        let days = follow_up::cadence_touch_days(&customer.leads, &customer.touches, self.zone);
        if days < self.rules.min_touch_days as usize {
            self.prompt(Mode::ConfirmClose { reason, days });
            return Ok(());
        }
        self.submit_lose(reason, false)
    }

    /// The answer to "close anyway?".
    fn confirm_close(&mut self, yes: bool) -> Result<(), StoreError> {
        let Mode::ConfirmClose { reason, .. } =
            std::mem::replace(&mut self.mode, self.base.clone())
        else {
            return Ok(());
        };
        match yes {
            true => self.submit_lose(reason, true),
            false => {
                self.flash_info("not closed");
                Ok(())
            }
        }
    }

    fn submit_lose(&mut self, reason: String, forced: bool) -> Result<(), StoreError> {
        let Some(lead_id) = self.selected_lead().map(|l| l.id) else {
            return Ok(());
        };
        let change = Change::Lose {
            lead_id,
            reason: reason.clone(),
            forced,
            at: self.now,
            rules: Box::new(self.rules.clone()),
            zone: self.zone,
        };
        self.submit(change, format!("status lost ({reason})"), true)
    }

    /// Qualifies the selected lead with `next` (`TEXT @ WHEN`, or nothing) as its next step.
    fn qualify(&mut self, override_reason: Option<String>, next: &str) -> Result<(), StoreError> {
        let Some(lead_id) = self.selected_lead().map(|l| l.id) else {
            return Ok(());
        };
        let next_step = match next.trim() {
            "" => None,
            text => {
                let Some((step, when)) = text.rsplit_once('@') else {
                    self.flash_error("not qualified: give the next step as TEXT @ WHEN");
                    return Ok(());
                };
                let day_start = self.rules.day_start;
                match follow_up::snooze_until(when, self.now, self.zone, day_start) {
                    Ok(at) => Some((step.trim().to_string(), at)),
                    Err(problem) => {
                        let problem = problem.replace("snooze until", "set the next step at");
                        self.flash_error(format!("not qualified: {problem}"));
                        return Ok(());
                    }
                }
            }
        };
        let change = Change::Qualify {
            lead_id,
            override_reason,
            next_step,
            at: self.now,
            rules: Box::new(self.rules.clone()),
        };
        self.submit(change, "status qualified".to_string(), true)
    }

    /// Composes the email the selected lead's customer is owed (a first touch, a cadence
    /// step, a decision) from the templates, and shows it.
    fn compose(&mut self) -> Result<(), StoreError> {
        let Some(id) = self.selected_lead().map(|l| l.id) else {
            self.flash_error("no lead selected");
            return Ok(());
        };
        // Read whole: a row of the Today view or the list may carry its notes cut, or none.
        let lead = self.store.lead(id)?;
        let customer = self.store.customer_of(lead.id)?;
        let owed = customer.next(&self.rules, self.zone).map(|next| next.owed);
        let days = follow_up::touch_days(&customer.touches, self.zone);
        let purpose = crate::compose::Purpose::of(owed, days);
        let opted_out = customer.state.opted_out;
        let (me, templates) = (self.me.as_deref(), self.templates.as_deref());
        match crate::compose::compose(&lead, purpose, me, opted_out, templates, None) {
            Ok(draft) => self.over_base(Mode::Compose(Box::new(draft))),
            Err(problem) => self.flash_error(format!("no email: {problem}")),
        }
        Ok(())
    }

    /// The selected customer's qualification checklist, judged against the settings'.
    fn open_checklist(&mut self) -> Result<(), StoreError> {
        let Some(lead_id) = self.selected_lead().map(|l| l.id) else {
            self.flash_error("no lead selected");
            return Ok(());
        };
        let checked = self.store.customer_of(lead_id)?.checked;
        let missing = follow_up::unchecked(&checked, &self.rules);
        let items = self
            .rules
            .checklist
            .iter()
            .map(|item| (item.clone(), !missing.contains(&item.as_str())))
            .collect();
        self.over_base(Mode::Checklist { items, selected: 0 });
        Ok(())
    }

    /// Checks or unchecks item `i` of the open checklist, through the writer.
    fn check(&mut self, i: usize) -> Result<(), StoreError> {
        let Some(lead_id) = self.selected_lead().map(|l| l.id) else {
            return Ok(());
        };
        let Mode::Checklist { items, .. } = &mut self.mode else {
            return Ok(());
        };
        let Some((item, on)) = items.get_mut(i) else {
            return Ok(());
        };
        *on = !*on;
        let change = Change::Check {
            lead_id,
            item: item.clone(),
            on: *on,
            at: self.now,
        };
        let label = format!("{} {item}", if *on { "check" } else { "uncheck" });
        self.submit(change, label, true)
    }

    /// Tab in the owner prompt: the next known owner that begins with what is typed (any
    /// case); on a whole name, the one after it.
    fn complete_owner(&mut self) -> Result<(), StoreError> {
        let owners = self.store.owners()?;
        let Mode::Owner(input) = &mut self.mode else {
            return Ok(());
        };
        let typed = input.text.trim().to_lowercase();
        let whole = owners.iter().position(|o| o.to_lowercase() == typed);
        let next = match whole {
            Some(i) => owners.get((i + 1) % owners.len()),
            None => owners.iter().find(|o| o.to_lowercase().starts_with(&typed)),
        };
        if let Some(owner) = next {
            input.text = owner.clone();
        }
        Ok(())
    }

    /// Copies the selected lead's email, else its phone, to the terminal's clipboard.
    fn copy_contact(&mut self) -> Effect {
        let Some(lead) = self.selected_lead() else {
            self.flash_error("no lead selected");
            return Effect::None;
        };
        match lead.email.clone().or_else(|| lead.phone.clone()) {
            Some(text) => {
                self.flash_info(format!("copied {text}"));
                Effect::Copy(text)
            }
            None => {
                self.flash_error("this lead has no email and no phone");
                Effect::None
            }
        }
    }

    /// The mail program could not take the email: say why, and log nothing.
    pub fn mail_failed(&mut self, problem: String) {
        self.mode = self.base.clone();
        self.flash_error(format!("not handed to the mail program: {problem}"));
    }

    /// The editor could not be run, failed, or left the draft empty: say why; the preview
    /// keeps the draft as it was.
    pub fn editor_failed(&mut self, problem: String) {
        self.flash_error(format!("draft not edited: {problem}"));
    }

    /// The rep saved the draft in the editor: the preview shows it, to be handed to the
    /// mail program or copied (then logged) as the rep chooses.
    pub fn draft_edited(&mut self, draft: crate::compose::Draft) {
        if matches!(self.mode, Mode::Compose(_)) {
            self.mode = Mode::Compose(Box::new(draft));
        }
    }

    /// The export prompt, holding a file name of the minute in the current folder.
    fn ask_export(&mut self) {
        if self.marks.is_empty() && self.selected_lead().is_none() {
            self.flash_error("no lead selected");
            return;
        }
        let name = self.zone.format(self.now, "leads-%Y%m%d-%H%M.csv");
        self.over_base(Mode::ExportPath(Input::with(&name)));
    }

    /// Enter in the export prompt: the marked leads, else the selected one, to the file
    /// `text` names (written by the event loop).
    fn export_to(&mut self, text: &str) -> Effect {
        let path = text.trim();
        if path.is_empty() {
            self.flash_info("nothing exported: no file named");
            return Effect::None;
        }
        let marked = !self.marks.is_empty();
        let ids = match (marked, self.selected_lead()) {
            (true, _) => self.marks.iter().copied().collect(),
            (false, Some(lead)) => vec![lead.id],
            (false, None) => {
                self.flash_error("no lead selected");
                return Effect::None;
            }
        };
        Effect::Export(ExportRequest {
            path: expand_home(path),
            ids,
            marked,
            overwrite: false,
        })
    }

    /// An export handed to the worker: the status bar says so until it is written.
    pub fn export_started(&mut self, request: &ExportRequest) {
        self.exports_pending += 1;
        let n = request.ids.len();
        self.flash_info(format!(
            "Exporting {n} lead{} to {}…",
            if n == 1 { "" } else { "s" },
            request.path.display()
        ));
    }

    /// The worker wrote an export (or failed to): [`App::export_finished`]; while quitting,
    /// a line for the terminal once restored.
    pub fn export_answered(&mut self, request: ExportRequest, outcome: ExportOutcome) {
        self.exports_pending = self.exports_pending.saturating_sub(1);
        if self.quitting {
            let printable = crate::domain::text::printable;
            let file = printable(&request.path.display().to_string()).into_owned();
            self.quit_notes.push(match &outcome {
                ExportOutcome::Written(n) => {
                    format!(
                        "exported {n} lead{} to {file}",
                        if *n == 1 { "" } else { "s" }
                    )
                }
                ExportOutcome::Exists => format!("not exported: {file} is there already"),
                ExportOutcome::Failed(problem) => {
                    format!("not exported: {}", printable(problem))
                }
            });
        }
        self.export_finished(request, outcome);
    }

    /// The inbox is quitting once the exports on their way are written: each one's outcome
    /// is then a quit note.
    pub fn quit_after_exports(&mut self) {
        self.quitting = true;
        if self.exports_pending() {
            self.flash_info("writing the export before quitting…");
        }
    }

    /// Whether an export is being written by the worker.
    pub fn exports_pending(&self) -> bool {
        self.exports_pending > 0
    }

    /// What writing an export came to: said in the status bar; a file that is there is
    /// replaced only once the rep says so. The marks are used up once written.
    pub fn export_finished(&mut self, request: ExportRequest, outcome: ExportOutcome) {
        match outcome {
            ExportOutcome::Written(n) => {
                if request.marked {
                    self.marks.clear();
                }
                self.flash_info(format!(
                    "Exported {n} lead{} to {}",
                    if n == 1 { "" } else { "s" },
                    request.path.display()
                ));
            }
            ExportOutcome::Exists => self.over_base(Mode::ConfirmOverwrite(request)),
            ExportOutcome::Failed(problem) => self.flash_error(format!("not exported: {problem}")),
        }
    }

    fn toggle_mine(&mut self) -> Result<(), StoreError> {
        if self.me.is_none() {
            self.flash_error("who is me? set owner in the settings (leadbox config path)");
            return Ok(());
        }
        self.mine = !self.mine;
        self.counts_stale = true;
        self.refresh_counts()?;
        self.load_from_top()?;
        if self.queue.is_some() {
            self.load_queue()?;
        }
        self.flash_info(if self.mine {
            "only your customers"
        } else {
            "everyone's customers"
        });
        Ok(())
    }

    /// The detail of the selected lead, from its row in the window (read with the window,
    /// and never copied whole: its notes may run to megabytes), its touches, and its
    /// customer's leads (read again only when the store has changed or the customer has).
    fn load_detail(&mut self) -> Result<(), StoreError> {
        let Some(row) = self.selected_lead() else {
            self.detail = None;
            return Ok(());
        };
        // Of notes too long for the list's pages, the row holds their start.
        let lead = lead_with_notes_cut(row, NOTES_KEPT);
        let notes_len = row.notes_len;
        let touches = self.store.customer_touches(lead.contact_id)?;
        let next = self
            .store
            .customer_of(lead.id)?
            .next(&self.rules, self.zone);
        let version = self.store.data_version()?;
        if self.contact_cache.0 != version || self.contact_cache.1.len() >= CONTACTS_KEPT {
            self.contact_cache = (version, Default::default());
        }
        let contact = match self.contact_cache.1.get(&lead.contact_id) {
            Some(leads) => leads.clone(),
            None => {
                let leads = self.store.contact_leads_without_notes(lead.contact_id)?;
                self.contact_cache.1.insert(lead.contact_id, leads.clone());
                leads
            }
        };
        self.detail = Some(Detail {
            lead,
            notes_len,
            touches,
            contact,
            next,
        });
        Ok(())
    }

    /// The minute changed, or another process wrote to the store: refresh.
    pub fn tick(&mut self, now: DateTime<Utc>) -> Result<(), StoreError> {
        if self.store.files_replaced() {
            // Another program replaced or deleted the store's files under this connection:
            // read the ones everybody else uses.
            self.store.reopen()?;
            self.store.set_cache_mib(super::INBOX_CACHE_MIB)?;
            self.data_version = -1;
        }
        let version = self.store.data_version()?;
        let minute = now.timestamp() / 60;
        self.now = now;
        if version != self.data_version || minute != self.minute {
            self.data_version = version;
            self.minute = minute;
            self.reload()?;
        }
        Ok(())
    }

    /// Sets the clock without refreshing (before a key, which stamps changes with it).
    pub fn set_clock(&mut self, now: DateTime<Utc>) {
        self.now = now;
    }

    /// The counts worker failed: say so instead of showing `…` for ever.
    pub fn counts_failed(&mut self, error: String) {
        self.counts_stale = false;
        self.flash_error(format!("cannot count the leads: {error}"));
    }

    pub fn context(&self) -> Context {
        match self.mode {
            Mode::Detail => Context::Detail,
            Mode::Analytics => Context::Analytics,
            _ => Context::List,
        }
    }

    pub fn handle_event(&mut self, event: &Event) -> Effect {
        let result = match event {
            Event::Key(key) if key.kind != crossterm::event::KeyEventKind::Release => {
                self.handle_key(key)
            }
            Event::Mouse(mouse) => self.handle_mouse(mouse).map(|_| Effect::None),
            Event::Resize(w, h) => self.resize(*w, *h).map(|_| Effect::None),
            _ => Ok(Effect::None),
        };
        result.unwrap_or_else(|e| {
            self.flash_error(format!("store error: {e}"));
            Effect::None
        })
    }

    /// A key, in whatever mode: what it means ([`App::control_for`]), then that applied
    /// ([`App::step`]).
    pub fn handle_key(&mut self, key: &KeyEvent) -> Result<Effect, StoreError> {
        let control = self.control_for(key);
        self.step(control)
    }

    /// What `key` means in the current mode. Only the prompt or picker it was typed into
    /// changes here (its text, its selection); everything else is [`App::step`]'s.
    fn control_for(&mut self, key: &KeyEvent) -> Control {
        if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
            return Control::Quit;
        }
        let context = self.context();
        match &mut self.mode {
            Mode::List | Mode::Detail | Mode::Analytics => self
                .keymap
                .command_for(key, context)
                .map_or(Control::Nothing, Control::Command),
            Mode::Search(input) => match input.key(key) {
                Typed::Edited => Control::Search(input.text.clone()),
                Typed::Submit => Control::KeepSearch,
                Typed::Cancel => Control::Cancel,
                Typed::Move => Control::Pass(*key),
                Typed::Complete | Typed::Ignored => Control::Nothing,
            },
            Mode::Touch {
                kind: TouchKind::Call,
                outcome,
                ..
            } if key.code == KeyCode::Tab => {
                *outcome = match *outcome {
                    None => Some(0),
                    Some(i) if i + 1 < CALL_OUTCOMES.len() => Some(i + 1),
                    Some(_) => None,
                };
                Control::Nothing
            }
            Mode::Touch { input, .. }
            | Mode::Owner(input)
            | Mode::Snooze(input)
            | Mode::LostReason(input)
            | Mode::Override { input, .. }
            | Mode::NextStep { input, .. }
            | Mode::ImportPath(input)
            | Mode::ExportPath(input) => match input.key(key) {
                Typed::Submit => Control::Submit(input.text.clone()),
                Typed::Cancel => Control::Cancel,
                Typed::Complete => Control::CompletePath,
                Typed::Edited | Typed::Move | Typed::Ignored => Control::Nothing,
            },
            Mode::Status { selected } => match pick_status(selected, key) {
                Picked::Status(status) => Control::PickStatus(status),
                Picked::Cancel => Control::Cancel,
                Picked::Moved | Picked::Ignored => Control::Nothing,
            },
            Mode::ConfirmDelete { .. } => {
                Control::ConfirmDelete(matches!(key.code, KeyCode::Char('y' | 'Y')))
            }
            Mode::ConfirmClose { .. } => {
                Control::ConfirmClose(matches!(key.code, KeyCode::Char('y' | 'Y')))
            }
            Mode::Compose(_) => match key.code {
                KeyCode::Char('o') => Control::SendDraft(Handoff::Mail),
                KeyCode::Char('y') => Control::SendDraft(Handoff::Copy),
                KeyCode::Char('e') => Control::SendDraft(Handoff::Editor),
                KeyCode::Esc | KeyCode::Char('q') => Control::Cancel,
                _ => Control::Nothing,
            },
            Mode::LogEmail => Control::LogEmail(matches!(key.code, KeyCode::Char('y' | 'Y'))),
            Mode::ConfirmMarkAll { .. } => {
                Control::MarkAll(matches!(key.code, KeyCode::Char('y' | 'Y')))
            }
            Mode::ConfirmOverwrite(_) => {
                Control::ConfirmOverwrite(matches!(key.code, KeyCode::Char('y' | 'Y')))
            }
            Mode::Checklist { items, selected } => match key.code {
                KeyCode::Char('j') | KeyCode::Down => {
                    *selected = (*selected + 1).min(items.len().saturating_sub(1));
                    Control::Nothing
                }
                KeyCode::Char('k') | KeyCode::Up => {
                    *selected = selected.saturating_sub(1);
                    Control::Nothing
                }
                KeyCode::Char(' ') | KeyCode::Enter => Control::Check(*selected),
                KeyCode::Esc | KeyCode::Char('q' | 'Q') => Control::Cancel,
                _ => Control::Nothing,
            },
            // The import goes on in the background: Esc hides its dialog, and every other
            // key works as in the list.
            Mode::Importing { .. } if key.code == KeyCode::Esc => Control::Cancel,
            Mode::Importing { .. } => Control::Pass(*key),
            Mode::ImportSummary(_) | Mode::Help => match key.code {
                KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q' | '?') => Control::Cancel,
                _ => Control::Nothing,
            },
        }
    }

    /// Applies what a key meant.
    fn step(&mut self, control: Control) -> Result<Effect, StoreError> {
        match control {
            Control::Quit => return Ok(Effect::Quit),
            // Any key in the list or the pane clears the last message.
            Control::Nothing
                if matches!(self.mode, Mode::List | Mode::Detail | Mode::Analytics) =>
            {
                self.flash = None
            }
            Control::Nothing => {}
            Control::Command(command) => {
                self.flash = None;
                return self.run(command);
            }
            Control::Search(text) => self.set_search(&text)?,
            Control::KeepSearch => self.mode = Mode::List,
            Control::Cancel => {
                let searching = matches!(self.mode, Mode::Search(_));
                self.mode = if searching {
                    Mode::List
                } else {
                    self.base.clone()
                };
                if searching {
                    self.set_search("")?;
                }
            }
            Control::Pass(key) => {
                self.mode = match self.mode {
                    Mode::Search(_) => Mode::List,
                    _ => self.base.clone(),
                };
                return self.handle_key(&key);
            }
            Control::Submit(text) if matches!(self.mode, Mode::ExportPath(_)) => {
                self.mode = self.base.clone();
                return Ok(self.export_to(&text));
            }
            Control::Submit(text) => self.submit_prompt(text)?,
            Control::CompletePath => {
                if let (Mode::ImportPath(input) | Mode::ExportPath(input), Some(complete)) =
                    (&mut self.mode, self.complete_path)
                {
                    if let Some(completed) = complete(&input.text) {
                        input.text = completed;
                    }
                }
                if matches!(self.mode, Mode::Owner(_)) {
                    self.complete_owner()?;
                }
            }
            Control::PickStatus(status) => {
                self.mode = self.base.clone();
                self.set_status(status)?;
            }
            Control::ConfirmDelete(yes) => self.confirm_delete(yes)?,
            Control::ConfirmClose(yes) => self.confirm_close(yes)?,
            Control::SendDraft(handoff) => {
                // The editor hands the draft back to the preview; the others send it on.
                if let (Handoff::Editor, Mode::Compose(draft)) = (handoff, &self.mode) {
                    return Ok(Effect::EditDraft(draft.clone()));
                }
                let Mode::Compose(draft) = std::mem::replace(&mut self.mode, Mode::LogEmail) else {
                    return Ok(Effect::None);
                };
                return Ok(match handoff {
                    Handoff::Copy => Effect::Copy(draft.text()),
                    Handoff::Mail | Handoff::Editor => Effect::OpenMail(draft.mailto_url()),
                });
            }
            Control::Check(i) => self.check(i)?,
            Control::MarkAll(yes) => {
                self.mode = self.base.clone();
                if yes {
                    self.mark_all()?;
                }
            }
            Control::ConfirmOverwrite(yes) => {
                let Mode::ConfirmOverwrite(request) =
                    std::mem::replace(&mut self.mode, self.base.clone())
                else {
                    return Ok(Effect::None);
                };
                match yes {
                    true => {
                        return Ok(Effect::Export(ExportRequest {
                            overwrite: true,
                            ..request
                        }))
                    }
                    false => self.flash_info(format!(
                        "not exported: {} is kept as it was",
                        request.path.display()
                    )),
                }
            }
            Control::LogEmail(yes) => {
                self.mode = self.base.clone();
                match yes {
                    true => self.log_touch(TouchKind::Email, None)?,
                    false => self.flash_info("email not logged"),
                }
            }
        }
        Ok(Effect::None)
    }

    /// Enter in a prompt: the note, the owner or the path it asked for.
    fn submit_prompt(&mut self, text: String) -> Result<(), StoreError> {
        let prompt = std::mem::replace(&mut self.mode, self.base.clone());
        match prompt {
            Mode::Touch { kind, outcome, .. } => {
                let text = text.trim();
                let note = match outcome.map(|i| CALL_OUTCOMES[i]) {
                    Some(outcome) if text.is_empty() => Some(outcome.to_string()),
                    Some(outcome) => Some(format!("{outcome}: {text}")),
                    None => (!text.is_empty()).then(|| text.to_string()),
                };
                match (kind, note) {
                    (TouchKind::Note, None) => self.flash_info("empty note: nothing logged"),
                    (kind, note) => self.log_touch(kind, note.as_deref())?,
                }
            }
            // `me` is the rep (the owner setting, else the login name).
            Mode::Owner(_) => match (text.trim().eq_ignore_ascii_case("me"), self.me.clone()) {
                (true, Some(me)) => self.set_owner(&me)?,
                _ => self.set_owner(&text)?,
            },
            Mode::Snooze(_) => self.snooze(&text)?,
            Mode::LostReason(_) => self.lose(&text)?,
            Mode::Override { missing, .. } => match text.trim() {
                "" => self.flash_error(format!(
                    "not qualified: the checklist lacks {} (Q checks it)",
                    missing.join(", ")
                )),
                reason => self.prompt(Mode::NextStep {
                    input: Input::default(),
                    override_reason: Some(reason.to_string()),
                }),
            },
            Mode::NextStep {
                override_reason, ..
            } => self.qualify(override_reason, &text)?,
            Mode::ImportPath(_) => {
                let path = text.trim();
                if !path.is_empty() {
                    self.import(expand_home(path))?;
                }
            }
            other => self.mode = other,
        }
        Ok(())
    }

    /// The answer to "Delete lead N?".
    fn confirm_delete(&mut self, yes: bool) -> Result<(), StoreError> {
        let Mode::ConfirmDelete { lead_id, name } =
            std::mem::replace(&mut self.mode, self.base.clone())
        else {
            return Ok(());
        };
        if !yes {
            self.flash_info(format!("not deleted: lead {lead_id} ({name})"));
            return Ok(());
        }
        // The lead's pane has nothing to show once the lead is gone.
        self.mode = Mode::List;
        self.base = Mode::List;
        self.submit(
            Change::Delete { lead_id },
            format!("delete of lead {lead_id} ({name})"),
            false,
        )
    }

    fn run(&mut self, command: Command) -> Result<Effect, StoreError> {
        if matches!(self.mode, Mode::Analytics) {
            return self.run_in_analytics(command);
        }
        let in_detail = matches!(self.mode, Mode::Detail);
        match command {
            Command::Quit if in_detail => self.mode = Mode::List,
            Command::Quit => return Ok(Effect::Quit),
            Command::Back if in_detail => self.mode = Mode::List,
            Command::Back if !self.marks.is_empty() => {
                self.marks.clear();
                self.flash_info("marks cleared");
            }
            Command::Back => {
                if !self.search.is_empty() {
                    self.set_search("")?;
                }
            }
            Command::Down if self.queue_or_list(1)? => {}
            Command::Up if self.queue_or_list(-1)? => {}
            Command::Top if self.queue_or_list(i64::MIN / 2)? => {}
            Command::Bottom if self.queue_or_list(i64::MAX / 2)? => {}
            Command::PageDown if self.queue_or_list(self.page as i64)? => {}
            Command::PageUp if self.queue_or_list(-(self.page as i64))? => {}
            Command::Down => self.select_by(1)?,
            Command::Up => self.select_by(-1)?,
            Command::Top => self.jump(Self::load_from_top)?,
            Command::Bottom => self.jump(Self::load_bottom)?,
            Command::PageDown => self.select_by(self.page as i64)?,
            Command::PageUp => self.select_by(-(self.page as i64))?,
            Command::ToggleToday => self.show_today(self.queue.is_none())?,
            Command::Snooze => self.prompt(Mode::Snooze(Input::default())),
            Command::Compose => self.compose()?,
            Command::Mark => self.toggle_mark()?,
            Command::MarkRange => self.mark_range(),
            Command::MarkAll => self.ask_mark_all(),
            Command::Checklist => self.open_checklist()?,
            Command::CopyContact => return Ok(self.copy_contact()),
            Command::Export => self.ask_export(),
            Command::ToggleMine => self.toggle_mine()?,
            Command::NextTab => self.switch_tab((self.tab + 1) % self.tabs.len())?,
            Command::PrevTab => {
                self.switch_tab((self.tab + self.tabs.len() - 1) % self.tabs.len())?
            }
            Command::Tab(i) => self.tab_number(i)?,
            Command::Search => self.mode = Mode::Search(Input::with(&self.search)),
            Command::CycleSort => self.cycle_sort()?,
            Command::Open => self.open_lead()?,
            // Enter logs it, Esc does not: no stray key logs a call that never happened.
            Command::Touch(kind) => self.prompt(Mode::Touch {
                kind,
                input: Input::default(),
                outcome: None,
            }),
            Command::PickStatus => self.pick_status(),
            Command::SetOwner => self.edit_owner(),
            Command::ToggleTest => self.toggle_test()?,
            Command::Undo => self.undo()?,
            Command::Delete => self.ask_delete(),
            Command::Import => self.over_base(Mode::ImportPath(Input::default())),
            Command::Help => self.over_base(Mode::Help),
            Command::Analytics => self.open_analytics()?,
            // The analytics view's own.
            Command::CycleWindow | Command::MuteOffer => {}
        }
        Ok(Effect::None)
    }

    /// The tab a number key names (1 for the first).
    fn tab_number(&mut self, i: usize) -> Result<(), StoreError> {
        // `7` shows the Other tab even before the counts say such leads exist.
        if i == self.tabs.len() && i == Action::KNOWN.len() + 1 {
            self.tabs.push(Tab::Other);
        }
        if i < self.tabs.len() {
            self.switch_tab(i)?;
        }
        Ok(())
    }

    fn cycle_sort(&mut self) -> Result<(), StoreError> {
        self.sort = self.sort.next();
        self.load_from_top()?;
        self.flash_info(format!("sorted by {}", self.sort.as_str()));
        Ok(())
    }

    /// Opens the selected lead's pane, if a lead is selected.
    fn open_lead(&mut self) -> Result<(), StoreError> {
        if self.selected_lead().is_some() {
            self.mode = Mode::Detail;
            self.load_detail()?;
        }
        Ok(())
    }

    /// The status picker, on the selected lead's status.
    fn pick_status(&mut self) {
        let current = self.selected_lead().map(|l| l.status);
        let selected = Status::ALL
            .iter()
            .position(|s| Some(*s) == current)
            .unwrap_or(0);
        self.prompt(Mode::Status { selected });
    }

    /// The owner prompt, holding the selected lead's owner.
    fn edit_owner(&mut self) {
        let owner = self
            .selected_lead()
            .and_then(|l| l.owner.clone())
            .unwrap_or_default();
        self.prompt(Mode::Owner(Input::with(&owner)));
    }

    /// Opens on the filter `tab` (its place in the bar), sorted by `sort`, with or without
    /// test leads (`[inbox]` in the settings).
    pub fn start_with(
        &mut self,
        tab: usize,
        sort: SortKey,
        include_test: bool,
    ) -> Result<(), StoreError> {
        self.sort = sort;
        if self.include_test != include_test {
            self.include_test = include_test;
            self.counts_stale = true;
            self.refresh_counts()?;
        }
        self.tab_number(tab)?;
        if self.tab != tab {
            // No such filter: the first one, in the order asked for.
            self.load_from_top()?;
        }
        Ok(())
    }

    fn toggle_test(&mut self) -> Result<(), StoreError> {
        self.include_test = !self.include_test;
        self.counts_stale = true;
        self.refresh_counts()?;
        self.load_from_top()?;
        self.flash_info(if self.include_test {
            "test leads shown"
        } else {
            "test leads hidden"
        });
        Ok(())
    }

    /// Asks to confirm the delete of the selected lead.
    fn ask_delete(&mut self) {
        if let Some(lead) = self.selected_lead() {
            let (lead_id, name) = (lead.id, self.name_of(lead.id));
            self.prompt(Mode::ConfirmDelete { lead_id, name });
        } else {
            self.flash_error("no lead selected");
        }
    }

    /// Shows `mode` over the current one, which comes back when it ends.
    fn over_base(&mut self, mode: Mode) {
        self.base = self.mode.clone();
        self.mode = mode;
    }

    /// Opens a prompt about the selected lead, if there is one.
    fn prompt(&mut self, mode: Mode) {
        if self.selected_lead().is_none() {
            self.flash_error("no lead selected");
            return;
        }
        self.base = self.mode.clone();
        self.mode = mode;
    }

    fn select_by(&mut self, delta: i64) -> Result<(), StoreError> {
        self.move_by(delta)?;
        self.follow_selection()
    }

    fn jump(&mut self, load: fn(&mut App) -> Result<(), StoreError>) -> Result<(), StoreError> {
        load(self)?;
        self.follow_selection()
    }

    /// The detail pane shows the selected lead.
    fn follow_selection(&mut self) -> Result<(), StoreError> {
        if matches!(self.mode, Mode::Detail) {
            self.load_detail()?;
        }
        Ok(())
    }

    fn switch_tab(&mut self, tab: usize) -> Result<(), StoreError> {
        self.tab = tab;
        self.total = self.tab_count(&self.tabs[tab].clone());
        self.load_from_top()?;
        self.reload_queue()
    }

    fn set_search(&mut self, text: &str) -> Result<(), StoreError> {
        self.search = text.to_string();
        self.counts_stale = true;
        self.refresh_counts()?;
        self.load_from_top()?;
        self.reload_queue()
    }

    fn log_touch(&mut self, kind: TouchKind, note: Option<&str>) -> Result<(), StoreError> {
        // Not the row itself: its notes may run to megabytes.
        let Some(lead) = self.selected_lead().map(|l| lead_with_notes_cut(l, 0)) else {
            self.flash_error("no lead selected");
            return Ok(());
        };
        let name = lead.name().unwrap_or_else(|| format!("lead {}", lead.id));
        let change = Change::Touch {
            lead_id: lead.id,
            kind,
            note: note.map(str::to_string),
            // When the key was pressed, however long the store keeps it waiting.
            at: self.now,
        };
        self.submit(change, format!("{kind} for {name}"), true)
    }

    fn set_status(&mut self, status: Status) -> Result<(), StoreError> {
        let Some(lead_id) = self.selected_lead().map(|l| l.id) else {
            return Ok(());
        };
        // Closing and qualifying ask first (`domain::follow_up`'s guards).
        match status {
            Status::Lost => {
                self.prompt(Mode::LostReason(Input::default()));
                return Ok(());
            }
            Status::Qualified => {
                let checked = self.store.customer_of(lead_id)?.checked;
                let missing: Vec<String> = follow_up::unchecked(&checked, &self.rules)
                    .into_iter()
                    .map(str::to_string)
                    .collect();
                let input = Input::default();
                match missing.is_empty() {
                    true => self.prompt(Mode::NextStep {
                        input,
                        override_reason: None,
                    }),
                    false => self.prompt(Mode::Override { input, missing }),
                }
                return Ok(());
            }
            _ => {}
        }
        self.submit(
            Change::Status {
                lead_id,
                status,
                at: self.now,
            },
            format!("status {status}"),
            true,
        )
    }

    fn set_owner(&mut self, owner: &str) -> Result<(), StoreError> {
        let Some(lead_id) = self.selected_lead().map(|l| l.id) else {
            return Ok(());
        };
        let owner = owner.trim();
        let label = if owner.is_empty() {
            "owner cleared".to_string()
        } else {
            format!("owner {owner}")
        };
        let owner = (!owner.is_empty()).then(|| owner.to_string());
        self.submit(Change::Owner { lead_id, owner }, label, true)
    }

    /// Takes back the last change: a change still queued is dropped before it is ever
    /// written; a saved one is undone by the writer, unless someone changed it since.
    fn undo(&mut self) -> Result<(), StoreError> {
        let Some(entry) = self.undo.pop() else {
            self.flash_info("nothing to undo");
            return Ok(());
        };
        if self.writer.cancel(entry.job) {
            self.unsaved.retain(|u| u.job != entry.job);
            self.flash_info(format!("cancelled: {} (never saved)", entry.label));
            return Ok(());
        }
        self.submit(
            Change::Undo { job: entry.job },
            format!("undo {}", entry.label),
            false,
        )
    }

    /// Starts importing a file: the writer imports it, in the background.
    fn import(&mut self, path: PathBuf) -> Result<(), StoreError> {
        let file = path.display().to_string();
        self.base = match self.base {
            Mode::Detail => Mode::Detail,
            _ => Mode::List,
        };
        // The dialog first: a writer that imports at once (a store in memory) replaces it
        // with the summary before `submit` returns.
        self.mode = Mode::Importing {
            file: file.clone(),
            done: 0,
            total: 0,
        };
        self.import_done = (0, 0);
        let change = Change::Import {
            path,
            now: self.now,
        };
        self.submit(change, format!("import of {file}"), false)
    }

    /// Hands a change to the writer; `undoable` changes go on the undo stack.
    fn submit(&mut self, change: Change, label: String, undoable: bool) -> Result<(), StoreError> {
        // A mute is about an offer, not the marked leads.
        let for_leads = !matches!(change, Change::MuteOffer { .. });
        let (change, label) = match self.marks.is_empty() || !for_leads {
            true => (change, label),
            false => match self.for_marked(change)? {
                // "email for Ana" becomes "email for 3 customers".
                Some((bulk, what)) => {
                    let verb = label.split(" for ").next().unwrap_or(&label);
                    let verb = verb.split(" of ").next().unwrap_or(verb);
                    (bulk, format!("{verb} for {what}"))
                }
                None => return Ok(()),
            },
        };
        self.next_job += 1;
        let job = self.next_job;
        if undoable {
            self.undo.push(UndoEntry {
                job,
                lead_id: change.lead_id(),
                label: label.clone(),
            });
        }
        self.unsaved.push(Unsaved {
            job,
            lead_id: change.lead_id(),
            label: label.clone(),
        });
        self.flash_info(format!("{label}: saving…"));
        self.writer.submit(Job { id: job, change }, &mut self.store);
        // A writer that ran the job at once has its answer ready.
        self.apply_reports()
    }

    /// `change` for every marked lead instead of the selected one, once per customer, and
    /// what that covers; a touch skips the leads it cannot reach (DNC, test, withheld).
    /// The marks are used up. `None` when nothing is left to change.
    fn for_marked(&mut self, change: Change) -> Result<Option<(Change, String)>, StoreError> {
        let marked: Vec<i64> = std::mem::take(&mut self.marks).into_iter().collect();
        if change.lead_id().is_none() || matches!(change, Change::Delete { .. }) {
            self.flash_error("that applies to one lead at a time: the marks are cleared");
            return Ok(None);
        }
        let touches_customer =
            matches!(&change, Change::Touch { kind, .. } if kind.reaches_customer());
        let mut seen = std::collections::HashSet::new();
        let (mut targets, mut skipped) = (Vec::new(), 0);
        for brief in self.store.lead_briefs(&marked)? {
            if !seen.insert(brief.contact_id) {
                continue;
            }
            match touches_customer && !brief.contactable {
                true => skipped += 1,
                false => targets.push(change.for_lead(brief.id)),
            }
        }
        let customers = targets.len();
        let what = match skipped {
            0 => format!("{customers} customers"),
            n => format!("{customers} customers, {n} skipped: DNC, test or no one to reach"),
        };
        if targets.is_empty() {
            self.flash_error(format!("nothing to change ({what})"));
            return Ok(None);
        }
        Ok(Some((Change::Bulk(targets), what)))
    }

    /// Marks or unmarks the selected lead, and moves on.
    fn toggle_mark(&mut self) -> Result<(), StoreError> {
        let Some(id) = self.selected_lead().map(|l| l.id) else {
            return Ok(());
        };
        if !self.marks.remove(&id) {
            self.marks.insert(id);
            self.mark_anchor = Some(id);
        }
        self.run(Command::Down).map(drop)
    }

    /// Marks the rows shown from the last marked one to the selected one.
    fn mark_range(&mut self) {
        let shown: Vec<i64> = match &self.queue {
            Some(queue) => queue.items.iter().map(|i| i.next.lead_id).collect(),
            None => self.rows.iter().map(|l| l.id).collect(),
        };
        let Some(here) = self.selected_lead().map(|l| l.id) else {
            return;
        };
        let to = shown.iter().position(|&id| id == here);
        let from = self
            .mark_anchor
            .and_then(|anchor| shown.iter().position(|&id| id == anchor))
            .or(to);
        if let (Some(from), Some(to)) = (from, to) {
            let (low, high) = (from.min(to), from.max(to));
            self.marks.extend(&shown[low..=high]);
        }
    }

    /// Asks to mark every lead shown (the queue's rows, or the list as filtered).
    fn ask_mark_all(&mut self) {
        if self.queue_pending() {
            self.flash_info("today's queue is still being read: try again in a moment");
            return;
        }
        let count = match &self.queue {
            Some(queue) => queue.items.len() as u64,
            None => self.total,
        };
        self.over_base(Mode::ConfirmMarkAll { count });
    }

    fn mark_all(&mut self) -> Result<(), StoreError> {
        match &self.queue {
            Some(queue) => self
                .marks
                .extend(queue.items.iter().map(|i| i.next.lead_id)),
            None => {
                let mut ids = Vec::new();
                self.store
                    .for_each(&self.filter(), self.sort, self.now, |lead| {
                        ids.push(lead.id);
                        Ok::<(), StoreError>(())
                    })?;
                self.marks.extend(ids);
            }
        }
        self.flash_info(format!(
            "{} marked: the next change applies to each customer (Esc clears)",
            self.marks.len()
        ));
        Ok(())
    }

    /// Changes not saved yet (queued, or waiting for the store).
    pub fn unsaved_count(&self) -> usize {
        self.unsaved.len()
    }

    /// Whether a change to lead `id` is on its way.
    pub fn is_unsaved(&self, id: i64) -> bool {
        self.unsaved.iter().any(|u| u.lead_id == Some(id))
    }

    /// The writer's queue, for whoever must wait for it to empty.
    pub fn writer_queue(&self) -> Option<std::sync::Arc<super::writer::Shared>> {
        self.writer.shared()
    }

    /// Blocks until every change is saved, then shows the result (tests, quitting).
    pub fn wait_until_saved(&mut self) -> Result<(), StoreError> {
        if let Some(shared) = self.writer.shared() {
            shared.wait_until_saved(std::time::Duration::from_secs(3600));
        }
        self.apply_reports()
    }

    /// Takes in what the writer reported: progress, saved changes, failures.
    pub fn apply_reports(&mut self) -> Result<(), StoreError> {
        for report in self.writer.reports() {
            match report {
                Report::Progress { done, total, .. } => self.import_progress(done, total),
                Report::Done { job, result } => self.finish_job(job, result)?,
            }
        }
        Ok(())
    }

    fn finish_job(&mut self, job: u64, result: Result<Saved, String>) -> Result<(), StoreError> {
        let unsaved = self
            .unsaved
            .iter()
            .position(|u| u.job == job)
            .map(|i| self.unsaved.remove(i));
        let label = unsaved.as_ref().map_or(String::new(), |u| u.label.clone());
        // The selection follows the lead the rep acted on, if it is still on it.
        let acted_on = unsaved.and_then(|u| u.lead_id);
        let follow = acted_on.filter(|id| self.selected_lead().map(|l| l.id) == Some(*id));
        let saved = match result {
            Err(e) => {
                self.job_failed(job, &label, &e);
                return Ok(());
            }
            Ok(saved) => saved,
        };
        if let Saved::Imported(report) = saved {
            return self.finish_import(vec![report]);
        }
        self.data_version = self.store.data_version()?;
        self.reload()?;
        // The lead the rep acted on stays selected where it now sorts; a lead an undo
        // restored is shown.
        match saved {
            Saved::Touch { .. }
            | Saved::Status { .. }
            | Saved::Owner { .. }
            | Saved::Snoozed { .. }
            | Saved::Bulk { .. } => self.focus(follow)?,
            Saved::Undone {
                lead_id,
                done: true,
            } => self.focus(Some(lead_id))?,
            _ => {}
        }
        self.announce_saved(saved, &label);
        Ok(())
    }

    /// The writer could not save job `job` (`label`): its undo goes, and the rep is told now
    /// and on quitting.
    fn job_failed(&mut self, job: u64, label: &str, e: &str) {
        self.undo.retain(|u| u.job != job);
        self.import_done = (0, 0);
        if matches!(self.mode, Mode::Importing { .. }) {
            self.mode = self.base.clone();
        }
        self.quit_notes.push(format!("not saved: {label}: {e}"));
        self.flash_error(format!("not saved: {label}: {e}"));
    }

    /// Tells the rep what the writer saved for the change `label`.
    fn announce_saved(&mut self, saved: Saved, label: &str) {
        let text = match saved {
            Saved::Touch { lead_id, kind } => {
                format!("{kind} logged for {} (u to undo)", self.name_of(lead_id))
            }
            Saved::Status {
                previous, status, ..
            } => format!("status {previous} → {status}"),
            Saved::Owner { owner, .. } => match owner {
                Some(owner) => format!("owner {owner}"),
                None => "owner cleared".to_string(),
            },
            Saved::Bulk {
                done,
                refused,
                first,
            } => match (refused, first) {
                (0, _) | (_, None) => format!("{label}: {done} saved (u to undo)"),
                (n, Some(why)) => {
                    self.flash_error(format!("{label}: {done} saved, {n} refused (first: {why})"));
                    return;
                }
            },
            Saved::Checked { item, on, .. } => match on {
                true => format!("{item} checked"),
                false => format!("{item} unchecked"),
            },
            Saved::Snoozed { lead_id, until } => format!(
                "{} snoozed until {} (u to undo)",
                self.name_of(lead_id),
                self.zone.format(until, "%a %b %d %H:%M")
            ),
            Saved::Deleted { lead_id, touches } => {
                self.undo.retain(|u| u.lead_id != Some(lead_id));
                let what = label.strip_prefix("delete of ").unwrap_or(label);
                format!(
                    "deleted {what} and {touches} {}",
                    if touches == 1 { "touch" } else { "touches" }
                )
            }
            Saved::Undone { done, .. } => {
                let what = label.strip_prefix("undo ").unwrap_or(label);
                if !done {
                    self.flash_error(format!(
                        "not undone: {what} was changed by someone else since"
                    ));
                    return;
                }
                format!("undone: {what}")
            }
            Saved::OfferMuted { offer, muted } => match muted {
                true => format!(
                    "offer {} muted: no warning of its silence (u to undo)",
                    crate::domain::text::printable(&offer)
                ),
                false => format!("offer {} unmuted", crate::domain::text::printable(&offer)),
            },
            Saved::Imported(_) => unreachable!("handled by finish_job"),
        };
        self.flash_info(text);
    }

    fn name_of(&self, lead_id: i64) -> String {
        self.rows
            .iter()
            .chain(self.detail.iter().map(|d| &d.lead))
            .find(|l| l.id == lead_id)
            .and_then(Lead::name)
            .unwrap_or_else(|| format!("lead {lead_id}"))
    }

    /// Shows the list around lead `id`, with the selection (and the detail pane) on it,
    /// when the lead is in the list as filtered; otherwise leaves the list as it is.
    fn focus(&mut self, id: Option<i64>) -> Result<(), StoreError> {
        // In the Today view the selection keeps its place: a customer just acted on leaves
        // it (or moves down), and the next one is selected.
        let Some(id) = id.filter(|_| self.queue.is_none()) else {
            return Ok(());
        };
        if self.selected_lead().map(|l| l.id) != Some(id) {
            let Some(at) = self.store.cursor_of(id, self.sort)? else {
                return Ok(());
            };
            let filter = self.filter();
            let page = self.page as usize;
            let after = self.store.page_forward(
                &filter,
                self.sort,
                self.now,
                &PageStart::At(at.clone()),
                0,
                page,
            )?;
            if after.first().map(|(_, lead)| lead.id) != Some(id) {
                return Ok(());
            }
            // Keep the selection on the same screen row where the list allows it.
            let row = (self.selected - self.scroll) as usize;
            let mut window = self.store.page_backward(
                &filter,
                self.sort,
                self.now,
                &PageEnd::Before(at),
                row,
            )?;
            let above = window.len() as u64;
            window.extend(after);
            window.truncate(page);
            self.set_window(window);
            if (above as usize) < row {
                // Fewer leads before it than rows above: this is the top of the list.
                self.scroll = 0;
                self.selected = above;
            } else {
                self.scroll = self.selected - above;
            }
        }
        self.follow_selection()
    }

    fn handle_mouse(&mut self, mouse: &MouseEvent) -> Result<(), StoreError> {
        if !matches!(self.mode, Mode::List | Mode::Detail) {
            return Ok(());
        }
        match mouse.kind {
            MouseEventKind::ScrollDown => self.select_by(3),
            MouseEventKind::ScrollUp => self.select_by(-3),
            MouseEventKind::Down(MouseButton::Left) if matches!(self.mode, Mode::List) => {
                let areas = Areas::new(self.size.0, self.size.1);
                match areas.row_at(mouse.column, mouse.row) {
                    Some(row) if (row as usize) < self.rows.len() => {
                        let index = self.scroll + row as u64;
                        if index == self.selected {
                            self.mode = Mode::Detail;
                            self.load_detail()
                        } else {
                            self.selected = index;
                            Ok(())
                        }
                    }
                    _ => Ok(()),
                }
            }
            _ => Ok(()),
        }
    }

    /// The import's progress (shown in its dialog, or in the status bar once hidden).
    pub fn import_progress(&mut self, done: u64, total: u64) {
        self.import_done = (done, total);
        if let Mode::Importing {
            done: d, total: t, ..
        } = &mut self.mode
        {
            *d = done;
            *t = total;
        }
    }

    pub fn finish_import(&mut self, reports: Vec<FileReport>) -> Result<(), StoreError> {
        self.import_done = (0, 0);
        // The summary opens over the list; in a prompt, the rep is not interrupted.
        match self.mode {
            Mode::List | Mode::Detail | Mode::Importing { .. } => {
                if !matches!(self.mode, Mode::Importing { .. }) {
                    self.base = self.mode.clone();
                }
                self.mode = Mode::ImportSummary(reports);
            }
            _ => {
                let text = reports
                    .iter()
                    .map(|r| r.to_string())
                    .collect::<Vec<_>>()
                    .join("; ");
                self.flash_info(text);
            }
        }
        self.data_version = self.store.data_version()?;
        self.reload()
    }

    pub fn flash_info(&mut self, text: impl Into<String>) {
        self.flash = Some(Flash {
            text: text.into(),
            error: false,
        });
    }

    pub fn flash_error(&mut self, text: impl Into<String>) {
        self.flash = Some(Flash {
            text: text.into(),
            error: true,
        });
    }
}

fn expand_home(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => PathBuf::from(path),
    }
}
