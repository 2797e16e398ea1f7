-- Each party of a document has one link of its own (its "pickup URL"), created when the flow
-- starts. Its secret is kept sealed (encrypted with the server's key) on the party, so that the
-- party's turn and every renotification send the same link; a transfer revokes it and makes a
-- new one. A link with a party acts for that party only.
ALTER TABLE access_tokens
    ADD COLUMN party_id BIGINT UNSIGNED NULL AFTER document_id,
    ADD CONSTRAINT access_tokens_party FOREIGN KEY (party_id) REFERENCES document_parties (id) ON DELETE SET NULL;

ALTER TABLE document_parties
    ADD COLUMN sealed_link_secret VARBINARY(255) NULL AFTER access_token_id;
