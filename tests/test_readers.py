"""Read what other readers read, refuse only what must be refused, in bounded memory and
in Vietnamese (issue 12).  Every workbook is made here, small; each reproduces a kind of
file from peer libraries' test suites that the sweep (`make sweep`) caught — the peer file
is named beside it.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import struct
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from conftest import awards_wide_rows, build, query, write_xlsx

from pipeline.ingest import guard
from pipeline.ingest.read import CellError, ReadError, read_workbook

LIBRARY_WORDS = re.compile(
    r"Calamine|Error|Exception|unpack requires|Relationship|found|expected|index|"
    r"new-line|universal|Text\(|BytesText|Panic",
)


def zip_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def write_parts(path: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


def small_xlsx(path: Path, rows=None) -> Path:
    return write_xlsx(path, {"KT": rows or awards_wide_rows()})


def xlsx_from_sheet_xml(path: Path, sheet_data: str, shared: list[str] | None = None) -> Path:
    """A workbook of one sheet whose <sheetData> is given (and a shared-string table)."""
    parts = zip_parts(small_xlsx(path, [["x"]]))
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    sheet = re.sub(
        r"<sheetData>.*</sheetData>|<sheetData/>",
        f"<sheetData>{sheet_data}</sheetData>",
        sheet,
        flags=re.S,
    )
    sheet = re.sub(r"<dimension[^>]*/>", "", sheet)
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    if shared is not None:
        items = "".join(f"<si><t>{s}</t></si>" for s in shared)
        parts["xl/sharedStrings.xml"] = (
            '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
            f'spreadsheetml/2006/main" count="{len(shared)}" uniqueCount="{len(shared)}">{items}</sst>'
        ).encode()
        rels = parts["xl/_rels/workbook.xml.rels"].decode()
        if "sharedStrings" not in rels:
            rels = rels.replace(
                "</Relationships>",
                '<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/'
                '2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
            )
            parts["xl/_rels/workbook.xml.rels"] = rels.encode()
            types = (
                parts["[Content_Types].xml"]
                .decode()
                .replace(
                    "</Types>",
                    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
                )
            )
            parts["[Content_Types].xml"] = types.encode()
    return write_parts(path, parts)


# --- one read of each file --------------------------------------------------------------


def test_the_bytes_given_are_the_bytes_read(tmp_path):
    good = small_xlsx(tmp_path / "good.xlsx").read_bytes()
    other = tmp_path / "other.xlsx"
    other.write_bytes(b"not a spreadsheet at all")
    grids = read_workbook(other, data=good)  # what was hashed is what is parsed
    assert grids and grids[0].name == "KT"


def test_open_once_never_follows_a_link(tmp_path):
    target = small_xlsx(tmp_path / "real.xlsx")
    link = tmp_path / "link.xlsx"
    link.symlink_to(target)
    with pytest.raises(guard.Rejected, match="liên kết"):
        guard.open_once(link)
    opened = guard.open_once(target)
    assert opened.sha256 == hashlib.sha256(target.read_bytes()).hexdigest()


def test_loads_sha256_is_the_hash_of_the_loaded_bytes(raw, wh):
    p = small_xlsx(raw / "gia_lai_2022.xlsx")
    build(raw, wh)
    ((sha,),) = query(wh, "SELECT sha256 FROM loads")
    assert sha == hashlib.sha256(p.read_bytes()).hexdigest()


# --- bounded memory -------------------------------------------------------------------------


def test_one_long_shared_string_in_many_cells_is_refused_before_it_is_expanded(tmp_path):
    # apache/poi test-data/spreadsheet/poc-shared-strings.xlsx: one 1 MB string, 12 000 cells
    cells = "".join(f'<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>' for r in range(1, 12_001))
    p = xlsx_from_sheet_xml(tmp_path / "bom.xlsx", cells, shared=["A" * 1_000_000])
    assert p.stat().st_size < 200_000
    with pytest.raises(ReadError, match="chuỗi dùng chung"):
        read_workbook(p)


def test_the_same_string_in_a_few_cells_is_read(tmp_path):
    cells = "".join(f'<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>' for r in range(1, 20))
    p = xlsx_from_sheet_xml(tmp_path / "ok.xlsx", cells, shared=["Chiến sĩ thi đua " * 500])
    grids = read_workbook(p)
    assert grids[0].rows[0][0].startswith("Chiến sĩ thi đua")


def test_an_honest_sheet_of_long_strings_compressing_121_to_1_is_read(tmp_path):
    # PhpSpreadsheet-written sheets of long repeated text: a high ratio, a small size
    text = "Tập thể lao động xuất sắc " * 1200
    cells = "".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>{text}</t></is></c></row>'
        for r in range(1, 80)
    )
    p = xlsx_from_sheet_xml(tmp_path / "long.xlsx", cells)
    with zipfile.ZipFile(p) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
        assert info.file_size / info.compress_size > 100
    assert read_workbook(p)[0].rows[0][0].startswith("Tập thể")


def test_ods_content_is_streamed_not_parsed_whole(tmp_path):
    from test_hostile import write_ods

    rows = "".join(
        '<table:table-row table:visibility="collapse"><table:table-cell office:value-type="percentage" '
        'office:value="0.5"><text:p>50%</text:p></table:table-cell></table:table-row>'
        for _ in range(3)
    )
    content = ODS_HEAD + f'<table:table table:name="T">{rows}</table:table>' + ODS_TAIL
    grids = read_workbook(write_ods(tmp_path / "a.ods", content))
    assert grids[0].hidden_rows == {0, 1, 2}
    assert (1, 0) in grids[0].percent_cells
    source = Path(__import__("pipeline.ingest.read", fromlist=["x"]).__file__).read_text()
    assert "ET.fromstring(content)" not in source


ODS_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body>'
    "<office:spreadsheet>"
)
ODS_TAIL = "</office:spreadsheet></office:body></office:document-content>"


def test_a_pretty_printed_ods_calamine_refuses_is_read(tmp_path):
    # PhpSpreadsheet tests/data/Reader/Ods/RepeatedDataCells.ods: whitespace between cells
    from test_hostile import write_ods

    content = (
        ODS_HEAD + '<table:table table:name="KT">\n  <table:table-row>\n    '
        '<table:table-cell office:value-type="string"><text:p>Đơn vị</text:p></table:table-cell>\n'
        '    <table:table-cell office:value-type="float" office:value="3"><text:p>3</text:p>'
        "</table:table-cell>\n  </table:table-row>\n</table:table>" + ODS_TAIL
    )
    grids = read_workbook(write_ods(tmp_path / "pretty.ods", content))
    assert grids[0].rows[0][:2] == ["Đơn vị", 3]


# --- read what others read ------------------------------------------------------------------


def test_unicode_vietnamese_with_guillemets_is_not_taken_for_tcvn3(tmp_path):
    rows = awards_wide_rows() + [["« Chiến sĩ thi đua cơ sở »"], ["Giá × 2 £ ¥"]]
    grids = read_workbook(small_xlsx(tmp_path / "u.xlsx", rows))
    assert any("« Chiến sĩ thi đua cơ sở »" in str(v) for r in grids[0].rows for v in r)


def test_real_tcvn3_is_still_refused():
    from pipeline.ingest.legacy import detect_legacy

    found = detect_legacy(["Tæng kÕt c«ng t¸c thi ®ua khen th­ëng n¨m 2022"] * 3)
    assert found is not None and found.encoding == "TCVN3"


def test_zip_part_names_with_backslashes_and_other_case_are_found(tmp_path):
    # ExcelDataReader Test_git_issue_385_backslash.xlsx, PhpSpreadsheet
    # Zip-Windows-Directory-Separator.xlsx
    parts = zip_parts(small_xlsx(tmp_path / "a.xlsx"))
    renamed = {(n.replace("/", "\\") if n.startswith("xl/") else n): d for n, d in parts.items()}
    p = write_parts(tmp_path / "back.xlsx", renamed)
    inspection = guard.check_file(p)
    assert inspection.format == "xlsx" and inspection.sheets


def test_a_workbook_found_through_the_package_relationships(tmp_path):
    # PhpSpreadsheet rootZipFiles.xlsx, calamine minimal_package.xlsx: no xl/workbook.xml
    parts = zip_parts(small_xlsx(tmp_path / "a.xlsx"))
    moved = {}
    for name, data in parts.items():
        if name.startswith("xl/"):
            name = "wb/" + name[3:]
        moved[name] = data.replace(b'"/xl/', b'"/wb/').replace(b'"xl/', b'"wb/')
    p = write_parts(tmp_path / "moved.xlsx", moved)
    inspection = guard.check_file(p)
    assert inspection.format == "xlsx"
    assert list(inspection.sheets) == ["KT"]


def xls_bytes(rows) -> bytes:
    import xlwt

    wb = xlwt.Workbook()
    ws = wb.add_sheet("KT")
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if v is not None:
                ws.write(r, c, v)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_ole_stream_names_are_matched_in_any_case(tmp_path):
    # apache/poi test-data/spreadsheet/WORKBOOK_in_capitals.xls, BOOK_in_capitals.xls
    data = xls_bytes(awards_wide_rows())
    name = "Workbook".encode("utf-16-le")
    assert name in data
    p = tmp_path / "caps.xls"
    p.write_bytes(data.replace(name, "WORKBOOK".encode("utf-16-le"), 1))
    assert read_workbook(p)[0].name == "KT"


def test_an_xlrd_metadata_failure_does_not_refuse_what_calamine_read(tmp_path):
    # calamine tests/gh548_incorrect_sst_unique_count.xls: xlrd asserts, calamine reads
    data = bytearray(xls_bytes([["Đơn vị", "Giấy khen"], ["Gia Lai", 3]]))
    pos = 0
    stream_at = data.find(b"\x09\x08")  # the first BOF of the Workbook stream
    pos = stream_at
    while pos + 4 <= len(data):
        rtype, length = struct.unpack_from("<HH", data, pos)
        if rtype == 0x00FC:  # SST: total count, unique count
            struct.pack_into("<I", data, pos + 8, 50)
            break
        pos += 4 + length
    p = tmp_path / "sst.xls"
    p.write_bytes(bytes(data))
    grids = read_workbook(p)
    assert grids[0].rows[1][:2] == ["Gia Lai", 3]


def test_cr_only_csv_from_excel_for_mac_is_read(tmp_path):
    # PhpSpreadsheet tests/data/Reader/CSV/linend.mac.csv
    p = tmp_path / "mac.csv"
    p.write_bytes("Đơn vị,Giấy khen\rGia Lai,3\rKon Tum,4\r".encode())
    grid = read_workbook(p)[0]
    assert grid.rows == [["Đơn vị", "Giấy khen"], ["Gia Lai", "3"], ["Kon Tum", "4"]]


def encrypt(src: Path, dst: Path, password: str) -> Path:
    from msoffcrypto.format.ooxml import OOXMLFile

    with open(src, "rb") as fh, open(dst, "wb") as out:
        OOXMLFile(fh).encrypt(password, out)
    return dst


def test_excels_default_password_is_opened(tmp_path):
    p = encrypt(small_xlsx(tmp_path / "a.xlsx"), tmp_path / "velvet.xlsx", "VelvetSweatshop")
    assert read_workbook(p)[0].name == "KT"


def test_a_real_password_is_refused_saying_so(tmp_path):
    p = encrypt(small_xlsx(tmp_path / "a.xlsx"), tmp_path / "secret.xlsx", "mat-khau-that")
    with pytest.raises(ReadError, match="mật khẩu"):
        read_workbook(p)


def test_an_excel4_macro_sheet_skips_that_sheet_not_the_workbook(tmp_path):
    # apache/poi xlmmacro.xlsm, SheetJS BlankSheetTypes.xlsm: calamine refuses the workbook
    parts = zip_parts(small_xlsx(tmp_path / "a.xlsx"))
    rels = (
        parts["xl/_rels/workbook.xml.rels"]
        .decode()
        .replace(
            "</Relationships>",
            '<Relationship Id="rIdM" Type="http://schemas.microsoft.com/office/2006/relationships/'
            'xlMacrosheet" Target="macrosheets/sheet1.xml"/></Relationships>',
        )
    )
    parts["xl/_rels/workbook.xml.rels"] = rels.encode()
    book = (
        parts["xl/workbook.xml"]
        .decode()
        .replace(
            "</sheets>",
            '<sheet xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
            'name="Macro1" sheetId="9" r:id="rIdM"/></sheets>',
        )
    )
    parts["xl/workbook.xml"] = book.encode()
    parts["xl/macrosheets/sheet1.xml"] = (
        b'<?xml version="1.0"?><xm:macrosheet xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
        b"<sheetData/></xm:macrosheet>"
    )
    p = write_parts(tmp_path / "macro.xlsm", parts)
    grids = read_workbook(p)
    assert [g.name for g in grids] == ["KT"]


# --- nothing silent ---------------------------------------------------------------------------


def test_a_cached_formula_error_is_a_cell_error(tmp_path):
    cells = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c>'
        '<c r="B1" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="C1" t="e"><v>#N/A</v></c></row>'
    )
    grid = read_workbook(xlsx_from_sheet_xml(tmp_path / "e.xlsx", cells))[0]
    assert grid.rows[0][1] == CellError("#DIV/0!")
    assert grid.rows[0][2] == CellError("#N/A")


def test_a_formula_error_in_a_data_row_is_a_rejection_naming_cell_and_error(raw, wh):
    p = small_xlsx(raw / "gia_lai_khen_thuong_2022.xlsx")
    parts = zip_parts(p)
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    # the Kon Tum row (row 9): its "Giấy khen, Tập thể" count is a cached #DIV/0!
    sheet, n = re.subn(
        r'<c r="E9"[^>]*?(?:/>|>.*?</c>)',
        '<c r="E9" t="e"><f>1/0</f><v>#DIV/0!</v></c>',
        sheet,
        count=1,
        flags=re.S,
    )
    assert n == 1
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    write_parts(p, parts)
    build(raw, wh)
    rows = query(wh, "SELECT row_no, column_name, value, message FROM rejections")
    hit = [r for r in rows if r[0] == 9]
    assert hit, rows
    assert any("#DIV/0!" in (r[2] or "") and "lỗi công thức" in r[3] for r in hit), hit
    assert any("cột E" in r[3] for r in hit)


def test_a_file_no_reader_reads_is_refused_without_library_words(tmp_path):
    # apache/poi xlsx-corrupted.xlsx, 61300.xls: calamine and the second reader both refuse
    parts = zip_parts(small_xlsx(tmp_path / "a.xlsx"))
    parts["xl/worksheets/sheet1.xml"] = b"<worksheet><sheetData><row><c r='A1'><v>1</v></c>"
    p = write_parts(tmp_path / "broken.xlsx", parts)
    with pytest.raises(ReadError) as err:
        read_workbook(p)
    assert not LIBRARY_WORDS.search(str(err.value)), str(err.value)
    assert "hỏng" in str(err.value)


def test_no_xlrd_warning_reaches_the_terminal(tmp_path, capfd):
    # SheetJS and POI .xls files whose size is not a whole number of sectors
    p = tmp_path / "odd.xls"
    p.write_bytes(xls_bytes(awards_wide_rows()) + b"\x00" * 100)
    read_workbook(p)
    out, err = capfd.readouterr()
    assert "WARNING" not in out + err


def test_xltx_templates_are_read(tmp_path):
    p = small_xlsx(tmp_path / "a.xlsx")
    os.rename(p, tmp_path / "mau.xltx")
    assert read_workbook(tmp_path / "mau.xltx")[0].name == "KT"


def test_numbers_files_are_refused_naming_the_format(tmp_path):
    p = tmp_path / "bang.numbers"
    p.write_bytes(b"PK\x03\x04 numbers")
    with pytest.raises(ReadError, match="Apple Numbers"):
        read_workbook(p)


def test_openpyxl_workbooks_in_tests_stay_readable(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["Đơn vị", 1])
    book.save(tmp_path / "b.xlsx")
    assert read_workbook(tmp_path / "b.xlsx")[0].rows[0] == ["Đơn vị", 1]


def biff2_bytes() -> bytes:
    """A bare Excel 2.x stream (no OLE container): BOF, a label, a number, EOF."""

    def rec(rtype: int, data: bytes) -> bytes:
        return struct.pack("<HH", rtype, len(data)) + data

    label = b"Gia Lai"
    return (
        rec(0x0009, struct.pack("<HH", 0x0002, 0x0010))
        + rec(0x0004, struct.pack("<HH", 0, 0) + b"\x00\x00\x00" + bytes([len(label)]) + label)
        + rec(0x0003, struct.pack("<HH", 0, 1) + b"\x00\x00\x00" + struct.pack("<d", 3.0))
        + rec(0x000A, b"")
    )


def test_an_excel_2_workbook_is_read_by_xlrd(tmp_path):
    # ExcelDataReader as3xls_BIFF2.xls, biff3.xls, POI testEXCEL_4.xls: xlrd reads them
    p = tmp_path / "cu.xls"
    p.write_bytes(biff2_bytes())
    assert read_workbook(p)[0].rows[0] == ["Gia Lai", 3.0]


def test_a_reader_panic_prints_nothing_on_the_terminal(tmp_path, capfd, monkeypatch):
    from test_isolation import panic_xls

    monkeypatch.setenv("PATH", str(tmp_path))  # no LibreOffice: the readers here refuse it
    # (with it, LibreOffice reads the file: tests/test_libreoffice.py)
    with pytest.raises(ReadError):
        read_workbook(panic_xls(tmp_path / "hong.xls"))
    out, err = capfd.readouterr()
    assert "panicked" not in out + err and "RUST_BACKTRACE" not in out + err


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32", "utf-32-be"])
def test_csv_in_utf16_or_utf32_with_or_without_a_mark_is_read(tmp_path, encoding):
    # PhpSpreadsheet tests/data/Reader/CSV/encoding.utf16be.csv, premiere.utf32lebom.csv
    p = tmp_path / "u.csv"
    p.write_bytes("Đơn vị,Giấy khen\nGia Lai,3\n".encode(encoding))
    assert read_workbook(p)[0].rows == [["Đơn vị", "Giấy khen"], ["Gia Lai", "3"]]


def xlsb_with_a_cell_at(path: Path, row: int, col: int) -> Path:
    """An .xlsb whose one sheet holds a number at (row, col), 0-based: BIFF12 records
    BrtRowHdr and BrtCellReal (a type byte, a size byte, the payload) in the sheet data."""

    def rec(rtype: int, data: bytes) -> bytes:
        return bytes([rtype, len(data)]) + data

    sheet = (  # BrtBeginSheetData, BrtRowHdr, BrtCellReal, BrtEndSheetData
        b"\x91\x01\x00"
        + rec(0, struct.pack("<IIH", row, 0, 300) + b"\x00" * 7)
        + rec(5, struct.pack("<I", col) + b"\x00" * 4 + struct.pack("<d", 3.0))
        + b"\x92\x01\x00"
    )
    return write_parts(
        path,
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types/>',
            "xl/workbook.bin": b"\x83\x01\x00\x84\x01\x00",
            "xl/worksheets/sheet1.bin": sheet,
        },
    )


def test_xlsb_sheets_are_sized_before_a_reader_allocates(tmp_path):
    ok = guard.check_file(xlsb_with_a_cell_at(tmp_path / "a.xlsb", 10, 3))
    assert ok.format == "xlsx" and ok.binary
    with pytest.raises(guard.Rejected, match="dòng"):
        guard.check_file(xlsb_with_a_cell_at(tmp_path / "b.xlsb", 900_000, 0))


def test_a_cached_formula_error_in_an_xls_is_a_cell_error(tmp_path):
    # xls BOOLERR records with the error flag: calamine reads them as empty cells
    data = bytearray(xls_bytes([["Đơn vị", "Giấy khen"], ["Gia Lai", True]]))
    at = data.find(struct.pack("<HHHH", 0x0205, 8, 1, 1))  # BOOLERR of row 2, column B
    assert at > 0
    struct.pack_into("<BB", data, at + 10, 0x07, 1)  # #DIV/0!, an error
    p = tmp_path / "e.xls"
    p.write_bytes(bytes(data))
    assert read_workbook(p)[0].rows[1][1] == CellError("#DIV/0!")


def xls_listing_no_sheet(path: Path) -> Path:
    data = bytearray(xls_bytes(awards_wide_rows()))
    at = data.find(struct.pack("<H", 0x0085))
    while at >= 0:
        struct.pack_into("<H", data, at, 0x0123)  # no longer a BOUNDSHEET record
        at = data.find(struct.pack("<H", 0x0085), at + 2)
    path.write_bytes(bytes(data))
    return path


def test_an_xls_that_lists_no_sheet_is_refused_before_a_reader_runs_away(tmp_path, monkeypatch):
    # ExcelDataReader Test_git_issue_382_oom.xls: no BOUNDSHEET; calamine aborted on it.
    # No reader here is given it (LibreOffice may be: tests/test_libreoffice.py)
    p = xls_listing_no_sheet(tmp_path / "no_sheet.xls")
    with pytest.raises(guard.Unreadable, match="không liệt kê trang tính nào"):
        guard.check_file(p)
    monkeypatch.setenv("PATH", str(tmp_path))  # no LibreOffice
    with pytest.raises(ReadError, match="không liệt kê trang tính nào"):
        read_workbook(p)


def test_a_cell_address_is_openpyxl_s_and_none_past_column_zzz():
    from pipeline.ingest.read import _a1

    assert [_a1(0, 0), _a1(6, 1), _a1(0, 26), _a1(99, 16_383)] == ["A1", "B7", "AA1", "XFD100"]
    assert _a1(0, 18_277) == "ZZZ1"
    assert _a1(0, 18_278) is None  # a CSV that wide: the message names the sheet only


# --- serial dates: openpyxl's from_excel, the workbook's date system ----------------------


def test_a_serial_date_counts_from_the_workbooks_own_epoch():
    from pipeline.ingest.recognise.extract import parse_date

    # 43831 days after 1899-12-30 is 2020-01-01; a 1904 workbook counts 1462 days fewer
    assert parse_date(43831) == (date(2020, 1, 1), None)
    assert parse_date(43831 - 1462, epoch1904=True) == (date(2020, 1, 1), None)
    assert parse_date(43831, epoch1904=True) == (date(2024, 1, 2), None)


def test_a_1904_workbook_says_so_in_every_sheet(tmp_path):
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    wb = openpyxl.Workbook()
    wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws.title = "KT"
    ws.append(["Ngày quyết định", 42369])  # a bare serial: 2020-01-01 in the 1904 system
    ws.append(["Ngày", datetime(2020, 5, 17)])  # a formatted date
    wb.save(tmp_path / "mac.xlsx")
    grid = read_workbook(tmp_path / "mac.xlsx")[0]
    assert grid.epoch1904
    assert grid.rows[1][1] == date(2020, 5, 17)  # calamine counts it in 1904 too
    p = small_xlsx(tmp_path / "win.xlsx")
    assert not read_workbook(p)[0].epoch1904


def xls_dates(dates, epoch1904: bool = False) -> bytes:
    import xlwt

    wb = xlwt.Workbook()
    wb.dates_1904 = epoch1904
    ws = wb.add_sheet("KT")
    style = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    for r, d in enumerate(dates):
        ws.write(r, 0, d, style)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.parametrize("epoch1904", [False, True])
def test_the_second_xls_reader_gives_dates_not_serials(epoch1904):
    # the 1900 system's leap-year bug: serial 60 is a 29 February 1900 that never was, so
    # the days either side of it must come out as 28 February and 1 March
    from pipeline.ingest.read import _read_xlrd

    days = [datetime(1900, 2, 28), datetime(1900, 3, 1), datetime(2020, 1, 1)]
    if epoch1904:
        days = days[2:]
    grid = _read_xlrd(xls_dates(days, epoch1904))[0]
    assert [row[0] for row in grid.rows] == days
    assert grid.epoch1904 is epoch1904


# --- the sheet scanner: expat, streaming, no DTD -----------------------------------------


def test_a_sheet_that_is_not_well_formed_xml_is_refused_by_the_guard_naming_the_part(tmp_path):
    p = xlsx_from_sheet_xml(tmp_path / "broken.xlsx", '<row r="1"><c r="A1"><v>1</v></row>')
    with pytest.raises(guard.Rejected) as err:
        guard.check_file(p)
    assert str(err.value).startswith(
        "Không đọc được tệp Excel (.xlsx): tệp hỏng — phần «xl/worksheets/sheet1.xml» không "
        "phải XML hợp lệ (dòng "
    )


def test_the_sheet_scanner_counts_what_the_cells_hold(tmp_path):
    xml = (
        '<row r="2" hidden="1"><c r="B2" t="e"><v>#DIV/0!</v></c><c r="C2"><f>A1</f></c></row>'
        '<row r="5"><c r="D5"><v> </v></c><c t="inlineStr"><is><t>x</t></is></c>'
        '<c r="G5" s="0"/></row>'
    )
    p = xlsx_from_sheet_xml(tmp_path / "cells.xlsx", xml)
    cells = guard.check_file(p).sheets["KT"]
    assert cells.hidden_rows == {1}
    assert cells.errors == {(1, 1): "#DIV/0!"}
    assert cells.formula_no_value == {(1, 2)}


def test_hidden_rows_past_the_row_limit_are_not_kept(tmp_path, monkeypatch):
    # empty hidden rows cost the guard a set entry each (a part of millions: hundreds of
    # MB); past the row limit no row can hold a figure (a cell there refuses the file)
    monkeypatch.setenv("THIDUA_MAX_ROWS", "50")
    xml = '<row r="2" hidden="1"><c r="A2"><v>1</v></c></row>' + "".join(
        f'<row r="{r}" hidden="1"/>' for r in range(40, 2000)
    )
    cells = guard.check_file(xlsx_from_sheet_xml(tmp_path / "h.xlsx", xml)).sheets["KT"]
    assert cells.hidden_rows == {1} | set(range(39, 50))


def test_a_date_formatted_number_no_calendar_holds_stays_a_number_in_xlrd(tmp_path):
    # ExcelDataReader Test_git_issue_14_InvalidOADate: 10¹² in a date-formatted cell; xlrd
    # (a sparse or damaged .xls) gave no date, and the cell was loaded empty
    import xlwt

    from pipeline.ingest.read import _read_xlrd

    wb = xlwt.Workbook()
    ws = wb.add_sheet("KT")
    dated = xlwt.easyxf(num_format_str="dd/mm/yyyy")
    ws.write(0, 0, 10**12, dated)
    ws.write(0, 1, 44927, dated)
    out = io.BytesIO()
    wb.save(out)
    (grid,) = _read_xlrd(out.getvalue())
    assert grid.rows[0] == [10**12, datetime(2023, 1, 1)]
