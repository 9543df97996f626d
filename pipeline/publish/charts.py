"""Chart functions: DataFrames from `pipeline.publish.analytics` in, Plotly figures out, all with one
Vietnamese template (labels, 1.234,5 numbers, print-safe colours and patterns)."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import plotly.graph_objects as go

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


def template() -> go.layout.Template:
    """The shared Vietnamese template; registered with plotly.io under the name «thidua»."""
    axis = dict(
        gridcolor="#e3e3e3",
        linecolor="#444",
        zerolinecolor="#999",
        ticks="outside",
        tickformat=",~f",
        hoverformat=",~f",
        title=dict(standoff=8),
        automargin=True,
    )
    layout = go.Layout(
        font=dict(family=FONT, size=15, color="#222"),
        separators=",.",  # decimal comma, thousands dot: 1.234,5
        colorway=PALETTE,
        paper_bgcolor="white",
        plot_bgcolor="white",
        title=dict(
            font=dict(size=21),
            x=0.01,
            xanchor="left",
            yref="container",
            y=0.96,
            yanchor="top",
            pad=dict(t=6),
        ),
        legend=dict(
            orientation="h", yref="container", yanchor="bottom", y=0.01, x=0, title_text=""
        ),
        xaxis=axis,
        yaxis=axis,
        hoverlabel=dict(font=dict(family=FONT)),
        margin=dict(l=70, r=30, t=100, b=100),
        bargap=0.25,
    )
    bars = [
        go.Bar(
            marker=dict(
                color=c,
                line=dict(color="#222", width=0.6),
                pattern=dict(
                    shape=p,
                    fgcolor="#ffffff" if i % 2 == 0 else "#222",
                    size=7,
                    solidity=0.25,
                    fillmode="overlay",
                ),
            )
        )
        for i, (c, p) in enumerate(zip(PALETTE, PATTERNS, strict=True))
    ]
    dashes = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot", "solid"]
    symbols = ["circle", "square", "diamond", "triangle-up", "x", "cross", "star"]
    lines = [
        go.Scatter(line=dict(color=c, dash=d, width=3), marker=dict(symbol=s, size=9))
        for c, d, s in zip(PALETTE, dashes, symbols, strict=True)
    ]
    return go.layout.Template(layout=layout, data=dict(bar=bars, scatter=lines))


def _register() -> None:
    import plotly.io as pio

    pio.templates[TEMPLATE_NAME] = template()


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


def _figure(title: str, source: str, illustrative: bool, height: int = 520) -> go.Figure:
    """An empty figure with the title, and the source (and the illustrative label) under it."""
    fig = go.Figure()
    note = f"Nguồn: {source}" + (f" · <b>{ILLUSTRATIVE}</b>" if illustrative else "")
    fig.update_layout(
        template=TEMPLATE_NAME,
        height=height,
        title_text=f"{title}<br><span style='font-size:13px;color:#555'>{note}</span>",
    )
    return fig


def _no_data(fig: go.Figure, what: str) -> go.Figure:
    fig.add_annotation(
        text=f"Không có số liệu {what}",
        xref="paper",
        yref="paper",
        x=0.5,
        y=0.5,
        showarrow=False,
        font=dict(size=18, color="#555"),
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def _illus(df: pd.DataFrame) -> bool:
    return "illustrative" in df.columns and bool(df["illustrative"].fillna(False).any())


def score_ranking(df: pd.DataFrame, title: str, source: str = "view score_ranking") -> go.Figure:
    """Horizontal bars of total points, rank 1 at the top."""
    fig = _figure(title, source, _illus(df), height=max(380, 90 + 55 * len(df)))
    if df.empty:
        return _no_data(fig, "chấm điểm")
    d = df.sort_values(["rank", "name"], ascending=[False, False])
    labels = [f"{r}. {n}" for r, n in zip(d["rank"], d["name"], strict=True)]
    fig.add_bar(
        x=d["total_points"],
        y=labels,
        orientation="h",
        name="Tổng điểm",
        text=[vn_number(v) for v in d["total_points"]],
        textposition="outside",
        hovertemplate="%{y}: %{x:,.1f} điểm<extra></extra>",
    )
    fig.update_layout(
        showlegend=False,
        xaxis_title="Tổng điểm thi đua",
        xaxis_range=[0, float(d["total_points"].max()) * 1.12],
    )
    return fig


def indicators_met(
    df: pd.DataFrame, title: str, source: str = "view indicator_results"
) -> go.Figure:
    """Per unit: share of indicators met, with «đạt/có số liệu» as the bar label."""
    fig = _figure(title, source, _illus(df), height=max(380, 90 + 55 * len(df)))
    if df.empty:
        return _no_data(fig, "chỉ tiêu")
    d = df.sort_values(["share_met", "name"], ascending=[True, False])
    fig.add_bar(
        x=d["share_met"],
        y=d["name"],
        orientation="h",
        name="Tỷ lệ đạt",
        text=[
            f"{vn_number(s)}% ({m}/{n})"
            for s, m, n in zip(d["share_met"], d["n_met"], d["n_indicators"], strict=True)
        ],
        textposition="outside",
        hovertemplate="%{y}: %{x:,.1f}% chỉ tiêu đạt<extra></extra>",
    )
    fig.update_layout(showlegend=False, xaxis_title="Tỷ lệ chỉ tiêu đạt (%)", xaxis_range=[0, 118])
    return fig


def indicator_by_unit(
    df: pd.DataFrame, title: str, source: str = "view indicator_results"
) -> go.Figure:
    """One indicator: each unit's result, bars marked met or missed, the target as a line."""
    fig = _figure(title, source, _illus(df))
    if df.empty:
        return _no_data(fig, "chỉ tiêu")
    unit = str(df["measure_unit"].dropna().iloc[0]) if df["measure_unit"].notna().any() else ""
    for label in ("Đạt", "Chưa đạt", "Không đủ số liệu"):
        part = df[df["met_label"] == label]
        if part.empty:
            continue
        fig.add_bar(
            x=part["name"],
            y=part["actual"],
            name=label,
            text=[vn_number(v) for v in part["actual"]],
            textposition="outside",
            hovertemplate="%{x}: %{y:,.1f}"
            + (f" {unit}" if unit else "")
            + f" ({label})<extra></extra>",
        )
    targets = df.dropna(subset=["target"])
    if not targets.empty:
        fig.add_scatter(
            x=targets["name"],
            y=targets["target"],
            mode="lines+markers",
            name="Chỉ tiêu",
            line=dict(color="#000", dash="dash", width=2),
            marker=dict(symbol="line-ew-open", size=26),
            hovertemplate="Chỉ tiêu: %{y:,.1f}<extra></extra>",
        )
    fig.update_layout(
        barmode="overlay",
        yaxis_title=unit or "Kết quả",
        xaxis=dict(categoryorder="array", categoryarray=list(df["name"])),
    )
    return fig


def awards_by_unit(df: pd.DataFrame, title: str, source: str = "view awards") -> go.Figure:
    """Per unit: awards to collectives and to individuals, side by side."""
    fig = _figure(title, source, _illus(df))
    if df.empty:
        return _no_data(fig, "khen thưởng")
    for col, label in (("collective", "Tập thể"), ("individual", "Cá nhân")):
        fig.add_bar(
            x=df["name"],
            y=df[col],
            name=label,
            text=[vn_number(v) for v in df[col]],
            textposition="outside",
            hovertemplate="%{x}: %{y:,~f} " + label.lower() + "<extra></extra>",
        )
    fig.update_layout(barmode="group", yaxis_title="Số lượt khen thưởng")
    return fig


def awards_by_form(df: pd.DataFrame, title: str, source: str = "view awards") -> go.Figure:
    """Per award form: collectives and individuals (horizontal, the highest form on top)."""
    fig = _figure(title, source, _illus(df), height=max(420, 120 + 45 * df["award_id"].nunique()))
    if df.empty:
        return _no_data(fig, "khen thưởng")
    order = list(dict.fromkeys(df["award_name"]))[::-1]
    for kind, label in RECIPIENT_KIND_LABELS.items():
        part = df[df["recipient_kind"] == kind]
        if part.empty:
            continue
        fig.add_bar(
            y=part["award_name"],
            x=part["count"],
            name=label,
            orientation="h",
            text=[vn_number(v) for v in part["count"]],
            textposition="outside",
            hovertemplate="%{y}: %{x:,~f} " + label.lower() + "<extra></extra>",
        )
    fig.update_layout(
        barmode="group",
        xaxis_title="Số lượt khen thưởng",
        yaxis=dict(categoryorder="array", categoryarray=order),
        margin=dict(l=330),
    )
    return fig


def initiatives_by_unit(
    df: pd.DataFrame, title: str, source: str = "view initiatives"
) -> go.Figure:
    fig = _figure(title, source, _illus(df))
    if df.empty:
        return _no_data(fig, "sáng kiến")
    for level, label in LEVEL_LABELS.items():
        part = df[df["level"] == level]
        if part.empty:
            continue
        fig.add_bar(
            x=part["name"],
            y=part["count"],
            name=label,
            text=[vn_number(v) for v in part["count"]],
            textposition="inside",
            hovertemplate="%{x}: %{y:,~f} (" + label.lower() + ")<extra></extra>",
        )
    fig.update_layout(barmode="stack", yaxis_title="Số sáng kiến, đề tài")
    return fig


def cluster_comparison(
    df: pd.DataFrame,
    title: str,
    metric: str = "share_met",
    source: str = "các view indicator_results, score_ranking, awards, initiatives",
) -> go.Figure:
    """Clusters side by side on one metric of `analytics.cluster_overview`."""

    fig = _figure(title, source, _illus(df))
    d = df.dropna(subset=[metric])
    if d.empty:
        return _no_data(fig, COLUMN_LABELS.get(metric, metric).lower())
    names = [f"Cụm {n}" for n in d["cluster_no"]]
    fig.add_bar(
        x=names,
        y=d[metric],
        name=COLUMN_LABELS.get(metric, metric),
        text=[vn_number(v) for v in d[metric]],
        textposition="outside",
        hovertemplate="%{x}: %{y:,~f}<extra></extra>",
    )
    fig.update_layout(
        showlegend=False,
        yaxis_title=COLUMN_LABELS.get(metric, metric),
        xaxis_title="Cụm thi đua",
        xaxis_type="category",
    )
    return fig


def awards_timeline(
    df: pd.DataFrame, title: str, top: int = 6, source: str = "view awards"
) -> go.Figure:
    """Awards per year, stacked by form (the `top` largest forms, the rest as «Hình thức khác»)."""
    fig = _figure(title, source, _illus(df), height=560)
    if df.empty:
        return _no_data(fig, "khen thưởng")
    by_form = df.groupby(["year", "award_name"], as_index=False)["count"].sum()
    ranked = by_form.groupby("award_name")["count"].sum().sort_values(ascending=False)
    keep = list(ranked.index[:top])
    by_form["form"] = by_form["award_name"].where(
        by_form["award_name"].isin(keep), "Hình thức khác"
    )
    by_form = by_form.groupby(["year", "form"], as_index=False)["count"].sum()
    years = sorted(by_form["year"].unique())
    for form in keep + (["Hình thức khác"] if len(ranked) > top else []):
        part = by_form[by_form["form"] == form].set_index("year").reindex(years)
        fig.add_bar(
            x=[str(y) for y in years],
            y=part["count"],
            name=form,
            hovertemplate="Năm %{x}: %{y:,~f}<extra>" + form + "</extra>",
        )
    fig.update_layout(
        barmode="stack", xaxis_type="category", xaxis_title="Năm", yaxis_title="Số lượt khen thưởng"
    )
    return fig


def yearly_lines(
    df: pd.DataFrame,
    metrics: list[str],
    title: str,
    source: str = "các view awards, initiatives, indicator_results",
) -> go.Figure:
    """One line per metric over the years (a year-over-year trend)."""
    fig = _figure(title, source, _illus(df), height=500)
    if df.empty:
        return _no_data(fig, "theo năm")
    x = [str(y) for y in df["year"]]
    for i, metric in enumerate(metrics):
        label = METRIC_LABELS.get(metric, metric)
        fig.add_scatter(
            x=x,
            y=df[metric],
            name=label,
            mode="lines+markers+text",
            text=[vn_number(v) for v in df[metric]],
            textposition="top center" if i % 2 == 0 else "bottom center",
            cliponaxis=False,
            hovertemplate="Năm %{x}: %{y:,~f}<extra>" + label + "</extra>",
        )
    fig.update_layout(
        xaxis_type="category",
        xaxis_title="Năm",
        yaxis_title=axis_title(metrics),
        yaxis_rangemode="tozero",
    )
    return fig


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


def submission_status(df: pd.DataFrame, title: str, source: str = "view submissions") -> go.Figure:
    """Per sheet kind: how many tables were received, replaced, rejected or are missing."""
    kinds = list(dict.fromkeys(df["kind_label"])) if not df.empty else []
    fig = _figure(title, source, False, height=max(320, 130 + 50 * len(kinds)))
    if df.empty:
        return _no_data(fig, "nộp báo cáo")
    for status in STATUS_ORDER + sorted(set(df["status_label"]) - set(STATUS_ORDER)):
        part = df[df["status_label"] == status].set_index("kind_label").reindex(kinds)
        if part["count"].isna().all():
            continue
        fig.add_bar(
            y=kinds,
            x=part["count"],
            name=status,
            orientation="h",
            marker_color=STATUS_COLOURS.get(status),
            text=[vn_number(v, 0) if pd.notna(v) else "" for v in part["count"]],
            textposition="inside",
            hovertemplate="%{y}: %{x:,~f} bảng (" + status.lower() + ")<extra></extra>",
        )
    fig.update_layout(
        barmode="stack",
        xaxis_title="Số bảng (đơn vị × loại bảng)",
        yaxis=dict(categoryorder="array", categoryarray=kinds[::-1]),
    )
    return fig


def movers(df: pd.DataFrame, title: str, source: str = "view awards") -> go.Figure:
    """Each unit's change between two years, increases and decreases apart."""
    fig = _figure(title, source, _illus(df), height=max(380, 90 + 50 * len(df)))
    if df.empty:
        return _no_data(fig, "để so sánh hai năm")
    d = df.sort_values("delta")
    for label, part in (("Tăng", d[d["delta"] >= 0]), ("Giảm", d[d["delta"] < 0])):
        if part.empty:
            continue
        fig.add_bar(
            x=part["delta"],
            y=part["name"],
            orientation="h",
            name=label,
            text=[("+" if v > 0 else "") + vn_number(v) for v in part["delta"]],
            textposition="outside",
            hovertemplate="%{y}: %{x:+,~f}<extra></extra>",
        )
    fig.update_layout(
        xaxis_title="Tăng/giảm",
        barmode="overlay",
        yaxis=dict(categoryorder="array", categoryarray=list(d["name"])),
    )
    return fig
