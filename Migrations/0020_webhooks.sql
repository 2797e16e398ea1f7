-- Integrators' webhook endpoints: where events are POSTed, which events (a JSON list of types, or
-- ["*"]), and the signing secret, sealed with ENGAGE_SECRET_KEY because it is read back to sign.
-- After a rotation the previous secret signs beside the new one until previous_secret_until.
-- failing_since is set by the first failed delivery after a success and cleared by the next success.
CREATE TABLE webhook_endpoints (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    url VARCHAR(2048) NOT NULL,
    description VARCHAR(255) NULL,
    events JSON NOT NULL,
    secret VARBINARY(128) NOT NULL,
    previous_secret VARBINARY(128) NULL,
    previous_secret_until DATETIME(6) NULL,
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    disabled_reason VARCHAR(255) NULL,
    disabled_at DATETIME(6) NULL,
    failing_since DATETIME(6) NULL,
    last_success_at DATETIME(6) NULL,
    created_by BIGINT UNSIGNED NULL,
    created_at DATETIME(6) NOT NULL,
    updated_at DATETIME(6) NOT NULL,
    CONSTRAINT webhook_endpoints_events_json CHECK (JSON_VALID(events)),
    CONSTRAINT webhook_endpoints_creator FOREIGN KEY (created_by) REFERENCES users (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per event that at least one endpoint wanted, written in the transaction of the change:
-- message_id is the webhook-id every endpoint and every retry of it sees; body is the exact JSON sent.
CREATE TABLE webhook_events (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    message_id VARCHAR(40) NOT NULL,
    type VARCHAR(64) NOT NULL,
    body MEDIUMTEXT NOT NULL,
    created_at DATETIME(6) NOT NULL,
    UNIQUE KEY webhook_events_message_id (message_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- An event on its way to one endpoint, claimed and leased by workers like outbox_messages
-- (while 'sending', next_attempt_at is the lease end). 'failed' ran out of attempts or was
-- stopped by the endpoint (410 Gone, disabled).
CREATE TABLE webhook_deliveries (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    endpoint_id BIGINT UNSIGNED NOT NULL,
    event_id BIGINT UNSIGNED NOT NULL,
    status ENUM('queued', 'sending', 'delivered', 'failed') NOT NULL DEFAULT 'queued',
    attempts SMALLINT UNSIGNED NOT NULL DEFAULT 0,
    next_attempt_at DATETIME(6) NOT NULL,
    locked_by VARCHAR(64) NULL,
    locked_until DATETIME(6) NULL,
    last_status_code SMALLINT UNSIGNED NULL,
    last_error VARCHAR(1000) NULL,
    created_at DATETIME(6) NOT NULL,
    delivered_at DATETIME(6) NULL,
    updated_at DATETIME(6) NOT NULL,
    KEY webhook_deliveries_due (status, next_attempt_at),
    KEY webhook_deliveries_endpoint (endpoint_id, id),
    CONSTRAINT webhook_deliveries_endpoint FOREIGN KEY (endpoint_id) REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    CONSTRAINT webhook_deliveries_event FOREIGN KEY (event_id) REFERENCES webhook_events (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Each try of a delivery as it went: when, how long, what came back (excerpts), and the
-- timestamp and signatures it was sent with, so the portal can show the request as sent.
CREATE TABLE webhook_attempts (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    delivery_id BIGINT UNSIGNED NOT NULL,
    attempt SMALLINT UNSIGNED NOT NULL,
    sent_at DATETIME(6) NOT NULL,
    duration_ms INT UNSIGNED NOT NULL,
    signed_timestamp BIGINT NOT NULL,
    signature VARCHAR(255) NOT NULL,
    status_code SMALLINT UNSIGNED NULL,
    response_headers VARCHAR(2000) NULL,
    response_body VARCHAR(2000) NULL,
    error VARCHAR(1000) NULL,
    KEY webhook_attempts_delivery (delivery_id, attempt),
    CONSTRAINT webhook_attempts_delivery FOREIGN KEY (delivery_id) REFERENCES webhook_deliveries (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
