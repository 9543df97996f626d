"""Legacy Vietnamese encodings (TCVN3, VNI): text typed in 8-bit fonts, found and named.

A file typed that way is refused with the encoding named and one word decoded; detection
judges real evidence only (see `detect_legacy`).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from pipeline.core.text import _TONES

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
    path = Path(__file__).parents[1] / "core" / "reference" / "legacy_encodings.csv"
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
        pair = word[i : i + 2]
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
    unicode_words = 0
    seen = 0
    for text in texts:
        if not isinstance(text, str) or text.isascii():
            # an ASCII word is never suspicious, but it counts towards `max_words`
            if isinstance(text, str):
                seen += _ascii_words(text)
                if seen > max_words:
                    break
            continue
        for word, verdict in _text_evidence(text):
            seen += 1
            if seen > max_words:
                break
            if verdict is None:
                continue
            if verdict is _UNICODE_SYLLABLE:
                unicode_words += 1  # Vietnamese typed in Unicode: evidence against
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
    if (
        scores[best] >= 3
        and scores[best] * 2 >= suspicious
        and scores[best] >= 2 * others + 1
        and scores[best] > unicode_words
    ):
        word, decoded = examples[best]
        return LegacyText(best, LEGACY_LABELS.get(best, best), word, decoded, scores[best])
    return None


# a word's evidence: a syllable in Unicode as written (not a tuple: `_legacy_verdict` may
# give an empty one, a suspicious word no encoding decodes)
_UNICODE_SYLLABLE = "unicode"


@functools.lru_cache(maxsize=1 << 14)
def _text_evidence(text: str) -> tuple[tuple[str, tuple[tuple[str, str], ...] | str | None], ...]:
    """Each word of a non-ASCII text (its first 1 000 characters, NFC) with its evidence:
    `_legacy_verdict`'s pairs, `_UNICODE_SYLLABLE` for a Vietnamese syllable typed in
    Unicode, or None.  Worked out once per text and process: a sheet's labels recur in
    every workbook of a batch."""
    out = []
    for word in _LEGACY_WORD.findall(unicodedata.normalize("NFC", text)[:1000]):
        verdict = _legacy_verdict(word)
        if verdict is None and not word.isascii() and _is_syllable_cached(word.lower()):
            verdict = _UNICODE_SYLLABLE
        out.append((word, verdict))
    return tuple(out)


@functools.lru_cache(maxsize=1 << 14)
def _ascii_words(text: str) -> int:
    return len(_LEGACY_WORD.findall(text[:1000]))


@functools.lru_cache(maxsize=1 << 16)
def _is_syllable_cached(word: str) -> bool:
    return is_syllable(word)


_NOT_A_BYTE = re.compile(
    "[^\x00-\xff" + re.escape(bytes(range(0x80, 0xA0)).decode("cp1252", "ignore")) + "]"
)


@functools.lru_cache(maxsize=1 << 16)
def _legacy_verdict(word: str) -> tuple[tuple[str, str], ...] | None:
    """None for a word that cannot be legacy text (ASCII, a letter no 8-bit font has, or a
    syllable as written); else the (encoding, decoded word) pairs that make it a syllable."""
    if word.isascii() or _NOT_A_BYTE.search(word) or is_syllable(word):
        return None
    if not any("a" <= ch.lower() <= "z" for ch in word):
        return None  # a lone «, », ×, £ or ¥ is punctuation, not a legacy-font word
    return tuple(
        (enc, decoded)
        for enc in _legacy_tables()
        if (decoded := decode_legacy(word, enc)) != word and is_syllable(decoded)
    )
