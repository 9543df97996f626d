"""How a message tells the analyst where to look (kept light: no pandas here)."""

from __future__ import annotations


def locate(source_file: str, sheet: str | None, row_no: int | None, column: str | None) -> str:
    """The start of every message: where the analyst finds the cell."""
    parts = [f"Tệp «{source_file}»"]
    if sheet:
        parts.append(f"trang «{sheet}»")
    if row_no:
        parts.append(f"dòng {row_no}")
    if column:
        parts.append(f"cột {column}")
    return ", ".join(parts) + ": "
