-- The entries' version (issue 18), MySQL/MariaDB dialect: a counter that every insert, delete and change of an
-- entry's value, kind, ports or suppression raises, whoever writes (this replica, another one, an import, plain SQL). The domain
-- rules for the gateways' DNS proxies are read again only when it moved, so an unchanged list of any size costs one
-- single-row read per change-poll interval. Notes do not count: they are not part of any rule.
-- Each statement may run again: with binary logging on, a trigger needs a privilege the database user may lack
-- (error 1419); the migration then stops, and runs again from the top once the privilege is granted.
CREATE TABLE IF NOT EXISTS entries_version (
    id      TINYINT NOT NULL PRIMARY KEY,
    version BIGINT  NOT NULL,
    CONSTRAINT entries_version_one_row CHECK (id = 1)
) ENGINE = InnoDB
-- statement
INSERT IGNORE INTO entries_version (id, version) VALUES (1, 0)
-- statement
CREATE TRIGGER IF NOT EXISTS entries_version_insert AFTER INSERT ON entries
FOR EACH ROW
    UPDATE entries_version SET version = version + 1 WHERE id = 1
-- statement
CREATE TRIGGER IF NOT EXISTS entries_version_delete AFTER DELETE ON entries
FOR EACH ROW
    UPDATE entries_version SET version = version + 1 WHERE id = 1
-- statement
CREATE TRIGGER IF NOT EXISTS entries_version_update AFTER UPDATE ON entries
FOR EACH ROW
BEGIN
    IF NOT (NEW.value <=> OLD.value AND NEW.kind <=> OLD.kind AND NEW.ports <=> OLD.ports
            AND NEW.suppressed_by <=> OLD.suppressed_by) THEN
        UPDATE entries_version SET version = version + 1 WHERE id = 1;
    END IF;
END
