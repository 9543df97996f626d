"""Normalise: one file's recognised facts as the warehouse keeps them.

A pure step between recognition and validation (it reads no file and changes nothing it is
given): each fact gets its year from the period, a unit renamed later is named as it was
that year ("Huế" means Thừa Thiên Huế before 2025), an indicator not in the reference list
gets a new id (`moi_…`, so it is loaded and listed as new, not rejected), and a file whose
sheets state two periods has every fact rejected, naming both statements.
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache
from typing import TypeVar

from pipeline.core.refdata import Reference
from pipeline.core.text import slug
from pipeline.ingest.recognise import Problem, SheetResult

Outcome = TypeVar("Outcome")  # a `pipeline.build.FileOutcome`: a dataclass with `sheets`

PERIOD_CONFLICT = "period_conflict"


def normalise(outcome: Outcome, ref: Reference) -> Outcome:
    """A copy of `outcome` with its facts normalised (see the module docstring)."""
    conflict = next(
        (p for s in outcome.sheets for p in s.problems if p.rule == PERIOD_CONFLICT), None
    )
    if conflict is not None:
        sheets = [_rejected_whole(sheet, conflict) for sheet in outcome.sheets]
    else:
        renamed = renamed_units(ref)
        sheets = [
            dataclasses.replace(sheet, facts=[_fact(f, sheet.kind, renamed) for f in sheet.facts])
            for sheet in outcome.sheets
        ]
    return dataclasses.replace(outcome, sheets=sheets)


def _fact(fact: dict, kind: str | None, renamed: dict[str, tuple[str, int]]) -> dict:
    fact = dict(fact)
    if fact.get("year") is None:
        fact["year"] = int(fact["period"][:4]) if fact.get("period") else None
    unit_id, year = fact.get("unit_id"), fact["year"]
    if unit_id in renamed and year is not None:
        before, since = renamed[unit_id]
        if year < since:
            fact["unit_id"] = before
    if kind == "indicators" and not fact.get("indicator_id"):
        fact["indicator_id"] = new_indicator_id(fact.get("indicator_name"))
    return fact


def _rejected_whole(sheet: SheetResult, conflict: Problem) -> SheetResult:
    """Every fact of the sheet rejected with the file's period conflict (its rows stay read)."""
    fanned = [
        dataclasses.replace(
            conflict, sheet=sheet.sheet, row_no=f["row_no"], column_name=None, value=None
        )
        for f in sheet.facts
    ]
    return dataclasses.replace(
        sheet,
        facts=[],
        rejected_rows=sheet.rejected_rows | {f["row_no"] for f in sheet.facts},
        problems=sheet.problems + fanned,
    )


@lru_cache(maxsize=4096)
def new_indicator_id(name: str | None) -> str:
    """The id of an indicator the reference list does not know: from its name, stable."""
    return "moi_" + slug(name)[:60]


_RENAMED: list = [None, {}]  # [the reference, its renames]: one reference at a time


def renamed_units(ref: Reference) -> dict[str, tuple[str, int]]:
    """successor id -> (the unit it renamed, the successor's first year).

    A rename is a successor that began after its predecessor ended (Thừa Thiên Huế → Huế);
    a merger into a unit that already existed is not one."""
    if _RENAMED[0] is not ref:
        by_id = {u["unit_id"]: u for u in ref.units}
        _RENAMED[:] = [
            ref,
            {
                u["successor_id"]: (u["unit_id"], int(by_id[u["successor_id"]]["valid_from"][:4]))
                for u in ref.units
                if u["successor_id"]
                and u["valid_to"]
                and by_id[u["successor_id"]]["valid_from"] > u["valid_to"]
            },
        ]
    return _RENAMED[1]
