"""The published figures file's optional ``published_on`` column: one date per source, written YYYY-MM-DD; files
without it stay valid; a bad date is a problem naming the file, line and field."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import csskpi
from csskpi.errors import InputError
from csskpi.files.published import read_published

PLAIN = "source,area,period,tsl_achieved,msl_achieved,below_msl,mitigation,total\n"
DATED = "source,published_on,area,period,tsl_achieved,msl_achieved,below_msl,mitigation,total\n"


def _problems(path: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        read_published(path)
    return [str(p) for p in caught.value.problems]


def test_a_file_without_dates_stays_valid(tmp_path: Path) -> None:
    (tmp_path / "p.csv").write_text(PLAIN + "web,PM,2017-05,9,0,0,0,9\n", encoding="utf-8")
    (row,) = read_published(tmp_path / "p.csv")
    assert row.published_on is None and row.counts == (9, 0, 0, 0, 9) and row.line == 2


def test_dates_are_read_per_source(tmp_path: Path) -> None:
    (tmp_path / "p.csv").write_text(DATED + "minutes,2017-07-27,PM,2017-05,8,,,,9\nreport,2017-12-21,PM,2017-05,9,0,0,0,9\n"
                                    "undated,,PM,2017-05,9,0,0,0,9\n", encoding="utf-8")
    rows = read_published(tmp_path / "p.csv")
    assert [(r.source, r.published_on) for r in rows] == [
        ("minutes", dt.date(2017, 7, 27)), ("report", dt.date(2017, 12, 21)), ("undated", None)]
    assert rows[0].counts == (8, None, None, None, 9)


@pytest.mark.parametrize(("cell", "message"), [
    ("2017-13-01", "'published_on' must be a real date, not '2017-13-01'"),
    ("2017-02-30", "'published_on' must be a real date, not '2017-02-30'"),
    ("21/12/2017", "'published_on' must be a date written YYYY-MM-DD, e.g. 2017-12-21, not '21/12/2017'"),
    ("20171221", "'published_on' must be a date written YYYY-MM-DD, e.g. 2017-12-21, not '20171221'"),
    ("２017-12-21", "'published_on' must be a date written YYYY-MM-DD, e.g. 2017-12-21, not '２017-12-21'"),
])
def test_a_bad_date_names_file_line_and_field(tmp_path: Path, cell: str, message: str) -> None:
    path = tmp_path / "p.csv"
    path.write_text(DATED + "report,2017-12-21,PM,2017-05,9,0,0,0,9\n" + f"other,{cell},PM,2017-05,9,0,0,0,9\n", encoding="utf-8")
    assert _problems(path) == [f"{path}:3: 'published_on': {message}"]


def test_a_source_has_one_date(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text(DATED + "report,2017-12-21,PM,2017-05,9,0,0,0,9\nreport,2017-12-22,IMT,2017-05,10,2,0,0,12\n"
                    "report,,F,2017-05,2,1,0,0,3\n", encoding="utf-8")
    assert _problems(path) == [
        f"{path}:3: 'published_on': report is published on 2017-12-21 on line 2: a source has one publication date",
        f"{path}:4: 'published_on': report is published on 2017-12-21 on line 2: a source has one publication date",
    ]


def test_a_wrong_header_says_both_forms(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("source,area,published_on,period,tsl_achieved,msl_achieved,below_msl,mitigation,total\n", encoding="utf-8")
    (problem,) = _problems(path)
    assert problem == (f"{path}:1: the header must be {PLAIN.strip()} (or, saying when each source was published, "
                       f"{DATED.strip()})")


def test_the_example_dates_every_source_as_its_meeting() -> None:
    path = csskpi.example("dec-2017").published
    assert path is not None
    dates = {r.source: r.published_on for r in read_published(path)}
    assert dates == {
        "jul2017-addendum": dt.date(2017, 7, 27), "jul2017-minutes": dt.date(2017, 7, 27),
        "dec2017-report": dt.date(2017, 12, 21), "dec2017-addendum": dt.date(2017, 12, 21),
        "aug2019-addendum": dt.date(2019, 8, 29), "oct2020-report": dt.date(2020, 10, 29),
    }
