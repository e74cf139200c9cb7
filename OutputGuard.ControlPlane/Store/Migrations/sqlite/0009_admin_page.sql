-- The admin page (issue 15), SQLite dialect: the traffic history its chart draws, and each gateway's observe mode. Times are Unix ms (UTC).
-- Every minute the control plane samples the cumulative counters summed over the gateways' latest reports: the
-- total (dkey '') and the busiest destinations. The chart draws the differences between samples. Bounded: samples
-- older than a day are dropped, and each holds at most the total and a few destinations.
CREATE TABLE traffic_history (
    at          INTEGER NOT NULL,
    dkey        TEXT    NOT NULL,
    out_bytes   REAL    NOT NULL,
    in_bytes    REAL    NOT NULL,
    out_packets REAL    NOT NULL,
    in_packets  REAL    NOT NULL,
    PRIMARY KEY (at, dkey)
)
-- statement
-- Whether a gateway runs in observe mode (its Hello says so), shown to operators.
ALTER TABLE gateways ADD COLUMN observe INTEGER NOT NULL DEFAULT 0
