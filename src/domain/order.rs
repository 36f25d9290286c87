//! The inbox's sort keys, all ascending, ties by lead id: the one definition of each, in Rust
//! (what an import writes) and in SQL (the store's generated columns, derived from these).

/// Leads still owed a first touch (open, untouched, not exempt) come first, by due time;
/// then the rest, newest first. Due times are far below this bound, so the two never mix.
const AFTER_EVERY_DUE_TIME: i64 = 100_000_000_000;

/// The urgency key from a lead's times in seconds: see [`urgency_sql`].
pub fn urgency(
    received_at: i64,
    sla_due_at: Option<i64>,
    first_touch_at: Option<i64>,
    closed_at: Option<i64>,
) -> i64 {
    match (sla_due_at, first_touch_at, closed_at) {
        (Some(due), None, None) => due,
        _ => AFTER_EVERY_DUE_TIME - received_at,
    }
}

/// [`urgency`] in SQL over the columns `received_at`, `sla_due_at`, `first_touch_at` and
/// `closed_at`.
pub fn urgency_sql() -> String {
    format!(
        "CASE WHEN sla_due_at IS NOT NULL AND first_touch_at IS NULL AND closed_at IS NULL \
         THEN sla_due_at ELSE {AFTER_EVERY_DUE_TIME} - received_at END"
    )
}

/// The received key: newest first.
pub fn received(received_at: i64) -> i64 {
    -received_at
}

/// [`received`] in SQL over the column `received_at`.
pub fn received_sql() -> &'static str {
    "-received_at"
}

/// The key of a text (company, offer): its ASCII letters folded to lower case (what SQLite's
/// `lower()` does), a missing value last.
pub fn text(value: Option<&str>) -> String {
    let mut key = String::new();
    write_text(value, &mut key);
    key
}

/// [`text`], written into `key` (a bulk import reuses one buffer for a million).
pub fn write_text(value: Option<&str>, key: &mut String) {
    key.clear();
    match value {
        Some(value) => {
            key.push_str(value);
            key.make_ascii_lowercase();
        }
        None => key.push(char::MAX),
    }
}

/// [`text`] in SQL over the column (or expression) `column`.
pub fn text_sql(column: &str) -> String {
    format!("coalesce(lower({column}), char({}))", char::MAX as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urgency_puts_leads_owed_a_touch_first_by_due_time() {
        assert_eq!(urgency(100, Some(200), None, None), 200);
        assert_eq!(urgency(100, Some(200), Some(150), None), 99_999_999_900);
        assert_eq!(urgency(100, Some(200), None, Some(150)), 99_999_999_900);
        assert_eq!(urgency(100, None, None, None), 99_999_999_900);
        assert!(urgency(50, None, None, None) > urgency(100, None, None, None));
        assert_eq!(text(Some("Ärzte ABC")), "Ärzte abc");
        assert_eq!(text(None), "\u{10FFFF}");
        assert!(text(None) > text(Some("zzz")));
        assert!(text(None) > text(Some("ウィングティップ")));
        assert_eq!(received(100), -100);
    }

    /// The SQL of each key gives what the Rust gives, over the same values.
    #[test]
    fn the_sql_keys_agree_with_the_rust_ones() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let times = [None, Some(90), Some(100), Some(200)];
        for due in times {
            for touch in times {
                for closed in times {
                    let sql = format!(
                        "SELECT {} FROM (SELECT 100 AS received_at, ?1 AS sla_due_at,
                             ?2 AS first_touch_at, ?3 AS closed_at)",
                        urgency_sql()
                    );
                    let got: i64 = conn
                        .query_row(&sql, rusqlite::params![due, touch, closed], |r| r.get(0))
                        .unwrap();
                    assert_eq!(got, urgency(100, due, touch, closed));
                }
            }
        }
        for value in [None, Some("Contoso"), Some("ÄRZTE abc"), Some("")] {
            let got: String = conn
                .query_row(
                    &format!("SELECT {} FROM (SELECT ?1 AS v)", text_sql("v")),
                    [value],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(got, text(value), "{value:?}");
        }
        let got: i64 = conn
            .query_row(
                &format!("SELECT {} FROM (SELECT 42 AS received_at)", received_sql()),
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(got, received(42));
    }
}
