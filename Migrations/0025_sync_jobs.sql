-- Sync jobs: one pull from a partner, run by any worker under a lease (locked_by, locked_until),
-- with its checkpoint (stage and the partner's cursor) and counts written in the transaction that
-- imports each page, so a job resumed after a crash neither skips nor counts an item twice.
-- active_source holds the source while the job is queued or running: one such job per source.
-- since is the lower bound of an incremental pull (NULL: everything).
CREATE TABLE sync_jobs (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    source ENUM('pennylane', 'projectflow') NOT NULL,
    full_sync BOOLEAN NOT NULL,
    origin ENUM('manual', 'schedule') NOT NULL,
    status ENUM('queued', 'running', 'completed', 'failed') NOT NULL,
    active_source VARCHAR(16) AS (IF(status IN ('queued', 'running'), source, NULL)) PERSISTENT,
    since DATETIME(6) NULL,
    stage VARCHAR(32) NULL,
    cursor_value VARCHAR(2048) NULL,
    pages SMALLINT UNSIGNED NOT NULL DEFAULT 0,
    total INT UNSIGNED NULL,
    documents_processed INT UNSIGNED NOT NULL DEFAULT 0,
    documents_created INT UNSIGNED NOT NULL DEFAULT 0,
    documents_updated INT UNSIGNED NOT NULL DEFAULT 0,
    error_count INT UNSIGNED NOT NULL DEFAULT 0,
    failure VARCHAR(1000) NULL,
    claims SMALLINT UNSIGNED NOT NULL DEFAULT 0,
    locked_by VARCHAR(64) NULL,
    locked_until DATETIME(6) NULL,
    requested_by BIGINT UNSIGNED NULL,
    created_at DATETIME(6) NOT NULL,
    started_at DATETIME(6) NULL,
    finished_at DATETIME(6) NULL,
    updated_at DATETIME(6) NOT NULL,
    UNIQUE KEY sync_jobs_active (active_source),
    KEY sync_jobs_due (status, locked_until),
    KEY sync_jobs_source (source, status, id),
    KEY sync_jobs_status (status, id),
    CONSTRAINT sync_jobs_requester FOREIGN KEY (requested_by) REFERENCES users (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The items a job could not import, each with the partner's id and why.
CREATE TABLE sync_errors (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    job_id BIGINT UNSIGNED NOT NULL,
    external_id VARCHAR(191) NULL,
    message VARCHAR(1000) NOT NULL,
    created_at DATETIME(6) NOT NULL,
    KEY sync_errors_job (job_id, id),
    CONSTRAINT sync_errors_job FOREIGN KEY (job_id) REFERENCES sync_jobs (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
