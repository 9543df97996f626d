"""The `submissions` view (contract §3): who has sent what, unit × kind × period."""

from __future__ import annotations

import os
import shutil
import time

from conftest import ROOT, awards_wide_rows, build, query, write_xlsx


def test_every_claim_is_received_or_superseded(raw, wh):
    old = write_xlsx(raw / "a_cu.xlsx", {"KT": awards_wide_rows()})
    write_xlsx(raw / "b_moi.xlsx", {"KT": awards_wide_rows(units=[[1, "Gia Lai", 9, 9, 9, 9, 9]])})
    os.utime(old, (time.time() - 100, time.time() - 100))
    build(raw, wh)
    rows = query(
        wh,
        """SELECT unit_id, kind, period, status, source_file, loaded_at IS NOT NULL
           FROM submissions WHERE status IN ('received', 'superseded') ORDER BY ALL""",
    )
    assert ("gia_lai", "awards", "2022-FY", "superseded", "a_cu.xlsx", True) in rows
    assert ("gia_lai", "awards", "2022-FY", "received", "b_moi.xlsx", True) in rows
    assert ("kon_tum", "awards", "2022-FY", "received", "a_cu.xlsx", True) in rows


def test_sample_grid_marks_missing_and_rejected(sample_wh):
    statuses = {s for (s,) in query(sample_wh, "SELECT DISTINCT status FROM submissions")}
    assert statuses <= {"received", "missing", "rejected", "superseded"}
    # Nghệ An's scores row of 2024 is rejected on purpose in the sample (points over the max)
    assert query(
        sample_wh,
        """SELECT status, cluster_no FROM submissions
           WHERE unit_id = 'nghe_an' AND kind = 'scores' AND period = '2024-FY'""",
    ) == [("rejected", 6)]
    # one row per claim, and none of the received facts is missing from the view
    (claims,) = query(sample_wh, "SELECT count(*) FROM claims WHERE kind <> 'clusters'")[0]
    (listed,) = query(
        sample_wh, "SELECT count(*) FROM submissions WHERE status IN ('received', 'superseded')"
    )[0]
    assert listed == claims


def test_a_cluster_that_sent_nothing_is_missing_never_absent(raw, wh):
    # the national sample sends everything, so the gap is made here: Cụm 6's year-end file
    # of 2022 alone, and Cụm 9 (the reference list of 2022) sent nothing that year
    name = "2022/cum6_nam_2022_minh_hoa.xls"
    (raw / name).parent.mkdir(parents=True)
    shutil.copy2(ROOT / "raw" / name, raw / name)
    build(raw, wh)
    (missing,) = query(
        wh,
        """SELECT count(*) FROM submissions
           WHERE period = '2022-FY' AND cluster_no = 9 AND status = 'missing'""",
    )[0]
    assert missing == 6 * 4  # six members × the four kinds sent for 2022-FY
