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
