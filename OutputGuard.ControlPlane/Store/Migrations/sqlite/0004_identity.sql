-- Store identity and entries suppressed by the internal ranges, SQLite dialect.

-- The store's id, made once when this migration runs (on a new store: at its creation). A gateway names the id
-- its state came from in its Hello; another id gets a full snapshot whatever the revisions say.
ALTER TABLE state ADD COLUMN store_id TEXT NOT NULL DEFAULT ''
-- statement
UPDATE state SET store_id = lower(hex(randomblob(16))) WHERE id = 1 AND store_id = ''
-- statement
-- The store id the gateway's applied state comes from (from its Hello, then ours once it acknowledges).
ALTER TABLE gateways ADD COLUMN store_id TEXT NOT NULL DEFAULT ''
-- statement
-- An IP or CIDR entry that the configured internal ranges came to cover: the range (then the entry contributes
-- no destination); empty while the entry is published.
ALTER TABLE entries ADD COLUMN suppressed_by TEXT NOT NULL DEFAULT ''
