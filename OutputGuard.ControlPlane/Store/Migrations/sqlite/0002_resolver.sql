-- The resolver's state, SQLite dialect. Times are Unix milliseconds (UTC).

-- The addresses a domain entry resolved to and that are in the desired state (through
-- destination_sources rows of the same entry). state: 1 live, 2 in grace.
CREATE TABLE resolved_addresses (
    entry_id    INTEGER NOT NULL,
    address     TEXT    NOT NULL,
    first_seen  INTEGER NOT NULL,
    last_seen   INTEGER NOT NULL,
    ttl         INTEGER NOT NULL,
    state       INTEGER NOT NULL CHECK (state IN (1, 2)),
    PRIMARY KEY (entry_id, address)
);
-- statement
-- One row per domain entry that was looked up at least once. skipped_internal and
-- excess_addresses are comma-separated addresses.
CREATE TABLE resolution_status (
    entry_id             INTEGER NOT NULL PRIMARY KEY,
    last_attempt         INTEGER NOT NULL,
    last_success         INTEGER NULL,
    last_error           TEXT    NOT NULL,
    consecutive_failures INTEGER NOT NULL,
    skipped_internal     TEXT    NOT NULL,
    excess_count         INTEGER NOT NULL,
    excess_addresses     TEXT    NOT NULL
);
