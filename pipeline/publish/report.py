"""The year-over-year trend report of one cluster, one unit or every unit: an HTML page that
opens offline (plotly.js inside the file) and an Excel workbook of the same tables."""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.core.labels import ILLUSTRATIVE, METRIC_LABELS, labelled
from pipeline.publish import analytics as an
from pipeline.publish import charts

METRICS = ["collective", "individual", "awards", "initiatives", "share_met"]
RATES = {"share_met"}  # a rate changes in percentage points, never in percent of itself


class NoData(ValueError):
    """The selection has no figure in the years asked for (exit 3)."""


def resolve_unit(con, text: str) -> str:
    """A unit by its code («quang_tri») or its name as people write it («Quảng Trị», «VKSND
    tỉnh Quảng Trị», «quang tri»); a near miss gets suggestions."""
    import difflib

    from pipeline.core.text import fold

    names = an.unit_names(con)
    if text in names:
        return text
    want = fold(text)
    for prefix in ("vksnd ", "vien kiem sat nhan dan "):
        if want.startswith(prefix):
            want = want[len(prefix) :]
    for prefix in ("tinh ", "thanh pho ", "tp. ", "tp "):
        if want.startswith(prefix):
            want = want[len(prefix) :]
    by_name = {}
    for uid, name in names.items():
        by_name.setdefault(fold(name), []).append(uid)
        by_name.setdefault(fold(uid.replace("_", " ")), []).append(uid)
    found = sorted(set(by_name.get(want, [])))
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        listed = ", ".join(f"{names[u]} ({u})" for u in found)
        raise ValueError(f"«{text}» ứng với nhiều đơn vị: {listed}. Hãy ghi mã đơn vị.")
    close = difflib.get_close_matches(want, list(by_name), n=3, cutoff=0.6)
    hint = sorted({u for c in close for u in by_name[c]})
    suggestion = (
        " Có phải: " + ", ".join(f"«{names[u]}» (mã {u})" for u in hint) + "?" if hint else ""
    )
    raise ValueError(
        f"Không có đơn vị «{text}» trong danh mục (view units): hãy ghi tên (ví dụ «Quảng Trị») "
        f"hoặc mã (ví dụ quang_tri).{suggestion}"
    )


def change_words(metric: str, delta, growth) -> str:
    """«tăng 62,5 điểm phần trăm» for a rate; «tăng 12 (+10,5 %)» for a count. (A cell never
    starts with a sign: a spreadsheet would read «+12» as the start of a formula.)"""
    from pipeline.core.text import format_vn

    if delta is None or pd.isna(delta):
        return "không so sánh được (thiếu số liệu một năm)"
    if delta == 0:
        return "không đổi"
    verb = "tăng" if delta > 0 else "giảm"
    if metric in RATES:
        return f"{verb} {format_vn(abs(delta), 1)} điểm phần trăm"
    text = f"{verb} {format_vn(abs(delta), 1)}"
    if growth is not None and not pd.isna(growth):
        text += f" ({'+' if growth > 0 else '−'}{format_vn(abs(growth), 1)} %)"
    return text


def by_year(totals: pd.DataFrame, metrics: list[str]) -> pd.DataFrame:
    """One row per metric, a column per year, then each year's change from the year before
    (percentage points for a rate; the count and percent for counts)."""
    years = sorted(int(y) for y in totals["year"])
    rows = []
    for metric in metrics:
        row = {"Chỉ số": METRIC_LABELS.get(metric, metric)}
        values = {}
        for y in years:
            v = totals.loc[totals["year"] == y, metric]
            values[y] = None if v.empty or pd.isna(v.iloc[0]) else float(v.iloc[0])
            row[str(y)] = values[y]
        for a, b in zip(years, years[1:], strict=False):
            va, vb = values[a], values[b]
            delta = None if va is None or vb is None else vb - va
            growth = round(100 * delta / va, 1) if delta is not None and va else None
            row[f"{b} so với {a}"] = change_words(metric, delta, growth)
        rows.append(row)
    return pd.DataFrame(rows)


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
    years: pd.DataFrame | None = None  # one column per year, with each year's change


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
    if unit_id:
        unit_id = resolve_unit(con, unit_id)
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
    if per_unit.empty:
        raise NoData(
            f"Không có số liệu {kind} nào của {who} trong các năm {first}–{last}: không ghi "
            "báo cáo. Hãy chọn khoảng năm có số liệu (xem «thidua check» hoặc trang «Tổng quan» "
            "của dashboards)."
        )
    totals = an.yearly_totals(per_unit)
    changes = an.changes(totals, METRICS, first, last)
    # a rate changes in percentage points: no growth «in percent» of a percentage
    rate = changes["metric"].isin(RATES)
    changes.loc[rate, "growth"] = None
    changes["Thay đổi"] = [
        change_words(m, d, g)
        for m, d, g in zip(changes["metric"], changes["delta"], changes["growth"], strict=True)
    ]
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
    return Report(
        title, note, totals, changes, per_unit, movers, series, figures, by_year(totals, METRICS)
    )


def _years_html(frame: pd.DataFrame) -> str:
    from pipeline.core.text import format_vn

    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = []
    for row in frame.itertuples(index=False):
        cells = []
        for v in row:
            if isinstance(v, float):
                cells.append(f"<td class=num>{'–' if pd.isna(v) else format_vn(v, 1)}</td>")
            else:
                cells.append(f"<td>{html.escape(str(v))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


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
        "<h2>Qua từng năm</h2>",
        _years_html(report.years),
        "<h2>Tăng, giảm giữa năm đầu và năm cuối</h2>",
        _fmt_table(report.changes, ["metric_label", "from_value", "to_value", "Thay đổi"]),
        "<p class=note>Tỷ lệ thay đổi tính bằng điểm phần trăm (ví dụ 37,5 % → 100 %: +62,5 "
        "điểm phần trăm); số lượng tính bằng số và phần trăm.</p>",
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
            ["year", "name", *an.YEARLY_METRICS],
        ),
    ]
    style = (
        "body{font-family:'Noto Sans','DejaVu Sans',Arial,sans-serif;margin:24px;"
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
        "Qua từng năm": report.years,
        "Tăng giảm": labelled(
            report.changes[
                ["metric_label", "from_value", "to_value", "delta", "growth", "Thay đổi"]
            ]
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
