"""Chart functions: DataFrames from `pipeline.publish.analytics` in, Plotly figures out, all with one
Vietnamese template (labels, 1.234,5 numbers, print-safe colours and patterns).

Each chart is built as plain data (the dict plotly.js reads): `charts.score_ranking(df, title)`
returns a `plotly.graph_objects.Figure` for notebooks, reports and the clip, and
`charts.score_ranking.spec(df, title)` the same chart as a dict, without the template and
without Plotly's per-property validation (the dashboards draw hundreds of charts and put the
template in each page once: `template_dict()`).
"""

from __future__ import annotations

import functools
import math
import sys
from datetime import date, datetime

import pandas as pd

from pipeline.core.labels import (
    COLUMN_LABELS,
    ILLUSTRATIVE,
    LEVEL_LABELS,
    METRIC_LABELS,
    RECIPIENT_KIND_LABELS,
)

FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"
# Dark, mid and light tones alternate so the series stay apart when printed in grey.
PALETTE = ["#1b3a6b", "#e08a1e", "#5f6b73", "#8fbcd4", "#7a1f2b", "#c9c9c9", "#2f6f4f"]
PATTERNS = ["", "/", ".", "x", "\\", "+", "-"]
TEMPLATE_NAME = "thidua"


def template_dict() -> dict:
    """The shared Vietnamese template as plain data (layout defaults and per-series styles)."""
    axis = {
        "gridcolor": "#e3e3e3",
        "linecolor": "#444",
        "zerolinecolor": "#999",
        "ticks": "outside",
        "tickformat": ",~f",
        "hoverformat": ",~f",
        "title": {"standoff": 8},
        "automargin": True,
    }
    layout = {
        "font": {"family": FONT, "size": 15, "color": "#222"},
        "separators": ",.",  # decimal comma, thousands dot: 1.234,5
        "colorway": PALETTE,
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "title": {
            "font": {"size": 21},
            "x": 0.01,
            "xanchor": "left",
            "yref": "container",
            "y": 0.96,
            "yanchor": "top",
            "pad": {"t": 6},
        },
        "legend": {
            "orientation": "h",
            "yref": "container",
            "yanchor": "bottom",
            "y": 0.01,
            "x": 0,
            "title": {"text": ""},
        },
        "xaxis": dict(axis),
        "yaxis": dict(axis),
        "hoverlabel": {"font": {"family": FONT}},
        "margin": {"l": 70, "r": 30, "t": 100, "b": 100},
        "bargap": 0.25,
    }
    bars = [
        {
            "type": "bar",
            "marker": {
                "color": c,
                "line": {"color": "#222", "width": 0.6},
                "pattern": {
                    "shape": p,
                    "fgcolor": "#ffffff" if i % 2 == 0 else "#222",
                    "size": 7,
                    "solidity": 0.25,
                    "fillmode": "overlay",
                },
            },
        }
        for i, (c, p) in enumerate(zip(PALETTE, PATTERNS, strict=True))
    ]
    dashes = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot", "solid"]
    symbols = ["circle", "square", "diamond", "triangle-up", "x", "cross", "star"]
    lines = [
        {
            "type": "scatter",
            "line": {"color": c, "dash": d, "width": 3},
            "marker": {"symbol": s, "size": 9},
        }
        for c, d, s in zip(PALETTE, dashes, symbols, strict=True)
    ]
    return {"layout": layout, "data": {"bar": bars, "scatter": lines}}


def template():
    """The shared template as a Plotly object; registered with plotly.io as «thidua»."""
    import plotly.graph_objects as go

    return go.layout.Template(template_dict())


def _register() -> None:
    import plotly.io as pio

    if TEMPLATE_NAME not in pio.templates:
        pio.templates[TEMPLATE_NAME] = template()


# So `template="thidua"` works in a notebook that imported Plotly before this module (a chart
# function registers it in any case). The site needs only dict specs: importing this module
# alone does not import Plotly.
if "plotly.io" in sys.modules:
    _register()


def vn_number(value, decimals: int = 1) -> str:
    from pipeline.core.text import format_vn

    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return "–"
    return format_vn(float(value), decimals)


def vn_date(value: date | datetime | None, with_time: bool = False) -> str:
    """dd/mm/yyyy (and hh:mm), the way dates are written in Vietnamese documents."""
    if value is None or pd.isna(value):
        return "–"
    return value.strftime(
        "%d/%m/%Y %H:%M" if with_time and isinstance(value, datetime) else "%d/%m/%Y"
    )


# -- plain figures -----------------------------------------------------------------------------


def _vals(values) -> list:
    """A column as a JSON list: Python numbers and strings, None for a missing value."""
    out = []
    for v in values.tolist() if hasattr(values, "tolist") else list(values):
        if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
            out.append(None)
        elif hasattr(v, "item"):
            out.append(v.item())
        else:
            out.append(v)
    return out


def _merge(into: dict, more: dict) -> dict:
    for k, v in more.items():
        if isinstance(v, dict) and isinstance(into.get(k), dict):
            _merge(into[k], v)
        else:
            into[k] = v
    return into


class _Spec:
    """A figure as plotly.js reads it: a list of traces and a layout, no validation."""

    def __init__(self, title: str, source: str, illustrative: bool, height: int = 520):
        note = f"Nguồn: {source}" + (f" · <b>{ILLUSTRATIVE}</b>" if illustrative else "")
        self.data: list[dict] = []
        self.layout: dict = {
            "height": height,
            "title": {"text": f"{title}<br><span style='font-size:13px;color:#555'>{note}</span>"},
        }

    def trace(self, kind: str, **props) -> None:
        self.data.append({"type": kind, **props})

    def update(self, **layout) -> _Spec:
        _merge(self.layout, layout)
        return self

    def no_data(self, what: str) -> _Spec:
        self.layout["annotations"] = [
            {
                "text": f"Không có số liệu {what}",
                "xref": "paper",
                "yref": "paper",
                "x": 0.5,
                "y": 0.5,
                "showarrow": False,
                "font": {"size": 18, "color": "#555"},
            }
        ]
        return self.update(xaxis={"visible": False}, yaxis={"visible": False})

    def to_dict(self) -> dict:
        return {"data": self.data, "layout": self.layout}


def _chart(build):
    """`build(...) -> _Spec` as the public chart function (a Figure) with `.spec` (a dict)."""

    @functools.wraps(build)
    def figure(*args, **kwargs):
        import plotly.graph_objects as go

        _register()
        spec = build(*args, **kwargs).to_dict()
        spec["layout"]["template"] = TEMPLATE_NAME
        return go.Figure(spec)

    figure.spec = lambda *args, **kwargs: build(*args, **kwargs).to_dict()
    return figure


def _title(text: str) -> dict:
    return {"title": {"text": text}}


def _illus(df: pd.DataFrame) -> bool:
    return "illustrative" in df.columns and bool(df["illustrative"].any())  # NA: not true


@_chart
def score_ranking(df: pd.DataFrame, title: str, source: str = "view score_ranking") -> _Spec:
    """Horizontal bars of total points, rank 1 at the top."""
    fig = _Spec(title, source, _illus(df), height=max(380, 90 + 55 * len(df)))
    if df.empty:
        return fig.no_data("chấm điểm")
    d = df.sort_values(["rank", "name"], ascending=[False, False])
    labels = [f"{r}. {n}" for r, n in zip(d["rank"], d["name"], strict=True)]
    fig.trace(
        "bar",
        x=_vals(d["total_points"]),
        y=labels,
        orientation="h",
        name="Tổng điểm",
        text=[vn_number(v) for v in d["total_points"]],
        textposition="outside",
        hovertemplate="%{y}: %{x:,.1f} điểm<extra></extra>",
    )
    return fig.update(
        showlegend=False,
        xaxis={**_title("Tổng điểm thi đua"), "range": [0, float(d["total_points"].max()) * 1.12]},
    )


@_chart
def indicators_met(df: pd.DataFrame, title: str, source: str = "view indicator_results") -> _Spec:
    """Per unit: share of indicators met, with «đạt/có số liệu» as the bar label."""
    fig = _Spec(title, source, _illus(df), height=max(380, 90 + 55 * len(df)))
    if df.empty:
        return fig.no_data("chỉ tiêu")
    d = df.sort_values(["share_met", "name"], ascending=[True, False])
    fig.trace(
        "bar",
        x=_vals(d["share_met"]),
        y=_vals(d["name"]),
        orientation="h",
        name="Tỷ lệ đạt",
        text=[
            f"{vn_number(s)}% ({m}/{n})"
            for s, m, n in zip(d["share_met"], d["n_met"], d["n_indicators"], strict=True)
        ],
        textposition="outside",
        hovertemplate="%{y}: %{x:,.1f}% chỉ tiêu đạt<extra></extra>",
    )
    return fig.update(
        showlegend=False, xaxis={**_title("Tỷ lệ chỉ tiêu đạt (%)"), "range": [0, 118]}
    )


@_chart
def indicator_by_unit(
    df: pd.DataFrame, title: str, source: str = "view indicator_results"
) -> _Spec:
    """One indicator: each unit's result, bars marked met or missed, the target as a line."""
    fig = _Spec(title, source, _illus(df))
    if df.empty:
        return fig.no_data("chỉ tiêu")
    unit = str(df["measure_unit"].dropna().iloc[0]) if df["measure_unit"].notna().any() else ""
    for label in ("Đạt", "Chưa đạt", "Không đủ số liệu"):
        part = df[df["met_label"] == label]
        if part.empty:
            continue
        fig.trace(
            "bar",
            x=_vals(part["name"]),
            y=_vals(part["actual"]),
            name=label,
            text=[vn_number(v) for v in part["actual"]],
            textposition="outside",
            hovertemplate="%{x}: %{y:,.1f}"
            + (f" {unit}" if unit else "")
            + f" ({label})<extra></extra>",
        )
    targets = df.dropna(subset=["target"])
    if not targets.empty:
        fig.trace(
            "scatter",
            x=_vals(targets["name"]),
            y=_vals(targets["target"]),
            mode="lines+markers",
            name="Chỉ tiêu",
            line={"color": "#000", "dash": "dash", "width": 2},
            marker={"symbol": "line-ew-open", "size": 26},
            hovertemplate="Chỉ tiêu: %{y:,.1f}<extra></extra>",
        )
    return fig.update(
        barmode="overlay",
        yaxis=_title(unit or "Kết quả"),
        xaxis={"categoryorder": "array", "categoryarray": _vals(df["name"])},
    )


@_chart
def awards_by_unit(df: pd.DataFrame, title: str, source: str = "view awards") -> _Spec:
    """Per unit: awards to collectives and to individuals, side by side."""
    fig = _Spec(title, source, _illus(df))
    if df.empty:
        return fig.no_data("khen thưởng")
    for col, label in (("collective", "Tập thể"), ("individual", "Cá nhân")):
        fig.trace(
            "bar",
            x=_vals(df["name"]),
            y=_vals(df[col]),
            name=label,
            text=[vn_number(v) for v in df[col]],
            textposition="outside",
            hovertemplate="%{x}: %{y:,~f} " + label.lower() + "<extra></extra>",
        )
    return fig.update(barmode="group", yaxis=_title("Số lượt khen thưởng"))


@_chart
def awards_by_form(df: pd.DataFrame, title: str, source: str = "view awards") -> _Spec:
    """Per award form: collectives and individuals (horizontal, the highest form on top)."""
    fig = _Spec(title, source, _illus(df), height=max(420, 120 + 45 * df["award_id"].nunique()))
    if df.empty:
        return fig.no_data("khen thưởng")
    order = list(dict.fromkeys(df["award_name"]))[::-1]
    for kind, label in RECIPIENT_KIND_LABELS.items():
        part = df[df["recipient_kind"] == kind]
        if part.empty:
            continue
        fig.trace(
            "bar",
            y=_vals(part["award_name"]),
            x=_vals(part["count"]),
            name=label,
            orientation="h",
            text=[vn_number(v) for v in part["count"]],
            textposition="outside",
            hovertemplate="%{y}: %{x:,~f} " + label.lower() + "<extra></extra>",
        )
    return fig.update(
        barmode="group",
        xaxis=_title("Số lượt khen thưởng"),
        yaxis={"categoryorder": "array", "categoryarray": order},
        margin={"l": 330},
    )


@_chart
def initiatives_by_unit(df: pd.DataFrame, title: str, source: str = "view initiatives") -> _Spec:
    fig = _Spec(title, source, _illus(df))
    if df.empty:
        return fig.no_data("sáng kiến")
    for level, label in LEVEL_LABELS.items():
        part = df[df["level"] == level]
        if part.empty:
            continue
        fig.trace(
            "bar",
            x=_vals(part["name"]),
            y=_vals(part["count"]),
            name=label,
            text=[vn_number(v) for v in part["count"]],
            textposition="inside",
            hovertemplate="%{x}: %{y:,~f} (" + label.lower() + ")<extra></extra>",
        )
    return fig.update(barmode="stack", yaxis=_title("Số sáng kiến, đề tài"))


@_chart
def cluster_comparison(
    df: pd.DataFrame,
    title: str,
    metric: str = "share_met",
    source: str = "các view indicator_results, score_ranking, awards, initiatives",
) -> _Spec:
    """Clusters side by side on one metric of `analytics.cluster_overview`."""
    fig = _Spec(title, source, _illus(df))
    d = df.dropna(subset=[metric])
    if d.empty:
        return fig.no_data(COLUMN_LABELS.get(metric, metric).lower())
    fig.trace(
        "bar",
        x=[f"Cụm {n}" for n in d["cluster_no"]],
        y=_vals(d[metric]),
        name=COLUMN_LABELS.get(metric, metric),
        text=[vn_number(v) for v in d[metric]],
        textposition="outside",
        hovertemplate="%{x}: %{y:,~f}<extra></extra>",
    )
    return fig.update(
        showlegend=False,
        yaxis=_title(COLUMN_LABELS.get(metric, metric)),
        xaxis={**_title("Cụm thi đua"), "type": "category"},
    )


@_chart
def awards_timeline(
    df: pd.DataFrame, title: str, top: int = 6, source: str = "view awards"
) -> _Spec:
    """Awards per year, stacked by form (the `top` largest forms, the rest as «Hình thức khác»)."""
    fig = _Spec(title, source, _illus(df), height=560)
    if df.empty:
        return fig.no_data("khen thưởng")
    # one pass over the rows (a chart per view and unit: pandas' groupby was most of its cost)
    by_form: dict = {}
    for year, form, count in zip(
        df["year"].tolist(), df["award_name"].tolist(), df["count"].tolist(), strict=True
    ):
        if form is None or form is pd.NA or form != form or year != year:
            continue  # as groupby: no group for a missing key
        if count == count and count is not pd.NA:  # as sum(): a missing count adds nothing
            by_form[year, form] = by_form.get((year, form), 0) + count
        else:
            by_form.setdefault((year, form), 0)
    totals: dict = {}
    for (_, form), count in sorted(by_form.items()):
        totals[form] = totals.get(form, 0) + count
    if len(set(totals.values())) == len(totals):  # the largest first; no tie: no pandas
        ranked = sorted(totals, key=totals.__getitem__, reverse=True)
    else:  # ties in the order pandas' sort has always given them
        ranked = list(pd.Series(totals).sort_values(ascending=False).index)
    keep = ranked[:top]
    kept = set(keep)
    years = sorted({y for y, _ in by_form})
    cells: dict = {}
    for (year, form), count in sorted(by_form.items()):
        key = (form if form in kept else "Hình thức khác", year)
        cells[key] = cells.get(key, 0) + count
    for form in keep + (["Hình thức khác"] if len(ranked) > top else []):
        fig.trace(
            "bar",
            x=[str(y) for y in years],
            y=_vals([cells.get((form, y)) for y in years]),
            name=form,
            hovertemplate="Năm %{x}: %{y:,~f}<extra>" + form + "</extra>",
        )
    return fig.update(
        barmode="stack",
        xaxis={**_title("Năm"), "type": "category"},
        yaxis=_title("Số lượt khen thưởng"),
    )


LABEL_PX = 20  # a data label's height at the template's font, and its gap from the point
PLOT_PX = 260  # the least height of a line chart's plotting area (phone, print)


def label_positions(series: list[list], top: float) -> list[list[str | None]]:
    """Where each point's label goes so no two labels of a category overlap: for each x, the
    series from the highest value down take the place above their point if it is free, else
    the place below, else no label (the hover and the table still give the figure).
    `top` is the axis maximum; the labels are LABEL_PX high on a PLOT_PX plotting area."""
    size = top * LABEL_PX / PLOT_PX if top > 0 else 1.0
    out: list[list[str | None]] = [[None] * len(s) for s in series]
    for x in range(max((len(s) for s in series), default=0)):
        points = sorted(
            ((s[x], i) for i, s in enumerate(series) if x < len(s) and s[x] is not None),
            reverse=True,
        )
        taken: list[tuple[float, float]] = []
        for value, i in points:
            for place, (lo, hi) in (
                ("top center", (value, value + 1.5 * size)),
                ("bottom center", (value - 1.5 * size, value)),
            ):
                if all(hi <= a or lo >= b for a, b in taken):
                    taken.append((lo, hi))
                    out[i][x] = place
                    break
    return out


@_chart
def yearly_lines(
    df: pd.DataFrame,
    metrics: list[str],
    title: str,
    source: str = "các view awards, initiatives, indicator_results",
) -> _Spec:
    """One line per metric over the years (a year-over-year trend). Each point is labelled
    where its label overlaps no other (`label_positions`), or not at all."""
    fig = _Spec(title, source, _illus(df), height=500)
    if df.empty:
        return fig.no_data("theo năm")
    x = [str(y) for y in df["year"]]
    values = [_vals(df[m]) for m in metrics]
    high = max((v for s in values for v in s if v is not None), default=0) or 1
    top = high * 1.2
    size = top * LABEL_PX / PLOT_PX
    places = label_positions(values, top)
    for metric, ys, where in zip(metrics, values, places, strict=True):
        label = METRIC_LABELS.get(metric, metric)
        fig.trace(
            "scatter",
            x=x,
            y=ys,
            name=label,
            mode="lines+markers+text",
            text=[vn_number(v) if p else "" for v, p in zip(ys, where, strict=True)],
            textposition=[p or "top center" for p in where],
            cliponaxis=False,
            hovertemplate="Năm %{x}: %{y:,~f}<extra>" + label + "</extra>",
        )
    return fig.update(
        xaxis={**_title("Năm"), "type": "category"},
        yaxis={**_title(axis_title(metrics)), "range": [-1.6 * size, top]},
    )


METRIC_UNITS = {
    "collective": "Số lượt khen thưởng",
    "individual": "Số lượt khen thưởng",
    "awards": "Số lượt khen thưởng",
    "initiatives": "Số sáng kiến, đề tài",
    "share_met": "Tỷ lệ chỉ tiêu đạt (%)",
    "total_points": "Tổng điểm thi đua",
}


def axis_title(metrics: list[str]) -> str:
    """What the axis measures: one unit («Số lượt khen thưởng»), or the units together."""
    units = list(dict.fromkeys(METRIC_UNITS.get(m, METRIC_LABELS.get(m, m)) for m in metrics))
    if len(units) == 1:
        return units[0]
    return "Số lượng"  # the legend names each line's measure


STATUS_ORDER = ["Đã nhận", "Bị thay thế", "Bị từ chối", "Thiếu"]
STATUS_COLOURS = {"Đã nhận": "#2f6f4f", "Bị thay thế": "#c9c9c9", "Bị từ chối": "#e08a1e",
                  "Thiếu": "#7a1f2b"}  # fmt: skip


@_chart
def submission_status(df: pd.DataFrame, title: str, source: str = "view submissions") -> _Spec:
    """Per sheet kind: how many tables were received, replaced, rejected or are missing."""
    kinds = list(dict.fromkeys(df["kind_label"])) if not df.empty else []
    fig = _Spec(title, source, _illus(df), height=max(320, 130 + 50 * len(kinds)))
    if df.empty:
        return fig.no_data("nộp báo cáo")
    counts: dict = {}  # (status, kind) → count: one pass, not a selection per status
    for kind, status, count in zip(
        df["kind_label"].tolist(), df["status_label"].tolist(), df["count"].tolist(), strict=True
    ):
        if (status, kind) in counts:
            raise ValueError(f"two counts for {status} / {kind}")
        counts[status, kind] = count
    for status in STATUS_ORDER + sorted(set(df["status_label"]) - set(STATUS_ORDER)):
        values = [counts.get((status, k)) for k in kinds]
        if all(v is None or pd.isna(v) for v in values):
            continue
        if None in values:  # as pandas' reindex gave them: numbers beside a gap are floats
            values = [None if v is None else float(v) for v in values]
        fig.trace(
            "bar",
            y=kinds,
            x=_vals(values),
            name=status,
            orientation="h",
            marker={"color": STATUS_COLOURS.get(status)},
            text=[vn_number(v, 0) if v is not None and pd.notna(v) else "" for v in values],
            textposition="inside",
            hovertemplate="%{y}: %{x:,~f} bảng (" + status.lower() + ")<extra></extra>",
        )
    return fig.update(
        barmode="stack",
        xaxis=_title("Số bảng (đơn vị × loại bảng)"),
        yaxis={"categoryorder": "array", "categoryarray": kinds[::-1]},
    )


@_chart
def movers(df: pd.DataFrame, title: str, source: str = "view awards") -> _Spec:
    """Each unit's change between two years, increases and decreases apart."""
    fig = _Spec(title, source, _illus(df), height=max(380, 90 + 50 * len(df)))
    if df.empty:
        return fig.no_data("để so sánh hai năm")
    d = df.sort_values("delta")
    for label, part in (("Tăng", d[d["delta"] >= 0]), ("Giảm", d[d["delta"] < 0])):
        if part.empty:
            continue
        fig.trace(
            "bar",
            x=_vals(part["delta"]),
            y=_vals(part["name"]),
            orientation="h",
            name=label,
            text=[("+" if v > 0 else "") + vn_number(v) for v in part["delta"]],
            textposition="outside",
            hovertemplate="%{y}: %{x:+,~f}<extra></extra>",
        )
    return fig.update(
        xaxis=_title("Tăng/giảm"),
        barmode="overlay",
        yaxis={"categoryorder": "array", "categoryarray": _vals(d["name"])},
    )
