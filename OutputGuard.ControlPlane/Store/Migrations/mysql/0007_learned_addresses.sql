-- Addresses the gateways' DNS proxies learned from answers clients received, MySQL/MariaDB dialect: per entry,
-- gateway and address, the name asked, the TTL, first and last seen and when it expires (TTL + the gateway's grace).
-- Times are Unix milliseconds (UTC). Expired rows are removed as reports arrive.
CREATE TABLE learned_addresses (
    entry_id   BIGINT       NOT NULL,
    gateway_id VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    address    VARCHAR(45)  CHARACTER SET ascii NOT NULL,
    name       VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    ttl        INT          NOT NULL,
    first_seen BIGINT       NOT NULL,
    last_seen  BIGINT       NOT NULL,
    expires    BIGINT       NOT NULL,
    PRIMARY KEY (entry_id, gateway_id, address),
    KEY learned_addresses_expires (expires)
) ENGINE=InnoDB
