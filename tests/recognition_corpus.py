"""An acceptance corpus of spellings as staff of the provincial procuracies type them.

The spellings are generated here from a few rules of how people write (prefixes, case,
missing diacritics, old tone placement, NFD, stray spaces, dotted initials, words run
together, a bracketed role note, the look-alike "Ð", variant spellings), not from the
project's alias list: the only thing read from the project is the gazetteer (`units.csv`:
ids, official names, validity).  Every case carries the answer a person would give:
an id, or None with the reason why it must be rejected.

Deterministic: the only randomness (which variant gets stray spaces, which units get a
role note) comes from a seeded generator.

Run `python tests/recognition_corpus.py` for the tally (resolved / wrong / rejected per kind).
"""

from __future__ import annotations

import csv
import random
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = 13
LOOKALIKE_D = "\u00d0"  # Ð, left for Đ by old converters


@dataclass(frozen=True)
class Case:
    kind: str  # "unit", "award", "header", "period"
    variant: str  # which way of writing it is
    text: str
    expected: object  # unit_id / award_id / field / (half, year); None = must be rejected
    reason: str = ""  # for a None: why it must be rejected
    period: str | None = None  # the file's period (units resolve by date)
    context: str | None = None  # header cases: the kind of table
    suggest: str | None = None  # a rejection that should suggest this id


# --- units -------------------------------------------------------------------------------


def _units() -> list[dict]:
    for folder in ("pipeline/core/reference", "pipeline/reference"):
        path = ROOT / folder / "units.csv"
        if path.exists():
            with open(path, encoding="utf-8", newline="") as fh:
                return list(csv.DictReader(fh))
    raise FileNotFoundError("units.csv")


def strip_marks(text: str) -> str:
    out = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return out.replace("đ", "d").replace("Đ", "D")


_OLD_TONE = {
    "òa": "oà",
    "óa": "oá",
    "ỏa": "oả",
    "õa": "oã",
    "ọa": "oạ",
    "úy": "uý",
    "ùy": "uỳ",
    "ủy": "uỷ",
    "ũy": "uỹ",
    "ụy": "uỵ",
    "óe": "oé",
    "òe": "oè",
}


def old_tone(text: str) -> str:
    for new, old in _OLD_TONE.items():
        text = text.replace(new, old)
    return text


# Spellings that people use for particular units (written from how reports are typed).
SPELLINGS = {
    "dak_lak": ["Đăk Lăk", "Đắc Lắc", "Đắk Lăk", "Đăk Lắk", "Daklak", "DakLak", "Đắc Lắk"],
    "dak_nong": ["Đăk Nông", "Đắc Nông", "Daknong", "Đăk Nông"],
    "kon_tum": ["Kontum", "KonTum"],
    "bac_kan": ["Bắc Cạn"],
    "thua_thien_hue": [
        "TT Huế",
        "T.T. Huế",
        "TT.Huế",
        "TT-Huế",
        "T.T.Huế",
        "TTHuế",
        "Thừa Thiên - Huế",
        "Thừa Thiên-Huế",
        "Thừa Thiên – Huế",
    ],
    "ho_chi_minh": [
        "TP.HCM",
        "Tp. Hồ Chí Minh",
        "TP HCM",
        "TP. HCM",
        "Tp.HCM",
        "TPHCM",
        "TP.Hồ Chí Minh",
        "Thành phố Hồ Chí Minh",
        "TP Hồ Chí Minh",
        "T.P Hồ Chí Minh",
    ],
    "ba_ria_vung_tau": [
        "BR-VT",
        "BR - VT",
        "BRVT",
        "Bà Rịa – Vũng Tàu",
        "Bà Rịa-Vũng Tàu",
        "Bà Rịa Vũng Tàu",
        "Bà Rịa — Vũng Tàu",
        "B.Rịa - V.Tàu",
    ],
    "ha_noi": ["TP. Hà Nội", "Tp Hà Nội", "Thủ đô Hà Nội"],
    "da_nang": ["TP. Đà Nẵng", "Tp Đà Nẵng"],
    "hai_phong": ["TP. Hải Phòng", "Tp Hải Phòng"],
    "can_tho": ["TP. Cần Thơ", "Tp Cần Thơ"],
    "hue": ["TP. Huế", "Thành phố Huế", "TP Huế", "Tp Huế"],
}

HIGH_LEVEL = {
    "toi_cao": [
        "VKSNDTC",
        "VKSND TC",
        "Viện KSNDTC",
        "VKSND tối cao",
        "VKS tối cao",
        "VKSTC",
        "Viện KSND tối cao",
        "Viện kiểm sát nhân dân tối cao",
        "VIỆN KIỂM SÁT NHÂN DÂN TỐI CAO",
        "Vien kiem sat nhan dan toi cao",
        "VKSND Tối cao",
        "V.KSND tối cao",
        "Viện kiểm sát tối cao",
    ],
    "cap_cao_ha_noi": [
        "VKSND cấp cao tại Hà Nội",
        "Viện KSND cấp cao tại Hà Nội",
        "Viện kiểm sát nhân dân cấp cao tại Hà Nội",
        "VKS cấp cao tại Hà Nội",
        "VKSND cấp cao tại TP Hà Nội",
        "VKSND Cấp cao 1",
        "VKSND cap cao tai Ha Noi",
    ],
    "cap_cao_da_nang": [
        "VKSND cấp cao tại Đà Nẵng",
        "Viện KSND cấp cao tại Đà Nẵng",
        "Viện kiểm sát nhân dân cấp cao tại Đà Nẵng",
        "VKS cấp cao tại Đà Nẵng",
        "VKSND cấp cao tại TP Đà Nẵng",
        "VKSND Cấp cao 2",
        "Viện cấp cao 2 tại Đà Nẵng",
        "VIỆN KSND CẤP CAO TẠI ĐÀ NẴNG",
        "VKSND cấp cao tại Ðà Nẵng",
    ],
    "cap_cao_ho_chi_minh": [
        "VKSND cấp cao tại TP.HCM",
        "Viện KSND cấp cao tại TP Hồ Chí Minh",
        "Viện kiểm sát nhân dân cấp cao tại Thành phố Hồ Chí Minh",
        "VKSND cấp cao tại Tp. Hồ Chí Minh",
        "VKS cấp cao tại TP.HCM",
        "VKSND Cấp cao 3",
        "VKSND cấp cao tại Thành phố Hồ Chí Minh",
    ],
}

DISTRICT = [
    "VKSND huyện Krông Pa",
    "VKSND huyện Gia Lâm",
    "VKSND quận Hoàn Kiếm",
    "VKSND quận 1",
    "VKSND thị xã An Khê",
    "VKSND thị xã Quảng Trị",
    "VKSND thành phố Pleiku",
    "VKSND thành phố Thanh Hóa",
    "VKSND thành phố Bắc Ninh",
    "VKSND TP Thái Bình",
    "VKSND thành phố Quảng Ngãi",
    "VKSND khu vực 1",
    "VKSND khu vực 3 - Gia Lai",
    "VKSND Khu vực 2 tỉnh Quảng Ninh",
    "Viện KSND huyện Đắk Mil",
    "VKSND huyện Mường Tè, tỉnh Lai Châu",
    "VKSND thị xã Long Khánh",
    "Viện kiểm sát nhân dân huyện Gia Lâm, Hà Nội",
    "VKS huyện Đông Anh",
    "VKSND KV 1",
    "VKSND TX Buôn Hồ",
]
GONE = [
    "Hà Tây",
    "VKSND tỉnh Hà Tây",
    "Viện KSND tỉnh Hà Tây",
    "Hà Sơn Bình",
    "Nghĩa Bình",
    "Sông Bé",
    "Minh Hải",
    "Vĩnh Phú",
    "Hà Bắc",
    "Cửu Long",
    "Hải Hưng",
    "Nam Hà",
    "Bình Trị Thiên",
    "Phú Khánh",
    "Quảng Nam - Đà Nẵng",
    "Gia Lai - Kon Tum",
    "Hà Nam Ninh",
    "Thuận Hải",
    "Nghệ Tĩnh",
    "Hoàng Liên Sơn",
    "Bắc Thái",
    "Cao Lạng",
    "Hà Tuyên",
    "VKSND cấp cao 1 tại Đà Nẵng",  # number and city disagree: not guessed
]
OTHER_AGENCY = [
    "TAND tỉnh Gia Lai",
    "Tòa án nhân dân tỉnh Gia Lai",
    "Công an tỉnh Gia Lai",
    "UBND tỉnh Nghệ An",
    "Cục THADS tỉnh Gia Lai",
    "Sở Tư pháp Hà Nội",
]
TYPOS = [  # must not be guessed: rejected, with the unit meant among the suggestions
    ("Gia Lia", "gia_lai"),
    ("Quảng Nimh", "quang_ninh"),
    ("Bình Dươg", "binh_duong"),
    ("Thừa Thiên Hếu", "thua_thien_hue"),
    ("Kom Tum", "kon_tum"),
    ("Lâm Đồg", "lam_dong"),
    ("VKSND tỉnh Nghệ Ann", "nghe_an"),
    ("Thái Bìn", "thai_binh"),
]
NEAR_MISS = [  # each written in the forms above already; here the bare pairs side by side
    ("Hà Nam", "ha_nam"),
    ("Hà Nội", "ha_noi"),
    ("Quảng Nam", "quang_nam"),
    ("Quảng Ninh", "quang_ninh"),
    ("Quảng Ngãi", "quang_ngai"),
    ("Bắc Giang", "bac_giang"),
    ("Bắc Ninh", "bac_ninh"),
    ("Bắc Kạn", "bac_kan"),
    ("Bình Dương", "binh_duong"),
    ("Bình Định", "binh_dinh"),
    ("Bình Phước", "binh_phuoc"),
    ("Bình Thuận", "binh_thuan"),
    ("Hải Dương", "hai_duong"),
    ("Hải Phòng", "hai_phong"),
    ("Long An", "long_an"),
    ("An Giang", "an_giang"),
    ("Ha Nam", "ha_nam"),
    ("Ha Noi", "ha_noi"),
    ("Quang Nam", "quang_nam"),
    ("Quang Ninh", "quang_ninh"),
    ("Quang Ngai", "quang_ngai"),
    ("Binh Duong", "binh_duong"),
    ("Binh Dinh", "binh_dinh"),
    ("Hai Duong", "hai_duong"),
    ("Hai Phong", "hai_phong"),
]


def _prefixed(name: str, level: str, cap_level: str) -> list[tuple[str, str]]:
    return [
        ("bare", name),
        ("vksnd", f"VKSND {level} {name}"),
        ("vks", f"VKS {level} {name}"),
        ("vien_ksnd", f"Viện KSND {level} {name}"),
        ("vien_ksnd_upper", f"VIỆN KSND {cap_level} {name}".upper()),
        ("full", f"Viện kiểm sát nhân dân {level} {name}"),
        ("no_level", f"VKSND {name}"),
        ("vien_ks_nd", f"Viện KS.ND {level} {name}"),
        ("dotted_agency", f"V.K.S.N.D {level} {name}"),
        ("no_diacritics", strip_marks(f"VKSND {level} {name}")),
        ("no_diacritics_bare", strip_marks(name)),
        ("upper", f"VKSND {level} {name}".upper()),
        ("lower", f"vksnd {level} {name}".lower()),
        ("nfd", unicodedata.normalize("NFD", f"Viện kiểm sát nhân dân {level} {name}")),
        ("spaces", f"  VKSND  {level}   {name} "),
        ("role_note", f"VKSND {level} {name} (Cụm trưởng)"),
        ("role_note_bare", f"{name} (thành viên)"),
        ("nbsp", f"VKSND\u00a0{level}\u00a0{name}"),
    ]


def unit_cases() -> list[Case]:
    rng = random.Random(SEED)
    cases: list[Case] = []
    units = _units()
    for u in units:
        uid, name, kind = u["unit_id"], u["name"], u["kind"]
        if kind in ("toi_cao", "cap_cao"):
            continue
        periods = []
        if u["valid_from"] <= "2023-06-01" and (not u["valid_to"] or u["valid_to"] >= "2023-11-30"):
            periods.append("2023-FY")
        if not u["valid_to"]:
            periods.append("2026-H1")
        level = "tỉnh" if kind == "tinh" else "thành phố"
        cap_level = "TỈNH" if kind == "tinh" else "THÀNH PHỐ"
        for period in periods:
            written = _prefixed(name, level, cap_level)
            if kind == "thanh_pho":
                written += [
                    ("tp", f"VKSND TP {name}"),
                    ("tp_dot", f"VKSND TP. {name}"),
                    ("tp_bare", f"TP {name}"),
                    ("tp_lower", f"Tp. {name}"),
                ]
            if " " in name:
                written += [
                    ("run_together", name.replace(" ", "")),
                    ("run_together_prefixed", f"VKSND {level} {name.replace(' ', '')}"),
                ]
            if old_tone(name) != name:
                written += [
                    ("old_tone", old_tone(name)),
                    ("old_tone_prefixed", f"VKSND {level} {old_tone(name)}"),
                ]
            if "Đ" in name:
                lookalike = name.replace("Đ", LOOKALIKE_D)
                written += [
                    ("lookalike_D", lookalike),
                    ("lookalike_D_prefixed", f"VKSND {level} {lookalike}"),
                ]
            written += [
                ("list_number", f"1. VKSND {level} {name}"),
                ("role_after_dash", f"VKSND {level} {name} - Cụm trưởng"),
            ]
            for spelling in SPELLINGS.get(uid, []):
                written += [("spelling", spelling), ("spelling_prefixed", f"VKSND {spelling}")]
            # a deterministic handful of messy combinations
            messy = f"VKSND {level} {name}"
            written.append(
                (
                    "messy",
                    rng.choice(
                        [
                            strip_marks(messy).upper(),
                            f" {messy.replace(' ', '  ')}",
                            f"{messy} (Cụm phó)",
                            unicodedata.normalize("NFD", messy.upper()),
                        ]
                    ),
                )
            )
            for variant, text in written:
                cases.append(Case("unit", variant, text, uid, period=period))
    for uid, spellings in HIGH_LEVEL.items():
        for text in spellings:
            cases.append(Case("unit", "high_level", text, uid, period="2023-FY"))
    # renamed (Thừa Thiên Huế → Huế, 1/1/2025): the name resolves to the unit of the period
    for text in ("Huế", "TP Huế", "Thành phố Huế"):
        cases.append(Case("unit", "renamed", text, "thua_thien_hue", period="2023-FY"))
    for text in ("Thừa Thiên Huế", "VKSND tỉnh Thừa Thiên Huế"):
        cases.append(Case("unit", "renamed", text, "hue", period="2026-H1"))
    for text, uid in NEAR_MISS:
        cases.append(Case("unit", "near_miss", text, uid, period="2023-FY"))
        cases.append(
            Case(
                "unit",
                "near_miss_prefixed",
                f"VKSND tỉnh {text}" if uid not in ("ha_noi", "hai_phong") else f"VKSND TP {text}",
                uid,
                period="2023-FY",
            )
        )
    # must be rejected
    for text in DISTRICT:
        cases.append(
            Case("unit", "district", text, None, "không phải đơn vị cấp tỉnh", period="2023-FY")
        )
    for text in GONE:
        cases.append(Case("unit", "gone", text, None, "đơn vị không còn tồn tại", period="2023-FY"))
    for text in OTHER_AGENCY:
        cases.append(
            Case("unit", "other_agency", text, None, "không phải viện kiểm sát", period="2023-FY")
        )
    for text, uid in TYPOS:
        cases.append(
            Case(
                "unit",
                "typo",
                text,
                None,
                "lỗi chính tả: gợi ý, không đoán",
                period="2023-FY",
                suggest=uid,
            )
        )
    merged = [u for u in units if u["valid_to"] == "2025-06-30" and u["kind"] == "tinh"]
    for u in merged:
        cases.append(
            Case(
                "unit",
                "merged_away",
                f"VKSND tỉnh {u['name']}",
                None,
                "đã hợp nhất từ 1/7/2025",
                period="2026-H1",
                suggest=u["successor_id"],
            )
        )
    for uid in ("cap_cao_ha_noi", "cap_cao_da_nang"):
        cases.append(
            Case(
                "unit",
                "merged_away",
                HIGH_LEVEL[uid][0],
                None,
                "VKSND cấp cao không còn từ 1/7/2025",
                period="2026-H1",
            )
        )
    return cases


# --- award forms --------------------------------------------------------------------------

AWARDS = {
    "bang_khen_thu_tuong": [
        "Bằng khen của Thủ tướng Chính phủ",
        "BK Thủ tướng Chính phủ",
        "BK TTg",
        "BK của TTg CP",
        "Bằng khen TTg",
        "Bằng khen của TTCP",
        "BK TTCP",
        "Bằng khen Thủ tướng",
        "BK của Thủ tướng CP",
        "Bằng khen của Thủ tướng",
        "Bằng khen của Thủ tướng Chính phủ (tập thể)",
        "BK Thủ tướng",
        "BK TTg CP",
    ],
    "bang_khen_vkstc": [
        "Bằng khen của Viện trưởng VKSND tối cao",
        "BK VKSNDTC",
        "BK của VT VKSNDTC",
        "Bằng khen của Viện trưởng VKSNDTC",
        "BK Viện trưởng VKSND TC",
        "Bằng khen VKSTC",
        "BK VT VKSTC",
        "Bằng khen của Viện trưởng Viện KSND tối cao",
        "Bằng khen của Viện trưởng Viện kiểm sát nhân dân tối cao",
        "BK của Viện KSNDTC",
        "Bằng khen của VKSND tối cao",
        "BK VT VKSND tối cao",
    ],
    "bang_khen_ubnd_tinh": [
        "Bằng khen của Chủ tịch UBND tỉnh",
        "BK UBND tỉnh",
        "BK CT UBND tỉnh",
        "Bằng khen của Chủ tịch UBND tỉnh Thái Bình",
        "BK của CT UBND tỉnh Gia Lai",
        "Bằng khen UBND thành phố Hà Nội",
        "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh Nghệ An",
        "BK Chủ tịch UBND TP Đà Nẵng",
        "Bằng khen của UBND tỉnh",
        "BK của Chủ tịch UBND tỉnh Kon Tum",
        "Bằng khen Chủ tịch UBND tỉnh Đắk Lắk",
    ],
    "giay_khen": [
        "Giấy khen",
        "GK",
        "Giấy khen của Viện trưởng VKSND tỉnh",
        "Giấy khen của VT VKSND tỉnh Nghệ An",
        "GK của Viện trưởng VKSND tỉnh Gia Lai",
        "GK VT VKSND tỉnh",
        "Giấy khen của Viện trưởng Viện KSND tỉnh Quảng Bình",
        "Giấy khen của Viện trưởng VKSND TP Hà Nội",
        "Giấy khen của Viện trưởng",
        "GK của VT Viện KSND tỉnh Đắk Lắk",
    ],
    "co_thi_dua_chinh_phu": [
        "Cờ thi đua của Chính phủ",
        "Cờ TĐ của CP",
        "Cờ thi đua CP",
        "Cờ TĐCP",
        "Cờ thi đua Chính phủ",
        "Cờ TĐ Chính phủ",
        "Cờ thi đua của CP",
    ],
    "co_thi_dua_nganh": [
        "Cờ thi đua của ngành Kiểm sát nhân dân",
        "Cờ thi đua ngành KSND",
        "Cờ TĐ ngành",
        "Cờ thi đua của VKSNDTC",
        "Cờ thi đua của Viện trưởng VKSND tối cao",
        "Cờ thi đua dẫn đầu Cụm thi đua số 7",
        "Cờ dẫn đầu Cụm thi đua số 6",
        "Cờ thi đua dẫn đầu Khối",
        "Cờ thi đua VKSND TC",
        "Cờ thi đua ngành Kiểm sát",
        "Cờ thi đua dẫn đầu Cụm",
        "Cờ TĐ dẫn đầu Cụm số 11",
        "Cờ thi đua dẫn đầu phong trào thi đua Cụm 7",
    ],
    "ky_niem_chuong": [
        "Kỷ niệm chương",
        "Kỉ niệm chương",
        "Kỷ niệm chương “Vì sự nghiệp Kiểm sát”",
        "Kỉ niệm chương Vì sự nghiệp Kiểm sát",
        "KNC Vì sự nghiệp KS",
        "KNC",
        'Kỷ niệm chương "Vì sự nghiệp Kiểm sát"',
        "KNC VSN Kiểm sát",
    ],
    "chien_si_thi_dua_toan_quoc": [
        "Chiến sĩ thi đua toàn quốc",
        "CSTĐ toàn quốc",
        "Danh hiệu Chiến sĩ thi đua toàn quốc",
        "Chiến sỹ thi đua toàn quốc",
        "CSTĐTQ",
        "Danh hiệu CSTĐ toàn quốc",
    ],
    "chien_si_thi_dua_nganh": [
        "Chiến sĩ thi đua ngành KSND",
        "CSTĐ ngành",
        "Danh hiệu CSTĐ ngành Kiểm sát nhân dân",
        "Chiến sĩ thi đua cấp ngành",
        "Chiến sĩ thi đua cấp Bộ",
        "Chiến sĩ thi đua ngành Kiểm sát nhân dân",
        "Danh hiệu Chiến sỹ thi đua ngành",
    ],
    "chien_si_thi_dua_co_so": [
        "Chiến sĩ thi đua cơ sở",
        "CSTĐ cơ sở",
        "CSTĐCS",
        "Danh hiệu Chiến sĩ thi đua cơ sở",
        "Chiến sỹ thi đua cấp cơ sở",
        "Danh hiệu CSTĐCS",
        "CSTĐ cấp cơ sở",
    ],
    "tap_the_lao_dong_xuat_sac": [
        "Tập thể lao động xuất sắc",
        "TLĐXS",
        "TTLĐXS",
        "Danh hiệu Tập thể lao động xuất sắc",
        "Danh hiệu TTLĐXS",
        "Tập thể LĐXS",
        "TT LĐXS",
    ],
    "tap_the_lao_dong_tien_tien": [
        "Tập thể lao động tiên tiến",
        "TLĐTT",
        "TTLĐTT",
        "Danh hiệu Tập thể lao động tiên tiến",
        "Danh hiệu TLĐTT",
        "Tập thể LĐTT",
    ],
    "lao_dong_tien_tien": [
        "Lao động tiên tiến",
        "LĐTT",
        "Danh hiệu Lao động tiên tiến",
        "Danh hiệu LĐTT",
        "Danh hiệu “Lao động tiên tiến”",
    ],
    "huan_chuong_lao_dong": [
        "Huân chương Lao động hạng Ba",
        "HCLĐ hạng III",
        "Huân chương Lao động hạng 3",
        "HC Lao động hạng Nhì",
        "Huân chương LĐ hạng nhất",
        "Huân chương Lao động",
        "HCLĐ hạng Ba",
        "HCLĐ III",
        "Huân chương Lao động hạng II",
        "HC LĐ hạng 2",
    ],
}
AWARD_REJECT = [
    ("Bằng khen của Bộ trưởng Bộ Công an", "người tặng không có trong bảng"),
    ("Bằng khen Bộ trưởng", "người tặng không có trong bảng"),
    ("Huân chương Chiến công hạng Ba", "huân chương không có trong bảng"),
    ("Huân chương Độc lập hạng Ba", "huân chương không có trong bảng"),
    (
        "Bằng khen của Ban Chấp hành Tổng Liên đoàn Lao động Việt Nam",
        "người tặng không có trong bảng",
    ),
    ("Giấy khen của Công đoàn ngành", "người tặng không có trong bảng"),
    ("Kỷ niệm chương Vì sự nghiệp Công an", "kỷ niệm chương khác"),
    ("Cờ thi đua của UBND tỉnh", "cờ của UBND tỉnh không có trong bảng"),
    ("Bằng khen", "thiếu người tặng"),
    ("Cờ thi đua", "thiếu người tặng"),
    ("Chiến sĩ thi đua", "thiếu cấp"),
    ("Danh hiệu Chiến sĩ thi đua cấp tỉnh", "cấp không có trong bảng"),
    ("Huy hiệu Đảng", "không phải hình thức thi đua khen thưởng"),
    ("Bằng khen của Thủ tướng Chính phủ Lào", "người tặng không có trong bảng"),
]


def award_cases() -> list[Case]:
    cases = []
    for aid, texts in AWARDS.items():
        for i, text in enumerate(texts):
            cases.append(Case("award", "written", text, aid))
            if i < 3:
                cases.append(Case("award", "upper", text.upper(), aid))
                cases.append(Case("award", "no_diacritics", strip_marks(text), aid))
                cases.append(Case("award", "nfd", unicodedata.normalize("NFD", text), aid))
                cases.append(Case("award", "spaces", "  " + text.replace(" ", "  ") + " ", aid))
    for text, reason in AWARD_REJECT:
        cases.append(Case("award", "unknown", text, None, reason))
    return cases


# --- header labels ------------------------------------------------------------------------

HEADERS = [
    ("awards", "SL tập thể", "tap_the"),
    ("awards", "SL cá nhân", "ca_nhan"),
    ("awards", "Số lượng (tập thể)", "tap_the"),
    ("awards", "Số lượng (cá nhân)", "ca_nhan"),
    ("awards", "Tập thể (SL)", "tap_the"),
    ("awards", "Cá nhân (số lượng)", "ca_nhan"),
    ("awards", "Số tập thể được khen", "tap_the"),
    ("awards", "Số cá nhân được khen", "ca_nhan"),
    ("awards", "Tên danh hiệu, hình thức khen thưởng", "award"),
    ("awards", "Hình thức khen thưởng", "award"),
    ("awards", "Danh hiệu thi đua", "award"),
    ("awards", "Hình thức, danh hiệu", "award"),
    ("awards", "Tên đơn vị", "unit"),
    ("awards", "Đơn vị (VKSND tỉnh)", "unit"),
    ("awards", "TÊN ĐƠN VỊ", "unit"),
    ("awards", "S.T.T", "stt"),
    ("awards", "Số TT", "stt"),
    ("indicators", "Kết quả thực hiện (%)", "actual"),
    ("indicators", "Chỉ tiêu (%)", "target"),
    ("indicators", "Tên chỉ tiêu nghiệp vụ", "indicator"),
    ("initiatives", "Số lượng sáng kiến", "count"),
    ("initiatives", "SL sáng kiến", "count"),
    ("initiatives", "SL", "count"),
    ("scores", "Điểm tự chấm", "points"),
    ("scores", "Số điểm đạt được", "points"),
    ("scores", "Điểm tối đa (thang điểm)", "max_points"),
    ("awards", "Số lượng tập thể", "tap_the"),
    ("awards", "Cá nhân (người)", "ca_nhan"),
    ("awards", "SL (tập thể)", "tap_the"),
    ("awards", "Loại hình khen thưởng", "award"),
    ("awards", "Danh hiệu, hình thức khen thưởng", "award"),
    ("awards", "Đơn vị được khen", "unit"),
    ("recipients", "Số, ngày, tháng, năm quyết định", "decision"),
    ("recipients", "Ngày ký quyết định", "decision_date"),
    ("initiatives", "Số sáng kiến được công nhận", "count"),
    ("scores", "Điểm Cụm chấm", "points"),
    ("indicators", "Tỷ lệ đạt (%)", "actual"),
    ("recipients", "Họ và tên", "name"),
    ("recipients", "Số, ngày quyết định", "decision"),
]


def header_cases() -> list[Case]:
    return [Case("header", "label", text, fname, context=kind) for kind, text, fname in HEADERS]


# --- periods ------------------------------------------------------------------------------

PERIODS = [
    ("06 tháng đầu năm 2013", ("H1", 2013)),
    ("6T đầu năm 2012", ("H1", 2012)),
    ("sáu tháng đầu năm 2020", ("H1", 2020)),
    ("Sáu tháng đầu năm", ("H1", None)),
    ("SƠ KẾT 6 THÁNG ĐẦU NĂM 2023", ("H1", 2023)),
    ("sơ kết công tác thi đua năm 2023", ("H1", 2023)),
    ("BÁO CÁO SƠ KẾT 6 THÁNG ĐẦU NĂM 2023", ("H1", 2023)),
    ("6T/2023", ("H1", 2023)),
    ("6T-2023", ("H1", 2023)),
    ("6 tháng/2023", ("H1", 2023)),
    ("6 tháng năm 2023", ("H1", 2023)),
    ("06T2023", ("H1", 2023)),
    ("6 THANG DAU NAM 2022", ("H1", 2022)),
    ("6 tháng 2021", ("H1", 2021)),
    ("6 tháng đầu năm 2023 so với cùng kỳ năm 2022", ("H1", 2023)),
    ("H1-2023", ("H1", 2023)),
    ("bao_cao_6T_2023", ("H1", 2023)),
    ("Sơ kết", ("H1", None)),
    ("06 THÁNG ĐẦU NĂM 2019", ("H1", 2019)),
    ("6TĐN 2023", ("H1", 2023)),
    ("6 tháng đầu 2023", ("H1", 2023)),
    ("tổng kết năm 2022", ("FY", 2022)),
    ("năm 2022", ("FY", 2022)),
    ("TỔNG KẾT CÔNG TÁC NĂM 2022", ("FY", 2022)),
    ("Báo cáo năm 2021", ("FY", 2021)),
    ("12 tháng năm 2022", ("FY", 2022)),
    ("cả năm 2022", ("FY", 2022)),
    ("Tổng kết", ("FY", None)),
    ("khen_thuong_2022", (None, 2022)),
    ("từ ngày 01/12/2010 đến ngày 31/5/2011", ("H1", 2011)),
    ("từ ngày 01/12/2021 đến ngày 30/11/2022", ("FY", 2022)),
    ("(Từ 01/12/2022 đến 31/5/2023)", ("H1", 2023)),
    ("từ 1/12/2019 - 30/11/2020", ("FY", 2020)),
    ("Kỳ báo cáo: từ ngày 01 tháng 12 năm 2022 đến ngày 31 tháng 5 năm 2023", ("H1", 2023)),
    ("BÁO CÁO 6 THÁNG ĐẦU NĂM 2023 (từ ngày 01/12/2022 đến ngày 31/5/2023)", ("H1", 2023)),
    ("(Số liệu từ 01/12/2020 đến 30/11/2021)", ("FY", 2021)),
    ("Gia Lai, ngày 15 tháng 6 năm 2023", None),
    ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", None),
    ("(Kèm theo Báo cáo số 12/BC-VKS ngày 10/6/2023)", None),
]
PERIOD_REJECT = [  # markers that cannot be read as H1/FY: a rejection that quotes them
    "quý I năm 2023",
    "Quý III/2023",
    "9 tháng năm 2023",
    "09 tháng đầu năm 2023",
    "từ ngày 01/01/2023 đến ngày 30/6/2023",
    "6 tháng cuối năm 2022",
]


def period_cases() -> list[Case]:
    cases = [Case("period", "written", text, exp) for text, exp in PERIODS]
    cases += [
        Case("period", "unreadable", text, None, "không đọc được kỳ") for text in PERIOD_REJECT
    ]
    return cases


def all_cases() -> list[Case]:
    return unit_cases() + award_cases() + header_cases() + period_cases()


# --- the tally ----------------------------------------------------------------------------


def _matcher():
    """The current matcher's answer to a case: (answer, suggestions or ())."""
    try:
        from pipeline.ingest.recognise import forms, names
    except ImportError:
        return _before()
    return _after(names, forms)


def _after(names, forms):
    from pipeline.core.period import read_hint
    from pipeline.ingest.recognise import match_field

    def answer(case: Case):
        if case.kind == "unit":
            res = names.resolve_unit(case.text, case.period)
            return res.id, res.suggestions
        if case.kind == "award":
            res = forms.resolve_award(case.text)
            return res.id, res.suggestions
        if case.kind == "header":
            return match_field(case.context, case.text), ()
        hint = read_hint(case.text, "tiêu đề")
        if hint is None:
            return None, ()
        if getattr(hint, "unreadable", None):
            return "unreadable", ()
        return (hint.half, hint.year), ()

    return answer


def _before():
    try:
        from pipeline.period import read_hint
        from pipeline.recognise import match_field

        from pipeline import refdata
    except ImportError:
        from pipeline.core import refdata
        from pipeline.core.period import read_hint
        from pipeline.ingest.recognise import match_field

    ref = refdata.load()
    starts = {u["unit_id"]: u["valid_from"] for u in ref.units}
    renamed = {
        u["successor_id"]: u["unit_id"]
        for u in ref.units
        if u["successor_id"] and u["valid_to"] and starts[u["successor_id"]] > u["valid_to"]
    }

    def answer(case: Case):
        if case.kind == "unit":
            uid = ref.unit_id(case.text)
            # the build's year-aware rename ("Huế" before 2025 is Thừa Thiên Huế)
            if uid in renamed and int(case.period[:4]) < int(starts[uid][:4]):
                uid = renamed[uid]
            return uid, ()
        if case.kind == "award":
            return ref.award_id(case.text), ()
        if case.kind == "header":
            return match_field(case.context, case.text), ()
        hint = read_hint(case.text, "tiêu đề")
        return ((hint.half, hint.year) if hint else None), ()

    return answer


def outcome(case: Case, got) -> str:
    """ "resolved": the expected answer; "wrong": another answer; "rejected": no answer."""
    if case.expected is None:
        return "rejected" if got in (None, "unreadable") else "wrong"
    if got in (None, "unreadable"):
        return "rejected"
    return "resolved" if got == case.expected else "wrong"


def tally(cases: list[Case] | None = None, answer=None):
    """{kind: Counter(resolved/wrong/rejected, must_reject, rejected_ok, suggested)}, details."""
    cases = all_cases() if cases is None else cases
    answer = answer or _matcher()
    counts: dict[str, Counter] = {}
    details = []
    for case in cases:
        got, suggestions = answer(case)
        out = outcome(case, got)
        c = counts.setdefault(case.kind, Counter())
        c[out] += 1
        c["cases"] += 1
        if case.expected is None:
            c["must_reject"] += 1
        if out == "rejected":
            c["suggested"] += bool(suggestions)
            if case.suggest:
                c["suggest_expected"] += 1
                c["suggest_hit"] += case.suggest in suggestions
        details.append((case, got, out, suggestions))
    return counts, details


def print_tally(counts) -> None:
    print(
        f"{'kind':8} {'cases':>6} {'resolved':>9} {'wrong':>6} {'rejected':>9} "
        f"{'(must rej.)':>11} {'suggested':>10}"
    )
    for kind, c in counts.items():
        print(
            f"{kind:8} {c['cases']:6} {c['resolved']:9} {c['wrong']:6} {c['rejected']:9} "
            f"{c['must_reject']:11} {c['suggested']:10}"
        )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    counts, details = tally()
    print_tally(counts)
    if "-v" in sys.argv:
        for case, got, out, _sugg in details:
            if out == "wrong" or (out == "rejected" and case.expected is not None):
                print(
                    f"{out:8} {case.kind:6} {case.variant:22} {case.text!r:60} "
                    f"expected={case.expected} got={got}"
                )
