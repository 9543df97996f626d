"""Write the sample corpus in raw/ and the LibreOffice-saved test fixtures.

Run once by a developer (needs LibreOffice: `soffice`); the outputs are committed, so
`make run` and `make test` never need LibreOffice.  Deterministic (seeded).

    python scripts/make_samples.py            # raw/ and tests/fixtures/
"""

from __future__ import annotations

import csv
import random
import shutil
import subprocess
import sys
import tempfile
import unicodedata
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
    files = sorted(p for p in RAW.rglob("*") if p.is_file() and p.name != "README.md")
    print(
        f"{len(files)} files in raw/:",
        {s: sum(p.suffix == s for p in files) for s in {p.suffix for p in files}},
    )


if __name__ == "__main__":
    if sys.argv[1:] == ["lich-su"]:  # only the named-recipients workbook (no LibreOffice)
        print(history_recipients())
    else:
        main()
