-- Month rows beside the day rows in every analytics table (span 'm', day = the month's first
-- day), kept by the same writers, so that a long period reads its whole months as one row each
-- and only its partial months day by day. The dimension columns become ASCII with binary
-- collation: they hold codes, and grouping by them is then about twice as fast.
ALTER TABLE analytics_daily
    ADD COLUMN span CHAR(1) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT 'd' AFTER organization_id,
    MODIFY event_key VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    MODIFY document_type VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    MODIFY external_source VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    DROP PRIMARY KEY, ADD PRIMARY KEY (organization_id, span, day, event_key, document_type, external_source);

ALTER TABLE analytics_documents
    ADD COLUMN span CHAR(1) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT 'd' AFTER organization_id,
    MODIFY status VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    MODIFY document_type VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    MODIFY external_source VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    MODIFY currency CHAR(3) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    DROP PRIMARY KEY, ADD PRIMARY KEY (organization_id, span, day, status, document_type, external_source, currency);

ALTER TABLE analytics_reached
    ADD COLUMN span CHAR(1) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT 'd' AFTER organization_id,
    MODIFY step VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    MODIFY document_type VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    MODIFY external_source VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    DROP PRIMARY KEY, ADD PRIMARY KEY (organization_id, span, day, step, document_type, external_source);

ALTER TABLE analytics_delays
    ADD COLUMN span CHAR(1) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT 'd' AFTER organization_id,
    MODIFY measure VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    MODIFY document_type VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    MODIFY external_source VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    DROP PRIMARY KEY, ADD PRIMARY KEY (organization_id, span, day, measure, bucket, document_type, external_source);

INSERT INTO analytics_daily (organization_id, span, day, event_key, document_type, external_source, events)
SELECT organization_id, 'm', DATE_FORMAT(day, '%Y-%m-01'), event_key, document_type, external_source, SUM(events)
FROM analytics_daily WHERE span = 'd' GROUP BY organization_id, DATE_FORMAT(day, '%Y-%m-01'), event_key, document_type, external_source;

INSERT INTO analytics_documents (organization_id, span, day, status, document_type, external_source, currency, documents, amount)
SELECT organization_id, 'm', DATE_FORMAT(day, '%Y-%m-01'), status, document_type, external_source, currency, SUM(documents), SUM(amount)
FROM analytics_documents WHERE span = 'd'
GROUP BY organization_id, DATE_FORMAT(day, '%Y-%m-01'), status, document_type, external_source, currency;

INSERT INTO analytics_reached (organization_id, span, day, step, document_type, external_source, documents)
SELECT organization_id, 'm', DATE_FORMAT(day, '%Y-%m-01'), step, document_type, external_source, SUM(documents)
FROM analytics_reached WHERE span = 'd' GROUP BY organization_id, DATE_FORMAT(day, '%Y-%m-01'), step, document_type, external_source;

INSERT INTO analytics_delays (organization_id, span, day, measure, bucket, document_type, external_source, documents)
SELECT organization_id, 'm', DATE_FORMAT(day, '%Y-%m-01'), measure, bucket, document_type, external_source, SUM(documents)
FROM analytics_delays WHERE span = 'd' GROUP BY organization_id, DATE_FORMAT(day, '%Y-%m-01'), measure, bucket, document_type, external_source;
