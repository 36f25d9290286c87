//! Inserts that let SQLite read the values where they are.
//!
//! rusqlite binds every string as `SQLITE_TRANSIENT`: SQLite first copies it into memory of
//! its own, then copies it again into the row it inserts. A bulk import binds about a dozen
//! strings per lead, millions in all, so its inserts bind them as `SQLITE_STATIC` instead,
//! through SQLite's C API: SQLite reads each string in place while the statement runs.
//! This module is the only one that calls that API.
#![allow(unsafe_code)]

use rusqlite::ffi;
use rusqlite::types::ValueRef;
use rusqlite::Connection;
use std::ffi::c_int;
use std::marker::PhantomData;
use std::ptr::NonNull;

/// One prepared `INSERT`, run many times with borrowed values.
///
/// Soundness: SQLite keeps a pointer to each string or blob bound as `SQLITE_STATIC` until
/// the parameter is bound again, and reads it only when the statement runs. `execute`
/// binds every parameter before each run, so a run reads only values that the caller lends
/// for that call; between calls the pointers are kept but never read, and `Drop` clears
/// them before it finalizes the statement. The statement borrows its connection, so it is
/// finalized before the connection closes.
pub(super) struct StaticInsert<'c> {
    stmt: NonNull<ffi::sqlite3_stmt>,
    db: *mut ffi::sqlite3,
    params: usize,
    _conn: PhantomData<&'c Connection>,
}

impl<'c> StaticInsert<'c> {
    pub fn prepare(conn: &'c Connection, sql: &str) -> rusqlite::Result<StaticInsert<'c>> {
        let len = c_len(sql.as_bytes())?;
        // SAFETY: the handle stays valid while `conn` is borrowed, and 'c outlives the
        // statement.
        let db = unsafe { conn.handle() };
        let mut stmt = std::ptr::null_mut();
        // SAFETY: `sql` is valid for `len` bytes; SQLite writes the statement to `stmt`.
        let rc = unsafe {
            ffi::sqlite3_prepare_v2(
                db,
                sql.as_ptr().cast(),
                len,
                &mut stmt,
                std::ptr::null_mut(),
            )
        };
        if rc != ffi::SQLITE_OK {
            return Err(error(db, rc));
        }
        let stmt = NonNull::new(stmt).ok_or(rusqlite::Error::InvalidQuery)?;
        // SAFETY: `stmt` was just prepared.
        let params = unsafe { ffi::sqlite3_bind_parameter_count(stmt.as_ptr()) } as usize;
        Ok(StaticInsert {
            stmt,
            db,
            params,
            _conn: PhantomData,
        })
    }

    /// Runs the statement once, with `values` bound to its parameters in order: exactly one
    /// value per parameter.
    pub fn execute<'v>(
        &mut self,
        values: impl IntoIterator<Item = ValueRef<'v>>,
    ) -> rusqlite::Result<()> {
        let stmt = self.stmt.as_ptr();
        let mut bound = 0;
        for value in values {
            bound += 1;
            if bound > self.params {
                return Err(rusqlite::Error::InvalidParameterCount(bound, self.params));
            }
            let i = bound as c_int;
            // SAFETY: `stmt` is a live statement and `i` one of its parameters. A text or
            // blob is read in place, only by the run below, while `values` is borrowed.
            let rc = unsafe {
                match value {
                    ValueRef::Null => ffi::sqlite3_bind_null(stmt, i),
                    ValueRef::Integer(v) => ffi::sqlite3_bind_int64(stmt, i, v),
                    ValueRef::Real(v) => ffi::sqlite3_bind_double(stmt, i, v),
                    ValueRef::Text(v) => ffi::sqlite3_bind_text(
                        stmt,
                        i,
                        v.as_ptr().cast(),
                        c_len(v)?,
                        ffi::SQLITE_STATIC(),
                    ),
                    ValueRef::Blob(v) => ffi::sqlite3_bind_blob(
                        stmt,
                        i,
                        v.as_ptr().cast(),
                        c_len(v)?,
                        ffi::SQLITE_STATIC(),
                    ),
                }
            };
            if rc != ffi::SQLITE_OK {
                return Err(error(self.db, rc));
            }
        }
        if bound != self.params {
            return Err(rusqlite::Error::InvalidParameterCount(bound, self.params));
        }
        // SAFETY: every parameter was bound just now.
        let rc = unsafe { ffi::sqlite3_step(stmt) };
        let result = match rc {
            ffi::SQLITE_DONE => Ok(()),
            _ => Err(error(self.db, rc)),
        };
        // SAFETY: `stmt` is live; resetting makes it ready for the next run.
        unsafe { ffi::sqlite3_reset(stmt) };
        result
    }
}

impl Drop for StaticInsert<'_> {
    fn drop(&mut self) {
        // SAFETY: the statement is live and finalized once, after its bindings are cleared.
        unsafe {
            ffi::sqlite3_clear_bindings(self.stmt.as_ptr());
            ffi::sqlite3_finalize(self.stmt.as_ptr());
        }
    }
}

/// A length as the C API takes it.
fn c_len(bytes: &[u8]) -> rusqlite::Result<c_int> {
    c_int::try_from(bytes.len())
        .map_err(|_| rusqlite::Error::ToSqlConversionFailure("a value over 2 GiB".into()))
}

/// The connection's error for a failed call.
fn error(db: *mut ffi::sqlite3, rc: c_int) -> rusqlite::Error {
    // SAFETY: `db` is the live connection the call ran on; its message is copied at once.
    let message = unsafe {
        let text = ffi::sqlite3_errmsg(db);
        (!text.is_null()).then(|| {
            std::ffi::CStr::from_ptr(text)
                .to_string_lossy()
                .into_owned()
        })
    };
    rusqlite::Error::SqliteFailure(ffi::Error::new(rc), message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_inserted_as_bound_and_errors_name_the_problem() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT, c BLOB, d REAL)")
            .unwrap();
        let mut insert =
            StaticInsert::prepare(&conn, "INSERT INTO t VALUES (?, ?, ?, ?), (?, ?, ?, ?)")
                .unwrap();
        for round in 0..3i64 {
            // Values made for this call only, and dropped right after it.
            let text = format!("row {round} ünïcode");
            let blob = vec![round as u8; 3];
            insert
                .execute([
                    ValueRef::Integer(2 * round + 1),
                    ValueRef::Text(text.as_bytes()),
                    ValueRef::Blob(&blob),
                    ValueRef::Real(0.5),
                    ValueRef::Integer(2 * round + 2),
                    ValueRef::Null,
                    ValueRef::Null,
                    ValueRef::Null,
                ])
                .unwrap();
        }
        let rows: Vec<(i64, Option<String>, Option<Vec<u8>>)> = conn
            .prepare("SELECT a, b, c FROM t ORDER BY a")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(rows.len(), 6);
        assert_eq!(rows[4], (5, Some("row 2 ünïcode".into()), Some(vec![2; 3])));
        assert_eq!(rows[5], (6, None, None));

        // A duplicate key is SQLite's error, and the statement still runs afterwards.
        let values = |a| {
            [
                ValueRef::Integer(a),
                ValueRef::Null,
                ValueRef::Null,
                ValueRef::Null,
            ]
        };
        let err = insert
            .execute(values(1).into_iter().chain(values(7)))
            .unwrap_err();
        assert!(err.to_string().contains("UNIQUE"), "{err}");
        let err = insert.execute(values(8)).unwrap_err();
        assert!(
            matches!(err, rusqlite::Error::InvalidParameterCount(4, 8)),
            "{err}"
        );
        insert
            .execute(values(8).into_iter().chain(values(9)))
            .unwrap();
        let count: i64 = conn
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(count, 8);
        assert!(StaticInsert::prepare(&conn, "INSERT INTO nowhere VALUES (?)").is_err());
    }
}
