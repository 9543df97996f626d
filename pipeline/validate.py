"""Validation: one Great Expectations suite per kind, run once over the whole batch.

The suites are written here in Python.  Every expectation carries a `rule` name; a row
that fails it becomes a rejection whose Vietnamese message names the file, sheet, row and
column, the value found and what was expected.  Great Expectations is imported only when
there is something to validate (its import costs seconds).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import refdata
from .messages import locate
from .text import fold, format_vn

PROBLEM_TEXT = {
    "not_number": "không phải là số; cần một số (ví dụ 12, 1.234, 95,5%) hoặc để trống, «-»",
    "formula_no_value": (
        "là công thức nhưng tệp không lưu giá trị đã tính; hãy mở tệp bằng Excel hoặc "
        "LibreOffice, tính lại và lưu lại"
    ),
    "bad_date": "không phải là ngày; cần dạng ngày/tháng/năm (ví dụ 15/12/2022)",
}


@dataclass(frozen=True)
class Rule:
    rule: str
    check: tuple[str, dict]  # the Great Expectations expectation: class name, arguments
    value: str  # the fact field shown as the value
    column: str  # the fact field that names the spreadsheet column
    message: Callable[[dict], str]

    @property
    def expectation(self) -> str:
        return self.check[0]

    def make(self):
        """The expectation itself (imports Great Expectations: seconds, once)."""
        import great_expectations.expectations as gxe

        name, kwargs = self.check
        return getattr(gxe, name)(**kwargs)


def _unit_msg(f):
    return (
        f"không nhận ra đơn vị «{f.get('unit_raw') or ''}»; cần tên một VKSND tỉnh/thành phố "
        "hoặc đơn vị trong danh mục (ví dụ «VKSND tỉnh Gia Lai», «Thừa Thiên Huế», «TP.HCM»)"
    )


def _number_msg(field: str, label: str):
    def msg(f):
        return f"{label} «{f.get(field + '_raw') or ''}» {PROBLEM_TEXT.get(f.get(field + '_problem'), 'không hợp lệ')}"

    return msg


MAX_COUNT = 1_000_000  # an award or initiative count beyond this is a typing error (and
# would not fit the warehouse's INTEGER column: one such cell must not stop a whole build)


def rules_for(kind: str) -> list[Rule]:
    """The rules of a kind's suite (no Great Expectations import: `Rule.make` builds one)."""
    ref = refdata.load()

    def not_null(col):
        return ("ExpectColumnValuesToNotBeNull", {"column": col})

    def null(col):
        return ("ExpectColumnValuesToBeNull", {"column": col})

    def at_least_zero(col):
        return ("ExpectColumnValuesToBeBetween", {"column": col, "min_value": 0})

    unit = Rule("unit_unknown", not_null("unit_id"), "unit_raw", "col_unit", _unit_msg)
    common = [unit]
    if kind == "indicators":
        return common + [
            Rule("number_invalid", null("target_problem"), "target_raw", "col_target",
                 _number_msg("target", "Chỉ tiêu")),
            Rule("number_invalid", null("actual_problem"), "actual_raw", "col_actual",
                 _number_msg("actual", "Kết quả")),
            Rule("negative", at_least_zero("target"), "target_raw", "col_target",
                 lambda f: f"Chỉ tiêu «{f['target_raw']}» là số âm; chỉ tiêu phải từ 0 trở lên"),
            Rule("negative", at_least_zero("actual"), "actual_raw", "col_actual",
                 lambda f: f"Kết quả «{f['actual_raw']}» là số âm; kết quả phải từ 0 trở lên"),
            Rule("indicator_missing", not_null("indicator_key"), "indicator_name", "col_indicator",
                 lambda f: "dòng có số liệu nhưng không ghi tên chỉ tiêu"),
            Rule("duplicate", ("ExpectCompoundColumnsToBeUnique", dict(
                     column_list=["source_file", "unit_id", "period", "indicator_key"])),
                 "indicator_name", "col_indicator",
                 lambda f: f"chỉ tiêu «{f['indicator_name']}» của cùng đơn vị và kỳ xuất hiện "
                 "nhiều lần trong tệp; mỗi chỉ tiêu chỉ được ghi một lần"),
        ]
    if kind == "scores":
        return common + [
            Rule("number_invalid", null("points_problem"), "points_raw", "col_points",
                 _number_msg("points", "Điểm")),
            Rule("number_invalid", null("max_points_problem"), "max_points_raw", "col_max_points",
                 _number_msg("max_points", "Điểm tối đa")),
            Rule("points_missing", not_null("points"), "points_raw", "col_points",
                 lambda f: f"tiêu chí «{f['criterion']}» chưa có điểm; cần ghi số điểm"),
            Rule("points_over_max", ("ExpectColumnPairValuesAToBeGreaterThanB", dict(
                     column_A="max_points", column_B="points", or_equal=True,
                     ignore_row_if="either_value_is_missing")),
                 "points_raw", "col_points",
                 lambda f: f"điểm {f['points_raw']} vượt điểm tối đa {f['max_points']:g} của "
                 f"tiêu chí «{f['criterion']}»; điểm phải không lớn hơn điểm tối đa"),
            Rule("duplicate", ("ExpectCompoundColumnsToBeUnique", dict(
                     column_list=["source_file", "unit_id", "period", "criterion_key"])),
                 "criterion", "col_criterion",
                 lambda f: f"tiêu chí «{f['criterion']}» của cùng đơn vị và kỳ xuất hiện nhiều "
                 "lần trong tệp"),
        ]
    count_rules = [
        Rule("number_invalid", null("count_problem"), "count_raw", "col_count",
             _number_msg("count", "Số lượng")),
        Rule("negative", at_least_zero("count"), "count_raw", "col_count",
             lambda f: f"số lượng «{f['count_raw']}» là số âm; cần số nguyên từ 0 trở lên"),
        Rule("not_whole", ("ExpectColumnValuesToBeBetween", dict(
                 column="count_fraction", min_value=0, max_value=0)),
             "count_raw", "col_count",
             lambda f: f"số lượng «{f['count_raw']}» không phải số nguyên; cần số nguyên"),
        Rule("too_large", ("ExpectColumnValuesToBeBetween", dict(
                 column="count", max_value=MAX_COUNT)),
             "count_raw", "col_count",
             lambda f: f"số lượng «{f['count_raw']}» quá lớn (trên "
             f"{format_vn(float(MAX_COUNT))}); hãy kiểm tra lại số liệu"),
    ]
    award_rule = Rule(
        "award_unknown", not_null("award_id"), "award_raw", "col_award",
        lambda f: f"không nhận ra hình thức khen thưởng «{f.get('award_raw') or ''}»; các hình "
        f"thức được biết: {ref.known_award_names()}",
    )
    if kind == "awards":
        return common + [award_rule] + count_rules + [
            Rule("recipient_kind_unknown", not_null("recipient_kind"), "award_raw", "col_count",
                 lambda f: "không rõ số lượng này là tập thể hay cá nhân; cần tách hai cột "
                 "«Tập thể» và «Cá nhân»"),
            Rule("recipient_kind_not_allowed", ("ExpectColumnValuesToBeInSet", dict(
                     column="kind_allowed", value_set=[True])),
                 "count_raw", "col_count",
                 lambda f: f"hình thức «{ref.award_names.get(f['award_id'], f['award_raw'])}» chỉ "
                 f"dành cho {' và '.join(refdata.RECIPIENT_KIND_LABELS[k] for k in ref.award_kinds.get(f['award_id'], ()))}, "
                 f"không có {refdata.RECIPIENT_KIND_LABELS.get(f['recipient_kind'], '')}"),
        ]
    if kind == "initiatives":
        return common + count_rules + [
            Rule("level_unknown", not_null("level"), "level_raw", "col_level",
                 lambda f: f"không nhận ra cấp sáng kiến «{f.get('level_raw') or ''}»; cần «cấp "
                 "cơ sở», «cấp ngành» hoặc «đề tài khoa học»"),
        ]
    if kind == "recipients":
        return common + [award_rule] + [
            Rule("name_missing", not_null("name_or_none"), "name", "col_name",
                 lambda f: "thiếu họ tên (hoặc tên tập thể) người được khen thưởng"),
            Rule("date_invalid", null("decision_date_problem"), "decision_date_raw",
                 "col_decision_date",
                 lambda f: f"ngày quyết định «{f['decision_date_raw']}» {PROBLEM_TEXT['bad_date']}"),
        ]
    if kind == "clusters":
        return common + [
            Rule("cluster_invalid", ("ExpectColumnValuesToBeBetween", dict(
                     column="cluster_no_or_zero", min_value=1, max_value=99)),
                 "cluster_raw", "col_cluster",
                 lambda f: f"số cụm «{f['cluster_raw']}» không hợp lệ; cần số cụm từ 1 đến 99 "
                 "(ví dụ «Cụm 7» hoặc «7»)"),
            Rule("role_unknown", not_null("role"), "role_raw", "col_role",
                 lambda f: f"không nhận ra vai trò «{f['role_raw']}»; cần «Cụm trưởng», «Cụm "
                 "phó» hoặc «Thành viên»"),
            Rule("year_missing", not_null("year"), "year", "col_year",
                 lambda f: "không xác định được năm của cụm thi đua"),
            Rule("duplicate", ("ExpectCompoundColumnsToBeUnique", dict(
                     column_list=["source_file", "year", "unit_id"])),
                 "unit_raw", "col_unit",
                 lambda f: "đơn vị xuất hiện nhiều lần trong cùng năm; mỗi đơn vị thuộc một cụm"),
        ]
    raise ValueError(kind)


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
        os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        self._gx = gx
        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
        if self.docs_dir is not None:
            _configure_docs(self.context, self.docs_dir)
        self._source = self.context.data_sources.add_pandas("thidua")

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
        if self.context is None:
            self._start()
        result_format = {"result_format": "COMPLETE", "unexpected_index_column_names": ["rid"]}
        for kind, facts in frames.items():
            vd, rules = self._definition(kind)
            df = prepare(kind, facts)
            # each run is kept in the context's validation results store; the Data Docs
            # site is built once from all of them (`finish`), not once per kind
            results = vd.run(batch_parameters={"dataframe": df}, result_format=result_format).results
            for res in results:
                meta = res.expectation_config.meta or {}
                rule = rules[meta["index"]]
                if res.success:
                    continue
                if res.exception_info and res.exception_info.get("raised_exception"):
                    raise RuntimeError(f"Great Expectations failed on {kind}/{rule.rule}: {res.exception_info}")
                rids = {item["rid"] for item in res.result.get("unexpected_index_list") or []}
                for rid in sorted(rids):
                    rejection = _rejection(df.iloc[int(rid)].to_dict(), rule)
                    key = tuple(rejection[k] for k in ("source_file", "sheet", "row_no", "column_name", "rule"))
                    if key not in seen:  # a wide row yields several facts from one cell
                        seen.add(key)
                        rejections.append(rejection)
        keys = {(r["source_file"], r["sheet"], r["row_no"]) for r in rejections}
        return Validation(rejections, keys)

    def finish(self) -> None:
        if self.context is not None and self.docs_dir is not None:
            self.context.build_data_docs()


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
