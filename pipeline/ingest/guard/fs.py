"""The file on disk: read once without following a link, names shown safely, what is skipped."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from pipeline.ingest.guard.inspection import Opened
from pipeline.ingest.guard.limits import CHUNK, Limits, limits
from pipeline.ingest.guard.messages import Rejected, _mb

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
