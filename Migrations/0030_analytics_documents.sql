-- The documents side of analytics, kept by triggers so that every path that writes a document
-- (staff, recipients, syncs, deletes) keeps it: per local day of creation (created_day, set by
-- the app in ENGAGE_TIME_ZONE), live documents and their amounts per status and currency; how
-- many reached each step (sent, viewed, downloaded, accepted, signed, paid); and how long from
-- sent to first view and to signature, in buckets of 2^(1/8) seconds (about 9% wide). Each has
-- a row for the document's organization and one for all organizations (0).
-- Documents written before this migration have no created_day and are not counted until
-- `engage analytics-rebuild` gives them theirs (the triggers count a document from then on).
ALTER TABLE documents ADD COLUMN created_day DATE NULL;

CREATE TABLE analytics_documents (
    organization_id BIGINT UNSIGNED NOT NULL,
    day DATE NOT NULL,
    status VARCHAR(16) NOT NULL,
    document_type VARCHAR(32) NOT NULL,
    external_source VARCHAR(32) NOT NULL,
    currency CHAR(3) NOT NULL,
    documents BIGINT NOT NULL,
    amount DECIMAL(20,2) NOT NULL,
    PRIMARY KEY (organization_id, day, status, document_type, external_source, currency)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE analytics_reached (
    organization_id BIGINT UNSIGNED NOT NULL,
    day DATE NOT NULL,
    step VARCHAR(16) NOT NULL,
    document_type VARCHAR(32) NOT NULL,
    external_source VARCHAR(32) NOT NULL,
    documents BIGINT NOT NULL,
    PRIMARY KEY (organization_id, day, step, document_type, external_source)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE analytics_delays (
    organization_id BIGINT UNSIGNED NOT NULL,
    day DATE NOT NULL,
    measure VARCHAR(16) NOT NULL,
    bucket SMALLINT UNSIGNED NOT NULL,
    document_type VARCHAR(32) NOT NULL,
    external_source VARCHAR(32) NOT NULL,
    documents BIGINT NOT NULL,
    PRIMARY KEY (organization_id, day, measure, bucket, document_type, external_source)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Adds `delta` documents (and their amount) to a row of each table, for the organization and for all.
CREATE PROCEDURE analytics_add_documents(org BIGINT UNSIGNED, d DATE, st VARCHAR(16), dt VARCHAR(32), src VARCHAR(32), cur CHAR(3),
                                         delta INT, amt DECIMAL(20,2))
BEGIN
    INSERT INTO analytics_documents VALUES (0, d, st, dt, IFNULL(src, ''), cur, delta, delta * IFNULL(amt, 0))
        ON DUPLICATE KEY UPDATE documents = documents + VALUES(documents), amount = amount + VALUES(amount);
    IF org IS NOT NULL THEN
        INSERT INTO analytics_documents VALUES (org, d, st, dt, IFNULL(src, ''), cur, delta, delta * IFNULL(amt, 0))
            ON DUPLICATE KEY UPDATE documents = documents + VALUES(documents), amount = amount + VALUES(amount);
    END IF;
END;

CREATE PROCEDURE analytics_add_reached(org BIGINT UNSIGNED, d DATE, step VARCHAR(16), dt VARCHAR(32), src VARCHAR(32), delta INT)
BEGIN
    INSERT INTO analytics_reached VALUES (0, d, step, dt, IFNULL(src, ''), delta)
        ON DUPLICATE KEY UPDATE documents = documents + VALUES(documents);
    IF org IS NOT NULL THEN
        INSERT INTO analytics_reached VALUES (org, d, step, dt, IFNULL(src, ''), delta)
            ON DUPLICATE KEY UPDATE documents = documents + VALUES(documents);
    END IF;
END;

-- A delay of `seconds` (from sent to the step) in its bucket: 0 for none, else 1 + floor(8 log2 s).
CREATE PROCEDURE analytics_add_delay(org BIGINT UNSIGNED, d DATE, measure VARCHAR(16), seconds BIGINT, dt VARCHAR(32), src VARCHAR(32), delta INT)
BEGIN
    DECLARE b SMALLINT UNSIGNED DEFAULT IF(seconds <= 0, 0, 1 + FLOOR(8 * LOG2(seconds)));
    IF seconds IS NOT NULL AND seconds >= 0 THEN
        INSERT INTO analytics_delays VALUES (0, d, measure, b, dt, IFNULL(src, ''), delta)
            ON DUPLICATE KEY UPDATE documents = documents + VALUES(documents);
        IF org IS NOT NULL THEN
            INSERT INTO analytics_delays VALUES (org, d, measure, b, dt, IFNULL(src, ''), delta)
                ON DUPLICATE KEY UPDATE documents = documents + VALUES(documents);
        END IF;
    END IF;
END;

-- Adds (delta 1) or takes away (delta -1) everything one document row contributes.
CREATE PROCEDURE analytics_add_document_row(
    org BIGINT UNSIGNED, d DATE, st VARCHAR(16), dt VARCHAR(32), src VARCHAR(32), cur CHAR(3), amt DECIMAL(20,2),
    sent DATETIME(6), viewed DATETIME(6), downloaded DATETIME(6), accepted DATETIME(6), signed DATETIME(6), paid DATETIME(6), delta INT)
BEGIN
    CALL analytics_add_documents(org, d, st, dt, src, cur, delta, amt);
    IF sent IS NOT NULL THEN CALL analytics_add_reached(org, d, 'sent', dt, src, delta); END IF;
    IF viewed IS NOT NULL THEN CALL analytics_add_reached(org, d, 'viewed', dt, src, delta); END IF;
    IF downloaded IS NOT NULL THEN CALL analytics_add_reached(org, d, 'downloaded', dt, src, delta); END IF;
    IF accepted IS NOT NULL THEN CALL analytics_add_reached(org, d, 'accepted', dt, src, delta); END IF;
    IF signed IS NOT NULL THEN CALL analytics_add_reached(org, d, 'signed', dt, src, delta); END IF;
    IF paid IS NOT NULL THEN CALL analytics_add_reached(org, d, 'paid', dt, src, delta); END IF;
    IF sent IS NOT NULL AND viewed IS NOT NULL THEN
        CALL analytics_add_delay(org, d, 'first_view', TIMESTAMPDIFF(SECOND, sent, viewed), dt, src, delta);
    END IF;
    IF sent IS NOT NULL AND signed IS NOT NULL THEN
        CALL analytics_add_delay(org, d, 'signature', TIMESTAMPDIFF(SECOND, sent, signed), dt, src, delta);
    END IF;
END;

CREATE TRIGGER documents_analytics_insert AFTER INSERT ON documents FOR EACH ROW
    IF NEW.deleted_at IS NULL AND NEW.created_day IS NOT NULL THEN
        CALL analytics_add_document_row(NEW.organization_id, NEW.created_day, NEW.status, NEW.document_type, NEW.external_source,
            NEW.currency, NEW.total_amount, NEW.sent_at, NEW.first_viewed_at, NEW.downloaded_at, NEW.accepted_at, NEW.signed_at,
            NEW.paid_at, 1);
    END IF;

-- Only a change of what is counted moves the counts: the old row's part out, the new row's in.
CREATE TRIGGER documents_analytics_update AFTER UPDATE ON documents FOR EACH ROW
    IF NOT (NEW.status <=> OLD.status AND NEW.total_amount <=> OLD.total_amount AND NEW.currency <=> OLD.currency
            AND NEW.document_type <=> OLD.document_type AND NEW.external_source <=> OLD.external_source
            AND NEW.organization_id <=> OLD.organization_id AND NEW.created_day <=> OLD.created_day
            AND (NEW.deleted_at IS NULL) = (OLD.deleted_at IS NULL) AND NEW.sent_at <=> OLD.sent_at
            AND NEW.first_viewed_at <=> OLD.first_viewed_at AND NEW.downloaded_at <=> OLD.downloaded_at
            AND NEW.accepted_at <=> OLD.accepted_at AND NEW.signed_at <=> OLD.signed_at AND NEW.paid_at <=> OLD.paid_at) THEN
        IF OLD.deleted_at IS NULL AND OLD.created_day IS NOT NULL THEN
            CALL analytics_add_document_row(OLD.organization_id, OLD.created_day, OLD.status, OLD.document_type, OLD.external_source,
                OLD.currency, OLD.total_amount, OLD.sent_at, OLD.first_viewed_at, OLD.downloaded_at, OLD.accepted_at, OLD.signed_at,
                OLD.paid_at, -1);
        END IF;
        IF NEW.deleted_at IS NULL AND NEW.created_day IS NOT NULL THEN
            CALL analytics_add_document_row(NEW.organization_id, NEW.created_day, NEW.status, NEW.document_type, NEW.external_source,
                NEW.currency, NEW.total_amount, NEW.sent_at, NEW.first_viewed_at, NEW.downloaded_at, NEW.accepted_at, NEW.signed_at,
                NEW.paid_at, 1);
        END IF;
    END IF;

CREATE TRIGGER documents_analytics_delete AFTER DELETE ON documents FOR EACH ROW
    IF OLD.deleted_at IS NULL AND OLD.created_day IS NOT NULL THEN
        CALL analytics_add_document_row(OLD.organization_id, OLD.created_day, OLD.status, OLD.document_type, OLD.external_source,
            OLD.currency, OLD.total_amount, OLD.sent_at, OLD.first_viewed_at, OLD.downloaded_at, OLD.accepted_at, OLD.signed_at,
            OLD.paid_at, -1);
    END IF;
