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
# # Báo cáo so sánh qua các năm của một đơn vị hoặc một cụm
#
# Tăng/giảm và tăng trưởng giữa năm đầu và năm cuối, đơn vị tăng và giảm nhiều nhất. Cùng nội
# dung với lệnh `thidua report` (dùng chung `pipeline.publish.report`).

# %% tags=["parameters"]
warehouse = ""  # empty: the project's warehouse (pipeline.paths)
first, last = 2022, 2024
half = "FY"
cluster = 7
unit = None
territory = None
results_path = ""

# %%
import json

import plotly.io as pio

from pipeline import paths
from pipeline.load.warehouse import open_reader
from pipeline.publish import analytics as an
from pipeline.publish import report

pio.renderers.default = "plotly_mimetype"
con = open_reader(warehouse or paths.project_warehouse())
an.snapshot(con)
rep = report.make(con, first, last, cluster, unit, territory, half)
print(rep.title)
print(rep.scope_note)

# %%
an.table(rep.totals)

# %%
an.table(rep.changes[["metric_label", "from_value", "to_value", "delta", "growth"]])

# %%
rep.figures[0]

# %% [markdown]
# ## Đơn vị tăng nhiều nhất và giảm nhiều nhất (tổng số khen thưởng)

# %%
an.table(rep.movers.head(3)[["name", "from_value", "to_value", "delta", "growth"]])

# %%
an.table(rep.movers.tail(3)[["name", "from_value", "to_value", "delta", "growth"]])

# %%
for fig in rep.figures[1:]:
    fig.show()

# %%
stored = {
    "changes": {
        r.metric: [r.from_value, r.to_value, r.delta, r.growth] for r in rep.changes.itertuples()
    },
    "best": rep.movers["unit_id"].head(1).tolist(),
}
if results_path:
    with open(results_path, "w", encoding="utf-8") as fh:
        json.dump(stored, fh, ensure_ascii=False, default=float)
con.close()
