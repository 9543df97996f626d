"""A national corpus of real-looking workbooks, reproducible from a seed.

`national`: the 63 provincial procuracies (units.csv, before the 2025 merger) × 14 periods
(2019-H1 … 2025-FY) = 882 workbooks, one per province and period, each with four sheets
(indicator results ≈60 indicators, emulation scores, award counts, initiatives) in the
shapes real files have: a title block (agency, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", the
report title with its period, "Đơn vị: …"), two-row merged headers, section rows, totals
rows written as formulas with their cached value, a signature block, numbers as text in
places ("1.234", "95,5%", "-"), fractions formatted as a percent, the unit written in
any common form, an instructions sheet and now and then a hidden draft sheet.

`tenfold`: the same provinces and periods, and besides each province's own workbook
nine more from its regional procuracies (VKSND khu vực 1…9): 630 reporting units,
8 820 workbooks, ten times the rows.  The reference data knows provinces only, so a
regional workbook names its province in the title block and is filed under it: for each
province, period and kind the newest file wins (contract §3) and the province's own
workbook is written newest, so the views show provincial figures and the regional
workbooks are `superseded` — read, recognised, validated and stored in full all the same,
which is the cost being measured.  See bench/README.md.

    python -m bench.corpus [--seed N] [--out DIR]     # writes (or reuses) both corpora
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import time
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

from pipeline.core import refdata

GENERATOR_VERSION = 2  # bump when the files written change: the cache is keyed on it
DEFAULT_SEED = 20260
ROOT = Path(__file__).resolve().parent
CACHE = ROOT / ".corpus"
# the 63 provinces reported until the 2025 merger: 2019-H1 … 2025-FY (a former province's
# 2026 report would name a unit that no longer exists, and is rejected)
YEARS = range(2019, 2026)
PERIODS = [(y, h) for y in YEARS for h in ("H1", "FY")]
REGIONS = 9  # regional procuracies per province in the ten-times corpus
MINH_HOA = "DỮ LIỆU MINH HỌA - không phải số liệu thật (bộ dữ liệu đo tốc độ)"
BASE_MTIME = datetime(2026, 11, 1).timestamp()

SECTIONS = [
    "CÔNG TÁC THỰC HÀNH QUYỀN CÔNG TỐ, KIỂM SÁT ĐIỀU TRA",
    "CÔNG TÁC KIỂM SÁT XÉT XỬ",
    "CÔNG TÁC KIỂM SÁT THI HÀNH ÁN, TẠM GIỮ, TẠM GIAM",
    "CÔNG TÁC GIẢI QUYẾT KHIẾU NẠI, TỐ CÁO",
    "CÔNG TÁC XÂY DỰNG NGÀNH",
]
# Indicators not in the reference list (contract §2: loaded as new indicators):
# (name, measure unit, section index, kind) with kind "count" or "pct".
EXTRA_INDICATORS = [
    ("Số tố giác, tin báo về tội phạm đã thụ lý", "tin", 0, "count"),
    ("Số vụ án hình sự đã khởi tố", "vụ", 0, "count"),
    ("Số bị can đã khởi tố", "bị can", 0, "count"),
    ("Số vụ án đã truy tố", "vụ", 0, "count"),
    ("Số bị can đã truy tố", "bị can", 0, "count"),
    ("Số vụ án tham nhũng, chức vụ đã truy tố", "vụ", 0, "count"),
    ("Số vụ án kinh tế đã truy tố", "vụ", 0, "count"),
    ("Số vụ án ma túy đã truy tố", "vụ", 0, "count"),
    ("Số vụ án trả hồ sơ để điều tra bổ sung", "vụ", 0, "count"),
    ("Số bị can được đình chỉ điều tra do không phạm tội", "bị can", 0, "count"),
    ("Số vụ án được giải quyết theo thủ tục rút gọn", "vụ", 0, "count"),
    ("Tỷ lệ giải quyết án hình sự ở giai đoạn truy tố", "%", 0, "pct"),
    ("Tỷ lệ vụ án áp dụng thủ tục rút gọn", "%", 0, "pct"),
    ("Tỷ lệ vụ án giải quyết đúng hạn ở giai đoạn điều tra", "%", 0, "pct"),
    ("Tỷ lệ tài sản được kê biên, phong tỏa trong vụ án kinh tế, tham nhũng", "%", 0, "pct"),
    ("Số vụ án hình sự đã xét xử sơ thẩm", "vụ", 1, "count"),
    ("Số vụ án hình sự đã xét xử phúc thẩm", "vụ", 1, "count"),
    ("Số kháng nghị phúc thẩm hình sự đã ban hành", "kháng nghị", 1, "count"),
    ("Số vụ việc dân sự đã kiểm sát giải quyết", "vụ việc", 1, "count"),
    ("Số vụ án hành chính đã kiểm sát giải quyết", "vụ", 1, "count"),
    ("Số phiên tòa rút kinh nghiệm", "phiên", 1, "count"),
    ("Số phiên tòa xét xử trực tuyến đã tham gia", "phiên", 1, "count"),
    ("Số bị cáo Tòa án tuyên không phạm tội", "bị cáo", 1, "count"),
    ("Tỷ lệ vụ án hình sự xét xử sơ thẩm đúng thời hạn", "%", 1, "pct"),
    ("Tỷ lệ vụ việc dân sự có Kiểm sát viên tham gia phiên tòa", "%", 1, "pct"),
    ("Tỷ lệ vụ án hành chính có Kiểm sát viên tham gia phiên tòa", "%", 1, "pct"),
    ("Tỷ lệ phiên tòa có Kiểm sát viên tranh tụng đạt yêu cầu", "%", 1, "pct"),
    ("Số kiến nghị phòng ngừa vi phạm đã ban hành", "kiến nghị", 2, "count"),
    ("Số cuộc trực tiếp kiểm sát tạm giữ, tạm giam", "cuộc", 2, "count"),
    ("Số cuộc trực tiếp kiểm sát thi hành án dân sự", "cuộc", 2, "count"),
    ("Tỷ lệ kiến nghị phòng ngừa được chấp nhận", "%", 2, "pct"),
    ("Tỷ lệ quyết định thi hành án được kiểm sát", "%", 2, "pct"),
    ("Tỷ lệ kháng nghị, kiến nghị về thi hành án được chấp nhận", "%", 2, "pct"),
    ("Số đơn khiếu nại, tố cáo đã tiếp nhận", "đơn", 3, "count"),
    ("Số lượt tiếp công dân", "lượt", 3, "count"),
    ("Tỷ lệ đơn khiếu nại, tố cáo được phân loại đúng thời hạn", "%", 3, "pct"),
    ("Số chuyên đề, đề tài nghiệp vụ hoàn thành", "chuyên đề", 4, "count"),
    ("Số cán bộ được đào tạo, bồi dưỡng nghiệp vụ", "người", 4, "count"),
    ("Số buổi tập huấn kỹ năng số", "buổi", 4, "count"),
    ("Tỷ lệ hồ sơ nghiệp vụ được số hóa", "%", 4, "pct"),
    ("Tỷ lệ văn bản điện tử được ký số", "%", 4, "pct"),
    ("Tỷ lệ công chức đạt chuẩn chức danh Kiểm sát viên", "%", 4, "pct"),
    ("Tỷ lệ công chức được đánh giá hoàn thành tốt nhiệm vụ trở lên", "%", 4, "pct"),
]
KNOWN_SECTION = {  # section of each reference indicator (by id prefix)
    "kiem_sat_tin": 0,
    "kiem_sat_vu": 0,
    "giai_quyet_tin": 0,
    "tin_bao": 0,
    "truy_to": 0,
    "thu_hoi": 0,
    "dieu_tra": 0,
    "khang_nghi": 1,
    "kien_nghi": 1,
    "an_huy": 1,
    "kiem_sat_ban": 1,
    "giai_quyet_khieu": 3,
    "tam_giu": 2,
}
SCORE_CRITERIA = [
    ("Tiêu chí 1: Công tác chỉ đạo, điều hành, quản lý", 10),
    ("Tiêu chí 2: Thực hành quyền công tố, kiểm sát điều tra", 25),
    ("Tiêu chí 3: Kiểm sát xét xử các vụ án hình sự", 15),
    ("Tiêu chí 4: Kiểm sát giải quyết các vụ việc dân sự, vụ án hành chính", 15),
    ("Tiêu chí 5: Kiểm sát thi hành án, tạm giữ, tạm giam", 10),
    ("Tiêu chí 6: Giải quyết khiếu nại, tố cáo", 10),
    ("Tiêu chí 7: Xây dựng ngành, công tác cán bộ", 10),
    ("Tiêu chí 8: Phong trào thi đua, khen thưởng", 5),
]
AWARD_SECTIONS = [
    (
        "A",
        "KHEN THƯỞNG CẤP NHÀ NƯỚC",
        [
            "huan_chuong_lao_dong",
            "chien_si_thi_dua_toan_quoc",
            "co_thi_dua_chinh_phu",
            "bang_khen_thu_tuong",
        ],
    ),
    (
        "B",
        "KHEN THƯỞNG CỦA NGÀNH",
        [
            "chien_si_thi_dua_nganh",
            "co_thi_dua_nganh",
            "bang_khen_vkstc",
            "ky_niem_chuong",
            "tap_the_lao_dong_xuat_sac",
            "tap_the_lao_dong_tien_tien",
            "chien_si_thi_dua_co_so",
            "lao_dong_tien_tien",
            "giay_khen",
        ],
    ),
    ("C", "KHEN THƯỞNG CỦA ĐỊA PHƯƠNG", ["bang_khen_ubnd_tinh"]),
]
AWARD_SCALE = {  # typical counts (collective, individual) for a province in a year
    "huan_chuong_lao_dong": (0.1, 0.3),
    "chien_si_thi_dua_toan_quoc": (0, 0.1),
    "co_thi_dua_chinh_phu": (0.1, 0),
    "bang_khen_thu_tuong": (0.3, 1),
    "chien_si_thi_dua_nganh": (0, 1.5),
    "co_thi_dua_nganh": (0.5, 0),
    "bang_khen_vkstc": (3, 8),
    "ky_niem_chuong": (0, 12),
    "tap_the_lao_dong_xuat_sac": (4, 0),
    "tap_the_lao_dong_tien_tien": (10, 0),
    "chien_si_thi_dua_co_so": (0, 25),
    "lao_dong_tien_tien": (0, 140),
    "giay_khen": (15, 60),
    "bang_khen_ubnd_tinh": (3, 8),
}
INITIATIVE_ROWS = [
    ("Sáng kiến cấp cơ sở", 30),
    ("Sáng kiến cấp ngành", 3),
    ("Đề tài khoa học cấp cơ sở", 1),
]


@dataclass(frozen=True)
class Job:
    path: str
    unit_id: str
    year: int
    half: str
    region: int  # 0: the province's own workbook; 1…9: a regional procuracy
    mtime: float
    seed: int


# --- reference look-ups ------------------------------------------------------------------


@cache
def provinces() -> list[dict]:
    """The 63 provincial-level units before the 2025 merger, from units.csv."""
    units = [
        u
        for u in refdata.load().units
        if u["kind"] in ("tinh", "thanh_pho") and u["unit_id"] != "hue"
    ]
    assert len(units) == 63, len(units)
    return units


@cache
def _written_forms(unit_id: str) -> list[str]:
    """How a file may write the unit: every form must resolve to the unit (checked)."""
    ref = refdata.load()
    unit = next(u for u in provinces() if u["unit_id"] == unit_id)
    name, level = unit["name"], "thành phố" if unit["kind"] == "thanh_pho" else "tỉnh"
    plain = unicodedata.normalize("NFD", name).encode("ascii", "ignore").decode()
    forms = [
        f"VKSND {level} {name}",
        f"Viện kiểm sát nhân dân {level} {name}",
        name,
        f"VKSND {level} {plain}",
        unicodedata.normalize("NFD", f"VKSND {level} {name}"),
        f"VKSND  {level}  {name} ",
        name.replace("óa", "oá").replace("òa", "oà"),
    ]
    forms += [
        a["alias"] for a in refdata.read_csv("unit_aliases.csv") if a["unit_id"] == unit["unit_id"]
    ]
    good = [f for f in forms if ref.unit_id(f) == unit["unit_id"]]
    assert good, unit
    return good


@cache
def _award_forms() -> dict[str, list[str]]:
    ref = refdata.load()
    out: dict[str, list[str]] = {}
    for a in ref.awards:
        out[a["award_id"]] = [a["name"], a["short_name"]]
    for a in refdata.read_csv("award_aliases.csv"):
        if "\n" not in a["alias"]:
            out.setdefault(a["award_id"], []).append(a["alias"])
    return {k: sorted({f for f in v if ref.award_id(f) == k}) for k, v in out.items()}


@cache
def _indicators() -> list[tuple[str, str, int, str, str, float | None]]:
    """(name, measure unit, section, kind, direction, target) for ≈60 indicators."""
    out = []
    for i in refdata.read_csv("indicators.csv"):
        section = next((s for p, s in KNOWN_SECTION.items() if i["indicator_id"].startswith(p)), 0)
        kind = "pct" if i["measure_unit"] == "%" else "count"
        target = float(i["target"]) if i["target"] else (90.0 if kind == "pct" else None)
        if i["direction"] == "lower":
            target = 5.0 if kind == "pct" else 0.0
        out.append((i["name"], i["measure_unit"], section, kind, i["direction"], target))
    for name, measure, section, kind in EXTRA_INDICATORS:
        target = 85.0 if kind == "pct" else None
        out.append((name, measure, section, kind, "higher", target))
    return sorted(out, key=lambda t: t[2])


# --- one workbook --------------------------------------------------------------------------


def _period_title(rng: random.Random, year: int, half: str) -> str:
    if half == "H1":
        return rng.choice([f"6 THÁNG ĐẦU NĂM {year}", f"SƠ KẾT 6 THÁNG ĐẦU NĂM {year}"])
    return rng.choice([f"NĂM {year}", f"TỔNG KẾT NĂM {year}"])


def _vn_int(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _vn_dec(x: float) -> str:
    return f"{x:.1f}".replace(".", ",")


class _Sheet:
    """Writes one sheet row by row with the formats real files use."""

    def __init__(self, book, name: str, fmt: dict):
        self.ws = book.add_worksheet(name)
        self.fmt = fmt
        self.r = 0
        self.ws.set_column(0, 0, 5)
        self.ws.set_column(1, 1, 55)
        self.ws.set_column(2, 6, 13)

    def title(self, agency: list[str], title: str, unit_line: str | None, width: int):
        ws, f = self.ws, self.fmt
        ws.write(0, 0, agency[0], f["bold"])
        ws.merge_range(0, 2, 0, width - 1, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", f["bold_c"])
        ws.write(1, 0, agency[1], f["bold"])
        ws.merge_range(1, 2, 1, width - 1, "Độc lập - Tự do - Hạnh phúc", f["center"])
        r = 3
        if unit_line:
            ws.write(r, 0, unit_line)
            r += 1
        ws.merge_range(r, 0, r, width - 1, title, f["bold_c"])
        ws.write(r + 1, 0, MINH_HOA, f["italic"])
        self.r = r + 3

    def row(self, values: list, fmts: dict[int, str] | None = None):
        for c, v in enumerate(values):
            if v is None:
                continue
            fmt = self.fmt.get((fmts or {}).get(c, ""), None)
            if isinstance(v, tuple):  # (formula, cached value)
                self.ws.write_formula(self.r, c, v[0], fmt, v[1])
            else:
                self.ws.write(self.r, c, v, fmt)
        self.r += 1

    def header2(self, top: list, sub: list):
        """A two-row header: a label over two sub-labels is merged across; a label with no
        sub-label is merged down over both rows."""
        ws, f, r = self.ws, self.fmt["head"], self.r
        c = 0
        while c < len(top):
            span = 1
            while c + span < len(top) and top[c + span] is None:
                span += 1
            if span > 1:
                ws.merge_range(r, c, r, c + span - 1, top[c], f)
                for k in range(span):
                    ws.write(r + 1, c + k, sub[c + k], f)
            elif sub[c] is None:
                ws.merge_range(r, c, r + 1, c, top[c], f)
            else:
                ws.write(r, c, top[c], f)
                ws.write(r + 1, c, sub[c], f)
            c += span
        self.r += 2

    def signature(self, place: str, year: int, half: str, rng: random.Random):
        month = 6 if half == "H1" else 11
        self.r += 1
        self.ws.write(
            self.r,
            4,
            f"{place}, ngày {rng.randint(5, 28)} tháng {month} năm {year}",
            self.fmt["italic"],
        )
        self.ws.write(self.r + 1, 1, "Người lập biểu", self.fmt["bold_c"])
        self.ws.write(
            self.r + 1, 4, rng.choice(["VIỆN TRƯỞNG", "KT. VIỆN TRƯỞNG"]), self.fmt["bold_c"]
        )
        self.ws.write(self.r + 5, 1, rng.choice(["Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Châu"]))
        self.ws.write(self.r + 5, 4, rng.choice(["Phạm Quốc Dũng", "Hoàng Thị Hà", "Vũ Đức Hải"]))


def write_workbook(job: Job) -> tuple[str, int]:
    """Write one province's (or one regional procuracy's) report for one period."""
    rng = random.Random(f"{job.seed}/{job.unit_id}/{job.year}-{job.half}/{job.region}")
    unit = next(u for u in provinces() if u["unit_id"] == job.unit_id)
    forms = _written_forms(unit["unit_id"])
    level = "THÀNH PHỐ" if unit["kind"] == "thanh_pho" else "TỈNH"
    agency = ["VIỆN KIỂM SÁT NHÂN DÂN TỐI CAO", f"VKSND {level} {unit['name'].upper()}"]
    unit_line = f"Đơn vị: {rng.choice(forms)}"
    scale = 1.0
    if job.region:  # a regional procuracy: its province is the agency above it
        agency = [f"VKSND {level} {unit['name'].upper()}", f"VKSND KHU VỰC {job.region}"]
        unit_line = None
        scale = 0.1
    half_scale = 0.5 if job.half == "H1" else 1.0
    period = _period_title(rng, job.year, job.half)

    path = Path(job.path)
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    book.set_properties({"created": datetime(2026, 1, 1), "author": "bench.corpus"})
    fmt = {
        "bold": book.add_format({"bold": True}),
        "bold_c": book.add_format({"bold": True, "align": "center"}),
        "center": book.add_format({"align": "center"}),
        "italic": book.add_format({"italic": True}),
        "head": book.add_format(
            {"bold": True, "align": "center", "valign": "vcenter", "text_wrap": True, "border": 1}
        ),
        "pct": book.add_format({"num_format": "0.0%", "border": 1}),
        "num": book.add_format({"num_format": "#,##0", "border": 1}),
        "cell": book.add_format({"border": 1}),
        "section": book.add_format({"bold": True, "border": 1}),
    }
    rows = 0

    # indicator results: long, a two-row merged header
    sh = _Sheet(book, "Chỉ tiêu", fmt)
    sh.title(agency, f"BÁO CÁO KẾT QUẢ THỰC HIỆN CHỈ TIÊU NGHIỆP VỤ {period}", unit_line, 6)
    sh.header2(
        ["STT", "Tên chỉ tiêu", "Đơn vị tính", "Kết quả thực hiện", None, "Ghi chú"],
        [
            None,
            None,
            None,
            rng.choice(["Chỉ tiêu giao", "Chỉ tiêu"]),
            rng.choice(["Kết quả đạt được", "Kết quả"]),
            None,
        ],
    )
    sh.row(["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"], {c: "cell" for c in range(6)})
    section, n = -1, 0
    for name, measure, sec, kind, direction, target in _indicators():
        if sec != section:
            section = sec
            sh.row(
                ["IVX"[sec] if sec < 3 else ["IV", "V"][sec - 3], SECTIONS[sec]],
                {0: "section", 1: "section"},
            )
        n += 1
        fmts = {2: "cell"}
        if kind == "pct":
            if direction == "lower":
                target_cell = rng.choice([f"Không quá {target:g}%", target])
                actual = round(rng.uniform(0, target * 1.3), 1)
            else:
                target_cell = rng.choice([target, f"{target:g}%"])
                actual = round(min(100.0, rng.uniform(target - 8, target + 12)), 1)
            style = rng.random()
            if style < 0.25:
                actual_cell = f"{_vn_dec(actual)}%"
            elif style < 0.45:
                actual_cell = round(actual / 100, 4)
                fmts[4] = "pct"
            else:
                actual_cell = actual
        else:
            base = 1000 if measure in ("tin", "đơn", "lượt") else 150
            count = max(0, int(rng.gauss(base, base / 4) * scale * half_scale))
            if direction == "lower":
                count = rng.choice([0, 0, 0, 1, 2])
            target_cell = rng.choice(["-", "x", None]) if target is None else int(target)
            actual_cell = _vn_int(count) if count >= 1000 and rng.random() < 0.5 else count
            fmts[4] = "num"
        sh.row(
            [
                n,
                f"{n}. {name}" if rng.random() < 0.1 else name,
                measure or None,
                target_cell,
                actual_cell,
            ],
            fmts,
        )
        rows += 1
    sh.signature(unit["name"], job.year, job.half, rng)

    # emulation scores: long, with a totals row (a formula with its cached value)
    sh = _Sheet(book, "Chấm điểm", fmt)
    sh.title(agency, f"BẢNG TỰ CHẤM ĐIỂM THI ĐUA {period}", unit_line, 5)
    sh.row(
        [
            "STT",
            rng.choice(["Tiêu chí", "Nội dung tiêu chí"]),
            "Điểm tối đa",
            rng.choice(["Điểm tự chấm", "Điểm đạt"]),
            "Ghi chú",
        ],
        {c: "head" for c in range(5)},
    )
    first = sh.r
    total = 0.0
    for i, (crit, top) in enumerate(SCORE_CRITERIA, 1):
        pts = round(top * rng.uniform(0.8, 1.0) * 2) / 2
        total += pts
        shown = _vn_dec(pts) if not pts.is_integer() and rng.random() < 0.3 else pts
        sh.row([i, crit, top, shown], {2: "cell", 3: "cell"})
        rows += 1
    col = "D"
    sh.row([None, "Tổng cộng", None, (f"=SUM({col}{first + 1}:{col}{sh.r})", total)], {3: "cell"})
    sh.signature(unit["name"], job.year, job.half, rng)

    # award counts: long, sections A/B/C, "Số lượng" merged over Tập thể | Cá nhân
    sh = _Sheet(book, "Khen thưởng", fmt)
    sh.title(agency, f"TỔNG HỢP KẾT QUẢ KHEN THƯỞNG {period}", unit_line, 5)
    sh.header2(
        ["STT", "Hình thức khen thưởng", "Số lượng", None, "Ghi chú"],
        [None, None, "Tập thể", "Cá nhân", None],
    )
    kinds = refdata.load().award_kinds
    award_names = _award_forms()
    first = sh.r
    n, sums = 0, [0, 0]
    for letter, label, award_ids in AWARD_SECTIONS:
        sh.row([letter, label], {0: "section", 1: "section"})
        for award_id in award_ids:
            n += 1
            cells = []
            for k, kind in enumerate(("tap_the", "ca_nhan")):
                mean = AWARD_SCALE[award_id][k] * scale * half_scale
                if kind not in kinds[award_id]:
                    cells.append(None)
                    continue
                count = max(0, int(round(rng.gauss(mean, max(mean / 3, 0.4)))))
                sums[k] += count
                cells.append("-" if count == 0 and rng.random() < 0.4 else count)
            sh.row([n, rng.choice(award_names[award_id])] + cells, {2: "cell", 3: "cell"})
            rows += 1
    last = sh.r
    sh.row(
        [None, "Tổng cộng"]
        + [
            (f"=SUM({xl_rowcol_to_cell(first, c)}:{xl_rowcol_to_cell(last - 1, c)})", s)
            for c, s in zip((2, 3), sums, strict=True)
        ],
        {2: "cell", 3: "cell"},
    )
    sh.signature(unit["name"], job.year, job.half, rng)

    # initiatives: long, with a totals row
    sh = _Sheet(book, "Sáng kiến", fmt)
    sh.title(agency, f"TỔNG HỢP SÁNG KIẾN, ĐỀ TÀI KHOA HỌC {period}", unit_line, 4)
    sh.row(["STT", "Cấp sáng kiến", "Số lượng", "Ghi chú"], {c: "head" for c in range(4)})
    total = 0
    for i, (label, mean) in enumerate(INITIATIVE_ROWS, 1):
        count = max(0, int(rng.gauss(mean * scale * half_scale * 3, 2)))
        total += count
        sh.row([i, label, count], {2: "cell"})
        rows += 1
    sh.row([None, "Tổng cộng", total], {2: "cell"})
    sh.signature(unit["name"], job.year, job.half, rng)

    notes = book.add_worksheet("Hướng dẫn")
    notes.write(0, 0, "Biểu mẫu báo cáo thi đua, khen thưởng. Điền số liệu, không sửa tiêu đề cột.")
    if rng.random() < 0.15:
        draft = book.add_worksheet("Nháp")
        draft.write(0, 0, "bản nháp, không dùng")
        draft.hide()
    book.close()
    os.utime(path, (job.mtime, job.mtime))
    return job.path, rows


# --- the corpora ---------------------------------------------------------------------------


def _tag(half: str) -> str:
    return "6T" if half == "H1" else "nam"


def jobs_for(kind: str, out: Path, seed: int) -> list[Job]:
    jobs = []
    for i, unit in enumerate(provinces()):
        uid = unit["unit_id"]
        for p, (year, half) in enumerate(PERIODS):
            name = f"{uid}_{_tag(half)}_{year}.xlsx"
            mtime = BASE_MTIME + p * 86400 + i * 60
            if kind == "national":
                jobs.append(
                    Job(str(out / str(year) / name), uid, year, half, 0, mtime + 3600, seed)
                )
                continue
            folder = out / str(year) / uid
            jobs.append(Job(str(folder / name), uid, year, half, 0, mtime + 3600, seed))
            for region in range(1, REGIONS + 1):
                jobs.append(
                    Job(
                        str(folder / f"khu_vuc_{region}_{name}"),
                        uid,
                        year,
                        half,
                        region,
                        mtime + region,
                        seed,
                    )
                )
    return jobs


def corpus_dir(kind: str, seed: int = DEFAULT_SEED, cache: Path = CACHE) -> Path:
    return cache / f"seed{seed}-v{GENERATOR_VERSION}" / kind


def ensure(
    kind: str, seed: int = DEFAULT_SEED, cache: Path = CACHE, workers: int | None = None, log=print
) -> Path:
    """The corpus directory, written on first use and reused afterwards (keyed on the seed
    and the generator version)."""
    out = corpus_dir(kind, seed, cache)
    done = out.parent / f"{kind}.complete"
    if done.exists():
        return out
    if out.exists():
        shutil.rmtree(out)
    jobs = jobs_for(kind, out, seed)
    started = time.perf_counter()
    workers = workers or os.cpu_count() or 1
    rows = 0
    with ProcessPoolExecutor(workers) as pool:
        for _, n in pool.map(write_workbook, jobs, chunksize=32):
            rows += n
    log(
        f"  Đã sinh {len(jobs)} tệp ({rows} dòng số liệu) vào {out} trong "
        f"{time.perf_counter() - started:.1f} s"
    )
    done.write_text(f"{len(jobs)} files, {rows} data rows\n", encoding="utf-8")
    return out


def extra_file(dest: Path, seed: int = DEFAULT_SEED) -> Path:
    """One more workbook, as when a province sends a corrected report: Thái Bình, 2025."""
    job = Job(str(dest), "thai_binh", 2025, "FY", 0, time.time(), seed + 1)
    write_workbook(job)
    return dest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--cache", type=Path, default=CACHE)
    parser.add_argument("--kind", choices=["national", "tenfold", "both"], default="both")
    args = parser.parse_args()
    for kind in ["national", "tenfold"] if args.kind == "both" else [args.kind]:
        print(ensure(kind, args.seed, args.cache))


if __name__ == "__main__":
    main()
