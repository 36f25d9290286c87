//! What a schema step needs beyond its SQL: what to tell the user before it runs, and the
//! derived tables to write again after it.

use rusqlite::Connection;

use super::{orders, Result};

/// Notes for the user about the step to version `to`, read before it runs.
pub(super) fn before(conn: &Connection, to: i64) -> Result<Vec<String>> {
    if to != 9 {
        return Ok(Vec::new());
    }
    // One owner per customer: list the customers whose leads disagreed, with every owner
    // their leads had and the newest lead's, which the step keeps.
    let mut stmt = conn.prepare(
        "SELECT contact_id, owner,
            (SELECT o.owner FROM lead_rows o
             WHERE o.contact_id = lead_rows.contact_id AND o.owner IS NOT NULL
             ORDER BY o.received_at DESC, o.id DESC LIMIT 1)
         FROM lead_rows
         WHERE owner IS NOT NULL
            AND contact_id IN (SELECT contact_id FROM lead_rows WHERE owner IS NOT NULL
                GROUP BY contact_id HAVING COUNT(DISTINCT owner) > 1)
         GROUP BY contact_id, owner ORDER BY contact_id, owner",
    )?;
    let mut customers: Vec<(i64, Vec<String>, String)> = Vec::new();
    let rows = stmt.query_map([], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get(2)?))
    })?;
    for row in rows {
        let (contact, owner, kept) = row?;
        match customers.last_mut() {
            Some((c, owners, _)) if *c == contact => owners.push(format!("{owner:?}")),
            _ => customers.push((contact, vec![format!("{owner:?}")], kept)),
        }
    }
    Ok(customers
        .into_iter()
        .map(|(contact, owners, kept)| {
            format!(
                "customer {contact}: its leads had the owners {}; every lead now has {kept:?} \
                 (its newest lead's)",
                owners.join(", ")
            )
        })
        .collect())
}

/// Writes again what the step to version `to` changed the keys of.
pub(super) fn after(conn: &Connection, to: i64) -> Result<()> {
    if to == 9 {
        // Leads that became exempt left the head of the urgency order.
        orders::rewrite_urgency(conn)?;
    }
    Ok(())
}
