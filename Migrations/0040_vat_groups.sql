-- VAT groups (issue 18): the rates price rows and products pick from, editable by admins. France's
-- four rates come first; a rate may be named more than once (two labels of one percentage).
CREATE TABLE vat_groups (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(100) NOT NULL,
    percentage DECIMAL(5,2) NOT NULL,
    label VARCHAR(255) NULL,
    created_at DATETIME(6) NOT NULL,
    updated_at DATETIME(6) NOT NULL,
    UNIQUE KEY vat_groups_name (name),
    KEY vat_groups_percentage (percentage, id),
    CONSTRAINT vat_groups_percentage_range CHECK (percentage >= 0 AND percentage <= 100)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO vat_groups (name, percentage, label, created_at, updated_at) VALUES
    ('TVA 20 %', 20.00, 'Taux normal', UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)),
    ('TVA 10 %', 10.00, 'Taux intermédiaire', UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)),
    ('TVA 5,5 %', 5.50, 'Taux réduit', UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)),
    ('TVA 2,1 %', 2.10, 'Taux particulier', UTC_TIMESTAMP(6), UTC_TIMESTAMP(6));
