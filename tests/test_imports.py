"""What a command imports, and when: the heavy libraries only on the path that needs them.

Each check runs a fresh interpreter (an import, once made, stays for the process) and
reads its `sys.modules` at the end: no timing, only which modules were loaded.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import AWARDS_WIDE_MERGES, ROOT, awards_wide_rows, write_xlsx

HEAVY = ("pandas", "great_expectations", "plotly", "altair", "scipy")


def loaded_after(code: str) -> list[str]:
    """The top-level packages (among HEAVY) and deferred modules loaded after `code` ran."""
    script = (
        "import json, sys\n"
        f"{code}\n"
        "names = sorted({m.split('.')[0] for m in sys.modules} & set(json.loads(sys.argv[1])))\n"
        "real = [m for m in ('altair.vegalite', 'scipy.stats._stats_py', 'jsonschema.validators')"
        " if m in sys.modules]\n"
        "print(json.dumps([names, real]))\n"
    )
    env = {**os.environ, "GX_ANALYTICS_ENABLED": "false"}
    out = subprocess.run(
        [sys.executable, "-c", script, json.dumps(HEAVY)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def cli_build(raw, wh) -> str:
    return (
        "from pipeline.cli import main\n"
        "try:\n"
        f"    main(['build', '--raw', {str(raw)!r}, '--warehouse', {str(wh)!r}, '--quiet'])\n"
        "except SystemExit:\n"
        "    pass"
    )


def test_a_build_with_nothing_changed_imports_no_pandas_validation_or_charts(tmp_path):
    raw, wh = tmp_path / "raw", tmp_path / "wh" / "thidua.duckdb"
    write_xlsx(raw / "kt.xlsx", {"KT": awards_wide_rows()}, merges={"KT": AWARDS_WIDE_MERGES})
    first, _ = loaded_after(cli_build(raw, wh))
    assert "pandas" in first and "great_expectations" in first  # it read and validated
    again, _ = loaded_after(cli_build(raw, wh))
    assert again == []


def test_validation_leaves_out_what_great_expectations_imports_but_the_suites_never_use(
    tmp_path,
):
    units = [[1, "VKSND tỉnh Gia Lai", 1.5, 2, 3, 4, 5]]  # 1,5 awards: the not_whole rule
    path = write_xlsx(
        tmp_path / "kt.xlsx",
        {"KT": awards_wide_rows(units=units)},
        merges={"KT": AWARDS_WIDE_MERGES},
    )
    names, real = loaded_after(
        "from pathlib import Path\n"
        "from pipeline.build import check\n"
        f"rejections = check([Path({str(path)!r})]).rejections\n"
        "assert [(r['rule'], r['row_no']) for r in rejections] == [('not_whole', 8)], rejections"
    )
    assert "great_expectations" in names  # the suites ran
    assert real == []  # altair, scipy.stats and jsonschema were never needed


def test_a_deferred_module_is_the_real_one_at_its_first_use():
    names, real = loaded_after(
        "from pipeline.core.rules import great_expectations\n"
        "great_expectations()\n"
        "from scipy import stats\n"
        "import altair as alt\n"
        "import jsonschema\n"
        "assert abs(stats.entropy([0.5, 0.5], [0.5, 0.5])) < 1e-12\n"
        "assert alt.Chart.__name__ == 'Chart'\n"
        "jsonschema.validate(1, {'type': 'integer'})"
    )
    assert real == ["altair.vegalite", "scipy.stats._stats_py", "jsonschema.validators"]
