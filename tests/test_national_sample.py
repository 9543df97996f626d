"""The national illustrative sample of raw/ (issue 15): every province of every period
2020–2025 (63 before the merger of 1 July 2025, 34 after), every cluster, every row marked
illustrative, and no figure that another file of raw/ already holds.  The truth is what
`scripts/make_samples.py` declares (`national_clusters`, `national_claims`, `provinces`)."""

from __future__ import annotations

import csv
import sys

import pytest
from conftest import ROOT, build, query, write_xlsx

sys.path.insert(0, str(ROOT / "scripts"))
import make_samples as samples  # noqa: E402

VIEWS = {
    "indicators": "indicator_results",
    "scores": "scores",
    "awards": "awards",
    "initiatives": "initiatives",
}
NATIONAL = f"source_file LIKE '%/{samples.NATIONAL_DIR}/%'"
# the deliberate fault of 2024/cum6_nam_2024_co_loi_minh_hoa.ods: Nghệ An's score row
FAULT = ("scores", "nghe_an", "2024-FY")


def test_the_generator_declares_63_provinces_before_the_merger_and_34_after():
    counts = {p: len(samples.provinces(p)) for p in samples.NATIONAL_PERIODS}
    assert counts == {p: 34 if p == "2025-FY" else 63 for p in samples.NATIONAL_PERIODS}
    assert "hue" in samples.provinces("2025-H1") and "thua_thien_hue" in samples.provinces(
        "2024-FY"
    )
    assert "kon_tum" in samples.provinces("2025-H1") and "kon_tum" not in samples.provinces(
        "2025-FY"
    )
    # every unit that reports a period sits in one cluster of that year
    for period in samples.NATIONAL_PERIODS:
        members = [u for m in samples.national_clusters(int(period[:4])).values() for u in m]
        assert len(members) == len(set(members))
        assert samples.provinces(period) <= set(members)


def test_every_province_sent_every_kind_for_every_period(sample_wh):
    for kind, view in VIEWS.items():
        got = {}
        for period, unit_id in query(
            sample_wh, f"SELECT DISTINCT period, unit_id FROM {view} WHERE unit_id IS NOT NULL"
        ):
            got.setdefault(period, set()).add(unit_id)
        for period in samples.NATIONAL_PERIODS:
            want = samples.provinces(period)
            if (kind, period) == (FAULT[0], FAULT[2]):
                want = want - {FAULT[1]}
            provinces = got.get(period, set()) & {
                u for u, row in samples.UNITS.items() if row["kind"] in ("tinh", "thanh_pho")
            }
            assert provinces == want, (kind, period, sorted(want ^ provinces))
        # after the merger only the 34 report (the three high-level procuracies ceased too)
        assert got["2025-FY"] == samples.provinces("2025-FY")


def test_every_cluster_of_every_year_with_its_members(sample_wh):
    rows = query(sample_wh, "SELECT year, cluster_no, unit_id, illustrative FROM clusters")
    got: dict[int, dict[int, set]] = {}
    for year, no, unit_id, _ in rows:
        got.setdefault(year, {}).setdefault(no, set()).add(unit_id)
    for year in samples.NATIONAL_YEARS:
        want = {no: set(m) for no, m in samples.national_clusters(year).items()}
        assert got[year] == want, year
    # the clusters known from domain.md stay as the reference list has them (real)
    real = {(y, n) for y, n, _, ill in rows if not ill}
    assert real == set(samples.REFERENCE_CLUSTERS)
    assert sorted(samples.national_clusters(2024)) == list(range(1, 14))
    assert sorted(samples.national_clusters(2025)) == list(range(1, 8))
    assert {len(samples.CLUSTERS_2025_OF_34[n]) for n in samples.CLUSTERS_2025_OF_34} >= {4}
    assert sum(len(m) for m in samples.CLUSTERS_2025_OF_34.values()) == 34


def test_the_overview_compares_every_cluster_in_every_period(sample_wh):
    import duckdb

    from pipeline.publish import analytics

    con = duckdb.connect(str(sample_wh), read_only=True)
    try:
        for period in samples.NATIONAL_PERIODS:
            overview = analytics.cluster_overview(con, period)
            clusters = sorted(samples.national_clusters(int(period[:4])))
            assert [int(c) for c in overview["cluster_no"]] == clusters, period
            figures = overview[["share_met", "mean_points", "awards", "initiatives"]]
            assert not figures.isna().any().any(), period
            assert overview["illustrative"].all()
    finally:
        con.close()


def test_every_row_of_the_national_files_is_marked_illustrative(sample_wh):
    for view in [*VIEWS.values(), "clusters"]:
        total, marked = query(
            sample_wh,
            f"SELECT count(*), count(*) FILTER (WHERE illustrative) FROM {view} WHERE {NATIONAL}",
        )[0]
        assert total > 0 and marked == total, view
    files = sorted((ROOT / "raw").glob(f"*/{samples.NATIONAL_DIR}/*"))
    assert files and all(p.stem.endswith("_minh_hoa") for p in files)
    loaded = {f for (f,) in query(sample_wh, f"SELECT source_file FROM loads WHERE {NATIONAL}")}
    assert loaded == {p.relative_to(ROOT / "raw").as_posix() for p in files}
    assert {p.suffix for p in files} == {".xlsx", ".xls", ".ods", ".csv"}


def test_the_national_files_hold_what_the_generator_declares_and_nothing_twice(sample_wh):
    want = {
        (kind, unit_id, period)
        for (period, _), kinds in samples.national_claims().items()
        for kind, units in kinds.items()
        for unit_id in units
    }
    got = set(
        query(
            sample_wh,
            f"SELECT kind, unit_id, period FROM claims WHERE kind <> 'clusters' AND {NATIONAL}",
        )  # fmt: skip
    )
    assert got == want
    assert not want & samples.existing_claims()
    # no file superseded by another, no rejected row but the deliberate faults
    assert (
        query(sample_wh, "SELECT DISTINCT status FROM loads WHERE status LIKE '%superseded'") == []
    )
    assert query(sample_wh, f"SELECT count(*) FROM rejections WHERE {NATIONAL}") == [(0,)]
    assert query(
        sample_wh, "SELECT count(*) FROM submissions WHERE status IN ('missing', 'superseded')"
    ) == [(0,)]


@pytest.mark.parametrize("period", ["2025-H1", "2025-FY"])
def test_a_unit_merged_in_july_is_expected_for_the_first_half_only(raw, wh, period):
    """submissions: Kon Tum (merged into Quảng Ngãi on 1 July 2025) is a cluster member in
    2025; it owes the report of 2025-H1, not the one of 2025-FY."""
    title = "6 THÁNG ĐẦU NĂM 2025" if period == "2025-H1" else "TỔNG KẾT NĂM 2025"
    write_xlsx(
        raw / "cum.xlsx",
        {
            "Cụm": [
                ["DANH SÁCH CỤM THI ĐUA"],
                ["STT", "Năm", "Cụm thi đua số", "Đơn vị", "Vai trò"],
                [1, 2025, 7, "Quảng Ngãi", "Cụm trưởng"],
                [2, 2025, 7, "Kon Tum", "Thành viên"],
            ]
        },
    )
    write_xlsx(
        raw / "kt.xlsx",
        {
            "Khen thưởng": [
                ["CỤM THI ĐUA SỐ 7"],
                [f"TỔNG HỢP KHEN THƯỞNG {title}"],
                ["STT", "Đơn vị", "Hình thức khen thưởng", "Tập thể", "Cá nhân"],
                [1, "Quảng Ngãi", "Giấy khen", 1, 2],
            ]
        },
    )
    build(raw, wh)
    rows = query(wh, "SELECT unit_id, status FROM submissions WHERE kind = 'awards' ORDER BY 1")
    if period == "2025-H1":
        assert rows == [("kon_tum", "missing"), ("quang_ngai", "received")]
    else:
        assert rows == [("quang_ngai", "received")]


# files of real figures (raw/README.md «Real figures»): they carry the forms and sizes of the
# reports they come from, so the rules below do not judge their years
REAL_FIGURES = ("2022/thai_binh_khen_thuong_nam_2022.xlsx", "2022/cum7_tong_ket_nam_2022.xlsx")


def _series_key(unit_id: str) -> str:
    """A unit and the unit it became by a rename (Thừa Thiên Huế → Huế, 1/1/2025: the new unit
    has this one predecessor and starts the day after it ends) are one series."""
    row = samples.UNITS[unit_id]
    successor = row["successor_id"]
    if not successor:
        return unit_id
    before = [u for u, r in samples.UNITS.items() if r["successor_id"] == successor]
    start = samples.UNITS[successor]["valid_from"]
    ended = row["valid_to"]
    renamed = len(before) == 1 and start > ended and start[:4] == str(int(ended[:4]) + 1)
    return successor if renamed and start.endswith("-01-01") else unit_id


def _year_end_awards(sample_wh):
    real = " AND ".join(f"source_file <> '{f}'" for f in REAL_FIGURES)
    return query(
        sample_wh,
        f"SELECT year, cluster_no, unit_id, award_id, count, source_file LIKE '%/"
        f"{samples.NATIONAL_DIR}/%' FROM awards WHERE period LIKE '%-FY' AND {real}",
    )


def test_every_units_year_end_awards_read_as_one_history_across_sources(sample_wh):
    """Rule: for every unit (a unit and the unit it was renamed to, Thừa Thiên Huế → Huế, are
    one), take its year-end (FY) award total — the sum of count over every form and both
    recipient kinds — in each year 2020–2025 that has awards, leaving out the two files of
    real figures.  Between two consecutive such years of which at least one comes from the
    national sample, the larger total is at most 3 × the smaller.  (Two years that both come
    from the older hand-written files are theirs, not the national sample's.)"""
    totals, national = {}, {}
    for year, _, unit_id, _, count, is_national in _year_end_awards(sample_wh):
        key = (_series_key(unit_id), year)
        totals[key] = totals.get(key, 0) + count
        national[key] = national.get(key, False) or is_national
    assert len({u for u, _ in totals}) >= 63
    jumps = []
    for unit in sorted({u for u, _ in totals}):
        years = sorted(y for u, y in totals if u == unit)
        for a, b in zip(years, years[1:], strict=False):
            if not (national[unit, a] or national[unit, b]):
                continue
            small, large = sorted((totals[unit, a], totals[unit, b]))
            if large > 3 * small:
                jumps.append((unit, a, totals[unit, a], b, totals[unit, b]))
    assert jumps == []


def test_a_clusters_members_report_the_same_award_forms_every_year(sample_wh):
    """Rule: for every cluster number, the set of award forms (award_id) of the year-end (FY)
    rows of its members in a year is the same in every year 2020–2025 that has such rows,
    leaving out the two files of real figures."""
    forms = {}
    for year, cluster_no, _, award_id, _, _ in _year_end_awards(sample_wh):
        forms.setdefault(cluster_no, {}).setdefault(year, set()).add(award_id)
    assert set(forms) >= set(range(1, 14))
    differ = {
        no: {y: sorted(f) for y, f in sorted(by_year.items())}
        for no, by_year in forms.items()
        if len({frozenset(f) for f in by_year.values()}) > 1
    }
    assert differ == {}


def test_the_national_files_leave_a_side_that_does_not_apply_empty():
    """A form with one recipient side (Chiến sĩ thi đua cơ sở, Lao động tiên tiến for
    individuals; Tập thể lao động xuất sắc, Tập thể lao động tiên tiến, Cờ thi đua for
    collectives) has its other cell empty in the long award files, as in the hand-written
    files, not 0 (the wide ones have no column for it)."""
    one_sided = {
        form: (tt is None, cn is None)
        for forms in samples.NATIONAL_AWARDS.values()
        for form, tt, cn in forms
        if tt is None or cn is None
    }
    seen = 0
    for path in sorted((ROOT / "raw").glob(f"*/{samples.NATIONAL_DIR}/khen_thuong_*.csv")):
        with open(path, encoding="utf-8-sig", newline="") as fh:
            for row in csv.reader(fh):
                if len(row) == 5 and row[2] in one_sided:
                    no_tt, no_cn = one_sided[row[2]]
                    assert (row[3] == "") == no_tt and (row[4] == "") == no_cn, (path.name, row)
                    seen += 1
    assert seen > 100
