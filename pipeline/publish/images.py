"""Static images of Plotly figures through kaleido and Debian's Chromium, with no network:
plotly.js comes from the plotly package and MathJax is switched off, and Chromium is given
a proxy on a closed local port, so the requests it makes on its own (it looks up Google's
account servers at start-up) fail on the machine instead of reaching the internet."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from pathlib import Path

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "chrome")
OFFLINE_PROXY = "127.0.0.1:9"  # the discard port: nothing listens, every request fails at once


class NoBrowser(RuntimeError):
    """No Chromium to draw images with."""


def browser_path() -> str:
    found = os.environ.get("BROWSER_PATH") or next(
        (p for p in map(shutil.which, CHROMIUM_NAMES) if p), None
    )
    if not found:
        raise NoBrowser(
            "Không tìm thấy trình duyệt Chromium để vẽ ảnh biểu đồ. "
            "Hãy chạy «make setup» (cài gói Debian «chromium»), hoặc: sudo apt-get install chromium"
        )
    return found


def write_pngs(jobs: Iterable[tuple[object, Path, int, int]]) -> list[Path]:
    """Draw each (figure, path, width, height) as a PNG, all in one browser session."""
    jobs = list(jobs)
    if not jobs:
        return []
    os.environ["BROWSER_PATH"] = browser_path()
    import kaleido

    page = kaleido.PageGenerator(mathjax=False)
    specs = []
    for fig, path, width, height in jobs:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        specs.append(
            {
                "fig": fig,
                "path": str(path),
                "opts": {"format": "png", "width": width, "height": height, "scale": 1},
            }
        )
    kaleido.write_fig_from_object_sync(
        specs, kopts={"page_generator": page, "n": 1, "proxy_server": OFFLINE_PROXY}
    )
    return [Path(p) for _, p, _, _ in jobs]
