"""Friendly durations for times stored in minutes, and times typed with units."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from valuestreams.units import DurationError, format_minutes, minutes_as_input, parse_duration


def test_it_shows_minutes_below_an_hour():
    assert format_minutes(45) == "45 min"
    assert format_minutes(7.5) == "7.5 min"
    assert format_minutes(0) == "0 min"


def test_it_shows_hours_below_a_working_day():
    assert format_minutes(60) == "1 h"
    assert format_minutes(210) == "3.5 h"


def test_it_shows_working_days_from_one_working_day_on():
    assert format_minutes(480) == "1 d"
    assert format_minutes(960) == "2 d"
    assert format_minutes(1008) == "2.1 d"


def test_it_counts_days_in_the_maps_working_day():
    assert format_minutes(450, working_day_minutes=450) == "1 d"
    assert format_minutes(900, working_day_minutes=450) == "2 d"
    assert format_minutes(450) == "7.5 h"


def test_it_rounds_large_values_to_whole_numbers():
    assert format_minutes(480 * 123.4) == "123 d"


def test_it_shows_a_dash_for_an_unknown_time():
    assert format_minutes(None) == "—"
    assert format_minutes(float("nan")) == "—"


# -- Typed times: parse_duration and minutes_as_input ----------------------------------


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [
        ("2d", 960),
        ("3h", 180),
        ("45m", 45),
        ("1.5 d", 720),
        ("1,5 d", 720),
        ("2880", 2880),  # a plain number is minutes, never days
        ("30", 30),
        ("1d 4h", 720),
        ("2 dagen", 960),
        ("3 Stunden", 180),
        ("1.5h", 90),
        ("", None),
        ("   ", None),
    ],
)
def test_typed_times_read_as_minutes(typed, minutes):
    assert parse_duration(typed) == minutes


def test_a_day_is_the_workspaces_working_day():
    assert parse_duration("1d", working_day_minutes=450) == 450
    assert parse_duration("2 d", working_day_minutes=360) == 720


@pytest.mark.parametrize("typed", ["soon", "3 weeks", "nan", "inf", "1e999", "2d!", "d", "--3"])
def test_what_is_not_a_time_is_refused(typed):
    with pytest.raises(DurationError):
        parse_duration(typed)


def test_stored_minutes_show_in_the_largest_unit_that_fits_exactly():
    assert minutes_as_input(960) == "2d"
    assert minutes_as_input(720) == "1.5d"
    assert minutes_as_input(90) == "1.5h"
    assert minutes_as_input(45) == "45m"
    assert minutes_as_input(2880) == "6d"
    assert minutes_as_input(2880, working_day_minutes=1440) == "2d"
    assert minutes_as_input(61) == "61m"
    assert minutes_as_input(None) == ""


@given(
    minutes=st.one_of(
        st.integers(min_value=0, max_value=5_256_000),
        st.decimals(min_value=0, max_value=100_000, places=3).map(float),
    ),
    day=st.integers(min_value=1, max_value=1440),
)
def test_what_a_time_field_shows_reads_back_as_the_same_minutes(minutes, day):
    shown = minutes_as_input(minutes, day)
    assert parse_duration(shown, day) == pytest.approx(minutes, rel=1e-9, abs=1e-6)
