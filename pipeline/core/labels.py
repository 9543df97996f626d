"""Every word an analyst reads for a code: one vocabulary, built from the reference CSVs.

Charts, tables, exports, pages, the deck and the clip take their labels from here; the
codes themselves (`tap_the`, `co_so`, `truong`, sheet kinds) are defined in the CSVs of
`reference/`, each row with its source.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas costs 0,6 s to import: every command reads labels, few need it
    import pandas as pd

ILLUSTRATIVE = "DỮ LIỆU MINH HỌA"


def _names(file: str, key: str, column: str = "name") -> dict[str, str]:
    with open(Path(__file__).parent / "reference" / file, encoding="utf-8", newline="") as fh:
        return {row[key].strip(): row[column].strip() for row in csv.DictReader(fh)}


SHEET_KIND_LABELS = _names("sheet_kinds.csv", "kind")  # lower case: «Biểu mẫu kết quả chỉ tiêu»
SHEET_KINDS = tuple(SHEET_KIND_LABELS)
RECIPIENT_KIND_LABELS = _names("recipient_kinds.csv", "kind")  # «Tập thể», «Cá nhân»
RECIPIENT_KINDS = tuple(RECIPIENT_KIND_LABELS)
LEVEL_LABELS = _names("initiative_levels.csv", "level_id", "short_name")
ROLE_LABELS = _names("cluster_roles.csv", "role_id")

COLUMN_LABELS = {
    "period": "Kỳ",
    "period_label": "Kỳ báo cáo",
    "year": "Năm",
    "cluster_no": "Cụm thi đua",
    "unit_id": "Mã đơn vị",
    "name": "Đơn vị",
    "role": "Vai trò trong cụm",
    "role_label": "Vai trò trong cụm",
    "indicator_id": "Mã chỉ tiêu",
    "indicator_name": "Chỉ tiêu",
    "measure_unit": "Đơn vị tính",
    "target": "Chỉ tiêu đề ra",
    "actual": "Kết quả",
    "met": "Đạt",
    "met_label": "Đánh giá",
    "margin": "Chênh lệch so với chỉ tiêu",
    "direction": "Chiều đánh giá",
    "n_indicators": "Số chỉ tiêu có số liệu",
    "n_met": "Số chỉ tiêu đạt",
    "n_missed": "Số chỉ tiêu chưa đạt",
    "share_met": "Tỷ lệ chỉ tiêu đạt (%)",
    "total_points": "Tổng điểm",
    "rank": "Xếp hạng",
    "award_id": "Mã hình thức",
    "award_name": "Hình thức khen thưởng",
    "recipient_kind": "Đối tượng",
    "recipient_label": "Đối tượng",
    "count": "Số lượng",
    "collective": "Tập thể",
    "individual": "Cá nhân",
    "awards": "Tổng số khen thưởng",
    "level": "Cấp sáng kiến",
    "level_label": "Cấp sáng kiến",
    "initiatives": "Sáng kiến, đề tài",
    "units": "Số đơn vị",
    "mean_points": "Điểm bình quân",
    "awards_per_unit": "Khen thưởng bình quân một đơn vị",
    "delta": "Tăng/giảm",
    "growth": "Tăng trưởng (%)",
    "from_value": "Năm đầu",
    "to_value": "Năm cuối",
    "metric": "Chỉ số",
    "metric_label": "Chỉ số",
    "value": "Giá trị",
    "source_file": "Tệp nguồn",
    "sheet": "Trang tính",
    "row_no": "Dòng",
    "column_name": "Cột",
    "rule": "Quy tắc",
    "message": "Lý do",
    "status": "Trạng thái",
    "rows_read": "Số dòng đọc",
    "rows_loaded": "Số dòng nạp",
    "rows_rejected": "Số dòng từ chối",
    "loaded_at": "Thời điểm nạp",
    "illustrative": "Dữ liệu minh họa",
}
METRIC_LABELS = {
    "collective": "Khen thưởng tập thể",
    "individual": "Khen thưởng cá nhân",
    "awards": "Tổng số khen thưởng",
    "initiatives": "Sáng kiến, đề tài",
    "share_met": "Tỷ lệ chỉ tiêu đạt (%)",
    "total_points": "Tổng điểm thi đua",
}


def labelled(frame: pd.DataFrame) -> pd.DataFrame:
    """The same rows with Vietnamese column headings (for tables and exports)."""
    return frame.rename(columns={c: COLUMN_LABELS.get(c, c) for c in frame.columns})
