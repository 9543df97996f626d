# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # So sánh các cụm và các đơn vị trong một cụm
#
# Chỉ tiêu so với mục tiêu (đạt / chưa đạt, chênh lệch), tổng điểm và xếp hạng, khen thưởng và
# sáng kiến đặt cạnh nhau. Mọi số liệu lấy từ các view công khai của kho (`pipeline.publish.analytics`).

# %% tags=["parameters"]
warehouse = ""  # empty: the project's warehouse (pipeline.paths)
period = "2024-FY"
cluster = 6
results_path = ""

# %%
import json

import plotly.io as pio

from pipeline import paths
from pipeline.core.period import period_label
from pipeline.load.warehouse import open_reader
from pipeline.publish import analytics as an
from pipeline.publish import charts

pio.renderers.default = "plotly_mimetype"
con = open_reader(warehouse or paths.project_warehouse())
an.snapshot(con)
where = f"Cụm thi đua số {cluster}, {period_label(period)}"
stamp = an.data_stamp(con)
print(
    f"Số liệu đến kỳ {stamp.latest_period}; nạp lần cuối "
    f"{charts.vn_date(stamp.loaded_at, with_time=True)}."
)

# %% [markdown]
# ## Các cụm đặt cạnh nhau

# %%
overview = an.cluster_overview(con, period)
if an.any_illustrative(overview):
    print(f"{charts.ILLUSTRATIVE}: bảng dưới có số liệu minh họa.")
an.table(overview)

# %%
charts.cluster_comparison(overview, f"Tỷ lệ chỉ tiêu đạt theo cụm, {period_label(period)}")

# %% [markdown]
# ## Thành viên cụm

# %%
members = an.members(con, int(period[:4]), cluster)
an.table(members[["name", "role_label"]])

# %% [markdown]
# ## Chỉ tiêu so với mục tiêu

# %%
summary = an.indicator_summary(con, period, cluster)
charts.indicators_met(summary, f"Tỷ lệ chỉ tiêu đạt — {where}")

# %%
results = an.indicator_results(con, period, cluster)
an.table(results[["name", "indicator_name", "target", "actual", "margin", "met_label"]])

# %% [markdown]
# ## Tổng điểm và xếp hạng

# %%
ranking = an.score_ranking(con, period, cluster)
charts.score_ranking(ranking, f"Điểm thi đua và xếp hạng — {where}")

# %% [markdown]
# ## Khen thưởng và sáng kiến

# %%
awards = an.awards_by_unit(con, period, cluster)
initiatives = an.initiatives_by_unit(con, period, cluster)
side = awards[["unit_id", "name", "collective", "individual", "awards"]].merge(
    initiatives.groupby("unit_id", as_index=False)["count"]
    .sum()
    .rename(columns={"count": "initiatives"}),
    on="unit_id",
    how="outer",
)
an.table(side.drop(columns="unit_id"))

# %%
charts.awards_by_unit(awards, f"Khen thưởng — {where}")

# %%
stored = {
    "clusters": [int(c) for c in overview["cluster_no"]],
    "share_met": {r.unit_id: float(r.share_met) for r in summary.itertuples()},
    "total_points": {r.unit_id: float(r.total_points) for r in ranking.itertuples()},
    "awards": {r.unit_id: float(r.awards) for r in awards.itertuples()},
}
if results_path:
    with open(results_path, "w", encoding="utf-8") as fh:
        json.dump(stored, fh, ensure_ascii=False)
con.close()
