"""Names of units, read by grammar rather than looked up in a list.

A unit is written as [agency] [level] name [(note)]:
- agency: built from its pieces, with or without dots or spaces — V/Viện + KS/kiểm sát +
  ND/nhân dân ("VKSND", "Viện KSND", "V.K.S.N.D", "Viện KS.ND"), or "VKS";
- level: tỉnh; thành phố / TP / thủ đô; cấp cao (tại …); tối cao / TC; district-level words
  (huyện, quận, thị xã, khu vực …) mean "not a provincial unit" and are said so;
- name: compared with the gazetteer (official names and the reference spellings) with and
  without spaces, dotted initials joined ("T.T. Huế"), initials standing for words ("BR-VT",
  "TP.HCM") when exactly one unit fits; the look-alike "Ð" is folded to "Đ";
- a trailing note in brackets ("(Cụm trưởng)") or a role after a dash is set aside as a note.
A name resolves to the unit that existed in the file's period: "Huế" in 2023 is Thừa Thiên
Huế; "Quảng Bình" in 2026 no longer exists (merged into Quảng Trị) and is rejected, naming
its successor.  Award forms are read by `forms`; what analysts teach (`mappings`) is
consulted first.

Exact resolution is the only way a name lands; for anything unknown the message names the
closest known names (rapidfuzz on folded text) and says how to teach a new spelling
(a «bí danh» sheet).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from pipeline.core import refdata
from pipeline.core.period import period_label
from pipeline.core.text import clean, fold

MAPPING_HINT = (
    "Nếu đây là cách viết khác của một đơn vị hoặc hình thức đã biết, hãy thêm một dòng vào "
    "trang bí danh (cột «Cách viết» và «Đơn vị hoặc hình thức»; mẫu: lệnh «thidua template», "
    "tệp mau_bi_danh.xlsx) và đặt tệp đó trong thư mục raw/."
)


@dataclass(frozen=True)
class Resolution:
    """What a written name means: `id` when it resolves exactly, else why not."""

    id: str | None
    written: str
    note: str | None = None  # a trailing bracket note ("Cụm trưởng")
    rule: str | None = None  # when id is None: the rejection rule
    message: str | None = None  # when id is None: what is wrong, in Vietnamese
    suggestions: tuple[str, ...] = ()  # ids of the closest known names
    place: str | None = None  # awards: the unit named as the grantor's place
    place_written: str | None = None
    klass: str | None = None  # awards: "hạng Ba" → "3"
    via: str = ""  # how it was resolved: "mapping", "grammar", …


# --- text preparation -------------------------------------------------------------------

_NOTE = re.compile(r"\s*[(\[]([^()\[\]]*)[)\]]\s*$")


_LIST_NUMBER = re.compile(r"^\s*(?:\d{1,3}\s*[.)]|[a-zđ]\))\s+")
_ROLE_TAIL = re.compile(
    r"\s*[-–—,:;]\s*((?:đơn vị )?(?:cụm trưởng|cụm phó|trưởng cụm|phó cụm|thành viên))\s*$",
    re.IGNORECASE,
)


def _split_note(text: str) -> tuple[str, str | None]:
    """ "1. VKSND tỉnh Gia Lai (Cụm trưởng)" → ("VKSND tỉnh Gia Lai", "Cụm trưởng"): a list
    number dropped, a trailing note in brackets or a role after a dash kept as the note."""
    text = _LIST_NUMBER.sub("", text)
    m = _NOTE.search(text)
    if m and m.start() > 0:
        return text[: m.start()], clean(m.group(1)) or None
    m = _ROLE_TAIL.search(text)
    if m and m.start() > 0:
        return text[: m.start()], clean(m.group(1))
    return text, None


def _join_initials(key: str) -> str:
    """Runs of one-letter words are joined: "t t hue" → "tt hue", "v k s n d" → "vksnd"."""
    words, out, run = key.split(), [], []
    for w in words:
        if len(w) == 1 and w.isalpha():
            run.append(w)
            continue
        if run:
            out.append("".join(run))
            run = []
        out.append(w)
    if run:
        out.append("".join(run))
    return " ".join(out)


@lru_cache(maxsize=1 << 16)
def name_key(text: str) -> str:
    """The folded key of a name, initials joined."""
    return _join_initials(fold(text))


# --- units: the grammar -----------------------------------------------------------------

_AGENCY = re.compile(
    r"^(?:vien|v)\s?(?:kiem\s?sat|ks)(?:\s?(?:nhan\s?dan|nd))?|^vien(?=\s+(?:cap|toi) cao)"
)
_AGENCY_END = re.compile(r"^(?:\s|$|tc\b|cc\d?\b)")
_OTHER_AGENCY = re.compile(
    r"^(?:tand|toa an|cong an|ubnd|uy ban|hdnd|cuc|thads|chi cuc|tinh uy|cong doan)\b"
)
_DISTRICT = re.compile(r"^(?:huyen|quan|thi xa|tx|thi tran|khu vuc|kv|xa|phuong)\b")
_LEVELS = (
    ("toi_cao", re.compile(r"^(?:toi cao|tc)$")),
    ("cap_cao", re.compile(r"^(?:cap cao|cc)\s*(?:tai\s+)?(.*)$")),
    ("thanh_pho", re.compile(r"^(?:thanh pho|tp|thu do)(?:\s+|$)(.*)$")),
    ("tinh", re.compile(r"^tinh\s+(.*)$")),
)


@dataclass(frozen=True)
class _Parsed:
    agency: bool
    level: str | None  # "tinh", "thanh_pho", "cap_cao", "toi_cao", "district", "other"
    name: str  # the folded name left


def parse_unit(key: str) -> _Parsed:
    agency = False
    m = _AGENCY.match(key)
    if m and _AGENCY_END.match(key[m.end() :]):
        agency, key = True, key[m.end() :].strip()
    elif _OTHER_AGENCY.match(key):
        return _Parsed(False, "other", key)
    if _DISTRICT.match(key):
        return _Parsed(agency, "district", key)
    for level, pattern in _LEVELS:
        lm = pattern.match(key)
        if lm:
            rest = lm.group(1).strip() if lm.groups() else ""
            if level == "thanh_pho" and _DISTRICT.match(rest):
                return _Parsed(agency, "district", rest)
            return _Parsed(agency, level, rest)
    m = re.match(r"^cc(\d)$", key)
    if m:
        return _Parsed(agency, "cap_cao", m.group(1))
    return _Parsed(agency, None, key)


@dataclass
class _Gazetteer:
    units: dict[str, dict]  # unit_id -> row
    exact: dict[str, set[str]] = field(default_factory=dict)  # name key -> unit ids
    glued: dict[str, set[str]] = field(default_factory=dict)  # key without spaces -> ids
    words: dict[str, tuple[str, ...]] = field(default_factory=dict)  # official key -> words
    all_words: set[str] = field(default_factory=set)
    successor_by_rename: dict[str, str] = field(default_factory=dict)
    predecessor_by_rename: dict[str, str] = field(default_factory=dict)


_GAZ: tuple[object, _Gazetteer] | None = None


def _gazetteer() -> _Gazetteer:
    global _GAZ
    ref = refdata.load()
    if _GAZ is not None and _GAZ[0] is ref:
        return _GAZ[1]
    g = _Gazetteer({u["unit_id"]: u for u in ref.units})
    for u in ref.units:
        if u["kind"] in ("toi_cao", "cap_cao"):
            continue
        key = name_key(u["name"])
        g.exact.setdefault(key, set()).add(u["unit_id"])
        g.words[key] = tuple(key.split())
        g.all_words.update(key.split())
        g.glued.setdefault(key.replace(" ", ""), set()).add(u["unit_id"])
    for a in refdata.read_csv("unit_aliases.csv"):
        parsed = parse_unit(name_key(a["alias"]))
        keys = {name_key(a["alias"])}
        if parsed.level in (None, "tinh", "thanh_pho"):
            keys.add(parsed.name)
        for key in keys - {""}:
            g.exact.setdefault(key, set()).add(a["unit_id"])
            g.glued.setdefault(key.replace(" ", ""), set()).add(a["unit_id"])
    for u in ref.units:
        succ = u["successor_id"]
        if succ and u["valid_to"] and g.units[succ]["valid_from"] > u["valid_to"]:
            g.successor_by_rename[u["unit_id"]] = succ
            g.predecessor_by_rename[succ] = u["unit_id"]
    _GAZ = (ref, g)
    return g


def _initials_match(tokens: list[str], words: tuple[str, ...], known: set[str]) -> bool:
    """Every token stands for one word in full or for the initials of several words (a
    token that is itself a word of the gazetteer, "La", only for that word)."""

    def cover(t: int, w: int) -> bool:
        if t == len(tokens):
            return w == len(words)
        tok = tokens[t]
        if w < len(words) and tok == words[w] and cover(t + 1, w + 1):
            return True
        n = len(tok)
        if tok in known:
            return False
        if w + n <= len(words) and all(tok[i] == words[w + i][0] for i in range(n)):
            return cover(t + 1, w + n)
        return False

    return cover(0, 0)


def _name_candidates(name: str) -> set[str]:
    g = _gazetteer()
    if not name:
        return set()
    if name in g.exact:
        return set(g.exact[name])
    glued = name.replace(" ", "")
    if glued in g.glued:
        return set(g.glued[glued])
    tokens = name.split()
    known = g.all_words
    full = sum(1 for t in tokens if len(t) > 1 and t in known)
    initials = sum(len(t) for t in tokens if t not in known)
    lone = sum(1 for t in tokens if len(t) == 1)  # "Hà T": too little to tell Hà Tây from Hà Tĩnh
    if (not full and initials < 3) or (lone and full < 2):
        return set()
    found = {
        uid
        for key, ws in g.words.items()
        if _initials_match(tokens, ws, known)
        for uid in g.exact[key]
    }
    return found if len(found) == 1 else set()


_CAP_CAO = {
    "ha noi": "cap_cao_ha_noi",
    "1": "cap_cao_ha_noi",
    "da nang": "cap_cao_da_nang",
    "2": "cap_cao_da_nang",
    "ho chi minh": "cap_cao_ho_chi_minh",
    "3": "cap_cao_ho_chi_minh",
}
_CAP_CAO_CITY = {
    "ha_noi": "cap_cao_ha_noi",
    "da_nang": "cap_cao_da_nang",
    "ho_chi_minh": "cap_cao_ho_chi_minh",
}


def _cap_cao(name: str) -> str | None:
    """ "1", "tai ha noi", "2 tai da nang" (number and city must agree) → the unit."""
    m = re.fullmatch(r"([123])(?:\s+(?:tai\s+)?(.+))?", name)
    by_number = _CAP_CAO[m.group(1)] if m else None
    place = m.group(2) if m else name
    if not place:
        return by_number
    city = _name_candidates(parse_unit(re.sub(r"^tai\s+", "", place)).name)
    by_city = _CAP_CAO_CITY.get(next(iter(city))) if len(city) == 1 else None
    if by_number and by_city != by_number:
        return None
    return by_city


def period_span(period: str | None) -> tuple[date, date] | None:
    """The days a period covers: the work year runs 1 December – 30 November, H1 to 31 May."""
    if not period:
        return None
    year, half = int(period[:4]), period[5:]
    return date(year - 1, 12, 1), (date(year, 5, 31) if half == "H1" else date(year, 11, 30))


def _valid(unit: dict, span: tuple[date, date] | None) -> bool:
    if span is None:
        return True
    start, end = span
    return unit["valid_from"] <= end.isoformat() and (
        not unit["valid_to"] or unit["valid_to"] >= start.isoformat()
    )


def _display(uid: str) -> str:
    return _gazetteer().units[uid]["name"]


def _vn_date(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{d}/{m}/{y}"


# --- mappings taught by analysts («bí danh» sheets) -------------------------------------

MAPPINGS_ENV = "THIDUA_BI_DANH"  # a JSON file of the mappings in force, for worker processes
_MAPPINGS: dict[str, dict[str, str]] = {"unit": {}, "award": {}}
CLEAR_WITH_MAPPINGS: list = []  # the memos of resolutions that a mapping can change
_from_env = False


def set_mappings(units: dict[str, str], awards: dict[str, str]) -> None:
    """The spellings taught by the analysts' mapping sheets: spelling → id (any written
    form of the spelling; it is compared by its folded key)."""
    global _from_env
    _from_env = True  # set here: a file named in the environment no longer applies
    _MAPPINGS["unit"] = {name_key(k): v for k, v in units.items()}
    _MAPPINGS["award"] = {name_key(k): v for k, v in awards.items()}
    for clear in CLEAR_WITH_MAPPINGS:
        clear()


def mappings() -> dict[str, dict[str, str]]:
    _mappings_from_env()
    return {k: dict(v) for k, v in _MAPPINGS.items()}


def _mappings_from_env() -> None:
    """A process started by the build (a reading worker) takes the mappings in force from
    the file the build names in the environment, once."""
    global _from_env
    if _from_env:
        return
    _from_env = True
    path = os.environ.get(MAPPINGS_ENV)
    if path and os.path.isfile(path):
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        set_mappings(data.get("unit", {}), data.get("award", {}))


# --- units: resolution ------------------------------------------------------------------


def resolve_unit(text: object, period: str | None = None) -> Resolution:
    """What a written unit name means in a file of `period` (None: any period)."""
    _mappings_from_env()
    return _resolve_unit(text, period)


@lru_cache(maxsize=1 << 16)
def _resolve_unit(text: object, period: str | None = None) -> Resolution:
    written = clean(text)
    body, note = _split_note(written)
    key = name_key(body)
    if not key:
        return Resolution(None, written, note, "unit_unknown", "ô đơn vị để trống")
    mapped = _MAPPINGS["unit"].get(key) or _MAPPINGS["unit"].get(name_key(written))
    if mapped:
        return Resolution(mapped, written, note, via="mapping")
    parsed = parse_unit(key)
    if parsed.level in (None, "tinh", "thanh_pho") and parsed.name != key:
        again = parse_unit(parsed.name)  # "VKSND tỉnh VKSND cấp cao tại Đà Nẵng": said twice
        if again.agency:
            parsed = again
    span = period_span(period)
    if parsed.level == "district":
        return Resolution(
            None,
            written,
            note,
            "unit_not_provincial",
            f"«{written}» là đơn vị cấp huyện hoặc khu vực, không phải VKSND tỉnh, thành phố "
            "hay đơn vị trong danh mục; bảng này chỉ nhận số liệu của đơn vị cấp tỉnh trở lên",
        )
    if parsed.level == "other":
        return _unknown(written, note, parsed.name, span, "không phải tên một viện kiểm sát")
    if parsed.level == "toi_cao":
        return Resolution("toi_cao", written, note, via="grammar")
    if parsed.level == "cap_cao":
        uid = _cap_cao(parsed.name)
        if uid is None:
            return _unknown(written, note, key, span)
        return _in_period(uid, written, note, span, period)
    candidates = _name_candidates(parsed.name)
    if not candidates and not parsed.agency and parsed.level is None:
        candidates = _name_candidates(key)
    if len(candidates) != 1:
        return _unknown(written, note, parsed.name or key, span)
    uid = next(iter(candidates))
    unit = _gazetteer().units[uid]
    if parsed.level == "thanh_pho" and unit["kind"] == "tinh":
        return Resolution(
            None,
            written,
            note,
            "unit_not_provincial",
            f"«{written}» là thành phố thuộc tỉnh (cấp huyện), không phải VKSND tỉnh "
            f"{unit['name']}; bảng này chỉ nhận số liệu của đơn vị cấp tỉnh trở lên",
            suggestions=(uid,),
        )
    return _in_period(uid, written, note, span, period)


def _in_period(uid, written, note, span, period) -> Resolution:
    g = _gazetteer()
    unit = g.units[uid]
    if _valid(unit, span):
        return Resolution(uid, written, note, via="grammar")
    for other in (g.successor_by_rename.get(uid), g.predecessor_by_rename.get(uid)):
        if other and _valid(g.units[other], span):
            return Resolution(other, written, note, via="renamed")
    succ = unit["successor_id"]
    if unit["valid_to"] and span and unit["valid_to"] < span[0].isoformat():
        after = f", đã hợp nhất vào «{_display(succ)}»" if succ else ""
        message = (
            f"đơn vị «{unit['name']}» không còn tồn tại trong kỳ {period_label(period) if period else 'này'} (đến "
            f"{_vn_date(unit['valid_to'])}{after}); số liệu của kỳ này phải ghi theo đơn vị mới"
        )
    else:
        message = (
            f"đơn vị «{unit['name']}» chưa tồn tại trong kỳ {period_label(period) if period else 'này'} (từ "
            f"{_vn_date(unit['valid_from'])})"
        )
    return Resolution(
        None, written, note, "unit_not_in_period", message, suggestions=(succ,) if succ else ()
    )


def suggest_units(query: str, span=None, limit: int = 3) -> tuple[str, ...]:
    from rapidfuzz import fuzz, process

    g = _gazetteer()
    choices = {}
    for uid, u in g.units.items():
        if u["kind"] in ("toi_cao", "cap_cao") or not _valid(u, span):
            continue
        choices[uid] = name_key(u["name"])
    found = process.extract(query, choices, scorer=fuzz.WRatio, limit=limit, score_cutoff=72)
    return tuple(uid for _, _, uid in found)


def _did_you_mean(names: list[str]) -> str:
    return "có phải " + " hay ".join(f"«{n}»" for n in names) + "?"


def _unknown(written, note, query, span, why: str | None = None) -> Resolution:
    suggestions = suggest_units(query, span) if query else ()
    text = f"không nhận ra đơn vị «{written}»" + (f", {why}" if why else "")
    if suggestions:
        text += f" ({_did_you_mean([_display(s) for s in suggestions])})"
    return Resolution(
        None,
        written,
        note,
        "unit_unknown",
        text + "; cần tên một VKSND tỉnh/thành phố hoặc đơn vị trong danh mục (ví dụ «VKSND "
        "tỉnh Gia Lai», «Thừa Thiên Huế», «TP.HCM»). " + MAPPING_HINT,
        suggestions,
    )


CLEAR_WITH_MAPPINGS.append(_resolve_unit.cache_clear)
