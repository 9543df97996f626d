"""The clip's model: scenes, the storyboard, the errors an analyst can fix.

Everything else in `pipeline.clip` builds or reads these; rendering imports only this.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.core.period import period_label

ILLUSTRATIVE_NOTE = "Lưu ý: bản nháp này dùng dữ liệu minh họa, không phải số liệu thật."
PLACEHOLDER_MARK = "(điền"
PERIOD_RE = re.compile(r"^(\d{4})-(H1|FY)$")

# Scene kinds, in the order they appear in a clip.
KINDS = [
    "title",
    "members",
    "movements",
    "indicators",
    "ranking",
    "awards",
    "initiatives",
    "highlight",
    "shortcomings",
    "closing",
]
SCENE_LABELS = {
    "title": "Mở đầu",
    "members": "Thành phần Cụm",
    "movements": "Tổ chức phong trào",
    "indicators": "Chỉ tiêu so với chỉ tiêu đề ra",
    "ranking": "Xếp hạng chấm điểm",
    "awards": "Khen thưởng",
    "initiatives": "Sáng kiến, đề tài",
    "highlight": "Điểm nhấn đơn vị",
    "shortcomings": "Hạn chế (chỉ tiêu chưa đạt)",
    "closing": "Phương hướng kỳ tới",
}


class ClipError(Exception):
    """Something the analyst can fix (unknown cluster or period, a bad cell in the xlsx)."""

    def __init__(self, message: str, usage: bool = True):
        super().__init__(message)
        self.usage = usage


# -- the model ---------------------------------------------------------------------------------


@dataclass
class Scene:
    id: str
    kind: str
    title: str
    narration: str
    duration: float
    figures: list[dict] = field(default_factory=list)  # {label, value, unit, query}
    image: str = ""  # scenes/NN.png, relative to the clip folder
    keep: bool = True
    body: str = ""  # editable text shown on the frame (theme, good practices, remedies …)
    visual: dict = field(default_factory=dict)  # what the frame draws besides title and body
    source: str = ""  # the views the figures come from, shown on the frame
    note: str = ""  # a hint for the analyst (in the xlsx)


@dataclass
class Storyboard:
    cluster_no: int
    period: str
    illustrative: bool
    scenes: list[Scene]
    warehouse: str = ""
    created: str = ""
    charts: dict = field(default_factory=dict, repr=False)  # scene id → Plotly figure

    @property
    def year(self) -> int:
        return int(self.period[:4])

    @property
    def label(self) -> str:
        return period_label(self.period)

    def kept(self) -> list[Scene]:
        return [s for s in self.scenes if s.keep]

    def total_duration(self) -> float:
        return round(sum(s.duration for s in self.kept()), 3)


def is_placeholder(text: str) -> bool:
    return PLACEHOLDER_MARK in (text or "").lower()


STEPS = 4  # durations are kept in quarters of a second (the preview's frame rate)
