"""Local formats: one module for numbers, percentages, dates and durations."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from departments.formats import (
    format_date,
    format_datetime,
    format_duration,
    format_number,
    format_percent,
    format_percent_value,
    format_signed,
)

DAY = dt.date(2026, 11, 30)


@pytest.mark.parametrize(
    ("language", "number", "percent", "date", "durations"),
    [
        ("en", "1.5", "2.7%", "30 Nov 2026", ("45 min", "3.5 h", "1.5 d")),
        ("nl", "1,5", "2,7%", "30-11-2026", ("45 min", "3,5 u", "1,5 d")),
        ("de", "1,5", "2,7 %", "30.11.2026", ("45 Min.", "3,5 h", "1,5 d")),
    ],
)
def test_each_language_writes_numbers_dates_and_durations_its_own_way(
    language, number, percent, date, durations
):
    with translation.override(language):
        assert format_number(1.5) == number
        assert format_percent(0.0271) == percent
        assert format_date(DAY) == date
        assert tuple(format_duration(m) for m in (45, 210, 720)) == durations


def test_numbers_drop_trailing_zeros_and_never_show_minus_zero():
    with translation.override("nl"):
        assert format_number(2.0) == "2"
        assert format_number(-0.04) == "0"
        assert format_number(1.50, 2) == "1,5"
        assert format_number(123.456, 0) == "123"


def test_unknown_values_show_a_dash():
    for formatted in (
        format_percent(None),
        format_percent(float("nan")),
        format_percent_value(None),
        format_date(None),
        format_datetime(None),
        format_duration(None),
    ):
        assert formatted == "—"


def test_a_percent_value_and_a_signed_score():
    with translation.override("de"):
        assert format_percent_value(95, 0) == "95 %"
    assert format_signed(2) == "+2" and format_signed(0) == "0" and format_signed(-1) == "−1"


def test_a_moment_is_shown_in_local_time(settings):
    settings.TIME_ZONE = "Europe/Amsterdam"
    moment = dt.datetime(2026, 11, 30, 13, 5, tzinfo=dt.UTC)
    with translation.override("de"):
        assert format_datetime(moment) == "30.11.2026 14:05"
    with translation.override("nl"):
        assert format_datetime(moment) == "30-11-2026 14:05"


def test_long_durations_are_whole_working_days():
    with translation.override("de"):
        assert format_duration(480 * 123.4) == "123 d"
        assert format_duration(450, working_day_minutes=450) == "1 d"
