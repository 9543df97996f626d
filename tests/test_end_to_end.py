"""From raw/ (the shipped sample data) to the public views, with exact figures."""

import pytest
from conftest import FIXTURES, query

from pipeline.build import check


@pytest.fixture(scope="module")
def warehouse(sample_build):
    """raw/ as built once for the session (conftest `sample_build`): read only."""
    return sample_build


def test_every_view_of_the_contract_exists_with_its_columns(warehouse):
    _, wh, _ = warehouse
    contract = {
        "units": "unit_id, name, kind, gso_code, valid_from, valid_to, successor_id",
        "clusters": "year, cluster_no, unit_id, role",
        "indicator_results": "period, year, unit_id, cluster_no, indicator_id, indicator_name, measure_unit, target, actual, met, source_file",
        "scores": "period, year, unit_id, cluster_no, criterion, max_points, points, source_file",
        "score_ranking": "period, cluster_no, unit_id, total_points, rank",
        "awards": "year, period, unit_id, cluster_no, award_id, award_name, recipient_kind, count, source_file",
        "recipients": "year, unit_id, award_id, recipient_kind, name, position, decision_no, decision_date, source_file",
        "initiatives": "year, period, unit_id, cluster_no, level, count, source_file",
        "rejections": "source_file, sheet, row_no, column_name, value, rule, message",
        "loads": "source_file, sha256, loaded_at, status, rows_read, rows_loaded, rows_rejected",
    }
    for view, cols in contract.items():
        query(wh, f"SELECT {cols} FROM {view} LIMIT 1")
    assert query(
        wh,
        "SELECT count(*) FROM units WHERE valid_from <= DATE '2025-06-30' AND (valid_to IS NULL OR valid_to >= DATE '2025-06-30') AND kind IN ('tinh','thanh_pho')",
    ) == [(63,)]
    assert query(
        wh,
        "SELECT count(*) FROM units WHERE valid_from <= DATE '2025-07-01' AND valid_to IS NULL AND kind IN ('tinh','thanh_pho')",
    ) == [(34,)]


def test_thai_binh_2022_real_figures(warehouse):
    _, wh, _ = warehouse
    rows = query(
        wh,
        """SELECT award_id, recipient_kind, count FROM awards
                        WHERE unit_id = 'thai_binh' AND period = '2022-FY' AND count > 0
                        ORDER BY ALL""",
    )
    assert rows == [
        ("bang_khen_thu_tuong", "tap_the", 1),
        ("bang_khen_ubnd_tinh", "ca_nhan", 6),
        ("bang_khen_ubnd_tinh", "tap_the", 4),
        ("bang_khen_vkstc", "ca_nhan", 9),
        ("bang_khen_vkstc", "tap_the", 4),
        ("chien_si_thi_dua_co_so", "ca_nhan", 23),
        ("chien_si_thi_dua_nganh", "ca_nhan", 1),
        ("co_thi_dua_nganh", "tap_the", 2),
        ("tap_the_lao_dong_xuat_sac", "tap_the", 6),
    ]
    # the year-end file is real; the national sample's first half of 2022 is illustrative
    assert query(
        wh,
        "SELECT period, illustrative FROM awards WHERE unit_id = 'thai_binh' AND year = 2022"
        " GROUP BY ALL ORDER BY ALL",
    ) == [("2022-FY", False), ("2022-H1", True)]


def test_cluster_7_2022_totals_equal_the_meeting_report(warehouse):
    _, wh, _ = warehouse
    rows = dict(
        ((a, k), n)
        for a, k, n in query(
            wh,
            """SELECT award_id, recipient_kind, sum(count) FROM awards
            WHERE cluster_no = 7 AND year = 2022 AND period = '2022-FY' GROUP BY ALL""",
        )
    )
    assert (
        rows[("bang_khen_vkstc", "tap_the")] == 65 and rows[("bang_khen_vkstc", "ca_nhan")] == 286
    )
    assert (
        rows[("bang_khen_thu_tuong", "ca_nhan")] == 3 and rows[("ky_niem_chuong", "ca_nhan")] == 39
    )
    assert rows[("giay_khen", "tap_the")] == 111 and rows[("giay_khen", "ca_nhan")] == 422
    ini = dict(
        query(
            wh,
            "SELECT level, sum(count) FROM initiatives WHERE cluster_no = 7 AND period = '2022-FY' GROUP BY ALL",
        )
    )
    assert ini == {"co_so": 186, "nganh": 20, "de_tai_khoa_hoc": 1}


def test_sample_loads_whole_except_the_deliberate_faults(warehouse):
    _, wh, summary = warehouse
    assert sorted(query(wh, "SELECT rule, row_no FROM rejections")) == [
        ("points_over_max", 8),
        ("totals_mismatch", 15),
        ("unit_unknown", 14),
    ]
    for read, loaded, rejected in query(
        wh, "SELECT rows_read, rows_loaded, rows_rejected FROM loads"
    ):
        assert read == loaded + rejected
    assert summary.rows_read == summary.rows_loaded + summary.rows_rejected
    assert query(wh, "SELECT count(*) FROM sheets WHERE status = 'skipped' AND reason IS NULL") == [
        (0,)
    ]
    # every illustrative file's rows are marked so
    assert query(
        wh, "SELECT count(*) FROM awards WHERE source_file LIKE '%minh_hoa%' AND NOT illustrative"
    ) == [(0,)]


def test_merger_and_renaming_in_2025(warehouse):
    _, wh, _ = warehouse
    units = {
        u for (u,) in query(wh, "SELECT DISTINCT unit_id FROM awards WHERE period = '2025-H1'")
    }
    assert "hue" in units and "thua_thien_hue" not in units
    assert query(wh, "SELECT successor_id FROM units WHERE unit_id = 'kon_tum'") == [
        ("quang_ngai",)
    ]


@pytest.mark.parametrize("suffix", ["xls", "ods", "xlsx"])
def test_files_saved_by_libreoffice_read_exactly(suffix):
    out = check([FIXTURES / f"lo_awards_wide.{suffix}"])
    # the SUM formula skipped the text cell "2": the total (13) disagrees with the rows (15)
    [mismatch] = out.rejections
    assert (mismatch["rule"], mismatch["row_no"], mismatch["value"]) == (
        "totals_mismatch",
        11,
        "13",
    )
    got = {
        (f["unit_id"], f["award_id"], f["recipient_kind"]): f["count"] for f in out.facts["awards"]
    }
    assert got[("lam_dong", "bang_khen_thu_tuong", "tap_the")] == 9  # a hidden row is data
    assert (
        got[("kon_tum", "giay_khen", "tap_the")] == 2
        and got[("kon_tum", "giay_khen", "ca_nhan")] == 0
    )
    assert sum(got.values()) == 3 + 3 + 6 + 5 + 12 + 45
    skipped = [s for s in out.sheet_rows if s["status"] == "skipped"]
    assert [s["sheet"] for s in skipped] == ["Ẩn"]


@pytest.mark.parametrize("suffix", ["xls", "ods"])
def test_percent_cells_survive_libreoffice(suffix):
    out = check([FIXTURES / f"lo_indicators_long.{suffix}"])
    facts = {f["indicator_name"]: (f["target"], f["actual"]) for f in out.facts["indicators"]}
    assert facts["Tỷ lệ giải quyết tố giác, tin báo về tội phạm và kiến nghị khởi tố"] == (
        90,
        pytest.approx(95.5),
    )
    assert facts["Tỷ lệ thu hồi tài sản trong các vụ án tham nhũng"] == (60, 72.5)
    assert facts["Số vụ án khởi tố"] == (None, 1234)
