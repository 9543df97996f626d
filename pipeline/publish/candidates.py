"""The named candidates export (`thidua ung-vien`, issue 16): the one output with names, made
on request, an .xlsx whose every sheet says it holds personal data (Nghị định 13/2023/NĐ-CP).
Nothing here is printed or logged but the file's path and counts."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from pipeline.core import refdata
from pipeline.core.labels import ILLUSTRATIVE
from pipeline.publish.export import write_xlsx_tables

PERSONAL_DATA = (
    "DỮ LIỆU CÁ NHÂN (Nghị định 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân): chỉ dùng để xét đề "
    "nghị khen thưởng; không chia sẻ, không đăng tải, xóa khi hết dùng. Ứng viên để xem xét, "
    "không phải kết luận đủ điều kiện."
)


class UnknownUnit(ValueError):
    pass


def resolve_unit(text: str | None) -> str | None:
    if not text:
        return None
    ref = refdata.load()
    unit = text if text in ref.unit_names else ref.unit_id(text)
    if unit is None:
        raise UnknownUnit(f"Không nhận ra đơn vị «{text}» (ví dụ: quang_ninh hoặc «Quảng Ninh»).")
    return unit


def frames(con, year: int, unit: str | None) -> dict[str, pd.DataFrame]:
    where, params = "x.year = ?", [year]
    if unit:
        where, params = where + " AND x.unit_id = ?", params + [unit]
    cands = con.execute(
        f"""SELECT x.year AS "Năm", coalesce(u.name, x.unit_id) AS "Đơn vị",
                   x.name AS "Họ và tên", x.birth_year AS "Năm sinh", x.position AS "Chức vụ",
                   coalesce(a.name, x.award_id) AS "Hình thức đề nghị",
                   x.rule_id AS "Mã điều kiện", x.evidence_years AS "Năm làm căn cứ",
                   x.unchecked AS "Dữ liệu không cho biết (cần kiểm tra hồ sơ)",
                   x.legal_basis AS "Căn cứ", x.confidence AS "Độ tin cậy",
                   x.source_file AS "Tệp nguồn", x.illustrative
            FROM award_candidates x LEFT JOIN units u USING (unit_id)
            LEFT JOIN ref_award_forms a ON a.award_id = x.award_id
            WHERE {where} ORDER BY 2, 6, 3""",
        params,
    ).df()
    questions = con.execute(
        f"""SELECT q.question_id AS "Câu hỏi số", q.year AS "Năm",
                   coalesce(u.name, q.unit_id) AS "Đơn vị", r.name AS "Họ và tên",
                   r.position AS "Chức vụ", coalesce(a.name, q.award_id) AS "Hình thức",
                   q.source_file AS "Tệp nguồn", q.sheet AS "Trang tính", q.row_no AS "Dòng",
                   r.illustrative
            FROM h_questions q
            JOIN f_recipients r ON r.source_file = q.source_file AND r.sheet = q.sheet
                                AND r.row_no = q.row_no
            LEFT JOIN units u ON u.unit_id = q.unit_id
            LEFT JOIN ref_award_forms a ON a.award_id = q.award_id
            WHERE q.question_id IN (SELECT question_id FROM h_questions x WHERE {where})
            ORDER BY 1, 2, 9""",
        params,
    ).df()
    flags = con.execute(
        f"""SELECT x.year AS "Năm", coalesce(u.name, x.unit_id) AS "Đơn vị",
                   x.message AS "Cần xem lại", x.cases AS "Số trường hợp",
                   x.legal_basis AS "Căn cứ", x.illustrative
            FROM award_flags x LEFT JOIN units u USING (unit_id)
            WHERE {where} ORDER BY 2, 3""",
        params,
    ).df()
    rules = con.execute(
        """SELECT rule_id AS "Mã điều kiện", award_id AS "Hình thức", pattern AS "Kiểu",
                  coalesce(strftime(valid_from, '%d/%m/%Y'), '') AS "Từ ngày",
                  coalesce(strftime(valid_to, '%d/%m/%Y'), '') AS "Đến ngày", legal_basis AS "Căn cứ",
                  confidence AS "Độ tin cậy", status AS "Trạng thái",
                  unchecked AS "Dữ liệu không cho biết", source AS "Nguồn"
           FROM award_rules ORDER BY active DESC, award_id, valid_from NULLS FIRST"""
    ).df()
    return {
        "Ứng viên": cands,
        "Trùng tên cần xác minh": questions,
        "Cờ báo": flags,
        "Điều kiện": rules,
    }


def write(con, year: int, unit: str | None, out: Path) -> tuple[Path, int, int]:
    """Write the export; return (path, candidates, questions)."""
    sheets = frames(con, year, unit)
    illustrative = any(
        bool(f["illustrative"].fillna(False).any()) for f in sheets.values() if "illustrative" in f
    )
    for name, frame in sheets.items():
        if "illustrative" in frame:
            sheets[name] = frame.drop(columns=["illustrative"])
    note = PERSONAL_DATA + (f" {ILLUSTRATIVE}." if illustrative else "")
    path = Path(out) / f"ung_vien_{year}{'_' + unit if unit else ''}.xlsx"
    write_xlsx_tables(path, sheets, {name: note for name in sheets})
    try:
        os.chmod(path, 0o600)  # personal data: readable by its owner only
    except OSError:
        pass
    return path, len(sheets["Ứng viên"]), sheets["Trùng tên cần xác minh"]["Câu hỏi số"].nunique()
