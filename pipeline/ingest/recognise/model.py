"""The shapes recognition works with: problems, the sheet result, columns, layouts, facts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import TypedDict


@dataclass
class Problem:
    """A fault found while recognising a sheet (not a row-level validation)."""

    sheet: str | None
    row_no: int | None
    column_name: str | None
    value: str | None
    rule: str
    message: str


@dataclass
class SheetResult:
    sheet: str
    kind: str | None = None
    layout: str | None = None
    period: str | None = None
    illustrative: bool = False
    skipped_reason: str | None = None
    facts: list[dict] = field(default_factory=list)
    data_rows: set[int] = field(default_factory=set)  # spreadsheet rows (1-based)
    rejected_rows: set[int] = field(default_factory=set)  # rejected during recognition
    problems: list[Problem] = field(default_factory=list)
    mappings: list[dict] = field(default_factory=list)  # «bí danh» sheets: spelling → id
    used_spellings: set[str] = field(default_factory=set)  # resolved through a mapping
    unknown_spellings: set[str] = field(default_factory=set)  # rejected: a mapping may teach


@dataclass
class Column:
    index: int
    parent: str
    child: str

    @cached_property
    def letter(self) -> str:
        from openpyxl.utils import get_column_letter  # openpyxl: 0,2 s at import

        return get_column_letter(self.index + 1)

    @cached_property
    def label(self) -> str:
        if self.parent and self.child and self.parent != self.child:
            return f"{self.parent} - {self.child}"
        return self.parent or self.child

    @cached_property
    def name(self) -> str:
        """How the column is named to the analyst: "E (Kết quả)"."""
        return f"{self.letter} ({self.label})" if self.label else self.letter


@dataclass
class Layout:
    kind: str
    layout: str  # "long" or "wide"
    fields: dict[str, Column]  # field -> column (long layouts, and the unit column)
    groups: list[tuple[Column, dict]] = field(default_factory=list)  # wide: (column, meaning)
    total_columns: list[Column] = field(default_factory=list)

    @property
    def needs_title_unit(self) -> bool:
        return "unit" not in self.fields

    @property
    def label_column(self) -> Column | None:
        for f in ("indicator", "criterion", "award", "level", "name", "unit", "spelling"):
            if f in self.fields:
                return self.fields[f]
        return None


# --- the facts of each kind (what `validate` and the warehouse receive) ----------------------


class BaseFact(TypedDict, total=False):
    sheet: str
    row_no: int  # as the analyst sees it (1-based)
    period: str | None
    illustrative: bool
    unit_id: str | None
    unit_raw: str
    col_unit: str
    unit_note: str | None  # a bracket note dropped from the unit cell ("Cụm trưởng")


class IndicatorFact(BaseFact, total=False):
    indicator_name: str
    col_indicator: str
    indicator_id: str | None
    measure_unit: str
    direction_hint: str | None
    target: float | None
    target_problem: str | None
    target_raw: str
    col_target: str | None
    actual: float | None
    actual_problem: str | None
    actual_raw: str
    col_actual: str | None


class ScoreFact(BaseFact, total=False):
    criterion: str
    col_criterion: str
    max_points: float | None
    max_points_problem: str | None
    max_points_raw: str
    col_max_points: str | None
    points: float | None
    points_problem: str | None
    points_raw: str
    col_points: str | None


class AwardFact(BaseFact, total=False):
    award_id: str | None
    award_raw: str
    col_award: str
    recipient_kind: str | None
    count: float
    count_problem: str | None
    count_raw: str
    col_count: str


class InitiativeFact(BaseFact, total=False):
    level: str | None
    level_raw: str
    col_level: str
    count: float
    count_problem: str | None
    count_raw: str
    col_count: str


class RecipientFact(BaseFact, total=False):
    name: str
    col_name: str
    position: str
    birth_year: int | None  # optional columns: a person's key across years
    staff_no: str | None
    award_id: str | None
    award_raw: str
    col_award: str
    recipient_kind: str
    decision_no: str | None
    decision_date: date | None
    decision_date_problem: str | None
    decision_date_raw: str
    col_decision_date: str
    year: int | None


class ClusterFact(BaseFact, total=False):
    year: int | None
    cluster_no: int | None
    cluster_raw: str
    col_cluster: str
    role: str | None
    role_raw: str
    col_role: str | None
    col_year: str


FACT_TYPES = {
    "indicators": IndicatorFact,
    "scores": ScoreFact,
    "awards": AwardFact,
    "initiatives": InitiativeFact,
    "recipients": RecipientFact,
    "clusters": ClusterFact,
}
