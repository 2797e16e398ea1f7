-- Changes written back to a partner (a Pennylane quote accepted here), queued in the transaction
-- of the change and sent by workers like outbox_messages; one row per document and status, so a
-- status is never pushed twice.
CREATE TABLE partner_pushes (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    document_id BIGINT UNSIGNED NOT NULL,
    source ENUM('pennylane', 'projectflow') NOT NULL,
    external_id VARCHAR(191) NOT NULL,
    pushed_status VARCHAR(32) NOT NULL,
    status ENUM('queued', 'sending', 'delivered', 'failed') NOT NULL DEFAULT 'queued',
    attempts SMALLINT UNSIGNED NOT NULL DEFAULT 0,
    next_attempt_at DATETIME(6) NOT NULL,
    locked_by VARCHAR(64) NULL,
    locked_until DATETIME(6) NULL,
    last_error VARCHAR(1000) NULL,
    created_at DATETIME(6) NOT NULL,
    delivered_at DATETIME(6) NULL,
    updated_at DATETIME(6) NOT NULL,
    UNIQUE KEY partner_pushes_once (document_id, pushed_status),
    KEY partner_pushes_due (status, next_attempt_at),
    CONSTRAINT partner_pushes_document FOREIGN KEY (document_id) REFERENCES documents (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
