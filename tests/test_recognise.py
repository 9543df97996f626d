"""Recognition rules, each on a tiny workbook made in the test."""

import unicodedata

import pytest
from conftest import AWARDS_WIDE_MERGES, SIGNATURE, TITLE, awards_wide_rows, write_xlsx

from pipeline.build import check, process_file
from pipeline.core import refdata
from pipeline.ingest.normalise import normalise
from pipeline.ingest.read import read_workbook
from pipeline.ingest.recognise import recognise_sheet


def facts_of(path, sheet=0):
    return recognise_sheet(read_workbook(path)[sheet], path.name)


def test_wide_awards_with_two_row_merged_header_title_and_signature(tmp_path):
    path = write_xlsx(
        tmp_path / "kt.xlsx",
        {"KT": awards_wide_rows(total=[3, 3, 6, 5, 12])},
        merges={"KT": AWARDS_WIDE_MERGES},
    )
    res = facts_of(path)
    assert (res.kind, res.layout, res.period) == ("awards", "wide", "2022-FY")
    got = {(f["unit_id"], f["award_id"], f["recipient_kind"]): f["count"] for f in res.facts}
    assert got[("gia_lai", "bang_khen_thu_tuong", "tap_the")] == 1
    assert got[("kon_tum", "giay_khen", "tap_the")] == 2  # "2" as text
    assert got[("kon_tum", "giay_khen", "ca_nhan")] == 0  # "-"
    assert got[("dak_lak", "ky_niem_chuong", "ca_nhan")] == 0
    assert got[("gia_lai", "ky_niem_chuong", "ca_nhan")] == 5
    assert res.data_rows == {8, 9, 10}  # the totals row (11) and signature are not data
    assert not res.problems


def test_headers_without_merged_cells_are_understood_too(tmp_path):
    path = write_xlsx(tmp_path / "kt.xlsx", {"KT": awards_wide_rows()})
    got = {
        (f["unit_id"], f["award_id"], f["recipient_kind"]): f["count"] for f in facts_of(path).facts
    }
    assert got[("gia_lai", "giay_khen", "ca_nhan")] == 4


def test_totals_row_is_checked_not_loaded(tmp_path):
    path = write_xlsx(
        tmp_path / "kt.xlsx",
        {"KT": awards_wide_rows(total=[3, 3, 6, 9, 12])},
        merges={"KT": AWARDS_WIDE_MERGES},
    )
    res = facts_of(path)
    assert all(f["unit_raw"] != "Tổng cộng" for f in res.facts)
    [problem] = res.problems
    assert problem.rule == "totals_mismatch" and problem.row_no == 11
    assert "ghi 9" in problem.message and "là 5" in problem.message


@pytest.mark.parametrize(
    "written, unit_id",
    [
        ("VKSND tỉnh Gia Lai", "gia_lai"),
        ("Viện kiểm sát nhân dân tỉnh Đắk Lắk", "dak_lak"),
        ("Đắc Lắc", "dak_lak"),
        (unicodedata.normalize("NFD", "Thừa Thiên Huế"), "thua_thien_hue"),
        ("TT Huế", "thua_thien_hue"),
        ("TP.HCM", "ho_chi_minh"),
        ("BR-VT", "ba_ria_vung_tau"),
        ("Thanh Hoá", "thanh_hoa"),
        ("Hoà  Bình", "hoa_binh"),
        ("quang tri", "quang_tri"),
        ("VKSND cấp cao tại Hà Nội", "cap_cao_ha_noi"),
    ],
)
def test_units_in_every_common_form(tmp_path, written, unit_id):
    rows = awards_wide_rows(units=[[1, written, 1, 1, 1, 1, 1]])
    res = facts_of(write_xlsx(tmp_path / "kt.xlsx", {"KT": rows}))
    assert {f["unit_id"] for f in res.facts} == {unit_id}


def test_hue_before_2025_is_thua_thien_hue(tmp_path):
    rows = awards_wide_rows(units=[[1, "Huế", 1, 1, 1, 1, 1]])
    read = process_file("kt.xlsx", write_xlsx(tmp_path / "kt.xlsx", {"KT": rows}))
    out = normalise(read, refdata.load())  # the year-aware name is normalisation's
    assert {f["unit_id"] for f in out.sheets[0].facts} == {"thua_thien_hue"}


def indicator_sheet(unit_line="Đơn vị: VKSND tỉnh Quảng Trị", title="SƠ KẾT 6 THÁNG ĐẦU NĂM 2023"):
    return [
        ["VKSND TỈNH QUẢNG TRỊ", None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
        [unit_line],
        [title],
        ["STT", "Tên chỉ tiêu", "Đơn vị tính", "Chỉ tiêu\n(yêu cầu)", "Kết quả thực hiện"],
        ["I", "CÔNG TÁC THỰC HÀNH QUYỀN CÔNG TỐ"],
        [1, "Tỷ lệ giải quyết tố giác, tin báo về tội phạm và kiến nghị khởi tố", "%", 90, 0.955],
        [2, "Tỷ lệ thu hồi tài sản trong các vụ án tham nhũng", "%", "60%", "72,5%"],
        [3, "Số vụ án khởi tố", "vụ", "-", "1.234"],
        [4, "Tỷ lệ án bị hủy do lỗi chủ quan của Viện kiểm sát", "%", "không quá 5%", "6%"],
    ] + SIGNATURE


def test_long_indicators_unit_from_title_sections_and_percent_cells(tmp_path):
    path = write_xlsx(tmp_path / "ct.xlsx", {"CT": indicator_sheet()}, percent={"CT": ["E6"]})
    res = facts_of(path)
    assert (res.kind, res.layout, res.period) == ("indicators", "long", "2023-H1")
    by_name = {f["indicator_name"]: f for f in res.facts}
    assert len(res.facts) == 4  # the section row "I" is not data
    assert {f["unit_id"] for f in res.facts} == {"quang_tri"}
    first = by_name["Tỷ lệ giải quyết tố giác, tin báo về tội phạm và kiến nghị khởi tố"]
    assert (first["target"], first["actual"]) == (90, pytest.approx(95.5))
    second = by_name["Tỷ lệ thu hồi tài sản trong các vụ án tham nhũng"]
    assert (second["target"], second["actual"]) == (60, 72.5)
    third = by_name["Số vụ án khởi tố"]
    assert (third["target"], third["actual"], third["measure_unit"]) == (None, 1234, "vụ")
    quashed = by_name["Tỷ lệ án bị hủy do lỗi chủ quan của Viện kiểm sát"]
    assert (quashed["target"], quashed["direction_hint"]) == (5, "lower")


def test_a_title_naming_a_unit_gone_in_the_period_says_so_not_that_no_unit_is_named(tmp_path):
    sheet = indicator_sheet(
        unit_line="Đơn vị: VKSND tỉnh Quảng Bình", title="SƠ KẾT 6 THÁNG ĐẦU NĂM 2026"
    )
    sheet[0][0] = "VKSND TỈNH QUẢNG BÌNH"
    res = facts_of(write_xlsx(tmp_path / "ct.xlsx", {"CT": sheet}))
    assert res.facts == []
    rules = {p.rule for p in res.problems}
    assert rules == {"unit_not_in_period"}
    message = res.problems[0].message
    assert "Quảng Bình" in message and "6 tháng đầu năm 2026" in message and "Quảng Trị" in message


def test_sheet_of_no_known_kind_is_skipped_with_a_reason(tmp_path):
    path = write_xlsx(tmp_path / "x.xlsx", {"Hướng dẫn": [["Điền số liệu vào các ô"], ["Ghi chú"]]})
    res = facts_of(path)
    assert res.kind is None and res.skipped_reason


def test_hidden_sheet_is_listed_as_skipped(tmp_path):
    path = write_xlsx(
        tmp_path / "kt.xlsx",
        {"KT": awards_wide_rows(), "Ẩn": awards_wide_rows()},
        hidden_sheets=("Ẩn",),
    )
    res = facts_of(path, 1)
    assert res.skipped_reason == "trang tính bị ẩn" and not res.facts


def test_hidden_rows_are_still_data(tmp_path):
    path = write_xlsx(tmp_path / "kt.xlsx", {"KT": awards_wide_rows()}, hidden_rows={"KT": [9]})
    assert {f["unit_id"] for f in facts_of(path).facts} == {"gia_lai", "kon_tum", "dak_lak"}


def test_period_from_file_name_when_title_has_none(tmp_path):
    rows = [r for r in awards_wide_rows(title="TỔNG HỢP KHEN THƯỞNG")]
    path = write_xlsx(tmp_path / "khen_thuong_6T_2024.xlsx", {"KT": rows})
    assert facts_of(path).period == "2024-H1"


def test_period_conflict_rejects_the_file_naming_both(tmp_path):
    path = write_xlsx(tmp_path / "khen_thuong_2021.xlsx", {"KT": awards_wide_rows()})
    out = check([path])
    assert out.file_rows[0]["rows_loaded"] == 0 and out.file_rows[0]["status"] == "rejected"
    rules = {r["rule"] for r in out.rejections}
    assert rules == {"period_conflict"}
    assert (
        "NĂM 2022" in out.rejections[0]["message"]
        and "khen_thuong_2021" in out.rejections[0]["message"]
    )


def test_long_scores_with_bonus_penalty_and_total(tmp_path):
    rows = (
        TITLE
        + [
            ["Đơn vị: VKSND tỉnh Gia Lai"],
            ["CHẤM ĐIỂM THI ĐUA NĂM 2023"],
            ["STT", "Nội dung tiêu chí", "Điểm tối đa", "Điểm tự chấm", "Điểm Cụm chấm"],
            ["I", "Công tác chỉ đạo, tổ chức phong trào thi đua", 20, 19, 18.5],
            ["II", "Thực hiện nhiệm vụ chuyên môn", 80, 75, "74,5"],
            ["III", "Điểm thưởng", None, 2, 2],
            ["IV", "Điểm trừ", None, 1, 1],
            [None, "Tổng cộng", 100, 95, 94],
        ]
        + SIGNATURE
    )
    res = facts_of(write_xlsx(tmp_path / "cd.xlsx", {"CD": rows}))
    assert (res.kind, res.layout) == ("scores", "long")
    points = {f["criterion"]: f["points"] for f in res.facts}
    assert points["Thực hiện nhiệm vụ chuyên môn"] == 74.5
    assert points["Điểm trừ"] == -1
    assert not res.problems  # 18.5 + 74.5 + 2 - 1 = 94


def test_wide_scores_read_the_max_from_the_header(tmp_path):
    rows = TITLE + [
        ["KẾT QUẢ CHẤM ĐIỂM THI ĐUA 6 THÁNG ĐẦU NĂM 2023"],
        ["STT", "Đơn vị", "Tiêu chí 1 (20 điểm)", "Tiêu chí 2 (80 điểm)", "Tổng điểm"],
        [1, "Gia Lai", 19, 70, 89],
        [2, "Kon Tum", 18, 72, 91],
    ]
    res = facts_of(write_xlsx(tmp_path / "cd.xlsx", {"CD": rows}))
    assert (res.kind, res.layout) == ("scores", "wide")
    crit = {(f["unit_id"], f["criterion"]): (f["max_points"], f["points"]) for f in res.facts}
    assert crit[("kon_tum", "Tiêu chí 2")] == (80, 72)
    # Gia Lai's "Tổng điểm" (89) is right; Kon Tum's (91) is not: reported, never loaded
    [problem] = res.problems
    assert (problem.rule, problem.row_no, problem.value) == ("totals_mismatch", 7, "91")


def test_recipients_with_combined_decision_column(tmp_path):
    rows = TITLE + [
        ["DANH SÁCH KHEN THƯỞNG NĂM 2022"],
        [
            "STT",
            "Họ và tên",
            "Chức vụ",
            "Đơn vị công tác",
            "Hình thức khen thưởng",
            "Quyết định (số, ngày)",
        ],
        [
            1,
            "Nguyễn Thị Hoà",
            "Kiểm sát viên",
            "VKSND tỉnh Gia Lai",
            "BK của Viện trưởng VKSNDTC",
            "123/QĐ-VKSTC ngày 15/12/2022",
        ],
        [
            2,
            "Phòng 1 VKSND tỉnh Gia Lai",
            None,
            "VKSND tỉnh Gia Lai",
            "Tập thể lao động xuất sắc",
            "45/QĐ-VKSTC ngày 01/12/2022",
        ],
    ]
    res = facts_of(write_xlsx(tmp_path / "ds.xlsx", {"DS": rows}))
    assert res.kind == "recipients"
    first, second = res.facts
    assert first["name"] == "Nguyễn Thị Hòa" and first["award_id"] == "bang_khen_vkstc"
    assert first["decision_no"] == "123/QĐ-VKSTC" and str(first["decision_date"]) == "2022-12-15"
    assert (first["recipient_kind"], second["recipient_kind"]) == ("ca_nhan", "tap_the")


def test_initiatives_wide_and_cluster_membership(tmp_path):
    ini = TITLE + [
        ["SÁNG KIẾN NĂM 2022"],
        ["STT", "Đơn vị", "Sáng kiến cấp cơ sở", "Sáng kiến cấp ngành", "Đề tài khoa học"],
        [1, "Gia Lai", 40, 4, 1],
        [None, "Cộng", 40, 4, 1],
    ]
    res = facts_of(write_xlsx(tmp_path / "sk.xlsx", {"SK": ini}))
    assert (res.kind, res.layout) == ("initiatives", "wide")
    assert {f["level"]: f["count"] for f in res.facts} == {
        "co_so": 40,
        "nganh": 4,
        "de_tai_khoa_hoc": 1,
    }
    cl = [
        ["DANH SÁCH CỤM THI ĐUA"],
        ["STT", "Năm", "Cụm thi đua số", "Đơn vị", "Vai trò"],
        [1, 2024, "Cụm 7", "Gia Lai", "Cụm trưởng"],
        [2, 2024, 7, "Kon Tum", "Cụm phó"],
        [3, 2024, "7", "Lâm Đồng", None],
    ]
    res = facts_of(write_xlsx(tmp_path / "cum.xlsx", {"Cụm": cl}))
    assert res.kind == "clusters"
    assert {(f["unit_id"], f["cluster_no"], f["role"]) for f in res.facts} == {
        ("gia_lai", 7, "truong"),
        ("kon_tum", 7, "pho"),
        ("lam_dong", 7, "thanh_vien"),
    }
