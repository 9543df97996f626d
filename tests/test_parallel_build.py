"""The process pool that reads and recognises many changed files gives the same warehouse
as reading them one by one."""

from __future__ import annotations

from conftest import AWARDS_WIDE_MERGES, awards_wide_rows, build, query, write_xlsx

TABLES = ("f_awards", "rejections_t", "sheet_log", "claims")


def _corpus(raw):
    for year in (2021, 2022, 2023):
        for k, title in enumerate(
            ("TỔNG HỢP KHEN THƯỞNG NĂM {y}", "SƠ KẾT 6 THÁNG ĐẦU NĂM {y} - KHEN THƯỞNG")
        ):
            units = [
                [1, "VKSND tỉnh Gia Lai", 1, 2, 3, 4, 5 + k],
                [2, "Kon Tum", 0, 1, "2", "-", 7],
                [3, "Đăk Lăk", 2, 0, 1, "x1", 0],
            ]  # "x1": a rejection
            write_xlsx(
                raw / str(year) / f"cum7_{k}_{year}.xlsx",
                {"Khen thưởng": awards_wide_rows(title.format(y=year), units)},
                merges={"Khen thưởng": AWARDS_WIDE_MERGES},
            )


def _snapshot(wh):
    out = {}
    for table in TABLES:
        rows = query(wh, f"SELECT * FROM {table}")
        out[table] = sorted(map(repr, rows))
    out["loads"] = sorted(
        map(
            repr,
            query(
                wh,
                "SELECT source_file, sha256, status, rows_read, rows_loaded, rows_rejected FROM loads",
            ),
        )
    )
    return out


def test_pool_and_sequential_builds_agree(raw, tmp_path):
    _corpus(raw)
    one, two = tmp_path / "one" / "t.duckdb", tmp_path / "two" / "t.duckdb"
    s1 = build(raw, one, jobs=1)
    s2 = build(raw, two, jobs=2)
    assert s1.files_changed == s2.files_changed == 6
    assert s1.rows_loaded == s2.rows_loaded and s1.rows_rejected == s2.rows_rejected > 0
    assert _snapshot(one) == _snapshot(two)
    # and an unchanged re-run through the pool path changes nothing
    again = build(raw, two, jobs=2)
    assert again.files_changed == 0
    assert _snapshot(two) == _snapshot(one)


def test_a_build_in_chunks_is_the_same_build(raw, tmp_path, monkeypatch):
    """Files read, validated and loaded a few at a time (as a large corpus is) give the same
    warehouse, still in one transaction."""
    import pipeline.build

    _corpus(raw)
    whole, parts = tmp_path / "whole" / "t.duckdb", tmp_path / "parts" / "t.duckdb"
    build(raw, whole, jobs=1)
    monkeypatch.setattr(pipeline.build, "CHUNK_FILES", 4)
    s = build(raw, parts, jobs=2)
    assert s.files_changed == 6 and s.rows_rejected > 0
    assert _snapshot(parts) == _snapshot(whole)
    monkeypatch.setattr(pipeline.build, "CHUNK_FILES", 1)
    (raw / "2021" / "cum7_0_2021.xlsx").unlink()
    s = build(raw, parts, jobs=1)
    assert s.files_removed == 1 and s.files_changed == 0


def test_the_pool_works_from_a_script_without_a_main_guard(raw, tmp_path):
    """Code read from standard input (or a script with no `if __name__ == "__main__"`)
    calling build() with a pool: the workers must not re-run it."""
    import subprocess
    import sys

    _corpus(raw)
    wh = tmp_path / "w" / "t.duckdb"
    code = (
        "from pathlib import Path\n"
        "from pipeline.build import build\n"
        f"s = build(Path({str(raw)!r}), Path({str(wh)!r}), progress=False, jobs=2)\n"
        "print('files', s.files_changed)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-"], input=code, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    assert "files 6" in proc.stdout
