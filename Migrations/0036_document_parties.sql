-- The parties of a document (issue 17): who signs, approves, views or is copied, in which step
-- (same step: in parallel; ascending: in turn), and how far each got. A document without parties
-- keeps its single implicit recipient. Names and emails are unique within a document, since the
-- API addresses a party by either.
CREATE TABLE document_parties (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    document_id BIGINT UNSIGNED NOT NULL,
    name VARCHAR(255) NOT NULL,
    email VARCHAR(255) NULL,
    phone VARCHAR(32) NULL,
    role ENUM('signer', 'approver', 'viewer', 'cc') NOT NULL,
    step SMALLINT UNSIGNED NOT NULL DEFAULT 1,
    status ENUM('pending', 'notified', 'viewed', 'completed', 'declined') NOT NULL DEFAULT 'pending',
    access_token_id BIGINT UNSIGNED NULL,
    last_access_at DATETIME(6) NULL,
    notified_at DATETIME(6) NULL,
    completed_at DATETIME(6) NULL,
    declined_at DATETIME(6) NULL,
    decline_reason VARCHAR(1000) NULL,
    evidence JSON NULL,
    created_at DATETIME(6) NOT NULL,
    updated_at DATETIME(6) NOT NULL,
    UNIQUE KEY document_parties_name (document_id, name),
    UNIQUE KEY document_parties_email (document_id, email),
    KEY document_parties_step (document_id, step, id),
    CONSTRAINT document_parties_evidence_json CHECK (evidence IS NULL OR JSON_VALID(evidence)),
    CONSTRAINT document_parties_document FOREIGN KEY (document_id) REFERENCES documents (id) ON DELETE CASCADE,
    CONSTRAINT document_parties_link FOREIGN KEY (access_token_id) REFERENCES access_tokens (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
