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


YEAR_COLUMNS = {"Năm", "year", "Năm so sánh"}
NOT_SUMMED = ("tỷ lệ", "%", "xếp hạng", "năm", "điểm", "chỉ tiêu đề ra", "kết quả", "chênh")


def _is_missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value))


def _numbers(values: pd.Series) -> list[float] | None:
    """The column's values as numbers when every filled cell is a number, else None."""
    out = []
    for v in values:
        if _is_missing(v):
            continue
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            return None
        out.append(float(v))
    return out


def column_format(name: str, values: pd.Series) -> str | None:
    """One number format per column: a year as a plain integer (2022, never 2.022), whole
    counts as 1.234, anything else with the one decimal it is shown with (1.234,5)."""
    nums = _numbers(values)
    if nums is None or not nums:
        return None
    if str(name) in YEAR_COLUMNS:
        return "0"
    if all(round(v, 6).is_integer() for v in nums):
        return "#,##0"
    return "#,##0.0"


def summable(name: str, values: pd.Series) -> bool:
    """A «Cộng» makes sense for whole counts (not rates, ranks, years, points or targets)."""
    label = str(name).lower()
    return column_format(name, values) == "#,##0" and not any(w in label for w in NOT_SUMMED)


def write_xlsx_tables(
    path: Path,
    sheets: dict[str, pd.DataFrame],
    notes: dict[str, str] | None = None,
    below: dict[str, str] | None = None,
    totals: set[str] | None = None,
) -> Path:
    """One sheet per table, ready to print: a note line (what the table is), a bold header
    row, one number format per column (years as plain integers, rates rounded as shown,
    Vietnamese display 1.234,5 by Excel's own locale), a «Cộng» row for the sheets in
    `totals` (whole-count columns only), the source in plain words (`below`) under the
    title and in the print footer, so it prints under the table on every page, landscape A4 fitted to the page width with the header repeated. Text is
    written as text (never formulas)."""
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
    note_fmt = book.add_format(
        {"italic": True, "font_color": "#555555", "text_wrap": True, "valign": "top"}
    )
    src_fmt = book.add_format(
        {"italic": True, "font_color": "#444444", "text_wrap": True, "valign": "top"}
    )
    formats = {
        f: book.add_format({"num_format": f, "border": 1}) for f in ("0", "#,##0", "#,##0.0")
    }
    bold_formats = {
        f: book.add_format({"num_format": f, "border": 1, "bold": True, "top": 2})
        for f in ("0", "#,##0", "#,##0.0")
    }
    text = book.add_format({"border": 1, "text_wrap": False})
    bold_text = book.add_format({"border": 1, "bold": True, "top": 2})
    for name, frame in sheets.items():
        ws = book.add_worksheet(_sheet_name(name))
        top = 0
        note = (notes or {}).get(name)
        source = (below or {}).get(name, "")
        if note or source:
            top = 2
        col_formats = []
        widths = []
        for c, col in enumerate(frame.columns):
            ws.write_string(top, c, str(safe_cell(str(col))), head)
            values = frame[col]
            fmt = column_format(col, values)
            col_formats.append(fmt)
            width = max([len(str(col))] + [len(str(v)) for v in values.head(200)]) + 2
            widths.append(min(max(width, 8), 60))
            ws.set_column(c, c, widths[-1])
        # the note and the source (in plain words; printed under the table on every page too,
        # in the footer) wrap across the table's width: a long line left to spill over empty
        # columns widened the printed page, and fitting it to A4 shrank the table to 4 pt
        for row, line, fmt in ((0, note or "", note_fmt), (1, source, src_fmt)):
            if top and (line or row == 0):
                _wide_line(ws, row, line.replace("\n", " · "), fmt, widths)
        last = top
        for r, row in enumerate(frame.itertuples(index=False), start=top + 1):
            last = r
            for c, value in enumerate(row):
                fmt = col_formats[c]
                if _is_missing(value):
                    ws.write_blank(r, c, None, text)
                elif isinstance(value, bool):
                    ws.write_string(r, c, "Có" if value else "Không", text)
                elif isinstance(value, (int, float)) and fmt is not None:
                    number = float(value)
                    # rates rounded as shown: the cell holds the figure the reader sees
                    number = round(number, 1) if fmt == "#,##0.0" else round(number)
                    ws.write_number(r, c, number, formats[fmt])
                elif isinstance(value, (int, float)):
                    ws.write_number(r, c, float(value), formats["#,##0.0"])
                elif hasattr(value, "strftime"):
                    ws.write_string(r, c, value.strftime("%d/%m/%Y"), text)
                else:
                    ws.write_string(r, c, str(safe_cell(str(value))), text)
        if name in (totals or set()) and len(frame):
            last += 1
            ws.write_string(last, 0, "Cộng", bold_text)
            for c, col in enumerate(frame.columns[1:], start=1):
                if summable(col, frame[col]):
                    total = sum(_numbers(frame[col]) or [])
                    ws.write_number(last, c, round(total), bold_formats["#,##0"])
                else:
                    ws.write_blank(last, c, None, bold_text)
        ws.freeze_panes(top + 1, 0)
        if len(frame.columns):
            ws.autofilter(top, 0, top + max(len(frame), 1), len(frame.columns) - 1)
        # print: A4 landscape, the table's width on one page, the header on every page
        ws.print_area(0, 0, max(last, top), max(len(frame.columns), 1) - 1)
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(top)
        ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
        ws.set_footer("&L&8" + _footer(source or name) + "&R&8Trang &P/&N")
    book.close()
    tmp.replace(path)
    return path


def _wide_line(ws, row: int, text: str, fmt, widths: list[int]) -> None:
    """`text` in one cell as wide as the table, wrapped, its row as tall as its lines."""

    span = max(sum(widths), 1)
    lines = max(1, -(-len(text) // max(span - 2, 1)))
    if len(widths) > 1:
        ws.merge_range(row, 0, row, len(widths) - 1, str(safe_cell(text)), fmt)
    else:
        ws.write_string(row, 0, str(safe_cell(text)), fmt)
    ws.set_row(row, 15 * lines)


def _footer(text: str) -> str:
    """Text for a print footer (Excel keeps 255 characters, & is its escape)."""
    text = " · ".join(text.split("\n")).replace("&", "&&")
    return text if len(text) <= 200 else text[:199] + "…"


def _sheet_name(name: str) -> str:
    for ch in "[]:*?/\\":
        name = name.replace(ch, " ")
    return name[:31]
