"""Every notebook runs top to bottom against a small warehouse; the figures it stores equal
the same queries on the public views."""

import json
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest
from conftest import ROOT, query
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
sys.path.insert(0, str(ROOT / "scripts"))
from make_samples import national_clusters  # noqa: E402


def run_notebook(name, tmp_path, **params):
    nb = jupytext.read(NOTEBOOKS / name)
    index = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    results = tmp_path / f"{name}.json"
    params["results_path"] = str(results)
    lines = [f"{k} = {v!r}" for k, v in params.items()]
    nb.cells.insert(
        index + 1, nbformat.v4.new_code_cell("\n".join(lines), metadata={"tags": ["injected"]})
    )
    NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
    ).execute()
    errors = [
        o
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]
    assert errors == []
    return json.loads(results.read_text(encoding="utf-8")), nb


def test_notebooks_are_numbered_and_have_one_parameters_cell():
    names = sorted(p.name for p in NOTEBOOKS.glob("*.py"))
    assert names == [
        "01-so-sanh-cum.py",
        "02-khen-thuong-qua-cac-nam.py",
        "03-bao-cao-so-sanh-nam.py",
    ]
    for name in names:
        nb = jupytext.read(NOTEBOOKS / name)
        tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1
        assert "from pipeline" in "".join(c.source for c in nb.cells)


def test_cluster_comparison_notebook(sample_wh, tmp_path):
    got, _ = run_notebook(
        "01-so-sanh-cum.py", tmp_path, warehouse=str(sample_wh), period="2024-FY", cluster=7
    )
    assert got["clusters"] == sorted(national_clusters(2024))  # every cluster of the sample
    points = dict(
        query(
            sample_wh,
            """SELECT unit_id, total_points FROM score_ranking
                                  WHERE period = '2024-FY' AND cluster_no = 7""",
        )
    )
    assert got["total_points"] == points
    awards = dict(
        query(
            sample_wh,
            """SELECT unit_id, sum(count) FROM awards
                                  WHERE period = '2024-FY' AND cluster_no = 7 GROUP BY 1""",
        )
    )
    assert got["awards"] == awards
    (met, n) = query(
        sample_wh,
        """SELECT count(*) FILTER (WHERE met), count(met)
                               FROM indicator_results WHERE period = '2024-FY'
                               AND unit_id = 'gia_lai'""",
    )[0]
    assert got["share_met"]["gia_lai"] == pytest.approx(round(100 * met / n, 1))


def test_awards_notebook_sums_former_provinces_into_2025_units(sample_wh, tmp_path):
    got, _ = run_notebook(
        "02-khen-thuong-qua-cac-nam.py",
        tmp_path,
        warehouse=str(sample_wh),
        first=2022,
        last=2025,
        half="H1",
        territory=2025,
    )
    (want,) = query(
        sample_wh,
        """SELECT sum(count) FROM awards WHERE period = '2023-H1'
                              AND unit_id IN ('quang_tri', 'quang_binh')""",
    )[0]
    assert got["awards"]["2023|quang_tri"] == want
    assert "2023|quang_binh" not in got["awards"]
    (total,) = query(sample_wh, "SELECT sum(count) FROM awards WHERE period = '2024-H1'")[0]
    assert got["total_by_year"]["2024"] == total


def test_year_over_year_notebook(sample_wh, tmp_path):
    got, _ = run_notebook(
        "03-bao-cao-so-sanh-nam.py",
        tmp_path,
        warehouse=str(sample_wh),
        first=2022,
        last=2024,
        half="FY",
        cluster=7,
    )
    a, b = (
        query(sample_wh, "SELECT sum(count) FROM awards WHERE period = ? AND cluster_no = 7", [p])[
            0
        ][0]
        for p in ("2022-FY", "2024-FY")
    )
    assert got["changes"]["awards"][:3] == [a, b, b - a]


def test_jupyterlab_serves_the_notebooks_from_this_machine_only(tmp_path):
    """`make lab`'s server, with its config: the three notebooks in its file browser, the
    page's scripts served locally, listening on 127.0.0.1 only, and no request off the
    machine (news feed, update check, extension search) while the page and those APIs are
    used: every Python network call to another host is refused and logged (test_security's
    audit hook)."""
    import os
    import re
    import shutil
    import socket
    import subprocess
    import time
    import urllib.request

    from test_security import AUDIT

    root = Path(__file__).resolve().parents[1]
    work = tmp_path / "lab"
    (work / "notebooks").mkdir(parents=True)
    for path in NOTEBOOKS.glob("*.py"):
        shutil.copy2(path, work / "notebooks" / path.name)
        jupytext.write(jupytext.read(path), work / "notebooks" / (path.stem + ".ipynb"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(AUDIT, encoding="utf-8")
    log = tmp_path / "net.log"
    env = {**os.environ, "PYTHONPATH": str(site), "THIDUA_NET_LOG": str(log)}
    # JupyterLab has its own environment, .venv-lab (`make lab` makes it; its kernel is .venv's)
    own_kernel = root / ".venv" / "share" / "jupyter" / "kernels" / "python3" / "kernel.json"
    before = own_kernel.read_bytes() if own_kernel.exists() else None
    subprocess.run(["make", "-s", "lab-setup"], cwd=root, check=True, stdout=subprocess.DEVNULL)
    # .venv's kernel spec (ipykernel's, hard-linked from uv's cache) is not written through
    assert (own_kernel.read_bytes() if own_kernel.exists() else None) == before
    jupyter = root / ".venv-lab" / "bin" / "jupyter"
    proc = subprocess.Popen(
        [
            str(jupyter),
            "lab",
            f"--config={root / 'scripts' / 'jupyter_lab_config.py'}",
            "--no-browser",
            f"--port={port}",
            "--IdentityProvider.token=thu",
            *(["--allow-root"] if os.geteuid() == 0 else []),
        ],
        cwd=work,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"

    def get(path):
        with urllib.request.urlopen(f"{base}{path}?token=thu", timeout=10) as resp:
            return resp.status, resp.read().decode("utf-8")

    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                get("/api/status")
                break
            except OSError:
                assert proc.poll() is None, proc.stderr.read()
                assert time.monotonic() < deadline, "JupyterLab did not start"
                time.sleep(0.5)
        listing = json.loads(get("/api/contents/")[1])
        names = {item["name"] for item in listing["content"] if item["type"] == "notebook"}
        assert {
            "01-so-sanh-cum.ipynb",
            "02-khen-thuong-qua-cac-nam.ipynb",
            "03-bao-cao-so-sanh-nam.ipynb",
        } <= names  # the .py twins open too (jupytext)
        status, page = get("/lab")
        assert status == 200
        sources = re.findall(r'(?:src|href)="([^"]+)"', page)
        assert sources and not [s for s in sources if s.startswith(("http:", "https:", "//"))]
        assert json.loads(get("/lab/api/news")[1])["news"] == []
        assert json.loads(get("/lab/api/update")[1])["notification"] is None
        # the news question is never asked: its answer is set for every user
        notification = json.loads(
            get("/lab/api/settings/@jupyterlab/apputils-extension:notification")[1]
        )
        defaults = {k: v.get("default") for k, v in notification["schema"]["properties"].items()}
        assert defaults["fetchNews"] == "false" and defaults["checkForUpdates"] is False
        get("/lab/api/extensions")
        with socket.socket() as s:  # not reachable from another machine's view of this one
            s.settimeout(2)
            outside = socket.gethostbyname(socket.gethostname())
            if not outside.startswith("127."):
                assert s.connect_ex((outside, port)) != 0
        assert not log.exists(), log.read_text()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
