"""The hybrid engine: the same model as ``simulator.model``, with the youths who do not
compete for a place simulated in bulk with numpy.

A care type without a capacity (in every period) admits every youth at once, so the youths
in such types do not interact: each one's path is a chain of independent stays. Those paths
are drawn here in vectorised rounds, with exactly the model of the reference engine (gamma
stays in mean stays in force, competing escalation hazards, policies that reach stays in
progress, routing with the shares in force when a stay ends; ``simulator.stays``).

Care types with a capacity come in two kinds:
- Where every one of them places a youth elsewhere when it is full (``when_full:
  elsewhere``), nobody ever waits: a youth's stay, and so its whole path, is the same whether
  it gets a regional place or one elsewhere. Everything then runs in bulk, and afterwards
  each limited type's requests are taken in time order (``HybridModel._scan``): a request
  gets a regional place if the places held by earlier youths, less those they left before
  it, leave one free under the capacity in force, else a place elsewhere. That is the
  reference engine's admission rule, event for event; only no event loop is needed for it.
- Where a limited type keeps a waiting list, youths interact: one who waits keeps its place
  (a blocked bed) and starts its stay later. A youth in bulk that asks for a place in a
  limited type becomes a SimPy process of the reference engine (``Model._youth``) from that
  request on, in the place it holds, so the waiting list, placements elsewhere, maximum
  waits and capacity changes are the reference engine's own code. Back in a type without a
  capacity it walks its next stays without events (``_continue_in_bulk``) until it asks for
  a limited type again.
A scenario without any capacity runs entirely in bulk.

What changes is the order in which random numbers are drawn (a round of many youths at a
time instead of one event at a time), so a replication is a different, equally likely
realisation: the results are equal in distribution, which ``tests/test_engines.py`` checks
with z-tests on every output measure. The arrivals are the reference engine's, so a lower
inflow keeps a subset of the same arrivals, and a capacity does not change them.
"""

from __future__ import annotations

import heapq
import math
from bisect import bisect_right
from functools import partial

import numpy as np

from simulator import budget
from simulator.eventlog import AgeLog, EventLog, day_indices
from simulator.i18n import Message
from simulator.model import (
    ADMISSIONS,
    ADMITTED_YOUTHS,
    AGED_OUT,
    BLOCKED,
    DELAYED,
    DISCHARGE,
    DISCHARGED,
    ESCALATED,
    ESCALATION,
    HANDED,
    OCCUPANCY,
    OVERFLOW,
    PLACED_ELSEWHERE,
    STILL,
    Model,
    ReplicationResult,
)
from simulator.settings import DAYS_PER_YEAR, ENGINES
from simulator.stays import Segments, aged_stay_days, aged_stay_days_many, passed, stay_days
from simulator.streams import ESCALATIONS, ROUTING, STAYS, Stream, unit_gamma
from simulator.timeline import EXIT_INDEX, Plan

# How a bulk stay ended (its flag: 0 regular, 1 by escalation, 2 at the age limit) as the kind
# of its by-age record.
END_KINDS = np.asarray([DISCHARGE, ESCALATION, AGED_OUT])


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


class Routes:
    """Where stays lead, for many stays at once: the routing of every epoch as lookup tables
    (``Model._route``: the shares in force when the stay ends, an escalation that ends exactly
    as a factor 0 starts in its own epoch)."""

    def __init__(self, plan: Plan):
        n, epochs = plan.n_types, plan.epochs
        width = n + 2  # at most n + 1 destinations (the care types and exit), and one past the end
        flags = 3 if plan.age is not None else 2  # regular end, escalation, age limit
        self.starts = np.asarray([epoch.start_day for epoch in epochs])
        self.cum = np.full((len(epochs), n, flags, width), math.inf)
        self.dest = np.full((len(epochs), n, flags, width), EXIT_INDEX, dtype=np.int64)
        for k, epoch in enumerate(epochs):
            for c in range(n):
                j = k
                while j > 0 and epochs[j].escalation_total_per_day[c] <= 0.0:
                    j -= 1
                choices = [
                    (epoch.outflow_dests[c], epoch.outflow_cum[c]),
                    (epochs[j].escalation_dests[c], epochs[j].escalation_cum[c]),
                ]
                if flags == 3:
                    choices.append((epoch.age_dests[c], epoch.age_cum[c]))
                for flag, (dests, cum) in enumerate(choices):
                    if dests:
                        self.cum[k, c, flag, : len(cum)] = cum
                        self.dest[k, c, flag, : len(dests)] = dests
                        self.dest[k, c, flag, len(dests) :] = dests[-1]  # u at or above the last share

    def pick(self, current: np.ndarray, escalated: np.ndarray, t: np.ndarray, u: np.ndarray) -> np.ndarray:
        """The destination of each stay of type ``current`` ending on day ``t`` (``escalated``:
        0 regular, 1 by escalation, 2 at the age limit), for its uniform draw ``u``: the first
        whose cumulative share exceeds u."""
        if len(self.starts) == 1:
            epoch = np.zeros(len(t), dtype=np.int64)
        else:
            epoch = np.searchsorted(self.starts, t, side="right") - 1
        flag = escalated.astype(np.int64)
        passed = (self.cum[epoch, current, flag] <= u[:, None]).sum(axis=1)
        return self.dest[epoch, current, flag, passed]


class HybridModel(Model):
    """``HybridModel(plan, run_number, seed).run()``: one replication, the youths outside the
    limited care types in bulk (see the module's text)."""

    def _start(self) -> None:
        n, plan = self.n, self.plan
        # Streams that the bulk rounds take from in blocks and the SimPy part one by one.
        self.stay_streams = [
            Stream(self.rngs[(STAYS, i)].standard_exponential)
            if self.stay_shape[i] == 1.0
            else Stream(partial(unit_gamma, self.rngs[(STAYS, i)], self.stay_shape[i]))
            for i in range(n)
        ]
        self.esc_streams = [Stream(self.rngs[(ESCALATIONS, i)].standard_exponential) for i in range(n)]
        self.route_streams = [Stream(self.rngs[(ROUTING, i)].random) for i in range(n)]
        self.stay_draws = list(self.stay_streams)  # the same streams, one by one, for the SimPy part
        self.esc_draws = list(self.esc_streams)
        self.route_draws = list(self.route_streams)
        self.routes = Routes(plan)
        # Care types whose stays take the same parameters all run (most of them): their stays
        # in one expression; the others through stay_days_many.
        self.constant = np.asarray([s.constant for s in self.segments])
        self.first_mean = np.asarray([s.mean_days[0] for s in self.segments])
        self.first_hazard = np.asarray([s.hazard[0] for s in self.segments])
        self.escalates = np.asarray(self.can_escalate)
        # Where nothing waits (every limited type places a full one elsewhere), a youth's path
        # does not depend on who gets a regional place: everything runs in bulk and each
        # limited type's admissions are decided afterwards, in time order (_scan). Otherwise
        # the limited types are SimPy's (handed over).
        scan = runs_in_bulk(plan)
        self.scanned = np.asarray([self.limited[i] and scan for i in range(n)], dtype=bool)
        self.handed = np.asarray([self.limited[i] and not scan for i in range(n)], dtype=bool)
        self.handed_or_exit = np.append(self.handed, False)  # indexed by dest, exit (-1) last
        # Counted by the bulk rounds (numpy); the SimPy youths count in the reference
        # engine's list (self.transitions: a numpy element costs far more one at a time).
        self.transition_counts = np.zeros((n + 1) * (n + 1), dtype=np.int64)
        self.year_of = day_indices(plan.calendar)[1]
        self.bulk_log: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.bulk_counts: list[tuple[np.ndarray, np.ndarray]] = []
        self.bulk_waits: list[tuple[np.ndarray, np.ndarray]] = []  # placements elsewhere (scan)
        self.bulk_records = 0
        self.bulk_stays: list[
            tuple[np.ndarray, np.ndarray]
        ] = []  # (start, end) of each stay in bulk (record)
        self.bulk_exits: list[np.ndarray] = []  # days on which youths left care from the bulk path
        self.scan_requests: list[list[tuple[np.ndarray, np.ndarray]]] = [[] for _ in range(n)]
        self.record_limit = budget.record_budget(plan)
        # What the SimPy youths do in unlimited types without events (see _continue_in_bulk).
        self.continue_in_bulk = self._continue_in_bulk
        self.later_log: tuple[list[float], list[int], list[int]] = ([], [], [])
        self.later_counts: tuple[list[float], list[int]] = ([], [])
        self.later_exits: list[float] = []
        self.later_in_care: list[tuple[float, float]] = []  # (from, until) of youths whose process ended

        # Age (issue 16): per youth in bulk its day of birth and when its stay began, and a
        # record of each placement as it ends (the SimPy youths keep theirs in age_records).
        self.limit_days = np.asarray([r.limit for r in plan.age.rules]) if plan.age is not None else None
        self.age_tables: tuple[list[float], np.ndarray, np.ndarray, np.ndarray] | None = None
        self.all_simple = True
        if plan.age is not None:  # for _aged_stays: the bands by the scenario's edges (in days)
            edges = np.asarray(plan.age.edges_years, dtype=float) * DAYS_PER_YEAR
            factors = np.ones((n, len(edges)))
            for i, rule in enumerate(plan.age.rules):
                factors[i, : len(rule.stay_factor)] = rule.stay_factor
            simple = np.asarray(
                [s.constant and not r.varies for s, r in zip(self.segments, plan.age.rules, strict=True)]
            )
            self.age_tables = (
                edges[1:].tolist(),
                factors,
                np.asarray([r.limit for r in plan.age.rules]),
                simple,
            )
            self.all_simple = bool(simple.all())
        self.bulk_ages: list[tuple[np.ndarray, ...]] = []  # (start, end, type, birth, kind, new)
        births: list[np.ndarray] = []
        # The youths present at the start: a stay in progress each.
        stays = _Batch.empty()
        handed: list[tuple[float, int, int, int, int]] = []  # (day, youth, place, how it ended, dest)
        youth = 0
        initial_ends: list[np.ndarray] = [np.zeros(0)] * n
        for i in range(n):
            if self.age is not None:
                remaining, thresholds, born = self._initial_aged_amounts(i)
                duration, ends_by_escalation, aged = aged_stay_days_many(
                    self.segments[i],
                    self.age.rules[i],
                    np.zeros(len(remaining)),
                    born,
                    remaining,
                    thresholds,
                    np.ones(len(remaining)),
                )
                how = np.where(aged, 2, ends_by_escalation.astype(np.int64))
            else:
                remaining, thresholds = self._initial_amounts(i)
                born = np.full(len(remaining), math.nan)
                duration, ends_by_escalation = stay_days_many(
                    self.segments[i], np.zeros(len(remaining)), remaining, thresholds
                )
                how = ends_by_escalation.astype(np.int64)
            if not len(remaining):
                continue
            if self.handed[i]:
                for days, flag, birth in zip(duration.tolist(), how.tolist(), born.tolist(), strict=True):
                    record = self.age_records.open(0.0, i, birth, False) if self.age is not None else -1
                    self._spawn(self._youth(-1, i, (days, flag == 1, None, flag == 2), None, birth, record))
                continue
            count = len(duration)
            if self.record:
                self.bulk_stays.append((np.zeros(count), duration))
            initial_ends[i] = duration
            stays = stays.plus(_Batch(np.arange(youth, youth + count), duration, np.full(count, i), how))
            births.append(born)
            youth += count
        self.initial_ends = initial_ends
        # The inflow: requests from outside (flag n: new).
        arrival_t, arrival_type = self._arrivals_by_type()  # the bulk rounds need no time order
        arrival_birth = self._births(arrival_t, arrival_type)
        self.arrival_days = np.sort(arrival_t)
        to_simpy = self.handed[arrival_type] if len(arrival_type) else np.zeros(0, bool)
        self.handed_new = list(
            zip(
                arrival_t[to_simpy].tolist(),
                arrival_type[to_simpy].tolist(),
                arrival_birth[to_simpy].tolist(),
                strict=True,
            )
        )
        count = int((~to_simpy).sum())
        requests = _Batch(
            np.arange(youth, youth + count), arrival_t[~to_simpy], arrival_type[~to_simpy], np.full(count, n)
        )
        births.append(arrival_birth[~to_simpy])
        youth += count
        self.last_year = np.full(
            (youth, n), -1, dtype=np.int64
        )  # year of each youth's last admission to each type
        self.birth = np.concatenate([np.zeros(0), *births])  # by youth id (NaN without age)
        self.since = np.zeros(youth)  # day the youth's current stay began (0: at the start)
        self.new = np.zeros(youth, dtype=bool)  # the current stay is an admission (not at the start)

        while len(stays) or len(requests):  # one round: every youth in bulk takes one step
            more_requests, more_handed = self._end_stays(stays)
            handed.extend(more_handed)
            stays = self._admit(requests.plus(more_requests))
            requests = _Batch.empty()
        for i in np.flatnonzero(self.scanned).tolist():
            self._scan(i)

        days = [day for day, *_ in handed] + [day for day, *_ in self.handed_new]
        self.handover_days = np.sort(days) if days else np.zeros(0)
        for day, i, birth in self.handed_new:
            self._spawn(self._youth(-1, -1, (day, False, i, False), None, birth))
        for day, youth_id, place, flag, dest in handed:
            seen = {d: int(y) for d, y in enumerate(self.last_year[youth_id]) if y >= 0}
            birth = float(self.birth[youth_id])
            # SimPy keeps the youth's record from the hand-over (its bulk record ends there).
            record = self.age_records.open(day, place, birth, False) if self.age is not None else -1
            self._spawn(self._youth(dest, place, (day, flag == 1, dest, flag == 2), seen, birth, record))
        self.bulk_log_t: np.ndarray = np.concatenate([np.zeros(0), *(part[0] for part in self.bulk_log)])
        self.bulk_log_ch: np.ndarray = np.concatenate(
            [np.zeros(0, np.int64), *(part[1] for part in self.bulk_log)]
        )
        self.bulk_log_d: np.ndarray = np.concatenate(
            [np.zeros(0, np.int64), *(part[2] for part in self.bulk_log)]
        )
        self.bulk_stay_start, self.bulk_stay_end = np.zeros(0), np.zeros(0)
        if self.record and self.bulk_stays:  # census counts the youths alive (tests)
            starts, stay_ends = zip(*self.bulk_stays, strict=True)
            self.bulk_stay_start = np.sort(np.concatenate(starts))
            self.bulk_stay_end = np.sort(np.concatenate(stay_ends))
        self.bulk_exit_days = np.concatenate(self.bulk_exits) if self.bulk_exits else np.zeros(0)
        self._start_capacity_changes()

    # ------------------------------------------------------------ the bulk rounds

    def _end_stays(self, stays: _Batch) -> tuple[_Batch, list[tuple[float, int, int, int, int]]]:
        """Stays in bulk that end before the horizon: where they lead (the shares in force
        then). Returns the requests for types in bulk and the hand-overs to SimPy (requests
        for a limited type that keeps a waiting list)."""
        n, horizon = self.n, self.plan.horizon
        ageing = self.age is not None
        if ageing:
            still = stays.select(stays.t >= horizon)
            self._record_ages(still, np.full(len(still), STILL))
        ends = stays.select(stays.t < horizon)
        if not len(ends):
            return _Batch.empty(), []
        u = _one_each(self.route_streams, ends.place, n)
        dest = self.routes.pick(ends.place, ends.flag, ends.t, u)
        if ageing:
            dest = self._fit_ages(dest, ends)
        to_simpy = self.handed_or_exit[dest]
        handed: list[tuple[float, int, int, int, int]] = []
        if to_simpy.any():  # SimPy takes it from here, in its place
            stay = ends.select(to_simpy)
            handed = list(
                zip(
                    stay.t.tolist(),
                    stay.youth.tolist(),
                    stay.place.tolist(),
                    stay.flag.tolist(),
                    dest[to_simpy].tolist(),
                    strict=True,
                )
            )
            if ageing:
                self._record_ages(stay, np.full(len(stay), HANDED))
            ends, dest = ends.select(~to_simpy), dest[~to_simpy]
        if ageing:
            self._record_ages(ends, END_KINDS[ends.flag])
        kind = np.where(ends.flag == 1, ESCALATED, DISCHARGED)
        released = ~self.scanned[ends.place]  # a scanned type's places are logged by _scan
        self._log(ends.t[released], OCCUPANCY * n + ends.place[released], -1)
        self._count(ends.t, kind * n + ends.place)
        exits = dest == EXIT_INDEX
        self.transition_counts += np.bincount(ends.place[exits] * (n + 1) + n, minlength=(n + 1) * (n + 1))
        self.bulk_exits.append(ends.t[exits])
        moving = ends.select(~exits)
        return _Batch(moving.youth, moving.t, dest[~exits], moving.place), handed

    def _admit(self, requests: _Batch) -> _Batch:
        """Requests for types in bulk: admitted at once (in a scanned type to a place decided
        later). Returns the stays they start."""
        n = self.n
        if not len(requests):
            return _Batch.empty()
        self._spend(3 * len(requests), float(requests.t.min()))
        dest, t, youth = requests.place, requests.t, requests.youth
        duration, escalated = self._stays(dest, t, youth)
        end = t + duration
        scanned = self.scanned[dest]
        self._log(t[~scanned], dest[~scanned], 1)
        for i in np.unique(dest[scanned]).tolist():
            mine = dest == i
            self.scan_requests[i].append((t[mine], end[mine]))
        self._count(t, ADMISSIONS * n + dest)
        if self.record:
            self.bulk_stays.append((t, end))
        self.transition_counts += np.bincount(requests.flag * (n + 1) + dest, minlength=(n + 1) * (n + 1))
        year = self.year_of(t) + 1  # as bisect_right(year_edges, t), as the SimPy youths count
        first = self.last_year[youth, dest] != year  # the youth's first admission to this type this year
        self._count(t[first], ADMITTED_YOUTHS * n + dest[first])
        self.last_year[youth, dest] = year
        self.since[youth] = t
        self.new[youth] = True
        return _Batch(youth, end, dest, escalated)

    def _stays(self, dest: np.ndarray, t: np.ndarray, youth: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Stays that start on days t in care types dest: (days, how they end: 0 regular, 1 by
        escalation, 2 at the age limit)."""
        x = _one_each(self.stay_streams, dest, self.n)
        e = np.full(len(dest), math.inf)
        can = self.escalates[dest]
        if can.any():
            e[can] = _one_each(self.esc_streams, dest[can], self.n)
        if self.age is not None:
            return self._aged_stays(dest, t, youth, x, e)
        regular = x * self.first_mean[dest]
        hazard = self.first_hazard[dest]
        escalate = np.divide(e, hazard, out=np.full(len(dest), math.inf), where=hazard > 0.0)
        duration, escalated = np.minimum(regular, escalate), escalate < regular
        for i in np.unique(dest[~self.constant[dest]]).tolist():  # parameters that change
            mine = dest == i
            duration[mine], escalated[mine] = stay_days_many(self.segments[i], t[mine], x[mine], e[mine])
        return duration, escalated

    def _aged_stays(
        self, dest: np.ndarray, t: np.ndarray, youth: np.ndarray, x: np.ndarray, e: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """``_stays`` with age. Where neither the parameters nor the escalation factors change
        during a stay (most types), all types at once: the stay factor of the band the stay
        starts in, the usual stay cut short by an escalation, and the age limit; the others
        through ``aged_stay_days_many`` (the same rule)."""
        assert self.age_tables is not None
        inner, stay_factor, limits, simple = self.age_tables
        birth = self.birth[youth]
        band = passed(inner, t - birth)
        factor = stay_factor[dest, band]
        regular = x * factor * self.first_mean[dest]
        hazard = self.first_hazard[dest]
        escalate = np.divide(e, hazard, out=np.full(len(dest), math.inf), where=hazard > 0.0)
        duration = np.minimum(regular, escalate)
        how = (escalate < regular).astype(np.int64)
        left = birth + limits[dest] - t  # days to the age limit
        aged = duration >= left
        duration[aged], how[aged] = np.maximum(left[aged], 0.0), 2
        rules = self.age.rules if self.age is not None else ()
        if self.all_simple:
            return duration, how
        for i in np.unique(dest[~simple[dest]]).tolist():
            mine = np.flatnonzero(dest == i)
            days, escalated, at_limit = aged_stay_days_many(
                self.segments[i], rules[i], t[mine], birth[mine], x[mine], e[mine], factor[mine]
            )
            duration[mine] = days
            how[mine] = np.where(at_limit, 2, escalated.astype(np.int64))
        return duration, how

    def _fit_ages(self, dest: np.ndarray, ends: _Batch) -> np.ndarray:
        """``Model._fit_age`` for the stays in ``ends``: a youth at or past its destination's
        age limit goes where that type sends youths at its limit."""
        assert self.limit_days is not None
        birth = self.birth[ends.youth]
        while True:
            too_old = (dest != EXIT_INDEX) & (ends.t >= birth + self.limit_days[np.maximum(dest, 0)])
            if not too_old.any():
                return dest
            at = np.flatnonzero(too_old)
            u = _one_each(self.route_streams, dest[at], self.n)
            dest[at] = self.routes.pick(dest[at], np.full(len(at), 2), ends.t[at], u)

    def _record_ages(self, stays: _Batch, kind: np.ndarray) -> None:
        """The by-age records of placements in bulk that end (or, all STILL, run past the
        horizon)."""
        if len(stays):
            youth = stays.youth
            end = np.full(len(stays), math.inf) if kind[0] == STILL else stays.t
            self.bulk_ages.append(
                (self.since[youth], end, stays.place, self.birth[youth], kind, self.new[youth])
            )

    def _scan(self, i: int) -> None:
        """Admissions to limited type i where a full type places youths elsewhere: each
        request in time order gets a regional place if one is free (the places held less
        those released before it), else a place elsewhere. Stays are the same either way."""
        n, horizon = self.n, self.plan.horizon
        parts = self.scan_requests[i]
        t = np.concatenate([np.zeros(0), *(p[0] for p in parts)])
        end = np.concatenate([np.zeros(0), *(p[1] for p in parts)])
        order = np.argsort(t)  # ties (the same day) are for the one that asks first: none
        t, end = t[order], end[order]
        changes = self.plan.capacity_changes[i]
        change_days = np.asarray([day for day, _ in changes])
        places = np.asarray([count for _, count in changes])[
            np.searchsorted(change_days, t, side="right") - 1
        ]
        held = self.initial_ends[i].tolist()  # release days of the regional places in use
        heapq.heapify(held)
        regional = np.zeros(len(t), dtype=bool)
        for k, (day, leaves, free) in enumerate(zip(t.tolist(), end.tolist(), places.tolist(), strict=True)):
            while held and held[0] < day:  # left before this request (its own place only after it)
                heapq.heappop(held)
            if len(held) < free:
                heapq.heappush(held, leaves)
                regional[k] = True
        channel = np.where(regional, OCCUPANCY * n + i, OVERFLOW * n + i)
        self._log(t, channel, 1)
        left = end < horizon
        self._log(end[left], channel[left], -1)
        initial_left = self.initial_ends[i][self.initial_ends[i] < horizon]
        self._log(initial_left, np.full(len(initial_left), OCCUPANCY * n + i), -1)
        away = t[~regional]
        self._count(away, np.full(len(away), PLACED_ELSEWHERE * n + i))
        self._count(away, np.full(len(away), DELAYED * n + i))
        self.bulk_waits.append((away, np.full(len(away), i)))
        self.scan_requests[i] = []

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
        self,
        current: int,
        end: float,
        escalated: bool,
        seen: dict[int, int],
        aged: bool = False,
        birth: float = math.nan,
        record: int = -1,
    ) -> tuple[float, int, bool, int, bool, int] | None:
        """A SimPy youth admitted to unlimited type ``current`` (its stay ends on ``end``):
        its following stays in unlimited types, one after the other without events, as the
        reference engine would run them. Returns (day, type it is in, ended by escalation,
        limited type it asks for, ended at the age limit, its by-age record) for the process
        to wait until, or None when it leaves care or is still in care at the horizon. What
        it does is logged with its own days; those records are merged in time order at the
        end (and counted by ``census`` up to now)."""
        n, horizon, now = self.n, self.horizon, self.env.now
        log_t, log_ch, log_d = self.later_log
        count_t, count_ch = self.later_counts
        transitions = self.transitions
        age = self.age
        while True:
            if end >= horizon:
                self.later_in_care.append((now, math.inf))
                return None
            dest = self._age_route(current, end) if aged else self._route(current, escalated, end)
            if age is not None and dest != EXIT_INDEX:
                dest = self._fit_age(dest, birth, end)
            if dest != EXIT_INDEX and self.limited[dest]:
                return end, current, escalated, dest, aged, record
            log_t.append(end)
            log_ch.append(OCCUPANCY * n + current)
            log_d.append(-1)
            count_t.append(end)
            count_ch.append((ESCALATED if escalated else DISCHARGED) * n + current)
            if age is not None:
                self.age_records.close(
                    record, end, AGED_OUT if aged else ESCALATION if escalated else DISCHARGE
                )
            if dest == EXIT_INDEX:
                transitions[current * (n + 1) + n] += 1
                self.later_exits.append(end)
                self.later_in_care.append((now, end))
                return None
            transitions[current * (n + 1) + dest] += 1
            x = next(self.stay_draws[dest])
            e = next(self.esc_draws[dest]) if self.can_escalate[dest] else math.inf
            if age is not None:
                rule = age.rules[dest]
                factor = rule.stay_factor[rule.band(end - birth)]
                duration, next_escalated, aged = aged_stay_days(
                    self.segments[dest], rule, end, birth, x, e, factor
                )
                record = self.age_records.open(end, dest, birth, True)
            else:
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
        away = (self.bulk_log_ch[settled] >= OVERFLOW * self.n) & (
            self.bulk_log_ch[settled] < BLOCKED * self.n
        )
        found["elsewhere"] += int(self.bulk_log_d[settled][away].sum())
        if self.record:
            in_bulk = np.searchsorted(self.bulk_stay_start, now, side="right") - np.searchsorted(
                self.bulk_stay_end, now, side="right"
            )
            not_started = len(self.handover_days) - np.searchsorted(self.handover_days, now, side="right")
            found["alive"] += int(in_bulk) - int(not_started)
            found["alive"] += sum(start <= now < until for start, until in self.later_in_care)
        return found

    def run(self) -> ReplicationResult:
        """Simulate the limited care types with SimPy; add the bulk path's records."""
        if self.handed.any():  # SimPy youths: the watchdog keeps their records within budget
            self._watchdog_started = True
            self.env.process(self._watchdog(self.record_limit))
        # (All in bulk, the rounds kept to the budget themselves: _spend.)
        self.env.run(until=self.plan.horizon)
        result = self.result()
        result.transitions = result.transitions + self.transition_counts.reshape(self.n + 1, self.n + 1)
        result.arrivals = len(self.arrival_days)
        result.exits += len(self.bulk_exit_days) + len(self.later_exits)
        return result

    def age_log(self) -> AgeLog:
        """The by-age records of the SimPy youths and of the bulk path."""
        parts = [super().age_log(), *(AgeLog(*part) for part in self.bulk_ages)]
        return AgeLog.joined(parts)

    def event_log(self) -> EventLog:
        """The SimPy part's records, the bulk path's and those of SimPy youths in bulk, in
        that order (not in time order: ``simulator.eventlog`` needs none)."""
        own = super().event_log()
        later_t, later_ch, later_d = self.later_log
        waits = self.bulk_waits
        return EventLog(
            t=np.concatenate([own.t, self.bulk_log_t, np.asarray(later_t, dtype=float)]),
            ch=np.concatenate([own.ch, self.bulk_log_ch, np.asarray(later_ch, dtype=np.int64)]),
            d=np.concatenate([own.d, self.bulk_log_d, np.asarray(later_d, dtype=np.int64)]),
            count_t=np.concatenate(
                [
                    own.count_t,
                    *(part[0] for part in self.bulk_counts),
                    np.asarray(self.later_counts[0], dtype=float),
                ]
            ),
            count_ch=np.concatenate(
                [
                    own.count_ch,
                    *(part[1] for part in self.bulk_counts),
                    np.asarray(self.later_counts[1], dtype=np.int64),
                ]
            ),
            offer_start=own.offer_start,
            offer_end=own.offer_end,
            offer_ch=own.offer_ch,
            wait_t=np.concatenate([own.wait_t, *(part[0] for part in waits)]),
            wait_ch=np.concatenate([own.wait_ch, *(part[1] for part in waits)]),
            wait_days=np.concatenate([own.wait_days, *(np.zeros(len(part[0])) for part in waits)]),
        )

    def release(self) -> None:
        """``Model.release``, and the bulk path's records."""
        super().release()
        self.continue_in_bulk = None  # a reference to itself
        self.bulk_log, self.bulk_counts, self.bulk_stays, self.bulk_waits = [], [], [], []
        self.bulk_ages = []
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


def _one_each(streams: list[Stream], kinds: np.ndarray, n: int) -> np.ndarray:
    """One draw for each element from the stream of its care type (in element order within
    a type)."""
    if not len(kinds):
        return np.zeros(0)
    first = int(kinds[0])
    if (kinds == first).all():  # one type: no grouping
        return streams[first].take(len(kinds))
    drawn = np.empty(len(kinds))
    for i in range(n):  # a pass per type: far cheaper than a stable sort
        where = np.flatnonzero(kinds == i)
        if len(where):
            drawn[where] = streams[i].take(len(where))
    return drawn


def runs_in_bulk(plan: Plan) -> bool:
    """True when the hybrid needs no SimPy youths: every care type with a capacity places a
    youth elsewhere when it is full, so nobody waits (HybridModel._scan)."""
    return all(
        elsewhere or all(places == math.inf for _, places in changes)
        for elsewhere, changes in zip(plan.when_full_elsewhere, plan.capacity_changes, strict=True)
    )


def model_class(engine: str) -> type[Model]:
    """The engine by name: ``simpy`` (the reference: every youth a SimPy process) or ``hybrid``."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}: choose one of {', '.join(ENGINES)}")
    return HybridModel if engine == "hybrid" else Model
