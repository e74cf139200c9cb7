-- The entries' version (issue 18), SQLite dialect: a counter that every insert, delete and change of an entry's
-- value, kind, ports or suppression raises, whoever writes (this replica, another one, an import, plain SQL). The domain rules
-- for the gateways' DNS proxies are read again only when it moved, so an unchanged list of any size costs one
-- single-row read per change-poll interval. Notes do not count: they are not part of any rule.
CREATE TABLE entries_version (
    id      INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
)
-- statement
INSERT INTO entries_version (id, version) VALUES (1, 0)
-- statement
CREATE TRIGGER entries_version_insert AFTER INSERT ON entries
BEGIN
    UPDATE entries_version SET version = version + 1 WHERE id = 1;
END
-- statement
CREATE TRIGGER entries_version_delete AFTER DELETE ON entries
BEGIN
    UPDATE entries_version SET version = version + 1 WHERE id = 1;
END
-- statement
CREATE TRIGGER entries_version_update AFTER UPDATE OF value, kind, ports, suppressed_by ON entries
FOR EACH ROW WHEN NEW.value IS NOT OLD.value OR NEW.kind IS NOT OLD.kind OR NEW.ports IS NOT OLD.ports
    OR NEW.suppressed_by IS NOT OLD.suppressed_by
BEGIN
    UPDATE entries_version SET version = version + 1 WHERE id = 1;
END
