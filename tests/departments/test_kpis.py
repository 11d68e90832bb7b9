"""A KPI's status from its readings."""

from __future__ import annotations

import pytest

from departments.kpis import KPIStatus, kpi_status


@pytest.mark.parametrize(
    ("direction", "values", "expected"),
    [
        ("lower", [], KPIStatus.NO_DATA),
        ("lower", [32, 12], KPIStatus.ACHIEVED),
        ("lower", [32, 10], KPIStatus.ACHIEVED),
        ("lower", [32, 33], KPIStatus.OFF_TRACK),
        ("lower", [32], KPIStatus.OFF_TRACK),
        ("lower", [32, 20, 25], KPIStatus.AT_RISK),
        ("lower", [32, 25, 20], KPIStatus.ON_TRACK),
        ("higher", [45, 95], KPIStatus.ACHIEVED),
        ("higher", [45, 70, 61], KPIStatus.AT_RISK),
        ("higher", [45, 61, 70], KPIStatus.ON_TRACK),
        ("higher", [45, 40], KPIStatus.OFF_TRACK),
    ],
)
def test_the_status_follows_the_latest_readings(direction, values, expected) -> None:
    baseline, target = (32, 12) if direction == "lower" else (45, 95)

    assert (
        kpi_status(direction=direction, baseline=baseline, target=target, values=values) == expected
    )
