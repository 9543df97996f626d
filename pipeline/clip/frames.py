"""The frames of a clip storyboard (see pipeline.clip).

Charts are drawn by Plotly (pipeline.publish.charts through pipeline.publish.images.write_pngs, Debian's
Chromium, offline, in Noto Sans) into `parts/`; every frame is then composed with Pillow in Be
Vietnam Pro at
1920×1080: a header with the scene's title, the body (chart, table, cards or text) and, at the
bottom, a dark band where ffmpeg burns in the subtitles. The frames, `narration.srt` and
`preview.mp4` (H.264, yuv420p) are written to the clip folder.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from pipeline.clip.model import (
    STEPS,
    ClipError,
    Scene,
    Storyboard,
    is_placeholder,
    regular_file,
)
from pipeline.core.labels import ILLUSTRATIVE

W, H = 1920, 1080
HEADER_H = 150
BAND_H = 190  # the subtitle band at the bottom of every frame
BODY_TOP = HEADER_H + 30
BODY_BOTTOM = H - BAND_H - 52  # the source line sits under the body
CHART_H = BODY_BOTTOM - BODY_TOP
MARGIN = 60
FPS = STEPS  # still frames need few frames a second; durations are quarters of a second

NAVY, NAVY_DARK, ORANGE = "#1b3a6b", "#0f1b2d", "#e08a1e"
INK, GREY, LIGHT = "#222222", "#5f6b73", "#eef2f7"
GOOD, GOOD_BG, BAD, BAD_BG = "#1f6b45", "#e4f2ea", "#9b1c2c", "#fbe9ea"
TODO, TODO_BG = "#9a4a00", "#fff3df"


def _be_vietnam_pro() -> Path | None:
    try:
        import fontpkg_be_vietnam_pro as pkg
    except ImportError:
        return None
    return pkg.ROOT / "files"


# Be Vietnam Pro (OFL, shipped by the PyPI package fontpkg-be-vietnam-pro, a dependency), else
# Noto Sans (Debian fonts-noto-core): both have every Vietnamese letter. Liberation Sans 1.07
# (fonts-liberation) lacks 93 of them (Ơ, Ư, ạ, ả, ấ …) and is never used.
FONTS = [
    (_be_vietnam_pro(), "BeVietnamPro-Regular.ttf", "BeVietnamPro-Bold.ttf", "Be Vietnam Pro"),
    (
        Path("/usr/share/fonts/truetype/noto"),
        "NotoSans-Regular.ttf",
        "NotoSans-Bold.ttf",
        "Noto Sans",
    ),
]


def _font_file(bold: bool) -> tuple[Path, str]:
    for folder, regular, heavy, family in FONTS:
        if folder is not None and (folder / (heavy if bold else regular)).is_file():
            return folder / (heavy if bold else regular), family
    raise ClipError(
        "Không tìm thấy phông chữ Be Vietnam Pro (gói Python «fontpkg-be-vietnam-pro») hay Noto "
        "Sans (gói Debian «fonts-noto-core»): hãy chạy «make setup».",
        usage=False,
    )


def _font_path(bold: bool) -> str:
    return str(_font_file(bold)[0])


try:
    _SUBTITLES = _font_file(False)
except ClipError:  # said when a frame is drawn, not on import
    _SUBTITLES = (Path("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"), "Noto Sans")
SUBTITLE_FONT = _SUBTITLES[1]
SUBTITLE_FONTS_DIR = _SUBTITLES[0].parent  # libass reads the font from there
CHART_FONT = "Noto Sans"  # Chromium (Plotly charts) finds system fonts only


@lru_cache(maxsize=64)
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(_font_path(bold), size)


# -- text layout ---------------------------------------------------------------------------------


def wrap(text: str, f: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Lines of at most `width` pixels; explicit line breaks are kept."""
    lines: list[str] = []
    for para in (text or "").split("\n"):
        words, line = para.split(), ""
        if not words:
            lines.append("")
            continue
        whole = " ".join(words)
        if f.getlength(whole) <= width:  # most cells and short items: one measure, not one a word
            lines.append(whole)
            continue
        for word in words:
            trial = f"{line} {word}".strip()
            if f.getlength(trial) <= width or not line:
                line = trial
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return lines


def _line_h(f: ImageFont.FreeTypeFont) -> int:
    return int(f.size * 1.32)


def fit_text(
    text: str,
    width: int,
    height: int,
    sizes=(44, 40, 36, 32, 30, 28, 26, 24, 22),
    bold: bool = False,
) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest font size at which the text fits the box (the smallest one, cut, if none)."""
    for size in sizes:
        f = font(size, bold)
        lines = wrap(text, f, width)
        if len(lines) * _line_h(f) <= height:
            return f, lines
    f = font(sizes[-1], bold)
    lines = wrap(text, f, width)
    keep = max(1, height // _line_h(f))
    if len(lines) > keep:
        lines = lines[:keep]
        lines[-1] = lines[-1].rstrip(" .,;") + " …"
    return f, lines


MARKS = "✓✗"  # not in Be Vietnam Pro nor Noto Sans: drawn as strokes, in the width they measure


def draw_text(d: ImageDraw.ImageDraw, xy, text: str, f, fill: str) -> None:
    """`d.text`, with «✓» and «✗» drawn as a tick and a cross where the font leaves a blank."""
    x, y = xy
    if not any(m in text for m in MARKS):
        d.text((x, y), text, font=f, fill=fill)
        return
    top = f.getbbox("x")[1]  # the x-height band of the line
    for run in re.split(f"([{MARKS}])", text):
        if not run:
            continue
        w = f.getlength(run)
        if run in MARKS:
            a, b = y + top - f.size * 0.12, y + f.getbbox("x")[3]  # from above x-height to base
            stroke = max(2, f.size // 11)
            if run == "✓":
                pts = [(x + w * 0.08, (a + b) / 2 + 1), (x + w * 0.4, b), (x + w * 0.98, a)]
                d.line(pts, fill=fill, width=stroke, joint="curve")
            else:
                d.line([(x + w * 0.1, a), (x + w * 0.9, b)], fill=fill, width=stroke)
                d.line([(x + w * 0.1, b), (x + w * 0.9, a)], fill=fill, width=stroke)
        else:
            d.text((x, y), run, font=f, fill=fill)
        x += w


def draw_lines(
    d: ImageDraw.ImageDraw,
    lines: list[str],
    f,
    x: int,
    y: int,
    fill: str,
    align: str = "left",
    width: int = 0,
) -> int:
    for line in lines:
        if align == "center":
            draw_text(d, (x + (width - f.getlength(line)) / 2, y), line, f, fill)
        elif align == "right":
            draw_text(d, (x + width - f.getlength(line), y), line, f, fill)
        else:
            draw_text(d, (x, y), line, f, fill)
        y += _line_h(f)
    return y


# -- the parts every frame shares --------------------------------------------------------------


def _badge(d: ImageDraw.ImageDraw, right: int, top: int, size: int = 26) -> None:
    f = font(size, True)
    w = f.getlength(ILLUSTRATIVE) + 2 * 16
    d.rounded_rectangle([right - w, top, right, top + size + 22], radius=8, fill=ORANGE)
    d.text((right - w + 16, top + 9), ILLUSTRATIVE, font=f, fill="#1a1a1a")


def _frame(
    sb: Storyboard, scene: Scene, index: int, count: int, header: bool = True
) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    img = Image.new("RGB", (W, H), "white")
    d = ImageDraw.Draw(img)
    context = f"Cụm thi đua số {sb.cluster_no} · {sb.label}"
    if header:
        d.rectangle([0, 0, W, HEADER_H], fill=NAVY)
        d.rectangle([0, HEADER_H, W, HEADER_H + 6], fill=ORANGE)
        right_w = 560
        f, lines = fit_text(
            scene.title,
            W - 2 * MARGIN - right_w,
            HEADER_H - 30,
            sizes=(50, 46, 42, 38, 34, 30),
            bold=True,
        )
        y = (HEADER_H - len(lines) * _line_h(f)) // 2 + 4
        draw_lines(d, lines, f, MARGIN, y, "white")
        fc = font(26)
        d.text((W - MARGIN - fc.getlength(context), 22), context, font=fc, fill="#cfd8e6")
        if sb.illustrative:
            _badge(d, W - MARGIN, 70)
        if scene.source:
            fs = font(22)
            d.text(
                (MARGIN, BODY_BOTTOM + 14),
                f"Nguồn: kho thidua, {scene.source} · {sb.label}",
                font=fs,
                fill=GREY,
            )
    d.rectangle([0, H - BAND_H, W, H], fill=NAVY_DARK)
    d.rectangle([0, H - BAND_H, W, H - BAND_H + 4], fill=ORANGE)
    fn = font(20)
    counter = f"{index}/{count}"
    d.text((W - 24 - fn.getlength(counter), H - 34), counter, font=fn, fill="#7d8796")
    return img, d


def _text_box(
    d,
    text: str,
    box: tuple[int, int, int, int],
    sizes,
    fill: str = INK,
    bg: str | None = None,
    bold: bool = False,
    align: str = "left",
    middle: bool = False,
) -> None:
    x0, y0, x1, y1 = box
    pad = 24 if bg else 0
    if bg:
        d.rounded_rectangle(box, radius=14, fill=bg)
    f, lines = fit_text(text, x1 - x0 - 2 * pad, y1 - y0 - 2 * pad, sizes, bold)
    top = y0 + pad
    if middle:
        top = y0 + (y1 - y0 - len(lines) * _line_h(f)) // 2
    draw_lines(d, lines, f, x0 + pad, top, fill, align, x1 - x0 - 2 * pad)


def _body_text(d, text: str, box, middle: bool = False) -> None:
    """Editable on-screen text; a «(điền …)» placeholder stands out as still to be written."""
    todo = is_placeholder(text)
    _text_box(
        d,
        text or "",
        box,
        (44, 40, 36, 32, 30, 28, 26),
        fill=TODO if todo else INK,
        bg=TODO_BG if todo else LIGHT,
        middle=middle,
    )


# -- one renderer per visual ---------------------------------------------------------------------


def _title_card(sb, scene, index, count) -> Image.Image:
    img, d = _frame(sb, scene, index, count, header=False)
    d.rectangle([0, 0, W, H - BAND_H], fill=NAVY)
    v = scene.visual
    fk = font(30, True)
    kicker = v.get("kicker", "")
    d.text(((W - fk.getlength(kicker)) / 2, 110), kicker, font=fk, fill="#cfd8e6")
    d.rectangle([W / 2 - 90, 160, W / 2 + 90, 166], fill=ORANGE)
    f, lines = fit_text(scene.title, W - 2 * 140, 100, sizes=(76, 70, 66, 62, 58), bold=True)
    if len(lines) > 1 or lines[-1].endswith("…"):  # one line if it fits, else two or three
        f, lines = fit_text(scene.title, W - 2 * 160, 250, sizes=(76, 70, 64, 58, 52), bold=True)
    y = draw_lines(d, lines, f, 160, 200, "white", "center", W - 320)
    if v.get("subtitle"):
        fs = font(38)
        for line in wrap(v["subtitle"], fs, W - 320):
            d.text(((W - fs.getlength(line)) / 2, y + 24), line, font=fs, fill="#e6ebf2")
            y += _line_h(fs)
    if v.get("members"):
        fm, ml = fit_text(v["members"], W - 320, 100, sizes=(30, 28, 26, 24))
        y = draw_lines(d, ml, fm, 160, y + 50, "#b9c4d6", "center", W - 320)
    if scene.body:
        todo = is_placeholder(scene.body)
        fb, bl = fit_text(scene.body, W - 440, 130, sizes=(38, 34, 30, 28))
        box_h = len(bl) * _line_h(fb) + 40
        top = y + 70
        d.rounded_rectangle(
            [200, top, W - 200, top + box_h], radius=14, fill=TODO_BG if todo else "#24487f"
        )
        draw_lines(d, bl, fb, 220, top + 20, TODO if todo else "white", "center", W - 440)
    if sb.illustrative:
        _badge(d, W - MARGIN, 40, 30)
        note = f"Bản nháp dùng {ILLUSTRATIVE} — không phải số liệu thật"
        fn = font(30, True)
        d.text(((W - fn.getlength(note)) / 2, H - BAND_H - 80), note, font=fn, fill=ORANGE)
    return img


def _text_card(sb, scene, index, count) -> Image.Image:
    img, d = _frame(sb, scene, index, count)
    _body_text(
        d,
        scene.body,
        (MARGIN, BODY_TOP + 10, W - MARGIN, BODY_BOTTOM),
        middle=len(scene.body) < 200,
    )
    return img


def _message_card(sb, scene, index, count) -> Image.Image:
    img, d = _frame(sb, scene, index, count)
    _text_box(
        d,
        scene.visual.get("text", ""),
        (MARGIN + 100, BODY_TOP + 150, W - MARGIN - 100, BODY_BOTTOM - 150),
        (44, 40, 36, 32),
        fill=GREY,
        bg=LIGHT,
        align="center",
    )
    return img


def _table(d, v: dict, box) -> None:
    x0, y0, x1, y1 = box
    widths = [int(w * (x1 - x0)) for w in v["widths"]]
    aligns = v.get("align") or ["left"] * len(widths)
    rows, styles = v["rows"], v.get("styles") or [[None] * len(widths)] * len(v["rows"])
    legend_h = 40 if v.get("legend") else 0
    avail = y1 - y0 - legend_h
    for size in (34, 32, 30, 28, 26, 24, 22):
        f, fb = font(size), font(size, True)
        pad = max(8, size // 3)

        def cells(row, fnt, size=size, pad=pad):
            return [wrap(str(c), fnt, w - 2 * pad) for c, w in zip(row, widths, strict=True)]

        head = cells(v["columns"], fb)
        head_h = max(len(c) for c in head) * _line_h(fb) + 2 * pad
        body = [
            cells(r, fb if any(s in ("ok", "bad", "strong") for s in st) else f)
            for r, st in zip(rows, styles, strict=True)
        ]
        heights = [max(len(c) for c in cs) * _line_h(f) + 2 * pad for cs in body]
        if head_h + sum(heights) <= avail or size == 22:
            break
    shown = len(rows)
    while shown > 1 and head_h + sum(heights[:shown]) > avail - (40 if shown < len(rows) else 0):
        shown -= 1
    # header
    x = x0
    d.rectangle([x0, y0, x1, y0 + head_h], fill=NAVY)
    for lines, w, al in zip(head, widths, aligns, strict=True):
        draw_lines(d, lines, fb, x + pad, y0 + pad, "white", al, w - 2 * pad)
        x += w
    y = y0 + head_h
    for i in range(shown):
        h = heights[i]
        d.rectangle([x0, y, x1, y + h], fill="white" if i % 2 == 0 else "#f5f7fa")
        x = x0
        for lines, w, al, st in zip(body[i], widths, aligns, styles[i], strict=True):
            color, bg, fnt = INK, None, f
            if st == "ok":
                color, bg, fnt = GOOD, GOOD_BG, fb
            elif st == "bad":
                color, bg, fnt = BAD, BAD_BG, fb
            elif st == "muted":
                color = GREY
            elif st == "strong":
                color, fnt = NAVY, fb
            if bg:
                d.rectangle([x + 3, y + 3, x + w - 3, y + h - 3], fill=bg)
            top = y + (h - len(lines) * _line_h(fnt)) // 2
            draw_lines(d, lines, fnt, x + pad, top, color, al, w - 2 * pad)
            x += w
        d.line([x0, y + h, x1, y + h], fill="#d5dbe3", width=1)
        y += h
    if shown < len(rows):
        d.text(
            (x0 + pad, y + 8),
            f"… và {len(rows) - shown} dòng khác (xem storyboard.json)",
            font=font(24),
            fill=GREY,
        )
        y += 40
    if v.get("legend"):
        draw_text(d, (x0, min(y + 12, y1 - 30)), v["legend"], font(24), GREY)


def _table_card(sb, scene, index, count) -> Image.Image:
    img, d = _frame(sb, scene, index, count)
    bottom = BODY_BOTTOM
    if scene.body:
        bottom = BODY_BOTTOM - 120
        _body_text(d, scene.body, (MARGIN, bottom + 20, W - MARGIN, BODY_BOTTOM))
    _table(d, scene.visual, (MARGIN, BODY_TOP, W - MARGIN, bottom))
    return img


def _tile(d, box, label: str, value: str, sub: str = "") -> None:
    x0, y0, x1, y1 = box
    d.rounded_rectangle(box, radius=14, fill=LIGHT)
    d.rectangle([x0, y0 + 14, x0 + 8, y1 - 14], fill=ORANGE)
    f, lines = fit_text(label, x1 - x0 - 48, 34, sizes=(24, 22, 20))
    draw_lines(d, lines[:1], f, x0 + 28, y0 + 16, GREY)
    fv, vl = fit_text(value, x1 - x0 - 48, 64, sizes=(52, 46, 40, 34, 30, 26), bold=True)
    draw_lines(d, vl[:1], fv, x0 + 28, y0 + 50, NAVY)
    if sub:
        fs, sl = fit_text(sub, x1 - x0 - 48, 30, sizes=(22, 20, 18))
        draw_lines(d, sl[:1], fs, x0 + 28, y1 - 40, GREY)


def _chart_card(sb, scene, index, count, out_dir: Path) -> Image.Image:
    img, d = _frame(sb, scene, index, count)
    v = scene.visual
    part = regular_file(
        Path(str(v["part"])),
        out_dir,
        "Ảnh biểu đồ",
        missing=f"Thiếu ảnh biểu đồ «{out_dir / str(v['part'])}» của cảnh «{scene.title}»: hãy "
        "dựng lại clip từ kho dữ liệu (thidua clip --cluster … --period …).",
    )
    with Image.open(part) as raw:
        if raw.width * raw.height > 4 * W * H:
            raise ClipError(f"Ảnh biểu đồ «{v['part']}» quá lớn: không đọc.")
        chart = raw.convert("RGB")
    width = int(v.get("width", W))
    if chart.size != (width, CHART_H):
        chart = chart.resize((width, CHART_H))
    img.paste(chart, (0, BODY_TOP))
    side, notes = v.get("side") or [], v.get("notes") or []
    if width < W:
        x0, x1 = width + 20, W - MARGIN
        y = BODY_TOP + 10
        for item in side:
            _tile(d, (x0, y, x1, y + 120), item["label"], item["value"])
            y += 136
        if notes:
            _text_box(
                d, "\n".join(notes), (x0, y + 10, x1, BODY_BOTTOM), (26, 24, 22, 20), fill=BAD
            )
    elif notes:
        f = font(26, True)
        y = BODY_BOTTOM - 8 - _line_h(f) * len(notes)
        for note in notes:
            d.text((W - MARGIN - f.getlength(note), y), note, font=f, fill=BAD)
            y += _line_h(f)
    return img


def _bullets(d, items: list[str], box) -> None:
    """A list with hanging indents; «✓» items (targets met) in green."""
    x0, y0, x1, y1 = box
    for size in (30, 28, 26, 24, 22):
        f = font(size)
        indent = int(f.getlength("✓ "))
        wrapped = [
            wrap(it[2:] if it.startswith(("✓ ", "✗ ")) else it, f, x1 - x0 - indent) for it in items
        ]
        height = sum(len(w) for w in wrapped) * _line_h(f) + len(items) * 8
        if height <= y1 - y0:
            break
    y = y0
    for it, lines in zip(items, wrapped, strict=True):
        mark = it[:1] if it.startswith(("✓ ", "✗ ")) else "•"
        color = GOOD if mark == "✓" else (BAD if mark == "✗" else INK)
        if y + _line_h(f) > y1:
            break
        draw_text(d, (x0, y), mark, f, color)
        for line in lines:
            if y + _line_h(f) > y1:
                break
            d.text((x0 + indent, y), line, font=f, fill=color)
            y += _line_h(f)
        y += 8


def _highlight_card(sb, scene, index, count) -> Image.Image:
    img, d = _frame(sb, scene, index, count)
    v = scene.visual
    tiles = v.get("tiles") or []
    gap = 28
    tw = (W - 2 * MARGIN - gap * (len(tiles) - 1)) // max(1, len(tiles))
    for i, t in enumerate(tiles):
        x = MARGIN + i * (tw + gap)
        _tile(d, (x, BODY_TOP, x + tw, BODY_TOP + 160), t["label"], t["value"], t.get("sub", ""))
    top = BODY_TOP + 190
    body_h = 110 if scene.body else 0
    bottom = BODY_BOTTOM - (body_h + 20 if body_h else 0)
    half = (W - 2 * MARGIN - gap) // 2
    for j, (head, items) in enumerate(
        (
            (v.get("left_title", ""), v.get("left") or []),
            (v.get("right_title", ""), v.get("right") or []),
        )
    ):
        x = MARGIN + j * (half + gap)
        fh = font(30, True)
        d.text((x, top), head, font=fh, fill=NAVY)
        d.line([x, top + 44, x + half, top + 44], fill=ORANGE, width=3)
        _bullets(d, items, (x, top + 62, x + half, bottom))
    if scene.body:
        _body_text(d, scene.body, (MARGIN, BODY_BOTTOM - body_h, W - MARGIN, BODY_BOTTOM))
    return img


def draw_frame(sb: Storyboard, scene: Scene, index: int, count: int, out_dir: Path) -> Image.Image:
    kind = (scene.visual or {}).get("type", "text")
    if kind == "title":
        return _title_card(sb, scene, index, count)
    if kind == "table":
        return _table_card(sb, scene, index, count)
    if kind == "chart":
        return _chart_card(sb, scene, index, count, out_dir)
    if kind == "highlight":
        return _highlight_card(sb, scene, index, count)
    if kind == "message":
        return _message_card(sb, scene, index, count)
    return _text_card(sb, scene, index, count)
