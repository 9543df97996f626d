"""Vietnamese collation (pipeline.core.collate) and its use wherever names are sorted."""

import unicodedata

from pipeline.core.collate import key, sort_names


def test_the_alphabet_order():
    assert sort_names(["Huế", "Hà Tĩnh"]) == ["Hà Tĩnh", "Huế"]
    assert sort_names(["Thanh Hóa", "Thái Bình"]) == ["Thái Bình", "Thanh Hóa"]
    assert sort_names(["Đắk Lắk", "Dương", "Điện Biên", "Đà Nẵng"]) == [
        "Dương",
        "Đà Nẵng",
        "Đắk Lắk",
        "Điện Biên",
    ]
    assert sort_names(["ân", "ăn", "an", "bà", "ba"]) == ["an", "ăn", "ân", "ba", "bà"]
    assert sort_names(["ơ", "ô", "o", "ư", "u"]) == ["o", "ô", "ơ", "u", "ư"]
    assert sort_names(["Hải Dương", "Hà Tĩnh", "Hà Nội", "Hà Giang"]) == [
        "Hà Giang",
        "Hà Nội",
        "Hà Tĩnh",
        "Hải Dương",
    ]


def test_tones_break_ties_only_in_their_order():
    assert sort_names(["má", "mạ", "mà", "ma", "mã", "mả"]) == ["ma", "mà", "mả", "mã", "má", "mạ"]
    assert sort_names(["mạ", "mab"]) == ["mạ", "mab"]  # letters first, tones after


def test_decomposed_and_composed_are_equal():
    assert key(unicodedata.normalize("NFD", "Đắk Lắk")) == key("Đắk Lắk")
    assert key(None) == "" and key("") == ""
