"""The screener's classification memo is keyed by catalogue period, not by day: same results as classifying afresh."""

from __future__ import annotations

import datetime as dt

import pytest

from dualuse.decision.screen import Screener

# 1C909 is suspended 2025-11-07 .. 2026-11-10 (MOFCOM announcement data); the other lines are everyday goods,
# an HS code under a listed heading and a description of a listed item.
LINES = [
    ("1C909", None, "rare earth item"),
    (None, "2805301910", "samarium metal"),
    (None, "940161", "upholstered wooden chairs"),
    (None, None, "samarium cobalt permanent magnets"),
]
DAYS = [dt.date(2026, 3, 1), dt.date(2026, 3, 2), dt.date(2026, 11, 9), dt.date(2026, 11, 10), dt.date(2026, 12, 1)]


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener()


def test_memoised_results_equal_fresh_ones_on_every_day(screener):
    for code, hs, text in LINES:
        for day in DAYS:
            memoised = screener._classify(code, hs, day, text, None)
            fresh = screener.catalogue.classify(code, hs, day, description=text, parameters={}, search=screener.search)
            assert memoised == fresh, (code, hs, text, day)


def test_a_result_that_writes_its_day_is_made_again_for_another_day(screener):
    first = screener._classify("1C909", None, dt.date(2026, 3, 1), "rare earth item", None)
    second = screener._classify("1C909", None, dt.date(2026, 3, 2), "rare earth item", None)
    assert first.status == second.status == "not_controlled"
    assert "2026-03-01" in first.explanation and "2026-03-02" in second.explanation


def test_a_result_without_its_day_is_reused_within_a_period_and_not_across_a_suspension_end(screener):
    before = screener._classify(None, "940161", dt.date(2026, 3, 1), "upholstered wooden chairs", None)
    assert screener._classify(None, "940161", dt.date(2026, 3, 2), "upholstered wooden chairs", None) is before
    assert screener._period(dt.date(2026, 11, 9)) != screener._period(dt.date(2026, 11, 10))  # the suspension ends
    assert screener._period(dt.date(2026, 3, 1)) == screener._period(dt.date(2026, 3, 2))
