"""Excel exports for people: formatted headers, Vietnamese number display, and no cell that a
spreadsheet program could run as a formula."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\x00")


def safe_cell(value):
    """Text that starts like a formula (= + - @, tab, CR, LF or NUL) gets a leading apostrophe-
    like quote so Excel and LibreOffice show it as text and never evaluate it; other values
    pass unchanged."""
    if isinstance(value, str) and value.startswith(DANGEROUS_START):
        return "'" + value.replace("\x00", "")
    return value


def write_xlsx_tables(
    path: Path, sheets: dict[str, pd.DataFrame], notes: dict[str, str] | None = None
) -> Path:
    """One sheet per table: an optional note line, a bold header row, numbers shown as 1.234,5
    by Excel's own locale (format #,##0.## / #,##0), text written as text (never formulas)."""
    import xlsxwriter

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.xlsx")
    book = xlsxwriter.Workbook(
        str(tmp),
        {"strings_to_formulas": False, "strings_to_urls": False, "nan_inf_to_errors": True},
    )
    head = book.add_format(
        {"bold": True, "bg_color": "#DCE3EE", "border": 1, "text_wrap": True, "valign": "top"}
    )
    note_fmt = book.add_format({"italic": True, "font_color": "#555555"})
    integer = book.add_format({"num_format": "#,##0", "border": 1})
    decimal = book.add_format({"num_format": "#,##0.0", "border": 1})
    text = book.add_format({"border": 1, "text_wrap": False})
    for name, frame in sheets.items():
        ws = book.add_worksheet(_sheet_name(name))
        top = 0
        note = (notes or {}).get(name)
        if note:
            ws.write_string(0, 0, str(safe_cell(note)), note_fmt)
            top = 2
        for c, col in enumerate(frame.columns):
            ws.write_string(top, c, str(safe_cell(str(col))), head)
            values = frame[col]
            width = max([len(str(col))] + [len(str(v)) for v in values.head(200)]) + 2
            ws.set_column(c, c, min(max(width, 8), 60))
        for r, row in enumerate(frame.itertuples(index=False), start=top + 1):
            for c, value in enumerate(row):
                if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
                    ws.write_blank(r, c, None, text)
                elif isinstance(value, bool):
                    ws.write_string(r, c, "Có" if value else "Không", text)
                elif isinstance(value, (int, float)):
                    ws.write_number(
                        r, c, float(value), integer if float(value).is_integer() else decimal
                    )
                elif hasattr(value, "strftime"):
                    ws.write_string(r, c, value.strftime("%d/%m/%Y"), text)
                else:
                    ws.write_string(r, c, str(safe_cell(str(value))), text)
        ws.freeze_panes(top + 1, 0)
        if len(frame.columns):
            ws.autofilter(top, 0, top + max(len(frame), 1), len(frame.columns) - 1)
    book.close()
    tmp.replace(path)
    return path


def _sheet_name(name: str) -> str:
    for ch in "[]:*?/\\":
        name = name.replace(ch, " ")
    return name[:31]
