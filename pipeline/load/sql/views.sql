-- The public views of contract §3. Reference tables ref_* are replaced when the CSVs change.
CREATE OR REPLACE VIEW units AS
SELECT unit_id, name, kind, gso_code, gso_code_2024, valid_from, valid_to, successor_id, source
FROM ref_units;

CREATE OR REPLACE VIEW winners AS
SELECT kind, unit_id, period, arg_max(source_file, (mtime, source_file)) AS source_file
FROM claims GROUP BY ALL;

CREATE OR REPLACE VIEW clusters AS
WITH loaded AS (
    SELECT c.year, c.cluster_no, c.unit_id, c.role, c.source_file, c.illustrative
    FROM f_clusters c JOIN winners w
      ON w.kind = 'clusters' AND w.unit_id = c.unit_id AND w.period = CAST(c.year AS VARCHAR)
     AND w.source_file = c.source_file)
SELECT year, cluster_no, unit_id, role, source_file, illustrative FROM loaded
UNION ALL
SELECT r.year, r.cluster_no, r.unit_id, r.role, NULL AS source_file, FALSE AS illustrative
FROM ref_clusters r
WHERE NOT EXISTS (SELECT 1 FROM loaded l WHERE l.year = r.year AND l.unit_id = r.unit_id)
  AND NOT EXISTS (SELECT 1 FROM loaded l WHERE l.year = r.year AND l.cluster_no = r.cluster_no);

CREATE OR REPLACE VIEW indicators AS
SELECT indicator_id, name, measure_unit, direction, target, FALSE AS is_new, source
FROM ref_indicators
UNION ALL
SELECT indicator_id, min(indicator_name), min(measure_unit), NULL, NULL, TRUE,
       'chỉ tiêu mới, lần đầu gặp trong ' || min(source_file)
FROM f_indicators
WHERE indicator_id NOT IN (SELECT indicator_id FROM ref_indicators)
GROUP BY indicator_id;

CREATE OR REPLACE VIEW indicator_results AS
SELECT f.period, f.year, f.unit_id, c.cluster_no, f.indicator_id, f.indicator_name,
       f.measure_unit, f.target, f.actual,
       CASE WHEN f.target IS NULL OR f.actual IS NULL THEN NULL
            WHEN coalesce(f.direction_hint, i.direction, 'higher') = 'lower'
            THEN f.actual <= f.target ELSE f.actual >= f.target END AS met,
       coalesce(f.direction_hint, i.direction, 'higher') AS direction,
       f.source_file, f.sheet, f.row_no, f.illustrative
FROM f_indicators f
JOIN winners w ON w.kind = 'indicators' AND w.unit_id = f.unit_id AND w.period = f.period
              AND w.source_file = f.source_file
LEFT JOIN indicators i ON i.indicator_id = f.indicator_id
LEFT JOIN clusters c ON c.year = f.year AND c.unit_id = f.unit_id;

CREATE OR REPLACE VIEW scores AS
SELECT f.period, f.year, f.unit_id, c.cluster_no, f.criterion, f.max_points, f.points,
       f.source_file, f.sheet, f.row_no, f.illustrative
FROM f_scores f
JOIN winners w ON w.kind = 'scores' AND w.unit_id = f.unit_id AND w.period = f.period
              AND w.source_file = f.source_file
LEFT JOIN clusters c ON c.year = f.year AND c.unit_id = f.unit_id;

CREATE OR REPLACE VIEW score_ranking AS
SELECT period, cluster_no, unit_id, total_points,
       rank() OVER (PARTITION BY period, cluster_no ORDER BY total_points DESC) AS rank,
       illustrative
FROM (SELECT period, cluster_no, unit_id, sum(points) AS total_points,
             bool_or(illustrative) AS illustrative
      FROM scores GROUP BY ALL);

CREATE OR REPLACE VIEW awards AS
SELECT f.year, f.period, f.unit_id, c.cluster_no, f.award_id, a.name AS award_name,
       f.recipient_kind, f.count, f.source_file, f.sheet, f.row_no, f.illustrative
FROM f_awards f
JOIN winners w ON w.kind = 'awards' AND w.unit_id = f.unit_id AND w.period = f.period
              AND w.source_file = f.source_file
LEFT JOIN ref_award_forms a ON a.award_id = f.award_id
LEFT JOIN clusters c ON c.year = f.year AND c.unit_id = f.unit_id;

CREATE OR REPLACE VIEW recipients AS
SELECT f.year, f.unit_id, f.award_id, f.recipient_kind, f.name, f.position, f.decision_no,
       f.decision_date, f.period, f.source_file, f.sheet, f.row_no, f.illustrative,
       f.birth_year, f.staff_no
FROM f_recipients f
JOIN winners w ON w.kind = 'recipients' AND w.unit_id = f.unit_id AND w.period = f.period
              AND w.source_file = f.source_file;

CREATE OR REPLACE VIEW initiatives AS
SELECT f.year, f.period, f.unit_id, c.cluster_no, f.level, f.count, f.source_file, f.sheet,
       f.row_no, f.illustrative
FROM f_initiatives f
JOIN winners w ON w.kind = 'initiatives' AND w.unit_id = f.unit_id AND w.period = f.period
              AND w.source_file = f.source_file
LEFT JOIN clusters c ON c.year = f.year AND c.unit_id = f.unit_id;

-- Who has sent what: one row per unit × kind × period expected or received.
--  received    the file whose figures count (the newest file for that unit, kind, period);
--  superseded  an older file for the same unit, kind and period (its figures do not count);
--  rejected    expected and not received, while a file of that kind and period for the
--              unit's cluster had rows rejected (the unit's row is likely among them);
--  missing     expected and not received.
-- Expected: every member of a cluster in the period's year that exists on the period's last
-- day (a unit merged on 1 July 2025 reports 2025-H1, not 2025-FY), for every kind some unit
-- sent for that period (recipient lists are optional: listed when received, never missing).
CREATE OR REPLACE VIEW submissions AS
WITH periodic AS (
    SELECT c.kind, c.unit_id, c.period, c.source_file,
           TRY_CAST(left(c.period, 4) AS INTEGER) AS year,
           w.source_file IS NOT NULL AS won
    FROM claims c
    LEFT JOIN winners w ON w.kind = c.kind AND w.unit_id = c.unit_id AND w.period = c.period
                       AND w.source_file = c.source_file
    WHERE c.kind <> 'clusters'),
expected AS (
    SELECT DISTINCT e.period, m.cluster_no, m.unit_id, e.kind
    FROM (SELECT DISTINCT period, year, kind,
                 make_date(year, CASE WHEN right(period, 2) = 'H1' THEN 5 ELSE 11 END,
                           CASE WHEN right(period, 2) = 'H1' THEN 31 ELSE 30 END) AS last_day
          FROM periodic WHERE kind <> 'recipients') e
    JOIN clusters m ON m.year = e.year
    JOIN units u ON u.unit_id = m.unit_id AND u.valid_from <= e.last_day
                AND (u.valid_to IS NULL OR u.valid_to >= e.last_day)),
bad AS (
    SELECT s.kind, s.period, m.cluster_no, min(s.source_file) AS source_file
    FROM sheet_log s
    JOIN claims c ON c.source_file = s.source_file AND c.kind = s.kind AND c.period = s.period
    JOIN clusters m ON m.unit_id = c.unit_id AND m.year = TRY_CAST(left(s.period, 4) AS INTEGER)
    WHERE s.rows_rejected > 0
    GROUP BY ALL)
SELECT p.period, m.cluster_no, p.unit_id, p.kind,
       CASE WHEN p.won THEN 'received' ELSE 'superseded' END AS status,
       p.source_file, l.loaded_at
FROM periodic p
LEFT JOIN clusters m ON m.year = p.year AND m.unit_id = p.unit_id
LEFT JOIN ledger l ON l.source_file = p.source_file
UNION ALL
SELECT e.period, e.cluster_no, e.unit_id, e.kind,
       CASE WHEN b.source_file IS NULL THEN 'missing' ELSE 'rejected' END AS status,
       b.source_file, l.loaded_at
FROM expected e
LEFT JOIN bad b ON b.kind = e.kind AND b.period = e.period AND b.cluster_no = e.cluster_no
LEFT JOIN ledger l ON l.source_file = b.source_file
WHERE NOT EXISTS (SELECT 1 FROM periodic g
                  WHERE g.period = e.period AND g.unit_id = e.unit_id AND g.kind = e.kind);

CREATE OR REPLACE VIEW rejections AS
SELECT source_file, sheet, row_no, column_name, value, rule, message FROM rejections_t;

CREATE OR REPLACE VIEW loads AS
SELECT l.source_file, l.sha256, l.loaded_at,
       CASE WHEN l.status <> 'loaded' THEN l.status
            WHEN s.claims > 0 AND s.won = 0 THEN 'superseded'
            WHEN s.won < s.claims THEN 'partly_superseded'
            ELSE l.status END AS status,
       l.rows_read, l.rows_loaded, l.rows_rejected, l.illustrative, l.message
FROM ledger l
LEFT JOIN (SELECT c.source_file, count(*) AS claims,
                  count(*) FILTER (WHERE w.source_file = c.source_file) AS won
           FROM claims c JOIN winners w USING (kind, unit_id, period)
           GROUP BY c.source_file) s USING (source_file);

CREATE OR REPLACE VIEW sheets AS
SELECT source_file, sheet, kind, layout, period, status, reason, rows_read, rows_loaded,
       rows_rejected, illustrative FROM sheet_log;

-- awards over the years (issue 16): tables written by load/history.py after each change
CREATE OR REPLACE VIEW award_rules AS
SELECT rule_id, award_id, recipient_kind, pattern, basis_award_id, n, within_years,
       after_award_id, share, min_allowed, valid_from, valid_to, checks, legal_basis,
       confidence, active, status, unchecked, source
FROM h_rules;

-- names are personal data here, as in recipients (Nghị định 13/2023/NĐ-CP)
CREATE OR REPLACE VIEW award_candidates AS
SELECT c.year, c.unit_id, c.recipient_kind, r.name, c.award_id, c.rule_id, c.evidence_years,
       c.unchecked, c.legal_basis, c.confidence, r.position, r.birth_year, r.staff_no,
       c.person_id, c.source_file, c.sheet, c.row_no, c.illustrative
FROM h_candidates c
LEFT JOIN f_recipients r
  ON r.source_file = c.source_file AND r.sheet = c.sheet AND r.row_no = c.row_no;

CREATE OR REPLACE VIEW award_flags AS
SELECT year, unit_id, rule_id, award_id, flag, cases, message, legal_basis, illustrative
FROM h_flags;

CREATE OR REPLACE VIEW award_quota AS
SELECT year, unit_id, rule_id, award_id, base_award_id, count, base_count, share_used,
       share_limit, allowed, applies, breach, illustrative
FROM h_quota;

CREATE OR REPLACE VIEW award_streaks AS
SELECT year, unit_id, award_id, subject, streak_len, n, illustrative FROM h_streaks;
