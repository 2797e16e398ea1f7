-- API POSTs made with an Idempotency-Key: the first request's fingerprint (method, path and body
-- digest) and, once it is answered, that answer, replayed to a retry with the same key and body
-- for 24 hours. A row in progress makes concurrent duplicates wait for the first.
CREATE TABLE idempotency_keys (
    caller VARCHAR(40) NOT NULL,
    idempotency_key VARCHAR(255) NOT NULL,
    fingerprint BINARY(32) NOT NULL,
    state ENUM('in_progress', 'done') NOT NULL,
    response_status SMALLINT UNSIGNED NULL,
    response_location VARCHAR(2048) NULL,
    response_body MEDIUMBLOB NULL,
    created_at DATETIME(6) NOT NULL,
    PRIMARY KEY (caller, idempotency_key),
    KEY idempotency_keys_age (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
