"""Frames, subtitles and the preview video of a clip storyboard (see pipeline.clip): the
frames are drawn by `frames.py`, the subtitles and the video made by `video.py`; both import
only the model."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from PIL import Image

from pipeline.clip.frames import CHART_H, W, draw_frame
from pipeline.clip.model import Storyboard
from pipeline.clip.video import probe, split_cues, srt_cues, start_mp4, write_mp4, write_srt

__all__ = ["probe", "render", "render_charts", "split_cues", "srt_cues", "write_mp4", "write_srt"]


# -- the whole render ------------------------------------------------------------------------------


def _chart_key(figure, width: int, height: int) -> str:
    """What a chart image depends on: the figure, its size, the plotly and kaleido versions."""
    import hashlib
    from importlib.metadata import version

    spec = f"{figure.to_json()}|{width}x{height}|{version('plotly')}|{version('kaleido')}"
    return hashlib.sha256(spec.encode("utf-8")).hexdigest()


def render_charts(sb: Storyboard, out_dir: Path) -> list[Path]:
    """The Plotly charts of the storyboard, as the body images of their frames. A chart drawn
    before with the same figure and size (parts/NAME.png beside parts/NAME.png.sha256) is kept:
    Chromium is started only when some chart changed (a second draft, `--from`)."""
    from pipeline.publish.images import write_pngs

    by_id = {s.id: s for s in sb.scenes}
    jobs, keys, done = [], [], []
    for sid, figure in sb.charts.items():
        v = by_id[sid].visual
        path, width = out_dir / v["part"], int(v.get("width", W))
        key = _chart_key(figure, width, CHART_H)
        stamp = path.with_name(path.name + ".sha256")
        if path.is_file() and stamp.is_file() and stamp.read_text().strip() == key:
            done.append(path)
            continue
        stamp.unlink(missing_ok=True)
        jobs.append((figure, path, width, CHART_H))
        keys.append((stamp, key))
    written = write_pngs(jobs)
    for stamp, key in keys:
        stamp.write_text(key + "\n")
    return done + written


def render(
    sb: Storyboard,
    out_dir: Path,
    progress: Callable[[str], None] | None = None,
    machine_voice: bool = False,
    meanwhile: Callable[[], None] | None = None,
) -> dict:
    """Frames (scenes/NN.png), thumbnails, narration.srt and preview.mp4 for the kept scenes;
    with recorded voice/NN.* (or `machine_voice`: espeak-ng), a voice track, each scene as
    long as its voice at least. `meanwhile` (writing the storyboard files) is run once the
    frames are drawn, while ffmpeg encodes the preview."""
    from pipeline.clip import voice as V

    say = progress or (lambda _m: None)
    out_dir = Path(out_dir)
    kept = sb.kept()
    has_recorded = any(V.recorded(out_dir, i) for i in range(1, len(kept) + 1))
    spoken = []
    if has_recorded or machine_voice:
        say("Giọng đọc: " + ("tệp voice/NN.* đã thu" if has_recorded else "")
            + (" + " if has_recorded and machine_voice else "")
            + (V.MACHINE_LABEL if machine_voice else "") + "…")  # fmt: skip
        spoken = V.voices(kept, out_dir, machine_voice)
        sb.voice = V.MACHINE_LABEL if machine_voice else "giọng đọc đã thu (voice/)"
    scenes_dir, thumbs = out_dir / "scenes", out_dir / "parts" / "thumbs"
    raw_dir = out_dir / "parts" / "raw"  # the frames uncompressed, for ffmpeg only
    for d in (scenes_dir, thumbs, raw_dir):
        d.mkdir(parents=True, exist_ok=True)
        for old in [*d.glob("*.png"), *d.glob("*.ppm")]:
            old.unlink()
    # the charts are drawn by Chromium, in its own processes, while Pillow draws the frames
    # that have no chart; the frames with a chart are drawn once their images are there
    drawing, failed = None, []
    if sb.charts:
        import threading

        say(f"Vẽ {len(sb.charts)} biểu đồ (Plotly, Chromium; biểu đồ không đổi được giữ)…")

        def charts():
            try:
                render_charts(sb, out_dir)
            except BaseException as exc:  # raised again in this thread, below
                failed.append(exc)

        drawing = threading.Thread(target=charts, name="clip-charts", daemon=True)
        drawing.start()
    say(f"Vẽ {len(kept)} khung hình 1920×1080…")
    for s in sb.scenes:
        s.image = ""
    order = list(enumerate(kept, 1))
    order.sort(key=lambda item: item[1].id in sb.charts)  # frames without a chart first
    frames: dict[int, Path] = {}
    raw: dict[int, Path] = {}
    for i, s in order:
        if drawing is not None and s.id in sb.charts:
            drawing.join()
            drawing = None
            if failed:
                raise failed[0]
        img = draw_frame(sb, s, i, len(kept), out_dir)
        path = scenes_dir / f"{i:02d}.png"
        img.save(path, compress_level=1)  # 5× quicker than the default level, files ~1.5× larger
        img.resize((256, 144), Image.LANCZOS, reducing_gap=3.0).save(
            thumbs / f"{i:02d}.png", compress_level=1
        )
        # ffmpeg reads each frame once per subtitle cue (some 200 times for 15 frames):
        # from an uncompressed copy that is a copy of memory instead of a PNG decoding
        raw[i] = raw_dir / f"{i:02d}.ppm"
        img.save(raw[i])
        s.image = str(path.relative_to(out_dir))
        frames[i] = path
    if drawing is not None:
        drawing.join()
        if failed:
            raise failed[0]
    frames = [frames[i] for i in sorted(frames)]
    raws = [raw[i] for i in sorted(raw)]
    say("Ghi phụ đề narration.srt…")
    srt = write_srt(kept, out_dir / "narration.srt")
    say(f"Dựng video xem trước preview.mp4 (ffmpeg, {sb.total_duration():g} giây)…")
    try:
        encoded = start_mp4(
            raws, [s.duration for s in kept], srt, out_dir / "preview.mp4", srt_cues(kept)
        )
        try:
            if meanwhile is not None:
                meanwhile()
        finally:
            mp4 = encoded()
    finally:
        shutil.rmtree(raw_dir, ignore_errors=True)  # ~6 MB a frame, of no use once encoded
    if any(spoken):
        say("Ghép tiếng vào preview.mp4…")
        audio = V.write_audio(spoken, [s.duration for s in kept], out_dir / "parts" / "voice.m4a")
        V.mux(mp4, audio)
    return {"frames": frames, "srt": srt, "mp4": mp4}
