//! Following customers up: what the rules of `domain::follow_up` read (a customer's leads,
//! touches, snooze, next step, checklist), the Today queue, and the writes that snooze,
//! qualify and close.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::HashMap;

use super::{from_ts, lead_in, orders, schema, Result, Store, StoreError};
use crate::domain::follow_up::{self, CustomerLead, CustomerState, Next, Reason, Refused, Rules};
use crate::domain::time::Zone;
use crate::domain::{lane, Lead, OwnerFilter, Status, TouchKind};

/// One customer as the follow-up rules see it.
#[derive(Debug, Clone, PartialEq)]
pub struct Customer {
    pub contact_id: i64,
    pub leads: Vec<CustomerLead>,
    /// Every customer touch on any of its leads, oldest first.
    pub touches: Vec<DateTime<Utc>>,
    pub state: CustomerState,
    /// The checklist items checked, as stored.
    pub checked: Vec<String>,
    pub owner: Option<String>,
}

impl Customer {
    pub fn next(&self, rules: &Rules, zone: Zone) -> Option<Next> {
        follow_up::next(&self.leads, &self.touches, &self.state, rules, zone)
    }
}

/// A row of the Today queue.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QueueItem {
    pub contact_id: i64,
    pub reason: Reason,
    pub next: Next,
}

/// The Today queue, in order, and when the next item not in it falls due.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Today {
    pub items: Vec<QueueItem>,
    pub next_due: Option<DateTime<Utc>>,
}

/// What a queue row shows of its customer: the lead to act on and the customer's touches.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueDetails {
    /// Without its notes.
    pub lead: Lead,
    /// Customer touches across all of the customer's leads.
    pub customer_touches: u32,
    pub last_touch_at: Option<DateTime<Utc>>,
}

/// What the command line prints of a queue row: its lead's name, company, action and
/// owner, and the customer's touches.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueRow {
    pub lead_id: i64,
    pub name: Option<String>,
    pub company: Option<String>,
    pub action: Option<crate::domain::Action>,
    pub owner: Option<String>,
    pub customer_touches: u32,
    pub last_touch_at: Option<DateTime<Utc>>,
}

/// What `list` and `export` add to each lead of a followed customer: its next follow-up or
/// decision (not a first touch: `sla_due_at` tells that), the snooze that moved it, and
/// each lost lead's reason.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FollowUpMarks {
    by_customer: HashMap<i64, Next>,
    lost_reasons: HashMap<i64, String>,
}

impl FollowUpMarks {
    /// `(next_follow_up_at, snoozed_until, lost_reason)` of `lead`.
    pub fn of(&self, lead: &Lead) -> (Option<DateTime<Utc>>, Option<DateTime<Utc>>, Option<&str>) {
        let next = self.by_customer.get(&lead.contact_id);
        (
            next.map(|n| n.due_at),
            next.filter(|n| n.snoozed).map(|n| n.due_at),
            self.lost_reasons.get(&lead.id).map(String::as_str),
        )
    }
}

/// Why a lead was closed or qualified out of the ordinary.
#[derive(Debug, Clone, PartialEq)]
pub struct Close {
    /// Why it was lost.
    pub reason: Option<String>,
    /// Why it was qualified without a complete checklist.
    pub override_reason: Option<String>,
    /// Closed with fewer touch days than the settings ask, confirmed.
    pub forced: bool,
    pub at: DateTime<Utc>,
}

impl Store {
    /// What the last upgrade of the store has to tell the user (once).
    pub fn take_upgrade_notes(&mut self) -> Vec<String> {
        std::mem::take(&mut self.upgrade_notes)
    }

    /// The customer lead `lead_id` belongs to.
    pub fn customer_of(&self, lead_id: i64) -> Result<Customer> {
        let contact_id = lead_in(&self.conn, lead_id)?.contact_id;
        customer(&self.conn, contact_id)
    }

    /// The Today queue at `now` for the customers `owner` admits: one row per customer
    /// whose next item ([`follow_up::next`]) is in a group today.
    pub fn today(
        &self,
        rules: &Rules,
        zone: Zone,
        now: DateTime<Utc>,
        owner: &OwnerFilter,
    ) -> Result<Today> {
        let started = std::time::Instant::now();
        let end_of_today = zone.end_of_day(now);
        let mut today = Today {
            items: Vec::with_capacity(room_for_leads(&self.conn)?),
            ..Today::default()
        };
        let mut take = |contact_id: i64, next: Option<Next>| {
            let Some(next) = next else { return };
            match next.reason(now, end_of_today) {
                Some(reason) => today.items.push(QueueItem {
                    contact_id,
                    reason,
                    next,
                }),
                None => {
                    let due = today.next_due.map_or(next.due_at, |d| d.min(next.due_at));
                    today.next_due = Some(due);
                }
            }
        };
        waiting_customers(&self.conn, rules, zone, owner, &mut take)?;
        for customer in customers(&self.conn, &followed_customers(&self.conn)?)? {
            let next = customer.next(rules, zone);
            // A first touch is owed for a waiting lead: its customer was met above.
            let waiting =
                next.is_some_and(|n| matches!(n.owed, follow_up::Owed::FirstTouch { .. }));
            if owner.admits(customer.owner.as_deref()) && !waiting {
                take(customer.contact_id, next);
            }
        }
        // One row per customer: the keys differ, and an unstable sort is quicker.
        today
            .items
            .sort_unstable_by_key(|i| (i.next.queue_key(i.reason), i.contact_id));
        tracing::debug!(
            customers = today.items.len(),
            ms = started.elapsed().as_millis() as u64,
            "today's queue"
        );
        Ok(today)
    }

    /// The start of the Today queue that [`Store::today`] would give, read without
    /// computing all of it: its first `n` customers or more, when the queue starts with at
    /// least that many `overdue` ones; fewer (possibly none) otherwise. It walks the leads
    /// waiting for their first touch in the order of their due times (the urgency order),
    /// so every customer whose earliest due time is before the walk's end is among those
    /// met; each customer met is then judged by the same rule as the whole queue. At a
    /// million leads this costs a few pages of that order where the whole queue costs a
    /// pass over every lead.
    pub fn today_head(
        &self,
        rules: &Rules,
        zone: Zone,
        now: DateTime<Utc>,
        owner: &OwnerFilter,
        n: usize,
    ) -> Result<Vec<QueueItem>> {
        // Leads read at most, waiting or not, before settling for what is proven.
        self.head_within(rules, zone, now, owner, n, 64 * n.max(1) + 1024)
    }

    /// [`Store::today_head`], reading at most `budget` leads of the urgency order.
    fn head_within(
        &self,
        rules: &Rules,
        zone: Zone,
        now: DateTime<Utc>,
        owner: &OwnerFilter,
        n: usize,
        budget: usize,
    ) -> Result<Vec<QueueItem>> {
        let filter = crate::domain::LeadFilter {
            owner: owner.clone(),
            ..crate::domain::LeadFilter::default()
        };
        // Each customer met, with the due time of its first lead met (its earliest).
        let mut met: Vec<(i64, DateTime<Utc>)> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        // The customers are proven up to this due time (inclusive), or all of them.
        let mut proven: Option<DateTime<Utc>> = None;
        let mut bound: Option<DateTime<Utc>> = None;
        let mut from = super::PageStart::Beginning;
        let mut read = 0;
        'walk: loop {
            let page =
                self.page_forward(&filter, crate::domain::SortKey::Urgency, now, &from, 0, 256)?;
            let Some((last, _)) = page.last() else { break };
            from = super::PageStart::After(last.clone());
            for (_, lead) in &page {
                // The urgency order puts first the leads owed a first touch, by due time.
                let due = lead
                    .sla_due_at
                    .filter(|_| lead.first_touch_at.is_none() && lead.closed_at.is_none());
                let Some(due) = due.filter(|&due| due <= now) else {
                    break 'walk;
                };
                if bound.is_some_and(|bound| due > bound) {
                    break 'walk;
                }
                read += 1;
                if read > budget {
                    // Every customer whose earliest due time is before this one was met.
                    proven = Some(due - chrono::Duration::seconds(1));
                    break 'walk;
                }
                if lead.status.is_open() && seen.insert(lead.contact_id) {
                    met.push((lead.contact_id, due));
                    if met.len() == n {
                        bound = Some(due);
                    }
                }
            }
        }
        let mut items = Vec::new();
        for (contact_id, due) in met {
            if proven.is_some_and(|proven| due > proven) {
                continue;
            }
            let next = customer(&self.conn, contact_id)?.next(rules, zone);
            if let Some(next) = next {
                if let Some(reason) = next.reason(now, zone.end_of_day(now)) {
                    items.push(QueueItem {
                        contact_id,
                        reason,
                        next,
                    });
                }
            }
        }
        items.sort_unstable_by_key(|i| (i.next.queue_key(i.reason), i.contact_id));
        Ok(items)
    }

    /// The lead and touch figures of each queue row of `items`, handed to `each` in order.
    pub fn queue_details<E: From<StoreError>>(
        &self,
        items: &[QueueItem],
        mut each: impl FnMut(&QueueItem, QueueDetails) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        let sql = format!(
            "SELECT {} FROM leads",
            super::LEAD_COLUMNS.replacen("description,", "NULL,", 1)
        );
        self.each_queue_lead(items, &sql, super::lead_from_row, |item, lead, touches| {
            let (customer_touches, last_touch_at) = touches;
            let details = QueueDetails {
                lead,
                customer_touches,
                last_touch_at,
            };
            each(item, details)
        })
    }

    /// What the command line prints of each queue row of `items` ([`QueueRow`]), handed
    /// to `each` in order: a few columns of each lead, which a million rows can afford.
    pub fn queue_rows<E: From<StoreError>>(
        &self,
        items: &[QueueItem],
        mut each: impl FnMut(&QueueItem, QueueRow) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        // The few origins by id, rather than a join at each of a million rows.
        let actions = origin_actions(&self.conn)?;
        let sql = "SELECT id, first_name, last_name, full_name, company, owner, origin_id
            FROM lead_rows";
        let read = |r: &rusqlite::Row<'_>| {
            // Borrowed where a copy is not kept: a million rows.
            let text = |i: usize| -> rusqlite::Result<Option<&str>> {
                r.get_ref(i)?.as_str_or_null().map_err(|e| {
                    rusqlite::Error::FromSqlConversionFailure(
                        i,
                        rusqlite::types::Type::Text,
                        e.into(),
                    )
                })
            };
            Ok(QueueRow {
                lead_id: r.get(0)?,
                name: crate::domain::display_name(text(1)?, text(2)?, text(3)?),
                company: r.get(4)?,
                owner: r.get(5)?,
                action: actions.get(&r.get(6)?).cloned().flatten(),
                customer_touches: 0,
                last_touch_at: None,
            })
        };
        self.each_queue_lead(items, sql, read, |item, mut row, touches| {
            (row.customer_touches, row.last_touch_at) = touches;
            each(item, row)
        })
    }

    /// Reads the lead of each row of `items` with `sql` (a query of leads with an `id`
    /// column, to which a range of ids is added; `read` makes a row into a `T`), and hands
    /// it to `each` in order with its customer's touch figures (read in one pass first:
    /// most customers have none). The rows are read a batch at a time in queue order, and
    /// each batch is handed on before the next is read: a million rows are never held at
    /// once. A batch is read in the order of its ids, ids close together as one range: the
    /// few leads between them cost less to step over than a search of the table for each.
    /// The queue's leads are mostly in the order of their arrival, as their ids are: a
    /// queue of a million rows then reads the table about once, in order.
    fn each_queue_lead<T, E: From<StoreError>>(
        &self,
        items: &[QueueItem],
        sql: &str,
        read: impl Fn(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
        mut each: impl FnMut(&QueueItem, T, TouchFigures) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        const BATCH: usize = 4096;
        /// Ids at most this far apart are read as one range.
        const GAP: i64 = 8;
        let started = std::time::Instant::now();
        let touched = customer_touch_figures(&self.conn)?;
        let mut ranged = self
            .conn
            .prepare_cached(&format!("{sql} WHERE id BETWEEN ?1 AND ?2"))
            .map_err(StoreError::from)?;
        let mut by_id: Vec<(i64, usize)> = Vec::with_capacity(BATCH);
        let mut leads: Vec<Option<T>> = Vec::with_capacity(BATCH);
        for batch in items.chunks(BATCH) {
            by_id.clear();
            by_id.extend(batch.iter().enumerate().map(|(at, i)| (i.next.lead_id, at)));
            by_id.sort_unstable();
            leads.clear();
            leads.resize_with(batch.len(), || None);
            let mut start = 0;
            while start < by_id.len() {
                let mut end = start + 1;
                while end < by_id.len() && by_id[end].0 - by_id[end - 1].0 <= GAP {
                    end += 1;
                }
                let run = &by_id[start..end];
                let mut rows = ranged
                    .query([run[0].0, run[run.len() - 1].0])
                    .map_err(StoreError::from)?;
                while let Some(row) = rows.next().map_err(StoreError::from)? {
                    let id: i64 = row.get(0).map_err(StoreError::from)?;
                    // Each lead is the row of one customer at most: in the batch once.
                    if let Ok(i) = run.binary_search_by_key(&id, |&(id, _)| id) {
                        leads[run[i].1] = Some(read(row).map_err(StoreError::from)?);
                    }
                }
                start = end;
            }
            for (item, lead) in batch.iter().zip(leads.drain(..)) {
                let lead = lead.ok_or(StoreError::NoSuchLead(item.next.lead_id))?;
                let touches = touched.get(&item.contact_id).copied().unwrap_or_default();
                each(item, lead, touches)?;
            }
        }
        tracing::debug!(
            rows = items.len(),
            ms = started.elapsed().as_millis() as u64,
            "queue rows read"
        );
        Ok(())
    }

    /// [`FollowUpMarks`] of every followed customer (one with a customer touch, a snooze or
    /// a next step) and every lost lead.
    pub fn follow_up_marks(&self, rules: &Rules, zone: Zone) -> Result<FollowUpMarks> {
        let mut marks = FollowUpMarks::default();
        for customer in customers(&self.conn, &followed_customers(&self.conn)?)? {
            let next = customer.next(rules, zone);
            if let Some(next) =
                next.filter(|n| !matches!(n.owed, follow_up::Owed::FirstTouch { .. }))
            {
                marks.by_customer.insert(customer.contact_id, next);
            }
        }
        marks.lost_reasons = self
            .conn
            .prepare("SELECT lead_id, reason FROM lead_closes WHERE reason IS NOT NULL")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(marks)
    }

    /// Snoozes the next follow-up (or decision) of the customers of leads `lead_ids` until
    /// `until`, all or none; returns each item as it now is. A first touch is never
    /// snoozed.
    pub fn snooze(
        &mut self,
        lead_ids: &[i64],
        until: DateTime<Utc>,
        now: DateTime<Utc>,
        rules: &Rules,
        zone: Zone,
    ) -> Result<Vec<Next>> {
        let tx = self.conn.transaction()?;
        let mut moved = Vec::new();
        for &lead_id in lead_ids {
            let customer = customer(&tx, lead_in(&tx, lead_id)?.contact_id)?;
            match customer.next(rules, zone) {
                None => return Err(Refused::NothingOwed { lead: lead_id }.into()),
                Some(next) if matches!(next.owed, follow_up::Owed::FirstTouch { .. }) => {
                    return Err(Refused::FirstTouchOwed { lead: lead_id }.into())
                }
                Some(_) => {}
            }
            tx.execute(
                "INSERT INTO customer_follow_ups (contact_id, snoozed_until, snoozed_at)
                 VALUES (?1, ?2, ?3)
                 ON CONFLICT (contact_id) DO UPDATE
                    SET snoozed_until = excluded.snoozed_until, snoozed_at = excluded.snoozed_at",
                params![customer.contact_id, until.timestamp(), now.timestamp()],
            )?;
            let next = self::customer(&tx, customer.contact_id)?
                .next(rules, zone)
                .ok_or(Refused::NothingOwed { lead: lead_id })?;
            moved.push(next);
        }
        tx.commit()?;
        Ok(moved)
    }

    /// Takes back a snooze of lead `lead_id`'s customer: the one before it (`previous`,
    /// until and set at) is put back.
    pub fn unsnooze(
        &mut self,
        lead_id: i64,
        previous: Option<(DateTime<Utc>, DateTime<Utc>)>,
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        let contact_id = lead_in(&tx, lead_id)?.contact_id;
        tx.execute(
            "UPDATE customer_follow_ups SET snoozed_until = ?2, snoozed_at = ?3
             WHERE contact_id = ?1",
            params![
                contact_id,
                previous.map(|p| p.0.timestamp()),
                previous.map(|p| p.1.timestamp())
            ],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Checks (`true`) or unchecks checklist items of lead `lead_id`'s customer; returns the
    /// items checked after.
    pub fn set_checks(
        &mut self,
        lead_id: i64,
        changes: &[(&str, bool)],
        now: DateTime<Utc>,
    ) -> Result<Vec<String>> {
        let tx = self.conn.transaction()?;
        let contact_id = lead_in(&tx, lead_id)?.contact_id;
        for &(item, on) in changes {
            if on {
                tx.execute(
                    "INSERT OR IGNORE INTO customer_checks (contact_id, item, checked_at)
                     VALUES (?1, ?2, ?3)",
                    params![contact_id, item, now.timestamp()],
                )?;
            } else {
                tx.execute(
                    "DELETE FROM customer_checks WHERE contact_id = ?1 AND item = ?2",
                    params![contact_id, item],
                )?;
            }
        }
        let checked = checks(&tx, contact_id)?;
        tx.commit()?;
        Ok(checked)
    }

    /// Sets leads `lead_ids` qualified, all or none: each customer's checklist must be
    /// complete, unless `override_reason` says why not (it is kept). `next_step` is what
    /// comes next and when (a follow-up in the queue). Returns the statuses replaced and
    /// their close times.
    pub fn qualify(
        &mut self,
        lead_ids: &[i64],
        override_reason: Option<&str>,
        next_step: Option<(&str, DateTime<Utc>)>,
        rules: &Rules,
        now: DateTime<Utc>,
    ) -> Result<Vec<(Status, Option<DateTime<Utc>>)>> {
        self.all_or_none(lead_ids, |tx, lead_id| {
            qualify_in(tx, lead_id, override_reason, next_step, rules, now)
        })
    }

    /// Sets leads `lead_ids` lost for `reason` ([`follow_up::lost_reason`] reads it), all
    /// or none. With fewer touch days on a customer than the settings ask, only when
    /// `forced`. Returns the statuses replaced and their close times.
    pub fn lose(
        &mut self,
        lead_ids: &[i64],
        reason: &str,
        forced: bool,
        rules: &Rules,
        zone: Zone,
        now: DateTime<Utc>,
    ) -> Result<Vec<(Status, Option<DateTime<Utc>>)>> {
        let reason = follow_up::lost_reason(reason, rules).map_err(Refused::LostReason)?;
        self.all_or_none(lead_ids, |tx, lead_id| {
            lose_in(tx, lead_id, &reason, forced, rules, zone, now)
        })
    }

    /// Runs `each` on every lead in one transaction: a refusal of one changes none.
    fn all_or_none<T>(
        &mut self,
        lead_ids: &[i64],
        mut each: impl FnMut(&Connection, i64) -> Result<T>,
    ) -> Result<Vec<T>> {
        let tx = self.conn.transaction()?;
        let done = lead_ids
            .iter()
            .map(|&id| each(&tx, id))
            .collect::<Result<Vec<T>>>()?;
        tx.commit()?;
        Ok(done)
    }

    /// Why lead `lead_id` was lost or qualified out of the ordinary, if it was.
    pub fn close_of(&self, lead_id: i64) -> Result<Option<Close>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT reason, override, forced, at FROM lead_closes WHERE lead_id = ?1",
            )?
            .query_row([lead_id], |r| {
                Ok(Close {
                    reason: r.get(0)?,
                    override_reason: r.get(1)?,
                    forced: r.get(2)?,
                    at: from_ts(r.get(3)?),
                })
            })
            .optional()?)
    }
}

/// Qualifies one lead inside a transaction ([`Store::qualify`]).
fn qualify_in(
    tx: &Connection,
    lead_id: i64,
    override_reason: Option<&str>,
    next_step: Option<(&str, DateTime<Utc>)>,
    rules: &Rules,
    now: DateTime<Utc>,
) -> Result<(Status, Option<DateTime<Utc>>)> {
    let lead = lead_in(tx, lead_id)?;
    let missing = follow_up::unchecked(&checks(tx, lead.contact_id)?, rules);
    let override_reason = override_reason.map(str::trim).filter(|r| !r.is_empty());
    if !missing.is_empty() && override_reason.is_none() {
        let missing = missing.iter().map(|m| m.to_string()).collect();
        return Err(Refused::ChecklistIncomplete {
            lead: lead_id,
            missing,
        }
        .into());
    }
    write_status(tx, &lead, Status::Qualified, now)?;
    if let Some(reason) = override_reason.filter(|_| !missing.is_empty()) {
        write_close(tx, lead_id, None, Some(reason), false, now)?;
    }
    if let Some((step, at)) = next_step {
        tx.execute(
            "INSERT INTO customer_follow_ups (contact_id, next_step, next_step_at)
             VALUES (?1, ?2, ?3)
             ON CONFLICT (contact_id) DO UPDATE
                SET next_step = excluded.next_step, next_step_at = excluded.next_step_at",
            params![lead.contact_id, step.trim(), at.timestamp()],
        )?;
    }
    Ok((lead.status, lead.closed_at))
}

/// Loses one lead inside a transaction ([`Store::lose`]); `reason` as read.
fn lose_in(
    tx: &Connection,
    lead_id: i64,
    reason: &str,
    forced: bool,
    rules: &Rules,
    zone: Zone,
    now: DateTime<Utc>,
) -> Result<(Status, Option<DateTime<Utc>>)> {
    let lead = lead_in(tx, lead_id)?;
    let customer = customer(tx, lead.contact_id)?;
    let days = follow_up::cadence_touch_days(&customer.leads, &customer.touches, zone);
    let early = days < rules.min_touch_days as usize;
    if early && !forced {
        return Err(Refused::TooFewTouches {
            lead: lead_id,
            days,
            min: rules.min_touch_days,
        }
        .into());
    }
    write_status(tx, &lead, Status::Lost, now)?;
    write_close(tx, lead_id, Some(reason), None, early, now)?;
    Ok((lead.status, lead.closed_at))
}

/// Writes a status with its close time, moving the lead in the sort orders; the reasons of
/// an earlier close go.
pub(super) fn write_status(
    tx: &Connection,
    lead: &Lead,
    status: Status,
    now: DateTime<Utc>,
) -> Result<()> {
    let closed_at = crate::domain::sla::closed_at(status, lead.closed_at, now);
    orders::follow(tx, &[lead.id], || {
        tx.execute(
            "UPDATE lead_rows SET status = ?2, closed_at = ?3 WHERE id = ?1",
            params![lead.id, status.as_str(), closed_at.map(|t| t.timestamp())],
        )?;
        Ok(())
    })?;
    tx.execute("DELETE FROM lead_closes WHERE lead_id = ?1", [lead.id])?;
    Ok(())
}

fn write_close(
    tx: &Connection,
    lead_id: i64,
    reason: Option<&str>,
    override_reason: Option<&str>,
    forced: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.execute(
        "INSERT OR REPLACE INTO lead_closes (lead_id, reason, override, forced, at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![lead_id, reason, override_reason, forced, now.timestamp()],
    )?;
    Ok(())
}

/// The customer `contact_id`: its leads, customer touches, follow-up state and checklist.
pub(super) fn customer(conn: &Connection, contact_id: i64) -> Result<Customer> {
    customers(conn, &[contact_id])?
        .pop()
        .ok_or(StoreError::NoSuchLead(contact_id))
}

/// The customers `contact_ids` (each once) that have a lead, in that order, read a batch of
/// customers at a time: one query per table for a batch, where a customer at a time cost
/// five queries each (a store with many followed customers has tens of thousands).
pub(super) fn customers(conn: &Connection, contact_ids: &[i64]) -> Result<Vec<Customer>> {
    customers_by(conn, contact_ids, 1024)
}

/// [`customers`], `batch` customers a query.
fn customers_by(conn: &Connection, contact_ids: &[i64], batch: usize) -> Result<Vec<Customer>> {
    let mut found = Vec::with_capacity(contact_ids.len());
    for batch in contact_ids.chunks(batch) {
        let ids = super::id_list(batch);
        let mut by_id: HashMap<i64, Customer> = HashMap::with_capacity(batch.len());
        let mut leads = conn.prepare_cached(
            "SELECT c.contact_id, r.id, r.received_at, o.action, r.status, r.sla_due_at,
                r.first_touch_at, r.owner
             FROM contact_leads c JOIN lead_rows r ON r.id = c.lead_id
                JOIN lead_origins o ON o.id = r.origin_id
             WHERE c.contact_id IN rarray(?1)
             ORDER BY c.contact_id, c.received_at, c.lead_id",
        )?;
        let mut rows = leads.query([&ids])?;
        while let Some(r) = rows.next()? {
            let contact_id: i64 = r.get(0)?;
            let status: String = r.get(4)?;
            let customer = by_id.entry(contact_id).or_insert_with(|| Customer {
                contact_id,
                leads: Vec::new(),
                touches: Vec::new(),
                state: CustomerState::default(),
                checked: Vec::new(),
                owner: None,
            });
            customer.leads.push(CustomerLead {
                id: r.get(1)?,
                received_at: from_ts(r.get(2)?),
                action: r
                    .get::<_, Option<String>>(3)?
                    .as_deref()
                    .and_then(crate::domain::Action::parse),
                status: status.parse().unwrap_or(Status::New),
                sla_due_at: r.get::<_, Option<i64>>(5)?.map(from_ts),
                first_touch_at: r.get::<_, Option<i64>>(6)?.map(from_ts),
            });
            // The owner of the earliest lead that has one (every lead has the customer's).
            if customer.owner.is_none() {
                customer.owner = r.get(7)?;
            }
        }
        let mut touches = conn.prepare_cached(&format!(
            "SELECT c.contact_id, t.at FROM contact_leads c JOIN touches t ON t.lead_id = c.lead_id
             WHERE c.contact_id IN rarray(?1) AND {} ORDER BY c.contact_id, t.at",
            TouchKind::reaches_customer_sql("t.kind")
        ))?;
        let mut rows = touches.query([&ids])?;
        while let Some(r) = rows.next()? {
            if let Some(customer) = by_id.get_mut(&r.get(0)?) {
                customer.touches.push(from_ts(r.get(1)?));
            }
        }
        let mut follow_ups = conn.prepare_cached(
            "SELECT contact_id, snoozed_until, snoozed_at, next_step, next_step_at
             FROM customer_follow_ups WHERE contact_id IN rarray(?1)",
        )?;
        let mut rows = follow_ups.query([&ids])?;
        while let Some(r) = rows.next()? {
            let Some(customer) = by_id.get_mut(&r.get(0)?) else {
                continue;
            };
            if let (Some(until), Some(at)) = (r.get::<_, Option<i64>>(1)?, r.get(2)?) {
                customer.state.snooze = Some((from_ts(until), from_ts(at)));
            }
            if let (Some(step), Some(at)) = (r.get::<_, Option<String>>(3)?, r.get(4)?) {
                customer.state.next_step = Some((step, from_ts(at)));
            }
        }
        let mut opted_out = conn.prepare_cached(
            "SELECT DISTINCT c.contact_id FROM contact_leads c
                JOIN lead_closes l ON l.lead_id = c.lead_id
                JOIN lead_rows r ON r.id = c.lead_id
             WHERE c.contact_id IN rarray(?1) AND l.reason = ?2 AND r.status = 'lost'",
        )?;
        let mut rows = opted_out.query(params![&ids, follow_up::OPTED_OUT])?;
        while let Some(r) = rows.next()? {
            if let Some(customer) = by_id.get_mut(&r.get(0)?) {
                customer.state.opted_out = true;
            }
        }
        let mut checked = conn.prepare_cached(
            "SELECT contact_id, item FROM customer_checks WHERE contact_id IN rarray(?1)
             ORDER BY contact_id, checked_at, item",
        )?;
        let mut rows = checked.query([&ids])?;
        while let Some(r) = rows.next()? {
            if let Some(customer) = by_id.get_mut(&r.get(0)?) {
                customer.checked.push(r.get(1)?);
            }
        }
        found.extend(batch.iter().filter_map(|id| by_id.remove(id)));
    }
    Ok(found)
}

fn checks(conn: &Connection, contact_id: i64) -> Result<Vec<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT item FROM customer_checks WHERE contact_id = ?1 ORDER BY checked_at, item",
        )?
        .query_map([contact_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}

/// Hands each customer with a lead waiting for its first touch to `take`, with its next
/// item (a first touch: their other leads do not change it), in ascending order.
fn waiting_customers(
    conn: &Connection,
    rules: &Rules,
    zone: Zone,
    owner: &OwnerFilter,
    take: &mut impl FnMut(i64, Option<Next>),
) -> Result<()> {
    // The index of waiting leads (`lead_rows_waiting`) holds these columns in this order: a
    // few bytes a lead, a customer's leads together.
    let (owner_sql, owner_param) = owner.sql("owner");
    let mut stmt = conn.prepare_cached(&waiting_leads_sql(&owner_sql))?;
    let mut current = None;
    let mut leads: Vec<CustomerLead> = Vec::new();
    let none = CustomerState::default();
    let mut rows = stmt.query(rusqlite::params_from_iter(owner_param))?;
    while let Some(r) = rows.next()? {
        let contact_id: i64 = r.get(0)?;
        if current != Some(contact_id) {
            if let Some(done) = current {
                take(done, follow_up::next(&leads, &[], &none, rules, zone));
            }
            leads.clear();
            current = Some(contact_id);
        }
        leads.push(CustomerLead {
            id: r.get(2)?,
            received_at: from_ts(r.get(3)?),
            action: lane::action(r.get(4)?).cloned(),
            // Open, as every waiting lead is (new or contacted: the same to the rules).
            status: Status::New,
            sla_due_at: Some(from_ts(r.get(1)?)),
            first_touch_at: None,
        });
    }
    if let Some(done) = current {
        take(done, follow_up::next(&leads, &[], &none, rules, zone));
    }
    Ok(())
}

/// The waiting leads whose owner `owner_sql` admits, by customer.
fn waiting_leads_sql(owner_sql: &str) -> String {
    format!(
        "SELECT contact_id, sla_due_at, id, received_at, lane FROM lead_rows
         WHERE {} AND {owner_sql} ORDER BY contact_id",
        schema::waiting_sql()
    )
}

/// Room for a row per lead: growing a vector of a million rows step by step costs more
/// than the pass that fills it (each step copies it into freshly zeroed memory), while
/// room reserved and never used costs nothing.
fn room_for_leads(conn: &Connection) -> Result<usize> {
    let last: i64 = conn.query_row("SELECT COALESCE(MAX(id), 0) FROM lead_rows", [], |r| {
        r.get(0)
    })?;
    Ok(last.max(0) as usize)
}

/// A customer's touches: how many, and the last.
type TouchFigures = (u32, Option<DateTime<Utc>>);

/// Each touched customer's [`TouchFigures`].
fn customer_touch_figures(conn: &Connection) -> Result<HashMap<i64, TouchFigures>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT l.contact_id, COUNT(*), MAX(t.at) FROM touches t
             JOIN lead_rows l ON l.id = t.lead_id WHERE {} GROUP BY l.contact_id",
            TouchKind::reaches_customer_sql("t.kind")
        ))?
        .query_map([], |r| {
            Ok((r.get(0)?, (r.get(1)?, Some(from_ts(r.get(2)?)))))
        })?
        .collect::<rusqlite::Result<_>>()?)
}

/// The customers with a customer touch or a follow-up of their own (snooze, next step).
fn followed_customers(conn: &Connection) -> Result<Vec<i64>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT DISTINCT l.contact_id FROM touches t JOIN lead_rows l ON l.id = t.lead_id
             WHERE {}
             UNION SELECT contact_id FROM customer_follow_ups",
            TouchKind::reaches_customer_sql("t.kind")
        ))?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}

impl Store {
    /// The next item of every followed customer (a customer touch, a snooze or a next step;
    /// [`Customer::next`]), with the customer's owner. The Today queue's follow-ups and
    /// decisions come only from these: a customer never followed is owed a first touch or
    /// nothing. For the follow-up figures of `stats`.
    pub fn followed_next(&self, rules: &Rules, zone: Zone) -> Result<Vec<(Option<String>, Next)>> {
        let mut items = Vec::new();
        for customer in customers(&self.conn, &followed_customers(&self.conn)?)? {
            if let Some(next) = customer.next(rules, zone) {
                items.push((customer.owner, next));
            }
        }
        Ok(items)
    }
}

/// Each origin's action, by id.
fn origin_actions(
    conn: &Connection,
) -> Result<foldhash::HashMap<i64, Option<crate::domain::Action>>> {
    Ok(conn
        .prepare_cached("SELECT id, action FROM lead_origins")?
        .query_map([], |r| {
            let action: Option<String> = r.get(1)?;
            Ok((
                r.get(0)?,
                action.as_deref().and_then(crate::domain::Action::parse),
            ))
        })?
        .collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    /// A store of many customers, some with several leads (test drives among them), some
    /// touched, qualified, lost or owned, due around `now`.
    fn busy_store(now: DateTime<Utc>) -> Store {
        let mut store = Store::open_in_memory().unwrap();
        let actions = ["PLT", "INS", "StartTestDrive", "Create", "DNC"];
        let mut lines = String::new();
        // Imported out of order: lead and customer ids follow no due time.
        for i in (0..600u32).map(|k| (k * 37) % 600) {
            // 200 customers (numbered out of the order they first come in); three leads
            // arrive together every 21 minutes (equal due times across customers), from
            // two days before now.
            let customer = (i * 7) % 200;
            let received =
                now - chrono::Duration::hours(48) + chrono::Duration::minutes(21 * (i / 3) as i64);
            lines.push_str(&format!(
                r#"{{"userDetails": {{"firstName": "C{customer}", "lastName": "X", "email": "c{customer}@example.org"}}, "leadSource": "AppSource-{a}|o.p", "actionCode": "{a}", "receivedAt": "{r}"}}"#,
                a = actions[(i as usize * 3) % actions.len()],
                r = received.to_rfc3339(),
            ));
            lines.push('\n');
        }
        let options = crate::import::ImportOptions::default();
        crate::import::import_bytes(
            &mut store,
            "busy.ndjson",
            lines.as_bytes(),
            now,
            &options,
            now,
        )
        .unwrap();
        for id in (1..=600).step_by(13) {
            let at = now - chrono::Duration::hours(30);
            let _ = store.add_touch(
                id,
                TouchKind::Email,
                None,
                at.max(store.lead(id).unwrap().received_at),
                now,
            );
        }
        for id in (5..=600).step_by(17) {
            store.set_status_at(id, Status::Qualified, now).unwrap();
        }
        for id in (9..=600).step_by(19) {
            store.set_status_at(id, Status::Lost, now).unwrap();
        }
        for id in (3..=600).step_by(23) {
            store
                .set_owner(id, Some(if id % 2 == 0 { "Ana" } else { "bo" }))
                .unwrap();
        }
        store
    }

    /// Customers read in batches are the customers read one at a time, in the order asked,
    /// whatever the batch (a customer with no lead is left out).
    #[test]
    fn customers_read_in_batches_are_read_whole() {
        let now = Utc.with_ymd_and_hms(2026, 11, 21, 18, 0, 0).unwrap();
        let mut store = busy_store(now);
        let until = now + chrono::Duration::days(2);
        let snoozed = store
            .followed_next(&Rules::default(), Zone::Named(chrono_tz::Europe::Berlin))
            .unwrap()
            .into_iter()
            .find(|(_, next)| !matches!(next.owed, follow_up::Owed::FirstTouch { .. }))
            .expect("a customer owed a follow-up")
            .1
            .lead_id;
        store
            .snooze(
                &[snoozed],
                until,
                now,
                &Rules::default(),
                Zone::Named(chrono_tz::Europe::Berlin),
            )
            .unwrap();
        store.set_checks(snoozed, &[("budget", true)], now).unwrap();
        let berlin = Zone::Named(chrono_tz::Europe::Berlin);
        store
            .lose(
                &[4],
                follow_up::OPTED_OUT,
                true,
                &Rules::default(),
                berlin,
                now,
            )
            .unwrap();
        let mut ids: Vec<i64> = (1..=200).rev().collect();
        ids.push(100_000);
        let one_by_one: Vec<Customer> = ids
            .iter()
            .flat_map(|&id| customers_by(&store.conn, &[id], 1).unwrap())
            .collect();
        assert_eq!(one_by_one.len(), 200);
        assert!(one_by_one
            .iter()
            .any(|c| c.state.snooze.map(|s| s.0) == Some(until) && c.checked == ["budget"]));
        assert!(one_by_one
            .iter()
            .any(|c| !c.touches.is_empty() && c.owner.is_some()));
        assert_eq!(one_by_one.iter().filter(|c| c.state.opted_out).count(), 1);
        for batch in [2, 7, 64, 1024] {
            assert_eq!(
                customers_by(&store.conn, &ids, batch).unwrap(),
                one_by_one,
                "{batch}"
            );
        }
    }

    /// The head of the queue is the start of the whole queue, whatever its length, owner
    /// or clock, and is as long as asked when the queue starts with that many overdue rows.
    #[test]
    fn the_head_of_the_queue_is_the_start_of_the_whole_queue() {
        let now = Utc.with_ymd_and_hms(2026, 11, 21, 18, 0, 0).unwrap();
        let store = busy_store(now);
        let rules = Rules::default();
        let zone = Zone::Named(chrono_tz::Europe::Berlin);
        let owners = [
            OwnerFilter::Any,
            OwnerFilter::Named("ana".into()),
            OwnerFilter::Nobody,
        ];
        let mut longest = 0;
        for hours in [-30, -12, 0, 6, 40] {
            let at = now + chrono::Duration::hours(hours);
            for owner in &owners {
                let whole = store.today(&rules, zone, at, owner).unwrap().items;
                let overdue = whole.iter().filter(|i| i.reason == Reason::Overdue).count();
                for n in [1, 2, 5, 20, 80, 1000] {
                    let head = store.today_head(&rules, zone, at, owner, n).unwrap();
                    assert_eq!(head, whole[..head.len()], "{hours}h {owner:?} n={n}");
                    assert!(head.len() >= n.min(overdue), "{hours}h {owner:?} n={n}");
                    longest = longest.max(head.len());
                }
            }
        }
        assert!(
            longest > 50,
            "the store has many overdue customers: {longest}"
        );
        // Cut short, the walk keeps only what it has proven.
        let whole = store
            .today(&rules, zone, now, &OwnerFilter::Any)
            .unwrap()
            .items;
        for budget in [1, 2, 3, 10, 50, 200] {
            let head = store
                .head_within(&rules, zone, now, &OwnerFilter::Any, 1000, budget)
                .unwrap();
            assert_eq!(head, whole[..head.len()], "budget {budget}");
            assert!(head.len() <= budget, "budget {budget}: {}", head.len());
        }
    }

    /// The whole queue is each customer's next item (read customer by customer), in the
    /// queue's order, whatever the owner or the clock.
    #[test]
    fn the_queue_is_every_customer_judged_alone() {
        let now = Utc.with_ymd_and_hms(2026, 11, 21, 18, 0, 0).unwrap();
        let store = busy_store(now);
        let rules = Rules::default();
        let zone = Zone::Named(chrono_tz::Europe::Berlin);
        let contacts: std::collections::BTreeSet<i64> = (1..=600)
            .map(|id| store.customer_of(id).unwrap().contact_id)
            .collect();
        let owners = [
            OwnerFilter::Any,
            OwnerFilter::Named("ANA".into()),
            OwnerFilter::Nobody,
        ];
        for hours in [-30, 0, 40] {
            let at = now + chrono::Duration::hours(hours);
            let end_of_today = zone.end_of_day(at);
            for owner in &owners {
                let mut alone = Vec::new();
                for &contact_id in &contacts {
                    let customer = customer(&store.conn, contact_id).unwrap();
                    if !owner.admits(customer.owner.as_deref()) {
                        continue;
                    }
                    let Some(next) = customer.next(&rules, zone) else {
                        continue;
                    };
                    if let Some(reason) = next.reason(at, end_of_today) {
                        alone.push(QueueItem {
                            contact_id,
                            reason,
                            next,
                        });
                    }
                }
                alone.sort_by_key(|i| (i.reason, i.next.due_at, i.contact_id));
                let mut whole = store.today(&rules, zone, at, owner).unwrap().items;
                assert!(whole.len() > 5, "{hours}h {owner:?}: {}", whole.len());
                // The queue's order within a group (test drives first) is tested apart.
                whole.sort_by_key(|i| (i.reason, i.next.due_at, i.contact_id));
                assert_eq!(whole, alone, "{hours}h {owner:?}");
            }
        }
    }

    /// The queue reads the waiting leads from their index, in its order: at a million
    /// leads, reading every lead's row or sorting them costs most of the queue's time.
    #[test]
    fn the_waiting_leads_are_read_from_their_index_in_order() {
        let store = busy_store(Utc.with_ymd_and_hms(2026, 11, 21, 18, 0, 0).unwrap());
        for owner in [
            OwnerFilter::Any,
            OwnerFilter::Named("ana".into()),
            OwnerFilter::Nobody,
        ] {
            let (owner_sql, param) = owner.sql("owner");
            let plan: Vec<String> = store
                .conn
                .prepare(&format!(
                    "EXPLAIN QUERY PLAN {}",
                    waiting_leads_sql(&owner_sql)
                ))
                .unwrap()
                .query_map(rusqlite::params_from_iter(param), |r| r.get(3))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            assert_eq!(
                plan,
                ["SCAN lead_rows USING COVERING INDEX lead_rows_waiting"],
                "{owner:?}"
            );
        }
    }
}
