"""One replication of the youth-care chain as a SimPy discrete-event model.

Each youth is one SimPy process that moves between care types until it leaves (``exit``).
A stay ends either regularly (gamma-distributed length, mean ``stay_months``, CV ``stay_cv``)
or early by escalation (competing exponential hazards); then the youth goes to the next care
type. A full care type either keeps a FIFO waiting list (``wait``: the youth keeps the place it
has, or waits at home if new) or places the youth outside the region (``elsewhere``).

Speed matters (a workshop wants answers in a second), hence:
- care types are integer indices and per-epoch parameters plain lists;
- random numbers are drawn in blocks per stream and handed out one by one;
- inflow is generated up front for the whole horizon, vectorised;
- the model only appends (time, channel, delta) to lists while it runs; time-weighted
  monthly means and demand histograms are computed afterwards with numpy.
"""

from __future__ import annotations

import zlib
from collections import deque
from dataclasses import dataclass
from functools import partial

import numpy as np
import simpy

from simulator.timeline import EXIT_INDEX, Plan

# Purposes of the random streams. Each (replication, purpose, care type) has its own
# stream, so changing one lever disturbs as few other draws as possible.
ARRIVALS, STAYS, ESCALATIONS, ROUTING, INITIAL = range(5)
BLOCK = 512

# Channels of the level log (occupancy, waiting list, placed elsewhere) ...
OCCUPANCY, WAITING, OVERFLOW = range(3)
LEVELS = ("occupancy", "waiting", "overflow")
# ... and of the count log.
ADMISSIONS, PLACED_ELSEWHERE, ESCALATED, DISCHARGED = range(4)
COUNTS = ("admissions", "placed_elsewhere", "escalations", "discharges")


def type_code(name: str) -> int:
    """Stable integer for a care type name: streams follow the name, not the position."""
    return zlib.crc32(name.encode("utf-8"))


def stream_seed(seed: int, run_number: int, purpose: int, name: str) -> np.random.SeedSequence:
    """The seed of one stream. Equal to ``SeedSequence(seed).spawn(...)`` children for
    replication ``run_number`` then ``purpose``, addressed by the care type's name."""
    return np.random.SeedSequence(seed, spawn_key=(run_number, purpose, type_code(name)))


def _draws(generator, block: int = BLOCK):
    """Endless iterator over blocks of draws: ``generator(block)`` returns an array."""
    while True:
        yield from generator(block).tolist()


@dataclass
class ReplicationResult:
    """What one replication returns: small numpy arrays, cheap to send between processes."""

    run_number: int
    levels: np.ndarray  # (n_months, 3, n_types): time-weighted monthly mean occupancy, waiting, overflow
    counts: np.ndarray  # (n_months, 4, n_types): admissions, placed elsewhere, escalations, discharges
    transitions: np.ndarray  # (n_types + 1, n_types + 1): row 'new' last, column 'exit' last
    demand_time: list[np.ndarray]  # per type: (n_years, max_level + 1) days spent at each demand level
    n_events: int
    initial_total: int
    arrivals: int
    exits: int
    year_start: np.ndarray | None = None  # (n_years, n_types): youths in care (regional or elsewhere) on 1 January


class Model:
    """``Model(plan, run_number, seed).run()`` simulates one replication."""

    def __init__(self, plan: Plan, run_number: int = 0, seed: int | None = None, record: bool = False):
        self.plan = plan
        self.run_number = run_number
        self.seed = plan.scenario.seed if seed is None else seed
        self.record = record  # tests: keep process handles to count live youths
        self.env = simpy.Environment()
        n = self.n = plan.n_types
        self.names = plan.names

        self.rngs = {
            (purpose, i): np.random.default_rng(stream_seed(self.seed, run_number, purpose, name))
            for purpose in (ARRIVALS, STAYS, ESCALATIONS, ROUTING, INITIAL)
            for i, name in enumerate(self.names)
        }
        self.stay_draws = []
        self.stay_shape = []
        for i in range(n):
            shape = 1.0 / plan.stay_cv[i] ** 2
            rng = self.rngs[(STAYS, i)]
            self.stay_shape.append(shape)
            # Unit-mean draws, scaled by the mean in force when the stay starts.
            if shape == 1.0:
                self.stay_draws.append(_draws(rng.standard_exponential))
            else:
                self.stay_draws.append(_draws(lambda size, rng=rng, shape=shape: rng.standard_gamma(shape, size) / shape))
        self.esc_draws = [_draws(self.rngs[(ESCALATIONS, i)].standard_exponential) for i in range(n)]
        self.route_draws = [_draws(self.rngs[(ROUTING, i)].random) for i in range(n)]

        self.epoch = plan.epochs[0]
        self.capacity = [changes[0][1] for changes in plan.capacity_changes]
        self.occupancy = [0] * n
        self.overflow = [0] * n
        self.queues: list[deque] = [deque() for _ in range(n)]
        self.elsewhere = plan.when_full_elsewhere
        self.max_wait = plan.max_wait_days

        self.log_t: list[float] = []
        self.log_ch: list[int] = []
        self.log_d: list[int] = []
        self.count_t: list[float] = []
        self.count_ch: list[int] = []
        self.transitions = [0] * ((n + 1) * (n + 1))
        self.arrived = 0
        self.exited = 0
        self.waiting_new = 0  # new youths on a waiting list: they hold no place
        self.processes: list[simpy.Process] = []

        self._start_initial()
        self.env.process(self._arrivals())
        for k in range(1, len(plan.epochs)):
            self.env.process(self._epoch_change(plan.epochs[k]))
        for i, changes in enumerate(plan.capacity_changes):
            for day, places in changes[1:]:
                self.env.process(self._capacity_change(i, day, places))

    # ------------------------------------------------------------ set-up

    def _start_initial(self) -> None:
        """Youths present at the start are mid-stay: their elapsed time follows the
        equilibrium age distribution of the stay, thinned by the escalation hazard."""
        n, epoch = self.n, self.epoch
        for i in range(n):
            count = self.plan.initial[i]
            self.occupancy[i] = count
            if count == 0:
                continue
            rng = self.rngs[(INITIAL, i)]
            shape = self.stay_shape[i]
            scale = epoch.stay_mean_days[i] / shape
            hazard = epoch.escalation_total_per_day[i]
            ages, totals = [], []
            need = count
            while need > 0:
                # Length-biased stays (gamma with shape+1) at a uniform point give the
                # (age, total) pair of a stay in progress; survival of the escalation
                # hazard over the age is accepted by rejection.
                size = max(2 * need, 16)
                total = rng.standard_gamma(shape + 1.0, size) * scale
                age = rng.random(size) * total
                keep = rng.random(size) < np.exp(-hazard * age)
                ages.extend(age[keep][:need].tolist())
                totals.extend(total[keep][:need].tolist())
                need = count - len(ages)
            residual = np.array(totals) - np.array(ages)
            escalate_at = rng.standard_exponential(count) / hazard if hazard > 0 else np.full(count, np.inf)
            route = rng.random(count)
            for r, e, u in zip(residual.tolist(), escalate_at.tolist(), route.tolist()):
                if e < r:
                    dest = _pick(epoch.escalation_dests[i], epoch.escalation_cum[i], u)
                    self._spawn(self._youth(dest, i, e, True))
                else:
                    dest = _pick(epoch.outflow_dests[i], epoch.outflow_cum[i], u)
                    self._spawn(self._youth(dest, i, r, False))

    def _spawn(self, generator) -> None:
        process = self.env.process(generator)
        if self.record:
            self.processes.append(process)

    def _arrival_times(self) -> tuple[list[float], list[int]]:
        """Inflow for the whole horizon: a unit-rate Poisson process per type mapped through
        the inverse cumulative intensity, so a lower rate keeps a subset of the same youths
        (common random numbers between scenarios)."""
        times, types = [], []
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
            # Piecewise-linear inverse of the cumulative intensity. A flat part (rate 0) keeps
            # only its right end, so no arrival falls inside it.
            keep = np.append(np.diff(cum) > 0, True)
            arrival = np.interp(points, cum[keep], edges[keep])
            times.append(arrival)
            types.append(np.full(len(arrival), i))
        if not times:
            return [], []
        all_times = np.concatenate(times)
        order = np.argsort(all_times, kind="stable")
        return all_times[order].tolist(), np.concatenate(types)[order].tolist()

    # ------------------------------------------------------------ processes

    def _arrivals(self):
        env = self.env
        times, types = self._arrival_times()
        for t, i in zip(times, types):
            yield env.timeout(t - env.now)
            self.arrived += 1
            self._spawn(self._youth(i, -1, None, False))

    def _epoch_change(self, epoch):
        yield self.env.timeout(epoch.start_day)
        self.epoch = epoch  # applies to stays that start from now on

    def _capacity_change(self, i: int, day: float, places: float):
        yield self.env.timeout(day)
        self.capacity[i] = places  # a cut never evicts: it only blocks admissions
        self._admit_waiting(i)

    def _youth(self, dest: int, place: int, first_sojourn: float | None, escalated: bool):
        """One youth. ``place`` is where it is now: -1 nowhere (new), i a regional place in
        type i, n + i a place elsewhere in type i. With ``first_sojourn`` it starts mid-stay."""
        # Locals: this generator runs for every move of every youth.
        env, n = self.env, self.n
        log_t, log_ch, log_d = self.log_t, self.log_ch, self.log_d
        count_t, count_ch = self.count_t, self.count_ch
        occupancy, capacity, queues, transitions = self.occupancy, self.capacity, self.queues, self.transitions
        stay_draws, esc_draws, route_draws = self.stay_draws, self.esc_draws, self.route_draws
        timeout = env.timeout
        if first_sojourn is not None:
            yield timeout(first_sojourn)
            current = place
            count_t.append(env.now)
            count_ch.append((ESCALATED if escalated else DISCHARGED) * n + current)
        while True:
            source = n if place < 0 else (place if place < n else place - n)
            if dest == EXIT_INDEX:
                self._release(place)
                transitions[source * (n + 1) + n] += 1
                self.exited += 1
                return
            # Admission: a free place (and nobody ahead in the queue), elsewhere, or wait.
            if occupancy[dest] < capacity[dest] and not queues[dest]:
                occupancy[dest] += 1
                log_t.append(env.now); log_ch.append(dest); log_d.append(1)
                new_place = dest
            elif self.elsewhere[dest]:
                new_place = self._place_elsewhere(dest)
            else:
                request = env.event()
                queues[dest].append(request)
                log_t.append(env.now); log_ch.append(WAITING * n + dest); log_d.append(1)
                if place < 0:
                    self.waiting_new += 1
                if self.max_wait[dest] is not None:
                    env.timeout(self.max_wait[dest]).callbacks.append(partial(self._give_up, dest, request))
                new_place = yield request
                if place < 0:
                    self.waiting_new -= 1
            self._release(place)
            transitions[source * (n + 1) + dest] += 1
            current, place = dest, new_place
            count_t.append(env.now); count_ch.append(ADMISSIONS * n + dest)
            if new_place >= n:
                count_t.append(env.now); count_ch.append(PLACED_ELSEWHERE * n + dest)

            # The stay: regular end or an earlier escalation, whichever comes first.
            epoch = self.epoch
            stay = next(stay_draws[current]) * epoch.stay_mean_days[current]
            hazard = epoch.escalation_total_per_day[current]
            escalated = False
            if hazard > 0.0:
                escalate_at = next(esc_draws[current]) / hazard
                if escalate_at < stay:
                    stay, escalated = escalate_at, True
                    dest = _pick(epoch.escalation_dests[current], epoch.escalation_cum[current], next(route_draws[current]))
            if not escalated:
                dest = _pick(epoch.outflow_dests[current], epoch.outflow_cum[current], next(route_draws[current]))
            yield timeout(stay)
            count_t.append(env.now)
            count_ch.append((ESCALATED if escalated else DISCHARGED) * n + current)

    # ------------------------------------------------------------ places

    def _place_elsewhere(self, i: int) -> int:
        self.overflow[i] += 1
        self.log_t.append(self.env.now); self.log_ch.append(OVERFLOW * self.n + i); self.log_d.append(1)
        return self.n + i

    def _release(self, place: int) -> None:
        if place < 0:
            return
        now, n = self.env.now, self.n
        if place < n:
            self.occupancy[place] -= 1
            self.log_t.append(now); self.log_ch.append(place); self.log_d.append(-1)
            if self.queues[place]:
                self._admit_waiting(place)
        else:
            self.overflow[place - n] -= 1
            self.log_t.append(now); self.log_ch.append(OVERFLOW * n + place - n); self.log_d.append(-1)

    def _admit_waiting(self, i: int) -> None:
        """Fill free places from the head of the FIFO list. The place is taken now; the
        youth moves (and frees its old place) when its process resumes at the same time."""
        queue, now, n = self.queues[i], self.env.now, self.n
        while queue and self.occupancy[i] < self.capacity[i]:
            request = queue.popleft()
            self.occupancy[i] += 1
            self.log_t.extend((now, now)); self.log_ch.extend((i, WAITING * n + i)); self.log_d.extend((1, -1))
            request.succeed(i)

    def _give_up(self, i: int, request: simpy.Event, _timer) -> None:
        """``max_wait_months`` reached: the youth is placed elsewhere. This breaks circular
        waits (JZ+ full of youths waiting for places held by youths waiting for JZ+)."""
        if request.triggered:
            return
        self.queues[i].remove(request)
        self.log_t.append(self.env.now); self.log_ch.append(WAITING * self.n + i); self.log_d.append(-1)
        request.succeed(self._place_elsewhere(i))

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
        self.env.run(until=self.plan.horizon)
        return self.result()

    def result(self) -> ReplicationResult:
        plan, n = self.plan, self.n
        calendar = plan.calendar
        month_edges = calendar.month_edges
        t = np.asarray(self.log_t, dtype=float)
        ch = np.asarray(self.log_ch, dtype=np.int64)
        d = np.asarray(self.log_d, dtype=np.int64)
        initial = np.zeros(3 * n, dtype=np.int64)
        initial[:n] = plan.initial

        levels = np.zeros((calendar.n_months, 3, n))
        widths = np.diff(month_edges)
        for c in range(3 * n):
            mask = ch == c
            area = _area_at(t[mask], d[mask], initial[c], month_edges)
            levels[:, c // n, c % n] = np.diff(area) / widths

        counts = np.zeros((calendar.n_months, 4, n))
        if self.count_t:
            month = np.searchsorted(month_edges, np.asarray(self.count_t), side="right") - 1
            month = np.minimum(month, calendar.n_months - 1)
            flat = np.bincount(month * 4 * n + np.asarray(self.count_ch), minlength=calendar.n_months * 4 * n)
            counts = flat.reshape(calendar.n_months, 4, n).astype(float)

        year_edges = calendar.year_edges
        demand_time = []
        year_start = np.zeros((len(year_edges) - 1, n))
        for i in range(n):
            mask = (ch % n) == i  # occupancy + waiting + overflow of type i
            demand_time.append(_time_at_level(t[mask], d[mask], plan.initial[i], year_edges))
            in_care = (ch == OCCUPANCY * n + i) | (ch == OVERFLOW * n + i)
            moves = np.cumsum(np.concatenate([[0], d[in_care]]))
            year_start[:, i] = plan.initial[i] + moves[np.searchsorted(t[in_care], year_edges[:-1], side="left")]

        return ReplicationResult(
            run_number=self.run_number,
            levels=levels,
            counts=counts,
            transitions=np.asarray(self.transitions, dtype=np.int64).reshape(n + 1, n + 1),
            demand_time=demand_time,
            year_start=year_start,
            n_events=next(self.env._eid),  # SimPy's event counter: every event ever scheduled
            initial_total=sum(plan.initial),
            arrivals=self.arrived,
            exits=self.exited,
        )


def _pick(dests: list[int], cum: list[float], u: float) -> int:
    for dest, c in zip(dests, cum):
        if u < c:
            return dest
    return dests[-1]


def _area_at(times: np.ndarray, deltas: np.ndarray, start_level: int, edges: np.ndarray) -> np.ndarray:
    """Integral of a step function (start_level, +deltas at times) from 0 to each edge."""
    if len(times) == 0:
        return start_level * edges
    level_after = start_level + np.cumsum(deltas)
    level_before = np.concatenate([[start_level], level_after[:-1]])
    area_at_events = np.cumsum(level_before * np.diff(np.concatenate([[0.0], times])))
    j = np.searchsorted(times, edges, side="right") - 1
    before = j < 0
    jj = np.maximum(j, 0)
    area = area_at_events[jj] + level_after[jj] * (edges - times[jj])
    area[before] = start_level * edges[before]
    return area


def _time_at_level(times: np.ndarray, deltas: np.ndarray, start_level: int, year_edges: np.ndarray) -> np.ndarray:
    """Days spent at each level in each year: array (n_years, max_level + 1)."""
    n_years = len(year_edges) - 1
    bounds = year_edges[1:-1]
    all_t = np.concatenate([[0.0], times, bounds])
    all_d = np.concatenate([[start_level], deltas, np.zeros(len(bounds), dtype=np.int64)])
    order = np.argsort(all_t, kind="stable")
    all_t, all_d = all_t[order], all_d[order]
    level = np.cumsum(all_d)
    duration = np.diff(np.append(all_t, year_edges[-1]))
    year = np.clip(np.searchsorted(year_edges, all_t, side="right") - 1, 0, n_years - 1)
    top = int(level.max()) + 1
    flat = np.bincount(year * top + level, weights=duration, minlength=n_years * top)
    return flat.reshape(n_years, top)
