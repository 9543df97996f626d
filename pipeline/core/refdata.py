"""Reference data (units, mergers, clusters, award forms, indicators, header wording).

The facts live in CSV files under `pipeline/core/reference/`, each row with its `source`; this
module only loads them and answers look-ups through `text.fold`.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pipeline.core.labels import SHEET_KINDS
from pipeline.core.text import clean, fold

# The kinds whose headers are recognised: the fact kinds, and the analysts' spelling-mapping
# sheet («bí danh», contract §1), which teaches spellings and holds no facts.
MAPPINGS = "mappings"
HEADER_KINDS = (*SHEET_KINDS, MAPPINGS)

REFERENCE_DIR = Path(__file__).parent / "reference"


def read_csv(name: str) -> list[dict[str, str]]:
    with open(REFERENCE_DIR / name, encoding="utf-8", newline="") as fh:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)]


_AGENCY = re.compile(r"^(?:vien kiem sat nhan dan|vien kiem sat|vksnd|vks|vien ks)\s+")
_LEVEL = re.compile(r"^(?:tinh|thanh pho|tp|thu do)\s+")


@dataclass(frozen=True)
class Reference:
    units: tuple[dict, ...]
    unit_keys: dict[str, str]
    unit_names: dict[str, str]
    awards: tuple[dict, ...]
    award_keys: dict[str, str]
    award_names: dict[str, str]
    award_kinds: dict[str, tuple[str, ...]]
    indicators: tuple[dict, ...]
    indicator_keys: dict[str, str]
    level_keys: dict[str, str]
    level_names: dict[str, str]
    role_keys: dict[str, str]
    clusters: tuple[dict, ...]
    header_variants: dict[str, list[tuple[str, str]]]  # kind -> [(variant, field)]

    def unit_id(self, text: object) -> str | None:
        """The unit named by `text`, in any common written form, or None."""
        key = fold(text)
        if not key:
            return None
        for candidate in _unit_key_candidates(key):
            if candidate in self.unit_keys:
                return self.unit_keys[candidate]
        return None

    def award_id(self, text: object) -> str | None:
        return self.award_keys.get(award_key(_strip_brackets(text))) or self.award_keys.get(
            award_key(text)
        )

    def level_id(self, text: object) -> str | None:
        return self.level_keys.get(fold(text))

    def role_id(self, text: object) -> str | None:
        return self.role_keys.get(fold(text))

    def indicator(self, name: object) -> dict | None:
        key = fold(name)
        ind_id = self.indicator_keys.get(key)
        if ind_id is None:
            return None
        return next(i for i in self.indicators if i["indicator_id"] == ind_id)

    def known_award_names(self) -> str:
        return "; ".join(a["name"] for a in self.awards)


def _strip_brackets(text: object) -> str:
    return re.sub(r"\([^)]*\)", " ", clean(text))


def award_key(text: object) -> str:
    """Award names compare without "của" and quotes: "BK của Viện trưởng VKSNDTC"."""
    return " ".join(w for w in fold(text).split() if w != "cua")


def _unit_key_candidates(key: str) -> list[str]:
    out = [key]
    stripped = _AGENCY.sub("", key)
    out.append(stripped)
    out.append(_LEVEL.sub("", stripped))
    return out


@cache
def load() -> Reference:
    units = read_csv("units.csv")
    unit_keys: dict[str, str] = {}
    for u in units:
        for form in (u["name"], u["unit_id"].replace("_", " ")):
            for cand in _unit_key_candidates(fold(form)):
                unit_keys.setdefault(cand, u["unit_id"])
    for a in read_csv("unit_aliases.csv"):
        for cand in _unit_key_candidates(fold(a["alias"])):
            unit_keys.setdefault(cand, a["unit_id"])

    awards = read_csv("award_forms.csv")
    award_keys = {}
    for a in awards:
        for form in (a["name"], a["short_name"], _strip_brackets(a["name"])):
            award_keys[award_key(form)] = a["award_id"]
    for a in read_csv("award_aliases.csv"):
        award_keys.setdefault(award_key(a["alias"]), a["award_id"])
        award_keys.setdefault(award_key(_strip_brackets(a["alias"])), a["award_id"])

    indicators = read_csv("indicators.csv")
    indicator_keys = {fold(i["name"]): i["indicator_id"] for i in indicators}
    if (REFERENCE_DIR / "indicator_aliases.csv").exists():
        for a in read_csv("indicator_aliases.csv"):
            indicator_keys.setdefault(fold(a["alias"]), a["indicator_id"])

    level_keys, level_names = {}, {}
    for lv in read_csv("initiative_levels.csv"):
        level_names[lv["level_id"]] = lv["name"]
        for alias in [lv["name"], lv["level_id"].replace("_", " ")] + lv["aliases"].split(";"):
            if alias.strip():
                level_keys.setdefault(fold(alias), lv["level_id"])

    role_keys = {}
    for r in read_csv("cluster_roles.csv"):
        for alias in [r["name"], r["role_id"].replace("_", " ")] + r["aliases"].split(";"):
            role_keys.setdefault(fold(alias), r["role_id"])

    header_variants: dict[str, list[tuple[str, str]]] = {k: [] for k in HEADER_KINDS}
    for h in read_csv("header_labels.csv"):
        kinds = HEADER_KINDS if h["kinds"] == "*" else tuple(h["kinds"].split(";"))
        for kind in kinds:
            header_variants[kind].append((fold(h["variant"]), h["field"]))
    for kind in header_variants:  # longest variant first: "don vi tinh" before "don vi"
        header_variants[kind].sort(key=lambda vf: -len(vf[0]))

    return Reference(
        units=tuple(units),
        unit_keys=unit_keys,
        unit_names={u["unit_id"]: u["name"] for u in units},
        awards=tuple(awards),
        award_keys=award_keys,
        award_names={a["award_id"]: a["name"] for a in awards},
        award_kinds={a["award_id"]: tuple(a["recipient_kinds"].split(";")) for a in awards},
        indicators=tuple(indicators),
        indicator_keys=indicator_keys,
        level_keys=level_keys,
        level_names=level_names,
        role_keys=role_keys,
        clusters=tuple(read_csv("clusters.csv")),
        header_variants=header_variants,
    )
