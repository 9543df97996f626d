import pytest

from pipeline.core import period
from pipeline.core.period import PeriodConflict, merge_hints, read_hint


@pytest.mark.parametrize(
    "text, half, year",
    [
        ("BÁO CÁO SƠ KẾT 6 THÁNG ĐẦU NĂM 2023", "H1", 2023),
        ("sơ kết 6 tháng", "H1", None),
        ("tổng kết năm 2022", "FY", 2022),
        ("NĂM 2022", "FY", 2022),
        ("6T/2023", "H1", 2023),
        ("chi_tieu_6T_2023_quang_tri", "H1", 2023),
        ("khen_thuong_cum7_nam_2022", "FY", 2022),
        ("Kết quả 6 tháng đầu năm 2023 so với cùng kỳ năm 2022", "H1", 2023),
    ],
)
def test_period_is_read_from_its_common_forms(text, half, year):
    hint = read_hint(text, "tiêu đề")
    assert (hint.half, hint.year) == (half, year)


@pytest.mark.parametrize(
    "text",
    [
        "Gia Lai, ngày 20 tháng 11 năm 2022",
        "(Kèm theo Báo cáo số 12/BC-VKS ngày 10/6/2023)",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    ],
)
def test_signature_dates_are_not_periods(text):
    assert read_hint(text, "tiêu đề") is None


def test_conflict_names_both_statements():
    a = read_hint("6 tháng đầu năm 2023", "tiêu đề")
    b = read_hint("khen_thuong_2022", "tên tệp")
    with pytest.raises(PeriodConflict) as err:
        merge_hints([a, b])
    assert "6 tháng đầu năm 2023" in str(err.value) and "khen_thuong_2022" in str(err.value)


def test_partial_hints_combine():
    hints = [read_hint("Sơ kết 6 tháng", "tiêu đề"), read_hint("bao_cao_2024", "tên tệp")]
    assert merge_hints(hints) == ("H1", 2024)


def test_periods_in_words():
    assert period.period_spoken("2024-H1") == "sáu tháng đầu năm 2024"
    assert period.period_spoken("2024-FY") == "năm 2024"
    assert period.previous_period("2024-FY") == "2023-FY"
    assert period.previous_period("2024-H1") == "2023-H1"
    assert period.next_period_label("2024-FY") == "năm 2025"
    assert period.next_period_label("2024-H1") == "6 tháng cuối năm 2024"


@pytest.mark.parametrize(
    "text, half, year",
    [
        ("06 tháng đầu năm 2013", "H1", 2013),
        ("6T đầu năm 2012", "H1", 2012),
        ("sáu tháng đầu năm 2020", "H1", 2020),
        ("Sáu tháng đầu năm", "H1", None),
        ("sơ kết công tác thi đua năm 2023", "H1", 2023),  # sơ kết wins over a bare "năm"
        ("06T2023", "H1", 2023),
        ("6TĐN 2023", "H1", 2023),
        ("6 tháng/2023", "H1", 2023),
        ("6 THANG DAU NAM 2022", "H1", 2022),
        ("H1-2023", "H1", 2023),
        ("12 tháng năm 2022", "FY", 2022),
        ("cả năm 2022", "FY", 2022),
        ("từ ngày 01/12/2010 đến ngày 31/5/2011", "H1", 2011),
        ("từ ngày 01/12/2021 đến ngày 30/11/2022", "FY", 2022),
        ("(Từ 01/12/2022 đến 31/5/2023)", "H1", 2023),
        ("từ 1/12/2019 - 30/11/2020", "FY", 2020),
        ("Kỳ báo cáo: từ ngày 01 tháng 12 năm 2022 đến ngày 31 tháng 5 năm 2023", "H1", 2023),
        ("BÁO CÁO 6 THÁNG ĐẦU NĂM 2023 (từ ngày 01/12/2022 đến ngày 31/5/2023)", "H1", 2023),
    ],
)
def test_every_written_form_of_a_period(text, half, year):
    hint = read_hint(text, "tiêu đề")
    assert (hint.half, hint.year, hint.unreadable) == (half, year, None)


@pytest.mark.parametrize(
    "text",
    [
        "quý I năm 2023",
        "Quý III/2023",
        "9 tháng năm 2023",
        "09 tháng đầu năm 2023",
        "6 tháng cuối năm 2022",
        "từ ngày 01/01/2023 đến ngày 30/6/2023",
    ],
)
def test_a_marker_of_another_span_is_unreadable_and_quoted(text):
    hint = read_hint(text, "tiêu đề")
    assert hint.unreadable == text and hint.half is None


def test_a_day_and_month_without_a_year_is_not_a_span():
    assert read_hint("Hội nghị sơ kết ngày 5 tháng 6", "tiêu đề").unreadable is None
