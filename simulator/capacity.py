"""Beds needed and the capacity trade-off, from the load offered to a care type.

The offered load a(t) of a care type is what it would hold without a capacity limit: every
youth who asked for a place, for the stay it asked for (the model records it). With c places,
the share of youths who cannot be placed at once is
- Erlang B, B(c, a), for ``when_full: elsewhere``: the share placed elsewhere; it holds for any
  stay distribution;
- Erlang C, C(c, a), for ``when_full: wait``: the share that has to wait; exact for
  exponential stays, an approximation otherwise.
A load that changes over time is handled by the modified-offered-load approximation
(Jennings, Mandelbaum, Massey & Whitt, 1996): the formula at each month's offered load a_m,
weighted by that month's requests for a place. ``beds_needed`` is the smallest c at which the
year's delayed share is at most 1 - service_level: "places needed so that 95% of youths can
be placed at once". It counts youths, not time, and a backlog a shortage built up is not
counted as need (the offered load holds no waiting time).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import gammaln, pdtr, xlogy

if TYPE_CHECKING:
    from simulator.timeline import Calendar, Plan


def erlang_b(capacity: ArrayLike, load: ArrayLike) -> np.ndarray:
    """B(c, a) = P(N = c) / P(N <= c) for N ~ Poisson(a), elementwise (c whole, a >= 0)."""
    c = np.asarray(capacity, dtype=float)
    a = np.maximum(np.asarray(load, dtype=float), 0.0)  # a time average can come out at -1e-15
    c, a = np.broadcast_arrays(c, a)
    out = np.where(c <= 0, 1.0, 0.0)  # no load: nobody is turned away (unless there is no place)
    busy = a > 0
    if busy.any():
        out = out.copy()
        # scipy.stats.poisson's own formulas, from scipy.special: importing scipy.stats costs
        # over a second, at every start of the command line and of each worker.
        cb, ab = c[busy], a[busy]
        with np.errstate(divide="ignore"):
            cdf = np.log(pdtr(cb, ab))
        ratio = np.exp(xlogy(cb, ab) - gammaln(cb + 1.0) - ab - cdf)
        # Far above its capacity (a - c over ~38 sqrt(a)) P(N <= c) underflows to 0 and the
        # ratio to inf: there the reciprocal series is exact and converges fast.
        heavy = ~np.isfinite(cdf)
        if heavy.any():
            ratio[heavy] = _erlang_b_far_above(c[busy][heavy], a[busy][heavy])
        out[busy] = ratio
    return out


def _erlang_b_far_above(c: np.ndarray, a: np.ndarray) -> np.ndarray:
    """B(c, a) for loads far above capacity: 1 / B = sum_{j=0}^{c} c! / ((c - j)! a^j), whose
    terms shrink by at least c / a each."""
    total, term = np.ones_like(a), np.ones_like(a)
    for j in range(1, int(c.max()) + 1):
        term = term * np.maximum(c - j + 1, 0.0) / a
        total += term
        if (term <= 1e-17 * total).all():
            break
    return 1.0 / total


def erlang_c(capacity: ArrayLike, load: ArrayLike) -> np.ndarray:
    """C(c, a): the probability of waiting in M/M/c with a FIFO list (1 when a >= c)."""
    c = np.asarray(capacity, dtype=float)
    a = np.maximum(np.asarray(load, dtype=float), 0.0)
    c, a = np.broadcast_arrays(c, a)
    b = erlang_b(c, a)
    stable = (a < c) & (a > 0)
    out = np.ones_like(b)
    out[stable] = c[stable] * b[stable] / (c[stable] - a[stable] * (1.0 - b[stable]))
    return np.where(a > 0, out, np.where(c <= 0, 1.0, 0.0))


def delay_probability(capacity: ArrayLike, load: ArrayLike, wait: bool) -> np.ndarray:
    """Erlang C for a unit with a waiting list, Erlang B for one that places elsewhere."""
    return erlang_c(capacity, load) if wait else erlang_b(capacity, load)


def delayed_share(
    capacity: ArrayLike, loads: np.ndarray, weights: np.ndarray, wait: bool, per_month: bool = False
) -> np.ndarray:
    """The share of a period's youths that cannot be placed at once with ``capacity``
    places (one number per period, or one per month with ``per_month``): the delay
    probability at each month's load (last axis), weighted by the month's
    requests. A period without requests delays nobody: there is no youth to place (beds
    needed 0), whoever is still in care keeps the place it has."""
    loads = np.asarray(loads, dtype=float)
    weights = np.asarray(weights, dtype=float)
    c = np.asarray(capacity, dtype=float) if per_month else np.asarray(capacity, dtype=float)[..., None]
    total = weights.sum(axis=-1)
    share = (weights * delay_probability(c, loads, wait)).sum(axis=-1)
    return np.divide(share, total, out=np.zeros_like(share), where=total > 0)


def beds_needed(
    loads: np.ndarray,
    weights: np.ndarray,
    service_level: float,
    wait: bool,
    beta: ArrayLike | None = None,
) -> np.ndarray:
    """The smallest whole capacity whose delayed share (``delayed_share``) is at most
    1 - ``service_level``, for every period at once (loads and weights: (..., months)).

    The delayed share falls as places are added, so each period's search starts at a
    guess, its request-weighted mean load a plus beta sqrt(a) (square-root staffing;
    ``beta`` broadcast to the periods, by default 1.75, which puts Erlang C at 5%, or 1 for
    Erlang B at moderate loads), steps away from it in doubling steps until the answer is
    bracketed, and then halves the bracket. Only the periods still open are evaluated: two
    or three evaluations of Erlang B or C per period when the guess is close, a few more
    where it is not. ``staffing_beta`` gives the beta of a solved period."""
    loads = np.asarray(loads, dtype=float)
    weights = np.asarray(weights, dtype=float)
    target = 1.0 - service_level + 1e-12  # a tiny slack absorbs rounding
    shape = loads.shape[:-1]
    flat_loads = loads.reshape(-1, loads.shape[-1])
    flat_weights = weights.reshape(-1, weights.shape[-1])
    total = flat_weights.sum(axis=-1)
    mean = weighted_load(flat_loads, flat_weights)
    beta = np.broadcast_to(np.asarray((1.75 if wait else 1.0) if beta is None else beta, dtype=float), shape)
    start = np.where(total > 0, np.maximum(np.round(mean + beta.ravel() * np.sqrt(mean)), 0.0), 0.0)

    def meets(which: np.ndarray, capacity: np.ndarray) -> np.ndarray:
        return delayed_share(capacity, flat_loads[which], flat_weights[which], wait) <= target

    # Known: ``high`` meets the target, ``low`` does not (a capacity of -1 never does).
    everyone = np.arange(len(total))
    ok = meets(everyone, start)
    high = np.where(ok, start, np.inf)
    low = np.where(ok, np.where(start == 0, -1.0, -np.inf), start)
    step = 1.0
    for _ in range(64):
        which = np.flatnonzero(np.isinf(high) | np.isinf(low))
        if not len(which):
            break
        up = np.isinf(high[which])
        probe = np.where(up, low[which] + step, np.maximum(high[which] - step, 0.0))
        ok = meets(which, probe)
        high[which] = np.where(ok, probe, high[which])
        low[which] = np.where(ok, np.where(probe == 0, -1.0, low[which]), probe)  # meets at 0: nothing below
        step *= 2
    else:  # a delayed share that never falls (NaN or inf once hung the server here)
        raise ArithmeticError(
            f"no capacity meets the service level {service_level} at loads up to {loads.max()}"
        )
    while True:
        which = np.flatnonzero(high - low > 1)
        if not len(which):
            break
        middle = np.floor((low[which] + high[which]) / 2)
        ok = meets(which, middle)
        high[which] = np.where(ok, middle, high[which])
        low[which] = np.where(ok, low[which], middle)
    return high.reshape(shape).astype(np.int64)


def weighted_load(loads: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The request-weighted mean of the monthly loads of each period (0 without requests)."""
    total = weights.sum(axis=-1)
    return np.divide((weights * loads).sum(axis=-1), total, out=np.zeros(total.shape), where=total > 0)


def staffing_beta(places: np.ndarray, loads: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """beta with places = a + beta sqrt(a), a the request-weighted mean load (0 where a = 0):
    where ``beds_needed`` starts for periods like these."""
    mean = weighted_load(loads, weights)
    root = np.sqrt(mean)
    return np.divide(places - mean, root, out=np.zeros(mean.shape), where=root > 0)


def occupancy_rate(capacity: ArrayLike, loads: np.ndarray, days: np.ndarray, wait: bool) -> np.ndarray:
    """Expected occupied places / capacity over a period, from the monthly loads: a unit
    that places elsewhere carries a(1 - B(c, a)); a unit with a waiting list serves all of a
    stable load (a < c) and is full otherwise."""
    c = np.asarray(capacity, dtype=float)[..., None]
    loads = np.asarray(loads, dtype=float)
    carried = np.minimum(loads, c) if wait else loads * (1.0 - erlang_b(c, loads))
    mean = (carried * days).sum(axis=-1) / days.sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(c[..., 0] > 0, mean / c[..., 0], np.nan)


def months_by_year(calendar: Calendar, values: np.ndarray) -> np.ndarray:
    """(..., M) monthly values -> (..., Y, 12), months in calendar order within their year;
    months a partial year lacks are 0 (and weigh nothing)."""
    years = calendar.month_year_index
    first_month = calendar.start_month - 1
    slot = (np.arange(calendar.n_months) + first_month) % 12
    out = np.zeros((*values.shape[:-1], len(calendar.years), 12))
    out[..., years, slot] = values
    return out


def plan_beds_needed(
    plan: Plan, loads: np.ndarray, requests: np.ndarray, like: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Beds needed per year and care type from monthly offered loads and requests
    ((..., M, n) each): array (..., Y, n), and the staffing beta of each answer (same
    shape). ``like``: such betas (broadcast), where the search starts."""
    calendar, level = plan.calendar, plan.scenario.service_level
    out = np.empty((*loads.shape[:-2], len(calendar.years), plan.n_types), dtype=np.int64)
    betas = np.empty(out.shape)
    for i in range(plan.n_types):
        wait = not plan.when_full_elsewhere[i]
        type_loads = months_by_year(calendar, loads[..., i])
        type_requests = months_by_year(calendar, requests[..., i])
        out[..., i] = beds_needed(
            type_loads, type_requests, level, wait, None if like is None else like[..., i]
        )
        betas[..., i] = staffing_beta(out[..., i], type_loads, type_requests)
    return out, betas
