-- Events counted per day (cut in ENGAGE_TIME_ZONE), kept in the transaction that appends them, so
-- analytics read a few hundred rows instead of scanning events. event_key is the event type, or
-- status:<status> for a status change to that status. Each event adds to two rows: the one of
-- its document's organization and the one of all organizations (organization_id 0).
CREATE TABLE analytics_daily (
    organization_id BIGINT UNSIGNED NOT NULL,
    day DATE NOT NULL,
    event_key VARCHAR(40) NOT NULL,
    document_type VARCHAR(32) NOT NULL,
    external_source VARCHAR(32) NOT NULL,
    events BIGINT UNSIGNED NOT NULL,
    PRIMARY KEY (organization_id, day, event_key, document_type, external_source)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
