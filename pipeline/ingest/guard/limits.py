"""The limits a file must keep within, and their environment overrides for an exceptional batch."""

from __future__ import annotations

import os
from dataclasses import dataclass

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
    max_csv_rows: int = 1_048_576  # Excel's own; a CSV's cells are bounded by `max_cells`
    max_cells: int = 2_000_000
    max_sheets: int = 255
    max_merges: int = 100_000  # merged ranges per sheet (looked up once each: `merge_anchors`)
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
        max_csv_rows=int(env("THIDUA_MAX_CSV_ROWS", base.max_csv_rows)),
        max_cells=int(env("THIDUA_MAX_CELLS", base.max_cells)),
        max_merges=int(env("THIDUA_MAX_MERGES", base.max_merges)),
        max_book_cells=max(base.max_book_cells, int(env("THIDUA_MAX_CELLS", 0))),
        max_expanded_text_bytes=int(env("THIDUA_MAX_TEXT_MB", base.max_expanded_text_bytes, MiB)),
    )
