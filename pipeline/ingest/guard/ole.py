"""OLE / CFB containers (.xls, encrypted .xlsx) and the BIFF records of an .xls."""

from __future__ import annotations

import io
import os
import struct

from pipeline.ingest.guard.inspection import Inspection
from pipeline.ingest.guard.limits import Limits
from pipeline.ingest.guard.messages import (
    FIX_HINT,
    FORMATS_HINT,
    Rejected,
    Unreadable,
    _encrypted,
    _n,
)
from pipeline.ingest.guard.package import _check_zip
from pipeline.ingest.guard.sizes import _Book, _Extent
from pipeline.ingest.guard.sniff import FOREIGN, sniff

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
    """The file decrypted with Excel's default password, or None (a real password: the
    default one was tried and is wrong).  A scheme msoffcrypto does not know (XOR
    obfuscation, a damaged header) is `Unreadable`: LibreOffice may open it with the
    default password, and refuses it as well when the password is a real one."""
    try:
        import msoffcrypto
        from msoffcrypto.exceptions import InvalidKeyError
    except ImportError:
        raise Unreadable(_encrypted()) from None
    try:
        office = msoffcrypto.OfficeFile(io.BytesIO(data))
        office.load_key(password=DEFAULT_PASSWORD)
        out = io.BytesIO()
        office.decrypt(out)
        return out.getvalue() or None
    except InvalidKeyError:  # the default password tried, and wrong: a real one
        return None
    except Exception:  # noqa: BLE001 - a scheme it does not know
        raise Unreadable(_encrypted()) from None


def _check_cfb(data: bytes, suffix: str, lim: Limits, decrypted: bool = False) -> Inspection:
    try:
        names, stream = _cfb_streams(data)
    except Exception as exc:
        # damaged, LibreOffice may read it; cut short (not a whole number of sectors), the
        # rest of its rows is lost: refused like a ZIP whose bytes fail their CRC
        shift = data[30] if len(data) > 31 and 7 <= data[30] <= 16 else 9  # sector size
        cut = len(data) < 512 or (len(data) - 512) % (1 << shift) != 0
        raise (Rejected if cut else Unreadable)(
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
        listed, sparse = _scan_biff(stream, lim)
    except _Encrypted:
        plain = None if decrypted else _decrypt_default(data)
        if plain is None:
            raise Rejected(_encrypted()) from None
        inspection = _check_cfb(plain, suffix, lim, decrypted=True)
        inspection.decrypted = plain
        return inspection
    if not listed:  # a workbook stream that lists no sheet is damaged, and readers given it
        # may run away (ExcelDataReader Test_git_issue_382_oom.xls made calamine abort)
        raise Unreadable(
            f"Không đọc được tệp {suffix}: tệp Excel 97-2003 bị hỏng (sổ làm việc không liệt kê "
            f"trang tính nào). {FIX_HINT}"
        )
    return Inspection("xls", sparse=sparse)


class _Encrypted(Rejected):
    """A FILEPASS record: the workbook is encrypted (maybe with the default password)."""


def _scan_biff(stream: bytes, lim: Limits) -> tuple[int, bool]:
    """Walk the BIFF records: password protection, and each worksheet's used area; the
    number of sheets the workbook lists (BOUNDSHEET records), and whether a sheet's few
    cells lie farther apart than the cell limit's rectangle (to be read sparsely)."""
    sheet_at: dict[int, str] = {}  # stream offset of a sheet's BOF → its name
    extent: _Extent | None = None
    book = _Book(lim)
    sheets = 0
    sparse = False
    pos, end = 0, len(stream)
    while pos + 4 <= end:
        rtype, length = struct.unpack_from("<HH", stream, pos)
        data = stream[pos + 4 : pos + 4 + length]
        if rtype in (_BIFF_BOF, _BIFF_EOF) and extent is not None:
            sparse = sparse or extent.sparse
            extent = None
        if rtype == _BIFF_BOF:
            kind = struct.unpack_from("<H", data, 2)[0] if len(data) >= 4 else 0
            if kind == 0x0010:  # a worksheet substream
                sheets += 1
                name = sheet_at.get(pos, f"trang thứ {sheets}")
                extent = _Extent(name, lim, book, sparse_ok=True)
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
    return len(sheet_at), sparse or (extent is not None and extent.sparse)


def _boundsheet_name(data: bytes) -> str:
    try:
        cch, flags = data[6], data[7] if len(data) > 7 else 0
        if len(data) >= 8 + cch * (2 if flags & 1 else 1) and flags in (0, 1):
            raw = data[8 : 8 + cch * (2 if flags & 1 else 1)]
            return raw.decode("utf-16-le" if flags & 1 else "latin-1")
        return data[7 : 7 + cch].decode("cp1252", "replace")  # BIFF5: no flags byte
    except Exception:
        return "?"
