"""The council's commentary file: read with every problem named by file, line and field; merged into every format
(escaped); Table 8's effect and time to resolve from it; and the differences within the record it reveals."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from html import escape
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import csskpi
from csskpi.cli import main
from csskpi.engine.reconcile import MilestoneMonth, Statement, check_milestones, check_statements, restatements
from csskpi.errors import CsskpiError
from csskpi.files.commentary import Commentary, parse_commentary, read_commentary
from csskpi.model.period import Period
from csskpi.report import Report, render
from csskpi.report.commentary import with_commentary
from csskpi.report.model import NO_EFFECT_TEXT, NO_REASON_TEXT

from .report_pages import EXAMPLE, six_month_report

P = Period.parse
HOSTILE = '<script>alert(1)</script> =HYPERLINK("http://x") | **bold** [link](http://x)'


@pytest.fixture(scope="module")
def contract() -> csskpi.Contract:
    return csskpi.load_contract()


@pytest.fixture(scope="module")
def report() -> Report:
    return six_month_report()


def test_the_example_commentary_quotes_the_december_2017_report(contract: csskpi.Contract) -> None:
    c = read_commentary(EXAMPLE / "commentary.toml", contract)
    assert c.source == "OSMB report, 21 December 2017"
    assert [n for n, _ in c.sections] == ["summary", "actions", "background", "performance", "overview", "projects",
                                          "conclusion"]
    assert c.section("actions") == ("The Board is asked to seek reassurance about the performance of the Corporate "
                                    "Support Services Contract and provide feedback and challenge as required.")
    assert [a for a, _ in c.areas] == ["PM", "IMT", "CSC", "ACF", "F"]
    assert c.area("F").startswith("Strong performance continues, with Serco having now achieved the TSL since July.")
    assert [(n.kpi, n.months) for n in c.below_msl] == [("CSC_KPI_04", (P("2017-09"),)), ("IMT_KPI_05", (P("2017-09"),))]
    assert c.below_msl[1].resolution == "This KPI is currently in escalation."
    assert c.milestones is not None and [m.period for m in c.milestones.months] == list(Period.range(P("2017-03"), P("2017-10")))


def test_table_8_lists_each_kpi_month_once_with_the_councils_words(report: Report) -> None:
    csc04 = [f for f in report.failures if f.kpi == "CSC_KPI_04"]
    # The RED months the commentary has no words for, then September with the council's effect and time to resolve.
    assert [f.months for f in csc04] == [tuple(P(f"2017-0{m}") for m in (5, 6, 7, 8)), (P("2017-09"),)]
    assert csc04[0].council_effect == "" and csc04[1].council_effect.startswith("A high volume of abandoned calls")
    assert csc04[1].resolution.startswith("Performance Improvement Plans have been initiated")
    assert csc04[1].points == Decimal(80) and sum((f.points for f in csc04), Decimal(0)) == Decimal(340)
    months = [(f.kpi, p) for f in report.failures for p in f.months]
    assert len(months) == len(set(months))  # each KPI-month once
    # IMT_KPI_04 is the red IMT KPI of September 2017: Table 8's words were given for IMT_KPI_05, so none here.
    imt04 = next(f for f in report.failures if f.kpi == "IMT_KPI_04")
    assert imt04.months == (P("2017-09"),) and imt04.council_effect == ""
    html = render(report, "html").decode("utf-8")
    assert escape(NO_EFFECT_TEXT) in html and escape(NO_REASON_TEXT) in html


def test_differences_within_the_record_are_findings(report: Report) -> None:
    kinds = {(f.kind, f.subject, f.period) for f in report.findings}
    assert ("below_msl", "IMT_KPI_05", P("2017-09")) in kinds
    below = next(f for f in report.findings if f.kind == "below_msl")
    assert "IMT_KPI_04 (6.00 against TSL ≤ 1, MSL ≤ 5) is RED and not named" in below.message
    assert below.file is not None and below.file.endswith("commentary.toml") and below.line is not None
    milestone = next(f for f in report.findings if f.kind == "milestones")
    assert (milestone.period, milestone.stated, milestone.record) == (P("2017-09"), "11", "16")
    assert "87.50% is 14 of 16, not of 11" in milestone.message
    restated = {(f.subject, f.period, f.stated, f.record) for f in report.findings if f.kind == "restated"}
    assert restated == {("PM tsl achieved", P("2017-05"), "8", "9"), ("IMT tsl achieved", P("2017-06"), "8", "10"),
                        ("ALL tsl achieved", P("2017-06"), "29", "32"), ("ALL below msl", P("2017-06"), "3", "2")}
    assert len(report.findings) == 6
    for fmt in ("html", "md"):
        text = render(report, fmt).decode("utf-8")
        assert "Differences within the record" in text and "IMT_KPI_05" in text and "first published as 29" in text
    data = json.loads(render(report, "json"))
    assert {f["kind"] for f in data["findings"]} == {"restated", "below_msl", "milestones"}
    assert data["commentary"]["below_msl"][0]["kpi"] == "CSC_KPI_04"
    assert data["below_msl"][-1]["council_effect"] is None


def test_the_october_2020_statements_against_the_contract(contract: csskpi.Contract) -> None:
    stated = [Statement("tsl", P("2020-09"), Decimal("34.55"), "CSC_KPI_01", "the TSL has escalated to 34.55%",
                        "Oct 2020 OSMB report, Table 2.1"),
              Statement("points", P("2020-10"), Decimal(902), quote="A total of 902 points is now distributed")]
    found = check_statements(contract, stated)
    assert [(f.kind, f.stated, f.record) for f in found] == [("target", "34.55", "45")]  # 902 agrees with the contract
    assert "Oct 2020 OSMB report, Table 2.1 states CSC_KPI_01 TSL 34.55 in Sep-20" in found[0].message


def test_milestone_arithmetic() -> None:
    good = MilestoneMonth(P("2017-10"), 18, 16, 4, 10, 2, 2, Decimal("87.50"))
    assert check_milestones([good]) == ()
    bad = MilestoneMonth(P("2017-09"), 20, 16, 5, 9, 2, 1, Decimal("80.00"))
    (f,) = check_milestones([bad])
    assert "total is stated as 20 where 16 + excluded 1 = 17" in f.message and "14 of 16 is 87.50%" in f.message


def test_restatements_need_two_different_figures() -> None:
    row = csskpi.PublishedRow
    same = [row("a", "PM", P("2017-05"), (9, 0, 0, 0, 9)), row("b", "PM", P("2017-05"), (9, None, 0, 0, 9))]
    assert restatements(same) == ()
    changed = [*same, row("c", "PM", P("2017-05"), (8, None, None, None, 9))]
    (f,) = restatements(changed)
    assert f.message == "PM May-17, tsl achieved: first published as 9 (a; b), then 8 (c)."


def test_commentary_is_escaped_in_every_format(contract: csskpi.Contract, report: Report) -> None:
    text = (f'[sections]\nsummary = {json.dumps(HOSTILE)}\nconclusion = "=1+2"\n[areas.PM]\ncommentary = '
            f'{json.dumps("- " + HOSTILE)}\n[[below_msl]]\nkpi = "CSC_KPI_04"\nmonths = ["2017-09"]\n'
            f'effect = {json.dumps(HOSTILE)}\nresolution = "@SUM(A1)"\n')
    hostile = with_commentary(attrs_evolve_without_commentary(report), parse_commentary(text, contract=contract))
    html = render(hostile, "html").decode("utf-8")
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    md = render(hostile, "md").decode("utf-8")
    assert "<script>" not in md and "\\*\\*bold\\*\\*" in md and "\\[link\\]" in md
    assert json.loads(render(hostile, "json"))["commentary"]["sections"]["summary"] == HOSTILE
    wb = openpyxl.load_workbook(io.BytesIO(render(hostile, "xlsx")))
    values = {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert "'=1+2" in values and "'@SUM(A1)" in values and HOSTILE in values
    assert all(c.data_type != "f" for ws in wb.worksheets for row in ws.iter_rows() for c in row)


def attrs_evolve_without_commentary(report: Report) -> Report:
    import attrs

    return attrs.evolve(report, commentary=None, findings=())


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('[sections]\nsummary = 3\n', "<commentary>:2: 'sections.summary': must be a string"),
        ('[sections]\nforeword = "x"\n', "<commentary>:2: 'sections.foreword': unknown key"),
        ('[areas.XX]\ncommentary = "x"\n', "<commentary>:1: 'areas.XX': unknown service area 'XX'"),
        ('[[below_msl]]\nkpi = "PM_KPI_99"\nmonths = ["2017-09"]\neffect = "x"\n',
         "<commentary>:2: PM_KPI_99 'below_msl[0].kpi': PM_KPI_99 is not a KPI of the contract"),
        ('[[below_msl]]\nkpi = "PM_KPI_01"\nmonths = "2017-09"\neffect = "x"\n', "<commentary>:3: 'below_msl[0].months'"),
        ('[[below_msl]]\nkpi = "PM_KPI_01"\nmonths = ["2030-01"]\neffect = "x"\n', "outside the contract"),
        ('[[below_msl]]\nkpi = "PM_KPI_01"\nmonths = ["2017-09"]\n', "<commentary>:1: 'below_msl[0].effect': missing"),
        ('[milestones]\n[[milestones.months]]\nperiod = "2017-09"\nkpi_milestones = -1\nmet = 1\nexception = 1\nfail = 1\n',
         "<commentary>:4: 'milestones.months[0].kpi_milestones': must be a whole number"),
        ('[[stated]]\nperiod = "2020-09"\nkpi = "CSC_KPI_01"\n', "give exactly one of tsl, msl or points"),
        ('[[stated]]\nperiod = "2020-09"\nkpi = "CSC_KPI_01"\ntsl = "lots"\n', "'stated[0].tsl': 'lots' is not a number"),
        ('summary = "x"\n', "<commentary>:1: 'summary': unknown key"),
        (('[[below_msl]]\nkpi = "PM_KPI_01"\nmonths = ["2017-09"]\neffect = "x"\n'
         '[[below_msl]]\nkpi = "PM_KPI_01"\nmonths = ["2017-09"]\neffect = "y"\n'),
         "<commentary>:7: PM_KPI_01 'below_msl[1].months': PM_KPI_01 2017-09 already has words (line 1)"),
        ("[sections\n", "<commentary>:1: not valid TOML"),
    ],
)
def test_bad_commentary_names_file_line_and_field(contract: csskpi.Contract, text: str, where: str) -> None:
    with pytest.raises(csskpi.InputError) as caught:
        parse_commentary(text, contract=contract)
    assert where in str(caught.value)


def test_every_problem_at_once(contract: csskpi.Contract) -> None:
    text = '[sections]\nsummary = 1\nbogus = "x"\n[[below_msl]]\nkpi = "XX"\nmonths = ["2017-13"]\n'
    with pytest.raises(csskpi.InputError) as caught:
        parse_commentary(text, file="c.toml", contract=contract)
    assert len(caught.value.problems) == 5 and all(p.file == "c.toml" and p.line for p in caught.value.problems)


_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 3000) | st.text(max_size=12) | st.sampled_from(
        ["2017-09", "CSC_KPI_04", "PM", "87.50", "2017-13", ""]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(
        ["kpi", "months", "effect", "period", "met", "fail", "exception", "kpi_milestones", "tsl", "commentary",
         "summary", "x"]), inner, max_size=4),
    max_leaves=12,
)
_TOP = st.dictionaries(st.sampled_from(["source", "sections", "areas", "below_msl", "milestones", "stated", "other"]),
                       _VALUES, max_size=4)


def _toml(data: dict[str, object]) -> str:
    import tomli_w

    def clean(v: object) -> object:  # TOML has no null
        if isinstance(v, dict):
            return {k: clean(x) for k, x in v.items() if x is not None}
        if isinstance(v, list):
            return [clean(x) for x in v if x is not None]
        return v

    return tomli_w.dumps(clean(data))  # type: ignore[arg-type]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=_TOP, noise=st.text(max_size=30))
def test_fuzzed_commentary_is_read_or_rejected_cleanly(contract: csskpi.Contract, data: dict[str, object],
                                                         noise: str) -> None:
    try:
        text = _toml(data)
    except (TypeError, ValueError):
        return  # a structure TOML cannot hold (e.g. mixed arrays in old writers)
    for candidate in (text, noise + text, text + noise):
        try:
            result = parse_commentary(candidate, file="f.toml", contract=contract)
        except CsskpiError as exc:
            assert all(p.file == "f.toml" for p in exc.problems) and isinstance(exc, ValueError)
        else:
            assert isinstance(result, Commentary)


def test_cli_report_with_commentary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "r.md"
    assert main(["report", "--example", "dec-2017", "--from", "2017-05", "--to", "2017-10", "--commentary",
                 str(EXAMPLE / "commentary.toml"), "--format", "md", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "## Actions required" in text and "A high volume of abandoned calls" in text and "## Conclusion" in text
    bad = tmp_path / "bad.toml"
    bad.write_text('[sections]\nsummary = 1\n', encoding="utf-8")
    assert main(["report", "--example", "dec-2017", "--from", "2017-05", "--to", "2017-10", "--commentary", str(bad),
                 "--format", "md", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:2: 'sections.summary': must be a string" in err and "Traceback" not in err


def test_the_october_2020_commentary_checked_against_the_contract(contract: csskpi.Contract) -> None:
    from .report_pages import twelve_month_report

    c = read_commentary(EXAMPLE.parent / "oct-2020" / "commentary.toml", contract)
    report = with_commentary(twelve_month_report(), c)
    assert [(f.kind, f.subject, f.stated, f.record) for f in report.findings] == [
        ("target", "CSC_KPI_01 TSL", "34.55", "45")]  # the 902 points agree with the contract
    assert "the TSL has escalated to 34.55%" in report.findings[0].message
    text = render(report, "md").decode("utf-8")
    assert "- Seek assurance about the performance" in text and "34.55" in text


def test_warnings_collapse_and_the_headline_tells_suspended_from_mitigated() -> None:
    from .report_pages import twelve_month_report

    report = twelve_month_report()
    groups = report.warning_groups
    assert len(groups) < len(report.warnings)
    assert len({(g.rule, g.subject) for g in groups}) == len(groups)
    longest = max(groups, key=lambda g: g.count)
    assert longest.count > 1 and longest.fired == tuple(sorted(longest.fired))
    html = render(report, "html").decode("utf-8")
    assert html.count("<tr><td>⚠ ") == len(groups)
    mitigated, suspended = report.relieved_by(Period(2020, 5))
    assert mitigated >= 1 and suspended >= 1  # ACF_KPI_03 mitigated; AMBER/RED months relieved by PPN 02/20
    may = render(attrs_evolve_last(report, Period(2020, 5)), "html").decode("utf-8")
    assert f"{mitigated}</span><span class=\"lbl\">mitigation agreed in May-20" in may
    assert f"{suspended}</span><span class=\"lbl\">relieved by suspended credits in May-20" in may


def attrs_evolve_last(report: Report, last: Period) -> Report:
    import attrs

    summaries = tuple(attrs.evolve(t, rows=tuple(r for r in t.rows if r.period <= last)) for t in report.summaries)
    return attrs.evolve(report, summaries=summaries)


def test_slopes_never_show_a_negative_zero() -> None:
    from fractions import Fraction

    from csskpi.report.text import slope_text

    assert slope_text(Fraction(-1, 10_000)) == "0.000" and slope_text(Fraction(1, 10_000)) == "0.000"
    assert slope_text(Fraction(-1, 1000)) == "-0.001" and slope_text(Fraction(1, 8)) == "+0.125"
    from decimal import Decimal

    from csskpi.report.text import decimal_text
    from csskpi.report.xlsxkit import rounded

    assert decimal_text(Decimal("-0.0001"), 3) == "0.000" and str(rounded(Decimal("-0.0001"), 3)) == "0.000"


def test_prose_keeps_the_councils_order() -> None:
    from csskpi.report.council import prose

    html = prose("To include;\n- the number of projects;\n- the delay.\nThe response is below.\n\n<b>Next</b>")
    assert html == ('<div class="prose"><p>To include;</p><ul><li>the number of projects;</li><li>the delay.</li></ul>'
                    "<p>The response is below.</p><p>&lt;b&gt;Next&lt;/b&gt;</p></div>")


def test_the_example_brings_its_own_commentary(capsys: pytest.CaptureFixture[str]) -> None:
    """`csskpi report --example dec-2017` shows the December 2017 report's own words without --commentary."""
    from csskpi.cli import main

    assert main(["report", "--example", "dec-2017", "--from", "2017-05", "--to", "2017-10", "--format", "md",
                 "--out", "-"]) == 0
    assert "This report provides an update of Serco's performance" in capsys.readouterr().out
