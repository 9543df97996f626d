"""One file never fails a build (issue 12): whatever a file does to a reader or a worker,
it is that file's rejection and the rest of the batch loads; every file under raw/ is in
`loads`; two names that display the same are two rows.

The workbooks are made here; `panic_xls` reproduces ExcelDataReader's
TestData/Test_git_issue_467_empty_continue_leftoverbytes.xls (an SST record continued by an
empty CONTINUE record), which makes calamine panic (`pyo3_runtime.PanicException`, a
BaseException).
"""

from __future__ import annotations

import os
import struct
from pathlib import Path

import pytest
from conftest import awards_wide_rows, build, query, run_cli, write_xlsx

from pipeline.ingest import worker


def panic_xls(path: Path) -> Path:
    import xlwt
    from xlwt.CompoundDoc import XlsDoc

    wb = xlwt.Workbook()
    ws = wb.add_sheet("Sheet1")
    ws.write(0, 0, "a" * 40)
    ws.write(1, 0, "b" * 40)
    stream = wb.get_biff_data()
    recs, pos = [], 0
    while pos + 4 <= len(stream):
        t, n = struct.unpack_from("<HH", stream, pos)
        recs.append([t, stream[pos + 4 : pos + 4 + n]])
        pos += 4 + n
    out = []
    for t, d in recs:
        if t == 0x00FC:  # SST cut inside its first string, an empty CONTINUE in between
            k = 8 + 3 + 10
            out += [[0x00FC, d[:k]], [0x003C, b""], [0x003C, b"\x00" + d[k:]]]
        else:
            out.append([t, d])
    delta = sum(4 + len(d) for _, d in out) - len(stream)
    for r in out:
        if r[0] == 0x0085:  # BOUNDSHEET: the sheet's offset in the stream moved
            off = struct.unpack_from("<I", r[1], 0)[0]
            r[1] = struct.pack("<I", off + delta) + r[1][4:]
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        XlsDoc().save(fh, b"".join(struct.pack("<HH", t, len(d)) + d for t, d in out))
    return path


def good_xlsx(raw: Path, name: str = "gia_lai_khen_thuong_2022.xlsx") -> Path:
    return write_xlsx(raw / name, {"KT": awards_wide_rows()})


def test_a_reader_panic_is_that_files_rejection(raw, wh):
    panic_xls(raw / "hong.xls")
    good_xlsx(raw)
    summary = build(raw, wh)
    assert "hong.xls" in summary.rejected_files
    ((status, message),) = query(
        wh, "SELECT status, message FROM loads WHERE source_file = 'hong.xls'"
    )
    assert status == "rejected"
    assert "Panic" not in message and "index out of" not in message
    assert "hỏng" in message
    assert query(wh, "SELECT count(*) FROM awards")[0][0] > 0


def test_check_of_a_panicking_file_prints_no_traceback(tmp_path):
    p = panic_xls(tmp_path / "hong.xls")
    r = run_cli("check", p)
    assert r.returncode == 3, r.stderr
    assert "Traceback" not in r.stdout + r.stderr
    assert "PanicException" not in r.stdout + r.stderr


def test_process_file_never_raises_for_a_file_that_vanished(tmp_path):
    outcome = worker.process_file("mat.xlsx", tmp_path / "mat.xlsx")
    assert outcome.error_rule == "file_unreadable"
    assert "bị xóa hoặc đổi tên" in outcome.error


def _abort_on_bad(source_file: str, path: Path, finish=None):
    if "bad" in source_file:
        os.abort()  # a reader killing its process (SIGABRT), as calamine does out of memory
    return worker.process_file(source_file, path, finish)


def test_a_missing_package_fails_the_build_instead_of_rejecting_every_file(raw, monkeypatch):
    """Isolation is for what files do to readers; a broken installation is not a file's
    fault and must not turn every file into a rejection."""
    write_xlsx(raw / "a.xlsx", {"KT": awards_wide_rows()})

    def missing(*_args, **_kwargs):
        raise ModuleNotFoundError("No module named 'rapidfuzz'")

    monkeypatch.setattr(worker, "recognise_sheet", missing)
    with pytest.raises(ImportError):
        worker.process_file("a.xlsx", raw / "a.xlsx")


def test_a_file_that_kills_its_worker_is_retried_alone_and_rejected(raw):
    good = good_xlsx(raw)
    items = [(f"f{i}.xlsx", good) for i in range(6)]
    items.insert(3, ("bad.xlsx", good))
    got = list(worker.outcomes(items, workers=2, task=_abort_on_bad))
    assert [o.source_file for o in got] == [rel for rel, _ in items]
    bad = got[3]
    assert bad.error_rule == "file_crashed"
    assert "dừng đột ngột" in bad.error
    assert all(o.error is None and o.sheets for i, o in enumerate(got) if i != 3)


def _hang_on_slow(source_file: str, path: Path, finish=None):
    if "slow" in source_file:
        import time

        time.sleep(3600)  # a reader that never returns
    return worker.process_file(source_file, path, finish)


def test_a_file_that_hangs_its_reader_is_ended_and_rejected(raw):
    good = good_xlsx(raw)
    items = [("a.xlsx", good), ("slow.xlsx", good), ("b.xlsx", good)]
    got = list(worker.outcomes(items, workers=2, task=_hang_on_slow, seconds=20))
    assert [o.source_file for o in got] == ["a.xlsx", "slow.xlsx", "b.xlsx"]
    assert got[1].error_rule == "file_crashed" and "giây" in got[1].error
    assert got[0].sheets and got[2].sheets


def test_every_file_under_raw_is_in_loads(raw, wh):
    good_xlsx(raw)
    (raw / ".an").write_bytes(b"x")
    (raw / "~$gia_lai.xlsx").write_bytes(b"lock")
    (raw / "ghi_chu.txt").write_text("ghi chú", encoding="utf-8")
    (raw / "bang.numbers").write_bytes(b"PK\x03\x04numbers")
    (raw / "an").mkdir()
    (raw / "an" / ".DS_Store").write_bytes(b"\x00\x00")
    build(raw, wh)
    loads = dict(query(wh, "SELECT source_file, status FROM loads"))
    assert set(loads) == {
        "gia_lai_khen_thuong_2022.xlsx",
        ".an",
        "~$gia_lai.xlsx",
        "ghi_chu.txt",
        "bang.numbers",
        "an/.DS_Store",
    }
    assert loads["ghi_chu.txt"] == "skipped"
    assert loads["bang.numbers"] == "rejected"
    messages = dict(query(wh, "SELECT source_file, message FROM loads WHERE status <> 'loaded'"))
    assert "Numbers" in messages["bang.numbers"]
    assert all(m for m in messages.values())


def test_two_names_that_display_the_same_do_not_fail_the_build(raw, wh):
    good_xlsx(raw, "a\\xe0.xlsx")  # a name with a literal backslash
    name = os.fsencode(raw) + b"/a\xe0.xlsx"  # a byte that is not UTF-8, shown as \xe0
    with open(name, "wb") as fh:
        fh.write((raw / "a\\xe0.xlsx").read_bytes())
    build(raw, wh)
    names = [r[0] for r in query(wh, "SELECT source_file FROM loads ORDER BY 1")]
    assert len(names) == 2 and len(set(names)) == 2


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_build_of_good_and_panicking_files_loads_the_good_ones(raw, wh, jobs):
    for i in range(3):
        good_xlsx(raw, f"t{i}/gia_lai_khen_thuong_2022.xlsx")
    panic_xls(raw / "hong.xls")
    summary = build(raw, wh, jobs=jobs)
    assert summary.rejected_files == ["hong.xls"]
    assert query(wh, "SELECT count(*) FROM loads WHERE status = 'rejected'")[0][0] == 1


def test_build_of_a_panicking_file_exits_3(tmp_path):
    raw = tmp_path / "raw"
    good_xlsx(raw)
    panic_xls(raw / "hong.xls")
    r = run_cli("build", "--raw", raw, "--warehouse", tmp_path / "w.duckdb", "--quiet")
    assert r.returncode == 3, r.stdout + r.stderr
    assert "Traceback" not in r.stderr


def test_the_warehouse_can_never_be_written_inside_raw(tmp_path):
    raw = tmp_path / "raw"
    good_xlsx(raw)
    r = run_cli("build", "--raw", raw, "--warehouse", raw / "kho" / "w.duckdb", "--quiet")
    assert r.returncode == 2, r.stdout + r.stderr
    assert "thư mục dữ liệu gốc" in r.stderr
    assert not (raw / "kho").exists()


def test_exports_can_never_be_written_inside_raw(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for cmd in (["dashboards"], ["template"], ["meeting", "--cluster", "6", "--period", "2024-FY"]):
        r = run_cli(*cmd, "--out", "raw/ra", cwd=tmp_path)
        assert r.returncode == 2, (cmd, r.stdout + r.stderr)
        assert "thư mục dữ liệu gốc" in r.stderr
    assert list(raw.iterdir()) == []


def test_rich_markup_in_a_folder_name_is_printed_as_it_is(tmp_path):
    raw = tmp_path / "raw"
    write_xlsx(raw / "Cụm 6 [/b] [" / "ghi_chu.xlsx", {"Ghi chu": [["Ghi chú"], ["x"]]})
    good_xlsx(raw)
    r = run_cli("build", "--raw", raw, "--warehouse", tmp_path / "w.duckdb")
    assert r.returncode in (0, 3), r.stdout + r.stderr
    assert "Cụm 6 [/b] [" in r.stdout


def test_a_failure_after_the_commit_does_not_say_the_warehouse_is_unchanged(tmp_path):
    from pipeline.load.warehouse import snapshot_path

    raw, w = tmp_path / "raw", tmp_path / "w.duckdb"
    good_xlsx(raw)
    snap = snapshot_path(w)
    (snap / "chan").mkdir(parents=True)  # the read copy cannot replace a folder: a real OSError
    r = run_cli("build", "--raw", raw, "--warehouse", w, "--quiet")
    assert r.returncode == 1
    assert "không thay đổi" not in r.stderr
    assert "ĐÃ được nạp" in r.stderr
    assert query(w, "SELECT count(*) FROM loads")[0][0] == 1


def _greedy_on_big(source_file: str, path: Path, finish=None):
    import resource

    if "big" in source_file:
        soft, _ = resource.getrlimit(resource.RLIMIT_AS)
        if soft != resource.RLIM_INFINITY and soft < 1536 << 20:  # a worker's share
            outcome = worker.FileOutcome(source_file, path)
            outcome.error, outcome.error_rule = "hết bộ nhớ", "file_memory"
            return outcome
    return worker.process_file(source_file, path, finish)


def test_workers_share_the_memory_budget_and_a_big_file_is_read_alone(raw, monkeypatch):
    # a budget of 2 GiB beyond what this process holds (pytest's own size varies): each of
    # two workers 1 GiB, a file read alone 2 GiB
    monkeypatch.setattr(worker, "TREE_MEMORY_BYTES", worker._rss_bytes() + (2 << 30))
    good = good_xlsx(raw)
    items = [("a.xlsx", good), ("big.xlsx", good), ("b.xlsx", good)]
    got = list(worker.outcomes(items, workers=2, task=_greedy_on_big))
    assert [o.source_file for o in got] == ["a.xlsx", "big.xlsx", "b.xlsx"]
    assert all(o.error is None and o.sheets for o in got), [o.error for o in got]
