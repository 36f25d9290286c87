-- Version 11: the offers whose silence the rep has muted in the inbox's analytics view.
--
-- An offer is silent when its leads have stopped coming (`domain::analytics::is_silent`); the
-- inbox's status bar warns of each silent offer that has no row here. `offer` is the offer as
-- the figures name it (its id, else its display name); `muted_at` is when it was muted
-- (seconds). The rows hold no personal data.
CREATE TABLE offer_mutes (
    offer    TEXT PRIMARY KEY,
    muted_at INTEGER NOT NULL
) WITHOUT ROWID;
