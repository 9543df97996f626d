"""Queries on the public views, shared by notebooks, dashboards, meeting exports, reports and
the clip. Each function takes a DuckDB connection and returns a DataFrame with English column
names; `LABELS` gives the Vietnamese heading of every column an analyst sees.

Yearly figures come from the year-end report (`YYYY-FY`) unless a function is asked for the
mid-year one (`half="H1"`): the two reports of one year are never added together, so nothing
is counted twice.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pipeline.core.labels import (
    LEVEL_LABELS,
    METRIC_LABELS,
    RECIPIENT_KIND_LABELS,
    ROLE_LABELS,
)


def _df(con, sql: str, params: list | None = None) -> pd.DataFrame:
    return con.execute(sql, params or []).df()


def vn_order(frame: pd.DataFrame, by: list[str], ascending: bool | list[bool] = True):
    """`frame` sorted by `by`, names («name», «award_name») in Vietnamese alphabetical
    order (core.collate), not by character code."""
    from pipeline.core.collate import key

    if frame.empty:
        return frame.reset_index(drop=True)

    def sort_key(col: pd.Series) -> pd.Series:
        if col.name == "period":  # a year's mid-year report before its year-end report
            keys = {p: f"{p[:4]}{1 if str(p).endswith('FY') else 0}{p}" for p in col.unique()}
        elif col.name in ("name", "award_name", "unit_name"):
            keys = {v: key(v) for v in col.unique()}  # each distinct name once
        else:
            return col
        return col.map(keys)

    return frame.sort_values(by, ascending=ascending, key=sort_key, kind="stable").reset_index(
        drop=True
    )


# the public views of the facts (contract §3); the clip reads these, the site more
FACT_VIEWS = (
    "units",
    "clusters",
    "indicator_results",
    "scores",
    "score_ranking",
    "awards",
    "initiatives",
)
SNAPSHOT_VIEWS = (
    *FACT_VIEWS,
    "loads",
    "rejections",
    "ref_award_forms",
    "submissions",
)


def snapshot(con) -> None:
    """Copy the public views this module reads into temporary tables of the connection (they
    shadow the views): one consistent picture for a whole site or report, and each of the
    hundreds of small queries then reads a table instead of re-joining the facts."""
    for view in SNAPSHOT_VIEWS:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {view} AS SELECT * FROM main.{view}")


# -- what the warehouse holds ------------------------------------------------------------------


def periods(con) -> list[str]:
    sql = """SELECT DISTINCT period FROM (
                 SELECT period FROM indicator_results UNION ALL SELECT period FROM scores
                 UNION ALL SELECT period FROM awards UNION ALL SELECT period FROM initiatives)
             ORDER BY left(period, 4), period LIKE '%-FY'"""
    return [r[0] for r in con.execute(sql).fetchall()]


def period_key(period: str) -> tuple[int, int]:
    """Sort key: a year's mid-year report comes before its year-end report."""
    return int(period[:4]), 1 if period.endswith("FY") else 0


def cluster_numbers(con, period: str) -> list[int]:
    """Clusters with any figure for the period."""
    sql = """SELECT DISTINCT cluster_no FROM (
                 SELECT period, cluster_no FROM indicator_results UNION ALL
                 SELECT period, cluster_no FROM scores UNION ALL
                 SELECT period, cluster_no FROM awards UNION ALL
                 SELECT period, cluster_no FROM initiatives)
             WHERE period = ? AND cluster_no IS NOT NULL ORDER BY cluster_no"""
    return [r[0] for r in con.execute(sql, [period]).fetchall()]


def clusters_by_period(con) -> dict[str, list[int]]:
    """`cluster_numbers` of every period in one query: period → clusters with any figure."""
    sql = """SELECT DISTINCT period, cluster_no FROM (
                 SELECT period, cluster_no FROM indicator_results UNION ALL
                 SELECT period, cluster_no FROM scores UNION ALL
                 SELECT period, cluster_no FROM awards UNION ALL
                 SELECT period, cluster_no FROM initiatives)
             WHERE cluster_no IS NOT NULL ORDER BY cluster_no"""
    out: dict[str, list[int]] = {}
    for period, cluster in con.execute(sql).fetchall():
        out.setdefault(period, []).append(cluster)
    return out


def unit_names(con) -> dict[str, str]:
    return dict(con.execute("SELECT unit_id, name FROM units").fetchall())


def units_with_data(con) -> pd.DataFrame:
    sql = """SELECT DISTINCT f.unit_id, u.name FROM (
                 SELECT unit_id FROM indicator_results UNION ALL SELECT unit_id FROM scores
                 UNION ALL SELECT unit_id FROM awards UNION ALL SELECT unit_id FROM initiatives) f
             JOIN units u USING (unit_id)"""
    return vn_order(_df(con, sql), ["name"])


@dataclass(frozen=True)
class DataStamp:
    loaded_at: object  # datetime of the newest load, or None
    latest_period: str | None
    files: int
    illustrative_files: int


def data_stamp(con) -> DataStamp:
    loaded_at, files, illus = con.execute(
        "SELECT max(loaded_at), count(*), count(*) FILTER (WHERE illustrative) FROM loads"
    ).fetchone()
    found = periods(con)
    return DataStamp(loaded_at, found[-1] if found else None, files, illus)


def any_illustrative(*frames: pd.DataFrame) -> bool:
    return any(
        "illustrative" in f.columns and bool(f["illustrative"].any())
        for f in frames  # NA: no
    )


# -- one cluster, one period -------------------------------------------------------------------


def members(con, year: int, cluster_no: int) -> pd.DataFrame:
    sql = """SELECT c.unit_id, u.name, c.role FROM clusters c JOIN units u USING (unit_id)
             WHERE c.year = ? AND c.cluster_no = ?
             ORDER BY CASE c.role WHEN 'truong' THEN 0 WHEN 'pho' THEN 1 ELSE 2 END, u.name"""
    out = _df(con, sql, [year, cluster_no])
    out["_role"] = out["role"].map({"truong": 0, "pho": 1}).fillna(2)
    out = vn_order(out, ["_role", "name"]).drop(columns="_role")
    out["role_label"] = out["role"].map(ROLE_LABELS).fillna("Thành viên")
    return out


def _where(
    period: str | None, cluster_no: int | None, unit_id: str | None, alias: str = "f"
) -> tuple[str, list]:
    parts, params = [], []
    if period is not None:
        parts.append(f"{alias}.period = ?")
        params.append(period)
    if cluster_no is not None:
        parts.append(f"{alias}.cluster_no = ?")
        params.append(cluster_no)
    if unit_id is not None:
        parts.append(f"{alias}.unit_id = ?")
        params.append(unit_id)
    return (" AND ".join(parts) or "TRUE"), params


def indicator_results(
    con, period: str | None = None, cluster_no: int | None = None, unit_id: str | None = None
) -> pd.DataFrame:
    """Each result against its target; `margin` is positive when the result is better."""
    where, params = _where(period, cluster_no, unit_id)
    sql = f"""SELECT f.period, f.unit_id, u.name, f.cluster_no, f.indicator_id, f.indicator_name,
                     f.measure_unit, f.target, f.actual, f.met, f.direction,
                     CASE WHEN f.direction = 'lower' THEN f.target - f.actual
                          ELSE f.actual - f.target END AS margin,
                     f.source_file, f.illustrative
              FROM indicator_results f JOIN units u USING (unit_id)
              WHERE {where}"""
    out = vn_order(_df(con, sql, params), ["period", "name", "indicator_id"])
    out["met_label"] = out["met"].map({True: "Đạt", False: "Chưa đạt"}).fillna("Không đủ số liệu")
    return out


def _by(by: tuple[str, ...]) -> str:
    """The leading columns of a `by=` query: also per period and/or cluster, every group in
    one query (the rows of one group are what the query filtered to it gives)."""
    unknown = set(by) - {"period", "cluster_no"}
    if unknown:
        raise ValueError(f"by: {sorted(unknown)}")
    return "".join(f"f.{c}, " for c in by)


def indicator_summary(
    con,
    period: str | None,
    cluster_no: int | None = None,
    unit_id: str | None = None,
    by: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Per unit: how many indicators have figures, how many met, the share met. `by`: also
    per `period` and/or `cluster_no` (leading columns), all groups in one query."""
    where, params = _where(period, cluster_no, unit_id)
    sql = f"""SELECT {_by(by)}f.unit_id, u.name, count(f.met) AS n_indicators,
                     count(*) FILTER (WHERE f.met) AS n_met,
                     count(*) FILTER (WHERE NOT f.met) AS n_missed,
                     round(100.0 * count(*) FILTER (WHERE f.met) / nullif(count(f.met), 0), 1)
                         AS share_met,
                     bool_or(f.illustrative) AS illustrative
              FROM indicator_results f JOIN units u USING (unit_id)
              WHERE {where} GROUP BY ALL"""
    return vn_order(_df(con, sql, params), ["share_met", "name"], [False, True])


def score_ranking(con, period: str | None, cluster_no: int | None = None) -> pd.DataFrame:
    where, params = _where(period, cluster_no, None, "r")
    sql = f"""SELECT r.period, r.cluster_no, r.unit_id, u.name, r.total_points, r.rank,
                     r.illustrative
              FROM score_ranking r JOIN units u USING (unit_id)
              WHERE {where}"""
    return vn_order(_df(con, sql, params), ["cluster_no", "rank", "name"])


def awards_by_unit(
    con,
    period: str | None,
    cluster_no: int | None = None,
    unit_id: str | None = None,
    by: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Per unit: awards to collectives and to individuals, and their total (`by`: as in
    `indicator_summary`)."""
    where, params = _where(period, cluster_no, unit_id)
    sql = f"""SELECT {_by(by)}f.unit_id, u.name,
                     coalesce(sum(f.count) FILTER (WHERE f.recipient_kind = 'tap_the'), 0)
                         AS collective,
                     coalesce(sum(f.count) FILTER (WHERE f.recipient_kind = 'ca_nhan'), 0)
                         AS individual,
                     coalesce(sum(f.count), 0) AS awards, bool_or(f.illustrative) AS illustrative
              FROM awards f JOIN units u USING (unit_id)
              WHERE {where} GROUP BY ALL"""
    return vn_order(_df(con, sql, params), ["awards", "name"], [False, True])


def awards_by_form(
    con, period: str, cluster_no: int | None = None, unit_id: str | None = None
) -> pd.DataFrame:
    where, params = _where(period, cluster_no, unit_id)
    sql = f"""SELECT f.award_id, f.award_name, f.recipient_kind, sum(f.count) AS count,
                     bool_or(f.illustrative) AS illustrative
              FROM awards f JOIN ref_award_forms a USING (award_id)
              WHERE {where} GROUP BY f.award_id, f.award_name, f.recipient_kind, a.rank
              ORDER BY CAST(a.rank AS INTEGER), f.recipient_kind DESC"""
    out = _df(con, sql, params)
    out["recipient_label"] = out["recipient_kind"].map(RECIPIENT_KIND_LABELS)
    return out


def initiatives_by_unit(
    con,
    period: str | None,
    cluster_no: int | None = None,
    unit_id: str | None = None,
    by: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Per unit and level: initiatives (`by`: as in `indicator_summary`)."""
    where, params = _where(period, cluster_no, unit_id)
    sql = f"""SELECT {_by(by)}f.unit_id, u.name, f.level, sum(f.count) AS count,
                     bool_or(f.illustrative) AS illustrative
              FROM initiatives f JOIN units u USING (unit_id)
              WHERE {where} GROUP BY ALL"""
    out = vn_order(_df(con, sql, params), ["name", "level"])
    out["level_label"] = out["level"].map(LEVEL_LABELS)
    return out


def cluster_overview(con, period: str | None) -> pd.DataFrame:
    """Clusters side by side for one period (`None`: every period in one query, with a
    leading `period` column; one period's rows are what that period alone gives)."""
    k = "period, cluster_no" if period is None else "cluster_no"  # the group of a row
    where = "TRUE" if period is None else "period = $p"
    sql = f"""
    WITH ind AS (SELECT {k}, count(DISTINCT unit_id) AS u1, count(met) AS n,
                        count(*) FILTER (WHERE met) AS n_met, bool_or(illustrative) AS i1
                 FROM indicator_results WHERE {where} GROUP BY {k}),
         sc AS (SELECT {k}, count(DISTINCT unit_id) AS u2, avg(total_points) AS mean_points,
                       bool_or(illustrative) AS i2
                FROM score_ranking WHERE {where} GROUP BY {k}),
         aw AS (SELECT {k}, count(DISTINCT unit_id) AS u3,
                       coalesce(sum(count) FILTER (WHERE recipient_kind = 'tap_the'), 0) AS collective,
                       coalesce(sum(count) FILTER (WHERE recipient_kind = 'ca_nhan'), 0) AS individual,
                       bool_or(illustrative) AS i3
                FROM awards WHERE {where} GROUP BY {k}),
         ini AS (SELECT {k}, count(DISTINCT unit_id) AS u4, sum(count) AS initiatives,
                        bool_or(illustrative) AS i4
                 FROM initiatives WHERE {where} GROUP BY {k}),
         cl AS (SELECT {k} FROM ind UNION SELECT {k} FROM sc
                UNION SELECT {k} FROM aw UNION SELECT {k} FROM ini)
    SELECT {"cl.period, " if period is None else ""}cl.cluster_no,
           greatest(coalesce(u1, 0), coalesce(u2, 0), coalesce(u3, 0),
                                   coalesce(u4, 0)) AS units,
           round(100.0 * n_met / nullif(n, 0), 1) AS share_met,
           round(mean_points, 1) AS mean_points, collective, individual,
           coalesce(collective, 0) + coalesce(individual, 0) AS awards,
           round((coalesce(collective, 0) + coalesce(individual, 0))
                 / nullif(u3, 0), 1) AS awards_per_unit,
           initiatives,
           coalesce(i1, FALSE) OR coalesce(i2, FALSE) OR coalesce(i3, FALSE)
               OR coalesce(i4, FALSE) AS illustrative
    FROM cl LEFT JOIN ind USING ({k}) LEFT JOIN sc USING ({k})
    LEFT JOIN aw USING ({k}) LEFT JOIN ini USING ({k})
    WHERE cl.cluster_no IS NOT NULL ORDER BY cl.cluster_no"""
    return _df(con, sql, {} if period is None else {"p": period})


# -- over the years ----------------------------------------------------------------------------


def territory_map(con, year: int = 2025) -> dict[str, str]:
    """Former provinces → the unit that holds their territory in `year` (2025: after the merger)."""
    rows = con.execute("SELECT unit_id, successor_id, valid_to FROM units").fetchall()
    successor = {u: s for u, s, to in rows if s and to is not None and to.year < year + 1}
    out = {}
    for unit, _, _ in rows:
        seen, cur = {unit}, unit
        while cur in successor and successor[cur] not in seen:
            cur = successor[cur]
            seen.add(cur)
        out[unit] = cur
    return out


def _territory_sql(con, territory: int | None) -> str:
    """A VALUES list mapping unit_id → reported unit, for use as `tmap(src, dst)`."""
    mapping = territory_map(con, territory) if territory else {}
    pairs = ", ".join(f"('{k}', '{v}')" for k, v in mapping.items() if k != v)
    if not pairs:
        return "SELECT NULL::VARCHAR AS src, NULL::VARCHAR AS dst WHERE FALSE"
    return f"SELECT * FROM (VALUES {pairs}) t(src, dst)"


# the figures of `yearly_unit_metrics`, in the order the site and the report show them
YEARLY_METRICS = ["collective", "individual", "awards", "initiatives", "share_met", "total_points"]


def yearly_unit_metrics(
    con,
    years: tuple[int, int],
    half: str = "FY",
    cluster_no: int | None = None,
    unit_id: str | None = None,
    territory: int | None = None,
    by_cluster: bool = False,
) -> pd.DataFrame:
    """Per year and unit: awards (collective, individual, total), initiatives, indicators met
    and the score total; a figure a unit did not report is missing (NaN), never zero.
    With `territory`, former provinces are summed into the unit that holds
    their territory then; the score total is then left out when units were summed, because
    points of two provinces do not add up to a comparable score.
    `by_cluster`: also per cluster (column `cluster_no`), every cluster in one query; the rows
    of one cluster are then what `cluster_no=` that cluster gives."""
    lo, hi = years
    cl = "f.cluster_no, " if by_cluster else ""
    kcl = "cluster_no, " if by_cluster else ""
    tmap = _territory_sql(con, territory)
    unit_filter = "AND coalesce(t.dst, f.unit_id) = $unit" if unit_id else ""
    cluster_filter = "AND f.cluster_no = $cluster" if cluster_no is not None else ""
    params: dict = {"lo": lo, "hi": hi, "half": half}
    if unit_id:
        params["unit"] = unit_id
    if cluster_no is not None:
        params["cluster"] = cluster_no

    def part(view: str, select: str) -> str:
        return f"""SELECT {cl}f.year, coalesce(t.dst, f.unit_id) AS unit_id, f.unit_id AS src,
                          {select}, f.illustrative
                   FROM {view} f LEFT JOIN tmap t ON t.src = f.unit_id
                   WHERE f.year BETWEEN $lo AND $hi AND f.period = f.year || '-' || $half
                   {cluster_filter} {unit_filter}"""

    def on(alias: str) -> str:
        return f"AND {alias}.cluster_no = k.cluster_no" if by_cluster else ""

    sql = f"""
    WITH tmap AS ({tmap}),
    a AS ({part("awards", "f.recipient_kind, f.count")}),
    i AS ({part("initiatives", "f.count")}),
    r AS ({part("indicator_results", "f.met")}),
    s AS ({
        part(
            "(SELECT *, CAST(left(period, 4) AS INTEGER) AS year FROM score_ranking)",
            "f.total_points",
        )
    }),
    keys AS (SELECT {kcl}year, unit_id, src, illustrative FROM a UNION ALL
             SELECT {kcl}year, unit_id, src, illustrative FROM i UNION ALL
             SELECT {kcl}year, unit_id, src, illustrative FROM r UNION ALL
             SELECT {kcl}year, unit_id, src, illustrative FROM s)
    SELECT {"k.cluster_no, " if by_cluster else ""}k.year, k.unit_id, u.name, k.sources,
           a.collective, a.individual, a.collective + a.individual AS awards,
           i.initiatives,
           r.n_indicators, r.n_met,
           round(100.0 * r.n_met / nullif(r.n_indicators, 0), 1) AS share_met,
           CASE WHEN k.sources = 1 THEN s.total_points END AS total_points,
           k.illustrative
    FROM (SELECT {kcl}year, unit_id, count(DISTINCT src) AS sources,
                 bool_or(illustrative) AS illustrative
          FROM keys GROUP BY ALL) k
    JOIN units u ON u.unit_id = k.unit_id
    LEFT JOIN (SELECT {kcl}year, unit_id,
                      coalesce(sum(count) FILTER (WHERE recipient_kind = 'tap_the'), 0)
                          AS collective,
                      coalesce(sum(count) FILTER (WHERE recipient_kind = 'ca_nhan'), 0)
                          AS individual
               FROM a GROUP BY ALL) a ON a.year = k.year AND a.unit_id = k.unit_id {on("a")}
    LEFT JOIN (SELECT {kcl}year, unit_id, sum(count) AS initiatives FROM i GROUP BY ALL) i
           ON i.year = k.year AND i.unit_id = k.unit_id {on("i")}
    LEFT JOIN (SELECT {kcl}year, unit_id, count(met) AS n_indicators,
                      count(*) FILTER (WHERE met) AS n_met FROM r GROUP BY ALL) r
           ON r.year = k.year AND r.unit_id = k.unit_id {on("r")}
    LEFT JOIN (SELECT {kcl}year, unit_id, sum(total_points) AS total_points
               FROM s GROUP BY ALL) s
           ON s.year = k.year AND s.unit_id = k.unit_id {on("s")}"""
    return vn_order(_df(con, sql, params), ["year", "name"])


def yearly_totals(per_unit: pd.DataFrame, by: tuple[str, ...] = ()) -> pd.DataFrame:
    """The units of `yearly_unit_metrics` summed per year (share met recomputed from counts).
    `by`: also per these columns (e.g. `("cluster_no",)` of a `by_cluster=True` frame),
    leading; one group's rows are what its units alone give."""
    if per_unit.empty:
        return pd.DataFrame(
            columns=[
                *by,
                "year",
                "units",
                "collective",
                "individual",
                "awards",
                "initiatives",
                "share_met",
                "illustrative",
            ]
        )
    by_year = per_unit.groupby([*by, "year"])
    counts = ["collective", "individual", "awards", "initiatives"]
    g = pd.concat(
        [
            by_year["unit_id"].nunique().rename("units"),
            by_year[counts].sum(min_count=1),  # a year without any figure stays missing
            by_year[["n_indicators", "n_met"]].sum(),
            by_year["illustrative"].any(),
        ],
        axis=1,
    ).reset_index()
    g["share_met"] = (100.0 * g["n_met"] / g["n_indicators"].where(g["n_indicators"] > 0)).round(1)
    return g.drop(columns=["n_indicators", "n_met"])


def awards_series(
    con,
    years: tuple[int, int],
    half: str = "FY",
    cluster_no: int | None = None,
    unit_id: str | None = None,
    territory: int | None = None,
    by_unit: bool = False,
    by_cluster: bool = False,
) -> pd.DataFrame:
    """Awards per year, form and recipient kind (the awards timeline); `by_unit`: also per
    unit (the unit holding the territory, with `territory`), for all units in one query; `by_cluster`: also per cluster (column `cluster_no`), the rows of
    one cluster being what `cluster_no=` that cluster gives."""
    lo, hi = years
    tmap = _territory_sql(con, territory)
    params: dict = {"lo": lo, "hi": hi, "half": half}
    extra = ""
    if cluster_no is not None:
        extra += " AND f.cluster_no = $cluster"
        params["cluster"] = cluster_no
    if unit_id:
        extra += " AND coalesce(t.dst, f.unit_id) = $unit"
        params["unit"] = unit_id
    unit = "coalesce(t.dst, f.unit_id) AS unit_id," if by_unit else ""
    group = "coalesce(t.dst, f.unit_id)," if by_unit else ""
    if by_cluster:
        unit += " f.cluster_no,"
        group += " f.cluster_no,"
    sql = f"""
    WITH tmap AS ({tmap})
    SELECT {unit} f.year, f.award_id, f.award_name, f.recipient_kind, sum(f.count) AS count,
           bool_or(f.illustrative) AS illustrative
    FROM awards f LEFT JOIN tmap t ON t.src = f.unit_id JOIN ref_award_forms a USING (award_id)
    WHERE f.year BETWEEN $lo AND $hi AND f.period = f.year || '-' || $half {extra}
    GROUP BY {group} f.year, f.award_id, f.award_name, f.recipient_kind, a.rank
    ORDER BY f.year, CAST(a.rank AS INTEGER), f.recipient_kind DESC"""
    out = _df(con, sql, params)
    out["recipient_label"] = out["recipient_kind"].map(RECIPIENT_KIND_LABELS)
    return out


def changes(
    frame: pd.DataFrame, metrics: list[str], first: int, last: int, key: str = "year"
) -> pd.DataFrame:
    """From a per-year frame (one row per year), each metric's change first → last year."""
    rows = []
    a = frame[frame[key] == first]
    b = frame[frame[key] == last]
    for metric in metrics:
        va = a[metric].iloc[0] if len(a) and pd.notna(a[metric].iloc[0]) else None
        vb = b[metric].iloc[0] if len(b) and pd.notna(b[metric].iloc[0]) else None
        delta = vb - va if va is not None and vb is not None else None
        growth = round(100.0 * delta / va, 1) if delta is not None and va else None
        rows.append(
            {
                "metric": metric,
                "metric_label": METRIC_LABELS.get(metric, metric),
                "from_value": va,
                "to_value": vb,
                "delta": delta,
                "growth": growth,
            }
        )
    return pd.DataFrame(rows)


def movers(per_unit: pd.DataFrame, metric: str, first: int, last: int) -> pd.DataFrame:
    """Each unit's change in `metric` between two years, best first. Units without a figure in
    either year are left out (a change needs both ends)."""
    a = per_unit[per_unit["year"] == first][["unit_id", "name", metric]]
    b = per_unit[per_unit["year"] == last][["unit_id", metric]]
    m = a.merge(b, on="unit_id", suffixes=("_from", "_to")).dropna()
    m = m.rename(columns={f"{metric}_from": "from_value", f"{metric}_to": "to_value"})
    m["delta"] = m["to_value"] - m["from_value"]
    m["growth"] = [
        round(100.0 * d / f, 1) if f else None
        for d, f in zip(m["delta"], m["from_value"], strict=True)
    ]
    m["metric"] = metric
    return vn_order(m, ["delta", "name"], [False, True])


def table(frame: pd.DataFrame):
    """A frame as an analyst reads it in a notebook: Vietnamese headings, numbers as 1.234,5,
    «Có/Không» for true/false, periods in words, no index column."""
    from pipeline.core.labels import labelled
    from pipeline.core.period import period_label
    from pipeline.core.text import format_vn

    def cell(value):
        if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
            return "–"
        if isinstance(value, bool) or type(value).__name__ == "bool_":
            return "Có" if value else "Không"
        if isinstance(value, (int, float)) or hasattr(value, "dtype"):
            number = float(value)
            return format_vn(number, 0 if number.is_integer() else 1)
        return str(value)

    shown = frame.copy()
    for col in ("year", "cluster_no", "rank"):
        if col in shown.columns:
            shown[col] = shown[col].map(lambda v: "–" if pd.isna(v) else str(int(v)))
    if "period" in shown.columns:
        shown["period"] = shown["period"].map(
            lambda v: period_label(v) if isinstance(v, str) and v[4:5] == "-" else v
        )
    return labelled(shown).style.format(cell).hide(axis="index")
