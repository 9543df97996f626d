"""The warehouse's loading functions, on a real DuckDB file and batches built by hand."""

import subprocess
import sys

import pytest

from pipeline.ingest.batch import Prepared
from pipeline.load import warehouse


@pytest.fixture
def con(tmp_path):
    con = warehouse.connect(tmp_path / "wh.duckdb")
    warehouse.ensure_schema(con)
    yield con
    con.close()


def batch(source_file="kt.xlsx", mtime=1.5, units=("gia_lai", "kon_tum")):
    facts = [
        {
            "source_file": source_file,
            "sheet": "KT",
            "row_no": 8 + i,
            "period": "2022-FY",
            "year": 2022,
            "unit_id": unit,
            "award_id": "giay_khen",
            "recipient_kind": "tap_the",
            "count": 2,
            "illustrative": False,
            "raw_label": "not a column: left out",
        }
        for i, unit in enumerate(units)
    ]
    rejection = {
        "source_file": source_file,
        "sheet": "KT",
        "row_no": 20,
        "column_name": "Tập thể",
        "value": "abc",
        "rule": "number",
        "message": "Tệp «kt.xlsx», trang «KT», dòng 20, cột Tập thể: không phải là số",
    }
    sheet_row = {
        "source_file": source_file,
        "sheet": "KT",
        "kind": "awards",
        "layout": "wide",
        "period": "2022-FY",
        "status": "loaded",
        "reason": None,
        "rows_read": len(units) + 1,
        "rows_loaded": len(units),
        "rows_rejected": 1,
        "illustrative": False,
    }
    file_row = {
        "source_file": source_file,
        "sha256": "ab" * 32,
        "size": 10,
        "mtime": mtime,
        "status": "loaded",
        "rows_read": len(units) + 1,
        "rows_loaded": len(units),
        "rows_rejected": 1,
        "illustrative": False,
        "message": None,
    }
    return Prepared({"awards": facts, "scores": []}, [rejection], [sheet_row], [file_row])


def rows(con, sql):
    return con.execute(sql).fetchall()


def test_fact_tables_and_their_columns_come_from_the_schema(con):
    assert warehouse.fact_kinds(con) == [
        "awards",
        "clusters",
        "indicators",
        "initiatives",
        "recipients",
        "scores",
    ]
    assert warehouse.table_columns(con, "f_clusters") == [
        "source_file",
        "sheet",
        "row_no",
        "year",
        "cluster_no",
        "unit_id",
        "role",
        "illustrative",
    ]


def test_a_batch_is_loaded_into_every_table_and_claims_its_units(con):
    with warehouse.transaction(con):
        warehouse.load_batch(con, batch())
    assert rows(con, "SELECT unit_id, count FROM f_awards ORDER BY unit_id") == [
        ("gia_lai", 2),
        ("kon_tum", 2),
    ]
    assert rows(con, "SELECT kind, unit_id, period, mtime FROM claims ORDER BY unit_id") == [
        ("awards", "gia_lai", "2022-FY", 1.5),
        ("awards", "kon_tum", "2022-FY", 1.5),
    ]
    assert rows(con, "SELECT row_no, rule FROM rejections_t") == [(20, "number")]
    assert rows(con, "SELECT sheet, rows_read FROM sheet_log") == [("KT", 3)]
    assert rows(con, "SELECT status, rows_loaded, loaded_at IS NOT NULL FROM ledger") == [
        ("loaded", 2, True)
    ]
    assert warehouse.counts(con) == warehouse.Counts(superseded=0, rejections=1)


def test_loading_a_file_again_replaces_its_rows(con):
    warehouse.load_batch(con, batch())
    warehouse.load_batch(con, batch(units=("lam_dong",)), replacing=["kt.xlsx"])
    assert rows(con, "SELECT unit_id FROM f_awards") == [("lam_dong",)]
    assert rows(con, "SELECT count(*) FROM claims") == [(1,)]
    assert rows(con, "SELECT count(*) FROM ledger") == [(1,)]


def test_a_transaction_that_fails_leaves_nothing(con):
    with pytest.raises(OSError), warehouse.transaction(con):
        warehouse.load_batch(con, batch())
        raise OSError("disk full (simulated)")
    assert rows(con, "SELECT count(*) FROM f_awards") == [(0,)]
    assert rows(con, "SELECT count(*) FROM ledger") == [(0,)]


@pytest.mark.parametrize("n_files", [1, 6])  # one statement per file, or per table for many
def test_deleting_files_removes_their_rows_from_every_table(con, n_files):
    names = [f"kt{i}.xlsx" for i in range(n_files)]
    for name in [*names, "kept.xlsx"]:
        warehouse.load_batch(con, batch(name))
    warehouse.delete_files(con, names)
    for table in ["f_awards", "claims", "rejections_t", "sheet_log", "ledger"]:
        assert rows(con, f"SELECT DISTINCT source_file FROM {table}") == [("kept.xlsx",)]


def test_touching_a_file_re_dates_its_ledger_row_and_claims(con):
    warehouse.load_batch(con, batch())
    warehouse.touch_file(con, "kt.xlsx", 9.0)
    assert rows(con, "SELECT mtime FROM ledger") == [(9.0,)]
    assert rows(con, "SELECT DISTINCT mtime FROM claims") == [(9.0,)]


def test_connect_waiting_gives_up_on_a_busy_warehouse(tmp_path):
    path = tmp_path / "wh.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb,sys,time; c=duckdb.connect(sys.argv[1]); print('ok', flush=True); "
            "time.sleep(30)",
            str(path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ok"
        with pytest.raises(warehouse.WarehouseBusy):
            warehouse.connect_waiting(path, wait_seconds=0.3)
    finally:
        holder.kill()
        holder.wait()
    warehouse.connect_waiting(path, wait_seconds=5).close()
