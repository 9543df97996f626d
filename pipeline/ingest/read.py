"""Readers: every spreadsheet format becomes a list of `SheetGrid`.

Cell values come from calamine (fast, Rust) for .xlsx/.xlsm/.xls/.ods and from the BIFF12
records for .xlsb (`xlsb`: only the cells written, with their errors, formats and hidden
rows); where that reader refuses a file another is tried before the file is refused
(openpyxl for .xlsx, xlrd for .xls, odfpy for .ods) and, last, LibreOffice (`convert`: where the refusal is
not final, the file converted to .xlsx and that read, guard first), and a sheet no reader supports (an Excel 4 macro sheet, a
dialog sheet) is left out, not the workbook.  A cached formula error (#DIV/0!, #N/A, …) is
delivered as a `CellError`, never as an empty cell.  What calamine does
not expose and the pipeline needs is read from the file itself: which cells are formatted
as a percent (0.955 shown as 95,5 %), which formula cells carry no cached value, which
rows are hidden (for .xlsx these come from `guard.check_file`'s pass over the sheet XML,
which every .xlsx goes through anyway).  CSV files are decoded as UTF-8 (with or without
BOM), UTF-16/UTF-32 (with or without a mark) or Windows-1258; failing those, in the code
page charset-normalizer reads best (`_guess_code_page`: never for Vietnamese text with a
broken byte), with a note for `loads` (`SheetGrid.notes`), as stray NUL bytes are dropped.

Each file is read from the bytes `guard.open_once` read (the same bytes that are hashed);
no parser sees them before `guard.check_file` has passed them (real format from the
content, password protection, ZIP bombs, XML entities, sheet size), and no parser error
escapes as anything but a `ReadError` with a Vietnamese message: one hostile or broken
file is rejected and the rest of the batch loads.  Text typed in the legacy TCVN3 or VNI
fonts is detected (`legacy.detect_legacy`) and the file rejected with a message naming the
encoding and showing a decoded example, so the sender can convert it with Unikey.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import io
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.ingest import guard
from pipeline.ingest.guard.messages import _n

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xltx", ".xltm", ".xlsb", ".xls", ".ods", ".csv"}
# spreadsheets of a kind no reader here supports: refused, saying how to send them
UNSUPPORTED_SPREADSHEETS = {
    ".numbers": "bảng tính Apple Numbers",
    ".fods": "bảng tính OpenDocument dạng phẳng (.fods)",
    ".xlt": "mẫu bảng tính Excel 97-2003 (.xlt)",
    ".xlam": "phần bổ trợ Excel (.xlam)",
    ".et": "bảng tính WPS (.et)",
    ".ots": "mẫu bảng tính OpenDocument (.ots)",
    ".sxc": "bảng tính OpenOffice 1 (.sxc)",
    ".wk1": "bảng tính Lotus 1-2-3",
    ".wks": "bảng tính Lotus/Works",
    ".qpw": "bảng tính Quattro Pro",
    ".gsheet": "liên kết tới Google Trang tính (không chứa số liệu)",
}
OUT_OF_MEMORY = "Không đọc được tệp: tệp quá lớn để đọc (hết bộ nhớ)."
FORMULA_ERRORS = ("#DIV/0!", "#N/A", "#REF!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!")


class ReadError(Exception):
    """A file that cannot be read at all; the message is for the analyst (Vietnamese).
    `why`: where the readers here refuse a file LibreOffice may still read (a format none of
    them reads, a damaged structure, a reader's error), why, as the note of a file read
    through LibreOffice says it; None for a final refusal (an empty file, a real password,
    a limit of the guard, hostile content, legacy text)."""

    def __init__(self, message: str, why: str | None = None):
        super().__init__(message)
        self.why = why


class Sheets(list):
    """The sheets of a workbook (`SheetGrid`s); `note`: how it was read, when that is worth
    recording in the ledger (read through LibreOffice), in Vietnamese."""

    note: str | None = None


class OutOfMemory(ReadError):
    """A reader ran out of the memory it may use (the build may try the file alone)."""


@dataclass(frozen=True)
class CellError:
    """A cell whose cached value is a formula error, e.g. CellError("#DIV/0!")."""

    code: str

    def __str__(self) -> str:
        return self.code


@dataclass
class SheetGrid:
    name: str
    rows: list[list[object]]  # rows[r][c]; r, c are 0-based spreadsheet positions
    hidden: bool = False
    hidden_rows: set[int] = field(default_factory=set)
    percent_cells: set[tuple[int, int]] = field(default_factory=set)
    formula_no_value: set[tuple[int, int]] = field(default_factory=set)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # r0, c0, r1, c1
    epoch1904: bool = False  # the workbook's serial dates count from 1904-01-01 (Mac Excel)
    notes: list[str] = field(default_factory=list)  # what the analyst should know (in loads)

    def value(self, r: int, c: int) -> object:
        if r < len(self.rows) and c < len(self.rows[r]):
            return self.rows[r][c]
        return None


def read_workbook(path: Path, data: bytes | None = None) -> Sheets:
    """Every sheet of the file at `path`, read from `data` (its bytes, read once by
    `guard.open_once`; read here when not given).  A file the readers here refuse, where
    the refusal is not final (`ReadError.why`), is converted by LibreOffice and that
    .xlsx read (`_through_libreoffice`)."""
    suffix = path.suffix.lower()
    first = None
    try:
        if data is None and (suffix in SPREADSHEET_SUFFIXES or suffix in _CONVERTIBLE):
            data = guard.open_once(path).data
        return Sheets(_read_here(path, data, suffix))
    except guard.Rejected as exc:
        raise ReadError(str(exc)) from exc
    except ReadError as exc:
        if exc.why is None or data is None:
            raise
        first = exc
    except MemoryError:
        pass  # (raised below, once what the reader held is let go)
    if first is None:
        raise OutOfMemory(OUT_OF_MEMORY)
    return _through_libreoffice(data, suffix, first)


def _read_here(path: Path, data: bytes | None, suffix: str) -> list[SheetGrid]:
    """The readers of this module, guard first; a `ReadError` when none reads the file."""
    if suffix not in SPREADSHEET_SUFFIXES:
        what = UNSUPPORTED_SPREADSHEETS.get(suffix)
        said = f"là {what}" if what else f"có đuôi «{suffix or '(không có đuôi)'}»"
        raise ReadError(
            f"Định dạng tệp không được hỗ trợ: tệp {said}. Hãy mở bằng chương trình đã tạo "
            "ra nó và lưu thành Excel (.xlsx) rồi gửi lại.",
            why="đây là định dạng mà chương trình không tự đọc" if suffix in _CONVERTIBLE else None,
        )
    try:
        if data is None:
            data = guard.open_once(path).data
        inspection = guard.check_file(path, data=data)
    except guard.Rejected as exc:
        why = None
        if isinstance(exc, guard.Unreadable):
            why = _WHY_ENCRYPTED if str(exc) == guard.encrypted_message() else _WHY_DAMAGED
        raise ReadError(str(exc), why=why) from exc
    except MemoryError as exc:
        raise OutOfMemory(OUT_OF_MEMORY) from exc
    except Exception as exc:  # damage the guard did not foresee: this file only, never the build
        raise _unreadable(exc, suffix) from exc
    fmt = inspection.format
    try:
        if fmt == "csv":
            gzipped = inspection.unpacked is not None  # (unpacked once, by the guard)
            grids = [_read_csv(inspection.unpacked if gzipped else data, path.stem, gzipped)]
        else:
            grids = _read_book(data, inspection, suffix)
    except ReadError:
        raise
    except MemoryError as exc:
        raise OutOfMemory(OUT_OF_MEMORY) from exc
    except Exception as exc:  # every kind of damage a reader raises
        raise _unreadable(exc, suffix) from exc
    _refuse_legacy_text(grids)
    return grids


# formats no reader here reads that LibreOffice does (a .gsheet is a link, no data)
_CONVERTIBLE = set(UNSUPPORTED_SPREADSHEETS) - {".gsheet"}
_WHY_DAMAGED = "tệp hỏng hoặc có cấu trúc mà các bộ đọc của chương trình không đọc được"
_WHY_ENCRYPTED = (
    "tệp được mã hóa theo cách chương trình không tự giải được (LibreOffice mở được nên đây "
    "là mật khẩu mặc định của Excel)"
)


def _through_libreoffice(data: bytes, suffix: str, first: ReadError) -> Sheets:
    """The file LibreOffice saves as .xlsx, read through the guard and the readers here
    like any file (every limit applies to it); `first`: why the readers refused the
    original, whose message stands, with a sentence added, when LibreOffice does not read
    it either."""
    from pipeline.ingest import convert

    try:
        guard.check_unparsed(data)
        xlsx = convert.to_xlsx(data, suffix)
    except guard.Rejected as exc:
        raise ReadError(str(exc)) from exc
    except convert.Failed as exc:
        raise ReadError(f"{first} {exc}") from first
    label = _FORMAT_LABEL.get(suffix) or UNSUPPORTED_SPREADSHEETS.get(suffix) or f"«{suffix}»"
    try:
        inspection = guard.check_file(Path("tep.xlsx"), data=xlsx)
        grids = Sheets(_read_book(xlsx, inspection, ".xlsx"))
    except guard.Rejected as exc:
        raise ReadError(str(exc)) from exc
    except OutOfMemory:
        raise
    except ReadError as exc:
        raise ReadError(str(exc)) from exc  # final: never converted twice
    except MemoryError as exc:
        raise OutOfMemory(OUT_OF_MEMORY) from exc
    except Exception as exc:  # noqa: BLE001 - what LibreOffice wrote, no reader reads
        raise ReadError(f"{first} LibreOffice cũng không đọc được tệp.") from exc
    if not any(v is not None for g in grids for row in g.rows for v in row):
        # it opened the file and found nothing in it (a damaged one, often): not read
        if str(first) == guard.encrypted_message():  # so no password was asked: not that
            raise ReadError(
                "Không đọc được tệp: tệp được mã hóa theo cách chương trình không tự giải "
                "được; LibreOffice mở được tệp mà không cần mật khẩu nhưng không thấy số liệu "
                f"nào (tệp hỏng). {guard.FIX_HINT}"
            )
        raise ReadError(f"{first} LibreOffice mở được tệp nhưng không thấy số liệu nào.")
    _refuse_legacy_text(grids)
    grids.note = (
        f"Đọc qua LibreOffice: tệp {label} được LibreOffice chuyển sang .xlsx rồi mới đọc, vì "
        f"{first.why}. Nên mở tệp kiểm tra số liệu và lưu lại thành Excel (.xlsx)."
    )
    return grids


def _read_book(data: bytes, inspection, suffix: str) -> list[SheetGrid]:
    fmt = inspection.format
    if inspection.decrypted is not None:  # opened with Excel's default password
        data = inspection.decrypted
    try:
        if inspection.binary:  # .xlsb: read here, holding only the cells written
            grids = _read_xlsb(data, inspection)
        else:
            if inspection.old:
                raise ReadError("old BIFF")  # calamine reads no Excel 2.x–4.x: straight to xlrd
            if inspection.sparse:  # calamine would hold the whole rectangle
                raise ReadError("sparse")  # between far-apart cells: xlrd keeps only the cells
            with _quiet_stderr():  # a Rust panic prints its trace on fd 2: not for the analyst
                grids = _read_calamine(data)
    except (KeyboardInterrupt, SystemExit):
        raise
    except MemoryError:
        grids = None  # (raised below, once what the reader held is let go)
    except BaseException as first:  # noqa: BLE001 - CalamineError, or a pyo3 PanicException
        first.__traceback__ = None  # its frames hold what the reader read: let it go
        grids = _second_reader(data, fmt, inspection, first)
    if grids is None:
        raise OutOfMemory(OUT_OF_MEMORY)
    if fmt == "xlsx" and not inspection.binary:  # what calamine does not report, from the
        # guard's pass (the .xlsb reader reads its formats, errors and hidden rows itself)
        for grid in grids:
            grid.epoch1904 = inspection.epoch1904
            cells = inspection.sheets.get(grid.name)
            if cells is not None:
                grid.hidden_rows |= cells.hidden_rows
                grid.percent_cells |= cells.percent_cells
                grid.formula_no_value |= cells.formula_no_value
                _put_errors(grid, cells.errors)
    else:
        # what only the file says; if that pass fails, the values calamine read stand
        try:
            if fmt == "xls":
                _xls_meta(data, grids)
            elif fmt == "ods":
                _ods_meta(data, grids)
        except MemoryError:
            raise
        except Exception:  # noqa: BLE001 - xlrd is stricter than calamine on odd files
            pass
    return grids


@contextlib.contextmanager
def _quiet_stderr():
    """File descriptor 2 to a scratch file while a library that may write to it runs."""
    import tempfile

    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    try:
        with tempfile.TemporaryFile() as sink:
            os.dup2(sink.fileno(), 2)
            try:
                yield
            finally:
                os.dup2(saved, 2)
    finally:
        os.close(saved)


def serial_date(value: float, epoch1904: bool = False):
    """An Excel serial number as the date (and time) it stands for: openpyxl's `from_excel`,
    which knows the 1900 system's leap-year bug (serial 60 is a 29 February 1900 that never
    was) and the 1904 system of Mac workbooks.  None when no calendar holds it."""
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

    try:
        return from_excel(value, CALENDAR_MAC_1904 if epoch1904 else CALENDAR_WINDOWS_1900)
    except (OverflowError, ValueError, TypeError):
        return None


def _put_errors(grid: SheetGrid, errors: dict[tuple[int, int], str]) -> None:
    for (r, c), code in errors.items():
        while len(grid.rows) <= r:
            grid.rows.append([])
        row = grid.rows[r]
        while len(row) <= c:
            row.append(None)
        row[c] = CellError(code)


def _second_reader(data: bytes, fmt: str, inspection, first: BaseException) -> list[SheetGrid]:
    """Where calamine refuses a file, the reader of that format that others use."""
    name = type(first).__name__
    if "Password" in name:
        raise ReadError(guard.encrypted_message()) from None  # final: never to LibreOffice
    try:
        if fmt == "xlsx" and not inspection.binary:
            skip = set(inspection.not_tables)
            return [g for g in _read_openpyxl(data) if g.name not in skip]
        if fmt == "xls":
            return _read_xlrd(data, ragged=inspection.sparse)
        if fmt == "ods":
            return _read_ods_stream(data)
    except (KeyboardInterrupt, SystemExit):
        raise
    except MemoryError as exc:
        raise OutOfMemory(OUT_OF_MEMORY) from exc
    except BaseException:  # noqa: BLE001 - the second reader refuses it too
        pass
    raise _unreadable(first, ".xlsb" if inspection.binary else "." + fmt) from None


def _unreadable(exc: BaseException, suffix: str) -> ReadError:
    """A reader's failure, as the refusal LibreOffice may still read past (a password
    never: that refusal is final)."""
    final = "Password" in type(exc).__name__
    return ReadError(_describe_read_error(exc, suffix), why=None if final else _WHY_DAMAGED)


_FORMAT_LABEL = {
    ".xlsx": "Excel (.xlsx)",
    ".xlsm": "Excel (.xlsm)",
    ".xltx": "mẫu Excel (.xltx)",
    ".xltm": "mẫu Excel (.xltm)",
    ".xlsb": "Excel nhị phân (.xlsb)",
    ".xls": "Excel 97-2003 (.xls)",
    ".ods": "LibreOffice (.ods)",
    ".csv": "CSV",
}


def _refuse_legacy_text(grids: list[SheetGrid]) -> None:
    """Reject a file typed in TCVN3 or VNI, naming the encoding and showing an example."""
    from pipeline.ingest.legacy import detect_legacy

    found = detect_legacy(_strings(grids))
    if found is None:
        return
    where = ""
    for grid in grids:
        hit = next(
            (
                (r, c)
                for r, row in enumerate(grid.rows)
                for c, v in enumerate(row)
                if isinstance(v, str) and found.example in v
            ),
            None,
        )
        if hit or found.example in grid.name:
            cell = _a1(*hit) if hit else None
            where = f" (trang «{grid.name}»" + (f", ô {cell})" if cell else ")")
            break
    raise ReadError(
        f"Không đọc được tệp: chữ trong tệp được gõ bằng bảng mã {found.label} cũ, không "
        f"phải Unicode — ví dụ «{found.example}»{where} đọc đúng là «{found.decoded}». "
        f"Hãy chuyển mã sang Unicode (Unikey: Công cụ chuyển mã, nguồn {found.encoding}, "
        "đích Unicode) rồi gửi lại."
    )


def _strings(grids: list[SheetGrid], limit: int = 20_000):
    n = 0
    for grid in grids:
        yield grid.name
        for row in grid.rows:
            for v in row:
                if isinstance(v, str):
                    yield v
                    n += 1
                    if n >= limit:
                        return


def _a1(r: int, c: int) -> str | None:
    """A cell's address ("B7", 0-based row and column), or None past column ZZZ (only a
    CSV is that wide; no spreadsheet program names such a cell)."""
    from openpyxl.utils.cell import get_column_letter

    try:
        return f"{get_column_letter(c + 1)}{r + 1}"
    except ValueError:
        return None


def _describe_read_error(exc: BaseException, suffix: str) -> str:
    """A reader's failure in Vietnamese; the library's own words never reach the analyst."""
    if "Password" in type(exc).__name__:
        return guard.encrypted_message()
    label = _FORMAT_LABEL.get(suffix, f"«{suffix}»")
    return (
        f"Không đọc được tệp {label}: tệp hỏng hoặc có cấu trúc mà Excel và LibreOffice lưu "
        f"không có (cả hai chương trình đọc bảng tính đều không đọc được). {guard.FIX_HINT}"
    )


def _read_calamine(data: bytes) -> list[SheetGrid]:
    from python_calamine import CalamineWorkbook

    # from the bytes: calamine tells the format from the content (an .xls named .xlsx)
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    grids = []
    try:
        for meta in book.sheets_metadata:
            if "WorkSheet" not in str(meta.typ):  # chart, macro or dialog sheet: no table
                continue
            sheet = book.get_sheet_by_name(meta.name)
            rows = [
                [None if v == "" else v for v in row]
                for row in sheet.to_python(skip_empty_area=False)
            ]
            merged = []
            for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or []:
                merged.append((r0, c0, r1, c1))
            grids.append(
                SheetGrid(
                    name=meta.name,
                    rows=rows,
                    hidden=not str(meta.visible).endswith(".Visible"),
                    merged=merged,
                )
            )
    finally:
        book.close()
    return grids


def _read_xlsb(data: bytes, inspection) -> list[SheetGrid]:
    from pipeline.ingest import xlsb

    grids = []
    for sheet in xlsb.read_xlsb(data, inspection.worksheets):
        for r, c in sheet.dates:  # a number no calendar holds stays the number it is
            when = serial_date(sheet.rows[r][c], inspection.epoch1904)
            sheet.rows[r][c] = sheet.rows[r][c] if when is None else when
        for r, c in sheet.durations:
            with contextlib.suppress(OverflowError, ValueError):  # (a NaN stays a number)
                sheet.rows[r][c] = datetime.timedelta(days=sheet.rows[r][c])
        grid = SheetGrid(
            sheet.name,
            sheet.rows,
            hidden=sheet.hidden,
            hidden_rows=sheet.hidden_rows,
            percent_cells=sheet.percent_cells,
            merged=sheet.merged,
            epoch1904=inspection.epoch1904,
        )
        _put_errors(grid, sheet.errors)
        grids.append(grid)
    return grids


# --- second readers -------------------------------------------------------------------


def _cell_value(v: object) -> object:
    if isinstance(v, str):
        if v in FORMULA_ERRORS:
            return CellError(v)
        return v if v.strip() != "" else None
    return v


def _read_openpyxl(data: bytes) -> list[SheetGrid]:
    import warnings

    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            grids = []
            for ws in book.worksheets:
                rows = [[_cell_value(v) for v in row] for row in ws.iter_rows(values_only=True)]
                grids.append(SheetGrid(ws.title, rows, hidden=ws.sheet_state != "visible"))
        finally:
            book.close()
    return grids


def _read_xlrd(data: bytes, ragged: bool = False) -> list[SheetGrid]:
    """ragged: each row only as long as its last cell (a sparse sheet: `Inspection.sparse`),
    not padded to the widest row."""
    import xlrd

    with open(os.devnull, "w") as log:
        book = xlrd.open_workbook(
            file_contents=data, logfile=log, on_demand=True, ragged_rows=ragged
        )
        try:
            grids = []
            for idx in range(book.nsheets):
                sheet = book.sheet_by_index(idx)
                rows = []
                for r in range(sheet.nrows):
                    row = []
                    for cell in sheet.row(r):
                        if cell.ctype == xlrd.XL_CELL_DATE:  # (or the number no date is)
                            when = serial_date(cell.value, bool(book.datemode))
                            row.append(cell.value if when is None else when)
                        elif cell.ctype == xlrd.XL_CELL_ERROR:
                            row.append(CellError(xlrd.error_text_from_code.get(cell.value, "#N/A")))
                        elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                            row.append(None)
                        elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                            row.append(bool(cell.value))
                        else:
                            row.append(_cell_value(cell.value))
                    rows.append(row)
                merged = [(r0, c0, r1 - 1, c1 - 1) for r0, r1, c0, c1 in sheet.merged_cells]
                grids.append(
                    SheetGrid(
                        sheet.name,
                        rows,
                        hidden=sheet.visibility != 0,
                        merged=merged,
                        epoch1904=bool(book.datemode),
                    )
                )
                book.unload_sheet(idx)
        finally:
            book.release_resources()
    return grids


def _read_ods_stream(data: bytes) -> list[SheetGrid]:
    """An .ods calamine refuses (a pretty-printed content.xml, no mimetype): read by the
    streaming pass over content.xml that also finds its formats (`_OdsContent`)."""
    content = _OdsContent(data, values=True)
    return content.grids


# --- xls ---------------------------------------------------------------------------


def _xls_meta(data: bytes, grids: list[SheetGrid]) -> None:
    import xlrd

    from pipeline.ingest.guard import is_percent_format

    with open(os.devnull, "w") as log:
        book = xlrd.open_workbook(  # ragged: rows as long as their cells (row_len below)
            file_contents=data, formatting_info=True, on_demand=True, logfile=log, ragged_rows=True
        )
    try:
        percent_xf = {
            i
            for i, xf in enumerate(book.xf_list)
            if is_percent_format(
                getattr(book.format_map.get(xf.format_key), "format_str", "") or ""
            )
        }
        by_name = {g.name: g for g in grids}
        for grid in grids:
            grid.epoch1904 = bool(book.datemode)
        for idx, name in enumerate(book.sheet_names()):
            grid = by_name.get(name)
            if grid is None:
                continue
            sheet = book.sheet_by_index(idx)
            grid.hidden = grid.hidden or sheet.visibility != 0
            grid.hidden_rows |= {r for r, info in sheet.rowinfo_map.items() if info.hidden}
            grid.merged = [(r0, c0, r1 - 1, c1 - 1) for r0, r1, c0, c1 in sheet.merged_cells]
            errors = {}
            for r in range(sheet.nrows):
                for c in range(sheet.row_len(r)):
                    if sheet.cell_xf_index(r, c) in percent_xf:
                        grid.percent_cells.add((r, c))
                    if sheet.cell_type(r, c) == xlrd.XL_CELL_ERROR:
                        code = xlrd.error_text_from_code.get(sheet.cell_value(r, c), "#N/A")
                        errors[(r, c)] = code
            _put_errors(grid, errors)
            book.unload_sheet(idx)
    finally:
        book.release_resources()


# --- ods: content.xml streamed, never held whole ------------------------------------

_T = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_O = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"


def _int(text: str | None, default: int = 1) -> int:
    try:
        return max(1, int(text)) if text else default
    except ValueError:
        return default


class _OdsContent:
    """One streaming pass over content.xml (`XMLPullParser` fed a chunk at a time; each
    row is dropped once seen, so memory holds one row, not the document): hidden rows,
    percent cells, formulas without a value, merged ranges, formula errors, and, with
    `values`, the cell values themselves (for a file calamine refuses)."""

    def __init__(self, data: bytes, values: bool = False):
        from xml.etree.ElementTree import XMLPullParser

        self.values = values
        self.grids: list[SheetGrid] = []
        parser = XMLPullParser(events=("start", "end"))
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            name = next(
                (n for n in zf.namelist() if n.replace("\\", "/").lower() == "content.xml"),
                "content.xml",
            )
            with zf.open(name) as fh:
                while chunk := fh.read(1 << 20):
                    parser.feed(chunk)
                    self._events(parser)
        parser.close()
        self._events(parser)

    grid: SheetGrid | None = None
    r = 0
    depth_table = 0

    def _events(self, parser) -> None:
        for event, el in parser.read_events():
            tag = el.tag
            if event == "start":
                if tag == f"{_T}table":
                    self.grid = SheetGrid(el.get(f"{_T}name") or f"trang {len(self.grids) + 1}", [])
                    self.grids.append(self.grid)
                    self.r = 0
                continue
            if tag == f"{_T}table-row" and self.grid is not None:
                self._row(el)
                el.clear()
            elif tag == f"{_T}table":
                self.grid = None
                el.clear()

    def _row(self, row) -> None:
        grid, r = self.grid, self.r
        repeat = _int(row.get(f"{_T}number-rows-repeated"))
        if row.get(f"{_T}visibility", "visible") != "visible" and repeat < 10_000:
            grid.hidden_rows.update(range(r, r + repeat))
        cells = [el for el in row if el.tag in (f"{_T}table-cell", f"{_T}covered-table-cell")]
        values: list[object] = []
        c = 0
        for cell in cells:
            span = _int(cell.get(f"{_T}number-columns-repeated"))
            kind = cell.get(f"{_O}value-type")
            formula = cell.get(f"{_T}formula")
            if self.values or formula:  # (the text only where it is wanted: a value, or an
                # error a formula left)
                text = "\n".join("".join(p.itertext()) for p in cell.iter(f"{_TEXT}p"))
                value = _ods_value(kind, cell, text)
            else:
                value = None
            if formula and isinstance(value, str) and value in FORMULA_ERRORS:
                value = CellError(value)
            if repeat == 1 and span < 10_000:
                if kind == "percentage":
                    grid.percent_cells.update((r, c + k) for k in range(span))
                if formula and kind is None:
                    grid.formula_no_value.update((r, c + k) for k in range(span))
                cols = _int(cell.get(f"{_T}number-columns-spanned"))
                rows = _int(cell.get(f"{_T}number-rows-spanned"))
                if cols > 1 or rows > 1:
                    grid.merged.append((r, c, r + rows - 1, c + cols - 1))
            if (self.values or isinstance(value, CellError)) and value is not None:
                values.extend([None] * (c - len(values)))
                values.extend([value] * min(span, 16_384))
            c += span
        if values and repeat < 10_000:
            for k in range(repeat):
                while len(grid.rows) < r + k:
                    grid.rows.append([])
                if self.values:
                    grid.rows.append(list(values))
                else:
                    _put_errors(
                        grid,
                        {
                            (r + k, j): v.code
                            for j, v in enumerate(values)
                            if isinstance(v, CellError)
                        },
                    )
        self.r = r + repeat


def _ods_value(kind: str | None, cell, text: str) -> object:
    if kind in ("float", "percentage", "currency"):
        try:
            number = float(cell.get(f"{_O}value", ""))
        except ValueError:
            return text or None
        return (
            int(number) if number.is_integer() and "." not in text and "," not in text else number
        )
    if kind == "boolean":
        return cell.get(f"{_O}boolean-value") == "true"
    if kind == "date":
        return cell.get(f"{_O}date-value") or text or None
    return text if text.strip() else None


def _ods_meta(data: bytes, grids: list[SheetGrid]) -> None:
    content = _OdsContent(data)
    by_name = {g.name: g for g in grids}
    for found in content.grids:
        grid = by_name.get(found.name)
        if grid is None:
            continue
        grid.hidden_rows |= found.hidden_rows
        grid.percent_cells |= found.percent_cells
        grid.formula_no_value |= found.formula_no_value
        grid.merged.extend(m for m in found.merged if m not in grid.merged)
        for r, row in enumerate(found.rows):
            errors = {(r, c): v.code for c, v in enumerate(row) if isinstance(v, CellError)}
            _put_errors(grid, errors)


# --- csv ---------------------------------------------------------------------------


def _read_csv(data: bytes, stem: str, gzipped: bool = False) -> SheetGrid:
    """`gzipped`: `data` is the text of a gzip-compressed .csv, unpacked by the guard."""
    notes: list[str] = []
    if gzipped:
        notes.append("Tệp CSV được nén gzip (không phải tệp CSV thường): đã giải nén khi đọc.")
    text = None
    wide = guard.wide_text(data[:8192])  # Excel's "Unicode text" export, UTF-32, no mark
    if wide is not None:
        try:
            text = data.decode(wide).lstrip("\ufeff")
        except UnicodeDecodeError as exc:
            label = "UTF-32" if "32" in wide else "UTF-16"
            raise ReadError(f"Không đọc được tệp CSV: bảng mã {label} bị hỏng.") from exc
    elif b"\x00" in data:  # strays only: the guard refuses any other (`stray_nuls`)
        notes.append(
            f"Tệp CSV có {_n(data.count(0))} byte rỗng (NUL) lẫn trong chữ — chương trình "
            "xuất tệp để lại, không chương trình bảng tính nào hiện chúng; đã bỏ đi khi đọc."
        )
        data = data.replace(b"\x00", b"")
    if text is None:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            pass
    guessed = None
    if text is None:
        # Not UTF-8: Windows-1258, unless it was typed in a legacy font (TCVN3, VNI), whose
        # bytes read as Windows-1252 letters.
        _refuse_legacy_text([SheetGrid(stem, [[data.decode("cp1252", "replace")]])])
        try:
            text = data.decode("cp1258")
        except UnicodeDecodeError:
            guessed = _guess_code_page(data)
            text = data.decode(guessed)
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        # newline=None: lines end in LF, CR LF or CR alone (Excel for Mac)
        rows = [
            [cell if cell.strip() != "" else None for cell in row]
            for row in csv.reader(io.StringIO(text, newline=None), dialect)
        ]
    except csv.Error as exc:
        raise ReadError(
            "Không đọc được tệp CSV: có dấu ngoặc kép không đóng hoặc một ô quá dài. Hãy mở "
            "tệp bằng Excel, kiểm tra rồi lưu lại dạng CSV UTF-8."
        ) from exc
    if guessed is not None:
        notes.append(_guessed_note(guessed, rows))
    return SheetGrid(name=stem, rows=rows, notes=notes)


# Code pages a CSV that is neither Unicode nor Windows-1258 may be in, most likely first,
# with how they are named to the analyst.  None of them holds Vietnamese (ă, đ, ơ, ư and
# the tone marks): Vietnamese bytes are Windows-1258 (tried before), or TCVN3/VNI (refused
# with the conversion named).
CODE_PAGES = {
    "cp1252": "Windows-1252 (Tây Âu)",
    "cp1250": "Windows-1250 (Trung Âu)",
    "cp1257": "Windows-1257 (vùng Baltic)",
    "cp1251": "Windows-1251 (chữ Kirin)",
    "mac_roman": "Mac Roman (máy Mac đời cũ)",
}
# Windows-1258's tone marks (combining grave, acute, tilde, hook above, dot below) and the
# vowels they follow in Vietnamese (a e i o u y, â ê ô ơ ư ă and their capitals)
_CP1258_TONE = re.compile(rb"[\xcc\xec\xde\xd2\xf2]")
_CP1258_VOICED = re.compile(
    rb"[aeiouyAEIOUY\xe2\xea\xf4\xf5\xfd\xe3\xc2\xca\xd4\xd5\xdd\xc3][\xcc\xec\xde\xd2\xf2]"
)


def _guess_code_page(data: bytes) -> str:
    """The code page of a CSV that is neither UTF-8 nor Windows-1258, or a `ReadError`
    when the bytes are Vietnamese text with damage in it (a guess would load wrong letters
    where the sender wrote right ones) or fit none of `CODE_PAGES`."""
    bad_line = _damaged_line(data)
    if bad_line is not None:
        raise ReadError(
            f"Không đọc được tệp CSV: tệp được lưu bằng bảng mã {bad_line[0]} nhưng dòng "
            f"{_n(bad_line[1])} có byte không thuộc bảng mã đó — tệp bị hỏng hoặc ghép từ "
            "nhiều tệp khác bảng mã; đọc theo bảng mã khác sẽ ra chữ sai. Hãy mở tệp bằng "
            "Excel, kiểm tra dòng đó rồi lưu lại dạng «CSV UTF-8» và gửi lại."
        )
    from charset_normalizer import from_bytes

    order = list(CODE_PAGES)
    found = [m for m in from_bytes(data, cp_isolation=order) if m.encoding in CODE_PAGES]
    if not found:
        raise ReadError(
            "Không nhận ra bảng mã của tệp CSV: không phải UTF-8, UTF-16 hay Windows-1258, "
            "và đọc theo bảng mã nào khác (Windows-1250, Windows-1252…) cũng chỉ ra ký tự vô "
            "nghĩa. Hãy mở tệp bằng Excel hoặc LibreOffice, lưu lại dạng «CSV UTF-8» rồi gửi "
            "lại."
        )
    # the least garbled reading; between equals, the more common code page
    return min(found, key=lambda m: (round(m.chaos, 2), order.index(m.encoding))).encoding


def _damaged_line(data: bytes) -> tuple[str, int] | None:
    """(encoding, line) of the first byte that breaks a Vietnamese text: UTF-8 where the
    valid multi-byte letters outnumber the broken bytes ten to one, or Windows-1258 where
    tone marks follow vowels as Vietnamese writes them; None for text of another code page."""
    broken, at, good = 0, None, 0
    for run in re.finditer(rb"[\x80-\xff]+", data):
        text = run.group().decode("utf-8", "replace")
        bad = text.count("\ufffd")
        good += len(text) - bad
        if bad and at is None:
            at = run.start()
        broken += bad
    if broken and good >= 10 * broken:
        return "UTF-8", _line_of(data, at)
    # (a Czech ň after a vowel is the same byte as a tone mark: but it is one letter in
    # dozens of the others, where a Vietnamese text's tone marks are one in five at least)
    tones = sum(1 for _ in _CP1258_TONE.finditer(data))
    voiced = sum(1 for _ in _CP1258_VOICED.finditer(data))
    high = len(data) - len(data.translate(None, bytes(range(128, 256))))
    if voiced >= 3 and voiced * 2 > tones and voiced * 5 >= high:
        undefined = re.search(rb"[\x81\x8a\x8d-\x90\x9a\x9d\x9e]", data)  # not in Windows-1258
        return "Windows-1258", _line_of(data, undefined.start() if undefined else 0)
    return None


def _line_of(data: bytes, at: int) -> int:
    """The 1-based line holding byte `at` (lines end in LF, CR LF or CR alone)."""
    head = data[:at]
    return max(head.count(b"\n"), head.count(b"\r")) + 1


def _guessed_note(encoding: str, rows: list[list[object]]) -> str:
    """The note of a CSV read in a guessed code page: which one, how many cells hold letters
    it decided, one of them as read."""
    cells = [
        (r, c, v)
        for r, row in enumerate(rows)
        for c, v in enumerate(row)
        if isinstance(v, str) and not v.isascii()
    ]
    note = (
        f"Tệp CSV không lưu bằng UTF-8 hay Windows-1258: đã đọc theo bảng mã "
        f"{CODE_PAGES[encoding]}, đoán từ nội dung tệp."
    )
    if cells:
        r, c, v = cells[0]
        where = _a1(r, c) or f"dòng {_n(r + 1)}"
        at = next(i for i, ch in enumerate(v) if not ch.isascii())
        lo, hi = max(0, at - 30), at + 30
        example = ("…" if lo else "") + v[lo:hi] + ("…" if hi < len(v) else "")
        note += (
            f" {_n(len(cells))} ô có chữ ngoài bảng chữ Latinh cơ bản, ví dụ ô {where}: "
            f"«{example}». Nếu chữ có dấu hiện sai, hãy mở tệp bằng Excel, lưu lại dạng "
            "«CSV UTF-8» rồi gửi lại."
        )
    return note
