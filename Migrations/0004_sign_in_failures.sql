-- Failed sign-ins, counted per account (email) and per client address over a sliding window.
-- Kept in the database so every app instance sees the same counts.
CREATE TABLE sign_in_failures (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    scope ENUM('account', 'address') NOT NULL,
    subject VARCHAR(254) NOT NULL,
    failed_at DATETIME(6) NOT NULL,
    KEY sign_in_failures_lookup (scope, subject, failed_at),
    KEY sign_in_failures_age (failed_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
