"""The HTML report in a real browser: Debian's Chromium, headless (installed in CI by ``.ci/setup-browser``).

A screenshot is produced; what a reader sees (``innerText``, which leaves out what CSS hides) holds the key text;
on a phone-sized window the page does not scroll sideways (wide tables scroll in their own boxes); printing gives
A4 pages. Without Chromium these tests are skipped LOUDLY: a skip reason and a warning in pytest's summary.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import struct
import subprocess
import warnings
from pathlib import Path

import pytest

from csskpi.report import build_report, render

from .test_report import dec2017_assessment

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")
# Feeds innerText and the page's width into the DOM, for --dump-dom (only in the test's copy of the page).
PROBE = """<script>
const seen = JSON.stringify({
  text: document.body.innerText, scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth});
const out = document.createElement("pre");
out.id = "probe" + "-out";
out.textContent = seen;
document.body.appendChild(out);
</script></body>"""


@pytest.fixture(scope="module")
def chromium() -> str:
    if BROWSER is None:
        message = ("SKIPPED: Chromium is not installed, so the HTML report was NOT checked in a browser "
                   "(install it with .ci/setup-browser, or apt-get install chromium)")
        warnings.warn(message, stacklevel=1)
        pytest.skip(message)
    return BROWSER


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    report = build_report(dec2017_assessment(), start="2017-05", end="2017-10", generated=dt.date(2017, 12, 21))
    path = tmp_path_factory.mktemp("html") / "report.html"
    path.write_bytes(render(report, "html"))
    return path


def browse(chromium: str, tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={tmp / 'profile'}", *args]
    done = subprocess.run(command, check=False, capture_output=True, text=True, timeout=90, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def probe(chromium: str, page: Path, tmp: Path, width: int, height: int) -> dict[str, object]:
    copy = tmp / f"probe-{width}.html"
    copy.write_text(page.read_text(encoding="utf-8").replace("</body>", PROBE, 1), encoding="utf-8")
    dom = browse(chromium, tmp, f"--window-size={width},{height}", "--dump-dom", copy.as_uri()).stdout
    found = re.search(r'<pre id="probe-out">(.*?)</pre>', dom, re.DOTALL)
    assert found, "the probe did not run"
    text = found.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
    return json.loads(text)  # type: ignore[no-any-return]


def test_screenshot(chromium: str, page: Path, tmp_path: Path) -> None:
    png = tmp_path / "report.png"
    browse(chromium, tmp_path, f"--screenshot={png}", "--window-size=1280,2000", page.as_uri())
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1280, 2000)
    assert len(data) > 50_000  # a blank page is a few kilobytes


def test_visible_text(chromium: str, page: Path, tmp_path: Path) -> None:
    seen = probe(chromium, page, tmp_path, 1280, 2000)
    text = str(seen["text"])
    for words in ("Performance of the Corporate Support Services contract", "Table 1: Overall KPI Summary Performance",
                  "Table 7: F KPI Summary Performance", "30 agree, 6 differ", "Data Not Available", "Mitigation Agreed",
                  "74.05", "F_KPI_01", "85.04", "◐ Amber", "✖ Red", "● Green", "◆ Blue", "of the green KPIs",
                  "Abatement points and service credits", "Watch-rule warnings", "KPI REFERENCE NOT IN USE"):
        assert words in text, words
    assert seen["scrollWidth"] == seen["clientWidth"]


def test_phone_width_does_not_scroll_sideways(chromium: str, page: Path, tmp_path: Path) -> None:
    seen = probe(chromium, page, tmp_path, 390, 844)
    # Headless Chromium opens no window narrower than 500 px: still below the phone layout's 640 px breakpoint.
    assert int(str(seen["clientWidth"])) < 640
    assert seen["scrollWidth"] == seen["clientWidth"]
    assert "Table 1: Overall KPI Summary Performance" in str(seen["text"])


def test_prints_to_a4(chromium: str, page: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    browse(chromium, tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page.as_uri())
    data = pdf.read_bytes()
    boxes = {tuple(round(float(v)) for v in m.split()) for m in re.findall(rb"/MediaBox\s*\[([^\]]*)\]", data)}
    assert boxes == {(0, 0, 595, 842)}  # A4 in points
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", data)) > 3
