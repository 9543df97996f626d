"""Crashes and concurrent use, with real processes: `thidua build` killed with SIGKILL at
random points and at the commit, two builds at once, and readers (dashboards, notebooks)
reading through `open_reader` while a build writes.

The warehouse must always be exactly as before a build or exactly as after it (every public
view compared in full), the next build must complete, a reader must never wait for a writer
nor make one wait, and a reader must never see half a load.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from conftest import ROOT, awards_wide_rows, write_xlsx

from pipeline.load.warehouse import open_reader, snapshot_path

PUBLIC_VIEWS = [
    "units",
    "clusters",
    "indicators",
    "indicator_results",
    "scores",
    "score_ranking",
    "awards",
    "recipients",
    "initiatives",
    "rejections",
    "loads",
    "sheets",
]
V1 = [
    "2022/thai_binh_khen_thuong_nam_2022.xlsx",
    "2022/cum7_tong_ket_nam_2022.xlsx",
    "2023/cum6_de_nghi_khen_thuong_6T_2023.xlsx",
    "2025/giay_khen_cum6_6T_2025_minh_hoa.csv",
]
V2_ADD = [
    "2022/cum6_nam_2022_minh_hoa.xls",
    "2025/chi_tieu_gia_lai_6T_2025_minh_hoa.xlsx",
    "2024/cum7_nam_2024_minh_hoa.xlsx",
]
SEED = 20250611
KILLS = {"random": 3, "at_commit": 2, "at_publish": 1}


def env() -> dict:
    e = {**os.environ, "GX_ANALYTICS_ENABLED": "false"}
    e.pop("PYTHONDONTWRITEBYTECODE", None)  # let the child cache bytecode: quicker start-up
    return e


def start_build(raw: Path, wh: Path, *extra) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pipeline",
            "build",
            "--raw",
            str(raw),
            "--warehouse",
            str(wh),
            "--quiet",
            *map(str, extra),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env(),
        cwd=ROOT,
    )


def run_build(raw: Path, wh: Path, *extra) -> subprocess.CompletedProcess:
    proc = start_build(raw, wh, *extra)
    out, err = proc.communicate(timeout=300)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def state_of(con) -> dict:
    """Every public view in full (loads without its timestamp), in a stable order. A file a
    killed first build left with no schema yet holds nothing: the same as no warehouse."""
    known = {r[0] for r in con.execute("SELECT view_name FROM duckdb_views()").fetchall()}
    if not set(PUBLIC_VIEWS) <= known:
        assert not known & set(PUBLIC_VIEWS), f"half a schema: {sorted(known)}"
        return {view: [] for view in PUBLIC_VIEWS}
    views = {}
    for view in PUBLIC_VIEWS:
        cols = "* EXCLUDE (loaded_at)" if view == "loads" else "*"
        views[view] = con.execute(f"SELECT {cols} FROM {view} ORDER BY ALL").fetchall()
    return views


def state(wh: Path) -> dict:
    con = duckdb.connect(str(wh), read_only=True)
    try:
        return state_of(con)
    finally:
        con.close()


def reader_state(wh: Path) -> dict:
    con = open_reader(wh)
    try:
        return state_of(con)
    finally:
        con.close()


def copy_warehouse(src: Path, dst: Path) -> None:
    if dst.parent.exists():
        shutil.rmtree(dst.parent)
    dst.parent.mkdir(parents=True)
    for f in src.parent.iterdir():
        if f.is_file():
            shutil.copy2(f, dst.parent / f.name)


def make_raw(dst: Path, files: list[str]) -> Path:
    for rel in files:
        (dst / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / "raw" / rel, dst / rel)
    return dst


@pytest.fixture(scope="module")
def states(tmp_path_factory):
    """raw v1 → warehouse A; raw v2 (one file deleted, one changed, three added) → B."""
    base = tmp_path_factory.mktemp("crash")
    raw1 = make_raw(base / "raw1", V1)
    raw2 = make_raw(base / "raw2", V1[1:] + V2_ADD)
    write_xlsx(
        raw2 / "2022" / "thai_binh_khen_thuong_nam_2022.xlsx",  # changed
        {"KT": awards_wide_rows(units=[[1, "Thái Bình", 4, 4, 4, 4, 4]])},
    )
    wh_a = base / "a" / "thidua.duckdb"
    # the very first build, killed while it creates the warehouse: nothing or all, never half
    first = start_build(raw1, wh_a)
    killed_first = _kill_when(first, lambda: wh_a.exists(), random.Random(SEED).uniform(0, 1.5))
    left = state(wh_a) if wh_a.exists() else None
    done = run_build(raw1, wh_a)  # the next build completes
    assert done.returncode in (0, 3), done.stderr
    # half: the killed build left loaded rows, but not all of them (a kill after the commit,
    # while the read copy is published or the process ends, leaves all of them: that is whole)
    half = (
        left is not None
        and any(
            rows for view, rows in left.items() if view not in ("units", "clusters", "indicators")
        )
        and left != state(wh_a)
    )
    wh_b = base / "b" / "thidua.duckdb"
    copy_warehouse(wh_a, wh_b)
    started = time.monotonic()
    done = run_build(raw2, wh_b)
    seconds = time.monotonic() - started
    assert done.returncode in (0, 3), done.stderr
    a, b = state(wh_a), state(wh_b)
    assert a != b and reader_state(wh_a) == a and reader_state(wh_b) == b
    return {
        "base": base,
        "raw1": raw1,
        "raw2": raw2,
        "wh_a": wh_a,
        "a": a,
        "b": b,
        "seconds": seconds,
        "first": (killed_first, half),
    }


def _kill_when(proc: subprocess.Popen, ready, extra: float) -> bool:
    """Poll every millisecond until `ready()`; then wait `extra` seconds and SIGKILL.
    Returns False when the build finished first."""
    while proc.poll() is None:
        if ready():
            time.sleep(extra)
            break
        time.sleep(0.001)
    if proc.poll() is not None:
        return False
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    return True


def _lane(states, wh: Path, plan) -> list[tuple]:
    """Kill builds of raw v2 on `wh` one after another as `plan` says; then one more build
    must complete.  Each build starts from the state the killed one left."""
    a, b = states["a"], states["b"]
    copy_warehouse(states["wh_a"], wh)
    snap_tmp = f".{snapshot_path(wh).name}."
    outcomes = []
    for how, delay in plan:
        proc = start_build(states["raw2"], wh)
        if how == "random":
            killed = _kill_when(proc, lambda: True, delay)
        elif how == "at_commit":  # the WAL appears when the load commits
            killed = _kill_when(proc, lambda: wh.with_name(wh.name + ".wal").exists(), delay)
        else:  # the read snapshot is being copied: committed, not yet published
            killed = _kill_when(
                proc, lambda: any(p.name.startswith(snap_tmp) for p in wh.parent.iterdir()), delay
            )
        if not killed:
            assert proc.returncode in (0, 3), proc.stderr.read()
        now, seen = state(wh), reader_state(wh)
        assert now in (a, b), f"half a load after {how} {delay:.3f}s"
        assert seen in (a, b) and (seen == a or now == b)  # a reader is never ahead
        outcomes.append((how, round(delay, 3), killed, "after" if now == b else "before"))
        if now == b:  # start the next trial from the before-state again
            copy_warehouse(states["wh_a"], wh)
    done = run_build(states["raw2"], wh)  # the next build after the last crash
    assert done.returncode in (0, 3), done.stderr
    assert state(wh) == b and reader_state(wh) == b
    assert not [p for p in wh.parent.iterdir() if p.name.startswith(snap_tmp)]
    return outcomes


def test_kill_9_at_random_points_leaves_before_or_after_and_the_next_build_completes(states):
    """SIGKILL at random instants of the whole run, right after the load commits (the WAL
    appears) and while the read snapshot is copied; two lanes run side by side."""
    from concurrent.futures import ThreadPoolExecutor

    rng = random.Random(SEED)
    plan = (
        [("random", rng.uniform(0.2, states["seconds"] * 1.05)) for _ in range(KILLS["random"])]
        + [("at_commit", rng.uniform(0, 0.01)) for _ in range(KILLS["at_commit"])]
        + [("at_publish", rng.uniform(0, 0.005)) for _ in range(KILLS["at_publish"])]
    )
    rng.shuffle(plan)
    lanes = [plan[0::2], plan[1::2]]
    with ThreadPoolExecutor(len(lanes)) as pool:
        futures = [
            pool.submit(_lane, states, states["base"] / f"lane{i}" / "thidua.duckdb", lane)
            for i, lane in enumerate(lanes)
        ]
        outcomes = [o for f in futures for o in f.result()]
    print("\nkill -9 trials (how, delay s, killed, state):", outcomes)
    assert len(outcomes) == sum(KILLS.values()) and any(k for _, _, k, _ in outcomes)


def test_killed_first_build_leaves_no_half_made_warehouse(states):
    """The fixture killed the very first build once it had created the warehouse file: the
    file then held no load at all (or the whole of it), and the next build completed."""
    killed, half = states["first"]
    assert not (killed and half)
    assert state(states["wh_a"]) == states["a"] == reader_state(states["wh_a"])


def test_two_builds_at_once_and_a_reader_that_blocks_nobody(states, tmp_path):
    wh = tmp_path / "wh" / "thidua.duckdb"
    copy_warehouse(states["wh_a"], wh)
    reader = open_reader(wh)  # a notebook left open all along
    try:
        first = start_build(states["raw2"], wh, "--wait", "120")
        second = start_build(states["raw2"], wh, "--wait", "120")
        results = [(p.wait(timeout=300), p.stderr.read()) for p in (first, second)]
        assert all(code in (0, 3) for code, _ in results), results  # one waited its turn
        assert state(wh) == states["b"]  # loaded once: nothing counted twice
        assert state_of(reader) == states["a"]  # the open reader keeps its whole picture
    finally:
        reader.close()
    assert reader_state(wh) == states["b"]  # a new reader sees the new build
    # another process holds the warehouse: a build with --wait 0 is told plainly, and a
    # reader is not kept waiting
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb,sys,time; c=duckdb.connect(sys.argv[1]); "
            "print('ok', flush=True); time.sleep(60)",
            str(wh),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ok"
        assert reader_state(wh) == states["b"]
        busy = run_build(states["raw1"], wh, "--wait", "0")
    finally:
        holder.kill()
        holder.wait()
    assert busy.returncode == 1
    assert "Kho dữ liệu đang bận" in busy.stderr and "Traceback" not in busy.stderr
    assert state(wh) == states["b"]


WRITER = """
import sys, json
from pathlib import Path
from pipeline.build import build
raws, wh, n = [Path(p) for p in sys.argv[1:3]], Path(sys.argv[3]), int(sys.argv[4])
for i in range(n):
    build(raws[i % 2], wh, progress=False, wait_seconds=0)
print(n, flush=True)
"""


def test_readers_during_writes_see_whole_builds_only(states, tmp_path):
    """A writer process builds raw v2 then raw v1 again while this process reads
    through open_reader as fast as it can: every read is exactly state A or state B."""
    wh = tmp_path / "wh" / "thidua.duckdb"
    copy_warehouse(states["wh_a"], wh)
    builds = 2
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            WRITER,
            str(states["raw2"]),
            str(states["raw1"]),
            str(wh),
            str(builds),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env(),
        cwd=ROOT,
    )
    seen = {"a": 0, "b": 0}
    reads = 0
    while writer.poll() is None:
        now = reader_state(wh)
        assert now in (states["a"], states["b"]), "a reader saw half a load"
        seen["a" if now == states["a"] else "b"] += 1
        reads += 1
        time.sleep(0.01)
    out, err = writer.communicate()
    assert writer.returncode == 0, err  # never told the warehouse was busy
    assert out.strip() == str(builds)
    assert reader_state(wh) == states["a"] and state(wh) == states["a"]  # the last build: v1
    print(f"\nreads during {builds} builds: {reads} ({seen})")
    assert reads >= 1
