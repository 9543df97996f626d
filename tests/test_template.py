"""`thidua template`: the blank workbooks are read back by the pipeline's own reader and
recogniser, carry their drop-down lists and number checks, and a filled one loads."""

from __future__ import annotations

import re

import openpyxl
import pytest

from pipeline.build import check
from pipeline.core import refdata
from pipeline.ingest.read import read_workbook
from pipeline.ingest.recognise import match_field, recognise_sheet
from pipeline.publish.template import (
    GUIDE_SHEET,
    HEADER_ROW,
    LIST_SHEET,
    MAPPING_FILENAME,
    write_templates,
)

EXPECTED = {
    "mau_ket_qua_chi_tieu.xlsx": "indicators",
    "mau_cham_diem.xlsx": "scores",
    "mau_khen_thuong.xlsx": "awards",
    "mau_danh_sach_khen_thuong.xlsx": "recipients",
    "mau_sang_kien.xlsx": "initiatives",
    "mau_cum_thi_dua.xlsx": "clusters",
}
HEADERS = {  # the header row as written, and the field each header must be read as
    "indicators": [
        ("STT", "stt"),
        ("Tên chỉ tiêu", "indicator"),
        ("Đơn vị tính", "measure_unit"),
        ("Chỉ tiêu", "target"),
        ("Kết quả", "actual"),
        ("Ghi chú", "note"),
    ],
    "scores": [
        ("STT", "stt"),
        ("Tiêu chí", "criterion"),
        ("Điểm tối đa", "max_points"),
        ("Điểm đạt", "points"),
        ("Ghi chú", "note"),
    ],
    "awards": [
        ("STT", "stt"),
        ("Hình thức khen thưởng", "award"),
        ("Tập thể", "tap_the"),
        ("Cá nhân", "ca_nhan"),
        ("Ghi chú", "note"),
    ],
    "recipients": [
        ("STT", "stt"),
        ("Họ và tên", "name"),
        ("Chức vụ", "position"),
        ("Đơn vị", "unit"),
        ("Đối tượng", "recipient_kind"),
        ("Hình thức khen thưởng", "award"),
        ("Số quyết định", "decision_no"),
        ("Ngày quyết định", "decision_date"),
        ("Ghi chú", "note"),
    ],
    "initiatives": [("STT", "stt"), ("Cấp", "level"), ("Số lượng", "count"), ("Ghi chú", "note")],
    "clusters": [
        ("STT", "stt"),
        ("Năm", "year"),
        ("Cụm thi đua số", "cluster_no"),
        ("Đơn vị", "unit"),
        ("Vai trò", "role"),
        ("Ghi chú", "note"),
    ],
}
# which list each drop-down column must offer (header -> a value the list must contain)
LISTS = {
    "indicators": {"Tên chỉ tiêu": "Tỷ lệ vụ án truy tố đúng thời hạn"},
    "awards": {"Hình thức khen thưởng": "Bằng khen của Viện trưởng VKSND tối cao"},
    "recipients": {
        "Đơn vị": "VKSND tỉnh Gia Lai",
        "Đối tượng": "Tập thể",
        "Hình thức khen thưởng": "Giấy khen",
    },
    "initiatives": {"Cấp": "Đề tài khoa học"},
    "clusters": {"Đơn vị": "VKSND thành phố Huế", "Vai trò": "Cụm phó"},
}
NUMBER_COLUMNS = {
    "indicators": ["Chỉ tiêu", "Kết quả"],
    "scores": ["Điểm tối đa", "Điểm đạt"],
    "awards": ["Tập thể", "Cá nhân"],
    "initiatives": ["Số lượng"],
}


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    out = tmp_path_factory.mktemp("templates") / "mau"  # not created yet: write_templates does
    return {p.name: p for p in write_templates(out)}


def test_one_workbook_per_kind_is_written(templates):
    assert set(templates) == set(EXPECTED) | {MAPPING_FILENAME}  # and the «bí danh» sheet
    assert all(p.is_file() and p.stat().st_size > 0 for p in templates.values())


@pytest.mark.parametrize("filename, kind", EXPECTED.items())
def test_data_sheet_is_recognised_as_its_kind(templates, filename, kind):
    grids = read_workbook(templates[filename])
    results = [recognise_sheet(g, "mau.xlsx") for g in grids]
    data = results[0]
    assert data.kind == kind and data.skipped_reason is None
    assert data.layout == "long"
    # every other sheet is skipped, and says so
    by_name = {r.sheet: r for r in results}
    assert set(by_name) == {grids[0].name, GUIDE_SHEET, LIST_SHEET}
    assert by_name[GUIDE_SHEET].kind is None and by_name[GUIDE_SHEET].skipped_reason
    assert by_name[LIST_SHEET].kind is None and by_name[LIST_SHEET].skipped_reason
    # a blank template has no period, so the period in a file name never conflicts with it
    assert data.period is None
    if kind != "clusters":
        renamed = recognise_sheet(grids[0], "bao_cao_nam_2024.xlsx")
        assert renamed.period == "2024-FY"
        assert not any(p.rule == "period_conflict" for p in renamed.problems)


@pytest.mark.parametrize("filename, kind", EXPECTED.items())
def test_header_row_is_canonical_and_matched(templates, filename, kind):
    ws = openpyxl.load_workbook(templates[filename]).worksheets[0]
    header = [c.value for c in ws[HEADER_ROW + 1] if c.value is not None]
    assert header == [h for h, _ in HEADERS[kind]]
    for text, fname in HEADERS[kind]:
        assert match_field(kind, text) == fname, text
    assert ws.freeze_panes == f"A{HEADER_ROW + 2}"
    for c in ws[HEADER_ROW + 1][: len(header)]:
        assert c.font.b and c.alignment.wrap_text and c.border.bottom.style
    assert ws.column_dimensions["B"].width > 8
    # the title block
    assert ws["A1"].value == "VIỆN KIỂM SÁT NHÂN DÂN TỈNH ……"
    if kind not in ("recipients", "clusters"):
        assert ws["A2"].value.startswith("Đơn vị:")
    assert "NĂM 20…" in ws["A3"].value


def _list_values(wb, formula: str) -> list[str]:
    m = re.fullmatch(r"=?'?(.+?)'?!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)", formula)
    assert m, formula
    sheet, col, r0, _, r1 = m.groups()
    assert sheet == LIST_SHEET
    ws = wb[sheet]
    return [ws[f"{col}{r}"].value for r in range(int(r0), int(r1) + 1)]


def _validations_by_header(ws):
    headers = {c.column_letter: c.value for c in ws[HEADER_ROW + 1] if c.value}
    out: dict[str, list] = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            letter = re.match(r"[A-Z]+", rng.coord).group(0)
            if rng.min_row > HEADER_ROW + 1 and letter in headers:
                out.setdefault(headers[letter], []).append(dv)
    return out


@pytest.mark.parametrize("filename, kind", EXPECTED.items())
def test_drop_down_lists_come_from_the_hidden_catalogue(templates, filename, kind):
    wb = openpyxl.load_workbook(templates[filename])
    assert wb.sheetnames[1] == GUIDE_SHEET and wb[GUIDE_SHEET].sheet_state == "visible"
    assert wb[LIST_SHEET].sheet_state == "hidden"
    by_header = _validations_by_header(wb.worksheets[0])
    for header, must_contain in LISTS.get(kind, {}).items():
        [dv] = [d for d in by_header[header] if d.type == "list"]
        assert LIST_SHEET in dv.formula1
        assert must_contain in _list_values(wb, dv.formula1)
    for header in NUMBER_COLUMNS.get(kind, []):
        rules = [d for d in by_header[header] if d.operator == "greaterThanOrEqual"]
        assert rules, header
        assert all(d.type in ("decimal", "whole") and d.formula1 == "0" for d in rules)
        assert all(d.prompt and ("95,5%" in d.prompt or "1.234" in d.prompt) for d in rules)


def test_unit_list_holds_every_unit_valid_today(templates):
    wb = openpyxl.load_workbook(templates["mau_danh_sach_khen_thuong.xlsx"])
    [dv] = [d for d in _validations_by_header(wb.worksheets[0])["Đơn vị"] if d.type == "list"]
    units = _list_values(wb, dv.formula1)
    for name in (
        "VKSND tỉnh Gia Lai",
        "VKSND thành phố Huế",
        "VKSND thành phố Hồ Chí Minh",
        "VKSND thành phố Hà Nội",
        "VKSND tỉnh Đắk Lắk",
        "VKSND tối cao",
    ):
        assert name in units
    assert "VKSND tỉnh Thừa Thiên Huế" not in units  # merged away on 1 July 2025
    assert "VKSND tỉnh Kon Tum" not in units
    current = [u for u in refdata.load().units if not u["valid_to"]]
    assert len(units) == len(current) == len(set(units))
    ref = refdata.load()
    assert {ref.unit_id(u) for u in units} == {u["unit_id"] for u in current}
    assert (
        units.index("VKSND tỉnh Cà Mau")
        < units.index("VKSND thành phố Cần Thơ")
        < units.index("VKSND thành phố Đà Nẵng")
        < units.index("VKSND tỉnh Gia Lai")
    )  # Vietnamese order


def test_award_and_initiative_rows_are_prefilled(templates):
    ws = openpyxl.load_workbook(templates["mau_khen_thuong.xlsx"]).worksheets[0]
    names = [ws.cell(r, 2).value for r in range(HEADER_ROW + 2, ws.max_row + 1)]
    names = [n for n in names if n]
    assert names == [a["name"] for a in refdata.load().awards]
    ws = openpyxl.load_workbook(templates["mau_sang_kien.xlsx"]).worksheets[0]
    levels = [ws.cell(r, 2).value for r in range(HEADER_ROW + 2, ws.max_row + 1)]
    assert [x for x in levels if x] == [
        "Sáng kiến cấp cơ sở",
        "Sáng kiến cấp ngành",
        "Đề tài khoa học",
    ]
    assert {refdata.load().level_id(x) for x in levels if x} == {
        "co_so",
        "nganh",
        "de_tai_khoa_hoc",
    }


def test_guide_sheet_says_what_an_analyst_needs(templates):
    for filename in EXPECTED:
        ws = openpyxl.load_workbook(templates[filename])[GUIDE_SHEET]
        text = "\n".join(str(c.value) for c in ws["A"] if c.value)
        assert "Mỗi dòng" in text
        assert "1.234" in text and "95,5%" in text and "«-»" in text
        assert "Tổng cộng" in text
        assert "thay thế" in text
        assert "TP.HCM" in text
        if filename != "mau_cum_thi_dua.xlsx":
            assert "6 tháng đầu năm 2025" in text and "năm 2025" in text
        assert ws.max_column == 1  # one column: never taken for a table


def test_filled_award_template_checks_clean_and_loads_the_count(templates, tmp_path):
    wb = openpyxl.load_workbook(templates["mau_khen_thuong.xlsx"])
    ws = wb.worksheets[0]
    ws["A2"] = "Đơn vị: VKSND tỉnh Gia Lai"
    ws["A3"] = "KHEN THƯỞNG NĂM 2024"
    headers = {c.value: c.column for c in ws[HEADER_ROW + 1] if c.value}
    [row] = [
        r
        for r in range(HEADER_ROW + 2, ws.max_row + 1)
        if ws.cell(r, headers["Hình thức khen thưởng"]).value
        == "Bằng khen của Viện trưởng VKSND tối cao"
    ]
    ws.cell(row, headers["Tập thể"]).value = 2
    path = tmp_path / "khen_thuong_gia_lai.xlsx"
    wb.save(path)

    prepared = check([path])
    assert prepared.rejections == []
    facts = prepared.facts["awards"]
    assert len(facts) == 2 * len(refdata.load().awards)  # every prefilled row, both kinds
    counted = [f for f in facts if f["count"]]
    assert [
        (f["unit_id"], f["award_id"], f["recipient_kind"], f["count"], f["period"], f["row_no"])
        for f in counted
    ] == [("gia_lai", "bang_khen_vkstc", "tap_the", 2, "2024-FY", row)]
    [sheet] = [s for s in prepared.sheet_rows if s["status"] == "loaded"]
    assert sheet["rows_rejected"] == 0 and sheet["kind"] == "awards"
