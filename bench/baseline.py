"""The same full build done the obvious way, to measure the pipeline against.

For every file, one after the other:
- read every sheet with `pandas.read_excel(..., engine="openpyxl")`;
- recognise the sheets with the pipeline's own `recognise_sheet` (the same job, so the
  figures compare the ways of reading, validating and loading, not two recognisers);
- validate the file's facts with Great Expectations: one validation per file and kind,
  the suites of `pipeline.ingest.validate` (the context and the suites are made once: the
  obvious way, not a careless one);
- insert every fact, rejection, sheet and ledger row into DuckDB with one
  `INSERT … VALUES (?, …)` each, one transaction per file.

It writes the pipeline's own tables (same schema), so the result can be queried with the
same views.  Differences that come from pandas itself are left as they are: it does not
say which cells are formatted as a percent, so such a cell's 0.955 stays 0.955.

    python -m bench.baseline RAW_DIR WAREHOUSE_FILE
"""

from __future__ import annotations

import math
import os
import sys
from datetime import datetime
from pathlib import Path

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")


def read_with_pandas(path: Path):
    import pandas as pd

    from pipeline.ingest.read import SheetGrid

    frames = pd.read_excel(path, sheet_name=None, header=None, engine="openpyxl")
    grids = []
    for name, df in frames.items():
        rows = [[None if _missing(v) else v for v in row] for row in df.itertuples(index=False)]
        grids.append(SheetGrid(name=str(name), rows=rows))
    return grids


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def main(raw: Path, warehouse: Path) -> int:
    import duckdb
    import great_expectations as gx
    import pandas as pd
    from great_expectations.data_context.types.base import ProgressBarsConfig

    from pipeline import build as pipeline_build
    from pipeline.core import refdata
    from pipeline.ingest import validate
    from pipeline.ingest.normalise import normalise
    from pipeline.load import warehouse as wh

    warehouse.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(warehouse))
    wh.ensure_schema(con)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_pandas("baseline")
    definitions: dict[str, tuple] = {}

    def definition(kind: str):
        if kind not in definitions:
            suite = context.suites.add(gx.ExpectationSuite(name=f"baseline_{kind}"))
            rules = validate.rules_for(kind)
            for i, rule in enumerate(rules):
                exp = rule.make()
                exp.meta = {"rule": rule.rule, "index": i}
                suite.add_expectation(exp)
            batch = source.add_dataframe_asset(kind).add_batch_definition_whole_dataframe("b")
            vd = context.validation_definitions.add(
                gx.ValidationDefinition(name=f"baseline_{kind}", data=batch, suite=suite)
            )
            definitions[kind] = (vd, rules)
        return definitions[kind]

    result_format = {"result_format": "COMPLETE", "unexpected_index_column_names": ["rid"]}
    pipeline_build.read_workbook = read_with_pandas  # the obvious reader, same recognition
    files = pipeline_build.discover(raw)
    loaded = rejected = 0
    for rel, path in files:
        outcome = normalise(pipeline_build.process_file(rel, path), refdata.load())
        con.execute("BEGIN TRANSACTION")
        bad_rows: set[tuple[str, int]] = set()
        problems: list[tuple] = []
        for sheet in outcome.sheets:
            if not sheet.kind or not sheet.facts:
                continue
            vd, rules = definition(sheet.kind)
            df = validate.prepare(sheet.kind, pd.DataFrame(sheet.facts))
            result = vd.run(batch_parameters={"dataframe": df}, result_format=result_format)
            for res in result.results:
                if res.success:
                    continue
                rule = rules[res.expectation_config.meta["index"]]
                for item in res.result.get("unexpected_index_list") or []:
                    fact = df.iloc[int(item["rid"])]
                    bad_rows.add((sheet.sheet, int(fact["row_no"])))
                    problems.append((sheet.sheet, int(fact["row_no"]), rule.rule))
            problems += [(p.sheet, p.row_no, p.rule) for p in sheet.problems]
            bad_rows.update((sheet.sheet, r) for r in sheet.rejected_rows)
            columns = wh.table_columns(con, f"f_{sheet.kind}")
            sql = (
                f"INSERT INTO f_{sheet.kind} ({', '.join(columns)}) "
                f"VALUES ({', '.join('?' for _ in columns)})"
            )
            for fact in sheet.facts:
                if (sheet.sheet, fact["row_no"]) in bad_rows:
                    continue
                con.execute(sql, [fact.get(c) for c in columns])
                key = str(fact["year"]) if sheet.kind == "clusters" else fact["period"]
                con.execute(
                    "INSERT INTO claims VALUES (?, ?, ?, ?, ?)",
                    [rel, sheet.kind, fact.get("unit_id"), key, outcome.mtime],
                )
        for sheet_name, row_no, rule in problems:
            con.execute(
                "INSERT INTO rejections_t VALUES (?, ?, ?, ?, ?, ?, ?)",
                [rel, sheet_name, row_no, None, None, rule, rule],
            )
        n_read = sum(len(s.data_rows) for s in outcome.sheets)
        n_bad = len(bad_rows)
        for sheet in outcome.sheets:
            con.execute(
                "INSERT INTO sheet_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    rel,
                    sheet.sheet,
                    sheet.kind,
                    sheet.layout,
                    sheet.period,
                    "skipped" if sheet.skipped_reason else "loaded",
                    sheet.skipped_reason,
                    len(sheet.data_rows),
                    None,
                    None,
                    outcome.illustrative,
                ],
            )
        con.execute(
            "INSERT INTO ledger VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                rel,
                outcome.sha256,
                outcome.size,
                outcome.mtime,
                datetime.now(),
                "loaded",
                n_read,
                n_read - n_bad,
                n_bad,
                outcome.illustrative,
                outcome.error,
            ],
        )
        con.execute("COMMIT")
        loaded += n_read - n_bad
        rejected += n_bad
    con.close()
    print(f"baseline: {len(files)} files, {loaded} rows loaded, {rejected} rejected")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
