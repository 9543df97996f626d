"""Units and award forms read by grammar: each rule, and each rejection rule, on its own."""

import pytest

from pipeline.ingest.recognise.forms import resolve_award
from pipeline.ingest.recognise.names import resolve_unit


@pytest.mark.parametrize(
    "written, unit_id",
    [
        ("Viện KSND tỉnh Quảng Bình", "quang_binh"),  # agency from its pieces
        ("VIỆN KSND THÀNH PHỐ HẢI PHÒNG", "hai_phong"),
        ("V.K.S.N.D tỉnh Gia Lai", "gia_lai"),  # dotted agency
        ("Viện KS.ND tỉnh Gia Lai", "gia_lai"),
        ("VKS tỉnh Gia Lai", "gia_lai"),
        ("Viện KSND cấp cao tại Đà Nẵng", "cap_cao_da_nang"),  # level: cấp cao tại …
        ("VKSND cấp cao tại TP.HCM", "cap_cao_ho_chi_minh"),
        ("Viện KSNDTC", "toi_cao"),  # level: tối cao / TC, glued or not
        ("Viện cấp cao 2 tại Đà Nẵng", "cap_cao_da_nang"),  # number and city agree
        ("VKSND TC", "toi_cao"),
        ("T.T. Huế", "thua_thien_hue"),  # dotted initials joined
        ("TT.Huế", "thua_thien_hue"),
        ("BR-VT", "ba_ria_vung_tau"),  # initials standing for words
        ("Tp. Hồ Chí Minh", "ho_chi_minh"),
        ("GiaLai", "gia_lai"),  # compared without spaces
        ("VKSND tỉnh ĐắkLắk", "dak_lak"),
        ("Kontum", "kon_tum"),
        ("\u00d0ắk Lắk", "dak_lak"),  # the look-alike Ð
        ("Đắc Lắc", "dak_lak"),
        ("Thanh Hoá", "thanh_hoa"),
    ],
)
def test_units_by_grammar(written, unit_id):
    assert resolve_unit(written, "2023-FY").id == unit_id


def test_a_trailing_bracket_note_is_dropped_and_kept():
    res = resolve_unit("VKSND tỉnh Gia Lai (Cụm trưởng)", "2023-FY")
    assert (res.id, res.note) == ("gia_lai", "Cụm trưởng")
    res = resolve_unit("1. VKSND tỉnh Kon Tum - Cụm phó", "2023-FY")  # list number, role
    assert (res.id, res.note) == ("kon_tum", "Cụm phó")


@pytest.mark.parametrize(
    "written",
    [
        "VKSND huyện Krông Pa",
        "VKSND khu vực 3 - Gia Lai",
        "VKSND thị xã Quảng Trị",
        "VKSND thành phố Thanh Hóa",
        "VKSND huyện Mường Tè, tỉnh Lai Châu",
    ],
)
def test_district_level_units_are_said_not_provincial(written):
    res = resolve_unit(written, "2023-FY")
    assert res.id is None and res.rule == "unit_not_provincial"
    assert "không phải VKSND tỉnh" in res.message


@pytest.mark.parametrize(
    "a, b",
    [
        ("Hà Nam", "Hà Nội"),
        ("Quảng Nam", "Quảng Ninh"),
        ("Quảng Ninh", "Quảng Ngãi"),
        ("Bắc Giang", "Bắc Ninh"),
        ("Bắc Ninh", "Bắc Kạn"),
        ("Bình Dương", "Bình Định"),
        ("Bình Phước", "Bình Thuận"),
        ("Hải Dương", "Hải Phòng"),
        ("Long An", "An Giang"),
    ],
)
def test_near_miss_names_never_cross(a, b):
    ra, rb = resolve_unit(a, "2023-FY"), resolve_unit(b, "2023-FY")
    assert ra.id and rb.id and ra.id != rb.id


@pytest.mark.parametrize(
    "written",
    [
        "Hà Tây",
        "Gia Lai - Kon Tum",
        "Hà Nam Ninh",
        "HN",
        "BD",
        "Hà T",
        "La",
        "Quảng N",
        "VKSND cấp cao 1 tại Đà Nẵng",
    ],
)
def test_places_that_no_longer_exist_or_are_ambiguous_are_rejected(written):
    assert resolve_unit(written, "2023-FY").id is None


def test_a_typo_is_never_guessed_but_suggested():
    res = resolve_unit("Thừa Thiên Hếu", "2023-FY")
    assert res.id is None and res.rule == "unit_unknown"
    assert res.suggestions[0] == "thua_thien_hue"
    assert "có phải «Thừa Thiên Huế»" in res.message and "bí danh" in res.message


def test_a_name_resolves_to_the_unit_of_the_period():
    assert resolve_unit("Huế", "2023-FY").id == "thua_thien_hue"
    assert resolve_unit("Thừa Thiên Huế", "2026-H1").id == "hue"
    assert resolve_unit("Quảng Bình", "2025-FY").id == "quang_binh"  # existed until 30/6/2025
    res = resolve_unit("VKSND tỉnh Quảng Bình", "2026-H1")
    assert res.id is None and res.rule == "unit_not_in_period"
    assert "Quảng Trị" in res.message and res.suggestions == ("quang_tri",)


@pytest.mark.parametrize(
    "written, award_id, klass",
    [
        ("Bằng khen của Chủ tịch UBND tỉnh Thái Bình", "bang_khen_ubnd_tinh", None),
        ("Giấy khen của VT VKSND tỉnh Nghệ An", "giay_khen", None),
        ("BK TTg", "bang_khen_thu_tuong", None),
        ("BK của VT VKSNDTC", "bang_khen_vkstc", None),
        ("Cờ TĐCP", "co_thi_dua_chinh_phu", None),
        ("Cờ thi đua dẫn đầu Cụm thi đua số 7", "co_thi_dua_nganh", None),
        ("Danh hiệu CSTĐ cơ sở", "chien_si_thi_dua_co_so", None),
        ("CSTĐCS", "chien_si_thi_dua_co_so", None),
        ("TLĐXS", "tap_the_lao_dong_xuat_sac", None),
        ("Kỉ niệm chương Vì sự nghiệp Kiểm sát", "ky_niem_chuong", None),
        ("Huân chương Lao động hạng Ba", "huan_chuong_lao_dong", "3"),
        ("HCLĐ hạng III", "huan_chuong_lao_dong", "3"),
        ("HC Lao động hạng 2", "huan_chuong_lao_dong", "2"),
        ("HCLĐ III", "huan_chuong_lao_dong", "3"),  # a medal's class without "hạng"
        ("Chiến sĩ thi đua cấp Bộ", "chien_si_thi_dua_nganh", None),
    ],
)
def test_award_forms_by_composition(written, award_id, klass):
    res = resolve_award(written)
    assert (res.id, res.klass) == (award_id, klass)


def test_the_grantors_place_is_read():
    res = resolve_award("Bằng khen của Chủ tịch UBND tỉnh Thái Bình")
    assert (res.place, res.place_written) == ("thai_binh", "Thái Bình")


@pytest.mark.parametrize(
    "written, part",
    [
        ("Bằng khen của Bộ trưởng Bộ Công an", "«Bộ trưởng Bộ Công an»"),
        ("Huân chương Chiến công hạng Ba", "«Chiến công»"),
        ("Cờ thi đua của UBND tỉnh", "«UBND tỉnh»"),
        ("Bằng khen", "không ghi người tặng"),
    ],
)
def test_a_grantor_or_medal_outside_the_table_is_rejected_naming_the_part(written, part):
    res = resolve_award(written)
    assert res.id is None and res.rule == "award_unknown"
    assert part in res.message and "bí danh" in res.message


@pytest.mark.parametrize(
    "written",
    [
        "Bằng khen UBND tỉnh, thành phố",
        "Bằng khen UBND tỉnh/thành phố",
        "Bằng khen của Chủ tịch UBND tỉnh, thành phố trực thuộc trung ương",
    ],
)
def test_the_level_named_without_a_place_is_the_provincial_form(written):
    """«tỉnh, thành phố» names the level of the grantor, not a place (the national corpus
    of the bench writes it so; it was loaded before recognition by composition)."""
    res = resolve_award(written)
    assert (res.id, res.place) == ("bang_khen_ubnd_tinh", None)
