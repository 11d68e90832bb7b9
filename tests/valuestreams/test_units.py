"""Friendly durations for times stored in minutes."""

from __future__ import annotations

from valuestreams.units import format_minutes


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
