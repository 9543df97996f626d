"""Normalise: a pure step on one file's outcome, tested on outcomes built by hand."""

import copy
import dataclasses
from pathlib import Path

import pytest

from pipeline.core import refdata
from pipeline.ingest.normalise import new_indicator_id, normalise
from pipeline.ingest.recognise import Problem, SheetResult
from pipeline.ingest.worker import FileOutcome

CONFLICT = (
    "Kỳ báo cáo không thống nhất: tiêu đề ghi «2023-H1», tên trang tính ghi «2023-FY»; "
    "hãy sửa cho thống nhất."
)


@pytest.fixture(scope="module")
def ref():
    """The real reference, its units cut down to Thừa Thiên Huế and the city it became."""
    full = refdata.load()
    units = tuple(u for u in full.units if u["unit_id"] in ("thua_thien_hue", "hue"))
    assert len(units) == 2
    return dataclasses.replace(full, units=units)


def award(row_no, unit_id="hue", period="2024-FY", **extra):
    return {
        "sheet": "KT",
        "row_no": row_no,
        "period": period,
        "unit_id": unit_id,
        "award_id": "giay_khen",
        "recipient_kind": "tap_the",
        "count": 1,
        **extra,
    }


def outcome(*sheets):
    return FileOutcome("kt.xlsx", Path("raw/kt.xlsx"), sheets=list(sheets))


def sheet(facts, name="KT", kind="awards", problems=()):
    return SheetResult(
        name,
        kind=kind,
        period=facts[0].get("period") if facts else None,
        facts=facts,
        data_rows={f["row_no"] for f in facts},
        problems=list(problems),
    )


def test_year_comes_from_the_period_unless_the_row_states_it(ref):
    out = normalise(outcome(sheet([award(8, period="2023-H1"), award(9, year=2022)])), ref)
    assert [f["year"] for f in out.sheets[0].facts] == [2023, 2022]


def test_a_fact_without_period_or_year_keeps_no_year(ref):
    out = normalise(outcome(sheet([award(8, period=None)])), ref)
    assert out.sheets[0].facts[0]["year"] is None


def test_hue_before_2025_means_thua_thien_hue_and_from_2025_the_city(ref):
    facts = [award(8, period="2024-FY"), award(9, period="2025-H1"), award(10, "quang_tri")]
    out = normalise(outcome(sheet(facts)), ref)
    assert [f["unit_id"] for f in out.sheets[0].facts] == ["thua_thien_hue", "hue", "quang_tri"]


def test_an_indicator_not_in_the_reference_gets_a_new_id_the_same_everywhere(ref):
    name = "Tỷ lệ án được giải quyết đúng hạn (mới)"

    def indicator(row_no, indicator_id=None, indicator_name=name):
        return {
            "sheet": "CT",
            "row_no": row_no,
            "period": "2025-H1",
            "unit_id": "hue",
            "indicator_id": indicator_id,
            "indicator_name": indicator_name,
        }

    out = normalise(
        outcome(
            sheet([indicator(6), indicator(7, "ct_01", "Chỉ tiêu đã biết")], "CT", "indicators"),
            sheet([indicator(6)], "CT2", "indicators"),
        ),
        ref,
    )
    ids = [f["indicator_id"] for s in out.sheets for f in s.facts]
    assert ids == ["moi_ty_le_an_duoc_giai_quyet_dung_han_moi", "ct_01", ids[0]]
    assert new_indicator_id(name) == ids[0]
    assert len(new_indicator_id("chỉ tiêu " * 20)) == len("moi_") + 60


def test_a_period_conflict_rejects_every_fact_of_the_file_naming_both_periods(ref):
    conflict = Problem("KT", None, None, None, "period_conflict", CONFLICT)
    first = sheet([award(8), award(8, recipient_kind="ca_nhan"), award(9)], problems=[conflict])
    second = sheet([award(6)], name="KT2")
    out = normalise(outcome(first, second), ref)

    assert [s.facts for s in out.sheets] == [[], []]
    assert [s.rejected_rows for s in out.sheets] == [{8, 9}, {6}]
    assert [s.data_rows for s in out.sheets] == [{8, 9}, {6}]  # still read: rows_read counts them
    fanned = [p for s in out.sheets for p in s.problems if p.row_no is not None]
    assert [(p.sheet, p.row_no, p.rule) for p in fanned] == [
        ("KT", 8, "period_conflict"),
        ("KT", 8, "period_conflict"),
        ("KT", 9, "period_conflict"),
        ("KT2", 6, "period_conflict"),
    ]
    assert all("2023-H1" in p.message and "2023-FY" in p.message for p in fanned)
    assert out.sheets[0].problems[0] == conflict  # the statement itself stays


def test_normalise_changes_nothing_it_was_given(ref):
    conflict = Problem("KT", None, None, None, "period_conflict", CONFLICT)
    given = outcome(sheet([award(8)]), sheet([award(6)], name="KT2", problems=[conflict]))
    before = copy.deepcopy(given)
    normalise(given, ref)
    normalise(outcome(*given.sheets[:1]), ref)
    assert given == before


def test_a_file_that_could_not_be_read_passes_through(ref):
    broken = FileOutcome("x.xlsx", Path("raw/x.xlsx"), error="hỏng", error_rule="file_unreadable")
    assert normalise(broken, ref) == broken
