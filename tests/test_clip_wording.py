"""The clip says awards as the cluster's reports do, and names every unit without a figure and
why (issue 14: narration in the reports' own voice; missing is said)."""

from __future__ import annotations

import duckdb
import pytest

from pipeline import clip
from pipeline.clip.data import missing_units


@pytest.fixture(scope="module")
def con(sample_wh):
    c = duckdb.connect(str(sample_wh), read_only=True)
    yield c
    c.close()


def _scene(con, cluster, period, sid):
    return next(s for s in clip.build_storyboard(con, cluster, period).scenes if s.id == sid)


def test_awards_are_said_by_grantor_and_form_as_the_reports_say_them(con):
    """Cụm 7, 2022 (domain.md: the cluster's own report)."""
    awards = _scene(con, 7, "2022-FY", "awards")
    first = awards.narration.split(". ")[0]
    assert "Viện trưởng VKSND tối cao tặng Bằng khen cho 65 tập thể và 286 cá nhân" in first
    assert "Kỷ niệm chương “Vì sự nghiệp Kiểm sát” cho 39 cá nhân" in first
    assert "Thủ tướng Chính phủ tặng Bằng khen cho 3 cá nhân" in first
    assert "lượt" not in first  # forms of different rank are never added up here
    # no all-forms «lượt» total anywhere in the scene (issue 14): by form and grantor only
    assert "lượt" not in awards.narration and "Tính chung mọi hình thức" not in awards.narration
    assert not any("Tổng số lượt" in f["label"] for f in awards.figures)
    assert clip.unmatched_numbers(awards) == []


def test_a_unit_highlight_says_its_awards_by_form(con):
    scene = _scene(con, 6, "2024-FY", "highlight:ha_tinh")
    assert "Về khen thưởng, Viện trưởng VKSND tối cao" in scene.narration
    assert "Được khen thưởng" not in scene.narration
    assert clip.unmatched_numbers(scene) == []


def test_a_unit_without_a_score_is_named_with_the_reason(con):
    """Nghệ An's 2024 score row is rejected in the sample."""
    (m,) = missing_units(
        con, "score_ranking", "2024-FY", 6,
        [r[0] for r in con.execute(
            "SELECT unit_id FROM clusters WHERE year = 2024 AND cluster_no = 6").fetchall()],
        {"nghe_an": "Nghệ An"},
    )  # fmt: skip
    assert (m.unit_id, m.short_why) == ("nghe_an", "dòng bị từ chối")
    assert "trang «Chấm điểm», dòng 8" in m.why
    assert m.sentence() == "chưa có điểm: Nghệ An — dòng bị từ chối"
    ranking = _scene(con, 6, "2024-FY", "ranking")
    assert "Nghệ An chưa có kết quả chấm điểm trong kho dữ liệu, vì dòng bị từ chối" in (
        ranking.narration
    )
    assert "Chưa có điểm: Nghệ An — dòng bị từ chối" in ranking.visual["notes"]


def test_the_clips_ranking_chart_keeps_a_unit_with_no_score(con):
    """Nghệ An stays on the chart, at the bottom, marked «chưa có điểm» with the reason."""
    chart = clip.build_storyboard(con, 6, "2024-FY").charts["ranking"]
    rows = [
        (str(y), str(text), x)
        for trace in chart.data
        for y, text, x in zip(trace.y, trace.text, trace.x, strict=True)
    ]
    (row,) = [r for r in rows if "Nghệ An" in r[0]]
    assert "chưa có điểm" in row[0] + row[1] and "dòng bị từ chối" in row[1], row
    assert not row[2]  # no bar length made up
    order = list(chart.layout.yaxis.categoryarray)  # bottom to top
    assert "Nghệ An" in order[0] and len(order) == len(rows) == 6
    tile = _scene(con, 6, "2024-FY", "highlight:nghe_an").visual["tiles"][0]
    assert tile["sub"] == "chưa có điểm — dòng bị từ chối"


def test_a_unit_with_no_file_is_said_as_not_sent(con):
    got = missing_units(con, "awards", "2024-FY", 6, ["ha_tinh", "khong_gui"], {})
    assert [(m.unit_id, m.short_why) for m in got] == [
        ("khong_gui", "chưa có trong các tệp đã nạp")
    ]


def _vietnamese_letters() -> str:
    """Every letter of Vietnamese: the 12 vowels with each of the 5 tone marks, đ, both cases."""
    import unicodedata

    tones = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]
    lower = (
        "".join(unicodedata.normalize("NFC", v + t) for v in "aăâeêioôơuưy" for t in tones)
        + "bcdđghklmnpqrstvx"
    )
    return lower + lower.upper()


def _covers(path) -> str:
    """The Vietnamese letters the font file at `path` has no glyph for ('' = all there)."""
    from fontTools.ttLib import TTFont

    cmap = TTFont(str(path), lazy=True).getBestCmap()
    return "".join(ch for ch in _vietnamese_letters() if ord(ch) not in cmap)


def test_frames_and_subtitles_use_a_font_with_every_vietnamese_letter():
    from pipeline.clip import frames, video

    assert len(_vietnamese_letters()) == 2 * (72 + 17)
    for bold in (False, True):
        path = frames.font(40, bold).path  # the file Pillow really draws with
        assert "liberation" not in str(path).lower()
        assert _covers(path) == "", path
    # the subtitles: libass is pointed at the folder of a font of that family name
    from fontTools.ttLib import TTFont

    files = list(video.SUBTITLE_FONTS_DIR.glob("*.ttf"))
    names = {TTFont(str(f), lazy=True)["name"].getBestFamilyName() for f in files}
    assert frames.SUBTITLE_FONT in names
    family = [f for f in files if "Regular" in f.name]
    assert family and _covers(family[0]) == ""


def test_the_clips_charts_name_a_font_with_every_vietnamese_letter(con):
    import subprocess

    sb = clip.build_storyboard(con, 6, "2024-FY")
    families = {f.layout.font.family for f in sb.charts.values()}
    assert families == {"Noto Sans"}, families
    found = subprocess.run(
        ["fc-match", "-f", "%{file}", "Noto Sans"], capture_output=True, text=True
    ).stdout
    assert "NotoSans" in found and _covers(found) == ""
