"""A batch of normalised outcomes with its validation applied: what to load, what to reject.

Values in, values out (no file, no warehouse): the facts of each kind that passed, one
rejection row per problem (recognition's, validation's, a file's that could not be used)
with its Vietnamese message located, and the sheet and file rows of the ledger with their
counts, so that for every sheet `rows_read = rows_loaded + rows_rejected`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.core.messages import locate


@dataclass
class Prepared:
    """What to insert, what to reject, and the sheet and file rows of the ledger."""

    facts: dict[str, list[dict]]
    rejections: list[dict]
    sheet_rows: list[dict]
    file_rows: list[dict]


def fact_frames(outcomes: Sequence) -> dict:
    """kind -> one DataFrame of every fact of that kind in the batch (what validation reads)."""
    import pandas as pd  # imported when there is a batch: seconds saved for the workers

    by_kind: dict[str, list[dict]] = {}
    for outcome in outcomes:
        for sheet in outcome.sheets:
            if sheet.kind:
                by_kind.setdefault(sheet.kind, []).extend(sheet.facts)
    return {kind: pd.DataFrame(facts) for kind, facts in by_kind.items()}


def prepare_batch(outcomes: Sequence, validation) -> Prepared:
    """Apply `validation` (a `validate.Validation` of `fact_frames(outcomes)`) to the batch."""
    rejections = list(validation.rejections)
    facts: dict[str, list[dict]] = {}
    sheet_rows, file_rows = [], []
    for outcome in outcomes:
        if outcome.error and outcome.error_rule != "file_skipped":  # (skipped: a reason)
            rejections.append(
                _rejection(
                    outcome.source_file, None, None, None, None, outcome.error_rule, outcome.error
                )
            )
        read = loaded = rejected = 0
        for sheet in outcome.sheets:
            for p in sheet.problems:
                rejections.append(
                    _rejection(
                        outcome.source_file,
                        p.sheet,
                        p.row_no,
                        p.column_name,
                        p.value,
                        p.rule,
                        p.message,
                    )
                )
            bad = set(sheet.rejected_rows) | {
                row
                for (f, s, row) in validation.rejected_keys
                if f == outcome.source_file and s == sheet.sheet
            }
            bad &= sheet.data_rows
            if sheet.kind:
                facts.setdefault(sheet.kind, []).extend(
                    f for f in sheet.facts if f["row_no"] not in bad
                )
            n_read, n_bad = len(sheet.data_rows), len(bad)
            read, rejected, loaded = read + n_read, rejected + n_bad, loaded + n_read - n_bad
            sheet_rows.append(
                {
                    "source_file": outcome.source_file,
                    "sheet": sheet.sheet,
                    "kind": sheet.kind,
                    "layout": sheet.layout,
                    "period": sheet.period,
                    "status": "skipped" if sheet.skipped_reason else "loaded",
                    "reason": sheet.skipped_reason,
                    "rows_read": n_read,
                    "rows_loaded": n_read - n_bad,
                    "rows_rejected": n_bad,
                    "illustrative": sheet.illustrative,
                }
            )
        file_rows.append(
            {
                "source_file": outcome.source_file,
                "sha256": outcome.sha256,
                "size": outcome.size,
                "mtime": outcome.mtime,
                "status": "skipped"  # not a spreadsheet: listed in loads with its reason
                if outcome.error_rule == "file_skipped"
                else "rejected"
                if outcome.error or (read and not loaded)
                else "loaded",
                "rows_read": read,
                "rows_loaded": loaded,
                "rows_rejected": rejected,
                "illustrative": outcome.illustrative,
                # a file read through LibreOffice says so (`worker.FileOutcome.note`)
                "message": " ".join(m for m in (outcome.error, outcome.note) if m) or None,
            }
        )
    return Prepared(facts, rejections, sheet_rows, file_rows)


def _rejection(source_file, sheet, row_no, column_name, value, rule, text) -> dict:
    """A rejection row; its message starts with where the problem is."""
    return {
        "source_file": source_file,
        "sheet": sheet,
        "row_no": row_no,
        "column_name": column_name,
        "value": value,
        "rule": rule,
        "message": locate(source_file, sheet, row_no, column_name) + text,
    }
