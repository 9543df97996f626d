"""Cells and rows: text of a cell, the body between header and signature, section and
totals rows."""

from __future__ import annotations

import re
from datetime import date, datetime

from pipeline.core.text import clean, fold
from pipeline.ingest.read import SheetGrid
from pipeline.ingest.recognise import forms, names
from pipeline.ingest.recognise.lookups import ref
from pipeline.ingest.recognise.model import Layout

TOTALS = re.compile(
    r"^(?:tong cong|tong so|tong diem|tong|cong|toan cum|cong toan cum|tong cong toan cum|"
    r"tong cong cum|cong cum)(?: (?:thi dua )?(?:so )?\d{1,3})?$"
)
_SIGNATURE = re.compile(
    r"^(?:nguoi lap|vien truong|pho vien truong|k ?t vien truong|thu truong|noi nhan|"
    r"xac nhan|chanh van phong|truong phong|ky ten|ky ghi ro|tm |t m |tl |t l |q vien truong|"
    r"cum truong|truong cum)"
)
_SIGN_DATE = re.compile(r"ngay\s+\S{0,4}\s*thang\s+\S{0,4}\s*nam")
_SECTION_LABEL = re.compile(r"^\s*(?:[IVXLC]+|[A-Z])\s*[.)/-]\s")
_NUMBERING = re.compile(r"^\(?\d{1,2}\)?$|^\(?[a-z]\)?$")


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date)):
        return value.strftime("%d/%m/%Y")
    return clean(value)


def row_texts(grid: SheetGrid, r: int) -> list[str]:
    """The row's cells as text (shared: do not change the list).  Kept on the grid while
    it is recognised: the header search, the body and the totals look at the same rows."""
    cache = grid.__dict__.setdefault("_row_texts", {})
    texts = cache.get(r)
    if texts is None:
        texts = cache[r] = [cell_text(v) for v in (grid.rows[r] if r < len(grid.rows) else [])]
    return texts


def skip_numbering_row(grid: SheetGrid, r: int) -> int:
    """The column-numbering row under a header ("(1) (2) (3)", "A B 1 2 3") is skipped; a
    data row of small numbers whose label is empty ("1, –, 2, 5") is not: its numbers do not
    count up one by one."""
    texts = [t for t in row_texts(grid, r) if t]
    if texts and all(_NUMBERING.match(fold(t) or t) for t in texts) and len(texts) >= 2:
        numbers = [int(d) for t in texts if (d := re.sub(r"\D", "", t))]
        if not numbers or numbers == list(range(numbers[0], numbers[0] + len(numbers))):
            return r + 1
    return r


def body_rows(grid: SheetGrid, start: int) -> list[int]:
    rows = []
    for r in range(start, len(grid.rows)):
        texts = [t for t in row_texts(grid, r) if t]
        if not texts:
            continue
        if is_signature(texts):
            break
        rows.append(r)
    return rows


def is_signature(texts: list[str]) -> bool:
    if len(texts) > 4:
        return False
    keys = [fold(t) for t in texts]
    return all(_SIGNATURE.match(k) or _SIGN_DATE.search(k) for k in keys)


def value_columns(layout: Layout) -> list:
    if layout.layout == "wide":
        return [c for c, _ in layout.groups] + layout.total_columns
    names_ = {
        "indicators": ("target", "actual"),
        "scores": ("max_points", "points"),
        "awards": ("tap_the", "ca_nhan"),
        "initiatives": ("count",),
        "recipients": ("name", "award", "decision_no", "decision", "position"),
        "clusters": ("cluster_no", "role", "year"),
        "mappings": ("target",),
    }[layout.kind]
    return [layout.fields[n] for n in names_ if n in layout.fields]


def is_section(grid: SheetGrid, r: int, layout: Layout) -> bool:
    """A section or group row: no figures, and a label that names nothing we know (a
    «bí danh» sheet has none: a spelling without its target is a faulty mapping)."""
    if layout.kind == "mappings":
        return False
    if any(grid.value(r, c.index) not in (None, "") for c in value_columns(layout)):
        return False
    label_col = layout.label_column
    label = cell_text(grid.value(r, label_col.index)) if label_col else ""
    lookups = ref()

    def unit(t):
        return names.resolve_unit(t).id

    known = {
        "indicators": lambda t: lookups.indicator(t),
        "awards": lambda t: forms.resolve_award(t).id if layout.layout == "long" else unit(t),
        "initiatives": lambda t: lookups.level_id(t) if layout.layout == "long" else unit(t),
        "scores": lambda t: unit(t) if layout.layout == "wide" else None,
    }.get(layout.kind, lambda t: None)
    return not (label and known(label) and not _SECTION_LABEL.match(label))


def is_totals(grid: SheetGrid, r: int, layout: Layout) -> bool:
    cols = [layout.fields.get("stt"), layout.label_column, layout.fields.get("unit")]
    for col in cols:
        if col is not None and TOTALS.match(fold(cell_text(grid.value(r, col.index)))):
            return True
    first = next((t for t in row_texts(grid, r) if t), "")
    return bool(TOTALS.match(fold(first)))
