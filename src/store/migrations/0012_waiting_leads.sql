-- Version 12: the leads waiting for their first touch, by customer.
--
-- The Today queue reads every waiting lead: from this index it reads a few bytes a lead, in
-- the customer's order, rather than every lead's whole row. The condition is the rule
-- `store::schema::waiting_sql` fills in; a query whose condition is not that one (an older
-- rule kept by a store made before it changed) simply does not use the index, and reads the
-- leads instead. SQLite keeps the index with the table: nothing of leadbox's writes it.
-- The condition's columns are in it too (the same few bytes in every entry): SQLite reads a
-- lead's row for any column of the query its index lacks.
CREATE INDEX lead_rows_waiting
    ON lead_rows (contact_id, sla_due_at, received_at, lane, owner, first_touch_at, status)
    WHERE {waiting};
