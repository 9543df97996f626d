"""Vietnamese for the command line's own words: the parser's headings and errors.

typer (and the click it carries) reads a few strings through gettext, domain «messages»;
`install()` points that domain at the catalogue in `core/locale/` and asks for Vietnamese.
The words click writes without gettext (the usage prefix, the help option, its error
messages) are given in Vietnamese by `pipeline.cli` itself.
"""

from __future__ import annotations

import ast
import gettext
import os
import struct
from pathlib import Path

LOCALE = Path(__file__).parent / "locale"
CATALOGUE = LOCALE / "vi" / "LC_MESSAGES" / "messages.po"


def read_po(text: str) -> dict[str, str]:
    """msgid → msgstr of a simple .po file (no plurals, no contexts)."""
    out: dict[str, str] = {}
    key = None
    current: list[str] = []
    field = None

    def flush():
        if field == "msgstr" and key is not None:
            out[key] = "".join(current)

    msgid: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("msgid "):
            flush()
            field, msgid = "msgid", [ast.literal_eval(line[6:])]
            current = msgid
        elif line.startswith("msgstr "):
            key = "".join(msgid)
            field, current = "msgstr", [ast.literal_eval(line[7:])]
        elif line.startswith('"') and field:
            current.append(ast.literal_eval(line))
    flush()
    return out


def compile_po(catalog: dict[str, str]) -> bytes:
    """The GNU .mo bytes of a catalogue (what msgfmt writes, keys sorted)."""
    keys = sorted(catalog)
    ids = b""
    strs = b""
    offsets = []
    for k in keys:
        kb, vb = k.encode("utf-8"), catalog[k].encode("utf-8")
        offsets.append((len(ids), len(kb), len(strs), len(vb)))
        ids += kb + b"\0"
        strs += vb + b"\0"
    n = len(keys)
    key_start = 7 * 4 + 16 * n
    value_start = key_start + len(ids)
    koffsets, voffsets = [], []
    for o1, l1, o2, l2 in offsets:
        koffsets += [l1, o1 + key_start]
        voffsets += [l2, o2 + value_start]
    header = struct.pack("Iiiiiii", 0x950412DE, 0, n, 7 * 4, 7 * 4 + n * 8, 0, 0)
    return (
        header
        + struct.pack(f"{2 * n}i", *koffsets)
        + struct.pack(f"{2 * n}i", *voffsets)
        + (ids + strs)
    )


def ensure_compiled() -> Path:
    """messages.mo beside messages.po, rewritten when the .po is newer (or missing)."""
    mo = CATALOGUE.with_suffix(".mo")
    try:
        if not mo.exists() or mo.stat().st_mtime < CATALOGUE.stat().st_mtime:
            tmp = mo.with_suffix(".tmp")
            tmp.write_bytes(compile_po(read_po(CATALOGUE.read_text(encoding="utf-8"))))
            tmp.replace(mo)
    except OSError:
        pass  # a read-only install keeps the committed .mo
    return mo


def install() -> None:
    """Vietnamese for gettext's «messages» domain, whatever the machine's locale."""
    ensure_compiled()
    os.environ["LANGUAGE"] = "vi"
    gettext.bindtextdomain("messages", str(LOCALE))
