-- Entry names in the change log (issue 18), SQLite dialect. A revision may change only which entries a destination
-- belongs to (a second domain resolving to an address already allowed, an address moving from one domain to another
-- while staying allowed): its change-log rows have op 'n' (renamed), so that the Delta sent to gateways names the
-- destination with its entries as they are then. SQLite cannot alter a CHECK, so the table is rebuilt.
CREATE TABLE change_log_new (
    revision INTEGER NOT NULL,
    dkey     TEXT    NOT NULL,
    op       TEXT    NOT NULL CHECK (op IN ('a', 'r', 'n')),
    PRIMARY KEY (revision, dkey)
)
-- statement
INSERT INTO change_log_new (revision, dkey, op) SELECT revision, dkey, op FROM change_log
-- statement
DROP TABLE change_log
-- statement
ALTER TABLE change_log_new RENAME TO change_log
