"""The raw datasets the IMT measures read (``docs/measures.md``), and their checks for valid-but-odd records.

The shared ``surveys`` dataset (IMT_KPI_12 reads its ``it_incident`` responses) is declared by the core, not here.

Timestamps are naive local UK time; a nullable completion column (``resolved_at``, ``fulfilled_at``,
``applied_at``, ``patched_on``, ``ended_at``) is empty while the record is still open.
"""

from __future__ import annotations

from typing import Final

import polars as pl
from csskpi.plugin import ROW_COLUMN, Column, ColumnKind, DatasetSpec, Finding, finding_for

__all__ = [
    "PRIORITIES",
    "OUTCOMES",
    "OUTAGES",
    "INCIDENTS",
    "SERVICE_REQUESTS",
    "CMDB_CHANGES",
    "MILESTONES",
    "APP_RESPONSE",
    "PATCHING",
    "DATASETS",
]

PRIORITIES: Final = ("P1", "P2", "P3", "P4")
OUTCOMES: Final = ("met", "exception", "fail", "excluded")


def _in_source_order(frame: pl.DataFrame) -> pl.DataFrame:
    # A findings hook's frame carries each row's source number: name the first odd record in the file.
    return frame.sort(ROW_COLUMN) if ROW_COLUMN in frame.columns else frame


def _outage_findings(frame: pl.DataFrame) -> list[Finding]:
    ordered = frame.sort("service", "started_at")
    # An outage that starts before an earlier outage of the same service has ended (an ongoing one never ends).
    reach = pl.col("ended_at").fill_null(pl.datetime(9999, 12, 31)).cum_max().shift(1).over("service")
    overlapping = _in_source_order(ordered.filter(pl.col("started_at") < reach))
    return (
        finding_for(
            overlapping,
            "outage overlaps an earlier outage of the same service: the time they share is counted once",
            column="started_at",
        )
        + finding_for(
            frame.filter(pl.col("ended_at").is_null()),
            "outage has no end (still ongoing): counted as lasting to the end of every month measured",
            column="ended_at",
        )
        + finding_for(
            frame.filter(pl.col("ended_at") == pl.col("started_at")),
            "outage ends when it starts: it counts no time",
            column="ended_at",
        )
    )


def _service_request_findings(frame: pl.DataFrame) -> list[Finding]:
    return finding_for(
        frame.filter(pl.col("target_hours") <= 0),
        "target_hours is zero or negative: the deadline is taken as the moment the clock starts (0 hours)",
        column="target_hours",
    )


def _app_response_findings(frame: pl.DataFrame) -> list[Finding]:
    return finding_for(
        frame.filter(pl.col("response_ms") < 0),
        "negative response time: the sample counts as meeting any non-negative requirement",
        column="response_ms",
    ) + finding_for(
        frame.filter(pl.col("required_ms") <= 0),
        "required response time is zero or negative: only an impossible response could meet it",
        column="required_ms",
    )


def _patching_findings(frame: pl.DataFrame) -> list[Finding]:
    repeated = _in_source_order(frame.filter(pl.len().over("device_id", "update_released_on") > 1))
    return finding_for(
        repeated,
        "the same device and update release appear more than once: each row counts as a device",
        column="device_id",
    )


OUTAGES: Final = DatasetSpec(
    name="outages",
    columns=(
        Column("outage_id", ColumnKind.STR, description="unique per outage"),
        Column(
            "service",
            ColumnKind.STR,
            description="what was unavailable: service_desk (IMT_KPI_01) or an application, e.g. mosaic (IMT_KPI_07)",
        ),
        Column("started_at", ColumnKind.DATETIME, description="when the service became unavailable"),
        Column("ended_at", ColumnKind.DATETIME, nullable=True, description="when it was restored; empty if ongoing"),
    ),
    id_column="outage_id",
    ordered=(("started_at", "ended_at"),),
    description="Outages of the Service Desk and of applications and services (IMT_KPI_01, IMT_KPI_07)",
    findings=_outage_findings,
)

INCIDENTS: Final = DatasetSpec(
    name="incidents",
    columns=(
        Column("incident_id", ColumnKind.STR, description="unique per incident"),
        Column("priority", ColumnKind.ENUM, values=PRIORITIES, description="P1 (highest) to P4"),
        Column("vip", ColumnKind.BOOL, description="raised by or for a VIP user"),
        Column("opened_at", ColumnKind.DATETIME, description="when the incident was logged"),
        Column("resolved_at", ColumnKind.DATETIME, nullable=True, description="when it was resolved; empty if open"),
    ),
    id_column="incident_id",
    ordered=(("opened_at", "resolved_at"),),
    description="Incidents logged with the Service Desk (IMT_KPI_02 to IMT_KPI_06)",
)

SERVICE_REQUESTS: Final = DatasetSpec(
    name="service_requests",
    columns=(
        Column("request_id", ColumnKind.STR, description="unique per service request"),
        Column("opened_at", ColumnKind.DATETIME, description="when the request was logged"),
        Column("fulfilled_at", ColumnKind.DATETIME, nullable=True, description="when fulfilled; empty if open"),
        Column(
            "target_hours",
            ColumnKind.DECIMAL,
            description="the request type's fulfilment time, in Core Support Hours (e.g. 8, 16, 40, 7.5)",
        ),
    ),
    id_column="request_id",
    ordered=(("opened_at", "fulfilled_at"),),
    description="Service requests and their fulfilment targets (IMT_KPI_09)",
    findings=_service_request_findings,
)

CMDB_CHANGES: Final = DatasetSpec(
    name="cmdb_changes",
    columns=(
        Column("change_id", ColumnKind.STR, description="unique per move or change"),
        Column("changed_at", ColumnKind.DATETIME, description="when the move or change took place"),
        Column(
            "applied_at", ColumnKind.DATETIME, nullable=True, description="when the CMDB was updated; empty if not yet"
        ),
    ),
    id_column="change_id",
    ordered=(("changed_at", "applied_at"),),
    description="Moves and changes and when the CMDB recorded them (IMT_KPI_10)",
)

MILESTONES: Final = DatasetSpec(
    name="milestones",
    columns=(
        Column("milestone_id", ColumnKind.STR, description="unique per milestone"),
        Column("project", ColumnKind.STR, description="the project the milestone belongs to"),
        Column("due_on", ColumnKind.DATE, description="the milestone's due date: its month"),
        Column("outcome", ColumnKind.ENUM, values=OUTCOMES, description="met, exception (agreed), fail or excluded"),
    ),
    id_column="milestone_id",
    description="Project milestones and their outcome (IMT_KPI_11)",
)

APP_RESPONSE: Final = DatasetSpec(
    name="app_response",
    columns=(
        Column("sample_id", ColumnKind.STR, description="unique per measured activity"),
        Column("application", ColumnKind.STR, description="the monitored application"),
        Column("activity", ColumnKind.STR, description="the user activity timed, e.g. login"),
        Column("measured_at", ColumnKind.DATETIME, description="when the sample was taken: its month"),
        Column("response_ms", ColumnKind.INT, description="the measured response time, milliseconds"),
        Column("required_ms", ColumnKind.INT, description="the required response time of the activity, milliseconds"),
    ),
    id_column="sample_id",
    description="Response-time samples of user activities in monitored applications (IMT_KPI_13)",
    findings=_app_response_findings,
)

PATCHING: Final = DatasetSpec(
    name="patching",
    columns=(
        Column("device_id", ColumnKind.STR, description="the device; one row per device and update release"),
        Column("os", ColumnKind.STR, description="operating system, e.g. windows, macos, linux"),
        Column("update_released_on", ColumnKind.DATE, description="when the update was released"),
        Column("patched_on", ColumnKind.DATE, nullable=True, description="when the device was patched; empty if not"),
    ),
    ordered=(("update_released_on", "patched_on"),),
    description="Security update status of each device for each update release (IMT_KPI_14)",
    findings=_patching_findings,
)

DATASETS: Final = (OUTAGES, INCIDENTS, SERVICE_REQUESTS, CMDB_CHANGES, MILESTONES, APP_RESPONSE, PATCHING)
