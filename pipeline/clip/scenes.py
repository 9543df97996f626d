"""The scenes of a clip, one function per kind (`SCENES`: kind → function), each turning the
data of `pipeline.clip.data` into a Scene: title, narration written from the figures, the
figures with their queries, and what the frame draws."""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from pipeline.clip.data import ClusterData, Unit, fig, lit, membership_illustrative, read
from pipeline.clip.model import ILLUSTRATIVE_NOTE, KINDS, Scene, Storyboard
from pipeline.clip.wording import (
    TITLE_AWARDS,
    estimate_duration,
    join_vn,
    lower_first,
    num,
    ordinal,
    places,
    qty,
    upper_first,
)
from pipeline.core.labels import LEVEL_LABELS, ROLE_LABELS
from pipeline.core.period import (
    next_period_label,
    period_label,
    period_spoken,
    review_name,
)


def _scene(
    sid: str,
    kind: str,
    title: str,
    narration: str,
    figures: list[dict],
    visual: dict,
    source: str = "",
    body: str = "",
    note: str = "",
    minimum: float = 6.0,
) -> Scene:
    unique = list({f["query"]: f for f in reversed(figures)}.values())[::-1]
    return Scene(
        sid,
        kind,
        title,
        narration,
        estimate_duration(narration, minimum),
        unique,
        visual=visual,
        source=source,
        body=body,
        note=note,
    )


# 1. title
def title(d: ClusterData) -> Scene:
    review = review_name(d.period)
    title = f"Cụm thi đua số {d.n} — {upper_first(review)}"
    narration = (
        f"Cụm thi đua số {d.n} báo cáo "
        f"{'sơ kết' if d.period.endswith('H1') else 'tổng kết'} công tác thi "
        f"đua, khen thưởng {d.spoken}."
    )
    body = "Chủ đề năm: (điền chủ đề thi đua của năm)"
    what = "sơ kết" if d.period.endswith("H1") else "tổng kết"
    visual = {
        "type": "title",
        "kicker": "NGÀNH KIỂM SÁT NHÂN DÂN",
        "subtitle": f"Báo cáo {what} công tác thi đua, khen thưởng {period_label(d.period)}",
        "members": " · ".join(u.name for u in d.units),
    }
    return _scene(
        "title",
        "title",
        title,
        narration,
        [d.cluster_fig(), d.year_fig()],
        visual,
        "view clusters và các view số liệu",
        body,
        "Điền chủ đề thi đua của năm ở cột «Nội dung trên hình».",
        8,
    )


# 2. members
def members(d: ClusterData) -> Scene:
    members = [u for u in d.units if u.role]
    title = f"Thành phần Cụm thi đua số {d.n} năm {d.year}"
    count_q = d.units_query()
    if not members:
        narration = f"Kho dữ liệu chưa có danh sách thành viên Cụm thi đua số {d.n} năm {d.year}."
        visual = {"type": "message", "text": narration}
        return _scene(
            "members",
            "members",
            title,
            narration,
            [d.cluster_fig(), d.year_fig()],
            visual,
            "view clusters",
        )
    figures = [
        fig(
            "Năm",
            d.year,
            f"SELECT DISTINCT year FROM clusters WHERE year = {d.year} AND cluster_no = {d.n}",
            "năm",
        ),
        fig(
            "Cụm thi đua số",
            d.n,
            f"SELECT DISTINCT cluster_no FROM clusters "
            f"WHERE year = {d.year} AND cluster_no = {d.n}",
        ),
        fig("Số đơn vị trong Cụm", len(members), count_q, "đơn vị"),
    ]
    head = [u for u in members if u.role == "truong"]
    deputy = [u for u in members if u.role == "pho"]
    rest = [u for u in members if u.role not in ("truong", "pho")]
    sentences = [f"Năm {d.year}, Cụm thi đua số {d.n} gồm {len(members)} đơn vị."]
    roles = []
    if head:
        roles.append(f"{join_vn([u.short for u in head])} là Cụm trưởng")
    if deputy:
        roles.append(f"{join_vn([u.short for u in deputy])} là Cụm phó")
    if roles:
        sentences.append(upper_first(", ".join(roles)) + ".")
    else:
        sentences.append("Kho dữ liệu chưa ghi đơn vị nào là Cụm trưởng, Cụm phó.")
    if rest:
        label = "Các thành viên khác là" if roles else "Các thành viên là"
        sentences.append(f"{label} VKSND {places([u.pair for u in rest])}.")
    rows = [
        [str(i), u.short, ROLE_LABELS.get(u.role, "Thành viên")] for i, u in enumerate(members, 1)
    ]
    styles = [
        [
            None,
            "strong" if u.role in ("truong", "pho") else None,
            "strong" if u.role in ("truong", "pho") else None,
        ]
        for u in members
    ]
    visual = {
        "type": "table",
        "columns": ["STT", "Đơn vị", "Vai trò trong Cụm"],
        "widths": [0.1, 0.6, 0.3],
        "align": ["center", "left", "left"],
        "rows": rows,
        "styles": styles,
    }
    return _scene(
        "members", "members", title, " ".join(sentences), figures, visual, "view clusters"
    )


# 3. how the movements were run: not in the data
def movements(d: ClusterData) -> Scene:
    narration = (
        "(điền: các phong trào thi đua Cụm đã phát động và cách tổ chức thực hiện trong kỳ.)"
    )
    body = (
        "(điền: các phong trào thi đua đã phát động, việc ký giao ước thi đua và cách tổ "
        "chức thực hiện — mỗi ý một dòng)"
    )
    return _scene(
        "movements",
        "movements",
        "Công tác tổ chức phong trào thi đua",
        narration,
        [],
        {"type": "text"},
        "",
        body,
        "Kho dữ liệu không có nội dung này: hãy viết lời dẫn và nội dung trên hình.",
        8,
    )


# 4. indicators against targets
def indicators(d: ClusterData) -> Scene:
    title = "Kết quả thực hiện các chỉ tiêu nghiệp vụ cơ bản"
    source = "view indicator_results"
    if d.ind.empty:
        narration = f"Kho dữ liệu chưa có kết quả chỉ tiêu nghiệp vụ của Cụm trong {d.spoken}."
        return _scene(
            "indicators",
            "indicators",
            title,
            narration,
            [],
            {"type": "message", "text": narration},
            source,
        )
    base = f"FROM indicator_results WHERE {d.where}"
    total = int(d.ind["met"].notna().sum())
    met = int((d.ind["met"] == True).sum())  # noqa: E712 (nullable booleans)
    figures = [
        fig("Số lượt chỉ tiêu có số liệu (toàn Cụm)", total, f"SELECT count(met) {base}", "lượt"),
        fig(
            "Số lượt chỉ tiêu đạt (toàn Cụm)",
            met,
            f"SELECT count(*) FILTER (WHERE met) {base}",
            "lượt",
        ),
    ]
    groups: dict[tuple[int, int], list[Unit]] = {}
    for r in d.ind_sum.itertuples():
        u = d.by_id.get(r.unit_id) or Unit(r.unit_id, r.name, None, None)
        q = f"{base} AND unit_id = {lit(r.unit_id)}"
        figures += [
            fig(
                f"Số chỉ tiêu có số liệu — {u.name}",
                r.n_indicators,
                f"SELECT count(met) {q}",
                "chỉ tiêu",
            ),
            fig(
                f"Số chỉ tiêu đạt — {u.name}",
                r.n_met,
                f"SELECT count(*) FILTER (WHERE met) {q}",
                "chỉ tiêu",
            ),
        ]
        groups.setdefault((int(r.n_met), int(r.n_indicators)), []).append(u)
    parts = []
    for (n_met, n_ind), us in sorted(groups.items(), key=lambda kv: (-kv[0][0], kv[0][1])):
        who = places([u.pair for u in us])
        if n_ind == 0:
            parts.append(f"{who} chưa có chỉ tiêu nào đủ số liệu để đánh giá")
        elif n_met == 0:
            parts.append(f"{who} chưa đạt chỉ tiêu nào trong {n_ind} chỉ tiêu")
        elif n_met == n_ind:
            parts.append(f"{who} đạt cả {n_ind} chỉ tiêu")
        else:
            parts.append(f"{who} đạt {n_met} trên {n_ind} chỉ tiêu")
    missing = [u for u in d.units if u.unit_id not in set(d.ind_sum["unit_id"])]
    sentences = [
        f"Về các chỉ tiêu nghiệp vụ cơ bản, toàn Cụm đạt {met} trên {total} lượt "
        "chỉ tiêu có số liệu.",
        upper_first("; ".join(parts)) + ".",
    ]
    if missing:
        sentences.append(
            f"{upper_first(places([u.pair for u in missing]))} chưa có số "
            f"liệu chỉ tiêu trong kho dữ liệu{_why(d, 'indicator_results', missing)}."
        )
    visual, shown = _indicator_table(d, base)
    return _scene(
        "indicators", "indicators", title, " ".join(sentences), figures + shown, visual, source
    )


def _indicator_table(d: ClusterData, base: str) -> tuple[dict, list[dict]]:
    """Indicators × members, each result marked met or missed; the figures it shows."""
    ind, figures = d.ind, []
    names = [u for u in d.units if u.unit_id in set(ind["unit_id"])]
    order = list(dict.fromkeys(ind["indicator_id"]))
    rows, styles = [], []
    for iid in order:
        part = ind[ind["indicator_id"] == iid]
        first = part.iloc[0]
        targets = part["target"].dropna().unique()
        sign = "≤" if first["direction"] == "lower" else "≥"
        label = first["indicator_name"]
        iq = f"{base} AND indicator_id = {lit(iid)}"
        if len(targets) == 1:
            label += f" (chỉ tiêu {sign} {qty(targets[0], first['measure_unit'])})"
            figures.append(
                fig(
                    f"{label} — chỉ tiêu",
                    targets[0],
                    f"SELECT DISTINCT target {iq} AND target IS NOT NULL",
                    first["measure_unit"],
                )
            )
        row, style = [label], [None]
        for u in names:
            cell = part[part["unit_id"] == u.unit_id]
            if cell.empty or pd.isna(cell.iloc[0]["actual"]):
                row.append("–")
                style.append("muted")
                continue
            c = cell.iloc[0]
            cq = f"{iq} AND unit_id = {lit(u.unit_id)}"
            text = qty(c["actual"], c["measure_unit"])
            figures.append(
                fig(
                    f"{c['indicator_name']} — {u.name}",
                    c["actual"],
                    f"SELECT actual {cq}",
                    c["measure_unit"],
                )
            )
            if len(targets) != 1 and pd.notna(c["target"]):
                text += f" / {qty(c['target'], c['measure_unit'])}"
                figures.append(
                    fig(
                        f"{c['indicator_name']} — chỉ tiêu — {u.name}",
                        c["target"],
                        f"SELECT target {cq}",
                        c["measure_unit"],
                    )
                )
            if pd.isna(c["met"]):
                style.append("muted")
            elif bool(c["met"]):
                text = "✓ " + text
                style.append("ok")
            else:
                text = "✗ " + text
                style.append("bad")
            row.append(text)
        rows.append(row)
        styles.append(style)
    n = max(1, len(names))
    first_w = 0.34 if n <= 6 else 0.26
    widths = [first_w] + [(1 - first_w) / n] * n
    return {
        "type": "table",
        "columns": ["Chỉ tiêu"] + [u.name for u in names],
        "widths": widths,
        "align": ["left"] + ["center"] * n,
        "rows": rows,
        "styles": styles,
        "legend": "✓ đạt chỉ tiêu · ✗ chưa đạt · – không có số liệu",
    }, figures


# 5. score ranking
def ranking(d: ClusterData) -> Scene:
    title = "Kết quả chấm điểm, xếp hạng thi đua"
    source = "view score_ranking"
    if d.rank.empty:
        narration = f"Kho dữ liệu chưa có kết quả chấm điểm thi đua của Cụm trong {d.spoken}."
        return _scene(
            "ranking",
            "ranking",
            title,
            narration,
            [],
            {"type": "message", "text": narration},
            source,
        )
    base = f"FROM score_ranking WHERE {d.where}"
    figures, parts = [], []
    by_rank: dict[int, list] = {}
    for r in d.rank.itertuples():
        q = f"{base} AND unit_id = {lit(r.unit_id)}"
        figures += [
            fig(f"Tổng điểm — {r.name}", r.total_points, f"SELECT total_points {q}", "điểm"),
            fig(f"Xếp hạng — {r.name}", r.rank, f"SELECT rank {q}"),
        ]
        by_rank.setdefault(int(r.rank), []).append(r)
    for i, (rank, rows) in enumerate(sorted(by_rank.items())):
        us = [d.by_id.get(r.unit_id) or Unit(r.unit_id, r.name, None, None) for r in rows]
        pts = num(rows[0].total_points)
        together = len(us) > 1
        if i == 0:
            who = join_vn([u.short for u in us])
            verb = "cùng dẫn đầu Cụm" if together else "dẫn đầu Cụm"
            parts.append(f"{who} {verb} với {pts} điểm")
        else:
            who = places([u.pair for u in us])
            verb = f"cùng xếp {ordinal(rank)}" if together else f"xếp {ordinal(rank)}"
            parts.append(f"{who} {verb} với {pts} điểm")
    sentences = ["Kết quả chấm điểm thi đua: " + "; ".join(parts) + "."]
    ranked = set(d.rank["unit_id"])
    missing = [u for u in d.units if u.unit_id not in ranked]
    notes = []
    if missing:
        who = places([u.pair for u in missing])
        sentences.append(
            f"{upper_first(who)} chưa có kết quả chấm điểm trong kho dữ liệu"
            f"{_why(d, 'score_ranking', missing)}."
        )
        notes = _notes(d, "score_ranking", missing, "chưa có kết quả chấm điểm trong kho dữ liệu")
    d.charts["ranking"] = _unscored(_chart("score_ranking", d.rank), d, missing)
    top = d.rank[d.rank["rank"] == d.rank["rank"].min()]
    n_members = sum(1 for u in d.units if u.role)
    figures.append(
        fig("Số đơn vị được chấm điểm", len(d.rank), f"SELECT count(*) {base}", "đơn vị")
    )
    scored = str(len(d.rank))
    if n_members:
        figures.append(fig("Số đơn vị trong Cụm", n_members, d.units_query(), "đơn vị"))
        scored += f"/{n_members}"
    side = [
        {"label": "Dẫn đầu Cụm", "value": join_vn(list(top["name"]))},
        {"label": "Điểm cao nhất", "value": num(top["total_points"].iloc[0])},
        {"label": "Số đơn vị được chấm điểm", "value": scored},
    ]
    visual = {
        "type": "chart",
        "part": "parts/ranking.png",
        "width": 1260,
        "side": side,
        "notes": notes,
    }
    return _scene("ranking", "ranking", title, " ".join(sentences), figures, visual, source)


# 6. awards and the change from the same period of the previous year
def awards(d: ClusterData) -> Scene:
    title = f"Khen thưởng {period_label(d.period)}"
    source = "view awards (số lượt, không dùng danh sách cá nhân)"
    if d.aw_unit.empty:
        narration = f"Kho dữ liệu chưa có số liệu khen thưởng của Cụm trong {d.spoken}."
        return _scene(
            "awards",
            "awards",
            title,
            narration,
            [],
            {"type": "message", "text": narration},
            source,
        )
    # as the cluster's reports say them: by grantor and form, collectives and individuals of
    # each form apart; forms of different rank are never summed into one count («lượt»)
    base = f"FROM awards WHERE {d.where}"
    figures = [fig("Năm", d.year, f"SELECT DISTINCT year {base}", "năm")]
    start = upper_first(d.spoken)
    said, form_figs = by_grantor(d.aw_form, base, d.forms)
    figures += form_figs
    sentences = []
    if said:
        sentences.append(f"{start}, {said}.")
    side = []
    shown = by_rank(d.aw_form[d.aw_form["count"] > 0])
    for award_id in list(dict.fromkeys(shown["award_id"]))[:4]:
        _, counts, _ = _form_counts(shown, award_id, base)
        label = d.forms.get(award_id, {}).get("name") or award_id
        side.append({"label": label, "value": " · ".join(counts)})
    # the same period of the previous year, for the same units, form by form
    prev_spoken = period_spoken(d.prev)
    if d.prev_awards is None:
        sentences.append("Kho dữ liệu chưa có số liệu khen thưởng cùng kỳ năm trước để so sánh.")
        side.append({"label": "Cùng kỳ năm trước", "value": "chưa có số liệu"})
    else:
        said_prev, prev_figs = _form_changes(d, base)
        figures.append(
            fig(
                "Năm so sánh",
                d.year - 1,
                f"SELECT DISTINCT year FROM awards WHERE {d.prev_where}",
                "năm",
            )
        )
        figures += prev_figs
        if said_prev:
            sentences.append(f"So với {prev_spoken} (cùng các đơn vị): {said_prev}.")
    notes = _missing_said(d, d.aw_unit, "awards", "khen thưởng", sentences)
    d.charts["awards"] = _chart("awards_by_form", by_rank(d.aw_form))
    visual = {
        "type": "chart",
        "part": "parts/awards.png",
        "width": 1260,
        "side": side,
        "notes": notes,
    }
    return _scene("awards", "awards", title, " ".join(sentences), figures, visual, source)


def _why(d: ClusterData, view: str, units: list[Unit]) -> str:
    """«, vì dòng bị từ chối khi nạp» when every unit lacks its figure for the same reason."""
    reasons = {m.unit_id: m.short_why for m in d.missing[view]}
    why = {reasons.get(u.unit_id) for u in units}
    if len(why) != 1 or None in why:
        return ""
    (only,) = why
    return ", vì dòng bị từ chối khi nạp" if only.startswith("dòng bị từ chối") else f" ({only})"


def _notes(d: ClusterData, view: str, units: list[Unit], default: str) -> list[str]:
    """One line per unit without a figure, on the frame: «chưa có điểm: Nghệ An — dòng bị từ
    chối» (no file names or row numbers: they are in the deck's and workbook's notes)."""
    reasons = {m.unit_id: m for m in d.missing[view]}
    return [
        upper_first(reasons[u.unit_id].sentence())
        if u.unit_id in reasons
        else f"{u.short}: {default}."
        for u in units
    ]


def _grantor(granted_by: str) -> str:
    """«Thủ trưởng đơn vị (ví dụ Viện trưởng VKSND tỉnh)» → «Thủ trưởng đơn vị»."""
    return granted_by.split(" (")[0].strip() or "Cấp có thẩm quyền"


def _form_words(award_id: str, name: str) -> str:
    """The form as said after its grantor: «tặng Bằng khen», «công nhận danh hiệu …»."""
    if award_id in TITLE_AWARDS:
        return f"công nhận danh hiệu {name}"
    if name.startswith("Bằng khen của "):
        return "tặng Bằng khen"
    return f"tặng {name}"


def by_grantor(forms: pd.DataFrame, base: str, ref: dict) -> tuple[str, list[dict]]:
    """Awards as the cluster's reports say them, by grantor then form, collectives and
    individuals of each form apart: «Viện trưởng VKSND tối cao tặng Bằng khen cho 65 tập thể và
    286 cá nhân, tặng Kỷ niệm chương … cho 39 cá nhân; Thủ trưởng đơn vị …». Forms are never
    added to each other. The figures each number stands for come with it."""
    forms = by_rank(forms[forms["count"] > 0])
    if forms.empty:
        return "", []
    grantors: dict[str, list[str]] = {}
    figures = []
    for award_id in dict.fromkeys(forms["award_id"]):
        name, counts, figs = _form_counts(forms, award_id, base)
        figures.extend(figs)
        who = _grantor(ref.get(award_id, {}).get("granted_by", ""))
        grantors.setdefault(who, []).append(f"{_form_words(award_id, name)} cho {join_vn(counts)}")
    return "; ".join(f"{who} {', '.join(parts)}" for who, parts in grantors.items()), figures


def _form_changes(d: ClusterData, base: str, limit: int = 4) -> tuple[str, list[dict]]:
    """Each form against the same period of the previous year, collectives and individuals
    apart: «Bằng khen của Viện trưởng VKSND tối cao giảm từ 21 xuống 17 tập thể và giữ nguyên
    20 cá nhân». At most `limit` forms, the highest first; the others are left to the
    deck's comparison table."""
    pq = f"FROM awards WHERE {d.prev_where}"
    now = {(r.award_id, r.recipient_kind): int(r.count) for r in d.aw_form.itertuples()}
    before = {(r.award_id, r.recipient_kind): int(r.count) for r in d.prev_aw_form.itertuples()}
    keys = [k for k in dict.fromkeys([*now, *before]) if now.get(k) or before.get(k)]
    rank = {k: int(v["rank"]) for k, v in d.forms.items()}
    ids = sorted(dict.fromkeys(a for a, _ in keys), key=lambda a: (rank.get(a, 99), a))
    parts, figures = [], []
    for award_id in ids[:limit]:
        name = d.forms.get(award_id, {}).get("name") or award_id
        said = []
        for kind, word in (("tap_the", "tập thể"), ("ca_nhan", "cá nhân")):
            if (award_id, kind) not in keys:
                continue
            a, b = before.get((award_id, kind), 0), now.get((award_id, kind), 0)
            cond = f"AND award_id = {lit(award_id)} AND recipient_kind = {lit(kind)}"
            figures.append(
                fig(
                    f"{name} — {word}, {period_label(d.prev)} (cùng đơn vị)",
                    a,
                    f"SELECT coalesce(sum(count), 0) {pq} {cond}",
                    "lượt",
                )
            )
            if b == 0:  # not counted among this period's figures: given here
                figures.append(
                    fig(
                        f"{name} — {word}",
                        0,
                        f"SELECT coalesce(sum(count), 0) {base} {cond}",
                        "lượt",
                    )
                )
            if a == b:
                said.append(f"giữ nguyên {num(b)} {word}")
            else:
                move = "tăng từ {} lên {}" if b > a else "giảm từ {} xuống {}"
                said.append(f"{move.format(num(a), num(b))} {word}")
        parts.append(f"{name} {join_vn(said)}")
    if len(ids) > limit:
        parts.append("các hình thức khác xem ở bảng so sánh của bộ trình chiếu")
    return "; ".join(parts), figures


def _missing_said(d, frame, kind: str, what: str, sentences: list[str]) -> list:
    """Members with no figure of this kind: a sentence saying who and why, and their notes."""
    missing = [u for u in d.units if u.unit_id not in set(frame["unit_id"])]
    if not missing:
        return []
    sentences.append(
        f"{upper_first(places([u.pair for u in missing]))} chưa có số liệu "
        f"{what} trong kho dữ liệu{_why(d, kind, missing)}."
    )
    return _notes(d, kind, missing, f"chưa có số liệu {what}")


def _form_counts(forms: pd.DataFrame, award_id: str, base: str):
    """One form's name, its counts said («65 tập thể», «286 cá nhân») and their figures."""
    part = forms[forms["award_id"] == award_id]
    name = part.iloc[0]["award_name"]
    counts, figs = [], []
    for kind, word in (("tap_the", "tập thể"), ("ca_nhan", "cá nhân")):
        row = part[part["recipient_kind"] == kind]
        if row.empty or row.iloc[0]["count"] == 0:
            continue
        value = row.iloc[0]["count"]
        counts.append(f"{num(value)} {word}")
        figs.append(
            fig(
                f"{name} — {word}",
                value,
                f"SELECT sum(count) {base} AND award_id = {lit(award_id)} "
                f"AND recipient_kind = {lit(kind)}",
                "lượt",
            )
        )
    return name, counts, figs


def _top_form(forms: pd.DataFrame, base: str):
    """The highest award form with any recipient: its phrase and figures."""
    forms = by_rank(forms[forms["count"] > 0])
    if forms.empty:
        return None
    award_id = forms.iloc[0]["award_id"]
    name, counts, figs = _form_counts(forms, award_id, base)
    verb = "đạt danh hiệu" if award_id in TITLE_AWARDS else "được tặng"
    return f"{join_vn(counts)} {verb} {name}", figs


# 7. initiatives
def initiatives(d: ClusterData) -> Scene:
    title = "Phong trào sáng kiến, đề tài khoa học"
    source = "view initiatives"
    if d.ini.empty:
        narration = f"Kho dữ liệu chưa có số liệu sáng kiến, đề tài của Cụm trong {d.spoken}."
        return _scene(
            "initiatives",
            "initiatives",
            title,
            narration,
            [],
            {"type": "message", "text": narration},
            source,
        )
    base = f"FROM initiatives WHERE {d.where}"
    total = int(d.ini["count"].sum())
    figures = [
        fig("Năm", d.year, f"SELECT DISTINCT year {base}", "năm"),
        fig("Tổng số sáng kiến, đề tài", total, f"SELECT sum(count) {base}"),
    ]
    by_level = d.ini.groupby("level")["count"].sum()
    words = {
        "co_so": "sáng kiến cấp cơ sở",
        "nganh": "sáng kiến cấp ngành",
        "de_tai_khoa_hoc": "đề tài khoa học",
    }
    parts, side = [], [{"label": "Tổng số sáng kiến, đề tài", "value": num(total)}]
    for level, word in words.items():
        value = int(by_level.get(level, 0))
        if level in by_level.index:
            figures.append(
                fig(
                    LEVEL_LABELS[level],
                    value,
                    f"SELECT sum(count) {base} AND level = {lit(level)}",
                )
            )
            side.append({"label": upper_first(word), "value": num(value)})
        if value:
            parts.append(f"{num(value)} {word}")
    if total == 0:
        sentences = [
            f"{upper_first(d.spoken)}, các đơn vị trong Cụm chưa báo cáo sáng kiến, đề tài nào."
        ]
    else:
        sentences = [
            f"{upper_first(d.spoken)}, toàn Cụm có {num(total)} sáng kiến, đề "
            f"tài, gồm {join_vn(parts)}."
        ]
        per_unit = d.ini.groupby(["unit_id", "name"], as_index=False)["count"].sum()
        best = per_unit[per_unit["count"] == per_unit["count"].max()]
        if len(best) == 1:
            b = best.iloc[0]
            bu = d.by_id.get(b.unit_id) or Unit(b.unit_id, b["name"], None, None)
            sentences.append(f"Nhiều nhất là {bu.short} với {num(b['count'])} sáng kiến, đề tài.")
            figures.append(
                fig(
                    f"Sáng kiến, đề tài — {b['name']}",
                    b["count"],
                    f"SELECT sum(count) {base} AND unit_id = {lit(b.unit_id)}",
                )
            )
    notes = _missing_said(d, d.ini, "initiatives", "sáng kiến", sentences)
    for r in d.ini.itertuples():
        figures.append(
            fig(
                f"{LEVEL_LABELS.get(r.level, r.level)} — {r.name}",
                r.count,
                f"SELECT sum(count) {base} AND unit_id = {lit(r.unit_id)} "
                f"AND level = {lit(r.level)}",
            )
        )
    d.charts["initiatives"] = _chart("initiatives_by_unit", d.ini)
    visual = {
        "type": "chart",
        "part": "parts/initiatives.png",
        "width": 1260,
        "side": side,
        "notes": notes,
    }
    return _scene("initiatives", "initiatives", title, " ".join(sentences), figures, visual, source)


# 8. one highlight per member
def highlight(d: ClusterData, u: Unit) -> Scene:
    role = ROLE_LABELS.get(u.role, "") if u.role in ("truong", "pho") else ""
    title = u.short + (f" — {role}" if role else "")
    sid = f"highlight:{u.unit_id}"
    where = f"{d.where} AND unit_id = {lit(u.unit_id)}"
    figures, sentences, tiles, left, right = [], [], [], [], []
    subject = u.short + (f", {role}," if role else "")
    # score and rank
    r = d.rank[d.rank["unit_id"] == u.unit_id]
    if not r.empty:
        r = r.iloc[0]
        ranked = len(d.rank)
        q = f"FROM score_ranking WHERE {where}"
        figures += [
            fig("Tổng điểm thi đua", r.total_points, f"SELECT total_points {q}", "điểm"),
            fig("Xếp hạng trong Cụm", r["rank"], f"SELECT rank {q}"),
            fig(
                "Số đơn vị được chấm điểm",
                ranked,
                f"SELECT count(*) FROM score_ranking WHERE {d.where}",
            ),
        ]
        tie = int((d.rank["rank"] == r["rank"]).sum()) > 1
        if int(r["rank"]) == 1:
            standing = "cùng dẫn đầu Cụm" if tie else "dẫn đầu Cụm"
        else:
            standing = ("cùng " if tie else "") + f"xếp {ordinal(r['rank'])} trong Cụm"
        sentences.append(f"{subject} đạt {num(r.total_points)} điểm thi đua, {standing}.")
        tiles.append(
            {
                "label": "Tổng điểm thi đua",
                "value": num(r.total_points),
                "sub": f"xếp hạng {int(r['rank'])}/{ranked}",
            }
        )
    else:
        sentences.append(
            f"{subject} chưa có kết quả chấm điểm trong kho dữ liệu{_why(d, 'score_ranking', [u])}."
        )
        reason = {m.unit_id: m for m in d.missing["score_ranking"]}.get(u.unit_id)
        sub = f"chưa có điểm — {reason.short_why}" if reason else "chưa có số liệu"
        tiles.append({"label": "Tổng điểm thi đua", "value": "–", "sub": sub})
    # indicators: the best results
    ind = d.ind[d.ind["unit_id"] == u.unit_id]
    judged = ind[ind["met"].notna()]
    if not judged.empty:
        q = f"FROM indicator_results WHERE {where}"
        n_ind, n_met = len(judged), int((judged["met"] == True).sum())  # noqa: E712
        figures += [
            fig("Số chỉ tiêu có số liệu", n_ind, f"SELECT count(met) {q}", "chỉ tiêu"),
            fig("Số chỉ tiêu đạt", n_met, f"SELECT count(*) FILTER (WHERE met) {q}", "chỉ tiêu"),
        ]
        tiles.append(
            {"label": "Chỉ tiêu đạt", "value": f"{n_met}/{n_ind}", "sub": "chỉ tiêu có số liệu"}
        )
        met = judged[judged["met"] == True].copy()  # noqa: E712
        if not met.empty:
            met["rel"] = met["margin"] / met["target"].where(met["target"] != 0, 1).abs()
            best = met.sort_values(["rel", "indicator_name"], ascending=[False, True]).head(2)
            phrases = []
            for b in best.itertuples():
                iq = f"{q} AND indicator_id = {lit(b.indicator_id)}"
                figures += [
                    fig(
                        f"{b.indicator_name} — kết quả",
                        b.actual,
                        f"SELECT actual {iq}",
                        b.measure_unit,
                    ),
                    fig(
                        f"{b.indicator_name} — chỉ tiêu",
                        b.target,
                        f"SELECT target {iq}",
                        b.measure_unit,
                    ),
                ]
                phrases.append(
                    f"{lower_first(b.indicator_name)} đạt "
                    f"{qty(b.actual, b.measure_unit)} (chỉ tiêu "
                    f"{qty(b.target, b.measure_unit)})"
                )
            lead = (
                f"Đạt cả {n_ind} chỉ tiêu nghiệp vụ"
                if n_met == n_ind
                else f"Đạt {n_met} trên {n_ind} chỉ tiêu nghiệp vụ"
            )
            sentences.append(f"{lead}, nổi bật là {join_vn(phrases)}.")
            for m in met.sort_values("indicator_name").itertuples():
                iq = f"{q} AND indicator_id = {lit(m.indicator_id)}"
                figures += [
                    fig(
                        f"{m.indicator_name} — kết quả",
                        m.actual,
                        f"SELECT actual {iq}",
                        m.measure_unit,
                    ),
                    fig(
                        f"{m.indicator_name} — chỉ tiêu",
                        m.target,
                        f"SELECT target {iq}",
                        m.measure_unit,
                    ),
                ]
                left.append(
                    f"✓ {m.indicator_name}: {qty(m.actual, m.measure_unit)} "
                    f"(chỉ tiêu {qty(m.target, m.measure_unit)})"
                )
        else:
            sentences.append(f"Chưa đạt chỉ tiêu nào trong {n_ind} chỉ tiêu nghiệp vụ có số liệu.")
            left.append(f"Chưa đạt chỉ tiêu nào trong {n_ind} chỉ tiêu có số liệu.")
    else:
        tiles.append({"label": "Chỉ tiêu đạt", "value": "–", "sub": "chưa có số liệu"})
        left.append("Chưa có số liệu chỉ tiêu trong kho dữ liệu.")
    # awards (counts only)
    aw = d.aw_unit[d.aw_unit["unit_id"] == u.unit_id]
    if not aw.empty:
        a = aw.iloc[0]
        q = f"FROM awards WHERE {where}"
        figures += [
            fig("Tổng số lượt khen thưởng", a["awards"], f"SELECT sum(count) {q}", "lượt"),
            fig(
                "Khen thưởng tập thể",
                a["collective"],
                f"SELECT sum(count) {q} AND recipient_kind = 'tap_the'",
                "lượt",
            ),
            fig(
                "Khen thưởng cá nhân",
                a["individual"],
                f"SELECT sum(count) {q} AND recipient_kind = 'ca_nhan'",
                "lượt",
            ),
        ]
        tiles.append(
            {
                "label": "Lượt khen thưởng (mọi hình thức)",
                "value": num(a["awards"]),
                "sub": f"{num(a['collective'])} tập thể · {num(a['individual'])} cá nhân",
            }
        )
        if a["awards"] > 0:
            forms = d.aw_form_unit[u.unit_id]
            said, form_figs = by_grantor(forms, q, d.forms)
            figures += form_figs
            sentences.append(f"Về khen thưởng, {said}." if said else "")
            for f_ in by_rank(forms[forms["count"] > 0]).itertuples():
                figures.append(
                    fig(
                        f"{f_.award_name} — {f_.recipient_label.lower()}",
                        f_.count,
                        f"SELECT sum(count) {q} AND award_id = "
                        f"{lit(f_.award_id)} AND recipient_kind = "
                        f"{lit(f_.recipient_kind)}",
                        "lượt",
                    )
                )
                right.append(f"{f_.award_name}: {num(f_.count)} {f_.recipient_label.lower()}")
        else:
            sentences.append("Chưa có lượt khen thưởng nào trong kỳ.")
            right.append("Chưa có lượt khen thưởng nào trong kỳ.")
    else:
        tiles.append(
            {"label": "Lượt khen thưởng (mọi hình thức)", "value": "–", "sub": "chưa có số liệu"}
        )
        right.append("Chưa có số liệu khen thưởng trong kho dữ liệu.")
    # initiatives
    ini = d.ini[d.ini["unit_id"] == u.unit_id]
    if not ini.empty:
        total = ini["count"].sum()
        figures.append(
            fig("Sáng kiến, đề tài", total, f"SELECT sum(count) FROM initiatives WHERE {where}")
        )
        tiles.append({"label": "Sáng kiến, đề tài", "value": num(total), "sub": ""})
        if total > 0:
            sentences.append(f"Có {num(total)} sáng kiến, đề tài.")
    else:
        tiles.append({"label": "Sáng kiến, đề tài", "value": "–", "sub": "chưa có số liệu"})
    if not figures:
        narration = f"{u.short} chưa có số liệu nào của {d.spoken} trong kho dữ liệu."
        return _scene(
            sid, "highlight", title, narration, [], {"type": "message", "text": narration}, ""
        )
    visual = {
        "type": "highlight",
        "tiles": tiles,
        "left_title": "Kết quả nổi bật",
        "left": left,
        "right_title": "Khen thưởng theo hình thức",
        "right": right,
    }
    body = "Cách làm hay: (điền cách làm hay, mô hình hiệu quả của đơn vị)"
    return _scene(
        sid,
        "highlight",
        title,
        " ".join(sentences),
        figures,
        visual,
        "các view score_ranking, indicator_results, awards, initiatives",
        body,
        "Kho dữ liệu không có cách làm hay: hãy điền ở cột «Nội dung "
        "trên hình» (và thêm vào lời dẫn nếu cần).",
    )


# 9. shortcomings: targets missed
def shortcomings(d: ClusterData) -> Scene:
    title = "Hạn chế: các chỉ tiêu chưa đạt"
    source = "view indicator_results"
    body = "Giải pháp khắc phục: (điền nguyên nhân và giải pháp khắc phục)"
    if d.ind.empty or d.ind["met"].isna().all():
        narration = (
            "Kho dữ liệu chưa có kết quả chỉ tiêu của kỳ này nên chưa đánh giá được "
            "các chỉ tiêu chưa đạt."
        )
        return _scene(
            "shortcomings",
            "shortcomings",
            title,
            narration,
            [],
            {"type": "message", "text": narration},
            source,
            body,
        )
    base = f"FROM indicator_results WHERE {d.where}"
    missed = d.ind[d.ind["met"] == False].copy()  # noqa: E712
    figures = [
        fig(
            "Số lượt chỉ tiêu chưa đạt (toàn Cụm)",
            len(missed),
            f"SELECT count(*) FILTER (WHERE NOT met) {base}",
            "lượt",
        )
    ]
    if missed.empty:
        narration = "Trong kỳ, tất cả các chỉ tiêu có số liệu của các đơn vị trong Cụm đều đạt."
        return _scene(
            "shortcomings",
            "shortcomings",
            title,
            narration,
            figures,
            {"type": "message", "text": narration},
            source,
            body,
        )
    sentences = [f"Bên cạnh kết quả đạt được, toàn Cụm còn {len(missed)} lượt chỉ tiêu chưa đạt."]
    for iid in dict.fromkeys(missed["indicator_id"]):
        part = missed[missed["indicator_id"] == iid].sort_values("margin")
        first = part.iloc[0]
        iq = f"{base} AND indicator_id = {lit(iid)}"
        unit = first["measure_unit"]
        us = [
            d.by_id.get(x) or Unit(x, n, None, None)
            for x, n in zip(part["unit_id"], part["name"], strict=True)
        ]
        targets = part["target"].dropna().unique()
        what = upper_first(first["indicator_name"])
        if len(targets) == 1:
            what += f" chưa đạt chỉ tiêu {qty(targets[0], unit)}"
            figures.append(
                fig(
                    f"{first['indicator_name']} — chỉ tiêu",
                    targets[0],
                    f"SELECT DISTINCT target {iq} AND NOT met",
                    unit,
                )
            )
        else:
            what += " chưa đạt chỉ tiêu"
        worst_u = us[0]
        wq = f"{iq} AND unit_id = {lit(first['unit_id'])}"
        figures.append(
            fig(
                f"{first['indicator_name']} — {first['name']}",
                first["actual"],
                f"SELECT actual {wq}",
                unit,
            )
        )
        if len(part) == 1:
            sentences.append(f"{what} tại {worst_u.place}, mới đạt {qty(first['actual'], unit)}.")
        else:
            figures.append(
                fig(
                    f"{first['indicator_name']} — số đơn vị chưa đạt",
                    len(part),
                    f"SELECT count(*) FILTER (WHERE NOT met) {iq}",
                    "đơn vị",
                )
            )
            extreme = "cao nhất" if first["direction"] == "lower" else "thấp nhất"
            sentences.append(
                f"{what} tại {len(part)} đơn vị, {extreme} là {worst_u.place} "
                f"với {qty(first['actual'], unit)}."
            )
    sentences.append(
        "Các đơn vị cần phân tích rõ nguyên nhân và có giải pháp khắc phục trong kỳ tới."
    )
    rows, styles = [], []
    for iid in dict.fromkeys(missed["indicator_id"]):
        part = missed[missed["indicator_id"] == iid].sort_values(["margin", "name"])
        first = part.iloc[0]
        sign = "≤" if first["direction"] == "lower" else "≥"
        targets = part["target"].dropna().unique()
        target = (
            f"{sign} {qty(targets[0], first['measure_unit'])}"
            if len(targets) == 1
            else "theo từng đơn vị"
        )
        cells = [f"{m.name}: {qty(m.actual, m.measure_unit)}" for m in part.itertuples()]
        iq = f"{base} AND indicator_id = {lit(iid)}"
        figures.append(
            fig(
                f"{first['indicator_name']} — số đơn vị chưa đạt",
                len(part),
                f"SELECT count(*) FILTER (WHERE NOT met) {iq}",
                "đơn vị",
            )
        )
        figures += [
            fig(
                f"{m.indicator_name} — {m.name}",
                m.actual,
                f"SELECT actual {iq} AND unit_id = {lit(m.unit_id)}",
                m.measure_unit,
            )
            for m in part.itertuples()
        ]
        rows.append([first["indicator_name"], target, str(len(part)), " · ".join(cells)])
        styles.append([None, None, "bad", "bad"])
    visual = {
        "type": "table",
        "columns": [
            "Chỉ tiêu",
            "Chỉ tiêu đề ra",
            "Số đơn vị chưa đạt",
            "Đơn vị chưa đạt: kết quả",
        ],
        "widths": [0.33, 0.13, 0.12, 0.42],
        "align": ["left", "center", "center", "left"],
        "rows": rows,
        "styles": styles,
    }
    return _scene(
        "shortcomings",
        "shortcomings",
        title,
        " ".join(sentences),
        figures,
        visual,
        source,
        body,
        "Điền nguyên nhân và giải pháp khắc phục ở cột «Nội dung trên hình».",
    )


# 10. closing: the direction of the next period, left to the analyst
def closing(d: ClusterData) -> Scene:
    title = f"Phương hướng, nhiệm vụ {next_period_label(d.period)}"
    narration = "(điền: phương hướng, nhiệm vụ trọng tâm của Cụm trong kỳ tới.)"
    body = "(điền phương hướng, nhiệm vụ trọng tâm của kỳ tới — mỗi ý một dòng)"
    return _scene(
        "closing",
        "closing",
        title,
        narration,
        [],
        {"type": "text"},
        "",
        body,
        "Viết phương hướng, nhiệm vụ kỳ tới: lời dẫn và nội dung trên hình.",
        10,
    )


def by_rank(forms: pd.DataFrame) -> pd.DataFrame:
    """Award forms from the highest (reference order, `rank` in award_forms.csv) down;
    collectives before individuals."""
    from pipeline.core.refdata import read_csv

    rank = {r["award_id"]: int(r["rank"]) for r in read_csv("award_forms.csv")}
    out = forms.assign(
        _r=forms["award_id"].map(rank).fillna(99),
        _k=(forms["recipient_kind"] != "tap_the").astype(int),
    )
    return out.sort_values(["_r", "_k"]).drop(columns=["_r", "_k"])


def _chart(kind: str, frame: pd.DataFrame):
    """A chart of pipeline.publish.charts, restyled for a 1080p frame (the frame carries the title)."""
    from pipeline.publish import charts as C

    fig_ = getattr(C, kind)(frame, "")
    from pipeline.clip.frames import CHART_FONT

    fig_.update_layout(
        title=None,
        font=dict(size=26, family=CHART_FONT),
        hoverlabel=dict(font=dict(family=CHART_FONT)),
        margin=dict(t=30, l=30, r=50, b=110),
        legend=dict(font=dict(size=24), y=0.0, yref="container"),
    )
    fig_.update_traces(textfont_size=26, textangle=0, selector=dict(type="bar"))
    if kind == "awards_by_form":  # in each form, collectives above individuals, as the legend
        order = list(fig_.layout.yaxis.categoryarray or [])[::-1]  # the highest form first
        fig_.update_layout(yaxis=dict(autorange="reversed", categoryarray=order))
    if kind == "initiatives_by_unit":  # a label too big for its segment is left out
        fig_.update_layout(uniformtext=dict(minsize=22, mode="hide"))
    return fig_


def _unscored(fig_, d: ClusterData, missing: list[Unit]):
    """The ranking chart with the members that have no score kept on it, below the ranked ones:
    no bar, «chưa có điểm — dòng bị từ chối» written where the bar would be (as the slide and
    the table say it)."""
    if not missing:
        return fig_
    reasons = {m.unit_id: m.short_why for m in d.missing["score_ranking"]}
    ranked = [str(y) for trace in fig_.data for y in trace.y]  # bottom to top
    labels = [u.name for u in missing]
    fig_.add_bar(
        x=[0] * len(missing),
        y=labels,
        orientation="h",
        name="Chưa có điểm",
        text=[
            f"chưa có điểm — {reasons.get(u.unit_id, 'chưa có trong kho dữ liệu')}" for u in missing
        ],
        textposition="outside",
        textfont=dict(color="#9b1c2c"),
        hoverinfo="skip",
        cliponaxis=False,
    )
    fig_.update_layout(
        yaxis=dict(categoryorder="array", categoryarray=labels[::-1] + ranked),
        height=(fig_.layout.height or 380) + 55 * len(missing),
    )
    return fig_


# One function per scene kind; a highlight is drawn for each unit of the cluster.
SCENES = {
    "title": title,
    "members": members,
    "movements": movements,
    "indicators": indicators,
    "ranking": ranking,
    "awards": awards,
    "initiatives": initiatives,
    "highlight": highlight,
    "shortcomings": shortcomings,
    "closing": closing,
}


def build_storyboard(con, cluster_no: int, period: str, warehouse: str = "") -> Storyboard:
    """The draft clip for one cluster and one period, from the public views."""
    d = read(con, cluster_no, period)
    scenes = []
    for kind in KINDS:
        make = SCENES[kind]
        scenes += [make(d, u) for u in d.units] if kind == "highlight" else [make(d)]
    illustrative = d.illustrative or membership_illustrative(con, d.year, cluster_no)
    if illustrative:
        scenes[0].narration = f"{scenes[0].narration} {ILLUSTRATIVE_NOTE}"
        scenes[0].duration = estimate_duration(scenes[0].narration, 8)
    for i, scene in enumerate(scenes, 1):
        scene.image = f"scenes/{i:02d}.png"
    return Storyboard(
        cluster_no,
        period,
        illustrative,
        scenes,
        str(warehouse),
        datetime.now().isoformat(timespec="seconds"),
        d.charts,
    )
