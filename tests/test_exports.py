"""Meeting deck and workbook, the year-over-year report, and safe Excel cells."""

import openpyxl
import pandas as pd
import pytest
from conftest import query, run_cli
from pptx import Presentation

from pipeline.publish.export import safe_cell, write_xlsx_tables


@pytest.fixture(scope="module")
def meeting(sample_wh, tmp_path_factory):
    out = tmp_path_factory.mktemp("meeting")
    done = run_cli(
        "meeting", "--cluster", 6, "--period", "2024-FY", "--out", out, "--warehouse", sample_wh
    )
    assert done.returncode == 0, done.stderr
    return out / "hop_cum6_2024-FY.pptx", out / "hop_cum6_2024-FY.xlsx"


def test_deck_has_one_chart_per_slide_with_a_source_line(meeting):
    deck = Presentation(str(meeting[0]))
    slides = list(deck.slides)
    assert "Cụm thi đua số 6" in slides[0].shapes.title.text
    for slide in slides[3:]:  # after the title, key-figures and change slides
        # issue 14: the chart is a native PowerPoint chart, not a picture
        charts = [s for s in slide.shapes if getattr(s, "has_chart", False) and s.has_chart]
        assert len(charts) == 1 and not [s for s in slide.shapes if s.shape_type == 13]
        texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
        assert "Cụm thi đua số 6" in texts[0]
        assert texts[1].startswith("Nguồn: kho thidua, view ")
        assert "DỮ LIỆU MINH HỌA" in texts[1]  # the sample cluster data are illustrative
    assert len(slides) >= 7


def test_workbook_tables_equal_the_views(meeting, sample_wh):
    book = openpyxl.load_workbook(meeting[1], read_only=True)
    assert "Xếp hạng" in book.sheetnames
    rows = [list(r) for r in book["Xếp hạng"].iter_rows(values_only=True)]
    assert rows[0][0].startswith("Điểm thi đua và xếp hạng")
    header = rows[2]
    assert header == ["Xếp hạng", "Đơn vị", "Tổng điểm"]
    got = {r[1]: r[2] for r in rows[3:]}
    want = dict(
        query(
            sample_wh,
            """SELECT u.name, total_points FROM score_ranking JOIN units u
                                   USING (unit_id) WHERE period='2024-FY' AND cluster_no=6""",
        )
    )
    assert got == want


def test_unknown_cluster_is_a_usage_error_in_vietnamese(sample_wh, tmp_path):
    done = run_cli(
        "meeting",
        "--cluster",
        99,
        "--period",
        "2024-FY",
        "--out",
        tmp_path,
        "--warehouse",
        sample_wh,
    )
    assert done.returncode == 2
    assert "Không có số liệu của Cụm thi đua số 99" in done.stderr
    assert "Traceback" not in done.stderr


def test_report_with_2025_territory_sums_former_provinces(sample_wh, tmp_path, browser):
    done = run_cli(
        "report",
        "--from",
        2022,
        "--to",
        2025,
        "--half",
        "H1",
        "--territory",
        2025,
        "--out",
        tmp_path,
        "--warehouse",
        sample_wh,
    )
    assert done.returncode == 0, done.stderr
    base = tmp_path / "bao_cao_toan_bo_2022-2025_H1_dia_gioi_2025"
    book = openpyxl.load_workbook(base.with_suffix(".xlsx"), read_only=True)
    rows = [list(r) for r in book["Theo đơn vị"].iter_rows(values_only=True)]
    header = rows[2]
    data = [dict(zip(header, r, strict=True)) for r in rows[3:]]
    lam_dong = next(r for r in data if r["Năm"] == 2022 and r["Đơn vị"] == "Lâm Đồng")
    (want,) = query(
        sample_wh,
        """SELECT sum(count) FROM awards WHERE period = '2022-H1' AND unit_id IN
           (SELECT unit_id FROM units WHERE 'lam_dong' IN (unit_id, successor_id))""",
    )[0]
    assert lam_dong["Tổng số khen thưởng"] == want
    assert lam_dong["Tổng điểm"] is None  # points of two provinces do not add up
    assert not [r for r in data if r["Đơn vị"] in ("Đắk Nông", "Bình Thuận")]
    page = base.with_suffix(".html").read_text(encoding="utf-8")
    assert "Theo địa giới 2025" in page and "DỮ LIỆU MINH HỌA" in page
    assert "<script src=" not in page  # plotly.js is inside the file
    tab = browser.new_page()
    requests, errors = [], []
    tab.on("request", lambda r: requests.append(r.url))
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.goto(base.with_suffix(".html").as_uri())
    tab.wait_for_load_state("load")
    try:
        assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
        assert errors == []
        assert tab.locator(".js-plotly-plot").count() == 4
        assert tab.locator(".js-plotly-plot .cartesianlayer .trace path").count() > 0
    finally:
        tab.close()


def test_report_growth_equals_the_views(sample_wh, tmp_path):
    done = run_cli(
        "report",
        "--from",
        2022,
        "--to",
        2024,
        "--cluster",
        7,
        "--out",
        tmp_path,
        "--warehouse",
        sample_wh,
    )
    assert done.returncode == 0, done.stderr
    book = openpyxl.load_workbook(tmp_path / "bao_cao_cum7_2022-2024_FY.xlsx", read_only=True)
    rows = [list(r) for r in book["Tăng giảm"].iter_rows(values_only=True)]
    data = {r[0]: r[1:] for r in rows[3:]}
    (a, b) = [
        query(
            sample_wh,
            """SELECT sum(count) FROM awards WHERE period = ?
                                 AND cluster_no = 7""",
            [p],
        )[0][0]
        for p in ("2022-FY", "2024-FY")
    ]
    assert data["Tổng số khen thưởng"][:3] == [a, b, b - a]
    assert data["Tổng số khen thưởng"][3] == round(100 * (b - a) / a, 1)


def test_cells_that_look_like_formulas_are_written_as_text(tmp_path):
    assert safe_cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert safe_cell("Nghệ An") == "Nghệ An" and safe_cell(5) == 5
    frame = pd.DataFrame(
        {
            "Đơn vị": ["=1+1", "+84 912", "-2", "@SUM(A1)", "\tx", "Hà Tĩnh"],
            "Số lượng": [1, 2.5, 3, 4, 5, 1234.5],
        }
    )
    path = write_xlsx_tables(tmp_path / "t.xlsx", {"Bảng": frame})
    ws = openpyxl.load_workbook(path)["Bảng"]
    cells = [ws.cell(row=r, column=1) for r in range(2, 8)]
    assert [c.value for c in cells] == ["'=1+1", "'+84 912", "'-2", "'@SUM(A1)", "'\tx", "Hà Tĩnh"]
    assert all(c.data_type == "s" for c in cells)
    assert ws.cell(row=7, column=2).value == 1234.5
    assert ws.cell(row=7, column=2).number_format == "#,##0.0"
