-- Live and deleted document counts per (status, type, source), kept by triggers so that a list's
-- total for those filters is a sum of a few rows instead of a count over the whole table.
CREATE TABLE document_counts (
    status VARCHAR(16) NOT NULL,
    document_type VARCHAR(32) NOT NULL,
    external_source VARCHAR(32) NOT NULL,
    live TINYINT(1) NOT NULL,
    documents BIGINT NOT NULL,
    PRIMARY KEY (status, document_type, external_source, live)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TRIGGER documents_count_insert AFTER INSERT ON documents FOR EACH ROW
    INSERT INTO document_counts (status, document_type, external_source, live, documents)
    VALUES (NEW.status, NEW.document_type, IFNULL(NEW.external_source, ''), NEW.deleted_at IS NULL, 1)
    ON DUPLICATE KEY UPDATE documents = documents + 1;

CREATE TRIGGER documents_count_update AFTER UPDATE ON documents FOR EACH ROW
BEGIN
    IF NOT (NEW.status <=> OLD.status AND NEW.document_type <=> OLD.document_type
            AND NEW.external_source <=> OLD.external_source AND (NEW.deleted_at IS NULL) = (OLD.deleted_at IS NULL)) THEN
        UPDATE document_counts SET documents = documents - 1
        WHERE status = OLD.status AND document_type = OLD.document_type
          AND external_source = IFNULL(OLD.external_source, '') AND live = (OLD.deleted_at IS NULL);
        INSERT INTO document_counts (status, document_type, external_source, live, documents)
        VALUES (NEW.status, NEW.document_type, IFNULL(NEW.external_source, ''), NEW.deleted_at IS NULL, 1)
        ON DUPLICATE KEY UPDATE documents = documents + 1;
    END IF;
END;

CREATE TRIGGER documents_count_delete AFTER DELETE ON documents FOR EACH ROW
    UPDATE document_counts SET documents = documents - 1
    WHERE status = OLD.status AND document_type = OLD.document_type
      AND external_source = IFNULL(OLD.external_source, '') AND live = (OLD.deleted_at IS NULL);
