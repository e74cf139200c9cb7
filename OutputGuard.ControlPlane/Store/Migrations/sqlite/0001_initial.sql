-- OutputGuard control-plane schema, SQLite dialect. Statements are separated by "-- statement" lines
-- (not by ';', which also ends the statements inside a trigger body). Times are Unix milliseconds (UTC).

-- The single row (id = 1) that holds the desired-state revision; writers take the write lock first.
CREATE TABLE state (
    id            INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    revision      INTEGER NOT NULL,
    revision_time INTEGER NOT NULL,
    log_floor     INTEGER NOT NULL
);
-- statement
INSERT INTO state (id, revision, revision_time, log_floor) VALUES (1, 0, 0, 0);
-- statement
CREATE TABLE entries (
    id          INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    value       TEXT    NOT NULL UNIQUE,
    kind        INTEGER NOT NULL,
    ports       TEXT    NOT NULL DEFAULT '',
    note        TEXT    NOT NULL DEFAULT '',
    undeletable INTEGER NOT NULL DEFAULT 0,
    created_by  TEXT    NOT NULL,
    created_at  INTEGER NOT NULL
);
-- statement
-- An undeletable entry can never be deleted, whatever SQL is issued.
CREATE TRIGGER entries_undeletable_no_delete BEFORE DELETE ON entries
FOR EACH ROW WHEN OLD.undeletable <> 0
BEGIN
    SELECT RAISE(ABORT, 'entry is undeletable');
END;
-- statement
-- Nor can it lose its flag, or be turned into another allowance (which would delete it in effect).
CREATE TRIGGER entries_undeletable_no_update BEFORE UPDATE ON entries
FOR EACH ROW WHEN OLD.undeletable <> 0
    AND (NEW.undeletable IS NOT OLD.undeletable OR NEW.value IS NOT OLD.value
         OR NEW.kind IS NOT OLD.kind OR NEW.ports IS NOT OLD.ports)
BEGIN
    SELECT RAISE(ABORT, 'entry is undeletable');
END;
-- statement
CREATE TABLE destinations (
    dkey           TEXT    NOT NULL PRIMARY KEY,
    added_revision INTEGER NOT NULL
);
-- statement
-- Which entries contribute a destination; it stays in the desired state while one row names it.
CREATE TABLE destination_sources (
    dkey     TEXT    NOT NULL,
    entry_id INTEGER NOT NULL,
    PRIMARY KEY (dkey, entry_id)
);
-- statement
CREATE INDEX ix_destination_sources_entry ON destination_sources (entry_id);
-- statement
CREATE TABLE change_log (
    revision INTEGER NOT NULL,
    dkey     TEXT    NOT NULL,
    op       TEXT    NOT NULL CHECK (op IN ('a', 'r')),
    PRIMARY KEY (revision, dkey)
);
-- statement
CREATE TABLE audit (
    id          INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    at          INTEGER NOT NULL,
    actor       TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    entry_id    INTEGER NULL,
    before_json TEXT    NULL,
    after_json  TEXT    NULL,
    revision    INTEGER NOT NULL
);
-- statement
CREATE INDEX ix_audit_actor ON audit (actor);
-- statement
CREATE INDEX ix_audit_entry ON audit (entry_id);
-- statement
CREATE INDEX ix_audit_at ON audit (at);
-- statement
CREATE TABLE gateways (
    id               TEXT    NOT NULL PRIMARY KEY,
    hostname         TEXT    NOT NULL,
    version          TEXT    NOT NULL,
    applied_revision INTEGER NOT NULL,
    last_seen        INTEGER NOT NULL,
    connected        INTEGER NOT NULL,
    element_count    INTEGER NOT NULL,
    token_name       TEXT    NOT NULL,
    replica          TEXT    NOT NULL
);
-- statement
CREATE INDEX ix_gateways_last_seen ON gateways (last_seen);
-- statement
CREATE TABLE stored_tokens (
    name       TEXT    NOT NULL PRIMARY KEY,
    role       TEXT    NOT NULL,
    sha256     TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);
