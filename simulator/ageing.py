"""Ageing out of care, in closed form: the analytic companion for age in the model (issue 16).

A care type admits youths at ages spread uniformly over [a, b) years, keeps each for a stay
of mean m years (gamma with coefficient of variation cv; cv = 1 is exponential), and care
ends at the age limit L >= b (18 under the Jeugdwet). A youth ages out when its stay would
last past its L-th birthday: S >= L - A.

- Exponential stays (rate mu = 1/m): P(age out) = E[exp(-mu (L - A))]
  = (exp(-mu (L - b)) - exp(-mu (L - a))) / (mu (b - a)).
- Other stays: P(age out) = E[1 - F(L - A)], integrated numerically over the entry age.
- Time in care is min(S, L - A), so by Little's law, with lambda entries a year, the mean
  occupancy is lambda E[min(S, L - A)] and lambda P(age out) youths a year age out. For
  exponential stays E[min(S, L - A)] = m (1 - P(age out)).
- Occupancy in an age band [c, d): lambda times the expected time a youth spends in care at
  ages in [c, d) (each entry age's stretch of the survival function, averaged).

No streamlit, no simulation: the simulation is tested against these (issue 16, part 3).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from scipy import integrate, special, stats


def _check(low: float, high: float, limit: float, mean_years: float, cv: float) -> None:
    if not (0 <= low < high <= limit):
        raise ValueError(f"entry ages must satisfy 0 <= low < high <= limit, got [{low}, {high}) and {limit}")
    if mean_years <= 0 or cv <= 0:
        raise ValueError("the mean stay and its cv must be positive")


def _survival(mean_years: float, cv: float) -> Callable[[float], float]:
    """P(S > t) for a gamma stay of this mean and cv."""
    shape = 1.0 / cv**2
    frozen = stats.gamma(shape, scale=mean_years / shape)
    return lambda t: float(frozen.sf(t))


def age_out_share(low: float, high: float, limit: float, mean_years: float, cv: float = 1.0) -> float:
    """The share of entrants (entry age uniform in [low, high)) whose stay reaches the limit."""
    _check(low, high, limit, mean_years, cv)
    if cv == 1.0:
        rate = 1.0 / mean_years
        return (math.exp(-rate * (limit - high)) - math.exp(-rate * (limit - low))) / (rate * (high - low))
    survival = _survival(mean_years, cv)
    value, _ = integrate.quad(lambda age: survival(limit - age), low, high, limit=200)
    return value / (high - low)


def time_in_care_at_ages(
    low: float, high: float, limit: float, mean_years: float, band: tuple[float, float], cv: float = 1.0
) -> float:
    """Expected years an entrant spends in care while aged in ``band`` = [c, d) (care ends
    at ``limit``)."""
    _check(low, high, limit, mean_years, cv)
    c, d = band
    d = min(d, limit)
    if d <= c:
        return 0.0
    shape = 1.0 / cv**2
    scale = mean_years / shape

    def capped_mean(x: float) -> float:
        """E[min(S, x)], the integral of the survival function from 0 to x, in closed form
        for a gamma stay: E[S; S < x] + x P(S >= x)."""
        return shape * scale * float(special.gammainc(shape + 1.0, x / scale)) + x * float(
            special.gammaincc(shape, x / scale)
        )

    def years_for(entry_age: float) -> float:
        start, end = max(0.0, c - entry_age), max(0.0, d - entry_age)
        if end <= start:
            return 0.0
        if cv == 1.0:
            rate = 1.0 / mean_years
            return (math.exp(-rate * start) - math.exp(-rate * end)) / rate
        return capped_mean(end) - capped_mean(start)

    value, _ = integrate.quad(years_for, low, high, points=[c, d], limit=200)
    return value / (high - low)


def expected_occupancy(
    inflow_per_year: float,
    low: float,
    high: float,
    limit: float,
    mean_years: float,
    cv: float = 1.0,
    band: tuple[float, float] | None = None,
) -> float:
    """Mean number in care (in ``band`` of ages, else all) at a steady inflow (Little's law)."""
    return inflow_per_year * time_in_care_at_ages(low, high, limit, mean_years, band or (0.0, limit), cv)


def aged_out_per_year(
    inflow_per_year: float, low: float, high: float, limit: float, mean_years: float, cv: float = 1.0
) -> float:
    """Youths a year who leave because of their age, at a steady inflow."""
    return inflow_per_year * age_out_share(low, high, limit, mean_years, cv)
