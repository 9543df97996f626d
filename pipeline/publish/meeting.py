"""Charts for a cluster's review meeting: a PowerPoint deck (one chart per slide, a source line
under each) and an Excel workbook of the same tables."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.core.labels import ILLUSTRATIVE, labelled
from pipeline.core.period import period_label
from pipeline.publish import analytics as an
from pipeline.publish import charts


@dataclass
class Slide:
    title: str
    figure: object
    table: pd.DataFrame
    source: str
    sheet: str
    illustrative: bool = False


class UnknownSelection(ValueError):
    """The cluster has no figures for the period."""


def slides(con, cluster_no: int, period: str) -> list[Slide]:
    if cluster_no not in an.cluster_numbers(con, period):
        known = ", ".join(f"{c}" for c in an.cluster_numbers(con, period)) or "không có"
        raise UnknownSelection(
            f"Không có số liệu của Cụm thi đua số {cluster_no} trong kỳ {period_label(period)} "
            f"(các cụm có số liệu trong kỳ này: {known})."
        )
    where = f"Cụm thi đua số {cluster_no}, {period_label(period)}"
    year = int(period[:4])
    summ = an.indicator_summary(con, period, cluster_no)
    rank = an.score_ranking(con, period, cluster_no)
    aw = an.awards_by_unit(con, period, cluster_no)
    forms = an.awards_by_form(con, period, cluster_no)
    ini = an.initiatives_by_unit(con, period, cluster_no)
    half = period[5:]
    series = an.awards_series(con, (year - 4, year), half, cluster_no)
    res = an.indicator_results(con, period, cluster_no)
    out = [
        Slide(
            f"Tỷ lệ chỉ tiêu đạt — {where}",
            charts.indicators_met(summ, f"Tỷ lệ chỉ tiêu đạt — {where}"),
            summ[["name", "n_indicators", "n_met", "n_missed", "share_met"]],
            "view indicator_results",
            "Chỉ tiêu đạt",
        ),
        Slide(
            f"Điểm thi đua và xếp hạng — {where}",
            charts.score_ranking(rank, f"Điểm thi đua và xếp hạng — {where}"),
            rank[["rank", "name", "total_points"]],
            "view score_ranking",
            "Xếp hạng",
        ),
        Slide(
            f"Khen thưởng theo đơn vị — {where}",
            charts.awards_by_unit(aw, f"Khen thưởng theo đơn vị — {where}"),
            aw[["name", "collective", "individual", "awards"]],
            "view awards",
            "Khen thưởng theo đơn vị",
        ),
        Slide(
            f"Khen thưởng theo hình thức — {where}",
            charts.awards_by_form(forms, f"Khen thưởng theo hình thức — {where}"),
            forms[["award_name", "recipient_label", "count"]],
            "view awards",
            "Khen thưởng theo hình thức",
        ),
        Slide(
            f"Sáng kiến, đề tài — {where}",
            charts.initiatives_by_unit(ini, f"Sáng kiến, đề tài — {where}"),
            ini[["name", "level_label", "count"]],
            "view initiatives",
            "Sáng kiến",
        ),
        Slide(
            f"Khen thưởng qua các năm — Cụm thi đua số {cluster_no}",
            charts.awards_timeline(
                series,
                "Khen thưởng qua các năm — Cụm thi đua số "
                f"{cluster_no} ({'tổng kết năm' if half == 'FY' else 'sơ kết 6 tháng'})",
            ),
            series[["year", "award_name", "recipient_label", "count"]],
            "view awards",
            "Khen thưởng qua các năm",
        ),
    ]
    for _, one in res.groupby("indicator_id", sort=True):
        name = one["indicator_name"].iloc[0]
        out.append(
            Slide(
                f"{name} — {where}",
                charts.indicator_by_unit(one, f"{name} — {where}"),
                one[["name", "target", "actual", "margin", "met_label"]],
                "view indicator_results",
                f"CT {one['indicator_id'].iloc[0]}"[:31],
            )
        )
    for s in out:
        s.illustrative = ILLUSTRATIVE in s.figure.layout.title.text
    return out


def write(con, cluster_no: int, period: str, out_dir: Path) -> tuple[Path, Path]:
    """Write the deck and the workbook; return their paths."""
    from pptx import Presentation
    from pptx.util import Emu, Pt

    from pipeline.publish.export import write_xlsx_tables
    from pipeline.publish.images import write_pngs

    an.snapshot(con)
    items = slides(con, cluster_no, period)
    stamp = an.data_stamp(con)
    illustrative = any(s.illustrative for s in items)
    out_dir.mkdir(parents=True, exist_ok=True)
    base = f"hop_cum{cluster_no}_{period}"
    images = out_dir / f"{base}_anh"
    pngs = write_pngs(
        [(s.figure, images / f"{i + 1:02d}.png", 1600, 900) for i, s in enumerate(items)]
    )
    loaded = charts.vn_date(stamp.loaded_at, with_time=True)

    deck = Presentation()
    deck.slide_width, deck.slide_height = Emu(12192000), Emu(6858000)  # 16:9
    title_layout, blank = deck.slide_layouts[0], deck.slide_layouts[6]
    first = deck.slides.add_slide(title_layout)
    first.shapes.title.text = f"Cụm thi đua số {cluster_no}\n{period_label(period).capitalize()}"
    first.placeholders[1].text = (
        "Số liệu phục vụ hội nghị "
        + ("sơ kết" if period.endswith("H1") else "tổng kết")
        + f" — trích từ kho thidua, nạp lần cuối {loaded}"
        + (
            f"\n{ILLUSTRATIVE}: có số liệu minh họa, không phải số liệu thật."
            if illustrative
            else ""
        )
    )
    width, height = deck.slide_width, deck.slide_height
    for s, png in zip(items, pngs, strict=True):
        slide = deck.slides.add_slide(blank)
        box = slide.shapes.add_textbox(Emu(400000), Emu(150000), width - Emu(800000), Emu(600000))
        box.text_frame.text = s.title
        box.text_frame.paragraphs[0].runs[0].font.size = Pt(24)
        box.text_frame.paragraphs[0].runs[0].font.bold = True
        pic_h = height - Emu(1500000)
        pic_w = int(pic_h * 16 / 9)
        slide.shapes.add_picture(str(png), int((width - pic_w) / 2), Emu(800000), pic_w, pic_h)
        src = slide.shapes.add_textbox(
            Emu(400000), height - Emu(650000), width - Emu(800000), Emu(400000)
        )
        src.text_frame.text = (
            f"Nguồn: kho thidua, {s.source}; {period_label(period)}; "
            f"nạp lần cuối {loaded}." + (f" {ILLUSTRATIVE}." if s.illustrative else "")
        )
        src.text_frame.paragraphs[0].runs[0].font.size = Pt(12)
    pptx_path = out_dir / f"{base}.pptx"
    tmp = pptx_path.with_suffix(".tmp.pptx")
    deck.save(str(tmp))
    tmp.replace(pptx_path)

    sheets, notes, used = {}, {}, set()
    for s in items:
        name = s.sheet
        while name in used:
            name = name[:28] + f" {len(used)}"
        used.add(name)
        sheets[name] = labelled(s.table)
        notes[name] = f"{s.title}. Nguồn: kho thidua, {s.source}; nạp lần cuối {loaded}." + (
            f" {ILLUSTRATIVE}." if s.illustrative else ""
        )
    xlsx_path = write_xlsx_tables(out_dir / f"{base}.xlsx", sheets, notes)
    return pptx_path, xlsx_path
