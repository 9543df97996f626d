"""Where things are by default: the one place that names the project's folders.

Commands take these as defaults (relative to the folder they run in, as an analyst types
them); notebooks, which run inside `notebooks/`, ask for the project's own copy.
"""

from __future__ import annotations

from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]

RAW = Path("raw")
WAREHOUSE = Path("warehouse/thidua.duckdb")
DASHBOARDS = Path("dashboards")
MEETING = Path("meeting")
REPORTS = Path("reports")
TEMPLATES = Path("templates")
CLIPS = Path("clips")


def project_warehouse() -> Path:
    """The warehouse of this checkout, wherever the caller runs (notebooks run in notebooks/)."""
    return PROJECT / WAREHOUSE
