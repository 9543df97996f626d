"""Shared test helpers: tiny workbooks made in the test, and a warehouse in tmp_path."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import openpyxl
import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")


def write_xlsx(
    path: Path, sheets: dict, merges=None, percent=None, hidden_rows=None, hidden_sheets=()
) -> Path:
    """sheets: {name: [row, ...]}; merges/percent/hidden_rows: {name: [...]} (A1 refs / row numbers)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(list(row))
        for ref in (merges or {}).get(name, []):
            ws.merge_cells(ref)
        for ref in (percent or {}).get(name, []):
            ws[ref].number_format = "0.0%"
        for r in (hidden_rows or {}).get(name, []):
            ws.row_dimensions[r].hidden = True
        if name in hidden_sheets:
            ws.sheet_state = "hidden"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


TITLE = [
    ["VIỆN KIỂM SÁT NHÂN DÂN TỐI CAO"],
    ["CỤM THI ĐUA SỐ 7", None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
    [None, None, None, "Độc lập - Tự do - Hạnh phúc"],
]
SIGNATURE = [
    [],
    [None, None, None, "Gia Lai, ngày 20 tháng 11 năm 2022"],
    [None, "Người lập biểu", None, "VIỆN TRƯỞNG"],
    [None, "Nguyễn Văn A", None, "Trần Văn B"],
]


def awards_wide_rows(title="TỔNG HỢP KHEN THƯỞNG NĂM 2022", units=None, total=None):
    units = units or [
        [1, "VKSND tỉnh Gia Lai", 1, 2, 3, 4, 5],
        [2, "Kon Tum", 0, 1, "2", "-", 7],
        [3, "Đăk Lăk", 2, 0, 1, 1, 0],
    ]
    header = [
        ["STT", "Đơn vị", "Bằng khen Thủ tướng", None, "Giấy khen", None, "Kỷ niệm chương"],
        [None, None, "Tập thể", "Cá nhân", "Tập thể", "Cá nhân", None],
    ]
    rows = TITLE + [[title], []] + header + units
    if total is not None:
        rows.append([None, "Tổng cộng", *total])
    return rows + SIGNATURE


AWARDS_WIDE_MERGES = ["A6:A7", "B6:B7", "C6:D6", "E6:F6", "G6:G7"]


def build(raw: Path, wh: Path, **kw):
    from pipeline.build import build as run_build

    return run_build(raw, wh, progress=False, **kw)


def query(wh: Path, sql: str, params=None):
    con = duckdb.connect(str(wh), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def run_cli(*args, cwd=None, timeout=300):
    exe = Path(sys.executable).with_name("thidua")
    return subprocess.run(
        [str(exe), *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=timeout
    )


@pytest.fixture
def raw(tmp_path):
    d = tmp_path / "raw"
    d.mkdir()
    return d


@pytest.fixture
def wh(tmp_path):
    return tmp_path / "warehouse" / "thidua.duckdb"


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory):
    """raw/ copied and built once for the whole session: (raw, warehouse, build summary).
    Read-only: a test that adds or changes files works on `copy_sample` of it."""
    tmp = tmp_path_factory.mktemp("sample")
    shutil.copytree(ROOT / "raw", tmp / "raw")
    wh = tmp / "warehouse" / "thidua.duckdb"
    summary = build(tmp / "raw", wh)
    return tmp / "raw", wh, summary


@pytest.fixture(scope="session")
def sample_wh(sample_build):
    """The session's warehouse built from raw/ (read-only use)."""
    return sample_build[1]


def copy_sample(sample_build, dest: Path) -> tuple[Path, Path]:
    """A writable copy of the session's raw/ and its built warehouse under `dest`; the files
    keep their times, so a build on the copy reads only what the test adds or changes."""
    raw, wh, _ = sample_build
    shutil.copytree(raw, dest / "raw")
    shutil.copytree(wh.parent, dest / "warehouse")
    return dest / "raw", dest / "warehouse" / wh.name


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield b
        b.close()
