//! Schema migrations, applied in order; `PRAGMA user_version` records how many ran.

/// Each entry moves the schema one version forward. Never edit a shipped entry: add one.
pub const MIGRATIONS: &[&str] = &[
    // 1: contacts, leads, touches and the import history.
    r#"
    CREATE TABLE contacts (
        id       INTEGER PRIMARY KEY,
        -- 'email:…' or 'name:…|company'; NULL for a lead whose personal data was withheld.
        identity TEXT UNIQUE
    );

    CREATE TABLE imports (
        id          INTEGER PRIMARY KEY,
        path        TEXT NOT NULL,
        sha256      TEXT NOT NULL,
        format      TEXT NOT NULL,
        imported_at INTEGER NOT NULL,
        new         INTEGER NOT NULL,
        duplicates  INTEGER NOT NULL,
        rejected    INTEGER NOT NULL
    );

    CREATE TABLE leads (
        id             INTEGER PRIMARY KEY,
        -- The export's own key, or a fingerprint of the record: makes re-imports harmless.
        record_key     TEXT NOT NULL UNIQUE,
        contact_id     INTEGER NOT NULL REFERENCES contacts(id),
        import_id      INTEGER REFERENCES imports(id),
        received_at    INTEGER NOT NULL,
        source         TEXT,
        action         TEXT,
        offer          TEXT,
        offer_name     TEXT,
        lead_source    TEXT,
        first_name     TEXT,
        last_name      TEXT,
        full_name      TEXT,
        email          TEXT,
        phone          TEXT,
        country        TEXT,
        company        TEXT,
        title          TEXT,
        description    TEXT,
        is_test        INTEGER NOT NULL DEFAULT 0,
        status         TEXT NOT NULL DEFAULT 'new',
        owner          TEXT,
        -- NULL when the lead is exempt from the SLA (DNC, test).
        sla_due_at     INTEGER,
        -- First customer touch on any lead of the contact at or after this lead arrived.
        first_touch_at INTEGER,
        touch_count    INTEGER NOT NULL DEFAULT 0,
        last_touch_at  INTEGER,
        -- Inbox order: leads still owed a first touch by due time, then the rest newest first.
        urgency        INTEGER GENERATED ALWAYS AS (
            CASE WHEN sla_due_at IS NOT NULL AND first_touch_at IS NULL
                 THEN sla_due_at ELSE 100000000000 - received_at END
        ) VIRTUAL
    );
    CREATE INDEX leads_by_contact ON leads(contact_id, received_at);
    CREATE INDEX leads_by_urgency ON leads(is_test, urgency, id);
    CREATE INDEX leads_by_action ON leads(is_test, action, urgency, id);

    CREATE TABLE touches (
        id        INTEGER PRIMARY KEY,
        lead_id   INTEGER NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
        kind      TEXT NOT NULL CHECK (kind IN ('email', 'call', 'meeting', 'note')),
        note      TEXT,
        at        INTEGER NOT NULL,
        logged_at INTEGER NOT NULL
    );
    CREATE INDEX touches_by_lead ON touches(lead_id, at);
    "#,
];
