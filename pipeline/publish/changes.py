"""What the last build changed (files new, replaced, removed), kept beside the warehouse by
`thidua build` and shown by the site. Light: no pandas, no plotly."""

from __future__ import annotations

import json
from pathlib import Path


def changes_path(warehouse: Path) -> Path:
    """thidua.duckdb → thidua.changes.json (beside it; `make clean` removes it)."""
    warehouse = Path(warehouse)
    return warehouse.with_name(f"{warehouse.stem}.changes.json")


def write(warehouse: Path, report: dict) -> None:
    keep = {k: v for k, v in report.items() if k != "rejections"}
    path = changes_path(warehouse)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(keep, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)


def read(warehouse: Path) -> dict | None:
    try:
        return json.loads(changes_path(warehouse).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
