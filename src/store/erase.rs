//! Removing leads: a few by id, every trace of one customer (the right to erasure), and every
//! lead received before a date (a retention policy).
//!
//! Each removal is one `IMMEDIATE` transaction. A lead's row is deleted inside
//! `orders::follow`, which takes it out of the sort orders, the record keys and the
//! contact's lead list; its touches go with it; a contact left without a lead goes too, with
//! its key; the remaining leads
//! of the contact get their first touch again; and the lead leaves the search lists of the
//! words it was filed under, re-derived from its fields with the index's own word rule.
//!
//! Erasure (forget, purge) also runs with `secure_delete` on, so that SQLite overwrites what
//! it frees, and then compacts the store (`VACUUM`) and empties the WAL, so that no copy of
//! the removed rows is left in free pages, in old B-tree keys or in old WAL frames.

use chrono::{DateTime, Utc};
use rusqlite::types::ValueRef;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use std::collections::BTreeSet;
use std::time::Duration;

use super::orders;
use super::query::SEARCH_COLUMNS;
use super::{
    id_list, lead_from_row, open, refresh_first_touches, search, Result, Store, StoreError,
    LEAD_COLUMNS,
};
use crate::domain::{email_identity, fold_email, identity_hash, Lead, TouchKind};

/// What a removal took out of the store.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Deleted {
    pub leads: u64,
    /// The customers (contacts) those leads belonged to.
    pub customers: u64,
    /// Of those, the contacts left without a lead, removed with their leads.
    pub contacts_removed: u64,
    /// Entries of the touch log removed, notes included.
    pub touches: u64,
    /// Of those, internal notes.
    pub notes: u64,
    /// Words that no remaining lead has, gone from the search index.
    pub words_removed: u64,
}

/// Whether the space the erased rows took was reclaimed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reclaimed {
    /// The store was compacted and its WAL emptied: no copy is left in the files.
    Done,
    /// The store was compacted, but other connections were reading it, so the WAL could not
    /// be emptied: it may hold older copies of pages until they let go (SQLite empties it
    /// when the last connection closes, or at the next erasure).
    WalInUse,
}

/// What `forget` removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Forgotten {
    pub deleted: Deleted,
    /// Entries of the import history whose file path held the email (now `(erased)`).
    pub imports_scrubbed: u64,
    pub reclaimed: Reclaimed,
}

/// What `purge` removed; nothing is reclaimed when nothing was removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Purged {
    pub deleted: Deleted,
    pub reclaimed: Option<Reclaimed>,
}

/// What the import history shows in place of a path that held an erased email.
pub const ERASED_PATH: &str = "(erased)";

/// How long a compaction waits for other connections' readers before it leaves the WAL for
/// later.
const READERS_WAIT: Duration = Duration::from_secs(3);

impl Store {
    /// Deletes the leads `ids` with their touches, in one transaction. An id that names no
    /// lead fails the whole call with [`StoreError::NoSuchLeads`], naming every such id, and
    /// nothing is deleted.
    pub fn delete_leads(&mut self, ids: &[i64]) -> Result<Deleted> {
        self.search_cache.borrow_mut().clear();
        let mut wanted = ids.to_vec();
        wanted.sort_unstable();
        wanted.dedup();
        let tx = self.conn.transaction()?;
        let found: BTreeSet<i64> = ids_of(
            &tx,
            "SELECT id FROM lead_rows WHERE id IN rarray(?1)",
            [&id_list(&wanted)],
        )?
        .into_iter()
        .collect();
        let missing: Vec<i64> = wanted
            .iter()
            .copied()
            .filter(|id| !found.contains(id))
            .collect();
        if !missing.is_empty() {
            return Err(StoreError::NoSuchLeads(missing));
        }
        let deleted = remove_leads(&tx, &wanted)?;
        tx.commit()?;
        Ok(deleted)
    }

    /// The leads [`Store::forget_customer`] would remove, oldest first.
    pub fn customer_leads(&self, email: &str) -> Result<Vec<Lead>> {
        let ids = customer_lead_ids(&self.conn, email)?;
        leads_by_id(&self.conn, &ids)
    }

    /// Erases a customer: every lead of the contact whose identity is `email` (any case), and
    /// every other lead with that email, with their touches and notes; the contact itself;
    /// their search words; and `email` in the paths of the import history. Then compacts the
    /// store so that no copy is left in its files. [`StoreError::NoSuchCustomer`] when no
    /// lead has the email (nothing is changed).
    pub fn forget_customer(&mut self, email: &str) -> Result<Forgotten> {
        let (deleted, imports_scrubbed) = self.erasing(|tx| {
            let ids = customer_lead_ids(tx, email)?;
            if ids.is_empty() {
                return Err(StoreError::NoSuchCustomer(email.trim().to_string()));
            }
            let deleted = remove_leads(tx, &ids)?;
            Ok((deleted, scrub_import_paths(tx, email)?))
        })?;
        Ok(Forgotten {
            deleted,
            imports_scrubbed,
            reclaimed: self.reclaim()?,
        })
    }

    /// How many leads were received before `before`, and of how many customers.
    pub fn received_before(&self, before: DateTime<Utc>) -> Result<(u64, u64)> {
        Ok(self.conn.query_row(
            "SELECT count(*), count(DISTINCT contact_id) FROM lead_rows WHERE received_at < ?1",
            [before.timestamp()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?)
    }

    /// Erases every lead received before `before` as [`Store::forget_customer`] erases a
    /// customer's (a retention policy), then compacts the store if anything was removed.
    pub fn purge_before(&mut self, before: DateTime<Utc>) -> Result<Purged> {
        let deleted = self.erasing(|tx| {
            let ids = ids_of(
                tx,
                "SELECT id FROM lead_rows WHERE received_at < ?1 ORDER BY id",
                [before.timestamp()],
            )?;
            remove_leads(tx, &ids)
        })?;
        let reclaimed = if deleted.leads > 0 {
            Some(self.reclaim()?)
        } else {
            None
        };
        Ok(Purged { deleted, reclaimed })
    }

    /// Runs `erase` in one transaction with `secure_delete` on: SQLite overwrites with zeros
    /// every cell and page the transaction frees, instead of leaving them as they were.
    fn erasing<T>(&mut self, erase: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        self.search_cache.borrow_mut().clear();
        let before: i64 = self
            .conn
            .pragma_query_value(None, "secure_delete", |r| r.get(0))?;
        self.conn.pragma_update(None, "secure_delete", true)?;
        let result = (|| {
            let tx = self.conn.transaction()?;
            let value = erase(&tx)?;
            tx.commit()?;
            Ok(value)
        })();
        self.conn.pragma_update(None, "secure_delete", before)?;
        result
    }

    /// Compacts the store (`VACUUM`: every page written afresh, no free page, no stale key
    /// in the B-trees) and empties the WAL. VACUUM writes through the WAL like any
    /// transaction; `wal_checkpoint(TRUNCATE)` then copies it into the store and cuts it to
    /// nothing. Readers of other connections may hold older frames: they are waited for a
    /// moment, then left to it ([`Reclaimed::WalInUse`]).
    fn reclaim(&mut self) -> Result<Reclaimed> {
        self.conn.execute_batch("VACUUM")?;
        if self.is_in_memory() {
            return Ok(Reclaimed::Done);
        }
        self.conn.busy_timeout(READERS_WAIT)?;
        let checkpoint = self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
                r.get::<_, i64>(0)
            })
            .optional();
        self.conn.busy_handler(Some(open::wait_for_other_writer))?;
        match checkpoint {
            Ok(Some(0)) => Ok(Reclaimed::Done),
            Ok(_) => Ok(Reclaimed::WalInUse),
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DatabaseBusy =>
            {
                Ok(Reclaimed::WalInUse)
            }
            Err(e) => Err(e.into()),
        }
    }
}

/// The ids a one-column query gives.
fn ids_of(tx: &Connection, sql: &str, params: impl rusqlite::Params) -> Result<Vec<i64>> {
    let mut stmt = tx.prepare(sql)?;
    let ids = stmt
        .query_map(params, |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ids)
}

fn leads_by_id(conn: &Connection, ids: &[i64]) -> Result<Vec<Lead>> {
    let sql =
        format!("SELECT {LEAD_COLUMNS} FROM leads WHERE id IN rarray(?1) ORDER BY received_at, id");
    let mut stmt = conn.prepare(&sql)?;
    let leads = stmt
        .query_map([&id_list(ids)], lead_from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(leads)
}

/// The leads of a customer, ascending: those of the contact whose identity is the email,
/// and any other lead whose email is the same once trimmed and in lower case (a lead's
/// contact is found by its email, so these are the same leads unless the store was written
/// by other rules).
fn customer_lead_ids(conn: &Connection, email: &str) -> Result<Vec<i64>> {
    let Some(identity) = email_identity(email) else {
        return Ok(Vec::new());
    };
    let mut ids = BTreeSet::new();
    // The key finds the contact; the identity itself is compared too (keys are 64 bits).
    let contact: Option<i64> = conn
        .query_row(
            "SELECT c.id FROM contact_keys k JOIN contacts c ON c.id = k.contact_id
             WHERE k.identity_hash = ?1 AND c.identity = ?2",
            params![identity_hash(&identity), identity],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(contact) = contact {
        ids.extend(ids_of(
            conn,
            "SELECT lead_id FROM contact_leads WHERE contact_id = ?1",
            [contact],
        )?);
    }
    let folded = fold_email(email);
    let mut stmt = conn.prepare("SELECT id, email FROM lead_rows WHERE email IS NOT NULL")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        if let ValueRef::Text(text) = row.get_ref(1)? {
            if fold_email(&String::from_utf8_lossy(text)) == folded {
                ids.insert(row.get(0)?);
            }
        }
    }
    Ok(ids.into_iter().collect())
}

/// Replaces the path of every import whose path holds the email (any case) with
/// [`ERASED_PATH`]; returns how many.
fn scrub_import_paths(tx: &Connection, email: &str) -> Result<u64> {
    let folded = fold_email(email);
    if folded.is_empty() {
        return Ok(0);
    }
    let holding: Vec<i64> = {
        let mut stmt = tx.prepare("SELECT id, path FROM imports")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
        let mut holding = Vec::new();
        for row in rows {
            let (id, path) = row?;
            if path.to_lowercase().contains(&folded) {
                holding.push(id);
            }
        }
        holding
    };
    for id in &holding {
        tx.execute(
            "UPDATE imports SET path = ?2 WHERE id = ?1",
            params![id, ERASED_PATH],
        )?;
    }
    Ok(holding.len() as u64)
}

/// Removes the leads `ids` (ascending, every one stored) with everything that refers to them.
fn remove_leads(tx: &Connection, ids: &[i64]) -> Result<Deleted> {
    if ids.is_empty() {
        return Ok(Deleted::default());
    }
    let list = id_list(ids);
    let mut contacts = BTreeSet::new();
    let mut leaving = Vec::with_capacity(ids.len());
    {
        let columns = crate::domain::SEARCH_FIELDS.len();
        let mut stmt = tx.prepare(&format!(
            "SELECT id, contact_id, import_id, {} FROM leads
             WHERE id IN rarray(?1) ORDER BY id",
            *SEARCH_COLUMNS
        ))?;
        let mut rows = stmt.query([&list])?;
        while let Some(row) = rows.next()? {
            contacts.insert(row.get::<_, i64>(1)?);
            let fields = (3..3 + columns)
                .map(|i| Ok(row.get::<_, Option<String>>(i)?.unwrap_or_default()))
                .collect::<rusqlite::Result<_>>()?;
            leaving.push(search::Leaving {
                id: row.get(0)?,
                import_id: row.get(2)?,
                fields,
            });
        }
    }
    let customer = TouchKind::reaches_customer_sql("kind");
    let (touches, notes, customer_touches): (u64, u64, u64) = tx.query_row(
        &format!(
            "SELECT count(*), ifnull(sum(NOT {customer}), 0), ifnull(sum({customer}), 0)
             FROM touches WHERE lead_id IN rarray(?1)"
        ),
        [&list],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let leads = orders::follow(tx, ids, || {
        // Explicitly, whether or not this connection checks references (the cascade would).
        tx.execute("DELETE FROM touches WHERE lead_id IN rarray(?1)", [&list])?;
        Ok(tx.execute("DELETE FROM lead_rows WHERE id IN rarray(?1)", [&list])? as u64)
    })?;
    let contacts_removed =
        orders::remove_contacts_without_leads(tx, &contacts.iter().copied().collect::<Vec<_>>())?;
    if customer_touches > 0 {
        // A touch on a removed lead no longer answers the customer's other leads.
        for &contact in &contacts {
            refresh_first_touches(tx, contact)?;
        }
    }
    let words_removed = search::remove(tx, &leaving)?;
    Ok(Deleted {
        leads,
        customers: contacts.len() as u64,
        contacts_removed,
        touches,
        notes,
        words_removed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{SlaState, TouchKind};
    use chrono::TimeZone;
    use std::collections::BTreeMap;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 21, 18, 0, 0).unwrap()
    }

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 21, hour, 0, 0).unwrap()
    }

    /// One NDJSON record: (first, last, email, company, LeadSource, hour of Nov 21, notes).
    fn record(lead: (&str, &str, &str, &str, &str, u32, &str)) -> String {
        let (first, last, email, company, source, hour, notes) = lead;
        format!(
            "{{\"FirstName\":\"{first}\",\"LastName\":\"{last}\",\"Email\":\"{email}\",\
             \"Company\":\"{company}\",\"LeadSource\":\"{source}\",\
             \"receivedAt\":\"2026-11-21T{hour:02}:00:00Z\",\"Description\":\"{notes}\"}}\n"
        )
    }

    fn import(store: &mut Store, name: &str, leads: &[(&str, &str, &str, &str, &str, u32, &str)]) {
        let ndjson: String = leads.iter().copied().map(record).collect();
        let options = crate::import::ImportOptions::default();
        let report =
            crate::import::import_bytes(store, name, ndjson.as_bytes(), now(), &options, now())
                .unwrap();
        assert_eq!(report.new as usize, leads.len(), "{report}");
    }

    /// Two imports (the first in bulk, the second lead by lead), so that words have lists in
    /// two chunks. Ana has two leads (one contact); Zoltan's words are his alone.
    fn store_of_five() -> Store {
        let mut store = Store::open_in_memory().unwrap();
        import(
            &mut store,
            "first.ndjson",
            &[
                (
                    "Ana",
                    "Lopez",
                    "ana@contoso.example",
                    "Contoso",
                    "AzureMarketplace-PLT|contoso.crm",
                    8,
                    "wants a demo",
                ),
                (
                    "Ben",
                    "Okafor",
                    "ben@fabrikam.example",
                    "Fabrikam",
                    "AppSource-INS|contoso.crm",
                    9,
                    "pricing",
                ),
                (
                    "Zoltan",
                    "Quixby",
                    "zoltan@quixby.example",
                    "Quixbyworks",
                    "AzureMarketplace-PLT|quixby.only",
                    10,
                    "unique zebrafish",
                ),
            ],
        );
        import(
            &mut store,
            "second.ndjson",
            &[
                (
                    "Ana",
                    "Lopez",
                    "ANA@contoso.example",
                    "Contoso",
                    "AzureMarketplace-Create|contoso.crm",
                    11,
                    "second step",
                ),
                (
                    "Cai",
                    "Lopez",
                    "cai@litware.example",
                    "Litware",
                    "AzurePortal-INS|contoso.crm",
                    12,
                    "wants pricing",
                ),
            ],
        );
        store
    }

    fn id_of(store: &Store, first: &str, hour: u32) -> i64 {
        store
            .conn
            .query_row(
                "SELECT id FROM lead_rows WHERE first_name = ?1 AND received_at = ?2",
                params![first, at(hour).timestamp()],
                |r| r.get(0),
            )
            .unwrap()
    }

    fn count(store: &Store, sql: &str) -> i64 {
        store.conn.query_row(sql, [], |r| r.get(0)).unwrap()
    }

    /// Varint deltas, decoded here rather than with the code under test.
    fn decode(bytes: &[u8]) -> Vec<i64> {
        let (mut ids, mut id, mut value, mut shift) = (Vec::new(), 0i64, 0u64, 0);
        for &byte in bytes {
            value |= u64::from(byte & 0x7f) << shift;
            shift += 7;
            if byte & 0x80 == 0 {
                id += value as i64;
                ids.push(id);
                (value, shift) = (0, 0);
            }
        }
        ids
    }

    /// Every word's list as stored (its chunks in order), after checking each chunk's count.
    fn stored_lists(store: &Store) -> BTreeMap<String, Vec<i64>> {
        let mut lists: BTreeMap<String, Vec<i64>> = BTreeMap::new();
        let mut stmt = store
            .conn
            .prepare("SELECT word, leads, ids FROM search_postings ORDER BY word, chunk")
            .unwrap();
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, Vec<u8>>(2)?,
                ))
            })
            .unwrap();
        for row in rows {
            let (word, leads, bytes) = row.unwrap();
            let ids = decode(&bytes);
            assert!(!ids.is_empty(), "an empty chunk of {word}");
            assert_eq!(ids.len() as i64, leads, "the count of a chunk of {word}");
            lists.entry(word).or_default().extend(ids);
        }
        lists
    }

    /// What the lists must be: each word of the remaining leads' fields (the reference word
    /// rule of the tests), with the ids of the leads that have it.
    fn expected_lists(store: &Store) -> BTreeMap<String, Vec<i64>> {
        let mut lists: BTreeMap<String, Vec<i64>> = BTreeMap::new();
        let mut stmt = store
            .conn
            .prepare(
                "SELECT id, first_name, last_name, full_name, email, phone, company, offer,
                    offer_name, description FROM leads ORDER BY id",
            )
            .unwrap();
        let rows = stmt
            .query_map([], |r| {
                let fields: Vec<String> = (1..=9)
                    .map(|i| r.get::<_, Option<String>>(i).map(Option::unwrap_or_default))
                    .collect::<rusqlite::Result<_>>()?;
                Ok((r.get::<_, i64>(0)?, fields))
            })
            .unwrap();
        for row in rows {
            let (id, fields) = row.unwrap();
            for word in crate::domain::search::index_words(fields.iter().map(String::as_str)) {
                lists.entry(word).or_default().push(id);
            }
        }
        lists
    }

    fn assert_consistent(store: &Store) {
        assert_eq!(
            store.derived_table_differences().unwrap(),
            Vec::<String>::new()
        );
        assert_eq!(stored_lists(store), expected_lists(store));
    }

    /// Each import adds a chunk to each of its words' lists; past `search::MAX_CHUNKS` after
    /// the first import's, the import that adds one merges those, and the lists still name
    /// every lead and no other, through an erasure too.
    #[test]
    fn a_word_in_many_imports_is_compacted_and_still_right() {
        let mut store = Store::open_in_memory().unwrap();
        let imports = search::MAX_CHUNKS + 4;
        for n in 0..imports {
            let (first, email) = (format!("Rep{n}"), format!("rep{n}@contoso.example"));
            let source = "AppSource-INS|contoso.crm";
            let lead = (
                first.as_str(),
                "Lopez",
                email.as_str(),
                "Contoso",
                source,
                8,
                "x",
            );
            import(&mut store, &format!("{n}.ndjson"), &[lead]);
        }
        let chunks = count(
            &store,
            "SELECT count(*) FROM search_postings WHERE word = 'contoso'",
        );
        // The first import's chunk, and at most MAX_CHUNKS after it.
        assert!(
            (2..=search::MAX_CHUNKS as i64 + 1).contains(&chunks),
            "{chunks} chunks"
        );
        assert_eq!(stored_lists(&store)["contoso"].len(), imports);
        assert_consistent(&store);
        store.delete_leads(&[id_of(&store, "Rep3", 8)]).unwrap();
        assert_eq!(stored_lists(&store)["contoso"].len(), imports - 1);
        assert_consistent(&store);
    }

    #[test]
    fn the_fixture_store_starts_consistent() {
        let store = store_of_five();
        assert_consistent(&store);
        assert!(
            store.search_parts().unwrap() >= 2,
            "two imports, two chunks"
        );
    }

    #[test]
    fn deleting_a_lead_leaves_every_derived_table_and_search_list_right() {
        let mut store = store_of_five();
        let zoltan = id_of(&store, "Zoltan", 10);
        store
            .add_touch(zoltan, TouchKind::Call, None, at(13), at(13))
            .unwrap();
        store
            .add_touch(
                zoltan,
                TouchKind::Note,
                Some("zebrafish again"),
                at(13),
                at(13),
            )
            .unwrap();
        let deleted = store.delete_leads(&[zoltan]).unwrap();
        assert_eq!(
            deleted,
            Deleted {
                leads: 1,
                customers: 1,
                contacts_removed: 1,
                touches: 2,
                notes: 1,
                // zoltan, quixby, quixbyworks, only, unique, zebrafish ("example" stays).
                words_removed: 6,
            }
        );
        assert_consistent(&store);
        let lists = stored_lists(&store);
        for word in [
            "zoltan",
            "quixby",
            "quixbyworks",
            "only",
            "unique",
            "zebrafish",
        ] {
            assert!(!lists.contains_key(word), "{word} is still listed");
        }
        assert_eq!(lists["example"].len(), 4, "the others' emails keep it");
        assert_eq!(count(&store, "SELECT count(*) FROM touches"), 0);
        assert_eq!(count(&store, "SELECT count(*) FROM contacts"), 3);
        assert_eq!(
            count(
                &store,
                "SELECT count(*) FROM contacts WHERE identity LIKE '%zoltan%'"
            ),
            0
        );
        assert!(matches!(store.lead(zoltan), Err(StoreError::NoSuchLead(_))));
        // Found by nothing any more; the others still are.
        let search = |store: &Store, text: &str| {
            let filter = crate::domain::LeadFilter::default().with_search(text);
            store
                .page_forward(
                    &filter,
                    crate::domain::SortKey::Urgency,
                    now(),
                    &super::super::PageStart::Beginning,
                    0,
                    10,
                )
                .unwrap()
                .len()
        };
        assert_eq!(search(&store, "zol"), 0);
        assert_eq!(search(&store, "lopez"), 3);
    }

    /// A touch on a customer's deleted lead no longer answers the customer's other lead.
    #[test]
    fn the_customers_other_leads_lose_the_touches_of_a_deleted_lead() {
        let mut store = store_of_five();
        let (first, second) = (id_of(&store, "Ana", 8), id_of(&store, "Ana", 11));
        assert_eq!(
            store.lead(first).unwrap().contact_id,
            store.lead(second).unwrap().contact_id
        );
        store
            .add_touch(first, TouchKind::Email, None, at(12), at(12))
            .unwrap();
        assert_eq!(store.lead(second).unwrap().first_touch_at, Some(at(12)));
        let deleted = store.delete_leads(&[first]).unwrap();
        assert_eq!((deleted.leads, deleted.contacts_removed), (1, 0));
        let second = store.lead(second).unwrap();
        assert_eq!(second.first_touch_at, None);
        // Due at 11:00 the next day, untouched: due, and first in the urgency order again.
        assert_eq!(second.sla_state(now()), SlaState::Due);
        assert_consistent(&store);
    }

    #[test]
    fn an_unknown_id_deletes_nothing_and_every_unknown_id_is_named() {
        let mut store = store_of_five();
        let ana = id_of(&store, "Ana", 8);
        let error = store.delete_leads(&[ana, 404, 9_000]).unwrap_err();
        assert!(matches!(&error, StoreError::NoSuchLeads(ids) if ids == &[404, 9_000]));
        assert_eq!(
            error.to_string(),
            "no leads with ids 404, 9000: nothing was deleted"
        );
        assert_eq!(
            store.delete_leads(&[77]).unwrap_err().to_string(),
            "no lead with id 77: nothing was deleted"
        );
        assert_eq!(count(&store, "SELECT count(*) FROM lead_rows"), 5);
        assert!(store.lead(ana).is_ok());
        assert_consistent(&store);
    }

    /// Lists built at an upgrade (chunk 0), and a lead whose import is not known (a store of
    /// the first schema): the lead leaves its lists either way.
    #[test]
    fn leads_leave_lists_built_at_an_upgrade_and_leads_of_no_known_import() {
        let mut store = store_of_five();
        store
            .conn
            .execute_batch("DELETE FROM search_postings")
            .unwrap();
        search::rebuild(&store.conn).unwrap();
        assert_eq!(store.search_parts().unwrap(), 1);
        let ben = id_of(&store, "Ben", 9);
        store.delete_leads(&[ben]).unwrap();
        assert_consistent(&store);

        let mut store = store_of_five();
        let cai = id_of(&store, "Cai", 12);
        store
            .conn
            .execute("UPDATE lead_rows SET import_id = NULL WHERE id = ?1", [cai])
            .unwrap();
        store.delete_leads(&[cai]).unwrap();
        assert_consistent(&store);
        // A lead filed in another import's chunk than its own (not written so by leadbox,
        // but found anyway).
        let mut store = store_of_five();
        let ana = id_of(&store, "Ana", 8);
        store
            .conn
            .execute("UPDATE lead_rows SET import_id = 2 WHERE id = ?1", [ana])
            .unwrap();
        store.delete_leads(&[ana]).unwrap();
        assert_consistent(&store);
    }

    #[test]
    fn forget_matches_the_email_in_any_case_and_removes_the_customer() {
        let mut store = store_of_five();
        // The import history holds the email in a path.
        let options = crate::import::ImportOptions::default();
        let line = record((
            "Ana",
            "Lopez",
            "ana@contoso.example",
            "Contoso",
            "AppSource-INS|x.y",
            14,
            "third",
        ));
        crate::import::import_bytes(
            &mut store,
            "/exports/Ana@Contoso.example.ndjson",
            line.as_bytes(),
            now(),
            &options,
            now(),
        )
        .unwrap();
        let ana = id_of(&store, "Ana", 8);
        store
            .add_touch(
                ana,
                TouchKind::Note,
                Some("call back Tuesday"),
                at(12),
                at(12),
            )
            .unwrap();
        let preview: Vec<i64> = store
            .customer_leads("  ANA@contoso.EXAMPLE ")
            .unwrap()
            .iter()
            .map(|l| l.id)
            .collect();
        assert_eq!(
            preview,
            [ana, id_of(&store, "Ana", 11), id_of(&store, "Ana", 14)]
        );
        let forgotten = store.forget_customer("  ANA@contoso.EXAMPLE ").unwrap();
        assert_eq!(
            forgotten.deleted,
            Deleted {
                leads: 3,
                customers: 1,
                contacts_removed: 1,
                touches: 1,
                notes: 1,
                // ana, a, demo, second, step, third, x, y (a note is not indexed).
                words_removed: 8,
            }
        );
        assert_eq!(forgotten.imports_scrubbed, 1);
        assert_eq!(forgotten.reclaimed, Reclaimed::Done);
        assert_consistent(&store);
        let lists = stored_lists(&store);
        for word in ["ana", "a", "demo", "second", "step", "third", "x", "y"] {
            assert!(!lists.contains_key(word), "{word} is still listed");
        }
        assert!(lists.contains_key("lopez"), "Cai Lopez keeps it");
        assert_eq!(
            count(
                &store,
                "SELECT count(*) FROM contacts WHERE identity LIKE '%ana@%'"
            ),
            0
        );
        assert_eq!(
            count(
                &store,
                "SELECT count(*) FROM imports WHERE path LIKE '%ana@%'"
            ),
            0
        );
        assert_eq!(
            count(
                &store,
                "SELECT count(*) FROM imports WHERE path = '(erased)'"
            ),
            1
        );
        assert_eq!(count(&store, "SELECT count(*) FROM lead_rows"), 3);
        // Nothing left to forget: an error, and nothing changes.
        let error = store.forget_customer("ana@contoso.example").unwrap_err();
        assert!(matches!(error, StoreError::NoSuchCustomer(_)), "{error:?}");
        assert_eq!(count(&store, "SELECT count(*) FROM lead_rows"), 3);
    }

    /// A lead with the email on a contact of another identity (written by other rules than
    /// today's) is forgotten too.
    #[test]
    fn forget_finds_the_email_on_other_contacts() {
        let mut store = store_of_five();
        let cai = id_of(&store, "Cai", 12);
        store
            .conn
            .execute(
                "UPDATE lead_rows SET email = 'Zoltan@Quixby.example ' WHERE id = ?1",
                [cai],
            )
            .unwrap();
        let forgotten = store.forget_customer("zoltan@quixby.example").unwrap();
        assert_eq!(
            (
                forgotten.deleted.leads,
                forgotten.deleted.customers,
                forgotten.deleted.contacts_removed
            ),
            (2, 2, 2)
        );
        assert!(store.lead(cai).is_err());
        assert_consistent(&store);
    }

    /// Purging most of the store builds the search lists again from the leads that stay;
    /// purging a few rewrites the lists they were in. Either way they are right.
    #[test]
    fn purge_removes_exactly_the_older_leads() {
        for (hour, left) in [(12, 1u64), (9, 4), (8, 5)] {
            let mut store = store_of_five();
            assert_eq!(store.received_before(at(hour)).unwrap().0, 5 - left);
            let purged = store.purge_before(at(hour)).unwrap();
            assert_eq!(purged.deleted.leads, 5 - left, "before {hour}:00");
            assert_eq!(
                purged.reclaimed,
                (left < 5).then_some(Reclaimed::Done),
                "before {hour}:00"
            );
            let received: Vec<i64> =
                ids_of(&store.conn, "SELECT received_at FROM lead_rows", []).unwrap();
            assert_eq!(received.len() as u64, left);
            assert!(received.iter().all(|t| *t >= at(hour).timestamp()));
            assert_consistent(&store);
        }
    }

    /// With another connection open, the WAL is emptied; with another connection in the
    /// middle of a read, the erasure still succeeds and says the WAL is in use.
    #[test]
    fn forget_empties_the_wal_unless_another_connection_is_reading() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("leads.db");
        let wal = dir.path().join("leads.db-wal");
        let mut store = Store::open(&path).unwrap();
        let ndjson: String = [
            (
                "Ana",
                "Lopez",
                "ana@contoso.example",
                "Contoso",
                "AzureMarketplace-PLT|a.b",
                8,
                "x",
            ),
            (
                "Ben",
                "Okafor",
                "ben@fabrikam.example",
                "Fabrikam",
                "AzureMarketplace-PLT|a.b",
                9,
                "y",
            ),
        ]
        .into_iter()
        .map(record)
        .collect();
        let options = crate::import::ImportOptions::default();
        crate::import::import_bytes(
            &mut store,
            "a.ndjson",
            ndjson.as_bytes(),
            now(),
            &options,
            now(),
        )
        .unwrap();
        let other = Store::open(&path).unwrap();
        assert!(other.lead(1).is_ok());
        let forgotten = store.forget_customer("ana@contoso.example").unwrap();
        assert_eq!(forgotten.reclaimed, Reclaimed::Done);
        // By path, never through a descriptor: the file is there, and empty.
        assert_eq!(std::fs::metadata(&wal).unwrap().len(), 0);

        // A read transaction (deferred: the connection's own transactions take the write
        // lock at once, and the erasure would wait for it).
        other.conn.execute_batch("BEGIN DEFERRED").unwrap();
        assert_eq!(count(&other, "SELECT count(*) FROM lead_rows"), 1);
        let forgotten = store.forget_customer("ben@fabrikam.example").unwrap();
        assert_eq!(forgotten.reclaimed, Reclaimed::WalInUse);
        assert!(std::fs::metadata(&wal).unwrap().len() > 0);
        assert_eq!(
            count(&other, "SELECT count(*) FROM lead_rows"),
            1,
            "the reader still sees its snapshot"
        );
        other.conn.execute_batch("COMMIT").unwrap();
        assert_eq!(count(&other, "SELECT count(*) FROM lead_rows"), 0);
        assert_eq!(count(&store, "SELECT count(*) FROM lead_rows"), 0);
        assert_consistent(&store);
    }
}
