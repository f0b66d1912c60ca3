-- The indicators the engine is compared on, in SQL, per municipality and month
-- of one year (months {A}..{B}, numbered year * 12 + month - 1), from the facts
-- `helsebro analytics export` writes. Each query ends with a line "-- name".
-- LEAST/GREATEST are MIN/MAX in SQLite (bench/analytics.sh rewrites them).

SELECT nr, start_month AS month,
  SUM(CASE WHEN unit = 2 THEN 1 ELSE 0 END) AS kad_adm,
  SUM(CASE WHEN unit = 2 AND old = 1 THEN 1 ELSE 0 END) AS kad_adm80,
  SUM(CASE WHEN unit = 1 AND transfer = 0 THEN 1 ELSE 0 END) AS h_adm,
  SUM(CASE WHEN unit = 1 AND transfer = 0 AND emergency = 1 THEN 1 ELSE 0 END) AS h_emerg,
  SUM(CASE WHEN unit = 1 AND transfer = 0 AND emergency = 1 AND old = 1 THEN 1 ELSE 0 END) AS h_emerg80
FROM stays WHERE start_month BETWEEN {A} AND {B} GROUP BY nr, start_month ORDER BY nr, month;
-- admissions

SELECT nr, end_month AS month,
  SUM(CASE WHEN unit = 2 THEN 1 ELSE 0 END) AS kad_end,
  SUM(CASE WHEN unit = 2 THEN end_min - start_min ELSE 0 END) AS kad_los,
  SUM(CASE WHEN unit = 2 AND home = 1 THEN 1 ELSE 0 END) AS kad_home,
  SUM(CASE WHEN unit = 1 AND index_end = 1 THEN 1 ELSE 0 END) AS h_index
FROM stays WHERE end_month BETWEEN {A} AND {B} GROUP BY nr, end_month ORDER BY nr, month;
-- discharges

SELECT s.nr, m.month,
  SUM(LEAST(s.end_min, m.end_min) - GREATEST(s.start_min, m.start_min)) AS kad_bed
FROM stays s JOIN months m ON s.start_min < m.end_min AND s.end_min > m.start_min
WHERE s.unit = 2 AND m.month BETWEEN {A} AND {B} GROUP BY s.nr, m.month ORDER BY s.nr, m.month;
-- bed_minutes

WITH h AS (
  SELECT patient, nr, start_min, emergency, transfer,
    MAX(CASE WHEN index_end = 1 THEN end_min END) OVER (PARTITION BY patient ORDER BY start_min
      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_end
  FROM stays WHERE unit = 1),
r AS (
  SELECT DISTINCT nr, patient, prev_end FROM h
  WHERE emergency = 1 AND transfer = 0 AND prev_end IS NOT NULL AND start_min >= prev_end
    AND start_min - prev_end <= 43200)
SELECT r.nr, m.month, COUNT(*) AS h_readmit
FROM r JOIN months m ON r.prev_end >= m.start_min AND r.prev_end < m.end_min
WHERE m.month BETWEEN {A} AND {B} GROUP BY r.nr, m.month ORDER BY r.nr, m.month;
-- readmissions
