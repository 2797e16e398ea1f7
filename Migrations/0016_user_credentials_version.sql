-- Counts a user's password changes and deactivations. Access tokens carry the count they were
-- issued under (`ver`), so a change ends every token issued before it, not only refresh tokens.
ALTER TABLE users ADD COLUMN credentials_version INT UNSIGNED NOT NULL DEFAULT 0;
