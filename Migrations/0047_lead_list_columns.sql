-- The custom fields each staff member shows as columns of the Leads list.
CREATE TABLE lead_list_columns (
    user_id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
    field_names JSON NOT NULL,
    updated_at DATETIME(6) NOT NULL,
    CONSTRAINT lead_list_columns_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
