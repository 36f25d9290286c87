//! Schema migrations, applied in order; `PRAGMA user_version` records how many ran.

/// The schema version that keeps the search lists in `search_postings`: upgrading to it
/// builds the lists of the leads already stored.
pub const SEARCH_POSTINGS_SINCE: usize = 2;

/// Each entry moves the schema one version forward. Never edit a shipped entry: add one.
pub const MIGRATIONS: &[&str] = &[
    // 1: contacts, leads, touches and the import history.
    r#"
    CREATE TABLE contacts (
        id            INTEGER PRIMARY KEY,
        -- 'email:…' or 'name:…|company'; NULL for a lead whose personal data was withheld.
        identity      TEXT,
        -- 64 bits of its SHA-256: a small key to find the contact by.
        identity_hash INTEGER
    );
    CREATE UNIQUE INDEX contacts_by_identity ON contacts(identity_hash);

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
        -- 64 bits of the SHA-256 of the export's own key, or of the record's content:
        -- makes re-imports harmless.
        record_hash    INTEGER NOT NULL,
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
        -- The inbox's action filters, one lane each; test leads have a lane of their own.
        lane           INTEGER GENERATED ALWAYS AS (
            CASE WHEN is_test THEN 7
                 WHEN action = 'INS' THEN 1 WHEN action = 'PLT' THEN 2 WHEN action = 'DNC' THEN 3
                 WHEN action = 'Create' THEN 4 WHEN action = 'StartTestDrive' THEN 5
                 ELSE 6 END
        ) VIRTUAL,
        -- Sort keys, all ascending. Urgency: leads still owed a first touch by due time
        -- (a due time is far below 1e11), then the rest newest first.
        urgency        INTEGER GENERATED ALWAYS AS (
            CASE WHEN sla_due_at IS NOT NULL AND first_touch_at IS NULL
                 THEN sla_due_at ELSE 100000000000 - received_at END
        ) VIRTUAL,
        received_sort  INTEGER GENERATED ALWAYS AS (-received_at) VIRTUAL,
        company_sort   TEXT GENERATED ALWAYS AS (coalesce(lower(company), char(1114111))) VIRTUAL,
        offer_sort     TEXT GENERATED ALWAYS AS (coalesce(lower(offer), char(1114111))) VIRTUAL
    );
    CREATE UNIQUE INDEX leads_by_record ON leads(record_hash);
    CREATE INDEX leads_by_contact ON leads(contact_id, received_at);
    -- The inbox reads each lane in sort order and merges the lanes it shows.
    CREATE INDEX leads_by_urgency ON leads(lane, urgency);
    CREATE INDEX leads_by_received ON leads(lane, received_sort);
    CREATE INDEX leads_by_company ON leads(lane, company_sort);
    CREATE INDEX leads_by_offer ON leads(lane, offer_sort);

    -- Token-prefix search over who the customer is and what they wrote, one text per lead
    -- (rowid = lead id). Contentless, no positions, no sizes: all a prefix lookup needs;
    -- prefixes of up to three letters are kept, so short words read one list, not many. A
    -- row is removed with the 'delete' command and the lead's text.
    CREATE VIRTUAL TABLE lead_search USING fts5(
        text,
        content = '', detail = none, columnsize = 0,
        tokenize = 'unicode61 remove_diacritics 0', prefix = '1 2 3'
    );

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
    // 2: the search index is a list of lead ids per word, built by leadbox itself (see
    // `store/postings.rs`) with the same word rule as the query: it builds in a fraction of
    // the full-text index's time, and a word's number of leads is read without reading its
    // list. The lists of the leads already stored are built right after this step.
    r#"
    DROP TABLE lead_search;
    CREATE TABLE search_postings (
        word  TEXT NOT NULL,
        -- The import that added this part of the word's list (0: built at an upgrade).
        chunk INTEGER NOT NULL,
        leads INTEGER NOT NULL,
        -- Ascending lead ids, as varint deltas.
        ids   BLOB NOT NULL,
        PRIMARY KEY (word, chunk)
    ) WITHOUT ROWID;
    "#,
    // 3: the inbox's sort orders, and the keys that find a record or a contact, become
    // tables of their own instead of indexes. They hold the same entries, kept by triggers,
    // but a bulk import can write them in key order from keys it sorted itself: an append,
    // several times cheaper than a `CREATE INDEX` that reads every lead and sorts again.
    r#"
    -- One table per sort order: each lane in that order, ties by id (see `leads`' sort keys).
    CREATE TABLE lead_order_urgency (
        lane INTEGER NOT NULL, sort_key INTEGER NOT NULL, lead_id INTEGER NOT NULL,
        PRIMARY KEY (lane, sort_key, lead_id)
    ) WITHOUT ROWID;
    CREATE TABLE lead_order_received (
        lane INTEGER NOT NULL, sort_key INTEGER NOT NULL, lead_id INTEGER NOT NULL,
        PRIMARY KEY (lane, sort_key, lead_id)
    ) WITHOUT ROWID;
    CREATE TABLE lead_order_company (
        lane INTEGER NOT NULL, sort_key TEXT NOT NULL, lead_id INTEGER NOT NULL,
        PRIMARY KEY (lane, sort_key, lead_id)
    ) WITHOUT ROWID;
    CREATE TABLE lead_order_offer (
        lane INTEGER NOT NULL, sort_key TEXT NOT NULL, lead_id INTEGER NOT NULL,
        PRIMARY KEY (lane, sort_key, lead_id)
    ) WITHOUT ROWID;
    INSERT INTO lead_order_urgency SELECT lane, urgency, id FROM leads ORDER BY 1, 2, 3;
    INSERT INTO lead_order_received SELECT lane, received_sort, id FROM leads ORDER BY 1, 2, 3;
    INSERT INTO lead_order_company SELECT lane, company_sort, id FROM leads ORDER BY 1, 2, 3;
    INSERT INTO lead_order_offer SELECT lane, offer_sort, id FROM leads ORDER BY 1, 2, 3;
    DROP INDEX leads_by_urgency;
    DROP INDEX leads_by_received;
    DROP INDEX leads_by_company;
    DROP INDEX leads_by_offer;

    -- A record's hash, unique: re-importing a file adds nothing.
    CREATE TABLE lead_records (
        record_hash INTEGER PRIMARY KEY,
        lead_id     INTEGER NOT NULL
    );
    INSERT INTO lead_records SELECT record_hash, id FROM leads ORDER BY 1;
    DROP INDEX leads_by_record;

    -- A contact's identity hash, unique: the same customer from several funnel steps is one
    -- contact.
    CREATE TABLE contact_keys (
        identity_hash INTEGER PRIMARY KEY,
        contact_id    INTEGER NOT NULL
    );
    INSERT INTO contact_keys
        SELECT identity_hash, id FROM contacts WHERE identity_hash IS NOT NULL ORDER BY 1;
    DROP INDEX contacts_by_identity;

    CREATE TRIGGER contact_keyed AFTER INSERT ON contacts WHEN NEW.identity_hash IS NOT NULL
    BEGIN
        INSERT INTO contact_keys (identity_hash, contact_id) VALUES (NEW.identity_hash, NEW.id);
    END;
    CREATE TRIGGER contact_removed AFTER DELETE ON contacts BEGIN
        DELETE FROM contact_keys WHERE identity_hash = OLD.identity_hash;
    END;

    CREATE TRIGGER lead_added AFTER INSERT ON leads BEGIN
        INSERT INTO lead_records (record_hash, lead_id) VALUES (NEW.record_hash, NEW.id);
        INSERT INTO lead_order_urgency VALUES (NEW.lane, NEW.urgency, NEW.id);
        INSERT INTO lead_order_received VALUES (NEW.lane, NEW.received_sort, NEW.id);
        INSERT INTO lead_order_company VALUES (NEW.lane, NEW.company_sort, NEW.id);
        INSERT INTO lead_order_offer VALUES (NEW.lane, NEW.offer_sort, NEW.id);
    END;
    CREATE TRIGGER lead_removed AFTER DELETE ON leads BEGIN
        DELETE FROM lead_records WHERE record_hash = OLD.record_hash;
        DELETE FROM lead_order_urgency
            WHERE lane = OLD.lane AND sort_key = OLD.urgency AND lead_id = OLD.id;
        DELETE FROM lead_order_received
            WHERE lane = OLD.lane AND sort_key = OLD.received_sort AND lead_id = OLD.id;
        DELETE FROM lead_order_company
            WHERE lane = OLD.lane AND sort_key = OLD.company_sort AND lead_id = OLD.id;
        DELETE FROM lead_order_offer
            WHERE lane = OLD.lane AND sort_key = OLD.offer_sort AND lead_id = OLD.id;
    END;
    -- A lead's sort keys change with its SLA, its first touch, its times, its action, its
    -- company and its offer (never its id or its record hash).
    CREATE TRIGGER lead_urgency_moved
    AFTER UPDATE OF is_test, action, sla_due_at, first_touch_at, received_at ON leads
    WHEN OLD.lane IS NOT NEW.lane OR OLD.urgency IS NOT NEW.urgency BEGIN
        UPDATE lead_order_urgency SET lane = NEW.lane, sort_key = NEW.urgency
            WHERE lane = OLD.lane AND sort_key = OLD.urgency AND lead_id = OLD.id;
    END;
    CREATE TRIGGER lead_received_moved
    AFTER UPDATE OF is_test, action, received_at ON leads
    WHEN OLD.lane IS NOT NEW.lane OR OLD.received_sort IS NOT NEW.received_sort BEGIN
        UPDATE lead_order_received SET lane = NEW.lane, sort_key = NEW.received_sort
            WHERE lane = OLD.lane AND sort_key = OLD.received_sort AND lead_id = OLD.id;
    END;
    CREATE TRIGGER lead_company_moved
    AFTER UPDATE OF is_test, action, company ON leads
    WHEN OLD.lane IS NOT NEW.lane OR OLD.company_sort IS NOT NEW.company_sort BEGIN
        UPDATE lead_order_company SET lane = NEW.lane, sort_key = NEW.company_sort
            WHERE lane = OLD.lane AND sort_key = OLD.company_sort AND lead_id = OLD.id;
    END;
    CREATE TRIGGER lead_offer_moved
    AFTER UPDATE OF is_test, action, offer ON leads
    WHEN OLD.lane IS NOT NEW.lane OR OLD.offer_sort IS NOT NEW.offer_sort BEGIN
        UPDATE lead_order_offer SET lane = NEW.lane, sort_key = NEW.offer_sort
            WHERE lane = OLD.lane AND sort_key = OLD.offer_sort AND lead_id = OLD.id;
    END;
    "#,
    // 4: new leads and contacts write their derived rows themselves (the import does, see
    // `ImportSession`): with an insert trigger, every insert keeps a statement journal, a
    // copy of each page it touches, which made adding 10,000 leads to a million 20-30%
    // slower. Updates and deletes keep their triggers.
    r#"
    DROP TRIGGER lead_added;
    DROP TRIGGER contact_keyed;
    "#,
    // 5: each contact's leads in arrival order, a table like the sort orders instead of the
    // last index a bulk import had to build with `CREATE INDEX`.
    r#"
    CREATE TABLE contact_leads (
        contact_id INTEGER NOT NULL, received_at INTEGER NOT NULL, lead_id INTEGER NOT NULL,
        PRIMARY KEY (contact_id, received_at, lead_id)
    ) WITHOUT ROWID;
    INSERT INTO contact_leads SELECT contact_id, received_at, id FROM leads ORDER BY 1, 2, 3;
    DROP INDEX leads_by_contact;
    CREATE TRIGGER lead_contact_removed AFTER DELETE ON leads BEGIN
        DELETE FROM contact_leads
            WHERE contact_id = OLD.contact_id AND received_at = OLD.received_at
              AND lead_id = OLD.id;
    END;
    CREATE TRIGGER lead_contact_moved AFTER UPDATE OF contact_id, received_at ON leads
    WHEN OLD.contact_id IS NOT NEW.contact_id OR OLD.received_at IS NOT NEW.received_at BEGIN
        UPDATE contact_leads SET contact_id = NEW.contact_id, received_at = NEW.received_at
            WHERE contact_id = OLD.contact_id AND received_at = OLD.received_at
              AND lead_id = OLD.id;
    END;
    "#,
    // 6: where a lead came from (its LeadSource and what it parses into, its offer's name)
    // is one of few combinations, repeated on every lead: it moves to `lead_origins`, and a
    // lead keeps the origin's id. That takes about 90 bytes off each lead's row, a third of
    // it, and so a third of what an import writes and a scan reads. `leads` becomes a view
    // that puts the two back together, so every query reads as before; writes go to
    // `lead_rows`. The lane is stored: it is fixed when a lead arrives (its action and
    // whether it is a test lead never change), and a generated column cannot read another
    // table.
    r#"
    CREATE TABLE lead_origins (
        id          INTEGER PRIMARY KEY,
        lead_source TEXT,
        source      TEXT,
        action      TEXT,
        offer       TEXT,
        offer_name  TEXT
    );
    INSERT INTO lead_origins (lead_source, source, action, offer, offer_name)
        SELECT DISTINCT lead_source, source, action, offer, offer_name FROM leads;
    CREATE INDEX origins_by_value ON lead_origins (lead_source, source, action, offer, offer_name);

    CREATE TABLE lead_rows (
        id             INTEGER PRIMARY KEY,
        record_hash    INTEGER NOT NULL,
        contact_id     INTEGER NOT NULL REFERENCES contacts(id),
        import_id      INTEGER REFERENCES imports(id),
        received_at    INTEGER NOT NULL,
        origin_id      INTEGER NOT NULL REFERENCES lead_origins(id),
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
        sla_due_at     INTEGER,
        first_touch_at INTEGER,
        touch_count    INTEGER NOT NULL DEFAULT 0,
        last_touch_at  INTEGER,
        -- The inbox's action filter: 1 INS, 2 PLT, 3 DNC, 4 Create, 5 StartTestDrive, 6 any
        -- other action, 7 test leads (see the `leads` view, which checks it).
        lane           INTEGER NOT NULL,
        urgency        INTEGER GENERATED ALWAYS AS (
            CASE WHEN sla_due_at IS NOT NULL AND first_touch_at IS NULL
                 THEN sla_due_at ELSE 100000000000 - received_at END
        ) VIRTUAL,
        received_sort  INTEGER GENERATED ALWAYS AS (-received_at) VIRTUAL,
        company_sort   TEXT GENERATED ALWAYS AS (coalesce(lower(company), char(1114111))) VIRTUAL
    );
    INSERT INTO lead_rows (id, record_hash, contact_id, import_id, received_at, origin_id,
            first_name, last_name, full_name, email, phone, country, company, title,
            description, is_test, status, owner, sla_due_at, first_touch_at, touch_count,
            last_touch_at, lane)
        SELECT l.id, l.record_hash, l.contact_id, l.import_id, l.received_at, o.id,
            l.first_name, l.last_name, l.full_name, l.email, l.phone, l.country, l.company,
            l.title, l.description, l.is_test, l.status, l.owner, l.sla_due_at,
            l.first_touch_at, l.touch_count, l.last_touch_at, l.lane
        FROM leads l JOIN lead_origins o
            ON o.lead_source IS l.lead_source AND o.source IS l.source
            AND o.action IS l.action AND o.offer IS l.offer AND o.offer_name IS l.offer_name
        ORDER BY l.id;
    DROP INDEX origins_by_value;

    -- Touches refer to the leads' rows now (a view cannot be referred to).
    CREATE TABLE lead_touches (
        id        INTEGER PRIMARY KEY,
        lead_id   INTEGER NOT NULL REFERENCES lead_rows(id) ON DELETE CASCADE,
        kind      TEXT NOT NULL CHECK (kind IN ('email', 'call', 'meeting', 'note')),
        note      TEXT,
        at        INTEGER NOT NULL,
        logged_at INTEGER NOT NULL
    );
    INSERT INTO lead_touches SELECT id, lead_id, kind, note, at, logged_at FROM touches;
    DROP TABLE touches;
    ALTER TABLE lead_touches RENAME TO touches;
    CREATE INDEX touches_by_lead ON touches(lead_id, at);

    DROP TRIGGER lead_removed;
    DROP TRIGGER lead_urgency_moved;
    DROP TRIGGER lead_received_moved;
    DROP TRIGGER lead_company_moved;
    DROP TRIGGER lead_offer_moved;
    DROP TRIGGER lead_contact_removed;
    DROP TRIGGER lead_contact_moved;
    DROP TABLE leads;

    CREATE VIEW leads AS
        SELECT r.id, r.record_hash, r.contact_id, r.import_id, r.received_at,
            o.source, o.action, o.offer, o.offer_name, o.lead_source,
            r.first_name, r.last_name, r.full_name, r.email, r.phone, r.country, r.company,
            r.title, r.description, r.is_test, r.status, r.owner, r.sla_due_at,
            r.first_touch_at, r.touch_count, r.last_touch_at, r.lane, r.urgency,
            r.received_sort, r.company_sort,
            coalesce(lower(o.offer), char(1114111)) AS offer_sort, r.origin_id
        FROM lead_rows r JOIN lead_origins o ON o.id = r.origin_id;

    CREATE TRIGGER lead_removed AFTER DELETE ON lead_rows BEGIN
        DELETE FROM lead_records WHERE record_hash = OLD.record_hash;
        DELETE FROM lead_order_urgency
            WHERE lane = OLD.lane AND sort_key = OLD.urgency AND lead_id = OLD.id;
        DELETE FROM lead_order_received
            WHERE lane = OLD.lane AND sort_key = OLD.received_sort AND lead_id = OLD.id;
        DELETE FROM lead_order_company
            WHERE lane = OLD.lane AND sort_key = OLD.company_sort AND lead_id = OLD.id;
        DELETE FROM lead_order_offer
            WHERE lane = OLD.lane AND lead_id = OLD.id AND sort_key = (
                SELECT coalesce(lower(offer), char(1114111))
                FROM lead_origins WHERE id = OLD.origin_id);
        DELETE FROM contact_leads
            WHERE contact_id = OLD.contact_id AND received_at = OLD.received_at
              AND lead_id = OLD.id;
    END;
    -- A lead's sort keys change with its SLA, its first touch, its times and its company.
    CREATE TRIGGER lead_urgency_moved
    AFTER UPDATE OF sla_due_at, first_touch_at, received_at ON lead_rows
    WHEN OLD.urgency IS NOT NEW.urgency AND OLD.lane IS NEW.lane BEGIN
        UPDATE lead_order_urgency SET sort_key = NEW.urgency
            WHERE lane = OLD.lane AND sort_key = OLD.urgency AND lead_id = OLD.id;
    END;
    CREATE TRIGGER lead_received_moved AFTER UPDATE OF received_at ON lead_rows
    WHEN OLD.received_sort IS NOT NEW.received_sort AND OLD.lane IS NEW.lane BEGIN
        UPDATE lead_order_received SET sort_key = NEW.received_sort
            WHERE lane = OLD.lane AND sort_key = OLD.received_sort AND lead_id = OLD.id;
    END;
    CREATE TRIGGER lead_company_moved AFTER UPDATE OF company ON lead_rows
    WHEN OLD.company_sort IS NOT NEW.company_sort AND OLD.lane IS NEW.lane BEGIN
        UPDATE lead_order_company SET sort_key = NEW.company_sort
            WHERE lane = OLD.lane AND sort_key = OLD.company_sort AND lead_id = OLD.id;
    END;
    -- A new lane or origin (nothing changes them today) moves the lead in every order; the
    -- triggers above leave a lead whose lane changes to this one.
    CREATE TRIGGER lead_origin_moved AFTER UPDATE OF lane, origin_id ON lead_rows
    WHEN OLD.lane IS NOT NEW.lane OR OLD.origin_id IS NOT NEW.origin_id BEGIN
        DELETE FROM lead_order_urgency
            WHERE lane = OLD.lane AND sort_key = OLD.urgency AND lead_id = OLD.id;
        DELETE FROM lead_order_received
            WHERE lane = OLD.lane AND sort_key = OLD.received_sort AND lead_id = OLD.id;
        DELETE FROM lead_order_company
            WHERE lane = OLD.lane AND sort_key = OLD.company_sort AND lead_id = OLD.id;
        DELETE FROM lead_order_offer
            WHERE lane = OLD.lane AND lead_id = OLD.id AND sort_key = (
                SELECT coalesce(lower(offer), char(1114111))
                FROM lead_origins WHERE id = OLD.origin_id);
        INSERT INTO lead_order_urgency VALUES (NEW.lane, NEW.urgency, NEW.id);
        INSERT INTO lead_order_received VALUES (NEW.lane, NEW.received_sort, NEW.id);
        INSERT INTO lead_order_company VALUES (NEW.lane, NEW.company_sort, NEW.id);
        INSERT INTO lead_order_offer VALUES (NEW.lane, (
            SELECT coalesce(lower(offer), char(1114111))
            FROM lead_origins WHERE id = NEW.origin_id), NEW.id);
    END;
    CREATE TRIGGER lead_contact_moved AFTER UPDATE OF contact_id, received_at ON lead_rows
    WHEN OLD.contact_id IS NOT NEW.contact_id OR OLD.received_at IS NOT NEW.received_at BEGIN
        UPDATE contact_leads SET contact_id = NEW.contact_id, received_at = NEW.received_at
            WHERE contact_id = OLD.contact_id AND received_at = OLD.received_at
              AND lead_id = OLD.id;
    END;
    "#,
    // 7: a lead set to won or lost records when it was closed, and closing stops its clock:
    // a closed lead without a first touch is not urgent any more (see `sla::state`). The
    // generated `urgency` cannot be altered, so it is dropped and added again with the view and
    // the triggers that name it (a virtual column stores nothing: no row is rewritten). The
    // urgency trigger now also follows `closed_at`. A lead closed before this version gets the
    // time of the upgrade: it was closed by then, and no earlier time is known.
    r#"
    DROP VIEW leads;
    DROP TRIGGER lead_removed;
    DROP TRIGGER lead_urgency_moved;
    DROP TRIGGER lead_origin_moved;
    ALTER TABLE lead_rows DROP COLUMN urgency;
    ALTER TABLE lead_rows ADD COLUMN closed_at INTEGER;
    ALTER TABLE lead_rows ADD COLUMN urgency INTEGER GENERATED ALWAYS AS (
        CASE WHEN sla_due_at IS NOT NULL AND first_touch_at IS NULL AND closed_at IS NULL
             THEN sla_due_at ELSE 100000000000 - received_at END
    ) VIRTUAL;

    CREATE VIEW leads AS
        SELECT r.id, r.record_hash, r.contact_id, r.import_id, r.received_at,
            o.source, o.action, o.offer, o.offer_name, o.lead_source,
            r.first_name, r.last_name, r.full_name, r.email, r.phone, r.country, r.company,
            r.title, r.description, r.is_test, r.status, r.owner, r.sla_due_at,
            r.first_touch_at, r.touch_count, r.last_touch_at, r.lane, r.urgency,
            r.received_sort, r.company_sort,
            coalesce(lower(o.offer), char(1114111)) AS offer_sort, r.origin_id, r.closed_at
        FROM lead_rows r JOIN lead_origins o ON o.id = r.origin_id;

    CREATE TRIGGER lead_removed AFTER DELETE ON lead_rows BEGIN
        DELETE FROM lead_records WHERE record_hash = OLD.record_hash;
        DELETE FROM lead_order_urgency
            WHERE lane = OLD.lane AND sort_key = OLD.urgency AND lead_id = OLD.id;
        DELETE FROM lead_order_received
            WHERE lane = OLD.lane AND sort_key = OLD.received_sort AND lead_id = OLD.id;
        DELETE FROM lead_order_company
            WHERE lane = OLD.lane AND sort_key = OLD.company_sort AND lead_id = OLD.id;
        DELETE FROM lead_order_offer
            WHERE lane = OLD.lane AND lead_id = OLD.id AND sort_key = (
                SELECT coalesce(lower(offer), char(1114111))
                FROM lead_origins WHERE id = OLD.origin_id);
        DELETE FROM contact_leads
            WHERE contact_id = OLD.contact_id AND received_at = OLD.received_at
              AND lead_id = OLD.id;
    END;
    CREATE TRIGGER lead_urgency_moved
    AFTER UPDATE OF sla_due_at, first_touch_at, received_at, closed_at ON lead_rows
    WHEN OLD.urgency IS NOT NEW.urgency AND OLD.lane IS NEW.lane BEGIN
        UPDATE lead_order_urgency SET sort_key = NEW.urgency
            WHERE lane = OLD.lane AND sort_key = OLD.urgency AND lead_id = OLD.id;
    END;
    CREATE TRIGGER lead_origin_moved AFTER UPDATE OF lane, origin_id ON lead_rows
    WHEN OLD.lane IS NOT NEW.lane OR OLD.origin_id IS NOT NEW.origin_id BEGIN
        DELETE FROM lead_order_urgency
            WHERE lane = OLD.lane AND sort_key = OLD.urgency AND lead_id = OLD.id;
        DELETE FROM lead_order_received
            WHERE lane = OLD.lane AND sort_key = OLD.received_sort AND lead_id = OLD.id;
        DELETE FROM lead_order_company
            WHERE lane = OLD.lane AND sort_key = OLD.company_sort AND lead_id = OLD.id;
        DELETE FROM lead_order_offer
            WHERE lane = OLD.lane AND lead_id = OLD.id AND sort_key = (
                SELECT coalesce(lower(offer), char(1114111))
                FROM lead_origins WHERE id = OLD.origin_id);
        INSERT INTO lead_order_urgency VALUES (NEW.lane, NEW.urgency, NEW.id);
        INSERT INTO lead_order_received VALUES (NEW.lane, NEW.received_sort, NEW.id);
        INSERT INTO lead_order_company VALUES (NEW.lane, NEW.company_sort, NEW.id);
        INSERT INTO lead_order_offer VALUES (NEW.lane, (
            SELECT coalesce(lower(offer), char(1114111))
            FROM lead_origins WHERE id = NEW.origin_id), NEW.id);
    END;

    UPDATE lead_rows SET closed_at = CAST(strftime('%s', 'now') AS INTEGER)
        WHERE status IN ('won', 'lost');
    "#,
];
