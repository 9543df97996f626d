"""The DuckDB warehouse: connection, schema, reference tables, and the atomic load."""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

import duckdb

from . import refdata

SQL_DIR = Path(__file__).parent / "sql"

FACT_COLUMNS = {
    "indicators": ["source_file", "sheet", "row_no", "period", "year", "unit_id", "indicator_id",
                   "indicator_name", "measure_unit", "target", "actual", "direction_hint",
                   "illustrative"],
    "scores": ["source_file", "sheet", "row_no", "period", "year", "unit_id", "criterion",
               "max_points", "points", "illustrative"],
    "awards": ["source_file", "sheet", "row_no", "period", "year", "unit_id", "award_id",
               "recipient_kind", "count", "illustrative"],
    "recipients": ["source_file", "sheet", "row_no", "period", "year", "unit_id", "award_id",
                   "recipient_kind", "name", "position", "decision_no", "decision_date",
                   "illustrative"],
    "initiatives": ["source_file", "sheet", "row_no", "period", "year", "unit_id", "level",
                    "count", "illustrative"],
    "clusters": ["source_file", "sheet", "row_no", "year", "cluster_no", "unit_id", "role",
                 "illustrative"],
}
REFERENCE_TABLES = {
    "ref_units": "units.csv",
    "ref_clusters": "clusters.csv",
    "ref_award_forms": "award_forms.csv",
    "ref_indicators": "indicators.csv",
    "ref_initiative_levels": "initiative_levels.csv",
}


class WarehouseBusy(Exception):
    """Another process is writing to the warehouse."""


def connect(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise WarehouseBusy(str(exc)) from exc
        raise


def open_reader(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection for notebooks, dashboards and reports (the one read path)."""
    if not Path(path).exists():
        raise FileNotFoundError(f"Chưa có kho dữ liệu «{path}»: hãy chạy «thidua build» trước.")
    return connect(Path(path), read_only=True)


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute((SQL_DIR / "schema.sql").read_text(encoding="utf-8"))
    digest = _reference_digest()
    have = con.execute("SELECT value FROM meta WHERE key = 'reference'").fetchone()
    if have and have[0] == digest and _has_views(con):
        return
    import pandas as pd

    for table, csv_name in REFERENCE_TABLES.items():
        frame = pd.DataFrame(refdata.read_csv(csv_name))
        frame = frame.replace({"": None})
        if table == "ref_clusters":
            frame["year"] = frame["year"].astype(int)
            frame["cluster_no"] = frame["cluster_no"].astype(int)
        if table == "ref_indicators":
            frame["target"] = pd.to_numeric(frame["target"])
        if table == "ref_units":
            for col in ("valid_from", "valid_to"):
                frame[col] = pd.to_datetime(frame[col]).dt.date
        con.register("ref_frame", frame)
        con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM ref_frame")
        con.unregister("ref_frame")
    con.execute((SQL_DIR / "views.sql").read_text(encoding="utf-8"))
    con.execute("INSERT OR REPLACE INTO meta VALUES ('reference', ?)", [digest])


def _has_views(con) -> bool:
    return bool(con.execute(
        "SELECT count(*) FROM duckdb_views() WHERE view_name = 'loads'"
    ).fetchone()[0])


def _reference_digest() -> str:
    h = hashlib.sha256()
    for path in sorted(refdata.REFERENCE_DIR.glob("*.csv")) + sorted(SQL_DIR.glob("*.sql")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def ledger(con) -> dict[str, tuple]:
    rows = con.execute("SELECT source_file, sha256, size, mtime FROM ledger").fetchall()
    return {r[0]: r[1:] for r in rows}


def delete_file(con, source_file: str) -> None:
    for kind in FACT_COLUMNS:
        con.execute(f"DELETE FROM f_{kind} WHERE source_file = ?", [source_file])
    for table in ("claims", "rejections_t", "sheet_log", "ledger"):
        con.execute(f"DELETE FROM {table} WHERE source_file = ?", [source_file])


def insert_frame(con, table: str, frame, columns: list[str]) -> None:
    """Bulk insert: the frame is registered and inserted in one statement."""
    if frame is None or frame.empty:
        return
    frame = frame[columns]
    con.register("insert_frame", frame)
    try:
        con.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(columns)} FROM insert_frame"
        )
    finally:
        con.unregister("insert_frame")


def now() -> datetime:
    return datetime.now().replace(microsecond=0)
