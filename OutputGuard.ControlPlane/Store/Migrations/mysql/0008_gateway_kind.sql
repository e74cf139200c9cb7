-- What kind of gateway a registry row is, MySQL/MariaDB dialect (issue 17): '' for an OutputGuard gateway on the
-- gRPC sync stream, 'legacy' for a gateway of the system OutputGuard replaces on the legacy WebSocket (/ws).
ALTER TABLE gateways ADD COLUMN kind VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT ''
