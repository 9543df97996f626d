"""The `thidua` command line.

Exit status of build and check: 0 everything loaded or valid; 3 some rows or files were
rejected (the rest loaded); 1 a fatal error (the warehouse is unchanged); 2 a usage error.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from pipeline import paths

EXIT_OK, EXIT_FATAL, EXIT_USAGE, EXIT_REJECTED = 0, 1, 2, 3

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    help=(
        "thidua — dữ liệu thi đua, khen thưởng ngành Kiểm sát nhân dân.\n\n"
        "Nạp các bảng tính trong thư mục raw/ (xlsx, xlsm, xls, ods, csv) vào kho DuckDB, "
        "kiểm tra từng dòng và ghi lý do mọi dòng bị từ chối (view «rejections»).\n\n"
        "Mã thoát: 0 = tất cả đã nạp/hợp lệ; 3 = có dòng hoặc tệp bị từ chối (phần còn lại "
        "đã nạp); 1 = lỗi nghiêm trọng (kho không thay đổi); 2 = sai cú pháp lệnh."
    ),
)


def _fail(message: str, code: int = EXIT_FATAL) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(code)


@app.command(
    help=(
        "Nạp (tăng dần) mọi bảng tính trong DIR vào kho: tệp chưa đổi được bỏ qua, tệp mới "
        "hoặc đã sửa được nạp lại, tệp đã xóa được gỡ khỏi kho. In bảng tóm tắt."
    )
)
def build(
    raw: Path = typer.Option(paths.RAW, "--raw", help="Thư mục bảng tính gốc (chỉ đọc)."),
    warehouse: Path = typer.Option(paths.WAREHOUSE, "--warehouse", help="Tệp kho DuckDB."),
    wait: float = typer.Option(5.0, "--wait", help="Số giây chờ nếu kho đang bận."),
    quiet: bool = typer.Option(False, "--quiet", help="Không hiện thanh tiến trình."),
    debug: bool = typer.Option(False, "--debug", help="In chi tiết lỗi cho lập trình viên."),
) -> None:
    from pipeline import build as build_mod
    from pipeline.load.warehouse import WarehouseBusy

    if not raw.is_dir():
        _fail(f"Không có thư mục dữ liệu gốc «{raw}».", EXIT_USAGE)
    try:
        summary = build_mod.build(
            raw, warehouse, progress=not quiet and sys.stderr.isatty(), wait_seconds=wait
        )
    except WarehouseBusy:
        _fail(
            f"Kho dữ liệu đang bận: một tiến trình khác đang ghi vào «{warehouse}». Hãy đợi "
            "tiến trình đó chạy xong rồi chạy lại lệnh. Kho không thay đổi."
        )
    except Exception as exc:
        if debug:
            raise
        _fail(
            f"Lỗi nghiêm trọng, kho dữ liệu không thay đổi: {type(exc).__name__}: {exc}\n"
            "(Chạy lại với --debug để xem chi tiết.)"
        )
    _print_summary(summary, warehouse, quiet)
    raise typer.Exit(EXIT_REJECTED if summary.warehouse_rejections else EXIT_OK)


@app.command(
    help=(
        "Chỉ kiểm tra các tệp (không ghi gì vào kho) và in mọi lỗi: tệp, trang tính, dòng, "
        "cột, giá trị và điều cần sửa."
    )
)
def check(
    files: list[Path] = typer.Argument(..., help="Các tệp bảng tính cần kiểm tra."),
    debug: bool = typer.Option(False, "--debug", help="In chi tiết lỗi cho lập trình viên."),
) -> None:
    from pipeline import build as build_mod

    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        _fail("Không tìm thấy tệp: " + ", ".join(missing), EXIT_USAGE)
    try:
        prepared = build_mod.check(files)
    except Exception as exc:
        if debug:
            raise
        _fail(f"Lỗi nghiêm trọng: {type(exc).__name__}: {exc}")
    for row in prepared.sheet_rows:
        if row["status"] == "skipped":
            typer.echo(
                f"Bỏ qua: tệp «{row['source_file']}», trang «{row['sheet']}»: {row['reason']}."
            )
    for rej in sorted(prepared.rejections, key=_rejection_order):
        typer.echo(rej["message"])
    rows = sum(r["rows_read"] for r in prepared.file_rows)
    bad = sum(r["rows_rejected"] for r in prepared.file_rows)
    typer.echo(
        f"Đã kiểm tra {len(prepared.file_rows)} tệp, {rows} dòng số liệu: {rows - bad} hợp lệ, "
        f"{bad} bị từ chối; {len(prepared.rejections)} lỗi."
    )
    raise typer.Exit(EXIT_REJECTED if prepared.rejections else EXIT_OK)


def _rejection_order(r: dict):
    return (r["source_file"], r["sheet"] or "", r["row_no"] or 0, r["column_name"] or "")


@app.command(
    help=(
        "Ghi các biểu mẫu trống (xlsx) cho từng loại bảng, với tiêu đề cột được chấp nhận, "
        "danh sách chọn đơn vị và hình thức khen thưởng, và trang hướng dẫn."
    )
)
def template(out: Path = typer.Option(paths.TEMPLATES, "--out", help="Thư mục ghi biểu mẫu.")):
    from pipeline.publish.template import write_templates

    for path in write_templates(out):
        typer.echo(f"Đã ghi {path}")


WAREHOUSE_OPTION = typer.Option(paths.WAREHOUSE, "--warehouse", help="Tệp kho DuckDB (chỉ đọc).")


def _reader_errors(debug: bool):
    """Turn the errors an analyst can fix into one plain sentence and exit 1."""
    import contextlib

    @contextlib.contextmanager
    def guard():
        from pipeline.load.warehouse import WarehouseBusy
        from pipeline.publish.images import NoBrowser

        try:
            yield
        except (FileNotFoundError, NoBrowser, WarehouseBusy) as exc:
            if debug:
                raise
            _fail(str(exc))

    return guard()


@app.command(
    help=(
        "Dựng trang tổng hợp tĩnh (dashboards/) từ kho: tổng quan, so sánh trong cụm, khen "
        "thưởng qua các năm, hồ sơ đơn vị, kiểm tra dữ liệu. Mở index.html bằng trình duyệt, "
        "không cần mạng; có thể chép cả thư mục sang ổ dùng chung."
    )
)
def dashboards(
    warehouse: Path = WAREHOUSE_OPTION,
    out: Path = typer.Option(paths.DASHBOARDS, "--out", help="Thư mục ghi các trang."),
    debug: bool = typer.Option(False, "--debug", help="In chi tiết lỗi cho lập trình viên."),
) -> None:
    from pipeline.publish.dashboards import build_site

    with _reader_errors(debug):
        pages = build_site(warehouse, out, progress=lambda m: typer.echo(f"Đang dựng {m}…"))
    typer.echo(f"Đã ghi {len(pages)} trang vào {out}/ — mở {out / 'index.html'}")


@app.command(
    help=(
        "Biểu đồ cho hội nghị sơ kết/tổng kết của một cụm: tệp PowerPoint (mỗi trang một biểu "
        "đồ, có dòng nguồn số liệu) và tệp Excel cùng các bảng số liệu. Ví dụ: "
        "thidua meeting --cluster 6 --period 2024-FY"
    )
)
def meeting(
    cluster: int = typer.Option(..., "--cluster", help="Số của cụm thi đua, ví dụ 6."),
    period: str = typer.Option(
        ..., "--period", help="Kỳ báo cáo: YYYY-H1 (6 tháng) hoặc YYYY-FY (năm)."
    ),
    out: Path = typer.Option(paths.MEETING, "--out", help="Thư mục ghi tệp."),
    warehouse: Path = WAREHOUSE_OPTION,
    debug: bool = typer.Option(False, "--debug", help="In chi tiết lỗi cho lập trình viên."),
) -> None:
    import re

    from pipeline.load.warehouse import open_reader
    from pipeline.publish import meeting as meeting_mod

    if not re.fullmatch(r"\d{4}-(H1|FY)", period):
        _fail(f"Kỳ «{period}» không hợp lệ: cần dạng 2024-H1 hoặc 2024-FY.", EXIT_USAGE)
    with _reader_errors(debug):
        con = open_reader(warehouse)
        try:
            typer.echo("Đang vẽ biểu đồ và ghi tệp…")
            deck, book = meeting_mod.write(con, cluster, period, out)
        except meeting_mod.UnknownSelection as exc:
            _fail(str(exc), EXIT_USAGE)
        finally:
            con.close()
    typer.echo(f"Đã ghi {deck}\nĐã ghi {book}")


@app.command(
    help=(
        "Báo cáo so sánh qua các năm (HTML mở không cần mạng và Excel) của một cụm, một đơn "
        "vị hoặc toàn bộ: tăng/giảm, tăng trưởng, đơn vị tăng/giảm nhiều nhất. Với "
        "--territory 2025, số liệu các tỉnh cũ được cộng vào tỉnh mới sau sáp nhập. "
        "Ví dụ: thidua report --from 2022 --to 2025 --unit quang_tri --territory 2025 --half H1"
    )
)
def report(
    first: int = typer.Option(..., "--from", help="Năm đầu."),
    last: int = typer.Option(..., "--to", help="Năm cuối."),
    cluster: int | None = typer.Option(None, "--cluster", help="Chỉ một cụm thi đua."),
    unit: str | None = typer.Option(
        None, "--unit", help="Chỉ một đơn vị: tên hoặc mã, ví dụ «Quảng Trị» hoặc quang_tri."
    ),
    territory: int | None = typer.Option(
        None, "--territory", help="Quy về địa giới của năm này (2025: sau sáp nhập)."
    ),
    half: str = typer.Option(
        "FY", "--half", help="FY = số liệu tổng kết năm; H1 = sơ kết 6 tháng đầu năm."
    ),
    out: Path = typer.Option(paths.REPORTS, "--out", help="Thư mục ghi tệp."),
    warehouse: Path = WAREHOUSE_OPTION,
    debug: bool = typer.Option(False, "--debug", help="In chi tiết lỗi cho lập trình viên."),
) -> None:
    from pipeline.load.warehouse import open_reader
    from pipeline.publish import report as report_mod

    if cluster is not None and unit:
        _fail("Chọn một trong hai: --cluster hoặc --unit.", EXIT_USAGE)
    if half not in ("FY", "H1"):
        _fail(f"--half phải là FY hoặc H1 (không phải «{half}»).", EXIT_USAGE)
    if territory is not None and territory != 2025:
        _fail("--territory hiện chỉ nhận 2025 (địa giới sau sáp nhập).", EXIT_USAGE)
    with _reader_errors(debug):
        con = open_reader(warehouse)
        try:
            unit = report_mod.resolve_unit(con, unit) if unit else None
            an_report = report_mod.make(con, first, last, cluster, unit, territory, half)
            scope = f"cum{cluster}" if cluster is not None else (unit or "toan_bo")
            base = f"bao_cao_{scope}_{first}-{last}_{half}" + (
                f"_dia_gioi_{territory}" if territory else ""
            )
            html_path, xlsx_path = report_mod.write(con, an_report, out, base)
        except report_mod.NoData as exc:
            _fail(str(exc), EXIT_REJECTED)
        except ValueError as exc:
            _fail(str(exc), EXIT_USAGE)
        finally:
            con.close()
    typer.echo(f"Đã ghi {html_path}\nĐã ghi {xlsx_path}")


@app.command(
    "ung-vien",
    help=(
        "Xuất danh sách ứng viên khen thưởng theo lịch sử (chuỗi năm liên tục, số lần trong "
        "một khoảng năm) của một năm ra tệp Excel CÓ HỌ TÊN: dữ liệu cá nhân theo Nghị định "
        "13/2023/NĐ-CP, mỗi trang tính đều ghi rõ. Ứng viên để xem xét, không phải kết luận: "
        "dữ liệu không cho biết xếp loại, sáng kiến, phiếu bầu, số năm công tác. Kèm danh sách "
        "người trùng tên cần xác minh, cờ báo và các điều kiện đã/chưa mã hóa. "
        "Ví dụ: thidua ung-vien --year 2025 --unit quang_ninh"
    ),
)
def ung_vien(
    year: int = typer.Option(..., "--year", help="Năm công tác, ví dụ 2025."),
    unit: str | None = typer.Option(None, "--unit", help="Chỉ một đơn vị (mã hoặc tên)."),
    out: Path = typer.Option(Path("ung_vien"), "--out", help="Thư mục ghi tệp."),
    warehouse: Path = WAREHOUSE_OPTION,
    debug: bool = typer.Option(False, "--debug", help="In chi tiết lỗi cho lập trình viên."),
) -> None:
    from pipeline.load.warehouse import open_reader
    from pipeline.publish import candidates

    try:
        unit_id = candidates.resolve_unit(unit)
    except candidates.UnknownUnit as exc:
        _fail(str(exc), EXIT_USAGE)
    with _reader_errors(debug):
        con = open_reader(warehouse)
        try:
            path, n, questions = candidates.write(con, year, unit_id, out)
        finally:
            con.close()
    typer.echo(
        f"Đã ghi {path}: {n} ứng viên, {questions} trường hợp trùng tên cần xác minh. "
        "Tệp chứa dữ liệu cá nhân (Nghị định 13/2023/NĐ-CP): không chia sẻ, không đăng tải."
    )


def _print_summary(summary, warehouse: Path, quiet: bool = False) -> None:
    from rich.console import Console
    from rich.table import Table

    from pipeline.core.text import format_vn

    console = Console(stderr=False, highlight=False)
    table = Table(title="Tóm tắt lần nạp", show_header=True)
    table.add_column("Mục")
    table.add_column("Số lượng", justify="right")
    for label, value in (
        ("Tệp trong thư mục gốc", summary.files_seen),
        ("Tệp mới hoặc đã sửa (đã xử lý)", summary.files_changed),
        ("Tệp không đổi (bỏ qua)", summary.files_unchanged),
        ("Tệp đã xóa (gỡ khỏi kho)", summary.files_removed),
        ("Dòng số liệu đã đọc", summary.rows_read),
        ("Dòng đã nạp", summary.rows_loaded),
        ("Dòng bị từ chối", summary.rows_rejected),
        ("Tệp bị từ chối", len(summary.rejected_files)),
        ("Trang tính bỏ qua", len(summary.skipped_sheets)),
        ("Tệp bị thay thế (superseded)", summary.superseded),
        ("Lỗi trong kho (view rejections)", summary.warehouse_rejections),
    ):
        table.add_row(label, format_vn(float(value)))
    console.print(table)
    for source_file, sheet, reason in [] if quiet else summary.skipped_sheets:
        console.print(f"  Bỏ qua trang «{sheet}» của «{source_file}»: {reason}.")
    if quiet and summary.skipped_sheets:
        console.print("  (Danh sách trang tính bỏ qua: view «sheets», cột status = 'skipped'.)")
    console.print(f"Kho: {warehouse} — thời gian {format_vn(summary.seconds, 2)} giây.")
    if summary.warehouse_rejections:
        console.print(
            "Xem lý do từng dòng bị từ chối: SELECT * FROM rejections, hoặc trang «Kiểm tra "
            "dữ liệu» (dashboards/kiem-tra.html, dựng bằng «thidua dashboards»)."
        )


@app.command(
    help=(
        "Dựng bản nháp clip báo cáo của một cụm thi đua cho một kỳ: kịch bản các cảnh (mở "
        "đầu, thành phần cụm, chỉ tiêu, xếp hạng, khen thưởng, sáng kiến, điểm nhấn từng đơn "
        "vị, hạn chế, phương hướng) với lời dẫn tiếng Việt lấy từ số liệu trong kho; ghi "
        "storyboard.json, storyboard.xlsx (để sửa), scenes/NN.png (1920×1080), narration.srt "
        "và preview.mp4.\n\n"
        "Sau khi sửa storyboard.xlsx: thidua clip --from THƯ_MỤC/storyboard.xlsx dựng lại khung "
        "hình, phụ đề và video, giữ nguyên lời văn đã sửa. Lệnh dựng từ kho không bao giờ ghi "
        "đè kịch bản đã sửa; --moi dựng bản nháp mới và cất bản đã sửa vào ban-da-sua/.\n\n"
        "Ví dụ: thidua clip --cluster 6 --period 2024-FY"
    )
)
def clip(
    cluster: int = typer.Option(None, "--cluster", help="Số cụm thi đua, ví dụ 6."),
    period: str = typer.Option(
        None, "--period", help="Kỳ: NĂM-H1 (sơ kết 6 tháng) hoặc NĂM-FY (tổng kết năm)."
    ),
    out: Path = typer.Option(None, "--out", help="Thư mục ghi clip (mặc định clips/cum{N}_{kỳ})."),
    warehouse: Path = typer.Option(
        paths.WAREHOUSE, "--warehouse", help="Tệp kho DuckDB (chỉ đọc)."
    ),
    from_xlsx: Path = typer.Option(
        None, "--from", help="Dựng lại từ storyboard.xlsx đã sửa (không cần kho dữ liệu)."
    ),
    force: bool = typer.Option(
        False,
        "--moi",
        "--force",
        help="Dựng bản nháp mới từ kho dù kịch bản đã được sửa (bản đã sửa được cất vào "
        "THƯ_MỤC/ban-da-sua/ trước).",
    ),
    machine_voice: bool = typer.Option(
        False,
        "--giong-may",
        help="Thêm giọng máy tiếng Việt (espeak-ng) làm bản nháp để nghe nhịp đọc; tệp "
        "voice/NN.wav|m4a|mp3 đã thu trong thư mục clip luôn được dùng trước.",
    ),
    debug: bool = typer.Option(False, "--debug", help="In chi tiết lỗi cho lập trình viên."),
) -> None:
    import time

    from pipeline import clip as clip_mod
    from pipeline.core.labels import ILLUSTRATIVE
    from pipeline.load.warehouse import WarehouseBusy
    from pipeline.publish.images import NoBrowser

    started = time.monotonic()

    def say(message: str) -> None:
        typer.echo(f"[{time.monotonic() - started:5.1f} giây] {message}")

    if from_xlsx is None and (cluster is None or period is None):
        _fail(
            "Cần --cluster và --period (ví dụ: thidua clip --cluster 6 --period 2024-FY), "
            "hoặc --from THƯ_MỤC/storyboard.xlsx để dựng lại sau khi sửa.",
            EXIT_USAGE,
        )
    try:
        if from_xlsx is not None:
            sb, warnings = clip_mod.rerender(from_xlsx, progress=say, machine_voice=machine_voice)
            folder = from_xlsx.parent
            for warning in warnings:
                typer.echo(f"Lưu ý: {warning}", err=True)
        else:
            folder = out or clip_mod.default_out(cluster, period)
            sb = clip_mod.make_clip(
                warehouse,
                cluster,
                period,
                folder,
                progress=say,
                force=force,
                machine_voice=machine_voice,
            )
    except clip_mod.EditsKept as exc:
        typer.echo(str(exc))
        raise typer.Exit(0) from None
    except clip_mod.ClipError as exc:
        if debug:
            raise
        _fail(str(exc), EXIT_USAGE if exc.usage else EXIT_FATAL)
    except (NoBrowser, WarehouseBusy) as exc:
        if debug:
            raise
        _fail(str(exc))
    except Exception as exc:
        if debug:
            raise
        _fail(
            f"Lỗi khi dựng clip: {type(exc).__name__}: {exc}\n"
            "(Chạy lại với --debug để xem chi tiết.)"
        )
    kept = sb.kept()
    typer.echo(
        f"Xong: {len(kept)} cảnh, {clip_mod.num(sb.total_duration())} giây"
        + (f" — {ILLUSTRATIVE}" if sb.illustrative else "")
        + f". Thư mục: {folder}/\n"
        f"  Xem: {folder / 'preview.mp4'}\n  Sửa: {folder / 'storyboard.xlsx'} rồi chạy "
        f"thidua clip --from {folder / 'storyboard.xlsx'}"
        + (f"\n  Tiếng: {sb.voice}" if sb.voice else "")
    )


def main() -> None:
    try:
        app(standalone_mode=True)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        sys.exit(code)
