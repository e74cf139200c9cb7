-- OutputGuard control-plane schema, MySQL/MariaDB dialect. Statements are separated by "-- statement"
-- lines and each is sent as its own command (no DELIMITER needed for the trigger bodies).
-- Times are Unix milliseconds (UTC). DDL commits implicitly here; the migration lock serialises runners.

-- The single row (id = 1) that every writer locks FOR UPDATE first, so revisions stay gap-free.
CREATE TABLE state (
    id            INT    NOT NULL PRIMARY KEY,
    revision      BIGINT NOT NULL,
    revision_time BIGINT NOT NULL,
    log_floor     BIGINT NOT NULL
) ENGINE = InnoDB
-- statement
INSERT INTO state (id, revision, revision_time, log_floor) VALUES (1, 0, 0, 0)
-- statement
CREATE TABLE entries (
    id          BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    value       VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    kind        INT          NOT NULL,
    ports       TEXT         CHARACTER SET ascii NOT NULL,
    note        TEXT         CHARACTER SET utf8mb4 NOT NULL,
    undeletable BOOLEAN      NOT NULL DEFAULT FALSE,
    created_by  VARCHAR(255) CHARACTER SET utf8mb4 NOT NULL,
    created_at  BIGINT       NOT NULL,
    UNIQUE KEY ux_entries_value (value)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4
-- statement
-- An undeletable entry can never be deleted, whatever SQL is issued.
CREATE TRIGGER entries_undeletable_no_delete BEFORE DELETE ON entries
FOR EACH ROW
BEGIN
    IF OLD.undeletable THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'entry is undeletable';
    END IF;
END
-- statement
-- Nor can it lose its flag, or be turned into another allowance (which would delete it in effect).
CREATE TRIGGER entries_undeletable_no_update BEFORE UPDATE ON entries
FOR EACH ROW
BEGIN
    IF OLD.undeletable AND (NEW.undeletable <> OLD.undeletable OR NEW.value <> OLD.value
                            OR NEW.kind <> OLD.kind OR NEW.ports <> OLD.ports) THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'entry is undeletable';
    END IF;
END
-- statement
CREATE TABLE destinations (
    dkey           VARCHAR(100) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
    added_revision BIGINT       NOT NULL
) ENGINE = InnoDB
-- statement
-- Which entries contribute a destination; it stays in the desired state while one row names it.
CREATE TABLE destination_sources (
    dkey     VARCHAR(100) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    entry_id BIGINT       NOT NULL,
    PRIMARY KEY (dkey, entry_id),
    KEY ix_destination_sources_entry (entry_id)
) ENGINE = InnoDB
-- statement
CREATE TABLE change_log (
    revision BIGINT       NOT NULL,
    dkey     VARCHAR(100) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    op       CHAR(1)      CHARACTER SET ascii NOT NULL,
    PRIMARY KEY (revision, dkey)
) ENGINE = InnoDB
-- statement
CREATE TABLE audit (
    id          BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    at          BIGINT       NOT NULL,
    actor       VARCHAR(255) NOT NULL,
    action      VARCHAR(64)  NOT NULL,
    entry_id    BIGINT       NULL,
    before_json TEXT         NULL,
    after_json  TEXT         NULL,
    revision    BIGINT       NOT NULL,
    KEY ix_audit_actor (actor),
    KEY ix_audit_entry (entry_id),
    KEY ix_audit_at (at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4
-- statement
CREATE TABLE gateways (
    id               VARCHAR(255) NOT NULL PRIMARY KEY,
    hostname         VARCHAR(255) NOT NULL,
    version          VARCHAR(255) NOT NULL,
    applied_revision BIGINT       NOT NULL,
    last_seen        BIGINT       NOT NULL,
    connected        BOOLEAN      NOT NULL,
    element_count    BIGINT       NOT NULL,
    token_name       VARCHAR(255) NOT NULL,
    replica          VARCHAR(255) NOT NULL,
    KEY ix_gateways_last_seen (last_seen)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4
-- statement
CREATE TABLE stored_tokens (
    name       VARCHAR(255) NOT NULL PRIMARY KEY,
    role       VARCHAR(32)  NOT NULL,
    sha256     CHAR(64)     CHARACTER SET ascii NOT NULL,
    created_at BIGINT       NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4
