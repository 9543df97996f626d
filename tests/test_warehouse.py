"""Loading: idempotent re-runs, supersede, atomicity, the busy warehouse, nothing lost."""

import os
import subprocess
import sys
import time

import pytest
from conftest import awards_wide_rows, build, query, run_cli, write_xlsx


def awards_file(raw, name="kt_2022.xlsx", units=None, total=None):
    return write_xlsx(raw / name, {"KT": awards_wide_rows(units=units, total=total)})


def test_rerun_on_unchanged_files_changes_nothing(raw, wh):
    awards_file(raw)
    first = build(raw, wh)
    before = query(wh, "SELECT * FROM loads ORDER BY source_file")
    facts = query(wh, "SELECT count(*), sum(count) FROM awards")
    second = build(raw, wh)
    assert (first.files_changed, second.files_changed, second.files_unchanged) == (1, 0, 1)
    assert query(wh, "SELECT * FROM loads ORDER BY source_file") == before
    assert query(wh, "SELECT count(*), sum(count) FROM awards") == facts == [(15, 29)]


def test_the_read_snapshot_is_published_after_a_change_and_only_then(raw, wh):
    from pipeline.load.warehouse import snapshot_path

    def stamp():
        st = snapshot_path(wh).stat()
        return st.st_ino, st.st_mtime_ns

    awards_file(raw)
    build(raw, wh)
    first = stamp()
    build(raw, wh)  # nothing changed: the snapshot in place is of the latest change
    assert stamp() == first
    awards_file(raw, "kt2_2022.xlsx", units=[[1, "Lâm Đồng", 1, 1, 1, 1, 1]])
    build(raw, wh)
    assert stamp() != first
    assert query(wh, "SELECT count(*) FROM loads") == [(2,)]
    snapshot_path(wh).unlink()  # a reader's copy removed: published again, nothing changed
    build(raw, wh)
    assert query(wh, "SELECT count(*) FROM loads") == [(2,)]


def test_new_reference_data_is_loaded_into_an_existing_warehouse(raw, wh):
    """When the reference lists or the views change (a new release), the next build
    reloads them into the warehouse it finds, keeps every load, and publishes the result."""
    import duckdb

    from pipeline.load.warehouse import _reference_digest, snapshot_path

    awards_file(raw)
    build(raw, wh)
    before = snapshot_path(wh).stat().st_mtime_ns
    con = duckdb.connect(str(wh))
    con.execute("UPDATE meta SET value = 'an older release' WHERE key = 'reference'")
    con.execute("DROP VIEW loads")
    con.close()
    build(raw, wh)
    assert query(wh, "SELECT value FROM meta WHERE key = 'reference'") == [(_reference_digest(),)]
    assert query(wh, "SELECT count(*), sum(count) FROM awards") == [(15, 29)]
    assert snapshot_path(wh).stat().st_mtime_ns != before


def test_newer_file_for_the_same_unit_and_period_supersedes(raw, wh):
    old = awards_file(raw, "a_cu.xlsx")
    awards_file(raw, "b_moi.xlsx", units=[[1, "Gia Lai", 9, 9, 9, 9, 9]])
    os.utime(old, (time.time() - 100, time.time() - 100))
    build(raw, wh)
    status = dict(query(wh, "SELECT source_file, status FROM loads"))
    assert status == {"a_cu.xlsx": "partly_superseded", "b_moi.xlsx": "loaded"}
    gia_lai = query(wh, "SELECT sum(count), min(source_file) FROM awards WHERE unit_id='gia_lai'")
    assert gia_lai == [(45, "b_moi.xlsx")]  # never 45 + 15
    kon_tum = query(wh, "SELECT sum(count) FROM awards WHERE unit_id='kon_tum'")
    assert kon_tum == [(10,)]


def test_changed_and_deleted_files_are_reloaded_and_removed(raw, wh):
    path = awards_file(raw)
    build(raw, wh)
    awards_file(raw, units=[[1, "Gia Lai", 1, 0, 0, 0, 0]])
    os.utime(path, (time.time() + 5, time.time() + 5))
    build(raw, wh)
    assert query(wh, "SELECT sum(count) FROM awards") == [(1,)]
    path.unlink()
    summary = build(raw, wh)
    assert summary.files_removed == 1
    assert query(wh, "SELECT count(*) FROM awards") == [(0,)]
    assert query(wh, "SELECT count(*) FROM loads") == [(0,)]


def test_a_load_that_fails_half_way_leaves_the_warehouse_as_it_was(raw, wh, monkeypatch):
    awards_file(raw)
    build(raw, wh)
    before = query(wh, "SELECT * FROM awards ORDER BY ALL")
    awards_file(raw, "kt2_2022.xlsx", units=[[1, "Lâm Đồng", 1, 1, 1, 1, 1]])
    from pipeline.load import warehouse

    real = warehouse.insert_frame
    calls = {"n": 0}

    def crash_after_first_insert(con, table, frame, columns):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("disk full (simulated)")
        return real(con, table, frame, columns)

    monkeypatch.setattr(warehouse, "insert_frame", crash_after_first_insert)
    with pytest.raises(OSError):
        build(raw, wh)
    assert calls["n"] == 2
    assert query(wh, "SELECT * FROM awards ORDER BY ALL") == before
    assert query(wh, "SELECT count(*) FROM loads") == [(1,)]


def test_second_writer_gets_a_plain_busy_message(raw, wh):
    awards_file(raw)
    build(raw, wh)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb,sys,time; c=duckdb.connect(sys.argv[1]); print('ok', flush=True); time.sleep(60)",
            str(wh),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ok"
        res = run_cli("build", "--raw", raw, "--warehouse", wh, "--wait", "0.5")
    finally:
        holder.kill()
    assert res.returncode == 1
    assert "Kho dữ liệu đang bận" in res.stderr and "Traceback" not in res.stderr


def test_nothing_is_lost(raw, wh):
    awards_file(
        raw,
        units=[
            [1, "Gia Lai", 1, 1, 1, 1, 1],
            [2, "Hà Tây", 1, 1, 1, 1, 1],
            [3, "Kon Tum", "mười", 1, 1, 1, 1],
        ],
    )
    build(raw, wh)
    [(read, loaded, rejected)] = query(
        wh, "SELECT rows_read, rows_loaded, rows_rejected FROM loads"
    )
    assert (read, loaded, rejected) == (3, 1, 2)
    in_facts = {r for (r,) in query(wh, "SELECT DISTINCT row_no FROM awards")}
    in_rejections = {r for (r,) in query(wh, "SELECT DISTINCT row_no FROM rejections")}
    assert in_facts == {8} and in_rejections == {9, 10} and not (in_facts & in_rejections)


def test_cli_exit_codes_and_check_writes_nothing(raw, wh, tmp_path):
    good = awards_file(raw)
    assert run_cli("build", "--raw", raw, "--warehouse", wh).returncode == 0
    bad = write_xlsx(
        tmp_path / "bad_2022.xlsx", {"KT": awards_wide_rows(units=[[1, "Hà Tây", 1, 1, 1, 1, 1]])}
    )
    before = sorted(p for p in tmp_path.rglob("*"))
    res = run_cli("check", bad, good, cwd=tmp_path)
    assert (
        res.returncode == 3
        and "dòng 8, cột B (Đơn vị): không nhận ra đơn vị «Hà Tây»" in res.stdout
    )
    assert sorted(p for p in tmp_path.rglob("*")) == before  # check writes nothing
    assert run_cli("check", good).returncode == 0
    assert run_cli("check", tmp_path / "khong_co.xlsx").returncode == 2
    assert run_cli("build", "--nonsense").returncode == 2
    help_text = run_cli("--help").stdout
    assert "Mã thoát" in help_text and "build" in help_text and "check" in help_text
