"""Reporting periods: `YYYY-H1` (sơ kết 6 tháng đầu năm) and `YYYY-FY` (tổng kết năm).

A period may be stated in the title block, the sheet name and the file name; each source
may give the half, the year or both.  They are merged; a disagreement is an error that
names both statements.  A period is parsed, never guessed: a marker that names another span
(a quarter, nine months, a date range that is not a half of the work year) is returned as
unreadable and the sheet is rejected quoting it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from pipeline.core.text import clean, fold

_DATES = [
    re.compile(r"ngay\s+\S{0,4}\s*thang\s+\S{0,4}\s*nam\s+\d{4}"),
    re.compile(r"\bngay\s+\d{1,2}\s+thang\s+\d{1,2}\b"),  # "ngày 5 tháng 6": a day
    re.compile(r"\b\d{1,2}\s+\d{1,2}\s+\d{4}\b"),  # 15/12/2022 once folded
    re.compile(r"\bkem theo\b.*$"),
    re.compile(r"\b(?:so voi|cung ky)\b.*$"),
]
# "từ ngày 01/12/2022 đến ngày 31/5/2023", "(Từ 01/12/2022 đến 31/5/2023)", "từ 1/12/2019 -
# 30/11/2020", "từ ngày 01 tháng 12 năm 2022 đến ngày 31 tháng 5 năm 2023" (once folded)
_DAY = r"(?:ngay\s+)?(\d{1,2})\s+(?:thang\s+)?(\d{1,2})\s+(?:nam\s+)?(\d{4})"
_RANGE = re.compile(rf"\btu\s+{_DAY}\s+(?:den|toi)?\s*{_DAY}")
_HALF_WORDS = r"(?:0?6|sau)\s*(?:thang|t)"
# Markers that name a span that is neither H1 nor FY: a rejection that quotes them.
_UNREADABLE = re.compile(
    r"\bquy\s+(?:i{1,3}|iv|[1-4])\b|\b(?:0?[1-59]|1[01]|ba|chin)\s*thang\b|"
    rf"\b{_HALF_WORDS}\s+cuoi\b|\b0?9t\b"
)
_H1 = [
    re.compile(rf"\b{_HALF_WORDS}(?:\s*(?:dau|d))?(?:\s*(?:nam|n))?\s*(\d{{4}})\b"),
    re.compile(rf"\b{_HALF_WORDS}(\d{{4}})\b"),
    re.compile(r"\bso ket\b(?:\D*?)\b(\d{4})\b"),
    re.compile(rf"\b{_HALF_WORDS}\b()"),
    re.compile(r"\bso ket\b()"),
    re.compile(r"\bh1\s*(\d{4})\b|\b(\d{4})\s*h1\b"),
    re.compile(r"\bnua (?:dau )?nam\b(?:\D*?)\b(\d{4})\b"),
]
_FY = [
    re.compile(r"\btong ket\b(?:\D*?)\b(\d{4})\b"),
    re.compile(r"\b(?:12 thang|ca nam)(?:\s+nam)?\s+(\d{4})\b"),
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
    unreadable: str | None = None  # a marker that is neither H1 nor FY, as written

    def describe(self) -> str:
        return f"{self.where} ghi «{self.said}»"


def read_hint(text: str, where: str) -> PeriodHint | None:
    """The period a piece of text states, if any; parsed, never guessed.

    A half-year marker in any written form ("6T", "06 tháng", "sáu tháng", "sơ kết") wins
    over a bare "năm"; a date range is read through the work year (1 December – 30 November,
    the first half ending 31 May); a marker naming another span ("quý I", "9 tháng", a
    range that is not a work-year half) is returned as `unreadable`, quoted as written.
    """
    said = clean(text)
    key = fold(text.replace("_", " ").replace("-", " "))
    m = _RANGE.search(key)
    if m:
        return _range_hint(m, said, where)
    for pattern in _DATES:
        key = pattern.sub(" ", key)
    m = _UNREADABLE.search(key)
    if m:
        return PeriodHint(None, None, said, where, unreadable=said)
    for half, patterns in (("H1", _H1), ("FY", _FY)):
        for pattern in patterns:
            m = pattern.search(key)
            if m:
                digits = next((g for g in m.groups() if g), None)
                if digits is None:  # "sơ kết công tác thi đua, năm 2023": the year elsewhere
                    y = _YEAR.search(key)
                    digits = y.group(1) if y else None
                return PeriodHint(half, int(digits) if digits else None, said, where)
    m = _YEAR.search(key)
    if m:
        return PeriodHint(None, int(m.group(1)), said, where)
    return None


def _range_hint(m: re.Match, said: str, where: str) -> PeriodHint:
    try:
        start = date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        end = date(int(m.group(6)), int(m.group(5)), int(m.group(4)))
    except ValueError:
        return PeriodHint(None, None, said, where, unreadable=said)
    if (start.month, start.day) == (12, 1) and end.year == start.year + 1:
        if (end.month, end.day) == (5, 31):
            return PeriodHint("H1", end.year, said, where)
        if (end.month, end.day) == (11, 30):
            return PeriodHint("FY", end.year, said, where)
    return PeriodHint(None, None, said, where, unreadable=said)


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
