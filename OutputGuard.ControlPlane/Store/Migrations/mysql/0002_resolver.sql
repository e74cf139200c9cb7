-- The resolver's state, MySQL/MariaDB dialect. Times are Unix milliseconds (UTC).

-- The addresses a domain entry resolved to and that are in the desired state (through
-- destination_sources rows of the same entry). state: 1 live, 2 in grace.
CREATE TABLE resolved_addresses (
    entry_id    BIGINT      NOT NULL,
    address     VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    first_seen  BIGINT      NOT NULL,
    last_seen   BIGINT      NOT NULL,
    ttl         INT         NOT NULL,
    state       INT         NOT NULL,
    PRIMARY KEY (entry_id, address)
) ENGINE = InnoDB
-- statement
-- One row per domain entry that was looked up at least once. skipped_internal and
-- excess_addresses are comma-separated addresses.
CREATE TABLE resolution_status (
    entry_id             BIGINT NOT NULL PRIMARY KEY,
    last_attempt         BIGINT NOT NULL,
    last_success         BIGINT NULL,
    last_error           TEXT   CHARACTER SET utf8mb4 NOT NULL,
    consecutive_failures INT    NOT NULL,
    skipped_internal     TEXT   CHARACTER SET ascii NOT NULL,
    excess_count         INT    NOT NULL,
    excess_addresses     TEXT   CHARACTER SET ascii NOT NULL
) ENGINE = InnoDB
