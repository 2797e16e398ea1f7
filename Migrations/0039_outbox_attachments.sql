-- A message may carry a file the worker makes when it sends it (issue 17): the completed PDF of
-- a document whose parties all signed goes to each of them. Only the kind is stored; the file is
-- made from the document at delivery, so the outbox never holds large bodies.
ALTER TABLE outbox_messages ADD COLUMN attachment VARCHAR(32) NULL AFTER html_body;
