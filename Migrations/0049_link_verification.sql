-- Signer identity: a link (or a party, which passes it to its link) may ask for a one-time code
-- sent to its email or phone before the first accept, sign or decline.
ALTER TABLE access_tokens
    ADD COLUMN verify ENUM('none', 'email', 'sms') NOT NULL DEFAULT 'none' AFTER recipient_email,
    ADD COLUMN recipient_phone VARCHAR(16) NULL AFTER verify;

ALTER TABLE document_parties
    ADD COLUMN verify ENUM('none', 'email', 'sms') NOT NULL DEFAULT 'none' AFTER phone;

-- One row per code sent: only its keyed hash is kept, with where it went (masked) and how it was
-- used; a verified row is the evidence a signature names.
CREATE TABLE link_verifications (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    access_token_id BIGINT UNSIGNED NOT NULL,
    channel ENUM('email', 'sms') NOT NULL,
    destination VARCHAR(320) NOT NULL,
    code_hash BINARY(32) NOT NULL,
    outbox_message_id BIGINT UNSIGNED NULL,
    attempts TINYINT UNSIGNED NOT NULL DEFAULT 0,
    sent_at DATETIME(6) NOT NULL,
    expires_at DATETIME(6) NOT NULL,
    verified_at DATETIME(6) NULL,
    verified_ip VARCHAR(45) NULL,
    verified_user_agent VARCHAR(512) NULL,
    KEY link_verifications_link (access_token_id, sent_at),
    CONSTRAINT link_verifications_link FOREIGN KEY (access_token_id) REFERENCES access_tokens (id) ON DELETE CASCADE,
    CONSTRAINT link_verifications_message FOREIGN KEY (outbox_message_id) REFERENCES outbox_messages (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
