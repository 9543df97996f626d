"""The floor: unzip every workbook and tokenise its sheet XML, building no objects.

What any reader of .xlsx files must do at the least: inflate the zip members that hold
cells (the worksheets and the shared strings) and run an XML tokeniser (expat, in C) over
them with no handlers, so no Python object is made per cell.  Run as its own process:

    python -m bench.floor DIR
"""

from __future__ import annotations

import os
import sys
import zipfile
from xml.parsers import expat


def tokenise_workbook(path: str) -> int:
    size = 0
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/") or name == "xl/sharedStrings.xml":
                data = zf.read(name)
                expat.ParserCreate().Parse(data, True)
                size += len(data)
    return size


def main(root: str) -> None:
    files = total = 0
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            if name.endswith((".xlsx", ".xlsm")):
                total += tokenise_workbook(os.path.join(folder, name))
                files += 1
    print(f"{files} files, {total} bytes of sheet XML tokenised")


if __name__ == "__main__":
    main(sys.argv[1])
