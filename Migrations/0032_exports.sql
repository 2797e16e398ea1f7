-- Document exports asked for with bulk/export: the selection, the build's state, and the file in
-- chunks of at most 1 MiB (in the database, so that any app node can serve what any worker built).
-- The download token is kept as its SHA-256. Rows are claimed like the delivery queues
-- (LeaseQueue): queued, then sending while a worker builds, then ready or failed.
CREATE TABLE exports (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    token_hash BINARY(32) NOT NULL,
    format ENUM('csv', 'xlsx') NOT NULL,
    selection JSON NOT NULL,
    documents INT UNSIGNED NOT NULL,
    status ENUM('queued', 'sending', 'ready', 'failed') NOT NULL DEFAULT 'queued',
    attempts SMALLINT UNSIGNED NOT NULL DEFAULT 0,
    next_attempt_at DATETIME(6) NOT NULL,
    locked_by VARCHAR(64) NULL,
    locked_until DATETIME(6) NULL,
    size BIGINT UNSIGNED NULL,
    error VARCHAR(255) NULL,
    created_by BIGINT UNSIGNED NULL,
    created_at DATETIME(6) NOT NULL,
    updated_at DATETIME(6) NOT NULL,
    expires_at DATETIME(6) NOT NULL,
    UNIQUE KEY exports_token (token_hash),
    KEY exports_due (status, next_attempt_at),
    KEY exports_expiry (expires_at),
    CONSTRAINT exports_selection_json CHECK (JSON_VALID(selection))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE export_chunks (
    export_id BIGINT UNSIGNED NOT NULL,
    position INT UNSIGNED NOT NULL,
    data MEDIUMBLOB NOT NULL,
    PRIMARY KEY (export_id, position),
    CONSTRAINT export_chunks_export FOREIGN KEY (export_id) REFERENCES exports (id) ON DELETE CASCADE
) ENGINE=InnoDB;
