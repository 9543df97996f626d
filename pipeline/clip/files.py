"""The storyboard's two files: storyboard.json (the whole model) and storyboard.xlsx (one row
per scene an analyst edits), written and read back."""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import asdict, fields
from pathlib import Path

from pipeline.clip.model import (
    SCENE_LABELS,
    STEPS,
    ClipError,
    Scene,
    Storyboard,
    regular_file,
)
from pipeline.clip.wording import num, upper_first
from pipeline.core.labels import ILLUSTRATIVE
from pipeline.core.period import review_name
from pipeline.core.text import fold
from pipeline.publish.export import DANGEROUS_START, safe_cell

JSON_NAME, XLSX_NAME = "storyboard.json", "storyboard.xlsx"
DOCX_NAME = "loi-dan.docx"  # the narration, for the person who reads it
MAX_JSON = 8 * 1024 * 1024  # bytes: a storyboard of a few hundred scenes is well under 1 MB
MAX_XLSX = 20 * 1024 * 1024  # bytes on disk (thumbnails included)
MAX_XLSX_UNZIPPED = 25 * 1024 * 1024  # bytes once unzipped: a small file that expands hugely
MAX_ROWS = 500  # scene rows read from the sheet


def to_json(sb: Storyboard, xlsx_sha256: str = "") -> dict:
    return {
        "cluster_no": sb.cluster_no,
        "period": sb.period,
        "period_label": sb.label,
        "illustrative": sb.illustrative,
        "illustrative_label": ILLUSTRATIVE if sb.illustrative else "",
        "warehouse": sb.warehouse,
        "created": sb.created,
        "total_duration": sb.total_duration(),
        # the analyst's work: True once storyboard.xlsx has been edited and read back (--from)
        "edited": sb.edited,
        # storyboard.xlsx as written: a different file on disk means the analyst edited it
        "xlsx_sha256": xlsx_sha256,
        "voice": sb.voice,
        "scenes": [asdict(s) for s in sb.scenes],
    }


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def write_json(sb: Storyboard, path: Path, xlsx: Path | None = None) -> Path:
    """storyboard.json; with `xlsx`, the hash of the storyboard.xlsx just written beside it."""
    digest = sha256(xlsx) if xlsx is not None and Path(xlsx).is_file() else ""
    text = json.dumps(to_json(sb, digest), ensure_ascii=False, indent=2)
    path.write_text(text, encoding="utf-8")
    return path


def _bounded_read(path: Path, limit: int, what: str) -> bytes:
    with open(path, "rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise ClipError(f"{what} «{path.name}» lớn hơn {limit // (1024 * 1024)} MB: không đọc.")
    return data


_SCENE_FIELDS = {f.name: f.type for f in fields(Scene)}


def read_json(path: Path) -> Storyboard:
    """storyboard.json back, checked: sizes bounded, scenes of the known fields only."""
    path = Path(path)
    regular_file(Path(path.name), path.parent, "Tệp")
    try:
        data = json.loads(_bounded_read(path, MAX_JSON, "Tệp").decode("utf-8"))
        scenes = []
        for raw in data["scenes"]:
            scene = Scene(**{k: v for k, v in raw.items() if k in _SCENE_FIELDS})
            if not isinstance(scene.visual, dict) or not isinstance(scene.figures, list):
                raise TypeError("visual/figures")
            scenes.append(scene)
        sb = Storyboard(
            int(data["cluster_no"]),
            str(data["period"]),
            bool(data["illustrative"]),
            scenes,
            str(data.get("warehouse", "")),
            str(data.get("created", "")),
        )
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise ClipError(
            f"Tệp «{path}» không đọc được như kịch bản do «thidua clip» ghi ({exc})."
        ) from None
    sb.edited = bool(data.get("edited", False))
    sb.xlsx_sha256 = str(data.get("xlsx_sha256", ""))
    return sb


def edits_in(folder: Path) -> str:
    """Why the storyboard in `folder` holds an analyst's work ('' when it is a plain draft the
    generating command may replace)."""
    folder = Path(folder)
    js, xlsx = folder / JSON_NAME, folder / XLSX_NAME
    if not js.exists() and not xlsx.exists():
        return ""
    if not js.is_file():
        return f"có «{XLSX_NAME}» nhưng không có «{JSON_NAME}» do máy ghi"
    try:
        sb = read_json(js)
    except ClipError:
        return f"«{JSON_NAME}» không phải bản do máy ghi"
    if sb.edited:
        return f"kịch bản đã được sửa và dựng lại (--from) lúc {sb.created or 'trước đây'}"
    if not xlsx.exists():
        return ""
    if not sb.xlsx_sha256:
        # written before the hash was recorded: the machine wrote the xlsx right after the json
        if xlsx.stat().st_mtime - js.stat().st_mtime > 60:
            return f"«{XLSX_NAME}» đã được sửa sau khi máy ghi"
        return ""
    if sha256(xlsx) != sb.xlsx_sha256:
        return f"«{XLSX_NAME}» đã được sửa sau khi máy ghi"
    return ""


# -- storyboard.xlsx -------------------------------------------------------------------------------

SHEET = "Kịch bản"
COLUMNS = [
    "STT",
    "Loại cảnh",
    "Tiêu đề",
    "Lời dẫn",
    "Thời lượng (giây)",
    "Giữ/Bỏ",
    "Nội dung trên hình",
    "Số liệu (tham khảo, không sửa)",
    "Ảnh",
    "Ghi chú",
    "Mã cảnh",
]
EDITABLE = {"Tiêu đề", "Lời dẫn", "Thời lượng (giây)", "Giữ/Bỏ", "Nội dung trên hình"}
KEEP, DROP = "giữ", "bỏ"


def figures_text(scene: Scene) -> str:
    lines = []
    for f in scene.figures:
        value = str(f["value"]) if f.get("unit") == "năm" else num(f["value"])
        unit = f.get("unit")
        shown = (
            f"{value}%" if unit == "%" else (f"{value} {unit}" if unit and unit != "năm" else value)
        )
        lines.append(f"{f['label']}: {shown}")
    if scene.source:
        lines.append(f"Nguồn: {scene.source}")
    return "\n".join(lines)


def _thumb(path: Path, out_dir: Path) -> Path | None:
    try:
        return regular_file(path.relative_to(out_dir), out_dir, "Ảnh thu nhỏ")
    except (ClipError, ValueError):
        return None


def write_xlsx(sb: Storyboard, path: Path, out_dir: Path | None = None) -> Path:
    """One row per scene; the analyst edits title, narration, duration, keep, on-screen text.
    Text that would start a formula is neutralised: read-only cells through
    `pipeline.export.safe_cell`, editable ones with Excel's quote prefix (so the analyst's
    wording comes back unchanged)."""
    import xlsxwriter

    out_dir = Path(out_dir or path.parent)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    ws = wb.add_worksheet(SHEET)
    base = {
        "font_name": "Arial",
        "font_size": 11,
        "valign": "top",
        "text_wrap": True,
        "border": 1,
        "border_color": "#b0b7c0",
    }
    f_head = wb.add_format(
        {
            **base,
            "bold": True,
            "bg_color": "#1b3a6b",
            "font_color": "white",
            "valign": "vcenter",
            "locked": True,
        }
    )
    f_ro = wb.add_format({**base, "bg_color": "#f1f3f5", "locked": True})
    f_ro_small = wb.add_format({**base, "bg_color": "#f1f3f5", "locked": True, "font_size": 9})
    f_edit = wb.add_format({**base, "locked": False})
    f_edit_q = wb.add_format({**base, "locked": False, "quote_prefix": True})
    f_num = wb.add_format({**base, "locked": False, "num_format": "0.0"})
    f_title = wb.add_format({"bold": True, "font_size": 14, "font_name": "Arial"})
    f_warn = wb.add_format(
        {"bold": True, "font_size": 12, "font_color": "#b00020", "font_name": "Arial"}
    )
    f_note = wb.add_format(
        {"italic": True, "font_size": 10, "font_name": "Arial", "font_color": "#444444"}
    )
    ws.write_string(
        0,
        0,
        f"Kịch bản clip báo cáo — Cụm thi đua số {sb.cluster_no} — "
        f"{upper_first(review_name(sb.period))}",
        f_title,
    )
    ws.write_string(
        1,
        0,
        (
            f"{ILLUSTRATIVE} — không phải số liệu thật"
            if sb.illustrative
            else "Số liệu lấy từ kho dữ liệu thi đua, khen thưởng"
        ),
        f_warn,
    )
    ws.write_string(
        2,
        0,
        "Sửa các ô nền trắng (Tiêu đề, Lời dẫn, Thời lượng, Giữ/Bỏ, Nội dung "
        "trên hình), lưu tệp rồi chạy: thidua clip --from "
        + path.name
        + "  (đường dẫn đầy đủ của tệp này)",
        f_note,
    )
    header_row = 3
    for c, name in enumerate(COLUMNS):
        ws.write_string(header_row, c, name, f_head)
    widths = [5, 16, 32, 70, 11, 8, 40, 46, 36, 30, 18]
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    ws.set_column(len(COLUMNS) - 1, len(COLUMNS) - 1, 18, None, {"hidden": True})
    thumbs = out_dir / "parts" / "thumbs"
    for i, s in enumerate(sb.scenes):
        r = header_row + 1 + i
        values = [
            i + 1,
            SCENE_LABELS.get(s.kind, s.kind),
            s.title,
            s.narration,
            s.duration,
            KEEP if s.keep else DROP,
            s.body,
            figures_text(s),
            s.image,
            s.note,
            s.id,
        ]
        for c, (name, value) in enumerate(zip(COLUMNS, values, strict=True)):
            editable = name in EDITABLE
            if name == "Thời lượng (giây)":
                ws.write_number(r, c, float(value), f_num)
                continue
            if name == "STT":
                ws.write_number(r, c, i + 1, f_ro)
                continue
            if name == "Ảnh" and value:
                ws.write_url(
                    r, c, f"external:{value}", f_ro, string=str(value), tip="Mở khung hình"
                )
                continue
            text = "" if value is None else str(value)
            fmt = f_edit if editable else (f_ro_small if name.startswith("Số liệu") else f_ro)
            if editable and text.startswith(DANGEROUS_START):
                # Excel's own quote prefix: shown and kept as text, read back unchanged
                fmt = f_edit_q
            elif not editable:
                text = safe_cell(text)
            ws.write_string(r, c, text, fmt)
        lines = max(len(s.narration) // 62 + 1, len(s.figures) + 1, s.body.count("\n") + 2)
        ws.set_row(r, max(112, min(400, 15 * lines)))
        thumb = _thumb(thumbs / Path(s.image).name, out_dir) if s.image else None
        if thumb is not None:
            ws.insert_image(r, 8, str(thumb), {"x_offset": 4, "y_offset": 4, "object_position": 1})
    first, last = header_row + 1, header_row + len(sb.scenes)
    ws.data_validation(
        first,
        5,
        last,
        5,
        {
            "validate": "list",
            "source": [KEEP, DROP],
            "error_title": "Giữ/Bỏ",
            "error_message": "Chọn «giữ» để giữ cảnh hoặc «bỏ» để bỏ cảnh khỏi clip.",
        },
    )
    ws.data_validation(
        first,
        4,
        last,
        4,
        {
            "validate": "decimal",
            "criteria": "between",
            "minimum": 1,
            "maximum": 600,
            "error_title": "Thời lượng",
            "error_message": "Thời lượng là số giây, từ 1 đến 600.",
        },
    )
    ws.freeze_panes(header_row + 1, 3)
    ws.protect(
        "",
        {
            "format_columns": True,
            "format_rows": True,
            "select_locked_cells": True,
            "select_unlocked_cells": True,
        },
    )
    help_ws = wb.add_worksheet("Hướng dẫn")
    help_ws.set_column(0, 0, 110)
    for r, line in enumerate(
        [
            "Cách sửa kịch bản clip",
            "1. Sửa Tiêu đề, Lời dẫn (phụ đề), Thời lượng (giây), Nội dung trên hình ở trang «Kịch "
            "bản». Các cột nền xám là số liệu tham khảo: sửa ở đây không đổi số liệu.",
            "2. Chọn «bỏ» ở cột Giữ/Bỏ để bỏ một cảnh; «giữ» để giữ lại. Có thể đổi thứ tự các "
            "dòng: clip theo thứ tự dòng.",
            "3. Các chỗ «(điền …)» là nội dung kho dữ liệu không có (chủ đề năm, phong trào, cách "
            "làm hay, giải pháp, phương hướng): hãy viết thay.",
            "4. Lưu tệp rồi chạy: thidua clip --from <thư mục clip>/storyboard.xlsx — khung hình, "
            "phụ đề và video xem trước được dựng lại, giữ nguyên lời văn đã sửa.",
            "5. Mỗi số trong lời dẫn do máy viết đều lấy từ cột «Số liệu»; khi sửa lời dẫn, lệnh "
            "sẽ nhắc nếu có số không thấy trong số liệu của cảnh.",
            "Không có tên cá nhân được khen thưởng trong clip: chỉ dùng số lượt khen thưởng.",
            (f"{ILLUSTRATIVE}: số liệu mẫu, không phải số liệu thật." if sb.illustrative else ""),
        ]
    ):
        help_ws.write_string(r, 0, line, f_title if r == 0 else f_note)
    wb.close()
    return path


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\r\n", "\n").strip()


def _duration(value, row: int) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        d = float(value)
    else:
        text = _cell_text(value).replace("giây", "").replace("s", "").strip()
        try:
            d = float(text.replace(",", "."))
        except ValueError:
            raise ClipError(
                f"Dòng {row}, cột «Thời lượng (giây)»: «{text}» không phải số giây "
                "(ví dụ 12 hoặc 12,5)."
            ) from None
    if not 1 <= d <= 600:
        raise ClipError(
            f"Dòng {row}, cột «Thời lượng (giây)»: {num(d)} giây nằm ngoài khoảng 1 đến 600 giây."
        )
    return round(d * STEPS) / STEPS


def _check_zip(path: Path) -> None:
    """storyboard.xlsx within bounds before openpyxl reads it: size on disk, size unzipped."""
    if path.stat().st_size > MAX_XLSX:
        raise ClipError(f"Tệp «{path.name}» lớn hơn {MAX_XLSX // (1024 * 1024)} MB: không đọc.")
    try:
        with zipfile.ZipFile(path) as z:
            unzipped = sum(i.file_size for i in z.infolist())
    except zipfile.BadZipFile:
        raise ClipError(f"Tệp «{path}» không phải tệp Excel (.xlsx) đọc được.") from None
    if unzipped > MAX_XLSX_UNZIPPED:
        raise ClipError(
            f"Tệp «{path.name}» giải nén ra hơn {MAX_XLSX_UNZIPPED // (1024 * 1024)} MB: "
            "không phải kịch bản do «thidua clip» ghi, không đọc."
        )


def read_xlsx_edits(path: Path, sb: Storyboard) -> Storyboard:
    """The analyst's edits applied to the storyboard beside it: wording, durations, keep/drop
    and row order; figures stay those of storyboard.json. Rows deleted from the sheet drop
    their scene. Every bad cell is reported at once, by its row in the sheet."""
    import openpyxl

    path = Path(path)
    _check_zip(path)
    try:
        wb = openpyxl.load_workbook(path, data_only=True, read_only=True)
    except Exception as exc:
        raise ClipError(f"Không mở được «{path}»: {exc}") from exc
    try:
        return _apply_edits(wb, path, sb)
    finally:
        wb.close()


def _apply_edits(wb, path: Path, sb: Storyboard) -> Storyboard:
    if SHEET not in wb.sheetnames:
        raise ClipError(f"Tệp «{path}» không có trang «{SHEET}».")
    ws = wb[SHEET]
    header, cols = None, {}
    for row in ws.iter_rows(min_row=1, max_row=20, max_col=len(COLUMNS) + 5):
        names = [_cell_text(c.value) for c in row]
        if "Mã cảnh" in names and "Lời dẫn" in names:
            header = row[0].row
            cols = {n: i for i, n in enumerate(names) if n}
            break
    if header is None:
        raise ClipError(
            f"Trang «{SHEET}» của «{path}» không có dòng tiêu đề cột (STT, Lời dẫn, "
            "Mã cảnh…): tệp không phải kịch bản do «thidua clip» ghi."
        )
    by_id = {s.id: s for s in sb.scenes}
    ordered, seen, errors, rows = [], set(), [], {}
    last = header + MAX_ROWS
    for row in ws.iter_rows(min_row=header + 1, max_row=last, max_col=len(COLUMNS) + 5):
        cells = [c.value for c in row]

        def get(name, cells=cells):
            i = cols.get(name)
            return cells[i] if i is not None and i < len(cells) else None

        sid = _cell_text(get("Mã cảnh"))
        if not sid:
            continue
        r = row[0].row
        if sid not in by_id:
            errors.append(
                f"Dòng {r}: mã cảnh «{sid[:40]}» không có trong storyboard.json bên cạnh "
                "tệp; đừng sửa cột «Mã cảnh»."
            )
            continue
        if sid in seen:
            errors.append(f"Dòng {r}: cảnh «{sid}» xuất hiện hai lần.")
            continue
        seen.add(sid)
        rows[sid] = r
        s = by_id[sid]
        keep_word = fold(_cell_text(get("Giữ/Bỏ")))
        if keep_word in ("", "giu", "x", "co"):
            s.keep = True
        elif keep_word in ("bo", "khong"):
            s.keep = False
        else:
            errors.append(
                f"Dòng {r}, cột «Giữ/Bỏ»: «{_cell_text(get('Giữ/Bỏ'))[:40]}» — hãy ghi "
                f"«{KEEP}» hoặc «{DROP}»."
            )
        s.title = _cell_text(get("Tiêu đề")) or s.title
        s.narration = _cell_text(get("Lời dẫn"))
        if "Nội dung trên hình" in cols:
            s.body = _cell_text(get("Nội dung trên hình"))
        try:
            s.duration = _duration(get("Thời lượng (giây)"), r)
        except ClipError as exc:
            errors.append(str(exc))
        ordered.append(s)
    if ws.max_row and ws.max_row > last:
        errors.append(
            f"Trang «{SHEET}» có hơn {MAX_ROWS} dòng cảnh: chỉ đọc đến dòng {last}; "
            "kịch bản do «thidua clip» ghi có ít dòng hơn nhiều."
        )
    if errors:
        raise ClipError(
            f"«{path.name}» có {len(errors)} chỗ cần sửa (chưa dựng lại gì):\n  - "
            + "\n  - ".join(errors)
        )
    for s in sb.scenes:
        if s.id not in seen:
            s.keep = False
            ordered.append(s)
    sb.scenes = ordered
    sb.rows = rows
    if not sb.kept():
        raise ClipError("Mọi cảnh đều đang ở trạng thái «bỏ»: clip cần ít nhất một cảnh.")
    return sb


# -- loi-dan.docx: the narration for the person who reads it ------------------------------------


def write_docx(sb: Storyboard, path: Path) -> Path:
    """The kept scenes' narration as a Word document to read from: for each scene its number,
    title and duration, then what to say; the illustrative-data label first when it applies.
    Written from the storyboard as it stands (the analyst's edits after --from)."""
    from docx import Document
    from docx.shared import Pt, RGBColor

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "Noto Sans", Pt(14)
    kept = sb.kept()
    doc.add_heading(f"Lời dẫn clip {review_name(sb.period)} — Cụm thi đua số {sb.cluster_no}", 1)
    total = num(sb.total_duration())
    intro = doc.add_paragraph()
    if sb.illustrative:
        run = intro.add_run(f"{ILLUSTRATIVE}: có số liệu minh họa, không phải số liệu thật. ")
        run.bold, run.font.color.rgb = True, RGBColor(0xB0, 0x00, 0x20)
    intro.add_run(
        f"{len(kept)} cảnh, tổng {total} giây. Mỗi cảnh: số thứ tự, tiêu đề, thời lượng trên "
        "hình, rồi lời đọc. Đọc vừa đủ trong thời lượng của cảnh; tệp thu mỗi cảnh đặt vào "
        "thư mục voice/ (01.wav, 02.wav, …)."
    )
    for n, scene in enumerate(kept, 1):
        doc.add_heading(f"Cảnh {n} — {scene.title} ({num(scene.duration)} giây)", 2)
        doc.add_paragraph(scene.narration)
    tmp = path.with_suffix(".tmp.docx")
    doc.save(str(tmp))
    tmp.replace(path)
    return path
