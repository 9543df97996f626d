"""The offline dashboard site: static pages that open from a shared folder with no internet.

Every chart is a figure of `pipeline.publish.charts`, drawn for every choice of the page's filters ahead
of time; a few lines of JavaScript (`web/site.js`) only switch between them, sort and search
the tables and offer each panel's rows as CSV and Excel. plotly.js is copied once into
`assets/`. Recipient names (the `recipients` view) are never read here.

A page is a function `(con) -> Page` listed in `BUILDERS`; a new page or section is one
more function (each page says what the warehouse lacks instead of failing).
"""

from __future__ import annotations

import html
import json
import math
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.core.collate import key as collate_key
from pipeline.core.labels import COLUMN_LABELS, ILLUSTRATIVE, SHEET_KIND_LABELS
from pipeline.core.period import period_label
from pipeline.publish import analytics as an
from pipeline.publish import charts

WEB = Path(__file__).parent / "web"
PAGES = [
    ("index.html", "Tổng quan"),
    ("cum.html", "So sánh trong cụm"),
    ("khen-thuong.html", "Khen thưởng qua các năm"),
    ("don-vi.html", "Hồ sơ đơn vị"),
    ("nop-bao-cao.html", "Tình hình nộp báo cáo"),
    ("kiem-tra.html", "Kiểm tra dữ liệu"),
]
LABELS = {
    **COLUMN_LABELS,
    "kind_label": "Loại bảng",
    "status_label": "Trạng thái",
    "rule_text": "Quy tắc",
    "rules": "Số lỗi",
    "sheet_kind": "Loại bảng",
    "awards_prev": "Khen thưởng cùng kỳ năm trước",
    "awards_now": "Khen thưởng kỳ này",
    "awards_delta": "Tăng/giảm khen thưởng",
    "share_prev": "Tỷ lệ chỉ tiêu đạt cùng kỳ năm trước (%)",
    "share_now": "Tỷ lệ chỉ tiêu đạt kỳ này (%)",
    "share_delta": "Tăng/giảm tỷ lệ đạt (điểm %)",
}
PERIOD_CODE = re.compile(r"^\d{4}-(H1|FY)$")


@dataclass
class Panel:
    title: str
    figure: dict | None  # a chart's `charts.<name>.spec(...)`, or None for a table alone
    table: pd.DataFrame
    note: str = ""


@dataclass
class View:
    """One choice of a page's filters. `illustrative`: some row it shows comes from an
    illustrative file; the banner is shown exactly for those views (and, on a page without
    filters, when the warehouse holds any illustrative file): one rule for every page."""

    label: str
    panels: list[Panel]
    illustrative: bool = False
    links: list[tuple[str, str]] = field(default_factory=list)  # (view key, text): related views


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
    lead_html: str = ""  # above the filters: what the warehouse lacks, what changed
    default: str = ""  # the view a page opens on with no filters in its address (else the first)


# -- queries shared by pages -----------------------------------------------------------------

_SHARED: dict = {}  # (query, args) → (connection, frame): within one build_site, cleared after


def _shared(con, query: Callable[..., pd.DataFrame], *args) -> pd.DataFrame:
    """`query(con, *args)`, run once for all the pages that read it (the cluster page and the
    unit profile both read every indicator result, the awards page and the unit profile the
    yearly figures of all units). Callers do not change the frame."""
    key = (query, args)
    held = _SHARED.get(key)
    if held is None or held[0] is not con:  # the connection is held: its id is not reused
        held = _SHARED[key] = (con, query(con, *args))
    return held[1]


# -- formatting --------------------------------------------------------------------------------


# The words a table cell shows; the site's tables are built in the browser from the rows
# (`site.js`, with these words and `_column_format`), the data check page's by `table_html`.
CELL_WORDS = {"none": "–", "yes": "Có", "no": "Không", "empty": "Không có dòng số liệu nào."}
WHOLE_COLUMNS = ("year", "cluster_no", "rank", "row_no")  # numbers shown without decimals


def _is_delta(column: str) -> bool:
    return column == "delta" or column.endswith("_delta")  # a change: «+3» when it grew


def _cell(value, column: str) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return CELL_WORDS["none"]
    if isinstance(value, bool):
        return CELL_WORDS["yes"] if value else CELL_WORDS["no"]
    if column == "period" and isinstance(value, str) and PERIOD_CODE.match(value):
        return period_label(value)
    if column in WHOLE_COLUMNS:
        return str(int(value)) if isinstance(value, (int, float)) else str(value)
    if isinstance(value, (int, float)):
        sign = "+" if _is_delta(column) and value > 0 else ""
        return sign + charts.vn_number(value)
    if hasattr(value, "strftime"):
        return charts.vn_date(value, with_time=True)
    return str(value)


STATUS_CLASS = {
    "Đã nhận": "ok",
    "Thiếu": "missing",
    "Bị từ chối": "bad",
    "Bị thay thế": "old",
    "Đã nhận (có bản cũ bị thay thế)": "ok",
}


def _plain_value(value):
    """A JSON value for the downloads (raw, as in the view: 95.5, 2024-FY, ISO dates)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()
    return value


def _td(value, column: str) -> str:
    num = isinstance(value, (int, float)) and not isinstance(value, bool) and not pd.isna(value)
    text = _cell(value, column)
    cls = "num" if num else STATUS_CLASS.get(text)
    attrs = (f' class="{cls}"' if cls else "") + (f' data-v="{float(value)!r}"' if num else "")
    return f"<td{attrs}>{html.escape(text)}</td>"


def _column_cells(column: str, values: list) -> list[str]:
    """The cells of one column; a value repeated down the column is formatted once."""
    seen: dict = {}
    out = []
    for v in values:
        try:
            td = seen.get(v)
        except TypeError:  # an unhashable value
            td = None
        if td is None:
            td = _td(v, column)
            try:
                seen[v] = td
            except TypeError:
                pass
        out.append(td)
    return out


def table_html(frame: pd.DataFrame, columns: list[str] | None = None) -> str:
    """An HTML table with Vietnamese headings and numbers (1.234,5); text is escaped.
    Numeric cells carry their raw value (`data-v`) so the page sorts them as numbers.
    (The data check page and the reports; the other pages' tables are built by `site.js`.)"""
    if frame.empty:
        return f'<p class="empty">{CELL_WORDS["empty"]}</p>'
    cols = [c for c in (columns or list(frame.columns)) if c in frame.columns]
    head = "".join(f"<th>{html.escape(LABELS.get(c, c))}</th>" for c in cols)
    cells = [_column_cells(c, frame[c].tolist()) for c in cols]
    rows = "".join("<tr>" + "".join(r) + "</tr>" for r in zip(*cells, strict=True))
    return f'<table class="data"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'


def _json_columns(frame: pd.DataFrame) -> tuple[list[list], list[int]]:
    """The columns' values as JSON for the downloads and the table (raw, as in the view: 95.5,
    2024-FY, ISO dates), column by column, and the positions of the columns that hold dates
    (written as ISO text)."""
    columns, dates = [], []
    for i, c in enumerate(frame.columns):
        dtype = frame[c].dtype
        kind = dtype.kind if isinstance(dtype, np.dtype) else "O"  # not pandas' nullable ones
        if kind in "iub":  # numpy ints and bools: tolist() gives the plain values already
            columns.append(frame[c].tolist())
            continue
        if kind == "f" or (isinstance(dtype, pd.StringDtype) and dtype.na_value is not pd.NA):
            # numpy floats and pandas' text (str): the values as they are, a missing one (NaN)
            # as null
            columns.append([None if v != v else v for v in frame[c].tolist()])
            continue
        seen: dict = {}
        values = []
        dated = False
        for v in frame[c].tolist():
            try:
                if v in seen:
                    values.append(seen[v])
                    continue
                seen[v] = _plain_value(v)
                values.append(seen[v])
            except TypeError:
                values.append(_plain_value(v))
            dated = dated or (hasattr(v, "strftime") and v is not pd.NaT)
        columns.append(values)
        if dated:
            dates.append(i)
    return columns, dates


def _column_format(column: str, dated: bool) -> str:
    """How `site.js` shows a column's values (the rules of `_cell`): "p" period codes in
    words, "w" whole numbers (years, cluster numbers, ranks), "d" a change (+3), "t" dates
    (dd/mm/yyyy hh:mm), "" numbers as 1.234,5 and text as it is."""
    if column == "period":
        return "p"
    if column in WHOLE_COLUMNS:
        return "w"
    if dated:
        return "t"
    return "d" if _is_delta(column) else ""


def _missing_note(con, needs: dict[str, str]) -> str:
    """A sentence naming what the page would show but the warehouse does not hold."""
    absent = [
        label
        for view, label in needs.items()
        if con.execute(f"SELECT count(*) FROM {view}").fetchone()[0] == 0
    ]
    if not absent:
        return ""
    return (
        '<p class="absent">Kho chưa có số liệu '
        + html.escape(", ".join(absent))
        + ": các biểu đồ và bảng dựa trên đó để trống. Nạp các bảng tính đó vào raw/ rồi chạy "
        "lại «make run».</p>"
    )


FACT_VIEWS = {
    "indicator_results": "kết quả chỉ tiêu",
    "scores": "chấm điểm thi đua",
    "awards": "khen thưởng (số lượng)",
    "initiatives": "sáng kiến",
    "clusters": "thành viên cụm thi đua",
}


# -- pages -------------------------------------------------------------------------------------


def _overview(con) -> Page:
    clusters = an.clusters_by_period(con)
    with_clusters = [p for p in an.periods(con) if clusters.get(p)]
    page = Page(
        "index.html",
        "Tổng quan",
        "Các cụm thi đua đặt cạnh nhau trong từng kỳ báo cáo (các kỳ đã biết thành viên "
        "cụm; số liệu của đơn vị chưa xếp cụm xem ở trang «Hồ sơ đơn vị»).",
        [Filter("period", "Kỳ báo cáo", [(p, period_label(p)) for p in reversed(with_clusters)])],
        lead_html=_missing_note(con, FACT_VIEWS),
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
    overviews = _groups(an.cluster_overview(con, None), ("period",))  # every period at once
    for period in with_clusters:
        ov = overviews((period,))
        label = period_label(period)
        panels = [
            Panel(
                "Tỷ lệ chỉ tiêu đạt theo cụm",
                charts.cluster_comparison.spec(
                    ov,
                    f"Tỷ lệ chỉ tiêu đạt theo cụm, {label}",
                    "share_met",
                    "view indicator_results",
                ),
                ov[["cluster_no", "units", "share_met"]],
            ),
            Panel(
                "Điểm thi đua bình quân theo cụm",
                charts.cluster_comparison.spec(
                    ov,
                    f"Điểm thi đua bình quân theo cụm, {label}",
                    "mean_points",
                    "view score_ranking",
                ),
                ov[["cluster_no", "units", "mean_points"]],
            ),
            Panel(
                "Khen thưởng bình quân một đơn vị theo cụm",
                charts.cluster_comparison.spec(
                    ov,
                    f"Khen thưởng bình quân một đơn vị, {label}",
                    "awards_per_unit",
                    "view awards",
                ),
                ov[["cluster_no", "units", "collective", "individual", "awards_per_unit"]],
            ),
            Panel(
                "Bảng so sánh các cụm",
                None,
                ov[cols],
                "Nguồn: các view indicator_results, score_ranking, awards, initiatives.",
            ),
        ]
        page.views[period] = View(label, panels, an.any_illustrative(ov))
    return page


def _cluster(con) -> Page:
    clusters = an.clusters_by_period(con)
    pairs = [(p, c) for p in an.periods(con) for c in clusters.get(p, [])]
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
        lead_html=_missing_note(con, FACT_VIEWS),
    )
    # each query once for every period and cluster; each view picks its group's rows
    each = ("period", "cluster_no")
    summaries = _groups(an.indicator_summary(con, None, by=each), each)
    ranks = _groups(_shared(con, an.score_ranking, None), each, drop=False)
    awards = _groups(an.awards_by_unit(con, None, by=each), each)
    initiatives = _groups(an.initiatives_by_unit(con, None, by=each), each)
    results = _groups(_shared(con, an.indicator_results), each, drop=False)
    previous_figures = {
        "awards": _groups(an.awards_by_unit(con, None, by=("period",)), ("period",)),
        "share": _groups(an.indicator_summary(con, None, by=("period",)), ("period",)),
    }
    for period, cluster in pairs:
        where = f"Cụm thi đua số {cluster}, {period_label(period)}"
        summ = summaries((period, cluster))
        rank = ranks((period, cluster))
        aw = awards((period, cluster))
        ini = initiatives((period, cluster))
        res = results((period, cluster))
        panels = [
            Panel(
                "Tỷ lệ chỉ tiêu đạt",
                charts.indicators_met.spec(summ, f"Tỷ lệ chỉ tiêu đạt — {where}"),
                summ[["name", "n_indicators", "n_met", "n_missed", "share_met"]],
            ),
            Panel(
                "Điểm thi đua và xếp hạng",
                charts.score_ranking.spec(rank, f"Điểm thi đua và xếp hạng — {where}"),
                rank[["rank", "name", "total_points"]],
            ),
            Panel(
                "Khen thưởng của kỳ",
                charts.awards_by_unit.spec(aw, f"Khen thưởng — {where}"),
                aw[["name", "collective", "individual", "awards"]],
            ),
            Panel(
                "Sáng kiến, đề tài",
                charts.initiatives_by_unit.spec(ini, f"Sáng kiến, đề tài — {where}"),
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
            _previous_year(period, summ, aw, previous_figures),
        ]
        page.views[f"{period}|{cluster}"] = View(
            where, panels, an.any_illustrative(summ, rank, aw, ini)
        )
    return page


def _previous_year(period: str, summ: pd.DataFrame, aw: pd.DataFrame, known: dict) -> Panel:
    """The cluster's units beside the same report of the previous year (same units, wherever
    they were then). `known`: the per-period figures of all units («awards», «share»: from
    `_groups` of `by=("period",)` queries), fetched once for the site."""
    previous = f"{int(period[:4]) - 1}{period[4:]}"

    def figures(frame: pd.DataFrame, column: str) -> dict:
        return dict(zip(frame["unit_id"].tolist(), frame[column].tolist(), strict=True))

    if previous not in known:  # the previous year's figures, once a period
        known[previous] = (
            figures(known["awards"]((previous,)), "awards"),
            figures(known["share"]((previous,)), "share_met"),
        )
    prev_aw, prev_share = known[previous]
    now_aw, now_share = figures(aw, "awards"), figures(summ, "share_met")
    names: dict = {}  # the units of either frame, each once (the first name it has)
    for frame in (summ, aw):
        for unit, name in zip(frame["unit_id"].tolist(), frame["name"].tolist(), strict=True):
            names.setdefault(unit, name)
    units = sorted(names, key=lambda u: collate_key(names[u]))  # stable: as an.vn_order
    nan = float("nan")  # a unit without a figure that period (as pandas' map gives it)
    frame = pd.DataFrame(
        {
            "name": [names[u] for u in units],
            "awards_prev": [prev_aw.get(u, nan) for u in units],
            "awards_now": [now_aw.get(u, nan) for u in units],
            "share_prev": [prev_share.get(u, nan) for u in units],
            "share_now": [now_share.get(u, nan) for u in units],
        }
    )
    frame["awards_delta"] = frame["awards_now"] - frame["awards_prev"]
    frame["share_delta"] = frame["share_now"] - frame["share_prev"]
    return Panel(
        f"So với cùng kỳ năm trước ({period_label(previous)})",
        None,
        frame[
            [
                "name",
                "awards_prev",
                "awards_now",
                "awards_delta",
                "share_prev",
                "share_now",
                "share_delta",
            ]
        ],
        "«–»: kỳ đó đơn vị không có số liệu trong kho. Nguồn: các view awards, indicator_results.",
    )


def _whole_counts(part: pd.DataFrame) -> pd.DataFrame:
    """A count column another group left empty (pandas' Int64) is whole again in a group
    that has every value, as the same query filtered to that group gives it."""
    for col, dtype in part.dtypes.items():  # the dtypes once (not a Series per column)
        if isinstance(dtype, pd.Int64Dtype) and not part[col].isna().any():
            part[col] = part[col].astype("int64")
    return part


def _groups(
    frame: pd.DataFrame, keys: tuple[str, ...], drop: bool = True
) -> Callable[[tuple], pd.DataFrame]:
    """The rows of one group (a tuple of `keys` values) of a frame queried for all groups at
    once, in its order: what the same query filtered to that group gives (`drop`: without
    the `keys` columns a `by=` query added). A group without rows gives no rows."""
    parts = dict(tuple(frame.groupby(list(keys), sort=False))) if not frame.empty else {}
    shape = frame.drop(columns=list(keys)) if drop else frame
    counts = any(isinstance(t, pd.Int64Dtype) for t in shape.dtypes)  # else nothing to make whole

    def get(key: tuple) -> pd.DataFrame:
        part = parts.get(key)
        if part is None:
            return shape.iloc[0:0].reset_index(drop=True)
        part = (part.drop(columns=list(keys)) if drop else part).reset_index(drop=True)
        return _whole_counts(part) if counts else part

    return get


def _of_cluster(frame: pd.DataFrame, cluster: int) -> pd.DataFrame:
    """The rows of one cluster from a `by_cluster=True` frame: what the same query with
    `cluster_no=cluster` gives (a count column the other clusters left empty is whole again)."""
    return _groups(frame, ("cluster_no",))((cluster,))


def _awards(con) -> Page:
    years = sorted({int(p[:4]) for p in an.periods(con)})
    span = (years[0], years[-1]) if years else (0, 0)
    clusters = sorted({c for cs in an.clusters_by_period(con).values() for c in cs})
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
        lead_html=_missing_note(con, {"awards": FACT_VIEWS["awards"]}),
    )
    # per half and territory: one query for all units, one for every cluster at once
    fetched: dict = {}
    for half, _ in page.filters[1].options:
        for terr, _ in page.filters[2].options:
            territory = 2025 if terr == "2025" else None
            per_unit_c = an.yearly_unit_metrics(
                con, span, half, None, None, territory, by_cluster=True
            )
            fetched[half, terr] = (
                an.awards_series(con, span, half, None, None, territory),
                _shared(con, an.yearly_unit_metrics, span, half, None, None, territory),
                # each cluster's rows: what the query of that cluster gives (_groups)
                _groups(
                    an.awards_series(con, span, half, None, None, territory, by_cluster=True),
                    ("cluster_no",),
                ),
                _groups(per_unit_c, ("cluster_no",)),
                _groups(an.yearly_totals(per_unit_c, by=("cluster_no",)), ("cluster_no",)),
            )
    for scope, _ in page.filters[0].options:
        cluster = None if scope == "all" else int(scope)
        for half, half_label in page.filters[1].options:
            for terr, _ in page.filters[2].options:
                territory = 2025 if terr == "2025" else None
                where = "toàn bộ đơn vị" if cluster is None else f"Cụm thi đua số {cluster}"
                series, per_unit, series_c, per_unit_c, totals_c = fetched[half, terr]
                if cluster is None:
                    totals = an.yearly_totals(per_unit)
                else:
                    series = series_c((cluster,))
                    per_unit = per_unit_c((cluster,))
                    totals = totals_c((cluster,))
                t = f"{half_label}, {where}" + (", theo địa giới 2025" if territory else "")
                panels = [
                    Panel(
                        "Khen thưởng theo hình thức",
                        charts.awards_timeline.spec(series, f"Khen thưởng theo hình thức — {t}"),
                        series[["year", "award_name", "recipient_label", "count"]],
                    ),
                    Panel(
                        "Tập thể và cá nhân",
                        charts.yearly_lines.spec(
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
    _award_history(con, page)
    return page


AWARD_HISTORY_VIEWS = ("award_candidates", "award_streaks", "award_quota", "award_flags",
                       "award_rules")  # fmt: skip


def _award_history(con, page: Page) -> None:
    """Issue 16: streaks, quota use, flags and candidate counts (never names) under every
    view of the awards page, for its scope (all units or one cluster)."""
    from pipeline.publish import award_history

    # the section's views read once into tables of the connection (as analytics.snapshot):
    # each scope's queries then read a table instead of recomputing the view
    views = {v for (v,) in con.execute("SELECT view_name FROM duckdb_views()").fetchall()}
    for view in AWARD_HISTORY_VIEWS:
        if view in views:
            con.execute(f"CREATE OR REPLACE TEMP TABLE {view} AS SELECT * FROM main.{view}")
    made: dict[str, list[Panel]] = {}
    for key, view in page.views.items():
        scope = key.split("|")[0]
        if scope not in made:
            cluster = None if scope == "all" else int(scope)
            made[scope] = [Panel(*p) for p in award_history.panels(con, cluster)]
        view.panels = view.panels + made[scope]


HALVES = [("FY", "Tổng kết năm"), ("H1", "Sơ kết 6 tháng đầu năm")]
TERRITORIES = [("asis", "Theo đơn vị lúc báo cáo"), ("2025", "Theo địa giới 2025")]


def _units(con) -> Page:
    """One unit over the years, for the year-end or the mid-year reports, either as reported
    (each unit alone, linked to its former and successor units) or by the 2025 territory (a
    province's history holds its predecessors'; a former province shows its successor's).
    Every query runs once for all units; each view only picks its unit's rows."""
    found = an.periods(con)
    years = sorted({int(p[:4]) for p in found})
    span = (years[0], years[-1]) if years else (0, 0)
    names = an.unit_names(con)
    successor = {
        u: s for u, s in con.execute("SELECT unit_id, successor_id FROM units").fetchall() if s
    }
    holder = an.territory_map(con, 2025)
    reported = list(an.units_with_data(con)["unit_id"])
    today = sorted({holder.get(u, u) for u in reported})
    options = sorted(set(reported) | set(today), key=lambda u: collate_key(names.get(u, u)))
    halves = [(h, label) for h, label in HALVES if any(p.endswith(h) for p in found)] or HALVES[:1]
    page = Page(
        "don-vi.html",
        "Hồ sơ đơn vị",
        "Một đơn vị qua các năm: khen thưởng, sáng kiến, chỉ tiêu và điểm. «Theo địa giới "
        "2025»: lịch sử của một tỉnh gồm cả các tỉnh cũ nay thuộc về nó.",
        [
            Filter("unit", "Đơn vị", [(u, names.get(u, u)) for u in options]),
            Filter("half", "Kỳ", halves),
            Filter("territory", "Địa giới", TERRITORIES),
        ],
        lead_html=_missing_note(con, FACT_VIEWS),
    )
    results = _shared(con, an.indicator_results)
    ranks = an.vn_order(_shared(con, an.score_ranking, None), ["period", "name"])  # once
    results, ranks = (
        frame.assign(  # new frames: the shared ones stay as the query gave them
            half=frame["period"].str[-2:], holder=frame["unit_id"].map(lambda u: holder.get(u, u))
        )
        for frame in (results, ranks)
    )

    def name(u: str) -> str:
        return names.get(u, u)

    def related(unit_id: str) -> list[tuple[str, str]]:
        links = []
        if successor.get(unit_id) and successor[unit_id] != unit_id:
            links.append((successor[unit_id], f"{name(successor[unit_id])} (đơn vị kế tục)"))
        former = [u for u, s in successor.items() if s == unit_id and u != unit_id]
        for u in sorted(former, key=lambda u: collate_key(name(u))):
            links.append((u, f"{name(u)} (đơn vị trước đây)"))
        return links

    alone: dict[tuple[str, str], View] = {}  # (half, unit) as reported: reused by the territory
    for half, half_label in halves:
        for terr, _ in TERRITORIES:
            territory = 2025 if terr == "2025" else None
            per_year = _shared(con, an.yearly_unit_metrics, span, half, None, None, territory)
            series = an.awards_series(con, span, half, territory=territory, by_unit=True)
            by = "holder" if territory else "unit_id"
            groups = {
                "years": _by_unit(per_year, per_year["unit_id"], "years"),
                "series": _by_unit(series, series["unit_id"], "series"),
                "results": _by_unit(results, results[by], "results", results["half"] == half),
                "ranks": _by_unit(ranks, ranks[by], "ranks", ranks["half"] == half),
            }
            made: dict[str, View] = {}
            for unit_id in options:
                shown = holder.get(unit_id, unit_id) if territory else unit_id
                member_ids = [u for u in reported if holder.get(u, u) == shown]
                members = [name(u) for u in member_ids]
                if shown not in made:
                    if territory and member_ids in ([], [shown]) and (half, shown) in alone:
                        made[shown] = alone[(half, shown)]  # the same figures: the same panels
                    else:
                        made[shown] = _unit_view(
                            name(shown),
                            half_label,
                            territory,
                            {k: g.get(shown) for k, g in groups.items()},
                            members,
                        )
                    if not territory:
                        alone[(half, shown)] = made[shown]
                view = made[shown]
                links = [(f"{u}|{half}|{terr}", text) for u, text in related(unit_id)]
                label = view.label
                if shown != unit_id:
                    label = (
                        f"{name(unit_id)}: từ năm 2025 thuộc {name(shown)}; số liệu dưới đây là "
                        f"của {name(shown)} theo địa giới 2025 ({half_label.lower()})"
                    )
                page.views[f"{unit_id}|{half}|{terr}"] = View(
                    label, view.panels, view.illustrative, links
                )
    return page


# the columns of a unit's rows, per query of the unit profile
UNIT_COLUMNS = {
    "series": ["year", "award_id", "award_name", "recipient_kind", "recipient_label", "count",
               "illustrative"],
    "years": ["year", "unit_id", "name", "collective", "individual", "awards", "initiatives",
              "share_met", "total_points", "illustrative"],
    "results": ["period", "name", "indicator_name", "measure_unit", "target", "actual",
                "margin", "met_label", "illustrative"],
    "ranks": ["period", "name", "cluster_no", "total_points", "rank", "illustrative"],
}  # fmt: skip


def _by_unit(frame: pd.DataFrame, unit: pd.Series, kind: str, keep=None) -> dict:
    """Each unit's rows of a query for all units (the `UNIT_COLUMNS[kind]`, in the frame's
    order; `keep`: a mask of the rows to use); columns chosen once, not per unit."""
    columns = frame.reindex(columns=UNIT_COLUMNS[kind])
    if keep is not None:
        columns, unit = columns[keep], unit[keep]
    return dict(tuple(columns.groupby(unit, sort=False)))


def _unit_view(
    name: str, half_label: str, territory: int | None, rows: dict, members: list[str]
) -> View:
    """`rows`: the unit's rows of each query (`_by_unit`), None where it has none."""
    empty = pd.DataFrame()

    def pick(key: str) -> pd.DataFrame:
        frame = rows.get(key)
        return frame if frame is not None else empty.reindex(columns=UNIT_COLUMNS[key])

    series = pick("series")
    per_year = pick("years")
    res = pick("results")
    ranks = pick("ranks")  # sorted by period and name for all units
    merged = bool(territory) and members not in ([], [name])  # other provinces' figures in it
    who = name + (" (theo địa giới 2025)" if territory else "")
    unit_col = ["name"] if merged else []
    panels = [
        Panel(
            f"Khen thưởng qua các năm ({half_label.lower()})",
            charts.awards_timeline.spec(series, f"Khen thưởng qua các năm — {who}"),
            series[["year", "award_name", "recipient_label", "count"]],
        ),
        Panel(
            f"Các chỉ số theo năm ({half_label.lower()})",
            charts.yearly_lines.spec(
                per_year, ["awards", "initiatives"], f"Khen thưởng và sáng kiến theo năm — {who}"
            ),
            per_year[["year", *an.YEARLY_METRICS]],
            "Theo địa giới 2025: số liệu của " + ", ".join(members) + " được cộng lại; tổng điểm "
            "thi đua để trống khi cộng nhiều tỉnh (điểm của hai tỉnh không cộng được). Kết quả "
            "từng chỉ tiêu của mỗi tỉnh: chọn «Theo đơn vị lúc báo cáo» và đơn vị liên quan."
            if merged
            else "",
        ),
        Panel(
            "Điểm thi đua và xếp hạng trong cụm",
            None,
            ranks[["period", *unit_col, "cluster_no", "total_points", "rank"]],
            "Nguồn: view score_ranking.",
        ),
    ]
    if not merged:  # a merged province's results are its provinces' own, shown with each
        columns = ["period", "indicator_name", "measure_unit", "target", "actual", "margin"]
        panels.append(
            Panel(
                "Kết quả chỉ tiêu qua các kỳ",
                None,
                res[[*columns, "met_label"]],
                "Nguồn: view indicator_results.",
            )
        )
    label = f"{who}, {half_label.lower()}"
    if merged:
        label += " — gồm " + ", ".join(members)
    return View(label, panels, an.any_illustrative(series, per_year, res, ranks))


STATUS_LABELS = {
    "received": "Đã nhận",
    "missing": "Thiếu",
    "rejected": "Bị từ chối",
    "superseded": "Bị thay thế",
}
KIND_ORDER = ["indicators", "scores", "awards", "initiatives", "recipients"]


def _kind_label(kind: str) -> str:
    label = SHEET_KIND_LABELS.get(kind, kind)
    return label[:1].upper() + label[1:]


def _changes_html(changes: dict | None) -> str:
    """The last build's changes (written by `thidua build` beside the warehouse)."""
    if not changes:
        return (
            '<section class="panel"><h2>Thay đổi ở lần nạp gần nhất</h2><p class="empty">'
            "Chưa có ghi nhận (chạy «thidua build» để có danh sách tệp mới, thay thế, gỡ bỏ)."
            "</p></section>"
        )
    from datetime import datetime

    try:
        when = charts.vn_date(datetime.fromisoformat(changes.get("built_at", "")), with_time=True)
    except ValueError:
        when = "–"
    items = []
    if changes.get("first_build"):
        items.append(f"<li>Lần nạp đầu tiên: {len(changes.get('new', []))} tệp.</li>")
    else:
        for key, what in (
            ("new", "Tệp mới"),
            ("replaced", "Tệp thay bằng bản mới"),
            ("removed", "Tệp đã gỡ khỏi kho"),
        ):
            names = changes.get(key) or []
            if names:
                shown = ", ".join(f"«{html.escape(n)}»" for n in names[:20])
                more = f" và {len(names) - 20} tệp khác" if len(names) > 20 else ""
                items.append(f"<li>{what} ({len(names)}): {shown}{more}</li>")
        if not items:
            items.append("<li>Không có tệp nào mới, sửa hay xóa.</li>")
        for label, unit, a, b in changes.get("moved") or []:
            sign = "+" if b > a else ""
            items.append(
                f"<li>Số liệu {html.escape(label)}: {charts.vn_number(a)} → "
                f"{charts.vn_number(b)}{' ' + html.escape(unit) if unit else ''} "
                f"({sign}{charts.vn_number(b - a)}).</li>"
            )
    replaced = len(changes.get("superseded", [])) + len(changes.get("partly_superseded", []))
    if replaced:
        items.append(f"<li>Tệp bị tệp mới hơn thay thế (toàn bộ hoặc một phần): {replaced}.</li>")
    return (
        f'<section class="panel" id="thay-doi"><h2>Thay đổi ở lần nạp gần nhất ({when})</h2>'
        f"<ul>{''.join(items)}</ul></section>"
    )


def _submissions_default(sub: pd.DataFrame) -> str:
    """The view the page opens on: the latest period with received files, and in it the
    cluster that sent the most (the lowest number on a tie; units of no cluster last)."""
    got = sub[sub["status"] == "received"]
    if got.empty:
        return ""
    period = max(set(got["period"]), key=an.period_key)
    counts = got[got["period"] == period].groupby("cluster").size()
    cluster = min(
        counts.index, key=lambda c: (-counts[c], c == "none", int(c) if c != "none" else 0)
    )
    return f"{period}|{cluster}"


def _submissions(con, changes: dict | None = None) -> Page:
    """Who has sent what: unit × kind for a period and cluster (view submissions)."""
    sub = con.execute(
        """SELECT s.period, s.cluster_no, s.unit_id, u.name, s.kind, s.status, s.source_file,
                  s.loaded_at, coalesce(l.illustrative, FALSE) AS illustrative
           FROM submissions s LEFT JOIN units u USING (unit_id)
           LEFT JOIN (SELECT source_file, bool_or(illustrative) AS illustrative FROM loads
                      GROUP BY source_file) l USING (source_file)"""
    ).df()
    sub["name"] = sub["name"].fillna(sub["unit_id"])
    sub["kind_label"] = sub["kind"].map(_kind_label)
    sub["status_label"] = sub["status"].map(STATUS_LABELS).fillna(sub["status"])
    sub["cluster"] = sub["cluster_no"].map(lambda c: "none" if pd.isna(c) else str(int(c)))
    periods = sorted(set(sub["period"]), key=an.period_key, reverse=True)
    clusters = sorted({c for c in sub["cluster"] if c != "none"}, key=int)
    options = [(c, f"Cụm thi đua số {c}") for c in clusters]
    if (sub["cluster"] == "none").any():
        options.append(("none", "Đơn vị chưa xếp cụm"))
    page = Page(
        "nop-bao-cao.html",
        "Tình hình nộp báo cáo",
        "Đơn vị nào đã gửi bảng nào trong từng kỳ: Đã nhận (tệp đang được tính), Thiếu (thành "
        "viên cụm chưa gửi loại bảng mà các đơn vị khác đã gửi trong kỳ), Bị từ chối (có tệp "
        "của cụm nhưng dòng của đơn vị bị từ chối: xem trang «Kiểm tra dữ liệu»), Bị thay thế "
        "(bản cũ, đã có tệp mới hơn). Nguồn: view submissions.",
        [
            Filter("period", "Kỳ báo cáo", [(p, period_label(p)) for p in periods]),
            Filter("cluster", "Cụm thi đua", options),
        ],
        lead_html=_changes_html(changes),
        default=_submissions_default(sub),
    )
    sub = an.vn_order(sub, ["name", "kind_label"])  # once: each view's rows keep this order
    for (period, cluster), part in sub.groupby(["period", "cluster"]):
        kinds = [k for k in KIND_ORDER if k in set(part["kind"])] + sorted(
            set(part["kind"]) - set(KIND_ORDER)
        )
        seen: dict[tuple[str, str], dict[str, set]] = {}  # (unit, name) → kind → statuses
        for unit_id, name, kind, status in zip(
            part["unit_id"], part["name"], part["kind"], part["status"], strict=True
        ):
            seen.setdefault((unit_id, name), {}).setdefault(kind, set()).add(status)
        grid_rows = []
        # the units in Vietnamese order of their names (then by id, as a stable sort would)
        for (_unit_id, name), by_kind in sorted(
            seen.items(), key=lambda item: (collate_key(item[0][1]), item[0])
        ):
            row = {"name": name}
            for kind in kinds:
                st = by_kind.get(kind, set())
                if "received" in st:
                    cell = "received"
                else:
                    cell = next((x for x in ("rejected", "superseded", "missing") if x in st), None)
                row[_kind_label(kind)] = STATUS_LABELS.get(cell, "–") if cell else "–"
                if "received" in st and "superseded" in st:
                    row[_kind_label(kind)] = "Đã nhận (có bản cũ bị thay thế)"
            grid_rows.append(row)
        grid = pd.DataFrame(grid_rows)
        counts = (
            part.groupby(["kind_label", "status_label"], as_index=False)
            .size()
            .rename(columns={"size": "count"})
        )
        detail = part[
            ["name", "kind_label", "status_label", "source_file", "loaded_at"]
        ].reset_index(drop=True)
        where = (
            f"Cụm thi đua số {cluster}" if cluster != "none" else "Đơn vị chưa xếp cụm"
        ) + f", {period_label(period)}"
        received = int((part["status"] == "received").sum())
        expected = int((part["status"] != "superseded").sum())
        panels = [
            Panel(
                "Bảng nộp báo cáo: đơn vị × loại bảng",
                None,
                grid,
                f"Đã nhận {received}/{expected} bảng cần có. «–»: loại bảng không ai gửi trong "
                "kỳ cho đơn vị này.",
            ),
            Panel(
                "Số bảng theo loại và trạng thái",
                charts.submission_status.spec(counts, f"Tình hình nộp báo cáo — {where}"),
                counts[["kind_label", "status_label", "count"]],
            ),
            Panel(
                "Các tệp đã nhận, bị thay thế hoặc có dòng bị từ chối",
                None,
                detail,
                "Tệp nguồn: đường dẫn trong thư mục raw/; thời điểm nạp theo giờ máy chạy lệnh.",
            ),
        ]
        page.views[f"{period}|{cluster}"] = View(where, panels, an.any_illustrative(part))
    return page


RULE_TEXT = {
    "unit_unknown": "Tên đơn vị phải nhận ra được (VKSND tỉnh/thành phố hoặc đơn vị trong danh mục)",
    "number_invalid": "Ô số liệu phải là số (12; 1.234; 95,5%), để trống hoặc «-»",
    "negative": "Số liệu không được âm",
    "not_whole": "Số lượt khen thưởng, số sáng kiến phải là số nguyên",
    "too_large": "Số lượng không vượt quá 1.000.000 (lớn hơn là lỗi gõ)",
    "indicator_missing": "Mỗi dòng kết quả phải có tên chỉ tiêu",
    "duplicate": "Không lặp lại cùng một đơn vị và mục trong một tệp",
    "points_missing": "Mỗi tiêu chí phải có điểm",
    "points_over_max": "Điểm không lớn hơn điểm tối đa của tiêu chí",
    "award_unknown": "Hình thức khen thưởng phải nhận ra được (Bằng khen, Cờ thi đua, …)",
    "recipient_kind_unknown": "Phải rõ khen tập thể hay cá nhân",
    "recipient_kind_not_allowed": "Hình thức chỉ dành cho tập thể hoặc chỉ cho cá nhân",
    "name_missing": "Mỗi người, tập thể được khen phải có tên",
    "date_invalid": "Ngày quyết định phải là ngày/tháng/năm",
    "level_unknown": "Cấp sáng kiến phải là cơ sở, ngành hoặc đề tài khoa học",
    "cluster_invalid": "Số cụm thi đua từ 1 đến 99",
    "role_unknown": "Vai trò trong cụm: Cụm trưởng, Cụm phó hoặc Thành viên",
    "year_missing": "Phải xác định được năm của cụm thi đua",
    "totals_mismatch": "Dòng tổng cộng phải bằng tổng các dòng đơn vị",
    "formula_no_value": "Ô công thức phải có giá trị đã tính (mở tệp, tính lại, lưu lại)",
    "period_conflict": "Kỳ báo cáo ghi ở tiêu đề, tên trang và tên tệp phải khớp nhau",
    "period_missing": "Phải xác định được kỳ báo cáo (6 tháng đầu năm hoặc năm)",
    "unit_missing": "Phải xác định được đơn vị của trang (tiêu đề hoặc cột Đơn vị)",
    "file_unreadable": "Tệp phải mở đọc được (không hỏng, không đặt mật khẩu)",
    "file_no_data": "Tệp phải có ít nhất một bảng số liệu nhận ra được",
}


def rule_text(rule: str | None) -> str:
    if not rule:
        return "Lỗi của cả tệp"
    return RULE_TEXT.get(rule, f"Quy tắc «{rule}»")


def _checks(con) -> Page:
    """The data check report: files, errors per sheet kind and rule, the totals that do not
    add up, every rejected row, and every rule in Vietnamese (the Great Expectations class
    for engineers in small print). Everything is escaped: file names are data."""
    from pipeline.core.labels import SHEET_KINDS
    from pipeline.core.rules import rules_for

    loads = con.execute("""SELECT source_file, status, rows_read, rows_loaded, rows_rejected,
                                  loaded_at, illustrative FROM loads ORDER BY source_file""").df()
    rej = con.execute("""SELECT r.source_file, r.sheet, r.row_no, r.column_name, r.value, r.rule,
                                r.message, s.kind AS sheet_kind
                         FROM rejections r LEFT JOIN (SELECT DISTINCT source_file, sheet, kind
                                                      FROM sheets) s USING (source_file, sheet)
                         ORDER BY r.source_file, r.sheet, r.row_no""").df()
    rej["kind_label"] = rej["sheet_kind"].map(
        lambda k: _kind_label(k) if isinstance(k, str) else "Cả tệp / trang không rõ loại"
    )
    rej["rule_text"] = rej["rule"].map(rule_text)
    by_rule = (
        rej.groupby(["kind_label", "rule_text"], as_index=False)
        .size()
        .rename(columns={"size": "count"})
        .sort_values(["kind_label", "count"], ascending=[True, False])
        if not rej.empty
        else pd.DataFrame(columns=["kind_label", "rule_text", "count"])
    )
    totals = rej[rej["rule"] == "totals_mismatch"]
    counts = rej.groupby(["sheet_kind", "rule"]).size().to_dict() if not rej.empty else {}
    suites = []
    for kind in SHEET_KINDS:
        try:
            rules = rules_for(kind)
        except ValueError:
            continue
        seen: dict[str, list] = {}
        for r in rules:
            seen.setdefault(r.rule, []).append(r)
        rows = "".join(
            f"<tr><td>{html.escape(rule_text(code))}"
            f'<br><small class="eng">{html.escape(code)} · '
            + html.escape(", ".join(sorted({r.expectation for r in group})))
            + f"</small></td><td class=num>{counts.get((kind, code), 0)}</td></tr>"
            for code, group in seen.items()
        )
        suites.append(
            f"<h3>{html.escape(_kind_label(kind))}</h3><table class=data><thead><tr>"
            "<th>Quy tắc (mã và lớp Great Expectations cho kỹ thuật viên)</th>"
            f"<th>Số lỗi trong kho</th></tr></thead><tbody>{rows}</tbody></table>"
        )
    loads["status"] = loads["status"].map(LOAD_STATUS).fillna(loads["status"])
    loads_tbl = table_html(
        loads[["source_file", "status", "rows_read", "rows_loaded", "rows_rejected", "loaded_at"]]
    )
    n_rows = int(loads["rows_rejected"].fillna(0).sum()) if not loads.empty else 0
    body = (
        '<section class="panel"><h2 id="tom-tat">Lỗi theo loại bảng và quy tắc</h2>'
        f"<p>{len(rej)} lỗi trong kho; {n_rows} dòng số liệu bị từ chối (không được nạp). Một "
        "dòng có thể vi phạm nhiều quy tắc; lỗi dòng tổng cộng và lỗi của cả tệp không phải "
        f"dòng số liệu.</p>{table_html(by_rule)}</section>"
        f'<section class="panel"><h2 id="tong-cong">Dòng tổng cộng không khớp ({len(totals)})</h2>'
        "<p>Dòng tổng cộng không được nạp; nó được so với tổng các dòng đơn vị.</p>"
        f"{table_html(totals[['source_file', 'sheet', 'row_no', 'message']])}"
        "</section>"
        f'<section class="panel"><h2 id="tu-choi">Các dòng bị từ chối ({len(rej)})</h2>'
        "<p>Mỗi dòng có lý do bằng tiếng Việt: tệp, trang tính, dòng, cột, giá trị và điều cần "
        "sửa. Truy vấn: <code>SELECT * FROM rejections</code>.</p>"
        + table_html(rej[["source_file", "sheet", "row_no", "rule_text", "message"]])
        + "</section>"
        '<section class="panel"><h2 id="tep">Các tệp đã nạp</h2>'
        f"{loads_tbl}</section>"
        '<section class="panel"><h2 id="bo-kiem-tra">Các quy tắc kiểm tra</h2>'
        "<p>Mỗi loại bảng có một bộ quy tắc, chạy một lần cho cả lô tệp trước khi nạp; dòng vi "
        "phạm bị từ chối, phần còn lại được nạp.</p>" + "".join(suites) + "</section>"
    )
    return Page(
        "kiem-tra.html",
        "Kiểm tra dữ liệu",
        "Báo cáo kiểm tra: lỗi theo loại bảng và quy tắc, dòng tổng cộng không khớp, các dòng "
        "bị từ chối và lý do, các tệp đã nạp, các quy tắc.",
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


def _split_title(fig: dict) -> tuple[str, str]:
    """The chart's own title and its source line (charts put both in the title)."""
    text = ((fig.get("layout") or {}).get("title") or {}).get("text") or ""
    head, _, rest = text.partition("<br>")
    return re.sub(r"<[^>]+>", "", head), html.unescape(re.sub(r"<[^>]+>", "", rest))


def _panel_json(p: Panel, periods: set[str]) -> dict:
    """A panel for `site.js`: its chart, and its rows written once, column by column
    (`values`: the downloads' raw values; `site.js` makes the rows and builds the table from
    them, with each column's `formats`). The period codes of its rows are added to `periods`
    (their words go into the page once)."""
    fig, source = p.figure, ""
    if fig is not None:
        chart_title, source = _split_title(fig)
        title = {**fig["layout"]["title"], "text": chart_title}  # for the PNG; not on screen
        fig = {"data": fig["data"], "layout": {**fig["layout"], "title": title}}
    cols = list(p.table.columns)
    values, dates = _json_columns(p.table)
    if "period" in cols:
        periods.update(v for v in p.table["period"].unique() if isinstance(v, str))
    return {
        "title": p.title,
        "figure": fig,
        # the chart's source line ends without a stop («… · DỮ LIỆU MINH HỌA»): one between
        "note": ". ".join(x.rstrip(". ") for x in (source, p.note) if x) + ("." if p.note else ""),
        "columns": cols,
        "headers": [LABELS.get(c, c) for c in cols],
        "formats": [_column_format(c, i in dates) for i, c in enumerate(cols)],
        "values": values,
    }


def _payload(page: Page) -> dict:
    """The page's views; a panel shown in several views (the same Panel object) is written
    once in `panels` and referred to by its index. `cells`: the words and classes of the
    tables' cells, and the period codes of the rows in words."""
    base = page.file.removesuffix(".html")
    pool: list[dict] = []
    index: dict[int, int] = {}
    periods: set[str] = set()
    views = {}
    for key, view in page.views.items():
        refs = []
        for i, p in enumerate(view.panels):
            if id(p) not in index:
                index[id(p)] = len(pool)
                pool.append(_panel_json(p, periods))
            file = re.sub(r"[^0-9A-Za-z_-]+", "_", f"{base}_{key}_{i + 1}").strip("_")
            refs.append({"ref": index[id(p)], "id": f"p{i}", "file": file})
        views[key] = {
            "label": view.label,
            "illustrative": view.illustrative,
            "links": [{"key": k, "text": t} for k, t in view.links],
            "panels": refs,
        }
    cells = {
        "words": CELL_WORDS,
        "classes": STATUS_CLASS,
        "periods": {p: period_label(p) for p in sorted(periods) if PERIOD_CODE.match(p)},
    }
    return {"views": views, "panels": pool, "cells": cells}


TEMPLATE_JSON = json.dumps(charts.template_dict(), ensure_ascii=False, separators=(",", ":"))


def _render(page: Page, stamp: an.DataStamp, env) -> str:
    payload = json.dumps(_payload(page), ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    payload = payload.replace("<", "\\u003c")  # no markup at all inside the <script> element
    return env.get_template("page.html.j2").render(
        page=page,
        pages=PAGES,
        payload=payload,
        template=TEMPLATE_JSON,
        stamp=stamp,
        stamp_loaded=charts.vn_date(stamp.loaded_at, with_time=True),
        stamp_period=period_label(stamp.latest_period) if stamp.latest_period else "–",
        any_illustrative=any(v.illustrative for v in page.views.values())
        or (not page.views and stamp.illustrative_files > 0),
        illustrative_label=ILLUSTRATIVE,
    )


BUILDERS = {
    "index.html": _overview,
    "cum.html": _cluster,
    "khen-thuong.html": _awards,
    "don-vi.html": _units,
    "nop-bao-cao.html": _submissions,
    "kiem-tra.html": _checks,
}


def build_site(
    warehouse: Path, out: Path, progress: Callable[[str], None] | None = None
) -> list[Path]:
    """Write the site into `out` (replacing the pages, keeping nothing stale); return the pages.
    Python's cyclic garbage collector pauses while the site is built: the millions of small
    lists and dicts of the pages' rows hold no cycles, and each full collection walked them
    all (≈ 0,25 s of CPU on the national corpus); reference counting still frees them."""
    import gc

    collecting = gc.isenabled()
    gc.disable()
    try:
        return _build_site(warehouse, out, progress)
    finally:
        if collecting:
            gc.enable()


def _build_site(warehouse: Path, out: Path, progress: Callable[[str], None] | None) -> list[Path]:
    import jinja2

    from pipeline.load.warehouse import open_reader
    from pipeline.publish import changes

    con = open_reader(warehouse)
    try:
        an.snapshot(con)
        stamp = an.data_stamp(con)
        last = changes.read(warehouse)
        pages = []
        for file, title in PAGES:
            if progress:
                progress(title)
            make = BUILDERS[file]
            pages.append(make(con, last) if make is _submissions else make(con))
    finally:
        _SHARED.clear()
        con.close()
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(WEB), autoescape=True)
    out.mkdir(parents=True, exist_ok=True)
    assets = out / "assets"
    assets.mkdir(exist_ok=True)
    from importlib.util import find_spec

    plotly_dir = Path(find_spec("plotly").origin).parent  # found, not imported: ≈ 0,1 s
    plotly_js = plotly_dir / "package_data" / "plotly.min.js"
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
