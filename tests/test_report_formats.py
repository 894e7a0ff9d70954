"""The report's formats: valid self-contained HTML, an Excel workbook checked cell by cell, Markdown, JSON; and
hostile text in the council's decisions cannot inject HTML, Markdown or a spreadsheet formula."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from html.parser import HTMLParser

import openpyxl
import pytest

import csskpi
from csskpi.model.period import Period
from csskpi.model.result import Status
from csskpi.pipeline.assessment import assess
from csskpi.report import Report, build_report, render
from csskpi.report.text import FILLS

from .test_report import dec2017_assessment, dec2017_evaluation

P = Period.parse
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
HOSTILE = {
    "reason": "<script>alert(1)</script> & <img src=x onerror=alert(2)>",
    "impact": '=HYPERLINK("http://evil.example/","click")',
    "path_to_green": "+cmd|' /C calc'!A0",
    "decided_by": "@SUM(1+1)*cmd|' /C calc'!A0",
}


class Structure(HTMLParser):
    """Checks that every element is closed in order, and collects what the tests assert on."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.ids: list[str] = []
        self.tags: dict[str, int] = {}
        self.captions: list[str] = []
        self.text: list[str] = []
        self.urls: list[str] = []
        self._in: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] = self.tags.get(tag, 0) + 1
        for name, value in attrs:
            if name == "id" and value:
                self.ids.append(value)
            if name in ("src", "href", "action", "xlink:href") and value and not value.startswith("#"):
                self.urls.append(value)
            if name.startswith("on"):
                self.errors.append(f"event handler attribute {name} on <{tag}>")
        if tag not in VOID:
            self.stack.append(tag)
        self._in.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()
        self._in.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            return
        self.stack.pop()
        if self._in and self._in[-1] == tag:
            self._in.pop()

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1] == "caption":
            self.captions.append(data)
        self.text.append(data)


def parse(html: str) -> Structure:
    s = Structure()
    s.feed(html)
    s.close()
    return s


@pytest.fixture(scope="module")
def report() -> Report:
    return build_report(dec2017_assessment(), start="2017-05", end="2017-10", generated=dt.date(2017, 12, 21))


@pytest.fixture(scope="module")
def hostile() -> Report:
    """The December 2017 record with a mitigation whose every free-text field is hostile, and a hostile title."""
    ev = dec2017_evaluation()
    contract = ev.contract
    mf = csskpi.read_measurements(csskpi.example("dec-2017").measurements, contract)
    decisions = mf.decisions + csskpi.Decisions(
        mitigations=[csskpi.Mitigation("IMT_KPI_04", "2017-09", "2017-09", **HOSTILE)],
        escalations=[csskpi.Escalation("PM_KPI_01", "2017-06", reason="-2+3 <b>bold</b>")],
    )
    return build_report(assess(contract, mf.measurements, decisions), title="=cmd <i>title</i>", generated=dt.date(2017, 12, 21))


def test_html_is_valid_and_self_contained(report: Report) -> None:
    html = render(report, "html").decode("utf-8")
    s = parse(html)
    assert s.errors == [] and s.stack == []
    assert html.startswith("<!DOCTYPE html>") and '<html lang="en-GB">' in html
    assert len(s.ids) == len(set(s.ids)), "ids must be unique"
    assert s.urls == [], "no external resource, only in-page links"
    assert s.tags.get("script", 0) == 0 and s.tags.get("link", 0) == 0 and s.tags.get("img", 0) == 0
    assert s.tags["style"] == 1 and s.tags["svg"] >= 40  # inline CSS; the charts and one sparkline per KPI
    assert 'name="viewport"' in html and "@media (max-width: 640px)" in html
    assert "@page { size: A4" in html and "@media print" in html
    captions = " | ".join(s.captions)
    for n, area in zip((1, 2, 4, 5, 6, 7), ["Overall", "PM", "IMT", "CSC", "ACF", "F"], strict=True):
        assert f"Table {n}: {area} KPI Summary Performance" in captions
    assert "Table 3:" not in captions  # payroll contacts: no PM data here, but the number stays theirs
    for title in ("Published rows that differ", ("Table 8: Effect on council services where performance measured "
                  "against a KPI has failed to meet MSL"), "Table 9: Details of KPI mitigation relief",
                  "Table 1b: Total monthly abatement points", "Service credits per service area", "Watch-rule warnings",
                  "Green KPI trends", "PM KPIs", "IMT KPIs", "CSC KPIs", "ACF KPIs", "F KPIs", "Abbreviations"):
        assert title in captions
    for anchor in ("summary", "reconciliation", "exceptions", "points", "warnings", "trend", "appendix-a", "notes"):
        assert anchor in s.ids


def test_html_never_shows_status_by_colour_alone(report: Report) -> None:
    html = render(report, "html").decode("utf-8")
    # Every coloured Appendix A cell carries its symbol and word.
    for status in Status:
        for chunk in html.split(f'<td class="st st-{status.value}"')[1:]:
            cell = chunk.split("</td>", 1)[0]
            assert {"green": "●\u00a0Green", "amber": "◐\u00a0Amber", "red": "✖\u00a0Red",
                    "blue": "◆\u00a0Blue"}[status.value] in cell
    assert "Data Not Available" in html and "74.05" in html and "Mitigation Agreed" in html
    text = " ".join(parse(html).text)
    assert "Every published row agrees" not in text and "30 agree, 6 differ" in text
    assert report.trend.headline() in text


def test_xlsx_cell_by_cell(report: Report) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(render(report, "xlsx")))
    assert wb.sheetnames[0] == "Report" and wb["Report"]["A1"].value == report.title
    assert wb.sheetnames[1:7] == ["Table 1 ALL", "Table 2 PM", "Table 4 IMT", "Table 5 CSC", "Table 6 ACF", "Table 7 F"]
    for name in ("Reconciliation", "Table 8 Below MSL", "Table 9 Mitigation", "Table 1b Points", "Service credits",
                 "Warnings", "Trend",
                 "App A PM", "App A IMT", "App A CSC", "App A ACF", "App A F", "Results"):
        assert name in wb.sheetnames
    t1 = wb["Table 1 ALL"]
    assert t1["A1"].value == "Table 1: Overall KPI Summary Performance"
    assert [c.value for c in t1[2]] == ["Overall (All Services) Contract Performance", *(dt.datetime(2017, m, 1)
                                        for m in range(5, 11))]
    assert t1["B2"].number_format == "mmm-yy"  # months are dates, shown as the council writes them
    assert [c.value for c in t1[3]] == ["TSL achieved", 31, 33, 35, 34, 35, 38]
    assert t1["F3"].comment is not None and "Published: 36" in t1["F3"].comment.text
    assert t1.freeze_panes == "B3" and t1.column_dimensions["A"].width == 44

    f = wb["App A F"]
    assert f.freeze_panes == "C3"
    assert [c.value for c in f[2]][:5] == ["KPI", "Short description", "TSL", "MSL", dt.datetime(2017, 5, 1)]
    sep = f["I3"]  # F_KPI_01, September 2017: 85.04 against 90/75, AMBER
    assert f["A3"].value == "F_KPI_01" and sep.value == pytest.approx(85.04) and sep.data_type == "n"
    assert sep.number_format == "0.00"
    assert sep.fill.start_color.rgb.endswith(FILLS[Status.AMBER])
    assert sep.comment is not None and sep.comment.text.startswith("Amber")
    assert f["E3"].fill.start_color.rgb.endswith(FILLS[Status.AMBER])  # May: 90.16 against the old 95/80
    assert f["J3"].value == pytest.approx(94.10) and f["J3"].fill.start_color.rgb.endswith(FILLS[Status.GREEN])

    csc = wb["App A CSC"]
    dna = next(r for r in csc.iter_rows(min_row=3) if r[0].value == "CSC_KPI_03")[4]
    assert dna.value == "Data Not Available" and dna.fill.start_color.rgb.endswith(FILLS[Status.RED])
    acf = wb["App A ACF"]
    mitigated = next(r for r in acf.iter_rows(min_row=3) if r[0].value == "ACF_KPI_03")
    assert mitigated[4].value == "Mitigation Agreed" and mitigated[4].fill.start_color.rgb.endswith(FILLS[Status.BLUE])
    assert mitigated[8].value == pytest.approx(74.05) and "Mitigation Agreed" in mitigated[8].comment.text

    points = wb["Table 1b Points"]
    assert [c.value for c in points[3]][:3] == [dt.datetime(2017, 5, 1), 26, pytest.approx(142.5)]
    credits = wb["Service credits"]
    row = next(r for r in credits.iter_rows(min_row=3) if r[0].value == dt.datetime(2017, 10, 1) and r[1].value == "IMT")
    assert row[6].value == pytest.approx(6400) and row[6].number_format == '"£"#,##0.00'
    results = wb["Results"]
    assert results.max_row == 2 + 41 * 6


def test_json_is_the_whole_report(report: Report) -> None:
    data = json.loads(render(report, "json"))
    assert data["from"] == "2017-05" and data["to"] == "2017-10" and data["contract_months"] == [26, 31]
    assert [t["area"] for t in data["summary"]] == ["ALL", "PM", "IMT", "CSC", "ACF", "F"]
    assert data["summary"][0]["rows"][4] == {"area": "ALL", "period": "2017-09", "tsl_achieved": 35, "msl_achieved": 3,
                                             "below_msl": 2, "mitigation": 1, "total": 41}
    assert len(data["reconciliation"]["differences"]) == 6
    f01 = next(k for d in data["appendix_a"] for k in d["kpis"] if k["kpi"] == "F_KPI_01")
    assert f01["cells"][4]["value"] == "85.04" and f01["cells"][4]["status"] == "amber"
    assert data["trend"]["headline"] == report.trend.headline()
    assert {"below_msl", "mitigations", "points", "credits", "credit_totals", "warnings", "footnotes"} <= set(data)
    assert Decimal(data["credit_totals"][1]["credit"]) == report.credit_totals[1].credit


def test_markdown_has_every_table(report: Report) -> None:
    text = render(report, "md").decode("utf-8")
    for n in (1, 2, 4, 5, 6, 7, 8, 9):
        assert f"**Table {n}:" in text
    assert "| TSL achieved | 31 | 33† (32) | 35† (34) | 34 | 35† (36) | 38 |" in text
    assert "### Part 5: Finance (Exchequer) (F)" in text and "85.04 ◐ Amber" in text
    assert "## Trend analysis of the green KPIs" in text and "## Appendix A" in text


def test_hostile_text_cannot_inject(hostile: Report) -> None:
    assert any(m.reason == HOSTILE["reason"] for m in hostile.mitigations)
    html = render(hostile, "html").decode("utf-8")
    s = parse(html)
    assert s.errors == [] and s.tags.get("script", 0) == 0 and s.tags.get("img", 0) == 0 and s.tags.get("b", 0) == 0
    assert s.tags.get("i", 0) == 0
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "onerror=alert" not in html.replace("onerror=alert(2)&gt;", "")  # only as escaped text
    assert "&lt;img src=x onerror=alert(2)&gt;" in html

    md = render(hostile, "md").decode("utf-8")
    assert "<script>" not in md and "<img" not in md and "&lt;script&gt;" in md

    data = json.loads(render(hostile, "json"))
    mitigation = next(m for m in data["mitigations"] if m["kpi"] == "IMT_KPI_04")
    assert mitigation["reason"] == HOSTILE["reason"] and mitigation["impact"] == HOSTILE["impact"]

    wb = openpyxl.load_workbook(io.BytesIO(render(hostile, "xlsx")))
    seen = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula: {cell.value!r}"
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r")), f"{ws.title}!{cell.coordinate}"
                    seen.add(cell.value)
                if cell.comment is not None:
                    assert not cell.comment.text.startswith(("=", "+", "-", "@"))
    for text in (HOSTILE["impact"], HOSTILE["path_to_green"], HOSTILE["decided_by"], "=cmd <i>title</i>"):
        assert "'" + text in seen
    assert HOSTILE["reason"] in seen  # text that is no formula is kept as it is
