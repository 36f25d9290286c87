-- Version 9: following customers up after the first touch (`domain::follow_up`).
--
-- A lead with no email, no phone and no name has no one to contact: it owes no first touch
-- (`domain::sla::is_reachable`). The urgency order is written again after this step.
UPDATE lead_rows SET sla_due_at = NULL WHERE sla_due_at IS NOT NULL AND NOT {reachable};

-- A customer (a contact) has one owner: every lead of it shows the same. Where leads
-- disagreed, the newest lead's owner wins (the upgrade lists each such customer).
UPDATE lead_rows SET owner = (
    SELECT o.owner FROM lead_rows o
    WHERE o.contact_id = lead_rows.contact_id AND o.owner IS NOT NULL
    ORDER BY o.received_at DESC, o.id DESC LIMIT 1)
WHERE contact_id IN (SELECT contact_id FROM lead_rows WHERE owner IS NOT NULL);

-- What is kept per customer beside the leads: a snooze (until when, set when: a later lead
-- or customer touch ends it) and the next step set when the customer was qualified.
CREATE TABLE customer_follow_ups (
    contact_id    INTEGER PRIMARY KEY REFERENCES contacts(id) ON DELETE CASCADE,
    snoozed_until INTEGER,
    snoozed_at    INTEGER,
    next_step     TEXT,
    next_step_at  INTEGER
);

-- The qualification checklist's checked items, per customer.
CREATE TABLE customer_checks (
    contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    item       TEXT NOT NULL,
    checked_at INTEGER NOT NULL,
    PRIMARY KEY (contact_id, item)
) WITHOUT ROWID;

-- Why a lead was lost, or qualified without a complete checklist, and whether the close was
-- confirmed early (fewer touch days than the settings ask).
CREATE TABLE lead_closes (
    lead_id  INTEGER PRIMARY KEY REFERENCES lead_rows(id) ON DELETE CASCADE,
    reason   TEXT,
    override TEXT,
    forced   INTEGER NOT NULL DEFAULT 0,
    at       INTEGER NOT NULL
);

