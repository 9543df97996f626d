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
# # Khen thưởng qua các năm
#
# Theo hình thức, tập thể và cá nhân, theo đơn vị và theo cụm. Công tắc «địa giới so sánh được»
# (`territory = 2025`) cộng số liệu các tỉnh cũ vào tỉnh mới sau sáp nhập 2025, để xu hướng qua
# năm 2025 không bị đứt. Số liệu năm lấy từ một loại báo cáo (`half`: FY tổng kết năm, H1 sơ
# kết 6 tháng), không cộng hai báo cáo của cùng một năm.

# %% tags=["parameters"]
warehouse = ""  # empty: the project's warehouse (pipeline.paths)
first, last = 2022, 2025
half = "H1"
cluster = None
territory = 2025
results_path = ""

# %%
import json

import plotly.io as pio

from pipeline import paths
from pipeline.load.warehouse import open_reader
from pipeline.publish import analytics as an
from pipeline.publish import charts

pio.renderers.default = "plotly_mimetype"
con = open_reader(warehouse or paths.project_warehouse())
an.snapshot(con)
scope = "toàn bộ đơn vị" if cluster is None else f"Cụm thi đua số {cluster}"

# %% [markdown]
# ## Theo hình thức

# %%
series = an.awards_series(con, (first, last), half, cluster, None, territory)
charts.awards_timeline(series, f"Khen thưởng theo hình thức — {scope}")

# %%
an.table(
    series.pivot_table(
        index="award_name", columns="year", values="count", aggfunc="sum"
    ).reset_index()
)

# %% [markdown]
# ## Tập thể và cá nhân, theo đơn vị

# %%
per_unit = an.yearly_unit_metrics(con, (first, last), half, cluster, None, territory)
totals = an.yearly_totals(per_unit)
charts.yearly_lines(
    totals, ["collective", "individual"], f"Tập thể và cá nhân — {scope}", "view awards"
)

# %%
an.table(per_unit.pivot_table(index="name", columns="year", values="awards").reset_index())

# %% [markdown]
# ## Cùng số liệu, không quy đổi địa giới (để đối chiếu)

# %%
as_reported = an.yearly_unit_metrics(con, (first, last), half, cluster, None, None)
an.table(as_reported.pivot_table(index="name", columns="year", values="awards").reset_index())

# %% [markdown]
# ## Theo cụm (thành viên cụm theo từng năm)

# %%
import pandas as pd

numbers = [
    c
    for (c,) in con.execute(
        "SELECT DISTINCT cluster_no FROM clusters WHERE year BETWEEN ? AND ? ORDER BY 1",
        [first, last],
    ).fetchall()
]
by_cluster = pd.concat(
    [
        an.yearly_totals(
            an.yearly_unit_metrics(con, (first, last), half, c, None, territory)
        ).assign(cluster_no=c)
        for c in numbers
    ],
    ignore_index=True,
)
an.table(by_cluster[["cluster_no", "year", "units", "collective", "individual", "awards"]])

# %%
stored = {
    "awards": {
        f"{r.year}|{r.unit_id}": float(r.awards)
        for r in per_unit.itertuples()
        if pd.notna(r.awards)
    },
    "total_by_year": {
        str(r.year): float(r.awards) for r in totals.itertuples() if pd.notna(r.awards)
    },
}
if results_path:
    with open(results_path, "w", encoding="utf-8") as fh:
        json.dump(stored, fh, ensure_ascii=False)
con.close()
