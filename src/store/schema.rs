//! The store's schema: one base schema, then numbered steps. `PRAGMA user_version` records
//! the version a store is at.
//!
//! The SQL lives in `migrations/`, a file per version. The rules it needs (sort keys, touch
//! kinds) are filled in from their one definition in `domain/`, so the SQL never restates
//! them; only plain SQL text reaches the schema (no function of leadbox's own, which the
//! `sqlite3` shell and `PRAGMA integrity_check` would not know). A rule whose result is
//! stored (a sort key, the lane) that changes needs a new step that rewrites what it stored.

use crate::domain::{order, sla, Status, TouchKind};

/// The version of the base schema: the first a released leadbox reads. Stores of earlier
/// (development) versions are refused.
pub const BASE_VERSION: i64 = 7;

/// The schema a store is made with and upgraded to.
#[derive(Debug, Clone, Copy)]
pub struct Schema {
    /// Steps after the base, in order: step `i` takes a store from version
    /// `BASE_VERSION + i` to the next. A shipped step never changes.
    pub steps: &'static [Step],
}

/// One step of the schema.
#[derive(Debug, Clone, Copy)]
pub struct Step {
    pub sql: &'static str,
    /// The step changes what the search index files a lead under (its SQL empties the
    /// index): the upgrade builds the index again from the stored leads, with this
    /// leadbox's words, once after its last step. SQL cannot: the words are Rust's.
    pub rebuilds_search: bool,
}

impl Step {
    /// A step of SQL alone.
    pub const fn sql(sql: &'static str) -> Step {
        Step {
            sql,
            rebuilds_search: false,
        }
    }
}

/// This leadbox's schema.
pub const CURRENT: Schema = Schema {
    steps: &[
        Step::sql(include_str!("migrations/0008_settings.sql")),
        Step::sql(include_str!("migrations/0009_follow_up.sql")),
        Step {
            sql: include_str!("migrations/0010_folded_search.sql"),
            rebuilds_search: true,
        },
        Step::sql(include_str!("migrations/0011_offer_mutes.sql")),
        Step::sql(include_str!("migrations/0012_waiting_leads.sql")),
    ],
};

impl Schema {
    /// The version a store has once made or upgraded.
    pub fn version(&self) -> i64 {
        BASE_VERSION + self.steps.len() as i64
    }
}

/// The base schema's SQL, with each rule filled in.
pub fn base() -> String {
    let touch_kinds: Vec<String> = TouchKind::ALL
        .iter()
        .map(|k| format!("'{}'", k.as_str()))
        .collect();
    include_str!("migrations/0007_schema.sql")
        .replace("{urgency}", &order::urgency_sql())
        .replace("{received_key}", order::received_sql())
        .replace("{company_key}", &order::text_sql("company"))
        .replace("{origin_offer_key}", &order::text_sql("o.offer"))
        .replace("{touch_kinds}", &touch_kinds.join(", "))
}

/// A step's SQL, with each rule filled in.
pub fn step(sql: &str) -> String {
    sql.replace("{reachable}", sla::reachable_sql())
        .replace("{waiting}", &waiting_sql())
}

/// A lead waiting for its first touch: contactable (it has a due time), open, untouched.
pub fn waiting_sql() -> String {
    format!(
        "sla_due_at IS NOT NULL AND first_touch_at IS NULL AND {}",
        Status::is_open_sql("status")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_in_braces_is_filled_in() {
        let sql = base();
        let code: String = sql
            .lines()
            .filter(|line| !line.trim_start().starts_with("--"))
            .collect();
        assert!(!code.contains('{') && !code.contains('}'), "{sql}");
        for step in CURRENT.steps {
            let sql = super::step(step.sql);
            let code: String = sql
                .lines()
                .filter(|line| !line.trim_start().starts_with("--"))
                .collect();
            assert!(!code.contains('{') && !code.contains('}'), "{sql}");
        }
        assert!(sql.contains("CHECK (kind IN ('email', 'call', 'meeting', 'note'))"));
    }

    /// The SQL forms of "open" and "reachable" agree with the Rust ones on every case.
    #[test]
    fn open_and_reachable_in_sql_are_the_rules_in_rust() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        for status in Status::ALL {
            let sql = format!("SELECT {}", Status::is_open_sql("?1"));
            let open: bool = conn
                .query_row(&sql, [status.as_str()], |r| r.get(0))
                .unwrap();
            assert_eq!(open, status.is_open(), "{status}");
        }
        conn.execute_batch(
            "CREATE TABLE l (email TEXT, phone TEXT, first_name TEXT, last_name TEXT,
                full_name TEXT)",
        )
        .unwrap();
        for mask in 0..32u32 {
            let value = |bit: u32| (mask & (1 << bit) != 0).then_some("x");
            let row = [value(0), value(1), value(2), value(3), value(4)];
            conn.execute("DELETE FROM l", []).unwrap();
            conn.execute("INSERT INTO l VALUES (?1, ?2, ?3, ?4, ?5)", row)
                .unwrap();
            let sql = format!("SELECT {} FROM l", sla::reachable_sql());
            let in_sql: bool = conn.query_row(&sql, [], |r| r.get(0)).unwrap();
            let name = row[2].or(row[3]).or(row[4]);
            assert_eq!(in_sql, sla::is_reachable(row[0], row[1], name), "{row:?}");
        }
    }
}
