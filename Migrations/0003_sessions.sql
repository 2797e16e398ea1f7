-- Portal sessions, keyed by the SHA-256 of the cookie's random id. A row without user is the
-- pre-session of a visitor on the sign-in page: it carries the sign-in form's CSRF token.
CREATE TABLE sessions (
    id_hash BINARY(32) NOT NULL PRIMARY KEY,
    user_id BIGINT UNSIGNED NULL,
    csrf_token VARCHAR(64) NOT NULL,
    created_at DATETIME(6) NOT NULL,
    last_seen_at DATETIME(6) NOT NULL,
    expires_at DATETIME(6) NOT NULL,
    KEY sessions_user (user_id),
    KEY sessions_expires (expires_at),
    CONSTRAINT sessions_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
