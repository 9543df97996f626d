"""Reporting periods: `YYYY-H1` (sơ kết 6 tháng đầu năm) and `YYYY-FY` (tổng kết năm).

A period may be stated in the title block, the sheet name and the file name; each source
may give the half, the year or both.  They are merged; a disagreement is an error that
names both statements.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.core.text import clean, fold

_DATES = [
    re.compile(r"ngay\s+\S{0,4}\s*thang\s+\S{0,4}\s*nam\s+\d{4}"),
    re.compile(r"\b\d{1,2}\s+\d{1,2}\s+\d{4}\b"),  # 15/12/2022 once folded
    re.compile(r"\bkem theo\b.*$"),
    re.compile(r"\b(?:so voi|cung ky)\b.*$"),
]
_H1 = [
    re.compile(r"\b(?:6|sau) thang(?: dau)?(?: nam)?\s+(\d{4})\b"),
    re.compile(r"\b6\s*t\s+(\d{4})\b"),
    re.compile(r"\b6t(\d{4})\b"),
    re.compile(r"\bso ket\b(?:\D*?)\b(\d{4})\b"),
    re.compile(r"\b(?:6|sau) thang dau nam\b()"),
    re.compile(r"\bso ket\b()"),
    re.compile(r"\bh1\s*(\d{4})\b|\b(\d{4})\s*h1\b"),
]
_FY = [
    re.compile(r"\btong ket\b(?:\D*?)\b(\d{4})\b"),
    re.compile(r"\bnam\s+(\d{4})\b"),
    re.compile(r"\b(\d{4})\s*fy\b|\bfy\s*(\d{4})\b"),
    re.compile(r"\btong ket\b()"),
]
_YEAR = re.compile(r"(?<!\d)(20[0-9]{2}|19[89][0-9])(?!\d)")


@dataclass(frozen=True)
class PeriodHint:
    half: str | None  # "H1", "FY" or None
    year: int | None
    said: str  # the words it was read from, for messages
    where: str  # "tiêu đề", "tên trang tính", "tên tệp"

    def describe(self) -> str:
        return f"{self.where} ghi «{self.said}»"


def read_hint(text: str, where: str) -> PeriodHint | None:
    """The period a piece of text states, if any."""
    said = clean(text)
    key = fold(text.replace("_", " ").replace("-", " "))
    for pattern in _DATES:
        key = pattern.sub(" ", key)
    for half, patterns in (("H1", _H1), ("FY", _FY)):
        for pattern in patterns:
            m = pattern.search(key)
            if m:
                digits = next((g for g in m.groups() if g), None)
                return PeriodHint(half, int(digits) if digits else None, said, where)
    m = _YEAR.search(key)
    if m:
        return PeriodHint(None, int(m.group(1)), said, where)
    return None


class PeriodConflict(Exception):
    def __init__(self, first: PeriodHint, second: PeriodHint):
        self.first, self.second = first, second
        super().__init__(
            f"Kỳ báo cáo không thống nhất: {first.describe()} nhưng {second.describe()}."
        )


def merge_hints(hints: list[PeriodHint]) -> tuple[str | None, int | None]:
    """Combine hints from title, sheet name and file name; raise on disagreement."""
    half_from: PeriodHint | None = None
    year_from: PeriodHint | None = None
    for hint in hints:
        if hint.half:
            if half_from and half_from.half != hint.half:
                raise PeriodConflict(half_from, hint)
            half_from = half_from or hint
        if hint.year:
            if year_from and year_from.year != hint.year:
                raise PeriodConflict(year_from, hint)
            year_from = year_from or hint
    return (half_from.half if half_from else None), (year_from.year if year_from else None)


def period_code(half: str | None, year: int | None) -> str | None:
    if year is None:
        return None
    return f"{year}-{half or 'FY'}"


def period_label(period: str) -> str:
    """`2023-H1` → "6 tháng đầu năm 2023"; `2022-FY` → "năm 2022"."""
    year, half = period.split("-")
    return f"6 tháng đầu năm {year}" if half == "H1" else f"năm {year}"


# --- periods in words, for people --------------------------------------------------


def previous_period(period: str) -> str:
    """The same report of the previous year: 2024-FY → 2023-FY, 2024-H1 → 2023-H1."""
    year, half = period.split("-")
    return f"{int(year) - 1}-{half}"


def period_spoken(period: str) -> str:
    """`2024-H1` → «sáu tháng đầu năm 2024» (the 6 spoken, so no stray figure in the script)."""
    year, half = period.split("-")
    return f"sáu tháng đầu năm {year}" if half == "H1" else f"năm {year}"


def review_name(period: str) -> str:
    """«tổng kết năm 2024» / «sơ kết 6 tháng đầu năm 2024» (for frames)."""
    return ("sơ kết " if period.endswith("H1") else "tổng kết ") + period_label(period)


def next_period_label(period: str) -> str:
    year, half = int(period[:4]), period[5:]
    return f"6 tháng cuối năm {year}" if half == "H1" else f"năm {year + 1}"
