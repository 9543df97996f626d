"""Sweep: the project's guard and reader over every spreadsheet of peer libraries' test suites.

    python -m bench.sweep [--peers DIR] [--json OUT] [--jobs N] [--timeout S] [--limit N]
                          [--only FILELIST]

`DIR` (default /work/peers) holds spreadsheets taken from other spreadsheet libraries'
test suites: real files, broken files, hostile files.  None of them is committed; this
script only reads what is there.  Each file goes to its own forked child with an address-
space limit (RLIMIT_AS, 1,5 GiB) and a timeout, so a file that hangs, exhausts memory or
aborts the reader is counted as such and the sweep goes on.

Outcomes:

- ``ok``: read into sheets;
- ``ok-lo``: read into sheets through LibreOffice (`pipeline.ingest.convert`: the readers
  here refused it, LibreOffice converted it to .xlsx);
- ``refused``: a `ReadError` with a Vietnamese message (grouped by rule);
- ``refused-english``: refused, but the message carries a library's or English words;
- ``crash``: any other exception escaped (its type is listed);
- ``hang``: past the timeout;
- ``oom``/``signal``: MemoryError escaped, or the child died of a signal.

For every file not read (refused, crash, hang, signal), the other readers are tried
(python-calamine alone, openpyxl, xlrd, odfpy, pandas for CSV)
to learn whether "another reader reads it"; with `--libreoffice`, LibreOffice too (soffice
--convert-to csv, its own profile, a timeout), also over an earlier `--json` given to
`--render`.  A table of counts is printed, then every
crash and every refused-but-readable file.  This is a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import resource
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

SUFFIXES = {
    ".xlsx",
    ".xlsm",
    ".xltx",
    ".xltm",
    ".xls",
    ".xlsb",
    ".ods",
    ".fods",
    ".csv",
    ".numbers",
}
MEMORY_LIMIT = int(1.5 * (1 << 30))

try:  # the layout after the `layout:` commit
    from pipeline.ingest import guard as _guard  # noqa: F401
    from pipeline.ingest import read as _read
except ImportError:  # the layout before it
    from pipeline import guard as _guard  # noqa: F401
    from pipeline import read as _read

ENGLISH = re.compile(
    r"\b(?:the|is|not|error|invalid|expected|found|cannot|unsupported|failed|unknown|"
    r"file|record|stream|sheet|missing|unexpected|offset|index|range|buffer|unpack|"
    r"calamine|xlrd|openpyxl|odf|utf-?8|codec|decode|struct)\b"
    r"|\b[A-Z][a-z]+(?:[A-Z][a-z]+)*(?:Error|Exception|Warning)\b",
    re.I,
)
_QUOTED = re.compile(r"«[^»]*»")


def english_in(message: str) -> bool:
    """Library or English words in a message (quoted names and paths aside)."""
    text = _QUOTED.sub("«»", message)
    text = re.sub(r"\S+\.(?:xlsx|xlsm|xls|ods|csv|xlsb)\b", "", text, flags=re.I)
    hits = [m.group(0) for m in ENGLISH.finditer(text)]
    # "CSV", "Excel", "Unicode", "ZIP" etc. appear in Vietnamese messages on purpose
    hits = [h for h in hits if h.lower() not in {"utf-8", "utf8", "file"}]
    return bool(hits)


def rule_of(message: str) -> str:
    text = _QUOTED.sub("«…»", message)
    text = re.sub(r"\d[\d.,]*", "N", text)
    text = re.sub(r"\(.*", "(…", text)
    return text[:90]


# --- child work ----------------------------------------------------------------------


def _project_read(path: Path) -> dict:
    try:
        grids = _read.read_workbook(path)
    except _read.ReadError as exc:
        msg = str(exc)
        return {"outcome": "refused-english" if english_in(msg) else "refused", "message": msg}
    except MemoryError:
        return {"outcome": "oom", "message": "MemoryError"}
    except BaseException as exc:  # noqa: BLE001 - what escapes is what we count
        tb = traceback.format_exception(type(exc), exc, exc.__traceback__)
        return {
            "outcome": "crash",
            "type": type(exc).__module__ + "." + type(exc).__name__,
            "message": str(exc)[:300],
            "where": "".join(tb[-3:])[-600:],
        }
    cells = sum(len(r) for g in grids for r in g.rows)
    # read through LibreOffice (the last reader): an outcome of its own
    outcome = "ok-lo" if getattr(grids, "note", None) else "ok"
    return {"outcome": outcome, "sheets": len(grids), "cells": cells}


def _drain(rows) -> int:
    n = 0
    for row in rows:
        n += 1
        for _ in row:
            pass
    return n


def _other_calamine(path: Path) -> int:
    from python_calamine import CalamineWorkbook

    with open(path, "rb") as fh:
        book = CalamineWorkbook.from_filelike(fh)
    n = 0
    for name in book.sheet_names:
        try:
            n += _drain(book.get_sheet_by_name(name).to_python())
        except Exception:
            if len(book.sheet_names) == 1:
                raise
    return n


def _other_openpyxl(path: Path) -> int:
    import warnings

    import openpyxl

    warnings.simplefilter("ignore")
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    n = sum(_drain(ws.iter_rows(values_only=True)) for ws in book.worksheets)
    book.close()
    return n


def _other_xlrd(path: Path) -> int:
    import xlrd

    with open(os.devnull, "w") as log:
        book = xlrd.open_workbook(str(path), logfile=log, on_demand=True)
        n = 0
        for i in range(book.nsheets):
            sh = book.sheet_by_index(i)
            n += _drain(sh.get_rows())
    return n


def _other_odf(path: Path) -> int:
    from odf.opendocument import load
    from odf.table import Table, TableRow

    doc = load(str(path))
    return sum(len(t.getElementsByType(TableRow)) for t in doc.spreadsheet.getElementsByType(Table))


def _other_pandas_csv(path: Path) -> int:
    import pandas as pd

    for enc in ("utf-8-sig", "cp1258", "latin-1"):
        try:
            return len(pd.read_csv(path, encoding=enc, sep=None, engine="python", header=None))
        except UnicodeDecodeError:
            continue
    raise ValueError("no encoding")


OTHERS = {
    ".xlsx": ["calamine", "openpyxl"],
    ".xlsm": ["calamine", "openpyxl"],
    ".xltx": ["calamine", "openpyxl"],
    ".xltm": ["calamine", "openpyxl"],
    ".xlsb": ["calamine"],
    ".xls": ["calamine", "xlrd"],
    ".ods": ["calamine", "odfpy"],
    ".fods": ["odfpy"],
    ".csv": ["pandas"],
    ".numbers": [],
}
READERS = {
    "calamine": _other_calamine,
    "openpyxl": _other_openpyxl,
    "xlrd": _other_xlrd,
    "odfpy": _other_odf,
    "pandas": _other_pandas_csv,
}


def _others(path: Path) -> dict:
    result = {}
    names = OTHERS.get(path.suffix.lower(), [])
    names = names or ["calamine", "openpyxl", "xlrd"]  # unknown: try them all
    for name in names:
        try:
            result[name] = ("ok", READERS[name](path))
        except MemoryError:
            result[name] = ("oom", "")
        except BaseException as exc:  # noqa: BLE001
            result[name] = ("fail", f"{type(exc).__name__}: {str(exc)[:120]}")
    return result


def _in_child(fn, path: Path, timeout: float) -> dict:
    """fn(path) in a forked child with a memory limit and a timeout; never raises."""
    rd, wr = os.pipe()
    err = tempfile.TemporaryFile()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # child
        try:
            os.close(rd)
            os.dup2(err.fileno(), 2)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
            result = fn(path)
            data = json.dumps(result, default=str).encode()
        except BaseException as exc:  # noqa: BLE001
            data = json.dumps({"outcome": "crash", "type": type(exc).__name__}).encode()
        try:
            with os.fdopen(wr, "wb") as out:
                out.write(data)
        finally:
            os._exit(0)
    os.close(wr)
    chunks = []
    deadline = started + timeout
    timed_out = False
    with os.fdopen(rd, "rb") as pipe:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                break
            ready, _, _ = select.select([pipe], [], [], left)
            if not ready:
                continue
            chunk = os.read(pipe.fileno(), 1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
    if timed_out:
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    err.seek(0)
    stderr = err.read(2000).decode("utf-8", "replace")
    err.close()
    elapsed = time.monotonic() - started
    if timed_out:
        return {"outcome": "hang", "seconds": round(elapsed, 1)}
    if os.WIFSIGNALED(status):
        sig = signal.Signals(os.WTERMSIG(status)).name
        return {"outcome": "signal", "type": sig, "stderr": stderr[-300:]}
    try:
        result = json.loads(b"".join(chunks) or b"{}")
    except ValueError:
        result = {"outcome": "crash", "type": "no result"}
    if not result:
        result = {"outcome": "signal", "type": f"exit {os.WEXITSTATUS(status)}"}
    result["seconds"] = round(elapsed, 2)
    if stderr.strip():
        result["stderr"] = stderr[-300:]
    return result


def _soffice_reads(path: Path, timeout: float) -> bool | None:
    """Whether LibreOffice reads the file: `soffice --headless --convert-to csv` in a
    scratch folder, with a user profile of its own (a running LibreOffice, or another
    sweep, is never disturbed) and a timeout; read when it writes a CSV that holds
    something besides separators.  None when LibreOffice is not installed."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        return None
    with tempfile.TemporaryDirectory(prefix="sweep-lo-") as tmp:
        out, profile = Path(tmp) / "out", Path(tmp) / "profile"
        out.mkdir()
        cmd = [
            exe,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "csv",
            "--outdir",
            str(out),
            str(path),
        ]
        try:
            proc = subprocess.Popen(
                cmd,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # its helper processes end with it on a timeout
            )
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                return False
        except OSError:
            return None
        # something: not only separators and line ends (an empty sheet's CSV is "\n")
        return any(p.read_bytes().strip(b",;\t\r\n ") for p in out.iterdir())


def libreoffice_pass(results: dict[str, dict], peers: Path, timeout: float) -> list[str]:
    """Ask LibreOffice about every file we did not read (an empty file holds nothing to
    read and is not asked); its verdict goes into the file's `others`.  Returns the files
    LibreOffice reads."""
    read_by_lo = []
    todo = [n for n, r in sorted(results.items()) if not r["outcome"].startswith("ok")]
    for i, name in enumerate(todo):
        path = peers / name
        if not path.is_file() or path.stat().st_size == 0:
            continue
        verdict = _soffice_reads(path, timeout)
        if verdict is None:
            print("LibreOffice (soffice) is not installed", file=sys.stderr)
            return []
        others = results[name].setdefault("others", {})
        others["soffice"] = ("ok" if verdict else "fail", "")
        if verdict:
            read_by_lo.append(name)
        if i % 50 == 0:
            print(f"  libreoffice: {i}/{len(todo)}", file=sys.stderr)
    return read_by_lo


# --- driver --------------------------------------------------------------------------


def collect(peers: Path) -> list[Path]:
    files = []
    for root, dirs, names in os.walk(peers):
        dirs.sort()
        for name in sorted(names):
            p = Path(root) / name
            if p.suffix.lower() in SUFFIXES and p.is_file() and not p.is_symlink():
                files.append(p)
    return files


def only_list(path: Path) -> set[str]:
    """The file names of a `--only` list: one a line, or as `render_libreoffice` prints
    them ("  name [outcome]: message")."""
    names = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        names.add(re.sub(r" \[[a-z-]+\]: .*$", "", line))
    return names


def sweep_one(path: Path, timeout: float) -> dict:
    result = _in_child(_project_read, path, timeout)
    if not result["outcome"].startswith("ok"):
        others = _in_child(lambda p: {"outcome": "others", "readers": _others(p)}, path, timeout)
        result["others"] = others.get("readers") or {"(all)": (others["outcome"], "")}
    return result


def readable_by(result: dict) -> list[str]:
    return [
        name
        for name, (status, detail) in (result.get("others") or {}).items()
        if status == "ok" and (detail not in (0, "0") or name == "soffice")
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.sweep", description=__doc__.split("\n")[0])
    ap.add_argument("--peers", type=Path, default=Path("/work/peers"))
    ap.add_argument("--json", type=Path, default=None, help="every file's result as JSON")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=30.0)
    ap.add_argument("--limit", type=int, default=0, help="only the first N files")
    ap.add_argument(
        "--only",
        type=Path,
        default=None,
        help="only the files named in FILELIST, one a line, relative to --peers ('#' "
        "comments; a line of /tmp/lo_render.txt, '  name [outcome]: …', is taken too)",
    )
    ap.add_argument(
        "--libreoffice",
        action="store_true",
        help="ask LibreOffice (soffice --convert-to csv) about every file not read; with "
        "--render, about the files not read in that earlier sweep",
    )
    ap.add_argument("--render", type=Path, default=None, help="only print the table of a --json")
    ap.add_argument(
        "--build",
        action="store_true",
        help="instead: one `thidua build` over a copy of every peer file; exit code, peak memory",
    )
    args = ap.parse_args(argv)
    if args.render:
        results = json.loads(args.render.read_text())
        if args.libreoffice:
            print(render_libreoffice(libreoffice_pass(results, args.peers, args.timeout), results))
            if args.json:
                args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1))
            return 0
        print(render(results, 0))
        return 0
    if args.build:
        return build_over(args.peers)

    # imported once here, so each forked child starts warm
    import odf.opendocument  # noqa: F401
    import openpyxl  # noqa: F401
    import pandas  # noqa: F401
    import python_calamine  # noqa: F401
    import xlrd  # noqa: F401

    files = collect(args.peers)
    if args.only:
        wanted = only_list(args.only)
        files = [p for p in files if str(p.relative_to(args.peers)) in wanted]
    if args.limit:
        files = files[: args.limit]
    if not files:
        print(f"no spreadsheet under {args.peers}", file=sys.stderr)
        return 2
    results: dict[str, dict] = {}
    started = time.monotonic()

    if args.jobs <= 1:
        for i, p in enumerate(files):
            results[str(p.relative_to(args.peers))] = sweep_one(p, args.timeout)
            if i % 500 == 0:
                print(f"  {i}/{len(files)}", file=sys.stderr)
    else:
        # N sweeping processes, each forking its own children: split the list
        shards = [files[i :: args.jobs] for i in range(args.jobs)]
        outs, pids = [], []
        for shard in shards:
            fd, name = tempfile.mkstemp(suffix=".json")
            os.close(fd)
            pid = os.fork()
            if pid == 0:
                try:
                    part = {}
                    for i, p in enumerate(shard):
                        part[str(p.relative_to(args.peers))] = sweep_one(p, args.timeout)
                        if i % 500 == 0:
                            print(f"  shard {len(pids)}: {i}/{len(shard)}", file=sys.stderr)
                    Path(name).write_text(json.dumps(part, default=str))
                finally:
                    os._exit(0)
            outs.append(name)
            pids.append(pid)
        for pid in pids:
            os.waitpid(pid, 0)
        for name in outs:
            try:
                results.update(json.loads(Path(name).read_text() or "{}"))
            finally:
                os.unlink(name)

    read_by_lo = libreoffice_pass(results, args.peers, args.timeout) if args.libreoffice else None
    report = render(results, time.monotonic() - started)
    print(report)
    if read_by_lo is not None:
        print(render_libreoffice(read_by_lo, results))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str))
    return 0


def build_over(peers: Path) -> int:
    """`thidua build` over a copy of the peers' files: its exit code, time, peak tree RSS."""
    import threading

    from bench.run import _tree_rss_kb

    with tempfile.TemporaryDirectory(prefix="sweep-build-") as tmp:
        raw, warehouse = Path(tmp) / "raw", Path(tmp) / "w.duckdb"
        shutil.copytree(peers, raw, symlinks=True)
        exe = Path(sys.executable).with_name("thidua")
        cmd = [str(exe), "build", "--raw", str(raw), "--warehouse", str(warehouse), "--quiet"]
        started = time.monotonic()
        with open(Path(tmp) / "log", "wb") as log:
            proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
            peak, done = [0], threading.Event()

            def sample() -> None:
                while not done.is_set():
                    peak[0] = max(peak[0], _tree_rss_kb(proc.pid))
                    done.wait(0.05)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            rc = proc.wait()
            done.set()
            sampler.join()
        seconds = time.monotonic() - started
        tail = (Path(tmp) / "log").read_text("utf-8", "replace").splitlines()[-15:]
        loads = ""
        if warehouse.exists():
            import duckdb

            con = duckdb.connect(str(warehouse), read_only=True)
            try:
                loads = con.execute(
                    "select status, count(*) from loads group by all order by 2 desc"
                ).fetchall()
            except Exception as exc:  # noqa: BLE001
                loads = f"({type(exc).__name__}: {exc})"
            con.close()
    n = sum(1 for _ in peers.rglob("*") if _.is_file())
    print(
        f"build over {n} files: exit {rc}, {seconds:,.0f} s, peak tree RSS {peak[0] / 1024:,.0f} MiB"
    )
    print(f"loads by status: {loads}")
    print("last lines:")
    print("\n".join("  " + line for line in tail))
    return 0


def render_libreoffice(read_by_lo: list[str], results: dict[str, dict]) -> str:
    lines = [f"Not read by us but read by LibreOffice: {len(read_by_lo)}"]
    for name in read_by_lo:
        r = results[name]
        lines.append(f"  {name} [{r['outcome']}]: {r.get('message', r.get('type', ''))[:150]!r}")
    return "\n".join(lines)


def render(results: dict[str, dict], seconds: float) -> str:
    lines = []
    for r in results.values():  # classified again here: the classifier may have changed
        if r["outcome"].startswith("refused"):
            r["outcome"] = "refused-english" if english_in(r.get("message", "")) else "refused"
    by_outcome = collections.Counter(r["outcome"] for r in results.values())
    by_ext: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for name, r in results.items():
        by_ext[Path(name).suffix.lower()][r["outcome"]] += 1
    order = ["ok", "ok-lo", "refused", "refused-english", "crash", "hang", "oom", "signal"]
    outcomes = order + sorted(set(by_outcome) - set(order))
    refused_readable = {
        n: r for n, r in results.items() if not r["outcome"].startswith("ok") and readable_by(r)
    }
    stderr_noise = [n for n, r in results.items() if r.get("stderr")]
    lines.append(f"Sweep: {len(results)} files in {seconds:,.0f} s")
    lines.append("")
    head = f"{'ext':<9}" + "".join(f"{o:>17}" for o in outcomes) + f"{'total':>8}"
    lines.append(head)
    for ext in sorted(by_ext, key=lambda e: -sum(by_ext[e].values())):
        c = by_ext[ext]
        lines.append(
            f"{ext:<9}" + "".join(f"{c[o]:>17}" for o in outcomes) + f"{sum(c.values()):>8}"
        )
    lines.append(
        f"{'all':<9}" + "".join(f"{by_outcome[o]:>17}" for o in outcomes) + f"{len(results):>8}"
    )
    lines.append("")
    lines.append(f"not read by us but read by another reader: {len(refused_readable)}")
    lines.append(f"wrote to stderr (library warnings): {len(stderr_noise)}")
    lines.append("")
    rules = collections.Counter(
        rule_of(r.get("message", ""))
        for r in results.values()
        if r["outcome"].startswith("refused")
    )
    lines.append("Refusals by rule:")
    for rule, n in rules.most_common(40):
        lines.append(f"  {n:>6}  {rule}")
    lines.append("")
    for label, pick in (
        ("Crashes", lambda r: r["outcome"] == "crash"),
        ("Hangs", lambda r: r["outcome"] == "hang"),
        ("OOM / signal", lambda r: r["outcome"] in ("oom", "signal")),
    ):
        hits = {n: r for n, r in results.items() if pick(r)}
        lines.append(f"{label}: {len(hits)}")
        for n, r in sorted(hits.items()):
            lines.append(f"  {n}: {r.get('type', '')} {r.get('message', '')[:140]!r}")
        lines.append("")
    via_lo = sorted(n for n, r in results.items() if r["outcome"] == "ok-lo")
    lines.append(f"Read through LibreOffice (ok-lo): {len(via_lo)}")
    for n in via_lo:
        lines.append(f"  {n}: {results[n].get('sheets')} sheets, {results[n].get('cells')} cells")
    lines.append("")
    lines.append(f"Refused (or failed) but read by another reader: {len(refused_readable)}")
    for n, r in sorted(refused_readable.items()):
        lines.append(
            f"  {n} [{r['outcome']}] by {','.join(readable_by(r))}: {r.get('message', r.get('type', ''))[:150]!r}"
        )
    lines.append("")
    eng = {n: r for n, r in results.items() if r["outcome"] == "refused-english"}
    lines.append(f"Messages with library/English text: {len(eng)}")
    for n, r in sorted(eng.items())[:200]:
        lines.append(f"  {n}: {r.get('message', '')[:160]!r}")
    lines.append("")
    lines.append(f"Library output on stderr: {len(stderr_noise)}")
    for n in sorted(stderr_noise)[:50]:
        lines.append(f"  {n}: {results[n]['stderr'][:120]!r}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
