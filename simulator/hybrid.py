"""The hybrid engine: the same model as ``simulator.model``, with the youths who do not
compete for a place simulated in bulk with numpy.

A care type without a capacity (in every period) admits every youth at once, so the youths
in such types do not interact: each one's path is a chain of independent stays. Those paths
are drawn here in vectorised rounds, with exactly the model of the reference engine (gamma
stays in mean stays in force, competing escalation hazards, policies that reach stays in
progress, routing with the shares in force when a stay ends; ``simulator.stays``). A youth
stays in bulk until it leaves care, the horizon comes, or it asks for a place in a care type
with a capacity (a limited type). From that request on it is a SimPy process of the
reference engine (``Model._youth``) for the rest of the run: it keeps its place while it
waits (a blocked bed), and the waiting list, placements elsewhere, maximum waits and
capacity changes are the reference engine's own code. A scenario without any capacity runs
entirely in bulk.

What changes is the order in which random numbers are drawn (a round of many youths at a
time instead of one event at a time), so a replication is a different, equally likely
realisation: the results are equal in distribution, which ``tests/test_engines.py`` checks
with z-tests on every output measure. The arrivals are the reference engine's, so a lower
inflow keeps a subset of the same arrivals, and a capacity does not change them.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable
from functools import partial

import numpy as np

from simulator import budget
from simulator.i18n import Message
from simulator.model import (
    ADMISSIONS,
    ADMITTED_YOUTHS,
    BLOCK,
    DISCHARGED,
    ESCALATED,
    ESCALATIONS,
    OCCUPANCY,
    ROUTING,
    STAYS,
    Model,
    ReplicationResult,
    _unit_gamma,
)
from simulator.settings import ENGINES
from simulator.stays import Segments, stay_days
from simulator.timeline import EXIT_INDEX


class Stream:
    """Draws of one random stream, taken in vectorised blocks (``take``) or one by one
    (``next``, for the SimPy part), in one order."""

    def __init__(self, generator: Callable[[int], np.ndarray]):
        self._generator = generator
        self._buffer = np.empty(0)
        self._as_list: list[float] | None = None  # the buffer as floats, for draws one by one
        self._position = 0

    def take(self, count: int) -> np.ndarray:
        """The next ``count`` draws."""
        left = len(self._buffer) - self._position
        if count > left:
            fresh = self._generator(max(BLOCK, count - left))
            self._buffer = np.concatenate([self._buffer[self._position :], fresh])
            self._as_list = None
            self._position = 0
        taken = self._buffer[self._position : self._position + count]
        self._position += count
        return taken

    def __iter__(self) -> Stream:
        return self

    def __next__(self) -> float:
        if self._position >= len(self._buffer):  # used up: a fresh block
            self._buffer, self._as_list, self._position = self._generator(BLOCK), None, 0
        if self._as_list is None:
            self._as_list = self._buffer.tolist()
        value = self._as_list[self._position]
        self._position += 1
        return value


def stay_days_many(
    segments: Segments, start: np.ndarray, x: np.ndarray, e: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``simulator.stays.stay_days`` for many stays of one care type at once: (durations in
    days, ended by escalation)."""
    starts = np.asarray(segments.starts)
    means = np.asarray(segments.mean_days)
    hazards = np.asarray(segments.hazard)
    last = len(starts) - 1
    if last == 0:  # constant parameters: the usual gamma stay cut short by an escalation
        regular = x * means[0]
        escalate = e / hazards[0] if hazards[0] > 0.0 else np.full(len(x), math.inf)
        return np.minimum(regular, escalate), escalate < regular
    duration = np.empty(len(x))
    escalated = np.empty(len(x), dtype=bool)
    k = np.searchsorted(starts, start, side="right") - 1
    t, x, e = start.astype(float), x.astype(float), e.astype(float)
    todo = np.arange(len(x))
    while len(todo):
        kk = k[todo]
        mean, hazard = means[kk], hazards[kk]
        regular = x[todo] * mean
        with np.errstate(divide="ignore", invalid="ignore"):
            escalate = np.where(hazard > 0.0, e[todo] / hazard, math.inf)
        needed = np.minimum(regular, escalate)
        next_start = starts[np.minimum(kk + 1, last)]
        done = (kk == last) | (t[todo] + needed <= next_start)
        finished = todo[done]
        duration[finished] = t[finished] + needed[done] - start[finished]
        escalated[finished] = escalate[done] < regular[done]
        going = todo[~done]  # the segment ends first: use up its share of both amounts
        span = next_start[~done] - t[going]
        x[going] -= span / mean[~done]
        e[going] -= span * hazard[~done]
        t[going] = next_start[~done]
        k[going] += 1
        todo = going
    return duration, escalated


class HybridModel(Model):
    """``HybridModel(plan, run_number, seed).run()``: one replication, the youths outside the
    limited care types in bulk (see the module's text)."""

    def _start(self) -> None:
        n, plan = self.n, self.plan
        # Streams that the bulk rounds take from in blocks and the SimPy part one by one.
        self.stay_draws = [
            Stream(self.rngs[(STAYS, i)].standard_exponential)
            if self.stay_shape[i] == 1.0
            else Stream(partial(_unit_gamma, self.rngs[(STAYS, i)], self.stay_shape[i]))
            for i in range(n)
        ]
        self.esc_draws = [Stream(self.rngs[(ESCALATIONS, i)].standard_exponential) for i in range(n)]
        self.route_draws = [Stream(self.rngs[(ROUTING, i)].random) for i in range(n)]
        # Counted by the bulk rounds (numpy) and by the SimPy youths (one at a time).
        self.transition_counts = np.zeros((n + 1) * (n + 1), dtype=np.int64)
        self.transitions = self.transition_counts  # type: ignore[assignment]
        self.epoch_start_array = np.asarray(self.epoch_starts)
        self.year_edge_array = np.asarray(self.year_edges)
        self.bulk_log: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.bulk_counts: list[tuple[np.ndarray, np.ndarray]] = []
        self.bulk_records = 0
        self.bulk_stays: list[tuple[np.ndarray, np.ndarray]] = []  # (start, end) of each stay in bulk
        self.bulk_exits: list[np.ndarray] = []  # days on which youths left care from the bulk path
        self.record_limit = budget.record_budget(plan)
        # What the SimPy youths do in unlimited types without events (see _continue_in_bulk).
        self.continue_in_bulk = self._continue_in_bulk
        self.later_log: tuple[list[float], list[int], list[int]] = ([], [], [])
        self.later_counts: tuple[list[float], list[int]] = ([], [])
        self.later_exits: list[float] = []
        self.later_in_care: list[tuple[float, float]] = []  # (from, until) of youths whose process ended

        # Stay ends in unlimited types (youths present at the start) and requests for one.
        ends = _Batch.empty()
        requests = _Batch.empty()
        handed: list[tuple[float, int, int, bool, int]] = []  # (day, youth, place, escalated, dest)
        youth = 0
        for i in range(n):
            durations, escalations = self._initial_stays(i)
            if self.limited[i]:
                for duration, escalated in zip(durations, escalations, strict=True):
                    self._spawn(self._youth(-1, i, (duration, escalated, None)))
            elif durations:
                count = len(durations)
                self.bulk_stays.append((np.zeros(count), np.asarray(durations)))
                ends = ends.plus(
                    _Batch(
                        np.arange(youth, youth + count),
                        np.asarray(durations),
                        np.full(count, i),
                        np.asarray(escalations),
                    )
                )
                youth += count
        times, types = self._arrival_times()
        self.arrival_days = arrival_t = np.asarray(times, dtype=float)
        arrival_type = np.asarray(types, dtype=np.int64)
        first_limited = (
            np.asarray([self.limited[i] for i in types], dtype=bool) if types else np.zeros(0, bool)
        )
        for t, i in zip(arrival_t[first_limited].tolist(), arrival_type[first_limited].tolist(), strict=True):
            handed.append((t, -1, -1, False, i))
        count = int((~first_limited).sum())
        requests = _Batch(
            np.arange(youth, youth + count),
            arrival_t[~first_limited],
            arrival_type[~first_limited],
            np.full(count, n),
        )
        youth += count
        self.last_year = np.full(
            (youth, n), -1, dtype=np.int64
        )  # year of each youth's last admission to each type

        while len(ends) or len(requests):  # one round: every youth in bulk takes one step
            more_requests, more_handed = self._end_stays(ends)
            handed.extend(more_handed)
            ends = self._admit(requests.plus(more_requests))
            requests = _Batch.empty()

        self.handover_days = np.sort([day for day, *_ in handed]) if handed else np.zeros(0)
        for day, youth_id, place, escalated, dest in handed:
            seen = (
                None
                if youth_id < 0
                else {d: int(y) for d, y in enumerate(self.last_year[youth_id]) if y >= 0}
            )
            self._spawn(self._youth(dest, place, (day, escalated, dest), seen))
        self.bulk_log_t: np.ndarray = np.concatenate([np.zeros(0), *(part[0] for part in self.bulk_log)])
        self.bulk_log_ch: np.ndarray = np.concatenate(
            [np.zeros(0, np.int64), *(part[1] for part in self.bulk_log)]
        )
        self.bulk_log_d: np.ndarray = np.concatenate(
            [np.zeros(0, np.int64), *(part[2] for part in self.bulk_log)]
        )
        starts, stay_ends = (
            zip(*self.bulk_stays, strict=True) if self.bulk_stays else ((np.zeros(0),), (np.zeros(0),))
        )
        self.bulk_stay_start, self.bulk_stay_end = (
            np.sort(np.concatenate(starts)),
            np.sort(np.concatenate(stay_ends)),
        )
        self.bulk_exit_days = np.concatenate(self.bulk_exits) if self.bulk_exits else np.zeros(0)
        self._start_capacity_changes()

    # ------------------------------------------------------------ the bulk rounds

    def _end_stays(self, ends: _Batch) -> tuple[_Batch, list[tuple[float, int, int, bool, int]]]:
        """Stays in unlimited types that end before the horizon: where they lead (the shares
        in force then). Returns the requests for unlimited types and the hand-overs to SimPy
        (requests for a limited type)."""
        n, horizon = self.n, self.plan.horizon
        ends = ends.select(ends.t < horizon)
        if not len(ends):
            return _Batch.empty(), []
        dest = self._route_many(ends.place, ends.flag, ends.t)
        leaving = ~np.isin(dest, np.flatnonzero(self.limited))  # released here: exit or an unlimited type
        left = ends.select(leaving)
        kind = np.where(left.flag, ESCALATED, DISCHARGED)
        self._log(left.t, OCCUPANCY * n + left.place, -1)
        self._count(left.t, kind * n + left.place)
        exits = dest[leaving] == EXIT_INDEX
        np.add.at(self.transition_counts, left.place[exits] * (n + 1) + n, 1)
        self.bulk_exits.append(left.t[exits])
        moving = left.select(~exits)
        requests = _Batch(moving.youth, moving.t, dest[leaving][~exits], moving.place)
        stay = ends.select(~leaving)  # asks for a limited type: SimPy takes it from here, in its place
        handed = list(
            zip(
                stay.t.tolist(),
                stay.youth.tolist(),
                stay.place.tolist(),
                stay.flag.tolist(),
                dest[~leaving].tolist(),
                strict=True,
            )
        )
        return requests, handed

    def _admit(self, requests: _Batch) -> _Batch:
        """Requests for unlimited types: admitted at once. Returns the stays they start."""
        n = self.n
        if not len(requests):
            return _Batch.empty()
        self._spend(3 * len(requests), float(requests.t.min()))
        duration = np.empty(len(requests))
        escalated = np.zeros(len(requests), dtype=bool)
        for d in np.unique(requests.place).tolist():
            where = np.flatnonzero(requests.place == d)
            x = self.stay_draws[d].take(len(where))
            e = self.esc_draws[d].take(len(where)) if self.can_escalate[d] else np.full(len(where), math.inf)
            duration[where], escalated[where] = stay_days_many(self.segments[d], requests.t[where], x, e)
        dest, t, youth = requests.place, requests.t, requests.youth
        self._log(t, dest, 1)
        self._count(t, ADMISSIONS * n + dest)
        self.bulk_stays.append((t, t + duration))
        np.add.at(self.transition_counts, requests.flag.astype(np.int64) * (n + 1) + dest, 1)
        year = np.searchsorted(self.year_edge_array, t, side="right")
        first = self.last_year[youth, dest] != year  # the youth's first admission to this type this year
        self._count(t[first], ADMITTED_YOUTHS * n + dest[first])
        self.last_year[youth, dest] = year
        return _Batch(youth, t + duration, dest, escalated)

    def _route_many(self, current: np.ndarray, escalated: np.ndarray, t: np.ndarray) -> np.ndarray:
        """``Model._route`` for many stays that end: one routing draw each, from the stream
        of the type they leave, with the shares of the epoch in force."""
        epochs = self.plan.epochs
        u = np.empty(len(current))
        for c in np.unique(current).tolist():
            where = np.flatnonzero(current == c)
            u[where] = self.route_draws[c].take(len(where))
        k = np.searchsorted(self.epoch_start_array, t, side="right") - 1
        dest = np.empty(len(current), dtype=np.int64)
        for c in np.unique(current).tolist():
            for flag in (False, True):
                for epoch_index in np.unique(k[(current == c) & (escalated == flag)]).tolist():
                    where = np.flatnonzero((current == c) & (escalated == flag) & (k == epoch_index))
                    j = epoch_index
                    if flag:
                        while j > 0 and epochs[j].escalation_total_per_day[c] <= 0.0:
                            j -= 1  # an escalation that ends exactly as a factor 0 starts: its own epoch
                        dests, cum = epochs[j].escalation_dests[c], epochs[j].escalation_cum[c]
                    else:
                        dests, cum = epochs[j].outflow_dests[c], epochs[j].outflow_cum[c]
                    pick = np.minimum(
                        np.searchsorted(np.asarray(cum), u[where], side="right"), len(dests) - 1
                    )
                    dest[where] = np.asarray(dests)[pick]
        return dest

    def _spend(self, records: int, day: float) -> None:
        """The budget of the bulk path, as the watchdog's of the SimPy part: a run that logs
        far more than its estimate stops with a message (``RunLimitError``)."""
        self.bulk_records += records
        if self.bulk_records > self.record_limit:
            raise budget.RunLimitError(
                Message(
                    "b_events",
                    run=self.run_number,
                    events=self.bulk_records,
                    max=self.record_limit,
                    day=round(day),
                )
            )

    def _log(self, t: np.ndarray, channel: np.ndarray, delta: int) -> None:
        self.bulk_log.append((t, channel, np.full(len(t), delta, dtype=np.int64)))

    def _count(self, t: np.ndarray, channel: np.ndarray) -> None:
        self.bulk_counts.append((t, channel))

    # ------------------------------------------------------------ results

    def _continue_in_bulk(
        self, current: int, end: float, escalated: bool, seen: dict[int, int]
    ) -> tuple[float, int, bool, int] | None:
        """A SimPy youth admitted to unlimited type ``current`` (its stay ends on ``end``):
        its following stays in unlimited types, one after the other without events, as the
        reference engine would run them. Returns (day, type it is in, ended by escalation,
        limited type it asks for) for the process to wait until, or None when it leaves care
        or is still in care at the horizon. What it does is logged with its own days; those
        records are merged in time order at the end (and counted by ``census`` up to now)."""
        n, horizon, now = self.n, self.plan.horizon, self.env.now
        log_t, log_ch, log_d = self.later_log
        count_t, count_ch = self.later_counts
        transitions = self.transition_counts
        while True:
            if end >= horizon:
                self.later_in_care.append((now, math.inf))
                return None
            dest = self._route(current, escalated, end)
            if dest != EXIT_INDEX and self.limited[dest]:
                return end, current, escalated, dest
            log_t.append(end)
            log_ch.append(OCCUPANCY * n + current)
            log_d.append(-1)
            count_t.append(end)
            count_ch.append((ESCALATED if escalated else DISCHARGED) * n + current)
            if dest == EXIT_INDEX:
                transitions[current * (n + 1) + n] += 1
                self.later_exits.append(end)
                self.later_in_care.append((now, end))
                return None
            transitions[current * (n + 1) + dest] += 1
            x = next(self.stay_draws[dest])
            e = next(self.esc_draws[dest]) if self.can_escalate[dest] else math.inf
            duration, next_escalated = stay_days(self.segments[dest], end, x, e)
            log_t.append(end)
            log_ch.append(dest)
            log_d.append(1)
            count_t.append(end)
            count_ch.append(ADMISSIONS * n + dest)
            year = bisect_right(self.year_edges, end)
            if seen.get(dest) != year:
                seen[dest] = year
                count_t.append(end)
                count_ch.append(ADMITTED_YOUTHS * n + dest)
            self._spend(3, end)
            current, escalated, end = dest, next_escalated, end + duration

    def census(self) -> dict[str, int]:
        """``Model.census`` at the current day, the bulk path's youths included: those in a
        stay in bulk and those who left care from it. A youth handed to SimPy later is in its
        bulk stay until then (its process waits, and is not counted as alive)."""
        now = self.env.now
        found = super().census()
        settled = self.bulk_log_t <= now
        occupancy = self.bulk_log_ch[settled] < self.n
        found["arrived"] = int(np.searchsorted(self.arrival_days, now, side="right"))
        found["exited"] += int((self.bulk_exit_days <= now).sum()) + sum(
            day <= now for day in self.later_exits
        )
        found["in_places"] += int(self.bulk_log_d[settled][occupancy].sum()) + sum(
            d for t, ch, d in zip(*self.later_log, strict=True) if t <= now and ch < self.n
        )
        if self.record:
            in_bulk = np.searchsorted(self.bulk_stay_start, now, side="right") - np.searchsorted(
                self.bulk_stay_end, now, side="right"
            )
            not_started = len(self.handover_days) - np.searchsorted(self.handover_days, now, side="right")
            found["alive"] += int(in_bulk) - int(not_started)
            found["alive"] += sum(start <= now < until for start, until in self.later_in_care)
        return found

    def run(self) -> ReplicationResult:
        """Simulate the limited care types with SimPy; merge the bulk path's logs in."""
        self._watchdog_started = True
        self.env.process(self._watchdog(self.record_limit))
        self.env.run(until=self.plan.horizon)
        later_t, later_ch, later_d = self.later_log
        t = np.concatenate(
            [np.asarray(self.log_t, dtype=float), self.bulk_log_t, np.asarray(later_t, dtype=float)]
        )
        channel = np.concatenate(
            [np.asarray(self.log_ch, dtype=np.int64), self.bulk_log_ch, np.asarray(later_ch, dtype=np.int64)]
        )
        delta = np.concatenate(
            [np.asarray(self.log_d, dtype=np.int64), self.bulk_log_d, np.asarray(later_d, dtype=np.int64)]
        )
        order = np.argsort(t, kind="stable")  # the levels are integrated in time order
        self.log_t, self.log_ch, self.log_d = t[order], channel[order], delta[order]  # type: ignore[assignment]
        self.count_t = np.concatenate(
            [
                np.asarray(self.count_t, dtype=float),
                *(part[0] for part in self.bulk_counts),
                np.asarray(self.later_counts[0], dtype=float),
            ]
        )  # type: ignore[assignment]
        self.count_ch = np.concatenate(
            [
                np.asarray(self.count_ch, dtype=np.int64),
                *(part[1] for part in self.bulk_counts),
                np.asarray(self.later_counts[1], dtype=np.int64),
            ]
        )  # type: ignore[assignment]
        result = self.result()
        result.arrivals = len(self.arrival_days)
        result.exits += len(self.bulk_exit_days) + len(self.later_exits)
        return result

    def release(self) -> None:
        """``Model.release``, and the bulk path's records."""
        super().release()
        self.continue_in_bulk = None  # a reference to itself
        self.bulk_log, self.bulk_counts, self.bulk_stays = [], [], []
        empty = np.zeros(0)
        self.bulk_log_t, self.bulk_log_ch, self.bulk_log_d = empty, empty, empty
        self.bulk_stay_start, self.bulk_stay_end, self.bulk_exit_days = empty, empty, empty
        self.later_log, self.later_counts, self.later_exits, self.later_in_care = (
            ([], [], []),
            ([], []),
            [],
            [],
        )
        self.last_year = np.zeros((0, self.n), dtype=np.int64)


class _Batch:
    """Youths in one step of the bulk path: their ids, a time, a care type (the place they
    are in, or the type they ask for) and a flag (the stay ended by escalation, or for a
    request the type it comes from: n for new)."""

    __slots__ = ("flag", "place", "t", "youth")

    def __init__(self, youth: np.ndarray, t: np.ndarray, place: np.ndarray, flag: np.ndarray):
        self.youth, self.t, self.place, self.flag = youth, t, place.astype(np.int64), flag

    @classmethod
    def empty(cls) -> _Batch:
        return cls(np.zeros(0, np.int64), np.zeros(0), np.zeros(0, np.int64), np.zeros(0, np.int64))

    def __len__(self) -> int:
        return len(self.t)

    def select(self, keep: np.ndarray) -> _Batch:
        return _Batch(self.youth[keep], self.t[keep], self.place[keep], self.flag[keep])

    def plus(self, other: _Batch) -> _Batch:
        if not len(other):
            return self
        if not len(self):
            return other
        return _Batch(
            np.concatenate([self.youth, other.youth]),
            np.concatenate([self.t, other.t]),
            np.concatenate([self.place, other.place]),
            np.concatenate([self.flag, other.flag]),
        )


def model_class(engine: str) -> type[Model]:
    """The engine by name: ``simpy`` (the reference: every youth a SimPy process) or ``hybrid``."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}: choose one of {', '.join(ENGINES)}")
    return HybridModel if engine == "hybrid" else Model
