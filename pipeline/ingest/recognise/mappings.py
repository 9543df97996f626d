"""What the analysts' «bí danh» sheets teach, across builds (contract §1).

A spelling-mapping sheet may sit anywhere under raw/.  The build keeps, inside the
warehouse (a JSON record in `meta`, written in the build's own transaction, so it never
disagrees with the facts): for every file, the mappings its sheets hold,
the spellings it resolved through a mapping and the spellings it had rejected as unknown.
When the mappings in force change (a mapping file added, edited or removed), only the files
whose spellings are concerned are read again; the record says which mapping files changed
which spellings and which files were read again.

The build calls, in order: `Teaching.from_state(state, folder)`, `activate()` (before
reading), `observe(outcomes)` / `forget(removed)` (as files are read), `affected(present)`
(after: the files to read again, with the new mappings in force), `state()` (stored in the
same transaction).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.core import refdata
from pipeline.core.text import clean, fold
from pipeline.ingest.recognise import forms, names

LIVE_FILE = "bi_danh.in_force.json"  # the mappings in force, for the reading workers


@dataclass
class Teaching:
    path: Path
    files: dict[str, dict] = field(default_factory=dict)  # source_file -> what it holds/used
    in_force: dict[str, dict[str, str]] = field(default_factory=dict)  # what files were read with
    last: dict = field(default_factory=dict)  # the last change: spellings, files read again

    @classmethod
    def from_state(cls, state: dict | None, folder: Path) -> Teaching:
        """The record the last build stored (None: none yet, every mapping is read anew)."""
        data = state if isinstance(state, dict) else {}
        teaching = cls(
            Path(folder) / LIVE_FILE,
            data.get("files", {}),
            data.get("in_force", {}),
            data.get("last", {}),
        )
        teaching.in_force = teaching.effective() if not teaching.in_force else teaching.in_force
        return teaching

    def effective(self) -> dict[str, dict[str, str]]:
        """spelling key → id, per kind, from every mapping file (the first file, in path
        order, wins where two map the same spelling)."""
        out: dict[str, dict[str, str]] = {"unit": {}, "award": {}}
        for source in sorted(self.files):
            for m in self.files[source].get("mappings", ()):
                out[m["kind"]].setdefault(names.name_key(m["spelling"]), m["target_id"])
        return out

    def activate(self, mappings: dict[str, dict[str, str]] | None = None) -> None:
        """Put mappings in force here and in the reading workers (through a file the
        environment names)."""
        mappings = self.in_force if mappings is None else mappings
        names.set_mappings(mappings.get("unit", {}), mappings.get("award", {}))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        live = self.path
        live.write_text(json.dumps(mappings, ensure_ascii=False), encoding="utf-8")
        os.environ[names.MAPPINGS_ENV] = str(live)

    def observe(self, outcomes) -> None:
        for outcome in outcomes:
            entry = {
                "mappings": [
                    {"spelling": m["spelling"], "kind": m["kind"], "target_id": m["target_id"]}
                    for s in outcome.sheets
                    for m in s.mappings
                ],
                "used": sorted({k for s in outcome.sheets for k in s.used_spellings}),
                "unknown": sorted({k for s in outcome.sheets for k in s.unknown_spellings}),
            }
            if any(entry.values()):
                self.files[outcome.source_file] = entry
            else:
                self.files.pop(outcome.source_file, None)

    def forget(self, removed) -> None:
        for source in removed:
            self.files.pop(source, None)

    def affected(self, present: dict[str, Path]) -> list[tuple[str, Path]]:
        """The files to read again because the mappings in force changed: those that used a
        spelling whose mapping changed, or had it rejected as unknown.  Puts the new
        mappings in force."""
        new = self.effective()
        changed = {
            key
            for kind in ("unit", "award")
            for key in set(self.in_force.get(kind, {})) | set(new[kind])
            if self.in_force.get(kind, {}).get(key) != new[kind].get(key)
        }
        if not changed:
            return []
        again = sorted(
            source
            for source, entry in self.files.items()
            if source in present and changed & (set(entry["used"]) | set(entry["unknown"]))
        )
        teachers = sorted(
            source
            for source, entry in self.files.items()
            if any(names.name_key(m["spelling"]) in changed for m in entry["mappings"])
        )
        self.last = {"spellings": sorted(changed), "mapping_files": teachers, "read_again": again}
        self.in_force = new
        self.activate(new)
        return [(source, present[source]) for source in again]

    def state(self) -> dict:
        return {"files": self.files, "in_force": self.in_force, "last": self.last}


# --- the target of an analyst's mapping ------------------------------------------------------


def mapping_target(text: object) -> tuple[str, str] | None:
    """("unit" | "award", id) that a mapping row names: an id, or a name in any written form
    (units of every period)."""
    ref = refdata.load()
    slug_ = fold(text).replace(" ", "_")
    if slug_ in names._gazetteer().units:
        return "unit", slug_
    if slug_ in ref.award_names:
        return "award", slug_
    unit = names.resolve_unit(text)
    if unit.id:
        return "unit", unit.id
    award = forms.resolve_award(text)
    if award.id:
        return "award", award.id
    return None


def mapping_target_message(text: object) -> str:
    written = clean(text)
    units = names.suggest_units(names.name_key(written))
    awards = forms.suggest_awards(forms.expand_award(written))
    known = [names._display(u) for u in units] + [forms._award_names()[a] for a in awards]
    said = f" ({names._did_you_mean(known)})" if known else ""
    return (
        f"bí danh chỉ tới «{written}», không phải tên hay mã của đơn vị hoặc hình thức khen "
        f"thưởng nào đã biết{said}; ghi ở cột «Đơn vị hoặc hình thức» tên hoặc mã trong danh mục "
        "(ví dụ «VKSND tỉnh Gia Lai», «gia_lai», «Bằng khen của Thủ tướng Chính phủ», "
        "«bang_khen_thu_tuong»)"
    )
