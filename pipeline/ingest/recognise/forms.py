"""Award forms read by composition: form + grantor + class.

A form (bằng khen, giấy khen, cờ thi đua, danh hiệu …, huân chương, kỷ niệm chương) is
followed by its grantor (Thủ tướng, Chủ tịch UBND tỉnh X, Viện trưởng VKSND tối cao,
Viện trưởng VKSND tỉnh X …) or its level (toàn quốc, ngành, cơ sở) and a class (hạng Ba /
III / 3).  Abbreviations are written out through `reference/award_lexicon.csv`; the (form,
grantor) pair is mapped to an award through `reference/award_composition.csv`, each row with
its source; anything left over is the part the rejection names.  The place in "… UBND tỉnh
Thái Bình" is read as a unit (`names`), for the caller to check against the row's unit.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.core import refdata
from pipeline.core.text import clean, fold
from pipeline.ingest.recognise.names import (
    _MAPPINGS,
    CLEAR_WITH_MAPPINGS,
    MAPPING_HINT,
    Resolution,
    _did_you_mean,
    _mappings_from_env,
    _split_note,
    name_key,
    resolve_unit,
)


@dataclass
class _Lexicon:
    phrases: dict[tuple[str, ...], tuple[str, ...]]  # written words -> expansion
    longest: int
    pieces: set[str]  # one-word abbreviations a glued token may be cut into
    compose: dict[tuple[str, str], str]  # (form, grantor) -> award_id


_LEX: tuple[object, _Lexicon] | None = None


def _lexicon() -> _Lexicon:
    global _LEX
    ref = refdata.load()
    if _LEX is not None and _LEX[0] is ref:
        return _LEX[1]
    phrases = {}
    for row in refdata.read_csv("award_lexicon.csv"):
        phrases[tuple(fold(row["written"]).split())] = tuple(fold(row["means"]).split())
    pieces = {w[0] for w in phrases if len(w) == 1}
    compose = {
        (row["form"], row["grantor"]): row["award_id"]
        for row in refdata.read_csv("award_composition.csv")
    }
    lex = _Lexicon(phrases, max(map(len, phrases)), pieces, compose)
    _LEX = (ref, lex)
    return lex


def _segment(token: str, pieces: set[str]) -> list[str] | None:
    """A glued abbreviation cut into known ones ("bkttcp" → "bk", "ttcp"), fewest pieces."""
    best: dict[int, list[str]] = {0: []}
    for end in range(1, len(token) + 1):
        for start in range(max(0, end - 8), end):
            if start in best and token[start:end] in pieces:
                cand = best[start] + [token[start:end]]
                if end not in best or len(cand) < len(best[end]):
                    best[end] = cand
    found = best.get(len(token))
    return found if found and len(found) > 1 else None


def expand_award(text: object) -> str:
    """Abbreviations written out through the lexicon: "BK của CT UBND tỉnh X" →
    "bang khen cua chu tich ubnd tinh x"."""
    lex = _lexicon()
    words = fold(text).split()
    out: list[str] = []
    i = 0
    while i < len(words):
        for n in range(min(lex.longest, len(words) - i), 0, -1):
            key = tuple(words[i : i + n])
            if key in lex.phrases:
                out.extend(lex.phrases[key])
                i += n
                break
        else:
            cut = _segment(words[i], lex.pieces) if not words[i].isdigit() else None
            if cut:
                for piece in cut:
                    out.extend(lex.phrases[(piece,)])
            else:
                out.append(words[i])
            i += 1
    return " ".join(out)


_FILLER = re.compile(r"^(?:danh hieu|hinh thuc|duoc tang|tang)\s+")
_CLASS = re.compile(r"\s*\bhang\s+(nhat|nhi|ba|i{1,3}|[123])\b\s*")
_BARE_CLASS = re.compile(r"\s+(i{1,3}|[123])$")
_CLASS_NUMBER = {"nhat": "1", "nhi": "2", "ba": "3", "i": "1", "ii": "2", "iii": "3"}
FORMS = (  # (words, form), longest first
    ("tap the lao dong xuat sac", "tap_the_lao_dong_xuat_sac"),
    ("tap the lao dong tien tien", "tap_the_lao_dong_tien_tien"),
    ("lao dong tien tien", "lao_dong_tien_tien"),
    ("chien si thi dua", "chien_si_thi_dua"),
    ("ky niem chuong", "ky_niem_chuong"),
    ("huan chuong", "huan_chuong"),
    ("huy chuong", "huy_chuong"),
    ("huy hieu", "huy_hieu"),
    ("bang khen", "bang_khen"),
    ("giay khen", "giay_khen"),
    ("co thi dua", "co_thi_dua"),
    ("co", "co_thi_dua"),
)
FORM_LABELS = {
    "tap_the_lao_dong_xuat_sac": "Tập thể lao động xuất sắc",
    "tap_the_lao_dong_tien_tien": "Tập thể lao động tiên tiến",
    "lao_dong_tien_tien": "Lao động tiên tiến",
    "chien_si_thi_dua": "Chiến sĩ thi đua",
    "ky_niem_chuong": "Kỷ niệm chương",
    "huan_chuong": "Huân chương",
    "huy_chuong": "Huy chương",
    "huy_hieu": "Huy hiệu",
    "bang_khen": "Bằng khen",
    "giay_khen": "Giấy khen",
    "co_thi_dua": "Cờ thi đua",
}
# "tỉnh", "thành phố", or the generic "tỉnh, thành phố (trực thuộc trung ương)" that names
# the level without a place ("Bằng khen UBND tỉnh, thành phố")
_LEVEL = r"(?:tinh|thanh pho|thu do|tp)"
_PLACE = (
    rf"(?:\s+{_LEVEL}(?:\s+(?:thanh pho|tp))?(?:\s+truc thuoc trung uong)?)?"
    r"(?:\s+(?P<place>.+))?"
)
GRANTORS = (  # (pattern over what follows the form, grantor)
    (r"", ""),
    (r"thu tuong(?: chinh phu)?|chinh phu|thu tuong chinh phu", "thu_tuong"),
    (r"(?:vien truong )?vksnd toi cao|vien truong toi cao", "vksnd_toi_cao"),
    (r"nganh(?: kiem sat(?: nhan dan)?)?|cap nganh|cua nganh|cap bo(?: nganh)?", "nganh"),
    (
        r"(?:thi dua )?dan dau(?: (?:phong trao|thi dua|cum|khoi|so|nganh|kiem sat|nhan dan|"
        r"\d{1,3}))*",
        "dan_dau",
    ),
    (r"(?:chu tich )?ubnd" + _PLACE, "ubnd_tinh"),
    (r"(?:vien truong|thu truong(?: don vi)?)(?: vksnd" + _PLACE + ")?", "thu_truong"),
    (r"vksnd" + _PLACE, "thu_truong"),
    (r"toan quoc|cap toan quoc", "toan_quoc"),
    (r"co so|cap co so", "co_so"),
    (r"lao dong", "lao_dong"),
    (r"vi su nghiep kiem sat(?: nhan dan)?", "vi_su_nghiep_kiem_sat"),
)
_GRANTORS = tuple((re.compile(rf"^(?:{p})$"), g) for p, g in GRANTORS)


def _award_names() -> dict[str, str]:
    return {a["award_id"]: a["name"] for a in refdata.load().awards}


def suggest_awards(query: str, limit: int = 3) -> tuple[str, ...]:
    from rapidfuzz import fuzz, process

    choices = {}
    for a in refdata.load().awards:
        choices[a["award_id"]] = fold(a["name"])
    found = process.extract(query, choices, scorer=fuzz.WRatio, limit=limit, score_cutoff=60)
    return tuple(aid for _, _, aid in found)


def resolve_award(text: object) -> Resolution:
    """What a written award form means."""
    _mappings_from_env()
    return _resolve_award(text)


@lru_cache(maxsize=1 << 16)
def _resolve_award(text: object) -> Resolution:
    res = _compose_award(text)
    if res.id is None:
        body, note = _split_note(res.written)
        if note:  # "Bằng khen của Thủ tướng Chính phủ (tập thể)": the note is not the name
            bare = _compose_award(body)
            if bare.id:
                return dataclasses.replace(bare, written=res.written, note=note)
    return res


def _compose_award(text: object) -> Resolution:
    written = clean(text)
    ref = refdata.load()
    if not written:
        return Resolution(None, written, rule="award_unknown", message="ô hình thức để trống")
    mapped = _MAPPINGS["award"].get(name_key(written))
    if mapped:
        return Resolution(mapped, written, via="mapping")
    phrase = expand_award(written)
    phrase = " ".join(w for w in phrase.split() if w != "cua")
    klass = None
    m = _CLASS.search(phrase)
    if m:
        klass = _CLASS_NUMBER.get(m.group(1), m.group(1))
        phrase = (phrase[: m.start()] + " " + phrase[m.end() :]).strip()
    while _FILLER.match(phrase):
        phrase = _FILLER.sub("", phrase, count=1)
    form = rest = None
    for words, fid in FORMS:
        if phrase == words or phrase.startswith(words + " "):
            form, rest = fid, phrase[len(words) :].strip()
            break
    exact = ref.award_id(written)
    if form is None:
        if exact:
            return Resolution(exact, written, klass=klass, via="reference")
        return _award_unknown(
            written,
            phrase,
            "không nhận ra loại hình thức (bằng khen, giấy "
            "khen, cờ thi đua, danh hiệu, huân chương, kỷ niệm chương …)",
        )
    if form == "huan_chuong" and klass is None:  # "HCLĐ III": a medal's class without "hạng"
        m = _BARE_CLASS.search(rest)
        if m:
            klass, rest = _CLASS_NUMBER.get(m.group(1), m.group(1)), rest[: m.start()].strip()
    grantor = place_text = None
    for pattern, gid in _GRANTORS:
        gm = pattern.match(rest)
        if gm:
            grantor = gid
            place_text = gm.groupdict().get("place")
            break
    if grantor is None:
        if exact:
            return Resolution(exact, written, klass=klass, via="reference")
        return _award_unknown(
            written,
            phrase,
            f"phần «{_as_written(written, rest)}» sau «{FORM_LABELS[form]}» không phải người "
            "tặng, loại huân chương hay cấp danh hiệu đã biết",
        )
    aid = _lexicon().compose.get((form, grantor))
    if aid is None:
        if exact:
            return Resolution(exact, written, klass=klass, via="reference")
        what = f"«{FORM_LABELS[form]}»" + (
            f" của «{_as_written(written, rest)}»" if rest else " không ghi người tặng hay cấp"
        )
        return _award_unknown(written, phrase, f"{what} không có trong danh mục hình thức")
    place = None
    if place_text:
        place_text = _as_written(written, place_text)
        place = resolve_unit(place_text).id
        if place is None:
            return _award_unknown(written, phrase, f"không nhận ra địa danh «{place_text}»")
    return Resolution(
        aid, written, place=place, place_written=place_text, klass=klass, via="composition"
    )


def _as_written(written: str, part: str) -> str:
    """The words of `written` that `part` (folded, abbreviations expanded) was read from:
    "Huân chương Chiến công hạng Ba", "chien cong" → "Chiến công"."""
    words = written.split()
    if len(words) > 24:  # not a form's name: no search (it is quadratic)
        return part
    for i in range(len(words)):
        if fold(words[i]) == "cua":
            continue
        for j in range(len(words), i, -1):
            piece = " ".join(words[i:j])
            key = " ".join(w for w in expand_award(piece).split() if w != "cua")
            if key == part:
                return piece
    return part


def _award_unknown(written: str, phrase: str, why: str) -> Resolution:
    suggestions = suggest_awards(phrase)
    names = _award_names()
    text = f"không nhận ra hình thức khen thưởng «{written}»: {why}"
    if suggestions:
        text += f" ({_did_you_mean([names[s] for s in suggestions])})"
    return Resolution(
        None,
        written,
        rule="award_unknown",
        message=text
        + "; các hình thức được biết: "
        + refdata.load().known_award_names()
        + ". "
        + MAPPING_HINT,
        suggestions=suggestions,
    )


CLEAR_WITH_MAPPINGS.append(_resolve_award.cache_clear)
