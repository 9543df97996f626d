"""The meeting pack as people use it (issue 14): a 16:9 deck to project, with native charts,
text of at least 14 pt, titles on the slide, one title and one source line per slide,
speaker notes, key figures and the change from the previous period; a workbook to print."""

from __future__ import annotations

import openpyxl
import pytest
from conftest import run_cli
from pptx import Presentation
from pptx.util import Pt

MIN = Pt(14)


@pytest.fixture(scope="module")
def pack(sample_wh, tmp_path_factory):
    out = tmp_path_factory.mktemp("pack")
    done = run_cli(
        "meeting", "--cluster", 6, "--period", "2024-FY", "--out", out, "--warehouse", sample_wh
    )
    assert done.returncode == 0, done.stderr
    return Presentation(str(out / "hop_cum6_2024-FY.pptx")), out / "hop_cum6_2024-FY.xlsx"


def _charts(deck):
    return [
        shape
        for slide in deck.slides
        for shape in slide.shapes
        if getattr(shape, "has_chart", False) and shape.has_chart
    ]


def test_every_chart_in_the_deck_is_a_chart_object(pack):
    deck, _ = pack
    assert len(_charts(deck)) >= 7
    for slide in deck.slides:
        assert not [s for s in slide.shapes if s.shape_type == 13], "a picture on a slide"


def test_chart_text_is_at_least_14_pt(pack):
    deck, _ = pack
    for shape in _charts(deck):
        chart = shape.chart
        assert chart.font.size >= MIN and not chart.has_title
        labels = 0
        for series in chart.plots[0].series:
            for i in range(len(series.values)):
                label = series.points[i].data_label
                if label.has_text_frame:
                    labels += 1
                    assert all(r.font.size >= MIN for r in label.text_frame.paragraphs[0].runs)
                    assert "." not in label.text_frame.text or "," not in label.text_frame.text
        assert labels, "values written on the chart"
        assert chart.category_axis.tick_labels.font.size >= MIN
        assert chart.value_axis.tick_labels.font.size >= MIN
        if chart.has_legend:
            assert chart.legend.font.size >= MIN


def test_every_text_on_a_slide_is_at_least_14_pt(pack):
    deck, _ = pack
    for n, slide in enumerate(deck.slides, 1):
        for shape in slide.shapes:
            frames = [shape.text_frame] if shape.has_text_frame else []
            if shape.has_table:
                frames += [c.text_frame for row in shape.table.rows for c in row.cells]
            for tf in frames:
                for p in tf.paragraphs:
                    for run in p.runs:
                        assert run.font.size is not None and run.font.size >= MIN, (n, run.text)


def test_deck_is_16_9_and_everything_stays_on_the_slide(pack):
    deck, _ = pack
    w, h = deck.slide_width, deck.slide_height
    assert w * 9 == h * 16
    for n, slide in enumerate(deck.slides, 1):
        for s in slide.shapes:
            assert s.left >= 0 and s.top >= 0, (n, s.name)
            assert s.left + s.width <= w and s.top + s.height <= h, (n, s.name)
            if s.has_text_frame:
                assert s.text_frame.word_wrap is not False, (n, s.name)


def test_one_title_and_one_source_line_per_slide(pack):
    deck, _ = pack
    for n, slide in enumerate(list(deck.slides)[1:], 2):
        texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
        assert sum(t.startswith("Nguồn:") for t in texts) == 1, n
        title = texts[0]
        assert sum(t == title for t in texts) == 1, n
        assert sum(title in t for t in texts) == 1, n


def test_speaker_notes_are_the_clips_narration(pack):
    deck, _ = pack
    slides = list(deck.slides)
    for n, slide in enumerate(slides, 1):
        assert slide.has_notes_slide and slide.notes_slide.notes_text_frame.text.strip(), n
    ranking = next(s for s in slides if s.shapes[0].text_frame.text.startswith("Điểm thi đua"))
    assert "Nghệ An chưa có kết quả chấm điểm" in ranking.notes_slide.notes_text_frame.text


def test_key_figures_and_change_from_the_previous_period(pack):
    deck, _ = pack
    key, change = list(deck.slides)[1:3]
    assert key.shapes[0].text_frame.text.startswith("Số liệu chính")
    (table,) = [s.table for s in key.shapes if s.has_table]
    cells = {table.cell(r, 0).text: table.cell(r, 1).text for r in range(len(table.rows))}
    assert cells["Dẫn đầu Cụm"].startswith("Thừa Thiên Huế")
    assert cells["Chưa có điểm"] == "Nghệ An — dòng bị từ chối"
    assert "so với năm 2023" in change.shapes[0].text_frame.text
    (table,) = [s.table for s in change.shapes if s.has_table]
    header = [table.cell(0, c).text for c in range(len(table.columns))]
    assert header == [
        "Hình thức khen thưởng", "Đối tượng", "Năm 2023", "Năm 2024", "Tăng/giảm", "Tăng/giảm (%)"
    ]  # fmt: skip


def test_a_unit_without_a_score_is_named_on_the_slide_and_in_the_chart(pack):
    deck, book = pack
    ranking = next(s for s in deck.slides if s.shapes[0].text_frame.text.startswith("Điểm thi đua"))
    (chart,) = [s.chart for s in ranking.shapes if getattr(s, "has_chart", False) and s.has_chart]
    assert "Nghệ An (chưa có điểm)" in list(chart.plots[0].categories)
    texts = " ".join(s.text_frame.text for s in ranking.shapes if s.has_text_frame)
    assert "Chưa có điểm: Nghệ An — dòng bị từ chối" in texts
    ws = openpyxl.load_workbook(book)["Xếp hạng"]
    assert "Chưa có điểm: Nghệ An — dòng bị từ chối" in ws["A2"].value


def test_workbook_prints_and_reads_as_people_expect(pack):
    _, path = pack
    book = openpyxl.load_workbook(path)
    for ws in book.worksheets:
        assert "_" not in ws.title, ws.title  # Vietnamese names, no codes
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        # fitToWidth left out means 1 (OOXML default)
        assert (ws.page_setup.fitToWidth or 1, ws.page_setup.fitToHeight) == (1, 0), ws.title
        assert ws["A2"].value.startswith("Nguồn: kho dữ liệu thi đua"), ws.title
        assert ws.oddFooter.left.text.startswith("Nguồn:"), ws.title
        header = 3
        for col in ws.iter_cols(min_row=header + 1):
            numbers = [c for c in col if isinstance(c.value, (int, float))]
            # one number format per column; every value as shown (at most one decimal)
            assert len({c.number_format for c in numbers}) <= 1, (ws.title, col[0].column)
            for c in numbers:
                assert round(c.value, 1) == c.value, (ws.title, c.coordinate, c.value)
    years = book["Khen thưởng qua các năm"]
    col = [c.value for c in years[3]].index("Năm") + 1
    cell = years.cell(4, col)
    assert (
        cell.value == 2024 - 4 and cell.number_format == "0"
    )  # five years shown, sample from 2020


def test_a_sum_row_where_sums_mean_something(pack):
    _, path = pack
    ws = openpyxl.load_workbook(path)["Chỉ tiêu đạt"]
    rows = [list(r) for r in ws.iter_rows(min_row=3, values_only=True)]
    header, body = rows[0], rows[1:]
    total = body[-1]
    assert total[0] == "Cộng"
    n_met = header.index("Số chỉ tiêu đạt") if "Số chỉ tiêu đạt" in header else 2
    assert total[n_met] == sum(r[n_met] for r in body[:-1])
    rate = [i for i, h in enumerate(header) if "Tỷ lệ" in str(h) or "%" in str(h)]
    assert rate and all(total[i] is None for i in rate)  # a rate is never summed


def _agency_master(path):
    """A template as an agency keeps one: a 4:3 master carrying its own named shape and
    background, and a sample slide of its own that the deck must not keep."""
    from pptx.dml.color import RGBColor
    from pptx.util import Inches

    tpl = Presentation()
    master = tpl.slide_master
    own = tpl.slides.add_slide(tpl.slide_layouts[6])
    logo = own.shapes.add_textbox(Inches(0.2), Inches(0.1), Inches(2), Inches(0.4))
    logo.name = "Biểu trưng cơ quan"
    logo.text_frame.text = "VKSND"
    master.shapes._spTree.append(logo._element)  # moved onto the master (no add_textbox there)
    fill = master.background.fill
    fill.solid()
    fill.fore_color.rgb = RGBColor(0xF4, 0xEE, 0xE0)
    own.shapes.add_textbox(
        Inches(1), Inches(1), Inches(4), Inches(1)
    ).text_frame.text = "Trang mẫu của cơ quan"
    tpl.save(str(path))
    return tpl.slide_width, tpl.slide_height


def test_deck_on_the_agencys_master_with_the_slides_chosen(sample_wh, tmp_path):
    size = _agency_master(tmp_path / "mau.pptx")
    done = run_cli(
        "meeting", "--cluster", 6, "--period", "2024-FY", "--out", tmp_path / "out",
        "--warehouse", sample_wh, "--template", tmp_path / "mau.pptx",
        "--trang", "tieu-de,xep-hang,so-sanh",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    deck = Presentation(str(tmp_path / "out" / "hop_cum6_2024-FY.pptx"))
    assert (deck.slide_width, deck.slide_height) == size  # the template's size is kept
    slides = list(deck.slides)
    assert len(slides) == 3  # the template's own slide is dropped, only the chosen ones
    texts = [" ".join(s.text_frame.text for s in sl.shapes if s.has_text_frame) for sl in slides]
    assert not any("Trang mẫu của cơ quan" in t for t in texts)
    assert texts[0].startswith("Cụm thi đua số 6")
    assert texts[1].startswith("Điểm thi đua và xếp hạng")
    assert texts[2].startswith("Khen thưởng so với năm 2023")
    for sl in slides[1:]:  # the title sits in the master's own title placeholder
        assert sl.shapes.title is not None and sl.shapes.title.text_frame.text
        assert sum(s.has_text_frame and s.text_frame.text == sl.shapes.title.text_frame.text
                   for s in sl.shapes) == 1  # fmt: skip
    for n, sl in enumerate(slides, 1):
        master = sl.slide_layout.slide_master
        assert "Biểu trưng cơ quan" in [s.name for s in master.shapes], n
        for s in sl.shapes:
            assert s.left >= 0 and s.top >= 0, (n, s.name)
            assert s.left + s.width <= size[0] and s.top + s.height <= size[1], (n, s.name)
    assert str(deck.slide_master.background.fill.fore_color.rgb) == "F4EEE0"
    w, h = size
    assert w * 3 == h * 4  # the test really used a 4:3 master


@pytest.mark.parametrize("content", [b"not a presentation", None])
def test_a_template_that_is_not_a_deck_is_refused_in_one_sentence(sample_wh, tmp_path, content):
    path = tmp_path / ("mau.pptx" if content else "mau.docx")
    path.write_bytes(content or b"PK\x03\x04")
    done = run_cli(
        "meeting", "--cluster", 6, "--period", "2024-FY", "--out", tmp_path / "out",
        "--warehouse", sample_wh, "--template", path,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    message = done.stderr.strip()
    assert "Traceback" not in message and len(message.splitlines()) == 1, message
    assert "mẫu" in message and path.name in message
    assert not (tmp_path / "out" / "hop_cum6_2024-FY.pptx").exists()


def test_an_unknown_slide_key_is_refused_with_a_suggestion(sample_wh, tmp_path):
    done = run_cli(
        "meeting", "--cluster", 6, "--period", "2024-FY", "--out", tmp_path,
        "--warehouse", sample_wh, "--trang", "xep-hnag",
    )  # fmt: skip
    assert done.returncode == 2
    assert "xep-hnag" in done.stderr and "xep-hang" in done.stderr, done.stderr
    help_ = run_cli("meeting", "--help").stdout
    for key in ("tieu-de", "tong-quan", "so-sanh", "xep-hang", "sang-kien", "tung-chi-tieu"):
        assert key in help_, key


def test_a_template_without_title_layouts_still_gives_a_deck(sample_wh, tmp_path):
    """A master whose layouts have no placeholders at all: text boxes stand in for them."""
    tpl = Presentation()
    for layout in tpl.slide_layouts:
        for ph in list(layout.placeholders):
            ph._element.getparent().remove(ph._element)
    tpl.save(str(tmp_path / "trong.pptx"))
    done = run_cli(
        "meeting", "--cluster", 6, "--period", "2024-FY", "--out", tmp_path / "out",
        "--warehouse", sample_wh, "--template", tmp_path / "trong.pptx", "--trang",
        "tieu-de,xep-hang",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    deck = Presentation(str(tmp_path / "out" / "hop_cum6_2024-FY.pptx"))
    first, ranking = deck.slides
    texts = [s.text_frame.text for s in first.shapes if s.has_text_frame]
    assert texts[0].startswith("Cụm thi đua số 6") and "tổng kết" in texts[1]
    assert ranking.shapes[0].text_frame.text.startswith("Điểm thi đua và xếp hạng")
    assert not [p for sl in deck.slides for p in sl.placeholders]


def _trend_chart(deck):
    slide = next(
        s for s in deck.slides if s.shapes[0].text_frame.text.startswith("Khen thưởng qua các năm")
    )
    (chart,) = [s.chart for s in slide.shapes if getattr(s, "has_chart", False) and s.has_chart]
    return chart


def test_trend_lines_are_the_forms_of_the_meeting_year_and_their_labels_apart(pack):
    # seen projected: «Lao động tiên tiến» (hundreds, not reported 2022–2024) flattened every
    # other line, and the 2024 labels 38 / 20 / 19 sat on one another
    deck, _ = pack
    chart = _trend_chart(deck)
    categories = list(chart.plots[0].categories)
    assert categories[-1] == "2024"
    series = list(chart.plots[0].series)
    assert series and all(s.values[-1] is not None for s in series)
    top = max(v for s in series for v in s.values if v is not None)
    labelled = sorted(
        s.values[-1] for s in series if s.points[len(categories) - 1].data_label.has_text_frame
    )
    assert labelled, "the last point of at least one line carries its value"
    assert all(b - a >= 0.06 * top for a, b in zip(labelled, labelled[1:], strict=False))
