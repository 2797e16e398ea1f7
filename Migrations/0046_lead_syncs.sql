-- The delayed lead sync (issue 19): each accepted request is a row, answered 202 at once and
-- merged into its lead by a worker, oldest first. `changes` is the validated request
-- ({"fields": {...}, "custom": {...}}); a recipient's Register is a row with its document.
CREATE TABLE lead_syncs (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    status ENUM('queued', 'processed') NOT NULL DEFAULT 'queued',
    email VARCHAR(254) NOT NULL,
    changes JSON NOT NULL,
    source ENUM('api', 'document') NOT NULL,
    document_id BIGINT UNSIGNED NULL,
    lead_id BIGINT UNSIGNED NULL,
    outcome ENUM('created', 'updated') NULL,
    flagged JSON NULL,
    created_at DATETIME(6) NOT NULL,
    processed_at DATETIME(6) NULL,
    KEY lead_syncs_status (status, id),
    KEY lead_syncs_lead (lead_id, id),
    CONSTRAINT lead_syncs_document FOREIGN KEY (document_id) REFERENCES documents (id) ON DELETE SET NULL,
    CONSTRAINT lead_syncs_lead FOREIGN KEY (lead_id) REFERENCES leads (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Workers take turns on the queue by locking this one row, so syncs of one email are merged in
-- the order they were accepted even with several workers.
CREATE TABLE lead_sync_turn (
    id TINYINT UNSIGNED NOT NULL PRIMARY KEY,
    taken_at DATETIME(6) NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
INSERT INTO lead_sync_turn (id) VALUES (1);
