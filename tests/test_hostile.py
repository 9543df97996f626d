"""Hostile and broken files: each is rejected with a Vietnamese message (file-level, in
`rejections`) and the rest of the batch loads; nothing crashes, hangs or eats the memory.

Every file here is made in the test (or is a committed fixture saved by LibreOffice), the
way a careless or hostile sender would make it.
"""

from __future__ import annotations

import io
import os
import shutil
import struct
import subprocess
import sys
import unicodedata
import zipfile
import zlib
from pathlib import Path

import pytest
import xlwt
from conftest import FIXTURES, awards_wide_rows, build, query, write_xlsx

from pipeline.build import check
from pipeline.ingest.legacy import _legacy_tables, decode_legacy, detect_legacy

MiB = 1 << 20
GOOD_FACTS = [(15, 29)]  # awards_wide_rows(): 15 facts, 29 awards in all


# --- how the files are made -------------------------------------------------------------


def good_xlsx(path: Path) -> Path:
    return write_xlsx(path, {"KT": awards_wide_rows()})


def rezip(src: Path, dst: Path, replace=None, add=None) -> Path:
    """Copy the ZIP `src` to `dst`, replacing or adding parts (deflated)."""
    replace, add = replace or {}, add or {}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, replace.get(info.filename, zin.read(info)))
        for name, data in add.items():
            zout.writestr(name, data)
    return dst


def raw_zip(path: Path, entries) -> Path:
    """Write a ZIP by hand: entries are (name, deflated data, crc, declared size).  Lets a
    test build what zipfile refuses to write: gigabyte bombs and lying central directories."""
    out = io.BytesIO()
    central = []
    for name, data, crc, size in entries:
        offset = out.tell()
        n = name.encode()
        out.write(
            struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(data), size, len(n), 0)
            + n
        )
        out.write(data)
        central.append(
            struct.pack(
                "<4s6H3L5H2L",
                b"PK\x01\x02",
                20,
                20,
                0,
                8,
                0,
                0,
                crc,
                len(data),
                size,
                len(n),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + n
        )
    start = out.tell()
    for entry in central:
        out.write(entry)
    out.write(
        struct.pack(
            "<4s4H2LH",
            b"PK\x05\x06",
            0,
            0,
            len(central),
            len(central),
            out.tell() - start,
            start,
            0,
        )
    )
    path.write_bytes(out.getvalue())
    return path


def deflated(data: bytes) -> tuple[bytes, int, int]:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush(), zlib.crc32(data), len(data)


def deflated_spaces(mib: int, head: bytes, tail: bytes) -> tuple[bytes, int, int]:
    """head + `mib` MiB of spaces + tail, deflated (about 1 KB per MiB), with its true CRC."""
    spaces = b" " * MiB
    first = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = zlib.compressobj(9, zlib.DEFLATED, -15)
    last = zlib.compressobj(9, zlib.DEFLATED, -15)
    one = block.compress(spaces) + block.flush(zlib.Z_FULL_FLUSH)
    data = (
        first.compress(head)
        + first.flush(zlib.Z_FULL_FLUSH)
        + one * mib
        + last.compress(tail)
        + last.flush()
    )
    crc = zlib.crc32(head)
    for _ in range(mib):
        crc = zlib.crc32(spaces, crc)
    return data, zlib.crc32(tail, crc), len(head) + mib * MiB + len(tail)


SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
    b'openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = b"</sheetData></worksheet>"


def xlsx_parts(path: Path) -> list[tuple[str, bytes, int, int]]:
    """The parts of a good workbook, deflated, ready for raw_zip."""
    with zipfile.ZipFile(good_xlsx(path)) as zf:
        return [(i.filename, *deflated(zf.read(i))) for i in zf.infolist()]


def bomb(path: Path, mib: int, lie: bool = False) -> Path:
    parts = xlsx_parts(path)
    data, crc, size = deflated_spaces(mib, SHEET_HEAD, SHEET_TAIL)
    if lie:  # the central directory says 10 KB, and a CRC that a 10 KB prefix matches
        size = 10_000
        crc = zlib.crc32((SHEET_HEAD + b" " * size)[:size])
    parts = [p if p[0] != "xl/worksheets/sheet1.xml" else (p[0], data, crc, size) for p in parts]
    return raw_zip(path, parts)


def million_rows_xlsx(path: Path, rows: int = 1_000_000) -> Path:
    """A real workbook (openpyxl) whose sheet is replaced by `rows` rows, written as a
    stream: what an export from a case-management system looks like."""
    good = good_xlsx(path.with_name("base_" + path.name))
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                zout.writestr(info.filename, zin.read(info))
        with zout.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(SHEET_HEAD)
            fh.write(
                b'<row r="1"><c r="A1" t="inlineStr"><is><t>STT</t></is></c>'
                b'<c r="B1" t="inlineStr"><is><t>Don vi</t></is></c></row>'
            )
            batch = []
            for r in range(2, rows + 1):
                batch.append(
                    b'<row r="%d"><c r="A%d"><v>%d</v></c><c r="C%d"><v>1</v></c></row>'
                    % (r, r, r, r)
                )
                if len(batch) == 20_000:
                    fh.write(b"".join(batch))
                    batch = []
            fh.write(b"".join(batch) + SHEET_TAIL)
    good.unlink()
    return path


BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b']>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
    b"</sheetData></worksheet>"
)
XXE = (
    b'<?xml version="1.0"?>\n<!DOCTYPE wb [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">&xxe;'
    b"</workbook>"
)


def legacy(text: str, encoding: str) -> str:
    """Unicode → the same text typed in a legacy font, as Excel stores it.  TCVN3 as typed
    with .VnTime (small letters and the plain capitals Ă Â Ê Ô Ơ Ư Đ) and .VnTimeH (other
    capitals written with the small letters' codes)."""
    back = {u: k for k, u in _legacy_tables()[encoding].items() if len(u) == 1}
    if encoding == "TCVN3":
        back = {u: k for u, k in back.items() if u.islower() or u in "ĂÂÊÔƠƯĐ"}
    return "".join(
        back.get(ch, back.get(ch.lower(), ch)) for ch in unicodedata.normalize("NFC", text)
    )


def legacy_rows(encoding: str):
    rows = awards_wide_rows()
    return [[legacy(v, encoding) if isinstance(v, str) else v for v in row] for row in rows]


def xls_with_far_cell(path: Path) -> Path:
    book = xlwt.Workbook()
    sheet = book.add_sheet("KT")
    sheet.write(0, 0, "STT")
    sheet.write(65535, 255, 1)
    book.save(str(path))
    return path


def ods_repeated(path: Path, rows: int) -> Path:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="KT">'
        f'<table:table-row table:number-rows-repeated="{rows}">'
        '<table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p>'
        "</table:table-cell></table:table-row></table:table></office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    return write_ods(path, content)


def write_ods(path: Path, content) -> Path:
    """An .ods of its mimetype and the given content.xml (str or bytes), nothing else."""
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(
            "mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED
        )
        zf.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path


def ods_formula_columns(path: Path) -> Path:
    """One formula cell without a value, repeated across a billion columns."""
    ods_repeated(path, 1)
    with zipfile.ZipFile(path) as zf:
        content = zf.read("content.xml").replace(
            b'<table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p>'
            b"</table:table-cell>",
            b'<table:table-cell table:formula="of:=1+1" '
            b'table:number-columns-repeated="1000000000"/>',
        )
    return write_ods(path, content)


def many_wide_sheets(path: Path) -> Path:
    """Three sheets, each a value in A1 and one at row 1 900, column 1 000: tiny on disk,
    5,7 million cells to a reader (each sheet within its own limit, the file not)."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for i in range(3):
        ws = book.create_sheet(f"T{i + 1}")
        ws.cell(1, 1, 1)
        ws.cell(1900, 1000, 1)
    book.save(path)
    return path


def docx(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    return path


def many_entries(path: Path, n: int) -> Path:
    base = good_xlsx(path.with_name("base_" + path.name))
    with zipfile.ZipFile(base) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info))
        for i in range(n):
            zout.writestr(f"customXml/item{i}.xml", "")
    base.unlink()
    return path


def deflate64(path: Path) -> Path:
    """A part whose compression method is deflate64 (9): no spreadsheet program writes it."""
    data = bytearray(good_xlsx(path).read_bytes())
    end = data.rfind(b"PK\x05\x06")
    count, _, start = struct.unpack_from("<H2L", data, end + 10)
    pos = start
    for _ in range(count):  # the central directory, entry by entry
        name_len, extra_len, comment_len = struct.unpack_from("<3H", data, pos + 28)
        if data[pos + 46 : pos + 46 + name_len] == b"xl/worksheets/sheet1.xml":
            struct.pack_into("<H", data, pos + 10, 9)
            local = struct.unpack_from("<L", data, pos + 42)[0]
            struct.pack_into("<H", data, local + 8, 9)
        pos += 46 + name_len + extra_len + comment_len
    path.write_bytes(bytes(data))
    return path


def corrupt_middle(path: Path) -> Path:
    data = bytearray(good_xlsx(path).read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + 20
    data[start : start + 40] = bytes((b * 7 + 13) % 256 for b in data[start : start + 40])
    path.write_bytes(bytes(data))
    return path


def truncate(src: Path, dst: Path, keep: float = 0.5) -> Path:
    data = src.read_bytes()
    dst.write_bytes(data[: int(len(data) * keep)])
    return dst


def copy(src: Path, dst: Path) -> Path:
    shutil.copyfile(src, dst)
    return dst


# --- the catalogue: (file name, how to make it, what the message must say) ---------------

ENCRYPTED = (
    "Không đọc được tệp: tệp được bảo vệ bằng mật khẩu (mã hóa) nên không đọc được số "
    "liệu. Hãy gỡ mật khẩu (Excel: Tệp → Thông tin → Bảo vệ sổ làm việc → Mã hóa bằng "
    "mật khẩu, xóa mật khẩu rồi lưu) và gửi lại."
)
CORRUPT_XLSX = (
    "Không đọc được tệp .xlsx: tệp bị hỏng hoặc bị cắt cụt (cấu trúc nén ZIP không "
    "đọc được — thường do tải về hoặc chép chưa xong). Hãy mở tệp bằng Excel hoặc "
    "LibreOffice, kiểm tra rồi lưu lại và gửi lại."
)
FORMATS = "Hãy gửi bảng tính Excel (.xlsx, .xls), LibreOffice (.ods) hoặc CSV."
DOCTYPE = (
    "có khai báo DOCTYPE/ENTITY. Bảng tính do Excel hay LibreOffice lưu không bao giờ có "
    "khai báo này; tệp có thể độc hại (tấn công mở rộng thực thể XML) nên không được đọc."
)


def _xlsb(p: Path) -> Path:
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("xl/workbook.bin", b"\x83\x01")
    return p


def _is(text):
    return lambda msg: msg == text


def _has(*parts):
    return lambda msg: all(p in msg for p in parts)


HOSTILE = {
    "cat_cut_2022.xlsx": (
        lambda p: truncate(good_xlsx(p.with_name("g.xlsx")), p),
        _is(CORRUPT_XLSX),
    ),
    "cat_cut_2022.xls": (
        lambda p: truncate(FIXTURES / "lo_awards_wide.xls", p),
        _has("Không đọc được tệp .xls: tệp Excel 97-2003 bị hỏng hoặc bị cắt cụt"),
    ),
    "cat_cut_2022.ods": (
        lambda p: truncate(FIXTURES / "lo_awards_wide.ods", p, 0.8),
        _has("Không đọc được tệp .ods: tệp bị hỏng hoặc bị cắt cụt"),
    ),
    "hong_giua_2022.xlsx": (corrupt_middle, _is(CORRUPT_XLSX)),
    "bom_2GB_2022.xlsx": (
        lambda p: bomb(p, 2048),
        _is(
            "Không đọc được tệp: khi giải nén, tệp chiếm 2.048,0 MB, vượt giới hạn 256 MB (tệp có "
            "thể là «bom nén» độc hại)."
        ),
    ),
    "bom_ty_le_2022.xlsx": (
        lambda p: bomb(p, 200),
        _has(
            "Không đọc được tệp: phần «xl/worksheets/sheet1.xml» nén với tỷ lệ 1.0",
            ":1, vượt giới hạn 100:1 (tệp có thể là «bom nén» độc hại).",
        ),
    ),
    "bom_khai_gian_2022.xlsx": (
        lambda p: bomb(p, 200, lie=True),
        _is(
            "Không đọc được tệp: phần «xl/worksheets/sheet1.xml» giải nén ra nhiều hơn cỡ ghi "
            "trong tệp (0,0 MB): tệp bị sửa để đánh lừa trình đọc («bom nén» độc hại) hoặc bị "
            "hỏng."
        ),
    ),
    "nhieu_phan_2022.xlsx": (
        lambda p: many_entries(p, 10_001),
        _is(
            "Không đọc được tệp: tệp nén chứa 10.010 thành phần, vượt giới hạn 10.000 (tệp có thể "
            "là «bom nén» độc hại)."
        ),
    ),
    "deflate64_2022.xlsx": (
        deflate64,
        _has(
            "phần «xl/worksheets/sheet1.xml» dùng kiểu nén số 9, không phải kiểu Excel hay "
            "LibreOffice dùng"
        ),
    ),
    "billion_laughs_2022.xlsx": (
        lambda p: rezip(
            good_xlsx(p.with_name("g.xlsx")), p, {"xl/worksheets/sheet1.xml": BILLION_LAUGHS}
        ),
        _is("Không đọc được tệp: phần «xl/worksheets/sheet1.xml» " + DOCTYPE),
    ),
    "xxe_2022.xlsx": (
        lambda p: rezip(good_xlsx(p.with_name("g.xlsx")), p, {"xl/workbook.xml": XXE}),
        _is("Không đọc được tệp: phần «xl/workbook.xml» " + DOCTYPE),
    ),
    "utf16_doctype_2022.xlsx": (
        lambda p: rezip(
            good_xlsx(p.with_name("g.xlsx")),
            p,
            {
                "xl/styles.xml": '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE s '
                '[<!ENTITY a "aaaaaaaaaa">]><styleSheet/>'.encode("utf-16")
            },
        ),
        _is("Không đọc được tệp: phần «xl/styles.xml» " + DOCTYPE),
    ),
    "mat_khau_2022.xlsx": (lambda p: copy(FIXTURES / "mat_khau.xlsx", p), _is(ENCRYPTED)),
    "mat_khau_2022.xls": (lambda p: copy(FIXTURES / "mat_khau.xls", p), _is(ENCRYPTED)),
    "mat_khau_2022.ods": (lambda p: copy(FIXTURES / "mat_khau.ods", p), _is(ENCRYPTED)),
    "rong_2022.xlsx": (
        lambda p: p.write_bytes(b"") and p,
        _is("Không đọc được tệp: tệp rỗng (0 byte). Hãy gửi lại tệp có số liệu."),
    ),
    "rong_2022.xls": (lambda p: p.write_bytes(b"") and p, _has("tệp rỗng (0 byte)")),
    "rong_2022.csv": (lambda p: p.write_bytes(b"") and p, _has("tệp rỗng (0 byte)")),
    "trang_trong_2022.xlsx": (
        lambda p: write_xlsx(p, {"Sheet1": [], "Trang 2": []}),
        _is(
            "Không tìm thấy bảng số liệu nào trong tệp: không trang tính nào có tiêu đề cột của "
            "một loại bảng đã biết (kết quả chỉ tiêu, chấm điểm, khen thưởng, danh sách khen "
            "thưởng, sáng kiến, cụm thi đua). Xem mẫu bằng lệnh «thidua template»."
        ),
    ),
    "trieu_dong_2022.xlsx": (
        million_rows_xlsx,
        _is(
            "Không đọc được tệp: trang «KT» có số liệu đến dòng 100.001, vượt giới hạn 100.000 "
            "dòng một trang. Hãy xóa các dòng thừa hoặc tách số liệu thành nhiều tệp nhỏ hơn."
        ),
    ),
    "trieu_dong_2022.csv": (
        # past Excel's 1 048 576 rows (a CSV's own limit: its cells are bounded apart)
        lambda p: p.write_bytes(b"STT,Don vi,Giay khen\n" + b"1\n" * 1_100_000) and p,
        _is(
            "Không đọc được tệp: trang «trieu_dong_2022» có hơn 1.048.576 dòng, vượt giới hạn "
            "1.048.576 dòng một trang. Hãy xóa các dòng thừa hoặc tách số liệu thành nhiều tệp "
            "nhỏ hơn."
        ),
    ),
    "o_xa_2022.xlsx": (
        lambda p: rezip(
            good_xlsx(p.with_name("g.xlsx")),
            p,
            {
                "xl/worksheets/sheet1.xml": SHEET_HEAD + b'<row r="1"><c r="A1"><v>1</v></c></row>'
                b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>' + SHEET_TAIL
            },
        ),
        _has("trang «KT» có số liệu đến dòng 1.048.576, vượt giới hạn 100.000"),
    ),
    "o_xa_ngang_2022.xlsx": (
        lambda p: rezip(
            good_xlsx(p.with_name("g.xlsx")),
            p,
            {
                "xl/worksheets/sheet1.xml": SHEET_HEAD + b'<row r="1"><c r="A1"><v>1</v></c></row>'
                b'<row r="200"><c r="XFD200"><v>1</v></c></row>' + SHEET_TAIL
            },
        ),
        _is(
            "Không đọc được tệp: vùng số liệu của trang «KT» rộng 200 dòng × 16.384 cột (từ ô "
            "A1 đến ít nhất ô XFD200; phím Ctrl+End trong Excel đưa tới ô cuối cùng có dữ liệu), "
            "vượt giới hạn 2.000.000 ô một trang. Hãy xóa các ô thừa ở xa bảng số liệu hoặc tách "
            "số liệu thành nhiều tệp."
        ),
    ),
    "lap_dong_2022.ods": (
        lambda p: ods_repeated(p, 1_000_000),
        _has("trang «KT» có số liệu đến dòng 1.000.000, vượt giới hạn 100.000"),
    ),
    "cong_thuc_lap_2022.ods": (
        ods_formula_columns,
        _is(
            "Không đọc được tệp: vùng số liệu của trang «KT» rộng 1 dòng × 1.000.000.000 cột, vượt "
            "giới hạn 2.000.000 ô một trang. Hãy xóa các ô thừa ở xa bảng số liệu hoặc tách số "
            "liệu thành nhiều tệp."
        ),
    ),
    "nhieu_trang_2022.xlsx": (
        many_wide_sheets,
        _is(
            "Không đọc được tệp: các trang tính cộng lại có vùng số liệu hơn 5.000.000 ô, vượt giới "
            "hạn cho một tệp. Hãy xóa các trang hoặc ô thừa, hoặc tách số liệu thành nhiều tệp."
        ),
    ),
    "chuoi_dai_2022.xlsx": (  # one inline string of 5 MB: no Excel cell holds that
        lambda p: rezip(
            good_xlsx(p.with_name("g.xlsx")),
            p,
            {
                "xl/worksheets/sheet1.xml": SHEET_HEAD + b'<row r="1"><c r="A1" t="inlineStr"><is>'
                b"<t>"
                + os.urandom(5 * MiB // 2).hex().encode()
                + b"</t></is></c></row>"
                + SHEET_TAIL
            },
        ),
        _is(
            "Không đọc được tệp: phần «xl/worksheets/sheet1.xml» có một đoạn chữ dài hơn 4 MB "
            "(một ô Excel chứa tối đa 32.767 ký tự): tệp hỏng hoặc độc hại."
        ),
    ),
    "gop_o_2022.xlsx": (
        lambda p: rezip(
            good_xlsx(p.with_name("g.xlsx")),
            p,
            {
                "xl/worksheets/sheet1.xml": SHEET_HEAD + b'<row r="1"><c r="A1"><v>1</v></c></row>'
                b'</sheetData><mergeCells count="100001">'
                + b"".join(b'<mergeCell ref="A%d:B%d"/>' % (i, i) for i in range(2, 100_003))
                + b"</mergeCells></worksheet>"
            },
        ),
        _is(
            "Không đọc được tệp: trang «KT» có hơn 100.000 vùng ô gộp, vượt giới hạn (tệp hỏng "
            "hoặc độc hại). Hãy bỏ gộp ô ở vùng thừa."
        ),
    ),
    "bao_cao_2022.xlsx": (
        lambda p: p.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj") and p,
        _is("Không đọc được tệp: tệp mang đuôi «.xlsx» nhưng thực chất là tệp PDF. " + FORMATS),
    ),
    "anh_2022.xls": (
        lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100)) and p,
        _has("thực chất là một tệp ảnh"),
    ),
    "web_2022.xls": (
        lambda p: (
            p.write_text(
                "<html><body><table><tr><td>STT</td></tr></table></body></html>", encoding="utf-8"
            )
            and p
        ),
        _has("thực chất là một trang web (HTML)"),
    ),
    "xml2003_2022.xls": (
        lambda p: (
            p.write_text(
                '<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-'
                'com:office:spreadsheet"></Workbook>',
                encoding="utf-8",
            )
            and p
        ),
        _has("thực chất là bảng tính XML 2003 (SpreadsheetML)"),
    ),
    "van_ban_2022.docx.xlsx": (docx, _has("thực chất là văn bản Word")),
    "chuong_trinh_2022.csv": (
        lambda p: p.write_bytes(b"MZ\x90\x00\x03" + bytes(200)) and p,
        _has("thực chất là một chương trình chạy được"),
    ),
    "nhi_phan_2022.csv": (
        lambda p: p.write_bytes(b"STT,\x00\x01\x02" * 50) and p,
        _is(
            "Không đọc được tệp: tệp mang đuôi «.csv» nhưng thực chất là một "
            "tệp nhị phân không rõ loại. " + FORMATS
        ),
    ),
    "nhi_phan_sau_2022.csv": (
        lambda p: p.write_bytes(b"STT,Don vi\n" * 1000 + b"\x00" * 10) and p,
        _is(
            "Không đọc được tệp: tệp mang đuôi «.csv» nhưng chứa dữ liệu nhị phân, không phải "
            "văn bản CSV. " + FORMATS
        ),
    ),
    "chu_2022.xlsx": (
        lambda p: p.write_text("đây không phải bảng tính", encoding="utf-8") and p,
        _has("thực chất là tệp văn bản (CSV hoặc văn bản thường)"),
    ),
    "rac_2022.ods": (
        lambda p: p.write_bytes(bytes(range(256)) * 20) and p,
        _has("thực chất là một tệp nhị phân không rõ loại"),
    ),
    # .xlsb is read since issue 12 (pipeline/ingest/xlsb.py); this one is two bytes of nothing
    "xlsb_2022.xlsx": (
        lambda p: _xlsb(p),
        _has("Không đọc được tệp Excel nhị phân (.xlsb): tệp hỏng"),
    ),
    "tcvn3_2022.xlsx": (
        lambda p: write_xlsx(p, {"KT": legacy_rows("TCVN3")}),
        _has(
            "Không đọc được tệp: chữ trong tệp được gõ bằng bảng mã TCVN3 (ABC, phông .VnTime) cũ, "
            "không phải Unicode — ví dụ «",
            "Hãy chuyển mã sang Unicode (Unikey: Công cụ chuyển mã, "
            "nguồn TCVN3, đích Unicode) rồi gửi lại.",
        ),
    ),
    "vni_2022.xlsx": (
        lambda p: write_xlsx(p, {"KT": legacy_rows("VNI")}),
        _has("bảng mã VNI Windows (phông VNI-Times) cũ", "nguồn VNI, đích Unicode"),
    ),
    "tcvn3_2022.csv": (
        lambda p: (
            p.write_bytes(
                legacy(
                    "STT,Đơn vị,Hình thức khen thưởng,Tập thể,Cá nhân\n"
                    "1,Thừa Thiên Huế,Giấy khen,2,5\n2,Quảng Trị,Bằng khen "
                    "Thủ tướng,1,1\n",
                    "TCVN3",
                ).encode("cp1252")
            )
            and p
        ),
        _has("bảng mã TCVN3 (ABC, phông .VnTime) cũ"),
    ),
    "vni_2022.csv": (
        lambda p: (
            p.write_bytes(
                legacy(
                    "STT,Đơn vị,Hình thức khen thưởng,Tập thể,Cá nhân\n"
                    "1,Thừa Thiên Huế,Giấy khen,2,5\n",
                    "VNI",
                ).encode("cp1252")
            )
            and p
        ),
        _has("bảng mã VNI Windows (phông VNI-Times) cũ"),
    ),
    "o_khong_dong_2022.xlsx": (  # 40 000 cells never closed: a quadratic scan would hang
        lambda p: rezip(
            good_xlsx(p.with_name("g.xlsx")),
            p,
            {
                "xl/worksheets/sheet1.xml": SHEET_HEAD
                + b'<row r="1">'
                + b'<c r="A1"><v>1</v>' * 40_000
                + b"</row>"
                + SHEET_TAIL
            },
        ),
        _has("Không đọc được tệp Excel (.xlsx): tệp hỏng"),  # no library words (issue 12)
    ),
    "the_mo_2022.xlsx": (  # 300 000 cell tags never ended by ">": a scan that looks for the
        # next ">" from each of them is quadratic (it hung the guard once)
        lambda p: rezip(
            good_xlsx(p.with_name("g.xlsx")),
            p,
            {
                "xl/worksheets/sheet1.xml": SHEET_HEAD
                + b'<row r="1">'
                + b"".join(b'<c r="A%d" ' % i for i in range(1, 300_001))
                + b"</row>"
                + SHEET_TAIL
            },
        ),
        _has("Không đọc được tệp Excel (.xlsx): tệp hỏng"),  # no library words (issue 12)
    ),
    "kieu_doi_2022.xlsx": (  # two xl/styles.xml: the first (unread by calamine) has a DOCTYPE
        lambda p: _two_styles(p),
        _has("phần «xl/styles.xml» có khai báo DOCTYPE/ENTITY"),
    ),
    "ngoac_kep_2022.csv": (
        lambda p: p.write_text('STT,Đơn vị\n1,"' + "x" * 200_000 + "\n", encoding="utf-8") and p,
        _has("Không đọc được tệp CSV: có dấu ngoặc kép không đóng"),  # the csv module's
        # English ("field larger than field limit") never reaches the analyst (issue 12)
    ),
}


def _two_styles(path: Path) -> Path:
    good = good_xlsx(path.with_name("g.xlsx"))
    with zipfile.ZipFile(good) as zf:
        styles = zf.read("xl/styles.xml")
    import warnings

    with warnings.catch_warnings():  # zipfile warns of the duplicate name: that is the point
        warnings.simplefilter("ignore", UserWarning)
        return rezip(
            good,
            path,
            {"xl/styles.xml": b'<!DOCTYPE s [<!ENTITY a "b">]>' + styles},
            add={"xl/styles.xml": styles},
        )


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("hostile")
    for name, (make, _) in HOSTILE.items():
        make(d / name)
    for extra in d.glob("g.xlsx"):
        extra.unlink()
    return d


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_each_hostile_file_is_rejected_with_a_vietnamese_message(hostile_dir, name):
    out = check([hostile_dir / name])
    [row] = out.file_rows
    file_level = [r for r in out.rejections if r["sheet"] is None and r["row_no"] is None]
    assert row["status"] == "rejected" and row["rows_loaded"] == 0
    assert len(file_level) == 1, out.rejections
    message = file_level[0]["message"]
    prefix = f"Tệp «{name}»: "
    assert message.startswith(prefix)
    assert HOSTILE[name][1](message[len(prefix) :]), message
    assert file_level[0]["rule"] in ("file_unreadable", "file_no_data")


def test_a_batch_of_hostile_files_loads_the_good_ones(hostile_dir, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(hostile_dir, raw)
    good_xlsx(raw / "tot" / "Báo cáo khen thưởng 2022.xlsx")
    summary = build(raw, tmp_path / "wh" / "thidua.duckdb")
    wh = tmp_path / "wh" / "thidua.duckdb"
    assert summary.files_seen == len(HOSTILE) + 1
    assert sorted(summary.rejected_files) == sorted(HOSTILE)
    assert query(wh, "SELECT count(*), sum(count) FROM awards") == GOOD_FACTS
    assert query(wh, "SELECT DISTINCT source_file FROM awards") == [
        ("tot/Báo cáo khen thưởng 2022.xlsx",)
    ]
    rejected = query(wh, "SELECT source_file FROM rejections WHERE sheet IS NULL ORDER BY 1")
    assert [r for (r,) in rejected] == sorted(HOSTILE)


def test_million_rows_are_refused_in_bounded_memory(hostile_dir, tmp_path):
    """Peak memory of `check` on a million-row sheet (and a million-line CSV) stays within
    64 MB of checking a tiny file: the guard counts rows as a stream and stops at the limit;
    no parser ever sees the sheet."""
    small = good_xlsx(tmp_path / "nho_2022.xlsx")
    probe = (
        "import resource, sys\nfrom pathlib import Path\nfrom pipeline.build import check\n"
        "out = check([Path(p) for p in sys.argv[1:]])\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "
        "sum(r['status'] == 'rejected' for r in out.file_rows))"
    )

    def peak_kb(*paths):
        done = subprocess.run(
            [sys.executable, "-c", probe, *map(str, paths)],
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, "GX_ANALYTICS_ENABLED": "false"},
        )
        assert done.returncode == 0, done.stderr
        kb, rejected = done.stdout.split()
        return int(kb), int(rejected)

    base, base_rejected = peak_kb(small)
    big, big_rejected = peak_kb(
        small,
        hostile_dir / "trieu_dong_2022.xlsx",
        hostile_dir / "trieu_dong_2022.csv",
        hostile_dir / "lap_dong_2022.ods",
    )
    assert (base_rejected, big_rejected) == (0, 3)
    assert big - base < 64 * 1024, (base, big)


def test_renamed_spreadsheets_are_read_as_what_they_are(tmp_path):
    """An .xls saved under .xlsx, an .xlsx under .xls, an .ods under .csv: a careless but
    honest sender; the content decides, and the figures load."""
    files = [
        copy(FIXTURES / "lo_awards_wide.xls", tmp_path / "kt_xls_2022.xlsx"),
        copy(FIXTURES / "lo_awards_wide.xlsx", tmp_path / "kt_xlsx_2022.xls"),
        copy(FIXTURES / "lo_awards_wide.ods", tmp_path / "kt_ods_2022.csv"),
    ]
    out = check(files)
    assert [r["status"] for r in out.file_rows] == ["loaded"] * 3
    per_file = {}
    for fact in out.facts["awards"]:
        per_file[fact["source_file"]] = per_file.get(fact["source_file"], 0) + fact["count"]
    assert len(set(per_file.values())) == 1 and len(per_file) == 3


def test_utf16_csv_from_excel_unicode_text_is_read(tmp_path):
    text = (
        "STT\tĐơn vị\tHình thức khen thưởng\tTập thể\tCá nhân\n1\tThừa Thiên Huế\tGiấy khen\t2\t5\n"
    )
    path = tmp_path / "khen_thuong_nam_2023.csv"
    path.write_bytes(text.encode("utf-16"))
    out = check([path])
    assert not out.rejections
    assert {(f["unit_id"], f["count"]) for f in out.facts["awards"]} == {
        ("thua_thien_hue", 2),
        ("thua_thien_hue", 5),
    }


def test_legacy_text_is_detected_and_the_example_decoded():
    tcvn3 = ["ViÖn kiÓm s¸t nh©n d©n tØnh Gia Lai", "Khen th­ëng n¨m 2022", "Tæng céng"]
    found = detect_legacy(tcvn3)
    assert (found.encoding, found.example, found.decoded) == ("TCVN3", "ViÖn", "Viện")
    assert decode_legacy(tcvn3[0], "TCVN3") == "Viện kiểm sát nhân dân tỉnh Gia Lai"
    vni = ["Vieän kieåm saùt nhaân daân tænh Gia Lai", "Khen thöôûng naêm 2022", "Ñaék Laék"]
    found = detect_legacy(vni)
    assert (found.encoding, found.example, found.decoded) == ("VNI", "Vieän", "Viện")
    assert decode_legacy(" ".join(vni), "VNI") == (
        "Viện kiểm sát nhân dân tỉnh Gia Lai Khen thưởng năm 2022 Đắk Lắk"
    )
    unicode_text = [
        "Viện kiểm sát nhân dân tỉnh Hà Nội",
        "Đắk Lắk",
        "Thanh Hoá",
        "Tổng cộng",
        "Müller",
        "Hélène",
        "«Hà Nội»",
        "TP.HCM",
        "BR-VT",
        "95,5%",
    ]
    assert detect_legacy(unicode_text) is None
    # Windows-1258 bytes read as Windows-1252 are not mistaken for a legacy font either
    from pipeline.core.text import encode_cp1258

    assert (
        detect_legacy([encode_cp1258(" ".join(unicode_text)).decode("cp1252", "replace")]) is None
    )


def test_legacy_message_names_the_sheet_cell_and_decoded_word(hostile_dir):
    for name, label, written in (
        ("tcvn3_2022.xlsx", "TCVN3 (ABC, phông .VnTime)", "VIÖN"),
        ("vni_2022.xlsx", "VNI Windows (phông VNI-Times)", "VIEÄN"),
    ):
        [message] = [r["message"] for r in check([hostile_dir / name]).rejections]
        encoding = name.split("_")[0].upper()
        assert message == (
            f"Tệp «{name}»: Không đọc được tệp: chữ trong tệp được gõ bằng bảng mã {label} cũ, "
            f"không phải Unicode — ví dụ «{written}» (trang «KT», ô A1) đọc đúng là «VIỆN». "
            f"Hãy chuyển mã sang Unicode (Unikey: Công cụ chuyển mã, nguồn {encoding}, đích "
            "Unicode) rồi gửi lại."
        )


def test_formula_without_cached_value_is_reported_in_a_batch(tmp_path):
    raw = tmp_path / "raw"
    write_xlsx(
        raw / "cong_thuc_2022.xlsx",
        {
            "KT": awards_wide_rows(
                units=[[1, "Gia Lai", "=1+1", "=A1*2", 1, 1, 1], [2, "Kon Tum", 1, 1, 1, 1, 1]]
            )
        },
    )
    wh = tmp_path / "wh.duckdb"
    build(raw, wh)
    rej = query(wh, "SELECT row_no, column_name, rule FROM rejections ORDER BY column_name")
    assert rej == [
        (8, "C (Bằng khen Thủ tướng - Tập thể)", "number_invalid"),
        (8, "D (Bằng khen Thủ tướng - Cá nhân)", "number_invalid"),
    ]
    assert query(wh, "SELECT rows_read, rows_loaded, rows_rejected FROM loads") == [(2, 1, 1)]
    assert query(wh, "SELECT DISTINCT unit_id FROM awards") == [("kon_tum",)]


@pytest.mark.parametrize(
    "name",
    [
        "-kt 2022.xlsx",
        "--help 2022.xlsx",
        " Khen thưởng năm 2022 .xlsx",
        unicodedata.normalize("NFD", "Đắk Lắk khen thưởng 2022.xlsx"),
        "=cmd|' 2022.xlsx",
        "tab\tnewline\n2022.xlsx",
    ],
)
def test_odd_file_names_load_and_are_named_exactly(tmp_path, name):
    raw = tmp_path / "raw"
    good_xlsx(raw / name)
    wh = tmp_path / "wh.duckdb"
    build(raw, wh)
    shown = name.replace("\t", "\\x09").replace("\n", "\\x0a")
    assert query(wh, "SELECT source_file, status FROM loads") == [(shown, "loaded")]
    assert query(wh, "SELECT count(*), sum(count) FROM awards") == GOOD_FACTS


def test_a_file_name_that_is_not_utf8_does_not_stop_the_build(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    good_xlsx(Path(os.fsdecode(os.fsencode(raw) + b"/kt_\xe0_2022.xlsx")))
    write_xlsx(raw / "b.xlsx", {"KT": awards_wide_rows(units=[[1, "Lâm Đồng", 1, 1, 1, 1, 1]])})
    wh = tmp_path / "wh.duckdb"
    build(raw, wh)
    assert query(wh, "SELECT source_file, status FROM loads ORDER BY 1") == [
        ("b.xlsx", "loaded"),
        ("kt_\\xe0_2022.xlsx", "loaded"),
    ]


def test_absurd_values_are_rejected_rows_not_a_failed_build(tmp_path):
    """A count of three billion (the warehouse column is INTEGER), 10**20, a 400-digit
    number, 1e308, a date in year 9999, a date serial of 45 million: each row is rejected or
    loaded, and the build, the batch and every other row go on."""
    raw = tmp_path / "raw"
    write_xlsx(
        raw / "kt.xlsx",
        {
            "KT": awards_wide_rows(
                units=[
                    [1, "Gia Lai", 3_000_000_000, 10**20, "9" * 20, 1, 1],
                    [2, "Kon Tum", 1, 1, 1, 1, 1],
                ]
            )
        },
    )
    write_xlsx(
        raw / "ct.xlsx",
        {
            "CT": [
                ["Đơn vị: VKSND tỉnh Gia Lai"],
                ["6 THÁNG ĐẦU NĂM 2023"],
                ["STT", "Tên chỉ tiêu", "Chỉ tiêu", "Kết quả"],
                [1, "Tỷ lệ A", 1e308, "1" + "0" * 400],
                [2, "Tỷ lệ B", 90, 95],
            ]
        },
    )
    write_xlsx(
        raw / "ds.xlsx",
        {
            "DS": [
                ["DANH SÁCH KHEN THƯỞNG NĂM 2022"],
                [
                    "STT",
                    "Họ và tên",
                    "Đơn vị",
                    "Hình thức khen thưởng",
                    "Số quyết định",
                    "Ngày quyết định",
                ],
                [1, "Lê Văn C", "Gia Lai", "Giấy khen", "12/QĐ", "01/01/9999"],
                [2, "Lê Văn D", "Gia Lai", "Giấy khen", "12/QĐ", 45_000_000],
            ]
        },
    )
    wh = tmp_path / "wh.duckdb"
    summary = build(raw, wh)
    assert (summary.rows_read, summary.rows_loaded, summary.rows_rejected) == (6, 3, 3)
    assert query(
        wh, "SELECT source_file, row_no, rule, column_name FROM rejections ORDER BY ALL"
    ) == [
        ("ct.xlsx", 4, "number_invalid", "C (Chỉ tiêu)"),
        ("ct.xlsx", 4, "number_invalid", "D (Kết quả)"),
        ("ds.xlsx", 4, "date_invalid", "F (Ngày quyết định)"),
        ("kt.xlsx", 8, "number_invalid", "D (Bằng khen Thủ tướng - Cá nhân)"),
        ("kt.xlsx", 8, "number_invalid", "E (Giấy khen - Tập thể)"),
        ("kt.xlsx", 8, "too_large", "C (Bằng khen Thủ tướng - Tập thể)"),
    ]
    assert query(wh, "SELECT message FROM rejections WHERE rule = 'too_large'") == [
        (
            "Tệp «kt.xlsx», trang «KT», dòng 8, cột C (Bằng khen Thủ tướng - Tập thể): số lượng "
            "«3000000000» quá lớn (trên 1.000.000); hãy kiểm tra lại số liệu (đơn vị «Gia Lai»).",
        )
    ]


def test_odd_style_indexes_are_ignored_and_the_figures_load(tmp_path):
    """A style index that is not a number, or points past the style table: no crash."""
    good = good_xlsx(tmp_path / "g.xlsx")
    with zipfile.ZipFile(good) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml")
    sheet = sheet.replace(b'r="C8"', b'r="C8" s="abc"', 1).replace(
        b'r="D8"', b'r="D8" s="99999"', 1
    )
    assert b's="abc"' in sheet and b's="99999"' in sheet
    path = rezip(good, tmp_path / "kieu_o_la_2022.xlsx", {"xl/worksheets/sheet1.xml": sheet})
    out = check([path])
    assert out.file_rows[0]["status"] == "loaded" and not out.rejections
    assert sum(f["count"] for f in out.facts["awards"]) == 29


def test_a_first_row_of_small_numbers_is_data_not_column_numbering(tmp_path):
    """Under the header, "(1) (2) (3) (4)" is the column numbering and is skipped; a data
    row "1 | (empty) | 2 | 5" is a row whose award form is missing: rejected, not lost."""
    head = [
        ["Đơn vị: VKSND tỉnh Gia Lai"],
        ["KHEN THƯỞNG NĂM 2022"],
        ["STT", "Hình thức khen thưởng", "Tập thể", "Cá nhân"],
    ]
    numbered = write_xlsx(
        tmp_path / "a.xlsx", {"KT": head + [["(1)", "(2)", "(3)", "(4)"], [1, "Giấy khen", 3, 4]]}
    )
    empty_label = write_xlsx(
        tmp_path / "b.xlsx", {"KT": head + [[1, None, 2, 5], [2, "Giấy khen", 3, 4]]}
    )
    out = check([numbered, empty_label])
    assert [(r["rows_read"], r["rows_loaded"], r["rows_rejected"]) for r in out.file_rows] == [
        (1, 1, 0),
        (2, 1, 1),
    ]
    assert [(r["source_file"], r["row_no"], r["rule"]) for r in out.rejections] == [
        ("b.xlsx", 4, "award_unknown")
    ]


SHEET_XML = (
    b'<?xml version="1.0"?><worksheet xmlns="x"><sheetData>'
    b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" s="3"><v>0.955</v></c></row>'
    b'<row r="2" hidden="1"><c r="A2"><f>SUM(B1:B1)</f><v></v></c>'
    b'<c r="B2"><f>1+1</f><v>2</v></c><c r="C2" t="inlineStr"><is><t>x</t></is></c></row>'
    b'<row r="4" hidden="true" spans="1:3"><c r="C4" s="3"/><c r="D4"><f t="shared" si="0"/></c>'
    b'<c r="E4" s="1"><v> 7 </v></c></row>'
    b'</sheetData><mergeCells><mergeCell ref="A1:B1"/></mergeCells></worksheet>'
)


@pytest.mark.parametrize("piece", [1, 2, 3, 5, 8, 13, len(SHEET_XML)])
def test_the_sheet_pass_finds_the_same_cells_however_the_xml_is_cut(piece):
    """The guard's one pass over a sheet's XML collects what calamine does not report
    (hidden rows, percent-formatted cells, formulas without a cached value) and the used
    area; a chunk boundary anywhere (inside a tag, inside a value) changes nothing."""
    from pipeline.ingest import guard

    cells = guard.SheetCells()
    scan = guard._SheetScan("KT", guard.limits(), cells=cells, percent={3})
    for i in range(0, len(SHEET_XML), piece):
        scan.feed(SHEET_XML[i : i + piece])
    scan.finish()
    assert cells.hidden_rows == {1, 3}
    assert cells.percent_cells == {(0, 1), (3, 2)}
    assert cells.formula_no_value == {(1, 0), (3, 3)}
    assert (scan.extent.max_row, scan.extent.max_col) == (4, 5)
    assert scan.extent.merges == 1


def test_odd_numbers_in_styles_rows_and_cells_reject_one_file_at_most(tmp_path):
    """Style and row numbers a hostile file writes as "²" (a digit to str.isdigit, not to
    int) or with 5 000 digits (beyond int's limit) never stop the build: each file loads or
    is rejected alone with a message, and the good file beside them loads."""
    raw = tmp_path / "raw"
    raw.mkdir()
    good = good_xlsx(tmp_path / "g.xlsx")
    huge = "9" * 5000
    with zipfile.ZipFile(good) as zf:
        styles, sheet = zf.read("xl/styles.xml"), zf.read("xl/worksheets/sheet1.xml")
    percent_styles = styles.replace(
        b'<numFmts count="0"/>',
        b'<numFmts count="3"><numFmt numFmtId="\xc2\xb2" formatCode="0%"/>'
        b'<numFmt numFmtId="1' + huge.encode() + b'" formatCode="0%"/>'
        b'<numFmt numFmtId="164" formatCode="0.0%"/></numFmts>',
    ).replace(
        b"</cellXfs>",
        b'<xf numFmtId="164" fontId="0" fillId="0" borderId="0"/>'
        b'<xf numFmtId="\xc2\xb2" fontId="0" fillId="0" borderId="0"/></cellXfs>',
    )
    assert percent_styles != styles
    rezip(
        good,
        raw / "kieu_so_2022.xlsx",
        {
            "xl/styles.xml": percent_styles,
            "xl/worksheets/sheet1.xml": sheet.replace(
                b'<c r="A1"', b'<c s="' + huge.encode() + b'" r="A1"', 1
            ),
        },
    )
    rezip(
        good,
        raw / "dong_so_2022.xlsx",
        {
            "xl/worksheets/sheet1.xml": sheet.replace(
                b'<row r="1">', b'<row r="' + huge.encode() + b'">', 1
            )
        },
    )
    good_xlsx(raw / "tot_2022.xlsx")
    wh = tmp_path / "wh" / "thidua.duckdb"
    summary = build(raw, wh)
    assert summary.files_seen == 3
    loads = dict(query(wh, "SELECT source_file, status FROM loads"))
    assert loads["tot_2022.xlsx"] == "loaded" and set(loads) == {
        "kieu_so_2022.xlsx",
        "dong_so_2022.xlsx",
        "tot_2022.xlsx",
    }
    for name, status in loads.items():
        if status == "rejected":
            [(message,)] = query(
                wh, "SELECT message FROM rejections WHERE source_file = ? AND sheet IS NULL", [name]
            )
            assert message.startswith(f"Tệp «{name}»: Không đọc được"), message
