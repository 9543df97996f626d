"""Recognition: from a `SheetGrid` to the facts it holds.

One sheet is one table of one kind.  This module finds the header (one or two rows, merged
cells), tells the kind and the layout (long: one unit, one row per item; wide: one row per
unit), reads the title block (period, unit, the "illustrative data" label), stops at the
signature block, leaves section rows aside, checks totals rows against the unit rows, and
emits one fact per figure with the spreadsheet row and column it came from.

It never decides whether a value is acceptable: facts carry what was read (and a problem
code where a number could not be read); `validate` applies the rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property, lru_cache

from pipeline.core import refdata
from pipeline.core.labels import SHEET_KINDS
from pipeline.core.period import PeriodConflict, PeriodHint, merge_hints, period_code
from pipeline.core.period import read_hint as _read_hint_any
from pipeline.core.text import Number, parse_number
from pipeline.core.text import clean as _clean_any
from pipeline.core.text import fold as _fold_any
from pipeline.ingest.read import SheetGrid

MAX_HEADER_SCAN = 40
_MEMO = 1 << 16  # entries per memo: the same labels and names recur in every file


# --- memoised text and reference look-ups -------------------------------------------------
# Recognition asks the same questions of the same strings in every file (header labels,
# unit, award and indicator names); folding Vietnamese text is the costly part, so the
# answers for strings are kept.  Other values (numbers, dates) go straight through.


@lru_cache(maxsize=_MEMO)
def _clean_str(text: str) -> str:
    return _clean_any(text)


@lru_cache(maxsize=_MEMO)
def _fold_str(text: str) -> str:
    return _fold_any(text)


def clean(value: object) -> str:
    return _clean_str(value) if type(value) is str else _clean_any(value)


def fold(value: object) -> str:
    return _fold_str(value) if type(value) is str else _fold_any(value)


@lru_cache(maxsize=_MEMO)
def read_hint(text: str, where: str) -> PeriodHint | None:
    return _read_hint_any(text, where)  # a PeriodHint is immutable: safe to share


class _Lookups:
    """`refdata.Reference` with its text look-ups memoised (the answers never change for a
    given reference)."""

    _MEMOISED = ("unit_id", "award_id", "level_id", "role_id", "indicator")

    def __init__(self, ref: refdata.Reference):
        self._ref = ref
        for name in self._MEMOISED:
            setattr(self, name, _memo_str(getattr(ref, name)))

    def __getattr__(self, name: str):
        return getattr(self._ref, name)


def _memo_str(fn):
    cached = lru_cache(maxsize=_MEMO)(fn)

    def look_up(text):
        return cached(text) if type(text) is str else fn(text)

    return look_up


_lookups: _Lookups | None = None


def _ref() -> _Lookups:
    global _lookups
    ref = refdata.load()
    if _lookups is None or _lookups._ref is not ref:
        _lookups = _Lookups(ref)
        _match_field.cache_clear()
        _text_role.cache_clear()
    return _lookups


SUB_FIELDS = {"tap_the", "ca_nhan", "target", "actual", "points", "max_points", "count"}
VALUE_FIELDS = {
    "indicators": ("target", "actual"),
    "scores": ("max_points", "points"),
    "awards": ("count",),
    "initiatives": ("count",),
}
ILLUSTRATIVE = ("du lieu minh hoa", "so lieu minh hoa", "minh hoa", "du lieu gia lap")
_TOTALS = re.compile(
    r"^(?:tong cong|tong so|tong diem|tong|cong|toan cum|cong toan cum|tong cong toan cum|"
    r"tong cong cum|cong cum)(?: (?:thi dua )?(?:so )?\d{1,3})?$"
)
_SIGNATURE = re.compile(
    r"^(?:nguoi lap|vien truong|pho vien truong|k ?t vien truong|thu truong|noi nhan|"
    r"xac nhan|chanh van phong|truong phong|ky ten|ky ghi ro|tm |t m |tl |t l |q vien truong|"
    r"cum truong|truong cum)"
)
_SIGN_DATE = re.compile(r"ngay\s+\S{0,4}\s*thang\s+\S{0,4}\s*nam")
_SECTION_STT = re.compile(r"^(?:[ivxlc]+|[a-z])$")
_SECTION_LABEL = re.compile(r"^\s*(?:[IVXLC]+|[A-Z])\s*[.)/-]\s")
_NUMBERING = re.compile(r"^\(?\d{1,2}\)?$|^\(?[a-z]\)?$")
_POINTS_IN_LABEL = re.compile(r"\(?\s*(\d+(?:[.,]\d+)?)\s*(?:diem|d)\s*\)?\s*$")
_KIND_SUFFIX = re.compile(r"(?:^|\s)(tap the|ca nhan|tt|cn)$")
_LOWER_BETTER = re.compile(r"^(?:khong qua|toi da|duoi|nho hon|khong vuot qua|<=|<)\s*")
_HIGHER_BETTER = re.compile(r"^(?:tren|toi thieu|it nhat|dat|lon hon|>=|>)\s*")


@dataclass
class Problem:
    """A fault found while recognising a sheet (not a row-level validation)."""

    sheet: str | None
    row_no: int | None
    column_name: str | None
    value: str | None
    rule: str
    message: str


@dataclass
class SheetResult:
    sheet: str
    kind: str | None = None
    layout: str | None = None
    period: str | None = None
    illustrative: bool = False
    skipped_reason: str | None = None
    facts: list[dict] = field(default_factory=list)
    data_rows: set[int] = field(default_factory=set)  # spreadsheet rows (1-based)
    rejected_rows: set[int] = field(default_factory=set)  # rejected during recognition
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Column:
    index: int
    parent: str
    child: str

    @cached_property
    def letter(self) -> str:
        n, out = self.index + 1, ""
        while n:
            n, rem = divmod(n - 1, 26)
            out = chr(65 + rem) + out
        return out

    @cached_property
    def label(self) -> str:
        if self.parent and self.child and self.parent != self.child:
            return f"{self.parent} - {self.child}"
        return self.parent or self.child

    @cached_property
    def name(self) -> str:
        """How the column is named to the analyst: "E (Kết quả)"."""
        return f"{self.letter} ({self.label})" if self.label else self.letter


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date)):
        return value.strftime("%d/%m/%Y")
    return clean(value)


def _header_key(text: str) -> str:
    text = re.sub(r"\([^)]*\)", " ", text)
    key = fold(text)
    return re.sub(r"^(?:\d{1,2}|[ivx]+|[a-z])\s+(?=\D)", "", key) if key else key


def match_field(kind: str, text: str, exact: bool = False) -> str | None:
    _ref()  # a new reference clears the memo
    return _match_field(kind, text, exact)


@lru_cache(maxsize=_MEMO)
def _match_field(kind: str, text: str, exact: bool) -> str | None:
    key = _header_key(text)
    if not key:
        return None
    for variant, fname in refdata.load().header_variants[kind]:
        if key == variant or (not exact and key.startswith(variant + " ")):
            return fname
    return None


# --- the sheet as a whole -------------------------------------------------------------


def recognise_sheet(grid: SheetGrid, source_file: str) -> SheetResult:
    result = SheetResult(sheet=grid.name)
    if grid.hidden:
        result.skipped_reason = "trang tính bị ẩn"
        return result
    header = _find_header(grid)
    if header is None:
        result.skipped_reason = "không nhận ra tiêu đề cột của loại bảng nào"
        return result
    top, depth = header
    columns = _columns(grid, top, depth)
    layout = _detect(columns)
    if layout is None:
        result.skipped_reason = "không nhận ra loại bảng từ tiêu đề cột"
        return result
    result.kind, result.layout = layout.kind, layout.layout

    title_lines = [
        _cell_text(v) for r in range(top) for v in (grid.rows[r] if r < len(grid.rows) else [])
    ]
    title_lines = [t for t in title_lines if t]
    result.illustrative = any(
        any(mark in fold(t) for mark in ILLUSTRATIVE)
        for t in title_lines + [source_file.replace("_", " ")]
    )

    start = _skip_numbering_row(grid, top + depth)
    body = _body_rows(grid, start)
    data_rows = [r for r in body if not _is_section(grid, r, layout)]

    first = next((h for t in title_lines if (h := read_hint(t, "tiêu đề")) is not None), None)
    hints = [first] if first is not None else []
    for text, where in ((grid.name, "tên trang tính"), (_stem(source_file), "tên tệp")):
        hint = read_hint(text, where)
        if hint:
            hints.append(hint)
    try:
        half, year = merge_hints(hints)
    except PeriodConflict as conflict:
        _reject_all(result, grid, data_rows, layout, "period_conflict", str(conflict))
        return result
    result.period = period_code(half, year)
    if result.period is None and layout.kind not in ("clusters",):
        _reject_all(
            result,
            grid,
            data_rows,
            layout,
            "period_missing",
            "Không xác định được kỳ báo cáo: tiêu đề, tên trang tính và tên tệp đều không "
            "ghi kỳ (ví dụ «6 tháng đầu năm 2023», «tổng kết năm 2022», «6T/2023»).",
        )
        return result

    title_unit = _title_unit(title_lines)
    if layout.needs_title_unit and title_unit is None:
        _reject_all(
            result,
            grid,
            data_rows,
            layout,
            "unit_missing",
            "Không xác định được đơn vị: bảng không có cột «Đơn vị» và phần tiêu đề không ghi "
            "tên đơn vị (ví dụ «Đơn vị: VKSND tỉnh Gia Lai»).",
        )
        return result

    ctx = _Context(grid, source_file, result, layout, title_unit, year)
    for r in data_rows:
        if _is_totals(grid, r, layout):
            ctx.totals_rows.append(r)
            continue
        ctx.data_row(r)
    ctx.check_totals()
    return result


def _stem(source_file: str) -> str:
    name = source_file.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0]


def _reject_all(result, grid, rows, layout, rule, message):
    rows = [r for r in rows if not _is_totals(grid, r, layout)]
    for r in rows:
        result.data_rows.add(r + 1)
        result.rejected_rows.add(r + 1)
        result.problems.append(Problem(grid.name, r + 1, None, None, rule, message))
    if not rows:
        result.problems.append(Problem(grid.name, None, None, None, rule, message))


def _title_unit(lines: list[str]) -> tuple[str, str] | None:
    ref = _ref()
    labelled = [t.split(":", 1)[1] for t in lines if ":" in t and fold(t).startswith("don vi")]
    for text in labelled + lines:
        unit = ref.unit_id(text)
        if unit and unit != "toi_cao":
            return unit, clean(text)
    return None


# --- header --------------------------------------------------------------------------


def _row_texts(grid: SheetGrid, r: int) -> list[str]:
    """The row's cells as text (shared: do not change the list).  Kept on the grid while
    it is recognised: the header search, the body and the totals look at the same rows."""
    cache = grid.__dict__.setdefault("_row_texts", {})
    texts = cache.get(r)
    if texts is None:
        texts = cache[r] = [_cell_text(v) for v in (grid.rows[r] if r < len(grid.rows) else [])]
    return texts


def _score_row(texts: list[str]) -> tuple[int, int]:
    _ref()
    primary = sub = 0
    for t in texts:
        if not t or len(t) > 120:
            continue
        role = _text_role(t)
        if role == 2:
            primary += 1
        elif role == 1:
            sub += 1
    return primary, sub


@lru_cache(maxsize=_MEMO)
def _text_role(t: str) -> int:
    """2: a primary header label (or a known award, level, indicator); 1: a sub-label."""
    if not any(c.isalpha() for c in t):  # a number, a numbering "(1)": never a label
        return 0
    ref = _ref()
    fields = {match_field(k, t) for k in SHEET_KINDS} - {None}
    if fields - SUB_FIELDS - {"note", "measure_unit"}:
        return 2
    if fields:
        return 1
    return 2 if ref.award_id(t) or ref.level_id(t) or ref.indicator(t) else 0


def _find_header(grid: SheetGrid) -> tuple[int, int] | None:
    best, best_score = None, 0
    for r in range(min(len(grid.rows), MAX_HEADER_SCAN)):
        primary, sub = _score_row(_row_texts(grid, r))
        score = 2 * primary + sub
        if primary >= 1 and primary + sub >= 2 and score > best_score:
            best, best_score = r, score
    if best is None:
        return None
    nxt = _row_texts(grid, best + 1)
    ref = _ref()
    is_sub = any(
        {match_field(k, t) for k in SHEET_KINDS} & SUB_FIELDS for t in nxt if t
    ) and not any(ref.unit_id(t) for t in nxt if t and not t.isdigit())
    return best, 2 if is_sub else 1


def _columns(grid: SheetGrid, top: int, depth: int) -> list[Column]:
    parent = list(_row_texts(grid, top))
    child = list(_row_texts(grid, top + 1)) if depth == 2 else []
    width = max(len(parent), len(child))
    parent += [""] * (width - len(parent))
    child += [""] * (width - len(child))
    for r0, c0, r1, c1 in grid.merged:
        if r0 <= top <= r1 and c0 < width:
            value = _cell_text(grid.value(r0, c0))
            for c in range(c0, min(c1, width - 1) + 1):
                parent[c] = parent[c] or value
            if depth == 2 and r1 > top:  # merged down over the sub-header row
                for c in range(c0, min(c1, width - 1) + 1):
                    child[c] = "" if child[c] == value else child[c]
    if depth == 2:  # headers written without merging: fill the parent across its children
        for c in range(1, width):
            if not parent[c] and child[c] and child[c - 1] and parent[c - 1]:
                parent[c] = parent[c - 1]
    return [Column(c, parent[c], child[c]) for c in range(width) if parent[c] or child[c]]


# --- layouts -------------------------------------------------------------------------


@dataclass
class Layout:
    kind: str
    layout: str  # "long" or "wide"
    fields: dict[str, Column]  # field -> column (long layouts, and the unit column)
    groups: list[tuple[Column, dict]] = field(default_factory=list)  # wide: (column, meaning)
    total_columns: list[Column] = field(default_factory=list)

    @property
    def needs_title_unit(self) -> bool:
        return "unit" not in self.fields

    @property
    def label_column(self) -> Column | None:
        for f in ("indicator", "criterion", "award", "level", "name", "unit"):
            if f in self.fields:
                return self.fields[f]
        return None


def _fields(kind: str, columns: list[Column]) -> dict[str, Column]:
    found: dict[str, Column] = {}
    for col in columns:
        fname = None
        if col.child:
            fname = match_field(kind, col.child)
            if fname in ("tap_the", "ca_nhan") and kind == "awards" and col.parent:
                # "Bằng khen Thủ tướng" over "Tập thể": a wide group, not the long column
                if _ref().award_id(col.parent) or not match_field(kind, col.parent):
                    fname = None if not _generic_parent(kind, col.parent) else fname
        if fname is None and not col.child:
            fname = match_field(kind, col.parent)
        elif fname is None and match_field(kind, col.parent) in ("stt", "unit", "note"):
            fname = match_field(kind, col.parent)
        if fname and fname not in found:
            found[fname] = col
        elif fname == "points" and not _preferred_points(found[fname]):
            found[fname] = col  # "Điểm tự chấm | Điểm Cụm chấm": the later, agreed score
    return found


def _preferred_points(col: Column) -> bool:
    key = _header_key(col.child or col.parent)
    return "cum" in key.split() or "thong nhat" in key


def _generic_parent(kind: str, parent: str) -> bool:
    """A parent such as "Số lượng" or "Khen thưởng" that only groups the count columns."""
    key = _header_key(parent)
    return key in ("so luong", "khen thuong", "so luong khen thuong", "ket qua", "doi tuong")


def _detect(columns: list[Column]) -> Layout | None:
    ref = _ref()
    for kind in ("clusters", "recipients"):
        f = _fields(kind, columns)
        if (
            kind == "clusters"
            and {"cluster_no", "unit"} <= f.keys()
            and ("role" in f or "year" in f)
        ):
            return Layout(kind, "long", f)
        if kind == "recipients" and {"name", "award"} <= f.keys():
            return Layout(kind, "long", f)

    f = _fields("awards", columns)
    if "award" in f and ({"tap_the", "ca_nhan"} & f.keys()):
        return Layout("awards", "long", f)
    groups, totals = [], []
    for col in columns:
        if col is f.get("unit") or col is f.get("stt") or col is f.get("note"):
            continue
        meaning = _award_column(col)
        if meaning is not None:
            groups.append((col, meaning))
        elif _TOTALS.match(_header_key(col.label)):
            totals.append(col)
    if "unit" in f and any(m.get("award_id") for _, m in groups):
        return Layout("awards", "wide", f, groups, totals)

    f = _fields("initiatives", columns)
    if {"level", "count"} <= f.keys():
        return Layout("initiatives", "long", f)
    groups = [
        (col, {"level": lv})
        for col in columns
        if col is not f.get("unit") and (lv := ref.level_id(col.label) or ref.level_id(col.child))
    ]
    if "unit" in f and groups:
        totals = [c for c in columns if _TOTALS.match(_header_key(c.label))]
        return Layout("initiatives", "wide", f, groups, totals)

    f = _fields("scores", columns)
    if {"criterion", "points"} <= f.keys() and match_field(
        "scores", f["criterion"].label, exact=True
    ):
        return Layout("scores", "long", f)

    f = _fields("indicators", columns)
    if "indicator" in f and ({"actual", "target"} & f.keys()):
        return Layout("indicators", "long", f)
    groups = []
    for col in columns:
        role = match_field("indicators", col.child) if col.child else None
        if role in ("target", "actual") and col.parent and col is not f.get("unit"):
            groups.append((col, {"indicator": col.parent, "value": role}))
    if "unit" in f and groups:
        return Layout("indicators", "wide", f, groups)

    f = _fields("scores", columns)
    if "unit" in f:
        groups, totals = [], []
        for col in columns:
            if any(col is f.get(n) for n in ("unit", "stt", "note")):
                continue
            key = _header_key(col.label)
            if _TOTALS.match(key):
                totals.append(col)
            elif "diem" in fold(col.label) or key.startswith("tieu chi"):
                groups.append((col, _score_criterion(col)))
        if groups:
            return Layout("scores", "wide", f, groups, totals)
    return None


def _award_column(col: Column) -> dict | None:
    """What a wide award column counts: the form and the kind of recipient."""
    ref = _ref()
    child_kind = _recipient_kind_word(col.child) if col.child else None
    if col.child and child_kind:
        award = ref.award_id(col.parent)
        return {"award_id": award, "award_raw": col.parent, "recipient_kind": child_kind}
    text = col.child or col.parent
    key = _header_key(text)
    m = _KIND_SUFFIX.search(key)
    kind = None
    if m:
        kind = {"tap the": "tap_the", "tt": "tap_the", "ca nhan": "ca_nhan", "cn": "ca_nhan"}[
            m.group(1)
        ]
        base = key[: m.start()].strip()
    else:
        base = key
    award = ref.award_id(text) or ref.award_id(base)
    if award is None:
        return None
    if kind is None:
        allowed = ref.award_kinds.get(award, ())
        kind = allowed[0] if len(allowed) == 1 else None
    return {"award_id": award, "award_raw": text, "recipient_kind": kind}


def _recipient_kind_word(text: str) -> str | None:
    key = _header_key(text)
    if key in ("tap the", "tt", "so tap the"):
        return "tap_the"
    if key in ("ca nhan", "cn", "so ca nhan"):
        return "ca_nhan"
    return None


def _score_criterion(col: Column) -> dict:
    label = col.label
    m = _POINTS_IN_LABEL.search(fold(label))
    max_points = None
    if m:
        max_points = parse_number(m.group(1)).value
    name = re.sub(r"\(\s*\d+(?:[.,]\d+)?\s*(?:điểm|đ|d)\s*\)\s*$", "", label, flags=re.I)
    return {"criterion": clean(name), "max_points": max_points}


# --- rows ----------------------------------------------------------------------------


def _skip_numbering_row(grid: SheetGrid, r: int) -> int:
    """The column-numbering row under a header ("(1) (2) (3)", "A B 1 2 3") is skipped; a
    data row of small numbers whose label is empty ("1, –, 2, 5") is not: its numbers do not
    count up one by one."""
    texts = [t for t in _row_texts(grid, r) if t]
    if texts and all(_NUMBERING.match(fold(t) or t) for t in texts) and len(texts) >= 2:
        numbers = [int(d) for t in texts if (d := re.sub(r"\D", "", t))]
        if not numbers or numbers == list(range(numbers[0], numbers[0] + len(numbers))):
            return r + 1
    return r


def _body_rows(grid: SheetGrid, start: int) -> list[int]:
    rows = []
    for r in range(start, len(grid.rows)):
        texts = [t for t in _row_texts(grid, r) if t]
        if not texts:
            continue
        if _is_signature(texts):
            break
        rows.append(r)
    return rows


def _is_signature(texts: list[str]) -> bool:
    if len(texts) > 4:
        return False
    keys = [fold(t) for t in texts]
    return all(_SIGNATURE.match(k) or _SIGN_DATE.search(k) for k in keys)


def _value_columns(layout: Layout) -> list[Column]:
    if layout.layout == "wide":
        return [c for c, _ in layout.groups] + layout.total_columns
    names = {
        "indicators": ("target", "actual"),
        "scores": ("max_points", "points"),
        "awards": ("tap_the", "ca_nhan"),
        "initiatives": ("count",),
        "recipients": ("name", "award", "decision_no", "decision", "position"),
        "clusters": ("cluster_no", "role", "year"),
    }[layout.kind]
    return [layout.fields[n] for n in names if n in layout.fields]


def _is_section(grid: SheetGrid, r: int, layout: Layout) -> bool:
    """A section or group row: no figures, and a label that names nothing we know."""
    if any(grid.value(r, c.index) not in (None, "") for c in _value_columns(layout)):
        return False
    label_col = layout.label_column
    label = _cell_text(grid.value(r, label_col.index)) if label_col else ""
    ref = _ref()
    known = {
        "indicators": lambda t: ref.indicator(t),
        "awards": lambda t: ref.award_id(t) if layout.layout == "long" else ref.unit_id(t),
        "initiatives": lambda t: ref.level_id(t) if layout.layout == "long" else ref.unit_id(t),
        "scores": lambda t: ref.unit_id(t) if layout.layout == "wide" else None,
    }.get(layout.kind, lambda t: None)
    return not (label and known(label) and not _SECTION_LABEL.match(label))


def _is_totals(grid: SheetGrid, r: int, layout: Layout) -> bool:
    cols = [layout.fields.get("stt"), layout.label_column, layout.fields.get("unit")]
    for col in cols:
        if col is not None and _TOTALS.match(fold(_cell_text(grid.value(r, col.index)))):
            return True
    first = next((t for t in _row_texts(grid, r) if t), "")
    return bool(_TOTALS.match(fold(first)))


class _Context:
    """Turns the data rows of one recognised sheet into facts."""

    def __init__(self, grid, source_file, result, layout, title_unit, year):
        self.grid, self.source_file, self.result, self.layout = grid, source_file, result, layout
        self.title_unit, self.year = title_unit, year
        self.totals_rows: list[int] = []
        self.sums: dict[int, float] = {}  # column index -> sum of the unit rows
        self.ref = _ref()
        self._filled_unit = None

    def number(self, r: int, col: Column | None) -> tuple[Number, str | None, object]:
        if col is None:
            return Number(None), None, None
        raw = self.grid.value(r, col.index)
        if (r, col.index) in self.grid.formula_no_value:
            return Number(None, ok=False), "formula_no_value", raw
        num = parse_number(raw, (r, col.index) in self.grid.percent_cells)
        problem = None if num.ok else "not_number"
        if num.value is not None and problem is None:
            self.sums[col.index] = self.sums.get(col.index, 0.0) + num.value
        return num, problem, raw

    def base(self, r: int, unit_col: Column | None) -> dict:
        fact = {
            "sheet": self.grid.name,
            "row_no": r + 1,
            "period": self.result.period,
            "illustrative": self.result.illustrative,
        }
        if unit_col is not None:
            raw = self.grid.value(r, unit_col.index)
            if raw in (None, ""):
                raw = self._merged_value(r, unit_col.index)
            fact["unit_raw"] = _cell_text(raw)
            fact["unit_id"] = self.ref.unit_id(raw)
            fact["col_unit"] = unit_col.name
        else:
            fact["unit_id"], fact["unit_raw"] = self.title_unit
            fact["col_unit"] = "tiêu đề"
        return fact

    def _merged_value(self, r: int, c: int) -> object:
        for r0, c0, r1, c1 in self.grid.merged:
            if r0 <= r <= r1 and c0 <= c <= c1:
                return self.grid.value(r0, c0)
        return None

    def emit(self, fact: dict) -> None:
        self.result.facts.append(fact)
        self.result.data_rows.add(fact["row_no"])

    def data_row(self, r: int) -> None:
        kind, layout = self.layout.kind, self.layout
        f = layout.fields
        unit_col = f.get("unit")
        if layout.layout == "wide":
            before = len(self.result.facts)
            for col, meaning in layout.groups:
                fact = self.base(r, unit_col)
                getattr(self, f"wide_{kind}")(r, col, meaning, fact)
            self._check_total_columns(r, self.result.facts[before:])
            return
        fact = self.base(r, unit_col)
        getattr(self, f"long_{kind}")(r, f, fact)

    # long layouts ------------------------------------------------------------------

    def long_indicators(self, r, f, fact):
        name_col = f["indicator"]
        name = _cell_text(self.grid.value(r, name_col.index))
        name = re.sub(r"^\s*(?:\d+(?:\.\d+)*|[a-zđ])[.)]\s+", "", name)
        measure = (
            _cell_text(self.grid.value(r, f["measure_unit"].index)) if "measure_unit" in f else ""
        )
        self._indicator(r, fact, name, name_col, measure, f.get("target"), f.get("actual"))
        self.emit(fact)

    def _indicator(self, r, fact, name, name_col, measure, target_col, actual_col):
        known = self.ref.indicator(name)
        fact.update(indicator_name=clean(name), col_indicator=name_col.name)
        fact["indicator_id"] = known["indicator_id"] if known else None
        fact["measure_unit"] = clean(measure) or (known["measure_unit"] if known else "")
        direction = None
        for fname, col in (("target", target_col), ("actual", actual_col)):
            raw = self.grid.value(r, col.index) if col else None
            if fname == "target" and isinstance(raw, str):
                key = fold(raw)
                if _LOWER_BETTER.match(key):
                    direction = "lower"
                elif _HIGHER_BETTER.match(key):
                    direction = "higher"
                if direction:
                    raw_stripped = re.sub(r"^[^\d]*", "", clean(raw))  # "không quá 5%" -> "5%"
                    num = parse_number(raw_stripped)
                    fact.update(target=num.value, target_problem=None if num.ok else "not_number")
                    fact["target_raw"], fact["col_target"] = _cell_text(raw), col.name
                    if num.percent and not fact["measure_unit"]:
                        fact["measure_unit"] = "%"
                    continue
            num, problem, raw = self.number(r, col)
            fact[fname], fact[f"{fname}_problem"] = num.value, problem
            fact[f"{fname}_raw"] = _cell_text(raw)
            fact[f"col_{fname}"] = col.name if col else None
            if num.percent and not fact["measure_unit"]:
                fact["measure_unit"] = "%"
            if col and "%" in col.label and not fact["measure_unit"]:
                fact["measure_unit"] = "%"
        fact["direction_hint"] = direction

    def long_scores(self, r, f, fact):
        crit_col = f["criterion"]
        criterion = _cell_text(self.grid.value(r, crit_col.index))
        fact.update(criterion=criterion, col_criterion=crit_col.name)
        for fname in ("max_points", "points"):
            num, problem, raw = self.number(r, f.get(fname))
            fact[fname], fact[f"{fname}_problem"] = num.value, problem
            fact[f"{fname}_raw"] = _cell_text(raw)
            fact[f"col_{fname}"] = f[fname].name if fname in f else None
        if fold(criterion).startswith(("diem tru", "tru diem")) and (fact["points"] or 0) > 0:
            fact["points"] = -fact["points"]
            self.sums[f["points"].index] -= 2 * -fact["points"]
        self.emit(fact)

    def long_awards(self, r, f, fact):
        award_col = f["award"]
        award_raw = _cell_text(self.grid.value(r, award_col.index))
        award_id = self.ref.award_id(award_raw)
        for kind in ("tap_the", "ca_nhan"):
            col = f.get(kind)
            if col is None:
                continue
            one = dict(fact)
            num, problem, raw = self.number(r, col)
            one.update(
                award_id=award_id,
                award_raw=award_raw,
                col_award=award_col.name,
                recipient_kind=kind,
                count=num.value if num.value is not None else 0.0,
                count_problem=problem,
                count_raw=_cell_text(raw),
                col_count=col.name,
            )
            self.emit(one)

    def long_initiatives(self, r, f, fact):
        level_col = f["level"]
        level_raw = _cell_text(self.grid.value(r, level_col.index))
        num, problem, raw = self.number(r, f["count"])
        fact.update(
            level=self.ref.level_id(level_raw),
            level_raw=level_raw,
            col_level=level_col.name,
            count=num.value if num.value is not None else 0.0,
            count_problem=problem,
            count_raw=_cell_text(raw),
            col_count=f["count"].name,
        )
        self.emit(fact)

    def long_recipients(self, r, f, fact):
        def text(name):
            return _cell_text(self.grid.value(r, f[name].index)) if name in f else ""

        award_raw = text("award")
        award_id = self.ref.award_id(award_raw)
        decision_no, decision_date_raw = text("decision_no"), None
        if "decision_date" in f:
            decision_date_raw = self.grid.value(r, f["decision_date"].index)
        if "decision" in f:
            combined = text("decision")
            m = re.search(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", combined)
            if m and decision_date_raw is None:
                decision_date_raw = m.group(0)
            no = re.split(r"\bngày\b|\bngay\b", combined, maxsplit=1, flags=re.I)[0]
            decision_no = decision_no or clean(no.strip(" ,;"))
        decision_date, date_problem = _parse_date(decision_date_raw)
        name = text("name")
        position = text("position")
        birth = (
            parse_number(self.grid.value(r, f["birth_year"].index)) if "birth_year" in f else None
        )
        birth_year = (
            int(birth.value)
            if birth
            and birth.value
            and float(birth.value).is_integer()
            and 1900 <= birth.value <= 2100
            else None
        )  # optional: a person's key across years (never rejected; an odd value is left out)
        kind_raw = text("recipient_kind")
        kind = _recipient_kind_word(kind_raw) if kind_raw else None
        if kind is None:
            allowed = self.ref.award_kinds.get(award_id or "", ())
            if len(allowed) == 1:
                kind = allowed[0]
            elif not position and re.match(
                r"^(?:phong|van phong|vksnd|vien kiem sat|chi bo|cong doan|doan|tap the|to |khoi)",
                fold(name),
            ):
                kind = "tap_the"
            else:
                kind = "ca_nhan"
        fact.update(
            name=name,
            col_name=f["name"].name,
            position=position,
            birth_year=birth_year,
            staff_no=text("staff_no") or None,
            award_id=award_id,
            award_raw=award_raw,
            col_award=f["award"].name,
            recipient_kind=kind,
            decision_no=decision_no or None,
            decision_date=decision_date,
            decision_date_problem=date_problem,
            decision_date_raw=_cell_text(decision_date_raw),
            col_decision_date=(
                f.get("decision_date") or f.get("decision") or Column(0, "", "")
            ).name,
            year=self.year or (decision_date.year if decision_date else None),
        )
        self.emit(fact)

    def long_clusters(self, r, f, fact):
        def text(name):
            return _cell_text(self.grid.value(r, f[name].index)) if name in f else ""

        year_num = parse_number(self.grid.value(r, f["year"].index)) if "year" in f else None
        year = int(year_num.value) if year_num and year_num.value else self.year
        cluster_text = fold(text("cluster_no"))
        m = re.search(r"(\d{1,3})\s*$", cluster_text) or re.search(r"\d{1,3}", cluster_text)
        role_raw = text("role")
        fact.update(
            year=year,
            period=None,
            cluster_no=int(m.group(1) if m.lastindex else m.group(0)) if m else None,
            cluster_raw=text("cluster_no"),
            col_cluster=f["cluster_no"].name,
            role=self.ref.role_id(role_raw) if role_raw else "thanh_vien",
            role_raw=role_raw,
            col_role=f["role"].name if "role" in f else None,
            col_year=f["year"].name if "year" in f else "tiêu đề",
        )
        self.emit(fact)

    # wide layouts ------------------------------------------------------------------

    def wide_awards(self, r, col, meaning, fact):
        num, problem, raw = self.number(r, col)
        fact.update(
            award_id=meaning["award_id"],
            award_raw=meaning["award_raw"],
            col_award=col.name,
            recipient_kind=meaning["recipient_kind"],
            count=num.value if num.value is not None else 0.0,
            count_problem=problem,
            count_raw=_cell_text(raw),
            col_count=col.name,
        )
        self.emit(fact)

    def wide_initiatives(self, r, col, meaning, fact):
        num, problem, raw = self.number(r, col)
        fact.update(
            level=meaning["level"],
            level_raw=col.label,
            col_level=col.name,
            count=num.value if num.value is not None else 0.0,
            count_problem=problem,
            count_raw=_cell_text(raw),
            col_count=col.name,
        )
        self.emit(fact)

    def wide_scores(self, r, col, meaning, fact):
        num, problem, raw = self.number(r, col)
        fact.update(
            criterion=meaning["criterion"],
            col_criterion=col.name,
            max_points=meaning["max_points"],
            max_points_problem=None,
            max_points_raw="",
            col_max_points=col.name,
            points=num.value,
            points_problem=problem,
            points_raw=_cell_text(raw),
            col_points=col.name,
        )
        if fold(meaning["criterion"]).startswith(("diem tru", "tru diem")) and (num.value or 0) > 0:
            fact["points"] = -num.value
        self.emit(fact)

    def wide_indicators(self, r, col, meaning, fact):
        if meaning["value"] != "actual":
            return  # the target column is read together with its actual column
        target_col = next(
            (
                c
                for c, m in self.layout.groups
                if m["indicator"] == meaning["indicator"] and m["value"] == "target"
            ),
            None,
        )
        parent = Column(col.index, meaning["indicator"], "")
        self._indicator(
            r,
            fact,
            meaning["indicator"],
            parent,
            _measure_in(meaning["indicator"]),
            target_col,
            col,
        )
        self.emit(fact)

    # totals ------------------------------------------------------------------------

    def _check_total_columns(self, r: int, facts: list[dict]) -> None:
        """A "Tổng điểm" / "Tổng cộng" column in a wide row: checked against the row."""
        field = "points" if self.layout.kind == "scores" else "count"
        row_sum = sum(f.get(field) or 0 for f in facts)
        for col in self.layout.total_columns:
            raw = self.grid.value(r, col.index)
            num = parse_number(raw)
            if num.value is None or any(f.get(f"{field}_problem") for f in facts):
                continue
            if abs(num.value - row_sum) > 1e-6:
                self.result.problems.append(
                    Problem(
                        self.grid.name,
                        r + 1,
                        col.name,
                        _cell_text(raw),
                        "totals_mismatch",
                        f"Cột tổng ghi {_fmt(num.value)} nhưng tổng các cột của dòng này là "
                        f"{_fmt(row_sum)}; cột tổng không được nạp, hãy kiểm tra lại số liệu.",
                    )
                )

    def check_totals(self) -> None:
        cols = self._total_check_columns()
        for r in self.totals_rows:
            for col in cols:
                raw = self.grid.value(r, col.index)
                if (r, col.index) in self.grid.formula_no_value:
                    self.result.problems.append(
                        Problem(
                            self.grid.name,
                            r + 1,
                            col.name,
                            None,
                            "formula_no_value",
                            f"Ô {col.letter}{r + 1} dòng tổng cộng là công thức chưa có giá trị "
                            "được lưu; hãy mở tệp bằng Excel/LibreOffice, tính lại và lưu lại.",
                        )
                    )
                    continue
                num = parse_number(raw, (r, col.index) in self.grid.percent_cells)
                if num.value is None:
                    continue
                expected = round(self.sums.get(col.index, 0.0), 6)
                if abs(num.value - expected) > 1e-6:
                    self.result.problems.append(
                        Problem(
                            self.grid.name,
                            r + 1,
                            col.name,
                            _cell_text(raw),
                            "totals_mismatch",
                            f"Dòng tổng cộng ghi {_fmt(num.value)} ở cột {col.label or col.letter} "
                            f"nhưng tổng các dòng đơn vị là {_fmt(expected)}; dòng tổng cộng "
                            "không được nạp, hãy kiểm tra lại số liệu.",
                        )
                    )

    def _total_check_columns(self) -> list[Column]:
        layout, f = self.layout, self.layout.fields
        if layout.layout == "wide":
            if layout.kind == "indicators":
                return []  # percentages do not add up
            return [c for c, _ in layout.groups]
        names = {
            "scores": ("points",),
            "awards": ("tap_the", "ca_nhan"),
            "initiatives": ("count",),
        }.get(layout.kind, ())
        return [f[n] for n in names if n in f]


def _measure_in(label: str) -> str:
    """A wide indicator header says its measure: "(%)" or a name starting "Tỷ lệ"."""
    return "%" if "%" in label or fold(label).startswith("ty le") else ""


def _fmt(value: float) -> str:
    from pipeline.core.text import format_vn

    return format_vn(value, 2)


def _parse_date(raw: object) -> tuple[date | None, str | None]:
    if raw in (None, ""):
        return None, None
    if isinstance(raw, datetime):
        return raw.date(), None
    if isinstance(raw, date):
        return raw, None
    if isinstance(raw, (int, float)):
        # an Excel serial number that was not formatted as a date
        if 20000 < float(raw) < 80000:
            from datetime import timedelta

            return date(1899, 12, 30) + timedelta(days=int(raw)), None
        return None, "bad_date"
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


__all__ = ["Problem", "SheetResult", "recognise_sheet", "PeriodHint"]
