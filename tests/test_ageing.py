"""The closed forms of ageing out (simulator/ageing.py) against direct sampling.

Each check samples N youths (entry age uniform, gamma stay) with a fixed seed and compares
a share or a mean with the formula. The tolerance is 4 standard errors of the sampled
estimate (for a share p: sqrt(p (1 - p) / N)), so a correct formula fails about once in
16,000 runs and a wrong one by more than that is caught.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from simulator import ageing

N = 400_000


def sample(low, high, limit, mean_years, cv, seed=20261203):
    rng = np.random.default_rng(seed)
    entry = rng.uniform(low, high, N)
    shape = 1.0 / cv**2
    stay = rng.gamma(shape, mean_years / shape, N)
    return entry, stay


@pytest.mark.parametrize(
    "low, high, limit, mean_years, cv",
    [
        (12, 18, 18, 0.45, 1.0),
        (12, 16, 18, 1.0, 1.0),
        (0, 12, 18, 4.4, 1.0),
        (12, 18, 18, 0.45, 0.6),
        (16, 18, 23, 2.0, 1.4),
    ],
)
def test_the_share_that_ages_out_is_the_closed_form(low, high, limit, mean_years, cv):
    entry, stay = sample(low, high, limit, mean_years, cv)
    sampled = np.mean(entry + stay >= limit)
    expected = ageing.age_out_share(low, high, limit, mean_years, cv)
    assert 0 < expected < 1
    assert abs(sampled - expected) <= 4 * math.sqrt(expected * (1 - expected) / N)


@pytest.mark.parametrize("band", [(0, 18), (12, 16), (16, 18), (17, 30)])
@pytest.mark.parametrize("cv", [1.0, 0.6])
def test_time_in_care_by_age_band_is_the_closed_form(band, cv):
    low, high, limit, mean_years = 12, 18, 18, 0.45
    entry, stay = sample(low, high, limit, mean_years, cv)
    leave = np.minimum(entry + stay, limit)
    c, d = band
    years = np.clip(np.minimum(leave, d) - np.maximum(entry, c), 0, None)
    expected = ageing.time_in_care_at_ages(low, high, limit, mean_years, band, cv)
    assert abs(years.mean() - expected) <= 4 * years.std() / math.sqrt(N)


def test_exponential_stays_satisfy_littles_law_with_the_age_limit():
    """For exponential stays E[min(S, L - A)] = m (1 - P(age out)): occupancy, inflow and the
    share that ages out agree."""
    inflow, low, high, limit, mean_years = 86.0, 12, 18, 18, 0.45
    share = ageing.age_out_share(low, high, limit, mean_years)
    assert ageing.expected_occupancy(inflow, low, high, limit, mean_years) == pytest.approx(
        inflow * mean_years * (1 - share), rel=1e-9
    )
    assert ageing.aged_out_per_year(inflow, low, high, limit, mean_years) == pytest.approx(inflow * share)
    bands = [(12, 14), (14, 16), (16, 18)]
    assert sum(
        ageing.expected_occupancy(inflow, low, high, limit, mean_years, band=b) for b in bands
    ) == pytest.approx(ageing.expected_occupancy(inflow, low, high, limit, mean_years), rel=1e-7)


def test_entry_ages_outside_the_limit_are_refused():
    with pytest.raises(ValueError, match="entry ages"):
        ageing.age_out_share(12, 19, 18, 0.5)
    with pytest.raises(ValueError, match="positive"):
        ageing.age_out_share(12, 18, 18, 0.0)
