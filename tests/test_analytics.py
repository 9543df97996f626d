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


@pytest.mark.parametrize("territory", [None, 2025])
def test_every_cluster_at_once_gives_each_cluster_its_own_rows(con, territory):
    from pipeline.publish.dashboards import _of_cluster

    span = (2019, 2025)
    per_unit = an.yearly_unit_metrics(con, span, "FY", territory=territory, by_cluster=True)
    series = an.awards_series(con, span, "FY", territory=territory, by_cluster=True)
    clusters = sorted(per_unit["cluster_no"].dropna().unique())
    assert len(clusters) > 1
    for c in clusters:
        alone = an.yearly_unit_metrics(con, span, "FY", int(c), territory=territory)
        assert len(alone) > 0
        pd.testing.assert_frame_equal(_of_cluster(per_unit, c), alone, check_dtype=False)
        pd.testing.assert_frame_equal(
            an.yearly_totals(_of_cluster(per_unit, c)), an.yearly_totals(alone)
        )
        pd.testing.assert_frame_equal(
            _of_cluster(series, c),
            an.awards_series(con, span, "FY", int(c), territory=territory),
            check_dtype=False,
        )


def test_yearly_totals_leave_a_year_without_any_figure_missing():
    per_unit = pd.DataFrame(
        {
            "year": [2024, 2024, 2025],
            "unit_id": ["a", "b", "a"],
            "collective": [1.0, 2.0, None],
            "individual": [3.0, None, None],
            "awards": [4.0, 2.0, None],
            "initiatives": [None, None, 5.0],
            "n_indicators": [4, 0, 2],
            "n_met": [1, 0, 1],
            "illustrative": [False, True, False],
        }
    )
    got = an.yearly_totals(per_unit).set_index("year")
    assert got.loc[2024, "units"] == 2 and got.loc[2024, "collective"] == 3.0
    assert pd.isna(got.loc[2025, "collective"]) and pd.isna(got.loc[2024, "initiatives"])
    assert got.loc[2024, "share_met"] == 25.0 and got.loc[2025, "share_met"] == 50.0
    assert got.loc[2024, "illustrative"] and not got.loc[2025, "illustrative"]
