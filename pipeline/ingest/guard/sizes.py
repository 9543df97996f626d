"""Sheet sizes, counted from the raw cells before any parser allocates."""

from __future__ import annotations

import re

from pipeline.ingest.guard.limits import Limits, limits
from pipeline.ingest.guard.messages import Rejected, _n


def _too_many_rows(sheet: str, row: int | None, lim: Limits) -> str:
    where = f"có số liệu đến dòng {_n(row)}" if row else f"có hơn {_n(lim.max_rows)} dòng"
    return (
        f"Không đọc được tệp: trang «{sheet}» {where}, vượt giới hạn "
        f"{_n(lim.max_rows)} dòng một trang. Hãy xóa các dòng thừa hoặc tách số liệu thành "
        "nhiều tệp nhỏ hơn."
    )


def _too_many_cells(sheet: str, rows: int, cols: int, lim: Limits) -> str:
    corner = _corner(rows, cols)
    # (the count stops where the limit is passed: the sheet reaches this far at least)
    where = (
        f" (từ ô A1 đến ít nhất ô {corner}; phím Ctrl+End trong Excel đưa tới ô cuối cùng có "
        "dữ liệu)"
        if corner
        else ""
    )
    return (
        f"Không đọc được tệp: vùng số liệu của trang «{sheet}» rộng {_n(rows)} dòng × "
        f"{_n(cols)} cột{where}, vượt giới hạn {_n(lim.max_cells)} ô một trang. Hãy xóa các "
        "ô thừa ở xa bảng số liệu hoặc tách số liệu thành nhiều tệp."
    )


def _corner(rows: int, cols: int) -> str | None:
    """The far corner of a used area ("IV65536", 1-based row and column), or None where no
    spreadsheet program has such a cell (past row 1 048 576 or column XFD)."""
    if not (0 < rows <= 1_048_576 and 0 < cols <= 16_384):
        return None
    letters, c = "", cols
    while c:
        c, rest = divmod(c - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{rows}"


class _Book:
    """The cells of all the sheets of one workbook together (each sheet is read whole)."""

    def __init__(self, lim: Limits):
        self.lim, self.area = lim, 0
        self.text = 0  # bytes of shared strings the cells expand to

    def grow(self, by: int) -> None:
        self.area += by
        if self.area > self.lim.max_book_cells:
            raise Rejected(
                f"Không đọc được tệp: các trang tính cộng lại có vùng số liệu hơn "
                f"{_n(self.lim.max_book_cells)} ô, vượt giới hạn cho một tệp. Hãy xóa các trang "
                "hoặc ô thừa, hoặc tách số liệu thành nhiều tệp."
            )


# what a row costs a reader of ragged rows, in cells: a list of its own (56 bytes and a
# pointer, about what one cell's value and pointer take)
ROW_SLOTS = 1


class _Extent:
    """The used area of one sheet: last row and column holding a value (1-based)."""

    def __init__(self, sheet: str, lim: Limits, book: _Book | None = None, sparse_ok=False):
        self.sheet, self.lim, self.book = sheet, lim, book or _Book(lim)
        self.max_row = self.max_col = self.cells = self.merges = 0
        # sparse_ok: a reader that holds only the cells written reads this format (.xls:
        # xlrd's ragged rows; .xlsb), so a rectangle past the limit is `sparse`, not refused;
        # what such a reader holds is each row as far as its last cell (`ragged`), bounded
        # by the cell limit like a rectangle (a cell at the far right of every row is the
        # rectangle again)
        self.sparse_ok, self.sparse = sparse_ok, False
        self.ragged, self.widths, self.row_at, self.row_width = 0, {}, 0, 0
        self.rows_held = 0

    def merge(self, count: int = 1) -> None:
        self.merges += count
        if self.merges > self.lim.max_merges:
            raise Rejected(
                f"Không đọc được tệp: trang «{self.sheet}» có hơn {_n(self.lim.max_merges)} "
                "vùng ô gộp, vượt giới hạn (tệp hỏng hoặc độc hại). Hãy bỏ gộp ô ở vùng thừa."
            )

    def add(self, row: int, col: int, rows: int = 1, cols: int = 1) -> None:
        if self.sparse_ok and (row != self.row_at or col + cols - 1 > self.row_width):
            self._ragged(row, col + cols - 1, rows)  # (cells of one row: nothing to do)
        if rows == cols == 1 and row <= self.max_row and col <= self.max_col:  # inside
            self.cells += 1
            if self.cells > self.lim.max_cells:
                raise Rejected(_too_many_cells(self.sheet, self.max_row, self.max_col, self.lim))
            return
        last_row, last_col = row + rows - 1, col + cols - 1
        area = self.max_row * self.max_col
        self.cells += rows * cols
        if last_row > self.max_row:
            self.max_row = last_row
            if last_row > self.lim.max_rows:
                raise Rejected(_too_many_rows(self.sheet, last_row, self.lim))
        if last_col > self.max_col:
            self.max_col = last_col
        if self.cells > self.lim.max_cells:
            raise Rejected(_too_many_cells(self.sheet, self.max_row, self.max_col, self.lim))
        if self.max_row * self.max_col > self.lim.max_cells:
            if not self.sparse_ok or self.ragged > self.lim.max_cells:
                raise Rejected(_too_many_cells(self.sheet, self.max_row, self.max_col, self.lim))
            if not self.sparse:  # from here its reader holds each row to its last cell
                self.sparse = True
                self.book.grow(self.ragged)
        if not self.sparse:
            self.book.grow(self.max_row * self.max_col - area)
        elif self.max_row > self.rows_held:  # and a list for each row, empty or not
            grown = (self.max_row - self.rows_held) * ROW_SLOTS
            self.rows_held = self.max_row
            self._hold(grown)

    def _hold(self, grown: int) -> None:
        """`grown` more slots held by the reader of a sparse sheet, within the cell limit."""
        self.ragged += grown
        if self.ragged > self.lim.max_cells:
            raise Rejected(_too_many_cells(self.sheet, self.max_row, self.max_col, self.lim))
        self.book.grow(grown)

    def _ragged(self, row: int, last_col: int, rows: int) -> None:
        """Each row's width (its last cell), summed in `ragged`: what a reader of ragged rows
        holds.  Past the cell limit it is refused once the sheet is sparse (before, the
        rectangle, which is larger, is what the limit judges)."""
        if row != self.row_at:  # the widths of rows left behind kept, if met again
            self.widths[self.row_at] = self.row_width
            self.row_at, self.row_width = row, self.widths.get(row, 0)
        width = self.row_width
        if last_col > width:
            grown = (last_col - width) * rows  # (a block of rows: counted as its first)
            self.row_width = last_col
            if self.sparse:
                self._hold(grown)
            else:
                self.ragged += grown


class _CountScan:
    """Counts a short pattern across chunks (a match is never split or counted twice)."""

    KEEP = 32

    def __init__(self, pattern: re.Pattern, limit: int, message, lim: Limits | None = None):
        self.pattern, self.limit, self.message = pattern, limit, message
        self.lim = lim or limits()
        self.count, self.tail = 0, b""

    def feed(self, chunk: bytes) -> None:
        window = self.tail + chunk
        cut = max(0, len(window) - self.KEEP)
        self.count += sum(1 for m in self.pattern.finditer(window) if m.start() < cut)
        self.tail = window[cut:]
        if self.count > self.limit:
            raise Rejected(self.message(self.count, self.lim))

    def finish(self) -> None:
        self.count += len(self.pattern.findall(self.tail))
        self.tail = b""
        if self.count > self.limit:
            raise Rejected(self.message(self.count, self.lim))
