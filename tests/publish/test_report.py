"""The year-over-year report (issue 14): rates change in percentage points, counts in numbers
and percent, a column per year, no data is said with exit 3, units by name or code."""

from __future__ import annotations

import openpyxl
from conftest import query, run_cli


def _report(sample_wh, out, *args):
    return run_cli("report", *args, "--out", out, "--warehouse", sample_wh)


def _rows(path, sheet):
    return [list(r) for r in openpyxl.load_workbook(path)[sheet].iter_rows(values_only=True)]


def test_a_rate_changes_in_percentage_points_and_a_count_in_number_and_percent(sample_wh, tmp_path):
    done = _report(sample_wh, tmp_path, "--from", 2022, "--to", 2024, "--unit", "quang_tri")
    assert done.returncode == 0, done.stderr
    path = tmp_path / "bao_cao_quang_tri_2022-2024_FY.xlsx"
    rows = {r[0]: r[1:] for r in _rows(path, "Tăng giảm")[3:]}
    rate = rows["Tỷ lệ chỉ tiêu đạt (%)"]
    a, b = rate[0], rate[1]
    assert rate[3] is None  # no «growth in percent» of a percentage
    verb = "tăng" if b > a else "giảm"
    pts = f"{abs(b - a):g}".replace(".", ",")
    assert rate[4] == f"{verb} {pts} điểm phần trăm"
    total = rows["Tổng số khen thưởng"]
    assert total[4].startswith(("tăng ", "giảm ")) and "%" in total[4]


def test_the_report_has_a_column_per_year(sample_wh, tmp_path):
    done = _report(sample_wh, tmp_path, "--from", 2022, "--to", 2024, "--cluster", 7)
    assert done.returncode == 0, done.stderr
    rows = _rows(tmp_path / "bao_cao_cum7_2022-2024_FY.xlsx", "Qua từng năm")
    header = rows[2]
    assert header[:4] == ["Chỉ số", "2022", "2023", "2024"]
    assert header[4:] == ["2023 so với 2022", "2024 so với 2023"]
    data = {r[0]: r[1:] for r in rows[3:]}
    for year, col in ((2022, 0), (2023, 1), (2024, 2)):
        (want,) = query(
            sample_wh,
            "SELECT sum(count) FROM awards WHERE period = ? AND cluster_no = 7",
            [f"{year}-FY"],
        )[0]
        assert data["Tổng số khen thưởng"][col] == want
    html = (tmp_path / "bao_cao_cum7_2022-2024_FY.html").read_text(encoding="utf-8")
    assert "Qua từng năm" in html and "2024 so với 2023" in html


def test_no_data_is_said_with_exit_3_and_no_file(sample_wh, tmp_path):
    done = _report(sample_wh, tmp_path / "r", "--from", 2010, "--to", 2011, "--cluster", 6)
    assert done.returncode == 3
    assert "Không có số liệu" in done.stderr and "2010–2011" in done.stderr
    assert not (tmp_path / "r").exists() or not list((tmp_path / "r").iterdir())


def test_a_unit_by_name_or_code_and_suggestions_for_a_near_miss(sample_wh, tmp_path):
    for unit in ("Quảng Trị", "VKSND tỉnh Quảng Trị", "quang_tri"):
        done = _report(sample_wh, tmp_path, "--from", 2022, "--to", 2024, "--unit", unit)
        assert done.returncode == 0, (unit, done.stderr)
        assert (tmp_path / "bao_cao_quang_tri_2022-2024_FY.xlsx").exists()
    done = _report(sample_wh, tmp_path, "--from", 2022, "--to", 2024, "--unit", "Quảng Trj")
    assert done.returncode == 2
    assert "Có phải:" in done.stderr and "«Quảng Trị» (mã quang_tri)" in done.stderr
