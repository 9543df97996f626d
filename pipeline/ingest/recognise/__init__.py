"""Recognition: from a `SheetGrid` to the facts it holds.

One sheet is one table of one kind.  The package, in the order a sheet goes through it:
- `header`: where the header is (one or two rows, merged cells), what each column means
  (key words wherever they stand), the kind and the layout (long: one unit, one row per
  item; wide: one row per unit; or a «bí danh» sheet);
- this module: the title block (period, unit, the "illustrative data" label);
- `rows`: the body between header and signature block, section and totals rows;
- `extract`: one fact per figure with its row and column, through one extractor per
  (kind, layout) (`EXTRACTORS`); the shapes of the facts are in `model`;
- `totals`: totals rows and columns checked, never loaded;
- `names` (units, by grammar and by period) and `forms` (award forms, by composition):
  exact resolution or a rejection naming the closest known names;
- `mappings`: what analysts teach through «bí danh» sheets, kept by the build.

It never decides whether a value is acceptable: facts carry what was read (and a problem
code where a number could not be read); `validate` applies the rules.  What recognition
rejects itself is what only it can know: a unit or award form that is not known exactly,
a unit that did not exist in the period, a period that cannot be read.
"""

from __future__ import annotations

from functools import lru_cache

from pipeline.core.period import PeriodConflict, PeriodHint, merge_hints, period_code
from pipeline.core.period import read_hint as _read_hint_any
from pipeline.core.text import fold
from pipeline.ingest.read import SheetGrid
from pipeline.ingest.recognise import names
from pipeline.ingest.recognise.extract import Context
from pipeline.ingest.recognise.header import columns, detect, find_header, match_field
from pipeline.ingest.recognise.lookups import MEMO
from pipeline.ingest.recognise.model import Column, Layout, Problem, SheetResult
from pipeline.ingest.recognise.rows import (
    body_rows,
    cell_text,
    is_section,
    is_totals,
    skip_numbering_row,
)

ILLUSTRATIVE = ("du lieu minh hoa", "so lieu minh hoa", "minh hoa", "du lieu gia lap")


@lru_cache(maxsize=MEMO)
def read_hint(text: str, where: str) -> PeriodHint | None:
    return _read_hint_any(text, where)  # a PeriodHint is immutable: safe to share


def recognise_sheet(grid: SheetGrid, source_file: str) -> SheetResult:
    result = SheetResult(sheet=grid.name)
    if grid.hidden:
        result.skipped_reason = "trang tính bị ẩn"
        return result
    header = find_header(grid)
    if header is None:
        result.skipped_reason = "không nhận ra tiêu đề cột của loại bảng nào"
        return result
    top, depth = header
    cols = columns(grid, top, depth)
    layout = detect(cols)
    if layout is None:
        result.skipped_reason = "không nhận ra loại bảng từ tiêu đề cột"
        return result
    result.kind, result.layout = layout.kind, layout.layout

    title_lines = [
        cell_text(v) for r in range(top) for v in (grid.rows[r] if r < len(grid.rows) else [])
    ]
    title_lines = [t for t in title_lines if t]
    result.illustrative = any(
        any(mark in fold(t) for mark in ILLUSTRATIVE)
        for t in title_lines + [source_file.replace("_", " ")]
    )

    start = skip_numbering_row(grid, top + depth)
    data_rows = [r for r in body_rows(grid, start) if not is_section(grid, r, layout)]

    if layout.kind == "mappings":  # a «bí danh» sheet has no period and no unit
        ctx = Context(grid, source_file, result, layout, None, None)
        for r in data_rows:
            ctx.data_row(r)
        return result

    first = next((h for t in title_lines if (h := read_hint(t, "tiêu đề")) is not None), None)
    hints = [first] if first is not None else []
    for text, where in ((grid.name, "tên trang tính"), (_stem(source_file), "tên tệp")):
        hint = read_hint(text, where)
        if hint:
            hints.append(hint)
    unreadable = next((h for h in hints if h.unreadable), None)
    if unreadable is not None:
        _reject_all(
            result, grid, data_rows, layout, "period_unreadable", unreadable_message(unreadable)
        )
        return result
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

    title_unit, why = _title_unit(title_lines, result.period)
    if layout.needs_title_unit and title_unit is None:
        if why is not None:  # the title names a unit, but not one of this period
            rule, message = why.rule, f"Phần tiêu đề ghi «{why.written}»: {why.message}"
        else:
            rule, message = (
                "unit_missing",
                "Không xác định được đơn vị: bảng không có cột «Đơn vị» và phần tiêu đề không "
                "ghi tên đơn vị (ví dụ «Đơn vị: VKSND tỉnh Gia Lai»).",
            )
        _reject_all(result, grid, data_rows, layout, rule, message)
        return result

    ctx = Context(grid, source_file, result, layout, title_unit, year)
    for r in data_rows:
        if is_totals(grid, r, layout):
            ctx.totals_rows.append(r)
            continue
        ctx.data_row(r)
    from pipeline.ingest.recognise.totals import check_totals

    check_totals(ctx)
    return result


def unreadable_message(hint: PeriodHint) -> str:
    return (
        f"Không đọc được kỳ báo cáo: {hint.where} ghi «{hint.said}», không phải sơ kết 6 tháng "
        "đầu năm (từ 1/12 năm trước đến 31/5) hay tổng kết năm (từ 1/12 năm trước đến 30/11); "
        "hãy ghi rõ, ví dụ «6 tháng đầu năm 2023» hoặc «năm 2023»."
    )


def _stem(source_file: str) -> str:
    name = source_file.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0]


def _reject_all(result, grid, rows, layout, rule, message):
    rows = [r for r in rows if not is_totals(grid, r, layout)]
    for r in rows:
        result.data_rows.add(r + 1)
        result.rejected_rows.add(r + 1)
        result.problems.append(Problem(grid.name, r + 1, None, None, rule, message))
    if not rows:
        result.problems.append(Problem(grid.name, None, None, None, rule, message))


def _title_unit(lines: list[str], period: str | None):
    """((unit_id, as written), None) for the unit the title block names; else (None, the
    first name it gives of a unit that did not exist in the period, or None)."""
    labelled = [t.split(":", 1)[1] for t in lines if ":" in t and fold(t).startswith("don vi")]
    why = None
    for text in labelled + lines:
        res = names.resolve_unit(text, period)
        if res.id and res.id != "toi_cao":
            return (res.id, text.strip()), None
        if why is None and res.rule == "unit_not_in_period":
            why = res
    return None, why


__all__ = [
    "Column",
    "Layout",
    "PeriodHint",
    "Problem",
    "SheetResult",
    "match_field",
    "recognise_sheet",
]
