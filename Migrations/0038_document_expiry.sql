-- When a document stops waiting for its recipients (issue 17): the worker's sweeper moves an
-- overdue document to expired, revokes its links and tells its owner. The index serves the
-- sweeper's "overdue now" scan, by status: only documents still waiting are looked at.
ALTER TABLE documents
    ADD COLUMN expires_at DATETIME(6) NULL AFTER due_date,
    ADD KEY documents_expiry (status, expires_at);
