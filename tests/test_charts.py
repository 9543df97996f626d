"""Chart functions: traces, titles and the shared Vietnamese template."""

import pandas as pd
import plotly.io as pio

from pipeline.publish import charts


def test_template_uses_vietnamese_number_separators_and_print_safe_patterns():
    t = charts.template()
    assert t.layout.separators == ",."
    assert "DejaVu Sans" in t.layout.font.family
    shapes = [b.marker.pattern.shape for b in t.data.bar]
    assert len(set(shapes)) == len(shapes) > 4  # series differ in grey print too


def test_vn_number_and_date_formats():
    from datetime import datetime

    assert charts.vn_number(1234.5) == "1.234,5"
    assert charts.vn_number(1234567) == "1.234.567"
    assert charts.vn_number(None) == "–"
    assert charts.vn_date(datetime(2026, 1, 5, 7, 9), with_time=True) == "05/01/2026 07:09"


def ranking():
    return pd.DataFrame(
        {
            "unit_id": ["a", "b", "c"],
            "name": ["Nghệ An", "Hà Tĩnh", "Quảng Trị"],
            "total_points": [95.5, 91.0, 91.0],
            "rank": [1, 2, 2],
            "illustrative": [False, False, False],
        }
    )


def test_score_ranking_puts_rank_one_on_top_with_vietnamese_labels():
    fig = charts.score_ranking(ranking(), "Xếp hạng điểm thi đua")
    (bar,) = fig.data
    assert list(bar.y) == ["2. Quảng Trị", "2. Hà Tĩnh", "1. Nghệ An"]  # plotted bottom → top
    assert list(bar.x) == [91.0, 91.0, 95.5]
    assert list(bar.text) == ["91", "91", "95,5"]
    assert fig.layout.title.text.startswith("Xếp hạng điểm thi đua")
    assert "Nguồn: view score_ranking" in fig.layout.title.text
    assert charts.ILLUSTRATIVE not in fig.layout.title.text


def test_illustrative_rows_label_the_chart():
    df = ranking().assign(illustrative=[False, True, False])
    fig = charts.score_ranking(df, "Xếp hạng")
    assert charts.ILLUSTRATIVE in fig.layout.title.text


def test_empty_frame_says_there_is_no_data_instead_of_drawing_nothing():
    fig = charts.score_ranking(ranking().iloc[0:0], "Xếp hạng")
    assert not fig.data
    assert fig.layout.annotations[0].text == "Không có số liệu chấm điểm"


def test_indicator_chart_splits_met_and_missed_and_draws_the_target():
    df = pd.DataFrame(
        {
            "name": ["Gia Lai", "Kon Tum"],
            "actual": [92.0, 80.0],
            "target": [90.0, 90.0],
            "measure_unit": ["%", "%"],
            "met_label": ["Đạt", "Chưa đạt"],
            "illustrative": [False, False],
        }
    )
    fig = charts.indicator_by_unit(df, "Tỷ lệ giải quyết tố giác")
    names = [t.name for t in fig.data]
    assert names == ["Đạt", "Chưa đạt", "Chỉ tiêu"]
    assert list(fig.data[0].x) == ["Gia Lai"] and list(fig.data[1].y) == [80.0]
    assert list(fig.data[2].y) == [90.0, 90.0]
    assert fig.layout.yaxis.title.text == "%"


def test_awards_by_form_groups_collective_and_individual():
    df = pd.DataFrame(
        {
            "award_id": ["bang_khen_vkstc"] * 2,
            "award_name": ["Bằng khen"] * 2,
            "recipient_kind": ["tap_the", "ca_nhan"],
            "count": [65, 286],
            "illustrative": [False, False],
        }
    )
    fig = charts.awards_by_form(df, "Khen thưởng theo hình thức")
    assert [t.name for t in fig.data] == ["Tập thể", "Cá nhân"]
    assert [list(t.x) for t in fig.data] == [[65], [286]]


def test_awards_timeline_keeps_the_largest_forms_and_groups_the_rest():
    rows = [(2023, f"Hình thức {i}", 10 * (i + 1)) for i in range(8)]
    df = pd.DataFrame(rows, columns=["year", "award_name", "count"]).assign(illustrative=False)
    fig = charts.awards_timeline(df, "Khen thưởng qua các năm", top=3)
    assert [t.name for t in fig.data] == [
        "Hình thức 7",
        "Hình thức 6",
        "Hình thức 5",
        "Hình thức khác",
    ]
    assert list(fig.data[-1].y) == [sum(10 * (i + 1) for i in range(5))]
    assert fig.layout.barmode == "stack"


def test_movers_separate_increases_from_decreases():
    df = pd.DataFrame(
        {"name": ["A", "B", "C"], "delta": [5.0, -3.0, 0.0], "illustrative": [False] * 3}
    )
    fig = charts.movers(df, "Thay đổi")
    assert {t.name: sorted(t.x) for t in fig.data} == {"Tăng": [0.0, 5.0], "Giảm": [-3.0]}


def test_the_site_builder_does_not_import_plotly():
    """The pages need only dict specs; Plotly's import is left to notebooks and exports."""
    import subprocess
    import sys

    code = (
        "import sys; import pipeline.publish.dashboards, pipeline.publish.charts; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('plotly', 'great_expectations')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_chart_function_registers_the_template_for_notebooks():
    fig = charts.score_ranking(ranking(), "Xếp hạng")
    assert charts.TEMPLATE_NAME in pio.templates
    assert fig.layout.template.layout.separators == ",."
