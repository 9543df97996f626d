"""The offline site, opened page by page in Debian's headless Chromium."""

import html
import re

import pytest
from conftest import query

from pipeline.publish import dashboards

MOJIBAKE = re.compile("\ufffd|Ã.|áº|á»|Æ°")


@pytest.fixture(scope="module")
def site(sample_wh, tmp_path_factory):
    out = tmp_path_factory.mktemp("site") / "dashboards"
    pages = dashboards.build_site(sample_wh, out)
    return out, pages


def open_page(browser, path, key=None):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    seen = {"requests": [], "errors": []}
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.on("console", lambda m: seen["errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.goto(path.as_uri() + (f"#{key}" if key else ""))
    page.wait_for_load_state("load")
    return page, seen


def table_rows(page, table_id):
    return page.evaluate(
        "id => Array.from(document.querySelectorAll('#' + id + ' tbody tr')).map("
        "tr => Array.from(tr.cells).map(td => td.textContent))",
        table_id,
    )


def test_site_has_the_five_pages_and_plotly_once(site):
    out, pages = site
    assert [p.name for p in pages] == [f for f, _ in dashboards.PAGES]
    assert (out / "assets" / "plotly.min.js").stat().st_size > 1_000_000
    for p in pages:
        text = p.read_text(encoding="utf-8")
        assert "cdn" not in text.lower() and "https://" not in text and "http://" not in text


@pytest.mark.parametrize("name", [f for f, _ in dashboards.PAGES])
def test_every_page_draws_offline_without_errors(site, browser, name):
    out, _ = site
    page, seen = open_page(browser, out / name)
    try:
        charts = page.locator(".js-plotly-plot")
        for i in range(charts.count()):
            marks = charts.nth(i).locator(".cartesianlayer .trace path")
            assert marks.count() > 0, f"chart {i} of {name} has no marks"
        body = page.inner_text("body")
        assert dict(dashboards.PAGES)[name] in body
        assert "Số liệu đến kỳ" in body and "nạp lần cuối" in body
        assert not MOJIBAKE.search(body)
        external = [u for u in seen["requests"] if not u.startswith(("file:", "data:", "blob:"))]
        assert external == [] and seen["errors"] == []
        if name != "kiem-tra.html":
            assert charts.count() > 0
    finally:
        page.close()


def test_cluster_page_figures_equal_the_public_views(site, browser, sample_wh):
    out, _ = site
    page, seen = open_page(browser, out / "cum.html", "2024-FY|6")
    try:
        assert page.input_value("select[name=period]") == "2024-FY"
        drawn = page.evaluate(
            "() => { const d = document.getElementById('chart-p1').data[0];"
            " return [Array.from(d.y), Array.from(d.x)]; }"
        )
        ranking = query(
            sample_wh,
            """SELECT rank, u.name, total_points FROM score_ranking JOIN units u
                           USING (unit_id) WHERE period = '2024-FY' AND cluster_no = 6""",
        )
        assert sorted(zip(*drawn, strict=True)) == sorted((f"{r}. {n}", p) for r, n, p in ranking)
        (total,) = query(
            sample_wh,
            """SELECT sum(count) FROM awards WHERE period = '2024-FY'
                            AND cluster_no = 6 AND unit_id = 'ha_tinh'""",
        )[0]
        row = next(r for r in table_rows(page, "table-p2") if r[0] == "Hà Tĩnh")
        assert row[-1] == f"{total:.0f}"
        # Switching the cluster redraws from the other view.
        page.select_option("select[name=cluster]", "7")
        assert "Cụm thi đua số 7" in page.inner_text("#panels")
        assert page.locator("#chart-p0 .cartesianlayer .trace path").count() > 0
        assert seen["errors"] == []
    finally:
        page.close()


def test_comparable_territory_sums_former_provinces_into_their_successor(site, browser, sample_wh):
    out, _ = site
    page, _ = open_page(browser, out / "khen-thuong.html", "all|H1|2025")
    try:
        rows = table_rows(page, "table-p2")
        (want,) = query(
            sample_wh,
            """SELECT sum(count) FROM awards WHERE period = '2022-H1'
                           AND unit_id IN ('lam_dong', 'dak_nong')""",
        )[0]
        row = next(r for r in rows if r[:2] == ["2022", "Lâm Đồng"])
        assert row[4] == f"{want:.0f}"
        assert not [r for r in rows if r[1] == "Đắk Nông"]
    finally:
        page.close()


def test_banner_shows_only_where_illustrative_data_is_shown(site, browser):
    out, _ = site
    page, _ = open_page(browser, out / "don-vi.html", "thai_binh")
    try:
        assert page.locator("#banner").is_hidden()  # Thái Bình 2022: real figures only
        page.select_option("select[name=unit]", "gia_lai")
        assert page.locator("#banner").is_visible()
        assert "DỮ LIỆU MINH HỌA" in page.inner_text("#banner")
    finally:
        page.close()


def test_no_recipient_name_appears_on_any_page(site, sample_wh):
    out, pages = site
    names = [n for (n,) in query(sample_wh, "SELECT DISTINCT name FROM recipients") if n]
    assert names, "the sample data has named recipients to look for"
    for p in pages:
        text = p.read_text(encoding="utf-8")
        assert not [n for n in names if n in text], p.name


def test_data_check_page_lists_every_rejection(site, sample_wh):
    out, _ = site
    text = (out / "kiem-tra.html").read_text(encoding="utf-8")
    for (message,) in query(sample_wh, "SELECT message FROM rejections"):
        assert html.escape(message) in text
