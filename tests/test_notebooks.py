"""Every notebook runs top to bottom against a small warehouse; the figures it stores equal
the same queries on the public views."""

import json
from pathlib import Path

import jupytext
import nbformat
import pytest
from conftest import query
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def run_notebook(name, tmp_path, **params):
    nb = jupytext.read(NOTEBOOKS / name)
    index = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    results = tmp_path / f"{name}.json"
    params["results_path"] = str(results)
    lines = [f"{k} = {v!r}" for k, v in params.items()]
    nb.cells.insert(index + 1, nbformat.v4.new_code_cell("\n".join(lines),
                                                         metadata={"tags": ["injected"]}))
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert errors == []
    return json.loads(results.read_text(encoding="utf-8")), nb



def test_notebooks_are_numbered_and_have_one_parameters_cell():
    names = sorted(p.name for p in NOTEBOOKS.glob("*.py"))
    assert names == ["01-so-sanh-cum.py", "02-khen-thuong-qua-cac-nam.py",
                     "03-bao-cao-so-sanh-nam.py"]
    for name in names:
        nb = jupytext.read(NOTEBOOKS / name)
        tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1
        assert "from pipeline" in "".join(c.source for c in nb.cells)


def test_cluster_comparison_notebook(sample_wh, tmp_path):
    got, _ = run_notebook("01-so-sanh-cum.py", tmp_path, warehouse=str(sample_wh),
                          period="2024-FY", cluster=7)
    assert got["clusters"] == [6, 7]
    points = dict(query(sample_wh, """SELECT unit_id, total_points FROM score_ranking
                                  WHERE period = '2024-FY' AND cluster_no = 7"""))
    assert got["total_points"] == points
    awards = dict(query(sample_wh, """SELECT unit_id, sum(count) FROM awards
                                  WHERE period = '2024-FY' AND cluster_no = 7 GROUP BY 1"""))
    assert got["awards"] == awards
    (met, n) = query(sample_wh, """SELECT count(*) FILTER (WHERE met), count(met)
                               FROM indicator_results WHERE period = '2024-FY'
                               AND unit_id = 'gia_lai'""")[0]
    assert got["share_met"]["gia_lai"] == pytest.approx(round(100 * met / n, 1))


def test_awards_notebook_sums_former_provinces_into_2025_units(sample_wh, tmp_path):
    got, _ = run_notebook("02-khen-thuong-qua-cac-nam.py", tmp_path, warehouse=str(sample_wh),
                          first=2022, last=2025, half="H1", territory=2025)
    (want,) = query(sample_wh, """SELECT sum(count) FROM awards WHERE period = '2023-H1'
                              AND unit_id IN ('quang_tri', 'quang_binh')""")[0]
    assert got["awards"]["2023|quang_tri"] == want
    assert "2023|quang_binh" not in got["awards"]
    (total,) = query(sample_wh, "SELECT sum(count) FROM awards WHERE period = '2024-H1'")[0]
    assert got["total_by_year"]["2024"] == total


def test_year_over_year_notebook(sample_wh, tmp_path):
    got, _ = run_notebook("03-bao-cao-so-sanh-nam.py", tmp_path, warehouse=str(sample_wh),
                          first=2022, last=2024, half="FY", cluster=7)
    a, b = (query(sample_wh, "SELECT sum(count) FROM awards WHERE period = ? AND cluster_no = 7",
              [p])[0][0] for p in ("2022-FY", "2024-FY"))
    assert got["changes"]["awards"][:3] == [a, b, b - a]
