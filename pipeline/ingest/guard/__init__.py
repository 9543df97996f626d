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
| sheets per workbook | 255 | — |
| merged ranges per sheet | 10 000 | — |
| cells of all sheets together | 5 000 000 | — |
| one text node of an XML part | 4 MiB | — |
| one shared string | 256 KiB | — |
| text all cells expand to (each shared string counted per use) | 64 MiB | THIDUA_MAX_TEXT_MB |

Each file is read once (`open_once`: no symlink followed, no pipe opened) and checked, and
parsed, from those bytes.  The part names of a ZIP are matched as readers match them
(`part_key`: "\\" or "/", any case), the workbook found through `_rels/.rels`; .xlsb
binary parts are streamed as records (`_Biff12`).  An OLE container's streams are named in
any case; a workbook encrypted with Excel's default password is decrypted (msoffcrypto)
and its content checked like any other.
"""

from __future__ import annotations

import errno
import functools
import io
import os
import posixpath
import re
import stat
import struct
import types
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

MiB = 1 << 20
CHUNK = 1 << 20


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 64 * MiB
    max_entries: int = 10_000
    max_unpacked_bytes: int = 256 * MiB
    max_ratio: float = 100.0
    ratio_floor_bytes: int = 128 * MiB  # below this, a high ratio harms nobody
    max_part_bytes: int = 64 * MiB
    max_rows: int = 100_000
    max_cells: int = 2_000_000
    max_sheets: int = 255
    max_merges: int = 10_000  # merged ranges per sheet
    max_book_cells: int = 5_000_000  # all sheets together
    max_text_bytes: int = 4 * MiB  # one text node of an XML part
    max_row_xml_bytes: int = 64 * MiB  # one <row> element of a sheet
    max_cell_text_bytes: int = 256 * 1024  # one shared string (a cell holds 32 767 chars)
    max_expanded_text_bytes: int = 64 * MiB  # text of all cells, each shared string per use


def limits() -> Limits:
    """The limits in force: the defaults, or the environment's for an exceptional batch."""

    def env(name: str, default: float, scale: int = 1) -> float:
        raw = os.environ.get(name)
        try:
            return float(raw) * scale if raw else default
        except ValueError:
            return default

    base = Limits()
    return Limits(
        max_file_bytes=int(env("THIDUA_MAX_FILE_MB", base.max_file_bytes, MiB)),
        max_entries=int(env("THIDUA_MAX_ENTRIES", base.max_entries)),
        max_unpacked_bytes=int(env("THIDUA_MAX_UNPACKED_MB", base.max_unpacked_bytes, MiB)),
        max_ratio=env("THIDUA_MAX_RATIO", base.max_ratio),
        max_rows=int(env("THIDUA_MAX_ROWS", base.max_rows)),
        max_cells=int(env("THIDUA_MAX_CELLS", base.max_cells)),
        max_book_cells=max(base.max_book_cells, int(env("THIDUA_MAX_CELLS", 0))),
        max_expanded_text_bytes=int(env("THIDUA_MAX_TEXT_MB", base.max_expanded_text_bytes, MiB)),
    )


class Rejected(Exception):
    """The file must not be parsed; the message is for the analyst (Vietnamese)."""


def _n(value: float) -> str:
    from pipeline.core.text import format_vn

    return format_vn(float(value), 0)


def _mb(size: int) -> str:
    from pipeline.core.text import format_vn

    return format_vn(size / MiB, 1) + " MB"


FIX_HINT = "Hãy mở tệp bằng Excel hoặc LibreOffice, kiểm tra rồi lưu lại và gửi lại."
FORMATS_HINT = "Hãy gửi bảng tính Excel (.xlsx, .xls), LibreOffice (.ods) hoặc CSV."


# --- entry point -------------------------------------------------------------------


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


@dataclass(frozen=True)
class Opened:
    """A file's bytes, read once: what is hashed is what is guarded and parsed."""

    data: bytes
    size: int
    mtime: float
    sha256: str


VANISHED = (
    "Không đọc được tệp: tệp đã bị xóa hoặc đổi tên trong khi đang nạp. Hãy chạy lại lệnh "
    "nạp khi các tệp đã chép xong."
)
_OS_ERRORS = {
    errno.EACCES: "không có quyền đọc tệp",
    errno.EPERM: "không có quyền đọc tệp",
    errno.EIO: "lỗi đọc đĩa (ổ đĩa hoặc USB có thể bị hỏng)",
    errno.EISDIR: "đây là một thư mục, không phải tệp",
    errno.ENAMETOOLONG: "tên hoặc đường dẫn của tệp quá dài",
    errno.ELOOP: "đây là liên kết tượng trưng (symlink), không phải tệp",
}


def os_error_message(exc: OSError) -> str:
    """An operating-system error when reading a file, said in Vietnamese."""
    if isinstance(exc, FileNotFoundError):
        return VANISHED
    what = _OS_ERRORS.get(exc.errno or 0, f"hệ điều hành báo lỗi số {exc.errno}")
    return f"Không đọc được tệp: {what}."


def _symlink(path: Path) -> Rejected:
    try:
        target = display_name(os.readlink(path))
    except OSError:
        target = "?"
    return Rejected(
        f"Không đọc được tệp: đây là liên kết tượng trưng (symlink) trỏ tới «{target}», "
        "không phải tệp; liên kết không bao giờ được đi theo (có thể trỏ ra ngoài thư mục "
        "dữ liệu gốc). Hãy chép chính tệp vào thư mục dữ liệu gốc."
    )


def open_once(path: Path, lim: Limits | None = None, allow_empty: bool = False) -> Opened:
    """Read the whole file once, never following a symbolic link (O_NOFOLLOW: a link
    swapped in after a check is refused by the kernel, not followed) and never blocking
    on a pipe or device (O_NONBLOCK, then fstat on the open file)."""
    import hashlib

    lim = lim or limits()
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    flags |= getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP or os.path.islink(path):
            raise _symlink(path) from exc
        raise Rejected(os_error_message(exc)) from exc
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise Rejected(
                "Không đọc được tệp: đây không phải tệp thường (thiết bị, ống hoặc thư mục)."
            )
        too_big = Rejected(
            f"Không đọc được tệp: tệp nặng {_mb(st.st_size)}, vượt giới hạn "
            f"{_mb(lim.max_file_bytes)} cho một tệp. Hãy tách số liệu thành nhiều tệp nhỏ hơn."
        )
        if st.st_size > lim.max_file_bytes:
            raise too_big
        chunks, total = [], 0
        try:
            while chunk := os.read(fd, CHUNK):
                total += len(chunk)
                if total > lim.max_file_bytes:  # it grew while being read
                    raise too_big
                chunks.append(chunk)
        except OSError as exc:
            raise Rejected(os_error_message(exc)) from exc
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if not data and not allow_empty:
        raise Rejected("Không đọc được tệp: tệp rỗng (0 byte). Hãy gửi lại tệp có số liệu.")
    return Opened(data, len(data), st.st_mtime, hashlib.sha256(data).hexdigest())


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
    if not data:
        raise Rejected("Không đọc được tệp: tệp rỗng (0 byte). Hãy gửi lại tệp có số liệu.")
    if len(data) > lim.max_file_bytes:
        raise Rejected(
            f"Không đọc được tệp: tệp nặng {_mb(len(data))}, vượt giới hạn "
            f"{_mb(lim.max_file_bytes)} cho một tệp. Hãy tách số liệu thành nhiều tệp nhỏ hơn."
        )
    head = data[:8192]
    kind = sniff(head)
    expected = "csv" if suffix == ".csv" else ("xls" if suffix == ".xls" else "zip")
    if kind == "zip":
        return _check_zip(data, suffix, lim)
    if kind == "cfb":
        return _check_cfb(data, suffix, lim)
    if kind == "text" and expected == "csv":
        return Inspection(_check_csv(data, path.stem, lim))
    if kind == "biff_old" and len(data) <= OLD_BIFF_MAX_BYTES:
        # a bare BIFF stream (Excel 2.x–4.x, or 5.0–2003 written without a container):
        # xlrd reads it; small enough that whatever it holds stays small in memory
        try:
            _scan_biff(data, lim)
        except _Encrypted:
            raise Rejected(_encrypted()) from None
        except struct.error:
            pass  # records the scan does not know (BIFF2–4): the size cap bounds them
        return Inspection("xls", old=True)
    what = FOREIGN.get(kind, "không phải bảng tính")
    if kind == "text":
        what = "tệp văn bản (CSV hoặc văn bản thường), không phải bảng tính Excel"
    raise Rejected(
        f"Không đọc được tệp: tệp mang đuôi «{suffix}» nhưng thực chất là {what}. " + FORMATS_HINT
    )


# --- what a file is, from its first bytes ---------------------------------------------

OLD_BIFF_MAX_BYTES = 4 * MiB  # a bare BIFF stream is read by xlrd, whole, into memory

MAGIC = [
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),
    (b"PK\x07\x08", "zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "cfb"),
    (b"%PDF", "pdf"),
    (b"\x89PNG", "image"),
    (b"\xff\xd8\xff", "image"),
    (b"GIF8", "image"),
    (b"Rar!", "archive"),
    (b"7z\xbc\xaf\x27\x1c", "archive"),
    (b"\x1f\x8b", "archive"),
    (b"BZh", "archive"),
    (b"\xfd7zXZ", "archive"),
    (b"MZ", "program"),
    (b"\x7fELF", "program"),
    (b"{\\rtf", "rtf"),
    (b"\x09\x08", "biff_old"),
    (b"\x09\x00\x04\x00", "biff_old"),  # BIFF2
    (b"\x09\x04", "biff_old"),
    (b"\x09\x02", "biff_old"),
]
FOREIGN = {
    "pdf": "tệp PDF",
    "image": "một tệp ảnh",
    "archive": "một tệp nén (RAR, 7z, gzip…)",
    "program": "một chương trình chạy được (có thể chứa mã độc)",
    "rtf": "văn bản RTF",
    "html": "một trang web (HTML) — nhiều phần mềm xuất «Excel» dưới dạng này",
    "xml2003": "bảng tính XML 2003 (SpreadsheetML) — hãy mở bằng Excel và lưu thành .xlsx",
    "biff_old": "bảng tính Excel đời cũ (Excel 2.x–4.x) — hãy mở bằng Excel và lưu thành .xlsx",
    "binary": "một tệp nhị phân không rõ loại",
    "word": "văn bản Word",
    "powerpoint": "bản trình chiếu PowerPoint",
    "odf_other": "một tài liệu OpenDocument không phải bảng tính",
    "zip_other": "một tệp nén ZIP không chứa bảng tính",
    "ole_other": "một tài liệu Office (OLE) không phải bảng tính",
}
_HTML = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|table|meta)\b", re.I | re.S
)


def wide_text(head: bytes) -> str | None:
    """The encoding of text saved as UTF-32 or UTF-16 (with or without a byte-order mark),
    told from the mark or from where the zero bytes fall; None for any other bytes."""
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "utf-32"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    sample = head[: len(head) // 4 * 4][:4096]
    if len(sample) < 8 or b"\x00" not in sample:
        return None
    zeros = [sample[i::4].count(0) / (len(sample) // 4) for i in range(4)]
    # a letter's low byte is almost never zero; its high bytes mostly are
    if zeros[2] > 0.9 and zeros[3] > 0.9 and zeros[0] < 0.05:
        return "utf-32-le"
    if zeros[0] > 0.9 and zeros[1] > 0.9 and zeros[3] < 0.05:
        return "utf-32-be"
    odd, even = (zeros[1] + zeros[3]) / 2, (zeros[0] + zeros[2]) / 2
    if odd > 0.3 and even < 0.05:
        return "utf-16-le"
    if even > 0.3 and odd < 0.05:
        return "utf-16-be"
    return None


def sniff(head: bytes) -> str:
    """The kind of a file from its first bytes: zip, cfb, text, html, xml2003, pdf, …"""
    for magic, kind in MAGIC:
        if head.startswith(magic):
            return kind
    wide = wide_text(head)
    if wide is not None and wide != "utf-16":  # (a UTF-16 mark: handled below)
        try:  # UTF-32, or UTF-16 without a mark: judged as the text it is
            head = head[: len(head) // 4 * 4].decode(wide).encode("utf-8", "replace")
        except UnicodeDecodeError:
            return "binary"
        return "binary" if "\x00" in head.decode("utf-8", "replace") else sniff(head)
    body = head
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if body.startswith(bom):
            body = body[len(bom) :]
            break
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            body = head.decode("utf-16").encode("utf-8", "replace")
        except UnicodeDecodeError:
            return "binary"
    if _HTML.match(body):
        return "html"
    if (
        body.lstrip().startswith(b"<?xml")
        and b"urn:schemas-microsoft-com:office:spreadsheet" in body
    ):
        return "xml2003"
    if b"\x00" in body:
        return "binary"
    return "text"


# --- ZIP containers: .xlsx, .xlsm, .ods ---------------------------------------------------

_DECL = re.compile(
    b"|".join(
        re.escape(word.encode(enc))
        for word in ("<!DOCTYPE", "<!ENTITY")
        for enc in ("utf-8", "utf-16-le", "utf-16-be")
    )
)
_DECL_OVERLAP = 32
_SI = re.compile(rb"<(?:\w+:)?si(?=[\s/>])")


def _check_zip(data: bytes, suffix: str, lim: Limits) -> Inspection:
    try:
        entries = _zip_entry_count(data)
    except (OSError, zipfile.BadZipFile, struct.error, ValueError, IndexError) as exc:
        raise Rejected(_corrupt_zip(suffix)) from exc
    if entries > lim.max_entries:
        raise Rejected(
            f"Không đọc được tệp: tệp nén chứa {_n(entries)} thành phần, vượt giới hạn "
            f"{_n(lim.max_entries)} (tệp có thể là «bom nén» độc hại)."
        )
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (
        zipfile.BadZipFile,
        OSError,
        ValueError,
        struct.error,
        NotImplementedError,
        IndexError,
        UnicodeDecodeError,
    ) as exc:
        raise Rejected(_corrupt_zip(suffix)) from exc
    with zf, io.BytesIO(data) as raw:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        # part names as a reader finds them: "\\" for "/", any case (Windows zippers)
        lookup: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            lookup.setdefault(part_key(info.filename), info)
        _check_zip_sizes(len(data), infos, lim)
        if any(i.flag_bits & 0x1 for i in infos):
            raise Rejected(_encrypted())
        unpack = _Unpacker(raw, suffix, lim)
        fmt, workbook = _zip_format(lookup, suffix, unpack)
        if fmt == "ods":
            _check_ods_manifest(lookup, unpack)
        inspection = Inspection(fmt, binary=workbook.endswith(".bin"))
        sheets = {}
        if fmt == "xlsx":
            sheets = _xlsx_sheet_parts(lookup, workbook, unpack, lim, inspection.not_tables)
        percent: set[int] = set()
        styles = lookup.get(part_key(posixpath.dirname(workbook) + "/styles.xml"))
        if fmt != "xlsx" or inspection.binary:
            styles = None
        if styles is not None:  # before the sheets: their cells need it
            percent = _percent_styles(unpack.read(styles, scan=True))
        strings = _SharedStrings(lim)
        sst = None
        if fmt == "xlsx" and not inspection.binary:
            sst = next((i for k, i in lookup.items() if k.endswith("sharedstrings.xml")), None)
            if sst is not None:  # before the sheets: they count what their cells expand to
                unpack.scan(sst, _Utf16(strings))
                strings.finish()
        book = _Book(lim)
        if inspection.binary:
            _check_xlsb(lookup, unpack, lim, book)
        for info in infos:
            name = info.filename
            key = part_key(name)
            if not _parsed_part(key, fmt) or info is styles or info is sst:
                continue  # (a second copy of styles or strings is checked as any part)
            if fmt == "xlsx" and key in sheets:
                cells = inspection.sheets.setdefault(sheets[key], SheetCells())
                scan = _Utf16(_SheetScan(sheets[key], lim, book, cells, percent, strings))
            elif fmt == "xlsx" and key.endswith("sharedstrings.xml"):
                scan = _CountScan(_SI, lim.max_cells, _too_many_strings, lim)
            elif fmt == "ods" and key == "content.xml":
                scan = _OdsScan(lim)
            else:
                _check_part_size(info, lim)
                scan = None
            unpack.scan(info, scan)
            if scan is not None:
                scan.finish()
    return inspection


def _check_xlsb(lookup: dict[str, zipfile.ZipInfo], unpack, lim: Limits, book: _Book) -> None:
    """An .xlsb's binary parts, streamed like the XML ones: shared strings first (their
    sizes), then each worksheet's used area and the text its cells expand to."""
    strings = _SharedStrings(lim)
    sst = next((i for k, i in lookup.items() if k.endswith("sharedstrings.bin")), None)
    if sst is not None:
        scan = _Biff12(_Biff12.strings_record(strings, lim))
        unpack.scan(sst, scan, text=False)
        scan.finish()
    for key, info in lookup.items():
        if "worksheets/" in key and key.endswith(".bin"):
            scan = _Biff12(_Biff12.sheet_record(key.rsplit("/", 1)[-1], lim, book, strings))
            unpack.scan(info, scan, text=False)
            scan.finish()


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
                    raise Rejected(_corrupt_zip(".xlsb"))
                pos = head
                break
            self.on_record(rtype, buf[pos : pos + size])
            pos += size
        self.buf = buf[pos:]

    def finish(self) -> None:
        self.buf = b""

    @staticmethod
    def strings_record(strings: _SharedStrings, lim: Limits):
        def on(rtype: int, data: bytes) -> None:
            if rtype == 19 and len(data) >= 5:  # BrtSSTItem: flags, then cch and UTF-16
                strings._add(2 * struct.unpack_from("<I", data, 1)[0])

        return on

    @staticmethod
    def sheet_record(sheet: str, lim: Limits, book: _Book, strings: _SharedStrings):
        extent = _Extent(sheet, lim, book)
        row = [0]

        def on(rtype: int, data: bytes) -> None:
            if rtype == 0 and len(data) >= 4:  # BrtRowHdr
                row[0] = struct.unpack_from("<I", data, 0)[0]
            elif 2 <= rtype <= 11 and len(data) >= 4:  # a cell with a value
                col = struct.unpack_from("<I", data, 0)[0]
                extent.add(row[0] + 1, col + 1)
                if rtype == 7 and len(data) >= 12:  # BrtCellIsst: a shared string
                    book.text += strings.size(str(struct.unpack_from("<I", data, 8)[0]).encode())
                    if book.text > lim.max_expanded_text_bytes:
                        raise Rejected(_too_much_text(sheet, lim))

        return on


def part_key(name: str) -> str:
    """A ZIP part's name as readers match it: "/" separators, no leading "/", lower case."""
    return name.replace("\\", "/").lstrip("/").lower()


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
        raise Rejected(
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


def _zip_entry_count(data: bytes) -> int:
    """Entries declared in the end-of-central-directory record, read before the directory."""
    with io.BytesIO(data) as fh:
        end = zipfile._EndRecData(fh)  # noqa: SLF001 - the stdlib's own EOCD reader
    if not end:
        raise zipfile.BadZipFile("no end of central directory")
    return int(end[zipfile._ECD_ENTRIES_TOTAL])  # noqa: SLF001


def _corrupt_zip(suffix: str) -> str:
    return (
        f"Không đọc được tệp {suffix}: tệp bị hỏng hoặc bị cắt cụt (cấu trúc nén ZIP không "
        f"đọc được — thường do tải về hoặc chép chưa xong). {FIX_HINT}"
    )


def encrypted_message() -> str:
    return _encrypted()


def _encrypted() -> str:
    return (
        "Không đọc được tệp: tệp được bảo vệ bằng mật khẩu (mã hóa) nên không đọc được số "
        "liệu. Hãy gỡ mật khẩu (Excel: Tệp → Thông tin → Bảo vệ sổ làm việc → Mã hóa bằng "
        "mật khẩu, xóa mật khẩu rồi lưu) và gửi lại."
    )


def _workbook_part(lookup: dict[str, zipfile.ZipInfo], unpack) -> str | None:
    """The workbook part: where the package relationships (_rels/.rels) say, else the
    usual place."""
    rels = lookup.get("_rels/.rels")
    if rels is not None and rels.file_size <= 1 * MiB:
        from xml.etree import ElementTree as ET

        try:
            root = ET.fromstring(unpack.read(rels, scan=True))
        except ET.ParseError:
            root = None
        for rel in root if root is not None else []:
            if rel.get("Type", "").endswith("/officeDocument"):
                key = part_key(posixpath.normpath("/" + rel.get("Target", "")))
                if key in lookup and key.endswith((".xml", ".bin")):
                    return key
    for key in ("xl/workbook.xml", "xl/workbook.bin"):
        if key in lookup:
            return key
    return None


def _zip_format(lookup: dict[str, zipfile.ZipInfo], suffix: str, unpack) -> tuple[str, str]:
    workbook = _workbook_part(lookup, unpack)
    if workbook is not None and "word/document.xml" not in lookup:
        return "xlsx", workbook
    mimetype = b""
    if "mimetype" in lookup:
        info = lookup["mimetype"]
        if info.file_size <= 200:
            mimetype = unpack.read(info).strip()
    if mimetype == b"application/vnd.oasis.opendocument.spreadsheet" or (
        not mimetype and "content.xml" in lookup and suffix in (".ods", ".ots")
    ):
        return "ods", "content.xml"
    if "word/document.xml" in lookup:
        kind = "word"
    elif "ppt/presentation.xml" in lookup:
        kind = "powerpoint"
    elif mimetype.startswith(b"application/vnd.oasis.opendocument"):
        kind = "odf_other"
    else:
        kind = "zip_other"
    raise Rejected(
        f"Không đọc được tệp: tệp mang đuôi «{suffix}» nhưng thực chất là {FOREIGN[kind]}. "
        + FORMATS_HINT
    )


def _check_zip_sizes(size: int, infos: list[zipfile.ZipInfo], lim: Limits) -> None:
    total = sum(i.file_size for i in infos)
    if total > lim.max_unpacked_bytes:
        raise Rejected(
            f"Không đọc được tệp: khi giải nén, tệp chiếm {_mb(total)}, vượt giới hạn "
            f"{_mb(lim.max_unpacked_bytes)} (tệp có thể là «bom nén» độc hại)."
        )
    for info in infos:
        if info.file_size >= lim.ratio_floor_bytes:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > lim.max_ratio:
                raise Rejected(
                    f"Không đọc được tệp: phần «{info.filename}» nén với tỷ lệ {_n(ratio)}:1, "
                    f"vượt giới hạn {_n(lim.max_ratio)}:1 (tệp có thể là «bom nén» độc hại)."
                )
    if total >= lim.ratio_floor_bytes and total / max(size, 1) > lim.max_ratio:
        raise Rejected(
            f"Không đọc được tệp: tệp {_mb(size)} giải nén thành {_mb(total)} (tỷ lệ "
            f"{_n(total / max(size, 1))}:1, vượt giới hạn {_n(lim.max_ratio)}:1; tệp có thể "
            "là «bom nén» độc hại)."
        )


def _parsed_part(name: str, fmt: str) -> bool:
    """Parts a reader parses as XML (pictures and embedded objects are never parsed)."""
    low = name.lower()
    if not low.endswith((".xml", ".rels", ".vml")):
        return False
    return not low.startswith(("xl/media/", "pictures/", "thumbnails/", "xl/embeddings/"))


def _check_ods_manifest(lookup: dict[str, zipfile.ZipInfo], unpack) -> None:
    if "meta-inf/manifest.xml" in lookup:
        scan = _CountScan(re.compile(rb"encryption-data"), 0, lambda n, lim: _encrypted())
        unpack.scan(lookup["meta-inf/manifest.xml"], scan)
        scan.finish()


def _check_part_size(info: zipfile.ZipInfo, lim: Limits) -> None:
    if info.file_size > lim.max_part_bytes:
        raise Rejected(
            f"Không đọc được tệp: phần «{info.filename}» trong tệp nén nặng "
            f"{_mb(info.file_size)}, vượt giới hạn {_mb(lim.max_part_bytes)}."
        )


def _too_long_text(part: str, lim: Limits) -> str:
    return (
        f"Không đọc được tệp: phần «{part}» có một đoạn chữ dài hơn {_mb(lim.max_text_bytes)} "
        "(một ô Excel chứa tối đa 32.767 ký tự): tệp hỏng hoặc độc hại."
    )


class _Unpacker:
    """Inflates ZIP entries as streams straight from the file, trusting nothing declared:
    the entry must inflate to exactly its declared size (never one byte more: a central
    directory that understates sizes is how a bomb hides) with the declared CRC; only the
    methods spreadsheet programs use (stored, deflate) are accepted.  Every XML part is
    searched for DOCTYPE/ENTITY declarations on the way."""

    def __init__(self, raw, suffix: str, lim: Limits):
        self.raw, self.suffix, self.lim = raw, suffix, lim
        self.total = 0

    def read(self, info: zipfile.ZipInfo, scan: bool = False) -> bytes:
        """The whole part (at most `max_part_bytes`); `scan`: refused on a DOCTYPE first."""
        _check_part_size(info, self.lim)
        if not scan:
            return b"".join(self.chunks(info))
        kept: list[bytes] = []
        self.scan(info, types.SimpleNamespace(feed=kept.append))
        return b"".join(kept)

    def scan(self, info: zipfile.ZipInfo, scan, text: bool = True) -> None:
        if not text:  # a binary part: inflated and checked, no XML rules
            for chunk in self.chunks(info):
                if scan is not None:
                    scan.feed(chunk)
            return
        tail = b""
        run = 0  # bytes since the last "<": the text of one node
        for chunk in self.chunks(info):
            first = chunk.find(b"<")
            if first < 0:
                run += len(chunk)
            else:
                longest = run + first
                if self.lim.max_text_bytes < len(chunk):  # a run inside the chunk may be too long
                    longest = max(longest, max(map(len, chunk.split(b"<")[1:-1]), default=0))
                if longest > self.lim.max_text_bytes:
                    raise Rejected(_too_long_text(info.filename, self.lim))
                run = len(chunk) - chunk.rfind(b"<") - 1
            if run > self.lim.max_text_bytes:
                raise Rejected(_too_long_text(info.filename, self.lim))
            window = tail + chunk
            if _DECL.search(window):
                raise Rejected(
                    f"Không đọc được tệp: phần «{info.filename}» có khai báo DOCTYPE/ENTITY. "
                    "Bảng tính do Excel hay LibreOffice lưu không bao giờ có khai báo này; "
                    "tệp có thể độc hại (tấn công mở rộng thực thể XML) nên không được đọc."
                )
            tail = window[-_DECL_OVERLAP:]
            if scan is not None:
                scan.feed(chunk)

    def chunks(self, info: zipfile.ZipInfo):
        import zlib

        corrupt = Rejected(_corrupt_zip(self.suffix))
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise Rejected(
                f"Không đọc được tệp: phần «{info.filename}» dùng kiểu nén số "
                f"{info.compress_type}, không phải kiểu Excel hay LibreOffice dùng (tệp hỏng "
                f"hoặc do phần mềm lạ tạo ra). {FIX_HINT}"
            )
        try:
            self.raw.seek(info.header_offset)
            head = self.raw.read(30)
            if len(head) != 30 or head[:4] != b"PK\x03\x04":
                raise corrupt
            name_len, extra_len = struct.unpack("<HH", head[26:30])
            self.raw.seek(info.header_offset + 30 + name_len + extra_len)
        except (OSError, struct.error, ValueError) as exc:
            raise corrupt from exc
        left, produced, crc = info.compress_size, 0, 0
        inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
        pending = b""
        while True:
            if inflater is not None and pending:
                data, pending = pending, b""
            elif left > 0:
                data = self.raw.read(min(CHUNK, left))
                if not data:
                    raise corrupt  # the file ends inside the entry: cut short
                left -= len(data)
            else:
                break
            try:
                out = inflater.decompress(data, CHUNK) if inflater is not None else data
            except zlib.error as exc:
                raise corrupt from exc
            if inflater is not None:
                pending = inflater.unconsumed_tail
            produced += len(out)
            self.total += len(out)
            if produced > info.file_size:
                raise Rejected(
                    f"Không đọc được tệp: phần «{info.filename}» giải nén ra nhiều hơn cỡ ghi "
                    f"trong tệp ({_mb(info.file_size)}): tệp bị sửa để đánh lừa trình đọc "
                    "(«bom nén» độc hại) hoặc bị hỏng."
                )
            if self.total > self.lim.max_unpacked_bytes:
                raise Rejected(
                    f"Không đọc được tệp: khi giải nén, tệp chiếm hơn "
                    f"{_mb(self.lim.max_unpacked_bytes)} (tệp có thể là «bom nén» độc hại)."
                )
            crc = zlib.crc32(out, crc)
            if out:
                yield out
            if inflater is not None and inflater.eof:
                break
        if inflater is not None and not inflater.eof:
            raise corrupt
        if produced != info.file_size or crc != info.CRC:
            raise corrupt


# --- sheet sizes: counted from the raw cells, before any parser allocates ----------------


def _too_many_rows(sheet: str, row: int | None, lim: Limits) -> str:
    where = f"có số liệu đến dòng {_n(row)}" if row else f"có hơn {_n(lim.max_rows)} dòng"
    return (
        f"Không đọc được tệp: trang «{sheet}» {where}, vượt giới hạn "
        f"{_n(lim.max_rows)} dòng một trang. Hãy xóa các dòng thừa hoặc tách số liệu thành "
        "nhiều tệp nhỏ hơn."
    )


def _too_many_cells(sheet: str, rows: int, cols: int, lim: Limits) -> str:
    return (
        f"Không đọc được tệp: vùng số liệu của trang «{sheet}» rộng {_n(rows)} dòng × "
        f"{_n(cols)} cột, vượt giới hạn {_n(lim.max_cells)} ô một trang. Hãy xóa các ô "
        "thừa ở xa bảng số liệu hoặc tách số liệu thành nhiều tệp."
    )


def _too_many_strings(count: int, lim: Limits) -> str:
    return (
        f"Không đọc được tệp: bảng chuỗi dùng chung có hơn {_n(lim.max_cells)} chuỗi, vượt "
        "giới hạn (tệp có thể độc hại)."
    )


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


class _Extent:
    """The used area of one sheet: last row and column holding a value (1-based)."""

    def __init__(self, sheet: str, lim: Limits, book: _Book | None = None):
        self.sheet, self.lim, self.book = sheet, lim, book or _Book(lim)
        self.max_row = self.max_col = self.cells = self.merges = 0

    def merge(self, count: int = 1) -> None:
        self.merges += count
        if self.merges > self.lim.max_merges:
            raise Rejected(
                f"Không đọc được tệp: trang «{self.sheet}» có hơn {_n(self.lim.max_merges)} "
                "vùng ô gộp, vượt giới hạn (tệp hỏng hoặc độc hại). Hãy bỏ gộp ô ở vùng thừa."
            )

    def add(self, row: int, col: int, rows: int = 1, cols: int = 1) -> None:
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
        if self.max_row * self.max_col > self.lim.max_cells or self.cells > self.lim.max_cells:
            raise Rejected(_too_many_cells(self.sheet, self.max_row, self.max_col, self.lim))
        self.book.grow(self.max_row * self.max_col - area)


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


# The usual cell (<c …/>, or <c …> with an optional <f> and an optional <v> and nothing else)
# is taken in one match; anything else falls back to one tag at a time.  No piece crosses a
# "<" (XML allows none inside a tag), so a failed match costs at most the text up to the
# next "<" and the scan stays linear whatever the part holds.
_XLSX_TOKEN = re.compile(
    rb"<(?:\w+:)?c(?=[\s/>])(?: r=\"([A-Z]{1,3})(\d{1,7})\")?(?: s=\"(\d{1,9})\")?([^<>]*?)"
    rb"(?:(/)>|>"
    rb"(<(?:\w+:)?f\b[^<>]*?(?:/>|>[^<]*</(?:\w+:)?f>))?"
    rb"(?:<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>)?"
    rb"</(?:\w+:)?c>)"
    rb"|<(/?)(?:\w+:)?(row|c|v|is|f|mergeCell)\b([^<>]*?)(/?)>"
)
_R_ATTR = re.compile(rb'\br\s*=\s*["\']([A-Za-z]{0,3})([0-9]{1,9})["\']')
_ROW_R = re.compile(rb'\br\s*=\s*["\']([0-9]{1,9})["\']')


@functools.lru_cache(maxsize=4096)
def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ch - 64)
    return n


_T_ATTR = re.compile(rb'\bt\s*=\s*["\']([a-zA-Z]{1,9})["\']')
_S_ATTR = re.compile(rb'\bs\s*=\s*["\']([0-9]{1,9})["\']')
_HIDDEN = re.compile(rb'\bhidden\s*=\s*["\'](?:1|true)["\']')


class _SheetScan:
    """Streams one .xlsx worksheet part: the last row and column that hold a value, and
    the `SheetCells` (hidden rows, percent-formatted cells, formulas without a value)."""

    def __init__(
        self,
        sheet: str,
        lim: Limits,
        book: _Book | None = None,
        cells: SheetCells | None = None,
        percent: set[int] | frozenset = frozenset(),
        strings: _SharedStrings | None = None,
    ):
        self.extent = _Extent(sheet, lim, book)
        self.book = self.extent.book
        self.strings = strings
        self.kind: bytes | None = None  # the cell's t="…"
        self.value: bytes | None = None
        self.lim = lim
        self.cells = cells if cells is not None else SheetCells()
        self.percent = percent
        self.buf = b""
        self.row = 0
        self.col = 0
        self.cell: tuple[int, int] | None = None
        self.valued = self.formula = self.has_value = False

    def feed(self, chunk: bytes) -> None:
        self.buf += chunk
        # whole tags, and the text after each, only: cut at the last "<" (a cell may span
        # two feeds)
        cut = self.buf.rfind(b"<")
        if cut <= 0:
            if len(self.buf) > self.lim.max_row_xml_bytes:
                raise Rejected(
                    f"Không đọc được tệp: trang «{self.extent.sheet}» có một thẻ XML dài hơn "
                    f"{_mb(self.lim.max_row_xml_bytes)} (tệp hỏng hoặc độc hại)."
                )
            return
        self._tokens(self.buf[:cut])
        self.buf = self.buf[cut:]

    def finish(self) -> None:
        self._tokens(self.buf)
        self.buf = b""

    def _tokens(self, data: bytes) -> None:
        cells = self.cells
        for m in _XLSX_TOKEN.finditer(data):
            attrs = m.group(4)
            if attrs is not None:  # a whole cell
                self._open(attrs, m.group(1), m.group(2), m.group(3))
                if not m.group(5):
                    value = self.value = m.group(7)
                    self.formula = m.group(6) is not None
                    self.valued = self.formula or value is not None
                    self.has_value = bool(value and value.strip())
                    self._close()
                self.cell = None
                continue
            closing, name, attrs, empty = m.group(8, 9, 10, 11)
            if name == b"row":
                if not closing:
                    r = _ROW_R.search(attrs)
                    self.row = int(r.group(1)) if r else self.row + 1
                    self.col = 0
                    if b"hidden" in attrs and _HIDDEN.search(attrs):
                        cells.hidden_rows.add(max(self.row, 1) - 1)
                self.cell = None
            elif name == b"c":
                if closing:
                    self._close()
                    continue
                self._open(attrs)
                if empty:
                    self.cell = None
            elif name == b"mergeCell":
                self.extent.merge()
            elif not closing and self.cell is not None:  # <v>, <is> or <f> inside a cell
                self.valued = True
                if name == b"f":
                    self.formula = True
                elif name == b"is":
                    self.has_value = True
                elif name == b"v" and not empty and not self.has_value:
                    end = data.find(b"<", m.end())
                    self.value = data[m.end() : end if end >= 0 else len(data)]
                    self.has_value = bool(self.value.strip())

    def _open(
        self,
        attrs: bytes,
        letters: bytes | None = None,
        number: bytes | None = None,
        style: bytes | None = None,
    ) -> None:
        """A cell opens: its place (from r="B7", given when the cell pattern caught it
        first, as every writer puts it) and whether its format is a percent."""
        if letters is None:
            r = _R_ATTR.search(attrs)
            if r and r.group(1):
                letters, number = r.group(1), r.group(2)
        if letters:
            self.col, self.row = _col_number(letters), int(number)
        else:
            self.col += 1
        self.cell = (max(self.row, 1), max(self.col, 1))
        if self.percent:
            if style is None and b"s" in attrs:
                found = _S_ATTR.search(attrs)
                style = found.group(1) if found else None
            if style is not None and int(style) in self.percent:
                self.cells.percent_cells.add((self.cell[0] - 1, self.cell[1] - 1))
        self.valued = self.formula = self.has_value = False
        self.value = None
        found = _T_ATTR.search(attrs) if b"t" in attrs else None
        self.kind = found.group(1) if found else None

    def _close(self) -> None:
        if self.cell is not None:
            if self.valued:
                self.extent.add(*self.cell)
            if self.formula and not self.has_value:
                self.cells.formula_no_value.add((self.cell[0] - 1, self.cell[1] - 1))
            if self.kind == b"s" and self.strings is not None:
                self.book.text += self.strings.size(self.value)
                if self.book.text > self.lim.max_expanded_text_bytes:
                    raise Rejected(_too_much_text(self.extent.sheet, self.lim))
            elif self.kind == b"e" and self.value:
                code = self.value.strip().decode("ascii", "replace")[:16]
                self.cells.errors[(self.cell[0] - 1, self.cell[1] - 1)] = code
        self.cell = None


def _xlsx_sheet_parts(
    lookup: dict[str, zipfile.ZipInfo],
    workbook: str,
    unpack,
    lim: Limits,
    skipped: list[str] | None = None,
) -> dict[str, str]:
    """Worksheet part (its `part_key`) → sheet name, from the workbook and its relationships."""
    from xml.etree import ElementTree as ET

    parts: dict[str, str] = {}
    if skipped is None:
        skipped = []
    if workbook.endswith(".bin"):  # .xlsb: the sheets are binary parts, sized in the ZIP
        return parts
    folder = posixpath.dirname(workbook)
    rels_key = part_key(f"{folder}/_rels/{posixpath.basename(workbook)}.rels")
    try:
        book = ET.fromstring(unpack.read(lookup[workbook], scan=True))  # no DOCTYPE first
        rels = (
            ET.fromstring(unpack.read(lookup[rels_key], scan=True)) if rels_key in lookup else None
        )
    except ET.ParseError as exc:
        raise Rejected(_corrupt_zip(".xlsx")) from exc
    targets, others = {}, {}
    for rel in rels if rels is not None else []:
        target = rel.get("Target", "")
        target = target if target.startswith("/") else f"/{folder}/{target}"
        if rel.get("Type", "").endswith("/worksheet") or not rel.get("Type"):
            targets[rel.get("Id")] = part_key(posixpath.normpath(target))
        else:  # a chart, macro or dialog sheet: no table, read by no reader here
            others[rel.get("Id")] = target
    sheets = [el for el in book.iter() if str(el.tag).rsplit("}", 1)[-1] == "sheet"]
    if len(sheets) > lim.max_sheets:
        raise Rejected(
            f"Không đọc được tệp: sổ làm việc có {_n(len(sheets))} trang tính, vượt giới hạn "
            f"{_n(lim.max_sheets)}."
        )
    for i, sheet in enumerate(sheets, 1):
        rid = next((v for k, v in sheet.attrib.items() if k.rsplit("}", 1)[-1] == "id"), None)
        part = targets.get(rid)
        if part:
            parts[part] = sheet.get("name") or f"trang thứ {i}"
        elif rid in others:
            skipped.append(sheet.get("name") or f"trang thứ {i}")
    # a worksheet part no relationship names is still a worksheet a reader might open
    for key in lookup:
        if "worksheets/" in key and key.endswith(".xml") and key not in parts:
            parts[key] = key.rsplit("/", 1)[-1]
    return parts


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


# --- OLE / CFB containers: .xls, encrypted .xlsx ---------------------------------------

_BIFF_VALUE_RECORDS = {0x0203, 0x00FD, 0x0204, 0x027E, 0x0205, 0x0006, 0x00D6}
_BIFF_MULRK = 0x00BD
_BIFF_MERGEDCELLS = 0x00E5
_BIFF_BOF, _BIFF_EOF, _BIFF_FILEPASS, _BIFF_BOUNDSHEET = 0x0809, 0x000A, 0x002F, 0x0085


DEFAULT_PASSWORD = "VelvetSweatshop"  # Excel's: a file "encrypted" with it opens unasked


def _cfb_streams(data: bytes) -> tuple[set[str], bytes | None]:
    """The names (lower case) of the container's top-level entries, and the workbook
    stream as a reader chooses it: "Workbook", else "Book", in any case, at the top level
    (a "Workbook" inside an embedded object is not the file's).  xlrd's parser first,
    olefile's (more lenient) where xlrd's refuses the container."""
    from xlrd import compdoc

    try:
        with open(os.devnull, "w") as devnull:
            doc = compdoc.CompDoc(data, logfile=devnull)
            top = {doc.dirlist[c].name.lower(): c for c in doc.dirlist[0].children}
            for name in ("workbook", "book"):
                if name in top and doc.dirlist[top[name]].etype == 2:
                    mem, base, size = doc.locate_named_stream(doc.dirlist[top[name]].name)
                    if mem is not None:
                        return set(top), bytes(mem[base : base + size])
            return set(top), None
    except Exception:  # noqa: BLE001 - xlrd is strict: ask olefile
        pass
    import olefile

    ole = olefile.OleFileIO(io.BytesIO(data))
    try:
        top = {e[0].lower(): e[0] for e in ole.listdir(streams=True, storages=True) if len(e) == 1}
        for name in ("workbook", "book"):
            if name in top and ole.get_type(top[name]) == olefile.STGTY_STREAM:
                return set(top), ole.openstream(top[name]).read()
        return set(top), None
    finally:
        ole.close()


def _decrypt_default(data: bytes) -> bytes | None:
    """The file decrypted with Excel's default password, or None (a real password)."""
    try:
        import msoffcrypto

        office = msoffcrypto.OfficeFile(io.BytesIO(data))
        office.load_key(password=DEFAULT_PASSWORD)
        out = io.BytesIO()
        office.decrypt(out)
        return out.getvalue() or None
    except Exception:  # noqa: BLE001 - wrong password, or a scheme it does not know
        return None


def _check_cfb(data: bytes, suffix: str, lim: Limits, decrypted: bool = False) -> Inspection:
    try:
        names, stream = _cfb_streams(data)
    except Exception as exc:
        raise Rejected(
            f"Không đọc được tệp {suffix}: tệp Excel 97-2003 bị hỏng hoặc bị cắt cụt (cấu trúc "
            f"OLE không đọc được). {FIX_HINT}"
        ) from exc
    if "encryptedpackage" in names or "encryptioninfo" in names:
        plain = None if decrypted else _decrypt_default(data)
        if plain is None or sniff(plain[:8192]) != "zip":
            raise Rejected(_encrypted())
        inspection = _check_zip(plain, suffix, lim)
        inspection.decrypted = plain
        return inspection
    if stream is None:
        kind = "ole_other"
        if "worddocument" in names:
            kind = "word"
        elif "powerpoint document" in names:
            kind = "powerpoint"
        raise Rejected(
            f"Không đọc được tệp: tệp mang đuôi «{suffix}» nhưng thực chất là {FOREIGN[kind]}. "
            + FORMATS_HINT
        )
    try:
        listed = _scan_biff(stream, lim)
    except _Encrypted:
        plain = None if decrypted else _decrypt_default(data)
        if plain is None:
            raise Rejected(_encrypted()) from None
        inspection = _check_cfb(plain, suffix, lim, decrypted=True)
        inspection.decrypted = plain
        return inspection
    if not listed:  # a workbook stream that lists no sheet is damaged, and readers given it
        # may run away (ExcelDataReader Test_git_issue_382_oom.xls made calamine abort)
        raise Rejected(
            f"Không đọc được tệp {suffix}: tệp Excel 97-2003 bị hỏng (sổ làm việc không liệt kê "
            f"trang tính nào). {FIX_HINT}"
        )
    return Inspection("xls")


class _Encrypted(Rejected):
    """A FILEPASS record: the workbook is encrypted (maybe with the default password)."""


def _scan_biff(stream: bytes, lim: Limits) -> int:
    """Walk the BIFF records: password protection, and each worksheet's used area; the
    number of sheets the workbook lists (BOUNDSHEET records)."""
    sheet_at: dict[int, str] = {}  # stream offset of a sheet's BOF → its name
    extent: _Extent | None = None
    book = _Book(lim)
    sheets = 0
    pos, end = 0, len(stream)
    while pos + 4 <= end:
        rtype, length = struct.unpack_from("<HH", stream, pos)
        data = stream[pos + 4 : pos + 4 + length]
        if rtype == _BIFF_BOF:
            kind = struct.unpack_from("<H", data, 2)[0] if len(data) >= 4 else 0
            extent = None
            if kind == 0x0010:  # a worksheet substream
                sheets += 1
                extent = _Extent(sheet_at.get(pos, f"trang thứ {sheets}"), lim, book)
        elif rtype == _BIFF_EOF:
            extent = None
        elif rtype == _BIFF_FILEPASS:
            raise _Encrypted(_encrypted())
        elif rtype == _BIFF_BOUNDSHEET and len(data) >= 8:
            sheet_at[struct.unpack_from("<I", data, 0)[0]] = _boundsheet_name(data)
            if len(sheet_at) > lim.max_sheets:
                raise Rejected(
                    f"Không đọc được tệp: bảng tính có hơn {_n(lim.max_sheets)} trang tính."
                )
        elif extent is not None and len(data) >= 4:
            if rtype in _BIFF_VALUE_RECORDS:
                row, col = struct.unpack_from("<HH", data, 0)
                extent.add(row + 1, col + 1)
            elif rtype == _BIFF_MERGEDCELLS:
                extent.merge(struct.unpack_from("<H", data, 0)[0])
            elif rtype == _BIFF_MULRK and len(data) >= 6:
                row, first = struct.unpack_from("<HH", data, 0)
                last = struct.unpack_from("<H", data, len(data) - 2)[0]
                if last >= first:
                    extent.add(row + 1, first + 1, 1, last - first + 1)
        pos += 4 + length
    return len(sheet_at)


def _boundsheet_name(data: bytes) -> str:
    try:
        cch, flags = data[6], data[7] if len(data) > 7 else 0
        if len(data) >= 8 + cch * (2 if flags & 1 else 1) and flags in (0, 1):
            raw = data[8 : 8 + cch * (2 if flags & 1 else 1)]
            return raw.decode("utf-16-le" if flags & 1 else "latin-1")
        return data[7 : 7 + cch].decode("cp1252", "replace")  # BIFF5: no flags byte
    except Exception:
        return "?"


# --- CSV ---------------------------------------------------------------------------------


def _check_csv(data: bytes, stem: str, lim: Limits) -> str:
    wide = wide_text(data[:8192]) is not None  # UTF-16 or UTF-32: zero bytes are letters
    if not wide and b"\x00" in data:
        raise Rejected(
            "Không đọc được tệp: tệp mang đuôi «.csv» nhưng chứa dữ liệu nhị phân, "
            "không phải văn bản CSV. " + FORMATS_HINT
        )
    # lines end in LF, CR LF, or CR alone (Excel for Mac)
    lines = max(data.count(b"\n"), data.count(b"\r"))
    delimiters = data.count(b",") + data.count(b";") + data.count(b"\t")
    lines += 0 if data[-1:] in (b"\n", b"\r", b"") else 1
    if lines > lim.max_rows:
        raise Rejected(_too_many_rows(stem, None, lim))
    if delimiters + lines > lim.max_cells:
        raise Rejected(
            f"Không đọc được tệp: tệp CSV có khoảng {_n(delimiters + lines)} ô, vượt giới hạn "
            f"{_n(lim.max_cells)} ô. Hãy tách số liệu thành nhiều tệp."
        )
    return "csv"


# --- names and paths under raw/ -------------------------------------------------------------


def display_name(rel: str) -> str:
    """A file name as stored and shown: bytes that are not UTF-8 (a name written on an old
    Windows machine) and control characters become visible escapes (\\xe0), so the name is
    a valid, unique text and one odd name never stops a build."""
    out = []
    for ch in rel:
        code = ord(ch)
        if 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's stand-in for an undecodable byte
            out.append(f"\\x{code - 0xDC00:02x}")
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\x{code:02x}")
        else:
            out.append(ch)
    return "".join(out)


_LOCK_PREFIXES = ("~$", ".~lock.")
# what is read: spreadsheets by their extension (their real format comes from the content)
_READ_SUFFIXES = {".xlsx", ".xlsm", ".xltx", ".xltm", ".xlsb", ".xls", ".ods", ".csv"}
# spreadsheets no reader here supports: refused with a message saying how to send them
_SPREADSHEET_LIKE = {
    ".numbers",
    ".fods",
    ".xlt",
    ".xlam",
    ".et",
    ".ots",
    ".sxc",
    ".wk1",
    ".wks",
    ".qpw",
    ".gsheet",
}


def skip_reason(path: Path) -> str | None:
    """Why a file under raw/ is not a spreadsheet to read (it is listed in `loads` as
    skipped, with this reason), or None: it is read, or refused with a message."""
    name = path.name
    if os.path.islink(path):
        return None  # refused, saying it is a link
    if name.startswith(_LOCK_PREFIXES):
        return (
            "tệp khóa tạm thời do Excel hoặc LibreOffice tạo khi có người đang mở một bảng "
            "tính; không chứa số liệu"
        )
    if name.startswith("."):
        return (
            "tệp ẩn (tên bắt đầu bằng dấu chấm, thường do hệ điều hành hoặc phần mềm tạo "
            "ra, ví dụ .DS_Store); không đọc"
        )
    suffix = path.suffix.lower()
    if suffix in _READ_SUFFIXES or suffix in _SPREADSHEET_LIKE:
        return None
    if os.path.isdir(path):
        return None
    shown = f"đuôi «{suffix}»" if suffix else "không có đuôi"
    return (
        f"không phải bảng tính ({shown}); chỉ đọc bảng tính .xlsx, .xlsm, .xlsb, .xls, .ods và .csv"
    )


def is_regular_file(path: Path) -> bool:
    """A regular file, not a symlink, device, pipe or directory (never follows a link)."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False
