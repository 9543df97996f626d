"""The clip's Vietnamese wording: numbers the Vietnamese way, places, lists, ordinals, and the
check that every number a narration writes is among its scene's figures."""

from __future__ import annotations

import math
import re

from pipeline.clip.model import Scene
from pipeline.core.text import format_vn

ORDINALS = {
    1: "nhất",
    2: "hai",
    3: "ba",
    4: "tư",
    5: "năm",
    6: "sáu",
    7: "bảy",
    8: "tám",
    9: "chín",
    10: "mười",
}
# Award forms that are titles one "đạt" (achieves); the others are "được tặng" (given).
TITLE_AWARDS = {
    "chien_si_thi_dua_toan_quoc",
    "chien_si_thi_dua_nganh",
    "chien_si_thi_dua_co_so",
    "tap_the_lao_dong_xuat_sac",
    "tap_the_lao_dong_tien_tien",
    "lao_dong_tien_tien",
}


def num(value, decimals: int = 1) -> str:
    """A figure the Vietnamese way: 1.234,5; whole numbers without decimals."""
    return format_vn(float(value), decimals)


def qty(value, unit: str | None) -> str:
    """93,5% or 12 vụ."""
    if unit == "%":
        return f"{num(value)}%"
    return f"{num(value)} {unit}" if unit else num(value)


def place(name: str, kind: str | None) -> str:
    """How people name a province-level unit: «tỉnh Gia Lai», «thành phố Huế»."""
    if kind == "tinh":
        return f"tỉnh {name}"
    if kind == "thanh_pho":
        return f"thành phố {name}"
    return name


def unit_short(name: str, kind: str | None) -> str:
    """«VKSND tỉnh Gia Lai»; high-level procuracies keep their own name."""
    if kind in ("tinh", "thanh_pho"):
        return f"VKSND {place(name, kind)}"
    return name if name.startswith("VKSND") else f"VKSND {name}"


def unit_full(name: str, kind: str | None) -> str:
    """«Viện kiểm sát nhân dân tỉnh Thanh Hóa»."""
    short = unit_short(name, kind)
    return "Viện kiểm sát nhân dân" + short[len("VKSND") :]


def join_vn(items: list[str], last: str = "và") -> str:
    """A, B và C."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {last} " + items[-1]


def places(units: list[tuple[str, str | None]]) -> str:
    """Several units by place: «các tỉnh Nghệ An, Quảng Bình và thành phố Huế»."""
    tinh = [n for n, k in units if k == "tinh"]
    city = [n for n, k in units if k == "thanh_pho"]
    other = [place(n, k) for n, k in units if k not in ("tinh", "thanh_pho")]
    parts = []
    if tinh:
        parts.append(("các tỉnh " + join_vn(tinh)) if len(tinh) > 1 else f"tỉnh {tinh[0]}")
    if city:
        parts.append(
            ("các thành phố " + join_vn(city)) if len(city) > 1 else f"thành phố {city[0]}"
        )
    parts += other
    if len(parts) == 2 and len(tinh) > 1:
        # «các tỉnh A, B và thành phố C», not «các tỉnh A và B và thành phố C»
        return "các tỉnh " + ", ".join(tinh) + " và " + parts[1]
    return join_vn(parts)


def ordinal(rank: int) -> str:
    """«thứ ba»; beyond ten, the figure itself."""
    return f"thứ {ORDINALS.get(int(rank), str(int(rank)))}"


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


_NUMBER = re.compile(
    r"(?<![\w.,])\d{1,3}(?:\.\d{3})+(?:,\d+)?(?![\d])|(?<![\w.,])\d+(?:,\d+)?(?!\d)"
)


def numbers_in(text: str) -> list[tuple[str, float, int]]:
    """Every number written in a Vietnamese text: (as written, value, decimals).
    «1.234,5» → 1234.5; «93,5%» → 93.5; «2024.» (end of sentence) → 2024."""
    out = []
    for m in _NUMBER.finditer(text or ""):
        token = m.group(0)
        whole, _, frac = token.partition(",")
        value = float(whole.replace(".", "") + ("." + frac if frac else ""))
        out.append((token, value, len(frac)))
    return out


def figure_matches(value: float, written: float, decimals: int) -> bool:
    """A written number stands for a figure when it is the figure as the project writes it
    (one decimal at most: 83,84 → «83,8»; a whole number only for a whole figure) or with the
    decimals written; a change is written without its sign («giảm 3 lượt»)."""
    if value is None:
        return False
    return abs(round(abs(float(value)) + 1e-9, max(decimals, 1)) - written) < 1e-9


def unmatched_numbers(scene: Scene) -> list[str]:
    """Numbers in the narration that are not among the scene's figures."""
    return [
        tok
        for tok, v, d in numbers_in(scene.narration)
        if not any(figure_matches(f["value"], v, d) for f in scene.figures)
    ]


def estimate_duration(narration: str, minimum: float = 6.0) -> float:
    """Seconds to read the narration calmly (three syllables a second, plus a pause)."""
    words = len(narration.split())
    return float(max(minimum, min(60.0, math.ceil(words / 3.0 + 1.5))))
