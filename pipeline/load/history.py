"""Awards over the years, read as the law reads them (issue 16): streaks, quotas, candidates
and consistency flags, computed from the loaded `recipients` and `awards`.

The conditions are reference data (`core/reference/award_rules.csv`, one row per condition
and version, with its legal basis and a confidence); only rows of high or medium confidence
are applied, the others are listed as "chưa mã hóa, cần nguồn".  The version that applies to
a work year is the one in force at its end (30 November): work year 2023 reads the old law,
2024 the Law of 2022 and, from 1/10/2024, Circular 02/2024/TT-VKSTC.

Persons are matched across years by a stable key: the folded name (`core.text.fold`) within
one unit, plus the staff number or, failing that, the birth year where a sheet gives one.
Two rows that might be two people (one name, one unit, one year, one form, nothing to tell
them apart; or rows without a key where the key shows several people) are a question, never
a merge: they give no candidate and no flag, and are counted as "trùng tên".

A result is a candidate for review, never a verdict: every candidate says what the data
cannot show (ratings, initiatives, votes, years of service).  No table written here holds a
name: candidates point at the recipient row they name (source_file, sheet, row_no) and the
`award_candidates` view joins the name in, so names stay where the contract puts them.

`refresh(con)` recomputes the tables when the warehouse changed since they were made (a
changed build or new reference data), in one transaction, before the read snapshot is
published; `evaluate` is the pure computation on frames.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from pipeline.core import refdata
from pipeline.core.text import clean, fold

ACTIVE_CONFIDENCE = ("high", "medium-high", "medium")
RULE_COLUMNS = [
    "rule_id",
    "award_id",
    "recipient_kind",
    "pattern",
    "basis_award_id",
    "n",
    "within_years",
    "after_award_id",
    "share",
    "min_allowed",
    "valid_from",
    "valid_to",
    "checks",
    "legal_basis",
    "confidence",
    "unchecked",
    "source",
]
CANDIDATE_COLUMNS = [
    "year",
    "unit_id",
    "recipient_kind",
    "person_id",
    "award_id",
    "rule_id",
    "evidence_years",
    "unchecked",
    "legal_basis",
    "confidence",
    "source_file",
    "sheet",
    "row_no",
    "illustrative",
]
FLAG_COLUMNS = [
    "year",
    "unit_id",
    "rule_id",
    "award_id",
    "flag",
    "cases",
    "message",
    "legal_basis",
    "illustrative",
]
QUOTA_COLUMNS = [
    "year",
    "unit_id",
    "rule_id",
    "award_id",
    "base_award_id",
    "count",
    "base_count",
    "share_used",
    "share_limit",
    "allowed",
    "applies",
    "breach",
    "illustrative",
]
STREAK_COLUMNS = ["year", "unit_id", "award_id", "subject", "streak_len", "n", "illustrative"]
QUESTION_COLUMNS = ["question_id", "year", "unit_id", "award_id", "source_file", "sheet", "row_no"]
GAP_COLUMNS = ["unit_id", "year"]

FLAG_TEXT = {
    "thieu_chuoi_nam": "được tặng nhưng dữ liệu không có đủ {n} năm liên tục {basis}",
    "thieu_danh_hieu_cung_nam": "được tặng nhiều hơn số {basis} cùng năm của đơn vị",
    "vuot_ty_le": "vượt tỷ lệ tối đa {share} so với số {basis} của đơn vị",
    "trao_lan_hai": "một người được tặng lần thứ hai (chỉ được tặng một lần)",
    "trung_ten": "Trùng họ tên trong cùng đơn vị, cùng năm: cần xác minh, không gộp",
}


# --- rules -------------------------------------------------------------------------------


def load_rules() -> pd.DataFrame:
    """Every row of award_rules.csv, with `active` (high or medium confidence)."""
    frame = pd.DataFrame(refdata.read_csv("award_rules.csv"), columns=RULE_COLUMNS)
    return _typed_rules(frame)


def _typed_rules(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    for col in ("n", "within_years", "min_allowed"):
        frame[col] = pd.to_numeric(frame[col].replace("", None), errors="coerce").astype("Int64")
    frame["share"] = pd.to_numeric(frame["share"].replace("", None), errors="coerce")
    for col in ("valid_from", "valid_to"):
        frame[col] = [date.fromisoformat(v) if v else None for v in frame[col]]
    frame["active"] = frame["confidence"].isin(ACTIVE_CONFIDENCE)
    return frame


def work_year_end(year: int) -> date:
    """The day whose law a work year is read by: its last day (30 November)."""
    return date(int(year), 11, 30)


def applies(rule, year: int) -> bool:
    day = work_year_end(year)
    return (rule.valid_from is None or rule.valid_from <= day) and (
        rule.valid_to is None or day <= rule.valid_to
    )


# --- persons -----------------------------------------------------------------------------


@dataclass
class Persons:
    rows: pd.DataFrame  # recipient rows with person_id (NaN: ambiguous, left out)
    questions: pd.DataFrame  # the ambiguous rows, one question_id per name in a unit


def match_persons(rec: pd.DataFrame) -> Persons:
    """Give every individual recipient row a person_id, or make it a question.

    Key: (unit_id, folded name, staff number, or birth year where the group has no staff
    number).  Rows without the key join the one person the key shows; where it shows several,
    they are questions.  Without any key, one name listed twice for one form in one year of a
    unit makes every row of that name in that unit a question."""
    rec = rec.reset_index(drop=True).copy()
    names = [fold(n) for n in rec["name"]]
    staff = [fold(s) or None if s is not None and not pd.isna(s) else None for s in rec["staff_no"]]
    birth = [None if b is None or pd.isna(b) else f"ns{int(b)}" for b in rec["birth_year"]]
    groups: dict[tuple, list[int]] = {}
    for i, (unit, name) in enumerate(zip(rec["unit_id"], names, strict=True)):
        groups.setdefault((unit, name), []).append(i)
    years, awards = list(rec["year"]), list(rec["award_id"])
    person: list[int | None] = [None] * len(rec)
    question: list[int | None] = [None] * len(rec)
    next_id, next_q = 1, 1
    for key in sorted(groups):
        idx = groups[key]
        ident = [staff[i] for i in idx] if any(staff[i] for i in idx) else [birth[i] for i in idx]
        idents = sorted({k for k in ident if k})
        if not idents:
            seen, dup = set(), False
            for i in idx:
                dup = dup or (years[i], awards[i]) in seen
                seen.add((years[i], awards[i]))
            if dup:
                for i in idx:
                    question[i] = next_q
                next_q += 1
            else:
                for i in idx:
                    person[i] = next_id
                next_id += 1
            continue
        ids = {k: next_id + n for n, k in enumerate(idents)}
        next_id += len(idents)
        unkeyed = [i for i, k in zip(idx, ident, strict=True) if not k]
        for i, k in zip(idx, ident, strict=True):
            if k:
                person[i] = ids[k]
        if unkeyed and len(idents) == 1:
            for i in unkeyed:
                person[i] = ids[idents[0]]
        elif unkeyed:
            for i in unkeyed:
                question[i] = next_q
            next_q += 1
    rec["person_id"] = pd.array(person, dtype="Int64")
    rec["question_id"] = pd.array(question, dtype="Int64")
    questions = rec[rec["question_id"].notna()][QUESTION_COLUMNS].astype({"question_id": int})
    return Persons(rec.drop(columns=["question_id"]), questions.reset_index(drop=True))


# --- evaluation --------------------------------------------------------------------------


@dataclass
class History:
    candidates: pd.DataFrame
    flags: pd.DataFrame
    quota: pd.DataFrame
    streaks: pd.DataFrame
    questions: pd.DataFrame
    gaps: pd.DataFrame
    unchecked_flags: dict = field(default_factory=dict)


def _run_length(years_with: set[int], year: int, stop_after: int | None = None) -> int:
    run, y = 0, year
    while y in years_with and (stop_after is None or y > stop_after):
        run += 1
        y -= 1
    return run


def _years_text(years) -> str:
    return ", ".join(str(y) for y in sorted(years))


def evaluate(
    recipients: pd.DataFrame,
    awards: pd.DataFrame | None = None,
    rules: pd.DataFrame | None = None,
) -> History:
    """Candidates, flags, quota use, streaks, questions and data gaps.

    recipients: year, unit_id, award_id, recipient_kind, name (+ optional position,
    birth_year, staff_no, source_file, sheet, row_no, illustrative);
    awards: year, unit_id, award_id, recipient_kind, count (annual counts, + illustrative)."""
    rules = load_rules() if rules is None else rules
    active = rules[rules["active"]]
    recipients = _with_defaults(recipients)
    awards = _awards_frame(awards)

    coverage = recipients.groupby("unit_id")["year"].agg(lambda s: set(int(y) for y in s))
    gaps = [
        (unit, y)
        for unit, years in coverage.items()
        for y in range(min(years), max(years) + 1)
        if y not in years
    ]
    people = recipients[recipients["recipient_kind"] == "ca_nhan"]
    persons = match_persons(people)
    rows = persons.rows[persons.rows["person_id"].notna()]
    candidates, flags, unchecked = [], [], {}

    persons_of: dict[int, dict] = {}
    for r in rows[
        [
            "person_id",
            "unit_id",
            "award_id",
            "year",
            "source_file",
            "sheet",
            "row_no",
            "illustrative",
        ]
    ].itertuples(index=False):
        p = persons_of.setdefault(
            int(r.person_id), {"unit": r.unit_id, "by_award": {}, "latest": None, "ill": False}
        )
        p["by_award"].setdefault(r.award_id, set()).add(int(r.year))
        order = (int(r.year), str(r.source_file), str(r.sheet), r.row_no or 0)
        if p["latest"] is None or order > p["latest"][0]:
            p["latest"] = (order, r.source_file, r.sheet, r.row_no)
        p["ill"] = p["ill"] or _true(r.illustrative)
    person_rules = [r for r in active.itertuples(index=False) if r.recipient_kind == "ca_nhan"]
    for pid in sorted(persons_of):
        p = persons_of[pid]
        unit, by_award = p["unit"], p["by_award"]
        covered = coverage.get(unit, set())
        _, latest_file, latest_sheet, latest_row = p["latest"]
        latest = {"source_file": latest_file, "sheet": latest_sheet, "row_no": latest_row}
        illustrative = p["ill"]
        for rule in person_rules:
            checks = rule.checks.split(";")
            sought = by_award.get(rule.award_id, set())
            basis = by_award.get(rule.basis_award_id, set())
            if "candidate" in checks and rule.pattern in ("consecutive_years", "times_within"):
                for year in sorted(covered):
                    if not applies(rule, year) or year in sought:
                        continue
                    before = [s for s in sought if s < year]
                    last = max(before) if before else None
                    evidence = _candidate_evidence(rule, year, basis, by_award, last)
                    if evidence:
                        candidates.append(
                            {
                                "year": year,
                                "unit_id": unit,
                                "recipient_kind": "ca_nhan",
                                "person_id": pid,
                                "award_id": rule.award_id,
                                "rule_id": rule.rule_id,
                                "evidence_years": _years_text(evidence),
                                "unchecked": rule.unchecked,
                                "legal_basis": rule.legal_basis,
                                "confidence": rule.confidence,
                                "source_file": latest["source_file"],
                                "sheet": latest["sheet"],
                                "row_no": latest["row_no"],
                                "illustrative": illustrative,
                            }
                        )
            if "flag" in checks and rule.pattern == "consecutive_years":
                for year in sorted(sought):
                    if not applies(rule, year):
                        continue
                    window = range(year - int(rule.n) + 1, year + 1)
                    if all(y in basis for y in window):
                        continue
                    if not all(y in covered for y in window):
                        key = (rule.rule_id, year, unit)
                        unchecked[key] = unchecked.get(key, 0) + 1
                        continue
                    flags.append(_flag(year, unit, rule, "thieu_chuoi_nam", illustrative))
            if "flag" in checks and rule.pattern == "once_in_life" and len(sought) > 1:
                for year in sorted(sought)[1:]:
                    if applies(rule, year):
                        flags.append(_flag(year, unit, rule, "trao_lan_hai", illustrative))

    quota_rows = []
    unit_years = _unit_years(awards)
    for rule in active.itertuples(index=False):
        if rule.pattern not in ("same_year", "quota_share") or "flag" not in rule.checks:
            continue
        for (unit, year), (counts, illustrative) in unit_years:
            year = int(year)
            has_got, has_base = rule.award_id in counts, rule.basis_award_id in counts
            count = int(counts.get(rule.award_id, 0))
            base_count = int(counts.get(rule.basis_award_id, 0))
            if rule.pattern == "quota_share":
                if not has_got and not has_base:
                    continue
                allowed = max(float(rule.min_allowed or 0), float(rule.share) * base_count)
                checkable = has_base and has_got
                ok_year = applies(rule, year)
                breach = bool(ok_year and checkable and count > allowed + 1e-9)
                quota_rows.append(
                    {
                        "year": year,
                        "unit_id": unit,
                        "rule_id": rule.rule_id,
                        "award_id": rule.award_id,
                        "base_award_id": rule.basis_award_id,
                        "count": count if has_got else None,
                        "base_count": base_count if has_base else None,
                        "share_used": (count / base_count) if base_count else None,
                        "share_limit": float(rule.share),
                        "allowed": allowed if has_base else None,
                        "applies": ok_year,
                        "breach": breach,
                        "illustrative": illustrative,
                    }
                )
                if breach:
                    flags.append(_flag(year, unit, rule, "vuot_ty_le", illustrative))
            elif count > 0 and applies(rule, year):
                if not has_base:
                    key = (rule.rule_id, year, unit)
                    unchecked[key] = unchecked.get(key, 0) + 1
                elif base_count < count * int(rule.n or 1):
                    flags.append(
                        _flag(
                            year,
                            unit,
                            rule,
                            "thieu_danh_hieu_cung_nam",
                            illustrative,
                            cases=count - base_count,
                        )
                    )

    questions = persons.questions
    for _qid, grp in questions.groupby("question_id", sort=True):
        per_year = grp["year"].value_counts()
        twice = sorted(int(y) for y, n in per_year.items() if n > 1)
        flags.append(
            {
                "year": twice[0] if twice else int(grp["year"].min()),
                "unit_id": grp["unit_id"].iloc[0],
                "rule_id": None,
                "award_id": None,
                "flag": "trung_ten",
                "cases": 1,
                "message": FLAG_TEXT["trung_ten"],
                "legal_basis": None,
                "illustrative": _illustrative_of(people, grp),
            }
        )

    flag_frame = pd.DataFrame(flags, columns=FLAG_COLUMNS)
    if not flag_frame.empty:
        flag_frame = (
            flag_frame.groupby(
                ["year", "unit_id", "rule_id", "award_id", "flag", "message", "legal_basis"],
                dropna=False,
                sort=True,
            )
            .agg(cases=("cases", "sum"), illustrative=("illustrative", "any"))
            .reset_index()[FLAG_COLUMNS]
        )
    return History(
        candidates=pd.DataFrame(candidates, columns=CANDIDATE_COLUMNS),
        flags=flag_frame,
        quota=pd.DataFrame(quota_rows, columns=QUOTA_COLUMNS),
        streaks=_streaks(rows, awards),
        questions=questions,
        gaps=pd.DataFrame(sorted(gaps), columns=GAP_COLUMNS),
        unchecked_flags=unchecked,
    )


def _unit_years(awards: pd.DataFrame) -> list[tuple[tuple, tuple[dict, bool]]]:
    """((unit_id, year), ({award_id: summed count}, illustrative)) of every unit and year
    with award counts, in order: what the quota and same-year checks read, summed once
    (a rule's look at a unit's year is then two dictionary look-ups)."""
    groups: dict[tuple, list] = {}
    columns = ("unit_id", "year", "award_id", "count", "illustrative")
    for unit, year, award, count, ill in zip(*(awards[c] for c in columns), strict=True):
        if unit is None or pd.isna(unit) or year is None or pd.isna(year):
            continue  # (as a groupby leaves them out)
        group = groups.setdefault((unit, year), [{}, False])
        if award is not None and not pd.isna(award):
            group[0][award] = group[0].get(award, 0) + count
        group[1] = group[1] or _true(ill)
    return [(key, (counts, bool(ill))) for key, (counts, ill) in sorted(groups.items())]


def _illustrative_of(people: pd.DataFrame, grp: pd.DataFrame) -> bool:
    keys = set(zip(grp["source_file"], grp["sheet"], grp["row_no"], strict=True))
    mask = [
        (s, sh, r) in keys
        for s, sh, r in zip(people["source_file"], people["sheet"], people["row_no"], strict=True)
    ]
    return bool(people.loc[mask, "illustrative"].fillna(False).any())


def _true(value) -> bool:
    return value is not None and not pd.isna(value) and bool(value)


def _candidate_evidence(rule, year, basis, by_award, last_sought) -> list[int] | None:
    n = int(rule.n)
    if rule.pattern == "consecutive_years":
        if _run_length(basis, year, last_sought) >= n:
            return list(range(year - n + 1, year + 1))
        return None
    # times_within: a prior form in year z, then >= within_years years and n times the basis
    after = sorted(by_award.get(rule.after_award_id, set()), reverse=True)
    for z in after:
        if last_sought is not None and z <= last_sought:
            continue
        if year - z < int(rule.within_years):
            continue
        times = sorted(y for y in basis if z < y <= year)
        if len(times) >= n:
            return [z] + times
    return None


def _flag(year, unit, rule, code, illustrative, cases=1) -> dict:
    names = refdata.load().award_names
    basis = names.get(rule.basis_award_id or "", rule.basis_award_id or "")
    share = f"{float(rule.share) * 100:g} %".replace(".", ",") if pd.notna(rule.share) else ""
    message = FLAG_TEXT[code].format(n=rule.n, basis=basis, share=share)
    return {
        "year": int(year),
        "unit_id": unit,
        "rule_id": rule.rule_id,
        "award_id": rule.award_id,
        "flag": code,
        "cases": int(cases),
        "message": f"{names.get(rule.award_id, rule.award_id)} {message}",
        "legal_basis": rule.legal_basis,
        "illustrative": illustrative,
    }


def _streaks(rows: pd.DataFrame, awards: pd.DataFrame) -> pd.DataFrame:
    """Runs of consecutive years ending in each year: of persons (how many persons of a unit
    have a run of that length) and of units (a collective form the unit had each year)."""
    out: dict[tuple, list] = {}
    held: dict[tuple, list] = {}  # (person, award) -> [unit, years, illustrative]
    for r in rows[["person_id", "award_id", "unit_id", "year", "illustrative"]].itertuples(
        index=False
    ):
        h = held.setdefault((int(r.person_id), r.award_id), [r.unit_id, set(), False])
        h[1].add(int(r.year))
        h[2] = h[2] or _true(r.illustrative)
    for (_pid, award), (unit, years, ill) in sorted(held.items()):
        for y in sorted(years):
            key = (y, unit, award, "ca_nhan", _run_length(years, y))
            n, was = out.get(key, [0, False])
            out[key] = [n + 1, was or ill]
    collective = awards[(awards["recipient_kind"] == "tap_the") & (awards["count"] > 0)]
    had: dict[tuple, list] = {}  # (unit, award) -> [years, illustrative]: one pass, no groupby
    for unit, award, year, ill in zip(  # (≈ 500 groups on the national corpus: 60 ms)
        collective["unit_id"],
        collective["award_id"],
        collective["year"],
        collective["illustrative"],
        strict=True,
    ):
        if pd.isna(unit) or pd.isna(award):  # (as groupby: no group for a missing key)
            continue
        h = had.setdefault((unit, award), [set(), False])
        h[0].add(int(year))
        h[1] = h[1] or _true(ill)
    for (unit, award), (years, ill) in had.items():
        for y in sorted(years):
            out[(y, unit, award, "don_vi", _run_length(years, y))] = [1, ill]
    return pd.DataFrame([(*k, v[0], v[1]) for k, v in sorted(out.items())], columns=STREAK_COLUMNS)


def _with_defaults(rec: pd.DataFrame) -> pd.DataFrame:
    rec = rec.copy()
    for col, default in (
        ("year", None),
        ("unit_id", None),
        ("award_id", None),
        ("recipient_kind", None),
        ("name", None),
        ("position", None),
        ("birth_year", None),
        ("staff_no", None),
        ("source_file", None),
        ("sheet", None),
        ("row_no", None),
        ("illustrative", False),
    ):
        if col not in rec:
            rec[col] = default
    if "row_no" in rec and rec["row_no"].isna().all():
        rec["row_no"] = range(1, len(rec) + 1)
    rec["name"] = [clean(n) for n in rec["name"]]
    rec["staff_no"] = [
        None if s is None or pd.isna(s) or not clean(s) else clean(s) for s in rec["staff_no"]
    ]
    rec = rec[rec["award_id"].notna() & rec["year"].notna() & rec["unit_id"].notna()]
    rec = rec[rec["name"] != ""]
    rec["year"] = rec["year"].astype(int)
    return rec.reset_index(drop=True)


def _awards_frame(awards: pd.DataFrame | None) -> pd.DataFrame:
    cols = ["year", "unit_id", "award_id", "recipient_kind", "count", "illustrative"]
    if awards is None:
        return pd.DataFrame(columns=cols).astype({"count": "float64"})
    awards = awards.copy()
    if "illustrative" not in awards:
        awards["illustrative"] = False
    awards["count"] = pd.to_numeric(awards["count"]).fillna(0)
    return awards[cols]


# --- the warehouse -----------------------------------------------------------------------


def _meta(con, key: str) -> str | None:
    rows = con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchall()
    return rows[0][0] if rows else None


def refresh(con) -> bool:
    """Recompute the history tables if the warehouse changed since they were made (its
    `build_id`), in one transaction of their own; True when it recomputed.  Called by the
    build right before it publishes the read snapshot, so every snapshot's history agrees
    with its facts."""
    from pipeline.load.warehouse import made_from_latest

    if made_from_latest(con, "history"):
        return False
    build_id = _meta(con, "build_id")
    con.execute("BEGIN TRANSACTION")
    try:
        compute(con)
        con.execute("INSERT OR REPLACE INTO meta VALUES ('history', ?)", [build_id or ""])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return True


def compute(con) -> History:
    """Read recipients and annual award counts, evaluate, and replace the h_* tables."""
    recipients = con.execute(
        "SELECT year, unit_id, award_id, recipient_kind, name, position, birth_year, staff_no,"
        " source_file, sheet, row_no, illustrative FROM recipients"
    ).df()
    # annual titles are counted at the year's end: the tổng kết năm (FY) sheets
    awards = con.execute(
        "SELECT year, unit_id, award_id, recipient_kind, count, illustrative FROM awards"
        " WHERE period LIKE '%-FY'"
    ).df()
    recipients = recipients.astype(object).where(recipients.notna(), None)
    history = evaluate(recipients, awards)
    rules = load_rules()
    rules["status"] = ["đã mã hóa" if a else "chưa mã hóa, cần nguồn" for a in rules["active"]]
    tables = {
        "h_rules": (rules, RULE_COLUMNS + ["active", "status"]),
        "h_candidates": (history.candidates, CANDIDATE_COLUMNS),
        "h_flags": (history.flags, FLAG_COLUMNS),
        "h_quota": (history.quota, QUOTA_COLUMNS),
        "h_streaks": (history.streaks, STREAK_COLUMNS),
        "h_questions": (history.questions, QUESTION_COLUMNS),
        "h_gaps": (history.gaps, GAP_COLUMNS),
    }
    for table, (frame, columns) in tables.items():
        con.execute(f"DELETE FROM {table}")
        if frame is not None and not frame.empty:
            batch = frame[columns].astype(object).where(frame[columns].notna(), None)  # noqa: F841
            con.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(columns)} FROM batch"
            )
    return history
