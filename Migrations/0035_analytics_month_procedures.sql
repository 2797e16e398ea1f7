-- The documents' counts (0030) add to the month row too, in the same statement as the day row.
DROP PROCEDURE analytics_add_documents;
DROP PROCEDURE analytics_add_reached;
DROP PROCEDURE analytics_add_delay;

CREATE PROCEDURE analytics_add_documents(org BIGINT UNSIGNED, d DATE, st VARCHAR(16), dt VARCHAR(32), src VARCHAR(32), cur CHAR(3),
                                         delta INT, amt DECIMAL(20,2))
BEGIN
    DECLARE m DATE DEFAULT DATE_FORMAT(d, '%Y-%m-01');
    INSERT INTO analytics_documents VALUES
        (0, 'd', d, st, dt, IFNULL(src, ''), cur, delta, delta * IFNULL(amt, 0)),
        (0, 'm', m, st, dt, IFNULL(src, ''), cur, delta, delta * IFNULL(amt, 0))
        ON DUPLICATE KEY UPDATE documents = documents + VALUES(documents), amount = amount + VALUES(amount);
    IF org IS NOT NULL THEN
        INSERT INTO analytics_documents VALUES
            (org, 'd', d, st, dt, IFNULL(src, ''), cur, delta, delta * IFNULL(amt, 0)),
            (org, 'm', m, st, dt, IFNULL(src, ''), cur, delta, delta * IFNULL(amt, 0))
            ON DUPLICATE KEY UPDATE documents = documents + VALUES(documents), amount = amount + VALUES(amount);
    END IF;
END;

CREATE PROCEDURE analytics_add_reached(org BIGINT UNSIGNED, d DATE, step VARCHAR(16), dt VARCHAR(32), src VARCHAR(32), delta INT)
BEGIN
    DECLARE m DATE DEFAULT DATE_FORMAT(d, '%Y-%m-01');
    INSERT INTO analytics_reached VALUES (0, 'd', d, step, dt, IFNULL(src, ''), delta), (0, 'm', m, step, dt, IFNULL(src, ''), delta)
        ON DUPLICATE KEY UPDATE documents = documents + VALUES(documents);
    IF org IS NOT NULL THEN
        INSERT INTO analytics_reached VALUES (org, 'd', d, step, dt, IFNULL(src, ''), delta), (org, 'm', m, step, dt, IFNULL(src, ''), delta)
            ON DUPLICATE KEY UPDATE documents = documents + VALUES(documents);
    END IF;
END;

-- A delay of `seconds` (from sent to the step) in its bucket: 0 for none, else 1 + floor(8 log2 s).
CREATE PROCEDURE analytics_add_delay(org BIGINT UNSIGNED, d DATE, measure VARCHAR(16), seconds BIGINT, dt VARCHAR(32), src VARCHAR(32), delta INT)
BEGIN
    DECLARE b SMALLINT UNSIGNED DEFAULT IF(seconds <= 0, 0, 1 + FLOOR(8 * LOG2(seconds)));
    DECLARE m DATE DEFAULT DATE_FORMAT(d, '%Y-%m-01');
    IF seconds IS NOT NULL AND seconds >= 0 THEN
        INSERT INTO analytics_delays VALUES (0, 'd', d, measure, b, dt, IFNULL(src, ''), delta), (0, 'm', m, measure, b, dt, IFNULL(src, ''), delta)
            ON DUPLICATE KEY UPDATE documents = documents + VALUES(documents);
        IF org IS NOT NULL THEN
            INSERT INTO analytics_delays VALUES
                (org, 'd', d, measure, b, dt, IFNULL(src, ''), delta), (org, 'm', m, measure, b, dt, IFNULL(src, ''), delta)
                ON DUPLICATE KEY UPDATE documents = documents + VALUES(documents);
        END IF;
    END IF;
END;
