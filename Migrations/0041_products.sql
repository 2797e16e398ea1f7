-- The product catalogue (issue 18): directories of products that price rows are made from. A row
-- keeps its own copy of what it sells, so editing or deleting a product never changes a proposal.
CREATE TABLE product_directories (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(200) NOT NULL,
    created_at DATETIME(6) NOT NULL,
    updated_at DATETIME(6) NOT NULL,
    UNIQUE KEY product_directories_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE products (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    directory_id BIGINT UNSIGNED NOT NULL,
    sku VARCHAR(64) NULL,
    name VARCHAR(255) NOT NULL,
    descr_short TEXT NULL,
    price DECIMAL(15,2) NOT NULL,
    vat_group_id BIGINT UNSIGNED NULL,
    optional TINYINT(1) NOT NULL DEFAULT 0,
    unit VARCHAR(32) NULL,
    created_at DATETIME(6) NOT NULL,
    updated_at DATETIME(6) NOT NULL,
    UNIQUE KEY products_sku (sku),
    KEY products_directory_name (directory_id, name, id),
    KEY products_name (name, id),
    CONSTRAINT products_directory FOREIGN KEY (directory_id) REFERENCES product_directories (id),
    CONSTRAINT products_vat_group FOREIGN KEY (vat_group_id) REFERENCES vat_groups (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
