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
