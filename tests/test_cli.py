"""The command line as a person meets it: Vietnamese help and usage errors, a short honest
build summary, and one plain sentence (never a traceback) for ordinary OS and warehouse
errors. Real processes throughout (the installed `thidua` script)."""

from __future__ import annotations

import gettext
import os
import re
import subprocess
import time

import duckdb
import pytest
from conftest import ROOT, awards_wide_rows, run_cli, write_xlsx

from pipeline.core import i18n

ENGLISH = ("Usage:", "Options:", "Commands:", "Show this message", "No such", "Error:", "Try '")


def no_english(text: str) -> None:
    found = [w for w in ENGLISH if w in text]
    assert not found, (found, text)


@pytest.mark.parametrize(
    "args,code",
    [
        (["--help"], 0),
        (["-h"], 0),
        (["build", "--help"], 0),
        (["check", "-h"], 0),
        (["bogus"], 2),
        (["build", "--bogus"], 2),
        (["check"], 2),
        (["meeting", "--cluster", "x", "--period", "2024-FY"], 2),
        (["build", "--raw"], 2),
    ],
)
def test_help_and_usage_errors_are_vietnamese(args, code):
    done = run_cli(*args)
    assert done.returncode == code, done.stderr
    no_english(done.stdout + done.stderr)
    if code == 2:
        assert "Lỗi: " in done.stderr
        assert "Traceback" not in done.stderr
    else:
        assert "Cách dùng: thidua" in done.stdout and "Hiện trợ giúp này rồi thoát." in done.stdout


def test_an_extra_argument_is_named_in_vietnamese():
    # click's "Got unexpected extra argument(s) (raw)" reached the analyst in English
    done = run_cli("build", "raw")
    assert done.returncode == 2 and "Lỗi: thừa tham số «raw»" in done.stderr, done.stderr


def test_no_arguments_shows_the_help():
    done = run_cli()
    assert done.stdout.startswith("Cách dùng: thidua") and "Lỗi" not in done.stdout + done.stderr


def test_unknown_command_and_option_are_named():
    assert "Không có lệnh «bogus»" in run_cli("bogus").stderr
    assert "không có tùy chọn «--bogus»" in run_cli("build", "--bogus").stderr
    assert (
        "«x» không phải số nguyên" in run_cli("meeting", "--cluster", "x", "--period", "1").stderr
    )


def test_version():
    for flag in ("--version", "-V"):
        done = run_cli(flag)
        assert done.returncode == 0 and done.stdout.startswith("thidua phiên bản 0.")


def test_catalogue_compiled_from_the_po():
    po = i18n.read_po(i18n.CATALOGUE.read_text(encoding="utf-8"))
    with open(i18n.CATALOGUE.with_suffix(".mo"), "rb") as f:
        mo = gettext.GNUTranslations(f)
    assert {k: v for k, v in po.items() if k} == {k: v for k, v in mo._catalog.items() if k}
    assert po["Options"] == "Tùy chọn"


def bad_awards(raw, name="kt_2022.xlsx", n_bad=1):
    units = [[1, "Gia Lai", 1, 1, 1, 1, 1]] + [
        [2 + i, f"Hà Tây {i}", 1, 1, 1, 1, 1] for i in range(n_bad)
    ]
    return write_xlsx(raw / name, {"KT": awards_wide_rows(units=units)})


def test_build_summary_is_short_and_lists_rejections(raw, wh):
    bad_awards(raw, n_bad=12)
    write_xlsx(raw / "ghi_chu.xlsx", {"Hướng dẫn": [["Ghi chú"], ["không phải bảng"]]})
    done = run_cli("build", "--raw", raw, "--warehouse", wh)
    assert done.returncode == 3, done.stderr
    out = done.stdout
    no_english(out)
    assert "Lỗi trong kho (view «rejections»" in out and "12 dòng số liệu bị từ chối" in out
    assert out.count("  • Tệp «") == 10  # the first ten, then where to see the rest
    assert re.search(r"… và \d+ lỗi khác: xem SELECT \* FROM rejections", out)
    assert "Bỏ qua 1 trang tính" in out and "view «sheets»" in out
    assert "lần nạp đầu tiên" in out
    assert len(out.splitlines()) <= 20


def test_second_build_says_what_changed_and_counts_partly_superseded(raw, wh):
    old = write_xlsx(raw / "a_cu.xlsx", {"KT": awards_wide_rows()})
    os.utime(old, (time.time() - 100, time.time() - 100))
    assert run_cli("build", "--raw", raw, "--warehouse", wh).returncode == 0
    write_xlsx(raw / "b_moi.xlsx", {"KT": awards_wide_rows(units=[[1, "Gia Lai", 9, 9, 9, 9, 9]])})
    done = run_cli("build", "--raw", raw, "--warehouse", wh)
    assert done.returncode == 0, done.stderr
    assert "1 tệp mới («b_moi.xlsx»)" in done.stdout
    assert "Số liệu đã đổi: khen thưởng 29 → 59 lượt (+30)" in done.stdout
    assert "bị thay thế bởi tệp mới hơn" in done.stdout and "1 một phần" in done.stdout
    again = run_cli("build", "--raw", raw, "--warehouse", wh)
    assert "không có tệp nào mới, sửa hay xóa" in again.stdout
    assert "Số liệu đã đổi" not in again.stdout  # the totals kept with the build id
    old.unlink()
    gone = run_cli("build", "--raw", raw, "--warehouse", wh)
    assert "1 tệp đã gỡ («a_cu.xlsx»)" in gone.stdout


def test_the_read_snapshot_keeps_the_totals_of_its_own_build(raw, wh):
    # a build that finds the snapshot is not a copy of the warehouse (the warehouse put
    # back from a copy) reads what readers saw from the snapshot: its totals kept in it
    import json

    from pipeline.cli import _figures

    write_xlsx(raw / "a.xlsx", {"KT": awards_wide_rows()})
    assert run_cli("build", "--raw", raw, "--warehouse", wh).returncode == 0
    write_xlsx(raw / "b.xlsx", {"KT": awards_wide_rows(units=[[1, "Gia Lai", 9, 9, 9, 9, 9]])})
    assert run_cli("build", "--raw", raw, "--warehouse", wh).returncode == 0
    con = duckdb.connect(str(wh.with_name("thidua.read.duckdb")), read_only=True)
    try:
        meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
        kept = json.loads(meta["state:figures"])
        assert kept == {"build_id": meta["build_id"], "values": _figures(con)}
    finally:
        con.close()


def test_a_warehouse_rebuilt_beside_the_old_snapshot_is_not_called_unchanged(raw, wh):
    # seen on the terminal: the warehouse file deleted, its read snapshot left, the rebuild
    # read every file and said «kho giữ nguyên»
    write_xlsx(raw / "a.xlsx", {"KT": awards_wide_rows()})
    assert run_cli("build", "--raw", raw, "--warehouse", wh).returncode == 0
    wh.unlink()
    again = run_cli("build", "--raw", raw, "--warehouse", wh)
    assert again.returncode == 0, again.stderr
    assert "kho giữ nguyên" not in again.stdout
    assert "1 tệp được đọc lại" in again.stdout


def test_check_on_a_folder_checks_the_files_in_it(raw, tmp_path):
    bad_awards(raw / "2022", n_bad=1)
    done = run_cli("check", raw)
    assert done.returncode == 3, done.stderr
    assert "Đã kiểm tra 1 tệp" in done.stdout and "Hà Tây 0" in done.stdout
    empty = tmp_path / "trong"
    empty.mkdir()
    assert run_cli("check", empty).returncode == 2


def one_sentence(done, *words):
    assert done.returncode == 1, (done.stdout, done.stderr)
    err = done.stderr.strip()
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    for w in words:
        assert w in err, err
    no_english(err)


@pytest.fixture(scope="module")
def small_wh(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("small")
    write_xlsx(tmp / "raw" / "kt_2022.xlsx", {"KT": awards_wide_rows()})
    wh = tmp / "wh" / "thidua.duckdb"
    assert run_cli("build", "--raw", tmp / "raw", "--warehouse", wh).returncode == 0
    return wh


def test_out_is_a_file(small_wh, tmp_path):
    target = tmp_path / "a_file"
    target.write_text("x")
    one_sentence(
        run_cli("dashboards", "--warehouse", small_wh, "--out", target), "không phải thư mục"
    )
    one_sentence(run_cli("template", "--out", target), "không phải thư mục")


def test_read_only_target(small_wh):
    target = "/sys/thidua-test"  # /sys refuses new entries to every user, root included
    done = run_cli("dashboards", "--warehouse", small_wh, "--out", target)
    one_sentence(done, "Không có quyền ghi vào")


def test_truncated_warehouse_offers_the_rebuild(small_wh, tmp_path):
    bad = tmp_path / "hong.duckdb"
    bad.write_bytes(small_wh.read_bytes()[:5000])
    for args in (["dashboards", "--out", tmp_path / "site"], ["build", "--raw", ROOT / "raw"]):
        done = run_cli(*args, "--warehouse", bad)
        one_sentence(done, "bị hỏng", "dựng lại từ raw/")


def test_old_schema_warehouse_offers_the_rebuild(tmp_path):
    old = tmp_path / "cu.duckdb"
    con = duckdb.connect(str(old))
    con.execute("CREATE TABLE ledger (source_file VARCHAR)")
    con.close()
    done = run_cli("dashboards", "--warehouse", old, "--out", tmp_path / "site")
    one_sentence(done, "phiên bản cũ", "dựng lại từ raw/")


def test_make_build_explains_exit_3(raw, wh):
    bad_awards(raw)
    done = subprocess.run(
        ["make", "-s", "--no-print-directory", "build", f"RAW={raw}", f"WAREHOUSE={wh}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "Mã thoát 3" in done.stdout and "make: ***" not in done.stdout + done.stderr
    assert not [line for line in done.stdout.splitlines() if line.startswith(".venv/")]
