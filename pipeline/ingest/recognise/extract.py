"""Facts from the data rows of a recognised sheet: one extractor per (kind, layout).

Every figure goes through `put`, which writes the value, the problem code (a number that
could not be read, a formula without a cached value), the cell as written and the column
name; the unit of a row is resolved once, by `names.resolve_unit` for the file's period,
and a row whose unit is not known exactly is rejected here, naming the closest known units.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime

from pipeline.core.text import Number, clean, fold, parse_number
from pipeline.ingest.read import CellError, serial_date
from pipeline.ingest.recognise import forms, names
from pipeline.ingest.recognise.lookups import ref
from pipeline.ingest.recognise.mappings import mapping_target, mapping_target_message
from pipeline.ingest.recognise.model import Column, Problem
from pipeline.ingest.recognise.rows import cell_text
from pipeline.ingest.recognise.totals import check_total_columns

_LOWER_BETTER = re.compile(r"^(?:khong qua|toi da|duoi|nho hon|khong vuot qua|<=|<)\s*")
_HIGHER_BETTER = re.compile(r"^(?:tren|toi thieu|it nhat|dat|lon hon|>=|>)\s*")
_COLLECTIVE_NAME = re.compile(
    r"^(?:phong|van phong|vksnd|vien kiem sat|chi bo|cong doan|doan|tap the|to |khoi)"
)
_PENALTY = ("diem tru", "tru diem")
WIDE_ONE_ROW_PER_UNIT = "wide"


def merge_anchors(merged, c: int, rows: int) -> dict[int, tuple[int, int]]:
    """row -> the top-left cell of the merged range that covers (row, `c`), for the rows
    below `rows`; where ranges overlap (no program writes that), the first listed wins.
    One pass over the ranges, each row filled once (the next row still to fill is found
    through a union-find over the filled ones): ranges + rows, never ranges × rows, so a
    sheet of 50 000 merged ranges is looked up as fast as one of five."""
    anchors: dict[int, tuple[int, int]] = {}
    after: dict[int, int] = {}  # a filled row -> a later row that may still be empty

    def unfilled(r: int) -> int:
        path = []
        while r in after:
            path.append(r)
            r = after[r]
        for p in path:
            after[p] = r
        return r

    for r0, c0, r1, c1 in merged:
        if not c0 <= c <= c1:
            continue
        r, last = unfilled(max(r0, 0)), min(r1, rows - 1)
        while r <= last:
            anchors[r] = (r0, c0)
            after[r] = r + 1
            r = unfilled(r + 1)
    return anchors


class Context:
    """Turns the data rows of one recognised sheet into facts."""

    def __init__(self, grid, source_file, result, layout, title_unit, year):
        self.grid, self.source_file, self.result, self.layout = grid, source_file, result, layout
        self.title_unit, self.year = title_unit, year
        self.totals_rows: list[int] = []
        self.sums: dict[int, float] = {}  # column index -> sum of the unit rows
        self.ref = ref()
        self._row_unit: dict[int, str] = {}
        self._discarding = False  # a rejected row: figures summed for the totals, not emitted
        self._anchors: dict[int, dict[int, tuple[int, int]]] = {}  # column -> merged rows

    # cells ------------------------------------------------------------------------

    def number(self, r: int, col: Column | None) -> tuple[Number, str | None, object]:
        if col is None:
            return Number(None), None, None
        raw = self.grid.value(r, col.index)
        if (r, col.index) in self.grid.formula_no_value:
            return Number(None, ok=False), "formula_no_value", raw
        if isinstance(raw, CellError):  # a cached #DIV/0!, #N/A, …: the row is rejected
            return Number(None, ok=False), "formula_error", raw
        num = parse_number(raw, (r, col.index) in self.grid.percent_cells)
        problem = None if num.ok else "not_number"
        if num.value is not None and problem is None:
            self.sums[col.index] = self.sums.get(col.index, 0.0) + num.value
        return num, problem, raw

    def put(self, fact: dict, field: str, r: int, col: Column | None, blank=None) -> Number:
        """The value/problem/raw/column quadruple of one figure, written into `fact`."""
        num, problem, raw = self.number(r, col)
        fact[field] = num.value if num.value is not None else blank
        fact[f"{field}_problem"] = problem
        fact[f"{field}_raw"] = cell_text(raw)
        fact[f"col_{field}"] = col.name if col else None
        return num

    def text(self, r: int, f: dict, name: str) -> str:
        return cell_text(self.grid.value(r, f[name].index)) if name in f else ""

    # the row's unit -----------------------------------------------------------------

    def base(self, r: int) -> dict | None:
        """The fields every fact of row `r` shares; None when its unit is rejected."""
        fact = {
            "sheet": self.grid.name,
            "row_no": r + 1,
            "period": self.result.period,
            "illustrative": self.result.illustrative,
        }
        unit_col = self.layout.fields.get("unit")
        if unit_col is None:
            fact["unit_id"], fact["unit_raw"] = self.title_unit
            fact["col_unit"] = "tiêu đề"
            return fact
        raw = self.grid.value(r, unit_col.index)
        if raw in (None, ""):
            raw = self._merged_value(r, unit_col.index)
        written = cell_text(raw)
        res = names.resolve_unit(written, self.result.period)
        fact.update(unit_raw=written, unit_id=res.id, col_unit=unit_col.name, unit_note=res.note)
        self._note_spelling(written, res)
        if res.id is None:
            self.reject(r, unit_col.name, written, res.rule, res.message)
            return None
        if self.layout.layout == WIDE_ONE_ROW_PER_UNIT:
            self._row_unit[r] = written
            fact["row_unit"] = written
        return fact

    def _note_spelling(self, written: str, res) -> None:
        """Which spellings a mapping taught, which a mapping could teach (for the build to
        re-read only the files a changed «bí danh» sheet affects)."""
        if self._discarding:
            return
        if res.via == "mapping":
            self.result.used_spellings.add(names.name_key(written))
        elif res.id is None and res.rule in ("unit_unknown", "award_unknown"):
            self.result.unknown_spellings.add(names.name_key(written))

    def about_unit(self, r: int) -> str:
        """ ", đơn vị «VKSND tỉnh Gia Lai»" for a row of a one-row-per-unit sheet."""
        written = self._row_unit.get(r)
        return f" (đơn vị «{written}»)" if written else ""

    def _merged_value(self, r: int, c: int) -> object:
        anchors = self._anchors.get(c)
        if anchors is None:
            anchors = self._anchors[c] = merge_anchors(self.grid.merged, c, len(self.grid.rows))
        anchor = anchors.get(r)
        return None if anchor is None else self.grid.value(*anchor)

    def reject(self, r: int, column: str | None, value: str | None, rule: str, message: str):
        if self._discarding:
            return
        self.result.data_rows.add(r + 1)
        self.result.rejected_rows.add(r + 1)
        self.result.problems.append(
            Problem(self.grid.name, r + 1, column, value, rule, message + self.about_unit(r))
        )

    def warn(self, r: int, column: str | None, value: str | None, rule: str, message: str):
        if self._discarding:
            return
        self.result.problems.append(
            Problem(self.grid.name, r + 1, column, value, rule, message + self.about_unit(r))
        )

    def emit(self, fact: dict) -> None:
        if self._discarding:
            return
        self.result.facts.append(fact)
        self.result.data_rows.add(fact["row_no"])

    # dispatch -----------------------------------------------------------------------

    def data_row(self, r: int) -> None:
        extractor = EXTRACTORS[(self.layout.kind, self.layout.layout)]
        if self.layout.kind == "mappings":
            extractor(self, r)
            return
        fact = self.base(r)
        if fact is None:  # rejected for its unit: its figures still count towards the totals
            self._discarding = True
            try:
                self._extract(extractor, r, {"row_no": r + 1})
            finally:
                self._discarding = False
            return
        self._extract(extractor, r, fact)

    def _extract(self, extractor, r: int, fact: dict) -> None:
        if self.layout.layout == "wide":
            before = len(self.result.facts)
            for col, meaning in self.layout.groups:
                extractor(self, r, col, meaning, dict(fact))
            if not self._discarding:
                check_total_columns(self, r, self.result.facts[before:])
            return
        extractor(self, r, self.layout.fields, fact)

    # awards: the form, and its grantor's place ------------------------------------------

    def award(self, r: int, written: str, col: Column, fact: dict) -> str | None:
        res = forms.resolve_award(written)
        self._note_spelling(written, res)
        if res.id is None:
            self.reject(r, col.name, written, "award_unknown", res.message)
            return None
        if res.place and fact.get("unit_id") and not _same_province(res.place, fact["unit_id"]):
            place = names.resolve_unit(res.place_written).written if res.place_written else ""
            self.warn(
                r,
                col.name,
                written,
                "award_place_mismatch",
                f"hình thức «{written}» ghi địa danh «{place}» nhưng đơn vị của dòng là "
                f"«{fact.get('unit_raw')}»; số liệu vẫn được nạp, hãy kiểm tra lại tên tỉnh",
            )
        return res.id


def _same_province(place: str, unit: str) -> bool:
    units = {u["unit_id"]: u for u in ref().units}

    def line(uid):
        seen = []
        while uid and uid not in seen:
            seen.append(uid)
            uid = units.get(uid, {}).get("successor_id")
        return seen

    return place in line(unit) or unit in line(place)


# --- long layouts: one unit, one row per item ------------------------------------------


def long_indicators(ctx: Context, r: int, f: dict, fact: dict) -> None:
    name_col = f["indicator"]
    name = ctx.text(r, f, "indicator")
    name = re.sub(r"^\s*(?:\d+(?:\.\d+)*|[a-zđ])[.)]\s+", "", name)
    indicator(
        ctx,
        r,
        fact,
        name,
        name_col,
        ctx.text(r, f, "measure_unit"),
        f.get("target"),
        f.get("actual"),
    )
    ctx.emit(fact)


def indicator(ctx: Context, r, fact, name, name_col, measure, target_col, actual_col) -> None:
    known = ctx.ref.indicator(name)
    fact.update(indicator_name=clean(name), col_indicator=name_col.name)
    fact["indicator_id"] = known["indicator_id"] if known else None
    fact["measure_unit"] = clean(measure) or (known["measure_unit"] if known else "")
    direction = None
    for fname, col in (("target", target_col), ("actual", actual_col)):
        raw = ctx.grid.value(r, col.index) if col else None
        if fname == "target" and isinstance(raw, str):
            key = fold(raw)
            if _LOWER_BETTER.match(key):
                direction = "lower"
            elif _HIGHER_BETTER.match(key):
                direction = "higher"
            if direction:
                num = parse_number(re.sub(r"^[^\d]*", "", clean(raw)))  # "không quá 5%" -> "5%"
                fact.update(target=num.value, target_problem=None if num.ok else "not_number")
                fact["target_raw"], fact["col_target"] = cell_text(raw), col.name
                if num.percent and not fact["measure_unit"]:
                    fact["measure_unit"] = "%"
                continue
        num = ctx.put(fact, fname, r, col)
        if num.percent and not fact["measure_unit"]:
            fact["measure_unit"] = "%"
        if col and "%" in col.label and not fact["measure_unit"]:
            fact["measure_unit"] = "%"
    fact["direction_hint"] = direction


def long_scores(ctx: Context, r: int, f: dict, fact: dict) -> None:
    criterion = ctx.text(r, f, "criterion")
    fact.update(criterion=criterion, col_criterion=f["criterion"].name)
    for fname in ("max_points", "points"):
        ctx.put(fact, fname, r, f.get(fname))
    if fold(criterion).startswith(_PENALTY) and (fact["points"] or 0) > 0:
        fact["points"] = -fact["points"]
        ctx.sums[f["points"].index] -= 2 * -fact["points"]
    ctx.emit(fact)


def long_awards(ctx: Context, r: int, f: dict, fact: dict) -> None:
    award_col = f["award"]
    award_raw = ctx.text(r, f, "award")
    award_id = ctx.award(r, award_raw, award_col, fact)
    if award_id is None:
        return
    for kind in ("tap_the", "ca_nhan"):
        col = f.get(kind)
        if col is None:
            continue
        one = dict(
            fact,
            award_id=award_id,
            award_raw=award_raw,
            col_award=award_col.name,
            recipient_kind=kind,
        )
        ctx.put(one, "count", r, col, blank=0.0)
        ctx.emit(one)


def long_initiatives(ctx: Context, r: int, f: dict, fact: dict) -> None:
    level_raw = ctx.text(r, f, "level")
    fact.update(level=ctx.ref.level_id(level_raw), level_raw=level_raw, col_level=f["level"].name)
    ctx.put(fact, "count", r, f["count"], blank=0.0)
    ctx.emit(fact)


def long_recipients(ctx: Context, r: int, f: dict, fact: dict) -> None:
    award_raw = ctx.text(r, f, "award")
    award_id = ctx.award(r, award_raw, f["award"], fact)
    if award_id is None:
        return
    decision_no, decision_date_raw = ctx.text(r, f, "decision_no"), None
    if "decision_date" in f:
        decision_date_raw = ctx.grid.value(r, f["decision_date"].index)
    if "decision" in f:
        combined = ctx.text(r, f, "decision")
        m = re.search(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", combined)
        if m and decision_date_raw is None:
            decision_date_raw = m.group(0)
        no = re.split(r"\bngày\b|\bngay\b", combined, maxsplit=1, flags=re.I)[0]
        decision_no = decision_no or clean(no.strip(" ,;"))
    decision_date, date_problem = parse_date(decision_date_raw, ctx.grid.epoch1904)
    name, position = ctx.text(r, f, "name"), ctx.text(r, f, "position")
    birth = parse_number(ctx.grid.value(r, f["birth_year"].index)) if "birth_year" in f else None
    birth_year = (
        int(birth.value)
        if birth and birth.value and float(birth.value).is_integer() and 1900 <= birth.value <= 2100
        else None
    )  # optional: a person's key across years (never rejected; an odd value is left out)
    kind_raw = ctx.text(r, f, "recipient_kind")
    kind = _recipient_kind(kind_raw) if kind_raw else None
    if kind is None:
        allowed = ctx.ref.award_kinds.get(award_id or "", ())
        if len(allowed) == 1:
            kind = allowed[0]
        elif not position and _COLLECTIVE_NAME.match(fold(name)):
            kind = "tap_the"
        else:
            kind = "ca_nhan"
    fact.update(
        name=name,
        col_name=f["name"].name,
        position=position,
        birth_year=birth_year,
        staff_no=ctx.text(r, f, "staff_no") or None,
        award_id=award_id,
        award_raw=award_raw,
        col_award=f["award"].name,
        recipient_kind=kind,
        decision_no=decision_no or None,
        decision_date=decision_date,
        decision_date_problem=date_problem,
        decision_date_raw=cell_text(decision_date_raw),
        col_decision_date=(f.get("decision_date") or f.get("decision") or Column(0, "", "")).name,
        year=ctx.year or (decision_date.year if decision_date else None),
    )
    ctx.emit(fact)


def _recipient_kind(text: str) -> str | None:
    from pipeline.ingest.recognise.header import recipient_kind_word

    return recipient_kind_word(text)


def long_clusters(ctx: Context, r: int, f: dict, fact: dict) -> None:
    year_num = parse_number(ctx.grid.value(r, f["year"].index)) if "year" in f else None
    year = int(year_num.value) if year_num and year_num.value else ctx.year
    cluster_text = fold(ctx.text(r, f, "cluster_no"))
    m = re.search(r"(\d{1,3})\s*$", cluster_text) or re.search(r"\d{1,3}", cluster_text)
    role_raw = ctx.text(r, f, "role")
    fact.update(
        year=year,
        period=None,
        cluster_no=int(m.group(1) if m.lastindex else m.group(0)) if m else None,
        cluster_raw=ctx.text(r, f, "cluster_no"),
        col_cluster=f["cluster_no"].name,
        role=ctx.ref.role_id(role_raw) if role_raw else "thanh_vien",
        role_raw=role_raw,
        col_role=f["role"].name if "role" in f else None,
        col_year=f["year"].name if "year" in f else "tiêu đề",
    )
    ctx.emit(fact)


def long_mappings(ctx: Context, r: int) -> None:
    """A «bí danh» row: a spelling mapped to a known unit or award form (name or id)."""
    f = ctx.layout.fields
    spelling, target = ctx.text(r, f, "spelling"), ctx.text(r, f, "target")
    ctx.result.data_rows.add(r + 1)
    if not spelling or not target:
        ctx.reject(
            r,
            f["spelling"].name,
            spelling or target,
            "mapping_incomplete",
            "dòng bí danh cần cả «Cách viết» và «Đơn vị hoặc hình thức»",
        )
        return
    found = mapping_target(target)
    if found is None:
        ctx.reject(
            r,
            f["target"].name,
            target,
            "mapping_unknown_target",
            mapping_target_message(target),
        )
        return
    what, target_id = found
    ctx.result.mappings.append(
        {
            "spelling": spelling,
            "kind": what,
            "target_id": target_id,
            "row_no": r + 1,
            "note": ctx.text(r, f, "note"),
        }
    )


# --- wide layouts: one row per unit ------------------------------------------------------


def wide_awards(ctx: Context, r: int, col: Column, meaning: dict, fact: dict) -> None:
    fact.update(
        award_id=meaning["award_id"],
        award_raw=meaning["award_raw"],
        col_award=col.name,
        recipient_kind=meaning["recipient_kind"],
    )
    ctx.put(fact, "count", r, col, blank=0.0)
    fact["col_count"] = col.name
    ctx.emit(fact)


def wide_initiatives(ctx: Context, r: int, col: Column, meaning: dict, fact: dict) -> None:
    fact.update(level=meaning["level"], level_raw=col.label, col_level=col.name)
    ctx.put(fact, "count", r, col, blank=0.0)
    ctx.emit(fact)


def wide_scores(ctx: Context, r: int, col: Column, meaning: dict, fact: dict) -> None:
    fact.update(
        criterion=meaning["criterion"],
        col_criterion=col.name,
        max_points=meaning["max_points"],
        max_points_problem=None,
        max_points_raw="",
        col_max_points=col.name,
    )
    num = ctx.put(fact, "points", r, col)
    if fold(meaning["criterion"]).startswith(_PENALTY) and (num.value or 0) > 0:
        fact["points"] = -num.value
    ctx.emit(fact)


def wide_indicators(ctx: Context, r: int, col: Column, meaning: dict, fact: dict) -> None:
    if meaning["value"] != "actual":
        return  # the target column is read together with its actual column
    target_col = next(
        (
            c
            for c, m in ctx.layout.groups
            if m["indicator"] == meaning["indicator"] and m["value"] == "target"
        ),
        None,
    )
    parent = Column(col.index, meaning["indicator"], "")
    indicator(
        ctx,
        r,
        fact,
        meaning["indicator"],
        parent,
        _measure_in(meaning["indicator"]),
        target_col,
        col,
    )
    ctx.emit(fact)


def _measure_in(label: str) -> str:
    """A wide indicator header says its measure: "(%)" or a name starting "Tỷ lệ"."""
    return "%" if "%" in label or fold(label).startswith("ty le") else ""


EXTRACTORS: dict[tuple[str, str], Callable] = {
    ("indicators", "long"): long_indicators,
    ("indicators", "wide"): wide_indicators,
    ("scores", "long"): long_scores,
    ("scores", "wide"): wide_scores,
    ("awards", "long"): long_awards,
    ("awards", "wide"): wide_awards,
    ("initiatives", "long"): long_initiatives,
    ("initiatives", "wide"): wide_initiatives,
    ("recipients", "long"): long_recipients,
    ("clusters", "long"): long_clusters,
    ("mappings", "long"): long_mappings,
}


def parse_date(raw: object, epoch1904: bool = False) -> tuple[date | None, str | None]:
    """A decision date as written: a date cell, an Excel serial number (counted in the
    workbook's date system), or text such as "17/5/2024" or "ngày 17 tháng 5 năm 2024"."""
    if raw in (None, ""):
        return None, None
    if isinstance(raw, datetime):
        return raw.date(), None
    if isinstance(raw, date):
        return raw, None
    if isinstance(raw, (int, float)):
        # an Excel serial number that was not formatted as a date
        day = serial_date(raw, epoch1904) if 20000 < float(raw) < 80000 else None
        return (day.date(), None) if day is not None else (None, "bad_date")
    m = re.search(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})", str(raw))
    if not m:
        m2 = re.search(r"ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})", fold(raw))
        if not m2:
            return None, "bad_date"
        m = m2
    try:
        return date(int(m.group(3)), int(m.group(2)), int(m.group(1))), None
    except ValueError:
        return None, "bad_date"
