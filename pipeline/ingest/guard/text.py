"""Text files: UTF-16/UTF-32 told from their bytes, and the checks of a .csv."""

from __future__ import annotations

import re
from dataclasses import replace

from pipeline.ingest.guard.limits import Limits
from pipeline.ingest.guard.messages import FORMATS_HINT, Rejected, _mb, _n
from pipeline.ingest.guard.sizes import _too_many_rows


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


# C0 control bytes no text holds (tab, LF, CR, form feed and Ctrl-Z, the old end-of-file
# mark, are text); NUL is judged apart (`stray_nuls`)
_CONTROLS = re.compile(rb"[\x01-\x08\x0b\x0e-\x19\x1b-\x1f]")


def stray_nuls(data: bytes) -> bool:
    """Whether the NUL bytes of otherwise plain text are strays: each one alone (never two
    together: a run of zeros is a file cut short or overwritten, the rest of it lost), at
    most one byte in eight (text in UTF-16 has one zero byte in two to four: that is
    `wide_text`'s, never to be stripped), and no other control byte anywhere (a binary
    file has them).  Such NULs are what some exporters leave for an empty cell or a character they
    cannot write; no program shows them, and the reader drops them with a note."""
    n = data.count(0)
    return 0 < n <= len(data) // 8 and b"\x00\x00" not in data and _CONTROLS.search(data) is None


def _check_csv(data: bytes, stem: str, lim: Limits) -> str:
    wide = wide_text(data[:8192]) is not None  # UTF-16 or UTF-32: zero bytes are letters
    if not wide and b"\x00" in data and not stray_nuls(data):
        raise Rejected(
            "Không đọc được tệp: tệp mang đuôi «.csv» nhưng chứa dữ liệu nhị phân, "
            "không phải văn bản CSV. " + FORMATS_HINT
        )
    # lines end in LF, CR LF, or CR alone (Excel for Mac)
    lines = max(data.count(b"\n"), data.count(b"\r"))
    delimiters = data.count(b",") + data.count(b";") + data.count(b"\t")
    lines += 0 if data[-1:] in (b"\n", b"\r", b"") else 1
    if lines > lim.max_csv_rows:
        raise Rejected(_too_many_rows(stem, None, replace(lim, max_rows=lim.max_csv_rows)))
    if delimiters + lines > lim.max_cells:
        raise Rejected(
            f"Không đọc được tệp: tệp CSV có khoảng {_n(delimiters + lines)} ô, vượt giới hạn "
            f"{_n(lim.max_cells)} ô. Hãy tách số liệu thành nhiều tệp."
        )
    return "csv"


GZIP = b"\x1f\x8b"


def gunzip_csv(data: bytes, lim: Limits) -> bytes:
    """The text of a gzip-compressed .csv, unpacked as a stream and stopped past the file
    size limit (what the reader would then hold: a ZIP bomb's limit, in spirit)."""
    import zlib

    unpack = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        text = unpack.decompress(data, lim.max_file_bytes + 1)
    except zlib.error:
        raise Rejected(
            "Không đọc được tệp: tệp CSV nén gzip bị hỏng hoặc bị cắt cụt (thường do tải về "
            "hoặc chép chưa xong). Hãy giải nén tệp rồi gửi lại tệp .csv."
        ) from None
    if len(text) > lim.max_file_bytes or unpack.unconsumed_tail:
        raise Rejected(
            f"Không đọc được tệp: tệp CSV nén gzip bung ra hơn {_mb(lim.max_file_bytes)}, "
            "vượt giới hạn cho một tệp. Hãy tách số liệu thành nhiều tệp nhỏ hơn."
        )
    if not unpack.eof or unpack.unused_data:
        raise Rejected(
            "Không đọc được tệp: tệp CSV nén gzip bị hỏng hoặc bị cắt cụt (thường do tải về "
            "hoặc chép chưa xong). Hãy giải nén tệp rồi gửi lại tệp .csv."
        )
    return text
