import unicodedata

import pytest

from pipeline.core.text import clean, fold, format_vn, parse_number


@pytest.mark.parametrize(
    "raw, value",
    [
        ("1.234", 1234.0),
        ("12.500.000", 12500000.0),
        ("95,5%", 95.5),
        ("95.5 %", 95.5),
        ("1.234,5", 1234.5),
        ("0,5", 0.5),
        ("0.955", 0.955),
        (" 12 ", 12.0),
        (7, 7.0),
        (2.5, 2.5),
    ],
)
def test_vietnamese_numbers_are_read(raw, value):
    assert parse_number(raw).value == value


@pytest.mark.parametrize("raw", ["-", "x", "X", "", None, "–"])
def test_dash_x_and_empty_mean_no_figure(raw):
    n = parse_number(raw)
    assert n.ok and n.value is None


@pytest.mark.parametrize("raw", ["khoảng 12", "1.2.3", "mười", "12a"])
def test_text_that_is_not_a_number_is_flagged(raw):
    assert not parse_number(raw).ok


def test_fraction_in_a_percent_cell_is_a_percent():
    n = parse_number(0.955, percent_cell=True)
    assert n.value == pytest.approx(95.5) and n.percent


def test_old_tone_placement_is_rewritten_once_at_the_edge():
    assert clean("Thanh Hoá") == "Thanh Hóa"
    assert clean("Hoà  Bình ") == "Hòa Bình"
    assert clean("Thuỷ") == "Thủy"
    assert clean("quý") == "quý"  # "qu" is a consonant: nothing to move
    assert clean("hoàn thành") == "hoàn thành"


def test_fold_makes_spellings_compare_equal():
    nfd = unicodedata.normalize("NFD", "Đắk Lắk")
    assert fold(nfd) == fold("Đăk Lăk") == fold("Đắc Lắc") == fold("DAK LAK") == "dak lak"
    assert fold("Chiến sỹ thi đua") == fold("Chiến sĩ thi đua")
    assert fold("  Tổng\ncộng: ") == "tong cong"


def test_vietnamese_number_format():
    assert format_vn(1234.5) == "1.234,5"
    assert format_vn(1234567.0) == "1.234.567"
    assert format_vn(None) == ""
