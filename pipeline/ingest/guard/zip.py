"""The ZIP container: entry counts, sizes and ratios, part names, and the streaming unpacker
(CRC, declared sizes, DOCTYPE/ENTITY, text-node length)."""

from __future__ import annotations

import copy
import io
import re
import types
import zipfile
import zlib

from pipeline.ingest.guard.limits import CHUNK, Limits
from pipeline.ingest.guard.messages import FIX_HINT, Rejected, _encrypted, _mb, _n

_DECL = re.compile(
    b"|".join(
        re.escape(word.encode(enc))
        for word in ("<!DOCTYPE", "<!ENTITY")
        for enc in ("utf-8", "utf-16-le", "utf-16-be")
    )
)


_DECL_OVERLAP = 32


def part_key(name: str) -> str:
    """A ZIP part's name as readers match it: "/" separators, no leading "/", lower case."""
    return name.replace("\\", "/").lstrip("/").lower()


def part_lookup(infos: list[zipfile.ZipInfo]) -> dict[str, zipfile.ZipInfo]:
    """`part_key` → entry, the first of entries whose names match (guard and readers look
    parts up here alike, so what is checked is what is read)."""
    lookup: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        if not info.is_dir():
            lookup.setdefault(part_key(info.filename), info)
    return lookup


def _check_entry_count(entries: int, lim: Limits) -> None:
    """The entries the end-of-directory record declares, judged before the directory is
    parsed."""
    if entries > lim.max_entries:
        raise Rejected(
            f"Không đọc được tệp: tệp nén chứa {_n(entries)} thành phần, vượt giới hạn "
            f"{_n(lim.max_entries)} (tệp có thể là «bom nén» độc hại)."
        )


def _check_directory(size: int, infos: list[zipfile.ZipInfo], lim: Limits) -> None:
    """What a ZIP's directory says of its entries: sizes and ratios, encryption."""
    _check_zip_sizes(size, infos, lim)
    if any(i.flag_bits & 0x1 for i in infos):
        raise Rejected(_encrypted())


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
    """Unpacks ZIP entries as streams (the stdlib's `ZipFile.open`: local header, inflate,
    CRC), trusting nothing declared: the entry must unpack to exactly its declared size
    (never one byte more: a central directory that understates sizes is how a bomb hides);
    only the methods spreadsheet programs use (stored, deflate) are accepted; the bytes of
    all entries together are capped.  Every XML part is searched for DOCTYPE/ENTITY
    declarations on the way."""

    def __init__(self, zf: zipfile.ZipFile, suffix: str, lim: Limits):
        self.zf, self.suffix, self.lim = zf, suffix, lim
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
        if not text:  # a binary part: unpacked and checked, no XML rules
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
        """The entry's bytes, `CHUNK` at a time, through `ZipFile.open` (local header,
        inflate).  It is opened as declaring one byte more than it does, so an entry that
        unpacks past its declared size shows that byte (the stdlib would stop at the
        declared size); the CRC is then checked here over what the entry really holds."""
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise Rejected(
                f"Không đọc được tệp: phần «{info.filename}» dùng kiểu nén số "
                f"{info.compress_type}, không phải kiểu Excel hay LibreOffice dùng (tệp hỏng "
                f"hoặc do phần mềm lạ tạo ra). {FIX_HINT}"
            )
        probe = copy.copy(info)
        probe.file_size = info.file_size + 1
        del probe.CRC  # the stdlib checks no CRC where none is given: checked below
        produced, crc = 0, 0
        try:
            with self.zf.open(probe) as entry:
                while out := entry.read(min(CHUNK, info.file_size + 1 - produced)):
                    produced += len(out)
                    if produced > info.file_size:
                        raise Rejected(
                            f"Không đọc được tệp: phần «{info.filename}» giải nén ra nhiều hơn "
                            f"cỡ ghi trong tệp ({_mb(info.file_size)}): tệp bị sửa để đánh lừa "
                            "trình đọc («bom nén» độc hại) hoặc bị hỏng."
                        )
                    self.total += len(out)
                    if self.total > self.lim.max_unpacked_bytes:
                        raise Rejected(
                            f"Không đọc được tệp: khi giải nén, tệp chiếm hơn "
                            f"{_mb(self.lim.max_unpacked_bytes)} (tệp có thể là «bom nén» độc hại)."
                        )
                    crc = zlib.crc32(out, crc)
                    yield out
        except Rejected:
            raise
        except (
            zipfile.BadZipFile,
            EOFError,
            OSError,
            ValueError,
            zlib.error,
            NotImplementedError,
        ) as exc:
            raise Rejected(_corrupt_zip(self.suffix)) from exc
        if produced != info.file_size or crc != info.CRC:  # ended early, or other bytes
            raise Rejected(_corrupt_zip(self.suffix))
