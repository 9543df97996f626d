"""The subtitles (narration.srt) and the preview video (preview.mp4) of a clip storyboard."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from pipeline.clip.frames import SUBTITLE_FONT, SUBTITLE_FONTS_DIR
from pipeline.clip.model import STEPS, ClipError, Scene

FPS = STEPS  # still frames need few frames a second; durations are quarters of a second


# -- subtitles -----------------------------------------------------------------------------------

MAX_CUE = 96  # characters: two lines of subtitles at the size burnt in


def split_cues(text: str, limit: int = MAX_CUE) -> list[str]:
    """Sentences, and long sentences cut at a comma or a semicolon, else between words."""
    text = " ".join((text or "").split())
    if not text:
        return []
    sentences = re.split(r"(?<=[.!?])\s+(?=\S)", text)
    out: list[str] = []
    for s in sentences:
        while len(s) > limit:
            cut = max(s.rfind(", ", 0, limit), s.rfind("; ", 0, limit), s.rfind(": ", 0, limit))
            if cut < limit // 3:
                cut = s.rfind(" ", 0, limit)
            if cut <= 0:
                cut = limit
            out.append(s[: cut + 1].strip())
            s = s[cut + 1 :].strip()
        if s:
            out.append(s)
    # join very short pieces to their neighbour so a cue stays readable
    merged: list[str] = []
    for piece in out:
        if (
            merged
            and len(merged[-1]) + len(piece) + 1 <= limit
            and (len(piece) < 25 or len(merged[-1]) < 25)
        ):
            merged[-1] = f"{merged[-1]} {piece}"
        else:
            merged.append(piece)
    return merged


def _ts(ms: int) -> str:
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d},{ms:03d}"


def srt_cues(scenes: list[Scene]) -> list[tuple[int, int, str]]:
    """(start ms, end ms, text): each scene's narration spread over the scene's time, each cue
    as long as its share of the characters; every boundary falls on a frame of the preview."""
    cues, start = [], 0  # in frames
    for scene in scenes:
        end = start + round(scene.duration * FPS)
        pieces = split_cues(scene.narration)
        while len(pieces) > max(1, end - start):  # never shorter than a frame
            pieces[-2:] = [f"{pieces[-2]} {pieces[-1]}"]
        total = sum(len(p) for p in pieces)
        t = start
        for i, piece in enumerate(pieces):
            left = len(pieces) - i - 1
            share = round((end - start) * len(piece) / total)
            stop = end if not left else min(max(t + 1, t + share), end - left)
            cues.append((t * 1000 // FPS, stop * 1000 // FPS, piece))
            t = stop
        start = end
    return cues


ZWSP = "\u200b"  # zero-width space: shows nothing, breaks a tag


def srt_text(text: str) -> str:
    """Sender text as plain subtitle text: `<font …>`, `<b>` (SRT markup) and `{\\…}`, `\\N`
    (ASS overrides that libass reads in an SRT) are shown as written, never obeyed."""
    return re.sub(r"([<{\\])", lambda m: m.group(1) + ZWSP, text).replace("-->", "->")


def write_srt(scenes: list[Scene], path: Path) -> Path:
    blocks = [
        f"{i}\n{_ts(a)} --> {_ts(b)}\n{srt_text(text)}\n"
        for i, (a, b, text) in enumerate(srt_cues(scenes), 1)
    ]
    path.write_text("\n".join(blocks), encoding="utf-8")
    return path


# -- video ----------------------------------------------------------------------------------------


def ffmpeg_path(name: str = "ffmpeg") -> str:
    found = shutil.which(name)
    if not found:
        raise ClipError(
            f"Không tìm thấy «{name}» để dựng video xem trước: hãy chạy «make "
            "system» (gói Debian «ffmpeg») hoặc: sudo apt-get install ffmpeg",
            usage=False,
        )
    return found


def segments(
    frames: list[Path], durations: list[float], cues: list[tuple[int, int, str]]
) -> list[tuple[Path, int]]:
    """(frame, length in video frames) pieces: a new piece at each scene and each cue, so the
    subtitles filter sees a picture whenever the text changes."""
    starts, t = [], 0
    for seconds in durations:
        starts.append(t)
        t += round(seconds * FPS)
    total = t
    cuts = sorted({*starts, *(a * FPS // 1000 for a, _, _ in cues)} - {total})
    out = []
    for i, cut in enumerate(cuts):
        stop = cuts[i + 1] if i + 1 < len(cuts) else total
        scene = max(j for j, s in enumerate(starts) if s <= cut)
        out.append((frames[scene], stop - cut))
    return out


def _filter_path(path: Path) -> str:
    """A path as a value in an ffmpeg filter graph (its special characters escaped)."""
    text = Path(path).resolve().as_posix()
    for ch in "\\':,;[]=":
        text = text.replace(ch, "\\" + ch)
    return text


def write_mp4(
    frames: list[Path],
    durations: list[float],
    srt: Path,
    path: Path,
    cues: list[tuple[int, int, str]] | None = None,
) -> Path:
    """Each frame for its duration, the subtitles burnt in: see `start_mp4`."""
    return start_mp4(frames, durations, srt, path, cues)()


def start_mp4(
    frames: list[Path],
    durations: list[float],
    srt: Path,
    path: Path,
    cues: list[tuple[int, int, str]] | None = None,
) -> Callable[[], Path]:
    """ffmpeg started on the preview; the function returned waits for it (and raises
    ClipError if it failed), so other work can be done meanwhile (its error output is short:
    -loglevel error). Each frame for its duration, the subtitles burnt in (libass, in the
    frames' font); the video lasts exactly the sum of the durations. Each piece (a picture
    with one cue) is decoded, subtitled and encoded once, as one frame lasting the piece
    (variable frame rate, starts on the quarter-second grid): some 80 frames for a 7-minute
    preview instead of 1.760 (200 on the national warehouse), about a quarter of the
    encoding time. The frames are best given uncompressed (PPM: read, not decoded)."""
    cwd = path.parent
    total = sum(round(d * FPS) for d in durations)
    pieces = segments(frames, durations, cues or [])
    last, length = pieces[-1]
    if length > 1:  # the last picture's last quarter second as a frame of its own: the file
        pieces[-1:] = [(last, length - 1), (last, 1)]  # then ends exactly at the total
    listing = cwd / "parts" / "frames.ffconcat"
    listing.parent.mkdir(parents=True, exist_ok=True)
    lines = ["ffconcat version 1.0"]
    for frame, length in pieces:
        lines += [f"file '{Path(frame).resolve().as_posix()}'", f"duration {length / FPS:.3f}"]
    lines.append(f"file '{Path(pieces[-1][0]).resolve().as_posix()}'")  # the last one lasts
    listing.write_text("\n".join(lines) + "\n", encoding="utf-8")
    style = (
        f"FontName={SUBTITLE_FONT},FontSize=13,Bold=-1,PrimaryColour=&H00FFFFFF,"
        "OutlineColour=&H00000000,BorderStyle=1,Outline=1,Shadow=0,MarginV=16,"
        "MarginL=16,MarginR=16,Alignment=2,WrapStyle=0"
    )
    # The concat demuxer gives each picture a start on a 1/25 s grid: a piece meant for 44,25 s
    # would start at 44,24 s, before its cue, and that cue would never show. On a fine time
    # base each start is put back on the preview's own quarter-second grid before the
    # subtitles are burnt in; each piece is then one frame of the variable-rate output.
    graph = (
        f"settb=1/1000,setpts=round(T*{FPS})/{FPS}/TB,format=yuv420p,"
        f"subtitles={srt.name}:fontsdir={_filter_path(SUBTITLE_FONTS_DIR)}:charenc=UTF-8:"
        f"force_style='{style}'"
    )
    args = [
        ffmpeg_path(),
        "-y",
        "-hide_banner",
        "-loglevel",
        "error",
        "-f",
        "concat",
        "-safe",
        "0",
        "-i",
        str(listing.resolve()),
        "-vf",
        graph,
        "-fps_mode",
        "vfr",
        "-r",
        str(FPS),
        "-t",
        f"{total / FPS:.3f}",
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-tune",
        "stillimage",
        "-pix_fmt",
        "yuv420p",
        "-movflags",
        "+faststart",
        path.name,
    ]
    job = subprocess.Popen(
        args, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip

    def wait() -> Path:
        _, err = job.communicate()
        if job.returncode != 0:
            raise ClipError(
                "ffmpeg không dựng được video xem trước:\n" + (err or "")[-2000:], usage=False
            )
        return path

    return wait


def probe(path: Path) -> dict:
    """Duration (seconds), width and height of a video, from ffprobe."""
    done = subprocess.run(
        [
            ffmpeg_path("ffprobe"),
            "-v",
            "error",
            "-select_streams",
            "v:0",
            "-show_entries",
            "stream=width,height,codec_name,pix_fmt:format=duration",
            "-of",
            "json",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    import json

    data = json.loads(done.stdout)
    s = data["streams"][0]
    return {
        "duration": float(data["format"]["duration"]),
        "width": s["width"],
        "height": s["height"],
        "codec": s["codec_name"],
        "pix_fmt": s["pix_fmt"],
    }
