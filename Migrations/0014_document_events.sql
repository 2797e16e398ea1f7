-- What happened to each document, append-only. Each row's chain_hash is the SHA-256 of the
-- previous row's chain_hash and this row's fields (EventChain), so changing or removing any row
-- breaks verification; documents.event_chain_head holds the last hash, which also catches
-- removing the newest rows. Appends lock the document row, which orders the chain.
CREATE TABLE document_events (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    document_id BIGINT UNSIGNED NOT NULL,
    event_type VARCHAR(32) NOT NULL,
    access_token_id BIGINT UNSIGNED NULL,
    user_id BIGINT UNSIGNED NULL,
    ip_address VARCHAR(45) NULL,
    user_agent VARCHAR(512) NULL,
    device_type VARCHAR(8) NULL,
    details JSON NULL,
    created_at DATETIME(6) NOT NULL,
    chain_hash BINARY(32) NOT NULL,
    KEY document_events_document (document_id, id),
    KEY document_events_type (document_id, event_type, id),
    KEY document_events_created (document_id, created_at),
    CONSTRAINT document_events_details_json CHECK (details IS NULL OR JSON_VALID(details)),
    CONSTRAINT document_events_document FOREIGN KEY (document_id) REFERENCES documents (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- registered_at is stamped like the other firsts; registering is not a status.
ALTER TABLE documents ADD COLUMN event_chain_head BINARY(32) NULL, ADD COLUMN registered_at DATETIME(6) NULL;
