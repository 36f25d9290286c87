//! A bulk import's keys, written in key order.
//!
//! An import into a store that holds leads writes each new lead's rows of the lookup and
//! sort-order tables at once ([`insert_derived`]). Into an empty store it collects them
//! here instead: each lead's record hash, contact and sort keys, and each new contact's
//! identity hash. Sorted in memory and written in key order, every table grows at its end,
//! several times cheaper than inserting at random places, or than `CREATE INDEX`, which
//! reads every lead back and sorts again.
//!
//! The keys computed here must equal the columns of the `leads` view, which remain their
//! definition (the stored lane is checked against its rule there too); the store's tests
//! compare the two after every kind of import.

use rusqlite::types::ToSqlOutput;
use rusqlite::types::ValueRef::{self, Integer, Text};
use rusqlite::Connection;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;
use std::sync::mpsc::sync_channel;

#[cfg(feature = "static-bind")]
use super::static_insert::StaticInsert;
use super::{LeadRow, Result, StoreError, LEAD_ROWS};
use crate::domain::order;

/// A run's keys are written once they take about this much memory, so that a file of any
/// size, with any number of distinct companies, imports in bounded memory: a million leads
/// of a few thousand companies fit in one run. Writing needs about half as much again for
/// the sorted keys of two tables.
/// (Tiny in unit tests, so that a small import is written in several runs.)
const RUN_BYTES: usize = if cfg!(test) { 64 << 10 } else { 96 << 20 };

/// What one entry of a hash set or map costs beyond its key and value, about.
const ENTRY_OVERHEAD: usize = 8;

/// What a bulk import remembers of one lead.
struct Row {
    id: i64,
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

/// Writes one new lead's rows of the lookup and sort-order tables (outside bulk mode, where
/// there is no run to sort).
pub(super) fn insert_derived(conn: &Connection, lead: &LeadKeys<'_>) -> Result<()> {
    let lane = i64::from(lead.lane);
    // An imported lead is new: never closed.
    let urgency = order::urgency(lead.received_at, lead.sla_due_at, lead.first_touch_at, None);
    conn.prepare_cached("INSERT INTO lead_records (record_hash, lead_id) VALUES (?1, ?2)")?
        .execute([lead.record_hash, lead.id])?;
    insert_rows(conn, CONTACT_LEADS, &[()], |_| {
        [
            Integer(lead.contact_id),
            Integer(lead.received_at),
            Integer(lead.id),
        ]
    })?;
    for (target, key) in [
        (ORDER_URGENCY, Integer(urgency)),
        (ORDER_RECEIVED, Integer(-lead.received_at)),
    ] {
        insert_rows(conn, target, &[()], |_| {
            [Integer(lane), key, Integer(lead.id)]
        })?;
    }
    let company = order::text(lead.company);
    let offer = order::text(lead.offer);
    for (target, key) in [(ORDER_COMPANY, &company), (ORDER_OFFER, &offer)] {
        insert_rows(conn, target, &[()], |_| {
            [Integer(lane), Text(key.as_bytes()), Integer(lead.id)]
        })?;
    }
    Ok(())
}

/// What a bulk import holds besides its transaction.
pub(super) struct Bulk<'c> {
    pub keys: BulkKeys,
    /// Leads and contacts waiting for a full `INSERT`, with the ids given to them.
    pub leads: Vec<LeadRow>,
    pub contacts: Vec<(i64, Option<String>, Option<i64>)>,
    pub next_lead_id: i64,
    pub next_contact_id: i64,
    pub inserts: Inserts<'c>,
}

impl Bulk<'_> {
    /// Inserts the leads and contacts waiting (contacts first: leads refer to them).
    pub fn insert_pending(&mut self) -> Result<()> {
        let inserts = &mut self.inserts;
        inserts.rows(CONTACTS, &self.contacts, |(id, identity, hash)| {
            [
                Integer(*id),
                identity
                    .as_deref()
                    .map_or(ValueRef::Null, |i| Text(i.as_bytes())),
                hash.map_or(ValueRef::Null, Integer),
            ]
        })?;
        self.contacts.clear();
        inserts.rows(LEAD_ROWS, &self.leads, LeadRow::values)?;
        self.leads.clear();
        Ok(())
    }
}

const CONTACTS: &str = "contacts (id, identity, identity_hash)";

/// The keys of a bulk import not written yet, and what it needs to find duplicates.
#[derive(Default)]
pub(super) struct BulkKeys {
    rows: Vec<Row>,
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
    pub first_touch_at: Option<i64>,
    /// [`lane`] of its action and whether it is a test lead.
    pub lane: u8,
    pub company: Option<&'a str>,
    pub offer: Option<&'a str>,
}

impl BulkKeys {
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

    /// Remembers a stored lead's keys; writes the run once it is full.
    pub fn add_lead(&mut self, inserts: &mut Inserts<'_>, lead: LeadKeys<'_>) -> Result<()> {
        if self.rows.capacity() == 0 {
            // Room for the most leads a run can hold, taken once: growing by doubling
            // would hold the old and the new array at once (tens of MB at a million
            // leads), and pages the run never reaches are never touched.
            let leads = RUN_BYTES / (size_of::<Row>() + size_of::<i64>() + ENTRY_OVERHEAD);
            self.rows.reserve_exact(leads);
        }
        let mut scratch = std::mem::take(&mut self.scratch);
        let company = self.companies.number_of_text(lead.company, &mut scratch);
        let offer = self.offers.number_of_text(lead.offer, &mut scratch);
        self.scratch = scratch;
        self.rows.push(Row {
            id: lead.id,
            contact_id: lead.contact_id,
            record_hash: lead.record_hash,
            received_at: lead.received_at,
            // An imported lead is new: never closed.
            urgency: order::urgency(lead.received_at, lead.sla_due_at, lead.first_touch_at, None),
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
        let mut contacts: Vec<(i64, i64)> =
            std::mem::take(&mut self.contacts).into_iter().collect();
        let companies = Ranked::of(&self.companies);
        let offers = Ranked::of(&self.offers);
        let rows = rows.as_slice();
        std::thread::scope(|scope| {
            // Each table's keys are sorted on a thread of their own while this one writes
            // the table before (one table ahead at most: the keys of two tables in memory).
            let (to_writer, sorted) = sync_channel::<(Table, Vec<[i64; 3]>)>(0);
            let (companies, offers) = (&companies, &offers);
            scope.spawn(move || {
                for table in Table::ALL {
                    let mut keys: Vec<[i64; 3]> = rows
                        .iter()
                        .map(|r| table.key(r, companies, offers))
                        .collect();
                    keys.sort_unstable();
                    if to_writer.send((table, keys)).is_err() {
                        return; // The writer failed and hung up.
                    }
                }
            });
            contacts.sort_unstable();
            inserts.rows(CONTACT_KEYS, &contacts, |c| [Integer(c.0), Integer(c.1)])?;
            drop(contacts);
            for (table, keys) in sorted {
                match table {
                    Table::Records => {
                        inserts.rows(LEAD_RECORDS, &keys, |k| [Integer(k[0]), Integer(k[1])])
                    }
                    Table::ContactLeads => inserts.rows(CONTACT_LEADS, &keys, |k| k.map(Integer)),
                    Table::Urgency => inserts.rows(ORDER_URGENCY, &keys, |k| k.map(Integer)),
                    Table::Received => inserts.rows(ORDER_RECEIVED, &keys, |k| k.map(Integer)),
                    Table::Company => inserts.rows(ORDER_COMPANY, &keys, |k| named(companies, k)),
                    Table::Offer => inserts.rows(ORDER_OFFER, &keys, |k| named(offers, k)),
                }?;
            }
            Ok::<_, StoreError>(())
        })?;
        self.companies = Interner::default();
        self.offers = Interner::default();
        Ok(())
    }
}

/// The tables a run writes from its leads' keys, in the order they are written.
#[derive(Clone, Copy)]
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

    /// A lead's row in this table as three integers that sort in the table's order (the
    /// text keys as their rank).
    fn key(self, r: &Row, companies: &Ranked<'_>, offers: &Ranked<'_>) -> [i64; 3] {
        let lane = i64::from(r.lane);
        match self {
            Table::Records => [r.record_hash, r.id, 0],
            Table::ContactLeads => [r.contact_id, r.received_at, r.id],
            Table::Urgency => [lane, r.urgency, r.id],
            Table::Received => [lane, -r.received_at, r.id],
            Table::Company => [lane, companies.rank_of[r.company as usize].into(), r.id],
            Table::Offer => [lane, offers.rank_of[r.offer as usize].into(), r.id],
        }
    }
}

/// A text order's row: its rank back to its text.
fn named<'a>(names: &Ranked<'a>, k: &[i64; 3]) -> [ValueRef<'a>; 3] {
    let name = names.by_rank[k[1] as usize];
    [Integer(k[0]), Text(name.as_bytes()), Integer(k[2])]
}

const LEAD_RECORDS: &str = "lead_records (record_hash, lead_id)";
const CONTACT_KEYS: &str = "contact_keys (identity_hash, contact_id)";
const CONTACT_LEADS: &str = "contact_leads (contact_id, received_at, lead_id)";
const ORDER_URGENCY: &str = "lead_order_urgency (lane, sort_key, lead_id)";
const ORDER_RECEIVED: &str = "lead_order_received (lane, sort_key, lead_id)";
const ORDER_COMPANY: &str = "lead_order_company (lane, sort_key, lead_id)";
const ORDER_OFFER: &str = "lead_order_offer (lane, sort_key, lead_id)";

/// The `INSERT` of `rows` rows of `columns` values into `target`, built once per shape: an
/// import outside bulk mode runs the same one-row shapes for every lead.
fn insert_sql(target: &'static str, columns: usize, rows: usize) -> Rc<str> {
    /// (target, columns, rows) and the statement.
    type Built = Vec<(&'static str, usize, usize, Rc<str>)>;
    thread_local! {
        static BUILT: RefCell<Built> = const { RefCell::new(Vec::new()) };
    }
    BUILT.with(|built| {
        let mut built = built.borrow_mut();
        if let Some((.., sql)) = built
            .iter()
            .find(|(t, c, r, _)| (*t, *c, *r) == (target, columns, rows))
        {
            return sql.clone();
        }
        let row = format!("({})", vec!["?"; columns].join(", "));
        let sql: Rc<str> = format!(
            "INSERT INTO {target} VALUES {}",
            vec![row.as_str(); rows].join(", ")
        )
        .into();
        built.push((target, columns, rows, sql.clone()));
        sql
    })
}

/// Keys that are 64 bits of a SHA-256 already: hashing them again would add nothing.
#[derive(Default)]
pub(super) struct AlreadyHashed(u64);

impl Hasher for AlreadyHashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Not reached for the i64 keys this is meant for; still a proper hash for others.
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
    }

    fn write_i64(&mut self, key: i64) {
        self.0 = key as u64;
    }
}

pub(super) type HashedKeys = BuildHasherDefault<AlreadyHashed>;

/// Rows per `INSERT`: a statement per row would cost more than the row itself.
pub(super) const ROWS_PER_INSERT: usize = 64;

/// A bulk import's `INSERT` statements, prepared once per shape, that bind its strings
/// without copying them (see `static_insert`).
pub(super) struct Inserts<'c> {
    conn: &'c Connection,
    /// (target, columns, rows) and the statement.
    #[cfg(feature = "static-bind")]
    prepared: Vec<(&'static str, usize, usize, StaticInsert<'c>)>,
}

impl<'c> Inserts<'c> {
    pub fn new(conn: &'c Connection) -> Inserts<'c> {
        Inserts {
            conn,
            #[cfg(feature = "static-bind")]
            prepared: Vec::new(),
        }
    }

    /// Inserts `items` into `target` (a table and its columns), in the order given, each
    /// item's values from `values`.
    #[cfg(not(feature = "static-bind"))]
    pub fn rows<'s, T, const N: usize>(
        &mut self,
        target: &'static str,
        items: &'s [T],
        values: impl Fn(&'s T) -> [ValueRef<'s>; N],
    ) -> Result<()> {
        insert_rows(self.conn, target, items, values)
    }

    /// Inserts `items` into `target` (a table and its columns), in the order given, each
    /// item's values from `values`, bound where they are (feature `static-bind`).
    #[cfg(feature = "static-bind")]
    pub fn rows<'s, T, const N: usize>(
        &mut self,
        target: &'static str,
        items: &'s [T],
        values: impl Fn(&'s T) -> [ValueRef<'s>; N],
    ) -> Result<()> {
        for chunk in items.chunks(ROWS_PER_INSERT) {
            self.statement(target, N, chunk.len())?
                .execute(chunk.iter().flat_map(&values))?;
        }
        Ok(())
    }

    #[cfg(feature = "static-bind")]
    fn statement(
        &mut self,
        target: &'static str,
        columns: usize,
        rows: usize,
    ) -> Result<&mut StaticInsert<'c>> {
        let found = self
            .prepared
            .iter()
            .position(|(t, c, r, _)| (*t, *c, *r) == (target, columns, rows));
        let at = match found {
            Some(at) => at,
            None => {
                let sql = insert_sql(target, columns, rows);
                let insert = StaticInsert::prepare(self.conn, &sql)?;
                self.prepared.push((target, columns, rows, insert));
                self.prepared.len() - 1
            }
        };
        Ok(&mut self.prepared[at].3)
    }
}

/// Inserts `items` into `target` (a table and its columns), in the order given, each item's
/// values from `values` (one lead at a time, outside a bulk import).
pub(super) fn insert_rows<'s, T, const N: usize>(
    tx: &Connection,
    target: &'static str,
    items: &'s [T],
    values: impl Fn(&'s T) -> [ValueRef<'s>; N],
) -> Result<()> {
    for chunk in items.chunks(ROWS_PER_INSERT) {
        let sql = insert_sql(target, N, chunk.len());
        let mut insert = tx.prepare_cached(&sql)?;
        for (i, item) in chunk.iter().enumerate() {
            for (j, value) in values(item).into_iter().enumerate() {
                insert.raw_bind_parameter(i * N + j + 1, ToSqlOutput::Borrowed(value))?;
            }
        }
        insert.raw_execute()?;
    }
    Ok(())
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
        let mut keys = BulkKeys::default();
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
                first_touch_at: None,
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
    fn insert_statements_are_built_once_per_shape() {
        let sql = insert_sql("t (a, b)", 2, 3);
        assert_eq!(&*sql, "INSERT INTO t (a, b) VALUES (?, ?), (?, ?), (?, ?)");
        assert!(Rc::ptr_eq(&sql, &insert_sql("t (a, b)", 2, 3)));
        assert_eq!(
            &*insert_sql("t (a, b)", 2, 1),
            "INSERT INTO t (a, b) VALUES (?, ?)"
        );
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
}
