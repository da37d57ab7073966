"""One replication of the youth-care chain as a SimPy discrete-event model.

Each youth is one SimPy process that moves between care types until it leaves (``exit``).
A stay ends either regularly (gamma-distributed length, mean ``stay_months``, CV ``stay_cv``)
or early by escalation (competing exponential hazards); then the youth asks for a place in
the next care type. Policies reach youths already in care (``simulator.stays``): a stay
factor rescales what remains of a stay, an escalation factor changes the hazard at once, and
where a stay leads is decided with the shares in force when it ends. A full care type either
keeps a FIFO waiting list (``wait``: the youth keeps the place it has, as a blocked bed, or
waits at home if new) or places the youth outside the region (``elsewhere``). A youth leaves
its place, and its discharge or escalation is counted, only when it moves on.

Besides what happens, the model records what each care type is asked for: every request for
a place with the stay it would have if admitted at once. That "offered load" (what the type
would hold without a capacity limit) is what beds needed are computed from
(``simulator.capacity``).

Speed matters (a workshop wants answers in a second), hence:
- care types are integer indices and per-epoch parameters plain lists;
- random numbers are drawn in blocks per stream and handed out one by one;
- inflow is generated up front for the whole horizon, vectorised;
- a stay's length is computed when it starts (policies are known in advance), so policy
  dates need no events;
- the model only appends (time, channel, delta) to lists while it runs; time-weighted
  monthly means and demand histograms are computed afterwards with numpy
  (``simulator.eventlog``).
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable, Generator
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import simpy
from simpy.core import NORMAL, SimTime
from simpy.events import EventPriority

from simulator import budget
from simulator.eventlog import (  # noqa: F401 (the channels, for the engines and tests)
    ADMISSIONS,
    ADMITTED_YOUTHS,
    AGED_OUT,
    BLOCKED,
    COUNTS,
    DELAYED,
    DISCHARGE,
    DISCHARGED,
    ESCALATED,
    ESCALATION,
    HANDED,
    LEVELS,
    OCCUPANCY,
    OFFERED,
    OVERFLOW,
    PLACED_ELSEWHERE,
    REQUESTS,
    STILL,
    WAITED,
    WAITING,
    AgeLog,
    EventLog,
    condense,
    condense_ages,
)
from simulator.i18n import Message
from simulator.places import TOO_OLD, Places
from simulator.stays import Segments, aged_stay_days, band_of, entry_ages, escalation_exposure, stay_days
from simulator.streams import (
    AGES,
    ARRIVALS,
    BLOCK,
    ESCALATIONS,
    INITIAL,
    ROUTING,
    STAYS,
    draws,
    generators,
    stream_seed,
    unit_gamma,
)
from simulator.timeline import EXIT_INDEX, Plan

CHECK_EVERY_DAYS = 30.0  # how often a run looks at its budget


class CountingEnvironment(simpy.Environment):
    """A SimPy environment that counts the events it schedules (a replication's
    ``n_events``) through the public ``schedule``: SimPy's own counter is private."""

    def __init__(self) -> None:
        super().__init__()
        self.scheduled = 0

    def schedule(self, event: simpy.Event, priority: EventPriority = NORMAL, delay: SimTime = 0) -> None:
        """Count the event, then schedule it as SimPy does."""
        self.scheduled += 1
        super().schedule(event, priority, delay)


@dataclass
class ReplicationResult:
    """What one replication returns: small numpy arrays, cheap to send between processes."""

    run_number: int
    levels: np.ndarray  # (n_months, 5, n_types): time-weighted monthly means of LEVELS
    counts: np.ndarray  # (n_months, 8, n_types): COUNTS per month
    transitions: np.ndarray  # (n_types + 1, n_types + 1): row 'new' last, column 'exit' last
    demand_time: list[np.ndarray]  # per type: (n_years, levels) days spent at each demand level ...
    n_events: int
    initial_total: int
    arrivals: int
    exits: int
    year_start: np.ndarray | None = (
        None  # (n_years, n_types): youths in care (regional or elsewhere) on 1 January
    )
    wait_days: np.ndarray | None = None  # (n_months, n_types): days waited by the month's admissions
    demand_low: list[int] | None = None  # ... from this lowest level on (None: from 0)
    by_age: np.ndarray | None = None  # (n_months, 4, n_bands, n_types): AGE_MEASURES, with age only


class AgeRecords:
    """One record per placement (a youth in a place of a care type, regional or elsewhere,
    from its admission, or the start, until it leaves it), kept in scenarios with age only:
    enough to count youths by age band afterwards (``eventlog.condense_ages``)."""

    __slots__ = ("birth", "end", "kind", "new", "start", "type")

    def __init__(self) -> None:
        self.start: list[float] = []
        self.end: list[float] = []
        self.type: list[int] = []
        self.birth: list[float] = []
        self.kind: list[int] = []  # DISCHARGE, ESCALATION, AGED_OUT, STILL or HANDED
        self.new: list[bool] = []  # an admission (False: present at the start)

    def open(self, start: float, care: int, birth: float, new: bool) -> int:
        """A placement starts: its record's index."""
        self.start.append(start)
        self.end.append(math.inf)
        self.type.append(care)
        self.birth.append(birth)
        self.kind.append(STILL)
        self.new.append(new)
        return len(self.start) - 1

    def close(self, index: int, end: float, kind: int) -> None:
        """The youth leaves the placement."""
        self.end[index] = end
        self.kind[index] = kind

    def log(self) -> AgeLog:
        """The records as arrays."""
        return AgeLog(
            np.asarray(self.start, dtype=float),
            np.asarray(self.end, dtype=float),
            np.asarray(self.type, dtype=np.int64),
            np.asarray(self.birth, dtype=float),
            np.asarray(self.kind, dtype=np.int64),
            np.asarray(self.new, dtype=bool),
        )


class Model:
    """``Model(plan, run_number, seed).run()`` simulates one replication."""

    def __init__(self, plan: Plan, run_number: int = 0, seed: int | None = None, record: bool = False):
        self.plan = plan
        self.run_number = run_number
        self.seed = plan.scenario.seed if seed is None else seed
        self.record = record  # tests: keep process handles to count live youths
        self._watchdog_started = False
        self._watchdog_events = 1  # the watchdog's start; each check adds one (not the model's events)
        self.env = CountingEnvironment()
        n = self.n = plan.n_types
        self.names = plan.names
        self.horizon = plan.horizon  # a property that computes dates: read once

        self.rngs = generators(self.seed, run_number, self.names)
        self.stay_draws = []
        self.stay_shape = []
        for i in range(n):
            shape = 1.0 / plan.stay_cv[i] ** 2
            rng = self.rngs[(STAYS, i)]
            self.stay_shape.append(shape)
            # Unit-mean draws: the stay's length in mean stays (simulator.stays).
            if shape == 1.0:
                self.stay_draws.append(draws(rng.standard_exponential))
            else:
                self.stay_draws.append(draws(partial(unit_gamma, rng, shape)))
        self.esc_draws = [draws(self.rngs[(ESCALATIONS, i)].standard_exponential) for i in range(n)]
        self.route_draws = [draws(self.rngs[(ROUTING, i)].random) for i in range(n)]
        # Age (issue 16): a stream of its own for the ages of new youths, so a scenario without
        # age draws exactly what it drew before.
        self.age = plan.age
        self.age_records = AgeRecords()
        self.age_rngs = (
            [np.random.default_rng(stream_seed(self.seed, run_number, AGES, name)) for name in self.names]
            if self.age is not None
            else []
        )

        epochs = plan.epochs
        self.epoch_starts = [e.start_day for e in epochs]
        self.segments = [
            Segments.merged(
                self.epoch_starts,
                [e.stay_mean_days[i] for e in epochs],
                [e.escalation_total_per_day[i] for e in epochs],
            )
            for i in range(n)
        ]
        self.can_escalate = [any(h > 0.0 for h in s.hazard) for s in self.segments]
        # With age: the care types whose stays have no pieces (constant parameters, no
        # escalation factor by age), computed inline in _youth.
        self.simple_age = (
            [s.constant and not r.varies for s, r in zip(self.segments, self.age.rules, strict=True)]
            if self.age is not None
            else []
        )
        self.single_epoch = len(epochs) == 1
        self.year_edges = plan.calendar.year_edges.tolist()

        self.log_t: list[float] = []
        self.log_ch: list[int] = []
        self.log_d: list[int] = []
        self.count_t: list[float] = []
        self.count_ch: list[int] = []
        # Where a youth waits, the load offered differs from its actual stay: its virtual stay
        # (from the request, +1) and its actual one (from the admission, -1) are logged.
        self.offer_start: list[float] = []
        self.offer_end: list[float] = []
        self.offer_ch: list[int] = []  # care type, + n for the actual stay taken back
        self.wait_t: list[float] = []
        self.wait_ch: list[int] = []
        self.wait_days: list[float] = []
        self.transitions = [0] * ((n + 1) * (n + 1))
        self.arrived = 0
        self.exited = 0
        self.waiting_new = 0  # new youths on a waiting list: they hold no place
        self.processes: list[simpy.Process] = []
        # The hybrid engine walks a youth's stays in unlimited types without events (None:
        # every stay is an event, as here).
        self.continue_in_bulk: Callable[..., tuple[float, int, bool, int, bool, int] | None] | None = None
        self.limited = [any(places != math.inf for _, places in changes) for changes in plan.capacity_changes]

        self.places = Places(self.env, plan, (self.log_t, self.log_ch, self.log_d))
        # The places' lists themselves (census, tests).
        self.occupancy, self.overflow, self.queues = (
            self.places.occupancy,
            self.places.overflow,
            self.places.queues,
        )
        self._start()

    # ------------------------------------------------------------ set-up

    def _start(self) -> None:
        """The processes at day 0: the youths present, the inflow, the capacity changes."""
        for i in range(self.n):
            if self.age is not None:
                for duration, escalated, aged, birth in zip(*self._initial_aged_stays(i), strict=True):
                    record = self.age_records.open(0.0, i, birth, False)
                    self._spawn(self._youth(-1, i, (duration, escalated, None, aged), None, birth, record))
                continue
            for duration, escalated in zip(*self._initial_stays(i), strict=True):
                self._spawn(self._youth(-1, i, (duration, escalated, None, False)))
        self.env.process(self._arrivals())
        self._start_capacity_changes()

    def _initial_aged_stays(self, i: int) -> tuple[list[float], list[bool], list[bool], list[float]]:
        """``_initial_stays`` with age: the days left of each stay in progress, whether it ends
        by escalation or at the age limit, and the youth's day of birth."""
        remaining, thresholds, births = self._initial_aged_amounts(i)
        segments = self.segments[i]
        rule = self.age.rules[i]  # type: ignore[union-attr]
        stays = [
            aged_stay_days(segments, rule, 0.0, b, x, e, 1.0)
            for x, e, b in zip(remaining.tolist(), thresholds.tolist(), births.tolist(), strict=True)
        ]
        return (
            [stay[0] for stay in stays],
            [stay[1] for stay in stays],
            [stay[2] for stay in stays],
            births.tolist(),
        )

    def _initial_aged_amounts(self, i: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``_initial_amounts`` with age: also each youth's day of birth. A youth in care at
        the start entered at an age from its care type's entry ages and has been in care as
        long as its stay in progress says; the pairs are drawn from their steady state:
        entry ages weighted by the mean stay they start (a stay factor by age makes stays
        from that band longer, so more of them are in progress), the elapsed time
        length-biased, kept when the youth is still below the age limit and has survived
        the escalation hazard (with its factors by age) so far."""
        count = self.plan.initial[i]
        if count == 0:
            return np.zeros(0), np.zeros(0), np.zeros(0)
        rule = self.age.rules[i]  # type: ignore[union-attr]
        epoch = self.plan.epochs[0]
        rng = self.rngs[(INITIAL, i)]
        shape = self.stay_shape[i]
        mean = epoch.stay_mean_days[i]
        hazard = epoch.escalation_total_per_day[i]
        stay_factor = np.asarray(rule.stay_factor)
        top = rule.top_entry_stay_factor
        kept: list[tuple[np.ndarray, np.ndarray]] = []
        need = count
        while need > 0:
            size = max(2 * need, 64)
            entry = entry_ages(rule, rng, size)
            factor = stay_factor[band_of(rule, entry)]
            total = rng.standard_gamma(shape + 1.0, size) * (mean * factor / shape)
            elapsed = rng.random(size) * total
            now = entry + elapsed
            # The hazard's integral, in days at factor 1 (factor 1 at all ages: the time elapsed).
            exposure = escalation_exposure(rule, entry, now) if rule.varies else elapsed
            keep = (
                (rng.random(size) < factor / top)
                & (now < rule.limit)
                & (rng.random(size) < np.exp(-hazard * exposure))
            )
            kept.append((((total - elapsed) / mean)[keep][:need], now[keep][:need]))
            need -= min(int(keep.sum()), need)
        remaining = np.concatenate([part[0] for part in kept])
        ages = np.concatenate([part[1] for part in kept])
        thresholds = rng.standard_exponential(count)  # escalation is memoryless
        return remaining, thresholds, -ages  # born |age| days before day 0

    def _start_capacity_changes(self) -> None:
        self.places.start_capacity_changes()

    def _initial_stays(self, i: int) -> tuple[list[float], list[bool]]:
        """The days left of each stay in progress in care type i at the start, and whether it
        ends by escalation (``_initial_amounts``)."""
        remaining, thresholds = self._initial_amounts(i)
        segments = self.segments[i]
        stays = [
            stay_days(segments, 0.0, x, e)
            for x, e in zip(remaining.tolist(), thresholds.tolist(), strict=True)
        ]
        return [duration for duration, _ in stays], [escalated for _, escalated in stays]

    def _initial_amounts(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """The regular stay left (in mean stays) and the escalation threshold of each youth in
        care type i at the start. Youths present at the start are mid-stay: their elapsed
        time follows the equilibrium age distribution of the stay, thinned by the escalation
        hazard."""
        count = self.plan.initial[i]
        if count == 0:
            return np.zeros(0), np.zeros(0)
        epoch = self.plan.epochs[0]
        rng = self.rngs[(INITIAL, i)]
        shape = self.stay_shape[i]
        mean = epoch.stay_mean_days[i]
        hazard = epoch.escalation_total_per_day[i]
        ages: list[float] = []
        totals: list[float] = []
        need = count
        while need > 0:
            # Length-biased stays (gamma with shape+1) at a uniform point give the
            # (age, total) pair of a stay in progress; survival of the escalation
            # hazard over the age is accepted by rejection.
            size = max(2 * need, 16)
            total = rng.standard_gamma(shape + 1.0, size) * (mean / shape)
            age = rng.random(size) * total
            keep = rng.random(size) < np.exp(-hazard * age)
            ages.extend(age[keep][:need].tolist())
            totals.extend(total[keep][:need].tolist())
            need = count - len(ages)
        remaining = (np.array(totals) - np.array(ages)) / mean  # in mean stays
        thresholds = rng.standard_exponential(count)  # escalation is memoryless
        return remaining, thresholds

    def _spawn(self, generator: Generator[simpy.Event, Any, None]) -> None:
        process = self.env.process(generator)
        if self.record:
            self.processes.append(process)

    def _arrival_times(self) -> tuple[list[float], list[int], list[float]]:
        """The inflow (``_arrivals_by_type``) in time order, with each youth's day of birth
        (NaN without age)."""
        all_times, all_types = self._arrivals_by_type()
        births = self._births(all_times, all_types)
        order = np.argsort(all_times, kind="stable")
        return all_times[order].tolist(), all_types[order].tolist(), births[order].tolist()

    def _births(self, times: np.ndarray, types: np.ndarray) -> np.ndarray:
        """The day of birth of each new youth (``_arrivals_by_type`` order: a care type's
        arrivals in time order), from its care type's entry ages; NaN without age. The ages
        are drawn in arrival order from a stream per care type, so a lower inflow keeps the
        ages of the youths it keeps (common random numbers)."""
        births = np.full(len(times), math.nan)
        if self.age is None:
            return births
        for i in range(self.n):
            mine = np.flatnonzero(types == i)
            if len(mine):
                ages = entry_ages(self.age.rules[i], self.age_rngs[i], len(mine), times[mine])
                births[mine] = times[mine] - ages
        return births

    def _arrivals_by_type(self) -> tuple[np.ndarray, np.ndarray]:
        """Inflow for the whole horizon, care type by care type (days and types): a
        unit-rate Poisson process per type mapped through the inverse cumulative intensity,
        so a lower rate keeps a subset of the same youths (common random numbers between
        scenarios)."""
        times, types = [np.zeros(0)], [np.zeros(0, dtype=np.int64)]
        horizon = self.plan.horizon
        for i in range(self.n):
            knots, rates = self.plan.inflow_knots[i], self.plan.inflow_rates[i]
            edges = np.append(knots, horizon)
            cum = np.concatenate([[0.0], np.cumsum(rates * np.diff(edges))])
            total = cum[-1]
            if total <= 0:
                continue
            rng = self.rngs[(ARRIVALS, i)]
            points = np.cumsum(rng.standard_exponential(int(total + 6 * np.sqrt(total) + 20)))
            while points[-1] < total:
                points = np.concatenate([points, points[-1] + np.cumsum(rng.standard_exponential(BLOCK))])
            points = points[points < total]
            # Inverse of the cumulative intensity: each point falls in the first segment whose
            # cumulative reaches it, which has a positive rate, so none lands in a part with rate 0.
            segment = np.searchsorted(cum, points, side="left") - 1
            segment = np.clip(segment, 0, len(rates) - 1)
            arrival = edges[segment] + (points - cum[segment]) / rates[segment]
            times.append(arrival)
            types.append(np.full(len(arrival), i))
        return np.concatenate(times), np.concatenate(types)

    # ------------------------------------------------------------ processes

    def _arrivals(self) -> Generator[simpy.Event, Any, None]:
        env = self.env
        times, types, births = self._arrival_times()
        for t, i, birth in zip(times, types, births, strict=True):
            yield env.timeout(t - env.now)
            self.arrived += 1
            self._spawn(self._youth(i, -1, None, None, birth))

    def _youth(
        self,
        dest: int,
        place: int,
        first: tuple[float, bool, int | None, bool] | None,
        seen: dict[int, int] | None = None,
        birth: float = math.nan,
        record: int = -1,
    ) -> Generator[simpy.Event, Any, None]:
        """One youth. ``place`` is where it is now: -1 nowhere (new), i a regional place in
        type i, n + i a place elsewhere in type i. A youth that starts later or mid-stay has
        ``first`` = (days until it asks for its next place, whether its stay ends by
        escalation, where it goes, or None to route it then, whether it ends at the age
        limit). ``seen``: the year of its last admission to each care type (for youths that
        come from the hybrid's bulk path). With age: ``birth``, its day of birth, and
        ``record``, the index of its placement's by-age record (-1: none yet)."""
        # Locals: this generator runs for every move of every youth.
        env, n = self.env, self.n
        log_t, log_ch, log_d = self.log_t, self.log_ch, self.log_d
        count_t, count_ch = self.count_t, self.count_ch
        places, transitions = self.places, self.transitions
        stay_draws, esc_draws, segments, can_escalate = (
            self.stay_draws,
            self.esc_draws,
            self.segments,
            self.can_escalate,
        )
        timeout = env.timeout
        in_bulk, limited = self.continue_in_bulk, self.limited
        ageing = self.age is not None
        rules = self.age.rules if self.age is not None else ()
        simple_age = self.simple_age
        records = self.age_records
        if seen is None:
            seen = {}  # care type -> year of this youth's last admission there
        current, escalated, aged = place, False, False
        if first is not None:
            duration, escalated, routed, aged = first
            yield timeout(duration)
            if routed is not None:
                dest = routed
            else:
                dest = self._age_route(current) if aged else self._route(current, escalated)
        while True:
            source = n if current < 0 else current  # (a youth past its age limit waits outside its old place)
            if ageing and dest != EXIT_INDEX:
                dest = self._fit_age(dest, birth)
            if dest == EXIT_INDEX:
                if place >= 0:
                    count_t.append(env.now)
                    count_ch.append((ESCALATED if escalated else DISCHARGED) * n + current)
                    places.release(place)
                    if ageing:
                        records.close(record, env.now, _end_kind(escalated, aged))
                transitions[source * (n + 1) + n] += 1
                self.exited += 1
                return
            # The request: its stay is drawn now, so the load offered to dest is known.
            requested = env.now
            x = next(stay_draws[dest])
            e = next(esc_draws[dest]) if can_escalate[dest] else math.inf
            seg = segments[dest]
            next_aged = False
            if ageing:
                rule = rules[dest]
                factor = rule.stay_factor[rule.band(requested - birth)]
                if simple_age[dest]:  # aged_stay_days without pieces, inline: it runs for every stay
                    regular = x * factor * seg.mean_days[0]
                    hazard = seg.hazard[0]
                    soon = e / hazard if hazard > 0.0 else math.inf
                    duration, next_escalated = (soon, True) if soon < regular else (regular, False)
                    left = birth + rule.limit - requested
                    if duration >= left:
                        duration, next_escalated, next_aged = max(left, 0.0), False, True
                else:
                    duration, next_escalated, next_aged = aged_stay_days(
                        seg, rule, requested, birth, x, e, factor
                    )
            elif seg.constant:
                regular = x * seg.mean_days[0]
                hazard = seg.hazard[0]
                soon = e / hazard if hazard > 0.0 else math.inf
                duration, next_escalated = (soon, True) if soon < regular else (regular, False)
            else:
                duration, next_escalated = stay_days(seg, requested, x, e)
            # Admission: a free place (and nobody ahead in the queue), elsewhere, or wait.
            new_place = places.admit(dest)
            delayed = new_place != dest
            if new_place < 0 and aged and place >= 0:
                # Past its age limit it cannot keep its place while it waits for the next type
                # (extended care): it leaves it, and waits outside care.
                count_t.append(requested)
                count_ch.append(DISCHARGED * n + current)
                places.release(place)
                records.close(record, requested, AGED_OUT)
                place = -1
            if new_place < 0:
                request = places.wait(dest)
                count_t.append(requested)
                count_ch.append(REQUESTS * n + dest)
                self.offer_start.append(requested)
                self.offer_end.append(requested + duration)
                self.offer_ch.append(dest)
                if place < 0:
                    self.waiting_new += 1
                else:  # the stay has ended, but the youth keeps its place until it can move on
                    log_t.append(requested)
                    log_ch.append(BLOCKED * n + current)
                    log_d.append(1)
                places.start_max_wait(dest, request)
                if ageing:  # a youth who reaches dest's age limit while waiting stops waiting
                    places.start_age_limit(dest, request, birth + rules[dest].limit - requested)
                new_place = yield request
                if place < 0:
                    self.waiting_new -= 1
                else:
                    log_t.append(env.now)
                    log_ch.append(BLOCKED * n + current)
                    log_d.append(-1)
                if new_place == TOO_OLD:  # it goes where dest sends youths at its age limit:
                    escalated, aged = False, True  # it leaves its place because of its age
                    dest = self._age_route(dest)
                    continue
                if env.now > requested:  # the stay starts later, under the parameters then in force
                    if ageing:
                        factor = rule.stay_factor[rule.band(env.now - birth)]
                        duration, next_escalated, next_aged = aged_stay_days(
                            seg, rule, env.now, birth, x, e, factor
                        )
                    else:
                        duration, next_escalated = stay_days(seg, env.now, x, e)
                count_t.append(env.now)
                count_ch.append(WAITED * n + dest)
                self.offer_start.append(env.now)
                self.offer_end.append(env.now + duration)
                self.offer_ch.append(n + dest)
            now = env.now
            if place >= 0:
                count_t.append(now)
                count_ch.append((ESCALATED if escalated else DISCHARGED) * n + current)
                places.release(place)
                if ageing:
                    records.close(record, now, _end_kind(escalated, aged))
            transitions[source * (n + 1) + dest] += 1
            current, place, escalated, aged = dest, new_place, next_escalated, next_aged
            if ageing:
                record = records.open(now, dest, birth, True)
            count_t.append(now)
            count_ch.append(ADMISSIONS * n + dest)
            if new_place >= n:
                count_t.append(now)
                count_ch.append(PLACED_ELSEWHERE * n + dest)
            if delayed:
                count_t.append(now)
                count_ch.append(DELAYED * n + dest)
                self.wait_t.append(now)
                self.wait_ch.append(dest)
                self.wait_days.append(now - requested)
            year = bisect_right(self.year_edges, now)
            if seen.get(dest) != year:  # the youth's first admission to this type this year
                seen[dest] = year
                count_t.append(now)
                count_ch.append(ADMITTED_YOUTHS * n + dest)
            if in_bulk is not None and place < n and not limited[place]:
                # the hybrid: no events
                step = in_bulk(current, now + duration, escalated, seen, aged, birth, record)
                if step is None:  # left care, or still in care at the horizon
                    return
                end, current, escalated, dest, aged, record = step
                place = current
                yield timeout(end - now)
                continue
            yield timeout(duration)
            dest = self._age_route(current) if aged else self._route(current, escalated)

    def _fit_age(self, dest: int, birth: float, day: float | None = None) -> int:
        """Where a youth who asks for ``dest`` now (or on ``day``) goes: ``dest``, or, when it
        is at or past dest's age limit, where dest sends youths at its limit (again, until a
        type admits it or it leaves care; age limits rise along that way, so this ends)."""
        rules = self.age.rules  # type: ignore[union-attr]
        if day is None:
            day = self.env.now
        while dest != EXIT_INDEX and day >= birth + rules[dest].limit:
            dest = self._age_route(dest, day)
        return dest

    def _age_route(self, current: int, day: float | None = None) -> int:
        """Where a youth goes who reaches the age limit of ``current`` now (or on ``day``):
        the shares in force then (``at_age_limit``)."""
        if day is None:
            day = self.env.now
        k = 0 if self.single_epoch else bisect_right(self.epoch_starts, day) - 1
        epoch = self.plan.epochs[k]
        if len(epoch.age_dests[current]) == 1:
            return epoch.age_dests[current][0]
        return _pick(epoch.age_dests[current], epoch.age_cum[current], next(self.route_draws[current]))

    def _route(self, current: int, escalated: bool, day: float | None = None) -> int:
        """Where a stay that ends now (or on ``day``) leads: the shares in force then."""
        epochs = self.plan.epochs
        if day is None:
            day = self.env.now
        k = 0 if self.single_epoch else bisect_right(self.epoch_starts, day) - 1
        u = next(self.route_draws[current])
        if escalated:
            while k > 0 and epochs[k].escalation_total_per_day[current] <= 0.0:
                k -= 1  # an escalation that ends exactly as a factor 0 starts: its own epoch
            epoch = epochs[k]
            return _pick(epoch.escalation_dests[current], epoch.escalation_cum[current], u)
        epoch = epochs[k]
        return _pick(epoch.outflow_dests[current], epoch.outflow_cum[current], u)

    # ------------------------------------------------------------ running and results

    def census(self) -> dict[str, int]:
        """Where the youths are now (tests check conservation with this)."""
        return {
            "initial": sum(self.plan.initial),
            "arrived": self.arrived,
            "exited": self.exited,
            "in_places": sum(self.occupancy),
            "elsewhere": sum(self.overflow),
            "waiting_new": self.waiting_new,
            "waiting": sum(len(q) for q in self.queues),
            "alive": sum(p.is_alive for p in self.processes) if self.record else -1,
        }

    def run(self) -> ReplicationResult:
        """Simulate up to the plan's horizon and return the replication's result."""
        self._watchdog_started = True
        self.env.process(self._watchdog(budget.record_budget(self.plan)))
        self.env.run(until=self.plan.horizon)
        return self.result()

    def release(self) -> None:
        """Drop the run's logs once its result is made (the runner calls this). The model's
        pending SimPy processes refer back to it, so without this the logs would wait for the
        cyclic garbage collector, which workers run rarely (measured, 120 replications in a
        worker: 243 MiB for the hybrid without this, 57 MiB with a collection after each)."""
        self.log_t, self.log_ch, self.log_d = [], [], []
        self.count_t, self.count_ch = [], []
        self.offer_start, self.offer_end, self.offer_ch = [], [], []
        self.wait_t, self.wait_ch, self.wait_days = [], [], []
        self.age_records = AgeRecords()

    def _watchdog(self, limit: int) -> Generator[simpy.Event, Any, None]:
        """Once a month: stop the run (``RunLimitError``) if it has logged far more than its
        estimate expects, before it fills the worker's memory or holds it for ever. It
        changes nothing else: its own events are not counted in ``n_events``."""
        while True:
            self._watchdog_events += 1  # counted when scheduled: the last one never fires
            yield self.env.timeout(CHECK_EVERY_DAYS)
            used = len(self.log_t) + len(self.count_t)
            if used > limit:
                raise budget.RunLimitError(
                    Message("b_events", run=self.run_number, events=used, max=limit, day=round(self.env.now))
                )

    def event_log(self) -> EventLog:
        """The run's records as arrays (``simulator.eventlog``)."""
        floats = lambda values: np.asarray(values, dtype=float)  # noqa: E731
        ints = lambda values: np.asarray(values, dtype=np.int64)  # noqa: E731
        return EventLog(
            t=floats(self.log_t),
            ch=ints(self.log_ch),
            d=ints(self.log_d),
            count_t=floats(self.count_t),
            count_ch=ints(self.count_ch),
            offer_start=floats(self.offer_start),
            offer_end=floats(self.offer_end),
            offer_ch=ints(self.offer_ch),
            wait_t=floats(self.wait_t),
            wait_ch=ints(self.wait_ch),
            wait_days=floats(self.wait_days),
        )

    def result(self) -> ReplicationResult:
        """The logs of a finished run condensed: monthly levels and counts, transitions, days per
        demand level and youths in care on each 1 January."""
        plan, n = self.plan, self.n
        condensed = condense(plan, self.event_log())
        return ReplicationResult(
            run_number=self.run_number,
            levels=condensed.levels,
            counts=condensed.counts,
            transitions=np.asarray(self.transitions, dtype=np.int64).reshape(n + 1, n + 1),
            demand_time=condensed.demand_time,
            demand_low=condensed.demand_low,
            year_start=condensed.year_start,
            wait_days=condensed.wait_days,
            # Events ever scheduled, less the watchdog's (when it ran).
            n_events=self.env.scheduled - (self._watchdog_events if self._watchdog_started else 0),
            initial_total=sum(plan.initial),
            arrivals=self.arrived,
            exits=self.exited,
            by_age=None if plan.age is None else condense_ages(plan, self.age_log()),
        )

    def age_log(self) -> AgeLog:
        """The by-age records of the run (``AgeRecords``)."""
        return self.age_records.log()


def _end_kind(escalated: bool, aged: bool) -> int:
    """How a placement ended, for its by-age record."""
    return AGED_OUT if aged else ESCALATION if escalated else DISCHARGE


def _pick(dests: list[int], cum: list[float], u: float) -> int:
    for dest, c in zip(dests, cum, strict=True):
        if u < c:
            return dest
    return dests[-1]
