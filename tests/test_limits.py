"""Files other readers read that the guard's limits or the CSV decoding refused (issue 12,
the sweep's «Refused but read by another reader»).  Each file is made here, small; the peer
file it stands for is named beside it.  A limit is tested on a small file by its
environment override, as the guard's other tests do.
"""

from __future__ import annotations

import random
import unicodedata
from pathlib import Path

import pytest
from conftest import awards_wide_rows, build, query, run_cli

from pipeline.ingest.read import ReadError, read_workbook
from pipeline.ingest.recognise.extract import merge_anchors

AWARDS_CSV = (
    "TONG HOP KHEN THUONG NAM 2022\n"
    "STT,Don vi,Giay khen,,Ghi chu\n"
    ",,Tap the,Ca nhan,\n"
    "1,Gia Lai,2,5,{note}\n"
    "2,Kon Tum,1,3,\n"
)


# --- CSV code pages ------------------------------------------------------------------


def test_a_csv_in_windows_1250_is_read_in_it_with_a_note(tmp_path):
    # SheetJS 2011/pyExcelerator_P-0508-0000507647-3280-5298.xls.0.csv (Slovak, Windows-1250)
    text = "Univerzita Pavla Jozefa Šafárika v Košiciach,,Total:,45.92\r\nDatum,cislo,cena\r\n"
    p = tmp_path / "sk.csv"
    p.write_bytes(text.encode("cp1250"))
    grid = read_workbook(p)[0]
    assert grid.rows[0][0] == "Univerzita Pavla Jozefa Šafárika v Košiciach"
    assert grid.notes == [
        "Tệp CSV không lưu bằng UTF-8 hay Windows-1258: đã đọc theo bảng mã Windows-1250 "
        "(Trung Âu), đoán từ nội dung tệp. 1 ô có chữ ngoài bảng chữ Latinh cơ bản, ví dụ ô "
        "A1: «Univerzita Pavla Jozefa Šafárika v Košiciach». Nếu chữ có dấu hiện sai, hãy mở "
        "tệp bằng Excel, lưu lại dạng «CSV UTF-8» rồi gửi lại."
    ]


def test_a_csv_read_in_a_guessed_code_page_says_so_in_loads(raw, wh):
    # SheetJS apachepoi_48026.xls.0.csv: the figures load, and loads says how it was read
    (raw / "kt_2022.csv").write_bytes(AWARDS_CSV.format(note="Ryža Škoda").encode("cp1250"))
    build(raw, wh)
    assert query(wh, "SELECT unit_id, recipient_kind, count FROM awards ORDER BY 1, 2") == [
        ("gia_lai", "ca_nhan", 5),
        ("gia_lai", "tap_the", 2),
        ("kon_tum", "ca_nhan", 3),
        ("kon_tum", "tap_the", 1),
    ]
    [(status, message)] = query(wh, "SELECT status, message FROM loads")
    assert status == "loaded"
    assert "bảng mã Windows-1250 (Trung Âu)" in message and "«Ryža Škoda»" in message


def test_a_csv_with_no_table_keeps_its_code_page_note_beside_the_reason(raw, wh):
    """Wrong letters may be why no header was recognised: the note stays in loads."""
    (raw / "ghi_chu.csv").write_bytes("Poznámka,Košice\n1,2\n".encode("cp1250"))
    build(raw, wh)
    [(status, message)] = query(wh, "SELECT status, message FROM loads")
    assert status == "rejected"
    assert message.startswith("Không tìm thấy bảng số liệu nào trong tệp")
    assert "đã đọc theo bảng mã Windows-1250 (Trung Âu)" in message


def test_a_plain_utf8_csv_has_no_note_in_loads(raw, wh):
    (raw / "kt_2022.csv").write_text(AWARDS_CSV.format(note="Ghi chú"), encoding="utf-8")
    build(raw, wh)
    assert query(wh, "SELECT status, message FROM loads") == [("loaded", None)]


def cp1258(text: str) -> bytes:
    """Vietnamese as Windows-1258 writes it: â ê ô ơ ư ă đ as letters, tones as marks."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for ch in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(m for m in parts if m not in tones))
        out.append(base + "".join(m for m in parts if m in tones))
    return "".join(out).encode("cp1258")


VIETNAMESE = (
    "STT,Họ và tên,Chức vụ,Đơn vị\n1,Nguyễn Thị Hồng,Kiểm sát viên,Thừa Thiên Huế\n"
    "2,Trần Văn Mười,Kiểm tra viên,Quảng Ngãi\n3,Lê Thị Thủy,Chánh văn phòng,Hà Tĩnh\n"
)


def _cp1258_with_a_byte_it_lacks() -> bytes:
    lines = cp1258(VIETNAMESE).split(b"\n")
    lines[2] = lines[2].replace(b"Tr", b"T\x9ar", 1)  # a byte Windows-1258 does not have
    return b"\n".join(lines)


@pytest.mark.parametrize(
    "data, encoding, line",
    [
        # a guess (Windows-1250) would load «Nguyeĺn»-like names where the sender wrote right ones
        (_cp1258_with_a_byte_it_lacks(), "Windows-1258", 3),
        # one Latin-1 byte in UTF-8
        (VIETNAMESE.encode("utf-8").replace("Chánh".encode(), b"Ch\xe1nh"), "UTF-8", 4),
    ],
    ids=["windows-1258", "utf-8"],
)
def test_a_damaged_vietnamese_csv_is_refused_naming_the_line_not_guessed(
    tmp_path, data, encoding, line
):
    p = tmp_path / "ds.csv"
    p.write_bytes(data)
    with pytest.raises(ReadError) as exc:
        read_workbook(p)
    assert str(exc.value).startswith(
        f"Không đọc được tệp CSV: tệp được lưu bằng bảng mã {encoding} nhưng dòng {line} có "
        "byte không thuộc bảng mã đó"
    )


def test_a_real_windows_1258_csv_is_still_read_without_a_note(tmp_path):
    p = tmp_path / "ds.csv"
    p.write_bytes(cp1258(VIETNAMESE))
    grid = read_workbook(p)[0]
    assert unicodedata.normalize("NFC", grid.rows[1][1]) == "Nguyễn Thị Hồng"
    assert grid.notes == []


def test_bytes_no_code_page_reads_as_text_are_refused(tmp_path):
    random.seed(12)
    p = tmp_path / "rac.csv"
    p.write_bytes(b"a,b\n" + bytes(random.randrange(0x80, 0x100) for _ in range(4000)))
    with pytest.raises(ReadError, match="^Không nhận ra bảng mã của tệp CSV: không phải UTF-8"):
        read_workbook(p)


# --- NUL bytes -----------------------------------------------------------------------


def test_stray_nul_bytes_in_a_csv_are_dropped_with_a_note(tmp_path):
    # ExcelDataReader src/TestData/csv/simple_whitespace_null.csv, byte for byte
    p = tmp_path / "simple_whitespace_null.csv"
    p.write_bytes(b" a ,\x00b\x00,\tc\t\n1,2,3\n")
    grid = read_workbook(p)[0]
    assert grid.rows == [[" a ", "b", "\tc\t"], ["1", "2", "3"]]
    assert grid.notes == [
        "Tệp CSV có 2 byte rỗng (NUL) lẫn trong chữ — chương trình xuất tệp để lại, không "
        "chương trình bảng tính nào hiện chúng; đã bỏ đi khi đọc."
    ]


def test_the_build_summary_shows_a_loaded_files_reading_note(raw, wh):
    # the note of a file that loaded is not only in loads: the analyst reading the
    # build's account sees which file was read in a guessed code page
    (raw / "kt_2022.csv").write_bytes(AWARDS_CSV.format(note="Ryža Škoda").encode("cp1250"))
    done = run_cli("build", "--raw", raw, "--warehouse", wh)
    assert done.returncode == 0, done.stderr
    assert "Tệp đã nạp kèm ghi chú khi đọc (view «loads», cột message): 1" in done.stdout
    assert "• «kt_2022.csv»: Tệp CSV không lưu bằng UTF-8 hay Windows-1258" in done.stdout


def test_thidua_check_shows_a_files_reading_note(raw):
    p = raw / "kt_2022.csv"
    p.write_bytes(AWARDS_CSV.format(note="Ryža Škoda").encode("cp1250"))
    done = run_cli("check", p)
    assert done.returncode == 0, done.stderr
    assert "Ghi chú khi đọc tệp «kt_2022.csv»: Tệp CSV không lưu bằng UTF-8" in done.stdout


def test_a_nul_in_a_cell_of_a_vietnamese_csv_is_dropped_and_the_figures_load(raw, wh):
    # SheetJS 2016/oo34xml_dataformat2.xml.0.csv: a NUL inside a text cell
    data = AWARDS_CSV.format(note="ghi\x00 chú").encode("utf-8")
    (raw / "kt_2022.csv").write_bytes(data)
    build(raw, wh)
    assert query(wh, "SELECT sum(count) FROM awards") == [(11,)]
    [(message,)] = query(wh, "SELECT message FROM loads")
    assert message.startswith("Tệp CSV có 1 byte rỗng (NUL)")


@pytest.mark.parametrize(
    "data",
    [
        b"STT,Don vi\n" * 100 + b"\x00\x00",  # a run of zeros: a file cut short
        b"STT,Don vi\n1,\x00\x01\x02\n" * 20,  # other control bytes: binary
    ],
    ids=["run", "controls"],
)
def test_nul_bytes_that_are_not_strays_still_refuse_the_csv(tmp_path, data):
    p = tmp_path / "hong.csv"
    p.write_bytes(data)
    with pytest.raises(ReadError, match="nhị phân"):
        read_workbook(p)


# --- rows of a CSV -------------------------------------------------------------------


def test_a_csv_of_more_lines_than_a_sheet_may_have_is_read_to_excels_limit(tmp_path):
    # SheetJS 2011/libreoffice_calc_xlsx-import_perf_300000_line_sample.xlsx.0.csv: 300 000
    # lines of one column; a CSV's cells (not its lines) are what a reader allocates
    p = tmp_path / "perf.csv"
    p.write_bytes(b"".join(b"%d\r\n" % i for i in range(150_000)))
    grid = read_workbook(p)[0]
    assert len(grid.rows) == 150_000 and grid.rows[-1] == ["149999"]


@pytest.mark.parametrize(
    "env, value, name, data, message",
    [
        (  # the line limit has its own override
            "THIDUA_MAX_CSV_ROWS",
            "1000",
            "dai",
            b"1\n" * 1001,
            "Không đọc được tệp: trang «dai» có hơn 1.000 dòng, vượt giới hạn 1.000 dòng một "
            "trang. Hãy xóa các dòng thừa hoặc tách số liệu thành nhiều tệp nhỏ hơn.",
        ),
        (  # the counterpart of the line limit raised: a CSV's cells stay bounded (2 000 000
            # by default: the old million-line CSV of three columns is refused by them)
            "THIDUA_MAX_CELLS",
            "1000",
            "rong",
            b"1,2,3\n" * 400,
            "Không đọc được tệp: tệp CSV có khoảng 1.200 ô, vượt giới hạn 1.000 ô. Hãy tách số "
            "liệu thành nhiều tệp.",
        ),
    ],
    ids=["lines", "cells"],
)
def test_a_csv_past_its_line_or_cell_limit_is_refused(
    tmp_path, monkeypatch, env, value, name, data, message
):
    monkeypatch.setenv(env, value)
    p = tmp_path / f"{name}.csv"
    p.write_bytes(data)
    with pytest.raises(ReadError) as exc:
        read_workbook(p)
    assert str(exc.value) == message


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


# --- sheets past the cell limit ------------------------------------------------------


def test_a_sheet_past_the_cell_limit_is_refused_naming_its_farthest_cell(tmp_path, monkeypatch):
    """POI's SharedFormulaTest, 51535: a few cells far apart make the rectangle every reader
    holds; the message says where the far corner is, so the analyst can go there (Ctrl+End)
    and delete what is left."""
    monkeypatch.setenv("THIDUA_MAX_CELLS", "1000")
    p = tmp_path / "xa.xlsx"
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "KT"
    book.active["A1"] = "STT"
    book.active["AD40"] = 1  # 40 rows × 30 columns: 1 200 cells
    book.save(p)
    with pytest.raises(ReadError) as exc:
        read_workbook(p)
    assert str(exc.value) == (
        "Không đọc được tệp: vùng số liệu của trang «KT» rộng 40 dòng × 30 cột (từ ô A1 đến ít "
        "nhất ô AD40; phím Ctrl+End trong Excel đưa tới ô cuối cùng có dữ liệu), vượt giới hạn "
        "1.000 ô một trang. Hãy xóa các ô thừa ở xa bảng số liệu hoặc tách số liệu thành nhiều "
        "tệp."
    )


def _far_apart_xls(tmp_path: Path, far: str) -> Path:
    """An awards sheet with one stray cell far from it («far»), saved as .xls by
    LibreOffice (another program than the one that wrote the .xlsx)."""
    import subprocess

    import openpyxl
    from conftest import write_xlsx

    src = write_xlsx(tmp_path / "khen_thuong_2022.xlsx", {"KT": awards_wide_rows()})
    book = openpyxl.load_workbook(src)
    book["KT"][far] = "ghi chú lạc"
    book.save(src)
    out = tmp_path / "xls"
    subprocess.run(
        ["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/lo"]
        + ["--convert-to", "xls", "--outdir", str(out), str(src)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return out / "khen_thuong_2022.xls"


def test_an_xls_whose_few_cells_lie_far_apart_is_read_sparsely(tmp_path, monkeypatch):
    """POI's 51535.xls (four cells at A1, IV1, A65536, IV65536) and SharedFormulaTest.xls:
    an .xls holds its cells as records, and xlrd with ragged rows keeps only those, not the
    rectangle between them; the cell limit then counts the cells really written."""
    monkeypatch.setenv("THIDUA_MAX_CELLS", "1000")
    p = _far_apart_xls(tmp_path, "AD400")  # 400 rows × 30 columns: 12 000 cells of rectangle
    [grid] = read_workbook(p)
    assert grid.value(399, 29) == "ghi chú lạc"
    assert ["VKSND tỉnh Gia Lai"] == [v for r in grid.rows for v in r if v == "VKSND tỉnh Gia Lai"]
    assert max(len(r) for r in grid.rows) == 30
    assert sum(len(r) for r in grid.rows) < 1000  # ragged: no row padded to the widest


def test_a_sparse_xls_loads_its_figures(tmp_path, monkeypatch):
    monkeypatch.setenv("THIDUA_MAX_CELLS", "1000")
    p = _far_apart_xls(tmp_path, "AD400")
    raw, wh = tmp_path / "raw", tmp_path / "w.duckdb"
    raw.mkdir()
    p.rename(raw / p.name)
    build(raw, wh)
    assert query(wh, "SELECT sum(count) FROM awards") == [(29,)]  # 15 + 10 + 4, as in .xlsx


def test_an_xls_with_more_cells_than_the_limit_is_still_refused(tmp_path, monkeypatch):
    """The counterpart: the cells really written are bounded as before."""
    monkeypatch.setenv("THIDUA_MAX_CELLS", "20")
    p = _far_apart_xls(tmp_path, "AD400")
    with pytest.raises(ReadError, match="vượt giới hạn 20 ô một trang"):
        read_workbook(p)


def test_an_xls_with_cells_at_opposite_corners_is_read_in_bounded_memory(tmp_path):
    """POI's 51535.xls at full size (A1 and IV65536, written by xlwt): it was refused as a
    65 536 × 256 rectangle (calamine peaks at 806 MiB on 51535); read with ragged rows it
    holds its two rows' cells."""
    from test_hostile import xls_with_far_cell

    [grid] = read_workbook(xls_with_far_cell(tmp_path / "o_xa_2022.xls"))
    assert len(grid.rows) == 65_536 and grid.value(65_535, 255) == 1
    assert sum(len(r) for r in grid.rows) == 1 + 256


def test_a_sparse_xls_whose_rows_reach_far_right_is_refused_by_what_its_rows_hold(
    tmp_path, monkeypatch
):
    """xlrd's ragged rows hold each row up to its last cell: a cell at the far right of
    every row is the whole rectangle again, and the cell limit judges it so."""
    import xlwt

    monkeypatch.setenv("THIDUA_MAX_CELLS", "1000")
    wb = xlwt.Workbook()
    ws = wb.add_sheet("KT")
    for r in range(60):
        ws.write(r, 0, 1)
        ws.write(r, 199, 2)
    p = tmp_path / "rong.xls"
    wb.save(str(p))
    with pytest.raises(ReadError, match="vượt giới hạn 1.000 ô một trang"):
        read_workbook(p)
