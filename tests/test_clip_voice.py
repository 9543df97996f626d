"""The clip's voice (issue 14): recorded narration per scene is mixed in and the scene lasts
as long as its voice; --giong-may adds espeak-ng's Vietnamese voice, labelled as a draft, with
numbers and abbreviations read as words."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from pipeline import clip
from pipeline.clip import voice as V
from pipeline.clip.render import probe, render


def _streams(path):
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "stream=codec_type", "-of", "json", str(path)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return [s["codec_type"] for s in json.loads(out)["streams"]]


def _board():
    scenes = [
        clip.Scene("a", "closing", "Mở đầu", "Lời dẫn thứ nhất.", 6, visual={"type": "text"}),
        clip.Scene(
            "b", "closing", "Kết quả", "VKSND tỉnh Nghệ An đạt 95,5 %.", 6, visual={"type": "text"}
        ),
    ]
    return clip.Storyboard(6, "2024-FY", False, scenes)


def test_numbers_and_abbreviations_are_read_as_words():
    assert V.integer_words(1234) == "một nghìn hai trăm ba mươi tư"
    assert V.integer_words(2024) == "hai nghìn không trăm hai mươi tư"
    assert V.integer_words(105) == "một trăm linh năm"
    assert V.integer_words(21) == "hai mươi mốt" and V.integer_words(15) == "mười lăm"
    said = V.spoken("VKSND tỉnh Nghệ An đạt 1.234,5 điểm, 95,5 % theo QĐ của VKSTC.")
    assert "Viện kiểm sát nhân dân tỉnh Nghệ An" in said
    assert "một nghìn hai trăm ba mươi tư phẩy năm điểm" in said
    assert "chín mươi lăm phẩy năm phần trăm" in said
    assert "quyết định của Viện kiểm sát nhân dân tối cao" in said
    assert V.spoken("TP.HCM") == "Thành phố Hồ Chí Minh"


def test_a_recorded_voice_is_mixed_in_and_its_scene_lasts_as_long(tmp_path):
    sb = _board()
    (tmp_path / "voice").mkdir()
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=9",
         str(tmp_path / "voice" / "01.wav")],
        check=True,
    )  # fmt: skip
    render(sb, tmp_path)
    assert sb.scenes[0].duration == 9.5 and sb.scenes[1].duration == 6
    mp4 = tmp_path / "preview.mp4"
    assert _streams(mp4) == ["video", "audio"]
    assert probe(mp4)["duration"] == pytest.approx(15.5, abs=0.15)


@pytest.mark.skipif(not shutil.which("espeak-ng"), reason="espeak-ng (make system) missing")
def test_machine_voice_is_a_labelled_draft(tmp_path):
    sb = _board()
    render(sb, tmp_path, machine_voice=True)
    assert (tmp_path / "parts" / "voice" / "02.wav").is_file()
    assert sb.voice == V.MACHINE_LABEL and "bản nháp" in sb.voice
    assert _streams(tmp_path / "preview.mp4") == ["video", "audio"]
    assert probe(tmp_path / "preview.mp4")["duration"] == pytest.approx(
        sb.total_duration(), abs=0.15
    )


def test_a_fifo_as_voice_is_refused(tmp_path):
    import os

    (tmp_path / "voice").mkdir()
    os.mkfifo(tmp_path / "voice" / "01.wav")
    with pytest.raises(clip.ClipError, match="không phải tệp thường"):
        V.recorded(tmp_path, 1)
