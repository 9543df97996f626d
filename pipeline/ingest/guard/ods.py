"""The parts of an .ods: content.xml's rows and cells, repeats included; the manifest's encryption."""

from __future__ import annotations

import re
import zipfile

from pipeline.ingest.guard.limits import Limits
from pipeline.ingest.guard.messages import Rejected, _encrypted, _n
from pipeline.ingest.guard.sizes import _Book, _CountScan, _Extent


def _check_ods_manifest(lookup: dict[str, zipfile.ZipInfo], unpack) -> None:
    if "meta-inf/manifest.xml" in lookup:
        scan = _CountScan(re.compile(rb"encryption-data"), 0, lambda n, lim: _encrypted())
        unpack.scan(lookup["meta-inf/manifest.xml"], scan)
        scan.finish()


_ODS_TOKEN = re.compile(
    rb"<(?:\w+:)?table(?=[\s/>])([^>]*?)/?>"
    rb"|<(?:\w+:)?table-row(?=[\s/>])([^>]*?)(/?)>"
    rb"|<(?:\w+:)?(?:covered-)?table-cell(?=[\s/>])([^>]*?)(/?)>"
)


_ODS_NAME = re.compile(rb'\bname\s*=\s*"([^"]*)"')


_ODS_ROWS = re.compile(rb'number-rows-repeated\s*=\s*"(\d+)"')


_ODS_COLS = re.compile(rb'number-columns-repeated\s*=\s*"(\d+)"')


_ODS_VALUE = re.compile(rb"(?:value-type|formula)\s*=")


_ODS_SPAN = re.compile(rb'number-(?:columns|rows)-spanned\s*=\s*"(?!1")\d')


class _OdsScan:
    """Streams content.xml: the rows and columns a reader expands, repeats included.

    A cell holds a value when it has a value type or content; empty styled cells and rows
    repeated to the end of the sheet (LibreOffice writes them) do not count."""

    def __init__(self, lim: Limits):
        self.lim = lim
        self.buf = b""
        self.extent: _Extent | None = None
        self.book = _Book(lim)
        self.sheets = 0
        self.next_row = 1  # 1-based number of the next row of the current table
        self.row, self.rows = 1, 1  # the current row and how many times it repeats
        self.col = 0

    def feed(self, chunk: bytes) -> None:
        self.buf += chunk
        cut = self.buf.rfind(b">")
        if cut < 0:
            if len(self.buf) > self.lim.max_row_xml_bytes:
                raise Rejected("Không đọc được tệp: content.xml có một thẻ quá dài (tệp hỏng).")
            return
        self._tokens(self.buf[: cut + 1])
        self.buf = self.buf[cut + 1 :]

    def finish(self) -> None:
        self._tokens(self.buf)
        self.buf = b""

    def _tokens(self, data: bytes) -> None:
        for m in _ODS_TOKEN.finditer(data):
            if m.group(1) is not None:  # <table:table ...>: a new sheet
                self.sheets += 1
                if self.sheets > self.lim.max_sheets:
                    raise Rejected(
                        f"Không đọc được tệp: bảng tính có hơn {_n(self.lim.max_sheets)} trang tính."
                    )
                name = _ODS_NAME.search(m.group(1))
                label = (
                    name.group(1).decode("utf-8", "replace") if name else f"trang thứ {self.sheets}"
                )
                self.extent = _Extent(label, self.lim, self.book)
                self.next_row = 1
            elif m.group(2) is not None:  # <table:table-row ...>
                rep = _ODS_ROWS.search(m.group(2))
                self.row, self.rows = self.next_row, int(rep.group(1)) if rep else 1
                self.next_row += self.rows
                self.col = 0
            elif self.extent is not None:  # <table:table-cell ...> or a covered cell
                rep = _ODS_COLS.search(m.group(4))
                cols = int(rep.group(1)) if rep else 1
                first = self.col + 1
                self.col += cols
                if m.group(5) != b"/" or _ODS_VALUE.search(m.group(4)):
                    self.extent.add(self.row, first, self.rows, cols)
                if _ODS_SPAN.search(m.group(4)):
                    self.extent.merge(self.rows * cols)
