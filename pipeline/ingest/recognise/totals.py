"""Totals: a totals row checked against the sum of the unit rows, a totals column against
the row; a mismatch is reported, the totals are never loaded."""

from __future__ import annotations

from pipeline.core.text import format_vn, parse_number
from pipeline.ingest.recognise.model import Column, Problem
from pipeline.ingest.recognise.rows import cell_text


def fmt(value: float) -> str:
    return format_vn(value, 2)


def check_total_columns(ctx, r: int, facts: list[dict]) -> None:
    """A "Tổng điểm" / "Tổng cộng" column in a wide row: checked against the row."""
    field = "points" if ctx.layout.kind == "scores" else "count"
    row_sum = sum(f.get(field) or 0 for f in facts)
    for col in ctx.layout.total_columns:
        raw = ctx.grid.value(r, col.index)
        num = parse_number(raw)
        if num.value is None or any(f.get(f"{field}_problem") for f in facts):
            continue
        if abs(num.value - row_sum) > 1e-6:
            ctx.result.problems.append(
                Problem(
                    ctx.grid.name,
                    r + 1,
                    col.name,
                    cell_text(raw),
                    "totals_mismatch",
                    f"Cột tổng ghi {fmt(num.value)} nhưng tổng các cột của dòng này là "
                    f"{fmt(row_sum)}{ctx.about_unit(r)}; cột tổng không được nạp, hãy kiểm tra "
                    "lại số liệu.",
                )
            )


def check_totals(ctx) -> None:
    grid = ctx.grid
    for r in ctx.totals_rows:
        for col in _total_check_columns(ctx.layout):
            raw = grid.value(r, col.index)
            if (r, col.index) in grid.formula_no_value:
                ctx.result.problems.append(
                    Problem(
                        grid.name,
                        r + 1,
                        col.name,
                        None,
                        "formula_no_value",
                        f"Ô {col.letter}{r + 1} dòng tổng cộng là công thức chưa có giá trị "
                        "được lưu; hãy mở tệp bằng Excel/LibreOffice, tính lại và lưu lại.",
                    )
                )
                continue
            num = parse_number(raw, (r, col.index) in grid.percent_cells)
            if num.value is None:
                continue
            expected = round(ctx.sums.get(col.index, 0.0), 6)
            if abs(num.value - expected) > 1e-6:
                ctx.result.problems.append(
                    Problem(
                        grid.name,
                        r + 1,
                        col.name,
                        cell_text(raw),
                        "totals_mismatch",
                        f"Dòng tổng cộng ghi {fmt(num.value)} ở cột {col.label or col.letter} "
                        f"nhưng tổng các dòng đơn vị là {fmt(expected)}; dòng tổng cộng "
                        "không được nạp, hãy kiểm tra lại số liệu.",
                    )
                )


def _total_check_columns(layout) -> list[Column]:
    f = layout.fields
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
