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
    decision_no VARCHAR, decision_date DATE, illustrative BOOLEAN);

CREATE TABLE IF NOT EXISTS f_initiatives (
    source_file VARCHAR, sheet VARCHAR, row_no INTEGER, period VARCHAR, year INTEGER,
    unit_id VARCHAR, level VARCHAR, count INTEGER, illustrative BOOLEAN);

CREATE TABLE IF NOT EXISTS f_clusters (
    source_file VARCHAR, sheet VARCHAR, row_no INTEGER, year INTEGER, cluster_no INTEGER,
    unit_id VARCHAR, role VARCHAR, illustrative BOOLEAN);

-- what each file claims: (kind, unit, period); the newest file wins each claim
CREATE TABLE IF NOT EXISTS claims (
    source_file VARCHAR, kind VARCHAR, unit_id VARCHAR, period VARCHAR, mtime DOUBLE);

