"""Vietnamese text and number normalisation: the one place where text is compared.

Everything read from a spreadsheet passes through `clean` (for display) or `fold` (for
matching).  Numbers written the Vietnamese way ("1.234", "95,5%") pass through
`parse_number`.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from dataclasses import dataclass

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


def clean(value: object) -> str:
    """Display form: NFC, canonical tone placement, single spaces, stripped."""
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    text = str(value).replace("\u00a0", " ").replace("\ufeff", "")
    decomposed = unicodedata.normalize("NFD", text)
    decomposed = _OLD_TONE.sub(_move_tone, decomposed)
    return _SPACES.sub(" ", unicodedata.normalize("NFC", decomposed)).strip()


def _move_tone(m: re.Match) -> str:
    if m.group(1):
        return m.group(1) + m.group(3) + m.group(2)
    return m.group(4) + m.group(6) + m.group(5)


def fold(value: object) -> str:
    """Matching key: no case, no diacritics, đ→d, punctuation as spaces, sỹ→sĩ."""
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


# --- legacy Vietnamese encodings (TCVN3, VNI) -------------------------------------------
#
# Before Unicode, Vietnamese offices typed with 8-bit fonts: TCVN3 (ABC, fonts .VnTime /
# .VnTimeH) and VNI Windows (VNI-Times).  A spreadsheet typed that way stores Latin-1
# letters and symbols that only the old font draws as Vietnamese: "ViÖn kiÓm s¸t" (TCVN3)
# or "Vieän kieåm saùt" (VNI) for "Viện kiểm sát".  The byte tables are data, with their
# source, in reference/legacy_encodings.csv.  Detection works word by word: a word counts
# for an encoding when it is not a Vietnamese syllable as written but becomes one once
# decoded; genuine Unicode text (which always has letters beyond Latin-1, or is already
# made of syllables) never scores.

LEGACY_LABELS = {
    "TCVN3": "TCVN3 (ABC, phông .VnTime)",
    "VNI": "VNI Windows (phông VNI-Times)",
}
_LEGACY_WORD = re.compile(r"[^\s\-/.,;:()\[\]\"'!?0-9%+=*&|<>_]+")
_ONSET = "ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|b|c|d|đ|g|h|k|l|m|n|p|r|s|t|v|x"
_NUCLEUS = (
    "iêu|oai|oao|oay|oeo|uây|uôi|uya|uyê|uyu|ươi|ươu|yêu|"
    "ai|ao|au|ay|âu|ây|eo|êu|ia|iê|iu|oa|oă|oe|oi|ôi|ơi|oo|ua|uâ|uê|ui|uô|uơ|uy|ưa|ưi|ươ|ưu|yê|"
    "a|ă|â|e|ê|i|o|ô|ơ|u|ư|y"
)
_SYLLABLE = re.compile(rf"(?:{_ONSET})?(?:{_NUCLEUS})(?:ch|ng|nh|c|m|n|p|t)?")
_TONE_MARKS = set(_TONES)


@dataclass(frozen=True)
class LegacyText:
    encoding: str  # "TCVN3" or "VNI"
    label: str
    example: str  # a word as written in the file
    decoded: str  # the same word decoded
    words: int  # how many words decode to Vietnamese syllables


@functools.cache
def _legacy_tables() -> dict[str, dict[str, str]]:
    """encoding → {legacy characters (as cp1252 text) → Unicode}, read once per process."""
    import csv
    from pathlib import Path

    tables: dict[str, dict[str, str]] = {}
    path = Path(__file__).parent / "reference" / "legacy_encodings.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            legacy = bytes.fromhex(row["legacy_hex"]).decode("cp1252")
            uni = "".join(chr(int(h, 16)) for h in row["unicode_hex"].split())
            tables.setdefault(row["encoding"], {})[legacy] = uni
    return tables


def decode_legacy(text: str, encoding: str) -> str:
    """Text typed in a legacy font (as stored: Latin-1/cp1252 letters) → Unicode (NFC).

    TCVN3 capitals are typed in the capitals font .VnTimeH with the small letters' codes,
    so a word whose plain letters are all capitals is decoded in capitals ("VIÖN" → "VIỆN").
    """
    table = _legacy_tables()[encoding]
    return _WORD_OR_NOT.sub(lambda m: _decode_word(m.group(0), table), text)


_WORD_OR_NOT = re.compile(r"\S+")


def _decode_word(word: str, table: dict[str, str]) -> str:
    out, i = [], 0
    while i < len(word):
        pair = word[i:i + 2]
        if len(pair) == 2 and pair in table:
            out.append(table[pair])
            i += 2
            continue
        out.append(table.get(word[i], word[i]))
        i += 1
    decoded = unicodedata.normalize("NFC", "".join(out))
    plain = [c for c in word if c.isascii() and c.isalpha()]
    if plain and all(c.isupper() for c in plain) and decoded != word:
        return decoded.upper()
    return decoded


def is_syllable(word: str) -> bool:
    """A Vietnamese syllable in Unicode (any case, one tone mark at most)."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = [c for c in decomposed if c in _TONE_MARKS]
    if len(tones) > 1:
        return False
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
    return bool(_SYLLABLE.fullmatch(base))


def detect_legacy(texts, max_words: int = 50_000) -> LegacyText | None:
    """The legacy encoding the texts were typed in, or None for Unicode (or undecidable).

    An encoding is reported when at least three words (and at least half of the words that
    are not syllables as written) become Vietnamese syllables once decoded with it, and
    clearly more than with the other encoding.  Words are counted each time they occur; a
    word's verdict is worked out once per process (`_legacy_verdict`).
    """
    tables = _legacy_tables()
    scores = dict.fromkeys(tables, 0)
    examples: dict[str, tuple[str, str]] = {}
    suspicious = 0
    seen = 0
    for text in texts:
        if not isinstance(text, str) or text.isascii():
            # an ASCII word is never suspicious, but it counts towards `max_words`
            if isinstance(text, str):
                seen += len(_LEGACY_WORD.findall(text[:1000]))
                if seen > max_words:
                    break
            continue
        for word in _LEGACY_WORD.findall(unicodedata.normalize("NFC", text)[:1000]):
            seen += 1
            if seen > max_words:
                break
            verdict = _legacy_verdict(word)
            if verdict is None:
                continue
            suspicious += 1
            for enc, decoded in verdict:
                scores[enc] += 1
                examples.setdefault(enc, (word, decoded))
        if seen > max_words:
            break
    best = max(scores, key=lambda e: scores[e], default=None)
    if best is None:
        return None
    others = max((v for e, v in scores.items() if e != best), default=0)
    if scores[best] >= 3 and scores[best] * 2 >= suspicious and scores[best] >= 2 * others + 1:
        word, decoded = examples[best]
        return LegacyText(best, LEGACY_LABELS.get(best, best), word, decoded, scores[best])
    return None


_NOT_A_BYTE = re.compile(
    "[^\x00-\xff" + re.escape(bytes(range(0x80, 0xA0)).decode("cp1252", "ignore")) + "]"
)


@functools.lru_cache(maxsize=1 << 16)
def _legacy_verdict(word: str) -> tuple[tuple[str, str], ...] | None:
    """None for a word that cannot be legacy text (ASCII, a letter no 8-bit font has, or a
    syllable as written); else the (encoding, decoded word) pairs that make it a syllable."""
    if word.isascii() or _NOT_A_BYTE.search(word) or is_syllable(word):
        return None
    return tuple(
        (enc, decoded)
        for enc in _legacy_tables()
        if (decoded := decode_legacy(word, enc)) != word and is_syllable(decoded)
    )
