-- Price tables (issue 18): a document's (or a template's) tables and their rows, in the seed's
-- terms. Amounts are never stored: PriceCalculator computes them, and the document's total_amount
-- is kept equal to its tables' total. A row's chosen state (ticked, count) is the recipient's
-- choice once they made one.
CREATE TABLE price_tables (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    document_id BIGINT UNSIGNED NULL,
    template_id BIGINT UNSIGNED NULL,
    position SMALLINT UNSIGNED NOT NULL,
    table_key VARCHAR(64) NOT NULL,
    title VARCHAR(255) NULL,
    vat_default_percentage DECIMAL(5,2) NOT NULL,
    vat_hidden TINYINT(1) NOT NULL,
    rows_include_vat TINYINT(1) NOT NULL,
    UNIQUE KEY price_tables_document (document_id, position),
    UNIQUE KEY price_tables_template (template_id, position),
    CONSTRAINT price_tables_owner CHECK ((document_id IS NULL) <> (template_id IS NULL)),
    CONSTRAINT price_tables_document FOREIGN KEY (document_id) REFERENCES documents (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE price_rows (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    price_table_id BIGINT UNSIGNED NOT NULL,
    position SMALLINT UNSIGNED NOT NULL,
    row_type ENUM('price', 'discount', 'subtotal', 'title') NOT NULL,
    content TEXT NOT NULL,
    count DECIMAL(12,3) NOT NULL,
    price DECIMAL(15,2) NOT NULL,
    unit VARCHAR(32) NULL,
    vat_percentage DECIMAL(5,2) NOT NULL,
    discount DECIMAL(5,2) NOT NULL,
    product_id BIGINT UNSIGNED NULL,
    sku VARCHAR(64) NULL,
    userinput_optional TINYINT(1) NOT NULL,
    userinput_optional_checked TINYINT(1) NOT NULL,
    userinput_count TINYINT(1) NOT NULL,
    UNIQUE KEY price_rows_position (price_table_id, position),
    KEY price_rows_product (product_id),
    CONSTRAINT price_rows_table FOREIGN KEY (price_table_id) REFERENCES price_tables (id) ON DELETE CASCADE,
    CONSTRAINT price_rows_product FOREIGN KEY (product_id) REFERENCES products (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
