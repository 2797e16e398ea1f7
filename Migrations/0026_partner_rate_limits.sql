-- The requests each partner token may still make, shared by every worker: the times of the
-- latest requests (a JSON list, at most the limit's size) and a pause the partner asked for
-- with 429 Retry-After. A request waits until fewer than `limit` were sent in the window.
CREATE TABLE partner_rate_limits (
    bucket VARCHAR(64) NOT NULL PRIMARY KEY,
    sent JSON NOT NULL,
    paused_until DATETIME(6) NULL,
    CONSTRAINT partner_rate_limits_sent_json CHECK (JSON_VALID(sent))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
