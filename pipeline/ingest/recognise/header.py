"""The header: where it is, what each column means, and which kind and layout the sheet is.

Labels are matched by key words wherever they stand ("Số tập thể được khen", "Tên danh
hiệu, hình thức khen thưởng"), "SL" reads "số lượng", words in brackets are kept ("Số lượng
(tập thể)"), and a merged parent label carries its meaning to the columns under it ("Kết
quả khen thưởng" over Tập thể | Cá nhân).
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from pipeline.core import refdata
from pipeline.core.text import fold, parse_number
from pipeline.ingest.read import SheetGrid
from pipeline.ingest.recognise import forms, names
from pipeline.ingest.recognise.lookups import MEMO, clears_with_reference, ref
from pipeline.ingest.recognise.model import Column, Layout
from pipeline.ingest.recognise.rows import TOTALS, cell_text, row_texts

MAX_HEADER_SCAN = 40
SUB_FIELDS = {"tap_the", "ca_nhan", "target", "actual", "points", "max_points", "count"}
_POINTS_IN_LABEL = re.compile(r"\(?\s*(\d+(?:[.,]\d+)?)\s*(?:diem|d)\s*\)?\s*$")
_KIND_SUFFIX = re.compile(r"(?:^|\s)(tap the|ca nhan|tt|cn)$")
_WORDS = {"sl": "so luong", "stt": "stt"}  # header shorthand read as words
_NUMBERED = re.compile(r"^(?:\d{1,2}|[ivx]+|[a-z])\s+(?=\D)")
GENERIC_PARENTS = (
    "so luong",
    "khen thuong",
    "so luong khen thuong",
    "ket qua",
    "doi tuong",
    "ket qua khen thuong",
    "so luong duoc khen thuong",
    "so duoc khen",
)


def header_key(text: str, brackets: bool = False) -> str:
    """A label's matching key: folded, a leading numbering dropped, "SL" as "số lượng",
    dotted initials joined ("S.T.T"); bracketed words dropped unless `brackets`."""
    if not brackets:
        text = re.sub(r"\([^)]*\)", " ", text)
    key = names.name_key(text)
    key = " ".join(_WORDS.get(w, w) for w in key.split())
    return _NUMBERED.sub("", key) if key else key


def match_field(kind: str, text: str, exact: bool = False) -> str | None:
    ref()  # a new reference clears the memo
    return _match_field(kind, text, exact)


@clears_with_reference
@lru_cache(maxsize=MEMO)
def _match_field(kind: str, text: str, exact: bool) -> str | None:
    plain, full = header_key(text), header_key(text, brackets=True)
    keys = [k for k in dict.fromkeys((plain, full)) if k]
    if not keys:
        return None
    first, several, regular = _variant_index(kind)
    if not regular or any(" ".join(k.split()) != k for k in keys):
        return _match_field_scan(kind, keys, exact)
    # the scan below, by look-ups: the first variant (in the reference's order) that is a
    # key, else that starts a key, else (several words) stands inside a short key
    hits = [first[k] for k in keys if k in first]
    if hits:
        return min(hits)[1]
    if exact:
        return None
    split = [k.split() for k in keys]
    hits = [
        first[p]
        for words in split
        for n in range(1, len(words))
        if (p := " ".join(words[:n])) in first
    ]
    if hits:
        return min(hits)[1]
    hits = [
        several[p]
        for words in split
        if len(words) <= 8
        for a in range(len(words))
        for b in range(a + 2, len(words) + 1)
        if (p := " ".join(words[a:b])) in several
    ]
    return min(hits)[1] if hits else None


@clears_with_reference
@cache
def _variant_index(kind: str) -> tuple[dict, dict, bool]:
    """A kind's header variants as look-ups: variant → (its place in the reference's order,
    field), all of them and those of several words; and whether every variant is words
    joined by single spaces (else `_match_field_scan` is used)."""
    first: dict[str, tuple[int, str]] = {}
    several: dict[str, tuple[int, str]] = {}
    regular = True
    for i, (variant, fname) in enumerate(refdata.load().header_variants[kind]):
        regular = regular and bool(variant) and " ".join(variant.split()) == variant
        first.setdefault(variant, (i, fname))
        if " " in variant:
            several.setdefault(variant, (i, fname))
    return first, several, regular


def _match_field_scan(kind: str, keys: list[str], exact: bool) -> str | None:
    variants = refdata.load().header_variants[kind]
    for variant, fname in variants:
        if variant in keys:
            return fname
    if exact:
        return None
    for variant, fname in variants:
        if any(k.startswith(variant + " ") for k in keys):
            return fname
    # key words inside the label: only several-word variants, only in short labels
    for variant, fname in variants:
        if " " in variant and any(len(k.split()) <= 8 and f" {variant} " in f" {k} " for k in keys):
            return fname
    return None


def score_row(texts: list[str]) -> tuple[int, int]:
    ref()
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


@clears_with_reference
@lru_cache(maxsize=MEMO)
def _text_role(t: str) -> int:
    """2: a primary header label (or a known award, level, indicator); 1: a sub-label."""
    if not any(c.isalpha() for c in t):  # a number, a numbering "(1)": never a label
        return 0
    lookups = ref()
    fields = {match_field(k, t) for k in refdata.HEADER_KINDS} - {None}
    if fields - SUB_FIELDS - {"note", "measure_unit"}:
        return 2
    if fields:
        return 1
    return 2 if lookups.award_id(t) or lookups.level_id(t) or lookups.indicator(t) else 0


def find_header(grid: SheetGrid) -> tuple[int, int] | None:
    best, best_score = None, 0
    for r in range(min(len(grid.rows), MAX_HEADER_SCAN)):
        primary, sub = score_row(row_texts(grid, r))
        score = 2 * primary + sub
        if primary >= 1 and primary + sub >= 2 and score > best_score:
            best, best_score = r, score
    if best is None:
        return None
    above = [t for t in row_texts(grid, best - 1) if t] if best > 0 else []
    if len(above) >= 2 and any(recipient_kind_word(t) for t in above):
        return best - 1, 2  # "Tập thể | Cá nhân" merged over the forms of the row below
    nxt = row_texts(grid, best + 1)
    is_sub = any(
        {match_field(k, t) for k in refdata.HEADER_KINDS} & SUB_FIELDS for t in nxt if t
    ) and not any(names.resolve_unit(t).id for t in nxt if t and not t.isdigit())
    return best, 2 if is_sub else 1


def columns(grid: SheetGrid, top: int, depth: int) -> list[Column]:
    parent = list(row_texts(grid, top))
    child = list(row_texts(grid, top + 1)) if depth == 2 else []
    width = max(len(parent), len(child))
    parent += [""] * (width - len(parent))
    child += [""] * (width - len(child))
    for r0, c0, r1, c1 in grid.merged:
        if r0 <= top <= r1 and c0 < width:
            value = cell_text(grid.value(r0, c0))
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


def _fields(kind: str, cols: list[Column]) -> dict[str, Column]:
    found: dict[str, Column] = {}
    for col in cols:
        fname = None
        if col.child:
            fname = match_field(kind, col.child)
            if fname in ("tap_the", "ca_nhan") and kind == "awards" and col.parent:
                # "Bằng khen Thủ tướng" over "Tập thể": a wide group, not the long column
                if _award_id(col.parent) or not match_field(kind, col.parent):
                    fname = None if not generic_parent(col.parent) else fname
        if fname is None and not col.child:
            fname = match_field(kind, col.parent)
        elif fname is None and match_field(kind, col.parent) in ("stt", "unit", "note"):
            fname = match_field(kind, col.parent)
        if fname and fname not in found:
            found[fname] = col
        elif fname == "points" and not _preferred_points(found[fname]):
            found[fname] = col  # "Điểm tự chấm | Điểm Cụm chấm": the later, agreed score
    return found


def _award_id(text: str) -> str | None:
    return forms.resolve_award(text).id if text else None


def _preferred_points(col: Column) -> bool:
    key = header_key(col.child or col.parent)
    return "cum" in key.split() or "thong nhat" in key


def generic_parent(parent: str) -> bool:
    """A parent such as "Số lượng" or "Kết quả khen thưởng" that only groups the counts."""
    return header_key(parent) in GENERIC_PARENTS


def detect(cols: list[Column]) -> Layout | None:
    lookups = ref()
    for kind in ("mappings", "clusters", "recipients"):
        f = _fields(kind, cols)
        if kind == "mappings" and {"spelling", "target"} <= f.keys():
            return Layout(kind, "long", f)
        if (
            kind == "clusters"
            and {"cluster_no", "unit"} <= f.keys()
            and ("role" in f or "year" in f)
        ):
            return Layout(kind, "long", f)
        if kind == "recipients" and {"name", "award"} <= f.keys():
            return Layout(kind, "long", f)

    f = _fields("awards", cols)
    if "award" in f and ({"tap_the", "ca_nhan"} & f.keys()):
        return Layout("awards", "long", f)
    groups, totals = [], []
    for col in cols:
        if col is f.get("unit") or col is f.get("stt") or col is f.get("note"):
            continue
        meaning = award_column(col)
        if meaning is not None:
            groups.append((col, meaning))
        elif TOTALS.match(header_key(col.label)):
            totals.append(col)
    if "unit" in f and any(m.get("award_id") for _, m in groups):
        return Layout("awards", "wide", f, groups, totals)

    f = _fields("initiatives", cols)
    if {"level", "count"} <= f.keys():
        return Layout("initiatives", "long", f)
    groups = [
        (col, {"level": lv})
        for col in cols
        if col is not f.get("unit")
        and (lv := lookups.level_id(col.label) or lookups.level_id(col.child))
    ]
    if "unit" in f and groups:
        totals = [c for c in cols if TOTALS.match(header_key(c.label))]
        return Layout("initiatives", "wide", f, groups, totals)

    f = _fields("scores", cols)
    if {"criterion", "points"} <= f.keys() and match_field(
        "scores", f["criterion"].label, exact=True
    ):
        return Layout("scores", "long", f)

    f = _fields("indicators", cols)
    if "indicator" in f and ({"actual", "target"} & f.keys()):
        return Layout("indicators", "long", f)
    groups = []
    for col in cols:
        role = match_field("indicators", col.child) if col.child else None
        if role in ("target", "actual") and col.parent and col is not f.get("unit"):
            groups.append((col, {"indicator": col.parent, "value": role}))
    if "unit" in f and groups:
        return Layout("indicators", "wide", f, groups)

    f = _fields("scores", cols)
    if "unit" in f:
        groups, totals = [], []
        for col in cols:
            if any(col is f.get(n) for n in ("unit", "stt", "note")):
                continue
            key = header_key(col.label)
            if TOTALS.match(key):
                totals.append(col)
            elif "diem" in fold(col.label) or key.startswith("tieu chi"):
                groups.append((col, score_criterion(col)))
        if groups:
            return Layout("scores", "wide", f, groups, totals)
    return None


def award_column(col: Column) -> dict | None:
    """What a wide award column counts: the form and the kind of recipient."""
    lookups = ref()
    child_kind = recipient_kind_word(col.child) if col.child else None
    if col.child and child_kind:
        return {
            "award_id": _award_id(col.parent),
            "award_raw": col.parent,
            "recipient_kind": child_kind,
        }
    # "Tập thể" merged over several forms: the parent says the kind of recipient
    parent_kind = recipient_kind_word(col.parent) if col.parent and col.child else None
    text = col.child or col.parent
    key = header_key(text)
    m = _KIND_SUFFIX.search(key)
    kind = None
    if m:
        kind = {"tap the": "tap_the", "tt": "tap_the", "ca nhan": "ca_nhan", "cn": "ca_nhan"}[
            m.group(1)
        ]
        base = key[: m.start()].strip()
    else:
        base = key
    award = _award_id(text) or _award_id(base)
    if award is None:
        return None
    kind = kind or parent_kind
    if kind is None:
        allowed = lookups.award_kinds.get(award, ())
        kind = allowed[0] if len(allowed) == 1 else None
    return {"award_id": award, "award_raw": text, "recipient_kind": kind}


def recipient_kind_word(text: str) -> str | None:
    key = header_key(text, brackets=True)
    if key in ("tap the", "tt", "so tap the", "so luong tap the", "tap the so luong"):
        return "tap_the"
    if key in ("ca nhan", "cn", "so ca nhan", "so luong ca nhan", "ca nhan so luong"):
        return "ca_nhan"
    return None


def score_criterion(col: Column) -> dict:
    label = col.label
    m = _POINTS_IN_LABEL.search(fold(label))
    max_points = None
    if m:
        max_points = parse_number(m.group(1)).value
    name = re.sub(r"\(\s*\d+(?:[.,]\d+)?\s*(?:điểm|đ|d)\s*\)\s*$", "", label, flags=re.I)
    from pipeline.core.text import clean

    return {"criterion": clean(name), "max_points": max_points}
