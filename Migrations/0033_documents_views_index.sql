-- The most viewed documents of a period (analytics top) read this index newest-highest first
-- instead of sorting every document of the period.
CREATE INDEX documents_views ON documents (deleted_at, view_count);
