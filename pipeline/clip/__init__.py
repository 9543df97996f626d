"""The video-clip report draft for a cluster review meeting.

`build_storyboard(con, cluster_no, period)` turns the public views into an ordered list of
scenes (title, members, movements, indicators against targets, score ranking, awards with the
change from the same period of the previous year, initiatives, one highlight per member,
targets missed, direction for the next period). Each scene carries its narration in Vietnamese,
generated from its figures, and every figure records the SQL on the public views that gives
it back, so a reader (or a test) can re-run it. Nothing is invented: where the warehouse has
no figure the scene says so, and what only people know (the year's theme, how the movements
were run, good practices, remedies, the direction) is an editable placeholder «(điền …)».

The storyboard is written as `storyboard.json` (the whole model) and `storyboard.xlsx` (one
row per scene an analyst edits); `pipeline.clip.render` draws the frames, the subtitles and
the preview video. Names of individual award recipients are never used (counts only).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from pipeline import paths
from pipeline.clip.model import (
    ILLUSTRATIVE_NOTE,
    PERIOD_RE,
    SCENE_LABELS,
    STEPS,
    ClipError,
    Scene,
    Storyboard,
    is_placeholder,
)
from pipeline.core.labels import ILLUSTRATIVE, LEVEL_LABELS, ROLE_LABELS
from pipeline.core.period import (
    next_period_label,
    period_label,
    period_spoken,
    previous_period,
    review_name,
)
from pipeline.core.text import fold, format_vn
from pipeline.publish import analytics as A
from pipeline.publish.export import DANGEROUS_START, safe_cell

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
PUBLIC_VIEWS = (
    "units",
    "clusters",
    "indicator_results",
    "scores",
    "score_ranking",
    "awards",
    "initiatives",
)


# -- Vietnamese wording --------------------------------------------------------------------------


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


# -- figures and their queries -----------------------------------------------------------------


def _lit(value) -> str:
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _in(ids) -> str:
    return "(" + ", ".join(_lit(i) for i in ids) + ")"


def _value(v):
    v = v.item() if hasattr(v, "item") else v
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def fig(label: str, value, query: str, unit: str | None = None) -> dict:
    return {"label": label, "value": _value(value), "unit": unit, "query": " ".join(query.split())}


def run_figure(con, figure: dict):
    """The value a figure's query gives on the warehouse now."""
    row = con.execute(figure["query"]).fetchone()
    return None if row is None else _value(row[0])


# -- reading the warehouse ---------------------------------------------------------------------


@dataclass
class _Unit:
    unit_id: str
    name: str
    kind: str | None
    role: str | None

    @property
    def short(self) -> str:
        return unit_short(self.name, self.kind)

    @property
    def place(self) -> str:
        return place(self.name, self.kind)

    @property
    def pair(self) -> tuple[str, str | None]:
        return self.name, self.kind


def _check_request(con, cluster_no: int, period: str) -> None:
    if not PERIOD_RE.match(period or ""):
        raise ClipError(
            f"Kỳ «{period}» không đúng dạng: hãy ghi NĂM-H1 (sơ kết 6 tháng đầu "
            "năm) hoặc NĂM-FY (tổng kết năm), ví dụ 2024-FY."
        )
    known = A.periods(con)
    if period not in known:
        raise ClipError(
            f"Kho dữ liệu không có số liệu của kỳ {period} ({period_label(period)}). "
            "Các kỳ có số liệu: " + ", ".join(known) + "."
        )
    clusters = A.cluster_numbers(con, period)
    if cluster_no not in clusters:
        listed = ", ".join(str(c) for c in clusters)
        hint = (
            f"Các cụm có số liệu trong kỳ này: {listed}."
            if clusters
            else f"Kỳ này chưa có cụm nào: kho chưa có danh sách cụm thi đua năm {period[:4]} "
            "(hãy nạp bảng «cụm thi đua» của năm đó)."
        )
        raise ClipError(
            f"Cụm thi đua số {cluster_no} không có số liệu trong kỳ {period} "
            f"({period_label(period)}). {hint}"
        )


def _units(con, cluster_no: int, year: int, period: str) -> list[_Unit]:
    """Members in role order; units with figures but no membership row come after them."""
    kinds = dict(con.execute("SELECT unit_id, kind FROM units").fetchall())
    m = A.members(con, year, cluster_no)
    out = [_Unit(r.unit_id, r.name, kinds.get(r.unit_id), r.role) for r in m.itertuples()]
    order = {"truong": 0, "pho": 1}
    out.sort(key=lambda u: (order.get(u.role, 2), fold(u.name)))  # Vietnamese order: Đ after D
    seen = {u.unit_id for u in out}
    extra = con.execute(
        """SELECT DISTINCT f.unit_id, u.name FROM (
               SELECT unit_id, period, cluster_no FROM indicator_results UNION ALL
               SELECT unit_id, period, cluster_no FROM score_ranking UNION ALL
               SELECT unit_id, period, cluster_no FROM awards UNION ALL
               SELECT unit_id, period, cluster_no FROM initiatives) f
           JOIN units u USING (unit_id) WHERE f.period = ? AND f.cluster_no = ? ORDER BY u.name""",
        [period, cluster_no],
    ).fetchall()
    extra = sorted(extra, key=lambda r: fold(r[1]))
    out += [_Unit(uid, name, kinds.get(uid), None) for uid, name in extra if uid not in seen]
    return out


def _membership_illustrative(con, year: int, cluster_no: int) -> bool:
    row = con.execute(
        "SELECT bool_or(illustrative) FROM clusters WHERE year = ? AND cluster_no = ?",
        [year, cluster_no],
    ).fetchone()
    return bool(row and row[0])


# -- the scenes ----------------------------------------------------------------------------------


def build_storyboard(con, cluster_no: int, period: str, warehouse: str = "") -> Storyboard:
    """The draft clip for one cluster and one period, from the public views."""
    _check_request(con, cluster_no, period)
    year = int(period[:4])
    units = _units(con, cluster_no, year, period)
    ctx = _Context(con, cluster_no, period, year, units)
    scenes = [
        ctx.title(),
        ctx.members(),
        ctx.movements(),
        ctx.indicators(),
        ctx.ranking(),
        ctx.awards(),
        ctx.initiatives(),
    ]
    scenes += [ctx.highlight(u) for u in units]
    scenes += [ctx.shortcomings(), ctx.closing()]
    illustrative = ctx.illustrative or _membership_illustrative(con, year, cluster_no)
    if illustrative:
        scenes[0].narration = f"{scenes[0].narration} {ILLUSTRATIVE_NOTE}"
        scenes[0].duration = estimate_duration(scenes[0].narration, 8)
    for i, scene in enumerate(scenes, 1):
        scene.image = f"scenes/{i:02d}.png"
    return Storyboard(
        cluster_no,
        period,
        illustrative,
        scenes,
        str(warehouse),
        datetime.now().isoformat(timespec="seconds"),
        ctx.charts,
    )


class _Context:
    """The data of one cluster and period, read once, and the scene builders."""

    def __init__(self, con, cluster_no: int, period: str, year: int, units: list[_Unit]):
        self.con, self.n, self.period, self.year, self.units = con, cluster_no, period, year, units
        self.by_id = {u.unit_id: u for u in units}
        self.ids = [u.unit_id for u in units]
        self.charts: dict = {}
        self.ind = A.indicator_results(con, period, cluster_no)
        self.ind_sum = A.indicator_summary(con, period, cluster_no)
        self.rank = A.score_ranking(con, period, cluster_no)
        self.aw_unit = A.awards_by_unit(con, period, cluster_no)
        self.aw_form = A.awards_by_form(con, period, cluster_no)
        self.ini = A.initiatives_by_unit(con, period, cluster_no)
        self.illustrative = A.any_illustrative(self.ind, self.rank, self.aw_unit, self.ini)
        self.where = f"period = {_lit(period)} AND cluster_no = {_lit(cluster_no)}"
        self.spoken = period_spoken(period)

    # figures shared by several scenes
    def _units_query(self) -> str:
        return f"SELECT count(*) FROM clusters WHERE year = {self.year} AND cluster_no = {self.n}"

    def _cluster_fig(self) -> dict:
        return fig(
            "Cụm thi đua số",
            self.n,
            f"""SELECT DISTINCT cluster_no FROM (
            SELECT period, cluster_no FROM indicator_results UNION ALL
            SELECT period, cluster_no FROM scores UNION ALL
            SELECT period, cluster_no FROM awards UNION ALL
            SELECT period, cluster_no FROM initiatives) WHERE {self.where}""",
        )

    def _year_fig(self) -> dict:
        return fig(
            "Năm",
            self.year,
            f"""SELECT DISTINCT year FROM (
            SELECT period, year, cluster_no FROM indicator_results UNION ALL
            SELECT period, year, cluster_no FROM scores UNION ALL
            SELECT period, year, cluster_no FROM awards UNION ALL
            SELECT period, year, cluster_no FROM initiatives) WHERE {self.where}""",
            "năm",
        )

    def _scene(
        self,
        sid: str,
        kind: str,
        title: str,
        narration: str,
        figures: list[dict],
        visual: dict,
        source: str = "",
        body: str = "",
        note: str = "",
        minimum: float = 6.0,
    ) -> Scene:
        unique = list({f["query"]: f for f in reversed(figures)}.values())[::-1]
        return Scene(
            sid,
            kind,
            title,
            narration,
            estimate_duration(narration, minimum),
            unique,
            visual=visual,
            source=source,
            body=body,
            note=note,
        )

    # 1. title
    def title(self) -> Scene:
        review = review_name(self.period)
        title = f"Cụm thi đua số {self.n} — {upper_first(review)}"
        narration = (
            f"Cụm thi đua số {self.n} báo cáo "
            f"{'sơ kết' if self.period.endswith('H1') else 'tổng kết'} công tác thi "
            f"đua, khen thưởng {self.spoken}."
        )
        body = "Chủ đề năm: (điền chủ đề thi đua của năm)"
        what = "sơ kết" if self.period.endswith("H1") else "tổng kết"
        visual = {
            "type": "title",
            "kicker": "NGÀNH KIỂM SÁT NHÂN DÂN",
            "subtitle": f"Báo cáo {what} công tác thi đua, khen thưởng {period_label(self.period)}",
            "members": " · ".join(u.name for u in self.units),
        }
        return self._scene(
            "title",
            "title",
            title,
            narration,
            [self._cluster_fig(), self._year_fig()],
            visual,
            "view clusters và các view số liệu",
            body,
            "Điền chủ đề thi đua của năm ở cột «Nội dung trên hình».",
            8,
        )

    # 2. members
    def members(self) -> Scene:
        members = [u for u in self.units if u.role]
        title = f"Thành phần Cụm thi đua số {self.n} năm {self.year}"
        count_q = self._units_query()
        if not members:
            narration = (
                f"Kho dữ liệu chưa có danh sách thành viên Cụm thi đua số {self.n} năm {self.year}."
            )
            visual = {"type": "message", "text": narration}
            return self._scene(
                "members",
                "members",
                title,
                narration,
                [self._cluster_fig(), self._year_fig()],
                visual,
                "view clusters",
            )
        figures = [
            fig(
                "Năm",
                self.year,
                f"SELECT DISTINCT year FROM clusters WHERE year = "
                f"{self.year} AND cluster_no = {self.n}",
                "năm",
            ),
            fig(
                "Cụm thi đua số",
                self.n,
                f"SELECT DISTINCT cluster_no FROM clusters "
                f"WHERE year = {self.year} AND cluster_no = {self.n}",
            ),
            fig("Số đơn vị trong Cụm", len(members), count_q, "đơn vị"),
        ]
        head = [u for u in members if u.role == "truong"]
        deputy = [u for u in members if u.role == "pho"]
        rest = [u for u in members if u.role not in ("truong", "pho")]
        sentences = [f"Năm {self.year}, Cụm thi đua số {self.n} gồm {len(members)} đơn vị."]
        roles = []
        if head:
            roles.append(f"{join_vn([u.short for u in head])} là Cụm trưởng")
        if deputy:
            roles.append(f"{join_vn([u.short for u in deputy])} là Cụm phó")
        if roles:
            sentences.append(upper_first(", ".join(roles)) + ".")
        else:
            sentences.append("Kho dữ liệu chưa ghi đơn vị nào là Cụm trưởng, Cụm phó.")
        if rest:
            label = "Các thành viên khác là" if roles else "Các thành viên là"
            sentences.append(f"{label} VKSND {places([u.pair for u in rest])}.")
        rows = [
            [str(i), u.short, ROLE_LABELS.get(u.role, "Thành viên")]
            for i, u in enumerate(members, 1)
        ]
        styles = [
            [
                None,
                "strong" if u.role in ("truong", "pho") else None,
                "strong" if u.role in ("truong", "pho") else None,
            ]
            for u in members
        ]
        visual = {
            "type": "table",
            "columns": ["STT", "Đơn vị", "Vai trò trong Cụm"],
            "widths": [0.1, 0.6, 0.3],
            "align": ["center", "left", "left"],
            "rows": rows,
            "styles": styles,
        }
        return self._scene(
            "members", "members", title, " ".join(sentences), figures, visual, "view clusters"
        )

    # 3. how the movements were run: not in the data
    def movements(self) -> Scene:
        narration = (
            "(điền: các phong trào thi đua Cụm đã phát động và cách tổ chức thực hiện trong kỳ.)"
        )
        body = (
            "(điền: các phong trào thi đua đã phát động, việc ký giao ước thi đua và cách tổ "
            "chức thực hiện — mỗi ý một dòng)"
        )
        return self._scene(
            "movements",
            "movements",
            "Công tác tổ chức phong trào thi đua",
            narration,
            [],
            {"type": "text"},
            "",
            body,
            "Kho dữ liệu không có nội dung này: hãy viết lời dẫn và nội dung trên hình.",
            8,
        )

    # 4. indicators against targets
    def indicators(self) -> Scene:
        title = "Kết quả thực hiện các chỉ tiêu nghiệp vụ cơ bản"
        source = "view indicator_results"
        if self.ind.empty:
            narration = (
                f"Kho dữ liệu chưa có kết quả chỉ tiêu nghiệp vụ của Cụm trong {self.spoken}."
            )
            return self._scene(
                "indicators",
                "indicators",
                title,
                narration,
                [],
                {"type": "message", "text": narration},
                source,
            )
        base = f"FROM indicator_results WHERE {self.where}"
        total = int(self.ind["met"].notna().sum())
        met = int((self.ind["met"] == True).sum())  # noqa: E712 (nullable booleans)
        figures = [
            fig(
                "Số lượt chỉ tiêu có số liệu (toàn Cụm)", total, f"SELECT count(met) {base}", "lượt"
            ),
            fig(
                "Số lượt chỉ tiêu đạt (toàn Cụm)",
                met,
                f"SELECT count(*) FILTER (WHERE met) {base}",
                "lượt",
            ),
        ]
        groups: dict[tuple[int, int], list[_Unit]] = {}
        for r in self.ind_sum.itertuples():
            u = self.by_id.get(r.unit_id) or _Unit(r.unit_id, r.name, None, None)
            q = f"{base} AND unit_id = {_lit(r.unit_id)}"
            figures += [
                fig(
                    f"Số chỉ tiêu có số liệu — {u.name}",
                    r.n_indicators,
                    f"SELECT count(met) {q}",
                    "chỉ tiêu",
                ),
                fig(
                    f"Số chỉ tiêu đạt — {u.name}",
                    r.n_met,
                    f"SELECT count(*) FILTER (WHERE met) {q}",
                    "chỉ tiêu",
                ),
            ]
            groups.setdefault((int(r.n_met), int(r.n_indicators)), []).append(u)
        parts = []
        for (n_met, n_ind), us in sorted(groups.items(), key=lambda kv: (-kv[0][0], kv[0][1])):
            who = places([u.pair for u in us])
            if n_ind == 0:
                parts.append(f"{who} chưa có chỉ tiêu nào đủ số liệu để đánh giá")
            elif n_met == 0:
                parts.append(f"{who} chưa đạt chỉ tiêu nào trong {n_ind} chỉ tiêu")
            elif n_met == n_ind:
                parts.append(f"{who} đạt cả {n_ind} chỉ tiêu")
            else:
                parts.append(f"{who} đạt {n_met} trên {n_ind} chỉ tiêu")
        missing = [u for u in self.units if u.unit_id not in set(self.ind_sum["unit_id"])]
        sentences = [
            f"Về các chỉ tiêu nghiệp vụ cơ bản, toàn Cụm đạt {met} trên {total} lượt "
            "chỉ tiêu có số liệu.",
            upper_first("; ".join(parts)) + ".",
        ]
        if missing:
            sentences.append(
                f"{upper_first(places([u.pair for u in missing]))} chưa có số "
                "liệu chỉ tiêu trong kho dữ liệu."
            )
        visual, shown = self._indicator_table(base)
        return self._scene(
            "indicators", "indicators", title, " ".join(sentences), figures + shown, visual, source
        )

    def _indicator_table(self, base: str) -> tuple[dict, list[dict]]:
        """Indicators × members, each result marked met or missed; the figures it shows."""
        ind, figures = self.ind, []
        names = [u for u in self.units if u.unit_id in set(ind["unit_id"])]
        order = list(dict.fromkeys(ind["indicator_id"]))
        rows, styles = [], []
        for iid in order:
            part = ind[ind["indicator_id"] == iid]
            first = part.iloc[0]
            targets = part["target"].dropna().unique()
            sign = "≤" if first["direction"] == "lower" else "≥"
            label = first["indicator_name"]
            iq = f"{base} AND indicator_id = {_lit(iid)}"
            if len(targets) == 1:
                label += f" (chỉ tiêu {sign} {qty(targets[0], first['measure_unit'])})"
                figures.append(
                    fig(
                        f"{label} — chỉ tiêu",
                        targets[0],
                        f"SELECT DISTINCT target {iq} AND target IS NOT NULL",
                        first["measure_unit"],
                    )
                )
            row, style = [label], [None]
            for u in names:
                cell = part[part["unit_id"] == u.unit_id]
                if cell.empty or pd.isna(cell.iloc[0]["actual"]):
                    row.append("–")
                    style.append("muted")
                    continue
                c = cell.iloc[0]
                cq = f"{iq} AND unit_id = {_lit(u.unit_id)}"
                text = qty(c["actual"], c["measure_unit"])
                figures.append(
                    fig(
                        f"{c['indicator_name']} — {u.name}",
                        c["actual"],
                        f"SELECT actual {cq}",
                        c["measure_unit"],
                    )
                )
                if len(targets) != 1 and pd.notna(c["target"]):
                    text += f" / {qty(c['target'], c['measure_unit'])}"
                    figures.append(
                        fig(
                            f"{c['indicator_name']} — chỉ tiêu — {u.name}",
                            c["target"],
                            f"SELECT target {cq}",
                            c["measure_unit"],
                        )
                    )
                if pd.isna(c["met"]):
                    style.append("muted")
                elif bool(c["met"]):
                    text = "✓ " + text
                    style.append("ok")
                else:
                    text = "✗ " + text
                    style.append("bad")
                row.append(text)
            rows.append(row)
            styles.append(style)
        n = max(1, len(names))
        first_w = 0.34 if n <= 6 else 0.26
        widths = [first_w] + [(1 - first_w) / n] * n
        return {
            "type": "table",
            "columns": ["Chỉ tiêu"] + [u.name for u in names],
            "widths": widths,
            "align": ["left"] + ["center"] * n,
            "rows": rows,
            "styles": styles,
            "legend": "✓ đạt chỉ tiêu · ✗ chưa đạt · – không có số liệu",
        }, figures

    # 5. score ranking
    def ranking(self) -> Scene:
        title = "Kết quả chấm điểm, xếp hạng thi đua"
        source = "view score_ranking"
        if self.rank.empty:
            narration = (
                f"Kho dữ liệu chưa có kết quả chấm điểm thi đua của Cụm trong {self.spoken}."
            )
            return self._scene(
                "ranking",
                "ranking",
                title,
                narration,
                [],
                {"type": "message", "text": narration},
                source,
            )
        base = f"FROM score_ranking WHERE {self.where}"
        figures, parts = [], []
        by_rank: dict[int, list] = {}
        for r in self.rank.itertuples():
            q = f"{base} AND unit_id = {_lit(r.unit_id)}"
            figures += [
                fig(f"Tổng điểm — {r.name}", r.total_points, f"SELECT total_points {q}", "điểm"),
                fig(f"Xếp hạng — {r.name}", r.rank, f"SELECT rank {q}"),
            ]
            by_rank.setdefault(int(r.rank), []).append(r)
        for i, (rank, rows) in enumerate(sorted(by_rank.items())):
            us = [self.by_id.get(r.unit_id) or _Unit(r.unit_id, r.name, None, None) for r in rows]
            pts = num(rows[0].total_points)
            together = len(us) > 1
            if i == 0:
                who = join_vn([u.short for u in us])
                verb = "cùng dẫn đầu Cụm" if together else "dẫn đầu Cụm"
                parts.append(f"{who} {verb} với {pts} điểm")
            else:
                who = places([u.pair for u in us])
                verb = f"cùng xếp {ordinal(rank)}" if together else f"xếp {ordinal(rank)}"
                parts.append(f"{who} {verb} với {pts} điểm")
        sentences = ["Kết quả chấm điểm thi đua: " + "; ".join(parts) + "."]
        ranked = set(self.rank["unit_id"])
        missing = [u for u in self.units if u.unit_id not in ranked]
        notes = []
        if missing:
            who = places([u.pair for u in missing])
            sentences.append(f"{upper_first(who)} chưa có kết quả chấm điểm trong kho dữ liệu.")
            notes = [f"{u.short}: chưa có kết quả chấm điểm trong kho dữ liệu." for u in missing]
        self.charts["ranking"] = _chart("score_ranking", self.rank)
        top = self.rank[self.rank["rank"] == self.rank["rank"].min()]
        n_members = sum(1 for u in self.units if u.role)
        figures.append(
            fig("Số đơn vị được chấm điểm", len(self.rank), f"SELECT count(*) {base}", "đơn vị")
        )
        scored = str(len(self.rank))
        if n_members:
            figures.append(fig("Số đơn vị trong Cụm", n_members, self._units_query(), "đơn vị"))
            scored += f"/{n_members}"
        side = [
            {"label": "Dẫn đầu Cụm", "value": join_vn(list(top["name"]))},
            {"label": "Điểm cao nhất", "value": num(top["total_points"].iloc[0])},
            {"label": "Số đơn vị được chấm điểm", "value": scored},
        ]
        visual = {
            "type": "chart",
            "part": "parts/ranking.png",
            "width": 1260,
            "side": side,
            "notes": notes,
        }
        return self._scene(
            "ranking", "ranking", title, " ".join(sentences), figures, visual, source
        )

    # 6. awards and the change from the same period of the previous year
    def awards(self) -> Scene:
        title = f"Khen thưởng {period_label(self.period)}"
        source = "view awards (số lượt, không dùng danh sách cá nhân)"
        if self.aw_unit.empty:
            narration = f"Kho dữ liệu chưa có số liệu khen thưởng của Cụm trong {self.spoken}."
            return self._scene(
                "awards",
                "awards",
                title,
                narration,
                [],
                {"type": "message", "text": narration},
                source,
            )
        base = f"FROM awards WHERE {self.where}"
        coll, indiv = int(self.aw_unit["collective"].sum()), int(self.aw_unit["individual"].sum())
        total = coll + indiv
        figures = [
            fig("Năm", self.year, f"SELECT DISTINCT year {base}", "năm"),
            fig("Tổng số lượt khen thưởng", total, f"SELECT sum(count) {base}", "lượt"),
            fig(
                "Khen thưởng tập thể",
                coll,
                f"SELECT sum(count) {base} AND recipient_kind = 'tap_the'",
                "lượt",
            ),
            fig(
                "Khen thưởng cá nhân",
                indiv,
                f"SELECT sum(count) {base} AND recipient_kind = 'ca_nhan'",
                "lượt",
            ),
        ]
        start = upper_first(self.spoken)
        first = (
            f"{start}, toàn Cụm có {num(total)} lượt khen thưởng, gồm {num(coll)} lượt "
            f"tập thể và {num(indiv)} lượt cá nhân"
        )
        top = self._top_form(self.aw_form, base)
        if top:
            first += f"; trong đó {top[0]}"
            figures += top[1]
        sentences = [first + "."]
        side = [
            {"label": "Tổng số lượt khen thưởng", "value": num(total)},
            {"label": "Tập thể · Cá nhân", "value": f"{num(coll)} · {num(indiv)}"},
        ]
        # the same period of the previous year, for the same units
        prev = previous_period(self.period)
        pq = f"FROM awards WHERE period = {_lit(prev)} AND unit_id IN {_in(self.ids)}"
        prev_total = self.con.execute(f"SELECT sum(count) {pq}").fetchone()[0]
        prev_spoken = period_spoken(prev)
        if prev_total is None:
            sentences.append(
                "Kho dữ liệu chưa có số liệu khen thưởng cùng kỳ năm trước để so sánh."
            )
            side.append({"label": "Cùng kỳ năm trước", "value": "chưa có số liệu"})
        else:
            prev_total = int(prev_total)
            delta = total - prev_total
            figures += [
                fig("Năm so sánh", self.year - 1, f"SELECT DISTINCT year {pq}", "năm"),
                fig(
                    f"Tổng số lượt khen thưởng {period_label(prev)} (cùng đơn vị)",
                    prev_total,
                    f"SELECT sum(count) {pq}",
                    "lượt",
                ),
                fig(
                    "Tăng/giảm so với cùng kỳ năm trước",
                    delta,
                    f"SELECT (SELECT sum(count) {base}) - (SELECT sum(count) {pq})",
                    "lượt",
                ),
            ]
            if delta == 0:
                change = "tổng số lượt khen thưởng không thay đổi"
            else:
                change = f"{'tăng' if delta > 0 else 'giảm'} {num(abs(delta))} lượt"
            sentences.append(f"So với {prev_spoken} ({num(prev_total)} lượt), {change}.")
            sign = "+" if delta > 0 else ("−" if delta < 0 else "±")
            side.append({"label": f"Cùng kỳ {period_label(prev)}", "value": num(prev_total)})
            side.append({"label": "Tăng/giảm", "value": f"{sign}{num(abs(delta))}"})
        leader = self.aw_unit.iloc[0]
        lu = self.by_id.get(leader.unit_id) or _Unit(leader.unit_id, leader.name, None, None)
        ties = self.aw_unit[self.aw_unit["awards"] == leader["awards"]]
        if len(ties) == 1 and leader["awards"] > 0:
            sentences.append(
                f"Đơn vị có nhiều lượt khen thưởng nhất là {lu.short} với "
                f"{num(leader['awards'])} lượt."
            )
            figures.append(
                fig(
                    f"Tổng số lượt khen thưởng — {leader['name']}",
                    leader["awards"],
                    f"SELECT sum(count) {base} AND unit_id = {_lit(leader.unit_id)}",
                    "lượt",
                )
            )
        missing = [u for u in self.units if u.unit_id not in set(self.aw_unit["unit_id"])]
        notes = []
        if missing:
            sentences.append(
                f"{upper_first(places([u.pair for u in missing]))} chưa có số liệu "
                "khen thưởng trong kho dữ liệu."
            )
            notes = [f"{u.short}: chưa có số liệu khen thưởng." for u in missing]
        for r in self.aw_unit.itertuples():
            uq = f"{base} AND unit_id = {_lit(r.unit_id)}"
            figures += [
                fig(
                    f"Khen thưởng tập thể — {r.name}",
                    r.collective,
                    f"SELECT coalesce(sum(count), 0) {uq} AND recipient_kind = 'tap_the'",
                    "lượt",
                ),
                fig(
                    f"Khen thưởng cá nhân — {r.name}",
                    r.individual,
                    f"SELECT coalesce(sum(count), 0) {uq} AND recipient_kind = 'ca_nhan'",
                    "lượt",
                ),
            ]
        self.charts["awards"] = _chart("awards_by_unit", self.aw_unit)
        visual = {
            "type": "chart",
            "part": "parts/awards.png",
            "width": 1260,
            "side": side,
            "notes": notes,
        }
        return self._scene("awards", "awards", title, " ".join(sentences), figures, visual, source)

    def _top_form(self, forms: pd.DataFrame, base: str):
        """The highest award form with any recipient: its phrase and figures."""
        forms = by_rank(forms[forms["count"] > 0])
        if forms.empty:
            return None
        award_id = forms.iloc[0]["award_id"]
        part = forms[forms["award_id"] == award_id]
        name = part.iloc[0]["award_name"]
        counts, figs = [], []
        for kind, word in (("tap_the", "tập thể"), ("ca_nhan", "cá nhân")):
            row = part[part["recipient_kind"] == kind]
            if row.empty or row.iloc[0]["count"] == 0:
                continue
            value = row.iloc[0]["count"]
            counts.append(f"{num(value)} {word}")
            figs.append(
                fig(
                    f"{name} — {word}",
                    value,
                    f"SELECT sum(count) {base} AND award_id = {_lit(award_id)} "
                    f"AND recipient_kind = {_lit(kind)}",
                    "lượt",
                )
            )
        verb = "đạt danh hiệu" if award_id in TITLE_AWARDS else "được tặng"
        return f"{join_vn(counts)} {verb} {name}", figs

    # 7. initiatives
    def initiatives(self) -> Scene:
        title = "Phong trào sáng kiến, đề tài khoa học"
        source = "view initiatives"
        if self.ini.empty:
            narration = (
                f"Kho dữ liệu chưa có số liệu sáng kiến, đề tài của Cụm trong {self.spoken}."
            )
            return self._scene(
                "initiatives",
                "initiatives",
                title,
                narration,
                [],
                {"type": "message", "text": narration},
                source,
            )
        base = f"FROM initiatives WHERE {self.where}"
        total = int(self.ini["count"].sum())
        figures = [
            fig("Năm", self.year, f"SELECT DISTINCT year {base}", "năm"),
            fig("Tổng số sáng kiến, đề tài", total, f"SELECT sum(count) {base}"),
        ]
        by_level = self.ini.groupby("level")["count"].sum()
        words = {
            "co_so": "sáng kiến cấp cơ sở",
            "nganh": "sáng kiến cấp ngành",
            "de_tai_khoa_hoc": "đề tài khoa học",
        }
        parts, side = [], [{"label": "Tổng số sáng kiến, đề tài", "value": num(total)}]
        for level, word in words.items():
            value = int(by_level.get(level, 0))
            if level in by_level.index:
                figures.append(
                    fig(
                        LEVEL_LABELS[level],
                        value,
                        f"SELECT sum(count) {base} AND level = {_lit(level)}",
                    )
                )
                side.append({"label": upper_first(word), "value": num(value)})
            if value:
                parts.append(f"{num(value)} {word}")
        if total == 0:
            sentences = [
                f"{upper_first(self.spoken)}, các đơn vị trong Cụm chưa báo cáo sáng "
                "kiến, đề tài nào."
            ]
        else:
            sentences = [
                f"{upper_first(self.spoken)}, toàn Cụm có {num(total)} sáng kiến, đề "
                f"tài, gồm {join_vn(parts)}."
            ]
            per_unit = self.ini.groupby(["unit_id", "name"], as_index=False)["count"].sum()
            best = per_unit[per_unit["count"] == per_unit["count"].max()]
            if len(best) == 1:
                b = best.iloc[0]
                bu = self.by_id.get(b.unit_id) or _Unit(b.unit_id, b["name"], None, None)
                sentences.append(
                    f"Nhiều nhất là {bu.short} với {num(b['count'])} sáng kiến, đề tài."
                )
                figures.append(
                    fig(
                        f"Sáng kiến, đề tài — {b['name']}",
                        b["count"],
                        f"SELECT sum(count) {base} AND unit_id = {_lit(b.unit_id)}",
                    )
                )
        missing = [u for u in self.units if u.unit_id not in set(self.ini["unit_id"])]
        notes = []
        if missing:
            sentences.append(
                f"{upper_first(places([u.pair for u in missing]))} chưa có số liệu "
                "sáng kiến trong kho dữ liệu."
            )
            notes = [f"{u.short}: chưa có số liệu sáng kiến." for u in missing]
        for r in self.ini.itertuples():
            figures.append(
                fig(
                    f"{LEVEL_LABELS.get(r.level, r.level)} — {r.name}",
                    r.count,
                    f"SELECT sum(count) {base} AND unit_id = {_lit(r.unit_id)} "
                    f"AND level = {_lit(r.level)}",
                )
            )
        self.charts["initiatives"] = _chart("initiatives_by_unit", self.ini)
        visual = {
            "type": "chart",
            "part": "parts/initiatives.png",
            "width": 1260,
            "side": side,
            "notes": notes,
        }
        return self._scene(
            "initiatives", "initiatives", title, " ".join(sentences), figures, visual, source
        )

    # 8. one highlight per member
    def highlight(self, u: _Unit) -> Scene:
        role = ROLE_LABELS.get(u.role, "") if u.role in ("truong", "pho") else ""
        title = u.short + (f" — {role}" if role else "")
        sid = f"highlight:{u.unit_id}"
        where = f"{self.where} AND unit_id = {_lit(u.unit_id)}"
        figures, sentences, tiles, left, right = [], [], [], [], []
        subject = u.short + (f", {role}," if role else "")
        # score and rank
        r = self.rank[self.rank["unit_id"] == u.unit_id]
        if not r.empty:
            r = r.iloc[0]
            ranked = len(self.rank)
            q = f"FROM score_ranking WHERE {where}"
            figures += [
                fig("Tổng điểm thi đua", r.total_points, f"SELECT total_points {q}", "điểm"),
                fig("Xếp hạng trong Cụm", r["rank"], f"SELECT rank {q}"),
                fig(
                    "Số đơn vị được chấm điểm",
                    ranked,
                    f"SELECT count(*) FROM score_ranking WHERE {self.where}",
                ),
            ]
            tie = int((self.rank["rank"] == r["rank"]).sum()) > 1
            if int(r["rank"]) == 1:
                standing = "cùng dẫn đầu Cụm" if tie else "dẫn đầu Cụm"
            else:
                standing = ("cùng " if tie else "") + f"xếp {ordinal(r['rank'])} trong Cụm"
            sentences.append(f"{subject} đạt {num(r.total_points)} điểm thi đua, {standing}.")
            tiles.append(
                {
                    "label": "Tổng điểm thi đua",
                    "value": num(r.total_points),
                    "sub": f"xếp hạng {int(r['rank'])}/{ranked}",
                }
            )
        else:
            sentences.append(f"{subject} chưa có kết quả chấm điểm trong kho dữ liệu.")
            tiles.append({"label": "Tổng điểm thi đua", "value": "–", "sub": "chưa có số liệu"})
        # indicators: the best results
        ind = self.ind[self.ind["unit_id"] == u.unit_id]
        judged = ind[ind["met"].notna()]
        if not judged.empty:
            q = f"FROM indicator_results WHERE {where}"
            n_ind, n_met = len(judged), int((judged["met"] == True).sum())  # noqa: E712
            figures += [
                fig("Số chỉ tiêu có số liệu", n_ind, f"SELECT count(met) {q}", "chỉ tiêu"),
                fig(
                    "Số chỉ tiêu đạt", n_met, f"SELECT count(*) FILTER (WHERE met) {q}", "chỉ tiêu"
                ),
            ]
            tiles.append(
                {"label": "Chỉ tiêu đạt", "value": f"{n_met}/{n_ind}", "sub": "chỉ tiêu có số liệu"}
            )
            met = judged[judged["met"] == True].copy()  # noqa: E712
            if not met.empty:
                met["rel"] = met["margin"] / met["target"].where(met["target"] != 0, 1).abs()
                best = met.sort_values(["rel", "indicator_name"], ascending=[False, True]).head(2)
                phrases = []
                for b in best.itertuples():
                    iq = f"{q} AND indicator_id = {_lit(b.indicator_id)}"
                    figures += [
                        fig(
                            f"{b.indicator_name} — kết quả",
                            b.actual,
                            f"SELECT actual {iq}",
                            b.measure_unit,
                        ),
                        fig(
                            f"{b.indicator_name} — chỉ tiêu",
                            b.target,
                            f"SELECT target {iq}",
                            b.measure_unit,
                        ),
                    ]
                    phrases.append(
                        f"{lower_first(b.indicator_name)} đạt "
                        f"{qty(b.actual, b.measure_unit)} (chỉ tiêu "
                        f"{qty(b.target, b.measure_unit)})"
                    )
                lead = (
                    f"Đạt cả {n_ind} chỉ tiêu nghiệp vụ"
                    if n_met == n_ind
                    else f"Đạt {n_met} trên {n_ind} chỉ tiêu nghiệp vụ"
                )
                sentences.append(f"{lead}, nổi bật là {join_vn(phrases)}.")
                for m in met.sort_values("indicator_name").itertuples():
                    iq = f"{q} AND indicator_id = {_lit(m.indicator_id)}"
                    figures += [
                        fig(
                            f"{m.indicator_name} — kết quả",
                            m.actual,
                            f"SELECT actual {iq}",
                            m.measure_unit,
                        ),
                        fig(
                            f"{m.indicator_name} — chỉ tiêu",
                            m.target,
                            f"SELECT target {iq}",
                            m.measure_unit,
                        ),
                    ]
                    left.append(
                        f"✓ {m.indicator_name}: {qty(m.actual, m.measure_unit)} "
                        f"(chỉ tiêu {qty(m.target, m.measure_unit)})"
                    )
            else:
                sentences.append(
                    f"Chưa đạt chỉ tiêu nào trong {n_ind} chỉ tiêu nghiệp vụ có số liệu."
                )
                left.append(f"Chưa đạt chỉ tiêu nào trong {n_ind} chỉ tiêu có số liệu.")
        else:
            tiles.append({"label": "Chỉ tiêu đạt", "value": "–", "sub": "chưa có số liệu"})
            left.append("Chưa có số liệu chỉ tiêu trong kho dữ liệu.")
        # awards (counts only)
        aw = self.aw_unit[self.aw_unit["unit_id"] == u.unit_id]
        if not aw.empty:
            a = aw.iloc[0]
            q = f"FROM awards WHERE {where}"
            figures += [
                fig("Tổng số lượt khen thưởng", a["awards"], f"SELECT sum(count) {q}", "lượt"),
                fig(
                    "Khen thưởng tập thể",
                    a["collective"],
                    f"SELECT sum(count) {q} AND recipient_kind = 'tap_the'",
                    "lượt",
                ),
                fig(
                    "Khen thưởng cá nhân",
                    a["individual"],
                    f"SELECT sum(count) {q} AND recipient_kind = 'ca_nhan'",
                    "lượt",
                ),
            ]
            tiles.append(
                {
                    "label": "Lượt khen thưởng",
                    "value": num(a["awards"]),
                    "sub": f"{num(a['collective'])} tập thể · {num(a['individual'])} cá nhân",
                }
            )
            if a["awards"] > 0:
                text = (
                    f"Được khen thưởng {num(a['awards'])} lượt, gồm "
                    f"{num(a['collective'])} tập thể và {num(a['individual'])} cá nhân"
                )
                forms = A.awards_by_form(self.con, self.period, self.n, u.unit_id)
                top = self._top_form(forms, q)
                if top:
                    text += f"; trong đó {top[0]}"
                    figures += top[1]
                sentences.append(text + ".")
                for f_ in by_rank(forms[forms["count"] > 0]).itertuples():
                    figures.append(
                        fig(
                            f"{f_.award_name} — {f_.recipient_label.lower()}",
                            f_.count,
                            f"SELECT sum(count) {q} AND award_id = "
                            f"{_lit(f_.award_id)} AND recipient_kind = "
                            f"{_lit(f_.recipient_kind)}",
                            "lượt",
                        )
                    )
                    right.append(f"{f_.award_name}: {num(f_.count)} {f_.recipient_label.lower()}")
            else:
                sentences.append("Chưa có lượt khen thưởng nào trong kỳ.")
                right.append("Chưa có lượt khen thưởng nào trong kỳ.")
        else:
            tiles.append({"label": "Lượt khen thưởng", "value": "–", "sub": "chưa có số liệu"})
            right.append("Chưa có số liệu khen thưởng trong kho dữ liệu.")
        # initiatives
        ini = self.ini[self.ini["unit_id"] == u.unit_id]
        if not ini.empty:
            total = ini["count"].sum()
            figures.append(
                fig("Sáng kiến, đề tài", total, f"SELECT sum(count) FROM initiatives WHERE {where}")
            )
            tiles.append({"label": "Sáng kiến, đề tài", "value": num(total), "sub": ""})
            if total > 0:
                sentences.append(f"Có {num(total)} sáng kiến, đề tài.")
        else:
            tiles.append({"label": "Sáng kiến, đề tài", "value": "–", "sub": "chưa có số liệu"})
        if not figures:
            narration = f"{u.short} chưa có số liệu nào của {self.spoken} trong kho dữ liệu."
            return self._scene(
                sid, "highlight", title, narration, [], {"type": "message", "text": narration}, ""
            )
        visual = {
            "type": "highlight",
            "tiles": tiles,
            "left_title": "Kết quả nổi bật",
            "left": left,
            "right_title": "Khen thưởng theo hình thức",
            "right": right,
        }
        body = "Cách làm hay: (điền cách làm hay, mô hình hiệu quả của đơn vị)"
        return self._scene(
            sid,
            "highlight",
            title,
            " ".join(sentences),
            figures,
            visual,
            "các view score_ranking, indicator_results, awards, initiatives",
            body,
            "Kho dữ liệu không có cách làm hay: hãy điền ở cột «Nội dung "
            "trên hình» (và thêm vào lời dẫn nếu cần).",
        )

    # 9. shortcomings: targets missed
    def shortcomings(self) -> Scene:
        title = "Hạn chế: các chỉ tiêu chưa đạt"
        source = "view indicator_results"
        body = "Giải pháp khắc phục: (điền nguyên nhân và giải pháp khắc phục)"
        if self.ind.empty or self.ind["met"].isna().all():
            narration = (
                "Kho dữ liệu chưa có kết quả chỉ tiêu của kỳ này nên chưa đánh giá được "
                "các chỉ tiêu chưa đạt."
            )
            return self._scene(
                "shortcomings",
                "shortcomings",
                title,
                narration,
                [],
                {"type": "message", "text": narration},
                source,
                body,
            )
        base = f"FROM indicator_results WHERE {self.where}"
        missed = self.ind[self.ind["met"] == False].copy()  # noqa: E712
        figures = [
            fig(
                "Số lượt chỉ tiêu chưa đạt (toàn Cụm)",
                len(missed),
                f"SELECT count(*) FILTER (WHERE NOT met) {base}",
                "lượt",
            )
        ]
        if missed.empty:
            narration = "Trong kỳ, tất cả các chỉ tiêu có số liệu của các đơn vị trong Cụm đều đạt."
            return self._scene(
                "shortcomings",
                "shortcomings",
                title,
                narration,
                figures,
                {"type": "message", "text": narration},
                source,
                body,
            )
        sentences = [
            f"Bên cạnh kết quả đạt được, toàn Cụm còn {len(missed)} lượt chỉ tiêu chưa đạt."
        ]
        for iid in dict.fromkeys(missed["indicator_id"]):
            part = missed[missed["indicator_id"] == iid].sort_values("margin")
            first = part.iloc[0]
            iq = f"{base} AND indicator_id = {_lit(iid)}"
            unit = first["measure_unit"]
            us = [
                self.by_id.get(x) or _Unit(x, n, None, None)
                for x, n in zip(part["unit_id"], part["name"], strict=True)
            ]
            targets = part["target"].dropna().unique()
            what = upper_first(first["indicator_name"])
            if len(targets) == 1:
                what += f" chưa đạt chỉ tiêu {qty(targets[0], unit)}"
                figures.append(
                    fig(
                        f"{first['indicator_name']} — chỉ tiêu",
                        targets[0],
                        f"SELECT DISTINCT target {iq} AND NOT met",
                        unit,
                    )
                )
            else:
                what += " chưa đạt chỉ tiêu"
            worst_u = us[0]
            wq = f"{iq} AND unit_id = {_lit(first['unit_id'])}"
            figures.append(
                fig(
                    f"{first['indicator_name']} — {first['name']}",
                    first["actual"],
                    f"SELECT actual {wq}",
                    unit,
                )
            )
            if len(part) == 1:
                sentences.append(
                    f"{what} tại {worst_u.place}, mới đạt {qty(first['actual'], unit)}."
                )
            else:
                figures.append(
                    fig(
                        f"{first['indicator_name']} — số đơn vị chưa đạt",
                        len(part),
                        f"SELECT count(*) FILTER (WHERE NOT met) {iq}",
                        "đơn vị",
                    )
                )
                extreme = "cao nhất" if first["direction"] == "lower" else "thấp nhất"
                sentences.append(
                    f"{what} tại {len(part)} đơn vị, {extreme} là {worst_u.place} "
                    f"với {qty(first['actual'], unit)}."
                )
        sentences.append(
            "Các đơn vị cần phân tích rõ nguyên nhân và có giải pháp khắc phục trong kỳ tới."
        )
        rows, styles = [], []
        for iid in dict.fromkeys(missed["indicator_id"]):
            part = missed[missed["indicator_id"] == iid].sort_values(["margin", "name"])
            first = part.iloc[0]
            sign = "≤" if first["direction"] == "lower" else "≥"
            targets = part["target"].dropna().unique()
            target = (
                f"{sign} {qty(targets[0], first['measure_unit'])}"
                if len(targets) == 1
                else "theo từng đơn vị"
            )
            cells = [f"{m.name}: {qty(m.actual, m.measure_unit)}" for m in part.itertuples()]
            iq = f"{base} AND indicator_id = {_lit(iid)}"
            figures.append(
                fig(
                    f"{first['indicator_name']} — số đơn vị chưa đạt",
                    len(part),
                    f"SELECT count(*) FILTER (WHERE NOT met) {iq}",
                    "đơn vị",
                )
            )
            figures += [
                fig(
                    f"{m.indicator_name} — {m.name}",
                    m.actual,
                    f"SELECT actual {iq} AND unit_id = {_lit(m.unit_id)}",
                    m.measure_unit,
                )
                for m in part.itertuples()
            ]
            rows.append([first["indicator_name"], target, str(len(part)), " · ".join(cells)])
            styles.append([None, None, "bad", "bad"])
        visual = {
            "type": "table",
            "columns": [
                "Chỉ tiêu",
                "Chỉ tiêu đề ra",
                "Số đơn vị chưa đạt",
                "Đơn vị chưa đạt: kết quả",
            ],
            "widths": [0.33, 0.13, 0.12, 0.42],
            "align": ["left", "center", "center", "left"],
            "rows": rows,
            "styles": styles,
        }
        return self._scene(
            "shortcomings",
            "shortcomings",
            title,
            " ".join(sentences),
            figures,
            visual,
            source,
            body,
            "Điền nguyên nhân và giải pháp khắc phục ở cột «Nội dung trên hình».",
        )

    # 10. closing: the direction of the next period, left to the analyst
    def closing(self) -> Scene:
        title = f"Phương hướng, nhiệm vụ {next_period_label(self.period)}"
        narration = "(điền: phương hướng, nhiệm vụ trọng tâm của Cụm trong kỳ tới.)"
        body = "(điền phương hướng, nhiệm vụ trọng tâm của kỳ tới — mỗi ý một dòng)"
        return self._scene(
            "closing",
            "closing",
            title,
            narration,
            [],
            {"type": "text"},
            "",
            body,
            "Viết phương hướng, nhiệm vụ kỳ tới: lời dẫn và nội dung trên hình.",
            10,
        )


def by_rank(forms: pd.DataFrame) -> pd.DataFrame:
    """Award forms from the highest (reference order, `rank` in award_forms.csv) down;
    collectives before individuals."""
    from pipeline.core.refdata import read_csv

    rank = {r["award_id"]: int(r["rank"]) for r in read_csv("award_forms.csv")}
    out = forms.assign(
        _r=forms["award_id"].map(rank).fillna(99),
        _k=(forms["recipient_kind"] != "tap_the").astype(int),
    )
    return out.sort_values(["_r", "_k"]).drop(columns=["_r", "_k"])


def _chart(kind: str, frame: pd.DataFrame):
    """A chart of pipeline.publish.charts, restyled for a 1080p frame (the frame carries the title)."""
    from pipeline.publish import charts as C

    fig_ = getattr(C, kind)(frame, "")
    fig_.update_layout(
        title=None,
        font=dict(size=26),
        margin=dict(t=30, l=30, r=50, b=110),
        legend=dict(font=dict(size=24), y=0.0, yref="container"),
    )
    fig_.update_traces(textfont_size=26, textangle=0, selector=dict(type="bar"))
    if kind == "initiatives_by_unit":  # a label too big for its segment is left out
        fig_.update_layout(uniformtext=dict(minsize=22, mode="hide"))
    return fig_


# -- storyboard.json ---------------------------------------------------------------------------


def to_json(sb: Storyboard) -> dict:
    return {
        "cluster_no": sb.cluster_no,
        "period": sb.period,
        "period_label": sb.label,
        "illustrative": sb.illustrative,
        "illustrative_label": ILLUSTRATIVE if sb.illustrative else "",
        "warehouse": sb.warehouse,
        "created": sb.created,
        "total_duration": sb.total_duration(),
        "scenes": [asdict(s) for s in sb.scenes],
    }


def write_json(sb: Storyboard, path: Path) -> Path:
    path.write_text(json.dumps(to_json(sb), ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def read_json(path: Path) -> Storyboard:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    scenes = [Scene(**s) for s in data["scenes"]]
    return Storyboard(
        data["cluster_no"],
        data["period"],
        data["illustrative"],
        scenes,
        data.get("warehouse", ""),
        data.get("created", ""),
    )


# -- storyboard.xlsx -------------------------------------------------------------------------------

SHEET = "Kịch bản"
COLUMNS = [
    "STT",
    "Loại cảnh",
    "Tiêu đề",
    "Lời dẫn",
    "Thời lượng (giây)",
    "Giữ/Bỏ",
    "Nội dung trên hình",
    "Số liệu (tham khảo, không sửa)",
    "Ảnh",
    "Ghi chú",
    "Mã cảnh",
]
EDITABLE = {"Tiêu đề", "Lời dẫn", "Thời lượng (giây)", "Giữ/Bỏ", "Nội dung trên hình"}
KEEP, DROP = "giữ", "bỏ"


def figures_text(scene: Scene) -> str:
    lines = []
    for f in scene.figures:
        value = str(f["value"]) if f.get("unit") == "năm" else num(f["value"])
        unit = f.get("unit")
        shown = (
            f"{value}%" if unit == "%" else (f"{value} {unit}" if unit and unit != "năm" else value)
        )
        lines.append(f"{f['label']}: {shown}")
    if scene.source:
        lines.append(f"Nguồn: {scene.source}")
    return "\n".join(lines)


def write_xlsx(sb: Storyboard, path: Path, out_dir: Path | None = None) -> Path:
    """One row per scene; the analyst edits title, narration, duration, keep, on-screen text.
    Text that would start a formula is neutralised: read-only cells through
    `pipeline.export.safe_cell`, editable ones with Excel's quote prefix (so the analyst's
    wording comes back unchanged)."""
    import xlsxwriter

    out_dir = Path(out_dir or path.parent)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    ws = wb.add_worksheet(SHEET)
    base = {
        "font_name": "Arial",
        "font_size": 11,
        "valign": "top",
        "text_wrap": True,
        "border": 1,
        "border_color": "#b0b7c0",
    }
    f_head = wb.add_format(
        {
            **base,
            "bold": True,
            "bg_color": "#1b3a6b",
            "font_color": "white",
            "valign": "vcenter",
            "locked": True,
        }
    )
    f_ro = wb.add_format({**base, "bg_color": "#f1f3f5", "locked": True})
    f_ro_small = wb.add_format({**base, "bg_color": "#f1f3f5", "locked": True, "font_size": 9})
    f_edit = wb.add_format({**base, "locked": False})
    f_edit_q = wb.add_format({**base, "locked": False, "quote_prefix": True})
    f_num = wb.add_format({**base, "locked": False, "num_format": "0.0"})
    f_title = wb.add_format({"bold": True, "font_size": 14, "font_name": "Arial"})
    f_warn = wb.add_format(
        {"bold": True, "font_size": 12, "font_color": "#b00020", "font_name": "Arial"}
    )
    f_note = wb.add_format(
        {"italic": True, "font_size": 10, "font_name": "Arial", "font_color": "#444444"}
    )
    ws.write_string(
        0,
        0,
        f"Kịch bản clip báo cáo — Cụm thi đua số {sb.cluster_no} — "
        f"{upper_first(review_name(sb.period))}",
        f_title,
    )
    ws.write_string(
        1,
        0,
        (
            f"{ILLUSTRATIVE} — không phải số liệu thật"
            if sb.illustrative
            else "Số liệu lấy từ kho dữ liệu thi đua, khen thưởng"
        ),
        f_warn,
    )
    ws.write_string(
        2,
        0,
        "Sửa các ô nền trắng (Tiêu đề, Lời dẫn, Thời lượng, Giữ/Bỏ, Nội dung "
        "trên hình), lưu tệp rồi chạy: thidua clip --from "
        + path.name
        + "  (đường dẫn đầy đủ của tệp này)",
        f_note,
    )
    header_row = 3
    for c, name in enumerate(COLUMNS):
        ws.write_string(header_row, c, name, f_head)
    widths = [5, 16, 32, 70, 11, 8, 40, 46, 36, 30, 18]
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    ws.set_column(len(COLUMNS) - 1, len(COLUMNS) - 1, 18, None, {"hidden": True})
    thumbs = out_dir / "parts" / "thumbs"
    for i, s in enumerate(sb.scenes):
        r = header_row + 1 + i
        values = [
            i + 1,
            SCENE_LABELS.get(s.kind, s.kind),
            s.title,
            s.narration,
            s.duration,
            KEEP if s.keep else DROP,
            s.body,
            figures_text(s),
            s.image,
            s.note,
            s.id,
        ]
        for c, (name, value) in enumerate(zip(COLUMNS, values, strict=True)):
            editable = name in EDITABLE
            if name == "Thời lượng (giây)":
                ws.write_number(r, c, float(value), f_num)
                continue
            if name == "STT":
                ws.write_number(r, c, i + 1, f_ro)
                continue
            if name == "Ảnh" and value:
                ws.write_url(
                    r, c, f"external:{value}", f_ro, string=str(value), tip="Mở khung hình"
                )
                continue
            text = "" if value is None else str(value)
            fmt = f_edit if editable else (f_ro_small if name.startswith("Số liệu") else f_ro)
            if editable and text.startswith(DANGEROUS_START):
                # Excel's own quote prefix: shown and kept as text, read back unchanged
                fmt = f_edit_q
            elif not editable:
                text = safe_cell(text)
            ws.write_string(r, c, text, fmt)
        lines = max(len(s.narration) // 62 + 1, len(s.figures) + 1, s.body.count("\n") + 2)
        ws.set_row(r, max(112, min(400, 15 * lines)))
        thumb = thumbs / Path(s.image).name if s.image else None
        if thumb is not None and thumb.exists():
            ws.insert_image(r, 8, str(thumb), {"x_offset": 4, "y_offset": 4, "object_position": 1})
    first, last = header_row + 1, header_row + len(sb.scenes)
    ws.data_validation(
        first,
        5,
        last,
        5,
        {
            "validate": "list",
            "source": [KEEP, DROP],
            "error_title": "Giữ/Bỏ",
            "error_message": "Chọn «giữ» để giữ cảnh hoặc «bỏ» để bỏ cảnh khỏi clip.",
        },
    )
    ws.data_validation(
        first,
        4,
        last,
        4,
        {
            "validate": "decimal",
            "criteria": "between",
            "minimum": 1,
            "maximum": 600,
            "error_title": "Thời lượng",
            "error_message": "Thời lượng là số giây, từ 1 đến 600.",
        },
    )
    ws.freeze_panes(header_row + 1, 3)
    ws.protect(
        "",
        {
            "format_columns": True,
            "format_rows": True,
            "select_locked_cells": True,
            "select_unlocked_cells": True,
        },
    )
    help_ws = wb.add_worksheet("Hướng dẫn")
    help_ws.set_column(0, 0, 110)
    for r, line in enumerate(
        [
            "Cách sửa kịch bản clip",
            "1. Sửa Tiêu đề, Lời dẫn (phụ đề), Thời lượng (giây), Nội dung trên hình ở trang «Kịch "
            "bản». Các cột nền xám là số liệu tham khảo: sửa ở đây không đổi số liệu.",
            "2. Chọn «bỏ» ở cột Giữ/Bỏ để bỏ một cảnh; «giữ» để giữ lại. Có thể đổi thứ tự các "
            "dòng: clip theo thứ tự dòng.",
            "3. Các chỗ «(điền …)» là nội dung kho dữ liệu không có (chủ đề năm, phong trào, cách "
            "làm hay, giải pháp, phương hướng): hãy viết thay.",
            "4. Lưu tệp rồi chạy: thidua clip --from <thư mục clip>/storyboard.xlsx — khung hình, "
            "phụ đề và video xem trước được dựng lại, giữ nguyên lời văn đã sửa.",
            "5. Mỗi số trong lời dẫn do máy viết đều lấy từ cột «Số liệu»; khi sửa lời dẫn, lệnh "
            "sẽ nhắc nếu có số không thấy trong số liệu của cảnh.",
            "Không có tên cá nhân được khen thưởng trong clip: chỉ dùng số lượt khen thưởng.",
            (f"{ILLUSTRATIVE}: số liệu mẫu, không phải số liệu thật." if sb.illustrative else ""),
        ]
    ):
        help_ws.write_string(r, 0, line, f_title if r == 0 else f_note)
    wb.close()
    return path


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\r\n", "\n").strip()


def _duration(value, row: int) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        d = float(value)
    else:
        text = _cell_text(value).replace("giây", "").replace("s", "").strip()
        try:
            d = float(text.replace(",", "."))
        except ValueError:
            raise ClipError(
                f"Dòng {row}, cột «Thời lượng (giây)»: «{text}» không phải số giây "
                "(ví dụ 12 hoặc 12,5)."
            ) from None
    if not 1 <= d <= 600:
        raise ClipError(
            f"Dòng {row}, cột «Thời lượng (giây)»: {num(d)} giây nằm ngoài khoảng 1 đến 600 giây."
        )
    return round(d * STEPS) / STEPS


def read_xlsx_edits(path: Path, sb: Storyboard) -> Storyboard:
    """The analyst's edits applied to the storyboard beside it: wording, durations, keep/drop
    and row order; figures stay those of storyboard.json. Rows deleted from the sheet drop
    their scene."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:
        raise ClipError(f"Không mở được «{path}»: {exc}") from exc
    if SHEET not in wb.sheetnames:
        raise ClipError(f"Tệp «{path}» không có trang «{SHEET}».")
    ws = wb[SHEET]
    header, cols = None, {}
    for row in ws.iter_rows(min_row=1, max_row=20):
        names = [_cell_text(c.value) for c in row]
        if "Mã cảnh" in names and "Lời dẫn" in names:
            header = row[0].row
            cols = {n: i for i, n in enumerate(names) if n}
            break
    if header is None:
        raise ClipError(
            f"Trang «{SHEET}» của «{path}» không có dòng tiêu đề cột (STT, Lời dẫn, "
            "Mã cảnh…): tệp không phải kịch bản do «thidua clip» ghi."
        )
    by_id = {s.id: s for s in sb.scenes}
    ordered, seen = [], set()
    for row in ws.iter_rows(min_row=header + 1):
        cells = [c.value for c in row]

        def get(name, cells=cells):
            i = cols.get(name)
            return cells[i] if i is not None and i < len(cells) else None

        sid = _cell_text(get("Mã cảnh"))
        if not sid:
            continue
        r = row[0].row
        if sid not in by_id:
            raise ClipError(
                f"Dòng {r}: mã cảnh «{sid}» không có trong storyboard.json bên cạnh "
                "tệp; đừng sửa cột «Mã cảnh»."
            )
        if sid in seen:
            raise ClipError(f"Dòng {r}: cảnh «{sid}» xuất hiện hai lần.")
        seen.add(sid)
        s = by_id[sid]
        keep_word = fold(_cell_text(get("Giữ/Bỏ")))
        if keep_word in ("", "giu", "x", "co"):
            s.keep = True
        elif keep_word in ("bo", "khong"):
            s.keep = False
        else:
            raise ClipError(
                f"Dòng {r}, cột «Giữ/Bỏ»: «{_cell_text(get('Giữ/Bỏ'))}» — hãy ghi "
                f"«{KEEP}» hoặc «{DROP}»."
            )
        s.title = _cell_text(get("Tiêu đề")) or s.title
        s.narration = _cell_text(get("Lời dẫn"))
        if "Nội dung trên hình" in cols:
            s.body = _cell_text(get("Nội dung trên hình"))
        s.duration = _duration(get("Thời lượng (giây)"), r)
        ordered.append(s)
    for s in sb.scenes:
        if s.id not in seen:
            s.keep = False
            ordered.append(s)
    sb.scenes = ordered
    if not sb.kept():
        raise ClipError("Mọi cảnh đều đang ở trạng thái «bỏ»: clip cần ít nhất một cảnh.")
    return sb


# -- the two ways to make a clip ---------------------------------------------------------------


def default_out(cluster_no: int, period: str) -> Path:
    return paths.CLIPS / f"cum{cluster_no}_{(period or '').strip().upper()}"


def make_clip(
    warehouse: Path, cluster_no: int, period: str, out_dir: Path | None = None, progress=None
) -> Storyboard:
    """From the warehouse: storyboard.json, storyboard.xlsx, frames, subtitles, preview."""
    from pipeline.clip.render import render
    from pipeline.load.warehouse import open_reader

    say = progress or (lambda _m: None)
    period = (period or "").strip().upper()
    out_dir = Path(out_dir or default_out(cluster_no, period))
    if not Path(warehouse).exists():
        raise ClipError(
            f"Chưa có kho dữ liệu «{warehouse}»: hãy chạy «make run» hoặc «thidua build» trước."
        )
    say(f"Đọc kho dữ liệu {warehouse}…")
    con = open_reader(Path(warehouse))
    try:
        sb = build_storyboard(con, cluster_no, period, str(warehouse))
    finally:
        con.close()
    say(
        f"Dựng kịch bản: {len(sb.scenes)} cảnh, {sb.total_duration():g} giây"
        + (f" ({ILLUSTRATIVE})" if sb.illustrative else "")
        + "."
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    render(sb, out_dir, say)
    write_json(sb, out_dir / "storyboard.json")
    say("Ghi storyboard.json và storyboard.xlsx…")
    write_xlsx(sb, out_dir / "storyboard.xlsx", out_dir)
    return sb


def rerender(xlsx: Path, progress=None) -> tuple[Storyboard, list[str]]:
    """After the analyst's edits in storyboard.xlsx: frames, subtitles and preview again, with
    their wording. Returns the storyboard and warnings (numbers not among a scene's figures,
    placeholders still to fill)."""
    from pipeline.clip.render import render

    say = progress or (lambda _m: None)
    xlsx = Path(xlsx)
    if not xlsx.is_file():
        raise ClipError(f"Không tìm thấy tệp kịch bản «{xlsx}».")
    js = xlsx.parent / "storyboard.json"
    if not js.is_file():
        raise ClipError(
            f"Không thấy «{js.name}» bên cạnh «{xlsx}»: tệp kịch bản phải nằm "
            "trong thư mục clip do «thidua clip» ghi."
        )
    say(f"Đọc các chỉnh sửa trong {xlsx}…")
    sb = read_xlsx_edits(xlsx, read_json(js))
    warnings = []
    for i, s in enumerate(sb.kept(), 1):
        stray = unmatched_numbers(s)
        if stray:
            warnings.append(
                f"Cảnh {i} «{s.title}»: số {', '.join(stray)} trong lời dẫn không "
                "có trong số liệu của cảnh — hãy kiểm tra lại."
            )
        if is_placeholder(s.narration) or is_placeholder(s.body) or is_placeholder(s.title):
            warnings.append(f"Cảnh {i} «{s.title}»: còn chỗ «(điền …)» chưa viết.")
    say(f"Giữ {len(sb.kept())}/{len(sb.scenes)} cảnh, {sb.total_duration():g} giây.")
    render(sb, xlsx.parent, say)
    write_json(sb, js)
    return sb, warnings
