-- An API key may require signed requests: its signing secret, sealed with ENGAGE_SECRET_KEY
-- because the server reads it back to check each request's HMAC. NULL: the key alone suffices.
ALTER TABLE api_keys ADD COLUMN signing_secret VARBINARY(128) NULL;
