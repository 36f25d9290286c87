//! The store's schema: one base schema, then numbered steps. `PRAGMA user_version` records
//! the version a store is at.
//!
//! The SQL lives in `migrations/`, a file per version. The rules it needs (sort keys, touch
//! kinds) are filled in from their one definition in `domain/`, so the SQL never restates
//! them; only plain SQL text reaches the schema (no function of leadbox's own, which the
//! `sqlite3` shell and `PRAGMA integrity_check` would not know). A rule whose result is
//! stored (a sort key, the lane) that changes needs a new step that rewrites what it stored.

use crate::domain::{order, TouchKind};

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
        Step {
            sql: include_str!("migrations/0009_folded_search.sql"),
            rebuilds_search: true,
        },
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
        assert!(sql.contains("CHECK (kind IN ('email', 'call', 'meeting', 'note'))"));
    }
}
