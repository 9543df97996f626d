"""Queries shared by notebooks, dashboards, exports and the clip."""

import duckdb
import pandas as pd
import pytest

from pipeline.core import refdata
from pipeline.publish import analytics as an


@pytest.fixture()
def con(sample_wh):
    c = duckdb.connect(str(sample_wh), read_only=True)
    yield c
    c.close()


def test_award_forms_come_in_the_reference_rank_order(con):
    rank = {r["award_id"]: int(r["rank"]) for r in refdata.read_csv("award_forms.csv")}
    got = [rank[a] for a in an.awards_by_form(con, "2022-FY", 7)["award_id"]]
    assert got == sorted(got) and len(set(got)) > 3


def test_periods_put_the_mid_year_report_before_the_year_end(con):
    got = an.periods(con)
    assert got.index("2023-H1") < got.index("2023-FY") < got.index("2024-H1")


def test_territory_map_follows_the_2025_merger(con):
    m = an.territory_map(con, 2025)
    assert m["thai_binh"] == "hung_yen" and m["quang_binh"] == "quang_tri"
    assert m["thua_thien_hue"] == "hue" and m["gia_lai"] == "gia_lai"


def test_a_figure_a_unit_did_not_report_is_missing_not_zero(con):
    # every unit of the national sample sends every kind; Nghệ An's score row of 2024 is a
    # deliberate fault (rejected), so its score total for 2024 is not known
    per_unit = an.yearly_unit_metrics(con, (2024, 2024), "FY")
    nghe_an = per_unit[per_unit["unit_id"] == "nghe_an"].iloc[0]
    assert pd.isna(nghe_an["total_points"]) and nghe_an["n_indicators"] > 0
    assert nghe_an["awards"] > 0
    assert not (per_unit["total_points"] == 0).any() and not (per_unit["awards"] == 0).any()


def test_changes_and_growth():
    frame = pd.DataFrame({"year": [2022, 2024], "awards": [80.0, 100.0]})
    row = an.changes(frame, ["awards"], 2022, 2024).iloc[0]
    assert (row["from_value"], row["to_value"], row["delta"], row["growth"]) == (80, 100, 20, 25.0)
