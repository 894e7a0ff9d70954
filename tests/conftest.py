"""Shared fixtures: the bundled contract and the published record."""

from __future__ import annotations

from pathlib import Path

import pytest

import csskpi

REPO = Path(__file__).resolve().parent.parent
RECORD = Path(__file__).resolve().parent / "data" / "record"  # the published record, transcribed (its README.md)
EXAMPLE = REPO / "src" / "csskpi" / "builtin" / "examples" / "dec-2017"


@pytest.fixture(scope="session")
def contract() -> csskpi.Contract:
    return csskpi.load_contract("lincolnshire-css")


@pytest.fixture(scope="session")
def record_dir() -> Path:
    """The published December 2017 record, transcribed, as the tests hold it (``tests/data/record``)."""
    return RECORD


def record_file(record_dir: Path, name: str) -> Path:
    path = record_dir / name
    if not path.is_file():
        raise FileNotFoundError(f"{path}: the transcribed record is part of the repository")
    return path


@pytest.fixture(scope="session")
def dec2017(contract: csskpi.Contract, record_dir: Path) -> csskpi.Evaluation:
    """The December 2017 Appendix A, judged (annotations only: the record as published)."""
    mf = csskpi.read_measurements(record_file(record_dir, "appendix_a_2017.csv"), contract)
    return csskpi.evaluate(contract, mf.measurements, mf.decisions)


@pytest.fixture(scope="session")
def published(record_dir: Path) -> tuple[csskpi.PublishedRow, ...]:
    return csskpi.read_published(record_file(record_dir, "published_summaries.csv"))
