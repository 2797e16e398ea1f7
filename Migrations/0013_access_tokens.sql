-- Recipients' links: a random token shown once, stored as SHA-256; the prefix names it in lists.
-- use_count only grows through a conditional UPDATE, so max_uses holds under concurrent requests.
CREATE TABLE access_tokens (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    document_id BIGINT UNSIGNED NOT NULL,
    token_hash BINARY(32) NOT NULL,
    prefix VARCHAR(16) NOT NULL,
    allowed_actions SET('view', 'download', 'accept', 'sign', 'register', 'decline') NOT NULL,
    expires_at DATETIME(6) NULL,
    max_uses INT UNSIGNED NULL,
    use_count INT UNSIGNED NOT NULL DEFAULT 0,
    recipient_email VARCHAR(254) NULL,
    prefill_data JSON NULL,
    restricted_ips JSON NULL,
    created_by BIGINT UNSIGNED NULL,
    created_at DATETIME(6) NOT NULL,
    last_used_at DATETIME(6) NULL,
    revoked_at DATETIME(6) NULL,
    revoked_by BIGINT UNSIGNED NULL,
    UNIQUE KEY access_tokens_hash (token_hash),
    KEY access_tokens_document (document_id, id),
    CONSTRAINT access_tokens_prefill_json CHECK (prefill_data IS NULL OR JSON_VALID(prefill_data)),
    CONSTRAINT access_tokens_ips_json CHECK (restricted_ips IS NULL OR JSON_VALID(restricted_ips)),
    CONSTRAINT access_tokens_document FOREIGN KEY (document_id) REFERENCES documents (id) ON DELETE CASCADE,
    CONSTRAINT access_tokens_creator FOREIGN KEY (created_by) REFERENCES users (id) ON DELETE SET NULL,
    CONSTRAINT access_tokens_revoker FOREIGN KEY (revoked_by) REFERENCES users (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Tracking pixels: 128-bit ids that are not secrets (an open is all they can record). Each link
-- gets one for emails its owner writes; the outbox will give each message its own.
CREATE TABLE tracking_pixels (
    id CHAR(32) NOT NULL PRIMARY KEY,
    document_id BIGINT UNSIGNED NOT NULL,
    access_token_id BIGINT UNSIGNED NULL,
    created_at DATETIME(6) NOT NULL,
    KEY tracking_pixels_document (document_id),
    CONSTRAINT tracking_pixels_document FOREIGN KEY (document_id) REFERENCES documents (id) ON DELETE CASCADE,
    CONSTRAINT tracking_pixels_token FOREIGN KEY (access_token_id) REFERENCES access_tokens (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
