"""What a command imports, and when: the heavy libraries only on the path that needs them.

Each check runs a fresh interpreter (an import, once made, stays for the process) and
reads its `sys.modules` at the end: no timing, only which modules were loaded.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import AWARDS_WIDE_MERGES, ROOT, awards_wide_rows, query, write_xlsx

from pipeline.core.rules import rules_for

HEAVY = ("pandas", "great_expectations", "plotly", "altair", "scipy")


def loaded_after(code: str) -> list[str]:
    """The top-level packages (among HEAVY) and deferred modules loaded after `code` ran."""
    script = (
        "import json, sys\n"
        f"{code}\n"
        "names = sorted({m.split('.')[0] for m in sys.modules} & set(json.loads(sys.argv[1])))\n"
        "real = [m for m in ('altair.vegalite', 'scipy.stats._stats_py', 'jsonschema.validators',"
        " 'requests.sessions') if m in sys.modules]\n"
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
    # it read and validated: pandas here, Great Expectations in the validation process it
    # forked before opening the warehouse (one new file)
    assert first == ["pandas"]
    assert query(wh, "SELECT status, rows_loaded FROM loads") == [("loaded", 3)]
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
        "import requests\n"
        "assert abs(stats.entropy([0.5, 0.5], [0.5, 0.5])) < 1e-12\n"
        "assert alt.Chart.__name__ == 'Chart'\n"
        "jsonschema.validate(1, {'type': 'integer'})\n"
        "assert requests.Session.__name__ == 'Session'"
    )
    assert real == [
        "altair.vegalite",
        "scipy.stats._stats_py",
        "jsonschema.validators",
        "requests.sessions",
    ]


# Every rule of every suite broken once: rows of the project's sample workbooks (all six
# kinds), one row per rule given a value its expectation refuses, after `prepare`.
SUITES_OVER_BROKEN_ROWS = """
import json, sys
from pathlib import Path
from pipeline.build import _normalised, process_file
from pipeline.core import refdata
from pipeline.core.rules import rules_for
from pipeline.ingest.batch import fact_frames
from pipeline.ingest.validate import BatchValidator, prepare

FILES = ["raw/cum_thi_dua_bo_sung_minh_hoa.xlsx",
         "raw/danh_sach_khen_thuong_nhieu_nam_minh_hoa.xlsx",
         "raw/2023/cum6_nam_2023_minh_hoa.xlsx"]
ref = refdata.load()
frames = fact_frames([_normalised(process_file(f, Path(f)), ref) for f in FILES])
assert sorted(frames) == ["awards", "clusters", "indicators", "initiatives", "recipients",
                          "scores"], sorted(frames)


def broken(df, rules):
    df = df.copy()
    for i, rule in enumerate(rules):
        row, (name, kw) = 2 * i + 1, rule.check
        if name == "ExpectColumnValuesToNotBeNull":
            df[kw["column"]] = df[kw["column"]].astype(object)
            df.at[row, kw["column"]] = None
        elif name == "ExpectColumnValuesToBeNull":
            df.at[row, kw["column"]] = "not_number"
        elif name == "ExpectColumnValuesToBeBetween":
            low = kw.get("min_value")
            df.at[row, kw["column"]] = low - 1 if low is not None else kw["max_value"] + 1
        elif name == "ExpectColumnValuesToBeInSet":
            df[kw["column"]] = df[kw["column"]].astype(object)
            df.at[row, kw["column"]] = "none of the set"
        elif name == "ExpectCompoundColumnsToBeUnique":
            for column in kw["column_list"]:
                df.at[row, column] = df.at[0, column]
        elif name == "ExpectColumnPairValuesAToBeGreaterThanB":
            df.at[row, kw["column_A"]], df.at[row, kw["column_B"]] = 1.0, 2.0
        else:
            raise AssertionError(f"a rule this test does not break: {name}")
    return df


def plain(x):
    if isinstance(x, dict):  # (ids are new uuids in each process)
        return {k: plain(v) for k, v in x.items() if k != "id"}
    return [plain(v) for v in x] if isinstance(x, list) else x


validator, out = BatchValidator(), {}
for kind, facts in sorted(frames.items()):
    rules = rules_for(kind)
    _, results = validator.results(kind, broken(prepare(kind, facts), rules))
    out[kind] = [plain(r.to_json_dict()) for r in results]
stood_in = sorted(m for m, mod in sys.modules.items()
                  if m.startswith("great_expectations") and type(mod).__name__ == "_StandIn")
print(json.dumps({"results": out, "stood_in": stood_in}, sort_keys=True, default=str))
"""


def _suites_over_broken_rows(**env) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", SUITES_OVER_BROKEN_ROWS],
        cwd=ROOT,
        env={**os.environ, "GX_ANALYTICS_ENABLED": "false", **env},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_great_expectations_trimmed_of_unused_modules_validates_exactly_as_whole():
    trimmed = _suites_over_broken_rows()
    whole = _suites_over_broken_rows(THIDUA_GX_WHOLE="1")
    assert whole["stood_in"] == []
    stood_in = set(trimmed["stood_in"])
    assert "great_expectations.datasource.fluent.sql_datasource" in stood_in
    assert "great_expectations.expectations.core.expect_column_to_exist" in stood_in
    assert not any("expect_column_values_to_not_be_null" in m for m in stood_in)
    results = trimmed["results"]
    for kind, per_rule in results.items():  # each rule caught the row broken for it
        assert len(per_rule) == len(rules_for(kind))
        for result in per_rule:
            i = result["expectation_config"]["meta"]["index"]
            rids = [r["rid"] for r in result["result"]["unexpected_index_list"]]
            assert not result["success"] and 2 * i + 1 in rids, (kind, i, result)
            assert result["exception_info"]["raised_exception"] is False, (kind, i)
    assert results == whole["results"]  # every field of every result, as Great Expectations
