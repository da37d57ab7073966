"""The places of every care type and the youths waiting for them, in a SimPy run: who is
admitted, placed elsewhere or put on the FIFO waiting list, what happens when a place is
freed, when a maximum wait is reached and when a capacity changes.

Both engines' SimPy youths use it (``Model._youth``); the hybrid's bulk path decides
admissions by the same rule without events (``HybridModel._scan``). Every change of a level
is logged as (day, channel, +1/-1) in the model's level log (``simulator.eventlog``).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Generator
from functools import partial
from typing import Any

import simpy

from simulator.eventlog import OVERFLOW, WAITING
from simulator.timeline import Plan

TOO_OLD = -2  # what a waiting youth's request gets when it reaches the age limit first


class Places:
    """Occupancy, capacity in force, placements elsewhere and waiting lists per care type
    (indices). A youth holds ``place``: i a regional place in type i, n + i one elsewhere."""

    def __init__(self, env: simpy.Environment, plan: Plan, log: tuple[list[float], list[int], list[int]]):
        self.env, self.n = env, plan.n_types
        self.log_t, self.log_ch, self.log_d = log
        self.occupancy = list(plan.initial)  # youths present at the start hold regional places
        self.capacity = [changes[0][1] for changes in plan.capacity_changes]
        self.overflow = [0] * self.n
        self.queues: list[deque[simpy.Event]] = [deque() for _ in range(self.n)]
        self.elsewhere = plan.when_full_elsewhere
        self.max_wait = plan.max_wait_days
        self._changes = plan.capacity_changes

    def start_capacity_changes(self) -> None:
        """A process per dated capacity change (after the youths present at the start)."""
        for i, changes in enumerate(self._changes):
            for day, places in changes[1:]:
                self.env.process(self._capacity_change(i, day, places))

    def admit(self, i: int) -> int:
        """A youth asks for a place in type i now: the place it gets (a free regional place
        when nobody is ahead on the list, else one elsewhere if the type places youths
        elsewhere), or -1 when it has to wait (``wait``)."""
        if self.occupancy[i] < self.capacity[i] and not self.queues[i]:
            self.occupancy[i] += 1
            self.log_t.append(self.env.now)
            self.log_ch.append(i)
            self.log_d.append(1)
            return i
        if self.elsewhere[i]:
            return self.place_elsewhere(i)
        return -1

    def wait(self, i: int) -> simpy.Event:
        """Put a youth on type i's list: the event succeeds with the place it gets (a free
        regional place in turn, or one elsewhere when its maximum wait is reached)."""
        request = self.env.event()
        self.queues[i].append(request)
        self.log_t.append(self.env.now)
        self.log_ch.append(WAITING * self.n + i)
        self.log_d.append(1)
        return request

    def start_max_wait(self, i: int, request: simpy.Event) -> None:
        """The timer of type i's ``max_wait_months`` for a request on its list (if any)."""
        max_wait = self.max_wait[i]
        if max_wait is not None:
            self.env.timeout(max_wait).callbacks.append(partial(self._give_up, i, request))

    def start_age_limit(self, i: int, request: simpy.Event, days: float) -> None:
        """The timer of a waiting youth's age limit for type i: when it comes first, the
        youth leaves the list and its request succeeds with ``TOO_OLD``."""
        if days != math.inf:
            self.env.timeout(days).callbacks.append(partial(self._too_old, i, request))

    def _too_old(self, i: int, request: simpy.Event, _timer: simpy.Event) -> None:
        if not request.triggered:
            self._leave_list(i, request, TOO_OLD)

    def _leave_list(self, i: int, request: simpy.Event, outcome: int) -> None:
        """A youth leaves type i's list before a place there frees up: its request succeeds
        with ``outcome``."""
        self.queues[i].remove(request)
        self.log_t.append(self.env.now)
        self.log_ch.append(WAITING * self.n + i)
        self.log_d.append(-1)
        request.succeed(outcome)

    def place_elsewhere(self, i: int) -> int:
        """A place outside the region in type i (never full)."""
        self.overflow[i] += 1
        self.log_t.append(self.env.now)
        self.log_ch.append(OVERFLOW * self.n + i)
        self.log_d.append(1)
        return self.n + i

    def release(self, place: int) -> None:
        """A youth leaves ``place``; a freed regional place goes to the head of the list."""
        now, n = self.env.now, self.n
        if place < n:
            self.occupancy[place] -= 1
            self.log_t.append(now)
            self.log_ch.append(place)
            self.log_d.append(-1)
            if self.queues[place]:
                self._admit_waiting(place)
        else:
            self.overflow[place - n] -= 1
            self.log_t.append(now)
            self.log_ch.append(OVERFLOW * n + place - n)
            self.log_d.append(-1)

    def _admit_waiting(self, i: int) -> None:
        """Fill free places from the head of the FIFO list. The place is taken now; the
        youth moves (and frees its old place) when its process resumes at the same time."""
        queue, now, n = self.queues[i], self.env.now, self.n
        while queue and self.occupancy[i] < self.capacity[i]:
            request = queue.popleft()
            self.occupancy[i] += 1
            self.log_t.extend((now, now))
            self.log_ch.extend((i, WAITING * n + i))
            self.log_d.extend((1, -1))
            request.succeed(i)

    def _give_up(self, i: int, request: simpy.Event, _timer: simpy.Event) -> None:
        """``max_wait_months`` reached: the youth is placed elsewhere. This breaks circular
        waits (JZ+ full of youths waiting for places held by youths waiting for JZ+)."""
        if not request.triggered:
            self._leave_list(i, request, self.place_elsewhere(i))

    def _capacity_change(self, i: int, day: float, places: float) -> Generator[simpy.Event, Any, None]:
        yield self.env.timeout(day)
        self.capacity[i] = places  # a cut never evicts: it only blocks admissions
        self._admit_waiting(i)
