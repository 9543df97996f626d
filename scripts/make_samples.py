"""Write the sample corpus in raw/ and the LibreOffice-saved test fixtures.

Run once by a developer (needs LibreOffice: `soffice`); the outputs are committed, so
`make run` and `make test` never need LibreOffice.  Deterministic (seeded).

    python scripts/make_samples.py            # raw/ and tests/fixtures/
    python scripts/make_samples.py toan-quoc  # only the national sample, raw/*/toan_quoc/
    python scripts/make_samples.py lich-su    # only the named recipients over the years
"""

from __future__ import annotations

import csv
import io
import random
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from pipeline.core.text import encode_cp1258  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "raw"
FIXTURES = ROOT / "tests" / "fixtures"
MINH_HOA = "DỮ LIỆU MINH HỌA - không phải số liệu thật"
rng = random.Random(2025)

CLUSTER_7 = ["Lâm Đồng", "Đắk Lắk", "Gia Lai", "Kon Tum", "Đắk Nông"]
CLUSTER_6 = ["Thanh Hóa", "Nghệ An", "Hà Tĩnh", "Quảng Bình", "Quảng Trị", "Thừa Thiên Huế"]
# how the units are written in the files: every common form
WRITTEN = {
    "Đắk Lắk": [
        "VKSND tỉnh Đắk Lắk",
        "Đăk Lăk",
        "Đắc Lắc",
        unicodedata.normalize("NFD", "Đắk Lắk"),
    ],
    "Thừa Thiên Huế": ["TT Huế", "VKSND tỉnh Thừa Thiên Huế", "Thua Thien Hue"],
    "Thanh Hóa": ["Thanh Hoá", "VKSND tỉnh Thanh Hóa"],
    "Quảng Trị": ["Quang Tri", "Viện kiểm sát nhân dân tỉnh Quảng Trị"],
    "Kon Tum": ["Kon Tum", "VKSND  tỉnh Kon Tum"],
}
INDICATORS = [
    ("Tỷ lệ giải quyết tố giác, tin báo về tội phạm và kiến nghị khởi tố", "%", 90),
    ("Tỷ lệ vụ án truy tố đúng thời hạn", "%", 90),
    ("Tỷ lệ bị can bị truy tố đúng tội danh", "%", 95),
    ("Tỷ lệ thu hồi tài sản trong các vụ án tham nhũng", "%", 60),
]
SCORE_GROUPS = [
    ("Tiêu chí 1: Công tác chỉ đạo, điều hành", 20),
    ("Tiêu chí 2: Thực hiện nhiệm vụ chuyên môn", 60),
    ("Tiêu chí 3: Xây dựng ngành", 20),
]
AWARD_COLUMNS = [
    ("Bằng khen của Viện trưởng VKSND tối cao", True, True),
    ("Giấy khen", True, True),
    ("Chiến sĩ thi đua cơ sở", False, True),
    ("Tập thể lao động xuất sắc", True, False),
]


def written(unit: str) -> str:
    forms = WRITTEN.get(unit, [unit, f"VKSND tỉnh {unit}"])
    return rng.choice(forms)


def title_block(agency: str, title: str, illustrative: bool, unit_line: str | None = None):
    rows = [
        [agency, None, None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
        [None, None, None, None, "Độc lập - Tự do - Hạnh phúc"],
    ]
    if unit_line:
        rows.append([unit_line])
    rows.append([title])
    if illustrative:
        rows.append([MINH_HOA])
    rows.append([])
    return rows


SIGNATURE = [
    [],
    [None, None, None, None, "ngày 25 tháng 11 năm 2023"],
    [None, "Người lập biểu", None, None, "VIỆN TRƯỞNG"],
]


def save(rows_by_sheet: dict, path: Path, merges=None, percent=None, extra_hidden=False) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in rows_by_sheet.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        for ref in (merges or {}).get(name, []):
            ws.merge_cells(ref)
        for ref in (percent or {}).get(name, []):
            ws[ref].number_format = "0.0%"
        for row in ws.iter_rows(max_row=12):
            for cell in row:
                if isinstance(cell.value, str) and cell.value.isupper():
                    cell.font = Font(bold=True)
                cell.alignment = Alignment(wrap_text=True)
    ws = wb.create_sheet("Hướng dẫn")
    ws.append(["Biểu mẫu tổng hợp thi đua, khen thưởng. Điền số liệu, không sửa tiêu đề cột."])
    if extra_hidden:
        hidden = wb.create_sheet("Nháp")
        hidden.append(["bản nháp, không dùng"])
        hidden.sheet_state = "hidden"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.properties.created = wb.properties.modified = __import__("datetime").datetime(2025, 1, 1)
    wb.save(path)
    return path


def period_title(year: int, half: str) -> str:
    return (
        rng.choice([f"6 THÁNG ĐẦU NĂM {year}", f"SƠ KẾT 6 THÁNG ĐẦU NĂM {year}"])
        if half == "H1"
        else rng.choice([f"TỔNG KẾT NĂM {year}", f"NĂM {year}"])
    )


def cluster_workbook(
    cluster: int,
    members: list[str],
    year: int,
    half: str,
    with_awards: bool = True,
    fault: bool = False,
) -> Path:
    sheets, merges, percent = {}, {}, {}
    period = period_title(year, half)
    agency = f"CỤM THI ĐUA SỐ {cluster}"
    # indicators, wide: merged indicator name over Chỉ tiêu | Kết quả
    head = title_block(agency, f"KẾT QUẢ THỰC HIỆN CHỈ TIÊU {period}", True)
    top = len(head) + 1
    h1, h2 = ["STT", "Đơn vị"], [None, None]
    for name, _, _ in INDICATORS:
        h1 += [name, None]
        h2 += ["Chỉ tiêu", "Kết quả"]
    rows = head + [h1, h2]
    cells = []
    for i, unit in enumerate(members, 1):
        row = [i, written(unit)]
        for k, (_, _, target) in enumerate(INDICATORS):
            actual = min(100.0, round(target + rng.uniform(-8, 9), 1))
            style = rng.random()
            if style < 0.3:
                value = f"{actual:.1f}%".replace(".", ",")
            elif style < 0.5:
                value = round(actual / 100, 4)
                cells.append(f"{openpyxl.utils.get_column_letter(4 + 2 * k)}{top + 1 + i}")
            else:
                value = actual
            row += [target, value]
        rows.append(row)
    sheets["Chỉ tiêu"] = rows + SIGNATURE
    merges["Chỉ tiêu"] = [f"A{top}:A{top + 1}", f"B{top}:B{top + 1}"] + [
        f"{openpyxl.utils.get_column_letter(3 + 2 * k)}{top}:"
        f"{openpyxl.utils.get_column_letter(4 + 2 * k)}{top}"
        for k in range(len(INDICATORS))
    ]
    percent["Chỉ tiêu"] = cells
    # scores, wide with a total column
    head = title_block(agency, f"KẾT QUẢ CHẤM ĐIỂM THI ĐUA {period}", True)
    rows = head + [["STT", "Đơn vị"] + [f"{g} ({m} điểm)" for g, m in SCORE_GROUPS] + ["Tổng điểm"]]
    for i, unit in enumerate(members, 1):
        pts = [round(m * rng.uniform(0.8, 1.0) * 2) / 2 for _, m in SCORE_GROUPS]
        if fault and i == 2:
            pts[0] = 25  # above the 20-point maximum
        rows.append([i, written(unit)] + pts + [sum(pts)])
    sheets["Chấm điểm"] = rows + SIGNATURE
    if with_awards:
        head = title_block(agency, f"TỔNG HỢP KHEN THƯỞNG {period}", True)
        top = len(head) + 1
        h1, h2 = ["STT", "Đơn vị"], [None, None]
        for name, tt, cn in AWARD_COLUMNS:
            h1 += [name] + ([None] if tt and cn else [])
            h2 += (["Tập thể"] if tt else []) + (["Cá nhân"] if cn else [])
        rows = head + [h1, h2]
        width = len(h2) - 2
        totals = [0] * width
        for i, unit in enumerate(members, 1):
            counts = [rng.randint(0, 6 if half == "FY" else 3) for _ in range(width)]
            totals = [a + b for a, b in zip(totals, counts, strict=True)]
            shown = [("-" if c == 0 and rng.random() < 0.3 else c) for c in counts]
            rows.append([i, written(unit)] + shown)
        if fault:
            rows.append([len(members) + 1, "VKSND tỉnh Hà Tây", 1, 1, 0, 0, 2, 1])
            totals = [a + b for a, b in zip(totals, [1, 1, 0, 0, 2, 1], strict=True)]
            totals[0] += 1  # a deliberate totals mismatch
        rows.append([None, "Tổng cộng"] + totals)
        sheets["Khen thưởng"] = rows + SIGNATURE
        col = 3
        m = [f"A{top}:A{top + 1}", f"B{top}:B{top + 1}"]
        for _, tt, cn in AWARD_COLUMNS:
            if tt and cn:
                m.append(
                    f"{openpyxl.utils.get_column_letter(col)}{top}:"
                    f"{openpyxl.utils.get_column_letter(col + 1)}{top}"
                )
                col += 2
            else:
                col += 1
        merges["Khen thưởng"] = m
        head = title_block(agency, f"SÁNG KIẾN, ĐỀ TÀI {period}", True)
        rows = head + [
            ["STT", "Đơn vị", "Sáng kiến cấp cơ sở", "Sáng kiến cấp ngành", "Đề tài khoa học"]
        ]
        for i, unit in enumerate(members, 1):
            rows.append(
                [i, written(unit), rng.randint(5, 40), rng.randint(0, 4), rng.randint(0, 1)]
            )
        sheets["Sáng kiến"] = rows + SIGNATURE
    tag = "6T" if half == "H1" else "nam"
    name = (
        f"cum{cluster}_{tag}_{year}_minh_hoa.xlsx"
        if not fault
        else f"cum{cluster}_{tag}_{year}_co_loi_minh_hoa.xlsx"
    )
    return save(sheets, RAW / str(year) / name, merges, percent, extra_hidden=cluster == 6)


def long_indicator_file(unit: str, year: int, half: str) -> Path:
    head = title_block(
        f"VKSND TỈNH {unit.upper()}",
        f"BÁO CÁO KẾT QUẢ CHỈ TIÊU NGHIỆP VỤ {period_title(year, half)}",
        True,
        unit_line=f"Đơn vị: VKSND tỉnh {unit}",
    )
    rows = head + [
        [
            "STT",
            "Tên chỉ tiêu",
            "Đơn vị tính",
            "Chỉ tiêu\n(yêu cầu)",
            "Kết quả thực hiện",
            "Ghi chú",
        ],
        ["I", "CÔNG TÁC THỰC HÀNH QUYỀN CÔNG TỐ"],
    ]
    for i, (name, unit_m, target) in enumerate(INDICATORS, 1):
        rows.append([i, name, unit_m, f"{target}%", f"{min(100, target + rng.randint(-5, 8))},5%"])
    rows.append(
        [
            len(INDICATORS) + 1,
            "Số vụ án khởi tố",
            "vụ",
            "-",
            f"{rng.randint(1000, 1500):,}".replace(",", "."),
        ]
    )
    rows.append(
        [len(INDICATORS) + 2, "Số buổi tập huấn kỹ năng số", "buổi", "x", rng.randint(2, 9)]
    )
    tag = "6T" if half == "H1" else "nam"
    slug = (
        unicodedata.normalize("NFD", unit)
        .encode("ascii", "ignore")
        .decode()
        .lower()
        .replace(" ", "_")
    )
    return save(
        {"Chỉ tiêu": rows + SIGNATURE},
        RAW / str(year) / f"chi_tieu_{slug}_{tag}_{year}_minh_hoa.xlsx",
    )


def real_files() -> list[Path]:
    out = []
    # VKSND Thái Bình 2022 (seeds/004): long awards, one unit, real
    head = title_block(
        "VKSND TỈNH THÁI BÌNH",
        "TỔNG KẾT CÔNG TÁC THI ĐUA, KHEN THƯỞNG NĂM 2022",
        False,
        unit_line="Đơn vị: VKSND tỉnh Thái Bình",
    )
    head.insert(
        -1,
        [
            "Số liệu theo báo cáo hội nghị (tin «VKSND tỉnh Thái Bình tổng kết công tác thi đua, khen thưởng năm 2022», 05/01/2023)"
        ],
    )
    rows = head + [
        ["STT", "Hình thức khen thưởng", "Số lượng", None],
        [None, None, "Tập thể", "Cá nhân"],
        ["A", "KHEN THƯỞNG CẤP NHÀ NƯỚC"],
        [1, "Bằng khen của Thủ tướng Chính phủ", 1, "-"],
        ["B", "KHEN THƯỞNG CỦA NGÀNH"],
        [2, "Cờ thi đua ngành KSND (dẫn đầu Khối)", 2, None],
        [3, "Chiến sĩ thi đua ngành", None, 1],
        [4, "Bằng khen của Viện trưởng VKSND tối cao", 4, 9],
        [5, "Tập thể lao động xuất sắc", 6, None],
        [6, "Chiến sĩ thi đua cơ sở", None, 23],
        ["C", "KHEN THƯỞNG CỦA ĐỊA PHƯƠNG"],
        [7, "Bằng khen của Chủ tịch UBND tỉnh", 4, 6],
    ]
    top = len(head) + 1
    out.append(
        save(
            {"Khen thưởng": rows + SIGNATURE},
            RAW / "2022" / "thai_binh_khen_thuong_nam_2022.xlsx",
            merges={"Khen thưởng": [f"C{top}:D{top}", f"A{top}:A{top + 1}", f"B{top}:B{top + 1}"]},
        )
    )
    # Cụm 7 2022 (seeds/003): cluster totals are real, the split per unit is illustrative
    head = title_block("CỤM THI ĐUA SỐ 7", "TỔNG HỢP KHEN THƯỞNG NĂM 2022", True)
    head.insert(-1, ["Phân bổ theo đơn vị là minh họa; dòng Tổng cộng theo báo cáo thực của Cụm 7"])
    forms = [
        ("Bằng khen Thủ tướng Chính phủ", 0, 3),
        ("Bằng khen Chủ tịch UBND tỉnh", 1, 2),
        ("Giấy khen", 111, 422),
        ("Kỷ niệm chương", None, 39),
        ("Bằng khen của Viện trưởng VKSND tối cao", 65, 286),
    ]
    h1, h2 = ["STT", "Đơn vị"], [None, None]
    for name, tt, _ in forms:
        h1 += [name] + ([None] if tt is not None else [])
        h2 += (["Tập thể"] if tt is not None else []) + ["Cá nhân"]
    totals = [v for _, tt, cn in forms for v in ([tt] if tt is not None else []) + [cn]]
    splits = [_split(t, len(CLUSTER_7)) for t in totals]
    rows = head + [h1, h2]
    for i, unit in enumerate(CLUSTER_7):
        rows.append([i + 1, written(unit)] + [s[i] for s in splits])
    rows.append([None, "Tổng cộng"] + totals)
    top = len(head) + 1
    m, col = [f"A{top}:A{top + 1}", f"B{top}:B{top + 1}"], 3
    for _, tt, _ in forms:
        if tt is not None:
            m.append(
                f"{openpyxl.utils.get_column_letter(col)}{top}:{openpyxl.utils.get_column_letter(col + 1)}{top}"
            )
            col += 2
        else:
            col += 1
    ini_head = title_block("CỤM THI ĐUA SỐ 7", "SÁNG KIẾN, ĐỀ TÀI NĂM 2022", True)
    ini_head.insert(
        -1, ["Phân bổ theo đơn vị là minh họa; dòng Tổng cộng theo báo cáo thực của Cụm 7"]
    )
    ini_tot = [186, 20, 1]
    ini_split = [_split(t, len(CLUSTER_7)) for t in ini_tot]
    ini = ini_head + [
        ["STT", "Đơn vị", "Sáng kiến cấp cơ sở", "Sáng kiến cấp ngành", "Đề tài khoa học"]
    ]
    for i, unit in enumerate(CLUSTER_7):
        ini.append([i + 1, written(unit)] + [s[i] for s in ini_split])
    ini.append([None, "Tổng cộng"] + ini_tot)
    out.append(
        save(
            {"Khen thưởng": rows + SIGNATURE, "Sáng kiến": ini + SIGNATURE},
            RAW / "2022" / "cum7_tong_ket_nam_2022.xlsx",
            merges={"Khen thưởng": m},
        )
    )
    # Cụm 6, first half 2023 (seeds/000): the six units proposed for the Bằng khen of VKSTC, real
    head = title_block(
        "CỤM THI ĐUA SỐ 6", "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG SƠ KẾT 6 THÁNG ĐẦU NĂM 2023", False
    )
    head.insert(
        -1,
        [
            "Số liệu theo báo cáo hội nghị (tin Hội nghị sơ kết Cụm thi đua số 6, 6 tháng đầu năm 2023)"
        ],
    )
    rows = head + [
        [
            "STT",
            "Họ và tên (tên tập thể)",
            "Chức vụ",
            "Đơn vị",
            "Hình thức khen thưởng",
            "Số quyết định",
            "Ngày quyết định",
            "Ghi chú",
        ]
    ]
    for i, (_unit, movement) in enumerate(
        zip(
            CLUSTER_6,
            ["phát triển kinh tế - xã hội"] * 2
            + ["Cả nước chung sức xây dựng nông thôn mới"] * 2
            + ["Vì người nghèo"] * 2,
            strict=True,
        )
    ):
        order = ["Thanh Hóa", "Nghệ An", "Hà Tĩnh", "Quảng Trị", "Quảng Bình", "Thừa Thiên Huế"][i]
        rows.append(
            [
                i + 1,
                f"VKSND tỉnh {order}",
                None,
                f"VKSND tỉnh {order}",
                "Bằng khen của Viện trưởng VKSND tối cao",
                None,
                None,
                f"Đề nghị; phong trào «{movement}»",
            ]
        )
    out.append(
        save(
            {"Danh sách": rows + SIGNATURE}, RAW / "2023" / "cum6_de_nghi_khen_thuong_6T_2023.xlsx"
        )
    )
    return out


def _split(total, n):
    if total is None:
        return [None] * n
    cuts = sorted(rng.randint(0, total) for _ in range(n - 1))
    parts = [b - a for a, b in zip([0] + cuts, cuts + [total], strict=True)]
    return parts


def cluster_membership() -> Path:
    head = title_block("VIỆN KIỂM SÁT NHÂN DÂN TỐI CAO", "DANH SÁCH CỤM THI ĐUA (BỔ SUNG)", True)
    rows = head + [["STT", "Năm", "Cụm thi đua số", "Đơn vị", "Vai trò"]]
    roles = ["Cụm trưởng", "Cụm phó"] + ["Thành viên"] * 4
    for i, unit in enumerate(["Kon Tum", "Lâm Đồng", "Đắk Lắk", "Gia Lai", "Đắk Nông"]):
        rows.append([len(rows) - len(head), 2024, "Cụm 7", written(unit), roles[i]])
    for i, unit in enumerate(
        ["Hà Tĩnh", "Thanh Hóa", "Nghệ An", "Quảng Bình", "Quảng Trị", "Thừa Thiên Huế"]
    ):
        rows.append([len(rows) - len(head), 2024, 6, written(unit), roles[i]])
    for i, unit in enumerate(
        ["Quảng Bình", "Hà Tĩnh", "Thanh Hóa", "Nghệ An", "Quảng Trị", "Thừa Thiên Huế"]
    ):
        rows.append([len(rows) - len(head), 2022, 6, written(unit), roles[i]])
    return save({"Cụm thi đua": rows + SIGNATURE}, RAW / "cum_thi_dua_bo_sung_minh_hoa.xlsx")


def csv_files() -> list[Path]:
    out = []
    rows = [["STT", "Đơn vị", "Hình thức khen thưởng", "Tập thể", "Cá nhân"]]
    for i, unit in enumerate(CLUSTER_6[:-1] + ["Huế"], 1):
        rows.append([i, unit, "Giấy khen", rng.randint(1, 5), rng.randint(3, 12)])
    path = RAW / "2025" / "giay_khen_cum6_6T_2025_minh_hoa.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)
    out.append(path)
    rows = [["STT", "Đơn vị", "Cấp", "Số lượng"]]
    for i, unit in enumerate(CLUSTER_6[:-1] + ["Huế"], 1):
        rows.append([i, unit, "Cấp cơ sở", rng.randint(3, 20)])
    path = RAW / "2025" / "sang_kien_co_so_cum6_6T_2025_minh_hoa.csv"
    text = "\n".join(",".join(map(str, r)) for r in rows) + "\n"
    path.write_bytes(encode_cp1258(text))
    out.append(path)
    return out


# --- named recipients over 2020–2025 (issue 16: streaks, quotas, candidates) ----------------
CS, NGANH = "Chiến sĩ thi đua cơ sở", "Chiến sĩ thi đua ngành Kiểm sát nhân dân"
BK, BK_TTG = "Bằng khen của Viện trưởng VKSND tối cao", "Bằng khen của Thủ tướng Chính phủ"
KNC, LDTT = "Kỷ niệm chương “Vì sự nghiệp Kiểm sát”", "Lao động tiên tiến"
# (name, birth year or None, unit, {year: (position, [award forms])}); every active rule of
# pipeline/core/reference/award_rules.csv is met by someone, and:
# - Đặng Thị Hoa misses 2022 (a broken streak), Cao Bằng sent no list for 2022 (a data gap);
# - Vũ Văn Hải's streak runs across 1/1/2024 (the two-year route to a Bằng khen starts then);
# - two «Nguyễn Văn Nam» in Lạng Sơn in 2024 with nothing to tell them apart (a question),
#   two «Trần Văn Bình» in Quảng Ninh told apart by their birth years;
# - Lạng Sơn's 2024 Tập thể lao động xuất sắc exceed 20 % (a quota breach).
HISTORY_PEOPLE = [
    (
        "Hoàng Văn Minh",
        1978,
        "Quảng Ninh",
        {
            2021: ("Kiểm sát viên sơ cấp", [CS]),
            2022: ("Kiểm sát viên sơ cấp", [CS]),
            2023: ("Kiểm sát viên trung cấp", [CS]),
            2024: ("Phó Trưởng phòng", [CS, NGANH]),
        },
    ),
    (
        "Đặng Thị Hoa",
        1985,
        "Quảng Ninh",
        {
            2020: ("Kiểm tra viên", [CS]),
            2021: ("Kiểm tra viên", [CS]),
            2022: ("Kiểm tra viên", [LDTT]),
            2023: ("Kiểm sát viên sơ cấp", [CS]),
            2024: ("Kiểm sát viên sơ cấp", [CS]),
            2025: ("Kiểm sát viên sơ cấp", [CS]),
        },
    ),
    (
        "Mai Thị Thu",
        1968,
        "Quảng Ninh",
        {
            2021: ("Chánh Văn phòng", [KNC]),
            2024: ("Chánh Văn phòng", [KNC]),
        },
    ),
    (
        "Trần Văn Bình",
        1975,
        "Quảng Ninh",
        {
            2024: ("Trưởng phòng", [CS]),
            2025: ("Trưởng phòng", [CS]),
        },
    ),
    ("Trần Văn Bình", 1990, "Quảng Ninh", {2025: ("Chuyên viên", [CS])}),
    (
        "Vũ Văn Hải",
        1980,
        "Lạng Sơn",
        {
            2022: ("Kiểm sát viên trung cấp", [CS]),
            2023: ("Kiểm sát viên trung cấp", [CS]),
            2024: ("Kiểm sát viên trung cấp", [CS]),
        },
    ),
    (
        "Trịnh Văn Quang",
        1976,
        "Lạng Sơn",
        {
            2022: ("Phó Viện trưởng", [CS]),
            2023: ("Phó Viện trưởng", [CS]),
            2024: ("Phó Viện trưởng", [CS, NGANH]),
            2025: ("Phó Viện trưởng", [CS, NGANH]),
        },
    ),
    (
        "Nguyễn Văn Nam",
        None,
        "Lạng Sơn",
        {
            2023: ("Kiểm tra viên", [CS]),
            2024: ("Kiểm tra viên", [CS]),
        },
    ),
    ("Nguyễn Văn Nam", None, "Lạng Sơn", {2024: ("Chuyên viên", [CS])}),
    (
        "Lý Thị Lan",
        1972,
        "Cao Bằng",
        {
            2020: ("Trưởng phòng", [BK]),
            2021: ("Trưởng phòng", [CS]),
            2023: ("Trưởng phòng", [CS]),
            2025: ("Trưởng phòng", [CS]),
        },
    ),
    (
        "Nông Văn Tùng",
        1970,
        "Cao Bằng",
        {
            2020: ("Viện trưởng VKSND huyện", [BK_TTG]),
            2021: ("Viện trưởng VKSND huyện", [CS]),
            2023: ("Viện trưởng VKSND huyện", [CS]),
            2025: ("Viện trưởng VKSND huyện", [CS]),
        },
    ),
    (
        "Bế Văn Đức",
        1983,
        "Cao Bằng",
        {
            2023: ("Kiểm sát viên sơ cấp", [CS]),
            2024: ("Kiểm sát viên sơ cấp", [LDTT]),
            2025: ("Kiểm sát viên sơ cấp", [CS, NGANH]),
        },
    ),
]
# the units' counts, tổng kết năm: (unit, year) -> {form: count}; CSTĐ cơ sở as in the lists
HISTORY_COUNTS = {
    ("Quảng Ninh", 2023): {
        "Tập thể lao động tiên tiến": 12,
        "Tập thể lao động xuất sắc": 3,
        "Cờ thi đua của ngành Kiểm sát nhân dân": 0,
        LDTT: 20,
    },
    ("Quảng Ninh", 2024): {
        "Tập thể lao động tiên tiến": 10,
        "Tập thể lao động xuất sắc": 2,
        "Cờ thi đua của ngành Kiểm sát nhân dân": 1,
        LDTT: 22,
    },
    ("Quảng Ninh", 2025): {
        "Tập thể lao động tiên tiến": 10,
        "Tập thể lao động xuất sắc": 2,
        "Cờ thi đua của ngành Kiểm sát nhân dân": 1,
        LDTT: 21,
    },
    ("Lạng Sơn", 2023): {
        "Tập thể lao động tiên tiến": 10,
        "Tập thể lao động xuất sắc": 3,
        "Cờ thi đua của ngành Kiểm sát nhân dân": 0,
        LDTT: 10,
    },
    ("Lạng Sơn", 2024): {
        "Tập thể lao động tiên tiến": 10,
        "Tập thể lao động xuất sắc": 3,
        "Cờ thi đua của ngành Kiểm sát nhân dân": 1,
        LDTT: 18,
    },
    ("Lạng Sơn", 2025): {
        "Tập thể lao động tiên tiến": 8,
        "Tập thể lao động xuất sắc": 1,
        "Cờ thi đua của ngành Kiểm sát nhân dân": 0,
        LDTT: 15,
    },
    ("Cao Bằng", 2023): {
        "Tập thể lao động tiên tiến": 4,
        "Tập thể lao động xuất sắc": 0,
        "Cờ thi đua của ngành Kiểm sát nhân dân": 0,
        LDTT: 25,
    },
    ("Cao Bằng", 2024): {
        "Tập thể lao động tiên tiến": 3,
        "Tập thể lao động xuất sắc": 1,
        "Cờ thi đua của ngành Kiểm sát nhân dân": 0,
        LDTT: 12,
    },
    ("Cao Bằng", 2025): {
        "Tập thể lao động tiên tiến": 5,
        "Tập thể lao động xuất sắc": 0,
        "Cờ thi đua của ngành Kiểm sát nhân dân": 1,
        LDTT: 14,
    },
}


def history_recipients() -> Path:
    """Named recipients of three provincial procuracies over 2020–2025, one sheet a year, and
    their units' counts for 2023–2025 (illustrative; no randomness, so other files keep
    their bytes)."""
    sheets = {}
    for year in range(2020, 2026):
        head = title_block(
            "VIỆN KIỂM SÁT NHÂN DÂN TỐI CAO",
            f"DANH SÁCH CÁ NHÂN ĐƯỢC KHEN THƯỞNG NĂM {year}",
            True,
        )
        rows = head + [
            [
                "STT",
                "Họ và tên",
                "Năm sinh",
                "Chức vụ",
                "Đơn vị",
                "Hình thức khen thưởng",
                "Số quyết định",
                "Ngày quyết định",
            ]
        ]
        for name, born, unit, years in HISTORY_PEOPLE:
            position, forms = years.get(year, (None, []))
            for form in forms:
                no = len(rows) - len(head)
                rows.append(
                    [
                        no,
                        name,
                        born,
                        position,
                        f"VKSND tỉnh {unit}",
                        form,
                        f"{30 + no}/QĐ-VKS",
                        f"20/11/{year}",
                    ]
                )
        if len(rows) > len(head) + 1:
            sheets[f"Năm {year}"] = rows + [
                [],
                [None, None, None, None, f"ngày 25 tháng 11 năm {year}"],
                [None, "Người lập biểu", None, None, "VIỆN TRƯỞNG"],
            ]
    forms = [
        "Tập thể lao động tiên tiến",
        "Tập thể lao động xuất sắc",
        "Cờ thi đua của ngành Kiểm sát nhân dân",
        LDTT,
        CS,
    ]
    for year in (2023, 2024, 2025):
        head = title_block(
            "VIỆN KIỂM SÁT NHÂN DÂN TỐI CAO", f"TỔNG HỢP KHEN THƯỞNG NĂM {year}", True
        )
        rows = head + [["STT", "Đơn vị"] + forms]
        for i, unit in enumerate(["Quảng Ninh", "Lạng Sơn", "Cao Bằng"], 1):
            counts = HISTORY_COUNTS[(unit, year)]
            cs = sum(
                form == CS
                for _, _, u, years in HISTORY_PEOPLE
                if u == unit
                for form in years.get(year, (None, []))[1]
            )
            rows.append([i, f"VKSND tỉnh {unit}"] + [counts.get(f, cs) for f in forms[:-1]] + [cs])
        sheets[f"Khen thưởng {year}"] = rows + [
            [],
            [None, None, None, None, f"ngày 25 tháng 11 năm {year}"],
            [None, "Người lập biểu", None, None, "VIỆN TRƯỞNG"],
        ]
    return save(sheets, RAW / "danh_sach_khen_thuong_nhieu_nam_minh_hoa.xlsx")


def libreoffice(path: Path, fmt: str, outdir: Path) -> Path:
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                fmt,
                "--outdir",
                str(outdir),
                str(path),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
    return outdir / (path.stem + "." + fmt.split(":")[0])


def resave_with_libreoffice(path: Path, fmt: str) -> Path:
    """Replace an openpyxl file by the same data saved by LibreOffice (keeps one copy)."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / path.name
        shutil.move(path, src)
        made = libreoffice(src, fmt, Path(tmp) / "out")
        target = path.with_suffix("." + fmt.split(":")[0])
        shutil.move(made, target)
    return target


def fixtures() -> None:
    FIXTURES.mkdir(parents=True, exist_ok=True)
    rows = [
        ["CỤM THI ĐUA SỐ 7"],
        ["KHEN THƯỞNG NĂM 2022"],
        [MINH_HOA],
        [],
        ["STT", "Đơn vị", "Bằng khen Thủ tướng", None, "Giấy khen", None, "Kỷ niệm chương"],
        [None, None, "Tập thể", "Cá nhân", "Tập thể", "Cá nhân", None],
        [1, "VKSND tỉnh Gia Lai", 1, 2, 3, 4, 5],
        [2, "VKSND tỉnh Lâm Đồng", 9, 9, 9, 9, 9],
        [3, "Kon Tum", 0, 1, "2", "-", 7],
        [4, "Đắk Lắk", 2, 0, 1, 1, 0],
        [
            None,
            "Tổng cộng",
            "=SUM(C7:C10)",
            "=SUM(D7:D10)",
            "=SUM(E7:E10)",
            "=SUM(F7:F10)",
            "=SUM(G7:G10)",
        ],
        [],
        [None, "Người lập biểu", None, None, "VIỆN TRƯỞNG"],
    ]
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "lo_awards_wide.xlsx"
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "Khen thưởng"
        for r in rows:
            ws.append(r)
        for ref in ("A5:A6", "B5:B6", "C5:D5", "E5:F5", "G5:G6"):
            ws.merge_cells(ref)
        ws.row_dimensions[8].hidden = True
        hidden = wb.create_sheet("Ẩn")
        hidden.append(["ghi chú ẩn"])
        hidden.sheet_state = "hidden"
        wb.save(src)
        for fmt in ("xls", "ods", "xlsx"):
            out = Path(tmp) / fmt
            made = libreoffice(src, fmt, out)
            shutil.copy(made, FIXTURES / f"lo_awards_wide.{fmt}")
        src = Path(tmp) / "lo_indicators_long.xlsx"
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "Chỉ tiêu"
        for r in [
            ["Đơn vị: VKSND tỉnh Quảng Trị"],
            ["SƠ KẾT 6 THÁNG ĐẦU NĂM 2023"],
            ["STT", "Tên chỉ tiêu", "Đơn vị tính", "Chỉ tiêu", "Kết quả"],
            [
                1,
                "Tỷ lệ giải quyết tố giác, tin báo về tội phạm và kiến nghị khởi tố",
                "%",
                90,
                0.955,
            ],
            [2, "Tỷ lệ thu hồi tài sản trong các vụ án tham nhũng", "%", "60%", "72,5%"],
            [3, "Số vụ án khởi tố", "vụ", "-", "1.234"],
        ]:
            ws.append(r)
        ws["E4"].number_format = "0.0%"
        wb.save(src)
        for fmt in ("xls", "ods"):
            made = libreoffice(src, fmt, Path(tmp) / fmt)
            shutil.copy(made, FIXTURES / f"lo_indicators_long.{fmt}")


# --- the national illustrative sample (issue 15): every province, every cluster, 2020–2025 ---
# One workbook per cluster and period under raw/<year>/toan_quoc/ (a sheet per kind; some
# kinds of some clusters in .csv; some workbooks re-saved by LibreOffice as .xls, .ods,
# .xlsx) and one cluster-membership workbook a year.  Its own seeded generator, so the other
# files of raw/ keep their bytes, and it leaves out what those files already hold (the same
# unit, kind and period in two files would be a supersession).
NATIONAL_DIR = "toan_quoc"
NATIONAL_SEED = 15
NATIONAL_YEARS = tuple(range(2020, 2026))
NATIONAL_PERIODS = tuple(f"{y}-{h}" for y in NATIONAL_YEARS for h in ("H1", "FY"))
FACT_KINDS = ("indicators", "scores", "awards", "initiatives")
REFERENCE = ROOT / "pipeline" / "core" / "reference"


def _reference(name: str) -> list[dict]:
    with open(REFERENCE / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


UNITS = {u["unit_id"]: u for u in _reference("units.csv")}
CAP_CAO = ["cap_cao_ha_noi", "cap_cao_da_nang", "cap_cao_ho_chi_minh"]
# 2020–2023 (the known clusters of domain.md with their members, the others invented)
CLUSTERS_2020 = {
    1: CAP_CAO + ["ha_noi", "ho_chi_minh"],  # known 2023–2024
    2: ["ha_giang", "cao_bang", "lang_son", "bac_kan", "tuyen_quang", "thai_nguyen"],
    3: ["lao_cai", "yen_bai", "lai_chau", "dien_bien", "son_la", "hoa_binh"],
    4: ["phu_tho", "vinh_phuc", "bac_ninh", "bac_giang", "quang_ninh"],
    5: ["hai_duong", "hung_yen", "thai_binh", "nam_dinh", "ha_nam", "ninh_binh"],
    6: ["thanh_hoa", "nghe_an", "ha_tinh", "quang_binh", "quang_tri", "thua_thien_hue"],
    7: ["lam_dong", "dak_lak", "gia_lai", "kon_tum", "dak_nong"],
    8: ["quang_nam", "quang_ngai", "binh_dinh", "phu_yen", "khanh_hoa", "ninh_thuan"],
    9: ["ba_ria_vung_tau", "binh_thuan", "dong_nai", "binh_phuoc", "binh_duong", "tay_ninh"],
    10: ["long_an", "tien_giang", "ben_tre", "vinh_long", "tra_vinh", "dong_thap"],
    11: ["ca_mau", "bac_lieu", "an_giang", "hau_giang", "kien_giang", "soc_trang"],
    12: ["hai_phong", "da_nang", "can_tho"],
}
# 2024: the new Cụm 13 (known) takes members of the former Cụm 10 and 11 (the rest invented)
CLUSTERS_2024 = {
    **CLUSTERS_2020,
    10: ["long_an", "tien_giang", "dong_thap"],
    11: ["vinh_long", "an_giang", "hau_giang"],
    13: ["tra_vinh", "soc_trang", "ben_tre", "bac_lieu", "ca_mau", "kien_giang"],
}
# 2025: an invented arrangement of the 34 units after the merger of 1 July 2025; each former
# unit (they report the first half, to 31 May) sits in the cluster of its successor
CLUSTERS_2025_OF_34 = {
    1: ["ha_noi", "ho_chi_minh", "da_nang", "can_tho"],
    2: ["cao_bang", "lang_son", "quang_ninh", "thai_nguyen", "tuyen_quang"],
    3: ["lai_chau", "dien_bien", "son_la", "lao_cai", "phu_tho"],
    4: ["bac_ninh", "hung_yen", "ninh_binh", "hai_phong"],
    5: ["dong_nai", "tay_ninh", "dong_thap", "vinh_long", "an_giang", "ca_mau"],
    6: ["thanh_hoa", "nghe_an", "ha_tinh", "quang_tri", "hue"],
    7: ["lam_dong", "dak_lak", "gia_lai", "quang_ngai", "khanh_hoa"],
}


def national_clusters(year: int) -> dict[int, list[str]]:
    """The clusters of a year and their members (unit ids), as the sample has them."""
    if year < 2024:
        return CLUSTERS_2020
    if year == 2024:
        return CLUSTERS_2024
    out = {}
    for no, members in CLUSTERS_2025_OF_34.items():
        former = [
            u
            for u, row in UNITS.items()
            if row["successor_id"] in members and row["valid_to"] == "2025-06-30"
        ]
        out[no] = members + sorted(former) + (CAP_CAO if no == 1 else [])
    return out


def period_end(period: str) -> str:
    """The last day of a period (the work year ends 30 November, its first half 31 May)."""
    year, half = int(period[:4]), period[5:]
    return f"{year}-05-31" if half == "H1" else f"{year}-11-30"


def reports(unit_id: str, period: str) -> bool:
    """A unit reports a period when it exists on the period's last day."""
    u, end = UNITS[unit_id], period_end(period)
    return u["valid_from"] <= end and (not u["valid_to"] or u["valid_to"] >= end)


def provinces(period: str) -> set[str]:
    """The provinces (63 before the merger, 34 after) that report a period."""
    return {
        u for u, row in UNITS.items() if row["kind"] in ("tinh", "thanh_pho") and reports(u, period)
    }


def _ids(names: list[str]) -> list[str]:
    by_name = {u["name"]: uid for uid, u in UNITS.items()}
    return [by_name[n] for n in names]


def existing_claims() -> set[tuple[str, str, str]]:
    """(kind, unit, period) the other files of raw/ hold (the national sample leaves them out)."""
    out = set()
    for period in ("2022-H1", "2022-FY", "2023-H1", "2023-FY", "2024-H1", "2024-FY"):
        for uid in _ids(CLUSTER_6 + CLUSTER_7):  # cum6_*, cum7_* and cum7_tong_ket_nam_2022
            out |= {(kind, uid, period) for kind in FACT_KINDS}
    out.add(("awards", "thai_binh", "2022-FY"))  # thai_binh_khen_thuong_nam_2022 (real)
    for uid in ("gia_lai", "quang_tri", "nghe_an", "kon_tum", "ha_tinh"):  # chi_tieu_*_6T_2025
        out.add(("indicators", uid, "2025-H1"))
    for uid in _ids(CLUSTER_6[:-1]) + ["hue"]:  # giay_khen_cum6_*, sang_kien_co_so_cum6_*
        out |= {("awards", uid, "2025-H1"), ("initiatives", uid, "2025-H1")}
    for uid in ("quang_ninh", "lang_son", "cao_bang"):  # danh_sach_khen_thuong_nhieu_nam
        out |= {("awards", uid, f"{y}-FY") for y in (2023, 2024, 2025)}
    return out


# cluster lists the other files hold: (year, cluster) of cum_thi_dua_bo_sung_minh_hoa.xlsx,
# and those of pipeline/core/reference/clusters.csv (the known ones, real)
EXISTING_MEMBERSHIP = {(2022, 6), (2024, 6), (2024, 7)}
REFERENCE_CLUSTERS: dict[tuple[int, int], dict[str, str]] = {}
for _row in _reference("clusters.csv"):
    REFERENCE_CLUSTERS.setdefault((int(_row["year"]), int(_row["cluster_no"])), {})[
        _row["unit_id"]
    ] = _row["role"]


def membership_written(year: int) -> dict[int, list[tuple[str, str]]]:
    """The clusters the national membership sheet of a year lists: (unit, role) each; the
    known ones come from the reference list and the cluster file already in raw/."""
    out = {}
    for no, members in national_clusters(year).items():
        known = REFERENCE_CLUSTERS.get((year, no))
        if known is not None:
            assert set(known) == set(members), (year, no)  # domain.md's members
            continue
        if (year, no) in EXISTING_MEMBERSHIP:
            continue
        # head and deputy rotate every year, among the units that outlive the year
        able = [u for u in members if reports(u, f"{year}-FY")]
        head = able[(year - 2020) % len(able)]
        deputy = able[(year - 2019) % len(able)]
        out[no] = [
            (u, "truong" if u == head else "pho" if u == deputy else "thanh_vien") for u in members
        ]
    return out


def national_claims() -> dict[tuple[str, int], dict[str, list[str]]]:
    """(period, cluster) -> {kind: units} the national files write: every member that
    reports the period, every kind, less what the other files of raw/ already hold."""
    taken = existing_claims()
    out = {}
    for period in NATIONAL_PERIODS:
        for no, members in national_clusters(int(period[:4])).items():
            kinds = {
                kind: [u for u in members if reports(u, period) and (kind, u, period) not in taken]
                for kind in FACT_KINDS
            }
            kinds = {k: v for k, v in kinds.items() if v}
            if kinds:
                out[(period, no)] = kinds
    return out


NATIONAL_WRITTEN = {  # common forms of names in received files (contract §1.3)
    "ho_chi_minh": ["TP.HCM", "TP. Hồ Chí Minh", "VKSND TP Hồ Chí Minh", "Thành phố Hồ Chí Minh"],
    "ba_ria_vung_tau": ["BR-VT", "Bà Rịa Vũng Tàu", "VKSND tỉnh Bà Rịa - Vũng Tàu"],
    "hoa_binh": ["Hoà Bình", "VKSND tỉnh Hoà Bình"],
    "khanh_hoa": ["Khánh Hoà", "Khanh Hoa"],
    "thanh_hoa": ["Thanh Hoá", "VKSND tỉnh Thanh Hóa"],
    "dak_lak": ["Đăk Lăk", "Đắc Lắc", "VKSND tỉnh Đắk Lắk"],
    "dak_nong": ["Đăk Nông", "VKSND tỉnh Đắk Nông"],
    "thua_thien_hue": ["TT Huế", "Thừa Thiên Huế", "Thua Thien Hue"],
    "cap_cao_ha_noi": ["VKSND cấp cao tại Hà Nội", "Viện kiểm sát nhân dân cấp cao 1"],
    "cap_cao_da_nang": ["VKSND cấp cao tại Đà Nẵng", "Viện kiểm sát nhân dân cấp cao 2"],
    "cap_cao_ho_chi_minh": ["VKSND cấp cao tại TP. Hồ Chí Minh", "VKSND cấp cao 3"],
}


def _ascii(text: str) -> str:
    text = text.replace("Đ", "D").replace("đ", "d")
    return unicodedata.normalize("NFD", text).encode("ascii", "ignore").decode()


def national_written(uid: str, rng: random.Random) -> str:
    name = UNITS[uid]["name"]
    if uid in NATIONAL_WRITTEN:
        return rng.choice(NATIONAL_WRITTEN[uid])
    level = "thành phố" if UNITS[uid]["kind"] == "thanh_pho" else "tỉnh"
    forms = [
        name,
        name,
        f"VKSND {level} {name}",
        f"Viện kiểm sát nhân dân {level} {name}",
        f"VKSND  {level}  {name} ",  # stray spaces
        _ascii(name),
        unicodedata.normalize("NFD", name),
    ]
    return rng.choice(forms)


def _national_title(period: str, rng: random.Random) -> str:
    year = period[:4]
    if period.endswith("H1"):
        return rng.choice(
            [f"6 THÁNG ĐẦU NĂM {year}", f"SƠ KẾT 6 THÁNG ĐẦU NĂM {year}", f"SƠ KẾT 6 THÁNG {year}"]
        )
    return rng.choice([f"TỔNG KẾT NĂM {year}", f"NĂM {year}", f"TỔNG KẾT CÔNG TÁC NĂM {year}"])


def _signature(period: str) -> list[list]:
    year = int(period[:4])
    day = "ngày 10 tháng 6" if period.endswith("H1") else "ngày 5 tháng 12"
    return [
        [],
        [None, None, None, None, f"{day} năm {year}"],
        [None, "Người lập biểu", None, None, "VIỆN TRƯỞNG"],
        [None, "(đã ký)", None, None, "(đã ký)"],
    ]


def _col(n: int) -> str:
    return openpyxl.utils.get_column_letter(n)


def _percent_text(value: float, rng: random.Random):
    """An indicator's result in one of the forms files use (and the cell's percent format)."""
    style = rng.random()
    if style < 0.25:
        return f"{value:.1f}%".replace(".", ","), False
    if style < 0.35:
        return f"{value:.1f} %", False
    if style < 0.55:
        return round(value / 100, 4), True
    return value, False


# the forms of the hand-written cluster files (AWARD_COLUMNS), in their sizes; the clusters
# holding a unit of the named-recipients workbook (Quảng Ninh, Lạng Sơn, Cao Bằng: Cụm 2 and
# 4) also report that workbook's forms, in its sizes, so every cluster reports the same forms
# in every year and every unit's yearly total stays within 3 × of the next
# (tests/test_national_sample.py): (form as headed, collective range, individual range)
GK, TTXS = "Giấy khen", "Tập thể lao động xuất sắc"
TTTT, CO = "Tập thể lao động tiên tiến", "Cờ thi đua của ngành Kiểm sát nhân dân"
HISTORY_CLUSTERS = (2, 4)
NATIONAL_AWARDS = {
    "H1": [(BK, (0, 1), (1, 2)), (GK, (0, 2), (1, 3)), (CS, None, (1, 2)), (TTXS, (0, 1), None)],
    "FY": [(BK, (1, 2), (2, 4)), (GK, (1, 3), (3, 5)), (CS, None, (2, 3)), (TTXS, (0, 1), None)],
    "FY+": [
        (BK, (0, 1), (1, 2)),
        (GK, (0, 1), (1, 2)),
        (CS, None, (1, 1)),
        (TTXS, (0, 1), None),
        (TTTT, (3, 5), None),
        (LDTT, None, (10, 12)),
        (CO, (0, 1), None),
    ],
}


def _award_forms(period: str, cluster: int) -> list[tuple]:
    half = period[5:]
    return NATIONAL_AWARDS["FY+" if half == "FY" and cluster in HISTORY_CLUSTERS else half]


def _award_counts(period: str, cluster: int, rng: random.Random) -> list[int]:
    """One unit's counts, form by form (collective then individual, the side a form does not
    have left out), within the rules of pipeline/core/reference/award_rules.csv: Tập thể lao
    động xuất sắc at most 20 % of the Tập thể lao động tiên tiến and never without a Chiến sĩ
    thi đua cơ sở, Chiến sĩ thi đua cơ sở at most 15 % of the Lao động tiên tiến."""
    drawn = {}
    for form, tt, cn in _award_forms(period, cluster):
        drawn[form] = [rng.randint(*r) for r in (tt, cn) if r]
    if TTTT in drawn:  # at most 20 % of the Tập thể lao động tiên tiến
        drawn[TTXS] = [min(drawn[TTXS][0], drawn[TTTT][0] // 5)]
    return [c for counts in drawn.values() for c in counts]


class _Book:
    """One cluster's workbook of one period, sheet by sheet."""

    def __init__(self, no: int, period: str, rng: random.Random, formulas: bool):
        self.no, self.period, self.rng, self.formulas = no, period, rng, formulas
        self.sheets, self.merges, self.percent = {}, {}, {}
        self.agency = f"CỤM THI ĐUA SỐ {no}"

    def head(self, what: str, unit_line: str | None = None) -> list[list]:
        return title_block(
            self.agency, f"{what} {_national_title(self.period, self.rng)}", True, unit_line
        )

    def totals(self, first: int, last: int, columns: range, sums: list[int]) -> list:
        """The totals row: SUM formulas (LibreOffice caches their values) or the figures."""
        if self.formulas:
            return [f"=SUM({_col(c)}{first}:{_col(c)}{last})" for c in columns]
        return sums

    def indicators_wide(self, units: list[str]) -> None:
        head = self.head("KẾT QUẢ THỰC HIỆN CHỈ TIÊU")
        top = len(head) + 1
        h1, h2 = ["STT", "Đơn vị"], [None, None]
        for name, _, _ in INDICATORS:
            h1 += [name, None]
            h2 += ["Chỉ tiêu", "Kết quả"]
        rows, cells = head + [h1, h2], []
        for i, uid in enumerate(units, 1):
            row = [i, national_written(uid, self.rng)]
            for k, (_, _, target) in enumerate(INDICATORS):
                actual = min(100.0, round(target + self.rng.uniform(-9, 9), 1))
                value, as_percent = _percent_text(actual, self.rng)
                if as_percent:
                    cells.append(f"{_col(4 + 2 * k)}{top + 1 + i}")
                row += [target if self.rng.random() < 0.7 else f"{target}%", value]
            rows.append(row)
        self.sheets["Chỉ tiêu"] = rows + _signature(self.period)
        self.merges["Chỉ tiêu"] = [f"A{top}:A{top + 1}", f"B{top}:B{top + 1}"] + [
            f"{_col(3 + 2 * k)}{top}:{_col(4 + 2 * k)}{top}" for k in range(len(INDICATORS))
        ]
        self.percent["Chỉ tiêu"] = cells

    def indicators_long(self, units: list[str]) -> None:
        """One sheet per unit, the unit named in the title block; section rows I, II."""
        for uid in units:
            name = UNITS[uid]["name"]
            kind = UNITS[uid]["kind"]
            line = (
                name
                if kind == "cap_cao"
                else f"VKSND {'thành phố' if kind == 'thanh_pho' else 'tỉnh'} {name}"
            )
            head = self.head("BÁO CÁO KẾT QUẢ CHỈ TIÊU NGHIỆP VỤ", unit_line=f"Đơn vị: {line}")
            rows = head + [
                ["STT", "Tên chỉ tiêu", "Đơn vị tính", "Chỉ tiêu\n(yêu cầu)", "Kết quả thực hiện"],
                ["I", "CÔNG TÁC THỰC HÀNH QUYỀN CÔNG TỐ"],
            ]
            for i, (indicator, measure, target) in enumerate(INDICATORS, 1):
                actual = min(100.0, round(target + self.rng.uniform(-9, 9), 1))
                rows.append(
                    [i, indicator, measure, f"{target}%", f"{actual:.1f}%".replace(".", ",")]
                )
            rows.append(["II", "THỐNG KÊ"])
            rows.append(
                [
                    len(INDICATORS) + 1,
                    "Số vụ án khởi tố",
                    "vụ",
                    "-",
                    f"{self.rng.randint(1000, 4800):,}".replace(",", "."),
                ]
            )
            self.sheets[f"CT {_ascii(name)[:24]}"] = rows + _signature(self.period)

    def scores(self, units: list[str]) -> None:
        head = self.head("KẾT QUẢ CHẤM ĐIỂM THI ĐUA")
        rows = head + [
            ["STT", "Đơn vị"] + [f"{g} ({m} điểm)" for g, m in SCORE_GROUPS] + ["Tổng điểm"]
        ]
        for i, uid in enumerate(units, 1):
            pts = [round(m * self.rng.uniform(0.78, 1.0) * 2) / 2 for _, m in SCORE_GROUPS]
            shown = [(f"{p:g}".replace(".", ",") if self.rng.random() < 0.2 else p) for p in pts]
            rows.append([i, national_written(uid, self.rng)] + shown + [sum(pts)])
        self.sheets["Chấm điểm"] = rows + _signature(self.period)

    def awards_wide(self, units: list[str]) -> None:
        forms = _award_forms(self.period, self.no)
        head = self.head("TỔNG HỢP KHEN THƯỞNG")
        top = len(head) + 1
        h1, h2 = ["STT", "Đơn vị"], [None, None]
        for name, tt, cn in forms:
            h1 += [name] + ([None] if tt and cn else [])
            h2 += (["Tập thể"] if tt else []) + (["Cá nhân"] if cn else [])
        rows = head + [h1, h2]
        width = len(h2) - 2
        sums = [0] * width
        for i, uid in enumerate(units, 1):
            counts = _award_counts(self.period, self.no, self.rng)
            sums = [a + b for a, b in zip(sums, counts, strict=True)]
            shown = [("-" if c == 0 and self.rng.random() < 0.3 else c) for c in counts]
            rows.append([i, national_written(uid, self.rng)] + shown)
        first, last = top + 2, top + 1 + len(units)
        label = self.rng.choice(["Tổng cộng", "Cộng", "Tổng số"])
        rows.append([None, label] + self.totals(first, last, range(3, 3 + width), sums))
        self.sheets["Khen thưởng"] = rows + _signature(self.period)
        m, col = [f"A{top}:A{top + 1}", f"B{top}:B{top + 1}"], 3
        for _, tt, cn in forms:
            if tt and cn:
                m.append(f"{_col(col)}{top}:{_col(col + 1)}{top}")
            else:
                m.append(f"{_col(col)}{top}:{_col(col)}{top + 1}")
            col += 2 if tt and cn else 1
        self.merges["Khen thưởng"] = m

    def awards_long_rows(self, units: list[str]) -> list[list]:
        """One row per unit and form (the layout of a received .csv or a long sheet)."""
        forms = _award_forms(self.period, self.no)
        rows = [["STT", "Đơn vị", "Hình thức khen thưởng", "Tập thể", "Cá nhân"]]
        for uid in units:
            unit = national_written(uid, self.rng)
            counts = iter(_award_counts(self.period, self.no, self.rng))
            for form, tt, cn in forms:  # a side the form does not have: empty (contract §1)
                rows.append(
                    [
                        len(rows),
                        unit,
                        form,
                        next(counts) if tt else None,
                        next(counts) if cn else None,
                    ]
                )
        return rows

    def initiatives_rows(self, units: list[str], start_row: int) -> list[list]:
        rows = [["STT", "Đơn vị", "Sáng kiến cấp cơ sở", "Sáng kiến cấp ngành", "Đề tài khoa học"]]
        sums = [0, 0, 0]
        for i, uid in enumerate(units, 1):
            counts = [self.rng.randint(3, 40), self.rng.randint(0, 4), self.rng.randint(0, 1)]
            sums = [a + b for a, b in zip(sums, counts, strict=True)]
            rows.append([i, national_written(uid, self.rng)] + counts)
        first, last = start_row + 1, start_row + len(units)
        rows.append([None, "Tổng cộng"] + self.totals(first, last, range(3, 6), sums))
        return rows

    def initiatives(self, units: list[str]) -> None:
        head = self.head("SÁNG KIẾN, ĐỀ TÀI KHOA HỌC")
        self.sheets["Sáng kiến"] = (
            head + self.initiatives_rows(units, len(head) + 1) + _signature(self.period)
        )

    def save(self, path: Path, hidden: bool) -> Path:
        return _same_bytes(save(self.sheets, path, self.merges, self.percent, extra_hidden=hidden))


def _same_bytes(path: Path) -> Path:
    """The workbook with fixed times inside its zip and its properties: the same bytes at
    every run (openpyxl stamps the time of saving)."""
    with zipfile.ZipFile(path) as z:
        parts = [(info, z.read(info)) for info in z.infolist()]
    stamp = rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)"
    parts = [
        (
            i,
            re.sub(stamp, rb"\g<1>2025-01-01T00:00:00Z\g<2>", d)
            if i.filename == "docProps/core.xml"
            else d,
        )
        for i, d in parts
    ]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in parts:
            fixed = zipfile.ZipInfo(info.filename, date_time=(2025, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(fixed, data)
    return path


def _csv_file(path: Path, rows: list[list], encoding: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = io.StringIO(newline="")
    csv.writer(text, lineterminator="\r\n" if encoding == "cp1258" else "\n").writerows(rows)
    data = text.getvalue()
    path.write_bytes(encode_cp1258(data) if encoding == "cp1258" else data.encode(encoding))
    return path


def national_files(resave: bool = True) -> list[Path]:
    """Write the national sample under raw/<year>/toan_quoc/ (deterministic: its own seed)."""
    rng = random.Random(NATIONAL_SEED)
    for old in sorted(RAW.glob(f"*/{NATIONAL_DIR}")):
        shutil.rmtree(old)
    made, lo = [], {"xls": [], "ods": [], "xlsx": []}
    for year in NATIONAL_YEARS:  # cluster membership, one workbook a year
        head = title_block(
            "VIỆN KIỂM SÁT NHÂN DÂN TỐI CAO", f"DANH SÁCH CỤM THI ĐUA NĂM {year}", True
        )
        if year == 2025:
            head.insert(
                -1,
                [
                    "Sắp xếp cụm minh họa cho 34 đơn vị sau sáp nhập (từ 1/7/2025); đơn vị cũ "
                    "(báo cáo sơ kết 6 tháng đầu năm) thuộc cụm của đơn vị hợp nhất"
                ],
            )
        rows = head + [["STT", "Năm", "Cụm thi đua số", "Đơn vị", "Vai trò"]]
        roles = {"truong": "Cụm trưởng", "pho": "Cụm phó", "thanh_vien": "Thành viên"}
        for no, members in membership_written(year).items():
            for uid, role in members:
                cluster = rng.choice([no, f"Cụm {no}", f"Cụm thi đua số {no}"])
                shown = roles[role] if role != "thanh_vien" or rng.random() < 0.7 else None
                rows.append(
                    [len(rows) - len(head), year, cluster, national_written(uid, rng), shown]
                )
        path = RAW / str(year) / NATIONAL_DIR / f"cum_thi_dua_{year}_minh_hoa.xlsx"
        made.append(_same_bytes(save({"Cụm thi đua": rows + _signature(f"{year}-H1")}, path)))
    for i, ((period, no), kinds) in enumerate(sorted(national_claims().items())):
        year, tag = int(period[:4]), ("6T" if period.endswith("H1") else "nam")
        folder = RAW / str(year) / NATIONAL_DIR
        stem = f"cum{no:02d}_{tag}_{year}"
        fmt = (None, "xls", None, "ods", None, "xlsx")[i % 6] if resave else None
        book = _Book(no, period, rng, formulas=fmt is not None)
        if "indicators" in kinds:
            if i % 5 == 2:
                book.indicators_long(kinds["indicators"])
            else:
                book.indicators_wide(kinds["indicators"])
        if "scores" in kinds:
            book.scores(kinds["scores"])
        if "awards" in kinds:
            if i % 9 == 4:  # received as .csv, long, UTF-8 with a BOM
                rows = book.awards_long_rows(kinds["awards"])
                head = [[book.agency], [f"TỔNG HỢP KHEN THƯỞNG {_national_title(period, rng)}"]]
                made.append(
                    _csv_file(
                        folder / f"khen_thuong_{stem}_minh_hoa.csv",
                        head + [[MINH_HOA], []] + rows,
                        "utf-8-sig",
                    )
                )
            elif i % 4 == 1:
                head = book.head("TỔNG HỢP KHEN THƯỞNG")
                book.sheets["Khen thưởng"] = (
                    head + book.awards_long_rows(kinds["awards"]) + _signature(period)
                )
            else:
                book.awards_wide(kinds["awards"])
        if "initiatives" in kinds:
            if i % 7 == 3:  # received as .csv, Windows-1258 or UTF-8
                head = [
                    [book.agency],
                    [f"SÁNG KIẾN {_national_title(period, rng)}"],
                    [MINH_HOA],
                    [],
                ]
                rows = book.initiatives_rows(kinds["initiatives"], len(head) + 1)
                made.append(
                    _csv_file(
                        folder / f"sang_kien_{stem}_minh_hoa.csv",
                        head + rows,
                        "cp1258" if i % 2 else "utf-8",
                    )
                )
            else:
                book.initiatives(kinds["initiatives"])
        if book.sheets:
            path = book.save(folder / f"{stem}_minh_hoa.xlsx", hidden=i % 7 == 0)
            if fmt:
                lo[fmt].append(path)
            made.append(path)
    for fmt, paths in lo.items():  # re-saved by LibreOffice (one run per format)
        made = [p for p in made if p not in paths] + _resave_many(paths, fmt)
    return sorted(made)


def _resave_many(paths: list[Path], fmt: str) -> list[Path]:
    """Replace openpyxl files by the same data saved by LibreOffice, in one run."""
    if not paths:
        return []
    out = []
    with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryDirectory() as profile:
        src = Path(tmp) / "src"
        src.mkdir()
        for p in paths:
            shutil.move(p, src / f"{p.parent.parent.name}__{p.name}")
        subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
             "--convert-to", fmt, "--outdir", str(Path(tmp) / "out"),
             *sorted(str(s) for s in src.iterdir())],
            check=True, capture_output=True, timeout=600,
        )  # fmt: skip
        for p in paths:
            made = Path(tmp) / "out" / f"{p.parent.parent.name}__{p.stem}.{fmt}"
            target = p.with_suffix("." + fmt)
            shutil.move(made, target)
            out.append(target)
    return out


def main() -> None:
    if shutil.which("soffice") is None:
        sys.exit(
            "LibreOffice (soffice) is needed to write the samples: apt-get install libreoffice-calc-nogui"
        )
    if RAW.exists():
        for p in RAW.rglob("*"):
            if p.is_file() and p.name != "README.md":
                p.unlink()
    made = real_files() + [cluster_membership()]
    for year in (2022, 2023, 2024):
        for half in ("H1", "FY"):
            made.append(
                cluster_workbook(7, CLUSTER_7, year, half, with_awards=(year, half) != (2022, "FY"))
            )
            made.append(
                cluster_workbook(6, CLUSTER_6, year, half, fault=(year, half) == (2024, "FY"))
            )
    for unit in ("Gia Lai", "Quảng Trị", "Nghệ An", "Kon Tum", "Hà Tĩnh"):
        made.append(long_indicator_file(unit, 2025, "H1"))
    made += csv_files()
    # saved by another program: some files re-saved by LibreOffice as .xls, .ods and .xlsx
    spreadsheets = sorted(p for p in made if p.suffix == ".xlsx" and "minh_hoa" in p.name)
    for i, path in enumerate(spreadsheets):
        if i % 6 == 1:
            resave_with_libreoffice(path, "xls")
        elif i % 6 == 3:
            resave_with_libreoffice(path, "ods")
        elif i % 6 == 5:
            resave_with_libreoffice(path, "xlsx")
    fixtures()
    made.append(history_recipients())  # after the re-saves: no other file changes
    made += national_files()  # its own seed: the files above keep their figures
    files = sorted(p for p in RAW.rglob("*") if p.is_file() and p.name != "README.md")
    print(
        f"{len(files)} files in raw/:",
        {s: sum(p.suffix == s for p in files) for s in {p.suffix for p in files}},
    )


if __name__ == "__main__":
    if sys.argv[1:] == ["lich-su"]:  # only the named-recipients workbook (no LibreOffice)
        print(history_recipients())
    elif sys.argv[1:] == ["toan-quoc"]:  # only the national sample (raw/<year>/toan_quoc/)
        written_now = national_files()
        print(f"{len(written_now)} files in raw/*/{NATIONAL_DIR}/")
    else:
        main()
