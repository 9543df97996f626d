"""The analyst's edits are data: the generating command never overwrites an edited storyboard;
`--from` reads only what is inside the clip folder, within bounds, and reports every bad input
at once by its row in the sheet (issue 14)."""

from __future__ import annotations

import json
import os
import shutil
import time
import zipfile

import openpyxl
import pytest
from conftest import run_cli

from pipeline import clip

CLUSTER, PERIOD = 6, "2024-FY"


def _make(sample_wh, out, *extra):
    """`make run`'s clip command, into `out`."""
    return run_cli(
        "clip", "--cluster", CLUSTER, "--period", PERIOD, "--warehouse", sample_wh, "--out", out,
        *extra,
    )  # fmt: skip


@pytest.fixture(scope="module")
def draft(sample_wh, tmp_path_factory):
    out = tmp_path_factory.mktemp("edits") / "cum6"
    done = _make(sample_wh, out)
    assert done.returncode == 0, done.stderr
    return out


def _rows(ws):
    return {ws.cell(r, 11).value: r for r in range(5, ws.max_row + 1) if ws.cell(r, 11).value}


def _edit(xlsx, **cells):
    wb = openpyxl.load_workbook(xlsx)
    ws = wb[clip.SHEET]
    rows = _rows(ws)
    for sid_col, value in cells.items():
        sid, col = sid_col.rsplit("__", 1)
        ws.cell(rows[sid], int(col)).value = value
    wb.save(xlsx)
    return rows


def _narration(xlsx, sid):
    ws = openpyxl.load_workbook(xlsx)[clip.SHEET]
    return ws.cell(_rows(ws)[sid], 4).value


def _docx_text(folder):
    from docx import Document

    return "\n".join(p.text for p in Document(str(folder / clip.DOCX_NAME)).paragraphs)


def test_the_narration_docx_is_the_storyboard_for_the_person_who_reads_it(draft, tmp_path):
    from docx import Document

    out = tmp_path / "cum6"
    shutil.copytree(draft, out)
    xlsx = out / "storyboard.xlsx"
    _edit(xlsx, ranking__6="bỏ", closing__5=7.5)  # a scene dropped, a duration changed
    done = run_cli("clip", "--from", xlsx)
    assert done.returncode == 0, done.stderr
    story = json.loads((out / "storyboard.json").read_text(encoding="utf-8"))
    kept = [s for s in story["scenes"] if s["keep"]]
    assert "ranking" not in [s["id"] for s in kept]
    paragraphs = [p.text for p in Document(str(out / clip.DOCX_NAME)).paragraphs]
    heads = [p for p in paragraphs if p.startswith("Cảnh ")]
    assert len(heads) == len(kept)
    for n, (head, scene) in enumerate(zip(heads, kept, strict=True), 1):
        # «Cảnh 3 — Tiêu đề (12,5 giây)», then the narration as the paragraph after it
        assert head == f"Cảnh {n} — {scene['title']} ({clip.num(scene['duration'])} giây)"
        assert paragraphs[paragraphs.index(head) + 1] == scene["narration"]
    assert f"Cảnh {len(kept)} — " in heads[-1] and "(7,5 giây)" in heads[-1]
    assert (clip.ILLUSTRATIVE in paragraphs[1]) is story["illustrative"]


def test_rerunning_the_generating_command_never_overwrites_an_edit(draft, sample_wh, tmp_path):
    out = tmp_path / "cum6"
    shutil.copytree(draft, out)
    xlsx, js = out / "storyboard.xlsx", out / "storyboard.json"
    generated = _narration(xlsx, "members")
    sentence = "Cụm đoàn kết, chủ động trong cả năm."
    _edit(xlsx, members__4=sentence)
    json_before = js.read_bytes()

    # 1. edited in Excel, not yet re-rendered: the same command keeps it and says how to go on
    done = _make(sample_wh, out)
    assert done.returncode == 0, done.stderr
    assert "Giữ nguyên bản đã sửa" in done.stdout and "--moi" in done.stdout
    assert f"--from {xlsx}" in done.stdout
    assert _narration(xlsx, "members") == sentence
    assert js.read_bytes() == json_before
    assert sentence not in _docx_text(out)  # the reader's copy is not redrawn from a draft

    # 2. re-rendered with --from: still the analyst's work, still kept
    done = run_cli("clip", "--from", xlsx)
    assert done.returncode == 0, done.stderr
    story = json.loads(js.read_text(encoding="utf-8"))
    assert story["edited"] is True and story["xlsx_sha256"] == clip.files.sha256(xlsx)
    assert sentence in _docx_text(out)  # the reader's copy follows the analyst's edit
    docx_before = (out / clip.DOCX_NAME).read_bytes()
    done = _make(sample_wh, out)
    assert done.returncode == 0 and "Giữ nguyên bản đã sửa" in done.stdout
    assert _narration(xlsx, "members") == sentence
    assert (out / clip.DOCX_NAME).read_bytes() == docx_before

    # 3. on purpose: --moi writes a new draft and keeps the edited one beside it
    done = _make(sample_wh, out, "--moi")
    assert done.returncode == 0, done.stderr
    assert _narration(xlsx, "members") == generated
    (aside,) = (out / "ban-da-sua").iterdir()
    assert _narration(aside / "storyboard.xlsx", "members") == sentence
    assert sentence in _docx_text(aside) and sentence not in _docx_text(out)
    assert json.loads((out / "storyboard.json").read_text(encoding="utf-8"))["edited"] is False


def test_an_unedited_draft_is_replaced(draft):
    assert clip.edits_in(draft) == ""
    story = json.loads((draft / "storyboard.json").read_text(encoding="utf-8"))
    assert story["xlsx_sha256"] == clip.files.sha256(draft / "storyboard.xlsx")


def test_from_reports_every_bad_cell_at_once_by_its_row(draft, tmp_path):
    out = tmp_path / "cum6"
    shutil.copytree(draft, out)
    xlsx = out / "storyboard.xlsx"
    rows = _edit(xlsx, ranking__5="mười giây", awards__6="có lẽ", initiatives__5="9999")
    done = run_cli("clip", "--from", xlsx)
    assert done.returncode == 2
    for sid in ("ranking", "awards", "initiatives"):
        assert f"Dòng {rows[sid]}," in done.stderr, sid
    assert "3 chỗ cần sửa" in done.stderr


def test_from_warnings_name_the_xlsx_row_and_accept_the_titles_year(draft, tmp_path):
    out = tmp_path / "cum6"
    shutil.copytree(draft, out)
    xlsx = out / "storyboard.xlsx"
    rows = _edit(
        xlsx,
        members__4="Năm 2024, Cụm có 77 điểm sáng.",
        members__3="Thành phần Cụm năm 2024",
        closing__4="Đến năm 2026 Cụm tiếp tục thi đua.",
    )
    done = run_cli("clip", "--from", xlsx)
    assert done.returncode == 0, done.stderr
    assert f"Dòng {rows['members']} (cảnh" in done.stderr
    # 2024 stands in the edited title: only 77 is questioned
    assert "số 77 trong lời dẫn" in done.stderr
    assert "số 2026 trong lời dẫn" in done.stderr  # not in the closing's title: still said


def test_paths_in_storyboard_json_stay_in_the_clip_folder(draft, tmp_path):
    out = tmp_path / "cum6"
    shutil.copytree(draft, out)
    js = out / "storyboard.json"
    story = json.loads(js.read_text(encoding="utf-8"))
    for s in story["scenes"]:
        if s["id"] == "ranking":
            s["visual"]["part"] = "../../../../etc/hostname"
    js.write_text(json.dumps(story, ensure_ascii=False), encoding="utf-8")
    done = run_cli("clip", "--from", out / "storyboard.xlsx", timeout=120)
    assert done.returncode != 0
    assert "nằm ngoài thư mục clip" in done.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_in_the_clip_folder_is_refused_not_waited_on(draft, tmp_path):
    out = tmp_path / "cum6"
    shutil.copytree(draft, out)
    part = out / "parts" / "ranking.png"
    part.unlink()
    os.mkfifo(part)
    started = time.monotonic()
    done = run_cli("clip", "--from", out / "storyboard.xlsx", timeout=120)
    assert done.returncode != 0
    assert "không phải tệp thường" in done.stderr
    assert time.monotonic() - started < 60


def test_an_xlsx_that_expands_hugely_is_not_read(draft, tmp_path):
    out = tmp_path / "cum6"
    shutil.copytree(draft, out)
    xlsx = out / "storyboard.xlsx"
    with zipfile.ZipFile(xlsx, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/media/padding.bin", b"\0" * (40 * 1024 * 1024))
    assert xlsx.stat().st_size < 2 * 1024 * 1024
    done = run_cli("clip", "--from", xlsx, timeout=120)
    assert done.returncode == 2
    assert "giải nén ra hơn" in done.stderr


def test_unknown_fields_in_storyboard_json_are_said_in_words(draft, tmp_path):
    out = tmp_path / "cum6"
    shutil.copytree(draft, out)
    (out / "storyboard.json").write_text('{"scenes": 3}', encoding="utf-8")
    done = run_cli("clip", "--from", out / "storyboard.xlsx")
    assert done.returncode == 2
    assert "không đọc được như kịch bản" in done.stderr
    assert "Traceback" not in done.stderr
