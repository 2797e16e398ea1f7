-- The top documents of a period read the documents created in it by their local day.
ALTER TABLE documents ADD KEY documents_created_day (deleted_at, created_day);
