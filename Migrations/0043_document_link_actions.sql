-- What the link sent with a document allows unless the send says otherwise (issue 18): set by a
-- template's link actions, or by the API's link_actions. NULL keeps the default of its type.
-- Added at the end of the row, so MariaDB adds it instantly, without rebuilding the table.
ALTER TABLE documents ADD COLUMN link_actions JSON NULL,
    ADD CONSTRAINT documents_link_actions_json CHECK (link_actions IS NULL OR JSON_VALID(link_actions));
