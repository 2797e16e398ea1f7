-- An API key may be made to expire: it stops authenticating at that time, without anyone revoking it.
ALTER TABLE api_keys ADD COLUMN expires_at DATETIME(6) NULL;
