"""Awards over the years (issue 16): each rule on a tiny table of recipients made here."""

from __future__ import annotations

import pandas as pd

from pipeline.load import history

UNIT = "thanh_hoa"
CS, NGANH, BK = "chien_si_thi_dua_co_so", "chien_si_thi_dua_nganh", "bang_khen_vkstc"


def people(*rows, unit=UNIT):
    """rows: (name, year, award_id) or (name, year, award_id, birth_year)."""
    out = []
    for i, row in enumerate(rows, 1):
        name, year, award = row[:3]
        out.append(
            {
                "year": year,
                "unit_id": unit,
                "award_id": award,
                "recipient_kind": "ca_nhan",
                "name": name,
                "birth_year": row[3] if len(row) > 3 else None,
                "source_file": "ds.xlsx",
                "sheet": f"Năm {year}",
                "row_no": i,
            }
        )
    return pd.DataFrame(out)


def counts(*rows):
    """rows: (unit_id, year, award_id, recipient_kind, count)."""
    return pd.DataFrame(rows, columns=["unit_id", "year", "award_id", "recipient_kind", "count"])


def cands(h, award_id=None):
    c = h.candidates
    if award_id:
        c = c[c["award_id"] == award_id]
    return sorted(
        zip(
            c["year"], c["person_id"], c["award_id"], c["rule_id"], c["evidence_years"], strict=True
        )
    )


def flags(h):
    return sorted(
        zip(h.flags["year"], h.flags["unit_id"], h.flags["flag"], h.flags["cases"], strict=True)
    )


def test_only_high_and_medium_rules_are_active_and_low_ones_listed():
    rules = history.load_rules()
    assert set(rules[~rules["active"]]["confidence"]) == {"low"}
    assert set(rules[rules["active"]]["confidence"]) <= {"high", "medium-high", "medium"}
    left_out = set(rules[~rules["active"]]["rule_id"])
    assert "bk_vkstc_tap_the_2_ttldxs" in left_out
    assert rules["legal_basis"].str.len().min() > 0 and rules["source"].str.len().min() > 0


def test_a_streak_of_three_makes_a_candidate_for_chien_si_thi_dua_nganh():
    h = history.evaluate(
        people(("Lê Văn Ba", 2023, CS), ("Lê Văn Ba", 2024, CS), ("Lê Văn Ba", 2025, CS))
    )
    assert cands(h, NGANH) == [(2025, 1, NGANH, "cstd_nganh_3_cstdcs", "2023, 2024, 2025")]
    # two consecutive years suffice for the Bằng khen of VKSTC (from 2024): 2024 and 2025
    assert cands(h, BK) == [
        (2024, 1, BK, "bk_vkstc_ca_nhan_2_cstdcs", "2023, 2024"),
        (2025, 1, BK, "bk_vkstc_ca_nhan_2_cstdcs", "2024, 2025"),
    ]
    row = h.candidates.iloc[0]
    assert "sáng kiến" in row["unchecked"] and "Điều 22" in row["legal_basis"]


def test_a_broken_streak_makes_no_candidate():
    rows = people(
        ("Lê Văn Ba", 2021, CS),
        ("Lê Văn Ba", 2022, CS),
        ("Trần Thị Tư", 2023, "lao_dong_tien_tien"),  # the unit's 2023 list exists
        ("Lê Văn Ba", 2024, CS),
        ("Lê Văn Ba", 2025, CS),
    )
    h = history.evaluate(rows)
    assert cands(h, NGANH) == []
    assert cands(h, BK) == [(2025, 1, BK, "bk_vkstc_ca_nhan_2_cstdcs", "2024, 2025")]
    assert h.gaps.empty


def test_a_year_without_data_is_a_gap_and_breaks_the_count():
    rows = people(("Lê Văn Ba", 2021, CS), ("Lê Văn Ba", 2023, CS), ("Lê Văn Ba", 2024, CS))
    h = history.evaluate(rows)
    assert list(zip(h.gaps["unit_id"], h.gaps["year"], strict=True)) == [(UNIT, 2022)]
    assert cands(h, NGANH) == []


def test_the_2024_switch_follows_the_work_year():
    rows = people(*[("Lê Văn Ba", y, CS) for y in (2021, 2022, 2023, 2024)])
    h = history.evaluate(rows)
    # the same count, read by the old law for 2023 and by the Law of 2022 for 2024
    assert cands(h, NGANH) == [
        (2023, 1, NGANH, "cstd_nganh_3_cstdcs_2013", "2021, 2022, 2023"),
        (2024, 1, NGANH, "cstd_nganh_3_cstdcs", "2022, 2023, 2024"),
    ]
    # the two-year route to the Bằng khen of VKSTC exists from 2024 only: none for 2022, 2023
    assert [c[0] for c in cands(h, BK)] == [2024]
    quota = {r.rule_id: r for r in history.load_rules().itertuples(index=False)}["ttldxs_toi_da_20"]
    assert history.applies(quota, 2024) and not history.applies(quota, 2023)  # from 1/10/2024


def test_an_award_received_resets_the_count():
    rows = people(*[("Lê Văn Ba", y, CS) for y in (2021, 2022, 2023, 2024, 2025)])
    rows = pd.concat([rows, people(("Lê Văn Ba", 2023, NGANH))], ignore_index=True)
    h = history.evaluate(rows)
    assert cands(h, NGANH) == []  # 2023 used the years to 2023; 2024-2025 are two only


def test_namesakes_in_one_unit_and_year_are_a_question_not_a_merge():
    rows = people(
        ("Nguyễn Văn An", 2023, CS),
        ("Nguyễn Văn An", 2024, CS),
        ("Nguyen Van An", 2024, CS),  # a second person, or the same listed twice: unknown
        ("Nguyễn Văn An", 2025, CS),
    )
    h = history.evaluate(rows)
    assert h.candidates.empty
    assert len(h.questions) == 4 and h.questions["question_id"].nunique() == 1
    assert ("trung_ten", 1) in [(f, c) for _, _, f, c in flags(h)]
    # with birth years, two people kept apart: each has a history of their own
    rows = people(
        ("Nguyễn Văn An", 2023, CS, 1980),
        ("Nguyễn Văn An", 2024, CS, 1980),
        ("Nguyễn Văn An", 2024, CS, 1991),
        ("Nguyễn Văn An", 2025, CS, 1991),
    )
    h = history.evaluate(rows)
    assert h.questions.empty
    assert cands(h, BK) == [
        (2024, 1, BK, "bk_vkstc_ca_nhan_2_cstdcs", "2023, 2024"),
        (2025, 2, BK, "bk_vkstc_ca_nhan_2_cstdcs", "2024, 2025"),
    ]


def test_the_same_name_in_two_units_is_two_people():
    rows = pd.concat(
        [people(("Nguyễn Văn An", 2024, CS)), people(("Nguyễn Văn An", 2025, CS), unit="nghe_an")],
        ignore_index=True,
    )
    assert history.evaluate(rows).candidates.empty


def test_bang_khen_thu_tuong_after_a_bang_khen_and_three_times_within_five_years():
    rows = people(
        ("Phạm Thị Năm", 2020, BK),
        ("Phạm Thị Năm", 2021, CS),
        ("Phạm Thị Năm", 2023, CS),
        ("Phạm Thị Năm", 2025, CS),
    )
    h = history.evaluate(rows)
    assert cands(h, "bang_khen_thu_tuong") == [
        (2025, 1, "bang_khen_thu_tuong", "bk_thu_tuong_ca_nhan", "2020, 2021, 2023, 2025")
    ]
    # four years after the Bằng khen are not five
    rows = people(
        ("Phạm Thị Năm", 2021, BK), *[("Phạm Thị Năm", y, CS) for y in (2022, 2023, 2025)]
    )
    assert cands(history.evaluate(rows), "bang_khen_thu_tuong") == []


def test_huan_chuong_lao_dong_after_a_bang_khen_thu_tuong():
    rows = people(
        ("Phạm Thị Năm", 2020, "bang_khen_thu_tuong"),
        *[("Phạm Thị Năm", y, CS) for y in (2022, 2024, 2025)],
    )
    assert cands(history.evaluate(rows), "huan_chuong_lao_dong") == [
        (2025, 1, "huan_chuong_lao_dong", "hcld_hang_ba_ca_nhan", "2020, 2022, 2024, 2025")
    ]


def test_chien_si_thi_dua_toan_quoc_after_two_consecutive_nganh():
    rows = people(("Võ Văn Sáu", 2024, NGANH), ("Võ Văn Sáu", 2025, NGANH))
    assert cands(history.evaluate(rows), "chien_si_thi_dua_toan_quoc") == [
        (2025, 1, "chien_si_thi_dua_toan_quoc", "cstd_toan_quoc_2_cstd_nganh", "2024, 2025")
    ]


def test_flags_a_nganh_without_three_consecutive_co_so_and_a_second_ky_niem_chuong():
    rows = people(
        ("Lê Văn Ba", 2023, CS),
        ("Trần Thị Tư", 2023, "ky_niem_chuong"),
        ("Lê Văn Ba", 2024, "lao_dong_tien_tien"),
        ("Lê Văn Ba", 2025, CS),
        ("Lê Văn Ba", 2025, NGANH),
        ("Trần Thị Tư", 2025, "ky_niem_chuong"),
    )
    h = history.evaluate(rows)
    assert flags(h) == [(2025, UNIT, "thieu_chuoi_nam", 1), (2025, UNIT, "trao_lan_hai", 1)]
    msg = " ".join(h.flags["message"])
    assert "Lê" not in msg and "Trần" not in msg  # counts and forms, never names


def test_a_nganh_whose_earlier_years_are_not_in_the_data_is_not_flagged():
    h = history.evaluate(people(("Lê Văn Ba", 2024, CS), ("Lê Văn Ba", 2025, NGANH)))
    assert flags(h) == [] and h.unchecked_flags


def test_the_tldxs_quota_at_exactly_twenty_percent_and_just_over():
    TT, XS = "tap_the_lao_dong_tien_tien", "tap_the_lao_dong_xuat_sac"
    aw = counts(
        ("ha_tinh", 2024, TT, "tap_the", 10),
        ("ha_tinh", 2024, XS, "tap_the", 2),  # 20 %: within
        ("nghe_an", 2024, TT, "tap_the", 10),
        ("nghe_an", 2024, XS, "tap_the", 3),  # 30 %: over
        ("thanh_hoa", 2024, TT, "tap_the", 3),
        ("thanh_hoa", 2024, XS, "tap_the", 1),  # at least one is allowed
        ("nghe_an", 2023, TT, "tap_the", 10),
        ("nghe_an", 2023, XS, "tap_the", 3),  # before 1/10/2024: no quota
    )
    h = history.evaluate(people(), aw)
    q = h.quota[h.quota["rule_id"] == "ttldxs_toi_da_20"]
    got = sorted(
        zip(
            q["unit_id"],
            q["year"],
            q["share_used"].round(3),
            q["applies"],
            q["breach"],
            strict=True,
        )
    )
    assert got == [
        ("ha_tinh", 2024, 0.2, True, False),
        ("nghe_an", 2023, 0.3, False, False),
        ("nghe_an", 2024, 0.3, True, True),
        ("thanh_hoa", 2024, 0.333, True, False),
    ]
    assert [f for f in flags(h) if f[2] == "vuot_ty_le"] == [(2024, "nghe_an", "vuot_ty_le", 1)]


def test_a_sector_flag_to_a_unit_not_tldxs_and_tldxs_without_a_cstdcs():
    aw = counts(
        ("ha_tinh", 2024, "co_thi_dua_nganh", "tap_the", 1),
        ("ha_tinh", 2024, "tap_the_lao_dong_xuat_sac", "tap_the", 0),
        ("ha_tinh", 2024, CS, "ca_nhan", 4),
        ("nghe_an", 2025, "tap_the_lao_dong_xuat_sac", "tap_the", 2),
        ("nghe_an", 2025, CS, "ca_nhan", 0),
        ("thanh_hoa", 2025, "co_thi_dua_nganh", "tap_the", 1),  # no TLĐXS figure: not checkable
    )
    h = history.evaluate(people(), aw)
    assert flags(h) == [
        (2024, "ha_tinh", "thieu_danh_hieu_cung_nam", 1),
        (2025, "nghe_an", "thieu_danh_hieu_cung_nam", 2),
    ]


def test_streaks_count_persons_and_units():
    rows = people(*[("Lê Văn Ba", y, CS) for y in (2023, 2024, 2025)], ("Trần Thị Tư", 2025, CS))
    aw = counts(*[(UNIT, y, "tap_the_lao_dong_xuat_sac", "tap_the", 1) for y in (2024, 2025)])
    s = history.evaluate(rows, aw).streaks
    got = sorted(zip(s["year"], s["award_id"], s["subject"], s["streak_len"], s["n"], strict=True))
    assert (2025, CS, "ca_nhan", 3, 1) in got and (2025, CS, "ca_nhan", 1, 1) in got
    assert (2025, "tap_the_lao_dong_xuat_sac", "don_vi", 2, 1) in got


def test_a_staff_number_tells_namesakes_apart_and_rows_without_it_join_the_only_one():
    rows = people(("Nguyễn Văn An", 2024, CS), ("Nguyễn Văn An", 2025, CS))
    rows["staff_no"] = ["KS-01", None]  # the 2025 sheet gives no number: one person known
    h = history.evaluate(rows)
    assert cands(h, BK) == [(2025, 1, BK, "bk_vkstc_ca_nhan_2_cstdcs", "2024, 2025")]
    rows = people(
        ("Nguyễn Văn An", 2024, CS), ("Nguyễn Văn An", 2024, CS), ("Nguyễn Văn An", 2025, CS)
    )
    rows["staff_no"] = ["KS-01", "KS-02", None]  # two people; whose is 2025? a question
    h = history.evaluate(rows)
    assert h.candidates.empty and len(h.questions) == 1


def test_birth_year_and_staff_number_columns_are_read_from_a_recipients_sheet(tmp_path):
    from conftest import write_xlsx

    from pipeline.build import check

    path = write_xlsx(
        tmp_path / "ds.xlsx",
        {
            "DS": [
                ["DANH SÁCH KHEN THƯỞNG NĂM 2024"],
                [],
                [
                    "STT",
                    "Họ và tên",
                    "Năm sinh",
                    "Số hiệu cán bộ",
                    "Đơn vị",
                    "Hình thức khen thưởng",
                ],
                [1, "Lê Văn Ba", 1980, "KS-07", "Thanh Hóa", "Chiến sĩ thi đua cơ sở"],
                [2, "Trần Thị Tư", "x", None, "Thanh Hóa", "Chiến sĩ thi đua cơ sở"],
            ]
        },
    )
    out = check([path])
    assert out.rejections == []
    got = [(f["name"], f["birth_year"], f["staff_no"]) for f in out.facts["recipients"]]
    assert got == [("Lê Văn Ba", 1980, "KS-07"), ("Trần Thị Tư", None, None)]
