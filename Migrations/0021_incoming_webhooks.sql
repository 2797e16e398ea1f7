-- Callbacks from Pennylane and ProjectFlow. A verified one is kept whole (deduplicated on the
-- sender's event id) and processed by a worker; a refused one is kept without its body, so the
-- portal can show what was turned away and why.
CREATE TABLE incoming_webhooks (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    source ENUM('pennylane', 'projectflow') NOT NULL,
    verification ENUM('verified', 'missing_signature', 'invalid_signature', 'stale_timestamp', 'not_configured') NOT NULL,
    event_id VARCHAR(100) NULL,
    event_type VARCHAR(100) NULL,
    body MEDIUMTEXT NULL,
    status ENUM('received', 'processed', 'ignored', 'failed', 'refused') NOT NULL,
    outcome VARCHAR(1000) NULL,
    received_at DATETIME(6) NOT NULL,
    processed_at DATETIME(6) NULL,
    UNIQUE KEY incoming_webhooks_event (source, event_id),
    KEY incoming_webhooks_pending (status, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
