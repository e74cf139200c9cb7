-- The admin page (issue 15), MySQL/MariaDB dialect: the traffic history its chart draws, and each gateway's observe mode. Times are Unix ms (UTC).
-- Every minute the control plane samples the cumulative counters summed over the gateways' latest reports: the
-- total (dkey '') and the busiest destinations. The chart draws the differences between samples. Bounded: samples
-- older than a day are dropped, and each holds at most the total and a few destinations.
CREATE TABLE traffic_history (
    at          BIGINT NOT NULL,
    dkey        VARCHAR(100) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    out_bytes   DOUBLE NOT NULL,
    in_bytes    DOUBLE NOT NULL,
    out_packets DOUBLE NOT NULL,
    in_packets  DOUBLE NOT NULL,
    PRIMARY KEY (at, dkey)
) ENGINE = InnoDB
-- statement
-- Whether a gateway runs in observe mode (its Hello says so), shown to operators.
ALTER TABLE gateways ADD COLUMN observe BOOLEAN NOT NULL DEFAULT FALSE
