"""The offline site, opened page by page in Debian's headless Chromium."""

import contextlib
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


# A small raw/ with gaps the national sample no longer has (it sends everything): Cụm 6's
# year-end file of 2022 and Thái Bình's real awards of 2022, so Thái Bình's figures are real
# only, and Cụm 9 (reference list of 2022) sent nothing that year.
GAPPY = ["2022/cum6_nam_2022_minh_hoa.xls", "2022/thai_binh_khen_thuong_nam_2022.xlsx"]


@pytest.fixture(scope="module")
def gappy_site(tmp_path_factory):
    import shutil

    from conftest import ROOT, build

    tmp = tmp_path_factory.mktemp("gappy")
    for name in GAPPY:
        (tmp / "raw" / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / "raw" / name, tmp / "raw" / name)
    wh = tmp / "warehouse" / "thidua.duckdb"
    build(tmp / "raw", wh)
    out = tmp / "dashboards"
    dashboards.build_site(wh, out)
    return out, wh


@contextlib.contextmanager
def opened_page(browser, path, key=None):
    """(page, seen) of `open_page`, the page closed after the block."""
    page, seen = open_page(browser, path, key)
    try:
        yield page, seen
    finally:
        page.close()


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
    with opened_page(browser, out / name) as (page, seen):
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


def test_cluster_page_figures_equal_the_public_views(site, browser, sample_wh):
    out, _ = site
    with opened_page(browser, out / "cum.html", "2024-FY|6") as (page, seen):
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


def test_comparable_territory_sums_former_provinces_into_their_successor(site, browser, sample_wh):
    out, _ = site
    with opened_page(browser, out / "khen-thuong.html", "all|H1|2025") as (page, _):
        rows = table_rows(page, "table-p2")
        (want,) = query(
            sample_wh,
            """SELECT sum(count) FROM awards WHERE period = '2022-H1'
               AND (unit_id = 'lam_dong' OR unit_id IN
                    (SELECT unit_id FROM units WHERE successor_id = 'lam_dong'))""",
        )[0]
        row = next(r for r in rows if r[:2] == ["2022", "Lâm Đồng"])
        assert row[4] == f"{want:.0f}"
        assert not [r for r in rows if r[1] in ("Đắk Nông", "Bình Thuận")]


def test_banner_shows_only_where_illustrative_data_is_shown(gappy_site, browser):
    out, _ = gappy_site
    with opened_page(browser, out / "don-vi.html", "thai_binh|FY|asis") as (page, _):
        assert page.locator("#banner").is_hidden()  # Thái Bình 2022: real figures only
        page.select_option("select[name=unit]", "thanh_hoa")
        assert page.locator("#banner").is_visible()
        assert "DỮ LIỆU MINH HỌA" in page.inner_text("#banner")


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


# -- reading the pages (issue 15) -----------------------------------------------------------

PERIOD_CODE = re.compile(r"\b\d{4}-(H1|FY)\b")


def test_completeness_page_grid_equals_the_submissions_view(site, gappy_site, browser, sample_wh):
    out, _ = site
    with opened_page(browser, out / "nop-bao-cao.html", "2024-FY|6") as (page, seen):
        assert "Tình hình nộp báo cáo" in page.inner_text("h1")
        assert "Thay đổi ở lần nạp gần nhất" in page.inner_text("main")
        headers = page.evaluate(
            "() => Array.from(document.querySelectorAll('#table-p0 thead th'))"
            ".map(th => th.textContent)"
        )
        rows = {r[0]: dict(zip(headers, r, strict=True)) for r in table_rows(page, "table-p0")}
        assert rows["Nghệ An"]["Chấm điểm thi đua"] == "Bị từ chối"
        want = query(
            sample_wh,
            """SELECT u.name, s.status FROM submissions s JOIN units u USING (unit_id)
               WHERE period = '2024-FY' AND cluster_no = 6 AND s.kind = 'awards'""",
        )
        label = {"received": "Đã nhận", "missing": "Thiếu", "rejected": "Bị từ chối"}
        assert {n: rows[n]["Khen thưởng (số lượng)"] for n, _ in want} == {
            n: label[s] for n, s in want
        }
        assert seen["errors"] == []
    # a cluster with no file at all in 2022 is all missing, not absent
    with opened_page(browser, gappy_site[0] / "nop-bao-cao.html", "2022-FY|9") as (page, seen):
        cells = [c for r in table_rows(page, "table-p0") for c in r[1:]]
        assert cells and set(cells) == {"Thiếu"}
        assert seen["errors"] == []


def _download(page, button):
    with page.expect_download() as info:
        page.locator(button).click()
    return info.value


def test_csv_and_excel_downloads_equal_the_view_rows(site, browser, sample_wh, tmp_path):
    import csv

    import openpyxl

    out, _ = site
    with opened_page(browser, out / "cum.html", "2024-FY|6") as (page, _):
        ranking = sorted(
            query(
                sample_wh,
                """SELECT rank, u.name, total_points FROM score_ranking JOIN units u
                   USING (unit_id) WHERE period = '2024-FY' AND cluster_no = 6""",
            )
        )
        panel = "#panels section.panel:nth-of-type(2) "
        got = _download(page, panel + "button:has-text('Tải CSV')")
        assert got.suggested_filename.endswith(".csv")
        path = tmp_path / "rank.csv"
        got.save_as(path)
        text = path.read_text(encoding="utf-8-sig")
        header, *rows = list(csv.reader(text.splitlines()))
        assert header == ["Xếp hạng", "Đơn vị", "Tổng điểm"]
        assert sorted((int(r), n, float(p)) for r, n, p in rows) == [
            (int(r), n, float(p)) for r, n, p in ranking
        ]
        got = _download(page, panel + "button:has-text('Tải Excel')")
        path = tmp_path / "rank.xlsx"
        got.save_as(path)
        ws = openpyxl.load_workbook(path).active
        values = [list(r) for r in ws.iter_rows(values_only=True)]
        start = next(
            i for i, r in enumerate(values) if r[:3] == ["Xếp hạng", "Đơn vị", "Tổng điểm"]
        )
        assert sorted(tuple(r[:3]) for r in values[start + 1 :]) == [tuple(r) for r in ranking]
        assert any("MINH HỌA" in str(r[0]) for r in values[:start])  # labelled illustrative


def test_tables_sort_and_search(site, browser):
    out, _ = site
    with opened_page(browser, out / "kiem-tra.html") as (page, _):
        table = page.locator("#tep").locator("xpath=..").locator("table.data")

        def names():
            return page.evaluate(
                "t => Array.from(t.tBodies[0].rows).filter(r => !r.hidden)"
                ".map(r => r.cells[0].textContent)",
                table.element_handle(),
            )

        first = names()
        table.locator("th").nth(2).click()  # «Số dòng đọc»: numbers, ascending
        counts = page.evaluate(
            "t => Array.from(t.tBodies[0].rows).map(r => parseFloat(r.cells[2].dataset.v))",
            table.element_handle(),
        )
        assert counts == sorted(counts) and len(counts) == len(first)
        table.locator("th").first.click()
        ascending = names()
        table.locator("th").first.click()
        assert names() == ascending[::-1] and sorted(ascending) == sorted(first)
        box = page.locator("#tep").locator("xpath=..").locator("input.search")
        box.fill("2025")
        shown = names()
        assert shown and all("2025" in n for n in shown)


def test_names_in_vietnamese_order(site, browser):
    from pipeline.core.collate import sort_names

    out, _ = site
    with opened_page(browser, out / "don-vi.html") as (page, _):
        options = page.evaluate(
            "() => Array.from(document.querySelectorAll('select[name=unit] option'))"
            ".map(o => o.textContent)"
        )
        assert options == sort_names(options)
        assert options.index("Hà Tĩnh") < options.index("Kon Tum")
        assert options.index("Thái Bình") < options.index("Thanh Hóa")
        assert options.index("Đắk Lắk") < options.index("Đắk Nông") < options.index("Gia Lai")


@pytest.mark.parametrize("name", [f for f, _ in dashboards.PAGES])
def test_no_period_code_in_visible_text(site, browser, name):
    out, _ = site
    with opened_page(browser, out / name) as (page, _):
        page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
        text = page.inner_text("body")
        assert not PERIOD_CODE.search(text), PERIOD_CODE.search(text).group(0)


@pytest.mark.parametrize("name", [f for f, _ in dashboards.PAGES])
def test_phone_width_has_no_overflow(site, browser, name, tmp_path):
    out, _ = site
    page = browser.new_page(viewport={"width": 390, "height": 844})
    try:
        page.goto((out / name).as_uri())
        page.wait_for_load_state("load")
        page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, width
        for box in page.locator(".js-plotly-plot").all():
            b = box.bounding_box()
            assert b["x"] >= 0 and b["x"] + b["width"] <= 390
        page.screenshot(path=str(tmp_path / "phone.png"), full_page=True)
    finally:
        page.close()


def test_print_to_pdf_fits_charts_on_a4(site, browser, tmp_path):
    import shutil
    import subprocess

    out, _ = site
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto((out / "cum.html").as_uri() + "#2024-FY|6")
        page.wait_for_load_state("load")
        page.emulate_media(media="print")
        page.wait_for_timeout(300)
        # A4 less 2 × 12 mm margins = 186 mm ≈ 703 CSS px
        for box in page.locator(".js-plotly-plot").all():
            assert box.evaluate("d => d.getBoundingClientRect().width") <= 703
            assert (
                box.evaluate("d => d.querySelector('.main-svg').getBoundingClientRect().width")
                <= 703
            )
        pdf = tmp_path / "cum.pdf"
        page.pdf(path=str(pdf), format="A4", prefer_css_page_size=True)
        assert pdf.stat().st_size > 10_000
        if shutil.which("pdftoppm"):  # poppler-utils: the first page as an image
            subprocess.run(
                ["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", pdf, tmp_path / "p"],
                check=True,
            )
            assert list(tmp_path.glob("p*.png"))
    finally:
        page.close()


HOSTILE = "<img src=x onerror=alert(1)> chi tieu 2023.xlsx"


def test_hostile_file_name_is_escaped_on_every_page(browser, tmp_path):
    from conftest import awards_wide_rows, build, write_xlsx

    raw = tmp_path / "raw"
    write_xlsx(
        raw / HOSTILE,
        {
            "KT": awards_wide_rows(
                title="TỔNG HỢP KHEN THƯỞNG NĂM 2023",
                units=[[1, "Gia Lai", 1, 1, 1, 1, 1], [2, "Hà Tây", 1, 1, 1, 1, 1]],
            )
        },
    )
    wh = tmp_path / "wh" / "thidua.duckdb"
    build(raw, wh)
    out = tmp_path / "site"
    dashboards.build_site(wh, out)
    for name, _ in dashboards.PAGES:
        text = (out / name).read_text(encoding="utf-8")
        assert "<img" not in text.lower(), name
        page, seen = open_page(
            browser, out / name, "2023-FY|7" if name == "nop-bao-cao.html" else None
        )
        dialogs: list[str] = []

        def on_dialog(d, dialogs=dialogs):
            dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", on_dialog)
        try:
            page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
            assert page.locator("img").count() == 0, name
            assert dialogs == [] and seen["errors"] == [], name
            if name in ("kiem-tra.html", "nop-bao-cao.html"):
                assert HOSTILE in page.inner_text("body"), name  # shown as text
        finally:
            page.close()
    assert not (wh.parent / "validation").exists()  # no Data Docs (CDN scripts, unescaped)


def _scores_only(raw):
    from conftest import TITLE, write_xlsx

    rows = TITLE + [
        ["KẾT QUẢ CHẤM ĐIỂM THI ĐUA NĂM 2023"],
        ["STT", "Đơn vị", "Tiêu chí 1 (20 điểm)", "Tiêu chí 2 (80 điểm)", "Tổng điểm"],
        [1, "Gia Lai", 19, 70, 89],
        [2, "Kon Tum", 18, 72, 90],
    ]
    write_xlsx(raw / "cham_diem_2023.xlsx", {"CD": rows})


@pytest.mark.parametrize(
    "kind",
    ["recipients", "scores", "one_unit", "empty"],
)
def test_every_page_builds_from_a_sparse_warehouse(kind, browser, tmp_path):
    import shutil

    from conftest import ROOT, build

    raw = tmp_path / "raw"
    raw.mkdir()
    if kind == "recipients":
        shutil.copy(ROOT / "raw/2023/cum6_de_nghi_khen_thuong_6T_2023.xlsx", raw)
    elif kind == "scores":
        _scores_only(raw)
    elif kind == "one_unit":
        shutil.copy(ROOT / "raw/2025/chi_tieu_gia_lai_6T_2025_minh_hoa.xlsx", raw)
    wh = tmp_path / "wh" / "thidua.duckdb"
    build(raw, wh)
    out = tmp_path / "site"
    pages = dashboards.build_site(wh, out)
    assert [p.name for p in pages] == [f for f, _ in dashboards.PAGES]
    with opened_page(browser, out / "index.html") as (page, seen):
        body = page.inner_text("body")
        assert "Kho chưa có số liệu" in body or kind == "scores"
        assert seen["errors"] == []


def test_cluster_page_compares_with_the_same_report_a_year_before(site, browser, sample_wh):
    out, _ = site
    with opened_page(browser, out / "cum.html", "2024-FY|6") as (page, _):
        assert "So với cùng kỳ năm trước (năm 2023)" in page.inner_text("#panels")
        rows = {r[0]: r for r in table_rows(page, "table-p5")}
        (before,) = query(
            sample_wh,
            "SELECT sum(count) FROM awards WHERE period = '2023-FY' AND unit_id = 'ha_tinh'",
        )[0]
        (now,) = query(
            sample_wh,
            "SELECT sum(count) FROM awards WHERE period = '2024-FY' AND unit_id = 'ha_tinh'",
        )[0]
        assert rows["Hà Tĩnh"][1:4] == [f"{before:.0f}", f"{now:.0f}", f"{now - before:+.0f}"]


# -- the unit profile: period and territory switches (issue 15) --------------------------------


@pytest.fixture(scope="module")
def merged_site(tmp_path_factory):
    """A tiny warehouse: Thừa Thiên Huế (Huế from 2025) and Đắk Nông (into Lâm Đồng from 7/2025)
    before the merger, Lâm Đồng after it; Huế has no figure of its own."""
    from conftest import awards_wide_rows, build, write_xlsx

    tmp = tmp_path_factory.mktemp("merged")
    raw = tmp / "raw"
    for year, units in (
        (2023, [[1, "Thừa Thiên Huế", 1, 2, 3, 4, 5], [2, "Đắk Nông", 2, 2, 2, 2, 2],
                [3, "Lâm Đồng", 1, 1, 1, 1, 1]]),
        (2025, [[1, "Lâm Đồng", 4, 4, 4, 4, 4]]),
    ):  # fmt: skip
        write_xlsx(
            raw / f"khen_thuong_{year}.xlsx",
            {"KT": awards_wide_rows(title=f"TỔNG HỢP KHEN THƯỞNG NĂM {year}", units=units)},
        )
    wh = tmp / "wh" / "thidua.duckdb"
    build(raw, wh)
    out = tmp / "site"
    dashboards.build_site(wh, out)
    return out, wh


def _years_table(page):
    """The «Các chỉ số theo năm» rows: {year: awards}."""
    rows = table_rows(page, "table-p1")
    return {r[0]: r[3] for r in rows}


def test_unit_profile_switches_territory_and_links_former_and_successor_units(merged_site, browser):
    out, wh = merged_site
    with opened_page(browser, out / "don-vi.html", "hue|FY|asis") as (page, seen):
        assert page.input_value("select[name=unit]") == "hue"
        assert page.input_value("select[name=half]") == "FY"
        assert _years_table(page) == {}  # as reported: Huế stands alone, and has no figure
        link = page.locator("#viewlinks a", has_text="Thừa Thiên Huế")
        assert link.count() == 1
        link.click()
        page.wait_for_function("() => location.hash.startsWith('#thua_thien_hue')")
        assert page.input_value("select[name=unit]") == "thua_thien_hue"
        assert _years_table(page) == {"2023": "15"}
        assert page.locator("#viewlinks a", has_text="Huế").count() >= 1  # its successor
        # By the 2025 territory, Huế's history holds Thừa Thiên Huế's years
        page.select_option("select[name=unit]", "hue")
        page.select_option("select[name=territory]", "2025")
        assert page.url.endswith("#" + "hue|FY|2025".replace("|", "%7C"))
        (tth,) = query(
            wh, "SELECT sum(count) FROM awards WHERE unit_id = 'thua_thien_hue' AND year = 2023"
        )[0]
        assert _years_table(page) == {"2023": f"{tth:.0f}"}
        assert "Thừa Thiên Huế" in page.inner_text("#panels")
        # a former province under the 2025 territory shows its successor's history
        page.select_option("select[name=unit]", "dak_nong")
        (lam_dong,) = query(
            wh,
            """SELECT sum(count) FROM awards WHERE year = 2023
               AND unit_id IN ('lam_dong', 'dak_nong')""",
        )[0]
        assert _years_table(page)["2023"] == f"{lam_dong:.0f}"
        assert "Lâm Đồng" in page.inner_text("#viewlabel")
        assert seen["errors"] == []


def test_unit_profile_filters_are_kept_in_the_url(merged_site, browser):
    out, _ = merged_site
    with opened_page(browser, out / "don-vi.html") as (page, _):
        page.select_option("select[name=unit]", "lam_dong")
        page.select_option("select[name=territory]", "2025")
        kept = page.url
        page.goto("about:blank")
        page.goto(kept)
        page.wait_for_load_state("load")
        assert page.input_value("select[name=unit]") == "lam_dong"
        assert page.input_value("select[name=territory]") == "2025"
        assert page.input_value("select[name=half]") == "FY"


@pytest.mark.parametrize("which", ["sample", "merged"])
def test_submissions_page_opens_on_a_period_and_cluster_with_files(
    which, site, merged_site, sample_wh, browser
):
    out, wh = (site[0], sample_wh) if which == "sample" else merged_site
    received = query(
        wh,
        """SELECT period, coalesce(CAST(cluster_no AS VARCHAR), 'none') FROM submissions
           WHERE status = 'received'""",
    )
    from pipeline.publish.analytics import period_key

    latest = max({p for p, _ in received}, key=period_key)
    with opened_page(browser, out / "nop-bao-cao.html") as (page, seen):
        period = page.input_value("select[name=period]")
        cluster = page.input_value("select[name=cluster]")
        assert period == latest
        assert (period, cluster) in set(received)
        cells = [c for r in table_rows(page, "table-p0") for c in r[1:]]
        assert "Đã nhận" in cells
        assert page.url.endswith("#" + f"{period}|{cluster}".replace("|", "%7C"))
        assert seen["errors"] == []


@pytest.fixture(scope="module")
def illustrative_site(tmp_path_factory):
    """A tiny warehouse whose only file is illustrative (its name says «minh họa»)."""
    from conftest import awards_wide_rows, build, write_xlsx

    tmp = tmp_path_factory.mktemp("illus")
    raw = tmp / "raw"
    write_xlsx(
        raw / "khen_thuong_2023_minh_hoa.xlsx",
        {"KT": awards_wide_rows(title="TỔNG HỢP KHEN THƯỞNG NĂM 2023")},
    )
    wh = tmp / "wh" / "thidua.duckdb"
    build(raw, wh)
    assert query(wh, "SELECT bool_and(illustrative) FROM loads") == [(True,)]
    out = tmp / "site"
    dashboards.build_site(wh, out)
    return out


@pytest.mark.parametrize("which", ["illustrative", "real"])
def test_illustrative_banner_on_every_page_exactly_when_the_data_is(
    which, illustrative_site, merged_site, browser
):
    out = illustrative_site if which == "illustrative" else merged_site[0]
    for name, _ in dashboards.PAGES:
        with opened_page(browser, out / name) as (page, seen):
            banner = page.locator("#banner")
            if which == "illustrative":
                assert banner.is_visible(), name
                assert "DỮ LIỆU MINH HỌA" in banner.inner_text(), name
            else:
                assert banner.is_hidden(), name
            assert seen["errors"] == [], name


OVERLAPS = """async () => {
  const payload = JSON.parse(document.getElementById('views').textContent);
  const seen = new Set(), bad = [];
  let drawn = 0;
  const frame = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  for (const [key, view] of Object.entries(payload.views)) {
    const refs = view.panels.map(r => r.ref).filter(r => payload.panels[r].figure);
    if (!refs.length || refs.every(r => seen.has(r))) { continue; }
    if (++drawn > 12) { break; }
    refs.forEach(r => seen.add(r));
    location.hash = '#' + encodeURIComponent(key);
    for (let i = 0; i < 50 && document.getElementById('viewlabel').textContent !== view.label;
         i++) { await frame(); }
    await frame();
    document.querySelectorAll('#panels .js-plotly-plot').forEach(plot => {
      const boxes = Array.from(plot.querySelectorAll('.cartesianlayer .trace text'))
        .filter(t => t.textContent.trim())
        .map(t => [t.textContent, t.getBoundingClientRect()])
        .filter(([, b]) => b.width > 0 && b.height > 0);
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const [s, a] = boxes[i], [u, b] = boxes[j];
          if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1
              && b.top < a.bottom - 1) {
            bad.push(key + ' · ' + plot.parentNode.querySelector('h2').textContent
                     + ': «' + s + '» / «' + u + '»');
          }
        }
      }
    });
  }
  return {bad: bad, charts: seen.size};
}"""


@pytest.fixture(scope="module")
def crossing_site(tmp_path_factory):
    """Collective and individual awards that cross from year to year (126/138, 119/114, 28/57:
    the labels of the two lines overlapped)."""
    from conftest import awards_wide_rows, build, write_xlsx

    tmp = tmp_path_factory.mktemp("crossing")
    for year, (c, i) in zip((2021, 2022, 2023), ((126, 138), (119, 114), (28, 57)), strict=True):
        write_xlsx(
            tmp / "raw" / f"khen_thuong_{year}.xlsx",
            {
                "KT": awards_wide_rows(
                    title=f"TỔNG HỢP KHEN THƯỞNG NĂM {year}",
                    units=[[1, "Gia Lai", c, i, 0, 0, 0], [2, "Kon Tum", 1, 2, 0, 0, 0]],
                )
            },
        )
    build(tmp / "raw", tmp / "wh" / "thidua.duckdb")
    dashboards.build_site(tmp / "wh" / "thidua.duckdb", tmp / "site")
    return tmp / "site"


@pytest.mark.parametrize("which,width", [("sample", 1280), ("sample", 390), ("crossing", 390)])
def test_no_two_data_labels_overlap_on_any_chart_of_the_site(
    which, width, site, crossing_site, browser
):
    """Every chart of every page (each drawn once, in the first view that shows it; at most
    a dozen views a page, so a national sample stays quick): the rendered data labels' boxes
    never intersect."""
    out = site[0] if which == "sample" else crossing_site
    for name, _ in dashboards.PAGES:
        if name == "kiem-tra.html":
            continue  # no charts
        page = browser.new_page(viewport={"width": width, "height": 900})
        try:
            page.goto((out / name).as_uri())
            page.wait_for_load_state("load")
            found = page.evaluate(OVERLAPS)
            assert found["charts"] > 0, name
            assert found["bad"] == [], (name, found["bad"][:10])
        finally:
            page.close()


# -- the tables built in the browser from the rows (issue 17) ----------------------------------

ODD_VALUES = {  # a column each: what dashboards._cell writes is what site.js must show
    "share_met": [
        0.25,
        0.75,
        1.25,
        -0.25,
        2.675,
        0.15,
        99.95,
        1234.5,
        -1234.5,
        1234567.89,
        1e6,
        3.0,
        0.0,
        -0.04,
        None,
        float("nan"),
    ],  # fmt: skip
    "awards_delta": [3, -2, 0, 1.5, -0.25, None, 2.25, 1000, 7, -7, 0.5, 12, 1, 2, 3, 4],
    "year": [
        2024.0,
        2023,
        None,
        2022,
        2021,
        2020,
        2019,
        2018,
        2017,
        2016,
        2015,
        2014,
        2013,
        2012,
        2011,
        2010,
    ],  # fmt: skip
    "period": ["2024-FY", "2023-H1", "2024-X1", None, *["2022-FY"] * 12],
    "status_label": [
        "Thiếu",
        "Đã nhận",
        "Bị từ chối",
        "Bị thay thế",
        "<b>&amp;</b> x",
        True,
        False,
        None,
        *["Đã nhận (có bản cũ bị thay thế)"] * 8,
    ],  # fmt: skip
}


def test_tables_built_in_the_browser_show_what_the_generator_writes(site, browser, tmp_path):
    """Every value a table can hold, shown by site.js from the page's rows: the same text as
    dashboards._cell (1.234,5, a half to even, «+» on a rise, years whole, periods and dates in
    words, Có/Không, «–»), numbers right-aligned and sortable, statuses coloured; and the
    table sorts, searches and downloads like the others."""
    import shutil

    import pandas as pd

    from pipeline.publish import analytics as an

    frame = pd.DataFrame(ODD_VALUES)
    frame["loaded_at"] = [pd.Timestamp("2026-12-02 02:26:01"), pd.NaT] * 8
    frame["name"] = [f"Đơn vị {chr(0x41 + i)}" for i in range(len(frame))]
    page = dashboards.Page("thu.html", "Thử", "", [dashboards.Filter("x", "X", [("a", "A")])])
    page.views["a"] = dashboards.View("Thử", [dashboards.Panel("Bảng", None, frame)])
    shutil.copytree(site[0] / "assets", tmp_path / "assets")
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(dashboards.WEB), autoescape=True)
    stamp = an.DataStamp(None, None, 0, 0)
    (tmp_path / "thu.html").write_text(dashboards._render(page, stamp, env), encoding="utf-8")
    shown, seen = open_page(browser, tmp_path / "thu.html")
    try:
        cells = shown.evaluate(
            "() => Array.from(document.querySelectorAll('#table-p0 tbody tr')).map(tr =>"
            " Array.from(tr.cells).map(td => [td.textContent, td.className, td.dataset.v]))"
        )

        def number(v):
            return isinstance(v, (int, float)) and not isinstance(v, bool) and v == v

        want = [
            [
                [
                    dashboards._cell(v, c),
                    "num" if number(v) else dashboards.STATUS_CLASS.get(dashboards._cell(v, c), ""),
                    float(v) if number(v) else None,
                ]
                for c, v in zip(frame.columns, row, strict=True)
            ]
            for row in frame.itertuples(index=False)
        ]
        got = [[[t, k, None if d is None else float(d)] for t, k, d in r] for r in cells]
        assert got == want
        assert got[0][0][0] == "0,2" and got[1][0][0] == "0,8" and got[9][0][0] == "1.234.567,9"
        assert got[0][1][0] == "+3" and got[0][5][0] == "02/12/2026 02:26"  # spot checks
        assert shown.locator("#table-p0 b").count() == 0  # text, never markup
        assert seen["errors"] == []
        # sort by the first column (numbers), then search
        shown.locator("#table-p0 th").first.click()
        values = shown.evaluate(
            "() => Array.from(document.querySelectorAll('#table-p0 tbody tr'))"
            ".map(r => r.cells[0].dataset.v).filter(v => v !== undefined).map(parseFloat)"
        )
        assert values == sorted(v for v in frame["share_met"] if v == v)
        shown.fill("#panels input.search", "don vi c")  # without diacritics
        visible = shown.evaluate(
            "() => Array.from(document.querySelectorAll('#table-p0 tbody tr'))"
            ".filter(r => !r.hidden).map(r => r.cells[r.cells.length - 1].textContent)"
        )
        assert visible == ["Đơn vị C"]
    finally:
        shown.close()


def test_one_query_per_site_gives_each_view_what_its_own_query_gave(sample_wh):
    """The cluster page queries every period and cluster at once (`by=`), the overview every
    period, and each view picks its rows (`dashboards._groups`): the same rows, in the same
    order, as the query of that period (and cluster) alone; `clusters_by_period` is
    `cluster_numbers` of every period."""
    import pandas as pd

    from pipeline.load.warehouse import open_reader
    from pipeline.publish import analytics as an

    con = open_reader(sample_wh)
    try:
        each = ("period", "cluster_no")
        found = an.clusters_by_period(con)
        assert found == {p: c for p in an.periods(con) if (c := an.cluster_numbers(con, p))}
        pairs = [(p, c) for p, cs in found.items() for c in cs]
        assert len(pairs) > 20
        at_once = {
            an.indicator_summary: dashboards._groups(
                an.indicator_summary(con, None, by=each), each
            ),
            an.awards_by_unit: dashboards._groups(an.awards_by_unit(con, None, by=each), each),
            an.initiatives_by_unit: dashboards._groups(
                an.initiatives_by_unit(con, None, by=each), each
            ),
            an.score_ranking: dashboards._groups(an.score_ranking(con, None), each, drop=False),
            an.indicator_results: dashboards._groups(an.indicator_results(con), each, drop=False),
        }
        for period, cluster in pairs + [("2024-FY", 99)]:  # and a cluster with no rows
            for alone, picked in at_once.items():
                want = alone(con, period, cluster)
                got = picked((period, cluster))
                assert list(got.columns) == list(want.columns), alone.__name__
                pd.testing.assert_frame_equal(got, want, check_dtype=False, obj=alone.__name__)
        by_period = dashboards._groups(an.awards_by_unit(con, None, by=("period",)), ("period",))
        overviews = dashboards._groups(an.cluster_overview(con, None), ("period",))
        for period in found:
            pd.testing.assert_frame_equal(
                by_period((period,)), an.awards_by_unit(con, period), check_dtype=False
            )
            pd.testing.assert_frame_equal(
                overviews((period,)), an.cluster_overview(con, period), check_dtype=False
            )
    finally:
        con.close()
