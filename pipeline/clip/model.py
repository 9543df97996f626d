"""The clip's model: scenes, the storyboard, the errors an analyst can fix.

Everything else in `pipeline.clip` builds or reads these; rendering imports only this.
"""

from __future__ import annotations

import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

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


class EditsKept(Exception):
    """The clip folder holds the analyst's edits: the generating command leaves it alone."""


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
    edited: bool = False  # the analyst's edits were read back into it (thidua clip --from)
    xlsx_sha256: str = ""  # storyboard.xlsx as the machine last wrote it
    rows: dict = field(default_factory=dict, repr=False)  # scene id → its row in the xlsx
    voice: str = ""  # the preview's voice track, said plainly (machine voice is a draft guide)

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


def regular_file(path: Path, folder: Path, what: str, missing: str = "") -> Path:
    """`path` (relative to `folder`) when it is a regular file inside the folder; a FIFO, a
    device, a link out of the folder or an absolute path is refused (never opened)."""
    folder = Path(folder).resolve()
    target = (folder / path).resolve()
    if not target.is_relative_to(folder):
        raise ClipError(f"{what} «{path}» nằm ngoài thư mục clip «{folder}»: không đọc.")
    try:
        mode = target.stat().st_mode
    except OSError:
        raise ClipError(
            missing or f"Không tìm thấy {what} «{path}» trong thư mục clip.", usage=not missing
        ) from None
    if not stat.S_ISREG(mode):
        raise ClipError(f"{what} «{path}» không phải tệp thường: không đọc.")
    return target
