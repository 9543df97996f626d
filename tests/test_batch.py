"""Preparing a batch: validation applied, rejections located, every row counted once."""

from pathlib import Path

from pipeline.ingest.batch import fact_frames, prepare_batch
from pipeline.ingest.recognise import Problem, SheetResult
from pipeline.ingest.validate import Validation
from pipeline.ingest.worker import FileOutcome


def award(row_no, unit_id="gia_lai"):
    return {"sheet": "KT", "row_no": row_no, "unit_id": unit_id, "count": 1}


def awards_outcome(name="kt.xlsx", rows=(8, 9, 10), rejected_rows=(), problems=()):
    sheet = SheetResult(
        "KT",
        kind="awards",
        layout="wide",
        period="2022-FY",
        facts=[award(r) for r in rows],
        data_rows=set(rows),
        rejected_rows=set(rejected_rows),
        problems=list(problems),
    )
    notes = SheetResult("Ghi chú", skipped_reason="không có tiêu đề cột của loại bảng nào")
    return FileOutcome(name, Path("raw") / name, 10, 1.5, "ab" * 32, sheets=[sheet, notes])


def test_fact_frames_gather_each_kind_of_the_whole_batch():
    frames = fact_frames([awards_outcome(), awards_outcome("kt2.xlsx", rows=(6,))])
    assert list(frames) == ["awards"]
    assert list(frames["awards"]["row_no"]) == [8, 9, 10, 6]


def test_recognition_and_validation_rejections_are_applied_and_counted():
    found = Problem("KT", 9, "Tập thể", "abc", "number", "không phải là số")
    validated = {"source_file": "kt.xlsx", "sheet": "KT", "row_no": 10, "rule": "count_whole"}
    prepared = prepare_batch(
        [awards_outcome(rejected_rows=[9], problems=[found])],
        Validation([validated], {("kt.xlsx", "KT", 10), ("other.xlsx", "KT", 8)}),
    )
    assert [f["row_no"] for f in prepared.facts["awards"]] == [8]
    assert prepared.rejections[0] == validated
    assert prepared.rejections[1]["message"] == (
        "Tệp «kt.xlsx», trang «KT», dòng 9, cột Tập thể: không phải là số"
    )
    loaded, skipped = prepared.sheet_rows
    assert (loaded["status"], loaded["rows_read"], loaded["rows_loaded"]) == ("loaded", 3, 1)
    assert loaded["rows_rejected"] == 2
    assert (skipped["status"], skipped["reason"]) == (
        "skipped",
        "không có tiêu đề cột của loại bảng nào",
    )
    (file_row,) = prepared.file_rows
    assert (file_row["status"], file_row["rows_read"], file_row["rows_loaded"]) == ("loaded", 3, 1)
    assert (file_row["sha256"], file_row["size"], file_row["mtime"]) == ("ab" * 32, 10, 1.5)


def test_a_file_with_every_row_rejected_is_rejected():
    prepared = prepare_batch([awards_outcome(rejected_rows=[8, 9, 10])], Validation([], set()))
    assert prepared.facts == {"awards": []}
    assert prepared.file_rows[0]["status"] == "rejected"


def test_a_file_that_could_not_be_used_is_one_located_rejection():
    broken = FileOutcome(
        "x.xls", Path("raw/x.xls"), error="Tệp hỏng.", error_rule="file_unreadable"
    )
    prepared = prepare_batch([broken], Validation([], set()))
    assert prepared.rejections == [
        {
            "source_file": "x.xls",
            "sheet": None,
            "row_no": None,
            "column_name": None,
            "value": None,
            "rule": "file_unreadable",
            "message": "Tệp «x.xls»: Tệp hỏng.",
        }
    ]
    assert (prepared.file_rows[0]["status"], prepared.file_rows[0]["rows_read"]) == ("rejected", 0)
