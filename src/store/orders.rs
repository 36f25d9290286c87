//! The tables derived from the leads and contacts, and their one writer.
//!
//! Each lead has an entry in `lead_records` (its record hash: a re-import adds nothing), in
//! `contact_leads` (its contact's leads in arrival order) and in each sort order
//! (`lead_order_*`: each lane in that order), and each contact with an identity one in
//! `contact_keys`. Only this module writes them, always from a lead's keys as
//! `domain::order` defines them, by one of two paths:
//!
//! - **A change to stored leads** (a touch, a status, an erasure, a lead imported into a
//!   store that holds leads) goes through [`follow`]: it reads the keys of the leads it
//!   changes before and after the change (the `leads` view's columns, whose SQL the schema
//!   takes from `domain::order`) and moves each entry whose key changed.
//! - **A bulk import into an empty store** collects its leads' keys in memory ([`Runs`],
//!   computed by the same `domain::order` functions) and writes each table in key order at
//!   the end: every table then grows at its end, several times cheaper than inserting at
//!   random places or than `CREATE INDEX`, which reads every lead back and sorts again
//!   (BENCHMARKS.md has the figures).
//!
//! - **Every due time at once** (the configured SLA hours changed): the urgency order is
//!   written again from the stored leads ([`rewrite_urgency`]).
//!
//! No trigger keeps them: a statement that changes a column a key reads (`received_at`,
//! `sla_due_at`, `first_touch_at`, `closed_at`, `company`, `lane`, `origin_id`,
//! `contact_id`, `record_hash`) or deletes a lead runs inside [`follow`], and
//! `Store::derived_table_differences` (tests) checks every table against its source.

use rusqlite::types::Value;
use rusqlite::types::ValueRef::{self, Integer, Text};
use rusqlite::{params_from_iter, Connection};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::mpsc::sync_channel;

use super::bulk::{HashedKeys, Inserts};
use super::{id_list, Result, StoreError};
use crate::domain::order;

/// The derived tables of the leads, in the order a bulk run writes them.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Table {
    Records,
    ContactLeads,
    Urgency,
    Received,
    Company,
    Offer,
}

impl Table {
    const ALL: [Table; 6] = [
        Table::Records,
        Table::ContactLeads,
        Table::Urgency,
        Table::Received,
        Table::Company,
        Table::Offer,
    ];

    /// The table and its columns, as an `INSERT` names them.
    fn target(self) -> &'static str {
        match self {
            Table::Records => "lead_records (record_hash, lead_id)",
            Table::ContactLeads => "contact_leads (contact_id, received_at, lead_id)",
            Table::Urgency => "lead_order_urgency (lane, sort_key, lead_id)",
            Table::Received => "lead_order_received (lane, sort_key, lead_id)",
            Table::Company => "lead_order_company (lane, sort_key, lead_id)",
            Table::Offer => "lead_order_offer (lane, sort_key, lead_id)",
        }
    }

    /// The table's name and its columns.
    fn columns(self) -> (&'static str, Vec<&'static str>) {
        let (name, columns) = self.target().split_once(' ').expect("a table and columns");
        (name, columns.trim_matches(['(', ')']).split(", ").collect())
    }

    /// The statement that adds one entry, its values bound in column order.
    fn insert_sql(self) -> String {
        let (_, columns) = self.columns();
        let marks = vec!["?"; columns.len()].join(", ");
        format!("INSERT INTO {} VALUES ({marks})", self.target())
    }

    /// The statement that removes one entry, its values bound in column order.
    fn delete_sql(self) -> String {
        let (name, columns) = self.columns();
        let condition: Vec<String> = columns
            .iter()
            .enumerate()
            .map(|(i, column)| format!("{column} = ?{}", i + 1))
            .collect();
        format!("DELETE FROM {name} WHERE {}", condition.join(" AND "))
    }

    /// A stored lead's entry in this table.
    fn entry(self, id: i64, keys: &Keys) -> Vec<Value> {
        let lane = Value::Integer(keys.lane);
        let id = Value::Integer(id);
        match self {
            Table::Records => vec![keys.record_hash.into(), id],
            Table::ContactLeads => vec![keys.contact_id.into(), keys.received_at.into(), id],
            Table::Urgency => vec![lane, keys.urgency.into(), id],
            Table::Received => vec![lane, keys.received.into(), id],
            Table::Company => vec![lane, keys.company.clone().into(), id],
            Table::Offer => vec![lane, keys.offer.clone().into(), id],
        }
    }

    /// A bulk run's lead as three integers that sort in the table's order (the text keys as
    /// their rank).
    fn run_key(self, id: i64, r: &Row, companies: &Ranked<'_>, offers: &Ranked<'_>) -> [i64; 3] {
        let lane = i64::from(r.lane);
        match self {
            Table::Records => [r.record_hash, id, 0],
            Table::ContactLeads => [r.contact_id, r.received_at, id],
            Table::Urgency => [lane, r.urgency, id],
            Table::Received => [lane, order::received(r.received_at), id],
            Table::Company => [lane, companies.rank_of[r.company as usize].into(), id],
            Table::Offer => [lane, offers.rank_of[r.offer as usize].into(), id],
        }
    }
}

/// A stored lead's keys, as the `leads` view gives them.
#[derive(Debug, Clone, PartialEq)]
struct Keys {
    record_hash: i64,
    contact_id: i64,
    received_at: i64,
    lane: i64,
    urgency: i64,
    received: i64,
    company: String,
    offer: String,
}

/// The keys of the stored leads among `ids`.
fn stored_keys(conn: &Connection, ids: &[i64]) -> Result<BTreeMap<i64, Keys>> {
    let list = id_list(ids);
    let mut stmt = conn.prepare_cached(
        "SELECT id, record_hash, contact_id, received_at, lane, urgency, received_sort,
            company_sort, offer_sort
         FROM leads WHERE id IN rarray(?1)",
    )?;
    let mut rows = stmt.query([list])?;
    let mut keys = BTreeMap::new();
    while let Some(row) = rows.next()? {
        keys.insert(
            row.get(0)?,
            Keys {
                record_hash: row.get(1)?,
                contact_id: row.get(2)?,
                received_at: row.get(3)?,
                lane: row.get(4)?,
                urgency: row.get(5)?,
                received: row.get(6)?,
                company: row.get(7)?,
                offer: row.get(8)?,
            },
        );
    }
    Ok(keys)
}

/// Runs `change`, which may edit or delete the leads `ids` (and only those), and moves their
/// entries in the derived tables to match.
pub(super) fn follow<T>(
    conn: &Connection,
    ids: &[i64],
    change: impl FnOnce() -> Result<T>,
) -> Result<T> {
    let before = stored_keys(conn, ids)?;
    let result = change()?;
    let after = stored_keys(conn, ids)?;
    move_entries(conn, &before, &after)?;
    Ok(result)
}

/// Writes the entries of leads just inserted (outside a bulk import).
pub(super) fn added(conn: &Connection, ids: &[i64]) -> Result<()> {
    move_entries(conn, &BTreeMap::new(), &stored_keys(conn, ids)?)
}

/// Deletes the entries whose key changed from `before` and inserts those of `after`.
fn move_entries(
    conn: &Connection,
    before: &BTreeMap<i64, Keys>,
    after: &BTreeMap<i64, Keys>,
) -> Result<()> {
    let ids: std::collections::BTreeSet<i64> = before.keys().chain(after.keys()).copied().collect();
    for table in Table::ALL {
        let (delete, insert) = (table.delete_sql(), table.insert_sql());
        for &id in &ids {
            let old = before.get(&id).map(|k| table.entry(id, k));
            let new = after.get(&id).map(|k| table.entry(id, k));
            if old == new {
                continue;
            }
            if let Some(old) = old {
                conn.prepare_cached(&delete)?
                    .execute(params_from_iter(old))?;
            }
            if let Some(new) = new {
                conn.prepare_cached(&insert)?
                    .execute(params_from_iter(new))?;
            }
        }
    }
    Ok(())
}

/// Writes the urgency order again from the stored leads, in key order: after every due time
/// changed at once (the configured SLA hours), moving each entry would cost more.
pub(super) fn rewrite_urgency(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "DELETE FROM lead_order_urgency;
         INSERT INTO lead_order_urgency (lane, sort_key, lead_id)
             SELECT lane, urgency, id FROM lead_rows ORDER BY lane, urgency, id;",
    )?;
    Ok(())
}

/// Records a new contact's identity hash.
pub(super) fn add_contact(conn: &Connection, identity_hash: i64, contact_id: i64) -> Result<()> {
    conn.prepare_cached("INSERT INTO contact_keys (identity_hash, contact_id) VALUES (?1, ?2)")?
        .execute([identity_hash, contact_id])?;
    Ok(())
}

/// Deletes the contacts `ids` that have no lead left, with their identity hashes; returns
/// how many.
pub(super) fn remove_contacts_without_leads(conn: &Connection, ids: &[i64]) -> Result<u64> {
    let list = id_list(ids);
    const LEFT: &str = "id IN rarray(?1)
        AND NOT EXISTS (SELECT 1 FROM contact_leads l WHERE l.contact_id = contacts.id)";
    conn.execute(
        &format!(
            "DELETE FROM contact_keys WHERE (identity_hash, contact_id) IN (
                SELECT identity_hash, id FROM contacts WHERE {LEFT})"
        ),
        [&list],
    )?;
    Ok(conn.execute(&format!("DELETE FROM contacts WHERE {LEFT}"), [&list])? as u64)
}

/// A run's keys are written once they take about this much memory, so that a file of any
/// size, with any number of distinct companies, imports in bounded memory: a million leads
/// of a few thousand companies fit in one run. Writing needs about half as much again for
/// the sorted keys of two tables.
/// (Tiny in unit tests, so that a small import is written in several runs.)
const RUN_BYTES: usize = if cfg!(test) { 64 << 10 } else { 96 << 20 };

/// What one entry of a hash set or map costs beyond its key and value, about.
const ENTRY_OVERHEAD: usize = 8;

/// What a bulk import remembers of one lead (its id: the run's first id and its place).
struct Row {
    contact_id: i64,
    record_hash: i64,
    received_at: i64,
    urgency: i64,
    company: u32,
    offer: u32,
    lane: u8,
}

/// Distinct strings by number: a million leads name far fewer companies and offers.
#[derive(Default)]
struct Interner {
    numbers: foldhash::HashMap<String, u32>,
    /// About how much memory the strings and their entries take.
    bytes: usize,
}

impl Interner {
    fn number(&mut self, key: &str) -> u32 {
        if let Some(&number) = self.numbers.get(key) {
            return number;
        }
        let number = self.numbers.len() as u32;
        self.bytes += key.len() + size_of::<String>() + 4 + ENTRY_OVERHEAD;
        self.numbers.insert(key.to_string(), number);
        number
    }

    /// The number of a text's sort key ([`order::text`]), made in `scratch`: a run looks
    /// up a million companies and offers, and allocates only the new ones.
    fn number_of_text(&mut self, text: Option<&str>, scratch: &mut String) -> u32 {
        order::write_text(text, scratch);
        self.number(scratch)
    }
}

/// An interner's strings in byte order (SQLite's BINARY collation).
struct Ranked<'a> {
    /// Rank of each string, by its number.
    rank_of: Vec<u32>,
    /// The strings, by rank.
    by_rank: Vec<&'a str>,
}

impl<'a> Ranked<'a> {
    fn of(interner: &'a Interner) -> Ranked<'a> {
        let mut by_number = vec![""; interner.numbers.len()];
        for (s, &n) in &interner.numbers {
            by_number[n as usize] = s;
        }
        let mut by_rank = by_number.clone();
        by_rank.sort_unstable();
        let mut rank_of = vec![0u32; by_number.len()];
        for (n, s) in by_number.iter().enumerate() {
            rank_of[n] = by_rank.binary_search(s).expect("every string has a rank") as u32;
        }
        Ranked { rank_of, by_rank }
    }
}

/// A bulk import's keys not written yet, and what it needs to find duplicates.
#[derive(Default)]
pub(super) struct Runs {
    rows: Vec<Row>,
    /// The id of the run's first lead: a bulk import gives ids in order, one per lead.
    first_id: i64,
    companies: Interner,
    offers: Interner,
    /// Record hashes of this run.
    seen: HashSet<i64, HashedKeys>,
    /// Contacts created in this run, by identity hash.
    contacts: HashMap<i64, i64, HashedKeys>,
    /// Where text keys are made before they are looked up.
    scratch: String,
    /// Whether an earlier run was written: lookups must then ask the tables too.
    pub written: bool,
}

/// One lead's keys, as the `leads` row stores them.
pub(super) struct LeadKeys<'a> {
    pub id: i64,
    pub contact_id: i64,
    pub record_hash: i64,
    pub received_at: i64,
    pub sla_due_at: Option<i64>,
    /// `lane::of` its action and whether it is a test lead.
    pub lane: u8,
    pub company: Option<&'a str>,
    pub offer: Option<&'a str>,
}

impl Runs {
    /// About how much memory the run's keys and lookups take.
    fn bytes(&self) -> usize {
        self.rows.len() * size_of::<Row>()
            + self.seen.len() * (size_of::<i64>() + ENTRY_OVERHEAD)
            + self.contacts.len() * (2 * size_of::<i64>() + ENTRY_OVERHEAD)
            + self.companies.bytes
            + self.offers.bytes
    }

    /// Marks a record hash as seen; false if this run saw it already.
    pub fn first_sight(&mut self, record_hash: i64) -> bool {
        self.seen.insert(record_hash)
    }

    pub fn contact(&self, identity_hash: i64) -> Option<i64> {
        self.contacts.get(&identity_hash).copied()
    }

    pub fn add_contact(&mut self, identity_hash: i64, id: i64) {
        self.contacts.insert(identity_hash, id);
    }

    /// Remembers a new lead's keys; writes the run once it is full.
    pub fn add_lead(&mut self, inserts: &mut Inserts<'_>, lead: LeadKeys<'_>) -> Result<()> {
        if self.rows.capacity() == 0 {
            // Room for the most leads a run can hold, taken once: growing by doubling
            // would hold the old and the new array at once (tens of MB at a million
            // leads), and pages the run never reaches are never touched.
            let leads = RUN_BYTES / (size_of::<Row>() + size_of::<i64>() + ENTRY_OVERHEAD);
            self.rows.reserve_exact(leads);
            // The same for the record hashes, one per lead: each doubling would leave the
            // old table to the allocator.
            self.seen.reserve(leads);
        }
        let mut scratch = std::mem::take(&mut self.scratch);
        let company = self.companies.number_of_text(lead.company, &mut scratch);
        let offer = self.offers.number_of_text(lead.offer, &mut scratch);
        self.scratch = scratch;
        if self.rows.is_empty() {
            self.first_id = lead.id;
        }
        debug_assert_eq!(lead.id, self.first_id + self.rows.len() as i64);
        self.rows.push(Row {
            contact_id: lead.contact_id,
            record_hash: lead.record_hash,
            received_at: lead.received_at,
            // A lead of a bulk import is new: never touched, never closed.
            urgency: order::urgency(lead.received_at, lead.sla_due_at, None, None),
            company,
            offer,
            lane: lead.lane,
        });
        if self.bytes() >= RUN_BYTES {
            self.write(inserts)?;
        }
        Ok(())
    }

    /// Writes the run's keys, each table in its key order, and starts a new run.
    pub fn write(&mut self, inserts: &mut Inserts<'_>) -> Result<()> {
        // From here on, lookups ask the tables.
        self.seen = HashSet::default();
        self.written = true;
        let rows = std::mem::take(&mut self.rows);
        let first_id = self.first_id;
        let mut contacts: Vec<(i64, i64)> =
            std::mem::take(&mut self.contacts).into_iter().collect();
        let companies = Ranked::of(&self.companies);
        let offers = Ranked::of(&self.offers);
        let rows = rows.as_slice();
        std::thread::scope(|scope| {
            // Each table's keys are sorted on a thread of their own while this one writes
            // the table before (one table ahead at most: the keys of two tables in memory).
            // The two arrays go back and forth: taken anew for each table, the allocator
            // would keep each freed one for a while (up to 65 MB more at a million leads).
            let (to_writer, sorted) = sync_channel::<(Table, Vec<[i64; 3]>)>(0);
            let (give_back, returned) = sync_channel::<Vec<[i64; 3]>>(2);
            let (companies, offers) = (&companies, &offers);
            scope.spawn(move || {
                for (n, table) in Table::ALL.into_iter().enumerate() {
                    let mut keys = match n {
                        0 | 1 => Vec::with_capacity(rows.len()),
                        _ => match returned.recv() {
                            Ok(keys) => keys,
                            Err(_) => return, // The writer failed and hung up.
                        },
                    };
                    keys.clear();
                    keys.extend(
                        rows.iter()
                            .zip(first_id..)
                            .map(|(r, id)| table.run_key(id, r, companies, offers)),
                    );
                    keys.sort_unstable();
                    if to_writer.send((table, keys)).is_err() {
                        return;
                    }
                }
            });
            contacts.sort_unstable();
            inserts.rows("contact_keys (identity_hash, contact_id)", &contacts, |c| {
                [Integer(c.0), Integer(c.1)]
            })?;
            drop(contacts);
            for (table, keys) in sorted {
                write_sorted(inserts, table, &keys, companies, offers)?;
                // The sorter may have finished: then nobody takes it back.
                let _ = give_back.send(keys);
            }
            Ok::<_, StoreError>(())
        })?;
        self.companies = Interner::default();
        self.offers = Interner::default();
        Ok(())
    }
}

/// Writes a table's sorted keys from a run (the text keys' ranks back to their text).
fn write_sorted(
    inserts: &mut Inserts<'_>,
    table: Table,
    keys: &[[i64; 3]],
    companies: &Ranked<'_>,
    offers: &Ranked<'_>,
) -> Result<()> {
    let target = table.target();
    match table {
        Table::Records => inserts.rows(target, keys, |k| [Integer(k[0]), Integer(k[1])]),
        Table::Company => inserts.rows(target, keys, |k| named(companies, k)),
        Table::Offer => inserts.rows(target, keys, |k| named(offers, k)),
        _ => inserts.rows(target, keys, |k| k.map(Integer)),
    }
}

/// A text order's row: its rank back to its text.
fn named<'a>(names: &Ranked<'a>, k: &[i64; 3]) -> [ValueRef<'a>; 3] {
    let name = names.by_rank[k[1] as usize];
    [Integer(k[0]), Text(name.as_bytes()), Integer(k[2])]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bulk_run_files_text_keys_without_allocating_them() {
        let mut interner = Interner::default();
        let mut scratch = String::new();
        for text in [Some("Ärzte ABC"), None, Some("ärzte abc")] {
            interner.number_of_text(text, &mut scratch);
        }
        // ASCII folded only; a missing value is the last code point.
        let mut expected = vec![
            "Ärzte abc".to_string(),
            "\u{10FFFF}".to_string(),
            "ärzte abc".to_string(),
        ];
        expected.sort();
        assert_eq!(Ranked::of(&interner).by_rank, expected);
    }

    /// Distinct long company names fill a run's memory sooner than its rows alone would.
    #[test]
    fn a_run_is_written_when_its_keys_fill_the_budget() {
        let store = crate::store::Store::open_in_memory().unwrap();
        let conn = &store.conn;
        let mut keys = Runs::default();
        let mut inserts = Inserts::new(conn);
        let mut n = 0;
        while !keys.written {
            n += 1;
            let company = format!("company {n} {}", "x".repeat(200));
            assert!(keys.first_sight(n));
            let lead = LeadKeys {
                id: n,
                contact_id: n,
                record_hash: n,
                received_at: n,
                sla_due_at: None,
                lane: 1,
                company: Some(&company),
                offer: None,
            };
            keys.add_lead(&mut inserts, lead).unwrap();
        }
        // 64 KiB under test: about 290 bytes a lead here, against about 90 without names.
        assert!(
            (150..400).contains(&n),
            "the run was written after {n} leads"
        );
        let stored: i64 = conn
            .query_row("SELECT count(*) FROM lead_order_company", [], |r| r.get(0))
            .unwrap();
        assert_eq!(stored, n);
    }

    #[test]
    fn ranks_follow_byte_order() {
        let mut interner = Interner::default();
        for s in ["b", "a", "ä", "B", "a"] {
            interner.number(s);
        }
        let ranked = Ranked::of(&interner);
        assert_eq!(ranked.by_rank, ["B", "a", "b", "ä"]);
        // "b" was numbered first, "a" second.
        assert_eq!((ranked.rank_of[0], ranked.rank_of[1]), (2, 1));
    }

    #[test]
    fn each_table_adds_and_deletes_by_its_whole_key() {
        assert_eq!(
            Table::Records.insert_sql(),
            "INSERT INTO lead_records (record_hash, lead_id) VALUES (?, ?)"
        );
        assert_eq!(
            Table::Records.delete_sql(),
            "DELETE FROM lead_records WHERE record_hash = ?1 AND lead_id = ?2"
        );
        assert_eq!(
            Table::Offer.delete_sql(),
            "DELETE FROM lead_order_offer WHERE lane = ?1 AND sort_key = ?2 AND lead_id = ?3"
        );
    }
}
