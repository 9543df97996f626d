"""What a file is, from its first bytes, whatever its name says."""

from __future__ import annotations

import re

from pipeline.ingest.guard.limits import MiB
from pipeline.ingest.guard.text import stray_nuls, wide_text

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
    if b"\x00" in body and not stray_nuls(body):
        return "binary"
    return "text"
