"""The offline dashboard site: static pages that open from a shared folder with no internet.

Every chart is a figure of `pipeline.publish.charts`, drawn for every choice of the page's filters ahead
of time; a few lines of JavaScript only switch between them. plotly.js is copied once into
`assets/`. Recipient names (the `recipients` view) are never read here.
"""

from __future__ import annotations

import html
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipeline.core.labels import COLUMN_LABELS, ILLUSTRATIVE
from pipeline.core.period import period_label
from pipeline.publish import analytics as an
from pipeline.publish import charts

WEB = Path(__file__).parent / "web"
PAGES = [
    ("index.html", "Tổng quan"),
    ("cum.html", "So sánh trong cụm"),
    ("khen-thuong.html", "Khen thưởng qua các năm"),
    ("don-vi.html", "Hồ sơ đơn vị"),
    ("kiem-tra.html", "Kiểm tra dữ liệu"),
]


@dataclass
class Panel:
    title: str
    figure: object | None  # a plotly Figure, or None for a table alone
    table: pd.DataFrame
    note: str = ""


@dataclass
class View:
    label: str
    panels: list[Panel]
    illustrative: bool = False


@dataclass
class Filter:
    name: str
    label: str
    options: list[tuple[str, str]]  # (value, label)


@dataclass
class Page:
    file: str
    title: str
    intro: str
    filters: list[Filter]
    views: dict[str, View] = field(default_factory=dict)
    body_html: str = ""  # pages without filters (the data check page)


# -- formatting --------------------------------------------------------------------------------


def _cell(value, column: str) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return "–"
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if column in ("year", "cluster_no", "rank", "row_no"):
        return str(int(value)) if isinstance(value, (int, float)) else str(value)
    if isinstance(value, (int, float)):
        return charts.vn_number(value)
    if hasattr(value, "strftime"):
        return charts.vn_date(value, with_time=True)
    return str(value)


def table_html(frame: pd.DataFrame, columns: list[str] | None = None) -> str:
    """An HTML table with Vietnamese headings and numbers (1.234,5); text is escaped."""
    if frame.empty:
        return '<p class="empty">Không có dòng số liệu nào.</p>'
    cols = [c for c in (columns or list(frame.columns)) if c in frame.columns]
    head = "".join(f"<th>{html.escape(COLUMN_LABELS.get(c, c))}</th>" for c in cols)
    rows = []
    for rec in frame[cols].itertuples(index=False):
        cells = []
        for c, v in zip(cols, rec, strict=True):
            num = isinstance(v, (int, float)) and not isinstance(v, bool)
            cells.append(f"<td{' class=num' if num else ''}>{html.escape(_cell(v, c))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f'<table class="data"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )


# -- pages -------------------------------------------------------------------------------------


def _overview(con) -> Page:
    with_clusters = [p for p in an.periods(con) if an.cluster_numbers(con, p)]
    page = Page(
        "index.html",
        "Tổng quan",
        "Các cụm thi đua đặt cạnh nhau trong từng kỳ báo cáo (các kỳ đã biết thành viên "
        "cụm; số liệu của đơn vị chưa xếp cụm xem ở trang «Hồ sơ đơn vị»).",
        [Filter("period", "Kỳ báo cáo", [(p, period_label(p)) for p in reversed(with_clusters)])],
    )
    cols = [
        "cluster_no",
        "units",
        "share_met",
        "mean_points",
        "collective",
        "individual",
        "awards_per_unit",
        "initiatives",
    ]
    for period in with_clusters:
        ov = an.cluster_overview(con, period)
        label = period_label(period)
        panels = [
            Panel(
                f"Tỷ lệ chỉ tiêu đạt theo cụm, {label}",
                charts.cluster_comparison(
                    ov,
                    f"Tỷ lệ chỉ tiêu đạt theo cụm, {label}",
                    "share_met",
                    "view indicator_results",
                ),
                ov[["cluster_no", "units", "share_met"]],
            ),
            Panel(
                f"Điểm thi đua bình quân theo cụm, {label}",
                charts.cluster_comparison(
                    ov,
                    f"Điểm thi đua bình quân theo cụm, {label}",
                    "mean_points",
                    "view score_ranking",
                ),
                ov[["cluster_no", "units", "mean_points"]],
            ),
            Panel(
                f"Khen thưởng bình quân một đơn vị theo cụm, {label}",
                charts.cluster_comparison(
                    ov,
                    f"Khen thưởng bình quân một đơn vị, {label}",
                    "awards_per_unit",
                    "view awards",
                ),
                ov[["cluster_no", "units", "collective", "individual", "awards_per_unit"]],
            ),
            Panel(
                f"Bảng so sánh các cụm, {label}",
                None,
                ov[cols],
                "Nguồn: các view indicator_results, score_ranking, awards, initiatives.",
            ),
        ]
        page.views[period] = View(label, panels, an.any_illustrative(ov))
    return page


def _cluster(con) -> Page:
    pairs = [(p, c) for p in an.periods(con) for c in an.cluster_numbers(con, p)]
    page = Page(
        "cum.html",
        "So sánh trong cụm",
        "Các đơn vị trong một cụm: chỉ tiêu so với mục tiêu, điểm và xếp hạng, khen "
        "thưởng và sáng kiến.",
        [
            Filter(
                "period",
                "Kỳ báo cáo",
                [
                    (p, period_label(p))
                    for p in sorted({p for p, _ in pairs}, key=an.period_key, reverse=True)
                ],
            ),
            Filter(
                "cluster",
                "Cụm thi đua",
                [(str(c), f"Cụm thi đua số {c}") for c in sorted({c for _, c in pairs})],
            ),
        ],
    )
    for period, cluster in pairs:
        where = f"Cụm thi đua số {cluster}, {period_label(period)}"
        summ = an.indicator_summary(con, period, cluster)
        rank = an.score_ranking(con, period, cluster)
        aw = an.awards_by_unit(con, period, cluster)
        ini = an.initiatives_by_unit(con, period, cluster)
        res = an.indicator_results(con, period, cluster)
        panels = [
            Panel(
                "Tỷ lệ chỉ tiêu đạt",
                charts.indicators_met(summ, f"Tỷ lệ chỉ tiêu đạt — {where}"),
                summ[["name", "n_indicators", "n_met", "n_missed", "share_met"]],
            ),
            Panel(
                "Điểm thi đua và xếp hạng",
                charts.score_ranking(rank, f"Điểm thi đua và xếp hạng — {where}"),
                rank[["rank", "name", "total_points"]],
            ),
            Panel(
                "Khen thưởng của kỳ",
                charts.awards_by_unit(aw, f"Khen thưởng — {where}"),
                aw[["name", "collective", "individual", "awards"]],
            ),
            Panel(
                "Sáng kiến, đề tài",
                charts.initiatives_by_unit(ini, f"Sáng kiến, đề tài — {where}"),
                ini[["name", "level_label", "count"]],
            ),
            Panel(
                "Kết quả từng chỉ tiêu so với chỉ tiêu đề ra",
                None,
                res[
                    [
                        "name",
                        "indicator_name",
                        "measure_unit",
                        "target",
                        "actual",
                        "margin",
                        "met_label",
                    ]
                ],
                "Nguồn: view indicator_results. Chênh lệch dương là tốt hơn chỉ tiêu.",
            ),
        ]
        page.views[f"{period}|{cluster}"] = View(
            where, panels, an.any_illustrative(summ, rank, aw, ini)
        )
    return page


def _awards(con) -> Page:
    years = sorted({int(p[:4]) for p in an.periods(con)})
    span = (years[0], years[-1]) if years else (0, 0)
    clusters = sorted({c for p in an.periods(con) for c in an.cluster_numbers(con, p)})
    page = Page(
        "khen-thuong.html",
        "Khen thưởng qua các năm",
        "Khen thưởng theo hình thức, tập thể và cá nhân, qua các năm. «Theo địa giới "
        "2025» cộng số liệu của các tỉnh cũ vào tỉnh mới sau sáp nhập để so sánh được "
        "qua năm 2025.",
        [
            Filter(
                "scope",
                "Phạm vi",
                [("all", "Toàn bộ đơn vị trong kho")]
                + [(str(c), f"Cụm thi đua số {c}") for c in clusters],
            ),
            Filter("half", "Kỳ", [("FY", "Tổng kết năm"), ("H1", "Sơ kết 6 tháng")]),
            Filter(
                "territory",
                "Địa giới",
                [("asis", "Theo đơn vị lúc báo cáo"), ("2025", "Theo địa giới 2025")],
            ),
        ],
    )
    for scope, _ in page.filters[0].options:
        cluster = None if scope == "all" else int(scope)
        for half, half_label in page.filters[1].options:
            for terr, _ in page.filters[2].options:
                territory = 2025 if terr == "2025" else None
                where = "toàn bộ đơn vị" if cluster is None else f"Cụm thi đua số {cluster}"
                series = an.awards_series(con, span, half, cluster, None, territory)
                per_unit = an.yearly_unit_metrics(con, span, half, cluster, None, territory)
                totals = an.yearly_totals(per_unit)
                t = f"{half_label}, {where}" + (", theo địa giới 2025" if territory else "")
                panels = [
                    Panel(
                        "Khen thưởng theo hình thức",
                        charts.awards_timeline(series, f"Khen thưởng theo hình thức — {t}"),
                        series[["year", "award_name", "recipient_label", "count"]],
                    ),
                    Panel(
                        "Tập thể và cá nhân",
                        charts.yearly_lines(
                            totals,
                            ["collective", "individual"],
                            f"Khen thưởng tập thể và cá nhân — {t}",
                            "view awards",
                        ),
                        totals[["year", "units", "collective", "individual", "awards"]],
                    ),
                    Panel(
                        "Theo đơn vị",
                        None,
                        per_unit[
                            ["year", "name", "collective", "individual", "awards", "initiatives"]
                        ],
                        "Nguồn: các view awards, initiatives"
                        + (
                            ". Theo địa giới 2025: tỉnh cũ được cộng vào tỉnh mới."
                            if territory
                            else "."
                        ),
                    ),
                ]
                page.views[f"{scope}|{half}|{terr}"] = View(
                    t, panels, an.any_illustrative(series, per_unit)
                )
    return page


def _units(con) -> Page:
    units = an.units_with_data(con)
    years = sorted({int(p[:4]) for p in an.periods(con)})
    span = (years[0], years[-1]) if years else (0, 0)
    page = Page(
        "don-vi.html",
        "Hồ sơ đơn vị",
        "Một đơn vị qua các kỳ: chỉ tiêu, điểm, khen thưởng và sáng kiến.",
        [Filter("unit", "Đơn vị", list(zip(units["unit_id"], units["name"], strict=True)))],
    )
    all_ranks = pd.concat([an.score_ranking(con, p) for p in an.periods(con)], ignore_index=True)
    all_years = an.yearly_unit_metrics(con, span, "FY")
    for unit_id, name in zip(units["unit_id"], units["name"], strict=True):
        series = an.awards_series(con, span, "FY", None, unit_id)
        per_year = all_years[all_years["unit_id"] == unit_id]
        res = an.indicator_results(con, None, None, unit_id)
        ranks = all_ranks[all_ranks["unit_id"] == unit_id]
        panels = [
            Panel(
                "Khen thưởng qua các năm (tổng kết năm)",
                charts.awards_timeline(series, f"Khen thưởng qua các năm — {name}"),
                series[["year", "award_name", "recipient_label", "count"]],
            ),
            Panel(
                "Các chỉ số theo năm (tổng kết năm)",
                charts.yearly_lines(
                    per_year,
                    ["awards", "initiatives"],
                    f"Khen thưởng và sáng kiến theo năm — {name}",
                ),
                per_year[
                    [
                        "year",
                        "collective",
                        "individual",
                        "awards",
                        "initiatives",
                        "share_met",
                        "total_points",
                    ]
                ],
            ),
            Panel(
                "Điểm thi đua và xếp hạng trong cụm",
                None,
                ranks[["period", "cluster_no", "total_points", "rank"]],
                "Nguồn: view score_ranking.",
            ),
            Panel(
                "Kết quả chỉ tiêu qua các kỳ",
                None,
                res[
                    [
                        "period",
                        "indicator_name",
                        "measure_unit",
                        "target",
                        "actual",
                        "margin",
                        "met_label",
                    ]
                ],
                "Nguồn: view indicator_results.",
            ),
        ]
        page.views[unit_id] = View(name, panels, an.any_illustrative(series, per_year, res))
    return page


def _checks(con) -> Page:
    """The validation report: the Great Expectations suites and what failed, offline."""
    from pipeline.core.labels import SHEET_KIND_LABELS, SHEET_KINDS
    from pipeline.core.rules import rules_for

    loads = con.execute("""SELECT source_file, status, rows_read, rows_loaded, rows_rejected,
                                  loaded_at, illustrative FROM loads ORDER BY source_file""").df()
    rej = con.execute("""SELECT source_file, sheet, row_no, column_name, value, rule, message
                         FROM rejections ORDER BY source_file, sheet, row_no""").df()
    counts = rej.groupby("rule").size().to_dict() if not rej.empty else {}
    suites = []
    for kind in SHEET_KINDS:
        rules = rules_for(kind)
        if not rules:
            continue
        rows = "".join(
            f"<tr><td>{html.escape(r.rule)}</td>"
            f"<td>{html.escape(r.expectation)}</td>"
            f"<td>{html.escape(r.value)}</td><td class=num>{counts.get(r.rule, 0)}</td></tr>"
            for r in rules
        )
        suites.append(
            f"<h3>Bộ kiểm tra «{html.escape(SHEET_KIND_LABELS.get(kind, kind))}» "
            f"(thidua_{html.escape(kind)})</h3><table class=data><thead><tr><th>Quy tắc</th>"
            "<th>Kiểm tra (Great Expectations)</th><th>Trường</th>"
            f"<th>Số dòng vi phạm trong kho</th></tr></thead><tbody>{rows}</tbody></table>"
        )
    loads["status"] = loads["status"].map(LOAD_STATUS).fillna(loads["status"])
    loads_tbl = table_html(
        loads[["source_file", "status", "rows_read", "rows_loaded", "rows_rejected", "loaded_at"]]
    )
    rej_tbl = table_html(rej)
    body = (
        '<section class="panel"><h2 id="tep">Các tệp đã nạp</h2>'
        f"{loads_tbl}</section>"
        f'<section class="panel"><h2 id="tu-choi">Các dòng bị từ chối ({len(rej)})</h2>'
        f"<p>Mỗi dòng có lý do bằng tiếng Việt: tệp, trang tính, dòng, cột, giá trị và điều cần "
        f"sửa. Truy vấn: <code>SELECT * FROM rejections</code>.</p>{rej_tbl}</section>"
        '<section class="panel"><h2 id="bo-kiem-tra">Các bộ kiểm tra dữ liệu</h2>'
        "<p>Mỗi loại bảng có một bộ kiểm tra Great Expectations, chạy một lần cho cả lô tệp "
        "trước khi nạp.</p>" + "".join(suites) + "</section>"
    )
    return Page(
        "kiem-tra.html",
        "Kiểm tra dữ liệu",
        "Báo cáo kiểm tra: các tệp đã nạp, các dòng bị từ chối và lý do, các bộ kiểm tra.",
        [],
        body_html=body,
    )


LOAD_STATUS = {
    "loaded": "Đã nạp",
    "rejected": "Bị từ chối",
    "superseded": "Bị thay thế",
    "partly_superseded": "Bị thay thế một phần",
}


# -- writing -----------------------------------------------------------------------------------


def _plain(node):
    """Plotly writes numeric arrays as base64 typed arrays; the pages keep plain JSON lists, so
    the figures can be read (and checked) as they are."""
    if isinstance(node, dict):
        if set(node) >= {"dtype", "bdata"}:
            import base64

            import numpy as np

            arr = np.frombuffer(base64.b64decode(node["bdata"]), dtype=node["dtype"])
            if "shape" in node:
                arr = arr.reshape([int(n) for n in str(node["shape"]).split(",")])
            if arr.dtype.kind == "f":
                arr = np.where(np.isnan(arr), None, arr)
            return arr.tolist()
        return {k: _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node


def _view_json(view: View) -> dict:
    panels = []
    for i, p in enumerate(view.panels):
        fig = _plain(json.loads(p.figure.to_json())) if p.figure is not None else None
        panels.append(
            {
                "id": f"p{i}",
                "title": p.title,
                "figure": fig,
                "note": p.note,
                "table": table_html(p.table),
            }
        )
    return {"label": view.label, "illustrative": view.illustrative, "panels": panels}


def _render(page: Page, stamp: an.DataStamp, env) -> str:
    data = {key: _view_json(v) for key, v in page.views.items()}
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    payload = payload.replace("</", "<\\/")
    return env.get_template("page.html.j2").render(
        page=page,
        pages=PAGES,
        payload=payload,
        stamp=stamp,
        stamp_loaded=charts.vn_date(stamp.loaded_at, with_time=True),
        stamp_period=period_label(stamp.latest_period) if stamp.latest_period else "–",
        any_illustrative=any(v.illustrative for v in page.views.values())
        or (not page.views and stamp.illustrative_files > 0),
        illustrative_label=ILLUSTRATIVE,
    )


def build_site(
    warehouse: Path, out: Path, progress: Callable[[str], None] | None = None
) -> list[Path]:
    """Write the site into `out` (replacing the pages, keeping nothing stale); return the pages."""
    import jinja2

    from pipeline.load.warehouse import open_reader

    con = open_reader(warehouse)
    try:
        an.snapshot(con)
        stamp = an.data_stamp(con)
        builders = [_overview, _cluster, _awards, _units, _checks]
        pages = []
        for (_, title), make in zip(PAGES, builders, strict=True):
            if progress:
                progress(title)
            pages.append(make(con))
    finally:
        con.close()
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(WEB), autoescape=True)
    out.mkdir(parents=True, exist_ok=True)
    assets = out / "assets"
    assets.mkdir(exist_ok=True)
    import plotly

    plotly_js = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    if (
        not (assets / "plotly.min.js").exists()
        or (assets / "plotly.min.js").stat().st_size != plotly_js.stat().st_size
    ):
        shutil.copyfile(plotly_js, assets / "plotly.min.js")
    for name in ("style.css", "site.js"):
        shutil.copyfile(WEB / name, assets / name)
    written = []
    for page in pages:
        path = out / page.file
        tmp = path.with_suffix(".tmp")
        tmp.write_text(_render(page, stamp, env), encoding="utf-8")
        tmp.replace(path)
        written.append(path)
    return written
