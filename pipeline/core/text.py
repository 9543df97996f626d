"""Vietnamese text and number normalisation: the one place where text is compared.

Everything read from a spreadsheet passes through `clean` (for display) or `fold` (for
matching).  Numbers written the Vietnamese way ("1.234", "95,5%") pass through
`parse_number`.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_SPACES = re.compile(r"\s+")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")

# Tone on the first vowel of a final "oa", "oe", "uy" (Thanh Hóa, Hòa Bình, Thủy) is the
# canonical placement here; "Thanh Hoá" and "Hoà Bình" are rewritten to it.
_TONES = "\u0300\u0301\u0303\u0309\u0323"  # grave, acute, tilde, hook, dot below
_OLD_TONE = re.compile(
    r"(?<![qQ])([oO])([aAeE])([" + _TONES + r"])(?![a-zA-Z\u0300-\u036f])"
    r"|(?<![qQ])([uU])([yY])([" + _TONES + r"])(?![a-zA-Z\u0300-\u036f])"
)

# Word-level spelling variants that survive diacritic folding.
_FOLD_WORDS = {"sy": "si", "dac": "dak", "lac": "lak"}
# Letters that look like Vietnamese ones but are not: old converters leave the Icelandic
# "Ð" (U+00D0) for "Đ" (U+0110), and its small "ð" for "đ".
_LOOKALIKES = str.maketrans({"\u00d0": "\u0110", "\u00f0": "\u0111"})
_MEMO = 1 << 16  # strings kept per memo: the same labels and names recur in every file


# `clean` and `fold` are the one comparison function of the project.  Reading asks the same
# questions of the same strings in every file (header labels, unit and award names), and
# folding Vietnamese text is the costly part, so the answers for strings are kept.


def clean(value: object) -> str:
    """Display form: NFC, canonical tone placement, look-alike letters replaced, single
    spaces, stripped."""
    return _clean_str(value) if type(value) is str else _clean(value)


def fold(value: object) -> str:
    """Matching key: no case, no diacritics, đ→d, punctuation as spaces, sỹ→sĩ."""
    return _fold_str(value) if type(value) is str else _fold(value)


@lru_cache(maxsize=_MEMO)
def _clean_str(text: str) -> str:
    return _clean(text)


@lru_cache(maxsize=_MEMO)
def _fold_str(text: str) -> str:
    return _fold(text)


def _clean(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    text = str(value).replace("\u00a0", " ").replace("\ufeff", "").translate(_LOOKALIKES)
    decomposed = unicodedata.normalize("NFD", text)
    decomposed = _OLD_TONE.sub(_move_tone, decomposed)
    return _SPACES.sub(" ", unicodedata.normalize("NFC", decomposed)).strip()


def _move_tone(m: re.Match) -> str:
    if m.group(1):
        return m.group(1) + m.group(3) + m.group(2)
    return m.group(4) + m.group(6) + m.group(5)


def _fold(value: object) -> str:
    text = unicodedata.normalize("NFD", clean(value).lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).replace("đ", "d")
    words = _NON_ALNUM.sub(" ", text).split()
    return " ".join(_FOLD_WORDS.get(w, w) for w in words)


def slug(value: object) -> str:
    return fold(value).replace(" ", "_")


# --- numbers ---------------------------------------------------------------------

_BLANKS = {"", "-", "--", "x", "X", "—", "–", "…", "...", "k", "0 "}
_NUM_TEXT = re.compile(r"^[+-]?[0-9][0-9.,\s]*%?$|^[+-]?[.,][0-9]+%?$")


@dataclass(frozen=True)
class Number:
    """A parsed cell: `value` is None for a blank ("-", "x", empty); `ok` is False when
    the cell held something that is not a number."""

    value: float | None
    ok: bool = True
    percent: bool = False


BLANK = Number(None)
BAD = Number(None, ok=False)
# Beyond 2**53 a number is no longer exact, and no figure in these reports comes near it
# (the largest, sums of money in đồng, stay below 10**16): such a cell is not read as a number.
MAX_NUMBER = float(2**53)


def parse_number(raw: object, percent_cell: bool = False) -> Number:
    """Read a number the way a Vietnamese spreadsheet writes it.

    "1.234" is one thousand two hundred and thirty-four; "95,5%" and "95.5 %" are 95.5
    (percent points); a numeric cell formatted as a percent holding 0.955 is 95.5.
    """
    if raw is None:
        return BLANK
    if isinstance(raw, bool):
        return BAD
    if isinstance(raw, (int, float)):
        if isinstance(raw, float) and math.isnan(raw):
            return BLANK
        value = float(raw)
        if not math.isfinite(value) or abs(value) > MAX_NUMBER:
            return BAD
        if percent_cell:
            return Number(round(value * 100, 10), percent=True)
        return Number(value)
    text = clean(raw)
    if text in _BLANKS:
        return BLANK
    compact = text.replace(" ", "")
    if not _NUM_TEXT.match(compact):
        return BAD
    percent = compact.endswith("%")
    body = compact.rstrip("%")
    sign = -1.0 if body.startswith("-") else 1.0
    body = body.lstrip("+-")
    value = _parse_digits(body)
    if value is None or not math.isfinite(value) or value > MAX_NUMBER:
        return BAD
    return Number(sign * value, percent=percent)


def _parse_digits(body: str) -> float | None:
    dots, commas = body.count("."), body.count(",")
    if dots and commas:
        # The later separator is the decimal one: "1.234,5" or "1,234.5".
        dec, thou = (",", ".") if body.rfind(",") > body.rfind(".") else (".", ",")
        body = body.replace(thou, "").replace(dec, ".")
    elif commas:
        body = _one_kind(body, ",")
    elif dots:
        body = _one_kind(body, ".")
    try:
        return float(body)
    except ValueError:
        return None


def _one_kind(body: str, sep: str) -> str:
    """A single kind of separator.  Dots are thousands when every group after them has
    three digits ("1.234", "12.345.678"), else the decimal mark ("0.955", "95.5"); a lone
    comma is the Vietnamese decimal mark ("95,5"), several are thousands ("1,234,567")."""
    head, *groups = body.split(sep)
    grouped = head not in ("", "0") and len(head) <= 3 and all(len(g) == 3 for g in groups)
    if grouped and (sep == "." or len(groups) > 1):
        return head + "".join(groups)
    if len(groups) > 1:
        return "not a number"
    return body.replace(sep, ".")


def format_vn(value: float | None, decimals: int = 1) -> str:
    """1234.5 → "1.234,5" (Vietnamese format); integers without decimals."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if float(value).is_integer():
        decimals = 0
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\u0000").replace(".", ",").replace("\u0000", ".")


def encode_cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows writes it: base letters precomposed, tones combining."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            base, *marks = unicodedata.normalize("NFD", ch)
            tones = "".join(m for m in marks if m in _TONES)
            rest = unicodedata.normalize("NFC", base + "".join(m for m in marks if m not in _TONES))
            out += rest.encode("cp1258") + tones.encode("cp1258")
    return bytes(out)
