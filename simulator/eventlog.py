"""A replication's event log condensed into its result: time-weighted monthly levels, counts
per month, days at each demand level per year and youths in care on each 1 January.

Both engines write the same log while they run: level changes (day, channel, +1/-1; the
channels of ``LEVELS``, ``kind * n + care type``), counted events (day, channel of
``COUNTS``), the offered load of youths who waited and their waits. The hybrid engine writes
parts of it out of time order (a bulk round at a time), so everything here except the demand
histogram is computed without sorting: a level's integral over a month is its level at the
month's start times the month's length, plus each change in the month times the part of the
month after it (``bincount``). Only the demand histogram walks the levels in time order, one
care type at a time.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from simulator.timeline import Calendar, Plan

# Channels of the level log ...
OCCUPANCY, WAITING, OVERFLOW, BLOCKED, OFFERED = range(5)
LEVELS = ("occupancy", "waiting", "overflow", "blocked", "offered")
# ... and of the count log.
ADMISSIONS, PLACED_ELSEWHERE, ESCALATED, DISCHARGED, REQUESTS, DELAYED, ADMITTED_YOUTHS, WAITED = range(8)
COUNTS = (
    "admissions",
    "placed_elsewhere",
    "escalations",
    "discharges",
    "requests",
    "delayed",
    "admitted_youths",
    "waited",
)


# Age (issue 16). How a placement ended, in the by-age records: STILL, in care at the horizon;
# HANDED, the hybrid's bulk path handed the youth to SimPy, which keeps a record from then on.
DISCHARGE, ESCALATION, AGED_OUT, STILL, HANDED = range(5)
# The measures by age band: youths in care (regional or elsewhere, a time-weighted monthly
# mean), and per month admissions, escalations and youths who left because of their age.
IN_CARE, AGE_ADMISSIONS, AGE_ESCALATIONS, AGE_AGED_OUT = range(4)
AGE_MEASURES = ("in_care", "admissions", "escalations", "aged_out")


@dataclass
class AgeLog:
    """One row per placement (a youth in a place of a care type, from its admission or the
    start until it leaves): its days, care type, the youth's day of birth, how it ended and
    whether it began with an admission."""

    start: np.ndarray
    end: np.ndarray  # inf: in care at the horizon
    type: np.ndarray
    birth: np.ndarray
    kind: np.ndarray
    new: np.ndarray

    @classmethod
    def joined(cls, parts: list[AgeLog]) -> AgeLog:
        """Several logs as one."""
        fields = ("start", "end", "type", "birth", "kind", "new")
        return cls(*(np.concatenate([getattr(p, f) for p in parts]) for f in fields))


def condense_ages(plan: Plan, log: AgeLog) -> np.ndarray:
    """The by-age measures of one replication: array (n_months, 4, n_bands, n_types) of
    ``AGE_MEASURES``. A youth is in the band of its age; it moves to the next band on its
    birthday at the band's edge, and one who leaves at an age limit leaves from the band
    below it."""
    assert plan.age is not None
    n, calendar = plan.n_types, plan.calendar
    months = day_indices(calendar)[0]
    horizon = calendar.horizon
    inner = plan.age.inner_edges_days  # the edges above the lowest band
    n_bands = len(inner) + 1
    shape = (calendar.n_months, len(AGE_MEASURES), n_bands, n)
    start, end, care, birth = log.start, log.end, log.type, log.birth
    # Bands by days, one rule for all: a youth passes edge j on day birth + edge_j; it starts
    # in the band of the birthdays passed by its start (on a birthday: the new band) and
    # leaves from the band of those passed before its end, or is in it at the horizon (on a
    # birthday, as at an age limit: the band below). A tolerance far below a second absorbs
    # the rounding of birth + limit against start + duration (days reach 18,000 in a 50-year
    # run). Comparisons, not a binary search: with few edges they take a third of the time.
    tolerance = 1e-6
    age_at_start = start - birth + tolerance
    age_at_end = np.minimum(end, horizon) - birth - tolerance
    first = np.zeros(len(start), dtype=np.int64)
    last = np.zeros(len(start), dtype=np.int64)
    for edge in inner.tolist():
        first += age_at_start >= edge
        last += age_at_end > edge
    last = np.maximum(last, first)
    # The birthdays at band edges while in care: a placement crosses the edges from its
    # first band's upper edge to its last band's lower edge.
    crossings = last - first
    placement = np.repeat(np.arange(len(start)), crossings)
    below = (
        first[placement] + np.arange(len(placement)) - np.repeat(np.cumsum(crossings) - crossings, crossings)
    )
    birthday = birth[placement] + inner[below]
    # A hand-over (HANDED) ends a placement where its youth's SimPy record (not new) begins:
    # the level goes on, and neither counts as an admission, escalation or age limit there.
    left = end < horizon
    start_ch, end_ch = first * n + care, last * n + care  # band * n + care type
    from_ch = below * n + care[placement]
    counts = (len(start), int(left.sum()), len(placement), len(placement))
    in_care = level_means(
        np.concatenate([start, end[left], birthday, birthday]),
        np.concatenate([start_ch, end_ch[left], from_ch, from_ch + n]),
        np.repeat(np.array([1.0, -1.0, -1.0, 1.0]), counts),
        np.zeros(n_bands * n),
        months,
    )

    # The counts in one pass: (month, measure, band, care type) as one flat index.
    ends = left & ((log.kind == ESCALATION) | (log.kind == AGED_OUT))
    admitted = log.new
    day = np.concatenate([start[admitted], end[ends]])
    measure = np.concatenate(
        [
            np.full(int(admitted.sum()), AGE_ADMISSIONS),
            np.where(log.kind[ends] == ESCALATION, AGE_ESCALATIONS, AGE_AGED_OUT),
        ]
    )
    channel = np.concatenate([start_ch[admitted], end_ch[ends]])
    key = (months(day) * len(AGE_MEASURES) + measure) * (n_bands * n) + channel
    out = np.bincount(key, minlength=int(np.prod(shape))).reshape(shape).astype(float)
    out[:, IN_CARE] = in_care.reshape(shape[0], n_bands, n)
    return out


@dataclass
class EventLog:
    """What a run recorded, as arrays (any order unless said)."""

    t: np.ndarray  # level changes: day ...
    ch: np.ndarray  # ... channel (LEVELS kind * n + care type) ...
    d: np.ndarray  # ... and change (+1 or -1); in time order within a day's ties as logged
    count_t: np.ndarray  # counted events: day and channel (COUNTS kind * n + care type)
    count_ch: np.ndarray
    offer_start: np.ndarray  # youths who waited: the virtual stay they asked for (care type)
    offer_end: np.ndarray  # and their actual one (care type + n), see Model
    offer_ch: np.ndarray
    wait_t: np.ndarray  # delayed admissions: day, care type and days waited
    wait_ch: np.ndarray
    wait_days: np.ndarray


@dataclass
class Condensed:
    """A replication's result arrays (``ReplicationResult`` without its totals)."""

    levels: np.ndarray  # (n_months, 5, n_types): time-weighted monthly means of LEVELS
    counts: np.ndarray  # (n_months, 8, n_types): COUNTS per month
    demand_time: list[np.ndarray]  # per type: (n_years, levels) days at each demand level ...
    demand_low: list[int]  # ... from this lowest level on (a national stock is not 0 .. 20,000 wide)
    year_start: np.ndarray  # (n_years, n_types): youths in care (regional or elsewhere) on 1 January
    wait_days: np.ndarray  # (n_months, n_types): days waited by the month's admissions


def condense(plan: Plan, log: EventLog) -> Condensed:
    """The result arrays of one replication from its log."""
    n, calendar = plan.n_types, plan.calendar
    months, years = day_indices(calendar)
    n_months, n_years = calendar.n_months, len(years.edges) - 1
    t, ch, d = log.t, log.ch, log.d
    initial = np.asarray(plan.initial, dtype=float)

    start = np.zeros(OFFERED * n)
    start[:n] = initial
    logged = ch < OFFERED * n
    means = level_means(t[logged], ch[logged], d[logged], start, months)  # (months, channels)
    levels = np.zeros((n_months, len(LEVELS), n))
    levels[:, :OFFERED, :] = means.reshape(n_months, OFFERED, n)
    # The offered load: each request holds a virtual place for the stay it asked for. For
    # youths placed at once that is their active stay (in a place, not blocked); for those
    # who waited the virtual stay replaces the actual one.
    sign = np.where(log.offer_ch < n, 1.0, -1.0)
    virtual = level_means(
        np.concatenate([log.offer_start, log.offer_end]),
        np.concatenate([log.offer_ch % n, log.offer_ch % n]) if n else log.offer_ch,
        np.concatenate([sign, -sign]),
        np.zeros(n),
        months,
    )
    levels[:, OFFERED] = levels[:, OCCUPANCY] + levels[:, OVERFLOW] - levels[:, BLOCKED] + virtual

    counts = np.zeros((n_months, len(COUNTS), n))
    if len(log.count_t):
        flat = np.bincount(
            months(log.count_t) * len(COUNTS) * n + log.count_ch, minlength=n_months * len(COUNTS) * n
        )
        counts = flat.reshape(n_months, len(COUNTS), n).astype(float)
        # Requests were logged only for youths who waited: the others asked when admitted.
        counts[:, REQUESTS] += counts[:, ADMISSIONS] - counts[:, WAITED]
    wait_days: np.ndarray = np.zeros((n_months, n))
    if len(log.wait_t):
        wait_days = np.bincount(
            months(log.wait_t) * n + log.wait_ch, weights=log.wait_days, minlength=n_months * n
        ).reshape(n_months, n)

    # Youths in care on each 1 January: the changes strictly before it.
    kind, care = np.divmod(ch, n) if n else (ch, ch)
    in_care = (kind == OCCUPANCY) | (kind == OVERFLOW)
    moves = np.bincount(
        years(t[in_care]) * n + care[in_care], weights=d[in_care], minlength=n_years * n
    ).reshape(n_years, n)
    year_start = initial + np.concatenate([np.zeros((1, n)), np.cumsum(moves, axis=0)[:-1]])

    in_demand = in_care | (kind == WAITING)
    demand_t, demand_d, demand_care = t[in_demand], d[in_demand], care[in_demand]
    demand_time, demand_low = [], []
    for i in range(n):
        mine = demand_care == i
        times, deltas = demand_t[mine], demand_d[mine]
        low, histogram = time_at_level(times[deltas > 0], times[deltas < 0], plan.initial[i], years)
        demand_low.append(low)
        demand_time.append(histogram)
    return Condensed(levels, counts, demand_time, demand_low, year_start, wait_days)


@functools.lru_cache(maxsize=16)
def day_indices(calendar: Calendar) -> tuple[DayIndex, DayIndex]:
    """The month and year lookups of a calendar, made once per calendar (a worker runs many
    replications of one: computing the month edges took a third of a millisecond each time)."""
    return DayIndex(calendar.month_edges), DayIndex(calendar.year_edges)


class DayIndex:
    """The interval (month or year) of each day, for edges on whole days: a table lookup,
    several times faster than a binary search for the tens of thousands of records of a
    run. Days at or past the last edge fall in the last interval."""

    def __init__(self, edges: np.ndarray):
        whole = edges.astype(np.int64)
        if not np.array_equal(whole, edges):
            raise ValueError("interval edges must be whole days")
        self.edges = edges
        self._of_day = np.repeat(np.arange(len(edges) - 1), np.diff(whole))

    def __call__(self, days: np.ndarray) -> np.ndarray:
        """The interval index of each day (days >= 0)."""
        return self._of_day[np.minimum(days.astype(np.int64), len(self._of_day) - 1)]


def level_means(
    t: np.ndarray, channel: np.ndarray, delta: np.ndarray, start: np.ndarray, intervals: DayIndex
) -> np.ndarray:
    """Time-weighted mean per interval of step functions, one per channel (``start[c]`` at
    day 0, changed by ``delta`` at ``t``): array (intervals, channels)."""
    edges = intervals.edges
    n_intervals, n_channels = len(edges) - 1, len(start)
    widths = np.diff(edges)
    interval = intervals(t)
    after = np.maximum(edges[interval + 1] - t, 0.0)  # the part of the interval after the change
    key = channel * n_intervals + interval
    size = n_channels * n_intervals
    change = np.bincount(key, weights=delta, minlength=size).reshape(n_channels, n_intervals)
    late = np.bincount(key, weights=delta * after, minlength=size).reshape(n_channels, n_intervals)
    at_start = start[:, None] + np.concatenate(
        [np.zeros((n_channels, 1)), np.cumsum(change, axis=1)[:, :-1]], axis=1
    )
    return (at_start + late / widths).T


def time_at_level(
    ups: np.ndarray, downs: np.ndarray, start_level: int, years: DayIndex
) -> tuple[int, np.ndarray]:
    """Days spent at each level in each year of a level that starts at ``start_level`` and
    goes up by one on each day of ``ups`` and down by one on each of ``downs`` (any order):
    (lowest level, array (n_years, highest - lowest + 1)). The changes are put in time order
    by one quicksort (about twice as fast as sorting ups and downs and counting them with
    binary searches); of changes on the same day only the level after the last counts, so
    simultaneous changes never show a level they pass through."""
    year_edges = years.edges
    n_years = len(year_edges) - 1
    times = np.concatenate([ups, downs])
    order = np.argsort(times)
    days = times[order]
    level = start_level + np.cumsum(np.where(order < len(ups), 1, -1))
    last = np.append(days[1:] != days[:-1], True) if len(days) else np.zeros(0, bool)
    days, level = days[last], level[last]
    if not len(days) or days[0] > 0:  # the start level holds until the first change
        days = np.concatenate([[0.0], days])
        level = np.concatenate([[start_level], level])
    # Each year starts a new stretch at the level in force: after the changes before it.
    inner = year_edges[1:-1]
    at = np.searchsorted(days, inner, side="left")
    days = np.insert(days, at, inner)
    level = np.insert(level, at, level[at - 1])
    duration = np.diff(np.append(days, year_edges[-1]))
    low = int(level.min())
    width = int(level.max()) - low + 1
    flat = np.bincount(years(days) * width + level - low, weights=duration, minlength=n_years * width)
    return low, flat.reshape(n_years, width)
