"""`make bench`: the pipeline at national scale, measured side by side.

Every figure is a whole process (a subprocess of this script), timed from start to exit:
- the full build of the national corpus (882 workbooks) into an empty warehouse, and
  beside each run the peer figure: merely reading every file with pandas (bench/peer.py);
- a re-run with nothing changed; a re-run after one new file;
- the same full build done the obvious way (bench/baseline.py);
- the floor: unzip every workbook and tokenise its sheet XML (bench/floor.py);
- the interpreter start-up and imports a build pays (Python, pandas, DuckDB, Great
  Expectations, the pipeline);
- the full build of the ten-times corpus (8 820 workbooks);
- (hook) dashboards and the video clip, when `thidua dashboards` / `thidua clip` exist.

Each figure is the median of several runs (counts in the table), with the peak memory:
`ru_maxrss` of the process as `wait4` reports it (the largest single process, pool
workers included) and the peak of the whole process tree's RSS sampled every 20 ms.

    python -m bench.run [--runs 3] [--tenfold-runs 1] [--baseline-runs 1] [--baseline-sample N]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from bench import corpus

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
BIN = Path(sys.executable).parent
THIDUA = BIN / "thidua"
PAGE = os.sysconf("SC_PAGE_SIZE")
SLOW_SECONDS = 60
PEER_LABEL = (
    'Đối chứng: chỉ đọc mọi tệp bằng pandas.read_excel(sheet_name=None, engine="openpyxl") '
    "(xls/ods: xlrd/odf, csv: read_csv)"
)
IMPORTS = (
    "import pipeline.cli, pipeline.build, pipeline.ingest.read, pipeline.ingest.recognise, "
    "pipeline.load.warehouse, pipeline.ingest.validate, great_expectations"
)


@dataclass
class Run:
    seconds: float
    maxrss_kb: int  # ru_maxrss from wait4: the largest single process (KiB)
    tree_kb: int  # the process tree's summed RSS, sampled (KiB)
    rc: int
    cpu: float = 0.0  # user + system CPU seconds of the process and its children (wait4)


@dataclass
class Figure:
    key: str
    label: str
    runs: list[Run] = field(default_factory=list)
    note: str = ""
    skipped: str = ""
    extrapolated_from: float = 0.0  # the measured part, when the figure is extrapolated

    @property
    def median(self) -> float:
        return statistics.median(r.seconds for r in self.runs) if self.runs else float("nan")

    @property
    def cpu(self) -> float:
        return statistics.median(r.cpu for r in self.runs) if self.runs else float("nan")

    @property
    def fastest(self) -> float:
        return min((r.seconds for r in self.runs), default=float("nan"))

    @property
    def peak_kb(self) -> int:
        return max((max(r.maxrss_kb, r.tree_kb) for r in self.runs), default=0)

    @property
    def maxrss_kb(self) -> int:
        return max((r.maxrss_kb for r in self.runs), default=0)

    @property
    def tree_kb(self) -> int:
        return max((r.tree_kb for r in self.runs), default=0)


# --- measuring one process ----------------------------------------------------------------


def _tree_rss_kb(root: int) -> int:
    """Summed RSS of `root` and all its descendants (from /proc), in KiB."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read()
            parents[int(entry)] = int(stat[stat.rindex(b")") + 2 :].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    tree, frontier = {root}, [root]
    while frontier:
        p = frontier.pop()
        for child, parent in parents.items():
            if parent == p and child not in tree:
                tree.add(child)
                frontier.append(child)
    total = 0
    for pid in tree:
        try:
            with open(f"/proc/{pid}/statm", "rb") as fh:
                total += int(fh.read().split()[1]) * PAGE // 1024
        except (OSError, ValueError, IndexError):
            continue
    return total


def child_env(extra: dict | None = None) -> dict:
    """The environment of a measured command: as an analyst runs it.  A sandbox may set
    PYTHONDONTWRITEBYTECODE, which makes every start-up recompile the modules whose bytecode
    was not written at set-up (the project's own): not how an installed tool runs."""
    env = {**os.environ, **(extra or {})}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def measure(cmd: list[str], log: Path, ok=(0, 3), env: dict | None = None) -> Run:
    """Run `cmd` as a process; its wall time, ru_maxrss (wait4) and sampled tree RSS."""
    with open(log, "ab") as out:
        out.write(f"\n$ {' '.join(map(str, cmd))}\n".encode())
        out.flush()
        started = time.perf_counter()
        proc = subprocess.Popen(
            [str(c) for c in cmd],
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            env=child_env(env),
        )
        peak = [0]
        done = threading.Event()

        def sample():
            while not done.is_set():
                peak[0] = max(peak[0], _tree_rss_kb(proc.pid))
                done.wait(0.02)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
        proc.returncode = rc = os.waitstatus_to_exitcode(status)
    if rc not in ok:
        raise SystemExit(f"Lệnh thất bại (mã {rc}): {' '.join(map(str, cmd))} — xem {log}")
    return Run(
        seconds, int(usage.ru_maxrss), peak[0], rc, round(usage.ru_utime + usage.ru_stime, 3)
    )


# --- the steps ------------------------------------------------------------------------------


def build_cmd(raw: Path, warehouse: Path) -> list:
    return [THIDUA, "build", "--raw", raw, "--warehouse", warehouse, "--quiet"]


def fresh(warehouse: Path) -> None:
    if warehouse.parent.exists():
        shutil.rmtree(warehouse.parent)
    warehouse.parent.mkdir(parents=True)


def check_loaded(warehouse: Path, say) -> dict:
    """Before trusting timings: the corpus must load with (almost) no rejections."""
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        files, read, loaded, rejected = con.execute(
            "SELECT count(*), sum(rows_read), sum(rows_loaded), sum(rows_rejected) FROM loads"
        ).fetchone()
        statuses = dict(con.execute("SELECT status, count(*) FROM loads GROUP BY ALL").fetchall())
        rejections = con.execute("SELECT count(*) FROM rejections").fetchone()[0]
        facts = sum(
            con.execute(f"SELECT count(*) FROM {v}").fetchone()[0]
            for v in ("indicator_results", "scores", "awards", "initiatives")
        )
    finally:
        con.close()
    say(
        f"  Kiểm tra kho: {files} tệp {statuses}, {read} dòng đọc, {loaded} dòng nạp, "
        f"{rejected} dòng bị từ chối, {rejections} lỗi; {facts} dòng trong các view số liệu."
    )
    if rejected > 0.01 * max(read, 1):
        raise SystemExit("Bộ dữ liệu đo tốc độ bị từ chối quá nhiều dòng: không tin được số đo.")
    return {
        "files": files,
        "rows_read": read,
        "rows_loaded": loaded,
        "rows_rejected": rejected,
        "rejections": rejections,
        "statuses": statuses,
        "facts_in_views": facts,
    }


def has_command(name: str) -> bool:
    proc = subprocess.run([str(THIDUA), name, "--help"], capture_output=True, cwd=ROOT)
    return proc.returncode == 0


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gib = os.sysconf("SC_PHYS_PAGES") * PAGE / 2**30
    return {
        "cpu": cpu,
        "cores": len(os.sched_getaffinity(0)),
        "memory_gib": round(mem_gib, 1),
        "python": platform.python_version(),
        "system": platform.platform(),
        "load_before": [round(x, 2) for x in os.getloadavg()],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="Đo tốc độ thidua ở quy mô toàn quốc.")
    parser.add_argument("--seed", type=int, default=corpus.DEFAULT_SEED)
    parser.add_argument("--runs", type=int, default=3, help="lần chạy mỗi phép đo (trung vị)")
    parser.add_argument(
        "--build-runs", type=int, default=5, help="lần nạp toàn bộ bộ dữ liệu toàn quốc (trung vị)"
    )
    parser.add_argument(
        "--rerun-runs", type=int, default=5, help="lần chạy lại khi không có gì đổi"
    )
    parser.add_argument("--tenfold-runs", type=int, default=1)
    parser.add_argument(
        "--hook-runs",
        type=int,
        default=3,
        help="lần chạy dashboards/clip (1 nếu một lần đã quá 60 s)",
    )
    parser.add_argument("--baseline-runs", type=int, default=1)
    parser.add_argument(
        "--baseline-sample",
        type=int,
        default=0,
        help="chỉ đo cách làm thông thường trên 1/N số tệp rồi ngoại suy (0: đo toàn bộ, mặc định)",
    )
    parser.add_argument("--skip-tenfold", action="store_true")
    args = parser.parse_args()

    OUT.mkdir(parents=True, exist_ok=True)
    log = OUT / "bench.log"
    log.write_text("", encoding="utf-8")
    work = OUT / "work"
    lines: list[str] = []

    def say(text: str = "") -> None:
        print(text, flush=True)
        lines.append(text)

    # the project's bytecode current (set-up writes it; an edit since makes it stale)
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "pipeline", "bench"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        check=False,
    )
    info = machine()
    say(
        f"thidua — đo tốc độ ({datetime.now():%Y-%m-%d %H:%M}); máy: {info['cpu']}, "
        f"{info['cores']} nhân, {info['memory_gib']} GiB, Python {info['python']}; "
        f"tải trung bình lúc bắt đầu {info['load_before']}"
    )
    say("Sinh (hoặc dùng lại) bộ dữ liệu:")
    national = corpus.ensure("national", args.seed, log=say)
    tenfold = None if args.skip_tenfold else corpus.ensure("tenfold", args.seed, log=say)
    figures: dict[str, Figure] = {}

    def step(key: str, label: str) -> Figure:
        figures[key] = Figure(key, label)
        say(f"- {label}")
        return figures[key]

    # 1. the interpreter and the imports a build pays
    fig = step("imports", "Khởi động Python + import (pandas, DuckDB, GX, pipeline)")
    for _ in range(args.rerun_runs):
        fig.runs.append(measure([sys.executable, "-c", IMPORTS], log))

    # 2. the floor
    fig = step("floor", "Sàn: giải nén mọi tệp + tách token XML các trang (không dựng đối tượng)")
    for _ in range(args.runs):
        fig.runs.append(measure([sys.executable, "-m", "bench.floor", national], log))

    # 3. the full national build, into an empty warehouse each time, and side by side (one
    # after the other, run by run, so both see the same load of the machine) the peer:
    # every file merely read with pandas
    wh = work / "national" / "thidua.duckdb"
    fig = step("build", "Nạp toàn bộ 882 tệp vào kho trống")
    peer = step("peer", PEER_LABEL)
    for _ in range(args.build_runs):
        fresh(wh)
        fig.runs.append(measure(build_cmd(national, wh), log))
        peer.runs.append(measure([sys.executable, "-m", "bench.peer", national], log, ok=(0,)))
    stats = {"national": check_loaded(wh, say)}

    # 4. nothing changed
    fig = step("rerun", "Chạy lại, không tệp nào đổi")
    for _ in range(args.rerun_runs):
        fig.runs.append(measure(build_cmd(national, wh), log))

    # 5. one new file (a province's corrected report), the warehouse restored after each run
    fig = step("one_new", "Chạy lại sau khi thêm 1 tệp mới")
    saved = work / "saved.duckdb"
    shutil.copy2(wh, saved)
    extra = national / "2025" / "thai_binh_nam_2025_bo_sung.xlsx"
    try:
        for _ in range(args.runs):
            corpus.extra_file(extra, args.seed)
            fig.runs.append(measure(build_cmd(national, wh), log))
            extra.unlink()
            shutil.copy2(saved, wh)
    finally:
        extra.unlink(missing_ok=True)

    # 6. hooks for later steps (dashboards, clip): measured when the command exists
    for key, label, cmd in (
        (
            "dashboards",
            "Dựng dashboards (thidua dashboards)",
            [THIDUA, "dashboards", "--warehouse", wh, "--out", work / "dashboards"],
        ),
        # HOOK: the clip of Cụm 13 (its members per the reference, 2024) for 2024-FY; the
        # clip's owner adjusts the options here if the command changes
        (
            "clip",
            "Dựng clip (thidua clip, Cụm 13, 2024-FY)",
            [
                THIDUA,
                "clip",
                "--cluster",
                "13",
                "--period",
                "2024-FY",
                "--warehouse",
                wh,
                "--out",
                work / "clip",
            ],
        ),
    ):
        fig = step(key, label)
        if not has_command(key):
            fig.skipped = f"bỏ qua: chưa có lệnh «thidua {key}»"
            say(f"  {fig.skipped}")
            continue
        try:
            for _ in range(args.hook_runs):
                fig.runs.append(measure(cmd, log, ok=(0,)))
                if fig.runs[-1].seconds > SLOW_SECONDS:
                    fig.note = f"1 lần vì mỗi lần chạy quá {SLOW_SECONDS} s"
                    break
        except SystemExit as exc:  # a hook must not sink the benchmark
            fig.runs.clear()
            fig.skipped = f"bỏ qua: lệnh lỗi ({exc})"
            say(f"  {fig.skipped}")

    # 7. the obvious way
    fig = step(
        "baseline",
        "Cách thông thường: pandas.read_excel (openpyxl) + GX mỗi tệp + INSERT từng dòng",
    )
    base_raw = national
    n_files = len(corpus.jobs_for("national", national, args.seed))
    if args.baseline_sample > 1:
        base_raw = work / "baseline_sample"
        if base_raw.exists():
            shutil.rmtree(base_raw)
        sample = sorted(national.rglob("*.xlsx"))[:: args.baseline_sample]
        for src in sample:
            dst = base_raw / src.relative_to(national)
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
        fig.note = f"đo trên {len(sample)}/{n_files} tệp (mỗi tệp thứ {args.baseline_sample}) rồi ngoại suy"
    for _ in range(args.baseline_runs):
        bwh = work / "baseline" / "baseline.duckdb"
        fresh(bwh)
        fig.runs.append(
            measure([sys.executable, "-m", "bench.baseline", base_raw, bwh], log, ok=(0,))
        )
    if args.baseline_sample > 1:
        measured = fig.median
        sample_n = len(list(base_raw.rglob("*.xlsx")))
        imports, imports_cpu = figures["imports"].median, figures["imports"].cpu
        for run in fig.runs:  # the fixed start-up once, the per-file part scaled
            run.seconds = imports + (run.seconds - imports) * n_files / sample_n
            run.cpu = imports_cpu + (run.cpu - imports_cpu) * n_files / sample_n
        fig.extrapolated_from = measured

    # 8. the ten-times corpus
    if tenfold is not None:
        wh10 = work / "tenfold" / "thidua.duckdb"
        fig = step("tenfold", "Nạp bộ dữ liệu gấp 10 (8.820 tệp, 630 đơn vị báo cáo) vào kho trống")
        for _ in range(args.tenfold_runs):
            fresh(wh10)
            fig.runs.append(measure(build_cmd(tenfold, wh10), log))
        stats["tenfold"] = check_loaded(wh10, say)

    info["load_after"] = [round(x, 2) for x in os.getloadavg()]
    table = render(figures, args, info)
    say()
    for line in table:
        say(line)
    checked = targets(figures)
    say()
    say("Mục tiêu của issue 17:")
    say()
    for line in targets_table(checked):
        say(line)
    readme = readme_table(checked, info)
    (OUT / "readme.md").write_text("\n".join(readme) + "\n", encoding="utf-8")
    (OUT / "results.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (OUT / "results.json").write_text(
        json.dumps(
            {
                "machine": info,
                "args": vars(args),
                "stats": stats,
                "figures": {k: {**asdict(f), "median": f.median} for k, f in figures.items()},
            },
            ensure_ascii=False,
            indent=2,
            default=str,
        ),
        encoding="utf-8",
    )
    print(
        f"\nĐã ghi {OUT / 'results.md'}, {OUT / 'results.json'} và {OUT / 'readme.md'} (bảng "
        f"để dán vào mục «Tốc độ» của README); nhật ký: {log}"
    )


def _mib(kb: int) -> str:
    return f"{kb / 1024:,.0f}".replace(",", ".") if kb else "–"


def _s(x: float) -> str:
    return f"{x:.2f}".replace(".", ",")


@dataclass
class Target:
    label: str  # the target, as the issue states it
    figure: str  # the figure measured, formatted («–» when not measured)
    goal: str
    met: bool | None  # None: not measured in this run


GIB = 1.5 * 2**20  # KiB in 1,5 GiB


def targets(figures: dict[str, Figure]) -> list[Target]:
    """Every target of issue 17 with its figure from this run."""
    g = {k: f.median for k, f in figures.items() if f.runs}
    out: list[Target] = []

    def add(label, key, goal, limit, fmt=lambda v: f"{_s(v)} s"):
        if key in g:
            out.append(Target(label, fmt(g[key]), goal, g[key] <= limit))
        else:
            why = figures[key].skipped if key in figures and figures[key].skipped else "chưa đo"
            out.append(Target(label, f"– ({why})", goal, None))

    def ratio(label, top, bottom, goal, limit, missing="chưa đo"):
        if top in g and bottom in g:
            v = g[top] / g[bottom]
            shown = f"{_s(v)} ({_s(g[top])} s / {_s(g[bottom])} s)"
            out.append(Target(label, shown, goal, v <= limit))
        else:
            out.append(Target(label, f"– ({missing})", goal, None))

    ratio(
        "Nạp toàn bộ 882 tệp / chỉ đọc bằng pandas (cùng lần chạy)", "build", "peer", "≤ 0,6", 0.6
    )
    add("Chạy lại sau khi thêm 1 tệp mới", "one_new", "≤ 1,5 s", 1.5)
    add("Chạy lại, không tệp nào đổi", "rerun", "≤ 0,3 s", 0.3)
    add("Dựng dashboards", "dashboards", "≤ 3 s", 3.0)
    add("Dựng một bản nháp clip (không giọng đọc)", "clip", "≤ 8 s", 8.0)
    ratio(
        "Bộ gấp 10 / nạp toàn bộ (thời gian)",
        "tenfold",
        "build",
        "≤ 10",
        10,
        missing="chưa đo: --skip-tenfold",
    )
    builds = [figures[k] for k in ("build", "one_new", "rerun", "tenfold") if k in g]
    if builds:
        peak = max(f.peak_kb for f in builds)
        where = "bộ gấp 10" if "tenfold" in g else "bộ toàn quốc; chưa đo bộ gấp 10"
        out.append(
            Target(
                f"Bộ nhớ đỉnh cả cây tiến trình khi nạp ({where})",
                f"{_mib(peak)} MiB",
                "< 1.536 MiB (1,5 GiB)",
                peak < GIB,
            )
        )
    return out


def _verdict(t: Target) -> str:
    return "chưa đo" if t.met is None else "đạt (met)" if t.met else "**KHÔNG ĐẠT** (not met)"


def targets_table(checked: list[Target]) -> list[str]:
    out = ["| Mục tiêu | Số đo | Ngưỡng | Kết quả |", "| --- | ---: | --- | --- |"]
    out += [f"| {t.label} | {t.figure} | {t.goal} | {_verdict(t)} |" for t in checked]
    return out


def readme_table(checked: list[Target], info: dict) -> list[str]:
    """The README's «Tốc độ» table: this run, with its date and machine."""
    return [
        f"Lần đo gần nhất: {datetime.now():%d/%m/%Y %H:%M}, `make bench` trên máy "
        f"{info['cpu'] or 'không rõ CPU'}, {info['cores']} nhân, {_s(info['memory_gib'])} GiB, "
        f"Python {info['python']} (tải trung bình lúc đầu {_s(info['load_before'][0])}, lúc "
        f"cuối {_s(info['load_after'][0])}).",
        "",
        *targets_table(checked),
    ]


def render(figures: dict[str, Figure], args, info: dict) -> list[str]:
    out = [
        "| Phép đo | Số lần chạy | Trung vị (s) | Nhanh nhất (s) | CPU, trung vị (s) "
        "| RSS đỉnh 1 tiến trình (MiB) | RSS đỉnh cả cây tiến trình (MiB) | Ghi chú |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for f in figures.values():
        if f.skipped:
            out.append(f"| {f.label} | 0 | – | – | – | – | – | {f.skipped} |")
            continue
        note = f.note
        if f.key == "baseline" and len(f.runs) < args.runs:
            note = (note + "; " if note else "") + f"ít lần chạy hơn ({len(f.runs)}) vì rất chậm"
        if f.extrapolated_from:
            note += f" (đo được {_s(f.extrapolated_from)} s) — **NGOẠI SUY**"
        out.append(
            f"| {f.label} | {len(f.runs)} | {_s(f.median)} | {_s(f.fastest)} "
            f"| {_s(f.cpu)} | {_mib(f.maxrss_kb)} | {_mib(f.tree_kb)} | {note} |"
        )
    g = {k: f.median for k, f in figures.items() if f.runs}
    out += [
        "",
        "Tỷ số tính trên trung vị:",
        "",
        "| Tỷ số | Giá trị | Mục tiêu | Đạt |",
        "| --- | ---: | --- | --- |",
    ]

    def ratio(label, value, target, ok):
        out.append(f"| {label} | {_s(value)} | {target} | {'có' if ok else 'KHÔNG'} |")

    if "build" in g and "baseline" in g:
        ratio(
            "Cách thông thường / nạp toàn bộ (lần nhanh hơn)",
            g["baseline"] / g["build"],
            "≥ 20",
            g["baseline"] / g["build"] >= 20,
        )
    if "build" in g and "peer" in g:
        v = g["build"] / g["peer"]
        ratio("Nạp toàn bộ / chỉ đọc bằng pandas", v, "≤ 0,6", v <= 0.6)
    if "peer" in g and "floor" in g:
        ratio("Chỉ đọc bằng pandas / sàn", g["peer"] / g["floor"], "(tham khảo)", True)
    if "build" in g and "floor" in g:
        ratio("Nạp toàn bộ / sàn", g["build"] / g["floor"], "(tham khảo)", True)
    if {"build", "floor", "imports"} <= g.keys():
        v = g["build"] / (g["floor"] + g["imports"])
        ratio("Nạp toàn bộ / (sàn + khởi động và import)", v, "≤ 10", v <= 10)
    if "rerun" in g:
        ratio("Chạy lại khi không đổi (s)", g["rerun"], "≤ 0,3 s", g["rerun"] <= 0.3)
    if "tenfold" in g and "build" in g:
        v = g["tenfold"] / g["build"]
        ratio("Gấp 10 / một lần (thời gian)", v, "≤ 10", v <= 10)
        peak = figures["tenfold"].peak_kb / 1024
        ratio("Bộ nhớ đỉnh khi nạp bộ gấp 10 (MiB)", peak, "< 1.536 MiB", peak < 1536)
    c = {k: f.cpu for k, f in figures.items() if f.runs}
    if "build" in c and "baseline" in c and c["build"]:
        out += [
            "",
            "Cùng tỷ số tính trên thời gian CPU (ít bị ảnh hưởng bởi tiến trình khác "
            "chạy cùng lúc; bản nạp dùng cả hai nhân nên CPU của nó lớn hơn thời gian thực):",
            "",
            f"- Cách thông thường / nạp toàn bộ, theo CPU: {_s(c['baseline'] / c['build'])}",
        ]
        if "peer" in c and c["peer"]:
            out.append(
                f"- Nạp toàn bộ / chỉ đọc bằng pandas, theo CPU: {_s(c['build'] / c['peer'])}"
            )
        if "tenfold" in c:
            out.append(f"- Gấp 10 / một lần, theo CPU: {_s(c['tenfold'] / c['build'])}")
    out += [
        "",
        f"Tải trung bình của máy (1, 5, 15 phút): lúc đầu {info['load_before']}, "
        f"lúc cuối {info['load_after']} (máy có {info['cores']} nhân; tải cao hơn số nhân "
        "là có tiến trình khác tranh CPU và số đo bị kéo dài).",
    ]
    return out


if __name__ == "__main__":
    main()
