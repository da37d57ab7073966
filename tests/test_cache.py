"""The app's run cache is bounded in entries and in bytes, least recently used out first."""

from __future__ import annotations

import pytest

from simulator.cache import RunCache
from simulator.experiment import run_experiment
from simulator.results import Summary
from tests.conftest import make_scenario


@pytest.fixture(scope="module")
def summaries() -> tuple[Summary, Summary]:
    small = make_scenario({"jzplus": {"stay_months": 3, "inflow_per_year": 40, "initial": 10}}, years=2)
    return (
        Summary.of(run_experiment(small, workers=1)),
        Summary.of(run_experiment(small, workers=1, replications=12, years=5)),
    )


def test_a_summary_counts_its_tables_arrays_and_preview(summaries):
    small, big = summaries
    floor = small.monthly.memory_usage(deep=True).sum() + sum(a.nbytes for a in small.by_replication.values())
    assert floor < small.nbytes() < big.nbytes()
    with_preview = Summary(**{**small.__dict__, "preview": small})
    assert with_preview.nbytes() == 2 * small.nbytes()


def test_the_cache_keeps_within_its_bytes_least_recently_used_out_first(summaries):
    small, big = summaries
    cache = RunCache(max_entries=100, max_bytes=3 * small.nbytes() + 1)
    for key in "abc":
        cache.put(key, small)
    assert len(cache) == 3 and cache.nbytes == 3 * small.nbytes()
    assert cache.get("a") is small  # used: now the newest
    cache.put("d", small)
    assert "b" not in cache and all(k in cache for k in "acd")
    cache.put("e", big)  # bigger than the rest together: everything older goes, then it does too
    assert cache.nbytes <= cache.max_bytes and "e" not in cache
    assert cache.get("missing") is None


def test_the_cache_keeps_at_most_its_entries(summaries):
    small, _ = summaries
    cache = RunCache(max_entries=2, max_bytes=10**12)
    for key in "abc":
        cache.put(key, small)
    assert len(cache) == 2 and "a" not in cache
    cache.put("b", small)  # the same key again is counted once
    assert len(cache) == 2 and cache.nbytes == 2 * small.nbytes()
    cache.clear()
    assert len(cache) == 0 and cache.nbytes == 0
