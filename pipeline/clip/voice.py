"""The clip's voice track: recorded narration the analyst drops in `voice/NN.wav|m4a|mp3` (NN
is the frame's number, as scenes/NN.png), or, with `--giong-may`, espeak-ng's Vietnamese
voice as a draft guide to the pace (robotic: never for the meeting itself). Each scene lasts
at least as long as its voice. Numbers, percentages and the sector's abbreviations are read
as words. Imports only the model."""

from __future__ import annotations

import math
import re
import shutil
import subprocess
from pathlib import Path

from pipeline.clip.model import STEPS, ClipError, Scene, regular_file

AUDIO = (".wav", ".m4a", ".mp3")
MACHINE_LABEL = "GIỌNG MÁY (espeak-ng) — bản nháp để nghe nhịp đọc, không dùng trong hội nghị"
MAX_VOICE_BYTES = 200 * 1024 * 1024

# How the sector's abbreviations are read (project table; longest first when replacing).
ABBREVIATIONS = {
    "VKSND": "Viện kiểm sát nhân dân",
    "VKSTC": "Viện kiểm sát nhân dân tối cao",
    "TANDTC": "Tòa án nhân dân tối cao",
    "TAND": "Tòa án nhân dân",
    "TP.HCM": "Thành phố Hồ Chí Minh",
    "TP. HCM": "Thành phố Hồ Chí Minh",
    "TP.": "thành phố",
    "UBND": "Ủy ban nhân dân",
    "HĐND": "Hội đồng nhân dân",
    "QĐ": "quyết định",
    "TT": "thông tư",
    "NĐ-CP": "nghị định của Chính phủ",
    "CSTĐ": "chiến sĩ thi đua",
    "TTLĐXS": "tập thể lao động xuất sắc",
    "BK": "bằng khen",
}
DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]


def _hundreds(n: int, full: bool) -> str:
    """0–999 in words; `full` when a higher group precedes (reads «không trăm», «linh»)."""
    h, rest = divmod(n, 100)
    t, u = divmod(rest, 10)
    words = []
    if h or full:
        words += [DIGITS[h], "trăm"]
    if t == 0:
        if u and (h or full):
            words.append("linh")
    elif t == 1:
        words.append("mười")
    else:
        words += [DIGITS[t], "mươi"]
    if u:
        if u == 1 and t > 1:
            words.append("mốt")
        elif u == 5 and t > 0:
            words.append("lăm")
        elif u == 4 and t > 1:
            words.append("tư")
        else:
            words.append(DIGITS[u])
    return " ".join(words)


def integer_words(n: int) -> str:
    """1234 → «một nghìn hai trăm ba mươi tư»."""
    if n == 0:
        return "không"
    if n < 0:
        return "âm " + integer_words(-n)
    groups = []
    while n:
        n, g = divmod(n, 1000)
        groups.append(g)
    units = ["", "nghìn", "triệu", "tỷ"]
    words = []
    for i in range(len(groups) - 1, -1, -1):
        g = groups[i]
        if g == 0:
            continue
        words.append(_hundreds(g, full=i < len(groups) - 1))
        if units[i % 4]:
            words.append(units[i % 4])
    return " ".join(words)


_NUM = re.compile(r"(?<![\w])(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?(\s?%)?")


def spoken(text: str) -> str:
    """The narration as espeak-ng should read it: abbreviations and numbers in words
    («1.234,5» → «một nghìn hai trăm ba mươi tư phẩy năm», «95,5 %» → «… phần trăm»)."""
    for short in sorted(ABBREVIATIONS, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(short)}(?!\w)", ABBREVIATIONS[short], text)

    def say(m: re.Match) -> str:
        whole = integer_words(int(m.group(1).replace(".", "")))
        if m.group(2):
            whole += " phẩy " + " ".join(DIGITS[int(d)] for d in m.group(2))
        if m.group(3):
            whole += " phần trăm"
        return whole

    text = _NUM.sub(say, text)
    return re.sub(r"[«»“”()]", " ", text).replace("–", ", ").replace("—", ", ")


def recorded(out_dir: Path, number: int) -> Path | None:
    """voice/NN.wav|m4a|mp3 for frame NN, when the analyst dropped one (regular files only)."""
    for ext in AUDIO:
        rel = Path("voice") / f"{number:02d}{ext}"
        if (Path(out_dir) / rel).exists():
            path = regular_file(rel, out_dir, "Tệp giọng đọc")
            if path.stat().st_size > MAX_VOICE_BYTES:
                raise ClipError(f"Tệp giọng đọc «{rel}» lớn hơn 200 MB: không đọc.")
            return path
    return None


def espeak(text: str, path: Path) -> Path:
    exe = shutil.which("espeak-ng")
    if not exe:
        raise ClipError(
            "Không tìm thấy «espeak-ng» cho --giong-may: hãy chạy «make system» (gói Debian "
            "«espeak-ng») hoặc: sudo apt-get install espeak-ng",
            usage=False,
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [exe, "-v", "vi", "-s", "150", "-w", str(path), "--stdin"],
        input=spoken(text),
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0 or not path.exists():
        raise ClipError(f"espeak-ng không đọc được lời dẫn: {done.stderr[-500:]}", usage=False)
    return path


def seconds(path: Path) -> float:
    exe = shutil.which("ffprobe") or "ffprobe"
    done = subprocess.run(
        [exe, "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    try:
        return float(done.stdout.strip())
    except ValueError:
        raise ClipError(f"Không đọc được độ dài của tệp âm thanh «{path.name}».") from None


def voices(kept: list[Scene], out_dir: Path, machine: bool) -> list[Path | None]:
    """One voice per kept scene (recorded first, else espeak-ng with `machine`, else none);
    a scene shorter than its voice (plus half a second) is lengthened to it."""
    out = []
    for i, scene in enumerate(kept, 1):
        path = recorded(out_dir, i)
        if path is None and machine and scene.narration.strip():
            path = espeak(scene.narration, Path(out_dir) / "parts" / "voice" / f"{i:02d}.wav")
        if path is not None:
            need = math.ceil((seconds(path) + 0.5) * STEPS) / STEPS
            scene.duration = max(scene.duration, min(600.0, need))
        out.append(path)
    return out


def write_audio(paths: list[Path | None], durations: list[float], path: Path) -> Path:
    """One audio track: each scene's voice from its start, silence to its end."""
    exe = shutil.which("ffmpeg") or "ffmpeg"
    args = [exe, "-y", "-hide_banner", "-loglevel", "error"]
    graph, labels, k = [], [], 0
    for i, (voice, d) in enumerate(zip(paths, durations, strict=True)):
        if voice is None:
            graph.append(f"anullsrc=r=48000:cl=mono,atrim=0:{d:.3f}[a{i}]")
        else:
            args += ["-i", str(voice)]
            graph.append(
                f"[{k}:a]aformat=sample_rates=48000:channel_layouts=mono,"
                f"apad=whole_dur={d:.3f},atrim=0:{d:.3f}[a{i}]"
            )
            k += 1
        labels.append(f"[a{i}]")
    graph.append("".join(labels) + f"concat=n={len(labels)}:v=0:a=1[out]")
    args += ["-filter_complex", ";".join(graph), "-map", "[out]", "-c:a", "aac", str(path)]
    done = subprocess.run(args, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise ClipError("ffmpeg không dựng được tiếng:\n" + done.stderr[-1500:], usage=False)
    return path


def mux(video: Path, audio: Path) -> Path:
    """The preview with its voice track (the video stream copied as it is)."""
    exe = shutil.which("ffmpeg") or "ffmpeg"
    tmp = video.with_suffix(".voice.mp4")
    done = subprocess.run(
        [exe, "-y", "-hide_banner", "-loglevel", "error", "-i", str(video), "-i", str(audio),
         "-map", "0:v", "-map", "1:a", "-c:v", "copy", "-c:a", "copy", "-shortest",
         "-movflags", "+faststart", str(tmp)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    if done.returncode != 0:
        raise ClipError("ffmpeg không ghép được tiếng:\n" + done.stderr[-1500:], usage=False)
    tmp.replace(video)
    return video
