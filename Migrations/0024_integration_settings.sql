-- How Oui Engage talks to each partner: its API token and callback secret, sealed with
-- ENGAGE_SECRET_KEY (read back to call and to verify) with the token's last four characters kept
-- apart to show; the API's base URL; and the automatic sync schedule (NULL: off).
CREATE TABLE integration_settings (
    source ENUM('pennylane', 'projectflow') NOT NULL PRIMARY KEY,
    api_token VARBINARY(4096) NULL,
    token_last4 VARCHAR(4) NULL,
    base_url VARCHAR(2048) NOT NULL,
    webhook_secret VARBINARY(4096) NULL,
    schedule_minutes SMALLINT UNSIGNED NULL,
    updated_by BIGINT UNSIGNED NULL,
    updated_at DATETIME(6) NOT NULL,
    CONSTRAINT integration_settings_updater FOREIGN KEY (updated_by) REFERENCES users (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
