"""A cluster's review meeting: a PowerPoint deck to project and an Excel workbook to print.

The deck is 16:9; every chart is a native, editable PowerPoint chart (python-pptx), its text
at least 14 pt; each slide has one title (wrapped, smaller when long, always on the slide) and
one source line; units of the cluster without a figure are named on the slide with the
reason; the speaker notes are the clip's narration of the same subject. A key-figures slide
and a change-from-the-previous-period slide come after the title. The workbook has the same
tables (pipeline.publish.export)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipeline.core.labels import ILLUSTRATIVE, labelled
from pipeline.core.period import period_label
from pipeline.publish import analytics as an
from pipeline.publish.meeting_pages import PAGES

MIN_PT = 14  # the smallest text on a projected slide
SLIDE_W, SLIDE_H = 12192000, 6858000  # EMU: 13,33 × 7,5 inch, 16:9
MARGIN = 457200  # 0,5 inch
NAVY = (0x1B, 0x3A, 0x6B)


@dataclass
class Chart:
    """A native chart: its kind, categories and series (name, values; None = no figure)."""

    kind: str  # "bar" (horizontal), "column", "stacked", "line"
    categories: list[str]
    series: list[tuple[str, list]]
    number_format: str = "#,##0"


@dataclass
class Slide:
    title: str
    chart: Chart | None
    table: pd.DataFrame
    source: str
    sheet: str
    illustrative: bool = False
    notes: str = ""  # speaker notes (the clip's narration)
    missing: list[str] = field(default_factory=list)  # «Chưa có điểm: Nghệ An — …»
    scene: str = ""  # the clip scene whose narration is the speaker notes
    rows: list[tuple[str, str]] = field(default_factory=list)  # a table slide's (label, value)
    total: bool = False  # the workbook's table gets a «Cộng» row (sums that mean something)
    key: str = ""  # its key in PAGES (`--trang`)


class BadChoice(ValueError):
    """A `--trang` key or a `--template` file the command cannot use (exit 2)."""


def parse_pages(text: str | None) -> list[str]:
    """`tieu-de,xep-hang` → the keys in the analyst's order (every key when none is given)."""
    if not text or not text.strip():
        return list(PAGES)
    keys = [k.strip().lower() for k in text.split(",") if k.strip()]
    unknown = [k for k in keys if k not in PAGES]
    if unknown:
        import difflib

        said = []
        for k in unknown:
            near = difflib.get_close_matches(k, list(PAGES), n=1, cutoff=0.5)
            said.append(f"«{k}»" + (f" (có phải «{near[0]}»?)" if near else ""))
        raise BadChoice(
            f"Không có trang {', '.join(said)}; các trang chọn được: {', '.join(PAGES)}."
        )
    return list(dict.fromkeys(keys))


class UnknownSelection(ValueError):
    """The cluster has no figures for the period."""


def _vals(series: pd.Series) -> list:
    return [None if pd.isna(v) else float(v) for v in series]


def _missing(con, view: str, period: str, cluster_no: int) -> list:
    from pipeline.clip.data import missing_units

    year = int(period[:4])
    members = con.execute(
        "SELECT c.unit_id, u.name FROM clusters c JOIN units u USING (unit_id) "
        "WHERE c.year = ? AND c.cluster_no = ?",
        [year, cluster_no],
    ).fetchall()
    return missing_units(con, view, period, cluster_no, [m[0] for m in members], dict(members))


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
    miss = {v: _missing(con, v, period, cluster_no) for v in ("score_ranking", "awards")}
    miss["indicator_results"] = _missing(con, "indicator_results", period, cluster_no)
    miss["initiatives"] = _missing(con, "initiatives", period, cluster_no)

    def said(view):
        # «Chưa có điểm: Nghệ An — dòng bị từ chối (tệp «…», trang «Chấm điểm», dòng 8)»
        return [
            f"{m.sentence()[0].upper()}{m.sentence()[1:]}{m.why[len(m.short_why) :]}"
            for m in miss[view]
        ]

    # the ranking names every member, those without a score with «(chưa có điểm)»
    rank_cats = list(rank["name"]) + [f"{m.name} (chưa có điểm)" for m in miss["score_ranking"]]
    rank_vals = _vals(rank["total_points"]) + [None] * len(miss["score_ranking"])
    rank_table = rank[["rank", "name", "total_points"]]
    levels = list(dict.fromkeys(ini["level_label"]))
    ini_units = list(dict.fromkeys(ini["name"]))
    ini_series = [
        (
            lvl,
            [
                float(ini[(ini["name"] == u) & (ini["level_label"] == lvl)]["count"].sum())
                for u in ini_units
            ],
        )
        for lvl in levels
    ]
    form_names = list(dict.fromkeys(forms["award_name"]))
    form_series = [
        (
            kind,
            [
                _first(forms[(forms["award_name"] == f) & (forms["recipient_label"] == kind)])
                for f in form_names
            ],
        )
        for kind in ("Tập thể", "Cá nhân")
    ]
    years = sorted(series["year"].unique()) if not series.empty else []
    by_form_year = series.groupby(["award_name", "year"])["count"].sum()
    # a line for each form the cluster reported in the meeting's year: a form it no longer
    # (or not yet) reports, often a mass title counted in hundreds, would flatten the others;
    # it stays in the table under the chart
    timeline = [
        (name, [_get(by_form_year, (name, y)) for y in years])
        for name in dict.fromkeys(series["award_name"])
        if years and years[-1] == year and _get(by_form_year, (name, year)) is not None
    ]
    out = [
        Slide(
            f"Tỷ lệ chỉ tiêu đạt — {where}",
            Chart(
                "stacked",
                list(summ["name"]),
                [("Đạt", _vals(summ["n_met"])), ("Chưa đạt", _vals(summ["n_missed"]))],
            ),
            summ[["name", "n_indicators", "n_met", "n_missed", "share_met"]],
            "view indicator_results",
            "Chỉ tiêu đạt",
            missing=said("indicator_results"),
            key="chi-tieu",
            scene="indicators",
            total=True,
        ),
        Slide(
            f"Điểm thi đua và xếp hạng — {where}",
            Chart("bar", rank_cats, [("Tổng điểm", rank_vals)], "#,##0.0"),
            rank_table,
            "view score_ranking",
            "Xếp hạng",
            missing=said("score_ranking"),
            key="xep-hang",
            scene="ranking",
        ),
        Slide(
            f"Khen thưởng theo đơn vị — {where}",
            Chart(
                "stacked",
                list(aw["name"]),
                [("Tập thể", _vals(aw["collective"])), ("Cá nhân", _vals(aw["individual"]))],
            ),
            aw[["name", "collective", "individual", "awards"]],
            "view awards (số lượt: mỗi lượt là một tập thể hoặc một cá nhân được khen một hình thức)",
            "Khen thưởng theo đơn vị",
            missing=said("awards"),
            key="khen-don-vi",
            scene="awards",
            total=True,
        ),
        Slide(
            f"Khen thưởng theo hình thức — {where}",
            Chart("bar", form_names, form_series),
            forms[["award_name", "recipient_label", "count"]],
            "view awards",
            "Khen thưởng theo hình thức",
            key="khen-hinh-thuc",
            scene="awards",
        ),
        Slide(
            f"Sáng kiến, đề tài — {where}",
            Chart("stacked", ini_units, ini_series),
            ini[["name", "level_label", "count"]],
            "view initiatives",
            "Sáng kiến",
            missing=said("initiatives"),
            key="sang-kien",
            scene="initiatives",
            total=True,
        ),
        Slide(
            f"Khen thưởng qua các năm — Cụm thi đua số {cluster_no} "
            f"({'tổng kết năm' if half == 'FY' else 'sơ kết 6 tháng'})",
            Chart("line", [str(int(y)) for y in years], timeline),
            series[["year", "award_name", "recipient_label", "count"]],
            "view awards (mỗi đường một hình thức khen thưởng, tập thể và cá nhân)",
            "Khen thưởng qua các năm",
            key="khen-qua-nam",
            scene="awards",
        ),
    ]
    for _, one in res.groupby("indicator_id", sort=True):
        name = one["indicator_name"].iloc[0]
        unit = one["measure_unit"].iloc[0] or ""
        out.append(
            Slide(
                f"{name} — {where}",
                Chart(
                    "column",
                    list(one["name"]),
                    [
                        (f"Kết quả ({unit})" if unit else "Kết quả", _vals(one["actual"])),
                        ("Chỉ tiêu", _vals(one["target"])),
                    ],
                    "#,##0.0",
                ),
                one[["name", "target", "actual", "margin", "met_label"]],
                "view indicator_results",
                _sheet_title(name),
                key="tung-chi-tieu",
                scene="indicators",
            )
        )
    frames = {"Chỉ tiêu đạt": summ, "Xếp hạng": rank, "Sáng kiến": ini}
    for s in out:
        frame = frames.get(s.sheet, aw if "Khen" in s.sheet else res)
        s.illustrative = an.any_illustrative(frame)
    return out


def _first(frame: pd.DataFrame):
    return float(frame["count"].iloc[0]) if len(frame) else None


def _get(series: pd.Series, key):
    return float(series[key]) if key in series.index else None


def _sheet_title(name: str) -> str:
    """An indicator's name as a sheet name (31 characters at most, cut between words)."""
    name = name.replace("Tỷ lệ ", "").strip()
    name = name[:1].upper() + name[1:]
    if len(name) <= 31:
        return name
    return name[:31].rsplit(" ", 1)[0].rstrip(",;")


def key_figures(con, cluster_no: int, period: str, story) -> list[tuple[str, str]]:
    """The figures a meeting opens with, as the clip's scenes give them."""
    from pipeline.clip.wording import num

    out = []
    d = story.data
    members = [u for u in d.units if u.role]
    out.append(("Số đơn vị trong Cụm", num(len(members) or len(d.units))))
    if not d.rank.empty:
        top = d.rank[d.rank["rank"] == d.rank["rank"].min()]
        out.append(
            ("Dẫn đầu Cụm", f"{', '.join(top['name'])} ({num(top['total_points'].iloc[0])} điểm)")
        )
        scored = f"{len(d.rank)}/{len(members)}" if members else str(len(d.rank))
        out.append(("Số đơn vị được chấm điểm", scored))
    judged = d.ind[d.ind["met"].notna()]
    if not judged.empty:
        met = int((judged["met"] == True).sum())  # noqa: E712
        out.append(("Lượt chỉ tiêu đạt / có số liệu", f"{met}/{len(judged)}"))
    forms = d.aw_form[d.aw_form["count"] > 0]
    for award_id in list(dict.fromkeys(forms["award_id"]))[:4]:
        part = forms[forms["award_id"] == award_id]
        counts = [f"{num(r['count'])} {r['recipient_label'].lower()}" for _, r in part.iterrows()]
        out.append((part["award_name"].iloc[0], " · ".join(counts)))
    if not d.ini.empty:
        out.append(("Sáng kiến, đề tài", num(d.ini["count"].sum())))
    for view in ("score_ranking", "awards"):
        for m in d.missing[view]:
            out.append((f"Chưa có {m.what}", f"{m.name} — {m.short_why}"))
    return out


def changes(story) -> pd.DataFrame:
    """Awards by form and recipient kind, this period against the same period a year before
    (the same units): counts, the change and the change in percent."""
    d = story.data
    now = d.aw_form.groupby(["award_id", "award_name", "recipient_label"], as_index=False)[
        "count"
    ].sum()
    prev = d.prev_aw_form.copy()
    names = dict(zip(d.aw_form["award_id"], d.aw_form["award_name"], strict=False))
    names.update({k: v["name"] for k, v in d.forms.items() if k not in names})
    labels = {"tap_the": "Tập thể", "ca_nhan": "Cá nhân"}
    prev["award_name"] = prev["award_id"].map(names)
    prev["recipient_label"] = prev["recipient_kind"].map(labels)
    merged = now.merge(
        prev[["award_id", "award_name", "recipient_label", "count"]],
        on=["award_id", "award_name", "recipient_label"],
        how="outer",
        suffixes=("", "_prev"),
    )
    rank = {k: int(v["rank"]) for k, v in d.forms.items()}
    merged["_r"] = merged["award_id"].map(rank).fillna(99)
    merged = merged.sort_values(["_r", "recipient_label"], ascending=[True, False])
    merged = merged.fillna({"count": 0, "count_prev": 0})
    merged["change"] = merged["count"] - merged["count_prev"]
    merged["pct"] = [
        round(100 * c / p, 1) if p else None
        for c, p in zip(merged["change"], merged["count_prev"], strict=True)
    ]
    return pd.DataFrame(
        {
            "Hình thức khen thưởng": merged["award_name"],
            "Đối tượng": merged["recipient_label"],
            period_label(d.prev).capitalize(): merged["count_prev"].astype(int),
            period_label(d.period).capitalize(): merged["count"].astype(int),
            "Tăng/giảm": merged["change"].astype(int),
            "Tăng/giảm (%)": merged["pct"],
        }
    )


@dataclass
class _Story:
    data: object
    narration: dict


def _story(con, cluster_no: int, period: str) -> _Story:
    """The clip's data and narration of each scene (speaker notes, key figures)."""
    from pipeline.clip.data import read
    from pipeline.clip.scenes import SCENES

    d = read(con, cluster_no, period)
    narration = {}
    for kind in ("title", "indicators", "ranking", "awards", "initiatives", "shortcomings"):
        narration[kind] = SCENES[kind](d).narration
    d.charts.clear()
    return _Story(d, narration)


# -- the deck ------------------------------------------------------------------------------------


def _title_size(text: str, narrower: float = 1.0) -> int:
    """Points for a title that must fit two lines of the slide's width (`narrower`: how many
    times narrower than 16:9 the slide is)."""
    n = len(text) * narrower
    return 30 if n <= 55 else 26 if n <= 75 else 22 if n <= 100 else 20


def _text(slide, x, y, w, h, text, size, bold=False, color=None, align=None):
    from pptx.dml.color import RGBColor
    from pptx.enum.text import MSO_AUTO_SIZE
    from pptx.util import Emu, Pt

    box = slide.shapes.add_textbox(Emu(x), Emu(y), Emu(w), Emu(h))
    tf = box.text_frame
    tf.word_wrap = True
    tf.auto_size = MSO_AUTO_SIZE.NONE  # sizes are chosen here: never shrunk below 14 pt
    for i, line in enumerate(text.split("\n")):
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        if align is not None:
            p.alignment = align
        run = p.add_run()
        run.text = line
        run.font.size = Pt(size)
        run.font.bold = bold
        if FONT:
            run.font.name = FONT
        if color:
            run.font.color.rgb = RGBColor(*color)
    return box


DEFAULT_FONT = "Noto Sans"  # every Vietnamese letter (fonts-noto-core); Liberation 1.07 lacks 93
FONT: str | None = DEFAULT_FONT  # None on an agency's template: its master's fonts


def _chart(slide, spec: Chart, x, y, w, h):
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
    from pptx.util import Emu, Pt

    from pipeline.core.text import format_vn

    data = CategoryChartData(number_format=spec.number_format)
    data.categories = spec.categories
    for name, values in spec.series:
        data.add_series(name, values)
    kind = {
        "bar": XL_CHART_TYPE.BAR_CLUSTERED,
        "column": XL_CHART_TYPE.COLUMN_CLUSTERED,
        "stacked": XL_CHART_TYPE.BAR_STACKED,
        "line": XL_CHART_TYPE.LINE_MARKERS,
    }[spec.kind]
    frame = slide.shapes.add_chart(kind, Emu(x), Emu(y), Emu(w), Emu(h), data)
    chart = frame.chart
    chart.has_title = False
    chart.font.size = Pt(MIN_PT)
    if FONT:
        chart.font.name = FONT
    chart.has_legend = len(spec.series) > 1
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
        chart.legend.font.size = Pt(MIN_PT)
    plot = chart.plots[0]
    if spec.kind != "line":
        plot.gap_width = 60
    if spec.kind == "stacked":
        plot.overlap = 100
    # value labels written the Vietnamese way (94,5; 1.234) whatever the projector's locale;
    # the value axis, whose numbers the locale would write, is left out
    decimals = 1 if spec.number_format.endswith(".0") else 0
    apart = _labels_apart(spec) if spec.kind == "line" else None
    for n, (series, (_, values)) in enumerate(zip(plot.series, spec.series, strict=True)):
        last = max((i for i, v in enumerate(values) if v is not None), default=-1)
        for i, value in enumerate(values):
            if value is None or (spec.kind == "stacked" and value == 0):
                continue
            if spec.kind == "line" and (i != last or n not in apart):
                continue
            label = series.points[i].data_label
            label.has_text_frame = True
            label.text_frame.text = format_vn(value, decimals)
            label.text_frame.paragraphs[0].runs[0].font.size = Pt(MIN_PT)
            label.position = {
                "bar": XL_LABEL_POSITION.OUTSIDE_END,
                "column": XL_LABEL_POSITION.OUTSIDE_END,
                "stacked": XL_LABEL_POSITION.CENTER,
                "line": XL_LABEL_POSITION.RIGHT,
            }[spec.kind]
    chart.category_axis.tick_labels.font.size = Pt(MIN_PT)
    value_axis = chart.value_axis
    value_axis.tick_labels.font.size = Pt(MIN_PT)
    value_axis.minimum_scale = 0  # bars start at zero: their lengths compare honestly
    value_axis.has_major_gridlines = False
    value_axis.visible = False
    if spec.kind in ("bar", "stacked"):
        chart.category_axis.reverse_order = True  # the first row at the top, as in the table
    return frame


def _labels_apart(spec: Chart, gap: float = 0.06) -> set[int]:
    """The lines whose last value is labelled: from the highest down, a label closer than
    `gap` of the chart's height to one already kept is left to the table (labels written
    on one another cannot be read)."""
    values = [v for _, vs in spec.series for v in vs if v is not None]
    top = max(values, default=0) or 1
    ends = sorted(
        ((vs[-1], n) for n, (_, vs) in enumerate(spec.series) if vs and vs[-1] is not None),
        reverse=True,
    )
    kept: list[float] = []
    chosen = set()
    for value, n in ends:
        if all(abs(value - k) >= gap * top for k in kept):
            kept.append(value)
            chosen.add(n)
    return chosen


def _table(slide, rows: list[list[str]], x, y, w, widths, size=16, header=True):
    from pptx.util import Emu, Pt

    height = Emu(int(size * 2.1 * 12700) * len(rows))
    shape = slide.shapes.add_table(len(rows), len(rows[0]), Emu(x), Emu(y), Emu(w), height)
    table = shape.table
    for c, share in enumerate(widths):
        table.columns[c].width = Emu(int(w * share))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            cell = table.cell(r, c)
            cell.text = value
            for p in cell.text_frame.paragraphs:
                for run in p.runs:
                    run.font.size = Pt(size)
                    if FONT:
                        run.font.name = FONT
                    run.font.bold = header and r == 0
    return shape


def _size(slide) -> tuple[int, int]:
    deck = slide.part.package.presentation_part.presentation
    return deck.slide_width, deck.slide_height


def _source(slide, text: str):
    w, h = _size(slide)
    return _text(slide, MARGIN, h - 640000, w - 2 * MARGIN, 560000, text, MIN_PT, color=(85,) * 3)


def _head(slide, title: str) -> int:
    """The slide's one title: in the layout's title placeholder when it has one (an agency's
    master: its place and style), else a text box. Returns where the body may start (EMU)."""
    from pptx.util import Pt

    w, _ = _size(slide)
    size = _title_size(title, SLIDE_W / w)
    holder = slide.shapes.title
    if holder is None:
        _text(slide, MARGIN, 220000, w - 2 * MARGIN, 900000, title, size, True, NAVY)
        return 1200000
    holder.text = title
    holder.text_frame.word_wrap = True
    for p in holder.text_frame.paragraphs:
        for run in p.runs:
            run.font.size = Pt(size)
    return max(1200000, int(holder.top + holder.height + 60000))


def _deck(template: Path | None):
    """A new deck: python-pptx's own, laid out 16:9, or the agency's `template` with its
    master, layouts and slide size and none of its slides. Returns the deck, its title layout
    (None if it has none) and the layout chart slides use (the emptiest one)."""
    from pptx import Presentation
    from pptx.util import Emu

    global FONT
    if template is None:
        FONT = DEFAULT_FONT
        deck = Presentation()
        deck.slide_width, deck.slide_height = Emu(SLIDE_W), Emu(SLIDE_H)
        return deck, deck.slide_layouts[0], deck.slide_layouts[6]
    template = Path(template)
    bad = (
        f"Tệp mẫu «{template.name}» không dùng được: cần một bản trình chiếu PowerPoint "
        "(.pptx) mở được, ví dụ tệp mẫu của cơ quan lưu lại dưới dạng .pptx."
    )
    if template.suffix.lower() != ".pptx" or not template.is_file():
        raise BadChoice(bad)
    try:
        deck = Presentation(str(template))
    except Exception as exc:  # any reason the file does not open as a deck
        raise BadChoice(bad) from exc
    ids = deck.slides._sldIdLst
    for sld in list(ids):  # the template's own slides are dropped, its master kept
        deck.part.drop_rel(sld.rId)
        ids.remove(sld)
    FONT = None  # the master's theme fonts
    layouts = list(deck.slide_layouts)
    if not layouts:
        raise BadChoice(bad)

    def kinds(layout):
        return [p.placeholder_format.type for p in layout.placeholders]

    title = next((lo for lo in layouts if 3 in kinds(lo) and 4 in kinds(lo)), None)
    title = title or next(
        (lo for lo in layouts if {1, 3} & set(kinds(lo)) and len(kinds(lo)) > 1), None
    )

    def others(layout):  # placeholders besides the title, date, footer and slide number
        return len([k for k in kinds(layout) if k not in (1, 3, 13, 15, 16)])

    titled = [lo for lo in layouts if 1 in kinds(lo)]  # «Title Only»: the master's title place
    blank = min(titled, key=others) if titled else min(layouts, key=others)
    return deck, title, blank


def _add(deck, layout, keep: bool = False):
    """A slide on `layout`; the placeholders it brings are removed unless `keep`, except a
    title placeholder (the text is placed here, never left as an empty «Click to add …»)."""
    slide = deck.slides.add_slide(layout)
    if not keep:
        for ph in list(slide.placeholders):
            if ph.placeholder_format.type != 1:
                ph._element.getparent().remove(ph._element)
    return slide


def write(
    con,
    cluster_no: int,
    period: str,
    out_dir: Path,
    template: Path | None = None,
    pages: list[str] | None = None,
) -> tuple[Path, Path]:
    """Write the deck (on the agency's `template` master if given; the slides `pages` of
    PAGES, in that order) and the workbook (every table); return their paths."""
    from pptx.dml.color import RGBColor
    from pptx.util import Emu, Pt

    from pipeline.core.text import format_vn
    from pipeline.publish import charts
    from pipeline.publish.export import write_xlsx_tables

    pages = pages or list(PAGES)
    _deck(template)  # a template that cannot be used is said before any work
    an.snapshot(con)
    items = slides(con, cluster_no, period)
    story = _story(con, cluster_no, period)
    stamp = an.data_stamp(con)
    illustrative = any(s.illustrative for s in items)
    out_dir.mkdir(parents=True, exist_ok=True)
    base = f"hop_cum{cluster_no}_{period}"
    loaded = charts.vn_date(stamp.loaded_at, with_time=True)
    mark = f" {ILLUSTRATIVE}." if illustrative else ""

    deck, title_layout, blank = _deck(template)
    W, H = deck.slide_width, deck.slide_height
    width = W - 2 * MARGIN

    def title_slide():  # the layout's placeholders (16:9 laid out again), or text boxes
        first = _add(deck, title_layout or blank, keep=title_layout is not None)
        places = [p for p in first.placeholders if p.placeholder_format.type in (1, 3)]
        others = [p for p in first.placeholders if p not in places]
        head = f"Cụm thi đua số {cluster_no}\n{period_label(period).capitalize()}"
        text = (
            "Số liệu phục vụ hội nghị "
            + ("sơ kết" if period.endswith("H1") else "tổng kết")
            + f" — trích từ kho thidua, nạp lần cuối {loaded}"
            + (
                f"\n{ILLUSTRATIVE}: có số liệu minh họa, không phải số liệu thật."
                if illustrative
                else ""
            )
        )
        if places and others:
            title, sub = places[0], others[0]
            for extra in others[1:]:
                extra._element.getparent().remove(extra._element)
            if template is None:
                title.left, title.top, title.width, title.height = (
                    Emu(MARGIN), Emu(1500000), Emu(width), Emu(1900000)
                )  # fmt: skip
                sub.left, sub.top = Emu(MARGIN), Emu(3600000)
                sub.width, sub.height = Emu(width), Emu(2200000)
            title.text, sub.text = head, text
        else:
            for ph in list(first.placeholders):
                ph._element.getparent().remove(ph._element)
            title = _text(first, MARGIN, int(H * 0.22), width, int(H * 0.28), head, 40, True)
            sub = _text(first, MARGIN, int(H * 0.53), width, int(H * 0.32), text, 20)
        for p in title.text_frame.paragraphs:
            for r in p.runs:
                r.font.size, r.font.bold = Pt(40), True
                if FONT:
                    r.font.name = FONT
        sub.text_frame.word_wrap = True
        for p in sub.text_frame.paragraphs:
            for r in p.runs:
                r.font.size = Pt(20)
                if FONT:
                    r.font.name = FONT
                if ILLUSTRATIVE in r.text:  # said visibly, not in the grey of the subtitle
                    r.font.bold, r.font.color.rgb = True, RGBColor(0xB0, 0x00, 0x20)
        first.notes_slide.notes_text_frame.text = story.narration["title"]

    def key_slide():
        kf = _add(deck, blank)
        top = _head(kf, f"Số liệu chính — Cụm thi đua số {cluster_no}, {period_label(period)}")
        figures = key_figures(con, cluster_no, period, story)
        _table(kf, [["Nội dung", "Số liệu"]] + [list(r) for r in figures], MARGIN, top + 50000,
               width, [0.5, 0.5], size=16 if W >= SLIDE_W else 14)  # fmt: skip
        _source(kf, f"Nguồn: kho thidua, các view score_ranking, indicator_results, awards, "
                    f"initiatives; nạp lần cuối {loaded}.{mark}")  # fmt: skip
        kf.notes_slide.notes_text_frame.text = " ".join(
            story.narration[k] for k in ("ranking", "awards")
        )

    def change_slide():  # change from the same period of the previous year
        ch = _add(deck, blank)
        top = _head(
            ch, f"Khen thưởng so với {period_label(story.data.prev)} — Cụm thi đua số {cluster_no}"
        )
        if change[change.columns[2]].sum() == 0:
            _text(ch, MARGIN, top + 200000, width, 800000,
                  f"Kho dữ liệu chưa có số liệu khen thưởng {period_label(story.data.prev)} của "
                  "các đơn vị trong Cụm để so sánh.", 20)  # fmt: skip
        else:
            rows = [list(change.columns)]
            for r in change.itertuples(index=False):
                delta = int(r[4])
                sign = "+" if delta > 0 else ("−" if delta < 0 else "")
                pct = "–" if r[5] is None or pd.isna(r[5]) else f"{sign}{format_vn(abs(r[5]), 1)} %"
                rows.append([r[0], r[1], format_vn(r[2]), format_vn(r[3]),
                             f"{sign}{format_vn(abs(delta))}", pct])  # fmt: skip
            size = 16 if len(rows) <= 11 else 14
            _table(ch, rows, MARGIN, top + 50000, width, [0.36, 0.12, 0.13, 0.13, 0.12, 0.14], size)
        _source(ch, f"Nguồn: kho thidua, view awards; cùng đơn vị, "
                    f"{period_label(story.data.prev)} và {period_label(period)}; "
                    f"nạp lần cuối {loaded}.{mark}")  # fmt: skip
        ch.notes_slide.notes_text_frame.text = story.narration["awards"]

    def chart_slide(s: Slide):  # one chart per slide
        slide = _add(deck, blank)
        top = _head(slide, s.title)
        note_h = 520000 * len(s.missing)
        bottom = H - 680000 - note_h
        empty = not s.chart.categories or all(
            v is None for _, values in s.chart.series for v in values
        )
        if empty:  # nothing to draw: said in words, never an empty or broken chart
            _text(slide, MARGIN, top + 400000, width, 900000,
                  f"Kho dữ liệu chưa có số liệu cho nội dung này ({period_label(period)}).", 24)  # fmt: skip
        else:
            _chart(slide, s.chart, MARGIN, top, width, bottom - top)
        _source(slide, f"Nguồn: kho thidua, {s.source}; {period_label(period)}; "
                       f"nạp lần cuối {loaded}." + (f" {ILLUSTRATIVE}." if s.illustrative else ""))  # fmt: skip
        if s.missing:
            _text(slide, MARGIN, bottom + 40000, width, note_h, "\n".join(s.missing), MIN_PT,
                  color=(0x9B, 0x1C, 0x2C))  # fmt: skip
        slide.notes_slide.notes_text_frame.text = story.narration.get(s.scene, "")

    change = changes(story)
    for key in pages:
        if key == "tieu-de":
            title_slide()
        elif key == "tong-quan":
            key_slide()
        elif key == "so-sanh":
            change_slide()
        else:
            for s in items:
                if s.key == key:
                    chart_slide(s)
    pptx_path = out_dir / f"{base}.pptx"
    tmp = pptx_path.with_suffix(".tmp.pptx")
    deck.save(str(tmp))
    tmp.replace(pptx_path)

    sheets, notes, used, totals, below = {}, {}, set(), set(), {}
    for s in items:
        name = s.sheet
        while name in used:
            name = name[:28] + f" {len(used)}"
        used.add(name)
        sheets[name] = labelled(s.table)
        notes[name] = f"{s.title}." + (f" {ILLUSTRATIVE}." if s.illustrative else "")
        below[name] = (
            f"Nguồn: kho dữ liệu thi đua, khen thưởng ({s.source}), {period_label(period)}; "
            f"số liệu nạp lần cuối {loaded}." + "".join(f"\n{m}" for m in s.missing)
        )
        if s.total:
            totals.add(name)
    sheets["So với năm trước"] = changes(story)
    notes["So với năm trước"] = (
        f"Khen thưởng {period_label(period)} so với {period_label(story.data.prev)}, cùng các "
        "đơn vị của Cụm." + mark
    )
    below["So với năm trước"] = (
        f"Nguồn: kho dữ liệu thi đua, khen thưởng (view awards); số liệu nạp lần cuối {loaded}."
    )
    xlsx_path = write_xlsx_tables(
        out_dir / f"{base}.xlsx", sheets, notes, below=below, totals=totals
    )
    return pptx_path, xlsx_path
