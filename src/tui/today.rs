//! The Today view's state: the queue of customers to act on now (`Store::today`), the
//! selected row, and the rows on screen with their leads. Everything else (keys, writes,
//! the detail pane) is the list's, applied to the lead of the selected row.

use chrono::{DateTime, Utc};

use crate::domain::follow_up::{Reason, Rules};
use crate::domain::time::Zone;
use crate::domain::{Lead, LeadFilter, OwnerFilter};
use crate::store::{QueueDetails, QueueItem, Store, StoreError};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Queue {
    pub items: Vec<QueueItem>,
    /// When the next item not in the queue falls due ("all caught up" says it).
    pub next_due: Option<DateTime<Utc>>,
    pub selected: usize,
    /// The first row on screen.
    pub scroll: usize,
    /// The rows on screen, from `scroll`.
    pub rows: Vec<QueueDetails>,
    /// The store holds no lead at all.
    pub no_leads: bool,
    /// How many rows each group has, in the order of `Reason::ALL` (counted once per
    /// queue: a frame at a million leads must not count them again).
    pub counts: [usize; 4],
    /// `items` is the whole queue, counted; otherwise its start, or the queue as it was,
    /// while the whole of it is computed (at a million leads that takes a while).
    pub complete: bool,
    /// The customers and the filter the queue was made for.
    pub made_for: (OwnerFilter, Option<LeadFilter>),
    /// The row to select once the whole queue is there, when its start is shorter.
    wanted: Option<usize>,
}

/// What a queue is asked for: the rules and the clock, whose customers, and the list's
/// filter and search.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueAsk {
    pub rules: Rules,
    pub zone: Zone,
    pub now: DateTime<Utc>,
    pub owner: OwnerFilter,
    /// None, or the default filter: every row.
    pub filter: Option<LeadFilter>,
}

impl QueueAsk {
    /// The filter, unless it admits every row.
    fn narrowing(&self) -> Option<&LeadFilter> {
        self.filter
            .as_ref()
            .filter(|f| **f != LeadFilter::default())
    }
}

impl Queue {
    /// The whole queue `ask` asks for, its rows not read yet ([`Queue::settle`] reads
    /// them): the rows of the customers `ask.owner` admits whose lead the filter admits.
    pub fn compute(store: &Store, ask: &QueueAsk) -> Result<Queue, StoreError> {
        store.snapshot(|store| {
            let mut today = store.today(&ask.rules, ask.zone, ask.now, &ask.owner)?;
            let no_leads = today.items.is_empty() && !store.has_leads()?;
            if let Some(filter) = ask.narrowing() {
                let ids: Vec<i64> = today.items.iter().map(|i| i.next.lead_id).collect();
                let admitted = store.admitted(filter, ask.now, &ids)?;
                today.items.retain(|i| admitted.contains(&i.next.lead_id));
            }
            let counts =
                Reason::ALL.map(|reason| today.items.iter().filter(|i| i.reason == reason).count());
            Ok(Queue {
                items: today.items,
                next_due: today.next_due,
                no_leads,
                counts,
                complete: true,
                made_for: (ask.owner.clone(), ask.filter.clone()),
                ..Queue::default()
            })
        })
    }

    /// What can be shown of the queue `ask` asks for at once, while the whole of it is
    /// computed: its start ([`Store::today_head`], `n` rows or more) when no filter
    /// narrows it; else the rows of `before` when it was made for the same customers and
    /// filter (the queue as it was: they are taken, not copied, a million at most); else
    /// nothing yet.
    pub fn start(
        store: &Store,
        ask: &QueueAsk,
        before: Option<&mut Queue>,
        n: usize,
    ) -> Result<Queue, StoreError> {
        let made_for = (ask.owner.clone(), ask.filter.clone());
        let items = match (ask.narrowing(), before) {
            (None, _) => store.today_head(&ask.rules, ask.zone, ask.now, &ask.owner, n)?,
            (Some(_), Some(before)) if before.made_for == made_for => {
                std::mem::take(&mut before.items)
            }
            (Some(_), _) => Vec::new(),
        };
        Ok(Queue {
            items,
            no_leads: !store.has_leads()?,
            made_for,
            ..Queue::default()
        })
    }

    /// The queue at `now`, of the customers `owner` admits, the rows whose lead `filter`
    /// admits (the list's filter and search), with the selection at the same place as in
    /// `before` (the row after one that left the queue).
    pub fn load(
        store: &Store,
        ask: &QueueAsk,
        before: Option<&Queue>,
        page: usize,
    ) -> Result<Queue, StoreError> {
        let mut queue = Queue::compute(store, ask)?;
        queue.settle(store, before, page)?;
        Ok(queue)
    }

    /// Puts the selection at the same place as in `before` (the row after one that left
    /// the queue), and reads the rows on screen.
    pub fn settle(
        &mut self,
        store: &Store,
        before: Option<&Queue>,
        page: usize,
    ) -> Result<(), StoreError> {
        if let Some(before) = before {
            let wanted = before.wanted.unwrap_or(before.selected);
            self.selected = wanted.min(self.items.len().saturating_sub(1));
            self.scroll = before.scroll.min(self.selected);
            if !self.complete && wanted > self.selected {
                self.wanted = Some(wanted);
            }
        }
        self.show(store, page)
    }

    /// Moves the selection by `delta` rows (clamped), scrolling to keep it on screen.
    pub fn move_by(&mut self, store: &Store, delta: i64, page: usize) -> Result<(), StoreError> {
        if self.items.is_empty() {
            return Ok(());
        }
        let last = self.items.len() as i64 - 1;
        self.wanted = None;
        self.selected = (self.selected as i64 + delta).clamp(0, last) as usize;
        let on_screen = self.scroll..self.scroll + self.rows.len();
        match on_screen.contains(&self.selected) && self.rows.len() == page.min(self.items.len()) {
            // The rows shown stay: nothing to read.
            true => Ok(()),
            false => self.show(store, page),
        }
    }

    /// Reads the rows on screen, scrolled so that the selection is among them.
    pub fn show(&mut self, store: &Store, page: usize) -> Result<(), StoreError> {
        let page = page.max(1);
        if self.selected < self.scroll {
            self.scroll = self.selected;
        } else if self.selected >= self.scroll + page {
            self.scroll = self.selected + 1 - page;
        }
        let end = (self.scroll + page).min(self.items.len());
        let mut rows = Vec::with_capacity(end - self.scroll);
        store.queue_details(&self.items[self.scroll..end], |_, details| {
            rows.push(details);
            Ok::<(), StoreError>(())
        })?;
        self.rows = rows;
        Ok(())
    }

    pub fn selected_item(&self) -> Option<&QueueItem> {
        self.items.get(self.selected)
    }

    pub fn selected_lead(&self) -> Option<&Lead> {
        self.rows
            .get(self.selected.checked_sub(self.scroll)?)
            .map(|row| &row.lead)
    }
}
