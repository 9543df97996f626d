-- Internal tables (staged facts and bookkeeping). The public views are in views.sql.
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);

CREATE TABLE IF NOT EXISTS ledger (
    source_file VARCHAR PRIMARY KEY, sha256 VARCHAR, size BIGINT, mtime DOUBLE,
    loaded_at TIMESTAMP, status VARCHAR, rows_read INTEGER, rows_loaded INTEGER,
    rows_rejected INTEGER, illustrative BOOLEAN, message VARCHAR);

CREATE TABLE IF NOT EXISTS sheet_log (
    source_file VARCHAR, sheet VARCHAR, kind VARCHAR, layout VARCHAR, period VARCHAR,
    status VARCHAR, reason VARCHAR, rows_read INTEGER, rows_loaded INTEGER,
    rows_rejected INTEGER, illustrative BOOLEAN);

CREATE TABLE IF NOT EXISTS rejections_t (
    source_file VARCHAR, sheet VARCHAR, row_no INTEGER, column_name VARCHAR, value VARCHAR,
    rule VARCHAR, message VARCHAR);

CREATE TABLE IF NOT EXISTS f_indicators (
    source_file VARCHAR, sheet VARCHAR, row_no INTEGER, period VARCHAR, year INTEGER,
    unit_id VARCHAR, indicator_id VARCHAR, indicator_name VARCHAR, measure_unit VARCHAR,
    target DOUBLE, actual DOUBLE, direction_hint VARCHAR, illustrative BOOLEAN);

CREATE TABLE IF NOT EXISTS f_scores (
    source_file VARCHAR, sheet VARCHAR, row_no INTEGER, period VARCHAR, year INTEGER,
    unit_id VARCHAR, criterion VARCHAR, max_points DOUBLE, points DOUBLE, illustrative BOOLEAN);

CREATE TABLE IF NOT EXISTS f_awards (
    source_file VARCHAR, sheet VARCHAR, row_no INTEGER, period VARCHAR, year INTEGER,
    unit_id VARCHAR, award_id VARCHAR, recipient_kind VARCHAR, count INTEGER,
    illustrative BOOLEAN);

CREATE TABLE IF NOT EXISTS f_recipients (
    source_file VARCHAR, sheet VARCHAR, row_no INTEGER, period VARCHAR, year INTEGER,
    unit_id VARCHAR, award_id VARCHAR, recipient_kind VARCHAR, name VARCHAR, position VARCHAR,
    decision_no VARCHAR, decision_date DATE, illustrative BOOLEAN, birth_year INTEGER,
    staff_no VARCHAR);
-- optional person keys (issue 16), added to a warehouse made before them
ALTER TABLE f_recipients ADD COLUMN IF NOT EXISTS birth_year INTEGER;
ALTER TABLE f_recipients ADD COLUMN IF NOT EXISTS staff_no VARCHAR;

CREATE TABLE IF NOT EXISTS f_initiatives (
    source_file VARCHAR, sheet VARCHAR, row_no INTEGER, period VARCHAR, year INTEGER,
    unit_id VARCHAR, level VARCHAR, count INTEGER, illustrative BOOLEAN);

CREATE TABLE IF NOT EXISTS f_clusters (
    source_file VARCHAR, sheet VARCHAR, row_no INTEGER, year INTEGER, cluster_no INTEGER,
    unit_id VARCHAR, role VARCHAR, illustrative BOOLEAN);

-- what each file claims: (kind, unit, period); the newest file wins each claim
CREATE TABLE IF NOT EXISTS claims (
    source_file VARCHAR, kind VARCHAR, unit_id VARCHAR, period VARCHAR, mtime DOUBLE);


-- awards over the years (issue 16, load/history.py): recomputed from the facts after each
-- change; no name in any of them (a candidate points at the recipient row it names)
CREATE TABLE IF NOT EXISTS h_rules (
    rule_id VARCHAR, award_id VARCHAR, recipient_kind VARCHAR, pattern VARCHAR,
    basis_award_id VARCHAR, n INTEGER, within_years INTEGER, after_award_id VARCHAR,
    share DOUBLE, min_allowed INTEGER, valid_from DATE, valid_to DATE, checks VARCHAR,
    legal_basis VARCHAR, confidence VARCHAR, unchecked VARCHAR, source VARCHAR,
    active BOOLEAN, status VARCHAR);

CREATE TABLE IF NOT EXISTS h_candidates (
    year INTEGER, unit_id VARCHAR, recipient_kind VARCHAR, person_id INTEGER,
    award_id VARCHAR, rule_id VARCHAR, evidence_years VARCHAR, unchecked VARCHAR,
    legal_basis VARCHAR, confidence VARCHAR, source_file VARCHAR, sheet VARCHAR,
    row_no INTEGER, illustrative BOOLEAN);

CREATE TABLE IF NOT EXISTS h_flags (
    year INTEGER, unit_id VARCHAR, rule_id VARCHAR, award_id VARCHAR, flag VARCHAR,
    cases INTEGER, message VARCHAR, legal_basis VARCHAR, illustrative BOOLEAN);

CREATE TABLE IF NOT EXISTS h_quota (
    year INTEGER, unit_id VARCHAR, rule_id VARCHAR, award_id VARCHAR, base_award_id VARCHAR,
    count INTEGER, base_count INTEGER, share_used DOUBLE, share_limit DOUBLE, allowed DOUBLE,
    applies BOOLEAN, breach BOOLEAN, illustrative BOOLEAN);

CREATE TABLE IF NOT EXISTS h_streaks (
    year INTEGER, unit_id VARCHAR, award_id VARCHAR, subject VARCHAR, streak_len INTEGER,
    n INTEGER, illustrative BOOLEAN);

CREATE TABLE IF NOT EXISTS h_questions (
    question_id INTEGER, year INTEGER, unit_id VARCHAR, award_id VARCHAR,
    source_file VARCHAR, sheet VARCHAR, row_no INTEGER);

CREATE TABLE IF NOT EXISTS h_gaps (unit_id VARCHAR, year INTEGER);
