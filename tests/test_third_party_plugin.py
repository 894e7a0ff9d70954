"""A third party's plugin package, built as a wheel, installed, found through the entry point and measured."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "shire-foi-plugin"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example plugin built into a wheel and installed into its own folder (no network, no build isolation)."""
    tmp = tmp_path_factory.mktemp("plugin")
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    wheels = tmp / "wheels"
    subprocess.run([*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(wheels), str(EXAMPLE)], check=True)
    (wheel,) = wheels.glob("*.whl")
    target = tmp / "site"
    subprocess.run([*pip, "install", "--no-deps", "--no-index", "--target", str(target), str(wheel)], check=True)
    return target


def _csskpi(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, "-m", "csskpi", *args], capture_output=True, text=True, env=env, check=False)


def test_installed_plugin_is_listed(site: Path) -> None:
    proc = _csskpi(site, "plugins", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    plugins = {p["name"]: p for p in json.loads(proc.stdout)["plugins"]}
    assert plugins["foi"]["kpis"] == ["FOI_KPI_01"] and plugins["foi"]["datasets"] == ["foi_requests"]
    assert plugins["foi"]["version"] == "1.0.0"


def test_installed_plugin_kpi_is_measured(site: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    # Received Thursday 2020-12-17: 20 business days, skipping Christmas, Boxing Day (substitute 28th) and
    # New Year's Day, end on 2021-01-19.
    (data / "foi_requests.csv").write_text(
        "request_id,received_on,answered_on\n"
        "F1,2020-12-17,2021-01-19\n"   # on the deadline: in time
        "F2,2020-12-17,2021-01-20\n"   # a day late
        "F3,2020-11-02,\n"             # unanswered: deadline 2020-11-30, a failure in November
        "F4,2021-01-04,2021-01-05\n",
        encoding="utf-8",
    )
    proc = _csskpi(site, "measure", "--contract", "shire-foi", "--data", str(data), "--period", "2020-11", "--to", "2021-01", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    values = {m["period"]: (m["value"], m["numerator"], m["denominator"]) for m in json.loads(proc.stdout)["measurements"]}
    assert values["2020-11"] == ("0.00", 0, 1)
    assert values["2020-12"] == (None, 0, 0)
    assert values["2021-01"] == ("66.67", 2, 3)
    judged = _csskpi(site, "kpis", "--contract", "shire-foi", "--at", "2021-01", "--format", "json")
    assert json.loads(judged.stdout)["kpis"][0]["kpi"] == "FOI_KPI_01"


CONFORMANCE = """
import datetime as dt, polars as pl, csskpi
from csskpi.testing.conformance import assert_conforms
from csskpi.pipeline.measure import MeasureRegistry, load_data
registry = MeasureRegistry.from_plugins()
received = [dt.date(2020, 10, 1) + dt.timedelta(days=3 * i) for i in range(40)]
answered = [r + dt.timedelta(days=(i * 11) % 45) if i % 7 else None for i, r in enumerate(received)]
frame = pl.DataFrame({"request_id": [f"F{i}" for i in range(40)], "received_on": received, "answered_on": answered})
frames = load_data(None, registry, frames={"foi_requests": frame}).frames()
periods = [csskpi.Period(2020, 11), csskpi.Period(2020, 12), csskpi.Period(2021, 1)]
assert_conforms(registry, ["FOI_KPI_01"], frames, periods, contract=csskpi.load_contract("shire-foi"))
print("conforms")
"""


def test_installed_plugin_passes_the_conformance_suite(site: Path) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run([sys.executable, "-c", CONFORMANCE], capture_output=True, text=True, env=env, check=False)
    assert proc.returncode == 0 and proc.stdout.strip() == "conforms", proc.stderr
