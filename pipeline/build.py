"""The build: find changed files, read and recognise them, validate the batch, load it.

Paths and I/O are decided here and in `warehouse`; `read`, `recognise` and `validate`
work on values.  A build is one DuckDB transaction: the warehouse is changed whole or not
at all.
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
from pipeline.core.messages import locate
from pipeline.core.text import slug
from pipeline.ingest import guard
from pipeline.ingest.read import SPREADSHEET_SUFFIXES, ReadError, read_workbook
from pipeline.ingest.recognise import SheetResult, recognise_sheet

UNIT_KINDS = ("indicators", "scores", "awards", "recipients", "initiatives")


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
            if "year" not in fact or fact.get("year") is None:
                fact["year"] = int(fact["period"][:4]) if fact.get("period") else None
    conflict = next(
        (p for s in outcome.sheets for p in s.problems if p.rule == "period_conflict"), None
    )
    if conflict:  # the file is rejected whole, naming both statements
        for sheet in outcome.sheets:
            for fact in sheet.facts:
                sheet.rejected_rows.add(fact["row_no"])
                sheet.problems.append(
                    type(conflict)(
                        sheet.sheet, fact["row_no"], None, None, conflict.rule, conflict.message
                    )
                )
            sheet.facts = []
    if not any(s.kind for s in outcome.sheets):
        outcome.error_rule = "file_no_data"
        outcome.error = (
            "Không tìm thấy bảng số liệu nào trong tệp: không trang tính nào có tiêu đề cột của "
            "một loại bảng đã biết (kết quả chỉ tiêu, chấm điểm, khen thưởng, danh sách khen "
            "thưởng, sáng kiến, cụm thi đua). Xem mẫu bằng lệnh «thidua template»."
        )
    _year_aware_units(outcome)
    return outcome


def _year_aware_units(outcome: FileOutcome) -> None:
    """A name such as "Huế" means Thừa Thiên Huế before 2025."""
    renamed = _renamed_units(refdata.load())
    for sheet in outcome.sheets:
        for fact in sheet.facts:
            uid, year = fact.get("unit_id"), fact.get("year")
            if uid in renamed and year is not None:
                before, since = renamed[uid]
                if year < since:
                    fact["unit_id"] = before


_RENAMED: dict[int, dict[str, tuple[str, int]]] = {}


def _renamed_units(ref) -> dict[str, tuple[str, int]]:
    """successor id -> (the unit it renamed, the successor's first year); per reference."""
    if id(ref) not in _RENAMED:
        by_id = {v["unit_id"]: v for v in ref.units}
        _RENAMED.clear()
        _RENAMED[id(ref)] = {
            u["successor_id"]: (u["unit_id"], int(by_id[u["successor_id"]]["valid_from"][:4]))
            for u in ref.units
            if u["successor_id"]
            and u["valid_to"]
            and by_id[u["successor_id"]]["valid_from"] > u["valid_to"]
        }
    return _RENAMED[id(ref)]


@dataclass
class Prepared:
    """A batch of outcomes with validation applied: what to insert, what to reject."""

    facts: dict[str, list[dict]]
    rejections: list[dict]
    sheet_rows: list[dict]
    file_rows: list[dict]


def prepare_batch(outcomes: list[FileOutcome], docs_dir: Path | None, validator=None) -> Prepared:
    """Validate a batch of outcomes; `validator` (a `validate.BatchValidator`) when the
    build validates its files in several batches, else the batch is validated alone."""
    import pandas as pd

    from pipeline.ingest.validate import validate_batch

    by_kind: dict[str, list[dict]] = {}
    for outcome in outcomes:
        for sheet in outcome.sheets:
            if sheet.kind:
                by_kind.setdefault(sheet.kind, []).extend(sheet.facts)
    frames = {k: pd.DataFrame(v) for k, v in by_kind.items()}
    validation = (
        validator.run(frames) if validator is not None else validate_batch(frames, docs_dir)
    )
    del frames

    rejections = list(validation.rejections)
    facts: dict[str, list[dict]] = {k: [] for k in by_kind}
    sheet_rows, file_rows = [], []
    new_ids: dict[str, str] = {}
    for outcome in outcomes:
        if outcome.error:
            rejections.append(
                {
                    "source_file": outcome.source_file,
                    "sheet": None,
                    "row_no": None,
                    "column_name": None,
                    "value": None,
                    "rule": outcome.error_rule,
                    "message": locate(outcome.source_file, None, None, None) + outcome.error,
                }
            )
        read = loaded = rejected = 0
        for sheet in outcome.sheets:
            for p in sheet.problems:
                rejections.append(
                    {
                        "source_file": outcome.source_file,
                        "sheet": p.sheet,
                        "row_no": p.row_no,
                        "column_name": p.column_name,
                        "value": p.value,
                        "rule": p.rule,
                        "message": locate(outcome.source_file, p.sheet, p.row_no, p.column_name)
                        + p.message,
                    }
                )
            bad = set(sheet.rejected_rows) | {
                row
                for (f, s, row) in validation.rejected_keys
                if f == outcome.source_file and s == sheet.sheet
            }
            bad &= sheet.data_rows
            for fact in sheet.facts:
                if fact["row_no"] not in bad:
                    if sheet.kind == "indicators" and not fact.get("indicator_id"):
                        name = fact["indicator_name"]
                        if name not in new_ids:
                            new_ids[name] = "moi_" + slug(name)[:60]
                        fact["indicator_id"] = new_ids[name]
                    facts[sheet.kind].append(fact)
            n_read, n_bad = len(sheet.data_rows), len(bad)
            read, rejected, loaded = read + n_read, rejected + n_bad, loaded + n_read - n_bad
            sheet_rows.append(
                {
                    "source_file": outcome.source_file,
                    "sheet": sheet.sheet,
                    "kind": sheet.kind,
                    "layout": sheet.layout,
                    "period": sheet.period,
                    "status": "skipped" if sheet.skipped_reason else "loaded",
                    "reason": sheet.skipped_reason,
                    "rows_read": n_read,
                    "rows_loaded": n_read - n_bad,
                    "rows_rejected": n_bad,
                    "illustrative": sheet.illustrative,
                }
            )
        status = "rejected" if outcome.error or (read and not loaded) else "loaded"
        file_rows.append(
            {
                "source_file": outcome.source_file,
                "sha256": outcome.sha256,
                "size": outcome.size,
                "mtime": outcome.mtime,
                "status": status,
                "rows_read": read,
                "rows_loaded": loaded,
                "rows_rejected": rejected,
                "illustrative": outcome.illustrative,
                "message": outcome.error,
            }
        )
    return Prepared(facts, rejections, sheet_rows, file_rows)


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


def build(
    raw_dir: Path,
    warehouse_path: Path,
    progress: bool = True,
    wait_seconds: float = 5.0,
    jobs: int | None = None,
) -> Summary:
    from pipeline.load import warehouse as wh

    started = time.perf_counter()
    if not raw_dir.is_dir():
        raise FileNotFoundError(f"Không có thư mục dữ liệu gốc «{raw_dir}».")
    warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    con = _connect_waiting(warehouse_path, wait_seconds)
    summary = Summary()
    try:
        wh.ensure_schema(con)
        known = wh.ledger(con)
        files = discover(raw_dir)
        summary.files_seen = len(files)
        present = {rel for rel, _ in files}
        removed = [rel for rel in known if rel not in present]
        changed: list[tuple[str, Path]] = []
        touched: list[tuple[str, Path, str]] = []
        for rel, path in files:
            stat = path.lstat()
            have = known.get(rel)
            if have and have[1] == stat.st_size and have[2] == stat.st_mtime:
                continue
            digest = sha256_of(path)
            if have and have[0] == digest:
                touched.append((rel, path, digest))
            else:
                changed.append((rel, path))
        summary.files_changed, summary.files_removed = len(changed), len(removed)
        summary.files_unchanged = len(files) - len(changed)

        if changed or removed or touched:
            # one transaction: the changed files are read, validated and loaded a chunk at
            # a time (memory stays bounded), and the warehouse changes whole or not at all
            con.execute("BEGIN TRANSACTION")
            try:
                _delete_files(con, removed)
                for rel, path, _ in touched:  # same content, new time: keep, re-date claims
                    mtime = path.stat().st_mtime
                    con.execute("UPDATE ledger SET mtime = ? WHERE source_file = ?", [mtime, rel])
                    con.execute("UPDATE claims SET mtime = ? WHERE source_file = ?", [mtime, rel])
                validator = None
                chunks = _process_chunks(changed, progress, jobs)
                try:
                    for outcomes in chunks:
                        if validator is None:
                            from pipeline.ingest.validate import BatchValidator

                            # no Data Docs (CDN scripts, file names unescaped): the site's
                            # «Kiểm tra dữ liệu» page shows the same checks
                            validator = BatchValidator()
                        prepared = prepare_batch(outcomes, None, validator)
                        _load(con, outcomes, prepared, known)
                        _add_to_summary(summary, prepared)
                        del outcomes, prepared
                finally:
                    chunks.close()  # stops the pool at once if loading failed
                if validator is not None:
                    validator.finish()
                wh.mark_changed(con)
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        summary.superseded = con.execute(
            "SELECT count(*) FROM loads WHERE status = 'superseded'"
        ).fetchone()[0]
        summary.warehouse_rejections = con.execute("SELECT count(*) FROM rejections").fetchone()[0]
        wh.publish_snapshot(con, warehouse_path)  # readers see this build, whole (warehouse.py)
    finally:
        con.close()
    summary.seconds = time.perf_counter() - started
    return summary


def _add_to_summary(summary: Summary, prepared: Prepared) -> None:
    summary.rows_read += sum(f["rows_read"] for f in prepared.file_rows)
    summary.rows_loaded += sum(f["rows_loaded"] for f in prepared.file_rows)
    summary.rows_rejected += sum(f["rows_rejected"] for f in prepared.file_rows)
    summary.problems += len(prepared.rejections)
    summary.rejected_files += [
        f["source_file"] for f in prepared.file_rows if f["status"] == "rejected"
    ]
    summary.skipped_sheets += [
        (s["source_file"], s["sheet"], s["reason"])
        for s in prepared.sheet_rows
        if s["status"] == "skipped"
    ]


def _connect_waiting(path: Path, wait_seconds: float):
    from pipeline.load import warehouse as wh

    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            return wh.connect(path)
        except wh.WarehouseBusy:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.25)


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


def _delete_files(con, files: list[str]) -> None:
    """Remove every row of these files (one statement per table for many files)."""
    from pipeline.load import warehouse as wh

    if len(files) <= 4:
        for rel in files:
            wh.delete_file(con, rel)
        return
    import pandas as pd

    con.register("gone_files", pd.DataFrame({"source_file": files}))
    try:
        for table in [f"f_{k}" for k in wh.FACT_COLUMNS] + [
            "claims",
            "rejections_t",
            "sheet_log",
            "ledger",
        ]:
            con.execute(
                f"DELETE FROM {table} WHERE source_file IN (SELECT source_file FROM gone_files)"
            )
    finally:
        con.unregister("gone_files")


def _load(con, outcomes: list[FileOutcome], prepared: Prepared, known=None) -> None:
    import pandas as pd

    from pipeline.load import warehouse as wh

    loaded_at = wh.now()
    # a file the ledger does not know has no rows yet (a file's rows and its ledger row are
    # written in one transaction)
    _delete_files(con, [o.source_file for o in outcomes if known is None or o.source_file in known])
    for kind, rows in prepared.facts.items():
        if rows:
            wh.insert_frame(con, f"f_{kind}", pd.DataFrame(rows), wh.FACT_COLUMNS[kind])
    mtimes = {o.source_file: o.mtime for o in outcomes}
    claims = {
        (
            f["source_file"],
            kind,
            f["unit_id"],
            str(f["year"]) if kind == "clusters" else f["period"],
        )
        for kind, rows in prepared.facts.items()
        for f in rows
    }
    wh.insert_frame(
        con,
        "claims",
        pd.DataFrame(
            [
                {"source_file": s, "kind": k, "unit_id": u, "period": p, "mtime": mtimes[s]}
                for s, k, u, p in sorted(claims)
            ],
            columns=["source_file", "kind", "unit_id", "period", "mtime"],
        ),
        ["source_file", "kind", "unit_id", "period", "mtime"],
    )
    rej_cols = ["source_file", "sheet", "row_no", "column_name", "value", "rule", "message"]
    wh.insert_frame(
        con, "rejections_t", pd.DataFrame(prepared.rejections, columns=rej_cols), rej_cols
    )
    sheet_cols = [
        "source_file",
        "sheet",
        "kind",
        "layout",
        "period",
        "status",
        "reason",
        "rows_read",
        "rows_loaded",
        "rows_rejected",
        "illustrative",
    ]
    wh.insert_frame(
        con, "sheet_log", pd.DataFrame(prepared.sheet_rows, columns=sheet_cols), sheet_cols
    )
    files = pd.DataFrame(prepared.file_rows)
    files["loaded_at"] = loaded_at
    wh.insert_frame(
        con,
        "ledger",
        files,
        [
            "source_file",
            "sha256",
            "size",
            "mtime",
            "loaded_at",
            "status",
            "rows_read",
            "rows_loaded",
            "rows_rejected",
            "illustrative",
            "message",
        ],
    )


def check(paths: Iterable[Path]) -> Prepared:
    """Validate files without writing anything."""
    outcomes = [process_file(p.name, p) for p in paths]
    return prepare_batch(outcomes, None)
