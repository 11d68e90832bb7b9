"""Where a KPI stands, computed from its readings (pure: plain numbers in, a status out)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import models
from django.utils.translation import gettext_lazy as _


class KPIStatus(models.TextChoices):
    """A KPI's status, from its readings against its baseline and target."""

    NO_DATA = "no_data", _("No readings yet")
    ACHIEVED = "achieved", _("Target reached")
    ON_TRACK = "on_track", _("Improving")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")


def kpi_status(
    *, direction: str, baseline: float, target: float, values: Sequence[float]
) -> KPIStatus:
    """The status of a KPI whose readings, oldest first, are `values`.

    - no readings: NO_DATA;
    - the latest reading reaches the target (in the KPI's direction): ACHIEVED;
    - the latest is no better than the baseline: OFF_TRACK;
    - the latest is worse than the reading before it: AT_RISK;
    - otherwise (better than the baseline and not slipping): ON_TRACK.
    """
    if not values:
        return KPIStatus.NO_DATA
    sign = 1.0 if direction == "higher" else -1.0
    latest = values[-1]
    if sign * (latest - target) >= 0:
        return KPIStatus.ACHIEVED
    if sign * (latest - baseline) <= 0:
        return KPIStatus.OFF_TRACK
    if len(values) > 1 and sign * (latest - values[-2]) < 0:
        return KPIStatus.AT_RISK
    return KPIStatus.ON_TRACK
