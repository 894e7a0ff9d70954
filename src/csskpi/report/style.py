"""The HTML report's stylesheet, inlined in the page: readable on a phone, printable to A4, colour never alone."""

from __future__ import annotations

from csskpi.model.result import Status
from csskpi.report.text import FILLS, INKS

__all__ = ["CSS"]

_STATUS_RULES = "\n".join(
    f".st-{s.value} {{ background: #{FILLS[s]}; color: #{INKS[s]}; }}" for s in Status
)

CSS = """
:root { --ink: #1b2430; --muted: #56606b; --rule: #d5dae0; --band: #f4f6f8; --accent: #1F4E79; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0; font: 15px/1.5 "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", "DejaVu Sans", sans-serif;
       color: var(--ink); background: #fff; }
main, header.cover, nav.toc, footer { max-width: 1180px; margin: 0 auto; padding: 0 20px; }
header.cover { padding-top: 28px; padding-bottom: 18px; border-bottom: 4px solid var(--accent); }
.kicker { margin: 0; color: var(--muted); font-size: 13px; letter-spacing: .04em; text-transform: uppercase; }
h1 { margin: 6px 0 6px; font-size: 28px; line-height: 1.2; color: var(--accent); }
h2 { margin: 36px 0 10px; font-size: 22px; color: var(--accent); border-bottom: 1px solid var(--rule); padding-bottom: 4px; }
h3 { margin: 24px 0 8px; font-size: 17px; }
p.sub { margin: 0 0 4px; font-size: 16px; }
p.meta, .note, figcaption, .small { color: var(--muted); font-size: 13px; }
nav.toc { padding-top: 10px; padding-bottom: 10px; font-size: 14px; }
nav.toc ol { margin: 0; padding-left: 20px; columns: 2 220px; }
nav.toc a { color: var(--accent); }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 10px; margin: 16px 0; }
.card { border: 1px solid var(--rule); border-radius: 6px; padding: 10px 12px; background: var(--band); }
.card .big { display: block; font-size: 24px; font-weight: 600; line-height: 1.2; }
.card .lbl { font-size: 13px; color: var(--muted); }
.scroll { position: relative; overflow-x: auto; -webkit-overflow-scrolling: touch; margin: 8px 0 4px; border: 1px solid var(--rule); border-radius: 4px; }
.scroll:focus { outline: 2px solid var(--accent); }
table { border-collapse: collapse; width: 100%; font-size: 14px; font-variant-numeric: tabular-nums; }
table.compact { width: auto; min-width: 50%; }
table.detail { table-layout: auto; }
table.detail td.kpi { min-width: 15em; }
table.detail td.st, table.detail td.blank { min-width: 5.6em; }
table.detail td.spark { width: 140px; min-width: 140px; }
table.detail td.kpi, table.detail thead th:first-child { position: sticky; left: 0; z-index: 1; background: #fff;
  box-shadow: 1px 0 0 var(--rule); }
table.detail thead th:first-child { background: #e9edf2; }
caption { caption-side: top; text-align: left; font-weight: 600; padding: 8px 10px; background: var(--band);
          border-bottom: 1px solid var(--rule); }
th, td { padding: 5px 8px; border-bottom: 1px solid var(--rule); vertical-align: top; text-align: left; }
thead th { background: #e9edf2; font-weight: 600; white-space: nowrap; }
thead th:first-child { white-space: normal; min-width: 12em; }
td.num, th.num { text-align: right; white-space: nowrap; }
td.kpi { min-width: 13em; max-width: 24em; }
.ref { font-weight: 600; white-space: nowrap; }
td.kpi .desc { display: block; font-size: 12px; color: var(--muted); line-height: 1.35; }
td.tgt { white-space: normal; }
td.st { text-align: right; font-weight: 600; }
td.st .v { display: block; white-space: nowrap; }
td.st .w { display: block; font-size: 11px; font-weight: 500; white-space: normal; line-height: 1.25; }
td.long { min-width: 16em; }
td.st .sym { font-size: 11px; margin-left: 3px; }
td.retired { color: var(--muted); font-style: italic; text-align: center; background: #fafbfc; }
td.blank { color: var(--muted); text-align: center; }
tr.total td, tr.total th { font-weight: 700; border-top: 2px solid #9aa4ae; }
sup.fn, .mark { font-size: 11px; color: var(--accent); font-weight: 700; margin-left: 2px; }
.diff { background: #fff1c9; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 14px; margin: 8px 0; padding: 0; list-style: none; font-size: 13px; }
.legend li { display: inline-flex; align-items: center; gap: 6px; }
.legend .chip { display: inline-block; min-width: 26px; padding: 1px 6px; border-radius: 3px; text-align: center; font-weight: 700; }
ol.notes { font-size: 13px; padding-left: 4px; list-style: none; }
ol.notes li { margin-bottom: 6px; }
.warn { border-left: 4px solid #C55A11; background: #fdf3ec; padding: 8px 12px; margin: 6px 0; }
.ok { border-left: 4px solid #1E6B34; background: #eef8f0; padding: 8px 12px; margin: 6px 0; }
.headline { font-size: 17px; font-weight: 600; }
figure { margin: 12px 0; }
svg.chart { width: 100%; height: auto; max-width: 900px; display: block; }
svg.spark { width: 132px; height: 40px; display: block; }
svg text { font-family: inherit; fill: #333; }
svg text.tick { font-size: 11px; fill: #4a545e; }
svg text.val { font-size: 11px; font-weight: 600; }
svg text.lab { font-size: 13px; }
.free { white-space: pre-line; }
.sr { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); border: 0; }
footer { margin-top: 40px; padding-top: 12px; padding-bottom: 30px; border-top: 1px solid var(--rule); color: var(--muted); font-size: 12px; }
@media (max-width: 640px) {
  body { font-size: 14px; }
  main, header.cover, nav.toc, footer { padding: 0 12px; }
  h1 { font-size: 22px; }
  h2 { font-size: 19px; }
  table { font-size: 13px; }
  th, td { padding: 4px 6px; }
  td.kpi { min-width: 7.5em; }
  table.detail td.kpi { min-width: 7.5em; }
  td.kpi .desc { display: none; }
  td.long { min-width: 17em; }
  td.retired { text-align: left; }
  figure { overflow-x: auto; }
  svg.chart { min-width: 600px; }
  td.kpi, table.summary tbody th { position: sticky; left: 0; z-index: 1; background: #fff; box-shadow: 1px 0 0 var(--rule); }
  thead th:first-child { white-space: normal; min-width: 9em; }
  nav.toc ol { columns: 1; }
}
@page { size: A4; margin: 14mm 11mm 14mm 11mm; }
@media print {
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { font-size: 9.5pt; }
  main, header.cover, footer { max-width: none; padding: 0; }
  nav.toc { display: none; }
  h1 { font-size: 18pt; }
  h2 { font-size: 13pt; margin-top: 14pt; break-after: avoid; }
  h3 { font-size: 11pt; break-after: avoid; }
  section.part { break-before: page; }
  .scroll { overflow: visible; border: 0; }
  table { font-size: 7.5pt; }
  th, td { padding: 2px 4px; }
  td.kpi { max-width: 17em; }
  td.kpi .desc { font-size: 6.5pt; }
  table.detail td.kpi { min-width: 0; }
  table.detail td.spark { width: 28mm; min-width: 28mm; }
  figure { overflow: visible; }
  td.st .w { font-size: 6.5pt; }
  thead { display: table-header-group; }
  tr, figure, .card, .warn, .ok { break-inside: avoid; }
  svg.chart { max-width: 170mm; }
  svg.spark { width: 26mm; height: 8mm; }
  a { color: inherit; text-decoration: none; }
}
""" + _STATUS_RULES + "\n"
