"""The parts of an .xlsx/.xlsm/.xlsb: worksheets, shared strings, styles (percent formats)
and the binary records of .xlsb."""

from __future__ import annotations

import functools
import posixpath
import re
import struct
import zipfile
from xml.parsers import expat

from pipeline.ingest.guard.inspection import Inspection, SheetCells
from pipeline.ingest.guard.limits import Limits, MiB
from pipeline.ingest.guard.messages import FIX_HINT, Rejected, Unreadable, _mb, _n
from pipeline.ingest.guard.sizes import _Book, _Extent
from pipeline.ingest.guard.zip import _corrupt_zip, part_key

_SI = re.compile(rb"<(?:\w+:)?si(?=[\s/>])")


def _check_xlsb(
    lookup: dict[str, zipfile.ZipInfo],
    unpack,
    lim: Limits,
    book: _Book,
    inspection: Inspection,
) -> None:
    """An .xlsb's binary parts, streamed like the XML ones: shared strings first (their
    sizes), the styles (how many), then each worksheet's used area and the text its cells
    hold or expand to, each record placed as the .xlsb reader places it (`XlsbRows`).  A
    sheet whose few cells lie farther apart than the cell limit's rectangle is `sparse`
    (the .xlsb reader holds only the cells written: `pipeline.ingest.xlsb`)."""
    strings = _SharedStrings(lim)
    sst = xlsb_part(lookup, "sharedstrings.bin")
    if sst is not None:
        scan = _Biff12(_Biff12.strings_record(strings))
        unpack.scan(sst, scan, text=False)
        scan.finish()
    styles = xlsb_part(lookup, "styles.bin")
    if styles is not None:
        scan = _Biff12(_Biff12.styles_record())
        unpack.scan(styles, scan, text=False)
        scan.finish()
    for name, key, _hidden in inspection.worksheets:  # (as `_xlsx_sheet_parts` found them)
        on = _Biff12.sheet_record(name, lim, book, strings)
        scan = _Biff12(on)
        unpack.scan(lookup[key], scan, text=False)
        scan.finish()
        inspection.sparse = inspection.sparse or on.extent.sparse


def xlsb_part(lookup: dict[str, zipfile.ZipInfo], name: str) -> zipfile.ZipInfo | None:
    """The .xlsb part whose name ends so (sharedstrings.bin, styles.bin), as guard and reader
    find it."""
    return next((i for k, i in lookup.items() if k.endswith(name)), None)


# BIFF12 cell records (MS-XLSB 2.4): 1–11 name their column (BrtCellBlank … BrtFmlaError),
# 12–18 are the short cells of newer Excel, in the column after the row's previous cell
# (BrtShortBlank … BrtShortIsst), 62 a rich-text string (BrtCellRString); 0 is BrtRowHdr;
# they count between BrtBeginSheetData (145) and BrtEndSheetData (146) only
XLSB_CELLS = frozenset(range(1, 19)) | {62}
XLSB_SHORT = frozenset(range(12, 19))
XLSB_BLANK = frozenset({1, 12})
XLSB_COLUMNS = 16_384  # A … XFD, Excel's columns
XLSB_STYLES = 65_536  # cell formats (BrtXF) and number formats: Excel keeps at most 64 000
_BRT_MERGE_CELL, _BRT_FMT, _BRT_XF = 176, 44, 47
_BEGIN_DATA, _END_DATA = 145, 146


class XlsbRows:
    """Where the cell records of a worksheet part lie, the same for the guard and the
    reader: only between BrtBeginSheetData and BrtEndSheetData (as Excel and calamine read
    them), in the row of the last BrtRowHdr there (`row`, `hidden`), a short cell in the
    column after the row's previous cell."""

    def __init__(self):
        self.inside, self.row, self.col, self.hidden = False, 0, -1, False

    def place(self, rtype: int, rec: bytes) -> int | None:
        """The 0-based column of a cell record (in `self.row`); None for any other record,
        a record too short to be a cell, or one outside the sheet data."""
        if rtype == _BEGIN_DATA:
            self.inside = True
        elif rtype == _END_DATA:
            self.inside = False
        elif not self.inside:
            return None
        elif rtype == 0:  # BrtRowHdr: row, style, height, flags (fDyZero: hidden)
            if len(rec) >= 4:
                self.row, self.col = struct.unpack_from("<I", rec, 0)[0], -1
                self.hidden = len(rec) >= 12 and bool(rec[11] & 0x10)
        elif rtype in XLSB_SHORT:
            self.col += 1
            return self.col
        elif rtype in XLSB_CELLS and len(rec) >= 8:
            self.col = struct.unpack_from("<I", rec, 0)[0]
            return self.col
        return None


def xlsb_text_at(rtype: int) -> int | None:
    """Where the text of a cell record starts (the XLWideString of BrtCellSt, BrtFmlaString,
    BrtShortSt; past the flags byte of BrtCellRString's RichStr), None if it holds none."""
    return {6: 8, 8: 8, 17: 4, 62: 9}.get(rtype)


def wide_bytes(rec: bytes, at: int) -> int:
    """The bytes of UTF-16 an XLWideString at `at` really holds (its count, cut to the end
    of the record), as `wide_string` decodes them."""
    if at + 4 > len(rec):
        return 0
    return min(2 * struct.unpack_from("<I", rec, at)[0], len(rec) - at - 4)


def _past_last_column(sheet: str, col: int) -> str:
    return (
        f"Không đọc được tệp Excel nhị phân (.xlsb): tệp hỏng — trang «{sheet}» có ô ở cột thứ "
        f"{_n(col + 1)}, quá cột cuối cùng của Excel (XFD, cột thứ {_n(XLSB_COLUMNS)}). {FIX_HINT}"
    )


def _too_many_styles() -> str:
    return (
        f"Không đọc được tệp Excel nhị phân (.xlsb): tệp hỏng hoặc độc hại — phần kiểu định "
        f"dạng có hơn {_n(XLSB_STYLES)} định dạng ô, trong khi Excel giữ tối đa 64.000. {FIX_HINT}"
    )


def _too_long_cell_text(sheet: str, lim: Limits) -> str:
    return (
        f"Không đọc được tệp: trang «{sheet}» có một ô chứa chuỗi dài hơn "
        f"{_n(lim.max_cell_text_bytes // 1024)} KB, trong khi một ô Excel chứa tối đa 32.767 "
        "ký tự: tệp hỏng hoặc độc hại."
    )


class _Biff12:
    """Streams BIFF12 records (.xlsb): a type of 1–2 bytes and a size of 1–4 bytes, each
    7 bits a byte; `on_record(type, payload)` for each."""

    def __init__(self, on_record):
        self.on_record, self.buf, self.limit = on_record, b"", 64 * MiB

    def feed(self, chunk: bytes) -> None:
        self.buf += chunk
        buf, pos, end = self.buf, 0, len(self.buf)
        while True:
            head = pos
            if pos >= end:
                break
            rtype = buf[pos]
            pos += 1
            if rtype & 0x80:
                if pos >= end:
                    pos = head
                    break
                rtype = (rtype & 0x7F) | ((buf[pos] & 0x7F) << 7)
                pos += 1
            size, shift, ok = 0, 0, False
            for _ in range(4):
                if pos >= end:
                    break
                byte = buf[pos]
                pos += 1
                size |= (byte & 0x7F) << shift
                shift += 7
                if not byte & 0x80:
                    ok = True
                    break
            else:
                ok = True
            if not ok or pos + size > end:
                if size > self.limit:
                    raise Unreadable(_corrupt_zip(".xlsb"))
                pos = head
                break
            self.on_record(rtype, buf[pos : pos + size])
            pos += size
        self.buf = buf[pos:]

    def finish(self) -> None:
        self.buf = b""

    @staticmethod
    def strings_record(strings: _SharedStrings):
        def on(rtype: int, data: bytes) -> None:
            if rtype == 19:  # BrtSSTItem: a RichStr, flags then its text (every one a string)
                strings._add(wide_bytes(data, 1))

        return on

    @staticmethod
    def styles_record():
        counts = {_BRT_FMT: 0, _BRT_XF: 0}

        def on(rtype: int, data: bytes) -> None:
            if rtype in counts:
                counts[rtype] += 1
                if counts[rtype] > XLSB_STYLES:
                    raise Rejected(_too_many_styles())

        return on

    @staticmethod
    def sheet_record(sheet: str, lim: Limits, book: _Book, strings: _SharedStrings):
        extent = _Extent(sheet, lim, book, sparse_ok=True)
        rows = XlsbRows()

        def on(rtype: int, data: bytes) -> None:
            if rtype == _BRT_MERGE_CELL:
                extent.merge()
                return
            col = rows.place(rtype, data)
            if col is None:
                return
            if col >= XLSB_COLUMNS:
                raise Unreadable(_past_last_column(sheet, col))
            if rtype in XLSB_BLANK:
                return
            extent.add(rows.row + 1, col + 1)  # a cell with a value
            at = xlsb_text_at(rtype)
            if at is not None:  # text held in the cell record (bounded by the part's size)
                if wide_bytes(data, at) > lim.max_cell_text_bytes:
                    raise Rejected(_too_long_cell_text(sheet, lim))
            elif rtype in (7, 18):  # BrtCellIsst, BrtShortIsst: a shared string
                isst = 8 if rtype == 7 else 4
                if len(data) >= isst + 4:
                    book.text += strings.size(str(struct.unpack_from("<I", data, isst)[0]).encode())
            if book.text > lim.max_expanded_text_bytes:
                raise Rejected(_too_much_text(sheet, lim))

        on.extent = extent
        return on


class _Utf16:
    """Feeds a scan UTF-8: an XML part saved as UTF-16 (a BOM, or "<" then a zero byte) is
    decoded on the way, so its cells are counted like any other's."""

    def __init__(self, scan):
        self.scan, self.decoder, self.started = scan, None, False

    def feed(self, chunk: bytes) -> None:
        import codecs

        if not self.started:
            self.started = True
            head = chunk[:4]
            if head.startswith((b"\xff\xfe", b"<\x00")):
                self.decoder = codecs.getincrementaldecoder("utf-16-le")("replace")
            elif head.startswith((b"\xfe\xff", b"\x00<")):
                self.decoder = codecs.getincrementaldecoder("utf-16-be")("replace")
        if self.decoder is not None:
            chunk = self.decoder.decode(chunk).lstrip("\ufeff").encode("utf-8")
        self.scan.feed(chunk)

    def finish(self) -> None:
        self.scan.finish()


class _SharedStrings:
    """Streams the shared-string table: how many bytes each string holds, so a sheet's
    cells can be counted by what they expand to (a 1 MB string referenced by 12 000 cells
    is 12 GB once a reader gives each cell its copy), and no string is longer than a cell
    can hold."""

    _TAG = re.compile(rb"<(/?)(?:\w+:)?si(?=[\s/>])[^<>]*?(/?)>")

    def __init__(self, lim: Limits):
        import array

        self.lim = lim
        self.sizes = array.array("Q")
        self.buf = b""
        self.start: int | None = None  # bytes seen before the open <si>'s end
        self.seen = 0

    def feed(self, chunk: bytes) -> None:
        self.buf += chunk
        cut = self.buf.rfind(b"<")
        if cut <= 0:
            cut = len(self.buf) if len(self.buf) > 4096 else 0
        self._tags(self.buf[:cut])
        self.seen += cut
        self.buf = self.buf[cut:]

    def _tags(self, data: bytes) -> None:
        for m in self._TAG.finditer(data):
            closing, empty = m.group(1), m.group(2)
            if not closing:
                if empty:
                    self._add(0)
                else:
                    self.start = self.seen + m.end()
            elif self.start is not None:
                self._add(self.seen + m.start() - self.start)
                self.start = None
        if (
            self.start is not None
            and self.seen + len(data) - self.start > self.lim.max_cell_text_bytes
        ):
            raise Rejected(_too_long_cell(self.lim))

    def _add(self, size: int) -> None:
        if size > self.lim.max_cell_text_bytes:
            raise Rejected(_too_long_cell(self.lim))
        self.sizes.append(size)
        if len(self.sizes) > self.lim.max_cells:
            raise Rejected(_too_many_strings(len(self.sizes), self.lim))

    def finish(self) -> None:
        self._tags(self.buf)
        self.buf = b""

    def size(self, index: bytes | None) -> int:
        if not index:
            return 0
        try:
            return self.sizes[int(index)]
        except (ValueError, IndexError):
            return 0


def _too_long_cell(lim: Limits) -> str:
    return (
        f"Không đọc được tệp: bảng chuỗi dùng chung có một chuỗi dài hơn "
        f"{_n(lim.max_cell_text_bytes // 1024)} KB, trong khi một ô Excel chứa tối đa 32.767 "
        "ký tự: tệp hỏng hoặc độc hại."
    )


def _too_much_text(sheet: str, lim: Limits) -> str:
    return (
        f"Không đọc được tệp: các ô chữ của trang «{sheet}» và các trang trước nó, khi mở ra, "
        f"chiếm hơn {_mb(lim.max_expanded_text_bytes)} (nhiều ô cùng trỏ tới những chuỗi rất "
        "dài trong bảng chuỗi dùng chung — tệp có thể độc hại, hoặc cần tách thành nhiều tệp)."
    )


_STYLES = "xl/styles.xml"


_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


_PERCENT_BUILTIN = {9, 10}


def _percent_styles(xml: bytes) -> set[int]:
    """The cell formats (indexes into cellXfs) that show a number as a percent."""
    from xml.etree import ElementTree as ET

    try:
        root = ET.fromstring(xml)
    except ET.ParseError as exc:
        raise Unreadable(
            f"Không đọc được định dạng ô của tệp (phần «{_STYLES}» hỏng). {FIX_HINT}"
        ) from exc

    def number(el) -> int | None:  # ASCII digits only ("²".isdigit() is true), bounded
        text = el.get("numFmtId", "0")
        return int(text) if _SMALL_NUMBER.fullmatch(text) else None

    custom = {number(f): f.get("formatCode", "") for f in root.iter(f"{_NS_MAIN}numFmt")}
    custom.pop(None, None)
    xfs = root.find(f"{_NS_MAIN}cellXfs")
    return {
        i
        for i, xf in enumerate(xfs if xfs is not None else [])
        if number(xf) in _PERCENT_BUILTIN or is_percent_format(custom.get(number(xf), ""))
    }


_SMALL_NUMBER = re.compile(r"[0-9]{1,9}")


def is_percent_format(code: str) -> bool:
    return "%" in re.sub(r'"[^"]*"|\\.', "", code)


def _too_many_strings(count: int, lim: Limits) -> str:
    return (
        f"Không đọc được tệp: bảng chuỗi dùng chung có hơn {_n(lim.max_cells)} chuỗi, vượt "
        "giới hạn (tệp có thể độc hại)."
    )


_REF = re.compile(r"([A-Za-z]{0,3})([0-9]{1,9})")  # a cell's r="B7" (ASCII digits, bounded)


_SMALL = re.compile(r"[0-9]{1,9}")


@functools.lru_cache(maxsize=4096)
def _col_number(letters: str) -> int:
    """A column's number from its letters, up to "ZZZ" (openpyxl's stops at "XFD": a cell
    past it is still counted, and refused by the cell limits)."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n


def _not_xml(part: str, exc: expat.ExpatError) -> str:
    return (
        f"Không đọc được tệp Excel (.xlsx): tệp hỏng — phần «{part}» không phải XML hợp lệ "
        f"(dòng {exc.lineno}, cột {exc.offset + 1}). {FIX_HINT}"
    )


def _no_dtd(*_args) -> None:
    raise Rejected(
        "Không đọc được tệp: một trang tính có khai báo DOCTYPE/ENTITY. Bảng tính do Excel hay "
        "LibreOffice lưu không bao giờ có khai báo này; tệp có thể độc hại (tấn công mở rộng "
        "thực thể XML) nên không được đọc."
    )


class _SheetScan:
    """Streams one .xlsx worksheet part through expat (no DTD allowed, nothing expanded):
    the last row and column that hold a value, and the `SheetCells` (hidden rows,
    percent-formatted cells, formulas without a value, cached errors), and the text the
    cells expand to from the shared strings.  Bytes are read as Latin-1, so a stray byte in
    a text stops nothing: every name and number looked at is ASCII."""

    def __init__(
        self,
        sheet: str,
        lim: Limits,
        book: _Book | None = None,
        cells: SheetCells | None = None,
        percent: set[int] | frozenset = frozenset(),
        strings: _SharedStrings | None = None,
        part: str = "xl/worksheets/sheet1.xml",
    ):
        self.extent = _Extent(sheet, lim, book)
        self.book = self.extent.book
        self.strings = strings
        self.lim, self.part = lim, part
        self.cells = cells if cells is not None else SheetCells()
        self.percent = percent
        self.row = self.col = 0
        self.cell: tuple[int, int] | None = None
        self.kind: str | None = None  # the cell's t="…"
        self.value: list[str] | None = None  # the text of its <v>, while inside one
        self.text = ""
        self.valued = self.formula = self.has_value = False
        self.tag_run = 0  # bytes since the last ">": one tag's length
        self.started = False
        parser = self.parser = expat.ParserCreate("ISO-8859-1")
        parser.buffer_text = True
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._chars
        parser.StartDoctypeDeclHandler = _no_dtd  # defusedxml's forbid_dtd
        parser.EntityDeclHandler = _no_dtd

    def feed(self, chunk: bytes) -> None:
        if not self.started:  # a UTF-8 mark, read as Latin-1, would be text before the root
            self.started = True
            chunk = chunk.removeprefix(b"\xef\xbb\xbf")
        end = chunk.rfind(b">")
        self.tag_run = self.tag_run + len(chunk) if end < 0 else len(chunk) - end - 1
        if self.tag_run > self.lim.max_row_xml_bytes:
            raise Rejected(
                f"Không đọc được tệp: trang «{self.extent.sheet}» có một thẻ XML dài hơn "
                f"{_mb(self.lim.max_row_xml_bytes)} (tệp hỏng hoặc độc hại)."
            )
        self._parse(chunk, False)

    def finish(self) -> None:
        self._parse(b"", True)

    def _parse(self, data: bytes, last: bool) -> None:
        try:
            self.parser.Parse(data, last)
        except expat.ExpatError as exc:
            raise Rejected(_not_xml(self.part, exc)) from None

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        local = name.rpartition(":")[2]
        if local == "c":
            self._open(attrs)
        elif local == "row":
            r = attrs.get("r", "")
            self.row = int(r) if _SMALL.fullmatch(r) else self.row + 1
            self.col = 0
            # (a row past the row limit holds no figure: any cell there refuses the file)
            if attrs.get("hidden") in ("1", "true") and self.row <= self.lim.max_rows:
                self.cells.hidden_rows.add(max(self.row, 1) - 1)
            self.cell = None
        elif self.cell is not None and local in ("v", "f", "is"):
            self.valued = True
            if local == "f":
                self.formula = True
            elif local == "is":
                self.has_value = True
            elif not self.has_value:
                self.value = []
        elif local == "mergeCell":
            self.extent.merge()

    def _chars(self, data: str) -> None:
        if self.value is not None:
            self.value.append(data)

    def _end(self, name: str) -> None:
        local = name.rpartition(":")[2]
        if local == "v" and self.value is not None:
            self.text = "".join(self.value)
            self.has_value = bool(self.text.strip())
            self.value = None
        elif local == "c":
            self._close()

    def _open(self, attrs: dict[str, str]) -> None:
        """A cell opens: its place (from r="B7", else the one after the last) and whether
        its format is a percent."""
        ref = _REF.fullmatch(attrs.get("r", ""))
        if ref and ref.group(1):
            self.col, self.row = _col_number(ref.group(1)), int(ref.group(2))
        else:
            self.col += 1
        self.cell = (max(self.row, 1), max(self.col, 1))
        if self.percent:
            style = attrs.get("s", "")
            if _SMALL.fullmatch(style) and int(style) in self.percent:
                self.cells.percent_cells.add((self.cell[0] - 1, self.cell[1] - 1))
        self.valued = self.formula = self.has_value = False
        self.value, self.text = None, ""
        kind = attrs.get("t")
        self.kind = kind if kind and len(kind) <= 9 else None

    def _close(self) -> None:
        if self.cell is not None:
            if self.valued:
                self.extent.add(*self.cell)
            if self.formula and not self.has_value:
                self.cells.formula_no_value.add((self.cell[0] - 1, self.cell[1] - 1))
            if self.kind == "s" and self.strings is not None:
                self.book.text += self.strings.size(self.text.strip().encode("latin-1"))
                if self.book.text > self.lim.max_expanded_text_bytes:
                    raise Rejected(_too_much_text(self.extent.sheet, self.lim))
            elif self.kind == "e" and self.text:
                self.cells.errors[(self.cell[0] - 1, self.cell[1] - 1)] = self.text.strip()[:16]
        self.cell = None


def _xlsx_sheet_parts(
    lookup: dict[str, zipfile.ZipInfo],
    workbook: str,
    unpack,
    lim: Limits,
    inspection: Inspection | None = None,
) -> dict[str, str]:
    """Worksheet part (its `part_key`) → sheet name, from the workbook (workbook.xml, or an
    .xlsb's workbook.bin) and its relationships; each worksheet's name, part and state in
    `inspection.worksheets`, the sheets that hold no table in `inspection.not_tables`, the
    date system in `inspection.epoch1904`."""
    from xml.etree import ElementTree as ET

    parts: dict[str, str] = {}
    inspection = inspection if inspection is not None else Inspection("xlsx")
    skipped = inspection.not_tables
    binary = workbook.endswith(".bin")
    folder = posixpath.dirname(workbook)
    rels_key = part_key(f"{folder}/_rels/{posixpath.basename(workbook)}.rels")
    try:
        if binary:  # BIFF12 records: no XML to parse
            sheets, inspection.epoch1904 = xlsb_workbook(
                unpack.read(lookup[workbook]), lim.max_sheets
            )
        else:
            sheets, inspection.epoch1904 = _xml_workbook(
                ET.fromstring(unpack.read(lookup[workbook], scan=True))  # no DOCTYPE first
            )
        rels = (
            ET.fromstring(unpack.read(lookup[rels_key], scan=True)) if rels_key in lookup else None
        )
    except ET.ParseError as exc:
        raise Unreadable(_corrupt_zip(".xlsb" if binary else ".xlsx")) from exc
    targets, others = {}, {}
    for rel in rels if rels is not None else []:
        target = rel.get("Target", "")
        target = target if target.startswith("/") else f"/{folder}/{target}"
        if rel.get("Type", "").endswith("/worksheet") or not rel.get("Type"):
            targets[rel.get("Id")] = part_key(posixpath.normpath(target))
        else:  # a chart, macro or dialog sheet: no table, read by no reader here
            others[rel.get("Id")] = target
    if len(sheets) > lim.max_sheets:
        raise Rejected(_too_many_sheets(lim.max_sheets))
    for i, (name, rid, hidden) in enumerate(sheets, 1):
        name = name or f"trang thứ {i}"
        part = targets.get(rid)
        if part and part in lookup and part not in parts:
            parts[part] = name
            inspection.worksheets.append((name, part, hidden))
        elif rid in others:
            skipped.append(name)
    # a worksheet part no relationship names is still a worksheet a reader might open
    suffix = ".bin" if binary else ".xml"
    for key in lookup:
        if _worksheet_part(key, suffix) and key not in parts:
            parts[key] = key.rsplit("/", 1)[-1]
            inspection.worksheets.append((parts[key], key, False))
    return parts


def _worksheet_part(key: str, suffix: str) -> bool:
    """A part in a worksheets folder (not an .xlsb's binaryIndex of it)."""
    return (
        "worksheets/" in key
        and key.endswith(suffix)
        and not key.rsplit("/", 1)[-1].startswith("binaryindex")
    )


def _xml_workbook(book) -> tuple[list[tuple[str, str | None, bool]], bool]:
    """workbook.xml's sheets (name, relationship id, hidden) and its date system."""
    sheets = []
    epoch1904 = False
    for el in book.iter():
        tag = str(el.tag).rsplit("}", 1)[-1]
        if tag == "sheet":
            rid = next((v for k, v in el.attrib.items() if k.rsplit("}", 1)[-1] == "id"), None)
            sheets.append((el.get("name"), rid, el.get("state", "visible") != "visible"))
        elif tag == "workbookPr":
            epoch1904 = el.get("date1904", "").lower() in ("1", "true")
    return sheets, epoch1904


# BIFF12 records of workbook.bin (MS-XLSB 2.4): BrtWbProp (flags, bit 0 the 1904 system),
# BrtBundleSh (a sheet: state, tab id, relationship id, name)
_BRT_WB_PROP, _BRT_BUNDLE_SH = 153, 156


def _too_many_sheets(limit: int) -> str:
    return f"Không đọc được tệp: sổ làm việc có hơn {_n(limit)} trang tính, vượt giới hạn."


def xlsb_workbook(data: bytes, limit: int) -> tuple[list[tuple[str, str | None, bool]], bool]:
    """workbook.bin's sheets (name, relationship id, hidden) and its date system; refused
    past `limit` sheets."""
    sheets: list[tuple[str, str | None, bool]] = []
    epoch1904 = [False]

    def on(rtype: int, rec: bytes) -> None:
        if rtype == _BRT_WB_PROP and len(rec) >= 4:
            epoch1904[0] = bool(struct.unpack_from("<I", rec, 0)[0] & 1)
        elif rtype == _BRT_BUNDLE_SH and len(rec) >= 12:
            state = struct.unpack_from("<I", rec, 0)[0]
            rid, at = wide_string(rec, 8, nullable=True)
            name, _ = wide_string(rec, at)
            sheets.append((name, rid, state != 0))
            if len(sheets) > limit:  # (refused at once: not after millions more records)
                raise Rejected(_too_many_sheets(limit))

    scan = _Biff12(on)
    scan.feed(data)
    scan.finish()
    return sheets, epoch1904[0]


def wide_string(rec: bytes, at: int, nullable: bool = False) -> tuple[str | None, int]:
    """An XLWideString of a BIFF12 record at offset `at` (a count of UTF-16 code units, then
    them), and the offset past it; a count past the record's end is cut to it.  `nullable`:
    0xFFFFFFFF is None (XLNullableWideString)."""
    if at + 4 > len(rec):
        return None, len(rec)
    count = struct.unpack_from("<I", rec, at)[0]
    at += 4
    if nullable and count == 0xFFFFFFFF:
        return None, at
    end = min(len(rec), at + 2 * count)
    return rec[at:end].decode("utf-16-le", "replace"), end
