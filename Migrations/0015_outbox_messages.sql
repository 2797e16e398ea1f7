-- Mail and SMS waiting to be delivered, written in the same transaction as the change that causes
-- them and delivered by workers. A worker claims rows with FOR UPDATE SKIP LOCKED and leases them
-- (locked_by, locked_until); while a row is 'sending', next_attempt_at is its lease end, so a row
-- whose worker died becomes claimable again through the same index as a row due for a retry.
-- 'failed' is a permanent refusal (no retry); 'dead' ran out of attempts.
CREATE TABLE outbox_messages (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    document_id BIGINT UNSIGNED NULL,
    access_token_id BIGINT UNSIGNED NULL,
    channel ENUM('email', 'sms') NOT NULL,
    purpose VARCHAR(32) NOT NULL,
    language CHAR(2) NOT NULL,
    message_id VARCHAR(255) NOT NULL,
    tracking_id CHAR(32) NULL,
    recipient VARCHAR(254) NOT NULL,
    recipient_name VARCHAR(255) NULL,
    cc JSON NULL,
    subject VARCHAR(255) NULL,
    text_body MEDIUMTEXT NOT NULL,
    html_body MEDIUMTEXT NULL,
    status ENUM('queued', 'sending', 'sent', 'failed', 'dead') NOT NULL DEFAULT 'queued',
    attempts SMALLINT UNSIGNED NOT NULL DEFAULT 0,
    next_attempt_at DATETIME(6) NOT NULL,
    locked_by VARCHAR(64) NULL,
    locked_until DATETIME(6) NULL,
    last_error VARCHAR(1000) NULL,
    provider_id VARCHAR(255) NULL,
    created_by BIGINT UNSIGNED NULL,
    created_at DATETIME(6) NOT NULL,
    sent_at DATETIME(6) NULL,
    updated_at DATETIME(6) NOT NULL,
    UNIQUE KEY outbox_messages_message_id (message_id),
    KEY outbox_messages_due (status, next_attempt_at),
    KEY outbox_messages_status (status, id),
    KEY outbox_messages_document (document_id, id),
    CONSTRAINT outbox_messages_cc_json CHECK (cc IS NULL OR JSON_VALID(cc)),
    CONSTRAINT outbox_messages_document FOREIGN KEY (document_id) REFERENCES documents (id) ON DELETE CASCADE,
    CONSTRAINT outbox_messages_token FOREIGN KEY (access_token_id) REFERENCES access_tokens (id) ON DELETE SET NULL,
    CONSTRAINT outbox_messages_creator FOREIGN KEY (created_by) REFERENCES users (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Each email gets its own pixel, so an open or a click names the message it came from.
ALTER TABLE tracking_pixels ADD COLUMN outbox_message_id BIGINT UNSIGNED NULL,
    ADD CONSTRAINT tracking_pixels_message FOREIGN KEY (outbox_message_id) REFERENCES outbox_messages (id) ON DELETE SET NULL;

-- Staff's versions of the message templates; a missing row means the default file under Templates/.
CREATE TABLE message_templates (
    channel ENUM('email', 'sms') NOT NULL,
    purpose VARCHAR(32) NOT NULL,
    language CHAR(2) NOT NULL,
    subject VARCHAR(255) NULL,
    body TEXT NOT NULL,
    updated_by BIGINT UNSIGNED NULL,
    updated_at DATETIME(6) NOT NULL,
    PRIMARY KEY (channel, purpose, language),
    CONSTRAINT message_templates_editor FOREIGN KEY (updated_by) REFERENCES users (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One reminder per document, kind and date: the primary key is what makes "never twice" hold
-- when several workers look for reminders at once.
CREATE TABLE document_reminders (
    document_id BIGINT UNSIGNED NOT NULL,
    kind ENUM('due_date', 'link_expiry') NOT NULL,
    target_date DATE NOT NULL,
    outbox_message_id BIGINT UNSIGNED NULL,
    created_at DATETIME(6) NOT NULL,
    PRIMARY KEY (document_id, kind, target_date),
    CONSTRAINT document_reminders_document FOREIGN KEY (document_id) REFERENCES documents (id) ON DELETE CASCADE,
    CONSTRAINT document_reminders_message FOREIGN KEY (outbox_message_id) REFERENCES outbox_messages (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

ALTER TABLE documents ADD COLUMN reminders_enabled BOOLEAN NOT NULL DEFAULT TRUE;
