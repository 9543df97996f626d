"""Readers: every spreadsheet format becomes a list of `SheetGrid`.

Cell values come from calamine (fast, Rust) for .xlsx/.xlsm/.xls/.ods; what calamine does
not expose and the pipeline needs is read from the file itself: which cells are formatted
as a percent (0.955 shown as 95,5 %), which formula cells carry no cached value, which
rows are hidden (for .xlsx these come from `guard.check_file`'s pass over the sheet XML,
which every .xlsx goes through anyway).  CSV files are decoded as UTF-8 (with or without
BOM), UTF-16 (with BOM) or Windows-1258.

No parser sees a file before `guard.check_file` has passed it (real format from the
content, password protection, ZIP bombs, XML entities, sheet size), and no parser error
escapes as anything but a `ReadError` with a Vietnamese message: one hostile or broken
file is rejected and the rest of the batch loads.  Text typed in the legacy TCVN3 or VNI
fonts is detected (`legacy.detect_legacy`) and the file rejected with a message naming the
encoding and showing a decoded example, so the sender can convert it with Unikey.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree as ET

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".csv"}


class ReadError(Exception):
    """A file that cannot be read at all; the message is for the analyst (Vietnamese)."""


@dataclass
class SheetGrid:
    name: str
    rows: list[list[object]]  # rows[r][c]; r, c are 0-based spreadsheet positions
    hidden: bool = False
    hidden_rows: set[int] = field(default_factory=set)
    percent_cells: set[tuple[int, int]] = field(default_factory=set)
    formula_no_value: set[tuple[int, int]] = field(default_factory=set)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # r0, c0, r1, c1

    def value(self, r: int, c: int) -> object:
        if r < len(self.rows) and c < len(self.rows[r]):
            return self.rows[r][c]
        return None


def read_workbook(path: Path) -> list[SheetGrid]:
    from pipeline.ingest import guard

    suffix = path.suffix.lower()
    if suffix not in SPREADSHEET_SUFFIXES and guard.is_regular_file(path):
        raise ReadError(f"Định dạng tệp «{suffix}» không được hỗ trợ.")
    try:
        inspection = guard.check_file(path)
    except guard.Rejected as exc:
        raise ReadError(str(exc)) from exc
    except MemoryError as exc:
        raise ReadError("Không đọc được tệp: tệp quá lớn để đọc (hết bộ nhớ).") from exc
    except Exception as exc:  # damage the guard did not foresee: this file only, never the build
        raise ReadError(_describe_read_error(exc, suffix)) from exc
    fmt = inspection.format
    try:
        grids = [_read_csv(path)] if fmt == "csv" else _read_book(path, inspection, suffix)
    except ReadError:
        raise
    except MemoryError as exc:
        raise ReadError("Không đọc được tệp: tệp quá lớn để đọc (hết bộ nhớ).") from exc
    except Exception as exc:  # calamine, xlrd, zipfile, XML: every kind of damage
        raise ReadError(_describe_read_error(exc, suffix)) from exc
    _refuse_legacy_text(grids)
    return grids


def _read_book(path: Path, inspection, suffix: str) -> list[SheetGrid]:
    fmt = inspection.format
    grids = _read_calamine(path, named_as_is=_FORMAT_OF_SUFFIX.get(suffix) == fmt)
    try:
        if fmt == "xlsx":  # what calamine does not report, from the guard's pass
            for grid in grids:
                cells = inspection.sheets.get(grid.name)
                if cells is not None:
                    grid.hidden_rows |= cells.hidden_rows
                    grid.percent_cells |= cells.percent_cells
                    grid.formula_no_value |= cells.formula_no_value
        elif fmt == "xls":
            _xls_meta(path, grids)
        elif fmt == "ods":
            _ods_meta(path, grids)
    except MemoryError:
        raise
    except Exception as exc:
        raise ReadError(
            f"Không đọc được định dạng ô của tệp (tệp hỏng): {type(exc).__name__}: {str(exc)[:160]}"
        ) from exc
    return grids


def _utf8_name(path: Path) -> bool:
    try:
        str(path).encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


_FORMAT_OF_SUFFIX = {".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xls", ".ods": "ods"}


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
            where = f" (trang «{grid.name}»" + (f", ô {_a1(*hit)})" if hit else ")")
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


def _a1(r: int, c: int) -> str:
    n, letters = c + 1, ""
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{r + 1}"


def _describe_read_error(exc: Exception, suffix: str) -> str:
    name = type(exc).__name__
    if "Password" in name:
        return "Tệp được bảo vệ bằng mật khẩu; hãy gỡ mật khẩu rồi gửi lại."
    return (
        f"Không đọc được tệp {suffix}: tệp hỏng hoặc không phải bảng tính "
        f"({name}: {str(exc)[:160]})."
    )


def _read_calamine(path: Path, named_as_is: bool = True) -> list[SheetGrid]:
    from python_calamine import CalamineWorkbook

    if named_as_is and _utf8_name(path):
        book = CalamineWorkbook.from_path(str(path))
    else:  # an .xls saved as .xlsx, or a name that is not UTF-8: read from the open file,
        # calamine tells the format from the content
        with open(path, "rb") as fh:
            book = CalamineWorkbook.from_filelike(fh)
    grids = []
    try:
        for meta in book.sheets_metadata:
            if "WorkSheet" not in str(meta.typ):
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


# --- xls ---------------------------------------------------------------------------


def _xls_meta(path: Path, grids: list[SheetGrid]) -> None:
    import xlrd

    from pipeline.ingest.guard import is_percent_format

    book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
    try:
        percent_xf = {
            i
            for i, xf in enumerate(book.xf_list)
            if is_percent_format(getattr(book.format_map.get(xf.format_key), "format_str", ""))
        }
        by_name = {g.name: g for g in grids}
        for idx, name in enumerate(book.sheet_names()):
            grid = by_name.get(name)
            if grid is None:
                continue
            sheet = book.sheet_by_index(idx)
            grid.hidden = grid.hidden or sheet.visibility != 0
            grid.hidden_rows |= {r for r, info in sheet.rowinfo_map.items() if info.hidden}
            grid.merged = [(r0, c0, r1 - 1, c1 - 1) for r0, r1, c0, c1 in sheet.merged_cells]
            for r in range(sheet.nrows):
                for c in range(sheet.row_len(r)):
                    if sheet.cell_xf_index(r, c) in percent_xf:
                        grid.percent_cells.add((r, c))
            book.unload_sheet(idx)
    finally:
        book.release_resources()


# --- ods ---------------------------------------------------------------------------

_T = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_O = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"


def _ods_meta(path: Path, grids: list[SheetGrid]) -> None:
    by_name = {g.name: g for g in grids}
    with zipfile.ZipFile(path) as zf:
        content = zf.read("content.xml")
    root = ET.fromstring(content)
    for table in root.iter(f"{_T}table"):
        grid = by_name.get(table.get(f"{_T}name"))
        if grid is None:
            continue
        r = 0
        for row in table.iter(f"{_T}table-row"):
            repeat = int(row.get(f"{_T}number-rows-repeated", "1"))
            cells = [el for el in row if el.tag in (f"{_T}table-cell", f"{_T}covered-table-cell")]
            if row.get(f"{_T}visibility", "visible") != "visible" and repeat < 10_000:
                grid.hidden_rows.update(range(r, r + repeat))
            if repeat == 1:
                c = 0
                for cell in cells:
                    span = int(cell.get(f"{_T}number-columns-repeated", "1"))
                    if cell.get(f"{_O}value-type") == "percentage":
                        grid.percent_cells.update((r, c + k) for k in range(span))
                    if cell.get(f"{_T}formula") and cell.get(f"{_O}value-type") is None:
                        grid.formula_no_value.update((r, c + k) for k in range(span))
                    cols = int(cell.get(f"{_T}number-columns-spanned", "1"))
                    rows = int(cell.get(f"{_T}number-rows-spanned", "1"))
                    if cols > 1 or rows > 1:
                        grid.merged.append((r, c, r + rows - 1, c + cols - 1))
                    c += span
            r += repeat


# --- csv ---------------------------------------------------------------------------


def _read_csv(path: Path) -> SheetGrid:
    data = path.read_bytes()
    text = None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" export
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ReadError("Không đọc được tệp CSV: bảng mã UTF-16 bị hỏng.") from exc
    if text is None:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            pass
    if text is None:
        # Not UTF-8: Windows-1258, unless it was typed in a legacy font (TCVN3, VNI), whose
        # bytes read as Windows-1252 letters.
        _refuse_legacy_text([SheetGrid(path.stem, [[data.decode("cp1252", "replace")]])])
        try:
            text = data.decode("cp1258")
        except UnicodeDecodeError as exc:
            raise ReadError(
                "Không nhận ra bảng mã của tệp CSV (cần UTF-8 hoặc Windows-1258)."
            ) from exc
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = [
            [cell if cell.strip() != "" else None for cell in row]
            for row in csv.reader(io.StringIO(text), dialect)
        ]
    except csv.Error as exc:
        raise ReadError(
            f"Không đọc được tệp CSV: {exc} (thường do dấu ngoặc kép không đóng hoặc một ô quá "
            "dài). Hãy mở tệp bằng Excel, kiểm tra rồi lưu lại dạng CSV UTF-8."
        ) from exc
    return SheetGrid(name=path.stem, rows=rows)
