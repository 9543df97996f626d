"""Security: raw/ is only ever read (nothing written there, no link out of it followed),
exported cells never run as formulas, recipients' names stay in the `recipients` view, and
no command makes a network request."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
from conftest import ROOT, SIGNATURE, TITLE, awards_wide_rows, build, query, write_xlsx

from pipeline.build import check
from pipeline.core.text import fold
from pipeline.publish.export import safe_cell, write_xlsx_tables

SAMPLE = [
    "2022/thai_binh_khen_thuong_nam_2022.xlsx",
    "2022/cum6_nam_2022_minh_hoa.xls",
    "2022/cum7_nam_2022_minh_hoa.ods",
    "2025/giay_khen_cum6_6T_2025_minh_hoa.csv",
    "2023/cum6_de_nghi_khen_thuong_6T_2023.xlsx",
]
FORMULA_LIKE = [
    '=HYPERLINK("http://example.invalid/x","bấm")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "=1+1\x00",
]


def env() -> dict:
    e = {**os.environ, "GX_ANALYTICS_ENABLED": "false"}
    e.pop("PYTHONDONTWRITEBYTECODE", None)
    return e


def thidua(*args, cwd=None, extra_env=None, prefix=()) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*prefix, sys.executable, "-m", "pipeline", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=cwd or ROOT,
        env={**env(), **(extra_env or {})},
    )


def sample_raw(dst: Path) -> Path:
    for rel in SAMPLE:
        (dst / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / "raw" / rel, dst / rel)
    return dst


def tree(root: Path) -> dict:
    """Every entry under root (hidden ones too, links not followed): kind, size, mtime, hash."""
    out = {}
    for dirpath, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(dirpath) / name
            st = path.lstat()
            digest = None
            if path.is_file() and not path.is_symlink():
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
            out[path.relative_to(root).as_posix()] = (
                st.st_mode,
                st.st_size,
                st.st_mtime_ns,
                digest,
            )
    return out


# --- raw/ is read, never written; links never followed -----------------------------------


def test_build_and_check_never_write_inside_raw(tmp_path, monkeypatch):
    raw = sample_raw(tmp_path / "raw")
    before = tree(raw)
    wh = tmp_path / "wh" / "thidua.duckdb"
    monkeypatch.chdir(raw)  # run from inside raw/: nothing lands in the working directory
    first = build(Path("."), wh)
    second = build(Path("."), wh)  # incremental: reads the ledger, hashes, reads nothing new
    out = check([Path(p) for p in SAMPLE])
    assert (first.files_changed, second.files_changed) == (len(SAMPLE), 0)
    assert len(out.file_rows) == len(SAMPLE)
    assert tree(raw) == before
    assert query(wh, "SELECT count(*) FROM loads") == [(len(SAMPLE),)]


def test_links_and_special_files_are_skipped_with_a_message_never_followed(tmp_path):
    outside = tmp_path / "ngoai"
    write_xlsx(
        outside / "bi_mat_2022.xlsx", {"KT": awards_wide_rows(units=[[1, "Cà Mau", 9, 9, 9, 9, 9]])}
    )
    (outside / "con").mkdir()
    write_xlsx(
        outside / "con" / "sau_2022.xlsx",
        {"KT": awards_wide_rows(units=[[1, "Bạc Liêu", 9, 9, 9, 9, 9]])},
    )
    raw = tmp_path / "raw"
    write_xlsx(raw / "tot_2022.xlsx", {"KT": awards_wide_rows()})
    (raw / "lien_ket_2022.xlsx").symlink_to(outside / "bi_mat_2022.xlsx")
    (raw / "thu_muc_ngoai").symlink_to(outside / "con", target_is_directory=True)
    (raw / "passwd.csv").symlink_to("/etc/passwd")
    (raw / "zero.xlsx").symlink_to("/dev/zero")  # followed, it would never end
    (raw / "trong_raw.xlsx").symlink_to(raw / "tot_2022.xlsx")  # inside raw: still a link
    os.mkfifo(raw / "ong_2022.xlsx")  # opened, it would block for ever
    before = tree(raw)
    wh = tmp_path / "wh" / "thidua.duckdb"
    done = thidua("build", "--raw", raw, "--warehouse", wh, "--quiet")
    assert done.returncode == 3, done.stderr
    assert tree(raw) == before
    messages = dict(query(wh, "SELECT source_file, message FROM rejections WHERE sheet IS NULL"))
    links = {
        "lien_ket_2022.xlsx": outside / "bi_mat_2022.xlsx",
        "thu_muc_ngoai": outside / "con",
        "passwd.csv": "/etc/passwd",
        "zero.xlsx": "/dev/zero",
        "trong_raw.xlsx": raw / "tot_2022.xlsx",
    }
    for name, target in links.items():
        assert messages.pop(name) == (
            f"Tệp «{name}»: Không đọc được tệp: đây là liên kết tượng trưng (symlink) trỏ tới "
            f"«{target}», không phải tệp; liên kết không bao giờ được đi theo (có thể trỏ ra "
            "ngoài thư mục dữ liệu gốc). Hãy chép chính tệp vào thư mục dữ liệu gốc."
        )
    assert messages == {
        "ong_2022.xlsx": "Tệp «ong_2022.xlsx»: Không đọc được tệp: đây không "
        "phải tệp thường (thiết bị, ống hoặc thư mục)."
    }
    assert query(wh, "SELECT DISTINCT unit_id FROM awards ORDER BY 1") == [
        ("dak_lak",),
        ("gia_lai",),
        ("kon_tum",),
    ]  # nothing from outside raw/
    secret = fold(Path("/etc/passwd").read_text(errors="replace").split(":")[0])
    every_text = " ".join(
        str(v)
        for (v,) in query(
            wh, "SELECT concat_ws(' ', source_file, sheet, value, message) FROM rejections"
        )
    )
    assert "root:x:" not in every_text and (secret == "root" or secret not in fold(every_text))
    second = build(raw, wh)  # nothing changed: the links are not read again either
    assert second.files_changed == 0 and second.files_unchanged == 7
    assert query(wh, "SELECT count(*) FROM loads") == [(7,)]


# --- no network ----------------------------------------------------------------------------

AUDIT = """
import os, socket, sys
LOG = os.environ["THIDUA_NET_LOG"]
WATCH = {"socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr",
         "socket.sendto", "socket.sendmsg", "urllib.Request", "http.client.connect",
         "ftplib.connect", "smtplib.connect"}
def hook(event, args):
    if event not in WATCH:
        return
    if event == "socket.connect" and getattr(args[0], "family", None) == socket.AF_UNIX:
        return
    host = args[1][0] if event == "socket.connect" and isinstance(args[1], tuple) else (
        args[0] if event == "socket.getaddrinfo" else None)
    if host in ("127.0.0.1", "::1", "localhost", b"localhost"):  # a local pipe to Chromium
        return
    with open(LOG, "a") as fh:
        fh.write(f"{os.getpid()} {event} {args!r}\\n")
    raise PermissionError("thidua test: network is forbidden")
sys.addaudithook(hook)
"""


def test_no_command_makes_a_network_request(tmp_path):
    """Every command an analyst runs (build, template, dashboards, report, meeting and the
    clip, which drive Chromium and ffmpeg) runs with every Python network call refused and
    logged (an audit hook loaded by sitecustomize); under strace, when it is installed, no
    process of any of them makes an internet connect() either (DuckDB, Chromium, ffmpeg and
    anything native included)."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(AUDIT, encoding="utf-8")
    log = tmp_path / "net.log"
    extra = {"PYTHONPATH": str(site), "THIDUA_NET_LOG": str(log)}
    raw = sample_raw(tmp_path / "raw")
    wh = tmp_path / "wh" / "thidua.duckdb"
    strace = shutil.which("strace")
    traces = []
    commands = [
        ("build", "--raw", raw, "--warehouse", wh, "--quiet"),
        ("template", "--out", tmp_path / "mau"),
        ("dashboards", "--warehouse", wh, "--out", tmp_path / "site_out"),
        ("report", "--from", 2022, "--to", 2023, "--out", tmp_path / "bc", "--warehouse", wh),
        (
            "meeting",
            "--cluster",
            7,
            "--period",
            "2022-FY",
            "--warehouse",
            wh,
            "--out",
            tmp_path / "hop",
        ),
        (
            "clip",
            "--cluster",
            7,
            "--period",
            "2022-FY",
            "--warehouse",
            wh,
            "--out",
            tmp_path / "clip",
        ),
    ]
    for i, args in enumerate(commands):
        trace = tmp_path / f"strace{i}"
        trace.mkdir()
        prefix = (
            (
                strace,
                "-ff",
                "-qq",
                "--seccomp-bpf",
                "-e",
                "trace=socket,connect",
                "-o",
                str(trace / "t"),
            )
            if strace
            else ()
        )
        done = thidua(*args, extra_env=extra, prefix=prefix)
        assert done.returncode in (0, 3), (args[0], done.stderr)
        traces.append((args[0], trace))
    assert (tmp_path / "clip" / "preview.mp4").stat().st_size > 0
    assert (tmp_path / "hop").is_dir() and any((tmp_path / "hop").rglob("*.pptx"))
    assert not log.exists(), log.read_text()
    if strace:
        for name, trace in traces:
            assert internet_connects(trace) == [], name


_SOCKET = re.compile(r"^socket\((AF_INET6?), (SOCK_\w+).*\) = (\d+)$")
_CONNECT = re.compile(
    r'^connect\((\d+), \{sa_family=(AF_INET6?), sin6?_port=htons\((\d+)\).*?"([^"]+)"'
)
LOOPBACK = ("127.", "::1", "::ffff:127.")


def internet_connects(trace_dir: Path) -> list[str]:
    """connect() calls to an address off the machine, from strace -ff traces (one file per
    thread, so no call is split).  A UDP connect() to a port other than 53 sends no packet:
    Chromium makes one to 2001:4860:4860::8888 to learn whether IPv6 is routable; it is
    allowed when the socket is seen created as SOCK_DGRAM in the same thread."""
    found = []
    for path in sorted(trace_dir.iterdir()):
        kinds: dict[str, str] = {}
        for line in path.read_text(errors="replace").splitlines():
            made = _SOCKET.match(line)
            if made:
                kinds[made.group(3)] = made.group(2)
                continue
            conn = _CONNECT.match(line)
            if not conn:
                continue
            fd, _, port, addr = conn.groups()
            if addr.startswith(LOOPBACK):
                continue
            if kinds.get(fd) == "SOCK_DGRAM" and port != "53":
                continue
            found.append(f"{path.name}: {line}")
    return found


# --- exports: no cell runs as a formula ------------------------------------------------------


def test_safe_cell_neutralises_every_formula_start():
    for text in FORMULA_LIKE:
        assert safe_cell(text) == "'" + text.replace("\x00", "")
    for text in ("Nghệ An", "1.234", "95,5%", "'đã có dấu nháy", "", "Tổng = 5"):
        assert safe_cell(text) == text
    assert safe_cell(-5) == -5 and safe_cell(None) is None and safe_cell(2.5) == 2.5


def _assert_inert(path: Path) -> int:
    """No formula cell and no text cell a spreadsheet program would start evaluating."""
    book = openpyxl.load_workbook(path)
    cells = 0
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                cells += 1
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r", "\x00")), (
                        ws.title,
                        cell.coordinate,
                        cell.value,
                    )
    return cells


def test_excel_tables_write_formula_like_text_as_inert_text(tmp_path):
    frame = pd.DataFrame({"=Cột": FORMULA_LIKE, "Số": range(len(FORMULA_LIKE))})
    path = write_xlsx_tables(tmp_path / "bang.xlsx", {"=Bảng": frame}, notes={"=Bảng": "@ghi chú"})
    assert _assert_inert(path) == 1 + 2 + 2 * len(FORMULA_LIKE)  # note, header, table
    book = openpyxl.load_workbook(path)
    ws = book.worksheets[0]
    shown = [
        ws.cell(row=r, column=1).value.replace("_x000D_", "\r")  # OOXML's escape of CR
        for r in range(4, 4 + len(FORMULA_LIKE))
    ]
    assert shown == ["'" + t.replace("\x00", "") for t in FORMULA_LIKE]  # the text, kept


def text_cells(path: Path) -> Path:
    """Store every cell that starts with "=" as text (what a sender gets typing '=…)."""
    book = openpyxl.load_workbook(path)
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
    book.save(path)
    return path


def test_formula_like_text_from_senders_stays_inert_in_reports(tmp_path):
    """Indicator names, criteria and file names chosen by a hostile sender reach the report
    workbook as text."""
    raw = tmp_path / "raw"
    rows = [
        ["Đơn vị: VKSND tỉnh Gia Lai"],
        ["6 THÁNG ĐẦU NĂM 2023"],
        ["STT", "Tên chỉ tiêu", "Chỉ tiêu", "Kết quả"],
    ]
    rows += [[i, name, 90, 95] for i, name in enumerate(FORMULA_LIKE[:4], 1)]
    text_cells(write_xlsx(raw / "=chi_tieu 2023.xlsx", {"=CT": rows}))
    write_xlsx(raw / "+khen_thuong.xlsx", {"KT": awards_wide_rows()})
    wh = tmp_path / "wh" / "thidua.duckdb"
    build(raw, wh)
    assert query(wh, "SELECT count(*) FROM indicator_results") == [(4,)]
    done = thidua(
        "report",
        "--from",
        2022,
        "--to",
        2023,
        "--half",
        "H1",
        "--out",
        tmp_path / "bc",
        "--warehouse",
        wh,
    )
    assert done.returncode == 0, done.stderr
    books = list((tmp_path / "bc").glob("*.xlsx"))
    assert books and all(_assert_inert(b) > 0 for b in books)


# --- personal data: names only in the recipients view ----------------------------------------

NAMES = ["Phạm Thị Riêng Tư", "Nguyễn Văn Bímật", "Trần Thị Kínđáo", "Lê Bảo Mật"]
SIGNERS = ["Đoàn Văn Kýtên", "Hoàng Thị Lậpbiểu"]


def test_recipient_names_appear_only_in_the_recipients_view(tmp_path):
    raw = tmp_path / "raw"
    ds = [
        ["DANH SÁCH KHEN THƯỞNG NĂM 2022"],
        [
            "STT",
            "Họ và tên",
            "Chức vụ",
            "Đơn vị",
            "Hình thức khen thưởng",
            "Số quyết định",
            "Ngày quyết định",
        ],
        [1, NAMES[0], "Kiểm sát viên", "Gia Lai", "Giấy khen", "12/QĐ-VKS", "15/11/2022"],
        [2, NAMES[1], "Chuyên viên", "Hà Tây", "Giấy khen", "12/QĐ-VKS", "15/11/2022"],
        [3, NAMES[2], "Kiểm sát viên", "Kon Tum", "Bằng khen Bộ trưởng", "13/QĐ", "15/11/2022"],
        [4, NAMES[3], "Kiểm sát viên", "Kon Tum", "Giấy khen", "14/QĐ", "32/13/2022"],
        [],
        [None, "Người lập biểu", None, "VIỆN TRƯỞNG"],
        [None, SIGNERS[0], None, SIGNERS[1]],
    ]
    write_xlsx(raw / "danh_sach_2022.xlsx", {"DS": ds})
    signed = (
        TITLE
        + [["TỔNG HỢP KHEN THƯỞNG NĂM 2022"], []]
        + awards_wide_rows()[5:-4]
        + [SIGNATURE[0], SIGNATURE[1], SIGNATURE[2], [None, SIGNERS[0], None, SIGNERS[1]]]
    )
    write_xlsx(raw / "kt_2022.xlsx", {"KT": signed})
    wh = tmp_path / "wh" / "thidua.duckdb"
    build(raw, wh)
    assert sorted(n for (n,) in query(wh, "SELECT name FROM recipients")) == [NAMES[0]]
    assert query(
        wh,
        "SELECT count(*) FROM rejections WHERE source_file = 'danh_sach_2022.xlsx'"
        " AND row_no IN (4, 5, 6)",
    ) == [(3,)]  # the three faulty rows, reported
    keys = [fold(n) for n in NAMES + SIGNERS]
    con = duckdb.connect(str(wh), read_only=True)
    try:
        relations = [
            r
            for (r,) in con.execute(
                "SELECT table_name FROM duckdb_tables() UNION ALL "
                "SELECT view_name FROM duckdb_views() WHERE NOT internal"
            ).fetchall()
        ]
        leaks = []
        for rel in relations:
            if rel in ("recipients", "f_recipients"):
                continue
            for row in con.execute(f'SELECT * FROM "{rel}"').fetchall():
                text = fold(" ".join(str(v) for v in row if isinstance(v, str)))
                leaks += [(rel, k) for k in keys if k in text]
    finally:
        con.close()
    assert leaks == []
    docs = " ".join(
        p.read_text(errors="replace")
        for p in (wh.parent / "validation").rglob("*")
        if p.is_file() and p.suffix in (".html", ".json")
    )
    folded_docs = fold(unicodedata.normalize("NFC", docs))
    assert [k for k in keys if k in folded_docs] == []
    # `thidua check` prints every problem: no name there either
    printed = " ".join(r["message"] for r in check([raw / "danh_sach_2022.xlsx"]).rejections)
    assert printed and [k for k in keys if k in fold(printed)] == []


def test_message_escapes_make_no_markup():
    """Messages are text: names of files are shown as written, with control characters
    made visible, never interpreted."""
    from pipeline.ingest.guard import display_name

    assert display_name("a\nb\tc.xlsx") == "a\\x0ab\\x09c.xlsx"
    assert display_name(os.fsdecode(b"kt_\xe0.xlsx")) == "kt_\\xe0.xlsx"
    assert re.fullmatch(r"[^\x00-\x1f]*", display_name("".join(map(chr, range(40)))))
