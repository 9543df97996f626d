"""Blank input workbooks, one per kind of table (`thidua template`).

Each workbook holds three sheets:

- the data sheet: a title block the recogniser reads (agency line, «Đơn vị: » line for
  one-unit layouts, the report title with a period placeholder, a note), then ONE header
  row whose wording is matched by `reference/header_labels.csv`, then the data area with
  drop-down lists and number checks;
- «Hướng dẫn»: instructions in Vietnamese (one column, so it is never taken for a table);
- «Danh mục» (hidden): the lists the drop-downs refer to, built from the reference CSVs.

The title placeholder and the visible note deliberately state no period: every cell above
the header is read as title text, so an example such as «6 tháng đầu năm 2025» written in
a cell would be taken for the period of a file whose analyst forgot to fill the title.  The
examples are given in the title cell's input message and comment, and in «Hướng dẫn».
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl.utils import get_column_letter

from pipeline.core import refdata
from pipeline.core.labels import RECIPIENT_KIND_LABELS, RECIPIENT_KINDS, SHEET_KIND_LABELS

DATA_FONT = "Times New Roman"
GUIDE_SHEET = "Hướng dẫn"
LIST_SHEET = "Danh mục"

# Rows of the data sheet (0-based, as xlsxwriter counts).
AGENCY_ROW, UNIT_ROW, TITLE_ROW, NOTE_ROW, HEADER_ROW = 0, 1, 2, 3, 4
FIRST_DATA_ROW = HEADER_ROW + 1

AGENCY_TEXT = "VIỆN KIỂM SÁT NHÂN DÂN TỈNH ……"
UNIT_TEXT = "Đơn vị: "
NOTE_TEXT = (
    "Ghi kỳ báo cáo vào dòng tiêu đề ở trên, thay cho dấu «……» (xem ghi chú của ô tiêu đề "
    "và trang «Hướng dẫn»)."
)
NOTE_TEXT_NO_PERIOD = "Ghi năm vào cột «Năm» của từng dòng (xem trang «Hướng dẫn»)."
PERIOD_EXAMPLES = (
    "Ghi kỳ báo cáo vào tiêu đề, ví dụ «6 tháng đầu năm 2025» (sơ kết) hoặc «năm 2025» "
    "(tổng kết năm). Có thể ghi kỳ trong tên tệp thay cho tiêu đề; nếu ghi cả hai thì phải "
    "giống nhau."
)

PREFIX = {"tinh": "VKSND tỉnh ", "thanh_pho": "VKSND thành phố "}
RECIPIENT_KIND_CHOICES = ("Tập thể", "Cá nhân")


# --- what each template holds --------------------------------------------------------


@dataclass(frozen=True)
class Col:
    header: str  # canonical Vietnamese header, matched by header_labels.csv
    field: str  # the field the recogniser must read from it
    width: float
    cell: str = "text"  # text | stt | decimal | count | date | year | cluster | <list name>


@dataclass(frozen=True)
class Spec:
    kind: str
    filename: str
    sheet: str
    title: str
    one_unit: bool  # the unit is named in the title block («Đơn vị: …»)
    columns: tuple[Col, ...]
    blank_rows: int  # formatted empty rows after the pre-filled ones
    row_is: str  # "one row is …", for the instructions
    guide: tuple[str, ...] = field(default_factory=tuple)  # kind-specific instructions
    prefill: str | None = None  # "awards" | "levels"


STT = Col("STT", "stt", 6, "stt")
NOTE = Col("Ghi chú", "note", 24)

SPECS: tuple[Spec, ...] = (
    Spec(
        kind="indicators",
        filename="mau_ket_qua_chi_tieu.xlsx",
        sheet="Kết quả chỉ tiêu",
        title="BÁO CÁO KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU NGHIỆP VỤ …… NĂM 20……",
        one_unit=True,
        columns=(
            STT,
            Col("Tên chỉ tiêu", "indicator", 62, "indicators"),
            Col("Đơn vị tính", "measure_unit", 11),
            Col("Chỉ tiêu", "target", 13, "decimal"),
            Col("Kết quả", "actual", 13, "decimal"),
            NOTE,
        ),
        blank_rows=60,
        row_is="kết quả thực hiện một chỉ tiêu nghiệp vụ của đơn vị trong kỳ báo cáo",
        guide=(
            "Tên chỉ tiêu: chọn trong danh sách (bấm vào ô, chọn mũi tên) hoặc gõ tên chỉ tiêu. "
            "Chỉ tiêu chưa có trong danh mục vẫn được nạp và được liệt kê là chỉ tiêu mới "
            "(hệ thống chỉ tiêu thay đổi theo QĐ 139/2020, QĐ 358/2025).",
            "Đơn vị tính: «%», «người», «vụ», «việc»…; có thể để trống với chỉ tiêu tỷ lệ.",
            "Chỉ tiêu: mức được giao (ví dụ 100% hoặc 95,5%). Với chỉ tiêu càng thấp càng tốt có "
            "thể ghi «không quá 5%». Kết quả: mức đạt được trong kỳ.",
        ),
    ),
    Spec(
        kind="scores",
        filename="mau_cham_diem.xlsx",
        sheet="Chấm điểm",
        title="BẢNG CHẤM ĐIỂM THI ĐUA …… NĂM 20……",
        one_unit=True,
        columns=(
            STT,
            Col("Tiêu chí", "criterion", 62),
            Col("Điểm tối đa", "max_points", 13, "decimal"),
            Col("Điểm đạt", "points", 13, "decimal"),
            NOTE,
        ),
        blank_rows=60,
        row_is="một tiêu chí (hoặc nhóm tiêu chí) chấm điểm thi đua của đơn vị trong kỳ",
        guide=(
            "Tiêu chí: ghi tên tiêu chí hoặc nhóm tiêu chí đúng như trong bảng chấm điểm; mỗi "
            "tiêu chí chỉ ghi một lần.",
            "Điểm đạt không được lớn hơn Điểm tối đa. Điểm trừ ghi ở dòng có tên bắt đầu bằng "
            "«Điểm trừ» (ghi số dương, chương trình tự trừ).",
            "Dòng tên mục (I, II, 1., a)) không có điểm được bỏ qua, không bị coi là lỗi.",
        ),
    ),
    Spec(
        kind="awards",
        filename="mau_khen_thuong.xlsx",
        sheet="Khen thưởng",
        title="BÁO CÁO KẾT QUẢ KHEN THƯỞNG …… NĂM 20……",
        one_unit=True,
        columns=(
            STT,
            Col("Hình thức khen thưởng", "award", 52, "awards"),
            Col("Tập thể", "tap_the", 12, "count"),
            Col("Cá nhân", "ca_nhan", 12, "count"),
            NOTE,
        ),
        blank_rows=10,
        prefill="awards",
        row_is="một hình thức khen thưởng của đơn vị trong năm, với số tập thể và số cá nhân "
        "được khen",
        guide=(
            "Các dòng đã ghi sẵn mọi hình thức khen thưởng trong danh mục; chỉ cần ghi số lượng. "
            "Hình thức không có thì để trống hoặc ghi 0.",
            "Tập thể: số tập thể được khen; Cá nhân: số cá nhân được khen; số nguyên từ 0 trở lên.",
            "Ô màu xám: hình thức đó không dành cho loại đối tượng này (ví dụ Chiến sĩ thi đua chỉ "
            "dành cho cá nhân, Cờ thi đua chỉ dành cho tập thể); để trống.",
            "Có thể thêm dòng cho hình thức khác (ví dụ «Huân chương Lao động hạng Ba»); hình thức "
            "không nhận ra được sẽ bị từ chối kèm danh sách các hình thức được biết.",
        ),
    ),
    Spec(
        kind="recipients",
        filename="mau_danh_sach_khen_thuong.xlsx",
        sheet="Danh sách khen thưởng",
        title="DANH SÁCH TẬP THỂ, CÁ NHÂN ĐƯỢC KHEN THƯỞNG …… NĂM 20……",
        one_unit=False,
        columns=(
            STT,
            Col("Họ và tên", "name", 28),
            Col("Chức vụ", "position", 22),
            Col("Đơn vị", "unit", 28, "units"),
            Col("Đối tượng", "recipient_kind", 11, "recipient_kinds"),
            Col("Hình thức khen thưởng", "award", 40, "awards"),
            Col("Số quyết định", "decision_no", 18),
            Col("Ngày quyết định", "decision_date", 14, "date"),
            NOTE,
        ),
        blank_rows=300,
        row_is="một tập thể hoặc một cá nhân được khen thưởng (một người được hai hình thức thì "
        "ghi hai dòng)",
        guide=(
            "Họ và tên: họ tên cá nhân, hoặc tên tập thể (ví dụ «Phòng 1 VKSND tỉnh Gia Lai»).",
            "Đơn vị: VKSND tỉnh, thành phố của người hoặc tập thể được khen (chọn trong danh sách).",
            "Đối tượng: «Tập thể» hoặc «Cá nhân»; để trống thì chương trình tự suy ra từ hình "
            "thức khen thưởng và chức vụ.",
            "Số quyết định: ví dụ «125/QĐ-VKSTC». Ngày quyết định: ngày/tháng/năm, ví dụ "
            "15/12/2024.",
        ),
    ),
    Spec(
        kind="initiatives",
        filename="mau_sang_kien.xlsx",
        sheet="Sáng kiến",
        title="BÁO CÁO SÁNG KIẾN, ĐỀ TÀI KHOA HỌC …… NĂM 20……",
        one_unit=True,
        columns=(
            STT,
            Col("Cấp", "level", 40, "levels"),
            Col("Số lượng", "count", 14, "count"),
            NOTE,
        ),
        blank_rows=0,
        prefill="levels",
        row_is="số sáng kiến (hoặc đề tài khoa học) của đơn vị được công nhận ở một cấp trong năm",
        guide=(
            "Ba dòng đã ghi sẵn ba cấp: Sáng kiến cấp cơ sở, Sáng kiến cấp ngành, Đề tài khoa "
            "học; chỉ cần ghi số lượng (số nguyên từ 0 trở lên).",
        ),
    ),
    Spec(
        kind="clusters",
        filename="mau_cum_thi_dua.xlsx",
        sheet="Cụm thi đua",
        title="DANH SÁCH ĐƠN VỊ THUỘC CỤM THI ĐUA NĂM 20……",
        one_unit=False,
        columns=(
            STT,
            Col("Năm", "year", 9, "year"),
            Col("Cụm thi đua số", "cluster_no", 11, "cluster"),
            Col("Đơn vị", "unit", 34, "units"),
            Col("Vai trò", "role", 16, "roles"),
            NOTE,
        ),
        blank_rows=120,
        row_is="một đơn vị thuộc một cụm thi đua trong một năm",
        guide=(
            "Năm: năm của thành phần cụm (ví dụ 2025); số cụm chỉ có nghĩa cùng với năm vì "
            "thành phần các cụm thay đổi (ví dụ Cụm 13 thành lập năm 2024).",
            "Cụm thi đua số: số cụm, ví dụ 7. Vai trò: Cụm trưởng, Cụm phó hoặc Thành viên "
            "(để trống được coi là Thành viên).",
            "Mỗi đơn vị chỉ ghi một lần trong một năm.",
        ),
    ),
)


# --- lists (the hidden «Danh mục» sheet) ------------------------------------------------


_LETTER_MARKS = {"\u0306": 1, "\u0302": 2, "\u031b": 3}  # ă, â/ê/ô, ơ/ư


def vn_sort_key(text: str) -> list[tuple[str, int]]:
    """Vietnamese alphabetical order: a < ă < â, d < đ, o < ô < ơ, u < ư; tones ignored."""
    out: list[tuple[str, int]] = []
    for ch in unicodedata.normalize("NFD", text.lower()):
        if ch in _LETTER_MARKS and out:
            out[-1] = (out[-1][0], _LETTER_MARKS[ch])
        elif unicodedata.combining(ch):
            continue
        elif ch == "đ":
            out.append(("d", 9))
        else:
            out.append((ch, 0))
    return out


def unit_choices() -> list[str]:
    """Every unit valid today: provinces and cities in alphabetical order, then the others."""
    units = [u for u in refdata.load().units if not u["valid_to"]]
    provincial = sorted(
        (u for u in units if u["kind"] in PREFIX), key=lambda u: vn_sort_key(u["name"])
    )
    others = [u for u in units if u["kind"] not in PREFIX]
    return [PREFIX[u["kind"]] + u["name"] for u in provincial] + [u["name"] for u in others]


def _lists() -> dict[str, tuple[str, list[str]]]:
    """name -> (heading on «Danh mục», values), in column order."""
    ref = refdata.load()
    roles = refdata.read_csv("cluster_roles.csv")
    return {
        "units": ("Danh sách đơn vị", unit_choices()),
        "awards": ("Danh sách hình thức khen thưởng", [a["name"] for a in ref.awards]),
        "levels": ("Danh sách cấp sáng kiến", list(ref.level_names.values())),
        "roles": ("Danh sách vai trò trong cụm", [r["name"] for r in roles]),
        "recipient_kinds": ("Danh sách đối tượng", list(RECIPIENT_KIND_CHOICES)),
        "indicators": ("Danh sách chỉ tiêu đã biết", [i["name"] for i in ref.indicators]),
    }


# --- writing ----------------------------------------------------------------------------


def write_templates(out: Path) -> list[Path]:
    """Write one blank workbook per kind into `out` (created); return the paths written."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    lists = _lists()
    paths = []
    for spec in SPECS:
        path = out / spec.filename
        _write_one(path, spec, lists)
        paths.append(path)
    paths.append(write_mapping_template(out / MAPPING_FILENAME, lists))
    return paths


class _Formats:
    def __init__(self, wb):
        base = {"font_name": DATA_FONT, "font_size": 12}

        def fmt(**kw):
            return wb.add_format({**base, **kw})

        self.agency = fmt(bold=True)
        self.unit = fmt(bold=True)
        self.title = fmt(bold=True, font_size=14, align="center", valign="vcenter", text_wrap=True)
        self.note = fmt(
            italic=True,
            font_size=11,
            font_color="#C00000",
            align="center",
            valign="vcenter",
            text_wrap=True,
        )
        self.header = fmt(
            bold=True,
            text_wrap=True,
            align="center",
            valign="vcenter",
            border=1,
            bg_color="#DDEBF7",
        )
        self.text = fmt(border=1, text_wrap=True, valign="vcenter")
        self.stt = fmt(border=1, align="center", valign="vcenter")
        self.number = fmt(border=1, valign="vcenter")
        self.count = fmt(border=1, valign="vcenter", num_format="#,##0")
        self.date = fmt(border=1, valign="vcenter", num_format="dd/mm/yyyy", align="center")
        self.plain_int = fmt(border=1, valign="vcenter", align="center", num_format="0")
        self.disabled = fmt(border=1, bg_color="#D9D9D9", num_format="#,##0")
        self.guide_title = fmt(bold=True, font_size=14)
        self.guide_head = fmt(bold=True)
        self.guide = fmt(text_wrap=True, valign="top")
        self.list_head = fmt(bold=True)
        self.list_item = fmt()


def _write_one(path: Path, spec: Spec, lists: dict[str, tuple[str, list[str]]]) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    try:
        f = _Formats(wb)
        ws = wb.add_worksheet(spec.sheet)
        guide = wb.add_worksheet(GUIDE_SHEET)
        catalogue = wb.add_worksheet(LIST_SHEET)
        refs = _write_catalogue(catalogue, f, lists)
        catalogue.hide()
        _write_data_sheet(ws, spec, f, lists, refs)
        _write_guide(guide, spec, f)
        ws.activate()
        wb.set_properties(
            {
                "title": f"Biểu mẫu {SHEET_KIND_LABELS[spec.kind]}",
                "subject": "Thi đua, khen thưởng ngành Kiểm sát nhân dân",
                "comments": "Tạo bằng lệnh «thidua template».",
            }
        )
    finally:
        wb.close()


def _write_catalogue(ws, f: _Formats, lists) -> dict[str, str]:
    """Write the lists one under another in column A; return name -> absolute range.

    One column only: no row holds two known names, so even if the sheet is unhidden the
    recogniser never takes a row of it for a header.
    """
    refs = {}
    ws.write_string(
        0, 0, "Các danh sách dùng cho ô chọn của biểu mẫu; không sửa trang này.", f.list_head
    )
    r = 2
    for name, (heading, values) in lists.items():
        ws.write_string(r, 0, heading, f.list_head)
        first = r + 1
        for value in values:
            r += 1
            ws.write_string(r, 0, value, f.list_item)
        refs[name] = f"='{LIST_SHEET}'!$A${first + 1}:$A${r + 1}"
        r += 2
    ws.set_column(0, 0, 90)
    return refs


def _prefill_rows(spec: Spec, lists) -> list[str]:
    if spec.prefill == "awards":
        return lists["awards"][1]
    if spec.prefill == "levels":
        return lists["levels"][1]
    return []


def _write_data_sheet(ws, spec: Spec, f: _Formats, lists, refs) -> None:
    cols = spec.columns
    last_col = len(cols) - 1
    for c, col in enumerate(cols):
        ws.set_column(c, c, col.width)

    # title block
    ws.write_string(AGENCY_ROW, 0, AGENCY_TEXT, f.agency)
    ws.data_validation(
        AGENCY_ROW,
        0,
        AGENCY_ROW,
        0,
        {
            "validate": "any",
            "input_title": "Tên cơ quan",
            "input_message": "Thay dấu «……» bằng tên tỉnh, thành phố, ví dụ «VIỆN KIỂM SÁT NHÂN "
            "DÂN TỈNH GIA LAI».",
        },
    )
    if spec.one_unit:
        ws.write_string(UNIT_ROW, 0, UNIT_TEXT, f.unit)
        ws.data_validation(
            UNIT_ROW,
            0,
            UNIT_ROW,
            0,
            {
                "validate": "any",
                "input_title": "Đơn vị báo cáo",
                "input_message": "Ghi tên đơn vị ngay sau «Đơn vị: », trong cùng ô này, ví dụ "
                "«Đơn vị: VKSND tỉnh Gia Lai» hoặc «Đơn vị: VKSND thành phố Huế». "
                "Mỗi tệp chỉ chứa số liệu của một đơn vị.",
            },
        )
    ws.merge_range(TITLE_ROW, 0, TITLE_ROW, last_col, spec.title, f.title)
    ws.set_row(TITLE_ROW, 36)
    if spec.kind == "clusters":
        title_message = (
            "Có thể ghi năm vào tiêu đề, ví dụ «năm 2025»; năm ghi ở cột «Năm» của "
            "từng dòng được ưu tiên."
        )
        note = NOTE_TEXT_NO_PERIOD
    else:
        title_message = PERIOD_EXAMPLES
        note = NOTE_TEXT
    ws.data_validation(
        TITLE_ROW,
        0,
        TITLE_ROW,
        0,
        {
            "validate": "any",
            "input_title": "Kỳ báo cáo",
            "input_message": title_message,
        },
    )
    ws.write_comment(
        TITLE_ROW, 0, title_message, {"author": "thidua", "x_scale": 2.2, "y_scale": 1.4}
    )
    ws.merge_range(NOTE_ROW, 0, NOTE_ROW, last_col, note, f.note)
    ws.set_row(NOTE_ROW, 30)

    # the header: one row
    for c, col in enumerate(cols):
        ws.write_string(HEADER_ROW, c, col.header, f.header)
    ws.set_row(HEADER_ROW, 36)
    ws.freeze_panes(FIRST_DATA_ROW, 0)

    # data area
    prefill = _prefill_rows(spec, lists)
    last_row = FIRST_DATA_ROW + len(prefill) + spec.blank_rows - 1
    disabled = _disabled_cells(spec)  # (row, column) of award cells that do not apply
    for r in range(FIRST_DATA_ROW, last_row + 1):
        i = r - FIRST_DATA_ROW
        label = prefill[i] if i < len(prefill) else None
        for c, col in enumerate(cols):
            cell_format = {
                "stt": f.stt,
                "decimal": f.number,
                "count": f.count,
                "date": f.date,
                "year": f.plain_int,
                "cluster": f.plain_int,
            }.get(col.cell, f.text)
            if col.cell == "stt" and label is not None:
                ws.write_number(r, c, i + 1, cell_format)
            elif c == 1 and label is not None:
                ws.write_string(r, c, label, cell_format)
            elif (r, c) in disabled:
                ws.write_blank(r, c, None, f.disabled)
            else:
                ws.write_blank(r, c, None, cell_format)

    # validations: one rule per column over the data area (ranges never overlap, which
    # Excel does not allow), the cells that do not apply with their own rule
    for c, col in enumerate(cols):
        rule = _validation(col, refs)
        if rule is None or last_row < FIRST_DATA_ROW:
            continue
        off = [r for r in range(FIRST_DATA_ROW, last_row + 1) if (r, c) in disabled]
        on = [r for r in range(FIRST_DATA_ROW, last_row + 1) if (r, c) not in disabled]
        if on:
            ws.data_validation(on[0], c, on[-1], c, {**rule, "multi_range": _ranges(on, c)})
        if off:
            ws.data_validation(
                off[0], c, off[-1], c, {**_not_allowed(col.field), "multi_range": _ranges(off, c)}
            )

    # printing
    ws.set_paper(9)  # A4
    if sum(col.width for col in cols) > 100:
        ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(HEADER_ROW)
    ws.set_margins(left=0.5, right=0.4, top=0.6, bottom=0.6)


def _disabled_cells(spec: Spec) -> set[tuple[int, int]]:
    """Award-template cells for a kind of recipient the pre-filled form is not given to."""
    if spec.prefill != "awards":
        return set()
    ref = refdata.load()
    out = set()
    for i, award in enumerate(ref.awards):
        allowed = ref.award_kinds.get(award["award_id"], RECIPIENT_KINDS)
        for c, col in enumerate(spec.columns):
            if col.field in RECIPIENT_KINDS and col.field not in allowed:
                out.add((FIRST_DATA_ROW + i, c))
    return out


def _ranges(rows: list[int], c: int) -> str:
    """Rows (0-based) of one column as an A1 multi-range: "C6:C9 C11"."""
    runs, start, prev, col = [], rows[0], rows[0], get_column_letter(c + 1)
    for r in rows[1:] + [None]:
        if r is not None and r == prev + 1:
            prev = r
            continue
        a, b = f"{col}{start + 1}", f"{col}{prev + 1}"
        runs.append(a if a == b else f"{a}:{b}")
        if r is not None:
            start = prev = r
    return " ".join(runs)


def _not_allowed(kind: str) -> dict:
    label = RECIPIENT_KIND_LABELS[kind].lower()
    return {
        "validate": "integer",
        "criteria": "between",
        "minimum": 0,
        "maximum": 0,
        "input_title": "Không áp dụng",
        "input_message": f"Hình thức khen thưởng này không dành cho {label}; để trống ô này.",
        "error_title": "Không áp dụng",
        "error_message": f"Hình thức khen thưởng này không dành cho {label}; hãy để trống ô này.",
    }


NUMBER_INPUT = (
    "Nhập số từ 0 trở lên: số thường, 1.234 (một nghìn hai trăm ba mươi tư) hoặc tỷ lệ như "
    "95,5%. Không có số liệu: để trống hoặc ghi «-»."
)
NUMBER_ERROR = (
    "Cần một số từ 0 trở lên (ví dụ 12; 1.234; 95,5%). Nếu không có số liệu, để trống hoặc "
    "ghi «-» rồi chọn «Có» (Yes) để giữ nguyên."
)
COUNT_INPUT = (
    "Nhập số nguyên từ 0 trở lên (ví dụ 3 hoặc 1.234). Không có: để trống, ghi 0 hoặc «-»."
)
COUNT_ERROR = (
    "Cần một số nguyên từ 0 trở lên. Nếu không có, để trống, ghi 0 hoặc ghi «-» rồi chọn "
    "«Có» (Yes) để giữ nguyên."
)
LIST_ERROR = (
    "Giá trị này không có trong danh sách. Chương trình vẫn nhận các cách viết thông dụng; "
    "chọn «Có» (Yes) để giữ, hoặc «Không» (No) để chọn lại từ danh sách."
)


def _list_rule(ref: str, title: str, message: str, strict: bool = True) -> dict:
    rule = {
        "validate": "list",
        "source": ref,
        "input_title": title,
        "input_message": message,
        "error_type": "warning",
        "error_title": "Không có trong danh sách",
        "error_message": LIST_ERROR,
    }
    if not strict:
        rule["show_error"] = False
    return rule


def _validation(col: Col, refs: dict[str, str]) -> dict | None:
    if col.cell == "decimal":
        return {
            "validate": "decimal",
            "criteria": ">=",
            "value": 0,
            "input_title": f"{col.header}: nhập số",
            "input_message": NUMBER_INPUT,
            "error_type": "warning",
            "error_title": "Không phải số từ 0 trở lên",
            "error_message": NUMBER_ERROR,
        }
    if col.cell == "count":
        return {
            "validate": "integer",
            "criteria": ">=",
            "value": 0,
            "input_title": f"{col.header}: nhập số",
            "input_message": COUNT_INPUT,
            "error_type": "warning",
            "error_title": "Không phải số nguyên",
            "error_message": COUNT_ERROR,
        }
    if col.cell == "date":
        from datetime import date

        return {
            "validate": "date",
            "criteria": ">=",
            "value": date(1975, 1, 1),
            "input_title": "Ngày quyết định",
            "input_message": "Ghi ngày/tháng/năm, ví dụ 15/12/2024.",
            "error_type": "warning",
            "error_title": "Không phải ngày",
            "error_message": "Cần một ngày dạng ngày/tháng/năm, ví dụ 15/12/2024.",
        }
    if col.cell == "year":
        return {
            "validate": "integer",
            "criteria": "between",
            "minimum": 2000,
            "maximum": 2100,
            "input_title": "Năm",
            "input_message": "Ghi năm, ví dụ 2025.",
            "error_title": "Năm không hợp lệ",
            "error_message": "Cần một năm có bốn chữ số, ví dụ 2025.",
        }
    if col.cell == "cluster":
        return {
            "validate": "integer",
            "criteria": "between",
            "minimum": 1,
            "maximum": 99,
            "input_title": "Cụm thi đua số",
            "input_message": "Ghi số của cụm thi đua, ví dụ 7.",
            "error_title": "Số cụm không hợp lệ",
            "error_message": "Cần số cụm từ 1 đến 99, ví dụ 7.",
        }
    if col.cell == "units":
        return _list_rule(
            refs["units"],
            "Đơn vị",
            "Chọn đơn vị trong danh sách, hoặc gõ tên theo cách thông dụng "
            "(ví dụ «Gia Lai», «TP.HCM»).",
        )
    if col.cell == "awards":
        return _list_rule(
            refs["awards"], "Hình thức khen thưởng", "Chọn hình thức khen thưởng trong danh sách."
        )
    if col.cell == "levels":
        return _list_rule(
            refs["levels"],
            "Cấp",
            "Chọn: Sáng kiến cấp cơ sở, Sáng kiến cấp ngành hoặc Đề tài khoa học.",
        )
    if col.cell == "roles":
        return _list_rule(
            refs["roles"],
            "Vai trò",
            "Chọn: Cụm trưởng, Cụm phó hoặc Thành viên (để trống là Thành viên).",
        )
    if col.cell == "recipient_kinds":
        return _list_rule(refs["recipient_kinds"], "Đối tượng", "Chọn: Tập thể hoặc Cá nhân.")
    if col.cell == "indicators":
        return _list_rule(
            refs["indicators"],
            "Tên chỉ tiêu",
            "Chọn chỉ tiêu trong danh sách, hoặc gõ tên chỉ tiêu khác (chỉ tiêu mới vẫn được nạp).",
            strict=False,
        )
    return None


# --- «Hướng dẫn» ----------------------------------------------------------------------------


def _guide_lines(spec: Spec) -> list[tuple[str, str]]:
    """(style, text) lines; everything in column A so the sheet is never taken for a table."""
    label = SHEET_KIND_LABELS[spec.kind]
    headers = ", ".join(f"«{c.header}»" for c in spec.columns)
    lines: list[tuple[str, str]] = [
        ("title", f"HƯỚNG DẪN GHI BIỂU MẪU {label.upper()}"),
        ("text", ""),
        ("head", "1. Mỗi dòng là gì"),
        ("text", f"Mỗi dòng số liệu trong trang «{spec.sheet}» là {spec.row_is}."),
        (
            "text",
            f"Các cột: {headers}. Không đổi tên, không xóa, không thêm dòng tiêu đề cột; "
            "được chèn thêm dòng số liệu trong bảng.",
        ),
    ]
    lines += [("text", g) for g in spec.guide]
    lines.append(("text", ""))
    lines.append(("head", "2. Đơn vị"))
    if spec.one_unit:
        lines.append(
            (
                "text",
                "Mỗi tệp là số liệu của một đơn vị. Ghi tên đơn vị ở dòng 2, ngay "
                "sau «Đơn vị: » trong cùng ô, ví dụ «Đơn vị: VKSND tỉnh Gia Lai».",
            )
        )
    else:
        lines.append(
            (
                "text",
                "Ghi tên đơn vị ở cột «Đơn vị» của từng dòng; nên chọn trong danh "
                "sách (bấm vào ô, chọn mũi tên).",
            )
        )
    lines.append(
        (
            "text",
            "Tên đơn vị viết theo cách thông dụng đều được nhận: có hoặc không có "
            "«VKSND tỉnh», «Viện kiểm sát nhân dân», viết tắt (TT Huế, TP.HCM, "
            "BR-VT), không dấu, dấu kiểu cũ (Thanh Hoá, Hoà Bình), cách viết khác "
            "(Đăk Lăk, Đắc Lắc).",
        )
    )
    lines.append(("text", ""))
    lines.append(("head", "3. Kỳ báo cáo"))
    if spec.kind == "clusters":
        lines.append(
            (
                "text",
                "Ghi năm ở cột «Năm» của từng dòng (ví dụ 2025). Nếu cột «Năm» để "
                "trống, năm được lấy từ tiêu đề (ví dụ «năm 2025») hoặc tên tệp.",
            )
        )
    else:
        lines.append(
            (
                "text",
                "Kỳ báo cáo phải có trong tiêu đề (dòng 3, thay dấu «……») hoặc "
                "trong tên tệp: «6 tháng đầu năm 2025» (sơ kết 6 tháng) hoặc «năm "
                "2025» (tổng kết năm). Cũng được hiểu: «sơ kết 6 tháng», «tổng kết "
                "năm 2025», «6T/2025».",
            )
        )
        lines.append(
            (
                "text",
                "Năm công tác của ngành tính từ ngày 1/12 năm trước đến ngày 30/11. "
                "Nếu tiêu đề, tên trang tính và tên tệp ghi kỳ khác nhau, cả tệp bị "
                "từ chối và thông báo nêu cả hai cách ghi.",
            )
        )
    lines.append(("text", ""))
    lines.append(("head", "4. Cách ghi số"))
    lines.append(
        (
            "text",
            "Ghi số như bình thường hoặc theo kiểu Việt Nam: «1.234» là một nghìn "
            "hai trăm ba mươi tư; «95,5%» là chín mươi lăm phẩy năm phần trăm "
            "(«95.5 %» cũng được). Ô định dạng phần trăm cũng được đọc đúng.",
        )
    )
    lines.append(
        (
            "text",
            "Không có số liệu: để trống hoặc ghi «-». Không ghi chữ vào ô số. Ô "
            "công thức phải được tính và lưu bằng Excel hoặc LibreOffice.",
        )
    )
    lines.append(
        (
            "text",
            "Được thêm một dòng «Tổng cộng» ở cuối bảng: dòng này không được nạp "
            "mà được so với tổng các dòng đơn vị; nếu lệch, chương trình báo lỗi.",
        )
    )
    lines.append(("text", ""))
    lines.append(("head", "5. Gửi và sửa số liệu"))
    lines.append(
        (
            "text",
            "Không gửi số liệu của cùng một đơn vị, cùng một kỳ ở hai tệp khác "
            "nhau, trừ khi tệp mới nhằm thay thế tệp cũ: khi đó tệp được sửa sau "
            "cùng thay thế hoàn toàn tệp trước, số liệu không bao giờ bị cộng hai "
            "lần.",
        )
    )
    lines.append(
        (
            "text",
            "Có thể đổi tên tệp và tên trang tính. Có thể kiểm tra tệp trước khi "
            "gửi bằng lệnh «thidua check <tệp>»; mọi lỗi được nêu rõ tệp, trang, "
            "dòng, cột và điều cần sửa.",
        )
    )
    lines.append(
        (
            "text",
            f"Trang «{GUIDE_SHEET}» này và trang ẩn «{LIST_SHEET}» (danh sách "
            "cho các ô chọn) không được nạp; không sửa trang «Danh mục».",
        )
    )
    return lines


def _write_guide(ws, spec: Spec, f: _Formats) -> None:
    ws.set_column(0, 0, 110)
    styles = {"title": f.guide_title, "head": f.guide_head, "text": f.guide}
    for r, (style, text) in enumerate(_guide_lines(spec)):
        if text:
            ws.write_string(r, 0, text, styles[style])
            if style == "text" and len(text) > 100:
                ws.set_row(r, 15.75 * (len(text) // 100 + 1))
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)


# --- the spelling-mapping sheet («bí danh», contract §1) -----------------------------------

MAPPING_FILENAME = "mau_bi_danh.xlsx"
MAPPING_SHEET = "Bí danh"
MAPPING_HEADERS = (("STT", 6), ("Cách viết", 44), ("Đơn vị hoặc hình thức", 48), ("Ghi chú", 30))
MAPPING_ROWS = 200
MAPPING_GUIDE = (
    "HƯỚNG DẪN GHI BẢNG BÍ DANH",
    "",
    "Bảng bí danh dạy chương trình một cách viết tên đơn vị hoặc hình thức khen thưởng mà "
    "chương trình chưa hiểu, không cần sửa mã nguồn. Mỗi dòng là một cách viết.",
    "Cách viết: ghi đúng như trong tệp báo cáo, ví dụ «VKS Đắk Lắk (cũ)» hoặc «BK Giám đốc».",
    "Đơn vị hoặc hình thức: tên hoặc mã của một đơn vị hay hình thức đã có trong danh mục "
    "(chọn trong danh sách, hoặc ghi mã như «dak_lak», «bang_khen_vkstc»). Dòng chỉ tới một "
    "tên không có trong danh mục bị từ chối.",
    "Đặt tệp này ở bất kỳ đâu trong thư mục dữ liệu gốc (raw/); lần nạp sau, các tệp có cách "
    "viết đó được đọc lại và số liệu được nạp.",
    "Chỉ dùng bí danh cho cách viết chắc chắn: số liệu của dòng nào có cách viết này sẽ được "
    "tính cho đơn vị hoặc hình thức đã chọn.",
)


def write_mapping_template(path: Path, lists: dict[str, tuple[str, list[str]]] | None = None):
    """The blank «bí danh» workbook: spelling → a known unit or award form (name or id)."""
    import xlsxwriter

    lists = lists or _lists()
    targets = lists["units"][1] + lists["awards"][1]
    wb = xlsxwriter.Workbook(str(path))
    try:
        f = _Formats(wb)
        ws = wb.add_worksheet(MAPPING_SHEET)
        guide = wb.add_worksheet(GUIDE_SHEET)
        catalogue = wb.add_worksheet(LIST_SHEET)
        catalogue.write_string(
            0, 0, "Đơn vị và hình thức khen thưởng đã biết; không sửa trang này."
        )
        for i, value in enumerate(targets):
            catalogue.write_string(2 + i, 0, value)
        catalogue.set_column(0, 0, 90)
        catalogue.hide()
        ws.merge_range(
            0,
            0,
            0,
            len(MAPPING_HEADERS) - 1,
            "BẢNG BÍ DANH: CÁCH VIẾT TÊN ĐƠN VỊ, HÌNH THỨC KHEN THƯỞNG",
            f.title,
        )
        ws.set_row(0, 30)
        header_row = 2
        for c, (header, width) in enumerate(MAPPING_HEADERS):
            ws.set_column(c, c, width)
            ws.write_string(header_row, c, header, f.header)
        ws.freeze_panes(header_row + 1, 0)
        first, last = header_row + 1, header_row + MAPPING_ROWS
        for r in range(first, last + 1):
            for c in range(len(MAPPING_HEADERS)):
                ws.write_blank(r, c, None, f.stt if c == 0 else f.text)
        ws.data_validation(
            first,
            2,
            last,
            2,
            {
                "validate": "list",
                "source": f"='{LIST_SHEET}'!$A$3:$A${2 + len(targets)}",
                "input_title": "Đơn vị hoặc hình thức",
                "input_message": "Chọn trong danh sách, hoặc ghi tên hay mã đã có trong danh mục.",
                "error_type": "warning",
                "error_title": "Không có trong danh sách",
                "error_message": "Tên này không có trong danh sách; dòng sẽ bị từ chối nếu không "
                "phải tên hay mã của một đơn vị hoặc hình thức đã biết.",
            },
        )
        guide.set_column(0, 0, 110)
        for r, text in enumerate(MAPPING_GUIDE):
            if text:
                guide.write_string(r, 0, text, f.guide_title if r == 0 else f.guide)
        ws.activate()
    finally:
        wb.close()
    return path
