"""The build, an orchestrator: discover → diff the ledger → read and recognise →
normalise → validate → load → publish.

Paths and I/O are decided here and in `warehouse` (all the SQL); `read`, `recognise`,
`normalise`, `validate` and `batch` work on values.  A build is one DuckDB transaction:
the warehouse is changed whole or not at all.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import time
import types
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.core import refdata
from pipeline.ingest import guard
from pipeline.ingest.batch import Prepared, fact_frames, prepare_batch
from pipeline.ingest.normalise import normalise
from pipeline.ingest.read import SPREADSHEET_SUFFIXES, ReadError, read_workbook
from pipeline.ingest.recognise import SheetResult, recognise_sheet
from pipeline.ingest.recognise.mappings import Teaching


@dataclass
class FileOutcome:
    source_file: str
    path: Path
    size: int = 0
    mtime: float = 0.0
    sha256: str = ""
    sheets: list[SheetResult] = field(default_factory=list)
    error: str | None = None  # the whole file could not be used
    error_rule: str | None = None

    @property
    def illustrative(self) -> bool:
        return any(s.illustrative for s in self.sheets)


def discover(raw_dir: Path) -> list[tuple[str, Path]]:
    """Every spreadsheet under `raw_dir` (lock files and hidden files aside), sorted."""
    found = []
    for root, dirs, files in os.walk(raw_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith((".", "~$", ".~lock")):
                continue
            path = Path(root) / name
            # a symlink is listed (and rejected with a message by guard.check_file), never followed
            if path.suffix.lower() in SPREADSHEET_SUFFIXES or path.is_symlink():
                found.append((guard.display_name(path.relative_to(raw_dir).as_posix()), path))
        found.extend(  # os.walk does not enter a linked directory; say so
            (guard.display_name((Path(root) / d).relative_to(raw_dir).as_posix()), Path(root) / d)
            for d in dirs
            if (Path(root) / d).is_symlink()
        )
    return found


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    if not guard.is_regular_file(path):  # a link, pipe or device is never opened
        h.update(
            b"not a regular file: " + os.fsencode(os.readlink(path) if path.is_symlink() else "")
        )
        return h.hexdigest()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def process_file(source_file: str, path: Path) -> FileOutcome:
    """Read and recognise one file (no validation, no I/O besides reading it)."""
    stat = path.lstat()
    outcome = FileOutcome(source_file, path, stat.st_size, stat.st_mtime, sha256_of(path))
    try:
        grids = read_workbook(path)
    except ReadError as exc:
        outcome.error, outcome.error_rule = str(exc), "file_unreadable"
        return outcome
    outcome.sheets = [recognise_sheet(g, source_file) for g in grids]
    illustrative = outcome.illustrative  # a label anywhere marks the whole file
    for sheet in outcome.sheets:
        sheet.illustrative = illustrative
        for fact in sheet.facts:
            fact["source_file"] = source_file
            fact["illustrative"] = illustrative
    if not any(s.kind for s in outcome.sheets):
        outcome.error_rule = "file_no_data"
        outcome.error = (
            "Không tìm thấy bảng số liệu nào trong tệp: không trang tính nào có tiêu đề cột của "
            "một loại bảng đã biết (kết quả chỉ tiêu, chấm điểm, khen thưởng, danh sách khen "
            "thưởng, sáng kiến, cụm thi đua). Xem mẫu bằng lệnh «thidua template»."
        )
    return outcome


@dataclass
class Summary:
    files_seen: int = 0
    files_changed: int = 0
    files_unchanged: int = 0
    files_removed: int = 0
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    problems: int = 0
    superseded: int = 0
    skipped_sheets: list[tuple[str, str, str]] = field(default_factory=list)
    rejected_files: list[str] = field(default_factory=list)
    seconds: float = 0.0
    warehouse_rejections: int = 0

    def add(self, prepared: Prepared) -> None:
        """Count one loaded batch."""
        self.rows_read += sum(f["rows_read"] for f in prepared.file_rows)
        self.rows_loaded += sum(f["rows_loaded"] for f in prepared.file_rows)
        self.rows_rejected += sum(f["rows_rejected"] for f in prepared.file_rows)
        self.problems += len(prepared.rejections)
        self.rejected_files += [
            f["source_file"] for f in prepared.file_rows if f["status"] == "rejected"
        ]
        self.skipped_sheets += [
            (s["source_file"], s["sheet"], s["reason"])
            for s in prepared.sheet_rows
            if s["status"] == "skipped"
        ]


def build(
    raw_dir: Path,
    warehouse_path: Path,
    progress: bool = True,
    wait_seconds: float = 5.0,
    jobs: int | None = None,
) -> Summary:
    from pipeline.load import history
    from pipeline.load import warehouse as wh

    started = time.perf_counter()
    if not raw_dir.is_dir():
        raise FileNotFoundError(f"Không có thư mục dữ liệu gốc «{raw_dir}».")
    warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    con = wh.connect_waiting(warehouse_path, wait_seconds)
    summary = Summary()
    try:
        wh.ensure_schema(con)
        known = wh.ledger(con)
        teaching = Teaching.load(warehouse_path.parent)  # what «bí danh» sheets teach
        teaching.activate()
        files = discover(raw_dir)
        changed, touched, removed = _diff_ledger(files, known)
        summary.files_seen, summary.files_unchanged = len(files), len(files) - len(changed)
        summary.files_changed, summary.files_removed = len(changed), len(removed)
        if changed or removed or touched:
            # one transaction: the changed files are read, validated and loaded a chunk at
            # a time (memory stays bounded), and the warehouse changes whole or not at all
            with wh.transaction(con):
                wh.delete_files(con, removed)
                teaching.forget(removed)
                for rel, path in touched:  # same content, new time: keep, re-date claims
                    wh.touch_file(con, rel, path.stat().st_mtime)
                # no Data Docs (CDN scripts, file names unescaped): the site's «Kiểm tra dữ
                # liệu» page shows the same checks
                _load_changed(con, changed, known, None, summary, progress, jobs, teaching)
                for _ in range(2):  # a «bí danh» change: the files it concerns, read again
                    again = teaching.affected(dict(files))
                    if not again:
                        break
                    replacing = {rel for rel, _ in again}
                    _load_changed(con, again, replacing, None, summary, progress, jobs, teaching)
                wh.mark_changed(con)
            teaching.save()
        counts = wh.counts(con)
        summary.superseded, summary.warehouse_rejections = counts.superseded, counts.rejections
        history.refresh(con)  # streaks, candidates, flags from the facts (load/history.py)
        wh.publish_snapshot(con, warehouse_path)  # readers see this build, whole (warehouse.py)
    finally:
        con.close()
    summary.seconds = time.perf_counter() - started
    return summary


def _diff_ledger(files: list[tuple[str, Path]], known: dict[str, tuple]):
    """(changed, touched, removed): files to read, files with a new time only (same
    hash), and files the ledger knows that are gone.  A file of the ledger's size and
    time is not hashed again."""
    present = {rel for rel, _ in files}
    removed = [rel for rel in known if rel not in present]
    changed: list[tuple[str, Path]] = []
    touched: list[tuple[str, Path]] = []
    for rel, path in files:
        stat = path.lstat()
        have = known.get(rel)
        if have and have[1] == stat.st_size and have[2] == stat.st_mtime:
            continue
        if have and have[0] == sha256_of(path):
            touched.append((rel, path))
        else:
            changed.append((rel, path))
    return changed, touched, removed


def _load_changed(
    con, changed, known, docs_dir: Path | None, summary: Summary, progress, jobs, teaching=None
) -> None:
    """Read → normalise → validate → load the changed files, a chunk at a time."""
    from pipeline.load import warehouse as wh

    ref = refdata.load()
    validator = None
    chunks = _process_chunks(changed, progress, jobs)
    try:
        for outcomes in chunks:
            for i, outcome in enumerate(outcomes):  # one at a time: the read one is let go
                outcomes[i] = normalise(outcome, ref)
            if validator is None:
                from pipeline.ingest.validate import BatchValidator

                validator = BatchValidator(docs_dir)
            prepared = prepare_batch(outcomes, validator.run(fact_frames(outcomes)))
            # a file the ledger does not know has no rows yet (a file's rows and its ledger
            # row are written in one transaction)
            replacing = [o.source_file for o in outcomes if o.source_file in known]
            wh.load_batch(con, prepared, replacing)
            if teaching is not None:
                teaching.observe(outcomes)
            summary.add(prepared)
            del outcomes, prepared
    finally:
        chunks.close()  # stops the pool at once if loading failed
    if validator is not None:
        validator.finish()


POOL_MIN_FILES = 24  # below this a process pool costs more (start-up) than it saves
CHUNK_FILES = 1000  # files read, validated and loaded together: bounds a build's memory


def _workers(jobs: int | None, n_files: int) -> int:
    """How many processes read and recognise: all the cores when many files changed."""
    if jobs is not None:
        return max(1, jobs)
    if n_files < POOL_MIN_FILES:
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, n_files // 8))


@contextlib.contextmanager
def _main_module_hidden():
    """While the pool spawns its workers, `__main__` is a blank module.

    A spawned worker otherwise re-runs the caller's main script (multiprocessing does so to
    find functions defined there); the workers need nothing from it (`process_file` is
    imported by name), and a script calling `build` without an `if __name__ ==
    "__main__":` guard, or code read from standard input, would break the pool."""
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main


def _preimport() -> None:
    """Import what validation needs (seconds of work) while the pool reads the files."""
    try:
        os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
        import great_expectations  # noqa: F401
        import pandas  # noqa: F401
    except Exception:  # the real import later reports any problem
        pass


def _process_chunks(changed: list[tuple[str, Path]], progress: bool, jobs: int | None):
    """The outcomes of the changed files in order, `CHUNK_FILES` at a time.

    With a pool, the workers read the next chunk while the caller validates and loads this
    one; at most one chunk is read ahead, so memory stays bounded whatever the corpus."""
    if not changed:
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    size = max(1, CHUNK_FILES)
    workers = _workers(jobs, len(changed))
    with Progress(
        TextColumn("[bold]Đọc tệp"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        disable=not progress,
        transient=True,
    ) as bar:
        task = bar.add_task("", total=len(changed))
        chunk: list[FileOutcome] = []
        if workers == 1:
            for rel, path in changed:
                bar.update(task, description=rel)
                chunk.append(process_file(rel, path))
                bar.advance(task)
                if len(chunk) == size:
                    yield chunk
                    chunk = []
            if chunk:
                yield chunk
            return
        import multiprocessing
        import threading
        from collections import deque
        from concurrent.futures import ProcessPoolExecutor

        warm = threading.Thread(target=_preimport, name="preimport", daemon=True)
        # spawn, not fork: the parent holds a DuckDB connection and its threads
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
        try:
            warm.start()
            todo = iter(changed)
            pending: deque = deque()

            def submit_ahead() -> None:
                while len(pending) < size:
                    item = next(todo, None)
                    if item is None:
                        return
                    pending.append(pool.submit(process_file, *item))

            with _main_module_hidden():  # the workers are spawned here
                submit_ahead()
            while pending:
                outcome = pending.popleft().result()
                submit_ahead()
                bar.update(task, description=outcome.source_file)
                bar.advance(task)
                chunk.append(outcome)
                if len(chunk) == size or not pending:
                    yield chunk
                    chunk = []
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            if warm.is_alive():
                warm.join()


def check(paths: Iterable[Path]) -> Prepared:
    """Read, normalise and validate files without writing anything."""
    from pipeline.ingest.validate import validate_batch

    ref = refdata.load()
    outcomes = [normalise(process_file(p.name, p), ref) for p in paths]
    return prepare_batch(outcomes, validate_batch(fact_frames(outcomes)))
