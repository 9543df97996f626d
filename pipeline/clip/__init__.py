"""The video-clip report draft for a cluster review meeting.

`build_storyboard(con, cluster_no, period)` turns the public views into an ordered list of
scenes (title, members, movements, indicators against targets, score ranking, awards with the
change from the same period of the previous year, initiatives, one highlight per member,
targets missed, direction for the next period). Each scene carries its narration in Vietnamese,
generated from its figures, and every figure records the SQL on the public views that gives
it back, so a reader (or a test) can re-run it. Nothing is invented: where the warehouse has
no figure the scene says so, and what only people know (the year's theme, how the movements
were run, good practices, remedies, the direction) is an editable placeholder «(điền …)».

The package, in the order a clip is made:
  model.py   Scene, Storyboard, ClipError (rendering imports only this)
  wording.py the Vietnamese wording (numbers, places, lists, ordinals)
  data.py    everything read from the warehouse, once
  scenes.py  one function per scene kind (`SCENES`)
  files.py   storyboard.json and storyboard.xlsx, written and read back
  render.py  frames (frames.py), subtitles and the preview video (video.py)
Names of individual award recipients are never used (counts only).
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

from pipeline import paths
from pipeline.clip.data import PUBLIC_VIEWS, fig, run_figure
from pipeline.clip.files import (
    COLUMNS,
    DOCX_NAME,
    DROP,
    EDITABLE,
    JSON_NAME,
    KEEP,
    SHEET,
    XLSX_NAME,
    edits_in,
    figures_text,
    read_json,
    read_xlsx_edits,
    to_json,
    write_docx,
    write_json,
    write_xlsx,
)
from pipeline.clip.model import ClipError, EditsKept, Scene, Storyboard, is_placeholder
from pipeline.clip.render import render
from pipeline.clip.scenes import SCENES, build_storyboard, by_rank
from pipeline.clip.wording import (
    ORDINALS,
    TITLE_AWARDS,
    estimate_duration,
    figure_matches,
    join_vn,
    lower_first,
    num,
    numbers_in,
    ordinal,
    place,
    places,
    qty,
    unit_full,
    unit_short,
    unmatched_numbers,
    upper_first,
)
from pipeline.core.labels import ILLUSTRATIVE

__all__ = [
    "COLUMNS",
    "DOCX_NAME",
    "DROP",
    "EDITABLE",
    "ILLUSTRATIVE",
    "KEEP",
    "ORDINALS",
    "PUBLIC_VIEWS",
    "SCENES",
    "SHEET",
    "TITLE_AWARDS",
    "ClipError",
    "EditsKept",
    "Scene",
    "Storyboard",
    "build_storyboard",
    "by_rank",
    "default_out",
    "estimate_duration",
    "fig",
    "figure_matches",
    "figures_text",
    "is_placeholder",
    "join_vn",
    "lower_first",
    "make_clip",
    "num",
    "numbers_in",
    "ordinal",
    "place",
    "places",
    "qty",
    "read_json",
    "read_xlsx_edits",
    "rerender",
    "run_figure",
    "to_json",
    "unit_full",
    "unit_short",
    "unmatched_numbers",
    "upper_first",
    "write_docx",
    "write_json",
    "write_xlsx",
]


# -- the two ways to make a clip ---------------------------------------------------------------


def default_out(cluster_no: int, period: str) -> Path:
    return paths.CLIPS / f"cum{cluster_no}_{(period or '').strip().upper()}"


def regenerate_hint(cluster_no: int, period: str, out_dir: Path) -> str:
    return f"thidua clip --cluster {cluster_no} --period {period} --out {out_dir} --moi"


def keep_aside(out_dir: Path) -> Path | None:
    """The analyst's storyboard.xlsx/json copied to ban-da-sua/<time>/ before a new draft."""
    files = [out_dir / n for n in (XLSX_NAME, JSON_NAME, DOCX_NAME) if (out_dir / n).is_file()]
    if not files:
        return None
    aside = out_dir / "ban-da-sua" / datetime.now().strftime("%Y%m%d-%H%M%S")
    aside.mkdir(parents=True, exist_ok=True)
    for f in files:
        shutil.copy2(f, aside / f.name)
    return aside


def make_clip(
    warehouse: Path,
    cluster_no: int,
    period: str,
    out_dir: Path | None = None,
    progress=None,
    force: bool = False,
    machine_voice: bool = False,
) -> Storyboard:
    """From the warehouse: storyboard.json, storyboard.xlsx, frames, subtitles, preview.

    A folder whose storyboard holds the analyst's edits is left untouched (`EditsKept`), unless
    `force`: then the edited files are first copied to ban-da-sua/<time>/."""
    from pipeline.load.warehouse import open_reader

    say = progress or (lambda _m: None)
    period = (period or "").strip().upper()
    out_dir = Path(out_dir or default_out(cluster_no, period))
    if not Path(warehouse).exists():
        raise ClipError(
            f"Chưa có kho dữ liệu «{warehouse}»: hãy chạy «make run» hoặc «thidua build» trước."
        )
    edited = edits_in(out_dir)
    if edited and not force:
        raise EditsKept(
            f"Giữ nguyên bản đã sửa trong {out_dir}/: {edited}. Không ghi đè.\n"
            f"  Dựng lại từ chỗ đã sửa: thidua clip --from {out_dir / XLSX_NAME}\n"
            f"  Dựng bản nháp mới từ kho (bản đã sửa được cất vào {out_dir}/ban-da-sua/): "
            + regenerate_hint(cluster_no, period, out_dir)
        )
    say(f"Đọc kho dữ liệu {warehouse}…")
    con = open_reader(Path(warehouse))
    try:
        sb = build_storyboard(con, cluster_no, period, str(warehouse))
    finally:
        con.close()
    say(
        f"Dựng kịch bản: {len(sb.scenes)} cảnh, {sb.total_duration():g} giây"
        + (f" ({ILLUSTRATIVE})" if sb.illustrative else "")
        + "."
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    if edited:
        aside = keep_aside(out_dir)
        say(f"Bản đã sửa được cất vào {aside}/ trước khi dựng bản nháp mới.")

    def storyboard_files() -> None:  # while ffmpeg encodes the preview
        say(f"Ghi storyboard.json, storyboard.xlsx và lời dẫn {DOCX_NAME}…")
        write_xlsx(sb, out_dir / XLSX_NAME, out_dir)
        write_json(sb, out_dir / JSON_NAME, out_dir / XLSX_NAME)
        write_docx(sb, out_dir / DOCX_NAME)

    render(sb, out_dir, say, machine_voice, meanwhile=storyboard_files)
    return sb


def rerender(
    xlsx: Path, progress=None, machine_voice: bool = False
) -> tuple[Storyboard, list[str]]:
    """After the analyst's edits in storyboard.xlsx: frames, subtitles and preview again, with
    their wording; storyboard.xlsx written again (image column, thumbnails) with the edits.
    Returns the storyboard and warnings, each by its row in the xlsx (numbers not among a
    scene's figures, placeholders still to fill)."""
    say = progress or (lambda _m: None)
    xlsx = Path(xlsx)
    if not xlsx.is_file():
        raise ClipError(f"Không tìm thấy tệp kịch bản «{xlsx}».")
    js = xlsx.parent / JSON_NAME
    if not js.is_file():
        raise ClipError(
            f"Không thấy «{js.name}» bên cạnh «{xlsx}»: tệp kịch bản phải nằm "
            "trong thư mục clip do «thidua clip» ghi."
        )
    say(f"Đọc các chỉnh sửa trong {xlsx}…")
    sb = read_xlsx_edits(xlsx, read_json(js))
    warnings = []
    for i, s in enumerate(sb.kept(), 1):
        where = f"Dòng {sb.rows[s.id]} (cảnh {i} «{s.title}»)" if s.id in sb.rows else f"Cảnh {i}"
        in_title = {round(v, 6) for _, v, _ in numbers_in(s.title)}
        stray = [
            tok for tok in unmatched_numbers(s) if round(numbers_in(tok)[0][1], 6) not in in_title
        ]
        if stray:
            warnings.append(
                f"{where}: số {', '.join(stray)} trong lời dẫn không "
                "có trong số liệu của cảnh — hãy kiểm tra lại."
            )
        if is_placeholder(s.narration) or is_placeholder(s.body) or is_placeholder(s.title):
            warnings.append(f"{where}: còn chỗ «(điền …)» chưa viết.")
    say(f"Giữ {len(sb.kept())}/{len(sb.scenes)} cảnh, {sb.total_duration():g} giây.")

    def storyboard_files() -> None:  # while ffmpeg encodes the preview
        sb.edited = True
        out = xlsx.parent / XLSX_NAME
        write_xlsx(sb, out, xlsx.parent)
        write_json(sb, js, out)
        write_docx(sb, xlsx.parent / DOCX_NAME)

    render(sb, xlsx.parent, say, machine_voice, meanwhile=storyboard_files)
    return sb, warnings
