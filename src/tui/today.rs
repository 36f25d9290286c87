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
}

impl Queue {
    /// The queue at `now`, of the customers `owner` admits, the rows whose lead `filter`
    /// admits (the list's filter and search), with the selection at the same place as in
    /// `before` (the row after one that left the queue).
    #[allow(clippy::too_many_arguments)]
    pub fn load(
        store: &Store,
        rules: &Rules,
        zone: Zone,
        now: DateTime<Utc>,
        owner: &OwnerFilter,
        filter: Option<&LeadFilter>,
        before: Option<&Queue>,
        page: usize,
    ) -> Result<Queue, StoreError> {
        let mut today = store.today(rules, zone, now, owner)?;
        let no_leads = today.items.is_empty() && !store.has_leads()?;
        if let Some(filter) = filter.filter(|f| **f != LeadFilter::default()) {
            let ids: Vec<i64> = today.items.iter().map(|i| i.next.lead_id).collect();
            let admitted = store.admitted(filter, now, &ids)?;
            today.items.retain(|i| admitted.contains(&i.next.lead_id));
        }
        let counts =
            Reason::ALL.map(|reason| today.items.iter().filter(|i| i.reason == reason).count());
        let mut queue = Queue {
            items: today.items,
            next_due: today.next_due,
            no_leads,
            counts,
            ..Queue::default()
        };
        if let Some(before) = before {
            queue.selected = before.selected.min(queue.items.len().saturating_sub(1));
            queue.scroll = before.scroll.min(queue.selected);
        }
        queue.show(store, page)?;
        Ok(queue)
    }

    /// Moves the selection by `delta` rows (clamped), scrolling to keep it on screen.
    pub fn move_by(&mut self, store: &Store, delta: i64, page: usize) -> Result<(), StoreError> {
        if self.items.is_empty() {
            return Ok(());
        }
        let last = self.items.len() as i64 - 1;
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
