"""Every rejection rule, on a tiny workbook: a Vietnamese message naming file, sheet, row and
column, and the rest of the file still loaded."""

import pytest
from conftest import SIGNATURE, TITLE, awards_wide_rows, write_xlsx

from pipeline.build import check
from pipeline.core.text import encode_cp1258


def rejections_of(path):
    out = check([path])
    return out, out.rejections


def one(rejections, rule):
    found = [r for r in rejections if r["rule"] == rule]
    assert len(found) == 1, rejections
    return found[0]


def test_unknown_unit_is_rejected_and_the_other_rows_are_kept(tmp_path):
    rows = awards_wide_rows(
        units=[[1, "Gia Lai", 1, 1, 1, 1, 1], [2, "VKSND tỉnh Hà Tây", 1, 1, 1, 1, 1]]
    )
    path = write_xlsx(tmp_path / "kt.xlsx", {"Khen thưởng": rows})
    out, rej = rejections_of(path)
    r = one(rej, "unit_unknown")
    assert (r["sheet"], r["row_no"], r["column_name"], r["value"]) == (
        "Khen thưởng",
        9,
        "B (Đơn vị)",
        "VKSND tỉnh Hà Tây",
    )
    assert r["message"].startswith(
        "Tệp «kt.xlsx», trang «Khen thưởng», dòng 9, cột B (Đơn vị): không nhận ra đơn vị"
    )
    assert out.file_rows[0]["rows_read"] == 2 and out.file_rows[0]["rows_loaded"] == 1
    assert {f["unit_id"] for f in out.facts["awards"]} == {"gia_lai"}


def test_unknown_award_form_names_the_forms_it_knows(tmp_path):
    rows = (
        TITLE
        + [
            ["Đơn vị: VKSND tỉnh Gia Lai"],
            ["KHEN THƯỞNG NĂM 2022"],
            ["STT", "Hình thức khen thưởng", "Tập thể", "Cá nhân"],
            [1, "Bằng khen Bộ trưởng", 1, 2],
            [2, "Giấy khen", 3, 4],
        ]
        + SIGNATURE
    )
    out, rej = rejections_of(write_xlsx(tmp_path / "kt.xlsx", {"KT": rows}))
    r = one(rej, "award_unknown")
    assert r["row_no"] == 7 and r["value"] == "Bằng khen Bộ trưởng"
    assert "Bằng khen của Thủ tướng Chính phủ" in r["message"] and "Giấy khen" in r["message"]
    assert [(f["award_id"], f["count"]) for f in out.facts["awards"]] == [
        ("giay_khen", 3),
        ("giay_khen", 4),
    ]


def test_text_where_a_number_is_expected(tmp_path):
    rows = awards_wide_rows(units=[[1, "Gia Lai", "khoảng 12", 1, 1, 1, 1]])
    _, rej = rejections_of(write_xlsx(tmp_path / "kt.xlsx", {"KT": rows}))
    r = one(rej, "number_invalid")
    assert r["value"] == "khoảng 12" and r["column_name"] == "C (Bằng khen Thủ tướng - Tập thể)"
    assert "không phải là số" in r["message"]


def test_negative_and_fractional_counts(tmp_path):
    rows = awards_wide_rows(units=[[1, "Gia Lai", -1, 1, 1, 1, 1], [2, "Kon Tum", 1, 1.5, 1, 1, 1]])
    _, rej = rejections_of(write_xlsx(tmp_path / "kt.xlsx", {"KT": rows}))
    assert one(rej, "negative")["row_no"] == 8
    assert one(rej, "not_whole")["row_no"] == 9


def test_collective_count_for_an_individual_only_form(tmp_path):
    rows = TITLE + [
        ["Đơn vị: VKSND tỉnh Gia Lai"],
        ["KHEN THƯỞNG NĂM 2022"],
        ["STT", "Hình thức khen thưởng", "Tập thể", "Cá nhân"],
        [1, "Kỷ niệm chương", 2, 5],
    ]
    _, rej = rejections_of(write_xlsx(tmp_path / "kt.xlsx", {"KT": rows}))
    r = one(rej, "recipient_kind_not_allowed")
    assert r["column_name"] == "C (Tập thể)" and "chỉ dành cho cá nhân" in r["message"]


def test_points_above_the_maximum(tmp_path):
    rows = TITLE + [
        ["Đơn vị: VKSND tỉnh Gia Lai"],
        ["CHẤM ĐIỂM THI ĐUA NĂM 2023"],
        ["STT", "Tiêu chí", "Điểm tối đa", "Điểm đạt"],
        ["I", "Công tác chỉ đạo", 20, 25],
        ["II", "Nhiệm vụ chuyên môn", 80, 70],
    ]
    out, rej = rejections_of(write_xlsx(tmp_path / "cd.xlsx", {"CD": rows}))
    r = one(rej, "points_over_max")
    assert r["row_no"] == 7 and "vượt điểm tối đa 20" in r["message"]
    assert [f["points"] for f in out.facts["scores"]] == [70]


def test_same_indicator_twice_in_one_file(tmp_path):
    rows = [
        ["Đơn vị: VKSND tỉnh Gia Lai"],
        ["6 THÁNG ĐẦU NĂM 2023"],
        ["STT", "Tên chỉ tiêu", "Chỉ tiêu", "Kết quả"],
        [1, "Tỷ lệ truy tố đúng thời hạn", 90, 95],
        [2, "Tỷ lệ truy tố đúng thời hạn", 90, 97],
    ]
    _, rej = rejections_of(write_xlsx(tmp_path / "ct.xlsx", {"CT": rows}))
    assert {r["row_no"] for r in rej if r["rule"] == "duplicate"} == {4, 5}


def test_formula_without_cached_value_is_reported_not_read_as_zero(tmp_path):
    rows = awards_wide_rows(units=[[1, "Gia Lai", "=1+1", 1, 1, 1, 1]])
    out, rej = rejections_of(write_xlsx(tmp_path / "kt.xlsx", {"KT": rows}))
    r = one(rej, "number_invalid")
    assert "công thức" in r["message"] and r["column_name"].startswith("C")
    assert not out.facts.get("awards")


def test_totals_mismatch_is_reported(tmp_path):
    path = write_xlsx(tmp_path / "kt.xlsx", {"KT": awards_wide_rows(total=[3, 3, 6, 9, 12])})
    out, rej = rejections_of(path)
    r = one(rej, "totals_mismatch")
    assert r["row_no"] == 11 and r["column_name"] == "F (Giấy khen - Cá nhân)"
    assert out.file_rows[0]["rows_loaded"] == 3  # the unit rows are still loaded


def test_unknown_level_role_and_bad_date(tmp_path):
    ini = [
        ["SÁNG KIẾN NĂM 2022"],
        ["Đơn vị: VKSND tỉnh Gia Lai"],
        ["STT", "Cấp", "Số lượng"],
        [1, "Cấp cơ sở", 12],
        [2, "Cấp tỉnh", 3],
    ]
    _, rej = rejections_of(write_xlsx(tmp_path / "sk.xlsx", {"SK": ini}))
    assert one(rej, "level_unknown")["value"] == "Cấp tỉnh"
    cl = [
        ["CỤM THI ĐUA NĂM 2024"],
        ["STT", "Cụm thi đua số", "Đơn vị", "Vai trò"],
        [1, 7, "Gia Lai", "Trưởng ban"],
    ]
    _, rej = rejections_of(write_xlsx(tmp_path / "cum.xlsx", {"C": cl}))
    assert one(rej, "role_unknown")["value"] == "Trưởng ban"
    ds = [
        ["DANH SÁCH KHEN THƯỞNG NĂM 2022"],
        ["STT", "Họ và tên", "Đơn vị", "Hình thức khen thưởng", "Số quyết định", "Ngày quyết định"],
        [1, "Lê Văn C", "Gia Lai", "Giấy khen", "12/QĐ", "32/13/2022"],
    ]
    _, rej = rejections_of(write_xlsx(tmp_path / "ds.xlsx", {"DS": ds}))
    assert one(rej, "date_invalid")["value"] == "32/13/2022"


def test_missing_period_rejects_every_row(tmp_path):
    rows = [["TỔNG HỢP KHEN THƯỞNG"], ["STT", "Đơn vị", "Giấy khen - Tập thể"], [1, "Gia Lai", 1]]
    out, rej = rejections_of(write_xlsx(tmp_path / "kt.xlsx", {"KT": rows}))
    assert one(rej, "period_missing")["row_no"] == 3 and out.file_rows[0]["rows_loaded"] == 0


def test_file_that_is_not_a_spreadsheet(tmp_path):
    path = tmp_path / "bao_cao_2022.xlsx"
    path.write_text("đây không phải bảng tính", encoding="utf-8")
    out, rej = rejections_of(path)
    r = one(rej, "file_unreadable")
    assert r["message"].startswith("Tệp «bao_cao_2022.xlsx»: Không đọc được tệp")
    assert out.file_rows[0]["status"] == "rejected"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1258"])
def test_csv_in_utf8_bom_and_windows_1258(tmp_path, encoding):
    text = "STT,Đơn vị,Hình thức khen thưởng,Tập thể,Cá nhân\n1,Thừa Thiên Huế,Giấy khen,2,5\n"
    path = tmp_path / "khen_thuong_nam_2023.csv"
    path.write_bytes(encode_cp1258(text) if encoding == "cp1258" else text.encode(encoding))
    out, rej = rejections_of(path)
    assert not rej
    assert {(f["unit_id"], f["recipient_kind"], f["count"]) for f in out.facts["awards"]} == {
        ("thua_thien_hue", "tap_the", 2),
        ("thua_thien_hue", "ca_nhan", 5),
    }


SAMPLE_WITH_ERRORS = [  # the project's sample workbooks with their deliberate errors
    *(f"raw/{year}" for year in (2022, 2023, 2024)),
    "raw/cum_thi_dua_bo_sung_minh_hoa.xlsx",
    "raw/danh_sach_khen_thuong_nhieu_nam_minh_hoa.xlsx",
]
EVERY_REJECTION = (
    "SELECT source_file, sheet, row_no, column_name, value, rule, message FROM rejections "
    "ORDER BY ALL"
)


def test_the_build_validated_in_its_forked_process_rejects_exactly_as_in_process(tmp_path):
    import shutil

    from conftest import ROOT, build, query, run_cli

    raw = tmp_path / "raw"
    for item in SAMPLE_WITH_ERRORS:
        src = ROOT / item
        if src.is_dir():
            shutil.copytree(src, raw / src.name, ignore=shutil.ignore_patterns("toan_quoc"))
        else:
            shutil.copy2(src, raw / src.name)
    assert 0 < sum(1 for p in raw.rglob("*") if p.is_file()) <= 24  # (the early validation)
    forked, here = tmp_path / "cli" / "thidua.duckdb", tmp_path / "here" / "thidua.duckdb"
    done = run_cli("build", "--raw", raw, "--warehouse", forked, "--quiet")
    assert done.returncode == 3, done.stderr
    build(raw, here)  # (no validator process: every batch validated in this one)
    rejections = query(forked, EVERY_REJECTION)
    # rules of Great Expectations' suites (scores, awards) among them
    assert {"points_over_max", "unit_unknown"} <= {r[5] for r in rejections}, rejections
    assert rejections == query(here, EVERY_REJECTION)
    loads = (
        "SELECT source_file, status, rows_read, rows_loaded, rows_rejected FROM loads ORDER BY 1"
    )
    assert query(forked, loads) == query(here, loads)


def test_a_validation_process_that_died_leaves_the_validation_to_this_one(tmp_path):
    import os
    import signal

    from pipeline.ingest.batch import fact_frames
    from pipeline.ingest.validate import ValidatorProcess, validate_batch

    path = write_xlsx(
        tmp_path / "kt.xlsx",
        {"KT": awards_wide_rows(units=[[1, "VKSND tỉnh Gia Lai", 1.5, 2, 3, 4, 5]])},
        merges={"KT": ["A6:A7", "B6:B7", "C6:D6", "E6:F6", "G6:G7"]},
    )
    from pipeline.build import _normalised, process_file
    from pipeline.core import refdata

    frames = fact_frames([_normalised(process_file(path.name, path), refdata.load())])
    validator = ValidatorProcess.start()
    try:
        os.kill(validator.pid, signal.SIGKILL)
        validation = validator.run(frames)
    finally:
        validator.close()
    expected = validate_batch(frames)
    assert [(r["rule"], r["row_no"]) for r in validation.rejections] == [("not_whole", 8)]
    assert validation == expected
