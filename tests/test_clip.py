"""The video-clip report draft (`thidua clip`): scenes drawn from the warehouse, every number of
the narration among the scene's figures and every figure equal to the public views, frames,
subtitles and an MP4 that plays, and the analyst's edit-and-re-render round trip.

The clip is built once for the module (cluster 6, 2024-FY of the sample warehouse) with the real
Chromium and ffmpeg; the round trip works on a copy of it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import duckdb
import openpyxl
import pytest
from conftest import build, run_cli, write_xlsx
from PIL import Image, ImageStat

from pipeline import clip
from pipeline.clip.render import probe, split_cues, srt_cues
from pipeline.core.text import format_vn

CLUSTER, PERIOD = 6, "2024-FY"
KINDS_BEFORE = ["title", "members", "movements", "indicators", "ranking", "awards", "initiatives"]
KINDS_AFTER = ["shortcomings", "closing"]


@pytest.fixture(scope="module")
def built(sample_wh, tmp_path_factory):
    out = tmp_path_factory.mktemp("clip") / "cum6"
    done = run_cli(
        "clip", "--cluster", CLUSTER, "--period", PERIOD, "--warehouse", sample_wh, "--out", out
    )
    assert done.returncode == 0, done.stderr
    return out, done


@pytest.fixture(scope="module")
def story(built):
    return json.loads((built[0] / "storyboard.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def con(sample_wh):
    c = duckdb.connect(str(sample_wh), read_only=True)
    yield c
    c.close()


def _srt(path):
    blocks = path.read_text(encoding="utf-8").strip().split("\n\n")
    out = []
    for b in blocks:
        _, times, *text = b.split("\n")
        a, z = times.split(" --> ")
        out.append((_ms(a), _ms(z), " ".join(text)))
    return out


def _ms(t):
    h, m, rest = t.split(":")
    s, ms = rest.split(",")
    return ((int(h) * 60 + int(m)) * 60 + int(s)) * 1000 + int(ms)


# -- the command and what it writes ------------------------------------------------------------


def test_clip_writes_every_output_and_reports_progress(built, story):
    out, done = built
    for name in ("storyboard.json", "storyboard.xlsx", "narration.srt", "preview.mp4"):
        assert (out / name).is_file(), name
    assert len(list((out / "scenes").glob("*.png"))) == len(story["scenes"])
    for step in ("Đọc kho dữ liệu", "Dựng kịch bản", "Vẽ", "phụ đề", "preview.mp4", "Xong"):
        assert step in done.stdout


def test_scene_order_and_kinds(story, con):
    kinds = [s["kind"] for s in story["scenes"]]
    members = [
        r[0]
        for r in con.execute(
            "SELECT unit_id FROM clusters WHERE year = 2024 AND cluster_no = 6 ORDER BY CASE role "
            "WHEN 'truong' THEN 0 WHEN 'pho' THEN 1 ELSE 2 END, unit_id"
        ).fetchall()
    ]
    assert kinds == KINDS_BEFORE + ["highlight"] * len(members) + KINDS_AFTER
    highlights = [s["id"].split(":")[1] for s in story["scenes"] if s["kind"] == "highlight"]
    assert highlights[:2] == members[:2]  # the head, then the deputy
    assert sorted(highlights) == sorted(members)
    assert all(s["keep"] for s in story["scenes"])
    assert [s["image"] for s in story["scenes"]] == [
        f"scenes/{i:02d}.png" for i in range(1, len(kinds) + 1)
    ]


def test_every_number_in_the_narration_is_a_figure_equal_to_the_views(story, con):
    public = set(clip.PUBLIC_VIEWS)
    checked = 0
    for s in story["scenes"]:
        for token, value, decimals in clip.numbers_in(s["narration"]):
            assert any(clip.figure_matches(f["value"], value, decimals) for f in s["figures"]), (
                f"{s['id']}: «{token}» is not among the figures"
            )
            checked += 1
        for f in s["figures"]:
            views = set(re.findall(r"\b(?:FROM|JOIN)\s+([a-z_]+)", f["query"], re.I))
            assert views and views <= public, (s["id"], f["query"])
            assert "recipients" not in f["query"]  # counts only, never named recipients
            again = con.execute(f["query"]).fetchone()[0]
            assert again == pytest.approx(f["value"]), (s["id"], f)
    assert checked > 60


def _on_screen(scene):
    """The texts a frame shows besides its title (tables without their STT column, tiles, side
    panels, lists)."""
    v = scene["visual"]
    texts = []
    if v.get("type") == "table":
        keep = [i for i, c in enumerate(v["columns"]) if c != "STT"]
        texts += [str(row[i]) for row in v["rows"] for i in keep]
    for key in ("tiles", "side"):
        texts += [f"{t['value']} {t.get('sub', '')}" for t in v.get(key) or []]
    texts += list(v.get("left") or []) + list(v.get("right") or []) + list(v.get("notes") or [])
    return texts


def test_every_number_on_a_frame_is_a_figure(story):
    checked = 0
    for s in story["scenes"]:
        for text in _on_screen(s):
            for token, value, decimals in clip.numbers_in(text):
                assert any(
                    clip.figure_matches(f["value"], value, decimals) for f in s["figures"]
                ), f"{s['id']}: «{token}» in «{text}»"
                checked += 1
    assert checked > 100


def test_figures_agree_with_sums_written_here(story, con):
    """Independent of the recorded queries: a few totals computed by the test itself."""
    by_id = {s["id"]: s for s in story["scenes"]}
    (total,) = con.execute(
        "SELECT sum(count) FROM awards WHERE period = '2024-FY' AND cluster_no = 6"
    ).fetchone()
    (prev,) = con.execute(
        "SELECT sum(count) FROM awards WHERE period = '2023-FY' AND unit_id IN "
        "(SELECT unit_id FROM clusters WHERE year = 2024 AND cluster_no = 6)"
    ).fetchone()
    awards = by_id["awards"]["narration"]
    # forms of different rank are never summed into one count (issue 14): no all-forms total,
    # this year's or last year's, and no «lượt» at all; the change is said form by form
    assert total and prev
    assert f"{format_vn(total)} lượt" not in awards and f"({format_vn(prev)} lượt)" not in awards
    assert "lượt" not in awards and "Tính chung mọi hình thức" not in awards
    assert not any("Tổng số lượt" in f["label"] for f in by_id["awards"]["figures"])
    name, kind, now, before = con.execute(
        """WITH c AS (SELECT award_id, recipient_kind, sum(count) n FROM awards
                      WHERE period = '2024-FY' AND cluster_no = 6 GROUP BY ALL),
                p AS (SELECT award_id, recipient_kind, sum(count) n FROM awards
                      WHERE period = '2023-FY' AND unit_id IN (SELECT unit_id FROM clusters
                      WHERE year = 2024 AND cluster_no = 6) GROUP BY ALL)
           SELECT award_id, c.recipient_kind, c.n, p.n FROM c JOIN p USING (award_id, recipient_kind)
           WHERE award_id = 'bang_khen_vkstc' AND c.n <> p.n ORDER BY c.recipient_kind DESC"""
    ).fetchone()
    word = "tập thể" if kind == "tap_the" else "cá nhân"
    move = "lên" if now > before else "xuống"
    change = f"{'tăng' if now > before else 'giảm'} từ {format_vn(before)} {move}"
    assert f"{change} {format_vn(now)} {word}" in awards, awards
    leader, points = con.execute(
        "SELECT u.name, r.total_points FROM score_ranking r JOIN units u USING (unit_id) "
        "WHERE period = '2024-FY' AND cluster_no = 6 ORDER BY rank, u.name LIMIT 1"
    ).fetchone()
    assert (
        f"tỉnh {leader} dẫn đầu Cụm với {format_vn(points)} điểm" in by_id["ranking"]["narration"]
    )
    (missed,) = con.execute(
        "SELECT count(*) FROM indicator_results WHERE period = '2024-FY' AND "
        "cluster_no = 6 AND NOT met"
    ).fetchone()
    assert f"còn {missed} lượt chỉ tiêu chưa đạt" in by_id["shortcomings"]["narration"]


def test_ranks_in_words_are_the_ranks(story):
    """«xếp thứ ba» in a highlight is the unit's rank figure, «dẫn đầu Cụm» rank 1."""
    words = {v: k for k, v in clip.ORDINALS.items()}
    seen = 0
    for s in story["scenes"]:
        if s["kind"] != "highlight":
            continue
        rank = [f["value"] for f in s["figures"] if f["label"] == "Xếp hạng trong Cụm"]
        said = re.search(r"xếp thứ (\w+) trong Cụm", s["narration"])
        if said:
            assert rank == [words[said.group(1)]], s["id"]
            seen += 1
        elif "dẫn đầu Cụm" in s["narration"]:
            assert rank == [1], s["id"]
            seen += 1
    assert seen >= 5


def test_missing_scores_are_said_not_invented(story, con):
    """Nghệ An's 2024-FY scoring row is rejected in the sample: the clip says so."""
    ranked = {
        r[0]
        for r in con.execute(
            "SELECT unit_id FROM score_ranking WHERE period = '2024-FY' AND cluster_no = 6"
        ).fetchall()
    }
    assert "nghe_an" not in ranked
    by_id = {s["id"]: s for s in story["scenes"]}
    assert "Nghệ An chưa có kết quả chấm điểm" in by_id["ranking"]["narration"]
    nghe_an = by_id["highlight:nghe_an"]
    assert "chưa có kết quả chấm điểm" in nghe_an["narration"]
    assert not [
        f for f in nghe_an["figures"] if "score_ranking" in f["query"] and "nghe_an" in f["query"]
    ]


def test_illustrative_data_is_said_everywhere(built, story):
    out, _ = built
    assert story["illustrative"] and story["illustrative_label"] == clip.ILLUSTRATIVE
    assert "dữ liệu minh họa" in story["scenes"][0]["narration"]
    assert any("dữ liệu minh họa" in text for _, _, text in _srt(out / "narration.srt")[:3])
    ws = openpyxl.load_workbook(out / "storyboard.xlsx")[clip.SHEET]
    assert clip.ILLUSTRATIVE in ws["A2"].value
    # the orange «DỮ LIỆU MINH HỌA» badge in the top right corner of every frame
    for png in sorted((out / "scenes").glob("*.png")):
        corner = Image.open(png).convert("RGB").crop((1300, 0, 1920, 140))
        orange = sum(n for n, c in corner.getcolors(1 << 20) if c == (0xE0, 0x8A, 0x1E))
        assert orange > 5000, png.name


def test_wording_names_units_as_people_say_them(story):
    members = story["scenes"][1]["narration"]
    assert "Cụm thi đua số 6 gồm 6 đơn vị" in members
    assert "VKSND tỉnh Hà Tĩnh là Cụm trưởng" in members
    assert "VKSND tỉnh Thanh Hóa là Cụm phó" in members
    text = " ".join(s["narration"] for s in story["scenes"])
    assert "Thanh Hoá" not in text and "  " not in text
    assert not re.search(r"\d\.\d(?!\d{2})", text)  # no decimal point: 93,5 not 93.5


# -- frames, subtitles, video ---------------------------------------------------------------------


def test_pngs_are_1080p_and_not_blank(built):
    out, _ = built
    pngs = sorted((out / "scenes").glob("*.png"))
    assert pngs
    for png in pngs:
        img = Image.open(png).convert("RGB")
        assert img.size == (1920, 1080)
        body = img.crop((0, 150, 1920, 890))  # between the header and the subtitle band
        assert len(body.getcolors(1 << 20)) > 50, png.name
        assert max(ImageStat.Stat(body).stddev) > 20, png.name


def test_subtitles_are_timed_to_the_scenes(built, story):
    out, _ = built
    cues = _srt(out / "narration.srt")
    assert cues[0][0] == 0
    for (a, b, _), (c, _, _) in zip(cues, cues[1:], strict=False):
        assert a < b == c
    total_ms = round(sum(s["duration"] for s in story["scenes"]) * 1000)
    assert cues[-1][1] == total_ms
    start = 0
    for s in story["scenes"]:  # each scene's cues, in its time, give back its narration
        end = start + round(s["duration"] * 1000)
        inside = [t for a, b, t in cues if start <= a and b <= end]
        assert " ".join(inside) == " ".join(s["narration"].split())
        start = end


def test_mp4_plays_for_the_sum_of_the_durations_at_1080p(built, story):
    out, _ = built
    info = probe(out / "preview.mp4")
    total = sum(s["duration"] for s in story["scenes"])
    assert info["duration"] == pytest.approx(total, abs=0.1)
    assert (info["width"], info["height"], info["codec"], info["pix_fmt"]) == (
        1920,
        1080,
        "h264",
        "yuv420p",
    )
    decoded = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(out / "preview.mp4"), "-f", "null", "-"],
        capture_output=True,
        text=True,
    )
    assert decoded.returncode == 0 and decoded.stderr == ""


def test_subtitles_are_burnt_into_the_video(built, story):
    """A frame of the video differs from its PNG in the subtitle band only."""
    out, _ = built
    t = story["scenes"][0]["duration"] + 1  # one second into the second scene
    grab = out.parent / "grab.png"
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-y",
            "-ss",
            str(t),
            "-i",
            str(out / "preview.mp4"),
            "-frames:v",
            "1",
            str(grab),
        ],
        check=True,
    )
    video = Image.open(grab).convert("L")
    still = Image.open(out / "scenes" / "02.png").convert("L")
    band = (0, 900, 1920, 1080)

    def white(img):
        return sum(img.crop(band).histogram()[201:])

    assert white(still) < 50 < 2000 < white(video)  # white letters on the dark band
    top = (0, 0, 1920, 860)
    diff = [
        abs(a - b)
        for a, b in zip(
            ImageStat.Stat(video.crop(top)).mean, ImageStat.Stat(still.crop(top)).mean, strict=True
        )
    ]
    assert max(diff) < 2


# -- the spreadsheet an analyst edits ------------------------------------------------------------


def test_xlsx_has_the_editable_columns_and_hidden_ids(built, story):
    out, _ = built
    wb = openpyxl.load_workbook(out / "storyboard.xlsx")
    assert wb.sheetnames[0] == clip.SHEET
    ws = wb[clip.SHEET]
    header = [c.value for c in ws[4]]
    assert header == clip.COLUMNS
    ids = [ws.cell(r, 11).value for r in range(5, 5 + len(story["scenes"]))]
    assert ids == [s["id"] for s in story["scenes"]]
    assert ws.column_dimensions["K"].hidden
    assert ws.protection.sheet
    assert any('"giữ,bỏ"' == v.formula1 for v in ws.data_validations.dataValidation)
    assert ws.cell(5, 4).value == story["scenes"][0]["narration"]
    assert not ws.cell(5, 4).protection.locked and ws.cell(5, 8).protection.locked
    assert "Cụm thi đua số: 6" in ws.cell(5, 8).value


def test_edit_and_rerender_keeps_the_analysts_wording(built, tmp_path):
    src, _ = built
    out = tmp_path / "cum6"
    shutil.copytree(src, out)
    before = json.loads((out / "storyboard.json").read_text(encoding="utf-8"))
    xlsx = out / "storyboard.xlsx"
    wb = openpyxl.load_workbook(xlsx)
    ws = wb[clip.SHEET]
    rows = {ws.cell(r, 11).value: r for r in range(5, ws.max_row + 1) if ws.cell(r, 11).value}
    sentence = "Cụm đã đoàn kết, chủ động và sáng tạo trong suốt cả năm, với 99 sáng kiến mới."
    ws.cell(rows["members"], 4).value = sentence
    ws.cell(rows["ranking"], 5).value = "17,5"
    ws.cell(rows["movements"], 6).value = "bỏ"
    ws.cell(rows["closing"], 7).value = "- Giữ vững kỷ cương, kỷ luật"
    wb.save(xlsx)

    done = run_cli("clip", "--from", xlsx)
    assert done.returncode == 0, done.stderr
    assert "số 99 trong lời dẫn không có trong số liệu" in done.stderr

    after = json.loads((out / "storyboard.json").read_text(encoding="utf-8"))
    scenes = {s["id"]: s for s in after["scenes"]}
    assert scenes["members"]["narration"] == sentence
    assert scenes["ranking"]["duration"] == 17.5
    assert scenes["closing"]["body"] == "- Giữ vững kỷ cương, kỷ luật"
    assert scenes["movements"]["keep"] is False and scenes["movements"]["image"] == ""
    assert (
        scenes["awards"]["figures"] == {s["id"]: s for s in before["scenes"]}["awards"]["figures"]
    )
    kept = [s for s in after["scenes"] if s["keep"]]
    assert len(kept) == len(before["scenes"]) - 1
    assert len(list((out / "scenes").glob("*.png"))) == len(kept)
    srt = " ".join(t for _, _, t in _srt(out / "narration.srt"))
    assert sentence in srt
    assert "phong trào thi đua Cụm đã phát động" not in srt  # the dropped scene's narration
    total = sum(s["duration"] for s in kept)
    old_total = sum(s["duration"] for s in before["scenes"])
    movements = {s["id"]: s for s in before["scenes"]}["movements"]["duration"]
    ranking = {s["id"]: s for s in before["scenes"]}["ranking"]["duration"]
    assert total == old_total - movements - ranking + 17.5
    assert probe(out / "preview.mp4")["duration"] == pytest.approx(total, abs=0.1)
    # the analyst's file is left as they saved it
    assert openpyxl.load_workbook(xlsx)[clip.SHEET].cell(rows["members"], 4).value == sentence


# -- errors an analyst can make ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, words",
    [
        # the sample has clusters 1–13 in 2024 and figures from 2020 (raw/README.md)
        (["--cluster", 14, "--period", "2024-FY"], "Cụm thi đua số 14 không có số liệu"),
        (["--cluster", 6, "--period", "2019-FY"], "không có số liệu của kỳ 2019-FY"),
        (["--cluster", 6, "--period", "2024"], "không đúng dạng"),
        (["--cluster", 6], "Cần --cluster và --period"),
    ],
)
def test_unknown_cluster_or_period_is_a_usage_error(sample_wh, tmp_path, args, words):
    done = run_cli("clip", *args, "--warehouse", sample_wh, "--out", tmp_path / "x")
    assert done.returncode == 2
    assert words in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "x").exists()


def test_a_period_with_figures_but_no_cluster_list_is_said(raw, wh, tmp_path):
    write_xlsx(
        raw / "kt.xlsx",
        {
            "Khen thưởng": [
                ["CỤM THI ĐUA SỐ 6"],
                ["TỔNG HỢP KHEN THƯỞNG NĂM 2019"],
                ["STT", "Đơn vị", "Hình thức khen thưởng", "Tập thể", "Cá nhân"],
                [1, "Thanh Hóa", "Giấy khen", 1, 2],
            ]
        },
    )
    build(raw, wh)
    done = run_cli("clip", "--cluster", 6, "--period", "2019-FY", "--warehouse", wh,
                   "--out", tmp_path / "x")  # fmt: skip
    assert done.returncode == 2
    assert "chưa có danh sách cụm thi đua năm 2019" in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "x").exists()


def test_missing_warehouse_is_said(tmp_path):
    done = run_cli(
        "clip", "--cluster", 6, "--period", "2024-FY", "--warehouse", tmp_path / "none.duckdb"
    )
    assert done.returncode == 2 and "Chưa có kho dữ liệu" in done.stderr


def test_bad_cells_in_the_xlsx_name_their_row(tmp_path):
    sb = clip.Storyboard(
        6,
        "2024-FY",
        False,
        [
            clip.Scene("title", "title", "Tiêu đề", "Lời dẫn một.", 8),
            clip.Scene("closing", "closing", "Phương hướng", "Lời dẫn hai.", 10),
        ],
    )
    path = clip.write_xlsx(sb, tmp_path / "storyboard.xlsx")
    for col, value, words in (
        (6, "có lẽ", "Dòng 6, cột «Giữ/Bỏ»"),
        (5, "mười", "Dòng 6, cột «Thời lượng (giây)»"),
        (5, 0, "ngoài khoảng"),
    ):
        wb = openpyxl.load_workbook(path)
        wb[clip.SHEET].cell(6, col).value = value
        wb.save(tmp_path / "bad.xlsx")
        with pytest.raises(clip.ClipError, match=re.escape(words)):
            clip.read_xlsx_edits(
                tmp_path / "bad.xlsx",
                clip.Storyboard(6, "2024-FY", False, [clip.Scene(**vars(s)) for s in sb.scenes]),
            )
    wb = openpyxl.load_workbook(path)
    wb[clip.SHEET].cell(5, 6).value = "Bỏ"
    wb[clip.SHEET].cell(6, 6).value = "bo"
    wb.save(tmp_path / "none.xlsx")
    with pytest.raises(clip.ClipError, match="ít nhất một cảnh"):
        clip.read_xlsx_edits(tmp_path / "none.xlsx", sb)


# -- storyboards without rendering ------------------------------------------------------------------


def test_no_previous_year_is_said(con):
    """2020-H1, the sample's first period, has no 2019-H1 to compare with: the awards scene
    says so, with no figure for it."""
    sb = clip.build_storyboard(con, 7, "2020-H1")
    awards = next(s for s in sb.scenes if s.kind == "awards")
    assert "chưa có số liệu khen thưởng cùng kỳ năm trước" in awards.narration
    assert not [f for f in awards.figures if "2019" in f["query"]]
    assert "sáu tháng đầu năm 2020" in awards.narration.lower()
    assert sb.scenes[-1].title == "Phương hướng, nhiệm vụ 6 tháng cuối năm 2020"
    for s in sb.scenes:
        assert clip.unmatched_numbers(s) == [], s.id


def test_theme_and_direction_are_placeholders_never_invented(story):
    title, closing = story["scenes"][0], story["scenes"][-1]
    assert clip.is_placeholder(title["body"]) and title["body"].startswith("Chủ đề năm:")
    assert clip.is_placeholder(closing["narration"]) and clip.is_placeholder(closing["body"])
    assert closing["figures"] == []


# -- the Vietnamese helpers ------------------------------------------------------------------------


def test_numbers_in_reads_vietnamese_numbers():
    found = clip.numbers_in("Đạt 1.234,5 điểm, 93,5% và 2024. Còn 7 lượt; 12.000 người, 0,25.")
    assert [(t, v, d) for t, v, d in found] == [
        ("1.234,5", 1234.5, 1),
        ("93,5", 93.5, 1),
        ("2024", 2024, 0),
        ("7", 7, 0),
        ("12.000", 12000, 0),
        ("0,25", 0.25, 2),
    ]
    assert clip.numbers_in("Cụm thi đua, không số.") == []


def test_figure_matches_as_written():
    assert clip.figure_matches(93.5, 93.5, 1)
    assert clip.figure_matches(83.84, 83.8, 1)
    assert clip.figure_matches(-3, 3, 0)  # «giảm 3 lượt»
    assert not clip.figure_matches(93.5, 94, 0)
    assert not clip.figure_matches(93.46, 93.4, 1)
    assert clip.figure_matches(2024, 2024, 0)
    assert not clip.figure_matches(None, 1, 0)


def test_units_are_named_as_people_say_them():
    assert clip.place("Gia Lai", "tinh") == "tỉnh Gia Lai"
    assert clip.place("Huế", "thanh_pho") == "thành phố Huế"
    assert clip.unit_short("Hồ Chí Minh", "thanh_pho") == "VKSND thành phố Hồ Chí Minh"
    assert clip.unit_full("Thanh Hóa", "tinh") == "Viện kiểm sát nhân dân tỉnh Thanh Hóa"
    assert clip.unit_short("VKSND cấp cao tại Hà Nội", "cap_cao") == "VKSND cấp cao tại Hà Nội"
    assert clip.unit_full("VKSND cấp cao tại Hà Nội", "cap_cao") == (
        "Viện kiểm sát nhân dân cấp cao tại Hà Nội"
    )
    assert clip.places([("Nghệ An", "tinh"), ("Quảng Bình", "tinh"), ("Huế", "thanh_pho")]) == (
        "các tỉnh Nghệ An, Quảng Bình và thành phố Huế"
    )
    assert clip.places([("Kon Tum", "tinh")]) == "tỉnh Kon Tum"
    assert clip.places([("Hà Nội", "thanh_pho"), ("Hải Phòng", "thanh_pho")]) == (
        "các thành phố Hà Nội và Hải Phòng"
    )
    assert clip.join_vn(["A", "B", "C"]) == "A, B và C"
    assert clip.ordinal(1) == "thứ nhất" and clip.ordinal(4) == "thứ tư"


def test_long_narration_is_cut_into_cues_within_its_scene():
    text = (
        "Kết quả chấm điểm thi đua: tỉnh A dẫn đầu Cụm với 94 điểm; tỉnh B xếp thứ hai với "
        "93,5 điểm; tỉnh C xếp thứ ba với 91,5 điểm. Lưu ý: dữ liệu minh họa."
    )
    cues = split_cues(text, 60)
    assert " ".join(cues) == text and all(len(c) <= 60 for c in cues)
    scenes = [clip.Scene("a", "title", "A", text, 12.25), clip.Scene("b", "closing", "B", "", 3)]
    timed = srt_cues(scenes)
    assert timed[0][0] == 0 and timed[-1][1] == 12250
    assert all(a < b and b % 250 == 0 for a, b, _ in timed)


def test_numbers_in_words():
    assert clip.num(1234.5) == "1.234,5" and clip.qty(93.5, "%") == "93,5%"


# -- the preview shows every subtitle, and sender text stays text (issue 14) ---------------------


def _bands(mp4, fps=4):
    """The subtitle band of every frame of the preview, small and grey (one decode)."""
    w, h = 480, 45
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(mp4), "-vf",
         f"fps={fps},crop=1920:180:0:900,scale={w}:{h},format=gray", "-f", "rawvideo", "-"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    size = w * h
    return [raw[i : i + size] for i in range(0, len(raw) - size + 1, size)]


def test_every_subtitle_cue_is_visible_at_its_midpoint(built):
    """Each cue shows in the preview at its midpoint, and it is not the cue before it."""
    out, _ = built
    cues = _srt(out / "narration.srt")
    bands = _bands(out / "preview.mp4")
    shown = []
    for a, b, text in cues:
        band = bands[int((a + b) / 2 / 1000 * 4)]
        shown.append(band)
        assert sum(1 for px in band if px > 200) > 40, f"cue {a} ms «{text[:40]}» not shown"
    for i in range(1, len(cues)):
        diff = sum(abs(x - y) for x, y in zip(shown[i], shown[i - 1], strict=True)) / len(shown[i])
        assert diff > 1, f"cue {cues[i][0]} ms shows the text of the cue before it"


def test_sender_markup_in_narration_stays_text_in_the_subtitles(tmp_path):
    """`<font size="90" color="red">` or an ASS override in an indicator name is shown as
    written: ffmpeg's own SRT reader finds no markup in the cue."""
    from pipeline.clip.video import write_srt

    evil = 'Tỷ lệ <font size="90" color="red">giải quyết</font> {\\fs200\\c&H0000FF&}tin báo\\N đạt'
    srt = write_srt([clip.Scene("a", "title", "A", evil, 6)], tmp_path / "x.srt")
    ass = tmp_path / "x.ass"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(srt), str(ass)], check=True)
    dialogue = [
        line for line in ass.read_text(encoding="utf-8").splitlines() if line.startswith("Dialogue")
    ]
    text = dialogue[0].split(",", 9)[-1]
    # no override block, colour or line break is left for libass to obey; the words still show
    assert "{\\" not in text and "\\c" not in text and "\\fs" not in text and "\\N" not in text
    assert 'color="red"' in text and "<\u200bfont" in text and "giải quyết" in text


def test_ticks_and_crosses_show_although_the_frame_font_lacks_them():
    """«✓ đạt» and «✗ chưa đạt» (table cells, highlights, the legend): Be Vietnam Pro and Noto
    Sans have no such glyph, so the marks are drawn as strokes in the width the font gives."""
    from PIL import ImageDraw

    from pipeline.clip.frames import draw_text, font

    f = font(30)

    def inked(text, drawer):
        img = Image.new("L", (200, 60), 255)
        drawer(ImageDraw.Draw(img), text)
        return sum(img.histogram()[:128])

    def plain(d, text):
        d.text((10, 10), text, font=f, fill=0)

    def marked(d, text):
        draw_text(d, (10, 10), text, f, "black")

    for mark in "✓✗":
        assert inked(mark, plain) == 0  # the font leaves it blank
        assert inked(mark, marked) > 20  # drawn
    assert inked("✓ 93,8%", marked) > inked("93,8%", marked)  # text still drawn after the mark
    assert inked("đạt", marked) == inked("đạt", plain)  # text with no mark: as before
