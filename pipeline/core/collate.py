"""Vietnamese alphabetical order: a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y.

`key(text)` is a sort key (a plain string, so it also sorts in pandas and SQL): letters
first by the alphabet above, tones only to break ties (ngang, huyền, hỏi, ngã, sắc, nặng),
then lower case before upper case. Spaces sort before letters, so «Hà Tĩnh» comes before
«Hải Dương», «Thái Bình» before «Thanh Hóa», and «Đắk Lắk» after «Dương».
"""

from __future__ import annotations

import unicodedata

ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_VOWEL_MARKS = {"\u0306": "ă", "\u0302": "â", "\u031b": "ư"}  # breve, circumflex, horn
_MARKED = {("a", "\u0306"): "ă", ("a", "\u0302"): "â", ("e", "\u0302"): "ê",
           ("o", "\u0302"): "ô", ("o", "\u031b"): "ơ", ("u", "\u031b"): "ư"}  # fmt: skip
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_RANK = {c: i for i, c in enumerate(ALPHABET)}


def _letters(text: str) -> list[tuple[str, int, bool]]:
    """(letter, tone, upper) for each letter; other characters as (char, 0, False)."""
    out: list[list] = []
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch):
            if not out:
                continue
            if ch in _TONES:
                out[-1][1] = _TONES[ch]
            elif (out[-1][0], ch) in _MARKED:
                out[-1][0] = _MARKED[(out[-1][0], ch)]
            continue
        low = ch.lower()
        if low == "đ" or ch == "Đ":
            low = "đ"
        out.append([low, 0, ch != low and ch.lower() == low])
    return [(a, b, c) for a, b, c in out]


def key(text: str | None) -> str:
    """The sort key of `text` in Vietnamese order (None and empty sort first)."""
    if not text:
        return ""
    letters = _letters(str(text).strip())
    primary, tones, cases = [], [], []
    for letter, tone, upper in letters:
        if letter in _RANK:
            primary.append(chr(0x100 + _RANK[letter]))
        elif letter.isspace():
            primary.append("\x01")
        elif letter.isdigit():
            primary.append(chr(0x10 + int(letter)) if letter.isascii() else chr(0x1F))
        else:
            primary.append(chr(0x200 + ord(letter)))
        tones.append(chr(0x30 + tone))
        cases.append("1" if upper else "0")
    return "".join(primary) + "\x00" + "".join(tones) + "\x00" + "".join(cases)


def sort_names(names) -> list[str]:
    return sorted(names, key=key)
