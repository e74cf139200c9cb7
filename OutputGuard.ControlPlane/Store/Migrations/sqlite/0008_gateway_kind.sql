-- What kind of gateway a registry row is, SQLite dialect (issue 17): '' for an OutputGuard gateway on the gRPC
-- sync stream, 'legacy' for a gateway of the system OutputGuard replaces on the legacy WebSocket (/ws).
ALTER TABLE gateways ADD COLUMN kind TEXT NOT NULL DEFAULT ''
