"""The Excel workbook's working features (filters, dates, names, totals, rounding, print setup, native charts) and
the Word committee paper, each reopened and read back."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import docx
import openpyxl
import pytest

from csskpi.errors import InputError
from csskpi.model.result import Status
from csskpi.report import Report, render, write_report
from csskpi.report.text import FILLS
from csskpi.report.xlsxkit import rounded, sheet_name

from .report_pages import six_month_report, twelve_month_report


@pytest.fixture(scope="module")
def report() -> Report:
    return six_month_report()


@pytest.fixture(scope="module")
def workbook(report: Report) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(render(report, "xlsx")))


def test_sheet_names_are_cut_at_a_word() -> None:
    name = sheet_name("App C Payroll contacts received by Serco (May 2017 - Oct 2017), as at 27 Nov 2017", [])
    assert name == "App C Payroll contacts received" and len(name) <= 31
    assert sheet_name("Table 1 ALL", ["Table 1 ALL"]) == "Table 1 ALL (2)"
    assert sheet_name("a/b:c*d?[e]", []) == "a b c d e"
    assert len(sheet_name("x" * 40, [])) == 31


def test_long_sheets_filter_and_print(workbook: openpyxl.Workbook) -> None:
    for name in ("Results", "Table 8 Below MSL", "Table 9 Mitigation", "Table 1b Points", "Service credits", "Warnings",
                 "Trend", "Reconciliation"):
        ws = workbook[name]
        assert ws.auto_filter.ref is not None and ws.auto_filter.ref.startswith("A2:"), name
    results = workbook["Results"]
    assert results.auto_filter.ref == f"A2:J{2 + 41 * 6}"
    for ws in workbook.worksheets[1:]:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0 and ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows == "$1:$2"


def test_months_are_dates_and_figures_as_shown(workbook: openpyxl.Workbook, report: Report) -> None:
    results = workbook["Results"]
    first = [c for c in results[3]]
    assert first[0].value == dt.datetime(2017, 5, 1) and first[0].number_format == "mmm-yy"
    assert isinstance(first[3].value, float) and first[3].number_format == "0.00"
    for row in results.iter_rows(min_row=3, values_only=True):
        if isinstance(row[3], float):
            assert round(row[3], 2) == row[3]
    assert rounded(Decimal("99.955")) == Decimal("99.96") and rounded(Decimal("2.5"), 0) == Decimal(3)
    trend = workbook["Trend"]
    for row in trend.iter_rows(min_row=3, max_row=2 + len(report.trend.rows), values_only=True):
        assert row[4] == 0 or str(row[4]) != "-0.0"  # never a negative zero slope
        assert round(row[4], 3) == row[4]


def test_service_credits_have_a_totals_row(workbook: openpyxl.Workbook, report: Report) -> None:
    ws = workbook["Service credits"]
    last = [c.value for c in ws[ws.max_row]]
    assert last[0] == "Total" and ws.cell(ws.max_row, 1).font.bold
    assert Decimal(str(last[6])) == sum((a.credit for a in report.credits), Decimal(0))
    assert ws.auto_filter.ref == f"A2:H{ws.max_row - 1}"  # the total stays out of the filtered list


def test_native_charts_of_status_and_points(report: Report) -> None:
    with zipfile.ZipFile(io.BytesIO(render(report, "xlsx"))) as z:
        charts = [z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 2 and all("<barChart>" in c for c in charts)
    status = next(c for c in charts if "'Table 1 ALL'" in c)
    assert '<grouping val="stacked"/>' in status and "'Table 1 ALL'!$B$3:$G$3" in status
    points = next(c for c in charts if "'Table 1b Points'" in c)
    assert "'Table 1b Points'!$C$3:$C$8" in points


def test_word_committee_paper_reads_back(report: Report) -> None:
    doc = docx.Document(io.BytesIO(render(report, "docx")))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    order = ["Summary", "Actions Required", "1. Abbreviations", "2. Background", "3. Performance",
             "4. People Management (PM)", "5. Information Management and Technology (IMT)",
             "6. Customer Service Centre (CSC)", "7. Adult Care Finance (ACF)", "8. Finance (Exchequer) (F)",
             "9. KPI performance failure - effect on council services", "10. KPIs granted mitigation relief",
             "11. KPI performance overview", "12. Reconciliation with the record", "13. IT projects", "14. Conclusion"]
    assert [h for h in headings if h in order] == order
    captions = [p.text for p in doc.paragraphs if p.style.name == "Caption"]
    numbered = [c.split(":")[0] for c in captions if c.startswith("Table ")]
    assert numbered == ["Table 1", "Table 1b", "Table 2", "Table 4", "Table 5", "Table 6", "Table 7", "Table 8", "Table 9"]
    tables = {c: t for c, t in zip(captions, doc.tables, strict=True)}
    t1 = tables["Table 1: Overall KPI Summary Performance"]
    assert [c.text for c in t1.rows[0].cells][1:] == [p.label for p in report.periods]
    assert [c.text for c in t1.rows[1].cells] == ["TSL achieved", "31", "33 † (published 32)", "35 † (published 34)", "34",
                                                  "35 † (published 36)", "38"]
    assert t1.rows[0]._tr.trPr.find(docx.oxml.ns.qn("w:tblHeader")) is not None  # header repeated on each page
    t8 = next(t for c, t in tables.items() if c.startswith("Table 8"))
    sep = next(r for r in t8.rows if r.cells[0].text == "CSC_KPI_04 (Sep-17)")
    assert sep.cells[2].text.startswith("A high volume of abandoned calls") and "80.00 points" in sep.cells[4].text
    f = tables["Part 5 - Finance (Exchequer) (F): detailed performance results"]
    cell = f.rows[1].cells[4 + 4]  # F_KPI_01, September 2017
    assert cell.text == "85.04 ◐ Amber"
    shading = cell._tc.tcPr.find(docx.oxml.ns.qn("w:shd"))
    assert shading is not None and shading.get(docx.oxml.ns.qn("w:fill")) == FILLS[Status.AMBER]
    assert doc.sections[-1].orientation == docx.enum.section.WD_ORIENT.LANDSCAPE
    assert any("milestones" in c for c in captions)


def test_word_with_a_suspension_and_no_commentary() -> None:
    report = twelve_month_report()
    doc = docx.Document(io.BytesIO(render(report, "docx")))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Not given in the commentary." in text and report.trend.headline() in text
    assert len(doc.tables) >= 10


def test_written_whole_never_through_a_link(report: Report, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("keep me", encoding="utf-8")
    link = tmp_path / "report.docx"
    link.symlink_to(elsewhere)
    write_report(report, "docx", link)
    assert elsewhere.read_text(encoding="utf-8") == "keep me"  # the link is replaced, its target untouched
    assert not link.is_symlink() and docx.Document(str(link)).tables
    assert sorted(p.name for p in tmp_path.iterdir()) == ["elsewhere.txt", "report.docx"]  # no partial file left
    with pytest.raises(InputError, match="cannot write the report"):
        write_report(report, "md", tmp_path / "missing" / "r.md")
