//! What a schema step needs beyond its SQL: what to tell the user before it runs, and the
//! derived tables to write again after it.

use rusqlite::Connection;

use super::{orders, Result};

/// Notes for the user about the step to version `to`, read before it runs.
pub(super) fn before(conn: &Connection, to: i64) -> Result<Vec<String>> {
    if to != 9 {
        return Ok(Vec::new());
    }
    // One owner per customer: list the customers whose leads disagreed.
    let mut stmt = conn.prepare(
        "SELECT contact_id, group_concat(DISTINCT owner),
            (SELECT o.owner FROM lead_rows o WHERE o.contact_id = lead_rows.contact_id
                AND o.owner IS NOT NULL ORDER BY o.received_at DESC, o.id DESC LIMIT 1)
         FROM lead_rows WHERE owner IS NOT NULL
         GROUP BY contact_id HAVING COUNT(DISTINCT owner) > 1 ORDER BY contact_id",
    )?;
    let notes = stmt
        .query_map([], |r| {
            let (contact, owners, kept): (i64, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
            Ok(format!(
                "customer {contact}: its leads had the owners {}; every lead now has {kept:?} \
                 (its newest lead's)",
                owners
                    .split(',')
                    .map(|o| format!("{o:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(notes)
}

/// Writes again what the step to version `to` changed the keys of.
pub(super) fn after(conn: &Connection, to: i64) -> Result<()> {
    if to == 9 {
        // Leads that became exempt left the head of the urgency order.
        orders::rewrite_urgency(conn)?;
    }
    Ok(())
}
