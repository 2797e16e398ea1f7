-- Email opens and tracked clicks counted once per message, client address and time window:
-- a row per (pixel, kind, address, window) that an event was recorded for.
CREATE TABLE tracking_hits (
    pixel_id CHAR(32) NOT NULL,
    kind ENUM('open', 'click') NOT NULL,
    address VARCHAR(45) NOT NULL,
    window_start BIGINT NOT NULL,
    PRIMARY KEY (pixel_id, kind, address, window_start),
    KEY tracking_hits_age (window_start)
) ENGINE=InnoDB DEFAULT CHARSET=ascii COLLATE=ascii_bin;
