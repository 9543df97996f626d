"""Every file under raw/, each once, under a name that is unique as shown.

Nothing under raw/ is passed over without a trace (contract §1.10): spreadsheets are read,
and every other file (a note, a lock file Excel left, a hidden file, a spreadsheet of a
format no reader here supports, a symbolic link) is listed too, so the build records it in
`loads` as skipped with its reason, or refused with a message.  A hidden folder (a name
starting with ".") is listed as one entry, not entered.
"""

from __future__ import annotations

import os
from pathlib import Path

from pipeline.ingest.guard import display_name


def discover(raw_dir: Path) -> list[tuple[str, Path]]:
    """(name relative to `raw_dir` as shown and stored, path) of every file, sorted."""
    found: list[tuple[str, Path]] = []
    shown: set[str] = set()

    def add(path: Path) -> None:
        name = display_name(path.relative_to(raw_dir).as_posix())
        if name in shown:  # two names that display the same (e.g. a byte that is not UTF-8
            # and the same text typed): both are kept, the second named apart
            stem, dot, ext = name.rpartition(".")
            n = 2
            while (
                candidate := f"{stem or ext} (tên trùng {n}){dot}{ext if stem else ''}"
            ) in shown:
                n += 1
            name = candidate
        shown.add(name)
        found.append((name, path))

    for root, dirs, files in os.walk(raw_dir):
        here = Path(root)
        entered = []
        for d in sorted(dirs):
            if d.startswith(".") or (here / d).is_symlink():
                add(here / d)  # listed, never entered: hidden, or a link (never followed)
            else:
                entered.append(d)
        dirs[:] = entered
        for name in sorted(files):
            add(here / name)
    return found


def listing(raw_dir: Path) -> dict[str, list[int]]:
    """Relative path → [size, mtime_ns] of every file under `raw_dir` (links not followed):
    what a re-run compares with the last build's, before it opens the warehouse, to guess
    whether files changed.  A guess only: the ledger decides what is read."""
    found: dict[str, list[int]] = {}
    for root, _dirs, files in os.walk(raw_dir):
        for name in files:
            path = os.path.join(root, name)
            try:
                st = os.lstat(path)
            except OSError:
                continue
            found[os.path.relpath(path, raw_dir)] = [st.st_size, st.st_mtime_ns]
    return found
