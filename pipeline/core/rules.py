"""The validation rules: one suite per sheet kind, each rule with its Vietnamese message.

These are the project's contract with its analysts: `ingest.validate` runs them through
Great Expectations over a batch; the data-check page lists them. Nothing here imports
Great Expectations (`Rule.make` builds one expectation on demand).
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
import threading
import types
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipeline.core import refdata
from pipeline.core.labels import RECIPIENT_KIND_LABELS
from pipeline.core.text import format_vn

PROBLEM_TEXT = {
    "not_number": "không phải là số; cần một số (ví dụ 12, 1.234, 95,5%) hoặc để trống, «-»",
    "formula_no_value": (
        "là công thức nhưng tệp không lưu giá trị đã tính; hãy mở tệp bằng Excel hoặc "
        "LibreOffice, tính lại và lưu lại"
    ),
    "bad_date": "không phải là ngày; cần dạng ngày/tháng/năm (ví dụ 15/12/2022)",
    "formula_error": (
        "là lỗi công thức mà tệp lưu làm giá trị (#DIV/0!: chia cho 0, #N/A: không tìm thấy "
        "giá trị, #REF!: tham chiếu tới ô đã xóa, #VALUE!/#NAME?/#NUM!/#NULL!: công thức sai); "
        "hãy sửa công thức trong Excel hoặc LibreOffice, tính lại và lưu lại"
    ),
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
        gxe = great_expectations().expectations
        name, kwargs = self.check
        return getattr(gxe, name)(**kwargs)


# Great Expectations imports these at the top of modules whose functions our suites never
# call (the KL-divergence expectation's charts and its entropy, the KS-test metrics, the
# JSON-schema metric): 2,7 s of CPU on the build's path (altair with jsonschema, scipy.stats),
# for nothing.  They are deferred: the name stands in `sys.modules` and the real module is
# imported at the first use of one of its attributes, so an expectation that needs one
# still works; the suites never do.
DEFERRED_BY_GX = ("altair", "scipy.stats", "jsonschema", "requests")
_GX_LOCK = threading.Lock()


class _Deferred(types.ModuleType):
    """A module imported at the first use of one of its attributes (then forwarded to it)."""

    def __getattr__(self, attr: str):
        name = self.__name__
        with _GX_LOCK:  # (not held while importing: the import system locks the module)
            if sys.modules.get(name) is self:
                del sys.modules[name]
        return getattr(importlib.import_module(name), attr)


def _defer(name: str) -> None:
    if name in sys.modules:
        return
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return
    if spec is None:
        return
    module = _Deferred(name)
    module.__spec__ = spec
    module.__file__ = spec.origin
    sys.modules[name] = module


# Great Expectations' own modules that validating our suites never runs, replaced by
# stand-ins while it is imported (see `_StandIn`): the fluent datasources other than the
# in-memory pandas one we use (SQL databases, Spark, Databricks, Snowflake, cloud storage,
# files on disk: about 0,3 s of CPU of pydantic classes) and the expectations the suites do
# not use (each a pydantic class too).  `tests/test_imports.py` runs the suites over good
# and bad rows with and without the stand-ins and compares every result in full.
_FLUENT = "great_expectations.datasource.fluent."
_GX_CORE_EXPECTATIONS = "great_expectations.expectations.core."
UNUSED_DATASOURCES = tuple(
    _FLUENT + name
    for name in (
        "alloy_datasource aurora_datasource bigquery_datasource citus_datasource "
        "pandas_file_path_datasource pandas_filesystem_datasource pandas_dbfs_datasource "
        "pandas_s3_datasource pandas_google_cloud_storage_datasource "
        "pandas_azure_blob_storage_datasource fabric fabric_datasource postgres_datasource "
        "neon_datasource redshift_datasource spark_datasource spark_file_path_datasource "
        "spark_filesystem_datasource spark_dbfs_datasource spark_s3_datasource "
        "spark_google_cloud_storage_datasource spark_azure_blob_storage_datasource "
        "sql_datasource sql_server_datasource sqlite_datasource databricks_sql_datasource "
        "snowflake_datasource"
    ).split()
)
# GX Cloud: its store backend, HTTP session and metric store (an ephemeral context uses
# none), and so `requests` (deferred: `DEFERRED_BY_GX`)
UNUSED_CLOUD = (
    "great_expectations.data_context.store.gx_cloud_store_backend",
    "great_expectations.core.http",
    "great_expectations.experimental.metric_repository.cloud_data_store",
)
# the expectation classes the suites are made of (`rules_for`: `Rule.check`), and the one
# Great Expectations itself imports by name (`ValidationDefinition`)
USED_EXPECTATIONS = (
    "ExpectColumnValuesToNotBeNull",
    "ExpectColumnValuesToBeNull",
    "ExpectColumnValuesToBeBetween",
    "ExpectColumnValuesToBeInSet",
    "ExpectCompoundColumnsToBeUnique",
    "ExpectColumnPairValuesAToBeGreaterThanB",
    "UnexpectedRowsExpectation",
)
TRIM_ENV = "THIDUA_GX_WHOLE"  # set (to anything) to import Great Expectations whole


def _module_of(class_name: str) -> str:
    """ExpectColumnValuesToBeNull → expect_column_values_to_be_null (GX's file names)."""
    return "".join("_" + c.lower() if c.isupper() else c for c in class_name).lstrip("_")


class _StandIn(types.ModuleType):
    """A module of Great Expectations left out of its import: each name taken from it is a
    class of its own that no object is ever an instance of, and that refuses to be made
    (so `isinstance` checks against it are simply false, and a use says what happened)."""

    def __getattr__(self, attr: str):
        if attr.startswith("__"):
            raise AttributeError(attr)
        module = self.__name__

        def refuse(*args, **kwargs):
            raise RuntimeError(
                f"{module}.{attr} is left out of the Great Expectations import "
                f"(pipeline.core.rules, {TRIM_ENV}=1 imports it whole)"
            )

        stand_in = type(attr, (), {"__module__": module, "__new__": refuse})
        setattr(self, attr, stand_in)
        return stand_in


class _StandInFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def __init__(self, names: frozenset[str]):
        self.names = names

    def find_spec(self, name, path=None, target=None):
        if name in self.names:
            return importlib.machinery.ModuleSpec(name, self)
        return None

    def create_module(self, spec):
        return _StandIn(spec.name)

    def exec_module(self, module) -> None:
        pass


def _trimmed() -> frozenset[str]:
    """The modules of Great Expectations replaced by stand-ins."""
    spec = importlib.util.find_spec("great_expectations")
    if spec is None or not spec.submodule_search_locations:
        return frozenset()
    core = Path(spec.submodule_search_locations[0]) / "expectations" / "core"
    used = {_module_of(name) for name in USED_EXPECTATIONS}
    unused = {
        _GX_CORE_EXPECTATIONS + p.stem for p in core.glob("expect_*.py") if p.stem not in used
    }
    return frozenset(UNUSED_DATASOURCES) | frozenset(UNUSED_CLOUD) | unused


def great_expectations():
    """The `great_expectations` package, imported with the least of its tree (see
    `DEFERRED_BY_GX`, `UNUSED_DATASOURCES`, `USED_EXPECTATIONS`) and without its usage
    analytics; seconds, once per process."""
    if "great_expectations.expectations" not in sys.modules:
        os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
        with _GX_LOCK:
            for name in DEFERRED_BY_GX:
                _defer(name)
            if "great_expectations" not in sys.modules and not os.environ.get(TRIM_ENV):
                finder = _StandInFinder(_trimmed())
                sys.meta_path.insert(0, finder)
                try:
                    import great_expectations.expectations  # noqa: F401
                finally:
                    sys.meta_path.remove(finder)
    import great_expectations as gx
    import great_expectations.expectations  # noqa: F401

    return gx


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
            Rule(
                "number_invalid",
                null("target_problem"),
                "target_raw",
                "col_target",
                _number_msg("target", "Chỉ tiêu"),
            ),
            Rule(
                "number_invalid",
                null("actual_problem"),
                "actual_raw",
                "col_actual",
                _number_msg("actual", "Kết quả"),
            ),
            Rule(
                "negative",
                at_least_zero("target"),
                "target_raw",
                "col_target",
                lambda f: f"Chỉ tiêu «{f['target_raw']}» là số âm; chỉ tiêu phải từ 0 trở lên",
            ),
            Rule(
                "negative",
                at_least_zero("actual"),
                "actual_raw",
                "col_actual",
                lambda f: f"Kết quả «{f['actual_raw']}» là số âm; kết quả phải từ 0 trở lên",
            ),
            Rule(
                "indicator_missing",
                not_null("indicator_key"),
                "indicator_name",
                "col_indicator",
                lambda f: "dòng có số liệu nhưng không ghi tên chỉ tiêu",
            ),
            Rule(
                "duplicate",
                (
                    "ExpectCompoundColumnsToBeUnique",
                    dict(column_list=["source_file", "unit_id", "period", "indicator_key"]),
                ),
                "indicator_name",
                "col_indicator",
                lambda f: (
                    f"chỉ tiêu «{f['indicator_name']}» của cùng đơn vị và kỳ xuất hiện "
                    "nhiều lần trong tệp; mỗi chỉ tiêu chỉ được ghi một lần"
                ),
            ),
        ]
    if kind == "scores":
        return common + [
            Rule(
                "number_invalid",
                null("points_problem"),
                "points_raw",
                "col_points",
                _number_msg("points", "Điểm"),
            ),
            Rule(
                "number_invalid",
                null("max_points_problem"),
                "max_points_raw",
                "col_max_points",
                _number_msg("max_points", "Điểm tối đa"),
            ),
            Rule(
                "points_missing",
                not_null("points"),
                "points_raw",
                "col_points",
                lambda f: f"tiêu chí «{f['criterion']}» chưa có điểm; cần ghi số điểm",
            ),
            Rule(
                "points_over_max",
                (
                    "ExpectColumnPairValuesAToBeGreaterThanB",
                    dict(
                        column_A="max_points",
                        column_B="points",
                        or_equal=True,
                        ignore_row_if="either_value_is_missing",
                    ),
                ),
                "points_raw",
                "col_points",
                lambda f: (
                    f"điểm {f['points_raw']} vượt điểm tối đa {f['max_points']:g} của "
                    f"tiêu chí «{f['criterion']}»; điểm phải không lớn hơn điểm tối đa"
                ),
            ),
            Rule(
                "duplicate",
                (
                    "ExpectCompoundColumnsToBeUnique",
                    dict(column_list=["source_file", "unit_id", "period", "criterion_key"]),
                ),
                "criterion",
                "col_criterion",
                lambda f: (
                    f"tiêu chí «{f['criterion']}» của cùng đơn vị và kỳ xuất hiện nhiều "
                    "lần trong tệp"
                ),
            ),
        ]
    count_rules = [
        Rule(
            "number_invalid",
            null("count_problem"),
            "count_raw",
            "col_count",
            _number_msg("count", "Số lượng"),
        ),
        Rule(
            "negative",
            at_least_zero("count"),
            "count_raw",
            "col_count",
            lambda f: f"số lượng «{f['count_raw']}» là số âm; cần số nguyên từ 0 trở lên",
        ),
        Rule(
            "not_whole",
            (
                "ExpectColumnValuesToBeBetween",
                dict(column="count_fraction", min_value=0, max_value=0),
            ),
            "count_raw",
            "col_count",
            lambda f: f"số lượng «{f['count_raw']}» không phải số nguyên; cần số nguyên",
        ),
        Rule(
            "too_large",
            ("ExpectColumnValuesToBeBetween", dict(column="count", max_value=MAX_COUNT)),
            "count_raw",
            "col_count",
            lambda f: (
                f"số lượng «{f['count_raw']}» quá lớn (trên "
                f"{format_vn(float(MAX_COUNT))}); hãy kiểm tra lại số liệu"
            ),
        ),
    ]
    award_rule = Rule(
        "award_unknown",
        not_null("award_id"),
        "award_raw",
        "col_award",
        lambda f: (
            f"không nhận ra hình thức khen thưởng «{f.get('award_raw') or ''}»; các hình "
            f"thức được biết: {ref.known_award_names()}"
        ),
    )
    if kind == "awards":
        return (
            common
            + [award_rule]
            + count_rules
            + [
                Rule(
                    "recipient_kind_unknown",
                    not_null("recipient_kind"),
                    "award_raw",
                    "col_count",
                    lambda f: (
                        "không rõ số lượng này là tập thể hay cá nhân; cần tách hai cột "
                        "«Tập thể» và «Cá nhân»"
                    ),
                ),
                Rule(
                    "recipient_kind_not_allowed",
                    ("ExpectColumnValuesToBeInSet", dict(column="kind_allowed", value_set=[True])),
                    "count_raw",
                    "col_count",
                    lambda f: (
                        f"hình thức «{ref.award_names.get(f['award_id'], f['award_raw'])}» chỉ "
                        f"dành cho {' và '.join(RECIPIENT_KIND_LABELS[k].lower() for k in ref.award_kinds.get(f['award_id'], ()))}, "
                        f"không có {RECIPIENT_KIND_LABELS.get(f['recipient_kind'], '').lower()}"
                    ),
                ),
            ]
        )
    if kind == "initiatives":
        return (
            common
            + count_rules
            + [
                Rule(
                    "level_unknown",
                    not_null("level"),
                    "level_raw",
                    "col_level",
                    lambda f: (
                        f"không nhận ra cấp sáng kiến «{f.get('level_raw') or ''}»; cần «cấp "
                        "cơ sở», «cấp ngành» hoặc «đề tài khoa học»"
                    ),
                ),
            ]
        )
    if kind == "recipients":
        return (
            common
            + [award_rule]
            + [
                Rule(
                    "name_missing",
                    not_null("name_or_none"),
                    "name",
                    "col_name",
                    lambda f: "thiếu họ tên (hoặc tên tập thể) người được khen thưởng",
                ),
                Rule(
                    "date_invalid",
                    null("decision_date_problem"),
                    "decision_date_raw",
                    "col_decision_date",
                    lambda f: (
                        f"ngày quyết định «{f['decision_date_raw']}» {PROBLEM_TEXT['bad_date']}"
                    ),
                ),
            ]
        )
    if kind == "clusters":
        return common + [
            Rule(
                "cluster_invalid",
                (
                    "ExpectColumnValuesToBeBetween",
                    dict(column="cluster_no_or_zero", min_value=1, max_value=99),
                ),
                "cluster_raw",
                "col_cluster",
                lambda f: (
                    f"số cụm «{f['cluster_raw']}» không hợp lệ; cần số cụm từ 1 đến 99 "
                    "(ví dụ «Cụm 7» hoặc «7»)"
                ),
            ),
            Rule(
                "role_unknown",
                not_null("role"),
                "role_raw",
                "col_role",
                lambda f: (
                    f"không nhận ra vai trò «{f['role_raw']}»; cần «Cụm trưởng», «Cụm "
                    "phó» hoặc «Thành viên»"
                ),
            ),
            Rule(
                "year_missing",
                not_null("year"),
                "year",
                "col_year",
                lambda f: "không xác định được năm của cụm thi đua",
            ),
            Rule(
                "duplicate",
                (
                    "ExpectCompoundColumnsToBeUnique",
                    dict(column_list=["source_file", "year", "unit_id"]),
                ),
                "unit_raw",
                "col_unit",
                lambda f: "đơn vị xuất hiện nhiều lần trong cùng năm; mỗi đơn vị thuộc một cụm",
            ),
        ]
    raise ValueError(kind)
