-- Document templates (issue 18, Offorte's favorites): what a new document starts from — type,
-- title, description, default message, currency, link actions and price tables (in price_tables,
-- by template_id). Text templates: Markdown blocks staff insert into descriptions.
CREATE TABLE document_templates (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(200) NOT NULL,
    document_type VARCHAR(32) NOT NULL,
    title VARCHAR(255) NOT NULL,
    description TEXT NULL,
    custom_message TEXT NULL,
    currency CHAR(3) NOT NULL DEFAULT 'EUR',
    link_actions JSON NULL,
    created_by BIGINT UNSIGNED NULL,
    created_at DATETIME(6) NOT NULL,
    updated_at DATETIME(6) NOT NULL,
    UNIQUE KEY document_templates_name (name),
    CONSTRAINT document_templates_link_actions_json CHECK (link_actions IS NULL OR JSON_VALID(link_actions))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

ALTER TABLE price_tables
    ADD CONSTRAINT price_tables_template FOREIGN KEY (template_id) REFERENCES document_templates (id) ON DELETE CASCADE;

CREATE TABLE text_templates (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(200) NOT NULL,
    body TEXT NOT NULL,
    created_at DATETIME(6) NOT NULL,
    updated_at DATETIME(6) NOT NULL,
    UNIQUE KEY text_templates_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
