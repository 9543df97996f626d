"""Awards over the years from raw/ to award_candidates (issue 16), and no recipient's name in
any page, slide, frame text or log: only in recipients, award_candidates and the
`thidua ung-vien` export."""

from __future__ import annotations

import shutil
import subprocess
import sys
import unicodedata
import zipfile

import duckdb
import openpyxl
import pytest
from conftest import ROOT, build, copy_sample, query, write_xlsx

from pipeline.core.text import fold
from pipeline.load import history

SAMPLE = "danh_sach_khen_thuong_nhieu_nam_minh_hoa.xlsx"
OURS = "unit_id IN ('quang_ninh', 'lang_son', 'cao_bang')"
BK, NGANH = "bang_khen_vkstc", "chien_si_thi_dua_nganh"
R_BK, R_NG = "bk_vkstc_ca_nhan_2_cstdcs", "cstd_nganh_3_cstdcs"


@pytest.fixture(scope="module")
def warehouse(sample_build):
    """raw/ as built once for the session (conftest `sample_build`): read only."""
    raw, wh, _ = sample_build
    return raw, wh


def test_candidates_from_the_sample_are_exactly_these(warehouse):
    _, wh = warehouse
    rows = query(
        wh,
        "SELECT year, unit_id, name, award_id, rule_id, evidence_years FROM award_candidates"
        " ORDER BY ALL",
    )
    assert rows == [
        (2023, "quang_ninh", "Hoàng Văn Minh", NGANH, "cstd_nganh_3_cstdcs_2013", "2021, 2022, 2023"),
        (2024, "lang_son", "Trịnh Văn Quang", BK, R_BK, "2023, 2024"),
        (2024, "lang_son", "Vũ Văn Hải", BK, R_BK, "2023, 2024"),
        (2024, "lang_son", "Vũ Văn Hải", NGANH, R_NG, "2022, 2023, 2024"),
        (2024, "quang_ninh", "Hoàng Văn Minh", BK, R_BK, "2023, 2024"),
        (2024, "quang_ninh", "Đặng Thị Hoa", BK, R_BK, "2023, 2024"),
        (2025, "cao_bang", "Lý Thị Lan", "bang_khen_thu_tuong", "bk_thu_tuong_ca_nhan", "2020, 2021, 2023, 2025"),
        (2025, "cao_bang", "Nông Văn Tùng", "huan_chuong_lao_dong", "hcld_hang_ba_ca_nhan", "2020, 2021, 2023, 2025"),
        (2025, "lang_son", "Trịnh Văn Quang", BK, R_BK, "2024, 2025"),
        (2025, "lang_son", "Trịnh Văn Quang", "chien_si_thi_dua_toan_quoc", "cstd_toan_quoc_2_cstd_nganh", "2024, 2025"),
        (2025, "quang_ninh", "Trần Văn Bình", BK, R_BK, "2024, 2025"),
        (2025, "quang_ninh", "Đặng Thị Hoa", BK, R_BK, "2024, 2025"),
        (2025, "quang_ninh", "Đặng Thị Hoa", NGANH, R_NG, "2023, 2024, 2025"),
    ]  # fmt: skip
    # the Trần Văn Bình of 1975 (not the one of 1990); both Nguyễn Văn Nam are a question
    assert query(
        wh, "SELECT DISTINCT birth_year FROM award_candidates WHERE name = 'Trần Văn Bình'"
    ) == [(1975,)]
    assert query(wh, "SELECT count(*) FROM award_candidates WHERE name = 'Nguyễn Văn Nam'") == [
        (0,)
    ]
    assert query(wh, "SELECT count(*) FROM award_candidates WHERE unchecked = '' OR legal_basis = ''") == [(0,)]  # fmt: skip
    assert query(wh, "SELECT DISTINCT illustrative, source_file FROM award_candidates") == [
        (True, SAMPLE)
    ]


def test_flags_quota_and_gaps_from_the_sample(warehouse):
    _, wh = warehouse
    assert query(
        wh, f"SELECT year, unit_id, rule_id, flag, cases FROM award_flags WHERE {OURS} ORDER BY ALL"
    ) == [
        (2023, "lang_son", "cstdcs_toi_da_15", "vuot_ty_le", 1),
        (2024, "cao_bang", "ttldxs_co_cstdcs", "thieu_danh_hieu_cung_nam", 1),
        (2024, "lang_son", "ttldxs_toi_da_20", "vuot_ty_le", 1),
        (2024, "lang_son", None, "trung_ten", 1),
        (2024, "quang_ninh", "knc_mot_lan", "trao_lan_hai", 1),
        (2025, "cao_bang", "co_nganh_cung_nam_ttldxs", "thieu_danh_hieu_cung_nam", 1),
        (2025, "cao_bang", "cstd_nganh_3_cstdcs", "thieu_chuoi_nam", 1),
    ]
    assert query(
        wh,
        "SELECT unit_id, count, base_count, breach FROM award_quota"
        f" WHERE year = 2024 AND rule_id = 'ttldxs_toi_da_20' AND {OURS} ORDER BY ALL",
    ) == [("cao_bang", 1, 3, False), ("lang_son", 3, 10, True), ("quang_ninh", 2, 10, False)]
    assert query(wh, f"SELECT unit_id, year FROM h_gaps WHERE {OURS}") == [("cao_bang", 2022)]
    assert query(wh, "SELECT count(*) FROM award_rules WHERE NOT active") == [(2,)]


def test_history_follows_the_facts_and_is_not_recomputed_for_nothing(warehouse, tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(ROOT / "raw" / SAMPLE, raw / SAMPLE)
    wh = tmp_path / "thidua.duckdb"
    build(raw, wh)
    assert query(wh, "SELECT count(*) FROM award_candidates") == [(13,)]
    con = duckdb.connect(str(wh))
    try:
        assert history.refresh(con) is False  # nothing changed since the build
    finally:
        con.close()
    (raw / SAMPLE).unlink()  # the file goes: so do its candidates
    build(raw, wh)
    assert query(wh, "SELECT count(*) FROM award_candidates") == [(0,)]
    assert query(wh, "SELECT count(*) FROM award_flags") == [(0,)]


# --- a planted name appears nowhere it should not -------------------------------------------

PLANTED = "Lưu Thị Riêngtư"


def _planted_workbook(raw):
    sheets = {}
    for year in (2022, 2023, 2024):
        sheets[f"Năm {year}"] = [
            ["VIỆN KIỂM SÁT NHÂN DÂN TỐI CAO"],
            [f"DANH SÁCH CÁ NHÂN ĐƯỢC KHEN THƯỞNG NĂM {year}"],
            [],
            ["STT", "Họ và tên", "Năm sinh", "Chức vụ", "Đơn vị", "Hình thức khen thưởng"],
            [1, PLANTED, 1979, "Kiểm sát viên", "Thanh Hóa", "Chiến sĩ thi đua cơ sở"],
        ]
    write_xlsx(raw / "ca_nhan_thanh_hoa.xlsx", sheets)


def _texts(folder):
    """Every text an output holds: files as text, and the XML inside .xlsx/.pptx/.docx."""
    for p in sorted(folder.rglob("*")):
        if not p.is_file():
            continue
        if p.suffix in (".xlsx", ".pptx", ".docx"):
            with zipfile.ZipFile(p) as z:
                for n in z.namelist():
                    if n.endswith(".xml"):
                        yield f"{p}:{n}", z.read(n).decode("utf-8", "replace")
        elif p.suffix in (".html", ".json", ".srt", ".txt", ".csv", ".md", ".js", ".vtt"):
            yield str(p), p.read_text(encoding="utf-8", errors="replace")


def test_a_planted_name_is_only_in_recipients_candidates_and_the_export(tmp_path, sample_build):
    # the session's raw/ and warehouse: the build below reads the planted workbook only
    raw, wh = copy_sample(sample_build, tmp_path)
    _planted_workbook(raw)
    key = fold(PLANTED)

    def run(*args):
        done = subprocess.run(
            [sys.executable, "-m", "pipeline", *args, "--warehouse", str(wh)],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=600,
        )
        assert done.returncode in (0, 3), done.stderr
        return done.stdout + done.stderr

    logs = run("build", "--raw", str(raw))
    logs += run("dashboards", "--out", str(tmp_path / "site"))
    logs += run("meeting", "--cluster", "6", "--period", "2024-FY", "--out", str(tmp_path / "meet"))
    logs += run("report", "--from", "2022", "--to", "2025", "--unit", "thanh_hoa",
                "--out", str(tmp_path / "rep"))  # fmt: skip
    logs += run("clip", "--cluster", "6", "--period", "2024-FY", "--out", str(tmp_path / "clip"))
    logs += run("ung-vien", "--year", "2024", "--out", str(tmp_path / "uv"))
    assert key not in fold(unicodedata.normalize("NFC", logs))
    # the name is there to be found: a candidate, and in the export (marked on every sheet)
    assert query(wh, "SELECT name, award_id FROM award_candidates WHERE unit_id = 'thanh_hoa'") == [
        (PLANTED, "bang_khen_vkstc"),
        (PLANTED, "chien_si_thi_dua_nganh"),
    ]
    [export] = (tmp_path / "uv").glob("*.xlsx")
    book = openpyxl.load_workbook(export)
    assert any(
        PLANTED in str(c) for row in book["Ứng viên"].iter_rows(values_only=True) for c in row
    )
    for ws in book:
        assert "Nghị định 13/2023/NĐ-CP" in ws["A1"].value and "DỮ LIỆU CÁ NHÂN" in ws["A1"].value
    leaks = [
        where
        for folder in ("site", "meet", "rep", "clip", "warehouse")
        for where, text in _texts(tmp_path / folder)
        if key in fold(unicodedata.normalize("NFC", text))
    ]
    assert leaks == []
    assert (tmp_path / "clip" / "storyboard.json").exists()  # the frames' text was looked at
    con = duckdb.connect(str(wh), read_only=True)
    try:
        relations = [
            r
            for (r,) in con.execute(
                "SELECT table_name FROM duckdb_tables() UNION ALL "
                "SELECT view_name FROM duckdb_views() WHERE NOT internal"
            ).fetchall()
        ]
        found = []
        for rel in relations:
            for row in con.execute(f'SELECT * FROM "{rel}"').fetchall():
                if key in fold(" ".join(str(v) for v in row if isinstance(v, str))):
                    found.append(rel)
                    break
    finally:
        con.close()
    assert sorted(found) == ["award_candidates", "f_recipients", "recipients"]
