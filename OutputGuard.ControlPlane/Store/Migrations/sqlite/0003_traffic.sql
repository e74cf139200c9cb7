-- What gateways counted, SQLite dialect. Each gateway's latest report replaces its previous rows.
-- Times are Unix milliseconds (UTC).

-- Per gateway and destination key (Destination.Key): the kernel's totals, both directions.
CREATE TABLE traffic (
    gateway_id  TEXT    NOT NULL,
    dkey        TEXT    NOT NULL,
    out_bytes   INTEGER NOT NULL,
    out_packets INTEGER NOT NULL,
    in_bytes    INTEGER NOT NULL,
    in_packets  INTEGER NOT NULL,
    reported_at INTEGER NOT NULL,
    PRIMARY KEY (gateway_id, dkey)
);
-- statement
-- Per gateway: destinations it dropped (from its dynamic set of denied destinations).
CREATE TABLE denied (
    gateway_id TEXT    NOT NULL,
    address    TEXT    NOT NULL,
    protocol   INTEGER NOT NULL,
    port       INTEGER NOT NULL,
    packets    INTEGER NOT NULL,
    bytes      INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL,
    PRIMARY KEY (gateway_id, address, protocol, port)
);
