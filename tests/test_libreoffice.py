"""LibreOffice, the last reader (issue 12): what the readers here refuse as damaged or as a
format they do not read (.fods, .numbers, an .xls calamine panics on, a ZIP whose
directory is gone) is converted by a real `soffice --headless` and read; what is refused on purpose
(an empty file, a real password, hostile content) never goes to it.  The peer files these
reproduce were found by `python -m bench.sweep --libreoffice`.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import struct
import tempfile
import time
from xml.sax.saxutils import escape

import pytest
from conftest import AWARDS_WIDE_MERGES as MERGES
from conftest import FIXTURES, awards_wide_rows, build, query, write_xlsx
from test_readers import write_parts, zip_parts

from pipeline.ingest import guard
from pipeline.ingest.read import ReadError, read_workbook

pytestmark = pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (make system) is not installed"
)

FODS_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2" '
    'office:mimetype="application/vnd.oasis.opendocument.spreadsheet">'
    "<office:body><office:spreadsheet>"
)
FODS_TAIL = "</office:spreadsheet></office:body></office:document>"


def fods(rows, sheet: str = "Khen thưởng") -> str:
    """A flat ODF spreadsheet (one XML file, what LibreOffice saves as .fods) of `rows`."""

    def cell(v) -> str:
        if v is None:
            return "<table:table-cell/>"
        if isinstance(v, (int, float)):
            return (
                f'<table:table-cell office:value-type="float" office:value="{v}">'
                f"<text:p>{v}</text:p></table:table-cell>"
            )
        return (
            f'<table:table-cell office:value-type="string"><text:p>{escape(v)}</text:p>'
            "</table:table-cell>"
        )

    body = "".join(
        "<table:table-row>" + ("".join(map(cell, row)) or cell(None)) + "</table:table-row>"
        for row in rows
    )
    return FODS_HEAD + f'<table:table table:name="{sheet}">{body}</table:table>' + FODS_TAIL


def without_central_directory(data: bytes) -> bytes:
    """A ZIP cut before its central directory (a download that stopped near the end): the
    entries are all there, the directory that lists them is gone."""
    end = data.rindex(b"PK\x05\x06")
    (start,) = struct.unpack("<I", data[end + 16 : end + 20])
    return data[:start]


def values(grids) -> list:
    return [v for g in grids for row in g.rows for v in row if v is not None]


@pytest.fixture
def no_soffice(monkeypatch, tmp_path):
    """A PATH on which LibreOffice is not found (the machine without it)."""
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert shutil.which("soffice") is None and shutil.which("libreoffice") is None


# --- read through LibreOffice -----------------------------------------------------------------


def test_a_flat_ods_is_read_through_libreoffice_and_says_so(tmp_path):
    # SheetJS LO7322.fods, crlf.fods: refused before as an unsupported format
    p = tmp_path / "khen_thuong.fods"
    p.write_text(fods(awards_wide_rows()), encoding="utf-8")
    grids = read_workbook(p)
    assert grids[0].name == "Khen thưởng"
    got = values(grids)
    assert "Đơn vị" in got and "VKSND tỉnh Gia Lai" in got and "Bằng khen Thủ tướng" in got
    assert 5 in got and 7 in got
    assert "Đọc qua LibreOffice" in grids.note
    assert "OpenDocument dạng phẳng (.fods)" in grids.note


def test_an_xlsx_with_a_whole_column_merge_no_reader_here_reads_is_read(tmp_path):
    # PhpSpreadsheet issue.2501.b.xlsx: <mergeCell ref="A:A"/>, calamine and openpyxl refuse
    p = write_xlsx(tmp_path / "a.xlsx", {"KT": awards_wide_rows()}, merges={"KT": MERGES})
    parts = zip_parts(p)
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(
        '<mergeCell ref="A6:A7"/>', '<mergeCell ref="A6:A7"/><mergeCell ref="H:H"/>'
    ).encode()
    grids = read_workbook(write_parts(tmp_path / "cot.xlsx", parts))
    assert grids[0].rows[7][:3] == [1, "VKSND tỉnh Gia Lai", 1]
    assert (5, 2, 5, 3) in grids[0].merged  # the header's merges, as LibreOffice wrote them
    assert "tệp hỏng" in grids.note


@pytest.mark.parametrize("name", ["cut.xlsx", "cut.xls"])
def test_a_file_cut_short_stays_refused_and_never_goes_to_libreoffice(tmp_path, name, no_soffice):
    # a download that stopped half-way: the rows past the cut are lost.  (Headless
    # LibreOffice repairs no ZIP, it would ask first; a cut .xls it reads in part.)
    if name.endswith(".xlsx"):
        good = write_xlsx(tmp_path / "a.xlsx", {"KT": awards_wide_rows()}).read_bytes()
        data = without_central_directory(good)
    else:
        good = (FIXTURES / "lo_awards_wide.xls").read_bytes()
        data = good[: len(good) // 2]
    p = tmp_path / name
    p.write_bytes(data)
    with pytest.raises(ReadError, match="bị cắt cụt") as err:
        read_workbook(p)
    assert "LibreOffice cũng" not in str(err.value) and "apt-get" not in str(err.value)


def test_a_file_that_panics_a_reader_is_read_by_libreoffice_printing_nothing(tmp_path, capfd):
    # ExcelDataReader Test_git_issue_467_empty_continue_leftoverbytes.xls: calamine panics,
    # xlrd refuses; LibreOffice reads it, and what it prints stays off the terminal
    from test_isolation import panic_xls

    grids = read_workbook(panic_xls(tmp_path / "hong.xls"))
    assert grids[0].rows[0][0] == "a" * 40
    out, err = capfd.readouterr()
    assert out + err == ""


def test_a_file_libreoffice_opens_as_an_empty_sheet_is_not_taken_as_read(tmp_path):
    # ExcelDataReader Test_git_issue_382_oom.xls, POI 61300.xls: no BOUNDSHEET record;
    # LibreOffice opens them as one empty sheet
    from test_readers import xls_listing_no_sheet

    with pytest.raises(ReadError) as err:
        read_workbook(xls_listing_no_sheet(tmp_path / "no_sheet.xls"))
    message = str(err.value)
    assert "không liệt kê trang tính nào" in message
    assert message.endswith("LibreOffice mở được tệp nhưng không thấy số liệu nào.")


def test_an_encrypted_file_libreoffice_opens_empty_without_a_password_is_not_called_protected(
    tmp_path,
):
    # POI clusterfuzz …4651309315719168.xls: a FILEPASS record msoffcrypto cannot decrypt;
    # LibreOffice opens it without asking for a password, and finds nothing in it
    with pytest.raises(ReadError) as err:
        read_workbook(FIXTURES / "poi_fuzz_encrypted_empty.xls")
    message = str(err.value)
    assert "bảo vệ bằng mật khẩu" not in message and "Hãy gỡ mật khẩu" not in message
    assert message == (
        "Không đọc được tệp: tệp được mã hóa theo cách chương trình không tự giải được; "
        "LibreOffice mở được tệp mà không cần mật khẩu nhưng không thấy số liệu nào (tệp "
        "hỏng). Hãy mở tệp bằng Excel hoặc LibreOffice, kiểm tra rồi lưu lại và gửi lại."
    )


def test_a_build_records_files_read_through_libreoffice_with_their_original_hash(raw, wh):
    # two workers converting at once, each with a profile of its own
    data = fods(awards_wide_rows()).encode()
    (raw / "gia_lai_khen_thuong_2022.fods").write_bytes(data)
    from test_isolation import panic_xls

    panic_xls(raw / "hong.xls")
    shutil.copy(FIXTURES / "mat_khau.xlsx", raw / "mat_khau.xlsx")
    build(raw, wh, jobs=2)
    loads = {
        r[0]: r[1:] for r in query(wh, "SELECT source_file, sha256, status, message FROM loads")
    }
    sha, status, message = loads["gia_lai_khen_thuong_2022.fods"]
    assert sha == hashlib.sha256(data).hexdigest()
    assert status == "loaded"
    assert message.startswith("Đọc qua LibreOffice: tệp bảng tính OpenDocument dạng phẳng")
    units = {u for (u,) in query(wh, "SELECT DISTINCT unit_id FROM awards")}
    assert {"gia_lai", "kon_tum", "dak_lak"} <= units
    # read, but no table of a known kind in it: rejected as such, and saying how it was read
    _, status, message = loads["hong.xls"]
    assert status == "rejected" and "Đọc qua LibreOffice" in message
    assert loads["mat_khau.xlsx"][1:] == ("rejected", guard.encrypted_message())


# --- never to LibreOffice -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["mat_khau.xlsx", "mat_khau.xls", "mat_khau.ods"])
def test_a_real_password_stays_refused_and_never_goes_to_libreoffice(tmp_path, name, no_soffice):
    p = tmp_path / name
    shutil.copy(FIXTURES / name, p)
    with pytest.raises(ReadError) as err:
        read_workbook(p)
    assert str(err.value) == guard.encrypted_message()  # no sentence about LibreOffice


@pytest.mark.parametrize("name", ["rong.fods", "rong.numbers", "rong.xlsx", "rong.xlsb"])
def test_an_empty_file_never_goes_to_libreoffice(tmp_path, name, no_soffice):
    p = tmp_path / name
    p.write_bytes(b"")
    with pytest.raises(ReadError) as err:
        read_workbook(p, data=b"")
    assert "tệp rỗng" in str(err.value)
    assert "LibreOffice" not in str(err.value)


def test_a_flat_ods_declaring_entities_is_refused_before_libreoffice(tmp_path, no_soffice):
    bomb = fods([["&a;"]]).replace(
        "<office:document ",
        '<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><office:document ',
    )
    p = tmp_path / "bom.fods"
    p.write_text(bomb, encoding="utf-8")
    with pytest.raises(ReadError, match="DOCTYPE/ENTITY") as err:
        read_workbook(p)
    assert "apt-get" not in str(err.value)


def test_a_limit_of_the_guard_is_never_passed_to_libreoffice(tmp_path, no_soffice, monkeypatch):
    monkeypatch.setenv("THIDUA_MAX_ROWS", "5")
    p = write_xlsx(tmp_path / "dai.xlsx", {"KT": awards_wide_rows()})
    with pytest.raises(ReadError, match="vượt giới hạn") as err:
        read_workbook(p)
    assert "LibreOffice" not in str(err.value)


# --- without LibreOffice ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["khen_thuong.fods", "hong.xls"])
def test_without_libreoffice_the_refusal_says_it_could_read_the_file(tmp_path, name, no_soffice):
    from test_isolation import panic_xls

    p = tmp_path / name
    if name.endswith(".fods"):
        p.write_text(fods(awards_wide_rows()), encoding="utf-8")
    else:
        panic_xls(p)
    with pytest.raises(ReadError) as err:
        read_workbook(p)
    message = str(err.value)
    assert message.startswith("Không đọc được tệp") or message.startswith("Định dạng tệp")
    assert message.endswith(
        "Nếu máy chạy chương trình có cài LibreOffice (sudo apt-get install libreoffice-calc), "
        "tệp này có thể được đọc qua LibreOffice."
    )


def test_a_file_libreoffice_cannot_read_either_is_refused_in_vietnamese(tmp_path):
    p = tmp_path / "hong.numbers"
    p.write_bytes(b"PK\x03\x04 not a numbers file at all")
    with pytest.raises(ReadError) as err:
        read_workbook(p)
    message = str(err.value)
    assert "Apple Numbers" in message and message.endswith("LibreOffice cũng không đọc được tệp.")


def test_a_conversion_past_its_time_is_ended_with_its_whole_process_group(tmp_path, monkeypatch):
    from pipeline.ingest import convert

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # its scratch folder in here
    started = time.monotonic()
    with pytest.raises(convert.Failed, match="sau 0,3 giây"):
        convert.to_xlsx(fods(awards_wide_rows()).encode(), ".fods", seconds=0.3)
    # ended then, not when LibreOffice would have finished (it takes 1,5 s at least)
    assert time.monotonic() - started < 1.2
    time.sleep(0.5)
    left = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                if str(tmp_path).encode() in fh.read():
                    left.append(pid)
        except OSError:
            pass
    assert left == []  # soffice and its soffice.bin, killed as one group
    assert list(tmp_path.glob("thidua-lo-*")) == []  # and its scratch folder removed
