-- Bounded gateways and their reports, SQLite dialect (issue 12). Times are Unix milliseconds (UTC).

-- When each gateway's latest report arrived. A report rewrites only the rows whose counters changed (in short
-- transactions), so a row's reported_at says when its counters last changed and this table when the gateway
-- last reported.
CREATE TABLE traffic_reports (
    gateway_id  TEXT    NOT NULL PRIMARY KEY,
    reported_at INTEGER NOT NULL
);
-- statement
-- The first-start admin token is single-use: once tokens are configured its hash is erased and the row
-- kept as a tombstone (retired_at set), so it never works again and is never created again.
ALTER TABLE stored_tokens ADD COLUMN retired_at INTEGER NULL;
-- statement
CREATE INDEX ix_gateways_replica ON gateways (replica);
