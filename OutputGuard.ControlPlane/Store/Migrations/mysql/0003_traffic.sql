-- What gateways counted, MySQL/MariaDB dialect. Each gateway's latest report replaces its previous rows.
-- Times are Unix milliseconds (UTC).

-- Per gateway and destination key (Destination.Key): the kernel's totals, both directions.
CREATE TABLE traffic (
    gateway_id  VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    dkey        VARCHAR(100) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    out_bytes   BIGINT NOT NULL,
    out_packets BIGINT NOT NULL,
    in_bytes    BIGINT NOT NULL,
    in_packets  BIGINT NOT NULL,
    reported_at BIGINT NOT NULL,
    PRIMARY KEY (gateway_id, dkey)
) ENGINE = InnoDB
-- statement
-- Per gateway: destinations it dropped (from its dynamic set of denied destinations).
CREATE TABLE denied (
    gateway_id VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    address    VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    protocol   INT    NOT NULL,
    port       INT    NOT NULL,
    packets    BIGINT NOT NULL,
    bytes      BIGINT NOT NULL,
    last_seen  BIGINT NOT NULL,
    PRIMARY KEY (gateway_id, address, protocol, port)
) ENGINE = InnoDB
