"""Issue 13 on tiny workbooks: units and forms that are not known exactly are rejected at
recognition with the closest names, the rejection names the unit of its row, periods are
parsed (never guessed), headers are read by key words, the grantor's place is checked."""

from conftest import SIGNATURE, TITLE, awards_wide_rows, write_xlsx

from pipeline.build import check
from pipeline.ingest.read import read_workbook
from pipeline.ingest.recognise import recognise_sheet


def facts_of(path, sheet=0):
    return recognise_sheet(read_workbook(path)[sheet], path.name)


def long_awards(title, rows, header=("STT", "Hình thức khen thưởng", "Tập thể", "Cá nhân")):
    return TITLE + [["Đơn vị: VKSND tỉnh Gia Lai"], [title], list(header)] + rows + SIGNATURE


def test_a_misspelt_unit_is_rejected_with_a_suggestion_and_the_rest_loads(tmp_path):
    rows = awards_wide_rows(units=[[1, "Gia Lai", 1, 1, 1, 1, 1], [2, "Kom Tum", 1, 1, 1, 1, 1]])
    out = check([write_xlsx(tmp_path / "kt.xlsx", {"KT": rows})])
    [r] = [r for r in out.rejections if r["rule"] == "unit_unknown"]
    assert (r["row_no"], r["column_name"], r["value"]) == (9, "B (Đơn vị)", "Kom Tum")
    assert "có phải «Kon Tum»" in r["message"] and "bí danh" in r["message"]
    assert {f["unit_id"] for f in out.facts["awards"]} == {"gia_lai"}
    assert out.file_rows[0]["rows_read"] == 2 and out.file_rows[0]["rows_rejected"] == 1


def test_a_district_unit_is_said_not_provincial(tmp_path):
    rows = awards_wide_rows(units=[[1, "VKSND huyện Krông Pa", 1, 1, 1, 1, 1]])
    out = check([write_xlsx(tmp_path / "kt.xlsx", {"KT": rows})])
    [r] = out.rejections
    assert r["rule"] == "unit_not_provincial" and "cấp huyện" in r["message"]


def test_a_row_rejection_in_a_one_row_per_unit_sheet_names_the_unit(tmp_path):
    rows = awards_wide_rows(units=[[1, "VKSND tỉnh Gia Lai", "khoảng 12", 1, 1, 1, 1]])
    out = check([write_xlsx(tmp_path / "kt.xlsx", {"KT": rows})])
    [r] = [r for r in out.rejections if r["rule"] == "number_invalid"]
    assert "đơn vị «VKSND tỉnh Gia Lai»" in r["message"]


def test_units_of_the_grammar_load_in_a_sheet(tmp_path):
    units = [
        [1, "Viện KSND tỉnh Gia Lai (Cụm trưởng)", 1, 0, 0, 0, 0],
        [2, "KonTum", 1, 0, 0, 0, 0],
        [3, "\u00d0ắk Lắk", 1, 0, 0, 0, 0],
    ]
    res = facts_of(write_xlsx(tmp_path / "kt.xlsx", {"KT": awards_wide_rows(units=units)}))
    got = {(f["row_no"], f["unit_id"], f["unit_note"]) for f in res.facts}
    assert got == {(8, "gia_lai", "Cụm trưởng"), (9, "kon_tum", None), (10, "dak_lak", None)}
    assert not res.problems


def test_a_half_year_title_is_never_read_as_a_year(tmp_path):
    path = write_xlsx(
        tmp_path / "kt.xlsx", {"KT": awards_wide_rows(title="KẾT QUẢ 06 THÁNG ĐẦU NĂM 2013")}
    )
    assert facts_of(path).period == "2013-H1"


def test_a_date_range_title_is_read_through_the_work_year(tmp_path):
    title = "KHEN THƯỞNG (từ ngày 01/12/2021 đến ngày 30/11/2022)"
    assert (
        facts_of(write_xlsx(tmp_path / "kt.xlsx", {"KT": awards_wide_rows(title=title)})).period
        == "2022-FY"
    )
    title = "KHEN THƯỞNG (từ ngày 01/12/2010 đến ngày 31/5/2011)"
    assert (
        facts_of(write_xlsx(tmp_path / "b.xlsx", {"KT": awards_wide_rows(title=title)})).period
        == "2011-H1"
    )


def test_an_unreadable_period_rejects_the_sheet_quoting_it(tmp_path):
    res = facts_of(
        write_xlsx(tmp_path / "kt.xlsx", {"KT": awards_wide_rows(title="KHEN THƯỞNG QUÝ III/2023")})
    )
    assert res.facts == [] and res.rejected_rows == {8, 9, 10}
    assert {p.rule for p in res.problems} == {"period_unreadable"}
    assert "«KHEN THƯỞNG QUÝ III/2023»" in res.problems[0].message


def test_headers_by_key_words_and_a_merged_parent_over_the_counts(tmp_path):
    rows = (
        TITLE
        + [
            ["Đơn vị: VKSND tỉnh Gia Lai"],
            ["KHEN THƯỞNG NĂM 2022"],
            ["STT", "Tên danh hiệu, hình thức khen thưởng", "Kết quả khen thưởng", None],
            [None, None, "SL tập thể", "Số lượng (cá nhân)"],
            [1, "BK TTg", 1, 2],
            [2, "GK của VT VKSND tỉnh Gia Lai", 3, 4],
        ]
        + SIGNATURE
    )
    path = write_xlsx(
        tmp_path / "kt.xlsx", {"KT": rows}, merges={"KT": ["C6:D6", "A6:A7", "B6:B7"]}
    )
    res = facts_of(path)
    assert (res.kind, res.layout) == ("awards", "long")
    got = {(f["award_id"], f["recipient_kind"]): f["count"] for f in res.facts}
    assert got == {
        ("bang_khen_thu_tuong", "tap_the"): 1,
        ("bang_khen_thu_tuong", "ca_nhan"): 2,
        ("giay_khen", "tap_the"): 3,
        ("giay_khen", "ca_nhan"): 4,
    }


def test_an_unknown_form_names_the_unknown_part_and_the_known_forms(tmp_path):
    rows = long_awards(
        "KHEN THƯỞNG NĂM 2022",
        [[1, "Huân chương Chiến công hạng Ba", 0, 1], [2, "Giấy khen", 3, 4]],
    )
    out = check([write_xlsx(tmp_path / "kt.xlsx", {"KT": rows})])
    [r] = out.rejections
    assert r["rule"] == "award_unknown" and "«Chiến công»" in r["message"]
    assert "Huân chương Lao động" in r["message"]


def test_the_grantors_place_is_checked_against_the_unit(tmp_path):
    rows = long_awards(
        "KHEN THƯỞNG NĂM 2022",
        [
            [1, "Bằng khen của Chủ tịch UBND tỉnh Thái Bình", 1, 2],
            [2, "Bằng khen của Chủ tịch UBND tỉnh Gia Lai", 3, 4],
        ],
    )
    out = check([write_xlsx(tmp_path / "kt.xlsx", {"KT": rows})])
    [w] = out.rejections
    assert (w["rule"], w["row_no"]) == ("award_place_mismatch", 7) and "Thái Bình" in w["message"]
    assert len(out.facts["awards"]) == 4  # a warning: the figures still load


def test_a_recipient_kind_merged_over_several_forms_carries_to_each(tmp_path):
    rows = (
        TITLE
        + [
            ["KHEN THƯỞNG NĂM 2022"],
            [],
            ["STT", "Đơn vị", "Tập thể", None, "Cá nhân", None],
            [None, None, "BK TTg", "Giấy khen", "BK TTg", "Giấy khen"],
            [1, "Gia Lai", 1, 2, 3, 4],
        ]
        + SIGNATURE
    )
    path = write_xlsx(tmp_path / "kt.xlsx", {"KT": rows}, merges={"KT": ["C6:D6", "E6:F6"]})
    res = facts_of(path)
    got = {(f["award_id"], f["recipient_kind"]): f["count"] for f in res.facts}
    assert got == {
        ("bang_khen_thu_tuong", "tap_the"): 1,
        ("giay_khen", "tap_the"): 2,
        ("bang_khen_thu_tuong", "ca_nhan"): 3,
        ("giay_khen", "ca_nhan"): 4,
    }


def test_a_unit_that_no_longer_exists_in_the_period_is_rejected_naming_its_successor(tmp_path):
    rows = awards_wide_rows(
        title="KHEN THƯỞNG 6 THÁNG ĐẦU NĂM 2026",
        units=[[1, "Quảng Trị", 1, 1, 1, 1, 1], [2, "VKSND tỉnh Quảng Bình", 1, 1, 1, 1, 1]],
    )
    out = check([write_xlsx(tmp_path / "kt.xlsx", {"KT": rows})])
    [r] = out.rejections
    assert (r["rule"], r["row_no"]) == ("unit_not_in_period", 9)
    assert "Quảng Trị" in r["message"] and "6 tháng đầu năm 2026" in r["message"]
    assert {f["unit_id"] for f in out.facts["awards"]} == {"quang_tri"}
