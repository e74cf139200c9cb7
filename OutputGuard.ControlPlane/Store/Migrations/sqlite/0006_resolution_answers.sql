-- The resolver's answers per name server and record type, SQLite dialect: what each name server said for A and
-- for AAAA in the last lookup of a domain entry (JSON, see RecordTypeAnswersJson), so that an entry shows which
-- record type is partial and why.
ALTER TABLE resolution_status ADD COLUMN answers TEXT NOT NULL DEFAULT ''
