"""Awards over the years for the dashboard (issue 16): streaks by form and unit, quota use per
unit and year, consistency flags and the number of candidates, counts only.  No name is
ever selected here: candidates are counted, never listed (names go only to the
`thidua ung-vien` export, marked as personal data)."""

from __future__ import annotations

import pandas as pd

from pipeline.publish import charts

PATTERNS = {
    "consecutive_years": "{n} năm liên tục {basis}",
    "times_within": "sau {after}, từ {within} năm trở lên có {n} lần {basis}",
    "same_year": "cùng năm có {basis}",
    "quota_share": "không quá {share} số {basis}",
    "once_in_life": "một lần trong đời",
}


def _units_in(con, cluster: int | None) -> str:
    if cluster is None:
        return "TRUE"
    return f"unit_id IN (SELECT unit_id FROM clusters WHERE cluster_no = {int(cluster)})"


def _has(con, view: str) -> bool:
    sql = "SELECT count(*) FROM duckdb_views() WHERE view_name = ?"
    return bool(con.execute(sql, [view]).fetchall()[0][0])


def _pct(v) -> str:
    if v is None or pd.isna(v):
        return "–"
    return f"{charts.vn_number(float(v) * 100)} %"


def panels(con, cluster: int | None) -> list[tuple[str, object, pd.DataFrame, str]]:
    """(title, figure, table, note) for the awards page, for all units or one cluster."""
    if not _has(con, "award_candidates"):
        return []
    where = _units_in(con, cluster)
    unit_name = "coalesce(u.name, x.unit_id)"
    form = "coalesce(a.name, x.award_id)"
    cands = con.execute(
        f"""SELECT x.year, {unit_name} AS "Đơn vị", {form} AS "Hình thức đề nghị",
                   x.rule_id AS "Điều kiện", count(*) AS "Số ứng viên (người)"
            FROM (SELECT * FROM award_candidates WHERE {where}) x
            LEFT JOIN units u USING (unit_id)
            LEFT JOIN ref_award_forms a ON a.award_id = x.award_id
            GROUP BY ALL ORDER BY x.year DESC, 2, 3"""
    ).df()
    streaks = con.execute(
        f"""WITH last AS (SELECT unit_id, max(year) AS year FROM award_streaks GROUP BY ALL)
            SELECT x.year, {unit_name} AS "Đơn vị", {form} AS "Hình thức",
                   CASE x.subject WHEN 'ca_nhan' THEN 'Cá nhân (số người)'
                        ELSE 'Đơn vị (số năm liên tục)' END AS "Đối tượng",
                   sum(x.n) FILTER (WHERE x.streak_len = 1) AS "1 năm",
                   sum(x.n) FILTER (WHERE x.streak_len = 2) AS "2 năm liên tục",
                   sum(x.n) FILTER (WHERE x.streak_len >= 3) AS "Từ 3 năm liên tục",
                   max(x.streak_len) AS "Chuỗi dài nhất (năm)"
            FROM (SELECT * FROM award_streaks WHERE {where}) x
            JOIN last USING (unit_id, year)
            LEFT JOIN units u USING (unit_id)
            LEFT JOIN ref_award_forms a ON a.award_id = x.award_id
            GROUP BY ALL ORDER BY 2, 4, 3"""
    ).df()
    quota = con.execute(
        f"""SELECT x.year, {unit_name} AS "Đơn vị", {form} AS "Hình thức",
                   b.name AS "So với số", x.count AS "Số được tặng", x.base_count AS "Số cơ sở",
                   x.share_used, x.share_limit, x.applies, x.breach
            FROM (SELECT * FROM award_quota WHERE {where} AND base_count IS NOT NULL) x
            LEFT JOIN units u USING (unit_id)
            LEFT JOIN ref_award_forms a ON a.award_id = x.award_id
            LEFT JOIN ref_award_forms b ON b.award_id = x.base_award_id
            ORDER BY x.year DESC, 2, 3"""
    ).df()
    quota["Tỷ lệ"] = quota.pop("share_used").map(_pct)
    quota["Tối đa"] = quota.pop("share_limit").map(_pct)
    quota["Quy định áp dụng năm này"] = quota.pop("applies").map(lambda v: "Có" if v else "Không")
    quota["Vượt tỷ lệ"] = quota.pop("breach").map(lambda v: "Vượt" if v else "")
    flags = con.execute(
        f"""SELECT x.year, {unit_name} AS "Đơn vị", x.message AS "Cần xem lại",
                   x.cases AS "Số trường hợp", coalesce(x.legal_basis, '') AS "Căn cứ"
            FROM (SELECT * FROM award_flags WHERE {where}) x
            LEFT JOIN units u USING (unit_id)
            ORDER BY x.year DESC, 2, 3"""
    ).df()
    rules = con.execute(
        """SELECT r.rule_id AS "Mã điều kiện", coalesce(a.name, r.award_id) AS "Hình thức",
                  r.pattern, r.basis_award_id, r.after_award_id, r.n, r.within_years, r.share,
                  r.valid_from, r.valid_to, r.legal_basis AS "Căn cứ",
                  r.confidence AS "Độ tin cậy", r.status AS "Trạng thái",
                  r.unchecked AS "Dữ liệu không cho biết"
           FROM award_rules r LEFT JOIN ref_award_forms a ON a.award_id = r.award_id
           ORDER BY r.active DESC, r.award_id, r.valid_from NULLS FIRST"""
    ).df()
    names = dict(con.execute("SELECT award_id, short_name FROM ref_award_forms").fetchall())
    rules.insert(
        2, "Điều kiện đếm được từ lịch sử", [_pattern(r, names) for r in rules.itertuples()]
    )
    rules.insert(
        3,
        "Hiệu lực",
        [
            _validity(a, b)
            for a, b in zip(rules.pop("valid_from"), rules.pop("valid_to"), strict=True)
        ],
    )
    rules = rules.drop(
        columns=["pattern", "basis_award_id", "after_award_id", "n", "within_years", "share"]
    )
    caveat = (
        "Ứng viên để xem xét, không phải kết luận đủ điều kiện: dữ liệu không cho biết xếp loại "
        "hằng năm, sáng kiến, phiếu bầu, số năm công tác. Năm công tác tính đến 30/11; điều kiện "
        "áp dụng là điều kiện có hiệu lực ngày đó. Họ tên chỉ có trong tệp Excel xuất theo yêu "
        "cầu (thidua ung-vien), là dữ liệu cá nhân theo Nghị định 13/2023/NĐ-CP."
    )
    return [
        ("Ứng viên theo lịch sử khen thưởng (số người)", None, cands, caveat),
        (
            "Chuỗi năm liên tục theo hình thức và đơn vị (năm gần nhất có số liệu)",
            None,
            streaks,
            "Cá nhân: số người có chuỗi năm liên tục kết thúc ở năm đó (người trùng tên chưa "
            "phân biệt được không tính). Đơn vị: số năm liên tục đơn vị có hình thức tập thể đó.",
        ),
        (
            "Tỷ lệ khen thưởng so với mức tối đa, theo đơn vị và năm",
            None,
            quota,
            "Tập thể lao động xuất sắc không quá 20 % số Tập thể lao động tiên tiến (ít nhất "
            "một), từ 1/10/2024; Chiến sĩ thi đua cơ sở không quá 15 % số Lao động tiên tiến, "
            "2017–2023. Nguồn: view award_quota.",
        ),
        (
            "Cờ báo cần xem lại",
            None,
            flags,
            "Chỉ đếm số trường hợp; xem lại hồ sơ trước khi kết luận. Nguồn: view award_flags.",
        ),
        (
            "Điều kiện đã mã hóa và điều kiện chưa mã hóa",
            None,
            rules,
            "Chỉ điều kiện có độ tin cậy cao hoặc trung bình được áp dụng; các điều kiện còn "
            "lại chưa mã hóa, cần nguồn. Nguồn: view award_rules.",
        ),
    ]


def _validity(start, end) -> str:
    def d(v):
        return v.strftime("%d/%m/%Y") if v is not None and not pd.isna(v) else None

    a, b = d(start), d(end)
    if a and b:
        return f"{a} – {b}"
    if a:
        return f"từ {a}"
    if b:
        return f"đến {b}"
    return "không giới hạn"


def _pattern(r, names: dict) -> str:
    text = PATTERNS.get(r.pattern, r.pattern)
    share = "" if r.share is None or pd.isna(r.share) else f"{charts.vn_number(r.share * 100)} %"
    return text.format(
        n=r.n,
        within=r.within_years,
        basis=names.get(r.basis_award_id, r.basis_award_id or ""),
        after=names.get(r.after_award_id, r.after_award_id or ""),
        share=share,
    )
