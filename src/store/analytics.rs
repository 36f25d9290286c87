//! The figures of `leadbox stats`: one pass over the leads' rows, one over the closes, and
//! the follow-up backlog of the followed customers. Every rule is `domain::analytics`'s,
//! `domain::sla`'s or `domain::follow_up`'s; this module only reads rows and hands them on.

use chrono::{DateTime, NaiveDate, Utc};
use foldhash::HashMap;
use rusqlite::types::ValueRef;
use rusqlite::OptionalExtension;
use std::collections::{BTreeMap, BTreeSet};

use super::{from_ts, Result, Store};
use crate::domain::analytics::{
    self, CustomerPath, FollowUpCounts, Funnel, LocalDays, PathLead, Pipeline, SlaCounts, Window,
};
use crate::domain::follow_up::Rules;
use crate::domain::time::Zone;
use crate::domain::{lane, sla, SlaState, Status};

/// The name of a missing action, source, offer or status in the counts.
const UNKNOWN: &str = "unknown";

/// The lanes a non-test lead can be in: each known action's, then the other actions'.
const LANES: usize = lane::OTHER as usize;

/// What `stats` asks for.
#[derive(Debug, Clone, Copy)]
pub struct StatsQuery<'a> {
    pub window: Window,
    /// The zone of the local days (days, weeks, the window, the end of today).
    pub zone: Zone,
    pub rules: &'a Rules,
    pub now: DateTime<Utc>,
}

/// The figures of the non-test leads: those of leads arriving in the window unless said
/// otherwise.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stats {
    pub window: Window,
    pub total: u64,
    pub by_action: BTreeMap<String, u64>,
    pub by_source: BTreeMap<String, u64>,
    pub by_offer: BTreeMap<String, u64>,
    pub by_status: BTreeMap<String, u64>,
    /// The SLA states; `exempt` also counts the test leads (the only figure that does).
    pub sla: SlaCounts,
    pub median_first_touch_s: Option<i64>,
    pub p90_first_touch_s: Option<i64>,
    /// The delays of `median_first_touch_s`, counted by bucket ([`analytics::delay_bucket`]).
    pub first_touch_buckets: [u64; analytics::DELAY_BUCKETS],
    /// Contactable leads with no customer touch yet.
    pub untouched: u64,
    /// Each local day of `Window::days`, oldest first.
    pub sla_by_day: Vec<DaySla>,
    /// Each ISO week of `Window::weeks`, oldest first.
    pub volume_by_week: Vec<WeekVolume>,
    pub funnel: Funnel,
    pub pipeline: Pipeline,
    /// The backlog now, whatever the window.
    pub follow_up: FollowUpCounts,
    /// By the customer's current owner ([`analytics::owner_key`]).
    pub by_owner: BTreeMap<String, OwnerStats>,
    /// Lost leads by reason, by when they were lost.
    pub lost_reasons: BTreeMap<String, u64>,
    pub overrides: Overrides,
    /// Every offer the store has seen, its health over all history.
    pub offers: BTreeMap<String, OfferHealth>,
}

/// The SLA states of the leads that arrived on one local day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DaySla {
    pub date: NaiveDate,
    pub sla: SlaCounts,
}

/// The leads that arrived in one ISO week, by action.
#[derive(Debug, Clone, PartialEq)]
pub struct WeekVolume {
    /// `2026-W47`.
    pub week: String,
    /// By lane: each known action's, then the other actions'.
    counts: [u64; LANES],
}

impl WeekVolume {
    /// Each known action's count (`INS`, `PLT`, `DNC`, `Create`, `StartTestDrive`), then
    /// `other` (an unknown or missing action).
    pub fn by_action(&self) -> impl Iterator<Item = (&'static str, u64)> + '_ {
        self.counts.iter().enumerate().map(|(i, &n)| {
            let name = lane::action(i as lane::Lane + 1).map_or("other", |a| a.as_str());
            (name, n)
        })
    }
}

/// One owner's figures.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OwnerStats {
    pub leads: u64,
    pub sla: SlaCounts,
    pub median_first_touch_s: Option<i64>,
    pub follow_up: FollowUpCounts,
}

/// Closes out of the ordinary, by when they were made.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Overrides {
    pub qualified_without_checklist: u64,
    pub lost_forced: u64,
}

/// An offer's lead connection.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct OfferHealth {
    /// Its non-test leads in the window.
    pub leads: u64,
    /// Its latest non-test arrival.
    pub last_lead_at: Option<DateTime<Utc>>,
    /// Its latest Microsoft test lead: proof the connection works.
    pub last_test_lead_at: Option<DateTime<Utc>>,
    pub median_gap_s: Option<i64>,
    pub silent: bool,
}

/// What one origin (LeadSource, offer) gathers in the pass.
#[derive(Debug, Default)]
struct OriginTally {
    leads_in_window: u64,
    /// Every non-test arrival, in seconds.
    arrivals: Vec<i64>,
    last_test: Option<i64>,
}

impl OriginTally {
    /// Adds another origin's tally of the same offer.
    fn merge(&mut self, other: OriginTally) {
        self.leads_in_window += other.leads_in_window;
        self.arrivals.extend(other.arrivals);
        self.last_test = self.last_test.max(other.last_test);
    }
}

/// Each offer's health at `now`, from what its origins gathered.
fn health_of(
    offers: BTreeMap<String, OriginTally>,
    now: DateTime<Utc>,
) -> BTreeMap<String, OfferHealth> {
    offers
        .into_iter()
        .map(|(offer, tally)| (offer, health(tally, now)))
        .collect()
}

/// One offer's health at `now`, from what its origins gathered.
fn health(tally: OriginTally, now: DateTime<Utc>) -> OfferHealth {
    let last_lead_at = tally.arrivals.iter().max().copied().map(from_ts);
    let median_gap_s = analytics::median_gap(tally.arrivals);
    OfferHealth {
        leads: tally.leads_in_window,
        last_lead_at,
        last_test_lead_at: tally.last_test.map(from_ts),
        median_gap_s,
        silent: analytics::is_silent(now, last_lead_at, median_gap_s),
    }
}

/// What one owner (folded) gathers in the pass.
#[derive(Debug, Default)]
struct OwnerTally {
    stats: OwnerStats,
    first_touch_delays: Vec<i64>,
}

/// The owners met in the pass, by their stored name and by their key.
#[derive(Debug, Default)]
struct Owners {
    /// A stored name (its bytes) to its key's index.
    by_name: HashMap<Vec<u8>, usize>,
    /// The index of customers without an owner, once met.
    nobody: Option<usize>,
    keys: BTreeMap<String, usize>,
    tallies: Vec<OwnerTally>,
}

impl Owners {
    fn of_key(&mut self, key: String) -> usize {
        let next = self.tallies.len();
        let index = *self.keys.entry(key).or_insert(next);
        if index == next {
            self.tallies.push(OwnerTally::default());
        }
        index
    }

    /// The tally of a stored owner (none: nobody's).
    fn of(&mut self, owner: Option<&[u8]>) -> &mut OwnerTally {
        let index = match owner {
            Some(name) => match self.by_name.get(name) {
                Some(&index) => index,
                None => {
                    let index =
                        self.of_key(analytics::owner_key(Some(&String::from_utf8_lossy(name))));
                    self.by_name.insert(name.to_vec(), index);
                    index
                }
            },
            None => match self.nobody {
                Some(index) => index,
                None => {
                    let index = self.of_key(analytics::owner_key(None));
                    self.nobody = Some(index);
                    index
                }
            },
        };
        &mut self.tallies[index]
    }
}

/// Each customer's [`CustomerPath`], by contact id: in a vector while the ids are dense (SQLite
/// gives them in order, so they are unless something else wrote them), else in a map. A
/// million leads' customers in a map cost the pass most of its time.
enum Customers {
    Dense(Vec<CustomerPath>),
    Sparse(HashMap<i64, CustomerPath>),
}

impl Customers {
    /// The most ids a vector is made for.
    const DENSE_UP_TO: i64 = 1 << 26;

    fn new(max_id: i64) -> Customers {
        match usize::try_from(max_id) {
            Ok(max) if max_id <= Self::DENSE_UP_TO => {
                Customers::Dense(vec![CustomerPath::default(); max + 1])
            }
            _ => Customers::Sparse(HashMap::default()),
        }
    }

    fn of(&mut self, contact_id: i64) -> &mut CustomerPath {
        if let Customers::Dense(paths) = self {
            match usize::try_from(contact_id) {
                Ok(i) if i < paths.len() => {}
                // An id beyond the largest contact's: no longer dense.
                _ => {
                    let map = std::mem::take(paths)
                        .into_iter()
                        .enumerate()
                        .filter(|(_, path)| *path != CustomerPath::default())
                        .map(|(i, path)| (i as i64, path))
                        .collect();
                    *self = Customers::Sparse(map);
                }
            }
        }
        match self {
            Customers::Dense(paths) => &mut paths[contact_id as usize],
            Customers::Sparse(map) => map.entry(contact_id).or_default(),
        }
    }

    fn each(&self, mut f: impl FnMut(&CustomerPath)) {
        match self {
            Customers::Dense(paths) => paths.iter().for_each(&mut f),
            Customers::Sparse(map) => map.values().for_each(f),
        }
    }
}

impl Store {
    /// Every figure of `stats` for `query`.
    pub fn stats(&self, query: &StatsQuery) -> Result<Stats> {
        let started = std::time::Instant::now();
        let StatsQuery {
            window,
            zone,
            rules,
            now,
        } = *query;
        let span = window.span(zone);
        let today = zone.date_of(now);
        let (first_day, last_day) = window.days(today);
        let days_span = Window {
            since: Some(first_day),
            until: Some(last_day),
        }
        .span(zone);
        let mut stats = Stats {
            window,
            ..Stats::default()
        };
        let mut local = LocalDays::new(zone);
        let mut origins: HashMap<i64, OriginTally> = HashMap::default();
        let max_contact: Option<i64> =
            self.conn
                .query_row("SELECT MAX(id) FROM contacts", [], |r| r.get(0))?;
        let mut customers = Customers::new(max_contact.unwrap_or(0));
        let mut owners = Owners::default();
        let mut volume: HashMap<NaiveDate, [u64; LANES]> = HashMap::default();
        let mut days: HashMap<NaiveDate, SlaCounts> = HashMap::default();
        let mut first_touch_delays = Vec::new();
        let mut arrivals_in_window: Option<(i64, i64)> = None;

        // One pass over the leads' rows. Action, source and offer are counted by origin and
        // named at the end: a store has few origins.
        let mut stmt = self.conn.prepare(
            "SELECT contact_id, origin_id, lane, status, is_test, sla_due_at, first_touch_at,
                received_at, closed_at, touch_count, owner
             FROM lead_rows",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let received_s: i64 = row.get(7)?;
            let received = from_ts(received_s);
            let in_window = span.contains(received);
            let origin = origins.entry(row.get(1)?).or_default();
            if row.get::<_, bool>(4)? {
                origin.last_test = origin.last_test.max(Some(received_s));
                if in_window {
                    stats.sla.count(SlaState::Exempt);
                }
                continue;
            }
            origin.arrivals.push(received_s);
            let lane: lane::Lane = row.get(2)?;
            let due: Option<i64> = row.get(5)?;
            let touch: Option<i64> = row.get(6)?;
            let status = match row.get_ref(3)? {
                ValueRef::Text(text) => Status::ALL
                    .iter()
                    .find(|s| s.as_str().as_bytes() == text)
                    .copied()
                    .ok_or_else(|| String::from_utf8_lossy(text).into_owned()),
                _ => Err(UNKNOWN.to_string()),
            };
            customers.of(row.get(0)?).add(
                &PathLead {
                    action: lane::action(lane),
                    received_at: received,
                    status: *status.as_ref().unwrap_or(&Status::New),
                    contactable: due.is_some(),
                    touched: row.get::<_, i64>(9)? > 0,
                    in_window,
                },
                now,
            );
            if !in_window {
                continue;
            }
            origin.leads_in_window += 1;
            match &status {
                Ok(status) => count(&mut stats.by_status, status.as_str()),
                Err(raw) => count(&mut stats.by_status, raw),
            }
            arrivals_in_window = Some(match arrivals_in_window {
                Some((first, last)) => (first.min(received_s), last.max(received_s)),
                None => (received_s, received_s),
            });
            let date = local.date_of(received);
            if let Some(slot) = usize::from(lane).checked_sub(1).filter(|&i| i < LANES) {
                volume.entry(date).or_default()[slot] += 1;
            }
            let owner = owners.of(match row.get_ref(10)? {
                ValueRef::Text(name) => Some(name),
                _ => None,
            });
            owner.stats.leads += 1;
            let closed: Option<i64> = row.get(8)?;
            let state = sla::state(
                due.map(from_ts),
                touch.map(from_ts),
                closed.map(from_ts),
                now,
            );
            stats.sla.count(state);
            owner.stats.sla.count(state);
            if days_span.contains(received) {
                days.entry(date).or_default().count(state);
            }
            if state != SlaState::Exempt && touch.is_none() {
                stats.untouched += 1;
            }
            if let (Some(_), Some(touch)) = (due, touch) {
                let delay = touch - received_s;
                first_touch_delays.push(delay);
                owner.first_touch_delays.push(delay);
                stats.first_touch_buckets[analytics::delay_bucket(delay)] += 1;
            }
        }
        drop(rows);
        stats.total = stats.by_status.values().sum();
        stats.median_first_touch_s = analytics::median(&mut first_touch_delays);
        stats.p90_first_touch_s = analytics::nearest_rank(&mut first_touch_delays, analytics::P90);
        stats.sla_by_day = first_day
            .iter_days()
            .take_while(|&d| d <= last_day)
            .map(|date| DaySla {
                date,
                sla: days.get(&date).copied().unwrap_or_default(),
            })
            .collect();
        stats.volume_by_week = weekly(&volume, window, today, arrivals_in_window, zone);
        customers.each(|path| {
            stats.funnel.count(path, &span);
            stats.pipeline.count(path);
        });
        drop(customers);
        self.name_origins(origins, now, &mut stats)?;
        self.count_follow_ups(rules, zone, now, &mut owners, &mut stats)?;
        for (key, index) in owners.keys {
            let mut tally = std::mem::take(&mut owners.tallies[index]);
            tally.stats.median_first_touch_s = analytics::median(&mut tally.first_touch_delays);
            stats.by_owner.insert(key, tally.stats);
        }
        self.count_closes(&span, &mut stats)?;
        tracing::debug!(ms = started.elapsed().as_millis() as u64, "stats");
        Ok(stats)
    }

    /// Adds the leads counted by origin to the counts by action, source and offer, and
    /// gives each offer its health.
    fn name_origins(
        &self,
        origins: HashMap<i64, OriginTally>,
        now: DateTime<Utc>,
        stats: &mut Stats,
    ) -> Result<()> {
        let mut offers: BTreeMap<String, OriginTally> = BTreeMap::new();
        let mut stmt = self
            .conn
            .prepare("SELECT id, action, source, offer FROM lead_origins")?;
        let mut rows = stmt.query([])?;
        let mut origins = origins;
        while let Some(row) = rows.next()? {
            let offer: Option<String> = row.get(3)?;
            let tally = origins.remove(&row.get::<_, i64>(0)?).unwrap_or_default();
            if tally.leads_in_window > 0 {
                let action: Option<String> = row.get(1)?;
                let source: Option<String> = row.get(2)?;
                for (name, map) in [
                    (action, &mut stats.by_action),
                    (source, &mut stats.by_source),
                    (offer.clone(), &mut stats.by_offer),
                ] {
                    *map.entry(name.unwrap_or_else(|| UNKNOWN.to_string()))
                        .or_default() += tally.leads_in_window;
                }
            }
            // Leads without an offer are no offer's.
            let Some(offer) = offer else { continue };
            offers.entry(offer).or_default().merge(tally);
        }
        stats.offers = health_of(offers, now);
        Ok(())
    }

    /// Every offer's health at `now`, as in [`Stats::offers`], without the other figures
    /// (the inbox's warning of a silent offer asks for it when it opens and after each
    /// import). `leads` counts every non-test lead. SQLite hands over the arrivals sorted by
    /// offer, so that only one offer's are held at a time: the inbox's memory stays that of
    /// its screen at a million leads.
    pub fn offer_health(&self, now: DateTime<Utc>) -> Result<BTreeMap<String, OfferHealth>> {
        let mut offers = BTreeMap::new();
        let mut stmt = self.conn.prepare(
            "SELECT o.offer, r.is_test, r.received_at
             FROM lead_rows r JOIN lead_origins o ON o.id = r.origin_id
             WHERE o.offer IS NOT NULL ORDER BY o.offer",
        )?;
        let mut rows = stmt.query([])?;
        let mut current: Option<(String, OriginTally)> = None;
        while let Some(row) = rows.next()? {
            let ValueRef::Text(offer) = row.get_ref(0)? else {
                continue;
            };
            if current
                .as_ref()
                .is_none_or(|(name, _)| name.as_bytes() != offer)
            {
                if let Some((name, tally)) = current.take() {
                    offers.insert(name, health(tally, now));
                }
                let name = String::from_utf8_lossy(offer).into_owned();
                current = Some((name, OriginTally::default()));
            }
            let Some((_, tally)) = current.as_mut() else {
                continue;
            };
            let received_s: i64 = row.get(2)?;
            if row.get::<_, bool>(1)? {
                tally.last_test = tally.last_test.max(Some(received_s));
            } else {
                tally.leads_in_window += 1;
                tally.arrivals.push(received_s);
            }
        }
        if let Some((name, tally)) = current {
            offers.insert(name, health(tally, now));
        }
        Ok(offers)
    }

    /// The follow-up backlog now, in all and by owner: the Today queue's rules over each
    /// followed customer's next item.
    fn count_follow_ups(
        &self,
        rules: &Rules,
        zone: Zone,
        now: DateTime<Utc>,
        owners: &mut Owners,
        stats: &mut Stats,
    ) -> Result<()> {
        let end_of_today = zone.end_of_day(now);
        for (owner, next) in self.followed_next(rules, zone)? {
            stats.follow_up.count(&next, now, end_of_today);
            owners
                .of(owner.as_deref().map(str::as_bytes))
                .stats
                .follow_up
                .count(&next, now, end_of_today);
        }
        Ok(())
    }

    /// The lost reasons and the overrides of the non-test leads closed in `span`.
    fn count_closes(&self, span: &analytics::Span, stats: &mut Stats) -> Result<()> {
        let mut stmt = self.conn.prepare(
            "SELECT c.reason, c.override, c.forced, c.at FROM lead_closes c
             JOIN lead_rows r ON r.id = c.lead_id WHERE NOT r.is_test",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            if !span.contains(from_ts(row.get(3)?)) {
                continue;
            }
            if let ValueRef::Text(reason) = row.get_ref(0)? {
                count(&mut stats.lost_reasons, &String::from_utf8_lossy(reason));
            }
            if row.get_ref(1)? != ValueRef::Null {
                stats.overrides.qualified_without_checklist += 1;
            }
            if row.get::<_, bool>(2)? {
                stats.overrides.lost_forced += 1;
            }
        }
        Ok(())
    }
}

impl Store {
    /// The offers whose silence the rep has muted (the inbox's status bar does not warn of
    /// them).
    pub fn muted_offers(&self) -> Result<BTreeSet<String>> {
        let mut stmt = self.conn.prepare_cached("SELECT offer FROM offer_mutes")?;
        let offers = stmt.query_map([], |r| r.get(0))?;
        Ok(offers.collect::<rusqlite::Result<_>>()?)
    }

    /// Mutes the silence of `offer` (`muted`), or unmutes it, at `at`. Returns when it was
    /// muted before (none: it was not), for an undo.
    pub fn set_offer_muted(
        &mut self,
        offer: &str,
        muted: bool,
        at: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>> {
        let tx = self.conn.transaction()?;
        let previous = muted_at(&tx, offer)?;
        match muted {
            true if previous.is_none() => {
                mute(&tx, offer, at)?;
            }
            false => {
                tx.execute("DELETE FROM offer_mutes WHERE offer = ?1", [offer])?;
            }
            true => {}
        }
        tx.commit()?;
        Ok(previous.map(from_ts))
    }

    /// Takes back a mute (`written` true) or an unmute of `offer`, putting back `previous`,
    /// unless someone changed it since.
    pub fn undo_offer_mute(
        &mut self,
        offer: &str,
        written: bool,
        previous: Option<DateTime<Utc>>,
    ) -> Result<super::Undone> {
        let tx = self.conn.transaction()?;
        let now = muted_at(&tx, offer)?;
        if now.is_some() != written {
            return Ok(super::Undone::ChangedSince);
        }
        tx.execute("DELETE FROM offer_mutes WHERE offer = ?1", [offer])?;
        if let Some(at) = previous {
            mute(&tx, offer, at)?;
        }
        tx.commit()?;
        Ok(super::Undone::Yes)
    }
}

/// When `offer` was muted, if it is.
fn muted_at(conn: &rusqlite::Connection, offer: &str) -> Result<Option<i64>> {
    Ok(conn
        .query_row(
            "SELECT muted_at FROM offer_mutes WHERE offer = ?1",
            [offer],
            |r| r.get(0),
        )
        .optional()?)
}

/// Mutes `offer` as of `at`.
fn mute(conn: &rusqlite::Connection, offer: &str, at: DateTime<Utc>) -> Result<()> {
    conn.execute(
        "INSERT INTO offer_mutes (offer, muted_at) VALUES (?1, ?2)",
        rusqlite::params![offer, at.timestamp()],
    )?;
    Ok(())
}

/// The leads of each ISO week of the window, by action, from the counts per local day;
/// `arrivals` are the first and last arrival in the window (seconds).
fn weekly(
    volume: &HashMap<NaiveDate, [u64; LANES]>,
    window: Window,
    today: NaiveDate,
    arrivals: Option<(i64, i64)>,
    zone: Zone,
) -> Vec<WeekVolume> {
    let earliest = arrivals.map(|(first, _)| zone.date_of(from_ts(first)));
    let latest = arrivals.map(|(_, last)| zone.date_of(from_ts(last)));
    let Some((first, last)) = window.weeks(today, earliest, latest) else {
        return Vec::new();
    };
    let mut by_week: BTreeMap<NaiveDate, [u64; LANES]> = analytics::weeks(first, last)
        .map(|monday| (monday, [0; LANES]))
        .collect();
    for (date, counts) in volume {
        if let Some(week) = by_week.get_mut(&analytics::week_start(*date)) {
            for (sum, n) in week.iter_mut().zip(counts) {
                *sum += n;
            }
        }
    }
    by_week
        .into_iter()
        .map(|(monday, counts)| WeekVolume {
            week: analytics::iso_week(monday),
            counts,
        })
        .collect()
}

fn count(counts: &mut BTreeMap<String, u64>, key: &str) {
    match counts.get_mut(key) {
        Some(n) => *n += 1,
        None => {
            counts.insert(key.to_string(), 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Action;
    use chrono::TimeZone;

    /// A customer seen once, with a Contact me lead that is contactable.
    fn seen(customers: &mut Customers, contact_id: i64) {
        let at = Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap();
        customers.of(contact_id).add(
            &PathLead {
                action: Some(&Action::Plt),
                received_at: at,
                status: Status::New,
                contactable: true,
                touched: false,
                in_window: true,
            },
            at,
        );
    }

    fn pipeline(customers: &Customers) -> u64 {
        let mut pipeline = Pipeline::default();
        customers.each(|path| pipeline.count(path));
        pipeline.customers
    }

    /// The delays counted by bucket in the pass are the delays the median and p90 are taken
    /// over, each in its bucket; the health alone is the health the whole pass gives.
    #[test]
    fn first_touch_delays_are_counted_by_bucket_in_the_same_pass() {
        let now = Utc.with_ymd_and_hms(2026, 11, 21, 18, 0, 0).unwrap();
        let mut store = Store::open_in_memory().unwrap();
        // Six customers, each a lead a day apart; a DNC lead and a test lead beside them.
        let mut leads = String::new();
        for (i, name) in ["Ana", "Ben", "Cy", "Di", "Ed", "Flo"].iter().enumerate() {
            leads.push_str(&format!(
                r#"{{"FirstName":"{name}","Email":"{name}@example.org","LeadSource":"AppSource-PLT|contoso.a","receivedAt":"2026-11-1{i}T08:00:00Z"}}"#
            ));
            leads.push('\n');
        }
        leads.push_str(r#"{"FirstName":"Gil","Email":"gil@example.org","LeadSource":"AppSource-DNC|contoso.a","receivedAt":"2026-11-16T08:00:00Z"}"#);
        leads.push('\n');
        leads.push_str(r#"{"FirstName":"MSFT_TEST_1","Email":"MSFT_TEST_1@test.com","LeadSource":"AppSource-INS|contoso.a","receivedAt":"2026-11-17T08:00:00Z"}"#);
        let options = crate::import::ImportOptions::default();
        crate::import::import_bytes(&mut store, "l.ndjson", leads.as_bytes(), now, &options, now)
            .unwrap();
        // Delays: 30 min, 3 h, exactly 24 h (met), 24 h and a minute, 5 days; Flo untouched.
        let hour = chrono::Duration::hours(1);
        for (id, delay) in [
            (1, hour / 2),
            (2, hour * 3),
            (3, hour * 24),
            (4, hour * 24 + chrono::Duration::minutes(1)),
            (5, hour * 120),
        ] {
            let arrived = Utc
                .with_ymd_and_hms(2026, 11, 10 + id as u32 - 1, 8, 0, 0)
                .unwrap();
            store
                .add_touch(
                    id,
                    crate::domain::TouchKind::Email,
                    None,
                    arrived + delay,
                    now,
                )
                .unwrap();
        }
        let rules = Rules::default();
        let query = StatsQuery {
            window: Window::default(),
            zone: Zone::Fixed(chrono::FixedOffset::east_opt(0).unwrap()),
            rules: &rules,
            now,
        };
        let stats = store.stats(&query).unwrap();
        let mut expected = [0u64; analytics::DELAY_BUCKETS];
        for bucket in [0, 2, 5, 6, 8] {
            expected[bucket] += 1;
        }
        assert_eq!(stats.first_touch_buckets, expected);
        assert_eq!(stats.median_first_touch_s, Some(24 * 3600));
        assert_eq!(stats.p90_first_touch_s, Some(120 * 3600));
        assert_eq!(store.offer_health(now).unwrap(), stats.offers);
        let alpha = &stats.offers["contoso.a"];
        assert_eq!(alpha.leads, 7);
        assert_eq!(alpha.median_gap_s, Some(86_400));
    }

    #[test]
    fn customers_beyond_the_largest_id_keep_everyone_counted() {
        let mut customers = Customers::new(3);
        assert!(matches!(customers, Customers::Dense(_)));
        seen(&mut customers, 1);
        seen(&mut customers, 3);
        seen(&mut customers, 3);
        assert_eq!(pipeline(&customers), 2);
        // An id past the largest, and a negative one: a map from then on.
        seen(&mut customers, 7);
        assert!(matches!(customers, Customers::Sparse(_)));
        seen(&mut customers, -2);
        seen(&mut customers, 1);
        assert_eq!(pipeline(&customers), 4);
        assert!(matches!(Customers::new(-1), Customers::Sparse(_)));
        assert!(matches!(Customers::new(1 << 40), Customers::Sparse(_)));
    }
}
