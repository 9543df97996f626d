"""What a clip reads from the warehouse, read once: the request checked, the cluster's units
in role order, the frames of the public views its scenes draw on, and the figure helpers
(each figure carries the SQL on the public views that gives it back)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from pipeline.clip.model import PERIOD_RE, ClipError
from pipeline.clip.wording import place, unit_short
from pipeline.core.period import period_label, period_spoken, previous_period
from pipeline.core.refdata import read_csv
from pipeline.core.text import fold
from pipeline.publish import analytics as A

PUBLIC_VIEWS = A.FACT_VIEWS


def lit(value) -> str:
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def in_list(ids) -> str:
    return "(" + ", ".join(lit(i) for i in ids) + ")"


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
class Unit:
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


def check_request(con, cluster_no: int, period: str) -> None:
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


def cluster_units(con, cluster_no: int, year: int, period: str) -> list[Unit]:
    """Members in role order; units with figures but no membership row come after them."""
    kinds = dict(con.execute("SELECT unit_id, kind FROM units").fetchall())
    m = A.members(con, year, cluster_no)
    out = [Unit(r.unit_id, r.name, kinds.get(r.unit_id), r.role) for r in m.itertuples()]
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
    out += [Unit(uid, name, kinds.get(uid), None) for uid, name in extra if uid not in seen]
    return out


def membership_illustrative(con, year: int, cluster_no: int) -> bool:
    row = con.execute(
        "SELECT bool_or(illustrative) FROM clusters WHERE year = ? AND cluster_no = ?",
        [year, cluster_no],
    ).fetchone()
    return bool(row and row[0])


# Why a unit of the cluster has no figure in a view, in words («dòng bị từ chối», …).
VIEW_SHEETS = {
    "score_ranking": ("scores", "điểm"),
    "indicator_results": ("indicator_results", "số liệu chỉ tiêu"),
    "awards": ("awards", "số liệu khen thưởng"),
    "initiatives": ("initiatives", "số liệu sáng kiến"),
}


@dataclass
class Missing:
    """A unit of the cluster without a figure in one view, and why."""

    unit_id: str
    name: str
    what: str  # «điểm», «số liệu khen thưởng» …
    why: str  # «dòng bị từ chối (tệp …, trang …, dòng 8)» or «chưa có trong các tệp đã nạp»

    @property
    def short_why(self) -> str:
        return self.why.split(" (")[0]

    def sentence(self) -> str:
        """«chưa có điểm: Nghệ An — dòng bị từ chối»."""
        return f"chưa có {self.what}: {self.name} — {self.short_why}"


def missing_units(con, view: str, period: str, cluster_no: int, unit_ids, names) -> list[Missing]:
    """Units among `unit_ids` with no row in `view` for the period and cluster, each with the
    reason the warehouse can give: a rejected row on the sheet the others were read from (the
    rejected row is named when it is the only one), or nothing sent."""
    table, what = VIEW_SHEETS[view]
    have = {
        r[0]
        for r in con.execute(
            f"SELECT DISTINCT unit_id FROM {table} WHERE period = ? AND cluster_no = ?",
            [period, cluster_no],
        ).fetchall()
    }
    lacking = [u for u in unit_ids if u not in have]
    if not lacking:
        return []
    sheets = con.execute(
        f"""SELECT DISTINCT source_file, sheet FROM {table}
            WHERE period = ? AND cluster_no = ?""",
        [period, cluster_no],
    ).fetchall()
    rejected = []
    for source, sheet in sheets:
        # a total row (totals_mismatch) is no unit's row; a row whose unit was not recognised
        # (unit_unknown) is that of the unit it names, if any of ours
        for src, sh, row, rule, value in con.execute(
            """SELECT DISTINCT source_file, sheet, row_no, rule, value FROM rejections
               WHERE source_file = ? AND sheet = ? AND row_no IS NOT NULL
                 AND rule <> 'totals_mismatch'""",
            [source, sheet],
        ).fetchall():
            if rule == "unit_unknown" and not any(
                fold(names.get(u, u)) in fold(value or "") for u in lacking
            ):
                continue
            rejected.append((src, sh, row))
    rejected = list(dict.fromkeys(rejected))
    # a rejected row only explains missing units when there are no more missing than rejected
    if rejected and len(rejected) >= len(lacking):
        if len(rejected) == 1 and len(lacking) == 1:
            source, sheet, row = rejected[0]
            why = f"dòng bị từ chối (tệp «{source}», trang «{sheet}», dòng {row})"
        else:
            rows = ", ".join(str(r[2]) for r in rejected)
            why = f"dòng bị từ chối (các dòng {rows} của trang «{rejected[0][1]}»)"
    else:
        why = "chưa có trong các tệp đã nạp (tệp chưa gửi hoặc thiếu dòng)"
    return [Missing(u, names.get(u, u), what, why) for u in lacking]


@dataclass
class ClusterData:
    """The data of one cluster and period, read once; the scenes only read it (and leave the
    charts they draw in `charts`, by scene id)."""

    con: object
    n: int
    period: str
    units: list[Unit]
    charts: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        con, period, cluster_no = self.con, self.period, self.n
        self.year = int(period[:4])
        self.by_id = {u.unit_id: u for u in self.units}
        self.ids = [u.unit_id for u in self.units]
        self.ind = A.indicator_results(con, period, cluster_no)
        self.ind_sum = A.indicator_summary(con, period, cluster_no)
        self.rank = A.score_ranking(con, period, cluster_no)
        self.aw_unit = A.awards_by_unit(con, period, cluster_no)
        self.aw_form = A.awards_by_form(con, period, cluster_no)
        self.aw_form_unit = {
            u: A.awards_by_form(con, period, cluster_no, u) for u in self.aw_unit["unit_id"]
        }
        self.ini = A.initiatives_by_unit(con, period, cluster_no)
        self.illustrative = A.any_illustrative(self.ind, self.rank, self.aw_unit, self.ini)
        self.where = f"period = {lit(period)} AND cluster_no = {lit(cluster_no)}"
        self.spoken = period_spoken(period)
        self.prev = previous_period(period)
        self.prev_where = f"period = {lit(self.prev)} AND unit_id IN {in_list(self.ids)}"
        row = con.execute(f"SELECT sum(count) FROM awards WHERE {self.prev_where}").fetchone()
        self.prev_awards = None if row[0] is None else int(row[0])
        self.prev_aw_form = _df(
            con,
            f"""SELECT award_id, recipient_kind, sum(count) AS count FROM awards
                WHERE {self.prev_where} GROUP BY ALL""",
        )
        names = {u.unit_id: u.name for u in self.units}
        members = [u.unit_id for u in self.units if u.role] or self.ids
        self.missing = {
            view: missing_units(con, view, period, cluster_no, members, names)
            for view in VIEW_SHEETS
        }
        self.forms = {r["award_id"]: r for r in read_csv("award_forms.csv")}

    def unit(self, unit_id: str, name: str) -> Unit:
        return self.by_id.get(unit_id) or Unit(unit_id, name, None, None)

    # figures shared by several scenes
    def units_query(self) -> str:
        return f"SELECT count(*) FROM clusters WHERE year = {self.year} AND cluster_no = {self.n}"

    def cluster_fig(self) -> dict:
        return fig(
            "Cụm thi đua số",
            self.n,
            f"""SELECT DISTINCT cluster_no FROM (
            SELECT period, cluster_no FROM indicator_results UNION ALL
            SELECT period, cluster_no FROM scores UNION ALL
            SELECT period, cluster_no FROM awards UNION ALL
            SELECT period, cluster_no FROM initiatives) WHERE {self.where}""",
        )

    def year_fig(self) -> dict:
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


def _df(con, sql: str, params=None) -> pd.DataFrame:
    return con.execute(sql, params or []).df()


def read(con, cluster_no: int, period: str) -> ClusterData:
    """Check the request, then read everything the scenes of one cluster and period need."""
    check_request(con, cluster_no, period)
    return ClusterData(
        con, cluster_no, period, cluster_units(con, cluster_no, int(period[:4]), period)
    )
