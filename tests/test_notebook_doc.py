"""docs/notebook.md runs as written: every python block, in order, in one namespace (a block whose imports are not
installed, the chart's plotting library, is skipped)."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

PAGE = Path(__file__).resolve().parent.parent / "docs" / "notebook.md"


@pytest.fixture(autouse=True)
def logging_as_it_was() -> Iterator[None]:
    """The page configures logging, as a notebook would: put it back for the other tests."""
    root, csskpi_logger = logging.getLogger(), logging.getLogger("csskpi")
    handlers, level = list(root.handlers), csskpi_logger.level
    yield
    for handler in [h for h in root.handlers if h not in handlers]:
        root.removeHandler(handler)
    csskpi_logger.setLevel(level)


def test_the_notebook_page_runs() -> None:
    blocks = re.findall(r"```python\n(.*?)```", PAGE.read_text(), flags=re.DOTALL)
    assert len(blocks) >= 5
    namespace: dict[str, object] = {}
    ran = 0
    for block in blocks:
        try:
            exec(compile(block, str(PAGE), "exec"), namespace)  # noqa: S102 - running the page is the test
            ran += 1
        except ModuleNotFoundError as error:
            assert error.name in ("matplotlib", "pandas"), error
    assert ran >= len(blocks) - 1
    trend = namespace["trend"]
    assert isinstance(trend, pl.DataFrame) and trend.height == 12 and trend.schema["value"] == pl.Float64
    results = namespace["results"]
    assert isinstance(results, pl.DataFrame) and (results["status"] == "red").any()
    assert repr(namespace["run"]) == "<MeasureRun: 492 measurements, 2 findings, 145,117 records, 2017-04 to 2018-03>"
