-- Each staff member's portal language and time zone; NULL follows the browser's language and the
-- installation's ENGAGE_TIME_ZONE.
ALTER TABLE users
    ADD COLUMN language VARCHAR(2) NULL AFTER role,
    ADD COLUMN time_zone VARCHAR(64) NULL AFTER language;
