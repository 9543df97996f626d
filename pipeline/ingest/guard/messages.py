"""What a refusal says: `Rejected`, the hints and the messages several checks share (Vietnamese)."""

from __future__ import annotations

from pipeline.ingest.guard.limits import MiB


class Rejected(Exception):
    """The file must not be parsed; the message is for the analyst (Vietnamese)."""


class Unreadable(Rejected):
    """A refusal because the structure cannot be read here (an OLE container that does not
    open, a workbook that lists no sheet or whose workbook part is not XML, an .xlsb record
    cut short, an encryption scheme msoffcrypto does not know): not hostile, over no limit,
    not cut short, so LibreOffice, which reads more, may be tried (`read.read_workbook`).
    Every other `Rejected` is final: among them a ZIP that does not open (headless
    LibreOffice never repairs one: it would ask first) and bytes that fail their CRC."""


def _n(value: float) -> str:
    from pipeline.core.text import format_vn

    return format_vn(float(value), 0)


def _mb(size: int) -> str:
    from pipeline.core.text import format_vn

    return format_vn(size / MiB, 1) + " MB"


FIX_HINT = "Hãy mở tệp bằng Excel hoặc LibreOffice, kiểm tra rồi lưu lại và gửi lại."


FORMATS_HINT = "Hãy gửi bảng tính Excel (.xlsx, .xls), LibreOffice (.ods) hoặc CSV."


def encrypted_message() -> str:
    return _encrypted()


def _encrypted() -> str:
    return (
        "Không đọc được tệp: tệp được bảo vệ bằng mật khẩu (mã hóa) nên không đọc được số "
        "liệu. Hãy gỡ mật khẩu (Excel: Tệp → Thông tin → Bảo vệ sổ làm việc → Mã hóa bằng "
        "mật khẩu, xóa mật khẩu rồi lưu) và gửi lại."
    )
