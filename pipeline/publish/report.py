"""The year-over-year trend report of one cluster, one unit or every unit: an HTML page that
opens offline (plotly.js inside the file) and an Excel workbook of the same tables."""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.core.labels import ILLUSTRATIVE, labelled
from pipeline.publish import analytics as an
from pipeline.publish import charts

METRICS = ["collective", "individual", "awards", "initiatives", "share_met"]


@dataclass
class Report:
    title: str
    scope_note: str
    totals: pd.DataFrame
    changes: pd.DataFrame
    per_unit: pd.DataFrame
    movers: pd.DataFrame
    series: pd.DataFrame
    figures: list


def make(
    con,
    first: int,
    last: int,
    cluster_no: int | None = None,
    unit_id: str | None = None,
    territory: int | None = None,
    half: str = "FY",
) -> Report:
    if first > last:
        raise ValueError(f"Năm đầu ({first}) phải không muộn hơn năm cuối ({last}).")
    names = an.unit_names(con)
    if unit_id and unit_id not in names:
        raise ValueError(f"Không có đơn vị mã «{unit_id}» trong danh mục (view units).")
    who = (
        f"Cụm thi đua số {cluster_no}"
        if cluster_no is not None
        else (names[unit_id] if unit_id else "toàn bộ đơn vị trong kho")
    )
    kind = "tổng kết năm" if half == "FY" else "sơ kết 6 tháng đầu năm"
    title = f"Báo cáo so sánh qua các năm {first}–{last}: {who}"
    note = (
        f"Số liệu năm lấy từ báo cáo {kind} ({first}-{half} … {last}-{half}); hai báo cáo "
        "của cùng một năm không bao giờ được cộng với nhau."
    )
    if territory:
        note += (
            f" Theo địa giới {territory}: số liệu của các tỉnh cũ được cộng vào tỉnh mới "
            "sau sáp nhập; tổng điểm thi đua không cộng được nên để trống ở các dòng đó."
        )
    if cluster_no is not None:
        note += " Cụm thi đua được xác định theo từng năm, thành viên có thể thay đổi."
    per_unit = an.yearly_unit_metrics(con, (first, last), half, cluster_no, unit_id, territory)
    totals = an.yearly_totals(per_unit)
    changes = an.changes(totals, METRICS, first, last)
    movers = an.movers(per_unit, "awards", first, last)
    series = an.awards_series(con, (first, last), half, cluster_no, unit_id, territory)
    figures = [
        charts.yearly_lines(
            totals,
            ["collective", "individual", "initiatives"],
            f"Khen thưởng và sáng kiến qua các năm — {who}",
        ),
        charts.yearly_lines(
            totals,
            ["share_met"],
            f"Tỷ lệ chỉ tiêu đạt qua các năm — {who}",
            "view indicator_results",
        ),
        charts.awards_timeline(series, f"Khen thưởng theo hình thức — {who}"),
    ]
    if unit_id is None:
        figures.append(
            charts.movers(movers, f"Thay đổi số khen thưởng {first}→{last} theo đơn vị — {who}")
        )
    return Report(title, note, totals, changes, per_unit, movers, series, figures)


def _fmt_table(frame: pd.DataFrame, columns: list[str]) -> str:
    from pipeline.publish.dashboards import table_html

    return table_html(frame, columns)


def write(con, report: Report, out_dir: Path, base: str) -> tuple[Path, Path]:
    from pipeline.publish.export import write_xlsx_tables

    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = an.data_stamp(con)
    illustrative = an.any_illustrative(report.per_unit, report.series)
    best = report.movers.head(3)
    worst = report.movers[report.movers["delta"] < 0].tail(3).iloc[::-1]
    parts = [
        f"<h1>{html.escape(report.title)}</h1>",
        f"<p class=note>{html.escape(report.scope_note)}</p>",
        f"<p class=note>Số liệu đến kỳ {html.escape(stamp.latest_period or '–')}, nạp lần cuối "
        f"{charts.vn_date(stamp.loaded_at, with_time=True)}. Nguồn: kho thidua, các view awards, "
        "initiatives, indicator_results, score_ranking.</p>",
    ]
    if illustrative:
        parts.insert(
            1,
            f"<p class=banner>{ILLUSTRATIVE}: báo cáo có số liệu minh họa, "
            "không phải số liệu thật của đơn vị.</p>",
        )
    parts += [
        "<h2>Tổng hợp theo năm</h2>",
        _fmt_table(report.totals, ["year", "units"] + METRICS),
        "<h2>Tăng, giảm giữa năm đầu và năm cuối</h2>",
        _fmt_table(report.changes, ["metric_label", "from_value", "to_value", "delta", "growth"]),
    ]
    if not report.movers.empty and report.per_unit["unit_id"].nunique() > 1:
        parts += [
            "<h2>Đơn vị tăng nhiều nhất (tổng số khen thưởng)</h2>",
            _fmt_table(best, ["name", "from_value", "to_value", "delta", "growth"]),
            "<h2>Đơn vị giảm nhiều nhất (tổng số khen thưởng)</h2>",
            _fmt_table(worst, ["name", "from_value", "to_value", "delta", "growth"]),
        ]
    for i, fig in enumerate(report.figures):
        parts.append(
            fig.to_html(
                full_html=False,
                include_plotlyjs=(i == 0),
                config={"displayModeBar": False, "responsive": True},
            )
        )
    parts += [
        "<h2>Số liệu theo đơn vị và năm</h2>",
        _fmt_table(
            report.per_unit,
            [
                "year",
                "name",
                "collective",
                "individual",
                "awards",
                "initiatives",
                "share_met",
                "total_points",
            ],
        ),
    ]
    style = (
        "body{font-family:'DejaVu Sans','Liberation Sans',Arial,sans-serif;margin:24px;"
        "max-width:1200px;color:#222}table{border-collapse:collapse;font-size:14px}"
        "td,th{border:1px solid #ccc;padding:4px 8px}th{background:#eef1f6}"
        "td.num{text-align:right}.note{color:#555}.banner{background:#fff3cd;padding:8px;"
        "font-weight:bold;border:1px solid #e08a1e}"
    )
    page = (
        f"<!DOCTYPE html><html lang=vi><head><meta charset=utf-8><title>"
        f"{html.escape(report.title)}</title><style>{style}</style></head><body>"
        + "".join(parts)
        + "</body></html>"
    )
    html_path = out_dir / f"{base}.html"
    tmp = html_path.with_suffix(".tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(html_path)
    note = report.scope_note + (f" {ILLUSTRATIVE}." if illustrative else "")
    sheets = {
        "Tổng hợp theo năm": labelled(report.totals[["year", "units"] + METRICS]),
        "Tăng giảm": labelled(
            report.changes[["metric_label", "from_value", "to_value", "delta", "growth"]]
        ),
        "Theo đơn vị": labelled(
            report.per_unit[
                [
                    "year",
                    "name",
                    "collective",
                    "individual",
                    "awards",
                    "initiatives",
                    "share_met",
                    "total_points",
                ]
            ]
        ),
        "Thay đổi theo đơn vị": labelled(
            report.movers[["name", "from_value", "to_value", "delta", "growth"]]
        ),
        "Khen thưởng theo hình thức": labelled(
            report.series[["year", "award_name", "recipient_label", "count"]]
        ),
    }
    xlsx_path = write_xlsx_tables(
        out_dir / f"{base}.xlsx", sheets, {name: f"{report.title}. {note}" for name in sheets}
    )
    return html_path, xlsx_path
