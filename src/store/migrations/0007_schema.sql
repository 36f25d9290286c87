-- The store's schema at version 7, the first a released leadbox reads. Later versions are
-- steps of their own beside this file (0008_*.sql, ...); a shipped file never changes.
--
-- Words in braces are filled in from the one definition of each rule in `src/domain/`
-- (`store/schema.rs` says which): the SQL below never restates a rule by hand.

-- A customer: every lead of one person (same email, else same name and company).
CREATE TABLE contacts (
    id            INTEGER PRIMARY KEY,
    -- 'email:…' or 'name:…|company'; NULL for a lead whose personal data was withheld.
    identity      TEXT,
    -- 64 bits of its SHA-256: a small key to find the contact by.
    identity_hash INTEGER
);
-- A contact's identity hash, unique: the same customer from several funnel steps is one
-- contact. Written with the contact and removed with it (`store/orders.rs`).
CREATE TABLE contact_keys (
    identity_hash INTEGER PRIMARY KEY,
    contact_id    INTEGER NOT NULL
);

-- The import history.
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

-- Where a lead came from (its LeadSource, what it parses into, its offer's name): few
-- combinations, each stored once.
CREATE TABLE lead_origins (
    id          INTEGER PRIMARY KEY,
    lead_source TEXT,
    source      TEXT,
    action      TEXT,
    offer       TEXT,
    offer_name  TEXT
);

CREATE TABLE lead_rows (
    id             INTEGER PRIMARY KEY,
    -- 64 bits of the SHA-256 of the export's own key, or of the record's content: makes
    -- re-imports harmless (see `lead_records`).
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
    is_test        INTEGER NOT NULL DEFAULT 0,
    status         TEXT NOT NULL DEFAULT 'new',
    owner          TEXT,
    -- NULL when the lead is exempt from the SLA (DNC, test).
    sla_due_at     INTEGER,
    -- First customer touch on any lead of the contact at or after this lead arrived.
    first_touch_at INTEGER,
    touch_count    INTEGER NOT NULL DEFAULT 0,
    last_touch_at  INTEGER,
    -- When the lead was set to won or lost; NULL while open.
    closed_at      INTEGER,
    -- The inbox's action filter (`domain::lane`), fixed when the lead arrives.
    lane           INTEGER NOT NULL,
    -- The customer's notes come last: they can run to megabytes, and SQLite reads a column
    -- that follows a long value only by walking through it. The start of notes longer than
    -- a page of the inbox carries (`store::NOTES_IN_PAGES`) is kept apart, before them; NULL
    -- for shorter ones.
    notes_head     TEXT,
    description    TEXT,
    -- Sort keys (`domain::order`).
    urgency        INTEGER GENERATED ALWAYS AS ({urgency}) VIRTUAL,
    received_sort  INTEGER GENERATED ALWAYS AS ({received_key}) VIRTUAL,
    company_sort   TEXT GENERATED ALWAYS AS ({company_key}) VIRTUAL
);

-- What every query reads: a lead with its origin.
CREATE VIEW leads AS
    SELECT r.id, r.record_hash, r.contact_id, r.import_id, r.received_at,
        o.source, o.action, o.offer, o.offer_name, o.lead_source,
        r.first_name, r.last_name, r.full_name, r.email, r.phone, r.country, r.company,
        r.title, r.description, r.is_test, r.status, r.owner, r.sla_due_at,
        r.first_touch_at, r.touch_count, r.last_touch_at, r.lane, r.urgency,
        r.received_sort, r.company_sort, {origin_offer_key} AS offer_sort, r.origin_id,
        r.closed_at, r.notes_head
    FROM lead_rows r JOIN lead_origins o ON o.id = r.origin_id;

CREATE TABLE touches (
    id        INTEGER PRIMARY KEY,
    lead_id   INTEGER NOT NULL REFERENCES lead_rows(id) ON DELETE CASCADE,
    kind      TEXT NOT NULL CHECK (kind IN ({touch_kinds})),
    note      TEXT,
    at        INTEGER NOT NULL,
    logged_at INTEGER NOT NULL
);
CREATE INDEX touches_by_lead ON touches(lead_id, at);

-- The search index: a list of lead ids per word (`store/postings.rs`), in parts.
CREATE TABLE search_postings (
    word  TEXT NOT NULL,
    -- The import that added this part of the word's list (0: built at once).
    chunk INTEGER NOT NULL,
    leads INTEGER NOT NULL,
    -- Ascending lead ids, as varint deltas.
    ids   BLOB NOT NULL,
    PRIMARY KEY (word, chunk)
) WITHOUT ROWID;

-- The tables derived from each lead, written only by `store/orders.rs`, from the keys the
-- `leads` view gives (no trigger: the Rust that changes a lead moves its entries).
--
-- One table per sort order: each lane in that order, ties by id.
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

-- A record's hash, unique: re-importing a file adds nothing.
CREATE TABLE lead_records (
    record_hash INTEGER PRIMARY KEY,
    lead_id     INTEGER NOT NULL
);

-- Each contact's leads in arrival order.
CREATE TABLE contact_leads (
    contact_id INTEGER NOT NULL, received_at INTEGER NOT NULL, lead_id INTEGER NOT NULL,
    PRIMARY KEY (contact_id, received_at, lead_id)
) WITHOUT ROWID;
