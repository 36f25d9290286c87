//! The lead store: SQLite behind one small API. All SQL of the program lives in this module.

mod analytics;
mod bulk;
mod erase;
mod follow_up;
pub mod open;
mod orders;
mod query;
mod schema;
mod search;
#[cfg(feature = "static-bind")]
mod static_insert;
mod upgrade;
mod window;

pub use analytics::{DaySla, OfferHealth, Overrides, OwnerStats, Stats, StatsQuery, WeekVolume};
pub use erase::{Deleted, Forgotten, Purged, Reclaimed, ERASED_PATH};
pub use follow_up::{Close, Customer, FollowUpMarks, QueueDetails, QueueItem, QueueRow, Today};
pub use search::{SearchLists, SearchTuning};
pub use window::{Cursor, PageEnd, PageStart};

use chrono::{DateTime, Utc};
use rusqlite::types::ValueRef;
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::domain::lane;
use crate::domain::sla::{self, DEFAULT_SLA_HOURS};
use crate::domain::{
    Action, Lead, LeadFilter, LeadKeys, NewLead, SortKey, Status, Touch, TouchKind, TouchRefused,
};
use query::{sort_column, where_clause};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("database error: {0}")]
    Sqlite(#[source] rusqlite::Error),
    /// A stored value that means nothing to leadbox (never read as some default).
    #[error(transparent)]
    Unreadable(Unreadable),
    #[error(
        "{path}: the store was written by a newer leadbox (schema {found}, this one knows {known})"
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error(
        "{path}: the store was written by a development version of leadbox (schema {found}); \
         this one reads schema {base} and later: import the lead files into a new store"
    )]
    TooOld {
        path: PathBuf,
        found: i64,
        base: i64,
    },
    #[error("{path} is not a leadbox store ({why}); leadbox leaves it as it is")]
    NotAStore { path: PathBuf, why: String },
    #[error("{path}: cannot put the store in WAL mode (it stays in {mode} mode)")]
    NotWal { path: PathBuf, mode: String },
    #[error("no lead with id {0}")]
    NoSuchLead(i64),
    /// Ids that name no lead, in ascending order (a call naming them changed nothing).
    #[error("{}", no_such_leads(.0))]
    NoSuchLeads(Vec<i64>),
    /// No lead has this email (as given, trimmed).
    #[error("no lead has the email {0}: nothing was changed")]
    NoSuchCustomer(String),
    /// A rule of the lead forbids the write (nothing was written).
    #[error(transparent)]
    Refused(#[from] TouchRefused),
    /// A follow-up rule forbids the write (nothing was written).
    #[error(transparent)]
    FollowUp(#[from] crate::domain::follow_up::Refused),
}

fn no_such_leads(ids: &[i64]) -> String {
    let list = ids
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    match ids {
        [_] => format!("no lead with id {list}: nothing was deleted"),
        _ => format!("no leads with ids {list}: nothing was deleted"),
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        match e {
            // How a row reader reports an unreadable value through SQLite's row callbacks.
            rusqlite::Error::FromSqlConversionFailure(column, kind, cause) => {
                match cause.downcast::<Unreadable>() {
                    Ok(unreadable) => StoreError::Unreadable(*unreadable),
                    Err(cause) => StoreError::Sqlite(rusqlite::Error::FromSqlConversionFailure(
                        column, kind, cause,
                    )),
                }
            }
            e => StoreError::Sqlite(e),
        }
    }
}

/// A lead's customer and whether it is contactable (`Store::lead_briefs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeadBrief {
    pub id: i64,
    pub contact_id: i64,
    pub contactable: bool,
}

/// A value in a stored row that leadbox cannot read: which row, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{row} in the store: {problem}")]
pub struct Unreadable {
    /// `lead 12`, `touch 5 of lead 12`.
    pub row: String,
    /// Made printable: it quotes the stored value.
    pub problem: String,
}

impl Unreadable {
    /// As a row reader's error, for [`StoreError::from`] to turn back into
    /// [`StoreError::Unreadable`].
    fn at(column: usize, row: String, problem: &str) -> rusqlite::Error {
        let problem = crate::domain::text::printable(problem).into_owned();
        rusqlite::Error::FromSqlConversionFailure(
            column,
            rusqlite::types::Type::Text,
            Box::new(Unreadable { row, problem }),
        )
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

pub struct Store {
    conn: Connection,
    path: PathBuf,
    sla_hours: i64,
    search_cache: search::SearchCache,
    search_tuning: SearchTuning,
    /// The files this connection was opened on (see [`Store::files_replaced`]).
    files: open::OpenedFiles,
    /// For a file store: its generation (see [`Store::files_replaced`]).
    generation: Option<u64>,
    /// Set on the placeholder of a store whose [`Store::reopen`] failed: its file.
    closed_from: Option<PathBuf>,
    /// What the last upgrade has to tell the user ([`Store::take_upgrade_notes`]).
    upgrade_notes: Vec<String>,
}

impl Drop for Store {
    fn drop(&mut self) {
        if let Some(generation) = self.generation {
            open::unregister(generation);
        }
    }
}

/// What one import wrote, for the history.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRecord {
    pub path: String,
    pub sha256: String,
    pub format: String,
    pub imported_at: DateTime<Utc>,
    pub new: u64,
    pub duplicates: u64,
    pub rejected: u64,
}

/// Whether a record was stored or already there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Added {
    New(i64),
    Duplicate,
}

/// Undo information for a logged touch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TouchLogged {
    pub touch_id: i64,
    pub previous_status: Status,
    /// The lead's status once the touch was logged (a first customer touch makes a new
    /// lead contacted).
    pub status_after: Status,
}

/// What an undo did. Undo is a compare-and-set: it takes back only what this process
/// wrote, and only while nobody has changed it since.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Undone {
    Yes,
    /// Changed (or removed) by someone else since: nothing was changed.
    ChangedSince,
}

/// Live counts for the inbox's filter bar.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ActionCounts {
    pub all: u64,
    pub by_action: BTreeMap<String, u64>,
    /// Unknown or missing actions.
    pub other: u64,
    pub overdue: u64,
}

/// The WAL's size after a checkpoint, in bytes.
const WAL_SIZE_LIMIT: i64 = 64 << 20;

impl Store {
    /// Opens (creating if needed) the store at `path`, readable by its owner only.
    ///
    /// What the path holds is read first through a read-only connection: a file that is not
    /// a leadbox store is refused and left exactly as it was. A new store is in WAL mode from
    /// its creation; an older one is copied beside itself (SQLite's backup API) and then
    /// upgraded in one transaction.
    pub fn open(path: &Path) -> Result<Store> {
        Store::open_with(path, schema::CURRENT)
    }

    /// [`Store::open`] with the given schema (tests give one with more steps).
    fn open_with(path: &Path, schema: schema::Schema) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            create_private_dir(dir).map_err(|source| StoreError::Io {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        let found = open::identify(path)?;
        if let open::Found::Leadbox { version } = found {
            check_version(path, version, schema)?;
        }
        open::wait_for_older_stores(std::time::Duration::from_secs(10));
        let conn = open::connect(path)?;
        let mut store = Store::setup(conn, path.to_path_buf())?;
        store.generation = Some(open::register());
        if let open::Found::Leadbox { version } = found {
            if version < schema.version() {
                open::backup(&store.conn, &open::backup_path(path, version))?;
            }
        }
        store.migrate(schema)?;
        store.files = open::OpenedFiles::now(path);
        store.sla_hours = store.stored_sla_hours()?;
        Ok(store)
    }

    /// A store that lives in memory only (tests, benchmarks).
    pub fn open_in_memory() -> Result<Store> {
        let mut store = Store::setup(Connection::open_in_memory()?, PathBuf::from(":memory:"))?;
        store.migrate(schema::CURRENT)?;
        Ok(store)
    }

    fn setup(mut conn: Connection, path: PathBuf) -> Result<Store> {
        // A busy store is waited for, never reported as locked; every write transaction
        // takes the write lock when it begins, so that this wait applies to it (a deferred
        // transaction that reads first cannot wait: SQLite fails it at once).
        conn.busy_handler(Some(open::wait_for_other_writer))?;
        conn.set_transaction_behavior(rusqlite::TransactionBehavior::Immediate);
        // A change shown as saved survives a crash and a power loss.
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // A checkpoint leaves the WAL at most this large, whatever an import wrote into it.
        conn.pragma_update(None, "journal_size_limit", WAL_SIZE_LIMIT)?;
        query::register_functions(&conn)?;
        // A bulk import prepares a statement per table and row count: keep them all.
        conn.set_prepared_statement_cache_capacity(64);
        Ok(Store {
            conn,
            path,
            sla_hours: DEFAULT_SLA_HOURS,
            search_cache: Default::default(),
            search_tuning: SearchTuning::default(),
            files: open::OpenedFiles::default(),
            generation: None,
            closed_from: None,
            upgrade_notes: Vec::new(),
        })
    }

    /// Makes a new store, or upgrades an older one, in one `IMMEDIATE` transaction that
    /// reads the version again: of two processes opening the same old store, one upgrades
    /// it and the other finds it done.
    fn migrate(&mut self, schema: schema::Schema) -> Result<()> {
        let version = schema.version();
        if open::is_current(&self.conn, version)? {
            return Ok(());
        }
        if !self.is_in_memory() {
            // Before anything is written: a journal mode cannot change inside a transaction.
            // A new store is put in WAL mode here, once, before its first table.
            let mode: String = self
                .conn
                .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
            if !mode.eq_ignore_ascii_case("wal") {
                return Err(StoreError::NotWal {
                    path: self.path.clone(),
                    mode,
                });
            }
        }
        let tx = self.conn.transaction()?;
        if open::is_current(&tx, version)? {
            return Ok(());
        }
        let found = open::schema_version(&tx)?;
        if found == 0 {
            if !open::is_blank(&tx)? {
                // Another application's file that appeared after it was identified.
                return Err(StoreError::NotAStore {
                    path: self.path.clone(),
                    why: "it is a SQLite database of another application".into(),
                });
            }
            tx.execute_batch(&schema::base())?;
            tx.pragma_update(None, "user_version", schema::BASE_VERSION)?;
        } else {
            check_version(&self.path, found, schema)?;
        }
        let at = open::schema_version(&tx)?;
        let mut rebuild_search = false;
        for (i, step) in schema.steps.iter().enumerate() {
            let to = schema::BASE_VERSION + i as i64 + 1;
            if to > at {
                self.upgrade_notes.extend(upgrade::before(&tx, to)?);
                tx.execute_batch(&schema::step(step.sql))?;
                upgrade::after(&tx, to)?;
                rebuild_search |= step.rebuilds_search;
            }
        }
        if rebuild_search {
            search::rebuild(&tx)?;
        }
        tx.pragma_update(None, "application_id", open::APPLICATION_ID)?;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
        Ok(())
    }

    /// Whether another program replaced or deleted the store's files since this connection
    /// opened them (or another store of this process found so): it must then be dropped and
    /// opened again instead of writing into them. [`Store::open`] waits until every store
    /// of this process that saw the old files is closed, so that none of SQLite's shared
    /// state of the old files survives.
    pub fn files_replaced(&mut self) -> bool {
        if self.closed_from.is_some() {
            return true;
        }
        let Some(generation) = self.generation else {
            return false;
        };
        if generation != open::current_generation() {
            return true;
        }
        let now = open::OpenedFiles::now(&self.path);
        if self.files.replaced_by(&now) {
            open::invalidate(generation);
            return true;
        }
        self.files.learn(&now);
        false
    }

    /// Closes this store and opens its file again (after [`Store::files_replaced`]). Every
    /// store of this process that saw the old files must let go of them first, so this one
    /// is closed before it opens again. If opening fails, the store stays closed (in memory,
    /// holding nothing): [`Store::files_replaced`] keeps saying so, and the next call tries
    /// again; nothing is ever written into the placeholder by a caller that checks.
    pub fn reopen(&mut self) -> Result<()> {
        let path = self
            .closed_from
            .clone()
            .unwrap_or_else(|| self.path.clone());
        let mut closed = Store::open_in_memory()?;
        closed.closed_from = Some(path.clone());
        drop(std::mem::replace(self, closed));
        *self = Store::open(&path)?;
        Ok(())
    }

    /// The hours the store's due times were computed with (a store of the base schema,
    /// which only tests open without upgrading, has no settings: the default).
    fn stored_sla_hours(&self) -> Result<i64> {
        let settings: bool = self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'settings')",
            [],
            |r| r.get(0),
        )?;
        if !settings {
            return Ok(DEFAULT_SLA_HOURS);
        }
        Ok(self
            .conn
            .query_row(
                "SELECT value FROM settings WHERE key = 'sla_hours'",
                [],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(DEFAULT_SLA_HOURS))
    }

    /// The hours a contactable lead's first touch is due after it arrives (`sla_hours` of
    /// the configuration): new leads get them, and when they differ from the hours the
    /// store's due times were computed with, every due time is computed again, with the
    /// urgency order, in one transaction. Returns whether anything changed.
    pub fn set_sla_hours(&mut self, hours: i64) -> Result<bool> {
        self.sla_hours = hours;
        if self.stored_sla_hours()? == hours {
            return Ok(false);
        }
        let tx = self.conn.transaction()?;
        let stored: Option<i64> = tx
            .query_row(
                "SELECT value FROM settings WHERE key = 'sla_hours'",
                [],
                |r| r.get(0),
            )
            .optional()?;
        if stored.unwrap_or(DEFAULT_SLA_HOURS) == hours {
            return Ok(false); // Another process did it first.
        }
        // Exempt leads have no due time: they keep none.
        tx.execute(
            &format!(
                "UPDATE lead_rows SET sla_due_at = {} WHERE sla_due_at IS NOT NULL",
                sla::due_at_sql("received_at", "?1")
            ),
            [hours],
        )?;
        orders::rewrite_urgency(&tx)?;
        tx.execute(
            "INSERT OR REPLACE INTO settings (key, value) VALUES ('sla_hours', ?1)",
            [hours],
        )?;
        tx.commit()?;
        self.search_cache.borrow_mut().clear();
        Ok(true)
    }

    /// Whether `candidate` names this store or one of its side files, which no command may
    /// read or write as a file.
    pub fn is_own_file(&self, candidate: &Path) -> bool {
        !self.is_in_memory() && open::is_own_file(&self.path, candidate)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Sets how much of the store this connection keeps in memory. The inbox gives its own
    /// connection more than SQLite's 2 MiB default: pages read while moving and searching
    /// are then read once, not once per keystroke.
    pub fn set_cache_mib(&mut self, mib: i64) -> Result<()> {
        self.conn.pragma_update(None, "cache_size", -1024 * mib)?;
        Ok(())
    }

    /// Moves the search's switch points (tests reach every strategy with a small store).
    #[cfg(any(test, feature = "testing"))]
    pub fn tune_search(&mut self, tuning: SearchTuning) {
        self.search_tuning = tuning;
        self.search_cache.borrow_mut().clear();
    }

    /// A store from [`Store::open_in_memory`]: no other connection can reach it.
    pub fn is_in_memory(&self) -> bool {
        self.path == Path::new(":memory:")
    }

    /// How many parts of search lists are stored (a word's list can span several).
    #[cfg(test)]
    pub(crate) fn search_parts(&self) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT count(DISTINCT chunk) FROM search_postings",
            [],
            |r| r.get(0),
        )?)
    }

    /// Where the tables that `orders` keeps (sort orders, record and contact keys) differ from the leads and contacts they derive from, and any reference
    /// to a row that does not exist: one line per problem, none when the store is consistent.
    #[cfg(any(test, feature = "testing"))]
    pub fn derived_table_differences(&self) -> Result<Vec<String>> {
        let checks = derived_checks();
        let mut differences = Vec::new();
        // Bulk imports skip the per-row check of references: they must hold anyway.
        let dangling: i64 = self
            .conn
            .prepare("PRAGMA foreign_key_check")?
            .query_map([], |_| Ok(()))?
            .count() as i64;
        if dangling > 0 {
            differences.push(format!("{dangling} rows refer to rows that do not exist"));
        }
        for (table, sql) in checks {
            let (extra, missing): (i64, i64) = self
                .conn
                .query_row(&sql, [], |r| Ok((r.get(0)?, r.get(1)?)))?;
            if extra != 0 || missing != 0 {
                differences.push(format!(
                    "{table}: {missing} entries missing, {extra} more rows than its source"
                ));
            }
        }
        Ok(differences)
    }

    /// Whether this connection checks references (a bulk import turns it off for its
    /// duration only).
    #[cfg(test)]
    pub(crate) fn checks_references(&self) -> bool {
        self.conn
            .pragma_query_value(None, "foreign_keys", |r| r.get(0))
            .unwrap_or(false)
    }

    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    /// Changes whenever another connection commits: lets a long-running view notice imports.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .pragma_query_value(None, "data_version", |r| r.get(0))?)
    }

    /// Starts an import: everything added is committed together, or not at all.
    pub fn begin_import(&mut self) -> Result<ImportSession<'_>> {
        self.search_cache.borrow_mut().clear();
        let empty: bool = self.conn.query_row(EMPTY_STORE, [], |r| r.get(0))?;
        if empty {
            // A bulk import gives every id it refers to itself (its contacts, its import):
            // checking each lead's references made inserting it a third slower. The
            // session turns the checks back on when it ends, however it ends.
            self.conn.pragma_update(None, "foreign_keys", false)?;
        }
        let sla_hours = self.sla_hours;
        let mut session = ImportSession {
            conn: &self.conn,
            open: false,
            foreign_keys_off: empty,
            sla_hours,
            bulk: None,
            contacts: HashMap::default(),
            import_id: 0,
            search_parts: 0,
            origins: Default::default(),
            origin_key: Vec::new(),
        };
        session.begin()?;
        Ok(session)
    }

    /// Calls `each` for every matching lead in order, holding one lead at a time (SQLite
    /// sorts larger results on disk, so memory stays flat at any size).
    pub fn for_each<E: From<StoreError>>(
        &self,
        filter: &LeadFilter,
        sort: SortKey,
        now: DateTime<Utc>,
        mut each: impl FnMut(Lead) -> Result<(), E>,
    ) -> Result<(), E> {
        let (clause, params) = where_clause(filter, now);
        let sql = format!(
            "SELECT {LEAD_COLUMNS} FROM leads WHERE {clause} ORDER BY {}, id",
            sort_column(sort)
        );
        let mut stmt = self.conn.prepare_cached(&sql).map_err(StoreError::from)?;
        let mut rows = stmt
            .query(rusqlite::params_from_iter(params))
            .map_err(StoreError::from)?;
        while let Some(row) = rows.next().map_err(StoreError::from)? {
            each(lead_from_row(row).map_err(StoreError::from)?)?;
        }
        Ok(())
    }

    /// Calls `each` for every lead `ids` names (ids of no lead are left out), in `sort`'s
    /// order as [`Store::for_each`] gives them: the inbox's export of marked leads.
    pub fn for_each_of<E: From<StoreError>>(
        &self,
        ids: &[i64],
        sort: SortKey,
        mut each: impl FnMut(Lead) -> Result<(), E>,
    ) -> Result<(), E> {
        let sql = format!(
            "SELECT {LEAD_COLUMNS} FROM leads WHERE id IN rarray(?1) ORDER BY {}, id",
            sort_column(sort)
        );
        let mut stmt = self.conn.prepare_cached(&sql).map_err(StoreError::from)?;
        let mut rows = stmt.query([id_list(ids)]).map_err(StoreError::from)?;
        while let Some(row) = rows.next().map_err(StoreError::from)? {
            each(lead_from_row(row).map_err(StoreError::from)?)?;
        }
        Ok(())
    }

    pub fn lead(&self, id: i64) -> Result<Lead> {
        lead_in(&self.conn, id)
    }

    /// Every lead of a contact, oldest first: the customer's path through the funnel.
    pub fn contact_leads(&self, contact_id: i64) -> Result<Vec<Lead>> {
        let sql = format!(
            "SELECT {LEAD_COLUMNS} FROM leads
             WHERE id IN (SELECT lead_id FROM contact_leads WHERE contact_id = ?1)
             ORDER BY received_at, id"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let leads = stmt
            .query_map([contact_id], lead_from_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(leads)
    }

    /// [`Store::contact_leads`] without their notes (the inbox's detail pane lists them).
    pub fn contact_leads_without_notes(&self, contact_id: i64) -> Result<Vec<Lead>> {
        let sql = format!(
            "SELECT {} FROM leads
             WHERE id IN (SELECT lead_id FROM contact_leads WHERE contact_id = ?1)
             ORDER BY received_at, id",
            LEAD_COLUMNS.replacen("description,", "NULL,", 1)
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let leads = stmt
            .query_map([contact_id], lead_from_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(leads)
    }

    /// The touch log of a lead, oldest first.
    pub fn touches(&self, lead_id: i64) -> Result<Vec<Touch>> {
        self.touches_where("lead_id = ?1", lead_id)
    }

    /// Every touch and note on any lead of a customer, oldest first: one timeline.
    pub fn customer_touches(&self, contact_id: i64) -> Result<Vec<Touch>> {
        self.touches_where(
            "lead_id IN (SELECT lead_id FROM contact_leads WHERE contact_id = ?1)",
            contact_id,
        )
    }

    fn touches_where(&self, condition: &str, value: i64) -> Result<Vec<Touch>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT id, lead_id, kind, note, at FROM touches WHERE {condition} ORDER BY at, id"
        ))?;
        let touches = stmt
            .query_map([value], |r| {
                let id: i64 = r.get(0)?;
                let lead_id: i64 = r.get(1)?;
                let kind: String = r.get(2)?;
                Ok(Touch {
                    id,
                    lead_id,
                    kind: kind.parse().map_err(|problem: String| {
                        Unreadable::at(2, format!("touch {id} of lead {lead_id}"), &problem)
                    })?,
                    note: r.get(3)?,
                    at: from_ts(r.get(4)?),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(touches)
    }

    /// Logs a touch. A customer touch answers the SLA of every lead of the contact that had
    /// arrived by then, and moves a `new` lead to `contacted`. The lead's rules
    /// ([`Lead::check_touch`], with `logged_at` as now) are checked in the same transaction:
    /// a refused touch is [`StoreError::Refused`] and writes nothing.
    pub fn add_touch(
        &mut self,
        lead_id: i64,
        kind: TouchKind,
        note: Option<&str>,
        at: DateTime<Utc>,
        logged_at: DateTime<Utc>,
    ) -> Result<TouchLogged> {
        let tx = self.conn.transaction()?;
        let lead = lead_in(&tx, lead_id)?;
        lead.check_touch(kind, at, logged_at)?;
        let (contact_id, previous_status) = (lead.contact_id, lead.status);
        tx.execute(
            "INSERT INTO touches (lead_id, kind, note, at, logged_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                lead_id,
                kind.as_str(),
                note,
                at.timestamp(),
                logged_at.timestamp()
            ],
        )?;
        let touch_id = tx.last_insert_rowid();
        let mut status_after = previous_status;
        if kind.reaches_customer() {
            refresh_touch_figures(&tx, lead_id, contact_id)?;
            if previous_status == Status::New {
                tx.execute(
                    "UPDATE lead_rows SET status = 'contacted' WHERE id = ?1",
                    [lead_id],
                )?;
                status_after = Status::Contacted;
            }
        }
        tx.commit()?;
        Ok(TouchLogged {
            touch_id,
            previous_status,
            status_after,
        })
    }

    /// Takes a touch back and puts the lead's status back to what it was, in one
    /// transaction, unless the touch is gone or the status changed since it was logged.
    pub fn undo_touch(&mut self, logged: TouchLogged) -> Result<Undone> {
        let tx = self.conn.transaction()?;
        let Some(lead_id) = tx
            .query_row(
                "SELECT lead_id FROM touches WHERE id = ?1",
                [logged.touch_id],
                |r| r.get::<_, i64>(0),
            )
            .optional()?
        else {
            return Ok(Undone::ChangedSince);
        };
        let (contact_id, status) = lead_contact_and_status(&tx, lead_id)?;
        if status != logged.status_after {
            return Ok(Undone::ChangedSince);
        }
        tx.execute("DELETE FROM touches WHERE id = ?1", [logged.touch_id])?;
        refresh_touch_figures(&tx, lead_id, contact_id)?;
        tx.execute(
            "UPDATE lead_rows SET status = ?2 WHERE id = ?1",
            params![lead_id, logged.previous_status.as_str()],
        )?;
        tx.commit()?;
        Ok(Undone::Yes)
    }

    /// Puts back the status `previous` (closed at `previous_closed_at`) that
    /// [`Store::set_status_at`] replaced with `written`, unless someone changed it since.
    pub fn undo_status(
        &mut self,
        lead_id: i64,
        written: Status,
        previous: Status,
        previous_closed_at: Option<DateTime<Utc>>,
    ) -> Result<Undone> {
        let tx = self.conn.transaction()?;
        let (_, status) = lead_contact_and_status(&tx, lead_id)?;
        if status != written {
            return Ok(Undone::ChangedSince);
        }
        orders::follow(&tx, &[lead_id], || {
            tx.execute(
                "UPDATE lead_rows SET status = ?2, closed_at = ?3 WHERE id = ?1",
                params![
                    lead_id,
                    previous.as_str(),
                    previous_closed_at.map(|t| t.timestamp())
                ],
            )?;
            Ok(())
        })?;
        // The reason the change recorded goes with it.
        tx.execute("DELETE FROM lead_closes WHERE lead_id = ?1", [lead_id])?;
        tx.commit()?;
        Ok(Undone::Yes)
    }

    /// Puts back the owner `previous` that [`Store::set_owner`] replaced with `written`,
    /// unless someone changed it since.
    pub fn undo_owner(
        &mut self,
        lead_id: i64,
        written: Option<&str>,
        previous: Option<&str>,
    ) -> Result<Undone> {
        let tx = self.conn.transaction()?;
        let current: Option<String> = tx
            .query_row(
                "SELECT owner FROM lead_rows WHERE id = ?1",
                [lead_id],
                |r| r.get(0),
            )
            .optional()?
            .ok_or(StoreError::NoSuchLead(lead_id))?;
        if current.as_deref() != written {
            return Ok(Undone::ChangedSince);
        }
        tx.execute(SET_CUSTOMER_OWNER, params![lead_id, previous])?;
        tx.commit()?;
        Ok(Undone::Yes)
    }

    /// Sets the status; returns the one it replaced, and when the lead had been closed. Won
    /// or lost records when the lead was closed (`now`, or the earlier close it keeps); any
    /// other status clears it ([`sla::closed_at`]).
    pub fn set_status_at(
        &mut self,
        lead_id: i64,
        status: Status,
        now: DateTime<Utc>,
    ) -> Result<(Status, Option<DateTime<Utc>>)> {
        let tx = self.conn.transaction()?;
        let lead = lead_in(&tx, lead_id)?;
        follow_up::write_status(&tx, &lead, status, now)?;
        tx.commit()?;
        Ok((lead.status, lead.closed_at))
    }

    /// Sets or clears the owner (trimmed; blank clears it) of lead `lead_id`'s customer:
    /// every lead of it has the same owner. Returns the one it replaced and the one it wrote.
    pub fn set_owner(
        &mut self,
        lead_id: i64,
        owner: Option<&str>,
    ) -> Result<(Option<String>, Option<String>)> {
        let tx = self.conn.transaction()?;
        let previous: Option<String> = tx
            .query_row(
                "SELECT owner FROM lead_rows WHERE id = ?1",
                [lead_id],
                |r| r.get(0),
            )
            .optional()?
            .ok_or(StoreError::NoSuchLead(lead_id))?;
        let owner = crate::domain::follow_up::owner_name(owner)?;
        tx.execute(SET_CUSTOMER_OWNER, params![lead_id, owner])?;
        tx.commit()?;
        Ok((previous, owner))
    }

    /// Whether a file with these bytes (its SHA-256, as the import history records it) was
    /// imported before.
    pub fn has_imported(&self, sha256: &str) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM imports WHERE sha256 = ?1")?
            .exists([sha256])?)
    }

    pub fn last_import(&self) -> Result<Option<ImportRecord>> {
        Ok(self
            .conn
            .query_row(
                "SELECT path, sha256, format, imported_at, new, duplicates, rejected
                 FROM imports ORDER BY id DESC LIMIT 1",
                [],
                |r| {
                    Ok(ImportRecord {
                        path: r.get(0)?,
                        sha256: r.get(1)?,
                        format: r.get(2)?,
                        imported_at: from_ts(r.get(3)?),
                        new: r.get(4)?,
                        duplicates: r.get(5)?,
                        rejected: r.get(6)?,
                    })
                },
            )
            .optional()?)
    }

    /// Moves every time in the store by `seconds` (the demo makes its sample arrive just now).
    pub fn shift_times(&mut self, seconds: i64) -> Result<()> {
        let tx = self.conn.transaction()?;
        let ids: Vec<i64> = tx
            .prepare("SELECT id FROM lead_rows")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        orders::follow(&tx, &ids, || {
            tx.execute(
                "UPDATE lead_rows SET received_at = received_at + ?1,
                    sla_due_at = sla_due_at + ?1, first_touch_at = first_touch_at + ?1,
                    last_touch_at = last_touch_at + ?1, closed_at = closed_at + ?1",
                [seconds],
            )?;
            Ok(())
        })?;
        tx.execute(
            "UPDATE touches SET at = at + ?1, logged_at = logged_at + ?1",
            [seconds],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The customer of each lead `ids` names and whether it is contactable, in the order
    /// of `ids` (ids of no lead are left out).
    pub fn lead_briefs(&self, ids: &[i64]) -> Result<Vec<LeadBrief>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, contact_id, sla_due_at IS NOT NULL FROM lead_rows WHERE id IN rarray(?1)",
        )?;
        let mut found: HashMap<i64, LeadBrief> = stmt
            .query_map([id_list(ids)], |r| {
                let brief = LeadBrief {
                    id: r.get(0)?,
                    contact_id: r.get(1)?,
                    contactable: r.get(2)?,
                };
                Ok((brief.id, brief))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
    }

    /// Those of `ids` whose lead `filter` admits at `now` (the Today view under a filter or
    /// a search).
    pub fn admitted(
        &self,
        filter: &LeadFilter,
        now: DateTime<Utc>,
        ids: &[i64],
    ) -> Result<std::collections::HashSet<i64>> {
        use rusqlite::types::ToSqlOutput;
        let (condition, params) = where_clause(filter, now);
        let sql = format!("SELECT id FROM leads WHERE id IN rarray(?) AND {condition}");
        let mut stmt = self.conn.prepare(&sql)?;
        // The id list first, then the filter's values.
        let mut bound = vec![ToSqlOutput::Array(id_list(ids))];
        bound.extend(params.into_iter().map(ToSqlOutput::Owned));
        let mut found = std::collections::HashSet::new();
        let mut rows = stmt.query(rusqlite::params_from_iter(bound.iter()))?;
        while let Some(row) = rows.next()? {
            found.insert(row.get(0)?);
        }
        Ok(found)
    }

    /// The owners the store's leads have, in alphabetical order (any case).
    pub fn owners(&self) -> Result<Vec<String>> {
        Ok(self
            .conn
            .prepare(
                "SELECT DISTINCT owner FROM lead_rows WHERE owner IS NOT NULL
                 ORDER BY owner COLLATE NOCASE",
            )?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// Runs `read` on one snapshot of the store: every query in it sees the same data, and
    /// the store is locked for reading once rather than at each query. Only for reading.
    pub fn snapshot<T, E: From<StoreError>>(
        &self,
        read: impl FnOnce(&Store) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        self.conn
            .execute_batch("BEGIN DEFERRED")
            .map_err(StoreError::from)?;
        let result = read(self);
        // Nothing was written: ending the transaction either way keeps the same data.
        self.conn
            .execute_batch("COMMIT")
            .map_err(StoreError::from)?;
        result
    }

    /// Whether the store holds any lead.
    pub fn has_leads(&self) -> Result<bool> {
        Ok(self
            .conn
            .query_row("SELECT EXISTS (SELECT 1 FROM lead_rows)", [], |r| r.get(0))?)
    }

    /// The newest received time, if any lead is stored.
    pub fn newest_received(&self) -> Result<Option<DateTime<Utc>>> {
        let ts: Option<i64> =
            self.conn
                .query_row("SELECT MAX(received_at) FROM lead_rows", [], |r| r.get(0))?;
        Ok(ts.map(from_ts))
    }
}

/// Each derived table's check: a query of two counts, its rows beyond its source's and its
/// source's rows without their entry.
#[cfg(any(test, feature = "testing"))]
fn derived_checks() -> Vec<(&'static str, String)> {
    let mut checks: Vec<(&str, String)> = [
            ("lead_order_urgency", "urgency"),
            ("lead_order_received", "received_sort"),
            ("lead_order_company", "company_sort"),
            ("lead_order_offer", "offer_sort"),
        ]
        .into_iter()
        .map(|(table, column)| {
            (
                table,
                format!(
                    "SELECT (SELECT count(*) FROM {table}) - (SELECT count(*) FROM lead_rows),
                        (SELECT count(*) FROM leads l WHERE NOT EXISTS (
                            SELECT 1 FROM {table} o
                            WHERE o.lane = l.lane AND o.sort_key = l.{column} AND o.lead_id = l.id))"
                ),
            )
        })
        .collect();
    // The stored lane against its one definition.
    checks.push((
        "lane",
        format!(
            "SELECT 0, (SELECT count(*) FROM leads WHERE lane IS NOT {})",
            lane::sql("action", "is_test")
        ),
    ));
    checks.push((
        "contact_leads",
        "SELECT (SELECT count(*) FROM contact_leads) - (SELECT count(*) FROM lead_rows),
                (SELECT count(*) FROM leads l WHERE NOT EXISTS (
                    SELECT 1 FROM contact_leads c WHERE c.contact_id = l.contact_id
                        AND c.received_at = l.received_at AND c.lead_id = l.id))"
            .into(),
    ));
    checks.push((
        "lead_records",
        "SELECT (SELECT count(*) FROM lead_records) - (SELECT count(*) FROM lead_rows),
                (SELECT count(*) FROM leads l WHERE NOT EXISTS (
                    SELECT 1 FROM lead_records r
                    WHERE r.record_hash = l.record_hash AND r.lead_id = l.id))"
            .into(),
    ));
    checks.push((
        "contact_keys",
        "SELECT (SELECT count(*) FROM contact_keys)
                    - (SELECT count(*) FROM contacts WHERE identity_hash IS NOT NULL),
                (SELECT count(*) FROM contacts c WHERE c.identity_hash IS NOT NULL AND NOT EXISTS (
                    SELECT 1 FROM contact_keys k
                    WHERE k.identity_hash = c.identity_hash AND k.contact_id = c.id))"
            .into(),
    ));
    checks
}

/// Ids as one value for `rarray(?)`.
fn id_list(ids: &[i64]) -> std::rc::Rc<Vec<rusqlite::types::Value>> {
    std::rc::Rc::new(
        ids.iter()
            .map(|&id| rusqlite::types::Value::Integer(id))
            .collect(),
    )
}

/// Refuses a store of a version this leadbox cannot read (0 is a new store).
fn check_version(path: &Path, found: i64, schema: schema::Schema) -> Result<()> {
    if found > schema.version() {
        return Err(StoreError::TooNew {
            path: path.to_path_buf(),
            found,
            known: schema.version(),
        });
    }
    if (1..schema::BASE_VERSION).contains(&found) {
        return Err(StoreError::TooOld {
            path: path.to_path_buf(),
            found,
            base: schema::BASE_VERSION,
        });
    }
    Ok(())
}

/// Adds one to `key`'s count (allocating the key only the first time).
/// A new lead's row as an import writes it.
struct LeadRow {
    /// Given by a bulk import; otherwise SQLite picks it.
    id: Option<i64>,
    record_hash: i64,
    contact_id: i64,
    received_at: i64,
    is_test: bool,
    /// [`lane::of`] its action and whether it is a test lead.
    lane: u8,
    sla_due_at: Option<i64>,
    first_touch_at: Option<i64>,
    import_id: i64,
    /// Its row of `lead_origins`.
    origin_id: i64,
    lead: NewLead,
}

const LEAD_ROWS: &str = "lead_rows (id, record_hash, contact_id, received_at, origin_id,
    first_name, last_name, full_name, email, phone, country, company, title, description,
    notes_head, is_test, sla_due_at, first_touch_at, import_id, lane)";

impl LeadRow {
    /// The keys of the tables derived from the lead once it has its id (a bulk import).
    fn derived(&self, id: i64) -> orders::LeadKeys<'_> {
        orders::LeadKeys {
            id,
            contact_id: self.contact_id,
            record_hash: self.record_hash,
            received_at: self.received_at,
            sla_due_at: self.sla_due_at,
            lane: self.lane,
            company: self.lead.company.as_deref(),
            offer: self.lead.offer.as_deref(),
        }
    }

    fn values(&self) -> [ValueRef<'_>; 20] {
        fn text(v: Option<&str>) -> ValueRef<'_> {
            v.map_or(ValueRef::Null, |t| ValueRef::Text(t.as_bytes()))
        }
        let int = |v: Option<i64>| v.map_or(ValueRef::Null, ValueRef::Integer);
        let lead = &self.lead;
        [
            int(self.id),
            ValueRef::Integer(self.record_hash),
            ValueRef::Integer(self.contact_id),
            ValueRef::Integer(self.received_at),
            ValueRef::Integer(self.origin_id),
            text(lead.first_name.as_deref()),
            text(lead.last_name.as_deref()),
            text(lead.full_name.as_deref()),
            text(lead.email.as_deref()),
            text(lead.phone.as_deref()),
            text(lead.country.as_deref()),
            text(lead.company.as_deref()),
            text(lead.title.as_deref()),
            text(lead.description.as_deref()),
            text(lead.description.as_deref().and_then(notes_head)),
            ValueRef::Integer(self.is_test.into()),
            int(self.sla_due_at),
            int(self.first_touch_at),
            ValueRef::Integer(self.import_id),
            ValueRef::Integer(self.lane.into()),
        ]
    }
}

/// Writes one file's records inside a single transaction; dropped without
/// [`ImportSession::commit`], it leaves the store exactly as it was.
///
/// Each new lead and contact writes its rows of the lookup and sort-order tables as it goes.
/// Into an empty store the session runs in bulk instead: it gives the ids itself, inserts
/// many rows per statement, and writes those tables at the end, in key order, from keys
/// sorted in memory (`store/bulk.rs`).
pub struct ImportSession<'a> {
    conn: &'a Connection,
    /// The transaction is open: dropping the session rolls it back.
    open: bool,
    /// Foreign-key checks were turned off for a bulk import, to turn on again at the end.
    foreign_keys_off: bool,
    sla_hours: i64,
    bulk: Option<bulk::Bulk<'a>>,
    /// Outside bulk mode: contacts found or made by this session, by identity hash, and
    /// whether each existed before (and so may have touches).
    contacts: HashMap<i64, (i64, bool), bulk::HashedKeys>,
    import_id: i64,
    /// Parts of the search lists stored so far.
    search_parts: i64,
    /// Every row of `lead_origins`, by [`origin_key`]: a store holds few.
    origins: foldhash::HashMap<Vec<u8>, i64>,
    /// Where a lead's origin key is made before it is looked up.
    origin_key: Vec<u8>,
}

impl ImportSession<'_> {
    fn begin(&mut self) -> Result<()> {
        // The write lock at once: whether the store is empty cannot change before commit.
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        self.open = true;
        let tx = self.conn;
        let empty: bool = tx.query_row(EMPTY_STORE, [], |r| r.get(0))?;
        // A bigger page cache than SQLite's 2 MiB: a bulk import only appends, but an import
        // into a large store looks up and inserts at random places in every table. 10,000
        // leads into a million change about 60 MB of pages; a smaller cache writes them to
        // the WAL before the commit, some twice (32 MiB: 1.30-1.37 s, 64 MiB: 1.20-1.29 s).
        let cache_mib = if empty { 16 } else { 64 };
        tx.pragma_update(None, "cache_size", -1024 * cache_mib)?;
        // Every lookup and order of the leads is a table that a bulk import writes in key
        // order (`store/orders.rs`); the leads' one index, of the leads waiting for their
        // first touch, is dropped and made again at the end.
        let bulk = if empty {
            let next_id = |table: &str| -> Result<i64> {
                let sql = format!("SELECT ifnull(max(id), 0) + 1 FROM {table}");
                Ok(tx.query_row(&sql, [], |r| r.get(0))?)
            };
            Some(bulk::Bulk {
                keys: orders::Runs::default(),
                leads: Vec::new(),
                contacts: Vec::new(),
                next_lead_id: next_id("lead_rows")?,
                next_contact_id: next_id("contacts")?,
                inserts: bulk::Inserts::new(tx),
                indexes: bulk::Bulk::drop_indexes(tx)?,
            })
        } else {
            None
        };
        self.origins = stored_origins(tx)?;
        // The history row comes first so that each lead can name its import as it is written.
        tx.execute(
            "INSERT INTO imports (path, sha256, format, imported_at, new, duplicates, rejected)
             VALUES ('', '', '', 0, 0, 0, 0)",
            [],
        )?;
        self.import_id = tx.last_insert_rowid();
        self.bulk = bulk;
        Ok(())
    }

    /// Stores a lead unless it is a duplicate; `keys` are [`LeadKeys::of`] the lead.
    pub fn add(
        &mut self,
        lead: NewLead,
        keys: LeadKeys,
        received_at: DateTime<Utc>,
    ) -> Result<Added> {
        let record_hash = keys.record_hash;
        if self.is_duplicate(record_hash)? {
            return Ok(Added::Duplicate);
        }
        let (contact_id, known_contact) = self.contact_for(keys.contact)?;
        // Only a contact that existed before this import can have touches.
        let first_touch_at = match known_contact {
            true => self.first_touch_since(contact_id, received_at)?,
            false => None,
        };
        let due = sla::due_at(
            received_at,
            lead.action.as_ref(),
            keys.is_test,
            lead.is_reachable(),
            self.sla_hours,
        );
        let row = LeadRow {
            id: None,
            record_hash,
            contact_id,
            received_at: received_at.timestamp(),
            is_test: keys.is_test,
            lane: lane::of(lead.action.as_ref(), keys.is_test),
            sla_due_at: due.map(|d| d.timestamp()),
            first_touch_at,
            import_id: self.import_id,
            origin_id: self.origin_of(&lead)?,
            lead,
        };
        let id = self.write_row(row)?;
        if known_contact && self.bulk.is_none() {
            // A customer has one owner: a new lead of it has the owner its leads have.
            self.conn
                .prepare_cached(
                    // No owner, no write: most customers have none.
                    "UPDATE lead_rows SET owner = known.owner
                     FROM (SELECT o.owner FROM contact_leads c JOIN lead_rows o ON o.id = c.lead_id
                           WHERE c.contact_id = ?2 AND o.owner IS NOT NULL LIMIT 1) AS known
                     WHERE lead_rows.id = ?1",
                )?
                .execute([id, contact_id])?;
        }
        Ok(Added::New(id))
    }

    /// Whether a lead with this record hash is stored, or was added earlier in this import.
    fn is_duplicate(&mut self, record_hash: i64) -> Result<bool> {
        if let Some(bulk) = &mut self.bulk {
            match bulk.keys.first_sight(record_hash) {
                false => return Ok(true),
                // Surely new: nothing was written before it.
                true if !bulk.keys.written => return Ok(false),
                true => {}
            }
        }
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM lead_records WHERE record_hash = ?1")?
            .exists([record_hash])?)
    }

    /// The first customer touch on a lead of the contact at or after `received_at`.
    fn first_touch_since(
        &self,
        contact_id: i64,
        received_at: DateTime<Utc>,
    ) -> Result<Option<i64>> {
        static FIRST_TOUCH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
            format!(
                "SELECT MIN(t.at) FROM contact_leads c JOIN touches t ON t.lead_id = c.lead_id
                 WHERE c.contact_id = ?1 AND {} AND t.at >= ?2",
                TouchKind::reaches_customer_sql("t.kind")
            )
        });
        Ok(self
            .conn
            .prepare_cached(&FIRST_TOUCH)?
            .query_row(params![contact_id, received_at.timestamp()], |r| r.get(0))?)
    }

    /// Writes a new lead's row (in a bulk import, with the next id, 128 rows at a time) and
    /// its entries in the derived tables; returns its id.
    fn write_row(&mut self, mut row: LeadRow) -> Result<i64> {
        let Some(bulk) = &mut self.bulk else {
            bulk::insert_rows(
                self.conn,
                LEAD_ROWS,
                std::slice::from_ref(&row),
                LeadRow::values,
            )?;
            let id = self.conn.last_insert_rowid();
            orders::added(self.conn, &[id])?;
            return Ok(id);
        };
        let id = bulk.next_lead_id;
        bulk.next_lead_id += 1;
        row.id = Some(id);
        bulk.keys.add_lead(&mut bulk.inserts, row.derived(id))?;
        bulk.leads.push(row);
        if bulk.leads.len() >= bulk::ROWS_PER_INSERT {
            bulk.insert_pending()?;
        }
        Ok(id)
    }

    /// The id of the lead's row of `lead_origins`, added when it is the first of its kind.
    fn origin_of(&mut self, lead: &NewLead) -> Result<i64> {
        let origin = [
            lead.lead_source.as_deref(),
            lead.source.as_deref(),
            lead.action.as_ref().map(Action::as_str),
            lead.offer.as_deref(),
            lead.offer_name.as_deref(),
        ];
        origin_key(&mut self.origin_key, origin);
        if let Some(&id) = self.origins.get(self.origin_key.as_slice()) {
            return Ok(id);
        }
        self.conn
            .prepare_cached(
                "INSERT INTO lead_origins (lead_source, source, action, offer, offer_name)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(origin)?;
        let id = self.conn.last_insert_rowid();
        self.origins.insert(self.origin_key.clone(), id);
        Ok(id)
    }

    /// The contact of a lead, and whether it existed before this import.
    fn contact_for(&mut self, contact: Option<(String, i64)>) -> Result<(i64, bool)> {
        if let Some((_, hash)) = &contact {
            if let Some(found) = self.found_contact(*hash)? {
                return Ok(found);
            }
        }
        let (identity, hash) = contact.unzip();
        let Some(bulk) = &mut self.bulk else {
            self.conn
                .prepare_cached("INSERT INTO contacts (identity, identity_hash) VALUES (?1, ?2)")?
                .execute(params![identity, hash])?;
            let id = self.conn.last_insert_rowid();
            if let Some(hash) = hash {
                orders::add_contact(self.conn, hash, id)?;
                self.contacts.insert(hash, (id, false));
            }
            return Ok((id, false));
        };
        let id = bulk.next_contact_id;
        bulk.next_contact_id += 1;
        if let Some(hash) = hash {
            bulk.keys.add_contact(hash, id);
        }
        bulk.contacts.push((id, identity, hash));
        Ok((id, false))
    }

    /// The contact with this identity hash, if there is one, and whether it existed before
    /// this import.
    fn found_contact(&mut self, hash: i64) -> Result<Option<(i64, bool)>> {
        let stored = |tx: &Connection| -> Result<Option<i64>> {
            Ok(tx
                .prepare_cached("SELECT contact_id FROM contact_keys WHERE identity_hash = ?1")?
                .query_row([hash], |r| r.get(0))
                .optional()?)
        };
        match &self.bulk {
            // A bulk import starts from an empty store: every contact it finds, it made.
            Some(bulk) => match bulk.keys.contact(hash) {
                Some(id) => Ok(Some((id, false))),
                None if bulk.keys.written => Ok(stored(self.conn)?.map(|id| (id, false))),
                None => Ok(None),
            },
            None => {
                if let Some(found) = self.contacts.get(&hash) {
                    return Ok(Some(*found));
                }
                let found = stored(self.conn)?.map(|id| (id, true));
                if let Some(found) = found {
                    self.contacts.insert(hash, found);
                }
                Ok(found)
            }
        }
    }

    /// Stores the search lists of leads added so far, each lead named by `id_of` its key
    /// in `lists` (none for a duplicate); a large import stores them in several parts, each
    /// a chunk of its own.
    pub fn add_search(
        &mut self,
        lists: SearchLists,
        id_of: impl Fn(i64) -> Option<i64>,
    ) -> Result<()> {
        // Chunks sort by import, then by part: in the order of their ids.
        let chunk = (self.import_id << 20) | self.search_parts;
        self.search_parts += 1;
        let chunks = match self.bulk {
            Some(_) => search::Chunks::Append,
            None => search::Chunks::Compact,
        };
        search::store_lists(self.conn, lists, id_of, chunk, chunks)
    }

    /// Records the import in the history and makes it durable.
    pub fn commit(mut self, record: &ImportRecord) -> Result<()> {
        if let Some(mut bulk) = self.bulk.take() {
            bulk.insert_pending()?;
            bulk.keys.write(&mut bulk.inserts)?;
            bulk.make_indexes(self.conn)?;
        }
        self.conn.execute(
            "UPDATE imports SET path = ?2, sha256 = ?3, format = ?4, imported_at = ?5, new = ?6,
                duplicates = ?7, rejected = ?8
             WHERE id = ?1",
            params![
                self.import_id,
                record.path,
                record.sha256,
                record.format,
                record.imported_at.timestamp(),
                record.new,
                record.duplicates,
                record.rejected
            ],
        )?;
        self.conn.execute_batch("COMMIT")?;
        self.open = false;
        // What the import wrote goes from the WAL into the store now, by the importer, and
        // the WAL is cut back to its limit: the next writer (a rep's keystroke) does not
        // inherit a checkpoint of hundreds of MB. Passive: readers are never waited for.
        self.conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
        Ok(())
    }
}

impl Drop for ImportSession<'_> {
    fn drop(&mut self) {
        // Errors here have nowhere to go; SQLite rolls back an unfinished transaction by
        // itself when the connection closes.
        if self.open {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
        if self.foreign_keys_off {
            let _ = self.conn.pragma_update(None, "foreign_keys", true);
        }
    }
}

/// Every row of `lead_origins`, by [`origin_key`].
fn stored_origins(tx: &Connection) -> Result<foldhash::HashMap<Vec<u8>, i64>> {
    let mut stmt =
        tx.prepare("SELECT id, lead_source, source, action, offer, offer_name FROM lead_origins")?;
    let mut rows = stmt.query([])?;
    let mut origins = foldhash::HashMap::default();
    while let Some(row) = rows.next()? {
        let values: [Option<String>; 5] = [
            row.get(1)?,
            row.get(2)?,
            row.get(3)?,
            row.get(4)?,
            row.get(5)?,
        ];
        let mut key = Vec::new();
        origin_key(&mut key, values.each_ref().map(Option::as_deref));
        origins.insert(key, row.get(0)?);
    }
    Ok(origins)
}

/// An origin's five values as one key: each value's bytes and then 0xFE, or 0xFF for none
/// (neither byte occurs in UTF-8, so no two origins share a key).
fn origin_key(key: &mut Vec<u8>, origin: [Option<&str>; 5]) {
    key.clear();
    for value in origin {
        match value {
            Some(text) => {
                key.extend_from_slice(text.as_bytes());
                key.push(0xFE);
            }
            None => key.push(0xFF),
        }
    }
}

/// True for a store with no lead and no contact: an import into it runs in bulk.
const EMPTY_STORE: &str =
    "SELECT NOT EXISTS (SELECT 1 FROM lead_rows) AND NOT EXISTS (SELECT 1 FROM contacts)";

/// A lead as the connection (or the transaction) `tx` sees it.
fn lead_in(tx: &Connection, lead_id: i64) -> Result<Lead> {
    let sql = format!("SELECT {LEAD_COLUMNS} FROM leads WHERE id = ?1");
    tx.prepare_cached(&sql)?
        .query_row([lead_id], lead_from_row)
        .optional()?
        .ok_or(StoreError::NoSuchLead(lead_id))
}

fn lead_contact_and_status(tx: &Transaction<'_>, lead_id: i64) -> Result<(i64, Status)> {
    let (contact_id, status): (i64, String) = tx
        .query_row(
            "SELECT contact_id, status FROM lead_rows WHERE id = ?1",
            [lead_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .ok_or(StoreError::NoSuchLead(lead_id))?;
    let status = status
        .parse()
        .map_err(|problem: String| Unreadable::at(1, format!("lead {lead_id}"), &problem))?;
    Ok((contact_id, status))
}

/// Recomputes what touches decide: the lead's own counts, and the first touch of every
/// lead of the contact (a touch counts for the leads that had arrived by then).
fn refresh_touch_figures(tx: &Transaction<'_>, lead_id: i64, contact_id: i64) -> Result<()> {
    let customer = TouchKind::reaches_customer_sql("kind");
    tx.prepare_cached(&format!(
        "UPDATE lead_rows SET
            touch_count = (SELECT COUNT(*) FROM touches WHERE lead_id = ?1 AND {customer}),
            last_touch_at = (SELECT MAX(at) FROM touches WHERE lead_id = ?1 AND {customer})
         WHERE id = ?1"
    ))?
    .execute([lead_id])?;
    refresh_first_touches(tx, contact_id)
}

/// Recomputes the first touch of every lead of a contact: the first customer touch on any
/// lead of the contact at or after the lead arrived.
fn refresh_first_touches(tx: &Connection, contact_id: i64) -> Result<()> {
    let ids: Vec<i64> = tx
        .prepare_cached("SELECT lead_id FROM contact_leads WHERE contact_id = ?1")?
        .query_map([contact_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    orders::follow(tx, &ids, || {
        tx.prepare_cached(&format!(
            "UPDATE lead_rows SET first_touch_at = (
                SELECT MIN(t.at) FROM contact_leads c JOIN touches t ON t.lead_id = c.lead_id
                WHERE c.contact_id = lead_rows.contact_id AND {}
                    AND t.at >= lead_rows.received_at)
             WHERE id IN rarray(?1)",
            TouchKind::reaches_customer_sql("t.kind")
        ))?
        .execute([id_list(&ids)])?;
        Ok(())
    })
}

/// Gives every lead of lead `?1`'s customer the owner `?2`.
const SET_CUSTOMER_OWNER: &str = "UPDATE lead_rows SET owner = ?2
    WHERE id IN (SELECT lead_id FROM contact_leads
        WHERE contact_id = (SELECT contact_id FROM lead_rows WHERE id = ?1))";

const LEAD_COLUMNS: &str = "id, contact_id, received_at, source, action, offer, offer_name, lead_source,
    first_name, last_name, full_name, email, phone, country, company, title, description, is_test, status,
    owner, touch_count, last_touch_at, first_touch_at, sla_due_at, closed_at,
    octet_length(description)";

/// Notes a read for the inbox carries whole; of longer ones it carries their start, which
/// the store keeps apart ([`notes_head`]), so that a lead whose notes run to megabytes costs
/// a page of the inbox, or the opening of its pane, no more than any other.
pub const NOTES_IN_PAGES: usize = 256 * 1024;

/// How much of long notes is kept apart, in characters: at most [`NOTES_IN_PAGES`] bytes.
const NOTES_HEAD_CHARS: usize = NOTES_IN_PAGES / 4;

/// The start kept apart of notes longer than [`NOTES_IN_PAGES`] bytes; none for shorter ones.
fn notes_head(notes: &str) -> Option<&str> {
    if notes.len() <= NOTES_IN_PAGES {
        return None;
    }
    let end = notes
        .char_indices()
        .nth(NOTES_HEAD_CHARS)
        .map_or(notes.len(), |(at, _)| at);
    Some(&notes[..end])
}

/// [`LEAD_COLUMNS`] for the inbox: of notes over [`NOTES_IN_PAGES`] bytes, their start.
/// SQLite reads a value's length without reading the value, and the notes only where kept.
static VIEW_COLUMNS: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    LEAD_COLUMNS.replacen(
        "description,",
        &format!(
            "CASE WHEN octet_length(description) > {NOTES_IN_PAGES} THEN notes_head \
             ELSE description END,"
        ),
        1,
    )
});

fn lead_from_row(r: &Row<'_>) -> rusqlite::Result<Lead> {
    let id: i64 = r.get(0)?;
    let action: Option<String> = r.get(4)?;
    let status: String = r.get(18)?;
    let status = status
        .parse()
        .map_err(|problem: String| Unreadable::at(18, format!("lead {id}"), &problem))?;
    Ok(Lead {
        id,
        contact_id: r.get(1)?,
        received_at: from_ts(r.get(2)?),
        source: r.get(3)?,
        action: action.as_deref().and_then(Action::parse),
        offer: r.get(5)?,
        offer_name: r.get(6)?,
        lead_source: r.get(7)?,
        first_name: r.get(8)?,
        last_name: r.get(9)?,
        full_name: r.get(10)?,
        email: r.get(11)?,
        phone: r.get(12)?,
        country: r.get(13)?,
        company: r.get(14)?,
        title: r.get(15)?,
        description: r.get(16)?,
        notes_len: r.get::<_, Option<i64>>(25)?.unwrap_or(0) as usize,
        is_test: r.get(17)?,
        status,
        owner: r.get(19)?,
        touches: r.get(20)?,
        last_touch_at: r.get::<_, Option<i64>>(21)?.map(from_ts),
        first_touch_at: r.get::<_, Option<i64>>(22)?.map(from_ts),
        sla_due_at: r.get::<_, Option<i64>>(23)?.map(from_ts),
        closed_at: r.get::<_, Option<i64>>(24)?.map(from_ts),
    })
}

fn from_ts(ts: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(ts, 0).unwrap_or_default()
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    if dir.exists() {
        return Ok(());
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{LeadFilter, SlaState, SortKey};
    use chrono::TimeZone;

    /// A first import drops the leads' indexes and makes them again: the store ends with
    /// the schema it started with, whether the import is kept or given up.
    #[test]
    fn a_first_import_leaves_the_schema_as_it_found_it() {
        let schema = |store: &Store| -> Vec<(String, String, Option<String>)> {
            store
                .conn
                .prepare("SELECT type, name, sql FROM sqlite_schema ORDER BY name")
                .unwrap()
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap()
        };
        let now = Utc.with_ymd_and_hms(2026, 11, 21, 18, 0, 0).unwrap();
        let mut store = Store::open_in_memory().unwrap();
        let fresh = schema(&store);
        assert!(
            fresh.iter().any(|(_, name, _)| name == "lead_rows_waiting"),
            "{fresh:?}"
        );
        // Given up: the session ends without its commit.
        let session = store.begin_import().unwrap();
        assert!(session.bulk.is_some());
        drop(session);
        assert_eq!(schema(&store), fresh);
        let options = crate::import::ImportOptions::default();
        let leads = br#"{"FirstName":"Ana","Email":"ana@example.org","LeadSource":"SPZA-PLT|o.p"}"#;
        let report =
            crate::import::import_bytes(&mut store, "a.json", leads, now, &options, now).unwrap();
        assert_eq!(report.new, 1, "{report}");
        assert_eq!(schema(&store), fresh);
    }

    /// A store whose files were replaced by something it cannot open stays closed, keeps
    /// saying it must be opened again, and opens once the file is a store again.
    #[test]
    fn a_failed_reopen_leaves_the_store_closed_until_a_later_one_succeeds() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("leads.db");
        let now = Utc.with_ymd_and_hms(2026, 11, 21, 18, 0, 0).unwrap();
        let mut store = Store::open(&path).unwrap();
        let ana = br#"{"FirstName":"Ana","Email":"ana@example.org"}"#;
        let options = crate::import::ImportOptions::default();
        crate::import::import_bytes(&mut store, "ana.json", ana, now, &options, now).unwrap();
        assert!(!store.files_replaced());
        // Another program moves the store (and its side files) away and leaves a text file
        // in its place.
        let files = open::own_files(&path);
        let aside = |f: &Path| {
            let name = f.file_name().unwrap().to_string_lossy();
            dir.path().join(format!("aside-{name}"))
        };
        for file in files.iter().filter(|f| f.exists()) {
            std::fs::rename(file, aside(file)).unwrap();
        }
        std::fs::write(&path, "not a store").unwrap();
        assert!(store.files_replaced());
        let error = store.reopen().unwrap_err();
        assert!(matches!(error, StoreError::NotAStore { .. }), "{error}");
        assert!(store.files_replaced(), "still closed");
        assert!(store.lead(1).is_err(), "the placeholder holds no lead");
        // The store comes back: the next reopen finds it.
        std::fs::remove_file(&path).unwrap();
        for file in &files {
            if aside(file).exists() {
                std::fs::rename(aside(file), file).unwrap();
            }
        }
        store.reopen().unwrap();
        assert!(!store.files_replaced());
        assert_eq!(store.lead(1).unwrap().first_name.as_deref(), Some("Ana"));
    }

    /// A store of a development version before the base schema is refused in one line and
    /// left as it was: no backup, no side file.
    #[test]
    fn an_early_development_store_is_refused_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("leads.db");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(
                "CREATE TABLE contacts (id INTEGER PRIMARY KEY, identity TEXT);
                 CREATE TABLE imports (id INTEGER PRIMARY KEY, path TEXT);
                 CREATE TABLE touches (id INTEGER PRIMARY KEY, lead_id INTEGER);
                 PRAGMA user_version = 6;",
            )
            .unwrap();
        }
        let before = std::fs::read(&path).unwrap();
        let error = Store::open(&path).err().expect("refused").to_string();
        assert_eq!(
            error,
            format!(
                "{}: the store was written by a development version of leadbox (schema 6); \
                 this one reads schema 7 and later: import the lead files into a new store",
                path.display()
            )
        );
        assert_eq!(std::fs::read(&path).unwrap(), before);
        let files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(files.len(), 1);
    }

    /// Each later step upgrades a store after a copy of it is made with SQLite's backup API,
    /// in one transaction; the store keeps its leads and touches, its mark and WAL mode.
    #[test]
    fn a_later_step_upgrades_a_store_after_a_backup() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("leads.db");
        let now = Utc.with_ymd_and_hms(2026, 11, 21, 18, 0, 0).unwrap();
        {
            let mut store = Store::open(&path).unwrap();
            let ana = br#"{"FirstName":"Ana","Email":"ana@example.org","LeadSource":"AppSource-PLT|a.b"}"#;
            let options = crate::import::ImportOptions::default();
            crate::import::import_bytes(&mut store, "ana.json", ana, now, &options, now).unwrap();
            store.add_touch(1, TouchKind::Call, None, now, now).unwrap();
        }
        // This leadbox's steps, and one more.
        let steps: Vec<schema::Step> = schema::CURRENT
            .steps
            .iter()
            .copied()
            .chain([schema::Step::sql(
                "ALTER TABLE lead_rows ADD COLUMN next_step TEXT;",
            )])
            .collect();
        let next = schema::Schema {
            steps: Vec::leak(steps),
        };
        let current = schema::CURRENT.version();
        let store = Store::open_with(&path, next).unwrap();
        assert_eq!(store.schema_version().unwrap(), current + 1);
        let pragma = |conn: &Connection, name: &str| -> String {
            conn.query_row(&format!("PRAGMA {name}"), [], |r| {
                r.get::<_, rusqlite::types::Value>(0)
            })
            .map(|v| match v {
                rusqlite::types::Value::Integer(i) => i.to_string(),
                rusqlite::types::Value::Text(t) => t,
                other => format!("{other:?}"),
            })
            .unwrap()
        };
        assert_eq!(pragma(&store.conn, "application_id"), "1279414104");
        assert_eq!(pragma(&store.conn, "journal_mode"), "wal");
        let column: Option<String> = store
            .conn
            .query_row("SELECT next_step FROM lead_rows WHERE id = 1", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(column, None);
        assert_eq!(store.lead(1).unwrap().first_name.as_deref(), Some("Ana"));
        assert_eq!(store.touches(1).unwrap().len(), 1);
        assert_eq!(
            store.derived_table_differences().unwrap(),
            Vec::<String>::new()
        );
        let backup =
            Connection::open(dir.path().join(format!("leads.db.schema-{current}.bak"))).unwrap();
        assert_eq!(pragma(&backup, "user_version"), current.to_string());
        let backup_leads: i64 = backup
            .query_row("SELECT count(*) FROM lead_rows", [], |r| r.get(0))
            .unwrap();
        assert_eq!(backup_leads, 1);
        drop(store);
        // Opened again by this leadbox (one step behind): refused as newer, unchanged.
        let error = Store::open(&path).err().expect("refused").to_string();
        assert!(
            error.contains(&format!(
                "written by a newer leadbox (schema {}",
                current + 1
            )),
            "{error}"
        );
    }

    /// A store of the base schema (version 7, before the settings) is upgraded to this
    /// leadbox's, keeping its leads; a change of SLA hours then moves every due time and
    /// the urgency order, once.
    #[test]
    fn a_base_store_upgrades_and_follows_the_sla_hours() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("leads.db");
        let now = Utc.with_ymd_and_hms(2026, 11, 21, 18, 0, 0).unwrap();
        {
            let mut store = Store::open_with(&path, schema::Schema { steps: &[] }).unwrap();
            assert_eq!(store.schema_version().unwrap(), schema::BASE_VERSION);
            let leads = concat!(
                r#"{"FirstName":"Ana","Email":"ana@example.org","LeadSource":"AppSource-PLT|a.b","receivedAt":"2026-11-21T08:00:00Z"}"#,
                "\n",
                r#"{"FirstName":"Ben","Email":"ben@example.org","LeadSource":"AppSource-DNC|a.b","receivedAt":"2026-11-21T09:00:00Z"}"#,
            );
            let options = crate::import::ImportOptions::default();
            crate::import::import_bytes(
                &mut store,
                "l.ndjson",
                leads.as_bytes(),
                now,
                &options,
                now,
            )
            .unwrap();
        }
        let mut store = Store::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), schema::CURRENT.version());
        let due = |store: &Store, id: i64| store.lead(id).unwrap().sla_due_at;
        let at = |h: u32| Some(Utc.with_ymd_and_hms(2026, 11, 21, h, 0, 0).unwrap());
        assert_eq!(
            due(&store, 1),
            Utc.with_ymd_and_hms(2026, 11, 22, 8, 0, 0).single()
        );
        assert!(
            !store.set_sla_hours(24).unwrap(),
            "24 is what the store has"
        );
        assert!(store.set_sla_hours(4).unwrap());
        assert_eq!(due(&store, 1), at(12));
        assert_eq!(due(&store, 2), None, "a DNC lead stays exempt");
        assert!(!store.set_sla_hours(4).unwrap(), "once");
        assert_eq!(
            store.derived_table_differences().unwrap(),
            Vec::<String>::new()
        );
        // Another connection reads the hours the store was computed with.
        drop(store);
        let store = Store::open(&path).unwrap();
        assert_eq!(store.sla_hours, 4);
    }

    /// A version-8 store gains one owner per customer (the newest lead's, the conflicts
    /// told) and leaves a lead with no one to contact out of the SLA.
    #[test]
    fn the_follow_up_step_gives_each_customer_one_owner_and_exempts_unreachable_leads() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("leads.db");
        let now = Utc.with_ymd_and_hms(2026, 11, 21, 18, 0, 0).unwrap();
        {
            let eight = schema::Schema {
                steps: &schema::CURRENT.steps[..1],
            };
            let mut store = Store::open_with(&path, eight).unwrap();
            let leads = concat!(
                r#"{"FirstName":"Ana","Email":"ana@example.org","LeadSource":"AppSource-PLT|a.b","receivedAt":"2026-11-21T08:00:00Z"}"#,
                "\n",
                r#"{"FirstName":"Ana","Email":"ana@example.org","LeadSource":"AppSource-INS|a.b","receivedAt":"2026-11-21T09:00:00Z"}"#,
                "\n",
                r#"{"Country":"US","LeadSource":"AppSource-PLT|a.b","receivedAt":"2026-11-21T10:00:00Z"}"#,
            );
            let options = crate::import::ImportOptions::default();
            let bytes = leads.as_bytes();
            crate::import::import_bytes(&mut store, "l.ndjson", bytes, now, &options, now).unwrap();
            // As version 8 left them: per-lead owners, and a due time for every lead.
            store
                .conn
                .execute_batch(
                    "UPDATE lead_rows SET owner = 'bo' WHERE id = 1;
                     UPDATE lead_rows SET owner = 'cy' WHERE id = 2;
                     UPDATE lead_rows SET sla_due_at = received_at + 86400 WHERE id = 3;",
                )
                .unwrap();
            orders::rewrite_urgency(&store.conn).unwrap();
        }
        let mut store = Store::open(&path).unwrap();
        assert_eq!(
            store.take_upgrade_notes(),
            vec![
                r#"customer 1: its leads had the owners "bo", "cy"; every lead now has "cy" (its newest lead's)"#
            ]
        );
        assert_eq!(store.lead(1).unwrap().owner.as_deref(), Some("cy"));
        assert_eq!(store.lead(2).unwrap().owner.as_deref(), Some("cy"));
        assert_eq!(store.lead(3).unwrap().sla_due_at, None);
        assert_eq!(store.lead(3).unwrap().sla_state(now), SlaState::Exempt);
        assert_eq!(
            store.derived_table_differences().unwrap(),
            Vec::<String>::new()
        );
    }

    /// A store of version 8 has its search index filed under words as they were then
    /// (lower case, accents kept, no phone): the step to 9 files them again, folded, with
    /// the phone's digits; the leads, the mark and a backup are kept as at any upgrade.
    #[test]
    fn a_version_8_store_gains_folded_search() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("leads.db");
        let now = Utc.with_ymd_and_hms(2026, 11, 21, 18, 0, 0).unwrap();
        let leads = concat!(
            r#"{"FirstName":"Jürgen","LastName":"Müller","Phone":"+1 (425) 555-0100","Email":"jm@tailspin.example","LeadSource":"AppSource-PLT|a.b"}"#,
            "\n",
            r#"{"FirstName":"Zoë","Email":"zoe@fabrikam.example","LeadSource":"AppSource-INS|a.b"}"#,
        );
        {
            let version_8 = schema::Schema {
                steps: &schema::CURRENT.steps[..1],
            };
            let mut store = Store::open_with(&path, version_8).unwrap();
            assert_eq!(store.schema_version().unwrap(), 8);
            let options = crate::import::ImportOptions::default();
            crate::import::import_bytes(
                &mut store,
                "l.ndjson",
                leads.as_bytes(),
                now,
                &options,
                now,
            )
            .unwrap();
            // The index as leadbox filed it at version 8: each run of letters and digits of
            // the name, email, company, offer and notes, lower-cased (here lead 1 is
            // Jürgen, lead 2 Zoë; "a.b" is the offer).
            store
                .conn
                .execute_batch(
                    "DELETE FROM search_postings;
                     INSERT INTO search_postings (word, chunk, leads, ids) VALUES
                        ('a', 0, 2, x'0101'), ('b', 0, 2, x'0101'), ('example', 0, 2, x'0101'),
                        ('fabrikam', 0, 1, x'02'), ('jm', 0, 1, x'01'),
                        ('jürgen', 0, 1, x'01'), ('müller', 0, 1, x'01'),
                        ('tailspin', 0, 1, x'01'), ('zoe', 0, 1, x'02'),
                        ('zoë', 0, 1, x'02');",
                )
                .unwrap();
        }
        let store = Store::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), schema::CURRENT.version());
        assert!(dir.path().join("leads.db.schema-8.bak").exists());
        let found = |text: &str| -> Vec<i64> {
            let filter = LeadFilter::default().with_search(text);
            store
                .page_forward(
                    &filter,
                    SortKey::Received,
                    now,
                    &window::PageStart::Beginning,
                    0,
                    10,
                )
                .unwrap()
                .into_iter()
                .map(|(_, lead)| lead.id)
                .collect()
        };
        assert_eq!(found("muller"), [1]);
        assert_eq!(found("MÜLLER jurgen"), [1]);
        assert_eq!(found("4255550100"), [1]);
        assert_eq!(found("zoe"), [2]);
        assert_eq!(found("#2"), [2]);
        let words: Vec<String> = store
            .conn
            .prepare("SELECT DISTINCT word FROM search_postings ORDER BY word")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(
            words,
            [
                "4255550100",
                "a",
                "b",
                "example",
                "fabrikam",
                "jm",
                "jurgen",
                "muller",
                "tailspin",
                "zoe"
            ]
        );
        assert_eq!(
            store.derived_table_differences().unwrap(),
            Vec::<String>::new()
        );
    }

    /// One lead (Ana, PLT, arrived 2026-11-21T08:00:00Z) in a store of its own.
    fn store_with_ana() -> (Store, i64) {
        let now = Utc.with_ymd_and_hms(2026, 11, 21, 18, 0, 0).unwrap();
        let mut store = Store::open_in_memory().unwrap();
        let ana = br#"{"FirstName":"Ana","Email":"ana@example.org","LeadSource":"AzureMarketplace-PLT|a.b","receivedAt":"2026-11-21T08:00:00Z"}"#;
        let options = crate::import::ImportOptions::default();
        crate::import::import_bytes(&mut store, "ana.json", ana, now, &options, now).unwrap();
        let id = store
            .conn
            .query_row("SELECT id FROM lead_rows", [], |r| r.get(0))
            .unwrap();
        (store, id)
    }

    /// A page of the inbox carries only the start of notes longer than it can show, kept
    /// apart at import, and says how long they are; every other read has them whole.
    #[test]
    fn pages_carry_only_the_start_of_long_notes() {
        let now = Utc.with_ymd_and_hms(2026, 11, 21, 18, 0, 0).unwrap();
        assert_eq!(notes_head("short"), None);
        // "é" is two bytes: the start is counted in characters, 65,536 of them.
        let notes = format!("a{}", "é".repeat(NOTES_IN_PAGES));
        let head = notes_head(&notes).unwrap();
        assert_eq!(head.chars().count(), 65_536);
        assert!(notes.starts_with(head) && head.len() == 1 + 2 * 65_535);
        let mut store = Store::open_in_memory().unwrap();
        let lead = crate::domain::NewLead {
            first_name: Some("Ana".into()),
            email: Some("ana@example.org".into()),
            description: Some(notes.clone()),
            ..Default::default()
        };
        let keys = LeadKeys::of(&lead);
        let mut session = store.begin_import().unwrap();
        session.add(lead, keys, now).unwrap();
        session
            .commit(&ImportRecord {
                path: "a".into(),
                sha256: String::new(),
                format: "json".into(),
                imported_at: now,
                new: 1,
                duplicates: 0,
                rejected: 0,
            })
            .unwrap();
        let page = store
            .page_forward(
                &LeadFilter::default(),
                SortKey::Urgency,
                now,
                &PageStart::Beginning,
                0,
                5,
            )
            .unwrap();
        let lead = &page[0].1;
        assert_eq!(lead.description.as_deref(), Some(head));
        assert_eq!(lead.notes_len, 1 + 2 * NOTES_IN_PAGES);
        // Read whole everywhere else.
        assert_eq!(
            store.lead(lead.id).unwrap().description.as_deref(),
            Some(&*notes)
        );
        let brief = store.contact_leads_without_notes(lead.contact_id).unwrap();
        assert_eq!((brief.len(), brief[0].description.as_deref()), (1, None));
    }

    /// A status leadbox does not know is an error naming the lead, wherever the lead is read
    /// (never read as `new`); its text is escaped.
    #[test]
    fn an_unknown_status_is_an_error_naming_the_lead() {
        let (mut store, id) = store_with_ana();
        store
            .conn
            .execute(
                "UPDATE lead_rows SET status = ?2 WHERE id = ?1",
                params![id, "pending\u{1b}"],
            )
            .unwrap();
        let message = format!(
            "lead {id} in the store: unknown status 'pending\\e' (expected new, contacted, \
             qualified, won or lost)"
        );
        let error = store.lead(id).unwrap_err();
        assert!(matches!(error, StoreError::Unreadable(_)), "{error:?}");
        assert_eq!(error.to_string(), message);
        let now = Utc.with_ymd_and_hms(2026, 11, 21, 18, 0, 0).unwrap();
        let listed = store.for_each(&LeadFilter::default(), SortKey::Urgency, now, |_| {
            Ok::<_, StoreError>(())
        });
        assert_eq!(listed.unwrap_err().to_string(), message);
        assert_eq!(store.contact_leads(1).unwrap_err().to_string(), message);
        // Writes read the status too (to undo it): they fail the same way and write nothing.
        assert_eq!(
            store
                .set_status_at(id, Status::Won, Utc::now())
                .unwrap_err()
                .to_string(),
            message
        );
        assert_eq!(
            store
                .add_touch(id, TouchKind::Email, None, now, now)
                .unwrap_err()
                .to_string(),
            message
        );
        let touches: i64 = store
            .conn
            .query_row("SELECT count(*) FROM touches", [], |r| r.get(0))
            .unwrap();
        assert_eq!(touches, 0);
    }

    /// A touch kind leadbox does not know (the table's check was bypassed) is an error
    /// naming the touch and its lead, never read as a note.
    #[test]
    fn an_unknown_touch_kind_is_an_error_naming_the_touch() {
        let (store, id) = store_with_ana();
        store
            .conn
            .execute_batch(&format!(
                "PRAGMA ignore_check_constraints = ON;
                 INSERT INTO touches (id, lead_id, kind, note, at, logged_at)
                 VALUES (41, {id}, 'sms', NULL, 1795262400, 1795262400);
                 PRAGMA ignore_check_constraints = OFF;"
            ))
            .unwrap();
        let error = store.touches(id).unwrap_err();
        assert!(matches!(error, StoreError::Unreadable(_)), "{error:?}");
        assert_eq!(
            error.to_string(),
            format!(
                "touch 41 of lead {id} in the store: unknown touch kind 'sms' (expected email, \
                 call, meeting or note)"
            )
        );
    }

    /// Closing an untouched lead takes it out of the urgent leads and the overdue count
    /// (`orders::follow` moves it in the urgency order); reopening puts it back.
    #[test]
    fn closing_and_reopening_move_a_lead_in_the_urgency_order() {
        let (mut store, ana) = store_with_ana(); // due 2026-11-22T08:00:00Z
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 0, 0, 0).unwrap();
        let overdue = |store: &Store| {
            store
                .lane_counts(&LeadFilter::default(), now)
                .unwrap()
                .overdue
        };
        assert_eq!(overdue(&store), 1);
        let closed = Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap();
        assert_eq!(
            store.set_status_at(ana, Status::Won, closed).unwrap(),
            (Status::New, None)
        );
        assert_eq!(store.lead(ana).unwrap().closed_at, Some(closed));
        assert_eq!(store.lead(ana).unwrap().sla_state(now), SlaState::Missed);
        assert_eq!(overdue(&store), 0);
        let sort_key: i64 = store
            .conn
            .query_row(
                "SELECT sort_key FROM lead_order_urgency WHERE lead_id = ?1",
                [ana],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(sort_key, 100_000_000_000 - 1795248000);
        // Won to lost keeps the first close.
        store.set_status_at(ana, Status::Lost, now).unwrap();
        assert_eq!(store.lead(ana).unwrap().closed_at, Some(closed));
        // Reopened, the clock runs again.
        store.set_status_at(ana, Status::Qualified, now).unwrap();
        assert_eq!(store.lead(ana).unwrap().closed_at, None);
        assert_eq!(store.lead(ana).unwrap().sla_state(now), SlaState::Overdue);
        assert_eq!(overdue(&store), 1);
        assert_eq!(
            store.derived_table_differences().unwrap(),
            Vec::<String>::new()
        );
    }

    /// Whatever edits a lead's row inside `orders::follow` moves its sort orders and
    /// lookups: a change of lane and origin, of company, of arrival time, and a delete.
    #[test]
    fn follow_keeps_the_derived_tables_through_edits_and_deletes() {
        let now = Utc.with_ymd_and_hms(2026, 11, 21, 18, 0, 0).unwrap();
        let leads = [
            ("Ana", "AzureMarketplace-INS|contoso.crm", "Contoso"),
            ("Ben", "SPZA-PLT|fabrikam.iot", "Fabrikam"),
            ("Cai", "AzurePortal-Create|contoso.crm", "Litware"),
            ("Dee", "TestDrive-StartTestDrive|adatum.edge", "Adatum"),
            ("Eve", "AzureMarketplace-DNC|fabrikam.iot", "Woodgrove"),
        ];
        let ndjson: String = leads
            .iter()
            .map(|(name, source, company)| {
                format!(
                    "{{\"FirstName\":\"{name}\",\"Email\":\"{name}@example.org\",\
                     \"Company\":\"{company}\",\"LeadSource\":\"{source}\"}}\n"
                )
            })
            .collect();
        for bulk in [true, false] {
            let mut store = Store::open_in_memory().unwrap();
            if !bulk {
                let seed = br#"{"FirstName":"Seed","Email":"seed@example.org"}"#;
                let options = crate::import::ImportOptions::default();
                crate::import::import_bytes(&mut store, "seed.json", seed, now, &options, now)
                    .unwrap();
            }
            let options = crate::import::ImportOptions::default();
            let report = crate::import::import_bytes(
                &mut store,
                "leads.ndjson",
                ndjson.as_bytes(),
                now,
                &options,
                now,
            )
            .unwrap();
            assert_eq!(report.new, 5, "{report}");
            let origins: i64 = store
                .conn
                .query_row("SELECT count(*) FROM lead_origins", [], |r| r.get(0))
                .unwrap();
            assert_eq!(origins, if bulk { 5 } else { 6 });
            let conn = &store.conn;
            let ids: Vec<i64> = (1..=6).collect();
            orders::follow(conn, &ids, || {
                conn.execute_batch(
                    "UPDATE lead_rows SET lane = 3, origin_id = (
                         SELECT o.id FROM lead_origins o WHERE o.action = 'DNC')
                     WHERE first_name = 'Ana';
                     UPDATE lead_rows SET company = 'Zeta' WHERE first_name = 'Ben';
                     UPDATE lead_rows SET received_at = received_at - 3600
                     WHERE first_name = 'Cai';
                     DELETE FROM lead_rows WHERE first_name = 'Dee';",
                )?;
                Ok(())
            })
            .unwrap();
            assert_eq!(
                store.derived_table_differences().unwrap(),
                Vec::<String>::new(),
                "bulk: {bulk}"
            );
            let ana: Lead = store
                .conn
                .query_row(
                    &format!("SELECT {LEAD_COLUMNS} FROM leads WHERE first_name = 'Ana'"),
                    [],
                    lead_from_row,
                )
                .unwrap();
            assert_eq!(ana.action, Some(Action::Dnc));
            assert_eq!(ana.offer.as_deref(), Some("fabrikam.iot"));
        }
    }
}
