""".xlsb, read from its BIFF12 records (`pipeline.ingest.xlsb`, issue 12): the workbooks here
are written record by record (`write_xlsb`, after MS-XLSB), so each rule of the reader is
tried on the record that carries it; the fixtures are real .xlsb files saved by Excel that
other libraries' test suites publish (tests/fixtures/README.md).

Before this reader, calamine read .xlsb: it holds the whole rectangle between the cells
(SheetJS's copy of POI's 51535, four cells at the corners of 65 536 × 256, was refused by
the guard's cell limit), reads a cached formula error as an empty cell (BrtFmlaError), and
reports no percent format, hidden row or rich-text cell (BrtCellRString).
"""

from __future__ import annotations

import datetime
import struct
from pathlib import Path

import pytest
from conftest import FIXTURES, awards_wide_rows, build, query
from test_readers import write_parts

from pipeline.ingest import guard
from pipeline.ingest.read import CellError, read_workbook

# --- a BIFF12 writer -----------------------------------------------------------------------


def rec(rtype: int, payload: bytes = b"") -> bytes:
    """One record: its type in 1–2 bytes and its size in 1–4, 7 bits a byte."""
    head = bytes([rtype]) if rtype < 128 else bytes([(rtype & 0x7F) | 0x80, rtype >> 7])
    size, n = b"", len(payload)
    while True:
        byte, n = n & 0x7F, n >> 7
        size += bytes([byte | (0x80 if n else 0)])
        if not n:
            return head + size + payload


def wide(text: str) -> bytes:
    data = text.encode("utf-16-le")
    return struct.pack("<I", len(data) // 2) + data


def cell(col: int, style: int = 0) -> bytes:
    return struct.pack("<I", col) + style.to_bytes(3, "little") + b"\x00"


def value_record(col: int, v, strings: list[str], style: int = 0) -> bytes:
    """The record Excel writes for a value: RK for a small integer, a double otherwise, a
    shared string for text, BrtCellBool, BrtCellError (a `CellError`), BrtFmlaNum /
    BrtFmlaError for ("=", value)."""
    if isinstance(v, tuple):  # a formula with its cached value (an empty formula, cce 0)
        formula = b"\x00\x00" + struct.pack("<I", 0) + struct.pack("<I", 0)
        if isinstance(v[1], CellError):
            return rec(11, cell(col, style) + bytes([ERROR_CODES[v[1].code]]) + formula)
        return rec(9, cell(col, style) + struct.pack("<d", v[1]) + formula)
    if isinstance(v, bool):
        return rec(4, cell(col, style) + bytes([v]))
    if isinstance(v, CellError):
        return rec(3, cell(col, style) + bytes([ERROR_CODES[v.code]]))
    if isinstance(v, int) and -(2**29) <= v < 2**29:
        return rec(2, cell(col, style) + struct.pack("<i", (v << 2) | 0x02))
    if isinstance(v, (int, float)):
        return rec(5, cell(col, style) + struct.pack("<d", float(v)))
    if v not in strings:
        strings.append(v)
    return rec(7, cell(col, style) + struct.pack("<I", strings.index(v)))


ERROR_CODES = {"#NULL!": 0x00, "#DIV/0!": 0x07, "#VALUE!": 0x0F, "#REF!": 0x17, "#N/A": 0x2A}
FORMATS = {"percent": 9, "date": 14, "dmy": 164, "duration": 165, "pct1": 166}
CUSTOM = {164: "dd/mm/yyyy;@", 165: "[h]:mm:ss", 166: "0.0%"}


def sheet_part(rows, strings, styles=None, hidden_rows=(), merges=(), short=False) -> bytes:
    """A worksheet part: rows[r][c] (0-based), styles {(r, c): format name}, hidden rows
    (0-based), merges (r0, c0, r1, c1); `short`: the cells after a row's first as the short
    records of newer Excel (no column: the one after the previous cell)."""
    styles = styles or {}
    xf = {name: i + 1 for i, name in enumerate(FORMATS)}  # cell XF 0 is the default
    last_row = max((r for r, row in enumerate(rows) if any(v is not None for v in row)), default=0)
    last_col = max((len(row) for row in rows), default=1) - 1
    out = rec(129) + rec(148, struct.pack("<IIII", 0, last_row, 0, last_col))  # BrtWsDim
    out += rec(145)  # BrtBeginSheetData
    for r, row in enumerate(rows):
        if not any(v is not None for v in row) and r not in hidden_rows:
            continue
        flags = 0x10 if r in hidden_rows else 0
        out += rec(0, struct.pack("<IIHBB", r, 0, 300, 0, flags) + b"\x00" * 5)
        previous = -1
        for c, v in enumerate(row):
            if v is None:
                continue
            style = xf.get(styles.get((r, c)), 0)
            record = value_record(c, v, strings, style)
            if short and previous >= 0 and c == previous + 1 and record[0] in (2, 5, 7):
                value = record[2 + 8 :]  # past the type, the size, the column and the style
                record = rec(record[0] + 11, style.to_bytes(3, "little") + b"\x00" + value)
            out += record
            previous = c
    out += rec(146)  # BrtEndSheetData
    if merges:
        out += rec(177, struct.pack("<I", len(merges)))
        for r0, c0, r1, c1 in merges:
            out += rec(176, struct.pack("<IIII", r0, r1, c0, c1))
        out += rec(178)
    return out + rec(130)


def styles_part() -> bytes:
    out = rec(278)  # BrtBeginStyleSheet
    out += rec(615, struct.pack("<I", len(CUSTOM)))
    for number, code in CUSTOM.items():
        out += rec(44, struct.pack("<H", number) + wide(code))
    out += rec(616)
    # the style XFs first: one with a percent format, which is not a cell's XF
    out += rec(626, struct.pack("<I", 1)) + rec(47, struct.pack("<HH", 0xFFFF, 9) + bytes(12))
    out += rec(627)
    out += rec(617, struct.pack("<I", len(FORMATS) + 1))
    for number in [0, *FORMATS.values()]:
        out += rec(47, struct.pack("<HH", 0, number) + bytes(12))
    return out + rec(618) + rec(279)


def write_xlsb(path: Path, sheets: dict, hidden_sheets=(), epoch1904=False, **per_sheet) -> Path:
    """An .xlsb of `sheets` {name: rows}; per_sheet: styles/hidden_rows/merges/short as
    {name: …}, passed to `sheet_part`."""
    strings: list[str] = []
    parts, book, rels = {}, rec(131) + rec(153, struct.pack("<III", epoch1904, 0, 0)), []
    book += rec(143)
    for i, (name, rows) in enumerate(sheets.items(), 1):
        kw = {k: v[name] for k, v in per_sheet.items() if name in v}
        parts[f"xl/worksheets/sheet{i}.bin"] = sheet_part(rows, strings, **kw)
        state = 1 if name in hidden_sheets else 0
        book += rec(156, struct.pack("<II", state, i) + wide(f"rId{i}") + wide(name))
        rels.append(
            f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/'
            f'2006/relationships/worksheet" Target="worksheets/sheet{i}.bin"/>'
        )
    book += rec(144) + rec(132)
    sst = rec(159, struct.pack("<II", len(strings), len(strings)))
    sst += b"".join(rec(19, b"\x00" + wide(s)) for s in strings) + rec(160)
    parts.update(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types/>',
            "_rels/.rels": (
                b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                b'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
                b'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
                b'Target="xl/workbook.bin"/></Relationships>'
            ),
            "xl/workbook.bin": book,
            "xl/_rels/workbook.bin.rels": (
                '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                'package/2006/relationships">' + "".join(rels) + "</Relationships>"
            ).encode(),
            "xl/sharedStrings.bin": sst,
            "xl/styles.bin": styles_part(),
        }
    )
    return write_parts(path, parts)


def cells(grid) -> dict:
    return {
        (r, c): v for r, row in enumerate(grid.rows) for c, v in enumerate(row) if v is not None
    }


# --- values -------------------------------------------------------------------------------


@pytest.mark.parametrize("short", [False, True])
def test_numbers_text_booleans_and_errors_are_read_as_excel_wrote_them(tmp_path, short):
    rows = [
        ["Đơn vị", "Giấy khen", "Tỉ lệ", "Đúng"],
        ["VKSND tỉnh Gia Lai", 3, 2.5, True],
        ["Kon Tum", 10**12, CellError("#N/A"), False],
        [None, None, ("=", 7.0), ("=", CellError("#DIV/0!"))],
    ]
    p = write_xlsb(tmp_path / "a.xlsb", {"Khen thưởng": rows}, short={"Khen thưởng": short})
    (grid,) = read_workbook(p)
    assert grid.name == "Khen thưởng"
    assert cells(grid) == {
        (0, 0): "Đơn vị",
        (0, 1): "Giấy khen",
        (0, 2): "Tỉ lệ",
        (0, 3): "Đúng",
        (1, 0): "VKSND tỉnh Gia Lai",
        (1, 1): 3,
        (1, 2): 2.5,
        (1, 3): True,
        (2, 0): "Kon Tum",
        (2, 1): 10**12,
        (2, 2): CellError("#N/A"),
        (2, 3): False,
        (3, 2): 7.0,
        (3, 3): CellError("#DIV/0!"),  # a cached formula error: calamine read it as empty
    }


def test_an_rk_number_in_hundredths_and_a_float_rk_are_decoded(tmp_path):
    from pipeline.ingest.xlsb import _rk

    assert _rk((1234 << 2) | 0x03) == 12.34  # an integer of hundredths
    assert _rk((-7 << 2) & 0xFFFFFFFF | 0x02) == -7
    top = struct.unpack("<Q", struct.pack("<d", 2.5))[0] >> 32
    assert _rk(top & 0xFFFFFFFC) == 2.5  # a double's top 30 bits
    assert _rk((top & 0xFFFFFFFC) | 0x01) == 0.025


# --- formats, sheets, rows ----------------------------------------------------------------


def test_percent_and_date_formats_are_what_the_cells_show(tmp_path):
    rows = [["a", 0.955, 0.5, 44927, 44927, 1.5, 7]]
    styles = {(0, 1): "percent", (0, 2): "pct1", (0, 3): "date", (0, 4): "dmy", (0, 5): "duration"}
    p = write_xlsb(tmp_path / "f.xlsb", {"S": rows}, styles={"S": styles})
    (grid,) = read_workbook(p)
    assert grid.percent_cells == {(0, 1), (0, 2)}  # a style XF with a percent is not a cell's
    assert grid.rows[0][1] == 0.955
    assert grid.rows[0][3] == grid.rows[0][4] == datetime.datetime(2023, 1, 1)
    assert grid.rows[0][5] == datetime.timedelta(days=1.5)
    assert grid.rows[0][6] == 7  # the default format: a number


def test_the_1904_date_system_and_a_number_no_calendar_holds(tmp_path):
    rows = [[1, 10**12]]
    styles = {(0, 0): "date", (0, 1): "date"}
    p = write_xlsb(tmp_path / "m.xlsb", {"S": rows}, styles={"S": styles}, epoch1904=True)
    (grid,) = read_workbook(p)
    assert grid.epoch1904
    assert grid.rows[0][0] == datetime.datetime(1904, 1, 2)  # day 1 of the 1904 system
    assert grid.rows[0][1] == 10**12  # no date: the number stays, never an empty cell


def test_sheet_names_hidden_sheets_hidden_rows_and_merges(tmp_path):
    p = write_xlsb(
        tmp_path / "s.xlsb",
        {"Hướng dẫn": [["x"]], "Khen thưởng": awards_wide_rows(), "Nháp": [["y"]]},
        hidden_sheets={"Nháp"},
        hidden_rows={"Khen thưởng": [9]},
        merges={"Khen thưởng": [(5, 0, 6, 0), (5, 2, 5, 3)]},
    )
    grids = read_workbook(p)
    assert [(g.name, g.hidden) for g in grids] == [
        ("Hướng dẫn", False),
        ("Khen thưởng", False),
        ("Nháp", True),
    ]
    assert grids[1].hidden_rows == {9}
    assert grids[1].merged == [(5, 0, 6, 0), (5, 2, 5, 3)]


def test_the_guard_names_an_xlsb_sheet_by_its_name_not_its_part(tmp_path, monkeypatch):
    monkeypatch.setenv("THIDUA_MAX_ROWS", "5")
    p = write_xlsb(tmp_path / "d.xlsb", {"Khen thưởng": awards_wide_rows()})
    with pytest.raises(guard.Rejected, match="trang «Khen thưởng»"):
        guard.check_file(p)


# --- a sparse sheet -------------------------------------------------------------------------


def test_cells_far_apart_are_read_holding_only_the_cells(tmp_path):
    # SheetJS test_files 2013/apachepoi_51535.xls.xlsb (below) in small: the guard refused
    # the 65 536 × 256 rectangle between them (calamine allocates it: 657 MB for the .xlsb of 51535)
    rows = [[None] * 256 for _ in range(65536)]
    rows[0][0], rows[0][255], rows[65535][0], rows[65535][255] = "TL", "TR", "BL", "BR"
    p = write_xlsb(tmp_path / "far.xlsb", {"S": rows})
    inspection = guard.check_file(p)
    assert inspection.sparse
    (grid,) = read_workbook(p)
    assert cells(grid) == {(0, 0): "TL", (0, 255): "TR", (65535, 0): "BL", (65535, 255): "BR"}
    assert sum(len(r) for r in grid.rows) == 2 * 256  # only the two rows that hold cells


def test_sheetjs_51535_xlsb_is_read(tmp_path):
    (grid, *_) = read_workbook(FIXTURES / "sheetjs_51535.xlsb")
    assert cells(grid) == {
        (0, 0): "Top Left Cell",
        (0, 255): "Top Right Cell",
        (65535, 0): "Bottom Left Cell",
        (65535, 255): "Bottom Right Cell",
    }


def test_cells_past_the_cell_limit_are_still_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("THIDUA_MAX_CELLS", "100")
    p = write_xlsb(tmp_path / "many.xlsb", {"S": [[1] * 20 for _ in range(10)]})
    with pytest.raises(guard.Rejected, match="vượt giới hạn"):
        guard.check_file(p)


def test_a_sparse_sheet_whose_rows_reach_far_right_is_refused_by_what_its_rows_hold(
    tmp_path, monkeypatch
):
    # a reader of ragged rows holds each row up to its last cell: 60 rows each with a cell
    # at column 200 are 12 000 slots, the rectangle again, though only 120 cells are written
    monkeypatch.setenv("THIDUA_MAX_CELLS", "1000")
    rows = [[1] + [None] * 198 + [2] for _ in range(60)]
    with pytest.raises(guard.Rejected, match="vượt giới hạn 1.000 ô một trang"):
        guard.check_file(write_xlsb(tmp_path / "wide.xlsb", {"S": rows}))
    few = [[None] * 200 for _ in range(60)]
    few[0][0] = few[59][199] = "x"  # the same rectangle, two cells: read
    assert guard.check_file(write_xlsb(tmp_path / "few.xlsb", {"S": few})).sparse


def test_merged_ranges_of_an_xlsb_are_counted_against_the_limit(tmp_path, monkeypatch):
    monkeypatch.setenv("THIDUA_MAX_MERGES", "3")
    merges = [(r, 0, r, 1) for r in range(4)]
    p = write_xlsb(tmp_path / "m.xlsb", {"S": [["a", "b"]] * 4}, merges={"S": merges})
    with pytest.raises(guard.Rejected, match="vùng ô gộp"):
        guard.check_file(p)


def test_a_cell_past_excels_last_column_is_a_damaged_file(tmp_path):
    part = rec(129) + rec(145) + rec(0, struct.pack("<IIHBB", 0, 0, 300, 0, 0) + bytes(5))
    part += value_record(70_000, 1.5, []) + rec(146) + rec(130)
    p = write_xlsb(tmp_path / "far.xlsb", {"S": [["x"]]})
    from test_readers import zip_parts

    parts = zip_parts(p)
    parts["xl/worksheets/sheet1.bin"] = part
    write_parts(p, parts)
    with pytest.raises(guard.Rejected, match="quá cột cuối cùng của Excel"):
        guard.check_file(p)


def replace_part(p: Path, name: str, data: bytes) -> Path:
    from test_readers import zip_parts

    parts = zip_parts(p)
    parts[name] = data
    return write_parts(p, parts)


def row_header(r: int, hidden: bool = False) -> bytes:
    return rec(0, struct.pack("<IIHBB", r, 0, 300, 0, 0x10 if hidden else 0) + bytes(5))


BEGIN_DATA, END_DATA = rec(145), rec(146)


def test_a_row_header_outside_the_sheet_data_moves_no_cell(tmp_path, monkeypatch):
    # the guard once honoured a BrtRowHdr the reader ignored: a cell counted in row 1 was
    # read in row 2³¹ (review of the .xlsb reader); now both read rows as calamine does
    monkeypatch.setenv("THIDUA_MAX_ROWS", "10")
    part = BEGIN_DATA + row_header(50) + END_DATA + row_header(0)  # (outside: ignored)
    part += BEGIN_DATA + value_record(0, 1.5, []) + END_DATA
    p = replace_part(
        write_xlsb(tmp_path / "r.xlsb", {"S": [["x"]]}), "xl/worksheets/sheet1.bin", part
    )
    with pytest.raises(guard.Rejected, match="dòng 51, vượt giới hạn 10 dòng"):
        guard.check_file(p)
    monkeypatch.setenv("THIDUA_MAX_ROWS", "100")
    (grid,) = read_workbook(p)
    assert cells(grid) == {(50, 0): 1.5}


def test_of_two_entries_of_one_name_the_guard_and_the_reader_take_the_same(tmp_path):
    p = write_xlsb(tmp_path / "d.xlsb", {"S": [["đầu tiên"]]})
    import warnings
    import zipfile

    second = sheet_part([["thứ hai"] * 3] * 3, [])
    with warnings.catch_warnings(), zipfile.ZipFile(p, "a") as zf:
        warnings.simplefilter("ignore")  # (zipfile warns of the duplicate name)
        zf.writestr("xl/worksheets/sheet1.bin", second)
    (grid,) = read_workbook(p)
    assert cells(grid) == {(0, 0): "đầu tiên"}  # the copy the guard checked


def test_the_rows_a_sparse_sheet_spans_count_against_the_cell_limit(tmp_path, monkeypatch):
    # a reader of ragged rows holds a list for every row down to the last: 255 sheets of
    # two cells 100 000 rows apart were 25 million lists the guard did not count
    monkeypatch.setenv("THIDUA_MAX_CELLS", "1000")
    rows = [[None] * 11 for _ in range(2000)]
    rows[0][0], rows[1999][10] = "a", "b"  # 2 000 × 11 rectangle: sparse; 2 000 row lists
    with pytest.raises(guard.Rejected, match="vượt giới hạn 1.000 ô một trang"):
        guard.check_file(write_xlsb(tmp_path / "tall.xlsb", {"S": rows}))
    rows = [[None] * 200 for _ in range(11)]
    rows[0][0], rows[10][199] = "a", "b"  # 11 × 200: the same rectangle, few rows: read
    assert guard.check_file(write_xlsb(tmp_path / "flat.xlsb", {"S": rows})).sparse


def test_more_cell_formats_than_excel_keeps_are_refused(tmp_path):
    styles = rec(617, struct.pack("<I", 70_000))
    styles += rec(47, struct.pack("<HH", 0, 9) + bytes(12)) * 70_000 + rec(618)
    p = replace_part(write_xlsb(tmp_path / "s.xlsb", {"S": [[1]]}), "xl/styles.bin", styles)
    with pytest.raises(guard.Rejected, match="hơn 65.536 định dạng ô"):
        guard.check_file(p)


def test_each_number_format_is_judged_once_on_what_excel_keeps_of_it(tmp_path, monkeypatch):
    # 20 000 cell formats sharing one format code of 200 000 characters: each XF judged
    # its code again, a regex pass each (a 2 KB file ran past 20 s)
    from pipeline.ingest import xlsb

    seen = []

    def judged(code: str) -> bool:
        seen.append(len(code))
        return is_percent(code)

    is_percent = xlsb.is_percent_format
    monkeypatch.setattr(xlsb, "is_percent_format", judged)

    def styles(code: str) -> bytes:
        out = rec(44, struct.pack("<H", 164) + wide(code)) + rec(617, struct.pack("<I", 20_000))
        return out + rec(47, struct.pack("<HH", 0, 164) + bytes(12)) * 20_000 + rec(618)

    assert xlsb._styles(styles("0" * 200_000 + "%")) == {}  # "%" past what Excel keeps
    assert seen == [255]  # one format, judged once, on its first 255 characters
    assert set(xlsb._styles(styles("0.0%")).values()) == {"percent"}
    assert len(xlsb._styles(styles("0.0%"))) == 20_000


def test_a_short_shared_string_record_still_counts_as_one_string(tmp_path, monkeypatch):
    # the guard skipped a BrtSSTItem under 5 bytes and the reader did not: every later
    # index was another string to each, and the text limit was judged on the wrong one
    monkeypatch.setenv("THIDUA_MAX_TEXT_MB", "1")
    p = write_xlsb(tmp_path / "t.xlsb", {"S": [["x"] * 30 for _ in range(10)]})
    sst = rec(159, struct.pack("<II", 2, 2)) + rec(19, b"\x00")  # a string cut to nothing
    sst += rec(19, b"\x00" + wide("y" * 20_000)) + rec(160)
    part = BEGIN_DATA + b"".join(
        row_header(r) + b"".join(rec(7, cell(c) + struct.pack("<I", 1)) for c in range(30))
        for r in range(10)
    )
    replace_part(p, "xl/sharedStrings.bin", sst)
    replace_part(p, "xl/worksheets/sheet1.bin", part + END_DATA)  # 300 × 40 KB: 12 MB
    with pytest.raises(guard.Rejected, match="chiếm hơn 1 MB"):
        guard.check_file(p)
    monkeypatch.setenv("THIDUA_MAX_TEXT_MB", "64")
    (grid,) = read_workbook(p)
    assert grid.rows[0][0] == "y" * 20_000


def test_text_held_in_a_cell_record_is_bounded_like_a_shared_string(tmp_path):
    part = BEGIN_DATA + row_header(0) + rec(6, cell(0) + wide("z" * 200_000)) + END_DATA
    p = replace_part(
        write_xlsb(tmp_path / "i.xlsb", {"S": [["x"]]}), "xl/worksheets/sheet1.bin", part
    )
    with pytest.raises(guard.Rejected, match="một ô chứa chuỗi dài hơn 256 KB"):
        guard.check_file(p)


def test_hidden_rows_are_those_that_hold_cells(tmp_path):
    part = BEGIN_DATA + row_header(2, hidden=True) + value_record(0, 7, [])
    part += b"".join(row_header(r, hidden=True) for r in range(10_000, 20_000)) + END_DATA
    p = replace_part(
        write_xlsb(tmp_path / "h.xlsb", {"S": [["x"]]}), "xl/worksheets/sheet1.bin", part
    )
    (grid,) = read_workbook(p)
    assert grid.hidden_rows == {2}


def test_a_workbook_listing_more_sheets_than_the_limit_is_refused_at_once(tmp_path):
    book = rec(131) + rec(143)
    book += b"".join(
        rec(156, struct.pack("<II", 0, i) + wide(f"rId{i}") + wide(f"T{i}")) for i in range(300)
    )
    p = replace_part(write_xlsb(tmp_path / "b.xlsb", {"S": [[1]]}), "xl/workbook.bin", book)
    with pytest.raises(guard.Rejected, match="hơn 255 trang tính"):
        guard.check_file(p)


def test_an_elapsed_time_that_is_not_a_number_stays_what_it_is(tmp_path):
    rows = [["a", float("nan"), 1.5]]
    styles = {(0, 1): "duration", (0, 2): "duration"}
    (grid,) = read_workbook(write_xlsb(tmp_path / "n.xlsb", {"S": rows}, styles={"S": styles}))
    assert grid.rows[0][1] != grid.rows[0][1]  # NaN, never an empty cell or a zero
    assert grid.rows[0][2] == datetime.timedelta(days=1.5)


def test_a_cell_naming_a_shared_string_the_table_lacks_is_not_read_as_empty(tmp_path, monkeypatch):
    from pipeline.ingest.read import ReadError

    monkeypatch.setenv("PATH", str(tmp_path))  # no LibreOffice: the refusal of the readers here
    part = BEGIN_DATA + row_header(0) + rec(7, cell(0) + struct.pack("<I", 5)) + END_DATA
    p = write_xlsb(tmp_path / "s.xlsb", {"S": [["chỉ một chuỗi"]]})
    replace_part(p, "xl/worksheets/sheet1.bin", part)
    with pytest.raises(ReadError, match=r"Không đọc được tệp Excel nhị phân \(.xlsb\): tệp hỏng"):
        read_workbook(p)


def test_a_reader_out_of_memory_is_reported_holding_nothing(tmp_path, monkeypatch):
    # fault injection: a MemoryError inside the .xlsb reader becomes OutOfMemory (the build
    # retries the file alone), with no chained exception keeping the reader's frames alive
    from pipeline.ingest import xlsb
    from pipeline.ingest.read import OutOfMemory

    def exhausted(*_args):
        raise MemoryError

    monkeypatch.setattr(xlsb, "read_xlsb", exhausted)
    with pytest.raises(OutOfMemory) as err:
        read_workbook(write_xlsb(tmp_path / "m.xlsb", {"S": [[1]]}))
    assert err.value.__cause__ is None and err.value.__context__ is None


# --- real files -------------------------------------------------------------------------------


def test_cached_errors_excel_saved_are_cell_errors():
    # ExcelDataReader Test_git_issue_329_error.xlsb: three formula errors in row 1, which
    # calamine reads as empty cells
    (grid, *_) = read_workbook(FIXTURES / "edr_issue329_error.xlsb")
    assert [grid.rows[0][c] for c in range(3)] == [
        CellError("#DIV/0!"),
        CellError("#N/A"),
        CellError("#VALUE!"),
    ]


def test_an_xlsb_calamine_panics_on_is_read_here(tmp_path, capfd):
    # ExcelDataReader Test_git_issue682.xlsb: calamine panics; LibreOffice read it before
    grids = read_workbook(FIXTURES / "edr_issue682.xlsb")
    assert [v for v in grids[0].rows[0] if v is not None][:3] == [100, 10, 1]
    assert grids.note is None  # read here, not through LibreOffice
    out, err = capfd.readouterr()
    assert out + err == ""


# --- end to end ---------------------------------------------------------------------------


def test_an_xlsb_loads_the_same_facts_as_the_xlsx_of_the_same_table(raw, wh, tmp_path):
    from conftest import write_xlsx

    rows = awards_wide_rows()
    write_xlsb(raw / "gia_lai_khen_thuong_2022.xlsb", {"Khen thưởng": rows})
    other = tmp_path / "raw2"
    write_xlsx(other / "gia_lai_khen_thuong_2022.xlsx", {"Khen thưởng": rows})
    build(raw, wh)
    build(other, tmp_path / "wh2" / "thidua.duckdb")
    sql = "SELECT unit_id, award_id, recipient_kind, count, sheet, row_no FROM awards ORDER BY ALL"
    got = query(wh, sql)
    assert got and got == query(tmp_path / "wh2" / "thidua.duckdb", sql)
    ((status,),) = query(wh, "SELECT status FROM loads")
    assert status == "loaded"


def test_a_formula_error_in_an_xlsb_data_row_is_a_rejection_naming_the_cell(raw, wh):
    rows = awards_wide_rows()
    rows[8][4] = ("=", CellError("#DIV/0!"))  # Kon Tum (row 9), «Giấy khen, Tập thể»
    write_xlsb(raw / "gia_lai_khen_thuong_2022.xlsb", {"Khen thưởng": rows})
    build(raw, wh)
    hit = query(wh, "SELECT row_no, value, message FROM rejections WHERE row_no = 9")
    assert any("#DIV/0!" in (v or "") and "lỗi công thức" in m and "cột E" in m for _, v, m in hit)
