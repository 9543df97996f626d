"""LibreOffice, the last reader: a file the readers here refuse as damaged or as a format
they do not read (.xlsb calamine refuses, .fods, .numbers, a ZIP or OLE structure that does
not open) is converted to .xlsx by `soffice --headless --convert-to xlsx`, and that .xlsx
is read like any other file, guard first (`read.read_workbook`).

The bytes converted are the bytes `guard.open_once` read and hashed: they are written to a
private scratch folder (never under raw/, whose file is never opened again), with a user
profile of its own for each conversion, so two workers converting at once share nothing,
and a running LibreOffice of the analyst is never disturbed.  The profile's settings
(`registrymodifications.xcu`): links to other files or the web never updated, formulas
never recalculated on load (the cached values are what the sender saw; a WEBSERVICE()
would fetch), macros disabled and never run, links from untrusted documents blocked.  Where
`unshare` may make a network namespace (a root or user-namespace system), LibreOffice
runs without a network at all.

LibreOffice runs in its own process group and session, its output to a scratch file (the
analyst sees nothing of it), with at most `SECONDS` of wall time (then the whole group is
killed), the address space of the worker that starts it, at most `MEMORY_BYTES`
(RLIMIT_AS, inherited by its helper processes), and no file it writes larger than the
unpacked-size limit (RLIMIT_FSIZE).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

from pipeline.ingest import guard

try:  # one conversion, at most (a file that hangs LibreOffice)
    SECONDS = float(os.environ.get("THIDUA_LIBREOFFICE_SECONDS", "60"))
except ValueError:
    SECONDS = 60.0
MEMORY_BYTES = 1 << 30  # what soffice needs for a small sheet: ~220 MiB resident, 470 mapped

INSTALL_HINT = (
    "Nếu máy chạy chương trình có cài LibreOffice (sudo apt-get install libreoffice-calc), "
    "tệp này có thể được đọc qua LibreOffice."
)

# the profile's settings: nothing fetched, nothing run, nothing recalculated
_SETTINGS = {
    "/org.openoffice.Office.Calc/Content/Update": {"Link": ("int", "1")},  # never
    "/org.openoffice.Office.Calc/Formula/Load": {
        "OOXMLRecalcMode": ("int", "1"),  # never
        "ODFRecalcMode": ("int", "1"),
    },
    "/org.openoffice.Office.Common/Security/Scripting": {
        "MacroSecurityLevel": ("int", "3"),
        "DisableMacrosExecution": ("boolean", "true"),
        "BlockUntrustedRefererLinks": ("boolean", "true"),
    },
    "/org.openoffice.Office.Common/Misc": {"UseLocking": ("boolean", "false")},
}


class Failed(Exception):
    """LibreOffice did not convert the file; the message is for the analyst (Vietnamese)."""


class NotInstalled(Failed):
    """No `soffice` on the PATH."""


def soffice() -> str | None:
    """LibreOffice's command, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_xlsx(data: bytes, suffix: str, seconds: float | None = None) -> bytes:
    """`data` (a file's bytes, `suffix` its extension) as LibreOffice saves it in .xlsx.
    Raises `NotInstalled`, or `Failed` when LibreOffice refuses, crashes or times out."""
    exe = soffice()
    if exe is None:
        raise NotInstalled(INSTALL_HINT)
    seconds = SECONDS if seconds is None else seconds
    lim = guard.limits()
    # only the extension is kept of the name (LibreOffice picks a filter by it, then by the
    # content): the name under raw/ never reaches a command line
    ext = suffix.lower() if re.fullmatch(r"\.[a-z0-9]{1,8}", suffix.lower()) else ".bin"
    with tempfile.TemporaryDirectory(prefix="thidua-lo-") as tmp:
        root = Path(tmp)
        for sub in ("in", "out", "tmp", "profile/user"):
            (root / sub).mkdir(parents=True)
        src = root / "in" / f"tep{ext}"
        src.write_bytes(data)
        (root / "profile/user/registrymodifications.xcu").write_text(_registry(), "utf-8")
        cmd = [
            *_no_network(),
            exe,
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--nologo",
            "--nodefault",
            f"-env:UserInstallation={(root / 'profile').as_uri()}",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(root / "out"),
            str(src),
        ]
        env = dict(os.environ, TMPDIR=str(root / "tmp"), HOME=str(root / "tmp"))
        with open(root / "log", "wb") as log:
            try:
                proc = subprocess.Popen(
                    cmd,
                    cwd=root,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    env=env,
                    start_new_session=True,  # its own group: killed whole on a timeout
                    preexec_fn=_child_limits(lim.max_unpacked_bytes),
                )
            except OSError as exc:
                raise NotInstalled(INSTALL_HINT) from exc
            try:
                proc.wait(timeout=seconds)
            except subprocess.TimeoutExpired:
                shown = f"{seconds:g}".replace(".", ",")  # 0,5 giây
                raise Failed(f"LibreOffice cũng không chuyển được tệp sau {shown} giây.") from None
            finally:
                _kill_group(proc)
        out = root / "out" / "tep.xlsx"
        try:
            size = out.stat().st_size
        except OSError:
            size = 0
        if proc.returncode != 0 or size == 0:
            raise Failed("LibreOffice cũng không đọc được tệp.")
        if size > lim.max_file_bytes:
            raise Failed(
                "LibreOffice chuyển được tệp nhưng tệp .xlsx nhận được vượt giới hạn cỡ một tệp."
            )
        return out.read_bytes()


def _registry() -> str:
    items = []
    for path, props in _SETTINGS.items():
        for name, (kind, value) in props.items():
            items.append(
                f'<item oor:path="{path}"><prop oor:name="{name}" oor:op="fuse" '
                f'oor:type="xs:{kind}"><value>{value}</value></prop></item>'
            )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        + "\n".join(items)
        + "\n</oor:items>\n"
    )


def _child_limits(max_file_bytes: int):
    """Limits set in the child before soffice starts: the worker's address space (never
    more, at most `MEMORY_BYTES`) and the size of any file it writes."""

    def apply() -> None:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        want = MEMORY_BYTES if soft == resource.RLIM_INFINITY else min(soft, MEMORY_BYTES)
        if hard != resource.RLIM_INFINITY:
            want = min(want, hard)
        resource.setrlimit(resource.RLIMIT_AS, (want, hard))
        fsoft, fhard = resource.getrlimit(resource.RLIMIT_FSIZE)
        fwant = max_file_bytes if fhard == resource.RLIM_INFINITY else min(fhard, max_file_bytes)
        resource.setrlimit(resource.RLIMIT_FSIZE, (fwant, fhard))

    return apply


def _kill_group(proc: subprocess.Popen) -> None:
    """The group LibreOffice started in, ended (its soffice.bin and helpers with it)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


@lru_cache(maxsize=1)
def _no_network() -> tuple[str, ...]:
    """`unshare --net --map-root-user --` where this system lets a process make a network
    namespace of its own (LibreOffice then has no network at all), else nothing."""
    exe = shutil.which("unshare")
    if exe is None:
        return ()
    cmd = (exe, "--net", "--map-root-user", "--")
    try:
        ok = subprocess.run(
            [*cmd, "true"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired):
        return ()
    return cmd if ok.returncode == 0 else ()
