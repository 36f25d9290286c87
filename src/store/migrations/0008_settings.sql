-- Version 8: the settings a store's stored values were derived with.
--
-- `sla_hours`: the hours after arrival a contactable lead's first touch is due, which its
-- `sla_due_at` was computed with. No row: the default (`domain::sla::DEFAULT_SLA_HOURS`).
-- When the configured hours differ, `Store::set_sla_hours` computes every due time again.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;
