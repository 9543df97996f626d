"""One file's work, isolated: open it once, hash, guard, read and recognise the same bytes.

`process_file` never raises: whatever a file does to a reader (an exception of any kind,
a pyo3 `PanicException`, which is a BaseException, a file deleted or renamed while the
build runs) becomes that file's `FileOutcome.error` with a Vietnamese message.  `outcomes`
runs `process_file` over many files in a pool of processes; a file that kills its worker
(abort, out of memory, a result that cannot be sent back) breaks the pool, so the files
that were in flight are read again, each alone in a fresh process, and the one that kills
its process again is recorded as that file's rejection (`file_crashed`).  The rest of the
batch is read as usual.
"""

from __future__ import annotations

import hashlib
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.ingest import guard
from pipeline.ingest.read import OutOfMemory, ReadError, read_workbook
from pipeline.ingest.recognise import SheetResult, recognise_sheet

# what a worker may take of the address space: a reader that runs away fails there (and
# the file is rejected) instead of the machine's memory running out for everyone
# the process tree of a build stays under 1,5 GiB: the parent's share, and the rest
# split between the workers (as address space, which bounds what each can take); a file
# that needs more than a worker's share is read again alone, with all of it
TREE_MEMORY_BYTES = 1400 << 20
MIN_WORKER_BYTES = 512 << 20


@dataclass
class FileOutcome:
    source_file: str
    path: Path
    size: int = 0
    mtime: float = 0.0
    sha256: str = ""
    sheets: list[SheetResult] = field(default_factory=list)
    error: str | None = None  # the whole file could not be used
    error_rule: str | None = None  # file_unreadable, file_crashed, file_skipped, file_no_data
    note: str | None = None  # how a file that was read was read (through LibreOffice), for
    # the ledger's message

    @property
    def illustrative(self) -> bool:
        return any(s.illustrative for s in self.sheets)


try:  # one file's reading, at most (a file that hangs a reader)
    FILE_SECONDS = float(os.environ.get("THIDUA_FILE_SECONDS", "300"))
except ValueError:
    FILE_SECONDS = 300.0


def _timed_out(seconds: float) -> str:
    return (
        f"Không đọc được tệp: đọc tệp mất hơn {seconds:g} giây mà chưa xong (kể cả khi đọc "
        "riêng một mình) — tệp hỏng hoặc có cấu trúc bất thường. " + guard.FIX_HINT
    )


CRASHED = (
    "Không đọc được tệp: tệp làm chương trình đọc bảng tính dừng đột ngột (hết bộ nhớ hoặc "
    "lỗi trong thư viện đọc), kể cả khi đọc riêng một mình — tệp hỏng hoặc có cấu trúc bất "
    "thường. " + guard.FIX_HINT
)


def process_file(
    source_file: str, path: Path, finish: Callable[[FileOutcome], None] | None = None
) -> FileOutcome:
    """Read and recognise one file; `finish(outcome)` completes it (the build's per-file
    rules).  Never raises: every failure is the outcome's error."""
    outcome = FileOutcome(source_file, path)
    try:
        skipped = guard.skip_reason(path)
        if skipped is not None:
            outcome.error, outcome.error_rule = skipped, "file_skipped"
            _describe_unopened(outcome)
            return outcome
        try:
            opened = guard.open_once(path)
        except guard.Rejected as exc:
            outcome.error, outcome.error_rule = str(exc), "file_unreadable"
            _describe_unopened(outcome)
            return outcome
        outcome.size, outcome.mtime, outcome.sha256 = opened.size, opened.mtime, opened.sha256
        try:
            grids = read_workbook(path, data=opened.data)
        except ReadError as exc:
            outcome.error, outcome.error_rule = str(exc), "file_unreadable"
            if isinstance(exc, OutOfMemory):
                outcome.error_rule = "file_memory"  # a pool reads it again alone
            return outcome
        del opened
        # how it was read: through LibreOffice (the list's note), a CSV's code page guessed
        # or its stray NUL bytes dropped (the sheets' notes)
        notes = [getattr(grids, "note", None), *(n for g in grids for n in g.notes)]
        outcome.note = " ".join(n for n in notes if n) or None
        outcome.sheets = [recognise_sheet(g, source_file) for g in grids]
        del grids
        if finish is not None:
            finish(outcome)
    except (KeyboardInterrupt, SystemExit, ImportError):
        raise  # a missing package is the installation's fault, not the file's: say so once
    except BaseException as exc:  # noqa: BLE001 - a panic or a bug: this file only
        outcome.sheets = []
        outcome.error_rule = "file_memory" if isinstance(exc, MemoryError) else "file_unreadable"
        outcome.error = _unexpected(exc)
    return outcome


def _describe_unopened(outcome: FileOutcome) -> None:
    """Size, time and hash of a file that is not read (a link's hash is of its target's
    name: it is never followed)."""
    try:
        st = os.lstat(outcome.path)
    except OSError:
        return
    outcome.size, outcome.mtime = st.st_size, st.st_mtime
    h = hashlib.sha256()
    if os.path.islink(outcome.path):
        h.update(b"not a regular file: " + os.fsencode(os.readlink(outcome.path)))
    elif guard.is_regular_file(outcome.path) and st.st_size <= guard.limits().max_file_bytes:
        try:
            h.update(guard.open_once(outcome.path, allow_empty=True).data)
        except guard.Rejected:
            pass
    outcome.sha256 = h.hexdigest()


def _unexpected(exc: BaseException) -> str:
    if isinstance(exc, MemoryError):
        return "Không đọc được tệp: tệp quá lớn để đọc (hết bộ nhớ)."
    if isinstance(exc, FileNotFoundError):
        return guard.VANISHED
    if isinstance(exc, OSError):
        return guard.os_error_message(exc)
    return (
        "Không đọc được tệp: tệp hỏng hoặc có cấu trúc mà chương trình đọc bảng tính không "
        "xử lý được. " + guard.FIX_HINT
    )


# --- many files: a pool, and a file that kills its worker read again alone ------------------

Task = Callable[..., FileOutcome]


def _rss_bytes() -> int:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _worker_budget(workers: int) -> int:
    """The address space each of `workers` processes may take: the build's budget for the
    whole process tree, less what this (parent) process holds, shared between them."""
    left = TREE_MEMORY_BYTES - _rss_bytes()
    return max(MIN_WORKER_BYTES, left // max(1, workers))


def _limit_memory(limit: int) -> None:
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        want = limit if hard == resource.RLIM_INFINITY else min(hard, limit)
        if soft == resource.RLIM_INFINITY or soft > want:
            resource.setrlimit(resource.RLIMIT_AS, (want, hard))
    except (ImportError, ValueError, OSError):
        pass


def _pool(workers: int):
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # spawn, not fork: the parent holds a DuckDB connection and its threads.  (No
    # max_tasks_per_child: on Python 3.11 the pool can hang when it replaces a worker; a
    # worker's heap is bounded by its share instead, and a file over it is read alone.)
    return ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_limit_memory,
        initargs=(_worker_budget(workers),),
    )


def _kill(pool) -> None:
    """End a pool's worker processes now (a file that hangs a reader)."""
    for proc in list(getattr(pool, "_processes", {}).values()):
        try:
            proc.kill()
        except Exception:  # noqa: BLE001 - already gone
            pass


def _alone(task: Task, item: tuple[str, Path], finish, seconds: float) -> FileOutcome:
    """`item` read in a process of its own; a crash or a hang there is the file's rejection."""
    from concurrent.futures import TimeoutError as Timeout

    pool = _pool(1)
    rel, path = item
    try:
        return pool.submit(task, *item, finish).result(timeout=seconds)
    except Timeout:
        _kill(pool)
        outcome = FileOutcome(rel, path, error=_timed_out(seconds), error_rule="file_crashed")
    except Exception:  # noqa: BLE001 - BrokenProcessPool, or a result that cannot be sent
        outcome = FileOutcome(rel, path, error=CRASHED, error_rule="file_crashed")
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    _describe_unopened(outcome)
    return outcome


def outcomes(
    items: Iterable[tuple[str, Path]],
    workers: int,
    finish: Callable[[FileOutcome], None] | None = None,
    ahead: int = 1000,
    task: Task = process_file,
    spawning=None,
    seconds: float = FILE_SECONDS,
) -> Iterator[FileOutcome]:
    """`task(rel, path, finish)` of every item, in order, by `workers` processes, at most
    `ahead` files read ahead.  After a worker dies, at most `workers` files are in flight,
    so the file that killed it is found by reading each of those alone."""
    todo = deque(items)
    if workers <= 1:
        while todo:
            yield task(*todo.popleft(), finish)
        return
    pending: deque = deque()  # (item, future)
    pool = None
    careful = False
    try:
        while todo or pending:
            if pool is None:
                pool = _pool(workers)
            window = workers if careful else max(1, ahead)
            while todo and len(pending) < window:
                item = todo[0]
                try:
                    if spawning is not None:
                        with spawning():
                            future = pool.submit(task, *item, finish)
                    else:
                        future = pool.submit(task, *item, finish)
                except Exception:  # noqa: BLE001 - the pool broke: its futures say so
                    break
                todo.popleft()
                pending.append((item, future))
            if not pending:  # the pool broke before taking anything: a new one
                pool.shutdown(wait=True, cancel_futures=True)
                pool = None
                careful = True
                continue
            item, future = pending.popleft()
            try:
                result = future.result(timeout=seconds)
            except Exception as exc:  # noqa: BLE001 - a worker died, or the result broke
                from concurrent.futures import TimeoutError as Timeout
                from concurrent.futures.process import BrokenProcessPool

                if isinstance(exc, Timeout):  # a reader hangs: its pool is ended, and the
                    _kill(pool)  # files in flight read again as after a crash
                    exc = BrokenProcessPool()
                if not isinstance(exc, BrokenProcessPool):
                    yield _alone(task, item, finish, seconds)
                    continue
                pool.shutdown(wait=True, cancel_futures=True)
                pool = None
                again = [item] + [it for it, _ in pending]
                pending.clear()
                if careful:  # at most `workers` were in flight: each is read alone
                    for it in again:
                        yield _alone(task, it, finish, seconds)
                else:  # read again, `workers` at a time, to find the one that kills
                    careful = True
                    todo.extendleft(reversed(again))
                continue
            if result.error_rule == "file_memory":  # more than a worker's share: read
                # again alone, with the whole share, once the pool is gone
                pool.shutdown(wait=True, cancel_futures=True)
                pool = None
                todo.extendleft(reversed([it for it, _ in pending]))
                pending.clear()
                result = _alone(task, item, finish, seconds)
                if result.error_rule == "file_memory":
                    result.error_rule = "file_unreadable"
            yield result
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
