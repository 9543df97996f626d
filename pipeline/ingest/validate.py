"""Validation: one Great Expectations suite per kind, run once over the whole batch.

The suites are written here in Python.  Every expectation carries a `rule` name; a row
that fails it becomes a rejection whose Vietnamese message names the file, sheet, row and
column, the value found and what was expected.  Great Expectations is imported only when
there is something to validate (its import costs seconds).
"""

from __future__ import annotations

import os
import pickle
import signal
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.core import refdata
from pipeline.core.messages import locate
from pipeline.core.rules import Rule, great_expectations, rules_for
from pipeline.core.text import fold


def prepare(kind: str, facts: pd.DataFrame) -> pd.DataFrame:
    """Derived columns the expectations look at."""
    df = facts.copy()
    if kind == "indicators":
        df["indicator_key"] = _fold_column(df["indicator_name"])
    if kind == "scores":
        df["criterion_key"] = _fold_column(df["criterion"])
    if "count" in df:
        df["count_fraction"] = (df["count"].astype(float) % 1).fillna(0)
    if kind == "awards":
        ref = refdata.load()
        df["kind_allowed"] = [
            (c or 0) == 0 or a is None or k is None or k in ref.award_kinds.get(a, (k,))
            for a, k, c in zip(df["award_id"], df["recipient_kind"], df["count"], strict=True)
        ]
    if kind == "recipients":
        df["name_or_none"] = df["name"].map(lambda s: s or None)
    if kind == "clusters":
        df["cluster_no_or_zero"] = df["cluster_no"].fillna(0)
    df["rid"] = range(len(df))
    return df.reset_index(drop=True)


def _fold_column(values: pd.Series) -> pd.Series:
    """`fold` of every value (None when empty), computed once per distinct value."""
    keys = {v: (fold(v) or None) for v in values.drop_duplicates()}
    return values.map(keys)


RESULT_FORMAT = {"result_format": "COMPLETE", "unexpected_index_column_names": ["rid"]}


@dataclass
class Validation:
    rejections: list[dict]
    rejected_keys: set[tuple[str, str, int]]  # (source_file, sheet, row_no)


class BatchValidator:
    """The suites of every kind, made once in one Great Expectations context.

    `run` validates one batch of facts (each kind's suite once over all its facts); a build
    may validate its files in several batches to bound its memory.  `finish` writes the
    Data Docs site once, from every run."""

    def __init__(self, docs_dir: Path | None = None):
        self.docs_dir = docs_dir
        self.context = None
        self._definitions: dict[str, tuple] = {}  # kind -> (validation definition, rules)

    def _start(self) -> None:
        gx = great_expectations()
        from great_expectations.data_context.types.base import ProgressBarsConfig

        self._gx = gx
        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
        if self.docs_dir is not None:
            _configure_docs(self.context, self.docs_dir)
        self._source = self.context.data_sources.add_pandas("thidua")

    def start(self, kinds=()) -> None:
        """Import Great Expectations, make the context and the suites of `kinds` now."""
        if self.context is None:
            self._start()
        for kind in kinds:
            self._definition(kind)

    def _definition(self, kind: str) -> tuple:
        if kind not in self._definitions:
            gx, context = self._gx, self.context
            suite = context.suites.add(gx.ExpectationSuite(name=f"thidua_{kind}"))
            rules = rules_for(kind)
            for i, rule in enumerate(rules):
                exp = rule.make()
                exp.meta = {"rule": rule.rule, "index": i}
                suite.add_expectation(exp)
            asset = self._source.add_dataframe_asset(kind)
            batch = asset.add_batch_definition_whole_dataframe("batch")
            vd = context.validation_definitions.add(
                gx.ValidationDefinition(name=f"validate_{kind}", data=batch, suite=suite)
            )
            self._definitions[kind] = (vd, rules)
        return self._definitions[kind]

    def run(self, frames: dict[str, pd.DataFrame]) -> Validation:
        """Run every kind's suite once over all the facts of the batch."""
        frames = {k: v for k, v in frames.items() if len(v)}
        rejections: list[dict] = []
        seen: set[tuple] = set()
        if not frames:
            return Validation([], set())
        for kind, facts in frames.items():
            df = prepare(kind, facts)
            rules, results = self.results(kind, df)
            for res in results:
                meta = res.expectation_config.meta or {}
                rule = rules[meta["index"]]
                if res.success:
                    continue
                if res.exception_info and res.exception_info.get("raised_exception"):
                    raise RuntimeError(
                        f"Great Expectations failed on {kind}/{rule.rule}: {res.exception_info}"
                    )
                rids = {item["rid"] for item in res.result.get("unexpected_index_list") or []}
                for rid in sorted(rids):
                    rejection = _rejection(df.iloc[int(rid)].to_dict(), rule)
                    key = tuple(
                        rejection[k]
                        for k in ("source_file", "sheet", "row_no", "column_name", "rule")
                    )
                    if key not in seen:  # a wide row yields several facts from one cell
                        seen.add(key)
                        rejections.append(rejection)
        keys = {(r["source_file"], r["sheet"], r["row_no"]) for r in rejections}
        return Validation(rejections, keys)

    def results(self, kind: str, df: pd.DataFrame) -> tuple[list[Rule], list]:
        """The kind's rules and Great Expectations' result of each over `df` (`prepare`d)."""
        if self.context is None:
            self._start()
        vd, rules = self._definition(kind)
        # each run is kept in the context's validation results store; the Data Docs site
        # is built once from all of them (`finish`), not once per kind
        run = vd.run(batch_parameters={"dataframe": df}, result_format=RESULT_FORMAT)
        return rules, run.results

    def finish(self) -> None:
        if self.context is not None and self.docs_dir is not None:
            self.context.build_data_docs()


# the suites a validation process makes before the first batch arrives: the tables of a
# yearly report (the others, award lists and clusters, when a batch has them: 15 ms each)
KINDS_AHEAD = ("indicators", "scores", "awards", "initiatives")


class ValidatorProcess:
    """A `BatchValidator` in a child process, forked at the start of a build that has new
    files, before the build opens the warehouse (no DuckDB yet: nothing to inherit but
    pandas).  The child imports Great Expectations and makes every suite (≈ 0,8 s of CPU)
    while the build connects, reads and recognises the files on the other core; `run`
    then sends it the batch's frames and gets its `Validation` back, the same suites over
    the same frames.  If the child fails in any way, the batch is validated here instead."""

    def __init__(self, pid: int, to_child: int, from_child: int):
        self.pid = pid
        self._to = os.fdopen(to_child, "wb")
        self._from = os.fdopen(from_child, "rb")
        self._here: BatchValidator | None = None  # the fallback

    @classmethod
    def start(cls) -> ValidatorProcess | None:
        """Fork the child (None where there is no fork: validation stays in-process)."""
        if not hasattr(os, "fork"):
            return None
        try:
            down_r, down_w = os.pipe()
            up_r, up_w = os.pipe()
        except OSError:
            return None
        try:
            pid = os.fork()
        except OSError:  # (no memory, a process limit): validation stays in-process
            for fd in (down_r, down_w, up_r, up_w):
                os.close(fd)
            return None
        if pid == 0:  # the child: serves until the parent closes its end, never returns
            code = 0
            try:
                os.close(down_w)
                os.close(up_r)
                signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the parent's
                _serve(down_r, up_w)
            except BaseException:  # noqa: BLE001 - the parent validates in-process then
                code = 1
            finally:
                os._exit(code)
        os.close(down_r)
        os.close(up_w)
        return cls(pid, down_w, up_r)

    def run(self, frames: dict[str, pd.DataFrame]) -> Validation:
        if self._here is None:
            try:
                pickle.dump(frames, self._to, protocol=pickle.HIGHEST_PROTOCOL)
                self._to.flush()
                status, value = pickle.load(self._from)
                if status == "ok":
                    return value
            except (OSError, EOFError, pickle.PickleError):
                pass
            self._here = BatchValidator()  # the child failed: the same suites, here
        return self._here.run(frames)

    def finish(self) -> None:
        if self._here is not None:
            self._here.finish()

    def close(self) -> None:
        """End the child (at once: it holds nothing but what it computed) and reap it."""
        for stream in (self._to, self._from):
            try:
                stream.close()
            except OSError:
                pass
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass


def _serve(from_parent: int, to_parent: int) -> None:
    """The child of `ValidatorProcess`: the suites made first, then each batch validated."""
    with os.fdopen(from_parent, "rb") as inp, os.fdopen(to_parent, "wb") as out:
        validator = BatchValidator()
        failed = None
        try:
            validator.start(KINDS_AHEAD)
        except Exception as exc:  # noqa: BLE001 - reported with the first batch
            failed = exc
        while True:
            try:
                frames = pickle.load(inp)
            except EOFError:
                return
            try:
                if failed is not None:
                    raise failed
                answer = ("ok", validator.run(frames))
            except Exception as exc:  # noqa: BLE001 - the parent validates in-process
                answer = ("error", repr(exc))
            pickle.dump(answer, out, protocol=pickle.HIGHEST_PROTOCOL)
            out.flush()


def validate_batch(frames: dict[str, pd.DataFrame], docs_dir: Path | None = None) -> Validation:
    """Run every kind's suite once over all the facts of the batch (and write the docs)."""
    validator = BatchValidator(docs_dir)
    validation = validator.run(frames)
    validator.finish()
    return validation


def _rejection(fact: dict, rule: Rule) -> dict:
    fact = {k: (None if _isna(v) else v) for k, v in fact.items()}
    column = fact.get(rule.column) or ""
    value = fact.get(rule.value)
    return {
        "source_file": fact["source_file"],
        "sheet": fact["sheet"],
        "row_no": int(fact["row_no"]),
        "column_name": column,
        "value": None if value is None else str(value),
        "rule": rule.rule,
        "message": locate(fact["source_file"], fact["sheet"], int(fact["row_no"]), column)
        + rule.message(fact)
        + (f" (đơn vị «{fact['row_unit']}»)" if fact.get("row_unit") else "")
        + ".",
    }


def _isna(v) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _configure_docs(context, docs_dir: Path) -> None:
    docs_dir.mkdir(parents=True, exist_ok=True)
    site = {
        "class_name": "SiteBuilder",
        "store_backend": {
            "class_name": "TupleFilesystemStoreBackend",
            "base_directory": str(docs_dir.resolve()),
        },
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    }
    for name in list(context.list_data_docs_sites()):
        context.delete_data_docs_site(name)
    context.add_data_docs_site(site_name="thidua", site_config=site)
