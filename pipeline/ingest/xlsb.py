"""The .xlsb reader: the BIFF12 records of an Excel binary workbook (MS-XLSB) to sheets.

Every .xlsb is read here (LibreOffice is its second reader: calamine is not), because
calamine's .xlsb reader holds the whole rectangle between the cells (SheetJS's copy of
POI's 51535, four cells at A1, IV1, A65536 and IV65536, takes it to 657 MB) and drops what the
pipeline needs: a cached formula error (BrtFmlaError) is an empty cell there, and it
reports neither percent formats nor hidden rows.  Here each row is only as long as its
last cell and only the cells written are held; a date-formatted number is a date, a
percent-formatted one is marked (0,955 shown as 95,5 %), an error is its code.

It runs only on bytes the guard passed (`guard.check_file`: the ZIP's sizes, every sheet's
cells and the text they expand to, counted on the same records), so nothing here is
unbounded; the guard's `Inspection.worksheets` names the sheets and their parts.
"""

from __future__ import annotations

import io
import struct
import zipfile
from dataclasses import dataclass, field

from pipeline.ingest.guard.xlsx import (
    _PERCENT_BUILTIN,
    XLSB_BLANK,
    XLSB_SHORT,
    XlsbRows,
    _Biff12,
    is_percent_format,
    wide_string,
    xlsb_part,
    xlsb_text_at,
)
from pipeline.ingest.guard.zip import part_lookup

# error codes of BrtCellError / BrtFmlaError (MS-XLSB 2.5.97.2 BErr)
ERRORS = {
    0x00: "#NULL!",
    0x07: "#DIV/0!",
    0x0F: "#VALUE!",
    0x17: "#REF!",
    0x1D: "#NAME?",
    0x24: "#NUM!",
    0x2A: "#N/A",
    0x2B: "#GETTING_DATA",
}
_SST_ITEM, _FMT, _XF, _MERGE = 19, 44, 47, 176
_BEGIN_CELL_XFS, _END_CELL_XFS = 617, 618
FORMAT_CODE = 255  # characters of a number format Excel keeps


class Damaged(Exception):
    """What no reader can read right: no worksheet listed nor in the package, a cell whose
    shared string is not in the table (read as empty, it would be a figure lost)."""


@dataclass
class XlsbSheet:
    """One worksheet as read: `rows[r][c]` holds numbers (int or float), text, booleans
    and None; `errors` the cells whose value is a formula error, `dates` the numbers
    formatted as a date or time (serial numbers of the workbook's date system),
    `durations` those formatted as elapsed time ([h]:mm, a number of days)."""

    name: str
    hidden: bool
    rows: list[list[object]] = field(default_factory=list)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    dates: set[tuple[int, int]] = field(default_factory=set)
    durations: set[tuple[int, int]] = field(default_factory=set)
    percent_cells: set[tuple[int, int]] = field(default_factory=set)
    hidden_rows: set[int] = field(default_factory=set)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # r0, c0, r1, c1


def read_xlsb(data: bytes, worksheets: list[tuple[str, str, bool]]) -> list[XlsbSheet]:
    """The worksheets (name, part key, hidden: `Inspection.worksheets`) of the .xlsb `data`;
    a workbook that lists none, or a cell naming a shared string the table lacks, is
    damaged (`Damaged`: LibreOffice tries it)."""
    if not worksheets:
        raise Damaged("no worksheet")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        lookup = part_lookup(zf.infolist())  # the entries the guard checked, found alike

        def part(name: str) -> bytes | None:
            info = xlsb_part(lookup, name)
            return zf.read(info) if info is not None else None

        strings = _shared_strings(part("sharedstrings.bin"))
        formats = _styles(part("styles.bin"))
        sheets = []
        for name, key, hidden in worksheets:
            sheet = XlsbSheet(name, hidden)
            _Sheet(sheet, strings, formats).read(zf.read(lookup[key]))
            sheets.append(sheet)
    return sheets


def _shared_strings(data: bytes | None) -> list[str]:
    strings: list[str] = []

    def on(rtype: int, rec: bytes) -> None:
        if rtype == _SST_ITEM:  # a RichStr: flags, then the text
            strings.append(wide_string(rec, 1)[0] or "")

    _records(data, on)
    return strings


def _styles(data: bytes | None) -> dict[int, str]:
    """The cell formats (index of BrtXF among the cell XFs) that show a number as
    something else: "percent", "date" (or time) or "duration"."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format

    custom: dict[int, str] = {}
    formats: list[int] = []
    inside = [False]

    def on(rtype: int, rec: bytes) -> None:
        if rtype == _FMT and len(rec) >= 2:
            custom[struct.unpack_from("<H", rec, 0)[0]] = wide_string(rec, 2)[0] or ""
        elif rtype == _BEGIN_CELL_XFS:
            inside[0] = True
        elif rtype == _END_CELL_XFS:
            inside[0] = False
        elif rtype == _XF and inside[0] and len(rec) >= 4:
            formats.append(struct.unpack_from("<H", rec, 2)[0])

    _records(data, on)

    def kind(number: int) -> str | None:
        code = custom.get(number, BUILTIN_FORMATS.get(number, ""))[:FORMAT_CODE]
        if number in _PERCENT_BUILTIN or is_percent_format(code):
            return "percent"
        if code and is_timedelta_format(code):
            return "duration"
        if code and is_date_format(code):
            return "date"
        return None

    kinds = {number: kind(number) for number in set(formats)}  # each format judged once
    return {xf: kinds[number] for xf, number in enumerate(formats) if kinds[number]}


def _records(data: bytes | None, on) -> None:
    if data:
        scan = _Biff12(on)
        scan.feed(data)
        scan.finish()


class _Sheet:
    """The records of one worksheet part into its `XlsbSheet`, each placed where the guard
    counted it (`XlsbRows`)."""

    def __init__(self, sheet: XlsbSheet, strings: list[str], formats: dict[int, str]):
        self.sheet, self.strings, self.formats = sheet, strings, formats
        self.rows = XlsbRows()
        self.marks = {
            "percent": sheet.percent_cells,
            "date": sheet.dates,
            "duration": sheet.durations,
        }

    def read(self, data: bytes) -> None:
        _records(data, self.on)

    def on(self, rtype: int, rec: bytes) -> None:
        if rtype == _MERGE and len(rec) >= 16:  # RfX: first and last row, first and last column
            r0, r1, c0, c1 = struct.unpack_from("<IIII", rec, 0)
            self.sheet.merged.append((r0, c0, r1, c1))
            return
        col = self.rows.place(rtype, rec)
        if col is not None and rtype not in XLSB_BLANK:
            self._cell(rtype, rec, col)

    def _cell(self, rtype: int, rec: bytes, col: int) -> None:
        at = 4 if rtype in XLSB_SHORT else 8  # past the column (if any) and the style
        style = int.from_bytes(rec[at - 4 : at - 1], "little")
        kind = rtype - 11 if rtype in XLSB_SHORT else rtype  # a short cell as its long twin
        row = self.rows.row
        where = (row, col)
        value: object = None
        text_at = xlsb_text_at(rtype)
        if text_at is not None:  # BrtCellSt, BrtFmlaString, BrtShortSt, BrtCellRString
            value = wide_string(rec, text_at)[0]
        elif kind == 2 and len(rec) >= at + 4:  # RkNumber
            value = _rk(struct.unpack_from("<I", rec, at)[0])
        elif kind in (3, 11) and len(rec) > at:  # BrtCellError, BrtFmlaError
            self.sheet.errors[where] = ERRORS.get(rec[at], "#N/A")
            value = ""  # (replaced by its error)
        elif kind in (4, 10) and len(rec) > at:  # BrtCellBool, BrtFmlaBool
            value = rec[at] != 0
        elif kind in (5, 9) and len(rec) >= at + 8:  # BrtCellReal, BrtFmlaNum
            value = struct.unpack_from("<d", rec, at)[0]
        elif kind == 7 and len(rec) >= at + 4:  # BrtCellIsst
            index = struct.unpack_from("<I", rec, at)[0]
            if index >= len(self.strings):
                raise Damaged(f"shared string {index} of {len(self.strings)}")
            value = self.strings[index]
        if value is None or value == "" and where not in self.sheet.errors:
            return
        if style in self.formats and type(value) in (int, float):  # (not a boolean)
            self.marks[self.formats[style]].add(where)
        if self.rows.hidden:  # (a hidden row that holds no cell matters to nobody)
            self.sheet.hidden_rows.add(row)
        rows = self.sheet.rows
        while len(rows) <= row:
            rows.append([])
        cells = rows[row]
        if len(cells) <= col:
            cells.extend([None] * (col + 1 - len(cells)))
        cells[col] = value


def _rk(rk: int) -> int | float:
    """An RkNumber (MS-XLSB 2.5.122): 30 bits of an integer or of a double's top, maybe
    hundredths."""
    if rk & 0x02:
        value: int | float = struct.unpack("<i", struct.pack("<I", rk))[0] >> 2
    else:
        value = struct.unpack("<d", struct.pack("<Q", (rk & 0xFFFFFFFC) << 32))[0]
    if rk & 0x01:
        value = value / 100
    return value
