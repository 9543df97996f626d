"""ZIP-packaged workbooks (.xlsx, .xlsm, .xlsb, .ods): which format, then every part checked."""

from __future__ import annotations

import io
import posixpath
import struct
import zipfile

from pipeline.ingest.guard.inspection import Inspection, SheetCells
from pipeline.ingest.guard.limits import Limits, MiB
from pipeline.ingest.guard.messages import FORMATS_HINT, Rejected
from pipeline.ingest.guard.ods import _check_ods_manifest, _OdsScan
from pipeline.ingest.guard.sizes import _Book, _CountScan
from pipeline.ingest.guard.sniff import FOREIGN
from pipeline.ingest.guard.xlsx import (
    _SI,
    _check_xlsb,
    _percent_styles,
    _SharedStrings,
    _SheetScan,
    _too_many_strings,
    _Utf16,
    _xlsx_sheet_parts,
)
from pipeline.ingest.guard.zip import (
    _check_directory,
    _check_entry_count,
    _check_part_size,
    _corrupt_zip,
    _parsed_part,
    _Unpacker,
    _zip_entry_count,
    part_key,
    part_lookup,
)


def _check_zip(data: bytes, suffix: str, lim: Limits) -> Inspection:
    try:
        entries = _zip_entry_count(data)
    except (OSError, zipfile.BadZipFile, struct.error, ValueError, IndexError) as exc:
        raise Rejected(_corrupt_zip(suffix)) from exc
    _check_entry_count(entries, lim)
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
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        # part names as a reader finds them: "\\" for "/", any case (Windows zippers)
        lookup = part_lookup(infos)
        _check_directory(len(data), infos, lim)
        unpack = _Unpacker(zf, suffix, lim)
        fmt, workbook = _zip_format(lookup, suffix, unpack)
        if fmt == "ods":
            _check_ods_manifest(lookup, unpack)
        inspection = Inspection(fmt, binary=workbook.endswith(".bin"))
        sheets = {}
        if fmt == "xlsx":
            sheets = _xlsx_sheet_parts(lookup, workbook, unpack, lim, inspection)
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
            _check_xlsb(lookup, unpack, lim, book, inspection)
        for info in infos:
            name = info.filename
            key = part_key(name)
            if not _parsed_part(key, fmt) or info is styles or info is sst:
                continue  # (a second copy of styles or strings is checked as any part)
            if fmt == "xlsx" and key in sheets:
                cells = inspection.sheets.setdefault(sheets[key], SheetCells())
                scan = _Utf16(_SheetScan(sheets[key], lim, book, cells, percent, strings, name))
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
