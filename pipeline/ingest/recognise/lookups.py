"""The reference, with its text look-ups memoised for recognition.

Recognition asks the same questions of the same strings in every file (header labels, award,
level and indicator names); the answers for strings are kept per reference.
"""

from __future__ import annotations

from functools import lru_cache

from pipeline.core import refdata

MEMO = 1 << 16  # entries per memo: the same labels and names recur in every file


class Lookups:
    """`refdata.Reference` with its text look-ups memoised (the answers never change for a
    given reference)."""

    _MEMOISED = ("award_id", "level_id", "role_id", "indicator")

    def __init__(self, ref: refdata.Reference):
        self._ref = ref
        for name in self._MEMOISED:
            setattr(self, name, _memo_str(getattr(ref, name)))

    def __getattr__(self, name: str):
        return getattr(self._ref, name)


def _memo_str(fn):
    cached = lru_cache(maxsize=MEMO)(fn)

    def look_up(text):
        return cached(text) if type(text) is str else fn(text)

    return look_up


_lookups: Lookups | None = None
_on_new_reference: list = []  # memo caches to clear when the reference changes


def ref() -> Lookups:
    global _lookups
    current = refdata.load()
    if _lookups is None or _lookups._ref is not current:
        _lookups = Lookups(current)
        for clear in _on_new_reference:
            clear()
    return _lookups


def clears_with_reference(cached):
    """Register an `lru_cache`d function to be cleared when the reference changes."""
    _on_new_reference.append(cached.cache_clear)
    return cached
