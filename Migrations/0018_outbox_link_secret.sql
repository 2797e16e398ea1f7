-- A queued message's link secret, sealed with ENGAGE_SECRET_KEY (AES-GCM: nonce, ciphertext, tag).
-- The bodies hold a placeholder in its place; the worker puts it back when it delivers, and the
-- column is emptied once the message is sent, failed or dead.
ALTER TABLE outbox_messages ADD COLUMN link_secret VARBINARY(128) NULL;
