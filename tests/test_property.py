"""Nothing lost, provably: Hypothesis generates batches of award workbooks with random traits
(title block, two-row merged headers, hidden rows, section rows, blank rows, totals rows,
signature blocks, numbers as text, units written in every common form, xlsx or CSV) and
random faults (unknown units, text, negative or fractional counts, formulas without a cached
value, truncated files), loads each batch into a fresh warehouse and checks, for every
generated data row, that it is in the `awards` view with exactly its values or in
`rejections` (never both, never neither), and that `loads` adds up.

THIDUA_PROPERTY_EXAMPLES sets the number of batches (default 40).
"""

from __future__ import annotations

import os
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest
from conftest import build, write_xlsx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.core import refdata
from pipeline.core.text import encode_cp1258, fold

EXAMPLES = int(os.environ.get("THIDUA_PROPERTY_EXAMPLES", "40"))
PROVINCES = [u["name"] for u in refdata.load().units if u["valid_to"]][:63]
AWARDS = [  # (header, award_id, recipient kinds it has a column for)
    ("Bằng khen Thủ tướng", "bang_khen_thu_tuong", ("tap_the", "ca_nhan")),
    ("Giấy khen", "giay_khen", ("tap_the", "ca_nhan")),
    ("Kỷ niệm chương", "ky_niem_chuong", ("ca_nhan",)),
    ("Chiến sĩ thi đua cơ sở", "chien_si_thi_dua_co_so", ("ca_nhan",)),
    ("Tập thể lao động xuất sắc", "tap_the_lao_dong_xuat_sac", ("tap_the",)),
]
KIND_LABEL = {"tap_the": "Tập thể", "ca_nhan": "Cá nhân"}
FAULTS = ["unknown_unit", "text", "negative", "fraction", "formula", "huge"]
TRIED = {"batches": 0, "files": 0, "rows": 0, "faulty_rows": 0, "truncated": 0}


@dataclass
class Row:
    unit: str  # as written
    columns: list  # (award_id, recipient_kind) of each value cell
    cells: list  # as written, one per value column
    counts: list  # the expected count for each value column
    award: str = ""  # CSV (long layout): the award form, as written
    fault: str | None = None
    hidden: bool = False
    row_no: int = 0


@dataclass
class FileSpec:
    name: str
    fmt: str
    period: str
    columns: list  # (award_id, recipient_kind)
    rows: list[Row] = field(default_factory=list)
    truncate_at: float | None = None
    totals: str | None = None  # None, "right", "wrong"
    totals_row: int = 0


def written_unit(draw, name: str) -> str:
    form = draw(st.sampled_from(["plain", "agency", "folded", "nfd", "spaces", "upper"]))
    return {
        "plain": name,
        "agency": f"VKSND tỉnh {name}",
        "folded": fold(name).title(),
        "nfd": unicodedata.normalize("NFD", name),
        "spaces": f"  {name} ",
        "upper": name.upper(),
    }[form]


def written_count(draw, n: int):
    """How a count of n is written: a number, text, "1.234"-style text, or blank for 0."""
    if n == 0:
        return draw(st.sampled_from([0, None, "-", "0"]))
    form = draw(st.sampled_from(["int", "text", "float", "dotted"]))
    if form == "dotted" and n >= 1000:
        return f"{n:,}".replace(",", ".")
    return {"int": n, "text": str(n), "float": float(n), "dotted": n}[form]


def draw_row(draw, unit: str, columns: list, fmt: str, award: str = "") -> Row:
    counts = [draw(st.integers(0, 1500)) for _ in columns]
    if not any(counts):
        counts[0] = 1
    row = Row(
        written_unit(draw, unit),
        columns,
        [written_count(draw, n) for n in counts],
        counts,
        award,
        hidden=fmt == "xlsx" and draw(st.integers(0, 3)) == 0,
    )
    if draw(st.integers(0, 5)) == 0:
        row.fault = draw(st.sampled_from(FAULTS))
        if row.fault == "unknown_unit":
            row.unit = draw(st.sampled_from(["Hà Tây", "VKSND tỉnh Sông Bé", "Hà Sơn Bình"]))
        else:
            row.cells[draw(st.integers(0, len(columns) - 1))] = {
                "text": "mười",
                "negative": -3,
                "fraction": 2.5,
                "formula": "=1+1",
                "huge": 3_000_000_000,
            }[row.fault]
    return row


@st.composite
def batches(draw):
    n_files = draw(st.integers(1, 3))
    units = draw(st.permutations(PROVINCES))
    files = []
    for i in range(n_files):
        fmt = draw(st.sampled_from(["xlsx", "xlsx", "csv"]))
        year = draw(st.integers(2022, 2024))
        half = draw(st.sampled_from(["FY", "H1"]))
        if fmt == "csv":
            name = (
                f"khen_thuong_{i}_"
                + ("nam" if half == "FY" else "6_thang_dau_nam")
                + f"_{year}.csv"
            )
            spec = FileSpec(name, fmt, f"{year}-{half}", [])
            for unit in units[i * 12 : i * 12 + draw(st.integers(1, 6))]:
                for header, award_id, kinds in AWARDS[: draw(st.integers(1, 2))]:
                    spec.rows.append(
                        draw_row(draw, unit, [(award_id, k) for k in kinds], fmt, header)
                    )
        else:
            chosen = draw(st.lists(st.sampled_from(AWARDS), min_size=1, max_size=4, unique=True))
            columns = [(a, k) for h, a, kinds in chosen for k in kinds]
            spec = FileSpec(f"tep_{i}.xlsx", fmt, f"{year}-{half}", columns)
            spec.truncate_at = draw(
                st.one_of(st.none(), st.none(), st.none(), st.floats(0.05, 0.95))
            )
            spec.totals = draw(st.sampled_from([None, "right", "wrong"]))
            # no unit in two files, so nothing is superseded
            for unit in units[i * 12 : i * 12 + draw(st.integers(1, 12))]:
                spec.rows.append(draw_row(draw, unit, columns, fmt))
        files.append(spec)
    traits = {
        "title": draw(st.booleans()),
        "signature": draw(st.booleans()),
        "section": draw(st.booleans()),
        "blank_rows": draw(st.booleans()),
    }
    return files, traits


TITLE = [
    ["VIỆN KIỂM SÁT NHÂN DÂN TỐI CAO"],
    ["CỤM THI ĐUA SỐ 7", None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
    [None, None, None, "Độc lập - Tự do - Hạnh phúc"],
]
SIGNATURE = [
    [],
    [None, None, None, "Gia Lai, ngày 20 tháng 11 năm 2022"],
    [None, "Người lập biểu", None, "VIỆN TRƯỞNG"],
    [None, "Nguyễn Văn A", None, "Trần Văn B"],
]


def period_title(period: str) -> str:
    year, half = period.split("-")
    return (
        f"TỔNG HỢP KHEN THƯỞNG NĂM {year}"
        if half == "FY"
        else (f"SƠ KẾT KHEN THƯỞNG 6 THÁNG ĐẦU NĂM {year}")
    )


def write_file(raw: Path, spec: FileSpec, traits: dict) -> None:
    if spec.fmt == "csv":
        return write_csv(raw, spec)
    rows: list[list] = []
    if traits["title"]:
        rows += TITLE
    rows += [[period_title(spec.period)], []]
    top = len(rows) + 1  # 1-based row of the header
    head1, head2, merges, c = (
        ["STT", "Đơn vị"],
        [None, None],
        [f"A{top}:A{top + 1}", f"B{top}:B{top + 1}"],
        3,
    )
    awards = {a: (h, kinds) for h, a, kinds in AWARDS}
    done = []
    for award_id, _ in spec.columns:
        if award_id in done:
            continue
        done.append(award_id)
        header, kinds = awards[award_id]
        if len(kinds) == 2:
            head1 += [header, None]
            head2 += ["Tập thể", "Cá nhân"]
            merges.append(f"{_col(c)}{top}:{_col(c + 1)}{top}")
            c += 2
        else:
            head1.append(header)
            head2.append(None)
            merges.append(f"{_col(c)}{top}:{_col(c)}{top + 1}")
            c += 1
    rows += [head1, head2]
    hidden = []
    if traits["section"]:
        rows.append(["I", "Các đơn vị trong cụm"])
    for i, row in enumerate(spec.rows, 1):
        if traits["blank_rows"] and i % 3 == 0:
            rows.append([])
        rows.append([i, row.unit, *row.cells])
        row.row_no = len(rows)
        if row.hidden:
            hidden.append(row.row_no)
    if spec.totals:
        sums = [sum(r.counts[k] for r in spec.rows) for k in range(len(spec.columns))]
        if spec.totals == "wrong":
            sums[0] += 7
        rows.append([None, "Tổng cộng", *sums])
        spec.totals_row = len(rows)
    if traits["signature"]:
        rows += SIGNATURE
    path = write_xlsx(
        raw / spec.name, {"KT": rows}, merges={"KT": merges}, hidden_rows={"KT": hidden}
    )
    if spec.truncate_at is not None:
        data = path.read_bytes()
        path.write_bytes(data[: int(len(data) * spec.truncate_at)])


def write_csv(raw: Path, spec: FileSpec) -> None:
    """CSV in the long layout: one row per unit and award form, Tập thể | Cá nhân."""
    lines = ["STT,Đơn vị,Hình thức khen thưởng,Tập thể,Cá nhân"]
    for i, row in enumerate(spec.rows, 1):
        cells = ",".join("" if v is None else _csv_text(v) for v in row.cells)
        lines.append(f"{i},{_csv_text(row.unit)},{row.award},{cells}")
        row.row_no = len(lines)
    body = "\n".join(lines) + "\n"
    encoding = ("utf-8", "utf-8-sig", "cp1258")[len(spec.rows) % 3]
    data = encode_cp1258(body) if encoding == "cp1258" else body.encode(encoding)
    (raw / spec.name).write_bytes(data)


def _csv_text(v) -> str:
    text = str(v)
    if isinstance(v, float) and v.is_integer():
        text = str(int(v))
    return f'"{text}"' if any(ch in text for ch in ',"') else text


def _col(n: int) -> str:
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def expected_facts(row: Row) -> set:
    return {(a, k, float(n)) for (a, k), n in zip(row.columns, row.counts, strict=True)}


def check_batch(wh: Path, files: list[FileSpec]) -> None:
    con = duckdb.connect(str(wh), read_only=True)
    try:
        facts: dict[tuple, set] = {}
        for src, row_no, award_id, kind, count, period in con.execute(
            "SELECT source_file, row_no, award_id, recipient_kind, count, period FROM awards"
        ).fetchall():
            facts.setdefault((src, row_no), set()).add((award_id, kind, float(count)))
            facts.setdefault((src, "period"), set()).add(period)
        rejected_rows = {
            (s, r)
            for s, r in con.execute(
                "SELECT source_file, row_no FROM rejections WHERE row_no IS NOT NULL"
            ).fetchall()
        }
        file_rejected = {
            s
            for (s,) in con.execute(
                "SELECT source_file FROM rejections WHERE sheet IS NULL AND row_no IS NULL"
            ).fetchall()
        }
        totals_rejected = {
            (s, r)
            for s, r in con.execute(
                "SELECT source_file, row_no FROM rejections WHERE rule = 'totals_mismatch'"
            ).fetchall()
        }
        loads = {
            s: rest
            for s, *rest in con.execute(
                "SELECT source_file, status, rows_read, rows_loaded, rows_rejected FROM loads"
            ).fetchall()
        }
    finally:
        con.close()
    for spec in files:
        status, read, loaded, rejected = loads[spec.name]
        assert read == loaded + rejected
        if spec.truncate_at is not None:
            assert spec.name in file_rejected and (status, read) == ("rejected", 0)
            assert not [k for k in facts if k[0] == spec.name]
            continue
        data_rows = {row.row_no for row in spec.rows}
        assert not [
            k for k in facts if k[0] == spec.name and k[1] != "period" and k[1] not in data_rows
        ], "a fact from a row that is not a data row"
        faulty = 0
        for row in spec.rows:
            key = (spec.name, row.row_no)
            in_facts, in_rejections = key in facts, key in rejected_rows
            assert in_facts != in_rejections, (spec, row, in_facts, in_rejections)
            if row.fault:
                faulty += 1
                assert in_rejections, (spec.name, row)
            else:
                assert facts[key] == expected_facts(row), (spec.name, row, facts[key])
        if any(k[0] == spec.name for k in facts):
            assert facts[(spec.name, "period")] == {spec.period}
        assert (read, loaded, rejected) == (len(spec.rows), len(spec.rows) - faulty, faulty)
        assert status == ("rejected" if faulty == len(spec.rows) else "loaded")
        if spec.totals and not faulty:
            assert ((spec.name, spec.totals_row) in totals_rejected) == (spec.totals == "wrong")
        TRIED["rows"] += len(spec.rows)
        TRIED["faulty_rows"] += faulty


@pytest.fixture(scope="module", autouse=True)
def report_what_was_tried():
    yield
    print(f"\nproperty test, what was tried: {TRIED}")


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(batches())
def test_every_data_row_is_in_a_fact_view_or_in_rejections(batch):
    files, traits = batch
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw"
        raw.mkdir()
        for spec in files:
            write_file(raw, spec, traits)
        wh = Path(tmp) / "wh" / "thidua.duckdb"
        build(raw, wh)
        check_batch(wh, files)
    TRIED["batches"] += 1
    TRIED["files"] += len(files)
    TRIED["truncated"] += sum(f.truncate_at is not None for f in files)
