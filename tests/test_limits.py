"""Files other readers read that the guard's limits or the CSV decoding refused (issue 12,
the sweep's «Refused but read by another reader»).  Each file is made here, small; the peer
file it stands for is named beside it.  A limit is tested on a small file by its
environment override, as the guard's other tests do.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from conftest import awards_wide_rows, build, query

from pipeline.ingest.read import ReadError, read_workbook
from pipeline.ingest.recognise.extract import merge_anchors

# --- merged ranges -------------------------------------------------------------------


def write_merged(path: Path, rows: list, merges: list[tuple[int, int, int, int]]) -> Path:
    """A one-sheet workbook with merged ranges (r0, c0, r1, c1, 0-based), by xlsxwriter:
    openpyxl takes minutes to merge 20 000 ranges."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("KT")
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if v is not None:
                sheet.write(r, c, v)
    for r0, c0, r1, c1 in merges:
        anchor = rows[r0][c0] if r0 < len(rows) and c0 < len(rows[r0]) else None
        sheet.merge_range(r0, c0, r1, c1, anchor)
    book.close()
    return path


def test_a_sheet_of_many_merged_ranges_is_read_and_its_merged_units_found(raw, wh):
    # POI 57893-many-merges.xlsx: 50 000 merged ranges (the old limit: 10 000)
    rows = awards_wide_rows(
        units=[
            [1, "VKSND tỉnh Gia Lai", 1, 2, 3, 4, 5],
            [None, None, 1, 1, 1, 1, 1],  # the unit cell merged down over this row
            [2, "Kon Tum", 0, 1, 2, 0, 7],
        ]
    )
    write_merged(
        raw / "kt_2022.xlsx", rows, [(7, 1, 8, 1)] + [(r, 9, r, 10) for r in range(30, 20_030)]
    )
    build(raw, wh)
    assert query(wh, "SELECT unit_id, sum(count) FROM awards GROUP BY 1 ORDER BY 1") == [
        ("gia_lai", 20),
        ("kon_tum", 10),
    ]


def test_more_merged_ranges_than_the_limit_are_still_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("THIDUA_MAX_MERGES", "100")
    p = write_merged(
        tmp_path / "gop.xlsx", awards_wide_rows(), [(r, 9, r, 10) for r in range(30, 131)]
    )
    with pytest.raises(ReadError, match="có hơn 100 vùng ô gộp"):
        read_workbook(p)


def test_merged_ranges_are_indexed_as_the_first_listed_range_covering_a_cell():
    """The index gives, for every row of a column, the range a scan of the list in order
    finds first (overlapping ranges included: no program writes them, a fuzzer does)."""
    rng = random.Random(57893)
    for _ in range(200):
        merged = []
        for _ in range(rng.randrange(0, 12)):
            r0, c0 = rng.randrange(0, 30), rng.randrange(0, 4)
            merged.append((r0, c0, r0 + rng.randrange(0, 8), c0 + rng.randrange(0, 3)))
        for c in range(6):
            anchors = merge_anchors(merged, c, 25)
            for r in range(25):
                first = next(
                    ((r0, c0) for r0, c0, r1, c1 in merged if r0 <= r <= r1 and c0 <= c <= c1),
                    None,
                )
                assert anchors.get(r) == first, (merged, c, r)
