//! Writing many rows at once: a first import into an empty store inserts its leads and
//! contacts 64 rows per statement, with the ids it gives them itself (the tables derived
//! from them are written in key order by `orders::Runs`).

use rusqlite::types::ToSqlOutput;
use rusqlite::types::ValueRef::{self, Integer, Text};
use rusqlite::Connection;
use std::cell::RefCell;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;

use super::orders::Runs;
#[cfg(feature = "static-bind")]
use super::static_insert::StaticInsert;
use super::{LeadRow, Result, LEAD_ROWS};

/// What a bulk import holds besides its transaction.
pub(super) struct Bulk<'c> {
    pub keys: Runs,
    /// Leads and contacts waiting for a full `INSERT`, with the ids given to them.
    pub leads: Vec<LeadRow>,
    pub contacts: Vec<(i64, Option<String>, Option<i64>)>,
    pub next_lead_id: i64,
    pub next_contact_id: i64,
    pub inserts: Inserts<'c>,
    /// The indexes of the leads, dropped for the import and made again at its end (their
    /// SQL as the store holds it): built from a million leads at once, an index costs a
    /// fraction of keeping it up row by row.
    pub indexes: Vec<String>,
}

impl Bulk<'_> {
    /// Drops the indexes of the leads; returns the SQL that makes them again.
    pub fn drop_indexes(conn: &Connection) -> Result<Vec<String>> {
        let indexes: Vec<(String, String)> = conn
            .prepare(
                "SELECT name, sql FROM sqlite_schema
                 WHERE type = 'index' AND tbl_name = 'lead_rows' AND sql IS NOT NULL",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (name, _) in &indexes {
            conn.execute_batch(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")))?;
        }
        Ok(indexes.into_iter().map(|(_, sql)| sql).collect())
    }

    /// Makes the indexes dropped by [`Bulk::drop_indexes`] again.
    pub fn make_indexes(&self, conn: &Connection) -> Result<()> {
        for sql in &self.indexes {
            conn.execute_batch(sql)?;
        }
        Ok(())
    }

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

/// Rows per `INSERT`: a statement per row would cost more than the row itself (a 1M import:
/// 5.2-5.3 s at 128, against 5.4 s at 32 or 64 and 5.3-5.6 s at 256 or 512).
pub(super) const ROWS_PER_INSERT: usize = 128;

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
    fn insert_statements_are_built_once_per_shape() {
        let sql = insert_sql("t (a, b)", 2, 3);
        assert_eq!(&*sql, "INSERT INTO t (a, b) VALUES (?, ?), (?, ?), (?, ?)");
        assert!(Rc::ptr_eq(&sql, &insert_sql("t (a, b)", 2, 3)));
        assert_eq!(
            &*insert_sql("t (a, b)", 2, 1),
            "INSERT INTO t (a, b) VALUES (?, ?)"
        );
    }
}
