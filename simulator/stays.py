"""How long a stay lasts when policies change while it is under way.

A stay in care type i has two random amounts, drawn when the youth asks for a place:
- ``x``: its regular length in units of the mean stay (gamma, mean 1, shape 1/cv^2);
- ``e``: its escalation threshold (exponential, mean 1).

The regular stay ends when the elapsed time, measured in mean stays in force, reaches ``x``
(the integral of dt / mean(t)); an escalation happens when the integrated escalation hazard
reaches ``e``. With constant parameters this is the usual gamma stay cut short by an
exponential escalation; when a policy changes the mean stay or the hazard on a date, every
youth in that care type is reached at once: the remaining regular stay is rescaled by the new
mean (``stay_factor``), and the hazard changes from that moment (``escalation_factor``; a
factor 0 means no escalation after the date). Because policies are known in advance, the
whole stay can be computed when it starts, with no events at policy dates.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # the plan imports the schema; a stay needs only the rule's numbers
    from simulator.timeline import AgeRule


@dataclass(frozen=True)
class Segments:
    """One care type's parameters over time: from ``starts[k]`` (days) the mean stay is
    ``mean_days[k]`` and the total escalation hazard ``hazard[k]`` per day."""

    starts: tuple[float, ...]
    mean_days: tuple[float, ...]
    hazard: tuple[float, ...]

    @classmethod
    def merged(cls, starts: list[float], mean_days: list[float], hazard: list[float]) -> Segments:
        """Drop the change points at which neither parameter changes."""
        keep_s, keep_m, keep_h = [starts[0]], [mean_days[0]], [hazard[0]]
        for s, m, h in zip(starts[1:], mean_days[1:], hazard[1:], strict=True):
            if m != keep_m[-1] or h != keep_h[-1]:
                keep_s.append(s)
                keep_m.append(m)
                keep_h.append(h)
        return cls(tuple(keep_s), tuple(keep_m), tuple(keep_h))

    @property
    def constant(self) -> bool:
        """True when neither parameter changes (one segment)."""
        return len(self.starts) == 1


def stay_days(segments: Segments, start: float, x: float, e: float) -> tuple[float, bool]:
    """(duration in days, ended by escalation) of a stay that starts on day ``start``."""
    starts, means, hazards = segments.starts, segments.mean_days, segments.hazard
    k = bisect_right(starts, start) - 1
    t = start
    last = len(starts) - 1
    while True:
        mean, hazard = means[k], hazards[k]
        regular = x * mean
        escalate = e / hazard if hazard > 0.0 else math.inf
        needed = regular if regular <= escalate else escalate
        if k == last or t + needed <= starts[k + 1]:
            return t + needed - start, escalate < regular
        span = starts[k + 1] - t  # the segment ends first: use up its share of both amounts
        x -= span / mean
        e -= span * hazard
        t = starts[k + 1]
        k += 1


# ---------------------------------------------------------------- with age (issue 16)
#
# A youth's age advances with its stay. Three things change with it:
# - the stay that starts in age band j is ``stay_factor[j]`` times as long (``factor``, given
#   by the caller: the band at the stay's start);
# - the escalation hazard is multiplied by ``escalation_factor[j]`` while the youth is in band
#   j, from the moment it enters the band, as a policy changes it for youths in care;
# - care ends at the age limit: a stay that would last longer ends there ("aged out").
# The regular amount x and the threshold e are used up piece by piece as in ``stay_days``,
# the pieces now cut at both policy dates and the youth's birthdays at the band edges.


def aged_stay_days(
    segments: Segments, rule: AgeRule, start: float, birth: float, x: float, e: float, factor: float
) -> tuple[float, bool, bool]:
    """(duration in days, ended by escalation, ended at the age limit) of a stay that starts
    on day ``start`` for a youth born on day ``birth`` (negative: before the run)."""
    limit_day = birth + rule.limit
    if limit_day <= start:
        return 0.0, False, True
    x *= factor
    if not rule.varies:
        duration, escalated = stay_days(segments, start, x, e)
        if start + duration >= limit_day:
            return limit_day - start, False, True
        return duration, escalated, False
    starts, means, hazards = segments.starts, segments.mean_days, segments.hazard
    edges, factors = rule.edges, rule.escalation_factor
    k = bisect_right(starts, start) - 1
    j = rule.band(start - birth)
    t = start
    while True:
        mean, hazard = means[k], hazards[k] * factors[j]
        regular = x * mean
        escalate = e / hazard if hazard > 0.0 else math.inf
        needed = regular if regular <= escalate else escalate
        next_epoch = starts[k + 1] if k + 1 < len(starts) else math.inf
        next_band = birth + edges[j + 1] if j + 1 < len(edges) else math.inf
        cut = min(next_epoch, next_band, limit_day)
        if t + needed < cut or (t + needed == cut and cut < limit_day):
            return t + needed - start, escalate < regular, False
        if cut == limit_day:
            return limit_day - start, False, True
        span = cut - t  # the piece ends first: use up its share of both amounts
        x -= span / mean
        e -= span * hazard
        t = cut
        if next_epoch == cut:
            k += 1
        if next_band == cut:
            j += 1


def aged_stay_days_many(
    segments: Segments,
    rule: AgeRule,
    start: np.ndarray,
    birth: np.ndarray,
    x: np.ndarray,
    e: np.ndarray,
    factor: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``aged_stay_days`` for many stays of one care type at once (the hybrid's bulk path)."""
    start, birth = np.asarray(start, dtype=float), np.asarray(birth, dtype=float)
    limit_day = birth + rule.limit
    x = np.asarray(x, dtype=float) * factor
    if len(segments.starts) == 1 and not rule.varies:  # no pieces: the stay, cut at the limit
        hazard = segments.hazard[0]
        regular = x * segments.mean_days[0]
        escalate = e / hazard if hazard > 0.0 else np.full(len(x), math.inf)
        duration = np.minimum(regular, escalate)
        aged = start + duration >= limit_day
        duration[aged] = np.maximum(limit_day[aged] - start[aged], 0.0)
        return duration, (escalate < regular) & ~aged, aged
    e = np.array(e, dtype=float)  # a copy: it is used up in place
    starts = np.asarray(segments.starts)
    means, hazards = np.asarray(segments.mean_days), np.asarray(segments.hazard)
    edges, factors = np.asarray(rule.edges), np.asarray(rule.escalation_factor)
    if not rule.varies:  # the bands change nothing within a stay: cut only at dates and the limit
        edges, factors = edges[:1], factors[:1]
    n_epochs, n_bands = len(starts), len(edges)
    duration = np.zeros(len(start))
    escalated = np.zeros(len(start), dtype=bool)
    aged = limit_day <= start
    k = np.searchsorted(starts, start, side="right") - 1
    j = passed(edges[1:].tolist(), start - birth)
    t = start.copy()
    todo = np.flatnonzero(~aged)
    while len(todo):
        kk, jj = k[todo], j[todo]
        mean = means[kk]
        hazard = hazards[kk] * factors[jj]
        regular = x[todo] * mean
        with np.errstate(divide="ignore", invalid="ignore"):
            escalate = np.where(hazard > 0.0, e[todo] / hazard, math.inf)
        needed = np.minimum(regular, escalate)
        next_epoch = np.where(kk + 1 < n_epochs, starts[np.minimum(kk + 1, n_epochs - 1)], math.inf)
        next_band = np.where(jj + 1 < n_bands, birth[todo] + edges[np.minimum(jj + 1, n_bands - 1)], math.inf)
        limit = limit_day[todo]
        cut = np.minimum(np.minimum(next_epoch, next_band), limit)
        end = t[todo] + needed
        ends = (end < cut) | ((end == cut) & (cut < limit))
        at_limit = ~ends & (cut == limit)
        done = todo[ends]
        duration[done] = end[ends] - start[done]
        escalated[done] = escalate[ends] < regular[ends]
        out = todo[at_limit]
        duration[out] = limit[at_limit] - start[out]
        aged[out] = True
        going = ~ends & ~at_limit
        moving = todo[going]
        span = cut[going] - t[moving]
        x[moving] -= span / mean[going]
        e[moving] -= span * hazard[going]
        t[moving] = cut[going]
        k[moving] += next_epoch[going] == cut[going]
        j[moving] += next_band[going] == cut[going]
        todo = moving
    return duration, escalated, aged


def passed(edges: tuple[float, ...] | list[float], values: np.ndarray) -> np.ndarray:
    """How many of the (few, increasing) ``edges`` are at or below each value, as
    ``searchsorted(edges, values, side="right")``: by comparisons, which for a handful of
    edges take a third of a binary search's time (its branches are unpredictable)."""
    count = np.zeros(len(values), dtype=np.int64)
    for edge in edges:
        count += values >= edge
    return count


def band_of(rule: AgeRule, ages: np.ndarray) -> np.ndarray:
    """The band index of each age in days (``AgeRule.band`` for many)."""
    return passed(rule.edges[1:], ages)


def entry_ages(
    rule: AgeRule, rng: np.random.Generator, size: int, days: np.ndarray | None = None
) -> np.ndarray:
    """Ages in days of youths entering a care type (on ``days``, else at the start): a band
    by its share in force, uniform within it."""
    u = rng.random(size)
    if days is None or not rule.entry_changes:
        band = passed(rule.entry_cum, u)
    else:
        cums = [rule.entry_cum, *(cum for _, cum in rule.entry_changes)]
        which = passed([day for day, _ in rule.entry_changes], days)
        band = np.empty(size, dtype=np.int64)
        for k, cum in enumerate(cums):
            mine = which == k
            band[mine] = passed(cum, u[mine])
    band = np.minimum(band, len(rule.entry_bands) - 1)  # a draw at the top of the last share
    low, width = rule.entry_low_width
    return low[band] + rng.random(size) * width[band]


def escalation_exposure(rule: AgeRule, from_age: np.ndarray, to_age: np.ndarray) -> np.ndarray:
    """The integral of the escalation factor by age from ``from_age`` to ``to_age`` (days):
    the time at the hazard's own level that has the same chance of escalating."""
    edges = np.asarray([*rule.edges, math.inf])
    total = np.zeros(len(from_age))
    for j, factor in enumerate(rule.escalation_factor):
        low, high = edges[j], edges[j + 1]
        overlap = np.minimum(to_age, high) - np.maximum(from_age, low)
        total += factor * np.maximum(overlap, 0.0)
    return total
