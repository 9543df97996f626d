"""Load: the DuckDB warehouse, its schema and public views, the read snapshot."""
