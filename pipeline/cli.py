"""The `thidua` command line.

Exit status of build and check: 0 everything loaded or valid; 3 some rows or files were
rejected (the rest loaded); 1 a fatal error (the warehouse is unchanged); 2 a usage error.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from pipeline import paths
from pipeline.publish.meeting_pages import PAGES as MEETING_PAGES

EXIT_OK, EXIT_FATAL, EXIT_USAGE, EXIT_REJECTED = 0, 1, 2, 3
HELP_TEXT = "Hiện trợ giúp này rồi thoát."


# -- the parser's own words in Vietnamese ------------------------------------------------------
# typer's click reads only a few strings through gettext (core/locale holds them); the usage
# prefix, the help option and the error messages it writes itself are set here. Every
# command, including ones added later, is reached through `VietGroup.get_command`.


class VietFormatter(typer._click.formatting.HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, "Cách dùng: " if prefix is None else prefix)


class VietContext(typer._click.Context):
    formatter_class = VietFormatter


def _vietnamese(command, ctx=None):
    command.context_class = VietContext
    command.options_metavar = "[TÙY CHỌN]"
    if ctx is not None:
        option = command.get_help_option(ctx)
        if option is not None:
            option.help = HELP_TEXT
    return command


class VietGroup(typer.core.TyperGroup):
    context_class = VietContext

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.options_metavar = "[TÙY CHỌN]"
        self.subcommand_metavar = "LỆNH [THAM SỐ]..."

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP_TEXT
        return option

    def get_command(self, ctx, cmd_name):
        command = super().get_command(ctx, cmd_name)
        return _vietnamese(command, ctx) if command is not None else None


app = typer.Typer(
    cls=VietGroup,
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
    help=(
        "thidua — dữ liệu thi đua, khen thưởng ngành Kiểm sát nhân dân.\n\n"
        "Nạp các bảng tính trong thư mục raw/ (xlsx, xlsm, xls, ods, csv) vào kho DuckDB, "
        "kiểm tra từng dòng và ghi lý do mọi dòng bị từ chối (view «rejections»).\n\n"
        "Mã thoát: 0 = tất cả đã nạp/hợp lệ; 3 = có dòng hoặc tệp bị từ chối (phần còn lại "
        "đã nạp); 1 = lỗi nghiêm trọng (kho không thay đổi); 2 = sai cú pháp lệnh.\n\n"
        "Xem trợ giúp của từng lệnh: thidua LỆNH -h"
    ),
)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("thidua")
    except PackageNotFoundError:  # pragma: no cover - run from a plain checkout
        return "chưa cài đặt"


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"thidua phiên bản {_version()}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _root(
    version: bool = typer.Option(
        False,
        "--version",
        "-V",
        callback=_show_version,
        is_eager=True,
        help="In số phiên bản rồi thoát.",
    ),
) -> None:
    """Options of the whole program (only --version today)."""


def _fail(message: str, code: int = EXIT_FATAL) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def _not_in_raw(target: Path | None, what: str, raw: Path = paths.RAW) -> None:
    """Refuse (exit 2) an output inside the raw folder: raw/ is never written, and a file
    written there would be read by the next build as if it were received data."""
    if target is None:
        return
    base, here = Path(raw).resolve(), Path(target).resolve()
    if here == base or base in here.parents:
        _fail(
            f"Không ghi {what} «{target}» vào trong thư mục dữ liệu gốc «{raw}»: thư mục này "
            "chỉ chứa bảng tính nhận được và không bao giờ bị ghi (tệp ghi vào đó sẽ bị nạp "
            "như số liệu ở lần nạp sau). Hãy chọn một thư mục khác.",
            EXIT_USAGE,
        )


# -- ordinary errors in one sentence -----------------------------------------------------------


def plain_error(exc: BaseException, warehouse: Path | None = None) -> str | None:
    """One Vietnamese sentence, with what to do, for an error an analyst can fix; None for
    anything else (a bug: the caller shows the short form and suggests --debug)."""
    import errno

    import duckdb

    name = getattr(exc, "filename", None)
    where = f"«{name}»" if name else "đích ghi"
    if isinstance(exc, FileExistsError):
        return (
            f"Đường dẫn {where} là một tệp, không phải thư mục: chọn một thư mục khác "
            "(tùy chọn --out) hoặc đổi tên tệp đó."
        )
    if isinstance(exc, NotADirectoryError):
        return (
            f"Đường dẫn {where} là một tệp, không phải thư mục: chọn một thư mục khác "
            "(tùy chọn --out) hoặc đổi tên tệp đó."
        )
    if isinstance(exc, IsADirectoryError):
        return (
            f"{where[0].upper() + where[1:]} là một thư mục, không phải tệp: hãy chỉ đến một tệp."
        )
    if isinstance(exc, PermissionError) or getattr(exc, "errno", None) == errno.EROFS:
        return (
            f"Không có quyền ghi vào {where} (ổ chỉ đọc hoặc thiếu quyền): chọn thư mục khác "
            "(tùy chọn --out) hoặc nhờ quản trị máy cấp quyền ghi."
        )
    if getattr(exc, "errno", None) == errno.ENOSPC:
        return "Ổ đĩa đã đầy: giải phóng chỗ trống rồi chạy lại lệnh."
    if isinstance(exc, FileNotFoundError) and str(exc) and not name:
        return str(exc)  # our own messages (e.g. «Chưa có kho dữ liệu …»)
    if isinstance(exc, FileNotFoundError):
        return f"Không tìm thấy {where}: kiểm tra lại đường dẫn."
    wh = f"«{warehouse}»" if warehouse else "kho dữ liệu"
    rebuild = (
        f"Kho có thể dựng lại từ raw/: xóa tệp {wh} (và tệp .read.duckdb cạnh nó) rồi chạy "
        "«make run» hoặc «thidua build»."
    )
    if isinstance(exc, (duckdb.CatalogException, duckdb.BinderException)):
        return f"Kho dữ liệu {wh} được tạo bởi một phiên bản cũ (thiếu bảng hoặc cột): {rebuild}"
    if isinstance(exc, duckdb.Error) and not isinstance(exc, duckdb.InterruptException):
        return f"Kho dữ liệu {wh} bị hỏng hoặc không phải tệp DuckDB (có thể bị cắt dở): {rebuild}"
    if isinstance(exc, OSError):
        return f"Lỗi đọc/ghi tệp {where}: {exc.strerror or exc}. Kiểm tra đường dẫn và quyền ghi."
    return None


def _fatal(exc: BaseException, warehouse: Path | None, debug: bool, prefix: str = "") -> None:
    if debug:
        raise exc
    message = plain_error(exc, warehouse)
    if message is None:
        message = (
            f"{prefix}Lỗi không lường trước ({type(exc).__name__}: {exc}). Chạy lại với --debug "
            "để xem chi tiết và gửi cho người phát triển."
        )
    _fail(message)


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

    global _EXIT_AT_ONCE
    _EXIT_AT_ONCE = True  # (read by `main`: the build closes everything it opened)
    if not raw.is_dir():
        _fail(f"Không có thư mục dữ liệu gốc «{raw}»: kiểm tra lại --raw.", EXIT_USAGE)
    _not_in_raw(warehouse, "kho dữ liệu", raw)
    # before DuckDB is imported: a validation process forked now inherits none of it
    validator, listing = build_mod.start_validator(raw, warehouse)
    try:
        summary, states = _build(build_mod, raw, warehouse, wait, quiet, debug, validator)
    finally:
        if validator is not None:
            validator.close()
    build_mod.remember_listing(raw, warehouse, listing)
    report = _after_build(warehouse, states.get("before", {}), states.get("after"))
    _print_summary(summary, warehouse, report, raw, quiet)
    raise typer.Exit(EXIT_REJECTED if summary.warehouse_rejections else EXIT_OK)


def _build(build_mod, raw: Path, warehouse: Path, wait: float, quiet: bool, debug: bool, validator):
    """`build.build`, its errors said in Vietnamese: its summary, and what readers saw
    before and after it (`on_state`)."""
    from pipeline.load.warehouse import WarehouseBusy

    states: dict[str, dict] = {}

    def on_state(when: str, con) -> None:
        if when == "publishing":  # the totals summed now are kept in the snapshot too: a
            # build that finds the snapshot is not the warehouse's reads them, not sums them
            try:
                _kept_figures(con)
            except Exception:  # (then summed when read)
                pass
            return
        # the warehouse as readers see it, read on the build's own connection when the
        # snapshot is a copy of it (no second DuckDB instance), else from the snapshot
        if when == "after" and states.get("before", {}).get("stamp") == _snapshot_stamp(warehouse):
            return  # nothing published since: the state before is the state after
        try:
            states[when] = _read_state(warehouse, con) if con is not None else _state(warehouse)
        except Exception:
            states[when] = _state(warehouse) if when == "before" else {}

    try:
        summary = build_mod.build(
            raw,
            warehouse,
            progress=not quiet and sys.stderr.isatty(),
            wait_seconds=wait,
            on_state=on_state,
            validator=validator,
        )
    except WarehouseBusy:
        _fail(
            f"Kho dữ liệu đang bận: một tiến trình khác đang ghi vào «{warehouse}». Hãy đợi "
            "tiến trình đó chạy xong rồi chạy lại lệnh. Kho không thay đổi."
        )
    except build_mod.CommittedNotPublished as exc:  # after the commit: not "unchanged"
        if debug:
            raise
        _fail(exc.vietnamese())
    except Exception as exc:
        _fatal(exc, warehouse, debug, "Kho dữ liệu không thay đổi. ")
    return summary, states


@app.command(
    help=(
        "Chỉ kiểm tra các tệp (không ghi gì vào kho) và in mọi lỗi: tệp, trang tính, dòng, "
        "cột, giá trị và điều cần sửa. Một thư mục: kiểm tra mọi bảng tính trong đó."
    )
)
def check(
    files: list[Path] = typer.Argument(
        ..., metavar="TỆP_HOẶC_THƯ_MỤC...", help="Các tệp bảng tính (hoặc thư mục) cần kiểm tra."
    ),
    debug: bool = typer.Option(False, "--debug", help="In chi tiết lỗi cho lập trình viên."),
) -> None:
    from pipeline import build as build_mod

    missing = [str(f) for f in files if not f.exists() and not f.is_symlink()]
    if missing:
        _fail("Không tìm thấy tệp hoặc thư mục: " + ", ".join(missing), EXIT_USAGE)
    expanded: list[Path] = []
    for f in files:
        expanded += [p for _, p in build_mod.discover(f)] if f.is_dir() else [f]
    if not expanded:
        _fail(
            "Không có bảng tính nào (xlsx, xlsm, xls, ods, csv) trong: "
            + ", ".join(str(f) for f in files),
            EXIT_USAGE,
        )
    try:
        prepared = build_mod.check(expanded)
    except Exception as exc:
        _fatal(exc, None, debug)
    for row in prepared.sheet_rows:
        if row["status"] == "skipped":
            typer.echo(
                f"Bỏ qua: tệp «{row['source_file']}», trang «{row['sheet']}»: {row['reason']}."
            )
    for rej in sorted(prepared.rejections, key=_rejection_order):
        typer.echo(rej["message"])
    for row in prepared.file_rows:  # read, but not as saved (LibreOffice, a code page guessed)
        if row["status"] == "loaded" and row["message"]:
            typer.echo(f"Ghi chú khi đọc tệp «{row['source_file']}»: {row['message']}")
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
def template(
    out: Path = typer.Option(paths.TEMPLATES, "--out", help="Thư mục ghi biểu mẫu."),
    debug: bool = typer.Option(False, "--debug", help="In chi tiết lỗi cho lập trình viên."),
):
    _not_in_raw(out, "biểu mẫu")
    from pipeline.publish.template import write_templates

    try:
        written = write_templates(out)
    except Exception as exc:
        _fatal(exc, None, debug)
    for path in written:
        typer.echo(f"Đã ghi {path}")


WAREHOUSE_OPTION = typer.Option(paths.WAREHOUSE, "--warehouse", help="Tệp kho DuckDB (chỉ đọc).")


def _reader_errors(debug: bool, warehouse: Path | None = None):
    """Turn the errors an analyst can fix (missing, damaged or old warehouse, a target that
    is a file or read-only, no browser) into one plain sentence and exit 1."""
    import contextlib

    @contextlib.contextmanager
    def guard():
        from pipeline.load.warehouse import WarehouseBusy
        from pipeline.publish.images import NoBrowser

        try:
            yield
        except (typer.Exit, typer._click.exceptions.ClickException):
            raise
        except (NoBrowser, WarehouseBusy) as exc:
            if debug:
                raise
            _fail(str(exc))
        except Exception as exc:
            _fatal(exc, warehouse, debug)

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
    _not_in_raw(out, "trang tổng hợp")
    from pipeline.publish.dashboards import build_site

    names: list[str] = []
    with _reader_errors(debug, warehouse):
        pages = build_site(warehouse, out, progress=names.append)
    typer.echo(
        f"Đã dựng {len(pages)} trang ({', '.join(names)}) vào {out}/ — mở {out / 'index.html'}"
    )


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
    template: Path | None = typer.Option(
        None,
        "--template",
        help="Tệp PowerPoint mẫu của cơ quan (.pptx): bản trình chiếu dùng trang cái, bố cục "
        "và khổ trang của tệp mẫu, bỏ các trang có sẵn trong đó.",
    ),
    pages: str | None = typer.Option(
        None,
        "--trang",
        help="Chỉ các trang này, theo thứ tự viết, cách nhau bằng dấu phẩy (mặc định: tất cả): "
        + "; ".join(f"{k} = {v}" for k, v in MEETING_PAGES.items())
        + ". Ví dụ: --trang tieu-de,tong-quan,xep-hang",
    ),
    warehouse: Path = WAREHOUSE_OPTION,
    debug: bool = typer.Option(False, "--debug", help="In chi tiết lỗi cho lập trình viên."),
) -> None:
    _not_in_raw(out, "tài liệu họp")
    import re

    from pipeline.load.warehouse import open_reader
    from pipeline.publish import meeting as meeting_mod

    if not re.fullmatch(r"\d{4}-(H1|FY)", period):
        _fail(f"Kỳ «{period}» không hợp lệ: cần dạng 2024-H1 hoặc 2024-FY.", EXIT_USAGE)
    try:
        keys = meeting_mod.parse_pages(pages)
        meeting_mod._deck(template)  # a template that cannot be used: said before any work
    except meeting_mod.BadChoice as exc:
        _fail(str(exc), EXIT_USAGE)
    with _reader_errors(debug):
        con = open_reader(warehouse)
        try:
            typer.echo("Đang vẽ biểu đồ và ghi tệp…")
            deck, book = meeting_mod.write(con, cluster, period, out, template, keys)
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
    _not_in_raw(out, "báo cáo")
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
    _not_in_raw(out, "danh sách ứng viên")
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


SHOWN_REJECTIONS = 10


FIGURES = [  # (label, unit, SQL): the totals a build can move, said after it
    ("kết quả chỉ tiêu", "dòng", "SELECT count(*) FROM indicator_results"),
    ("điểm thi đua", "dòng", "SELECT count(*) FROM scores"),
    ("khen thưởng", "lượt", "SELECT coalesce(sum(count), 0) FROM awards"),
    ("sáng kiến, đề tài", "", "SELECT coalesce(sum(count), 0) FROM initiatives"),
    ("người, tập thể trong danh sách khen thưởng", "", "SELECT count(*) FROM recipients"),
]


def _snapshot_stamp(warehouse: Path) -> tuple | None:
    """Which read snapshot is in place (a build that changed nothing publishes none)."""
    from pipeline.load.warehouse import snapshot_path

    try:
        st = snapshot_path(warehouse).stat()
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def _read_state(warehouse: Path, con=None) -> dict:
    """What the newest read snapshot holds: source_file → sha256, the totals, each file's
    status, the rejections.  `con`: the writer's connection, when the snapshot is a copy
    of what it sees (it stays open)."""
    from pipeline.load.warehouse import open_reader

    stamp = _snapshot_stamp(warehouse)
    own = con is None
    if own:
        con = open_reader(warehouse)
    try:
        figures = _kept_figures(con, keep=not own)
        loads = con.execute(
            "SELECT source_file, sha256, status, coalesce(rows_rejected, 0) FROM loads"
        ).fetchall()
        rejections = con.execute(
            """SELECT source_file, sheet, row_no, message FROM rejections
               ORDER BY source_file, sheet NULLS FIRST, row_no NULLS FIRST"""
        ).fetchall()
    finally:
        if own:
            con.close()
    return {
        "stamp": stamp,
        "files": {f: sha for f, sha, _, _ in loads},
        "status": {f: status for f, _, status, _ in loads},
        "rows_rejected": sum(n for *_, n in loads),
        "figures": {label: float(v) for (label, _, _), v in zip(FIGURES, figures, strict=True)},
        "rejections": rejections,
    }


def _figures(con) -> list[float]:
    sql = "SELECT " + ", ".join(f"({sql})" for _, _, sql in FIGURES)
    return [float(v) for v in con.execute(sql).fetchall()[0]]


def _kept_figures(con, keep: bool = True) -> list[float]:
    """The totals: summed once per change of the warehouse and kept with its build id (a
    re-run with nothing changed reads them, ≈ 40 ms of queries), also in the read snapshot
    (kept before it is copied).  `keep`: the writer's connection (else a reader's: they
    are summed if not kept, not written)."""
    from pipeline.load import warehouse as wh

    build_id = wh.build_id(con)
    kept = wh.read_state(con, "figures") or {}
    values = kept.get("values")
    if build_id is not None and kept.get("build_id") == build_id:
        if isinstance(values, list) and len(values) == len(FIGURES):
            return [float(v) for v in values]
    figures = _figures(con)
    if build_id is not None and keep:
        wh.write_state(con, "figures", {"build_id": build_id, "values": figures})
    return figures


def _state(warehouse: Path) -> dict:
    """The warehouse as readers see it before a build ({} if there is none yet or it
    cannot be read: the build then says what is wrong)."""
    try:
        return _read_state(warehouse)
    except Exception:
        return {}


def _after_build(warehouse: Path, state: dict, after: dict | None = None) -> dict:
    """What this build changed (files new, replaced, removed), the rejections and the
    superseded files now in the warehouse; written beside the warehouse for the site.
    `after`: the state read once the snapshot was published (else it is read here)."""
    from datetime import datetime

    from pipeline.publish import changes

    before, figures_before = state.get("files", {}), state.get("figures", {})
    # the snapshot read before the build is still the one in place: nothing to read again
    now = state if state and _snapshot_stamp(warehouse) == state["stamp"] else None
    if now is None and after and _snapshot_stamp(warehouse) == after["stamp"]:
        now = after
    if now is None:
        now = _read_state(warehouse)
    figures, after, status = now["figures"], now["files"], now["status"]
    rejections, rows_rejected = now["rejections"], now["rows_rejected"]
    report = {
        "built_at": datetime.now().isoformat(timespec="seconds"),
        "first_build": not before,
        "new": sorted(f for f in after if f not in before),
        "replaced": sorted(f for f in after if f in before and before[f] != after[f]),
        "removed": sorted(f for f in before if f not in after),
        "superseded": sorted(f for f, s in status.items() if s == "superseded"),
        "partly_superseded": sorted(f for f, s in status.items() if s == "partly_superseded"),
        "rejected_files": sorted(f for f, s in status.items() if s == "rejected"),
        "moved": [
            [label, unit, figures_before[label], figures[label]]
            for label, unit, _ in FIGURES
            if figures_before and figures_before.get(label) != figures[label]
        ],
        "rows_rejected": int(rows_rejected),
        "rejections": [list(r) for r in rejections],
    }
    try:
        changes.write(warehouse, report)
    except OSError:
        pass  # the list is a convenience of the site; the build itself has succeeded
    return report


def _files(names: list[str], limit: int = 3) -> str:
    shown = ", ".join(f"«{n}»" for n in names[:limit])
    return shown + (f" và {len(names) - limit} tệp khác" if len(names) > limit else "")


def _print_summary(summary, warehouse: Path, report: dict, raw: Path, quiet: bool = False) -> None:
    """A short account: files, rows, what changed, skipped sheets in one line, and each
    rejection (the first ten) with where to read the rest."""
    from collections import Counter

    from pipeline.core.text import format_vn

    def n(value) -> str:
        return format_vn(float(value))

    echo = typer.echo
    echo(f"Đã nạp vào kho {warehouse} ({format_vn(summary.seconds, 1)} giây).")
    echo(
        f"  Tệp trong {raw}/: {n(summary.files_seen)} — {n(summary.files_changed)} mới hoặc đã sửa "
        f"(đã đọc), {n(summary.files_unchanged)} không đổi (bỏ qua), "
        f"{n(summary.files_removed)} đã xóa khỏi {raw}/ (gỡ khỏi kho)."
    )
    if summary.files_changed:
        echo(
            f"  Dòng số liệu của các tệp vừa đọc: {n(summary.rows_read)} = {n(summary.rows_loaded)} "
            f"đã nạp + {n(summary.rows_rejected)} bị từ chối."
        )
    changed = [
        (report["new"], "mới"),
        (report["replaced"], "thay bằng bản mới"),
        (report["removed"], "đã gỡ"),
    ]
    if report["first_build"]:
        echo("  Thay đổi: lần nạp đầu tiên, mọi tệp đều mới.")
    elif any(names for names, _ in changed):
        echo(
            "  Thay đổi: "
            + "; ".join(
                f"{len(names)} tệp {what} ({_files(names)})" for names, what in changed if names
            )
            + "."
        )
    elif summary.files_changed:
        # read again (a warehouse rebuilt beside the snapshot readers still had): the files
        # readers see are the same, but «kho giữ nguyên» would not be true
        echo(
            f"  Thay đổi: {n(summary.files_changed)} tệp được đọc lại, cùng các tệp và nội dung "
            "người đọc đang xem; không có tệp nào mới, sửa hay xóa."
        )
    else:
        echo("  Thay đổi: không có tệp nào mới, sửa hay xóa; kho giữ nguyên.")
    if report["moved"]:
        echo(
            "  Số liệu đã đổi: "
            + "; ".join(
                f"{label} {n(a)} → {n(b)}{' ' + unit if unit else ''} ({'+' if b > a else ''}"
                f"{n(b - a)})"
                for label, unit, a, b in report["moved"]
            )
            + "."
        )
    replaced = len(report["superseded"]) + len(report["partly_superseded"])
    if replaced:
        echo(
            f"  Tệp bị thay thế bởi tệp mới hơn cùng đơn vị, kỳ và loại bảng: {n(replaced)} "
            f"({n(len(report['superseded']))} toàn bộ, {n(len(report['partly_superseded']))} "
            "một phần) — số liệu không bao giờ bị tính hai lần."
        )
    if summary.skipped_sheets:
        names = Counter(sheet for _, sheet, _ in summary.skipped_sheets)
        top = ", ".join(f"«{name}» ×{count}" for name, count in names.most_common(4))
        echo(
            f"  Bỏ qua {n(len(summary.skipped_sheets))} trang tính không phải bảng số liệu ({top}"
            f"{', …' if len(names) > 4 else ''}): xem view «sheets» (status = 'skipped')."
        )
    if report["rejected_files"]:
        echo(f"  Tệp bị từ chối cả tệp: {_files(report['rejected_files'])}.")
    if summary.noted_files:  # loaded, but read another way than saved: the analyst checks it
        noted = summary.noted_files
        echo(f"  Tệp đã nạp kèm ghi chú khi đọc (view «loads», cột message): {n(len(noted))}")
        for name, note in noted[:3]:
            echo(f"    • «{name}»: {note}")
        if len(noted) > 3:
            echo(f"    … và {n(len(noted) - 3)} tệp khác.")
    rejections = report["rejections"]
    if not rejections:
        echo("  Không có lỗi nào trong kho.")
        return
    other = len(rejections) - report["rows_rejected"]
    echo(
        f"Lỗi trong kho (view «rejections», của mọi tệp đang nạp): {n(len(rejections))} — "
        f"{n(report['rows_rejected'])} dòng số liệu bị từ chối (không nạp)"
        + (
            f" và {n(other)} lỗi khác (dòng tổng cộng lệch, lỗi của cả tệp, một dòng nhiều lỗi)"
            if other > 0
            else ""
        )
        + ":"
    )
    if quiet:
        echo("  (Danh sách: SELECT * FROM rejections, hoặc trang «Kiểm tra dữ liệu».)")
        return
    for _, _, _, message in rejections[:SHOWN_REJECTIONS]:
        echo(f"  • {message}")
    more = len(rejections) - SHOWN_REJECTIONS
    echo(
        (f"  … và {n(more)} lỗi khác: xem" if more > 0 else "  Xem lại:")
        + " SELECT * FROM rejections, hoặc trang «Kiểm tra dữ liệu» (dashboards/kiem-tra.html)."
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
    _not_in_raw(out, "clip")
    import time

    from pipeline import clip as clip_mod
    from pipeline.core.labels import ILLUSTRATIVE
    from pipeline.load.warehouse import WarehouseBusy
    from pipeline.publish.images import NoBrowser

    started = time.monotonic()

    def say(message: str) -> None:
        # seconds written the Vietnamese way (4,2), like every other figure on the terminal
        seconds = f"{time.monotonic() - started:5.1f}".replace(".", ",")
        typer.echo(f"[{seconds} giây] {message}")

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
        f"thidua clip --from {folder / 'storyboard.xlsx'}\n"
        f"  Lời dẫn cho người đọc: {folder / clip_mod.DOCX_NAME}"
        + (f"\n  Tiếng: {sb.voice}" if sb.voice else "")
    )


USAGE_WORDS = [
    (r"Got unexpected extra argument(?:s|\(s\))? \((.*)\)", "thừa tham số «{0}»"),
    (r"'(.*)' is not a valid int(?:eger)?( range)?\.", "«{0}» không phải số nguyên"),
    (r"'(.*)' is not a valid float( range)?\.", "«{0}» không phải số"),
    (r"'(.*)' is not a valid boolean\.", "«{0}» không phải có/không"),
    (r"'(.*)' is not one of (.*)\.", "«{0}» không thuộc các giá trị {1}"),
    (r"Option '(.*)' requires an argument\.", "tùy chọn «{0}» cần một giá trị"),
    (r"Option '(.*)' does not take a value\.", "tùy chọn «{0}» không nhận giá trị"),
    (r"(.*) requires an argument\.", "{0} cần một giá trị"),
]


def usage_message(exc) -> str:
    """A click usage error in Vietnamese (click writes these without gettext)."""
    import re

    from typer._click import exceptions as ce

    if isinstance(exc, ce.NoSuchOption):
        text = f"không có tùy chọn «{exc.option_name}»"
        if exc.possibilities:
            text += ". Có phải ý bạn là: " + ", ".join(sorted(exc.possibilities)) + "?"
        return text
    if isinstance(exc, ce.MissingParameter):
        param = exc.param
        hint = (
            exc.param_hint
            if isinstance(exc.param_hint, str)
            else " / ".join(exc.param_hint or [])
            if exc.param_hint
            else (param.get_error_hint(exc.ctx) if param is not None and exc.ctx else "")
        )
        kind = "tham số" if getattr(param, "param_type_name", "") == "argument" else "tùy chọn"
        return f"thiếu {kind} {hint.replace(chr(39), '')}".strip()
    message = exc.message
    for pattern, words in USAGE_WORDS:
        m = re.fullmatch(pattern, message)
        if m:
            message = words.format(*m.groups())
            break
    if isinstance(exc, ce.BadParameter):
        hint = exc.param_hint or (
            exc.param.get_error_hint(exc.ctx) if exc.param is not None and exc.ctx else ""
        )
        if not isinstance(hint, str):
            hint = " / ".join(hint)
        return f"giá trị không hợp lệ cho {hint.replace(chr(39), '')}: {message}"
    return message.replace("Did you mean", "Có phải ý bạn là")


def _show_usage_error(exc) -> None:
    ctx = exc.ctx
    if ctx is not None:
        typer.echo(ctx.get_usage(), err=True)
        typer.echo(f"Xem trợ giúp: {ctx.command_path} -h", err=True)
    typer.echo(f"Lỗi: {usage_message(exc)}", err=True)


# Set by a command that leaves nothing to the interpreter's teardown (its connections and
# files closed): `main`, run as the program, then ends the process without the teardown.
_EXIT_AT_ONCE = False


def _exit_at_once(code: int) -> None:
    """End the process now: the exit handlers run and the output is flushed, but not the
    interpreter's teardown, which after a build that validated (Great Expectations: some
    1 900 modules and their objects freed one by one) costs 0,4–0,6 s of CPU for nothing."""
    import atexit
    import os

    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: what it would have printed is lost
            pass
    os._exit(code)


def main(argv: list[str] | None = None) -> None:
    from typer._click import exceptions as ce

    from pipeline.core import i18n

    i18n.install()
    args = sys.argv[1:] if argv is None else argv
    try:
        code = app(args=args, prog_name="thidua", standalone_mode=False)
    except ce.NoArgsIsHelpError as exc:  # `thidua` alone: the help, nothing else
        typer.echo(exc.ctx.get_help())
        code = EXIT_USAGE
    except ce.UsageError as exc:
        _show_usage_error(exc)
        code = EXIT_USAGE
    except ce.Abort:
        typer.echo("Đã dừng.", err=True)
        code = EXIT_FATAL
    except ce.ClickException as exc:
        typer.echo(f"Lỗi: {exc.format_message()}", err=True)
        code = exc.exit_code
    except KeyboardInterrupt:
        typer.echo("Đã dừng (Ctrl+C).", err=True)
        code = 130
    except Exception as exc:  # a command let an error through: one sentence, or --debug
        if "--debug" in args:
            raise
        message = plain_error(exc) or (
            f"Lỗi không lường trước ({type(exc).__name__}: {exc}). Chạy lại với --debug để "
            "xem chi tiết và gửi cho người phát triển."
        )
        typer.echo(message, err=True)
        code = EXIT_FATAL
    code = code if isinstance(code, int) else EXIT_OK
    if argv is None and _EXIT_AT_ONCE:  # the program itself, not a caller in Python
        _exit_at_once(code)
    sys.exit(code)
