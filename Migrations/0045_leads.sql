-- Leads (issue 19): people known by their email, pushed by integrators' delayed syncs or met
-- through a recipient's Register. `email` is kept trimmed and lower-cased: it is the merge key.
CREATE TABLE leads (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    email VARCHAR(254) NOT NULL,
    crm_lead_id VARCHAR(100) NULL,
    job_title VARCHAR(200) NULL,
    first_name VARCHAR(100) NULL,
    last_name VARCHAR(100) NULL,
    phone VARCHAR(40) NULL,
    company VARCHAR(200) NULL,
    source ENUM('api', 'document') NOT NULL,
    contact_id BIGINT UNSIGNED NULL,
    organization_id BIGINT UNSIGNED NULL,
    converted_at DATETIME(6) NULL,
    created_at DATETIME(6) NOT NULL,
    updated_at DATETIME(6) NOT NULL,
    UNIQUE KEY leads_email (email),
    KEY leads_updated (updated_at, id),
    KEY leads_created (created_at, id),
    KEY leads_last_name (last_name, id),
    KEY leads_company (company, id),
    CONSTRAINT leads_contact FOREIGN KEY (contact_id) REFERENCES contacts (id) ON DELETE SET NULL,
    CONSTRAINT leads_organization FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A custom field is typed by the first value it is given; its name matches case-insensitively.
CREATE TABLE lead_fields (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(64) NOT NULL,
    type ENUM('text', 'number', 'date', 'boolean') NOT NULL,
    created_at DATETIME(6) NOT NULL,
    UNIQUE KEY lead_fields_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One lead's value of one custom field, in the canonical text of its type ("42.5", "2026-11-30",
-- "true"); `flagged` when it did not fit the field's type and is kept as the text it was.
CREATE TABLE lead_field_values (
    lead_id BIGINT UNSIGNED NOT NULL,
    field_id BIGINT UNSIGNED NOT NULL,
    value VARCHAR(2000) NOT NULL,
    flagged TINYINT(1) NOT NULL DEFAULT 0,
    PRIMARY KEY (lead_id, field_id),
    KEY lead_field_values_filter (field_id, value(100), lead_id),
    CONSTRAINT lead_field_values_lead FOREIGN KEY (lead_id) REFERENCES leads (id) ON DELETE CASCADE,
    CONSTRAINT lead_field_values_field FOREIGN KEY (field_id) REFERENCES lead_fields (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
