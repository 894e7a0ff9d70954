"""The HTML report's layout in Chromium at 1280 px and 390 px, on a 6-month and a 12-month report: read from the
DOM, no two pieces of text overlap, no text is clipped or spills out of its cell or chart, nothing pushes the page
sideways (wide tables and charts scroll inside their own frames), chart text stays legible on a phone (at least
9 px high) and no table row grows taller than 420 px.

Headless Chromium opens no window narrower than 500 px, so the page is measured inside an iframe of the width
wanted; the probe (``layout_probe.js``) runs there after load and posts what it found to the outer page, which
``--dump-dom`` prints. Skipped loudly without Chromium, like ``test_report_browser.py``.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from csskpi.report import Report, render

from .report_pages import six_month_report, twelve_month_report
from .test_report_browser import chromium  # noqa: F401 - the fixture that skips without a browser

PROBE = (Path(__file__).parent / "layout_probe.js").read_text(encoding="utf-8")
REPORTS = {"6 months": six_month_report, "12 months": twelve_month_report}
_built: dict[str, Report] = {}


def _report(name: str) -> Report:
    if name not in _built:
        _built[name] = REPORTS[name]()
    return _built[name]


def measure(browser: str, html: str, width: int, tmp: Path, height: int = 900) -> dict[str, object]:
    page = tmp / "page.html"
    page.write_text(html.replace("</body>", f"<script>{PROBE}</script></body>", 1), encoding="utf-8")
    outer = tmp / "outer.html"
    outer.write_text(
        f'<!DOCTYPE html><html><body style="margin:0"><iframe src="{page.name}" '
        f'style="width:{width}px;height:{height}px;border:0"></iframe><pre id="out"></pre><script>'
        'addEventListener("message", e => { document.getElementById("out").textContent = e.data; });'
        "</script></body></html>", encoding="utf-8")
    command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync",
               "--disable-background-networking", "--disable-component-update", f"--user-data-dir={tmp / 'profile'}",
               f"--window-size={width + 40},{height}", "--virtual-time-budget=10000", "--allow-file-access-from-files",
               "--dump-dom", outer.as_uri()]
    done = subprocess.run(command, check=False, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr[-2000:]
    found = re.search(r'<pre id="out">(.*?)</pre>', done.stdout, re.DOTALL)
    assert found and found.group(1), "the layout probe did not report"
    text = found.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
    return json.loads(text)  # type: ignore[no-any-return]


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("name", list(REPORTS))
def test_nothing_overlaps_or_is_clipped(chromium: str, name: str, width: int, tmp_path: Path) -> None:  # noqa: F811
    seen = measure(chromium, render(_report(name), "html").decode("utf-8"), width, tmp_path)
    assert int(str(seen["vw"])) <= width and int(str(seen["boxes"])) > 1000  # the probe saw the whole page
    assert seen["overlaps"] == [], seen["overlaps"]
    assert seen["clipped"] == [], seen["clipped"]
    assert seen["small"] == [], seen["small"]
    assert seen["tall"] == [], seen["tall"]
    assert seen["scrollWidth"] == seen["vw"]  # the page itself never scrolls sideways


def test_the_probe_sees_a_broken_layout(chromium: str, tmp_path: Path) -> None:  # noqa: F811
    """The probe is not blind: the old fixed-width Appendix A (figures run together, words clipped) and charts
    squeezed to a phone's width are found."""
    html = render(_report("12 months"), "html").decode("utf-8").replace(
        "</style>", "table.detail { table-layout: fixed; } td.st .v, td.st .w { white-space: nowrap; }"
        " td.st { overflow: hidden; } @media (max-width: 640px) { svg.chart { min-width: 0; } }</style>", 1)
    wide = measure(chromium, html, 1280, tmp_path)
    assert wide["overlaps"] or wide["clipped"]
    narrow = measure(chromium, html, 390, tmp_path)
    assert narrow["small"]
