"""Shared fixtures: the bundled contract and the published record."""

from __future__ import annotations

from pathlib import Path

import pytest

import csskpi

REPO = Path(__file__).resolve().parent.parent
SHARED_RECORD = REPO.parent / "shared" / "record"
EXAMPLE = REPO / "src" / "csskpi" / "builtin" / "examples" / "dec-2017"


@pytest.fixture(scope="session")
def contract() -> csskpi.Contract:
    return csskpi.load_contract("lincolnshire-css")


@pytest.fixture(scope="session")
def record_dir() -> Path:
    """The transcribed record: ``../shared/record`` when the checkout has it, else the bundled copy."""
    return SHARED_RECORD if SHARED_RECORD.is_dir() else EXAMPLE


def record_file(record_dir: Path, name: str) -> Path:
    aliases = {"appendix_a_2017.csv": "measurements.csv", "published_summaries.csv": "published.csv"}
    path = record_dir / name
    return path if path.exists() else record_dir / aliases[name]


@pytest.fixture(scope="session")
def dec2017(contract: csskpi.Contract, record_dir: Path) -> csskpi.Evaluation:
    """The December 2017 Appendix A, judged (annotations only: the record as published)."""
    mf = csskpi.read_measurements(record_file(record_dir, "appendix_a_2017.csv"), contract)
    return csskpi.evaluate(contract, mf.measurements, mf.decisions)


@pytest.fixture(scope="session")
def published(record_dir: Path) -> tuple[csskpi.PublishedRow, ...]:
    return csskpi.read_published(record_file(record_dir, "published_summaries.csv"))
