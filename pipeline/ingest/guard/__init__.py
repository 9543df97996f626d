"""Pre-parse checks: what a file really is, and whether a parser may be given it.

Spreadsheets arrive by email and USB stick from dozens of offices, so every file is
treated as hostile until it has passed these checks.  `check_file` runs before any parser
sees a byte of the file (`read.read_workbook` calls it first) and raises `Rejected` with
a Vietnamese message; the build turns that into a file-level rejection and loads the rest
of the batch.

What is checked, cheapest first:

- the file is a regular file, not empty and not larger than `max_file_bytes`;
- its real format, from its first bytes, not its name: ZIP (.xlsx/.xlsm/.ods), OLE/CFB
  (.xls, or an encrypted .xlsx), or text (.csv).  A spreadsheet saved under another
  spreadsheet's extension (an .xls renamed .xlsx) is read as what it is; a PDF, Word
  document, picture, web page, archive or program under a spreadsheet's name is refused;
- password protection: an OLE container holding an `EncryptedPackage` stream (encrypted
  .xlsx), a FILEPASS record in an .xls, `encryption-data` in an .ods manifest, encrypted
  ZIP entries;
- ZIP bombs, from the central directory before anything is unpacked: the number of
  entries, the total unpacked size, each entry's and the whole file's compression ratio;
  then every XML part is unpacked as a stream (never whole), counting real bytes and
  checking CRCs, so a central directory that lies is caught too;
- XML entity expansion ("billion laughs") and external entities: no spreadsheet program
  writes a DOCTYPE, so any `<!DOCTYPE` or `<!ENTITY` in an XML part (UTF-8 or UTF-16)
  refuses the file;
- sheet size, counted from the raw cells before a parser allocates anything: the last
  row holding a value (`max_rows`), the area rows × columns a reader would allocate
  (`max_cells`), the number of sheets and of shared strings.  A sheet of a million rows
  is refused in a fraction of a second with a message, in bounded memory.

Limits (`Limits`; each can be raised for one exceptional batch with an environment
variable, e.g. THIDUA_MAX_ROWS=200000):

| limit | default | environment variable |
| --- | --- | --- |
| file size | 64 MiB | THIDUA_MAX_FILE_MB |
| ZIP entries | 10 000 | THIDUA_MAX_ENTRIES |
| unpacked size (all entries) | 256 MiB | THIDUA_MAX_UNPACKED_MB |
| compression ratio (entry or file, once over 128 MiB unpacked) | 100 : 1 | THIDUA_MAX_RATIO |
| one XML part other than sheets and shared strings | 64 MiB | — |
| rows per sheet (last row with a value) | 100 000 | THIDUA_MAX_ROWS |
| cells per sheet (rows × columns of the used area) | 2 000 000 | THIDUA_MAX_CELLS |
| lines of a CSV (its cells are bounded by the cells' limit) | 1 048 576 | THIDUA_MAX_CSV_ROWS |
| a gzip-compressed .csv, unpacked | the file size | THIDUA_MAX_FILE_MB |
| sheets per workbook | 255 | — |
| merged ranges per sheet | 100 000 | THIDUA_MAX_MERGES |
| cells of all sheets together | 5 000 000 | — |
| one text node of an XML part | 4 MiB | — |
| one shared string | 256 KiB | — |
| text all cells expand to (each shared string counted per use) | 64 MiB | THIDUA_MAX_TEXT_MB |

Each file is read once (`open_once`: no symlink followed, no pipe opened) and checked, and
parsed, from those bytes; bytes sent to LibreOffice instead (`read.read_workbook`) pass
`check_unparsed` first, and the .xlsx it writes `check_file`.  The part names of a ZIP are matched as readers match them
(`part_key`: "\\" or "/", any case), the workbook found through `_rels/.rels`; .xlsb
binary parts are streamed as records (`_Biff12`).  An OLE container's streams are named in
any case; a workbook encrypted with Excel's default password is decrypted (msoffcrypto)
and its content checked like any other.

The modules, one job each (this module keeps `check_file` and re-exports the public names):

| module | job |
| --- | --- |
| `limits` | `Limits` and their environment overrides |
| `messages` | `Rejected` (and `Unreadable`, the refusals LibreOffice may read past), the hints, the refusals several checks share |
| `inspection` | `Opened`, `Inspection`, `SheetCells`: what the guard hands on |
| `fs` | `open_once`, `is_regular_file`, `skip_reason`, `display_name` |
| `sniff` | the real format from the first bytes |
| `text` | UTF-16/UTF-32 told from the bytes; a .csv's checks |
| `zip` | the ZIP container: entries, sizes, ratios, `part_key`, entries streamed by `ZipFile.open` |
| `package` | a ZIP workbook: which format, then every part checked |
| `xlsx` | .xlsx/.xlsm sheets (streamed through expat, no DTD), shared strings, styles; .xlsb records (`_Biff12`) |
| `ods` | .ods content.xml and manifest |
| `ole` | OLE/CFB containers and BIFF records (.xls) |
| `sizes` | a sheet's used area, the book's cells, counted patterns |

The modules import one another in one direction only (`limits` ← `messages` ← `sizes` ←
`text` ← `sniff`; `zip` ← `xlsx`, `ods` ← `package` ← `ole`), never this package.
"""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

from pipeline.ingest.guard.fs import (
    VANISHED,
    display_name,
    is_regular_file,
    open_once,
    os_error_message,
    skip_reason,
)
from pipeline.ingest.guard.inspection import Inspection, Opened, SheetCells
from pipeline.ingest.guard.limits import CHUNK, Limits, MiB, limits
from pipeline.ingest.guard.messages import (
    FIX_HINT,
    FORMATS_HINT,
    Rejected,
    Unreadable,
    _encrypted,
    _mb,
    encrypted_message,
)
from pipeline.ingest.guard.ole import DEFAULT_PASSWORD, _check_cfb, _Encrypted, _scan_biff
from pipeline.ingest.guard.package import _check_zip
from pipeline.ingest.guard.sniff import FOREIGN, MAGIC, OLD_BIFF_MAX_BYTES, sniff
from pipeline.ingest.guard.text import GZIP, _check_csv, gunzip_csv, wide_text
from pipeline.ingest.guard.xlsx import _SheetScan, is_percent_format
from pipeline.ingest.guard.zip import (
    _DECL,
    _check_directory,
    _check_entry_count,
    _zip_entry_count,
    part_key,
)

__all__ = [
    "CHUNK",
    "DEFAULT_PASSWORD",
    "FIX_HINT",
    "FOREIGN",
    "FORMATS_HINT",
    "Inspection",
    "Limits",
    "MAGIC",
    "MiB",
    "OLD_BIFF_MAX_BYTES",
    "Opened",
    "Rejected",
    "SheetCells",
    "Unreadable",
    "VANISHED",
    "check_file",
    "check_unparsed",
    "display_name",
    "encrypted_message",
    "is_percent_format",
    "is_regular_file",
    "limits",
    "open_once",
    "os_error_message",
    "part_key",
    "skip_reason",
    "sniff",
    "wide_text",
    "_SheetScan",
]


def check_file(path: Path, lim: Limits | None = None, data: bytes | None = None) -> Inspection:
    """Check the file's bytes before any parser sees them; return its real format (and
    sheet cells).  `data`: the bytes `open_once` read (read here when not given).

    The format is one of "xlsx" (also .xlsm, .xltx, .xlsb), "xls", "ods", "csv", decided
    by the file's content.  Raises `Rejected` when the file must not be parsed.
    """
    lim = lim or limits()
    suffix = path.suffix.lower()
    if data is None:
        data = open_once(path, lim).data
    _check_size(data, lim)
    head = data[:8192]
    kind = sniff(head)
    expected = "csv" if suffix == ".csv" else ("xls" if suffix == ".xls" else "zip")
    if kind == "zip":
        return _check_zip(data, suffix, lim)
    if kind == "cfb":
        return _check_cfb(data, suffix, lim)
    if kind == "text" and expected == "csv":
        return Inspection(_check_csv(data, path.stem, lim))
    if kind == "archive" and expected == "csv" and data.startswith(GZIP):  # a .csv.gz renamed
        text = gunzip_csv(data, lim)
        if sniff(text[:8192]) == "text":
            return Inspection(_check_csv(text, path.stem, lim), unpacked=text)
    if kind == "biff_old" and len(data) <= OLD_BIFF_MAX_BYTES:
        # a bare BIFF stream (Excel 2.x–4.x, or 5.0–2003 written without a container):
        # xlrd reads it; small enough that whatever it holds stays small in memory
        sparse = False
        try:
            sparse = _scan_biff(data, lim)[1]
        except _Encrypted:
            raise Rejected(_encrypted()) from None
        except struct.error:
            pass  # records the scan does not know (BIFF2–4): the size cap bounds them
        return Inspection("xls", old=True, sparse=sparse)
    what = FOREIGN.get(kind, "không phải bảng tính")
    if kind == "text":
        what = "tệp văn bản (CSV hoặc văn bản thường), không phải bảng tính Excel"
    raise Rejected(
        f"Không đọc được tệp: tệp mang đuôi «{suffix}» nhưng thực chất là {what}. " + FORMATS_HINT
    )


def _check_size(data: bytes, lim: Limits) -> None:
    if not data:
        raise Rejected("Không đọc được tệp: tệp rỗng (0 byte). Hãy gửi lại tệp có số liệu.")
    if len(data) > lim.max_file_bytes:
        raise Rejected(
            f"Không đọc được tệp: tệp nặng {_mb(len(data))}, vượt giới hạn "
            f"{_mb(lim.max_file_bytes)} cho một tệp. Hãy tách số liệu thành nhiều tệp nhỏ hơn."
        )


def check_unparsed(data: bytes, lim: Limits | None = None) -> None:
    """What can be checked of bytes that go to LibreOffice instead of a reader here (a
    format none reads, or a structure `Unreadable`): the size; a ZIP's entry count, unpacked
    size, ratios and encrypted entries, from its central directory when that opens (one
    that does not is what LibreOffice repairs; its memory, time and file sizes are capped
    instead, `convert.to_xlsx`); no DOCTYPE/ENTITY in XML or text (a .fods).  Raises a final
    `Rejected`; the .xlsx LibreOffice writes then passes `check_file` like any file."""
    lim = lim or limits()
    _check_size(data, lim)
    kind = sniff(data[:8192])
    if kind == "zip":
        try:
            entries = _zip_entry_count(data)
            zf = zipfile.ZipFile(io.BytesIO(data))
        except Exception:  # noqa: BLE001 - a damaged directory: LibreOffice repairs it
            return
        with zf:
            _check_entry_count(entries, lim)
            _check_directory(len(data), [i for i in zf.infolist() if not i.is_dir()], lim)
    elif kind not in ("cfb", "biff_old") and _DECL.search(data):
        raise Rejected(
            "Không đọc được tệp: tệp có khai báo DOCTYPE/ENTITY. Bảng tính do Excel hay "
            "LibreOffice lưu không bao giờ có khai báo này; tệp có thể độc hại (tấn công mở "
            "rộng thực thể XML) nên không được đọc."
        )
