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
from typing import TYPE_CHECKING

from pipeline.core import refdata
from pipeline.ingest.batch import Prepared, fact_frames, prepare_batch
from pipeline.ingest.discover import discover

# the readers, the recogniser and the workers (`pipeline.ingest.worker`) are imported where
# a file is read or hashed: a re-run with nothing changed does neither
if TYPE_CHECKING:
    from pipeline.ingest.recognise.mappings import Teaching
    from pipeline.ingest.worker import FileOutcome


def sha256_of(path: Path) -> str:
    from pipeline.ingest import guard

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
    """Read and recognise one file (no validation, no I/O besides reading it); never
    raises: open once, guard, read, recognise, isolated in `worker.process_file`."""
    from pipeline.ingest import worker

    return worker.process_file(source_file, path, _finish)


def _finish(outcome: FileOutcome) -> None:
    """The build's rules on one recognised file (run in the worker that read it)."""
    source_file = outcome.source_file
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


def _normalised(outcome: FileOutcome, ref) -> FileOutcome:
    """`normalise(outcome)`; what it cannot do to one file is that file's rejection."""
    from pipeline.ingest.normalise import normalise

    try:
        return normalise(outcome, ref)
    except Exception:  # noqa: BLE001 - one file never fails a build
        from pipeline.ingest import guard

        outcome.sheets = []
        outcome.error_rule = "file_unreadable"
        outcome.error = "Không xử lý được số liệu của tệp (cấu trúc bất thường). " + guard.FIX_HINT
        return outcome


class CommittedNotPublished(Exception):
    """The build was committed to the warehouse, but what follows the commit (the read
    copy for dashboards and notebooks) failed: a full disk, most often."""

    def __init__(self, cause: BaseException):
        super().__init__(str(cause))
        self.cause = cause

    def vietnamese(self) -> str:
        cause = self.cause
        text = str(cause).lower()
        if getattr(cause, "errno", None) == 28 or "no space" in text or "disk is full" in text:
            why = "ổ đĩa đã đầy"
        elif isinstance(cause, PermissionError) or "permission" in text:
            why = "không có quyền ghi vào thư mục của kho"
        else:
            why = "lỗi khi ghi tệp"
        return (
            f"Số liệu ĐÃ được nạp vào kho (lần nạp đã hoàn tất), nhưng không ghi được bản sao "
            f"để đọc của kho ({why}): trang tổng hợp, sổ tay và báo cáo vẫn thấy số liệu của "
            "lần nạp trước. Hãy giải phóng chỗ trên đĩa rồi chạy lại «thidua build» (không "
            "có tệp nào phải nạp lại)."
        )


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
    # (file, note): a file loaded with a note on how it was read (LibreOffice, a code page)
    noted_files: list[tuple[str, str]] = field(default_factory=list)
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
        self.noted_files += [
            (f["source_file"], f["message"])
            for f in prepared.file_rows
            if f["status"] == "loaded" and f["message"]
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
    on_state=None,
    validator=None,
) -> Summary:
    """`on_state(when, con)`, if given, reads what readers see through the writer's own
    connection: when="before" (con None if the read snapshot is not a copy of the warehouse
    as it stands), when="publishing" (right before the snapshot is copied: what it writes
    now is in the snapshot) and when="after" the snapshot is published (one DuckDB
    instance, not a reader's too).  `validator`: a `validate.ValidatorProcess` already started (the caller
    closes it), else the batches are validated in this process."""
    from pipeline.load import warehouse as wh

    started = time.perf_counter()
    if not raw_dir.is_dir():
        raise FileNotFoundError(f"Không có thư mục dữ liệu gốc «{raw_dir}».")
    warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    con = wh.connect_waiting(warehouse_path, wait_seconds)
    summary = Summary()
    try:
        if on_state is not None:
            on_state("before", con if wh.snapshot_is_current(con, warehouse_path) else None)
        wh.ensure_schema(con)
        known = wh.ledger(con)
        files = discover(raw_dir)
        changed, touched, removed = _diff_ledger(files, known)
        summary.files_seen, summary.files_unchanged = len(files), len(files) - len(changed)
        summary.files_changed, summary.files_removed = len(changed), len(removed)
        if changed or removed or touched:
            teaching = _teaching(con, warehouse_path)
            # one transaction: the changed files are read, validated and loaded a chunk at
            # a time (memory stays bounded), and the warehouse changes whole or not at all
            with wh.transaction(con):
                wh.delete_files(con, removed)
                teaching.forget(removed)
                for rel, path in touched:  # same content, new time: keep, re-date claims
                    with contextlib.suppress(OSError):  # (gone since: next build says so)
                        wh.touch_file(con, rel, path.lstat().st_mtime)
                # no Data Docs (CDN scripts, file names unescaped): the site's «Kiểm tra dữ
                # liệu» page shows the same checks
                _load_changed(
                    con, changed, known, None, summary, progress, jobs, teaching, validator
                )
                for _ in range(2):  # a «bí danh» change: the files it concerns, read again
                    again = teaching.affected(dict(files))
                    if not again:
                        break
                    replacing = {rel for rel, _ in again}
                    _load_changed(
                        con, again, replacing, None, summary, progress, jobs, teaching, validator
                    )
                wh.write_state(con, "bi_danh", teaching.state())
                wh.mark_changed(con)
        try:  # committed: a failure from here on must not be reported as "nothing changed"
            counts = wh.counts(con)
            summary.superseded = counts.superseded
            summary.warehouse_rejections = counts.rejections
            if not wh.made_from_latest(con, "history"):  # (pandas imported only then)
                from pipeline.load import history

                history.refresh(con)  # streaks, candidates, flags from the facts
            if on_state is not None:  # (what the caller keeps in the snapshot too)
                on_state("publishing", con)
            wh.publish_snapshot(con, warehouse_path)  # readers see this build, whole
        except Exception as exc:
            raise CommittedNotPublished(exc) from exc
        if on_state is not None:
            on_state("after", con)
    finally:
        con.close()
    summary.seconds = time.perf_counter() - started
    return summary


EARLY_VALIDATION_MAX_FILES = 24  # more changed files: a pool reads them; GX in a thread


def _listing_path(warehouse_path: Path) -> Path:
    """thidua.duckdb → thidua.raw-listing.json: the raw files as the last build saw them."""
    return warehouse_path.with_name(f"{warehouse_path.stem}.raw-listing.json")


def start_validator(raw_dir: Path, warehouse_path: Path):
    """(a started `validate.ValidatorProcess` or None, the raw listing now, or None if it
    is the last build's).

    Called before the warehouse is opened: if between 1 and `EARLY_VALIDATION_MAX_FILES`
    files differ from the last build's listing (new, or a new size or time), validation
    will very likely be needed, so its process is forked now and imports Great Expectations
    on the other core while this one connects, reads and recognises.  Only a guess: the
    ledger still decides what is read (a wrong guess costs the other core's time, or the
    import here as before)."""
    import json

    from pipeline.ingest.discover import listing

    now = listing(raw_dir)
    try:
        seen = json.loads(_listing_path(warehouse_path).read_text(encoding="utf-8"))
        before = seen["files"] if seen.get("raw") == str(raw_dir.resolve()) else {}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        before = {}
    differ = sum(1 for name, stat in now.items() if before.get(name) != stat)
    if differ == 0 and len(now) == len(before):
        return None, None  # as the last build saw them: nothing to remember either
    if not 0 < differ <= EARLY_VALIDATION_MAX_FILES:
        return None, now
    from pipeline.ingest.validate import ValidatorProcess  # (pandas: shared with the child)

    return ValidatorProcess.start(), now


def remember_listing(raw_dir: Path, warehouse_path: Path, now: dict) -> None:
    """Keep the raw listing this build started from, for the next build's guess."""
    import json

    if now is None:
        return
    path = _listing_path(warehouse_path)
    text = json.dumps({"raw": str(raw_dir.resolve()), "files": now})
    try:
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError:  # a guess for speed: the build itself has succeeded
        pass


def _teaching(con, warehouse_path: Path) -> Teaching:
    """What «bí danh» sheets teach, as the last build stored it, put in force for the
    readers (only a build that reads or removes files needs it: 40 ms of imports)."""
    from pipeline.ingest.recognise.mappings import Teaching
    from pipeline.load import warehouse as wh

    teaching = Teaching.from_state(wh.read_state(con, "bi_danh"), warehouse_path.parent)
    teaching.activate()
    return teaching


def _diff_ledger(files: list[tuple[str, Path]], known: dict[str, tuple]):
    """(changed, touched, removed): files to read, files with a new time only (same
    hash), and files the ledger knows that are gone.  A file of the ledger's size and
    time is not hashed again."""
    present = {rel for rel, _ in files}
    removed = [rel for rel in known if rel not in present]
    changed: list[tuple[str, Path]] = []
    touched: list[tuple[str, Path]] = []
    for rel, path in files:
        try:
            stat = path.lstat()
            have = known.get(rel)
            if have and have[1] == stat.st_size and have[2] == stat.st_mtime:
                continue
            same = have and have[0] == sha256_of(path)
        except OSError:  # gone or unreadable since it was listed: the worker says which
            same = False
        if same:
            touched.append((rel, path))
        else:
            changed.append((rel, path))
    return changed, touched, removed


def _load_changed(
    con,
    changed,
    known,
    docs_dir: Path | None,
    summary: Summary,
    progress,
    jobs,
    teaching=None,
    validator=None,
) -> None:
    """Read → normalise → validate → load the changed files, a chunk at a time (validated
    by `validator` if given: a `ValidatorProcess`, whose suites are made already)."""
    from pipeline.load import warehouse as wh

    ref = refdata.load()
    chunks = _process_chunks(changed, progress, jobs, preimport=validator is None)
    try:
        for outcomes in chunks:
            for i, outcome in enumerate(outcomes):  # one at a time: the read one is let go
                outcomes[i] = _normalised(outcome, ref)
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
        import pandas  # noqa: F401

        from pipeline.core.rules import great_expectations

        great_expectations()
    except Exception:  # the real import later reports any problem
        pass


def _process_chunks(
    changed: list[tuple[str, Path]], progress: bool, jobs: int | None, preimport: bool = True
):
    """The outcomes of the changed files in order, `CHUNK_FILES` at a time.

    With a pool, the workers read the next chunk while the caller validates and loads this
    one; at most one chunk is read ahead, so memory stays bounded whatever the corpus."""
    if not changed:
        return
    from rich.markup import escape
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from pipeline.ingest import worker

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
        warm = None
        if workers > 1 and preimport:  # (not when a validator process imports it)
            import threading

            warm = threading.Thread(target=_preimport, name="preimport", daemon=True)
            warm.start()
        # each file isolated; a file that kills its worker is read again alone (worker.py)
        results = worker.outcomes(
            changed, workers, _finish, ahead=size, spawning=_main_module_hidden
        )
        try:
            for outcome in results:
                bar.update(task, description=escape(outcome.source_file))
                bar.advance(task)
                chunk.append(outcome)
                if len(chunk) == size:
                    yield chunk
                    chunk = []
            if chunk:
                yield chunk
        finally:
            results.close()  # stops the pool at once if loading failed
            if warm is not None and warm.is_alive():
                warm.join()


def check(paths: Iterable[Path]) -> Prepared:
    """Read, normalise and validate files without writing anything."""
    from pipeline.ingest.validate import validate_batch

    ref = refdata.load()
    outcomes = [_normalised(process_file(p.name, p), ref) for p in paths]
    return prepare_batch(outcomes, validate_batch(fact_frames(outcomes)))
