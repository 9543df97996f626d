"""The peer figure: merely reading every file of a corpus with pandas, nothing else.

What an analyst's script would do first: `pandas.read_excel(path, sheet_name=None,
engine=...)` for every workbook (openpyxl for .xlsx/.xlsm, xlrd for .xls, odf for .ods)
and `pandas.read_csv` for every CSV file; no recognition, no validation, no warehouse.
Run as its own process, so the figure includes Python's start-up and the pandas import:

    python -m bench.peer DIR
"""

from __future__ import annotations

import os
import sys

ENGINES = {".xlsx": "openpyxl", ".xlsm": "openpyxl", ".xls": "xlrd", ".ods": "odf"}


def main(root: str) -> None:
    import pandas as pd

    files = sheets = cells = 0
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            path = os.path.join(folder, name)
            suffix = os.path.splitext(name)[1].lower()
            if suffix in ENGINES:
                frames = pd.read_excel(path, sheet_name=None, engine=ENGINES[suffix])
            elif suffix == ".csv":
                frames = {name: pd.read_csv(path)}
            else:
                continue
            files += 1
            sheets += len(frames)
            cells += sum(frame.size for frame in frames.values())
    print(f"{files} files, {sheets} sheets, {cells} cells read with pandas")


if __name__ == "__main__":
    main(sys.argv[1])
