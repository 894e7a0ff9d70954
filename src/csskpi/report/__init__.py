"""The scrutiny report: the council's monthly performance report, generated (``docs/report.md``).

::

    from csskpi.files.commentary import read_commentary
    from csskpi.report import build_report, with_commentary, write_report

    assessment = csskpi.assess(contract, measurements, decisions, published=rows, source="dec2017-report")
    report = build_report(assessment, start="2017-05", end="2017-10")
    report = with_commentary(report, read_commentary("commentary.toml", contract))   # optional: the council's words
    write_report(report, "html", "report.html")      # also "xlsx", "md", "json", "docx"

:func:`build_report` makes a :class:`Report` (frozen) from an assessment; :func:`render` turns it into the
bytes of a format, :func:`write_report` writes them to a file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from csskpi._lazy import lazy_names

if TYPE_CHECKING:  # imported on first use (csskpi._lazy): ``csskpi.report.output`` alone stays cheap
    from csskpi.report.build import build_report
    from csskpi.report.commentary import with_commentary
    from csskpi.report.model import (
        AreaCreditTotal,
        AreaDetail,
        Cell,
        Failure,
        Footnote,
        KPIRow,
        MitigationEntry,
        PointsMonth,
        Report,
        SummaryTable,
        SuspensionEntry,
    )
    from csskpi.report.output import FORMATS, render, write_report
    from csskpi.report.trend import TrendAnalysis, TrendClass, TrendRow, analyse_trends

__all__ = [
    "FORMATS",
    "AreaCreditTotal",
    "AreaDetail",
    "Cell",
    "Failure",
    "Footnote",
    "KPIRow",
    "MitigationEntry",
    "PointsMonth",
    "Report",
    "SummaryTable",
    "SuspensionEntry",
    "TrendAnalysis",
    "TrendClass",
    "TrendRow",
    "analyse_trends",
    "build_report",
    "render",
    "with_commentary",
    "write_report",
]

_HOME = {
    "build_report": "csskpi.report.build",
    "with_commentary": "csskpi.report.commentary",
    **dict.fromkeys(
        ("AreaCreditTotal", "AreaDetail", "Cell", "Failure", "Footnote", "KPIRow", "MitigationEntry", "PointsMonth",
         "Report", "SummaryTable", "SuspensionEntry"),
        "csskpi.report.model",
    ),
    **dict.fromkeys(("FORMATS", "render", "write_report"), "csskpi.report.output"),
    **dict.fromkeys(("TrendAnalysis", "TrendClass", "TrendRow", "analyse_trends"), "csskpi.report.trend"),
}

__getattr__, __dir__ = lazy_names(__name__, globals(), _HOME)
