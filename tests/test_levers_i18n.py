"""Levers -> scenario, URL parameters, and Dutch/English number formatting."""

from __future__ import annotations

import numpy as np
import pytest

from simulator import charts, i18n
from simulator.i18n import euro, euro_delta, number, percent, signed
from simulator.levers import (
    WORKSHOP_POLICY,
    apply_levers,
    default_levers,
    describe_changes,
    from_params,
    to_params,
)


def test_unchanged_levers_leave_the_scenario_as_it_is(example):
    assert apply_levers(example, default_levers(example)) == example


def test_changed_levers_become_one_workshop_policy(example):
    levers = default_levers(example)
    levers.inflow_change["jzplus"] = -0.05
    levers.stay_months["jzplus"] = 2.5
    levers.escalation_change["foster"] = -0.3
    levers.capacity_target["jzplus"] = 30
    changed = apply_levers(example, levers)
    policy = changed.policies[-1]
    assert policy.name == WORKSHOP_POLICY and policy.start == "2022-01"
    assert policy.inflow_change_per_year == {"jzplus": -0.05}
    assert policy.stay_factor == {"jzplus": pytest.approx(0.5)}
    assert policy.escalation_factor == {"foster": pytest.approx(0.7)}
    assert policy.capacity == {"jzplus": 30}
    assert changed.care_types["jzplus"].capacity == {2021: 57}
    assert changed.policies[:-1] == example.policies


def test_url_parameters_round_trip_and_reject_nonsense(example):
    levers = default_levers(example)
    levers.inflow_change["jzplus"] = -0.1
    levers.capacity_start["jzplus"] = 50
    assert from_params(example, to_params(levers)) == levers
    odd = from_params(example, {"inflow.jzplus": "-500", "stay.jzplus": "nan", "years": "x", "unknown": "1"})
    assert odd == default_levers(example)


@pytest.mark.parametrize(
    "value, lang, decimals, text",
    [
        (1234.5, "nl", 1, "1.234,5"),
        (1234.5, "en", 1, "1,234.5"),
        (0.25, "nl", 2, "0,25"),
        (1_000_000, "nl", 0, "1.000.000"),
        (-1234.56, "nl", 1, "-1.234,6"),
        (-0.04, "nl", 1, "0,0"),  # no negative zero
        (np.int64(43), "en", 0, "43"),  # numpy's numbers, as the tables hold them
        (np.float64(2.5), "nl", 2, "2,50"),
        (float("nan"), "nl", 1, "–"),
    ],
)
def test_numbers_follow_the_language(value, lang, decimals, text):
    assert number(value, lang, decimals) == text


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_one_source_of_number_signs_for_text_charts_and_spreadsheets(lang):
    """The decimal and grouping signs come from Babel's CLDR data, and the charts' number
    locale and the CSV downloads use the same ones as the text."""
    from babel.numbers import format_decimal

    assert number(1234567.25, lang, 2) == format_decimal(
        1234567.25, format="#,##0.00", locale=i18n.locale(lang)
    )
    signs = charts._locale(lang)["number"]
    assert number(1234.5, lang, 1) == f"1{signs['thousands']}234{signs['decimal']}5"
    assert i18n.decimal_sign(lang) == {"nl": ",", "en": "."}[lang]
    assert percent(0.95, lang) == "95%" and percent(0.123, lang, 1) == f"12{signs['decimal']}3%"


def test_money_and_signs():
    assert euro(1_234_567, "nl") == "€ 1,2 mln"
    assert euro(1_234_567, "en") == "€ 1.2 mln"
    assert euro(850_000, "nl") == "€ 850.000"
    assert euro(-2_500_000, "nl") == "-€ 2,5 mln"
    assert signed(-2, "nl") == "-2" and signed(3.5, "nl", 1) == "+3,5" and signed(0, "nl") == "±0"
    # No negative zero; a change of money in the unit of the amount it changes.
    assert signed(-0.04, "nl", 1) == "±0,0" and euro(-0.3, "nl") == "€ 0"
    assert euro_delta(-52_873, 66_000_000, "nl") == "-€ 0,05 mln"
    assert euro_delta(1_250_000, 66_000_000, "en") == "+€ 1.25 mln"
    assert euro_delta(-1_000, 66_000_000, "nl") == "±€ 0,00 mln"
    assert euro_delta(-52_873, 800_000, "nl") == "-€ 52.873"


def test_changed_levers_are_described_in_words_in_both_languages(example):
    """What the workshop shows as "Gewijzigd" and writes into a saved copy's name and
    description: every lever that differs from the scenario, with its old and new value;
    nothing for unchanged levers."""
    defaults = default_levers(example)
    assert describe_changes(example, defaults) == []
    params = to_params(defaults)
    params.update({"capacity_target.jzplus": "35", "inflow.jzplus": "-20", "stay.jzplus": "2.5"})
    params.update({"escalation.foster": "-50", "policy_year": "2023", "years": "12"})
    levers = from_params(example, params)
    label = example.label("jzplus")
    assert describe_changes(example, levers) == [
        "beleid vanaf 2022 → 2023",
        "horizon 10 → 12 jaar",
        f"escalatie vanuit {example.label('foster')} -50%",
        f"instroom {label} -20% per jaar",
        f"verblijf {label} 5 → 2,5 maanden",
        f"capaciteit {label} vanaf 2023 43 → 35",
    ]
    english = describe_changes(example, levers, "en")
    assert (
        english[-1] == f"capacity {label} from 2023 43 → 35" and english[4] == f"stay {label} 5 → 2.5 months"
    )


def test_the_time_left_is_said_once_the_pace_is_known():
    from simulator.i18n import time_left

    assert time_left(10.0, 0, 100) is None  # nothing done yet
    assert time_left(1.0, 50, 100) is None  # too early to tell
    assert time_left(10.0, 5, 100) is None  # under a tenth done
    assert time_left(10.0, 100, 100) is None  # done
    assert time_left(3.0, 30, 100) == "7 s"  # 3 s for 30: 7 s for the other 70
    assert time_left(10.0, 25, 100) == "30 s"  # 30 s (rounded to 5 s above 20 s)
    assert time_left(100.0, 25, 100, "en") == "5 min"
