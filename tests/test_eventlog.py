"""The condensation of event logs: days at each demand level per year (time_at_level)."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.eventlog import DayIndex, time_at_level

YEARS = DayIndex(np.array([0.0, 365.0, 730.0, 1096.0, 1461.0]))


def brute_force(ups, downs, start: int) -> dict[tuple[int, int], float]:
    """Days at each (year, level), by walking the stretches between the days on which
    anything happens: the level of a stretch is the start plus the ups less the downs on or
    before its first day (obviously right, and slow)."""
    edges = YEARS.edges
    points = sorted({0.0, *ups, *downs, *edges[1:-1]})
    out: dict[tuple[int, int], float] = {}
    for left, right in zip(points, [*points[1:], edges[-1]], strict=True):
        if right <= left:
            continue
        level = start + sum(u <= left for u in ups) - sum(d <= left for d in downs)
        year = int(np.searchsorted(edges, left, side="right")) - 1
        out[(year, level)] = out.get((year, level), 0.0) + (right - left)
    return out


@pytest.mark.parametrize("ties", [False, True])
def test_days_at_each_level_match_a_walk_through_the_stretches(ties):
    rng = np.random.default_rng(11 + ties)
    # With ties: changes on the same day (an up and a down cancel), on day 0 and on 1 January.
    points = np.array([0.0, 0.0, 12.5, 365.0, 365.0, 400.0, 730.0, 1096.0, 1460.5])
    for _ in range(300):
        n_up, n_down = rng.integers(0, 25, size=2)
        if ties:
            ups, downs = rng.choice(points, n_up), rng.choice(points, n_down)
        else:
            ups, downs = rng.uniform(0, 1461, n_up), rng.uniform(0, 1461, n_down)
        start = int(n_down + rng.integers(0, 4))
        low, histogram = time_at_level(ups, downs, start, YEARS)
        expected = brute_force(ups.tolist(), downs.tolist(), start)
        found = {(year, low + k): days for (year, k), days in np.ndenumerate(histogram) if days > 0}
        assert found.keys() == expected.keys()
        for key, days in expected.items():
            assert found[key] == pytest.approx(days, abs=1e-9)
        assert histogram.sum(axis=1) == pytest.approx(np.diff(YEARS.edges))
