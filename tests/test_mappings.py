"""«Bí danh» sheets (contract §1): analysts teach a spelling without code; the build reads
them wherever they sit under raw/, re-reads only the files concerned, and rejects a mapping
that names nothing known."""

import json

from conftest import SIGNATURE, awards_wide_rows, build, query, write_xlsx

from pipeline.build import check
from pipeline.ingest.read import read_workbook
from pipeline.ingest.recognise import recognise_sheet
from pipeline.publish.template import MAPPING_FILENAME, write_templates

MAPPING_HEADER = ["STT", "Cách viết", "Đơn vị hoặc hình thức", "Ghi chú"]


def mapping_rows(*pairs):
    return (
        [["BẢNG BÍ DANH"], [], MAPPING_HEADER]
        + [[i + 1, a, b, None] for i, (a, b) in enumerate(pairs)]
        + SIGNATURE
    )


def test_a_mapping_sheet_is_recognised_and_a_mapping_to_nothing_known_is_rejected(tmp_path):
    path = write_xlsx(
        tmp_path / "bd.xlsx",
        {
            "Bí danh": mapping_rows(
                ("Pleiku-GL", "VKSND tỉnh Gia Lai"),
                ("BK GĐ", "bang_khen_vkstc"),
                ("Xứ Nẫu", "Tỉnh Nẫu"),
            )
        },
    )
    res = recognise_sheet(read_workbook(path)[0], "bd.xlsx")
    assert (res.kind, res.layout) == ("mappings", "long")
    assert [(m["spelling"], m["kind"], m["target_id"]) for m in res.mappings] == [
        ("Pleiku-GL", "unit", "gia_lai"),
        ("BK GĐ", "award", "bang_khen_vkstc"),
    ]
    [p] = res.problems
    assert (p.rule, p.row_no, p.value) == ("mapping_unknown_target", 6, "Tỉnh Nẫu")
    assert res.rejected_rows == {6} and res.data_rows == {4, 5, 6}
    out = check([path])
    assert [r["rule"] for r in out.rejections] == ["mapping_unknown_target"]


def test_a_mapping_row_without_its_target_is_rejected(tmp_path):
    path = write_xlsx(tmp_path / "bd.xlsx", {"Bí danh": mapping_rows(("Pleiku-GL", None))})
    [p] = recognise_sheet(read_workbook(path)[0], "bd.xlsx").problems
    assert (p.rule, p.row_no) == ("mapping_incomplete", 4)


def test_the_template_writes_a_blank_mapping_sheet(tmp_path):
    paths = {p.name: p for p in write_templates(tmp_path / "mau")}
    grids = read_workbook(paths[MAPPING_FILENAME])
    data = recognise_sheet(grids[0], MAPPING_FILENAME)
    assert data.kind == "mappings" and not data.problems and not data.facts


def test_the_build_learns_a_mapping_and_reads_again_only_the_files_concerned(tmp_path):
    raw, wh = tmp_path / "raw", tmp_path / "wh" / "thidua.duckdb"
    units = [[1, "Gia Lai", 1, 1, 1, 1, 1], [2, "Pleiku-GL", 2, 2, 2, 2, 2]]
    write_xlsx(raw / "2022" / "kt.xlsx", {"KT": awards_wide_rows(units=units)})
    write_xlsx(
        raw / "2022" / "khac.xlsx", {"KT": awards_wide_rows(units=[[1, "Lâm Đồng", 1, 1, 1, 1, 1]])}
    )
    build(raw, wh)
    [(rule, msg)] = query(wh, "SELECT rule, message FROM rejections")
    assert rule == "unit_unknown" and "bí danh" in msg

    write_xlsx(raw / "so_tay" / "bi_danh.xlsx", {"Bí danh": mapping_rows(("Pleiku-GL", "Kon Tum"))})
    build(raw, wh)
    assert query(wh, "SELECT count(*) FROM rejections") == [(0,)]
    got = query(
        wh,
        "SELECT unit_id, sum(count) FROM awards WHERE source_file = '2022/kt.xlsx' GROUP BY 1 ORDER BY 1",
    )
    assert got == [("gia_lai", 5.0), ("kon_tum", 10.0)]
    [(record,)] = query(wh, "SELECT value FROM meta WHERE key = 'state:bi_danh'")
    state = json.loads(record)
    assert state["last"]["read_again"] == ["2022/kt.xlsx"]  # not khac.xlsx
    assert state["last"]["mapping_files"] == ["so_tay/bi_danh.xlsx"]

    (raw / "so_tay" / "bi_danh.xlsx").unlink()  # the mapping withdrawn: the row is rejected again
    build(raw, wh)
    assert [r for (r,) in query(wh, "SELECT rule FROM rejections")] == ["unit_unknown"]
