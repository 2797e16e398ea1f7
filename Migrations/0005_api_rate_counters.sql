-- API requests per caller per one-minute window, shared by every app instance.
CREATE TABLE api_rate_counters (
    principal VARCHAR(64) NOT NULL,
    window_start DATETIME NOT NULL,
    hits INT UNSIGNED NOT NULL,
    PRIMARY KEY (principal, window_start),
    KEY api_rate_counters_age (window_start)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
