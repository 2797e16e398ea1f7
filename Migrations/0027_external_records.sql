-- What a sync needs to find again what it imported: the partner's id on organizations and
-- contacts, and on documents the fields as last imported, so that a later sync changes only
-- what staff did not change here.
ALTER TABLE organizations
    ADD COLUMN external_source VARCHAR(32) NULL,
    ADD COLUMN external_id VARCHAR(191) NULL,
    ADD UNIQUE KEY organizations_external (external_source, external_id);
ALTER TABLE contacts
    ADD COLUMN external_source VARCHAR(32) NULL,
    ADD COLUMN external_id VARCHAR(191) NULL,
    ADD UNIQUE KEY contacts_external (external_source, external_id);
-- Deleted documents too: a sync does not bring back what staff deleted.
ALTER TABLE documents
    ADD COLUMN external_snapshot JSON NULL,
    ADD KEY documents_external (external_source, external_id),
    ADD CONSTRAINT documents_external_snapshot_json CHECK (external_snapshot IS NULL OR JSON_VALID(external_snapshot));
