-- Addresses the gateways' DNS proxies learned from answers clients received, SQLite dialect: per entry, gateway and
-- address, the name asked, the TTL, first and last seen and when it expires (TTL + the gateway's grace).
-- Times are Unix milliseconds (UTC). Expired rows are removed as reports arrive.
CREATE TABLE learned_addresses (
    entry_id   INTEGER NOT NULL,
    gateway_id TEXT    NOT NULL,
    address    TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    ttl        INTEGER NOT NULL,
    first_seen INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL,
    expires    INTEGER NOT NULL,
    PRIMARY KEY (entry_id, gateway_id, address)
);
-- statement
CREATE INDEX learned_addresses_expires ON learned_addresses (expires)
