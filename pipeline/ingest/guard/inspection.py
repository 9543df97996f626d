"""What the guard hands on: the bytes read once (`Opened`) and a passed file's `Inspection`."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class SheetCells:
    """What the sheet XML says and calamine does not report (0-based rows and columns)."""

    hidden_rows: set[int] = field(default_factory=set)
    percent_cells: set[tuple[int, int]] = field(default_factory=set)
    formula_no_value: set[tuple[int, int]] = field(default_factory=set)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # cached "#DIV/0!", …


@dataclass
class Inspection:
    """A file that passed: its real format and, for .xlsx, each sheet's `SheetCells`
    (collected on the same streaming pass that checks the limits, so every sheet's XML is
    unpacked and tokenised once)."""

    format: str
    sheets: dict[str, SheetCells] = field(default_factory=dict)
    binary: bool = False  # .xlsb: binary sheet parts
    decrypted: bytes | None = None  # the file opened with Excel's default password
    not_tables: list[str] = field(default_factory=list)  # chart, macro, dialog sheets
    old: bool = False  # a bare BIFF stream (Excel 2.x–4.x): xlrd reads it
    epoch1904: bool = False  # serial dates count from 1904-01-01 (<workbookPr date1904>)
    sparse: bool = False  # a sheet's cells lie far apart: read holding only the cells written
    # (.xls: xlrd's ragged rows; .xlsb: `pipeline.ingest.xlsb`)
    # (.xlsx, .xlsb) each worksheet's name, part (`part_key`) and hidden, in workbook order
    worksheets: list[tuple[str, str, bool]] = field(default_factory=list)
    unpacked: bytes | None = None  # a gzip-compressed .csv's text, unpacked once here


@dataclass(frozen=True)
class Opened:
    """A file's bytes, read once: what is hashed is what is guarded and parsed."""

    data: bytes
    size: int
    mtime: float
    sha256: str
