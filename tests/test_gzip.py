import gzip

import pytest

from pipeline.ingest.read import ReadError, read_workbook


def test_a_gzip_compressed_csv_is_read_with_a_note(tmp_path):
    # frictionless data/compression/implicit-gz.csv
    p = tmp_path / "implicit-gz.csv"
    p.write_bytes(gzip.compress("id,name\n1,english\n2,中国人\n".encode()))
    grid = read_workbook(p)[0]
    assert grid.rows == [["id", "name"], ["1", "english"], ["2", "中国人"]]
    assert grid.notes == ["Tệp CSV được nén gzip (không phải tệp CSV thường): đã giải nén khi đọc."]


def test_a_gzip_csv_unpacking_past_the_file_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("THIDUA_MAX_FILE_MB", "1")
    p = tmp_path / "bom.csv"
    p.write_bytes(gzip.compress(b"1,2\n" * 400_000))  # 1,6 MB of text in a few KB
    with pytest.raises(ReadError, match="bung ra hơn 1 MB"):
        read_workbook(p)


def test_a_cut_gzip_csv_is_refused(tmp_path):
    p = tmp_path / "cut.csv"
    p.write_bytes(gzip.compress(b"1,2\n" * 1000)[:-12])
    with pytest.raises(ReadError, match="bị hỏng hoặc bị cắt cụt"):
        read_workbook(p)
