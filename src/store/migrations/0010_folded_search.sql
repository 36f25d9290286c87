-- Version 10: search words are folded (Müller is filed as muller, accents and case gone) and a
-- number in groups, as a phone is written, is filed as its digits joined; phones are searched.
--
-- The index's words change, not its table: the step empties it, and the upgrade builds it
-- again from the stored leads with the new words (`Step::rebuilds_search`).
DELETE FROM search_postings;
