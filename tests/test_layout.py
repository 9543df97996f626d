"""The house rules of the package, read from its imports.

The tree reads like the data's path (core → ingest → load → publish, and the clip): what
people read never reaches back into ingest, ingest never touches the warehouse, and no
module imports itself through a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "pipeline"


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, root: Path = ROOT) -> set[str]:
    """Every module `path` imports, at any depth of the file (lazy imports count too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = module_name(path, root)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            found.add(mod)
            found.update(f"{mod}.{a.name}" for a in node.names)  # `from pkg import module`
    return found


def graph(root: Path = ROOT) -> dict[str, set[str]]:
    modules = {module_name(p, root): p for p in root.rglob("*.py")}
    return {
        name: {m for m in imports_of(path, root) if m in modules and m != name}
        for name, path in modules.items()
    }


def violations(edges: dict[str, set[str]]) -> list[str]:
    found = []
    for mod, deps in sorted(edges.items()):
        for dep in sorted(deps):
            if mod.startswith(("pipeline.publish", "pipeline.clip")) and dep.startswith(
                "pipeline.ingest"
            ):
                found.append(f"{mod} imports {dep}: publish and clip read the warehouse only")
    return found


def duckdb_in_ingest(root: Path = ROOT) -> list[str]:
    return [
        module_name(p, root)
        for p in (root / "ingest").rglob("*.py")
        if any(m == "duckdb" or m.startswith("duckdb.") for m in imports_of(p, root))
    ]


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def edges_without_packages(edges: dict[str, set[str]]) -> dict[str, set[str]]:
    """A package's `__init__` importing its own modules is not a cycle of design."""
    return {m: {d for d in deps if not m.startswith(d + ".")} for m, deps in edges.items()}


def test_publish_and_clip_never_import_ingest():
    assert violations(graph()) == []


def test_ingest_never_imports_duckdb():
    assert duckdb_in_ingest() == []


def test_no_import_cycles():
    assert cycles(edges_without_packages(graph())) == []


def test_the_rules_catch_a_publish_module_that_imports_ingest(tmp_path):
    """The checks above can fail: a copy of the tree with one bad import is caught."""
    import shutil

    copy = tmp_path / "pipeline"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns("__pycache__"))
    charts = copy / "publish" / "charts.py"
    charts.write_text(charts.read_text() + "\nfrom pipeline.ingest import read  # noqa\n")
    ingest = copy / "ingest" / "read.py"
    ingest.write_text(ingest.read_text() + "\nimport duckdb  # noqa\n")
    labels = copy / "core" / "labels.py"
    labels.write_text(labels.read_text() + "\nfrom pipeline.core import refdata  # noqa\n")

    edges = graph(copy)
    assert "pipeline.publish.charts imports pipeline.ingest.read" in " ".join(violations(edges))
    assert duckdb_in_ingest(copy) == ["pipeline.ingest.read"]
    assert ["pipeline.core.labels", "pipeline.core.refdata"] in cycles(
        edges_without_packages(edges)
    )


@pytest.mark.parametrize("stage", ["core", "ingest", "load", "publish", "clip"])
def test_each_stage_is_a_folder(stage):
    assert (ROOT / stage / "__init__.py").is_file()
