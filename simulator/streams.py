"""The random streams of a replication.

Each (replication, purpose, care type) has its own stream, seeded from the scenario's seed
by ``SeedSequence`` and addressed by the care type's name, so changing one lever disturbs
as few other draws as possible (common random numbers between scenarios), and replication
k draws the same numbers whichever process runs it. Numbers are drawn in blocks and handed
out one by one (``draws``, the reference engine) or in vectorised slices (``Stream``, the
hybrid's bulk path, which also hands them out one by one to its SimPy part).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator

import numpy as np

# Purposes of the streams.
ARRIVALS, STAYS, ESCALATIONS, ROUTING, INITIAL = range(5)
PURPOSES = (ARRIVALS, STAYS, ESCALATIONS, ROUTING, INITIAL)
AGES = 5  # the ages of new youths: only scenarios with age draw from it (no stream for the others)
BLOCK = 512  # draws per block


def type_code(name: str) -> int:
    """Stable integer for a care type name: streams follow the name, not the position."""
    return zlib.crc32(name.encode("utf-8"))


def stream_seed(seed: int, run_number: int, purpose: int, name: str) -> np.random.SeedSequence:
    """The seed of one stream. Equal to ``SeedSequence(seed).spawn(...)`` children for
    replication ``run_number`` then ``purpose``, addressed by the care type's name."""
    return np.random.SeedSequence(seed, spawn_key=(run_number, purpose, type_code(name)))


def generators(seed: int, run_number: int, names: list[str]) -> dict[tuple[int, int], np.random.Generator]:
    """Every stream of a replication: (purpose, care type index) -> generator."""
    return {
        (purpose, i): np.random.default_rng(stream_seed(seed, run_number, purpose, name))
        for purpose in PURPOSES
        for i, name in enumerate(names)
    }


def unit_gamma(rng: np.random.Generator, shape: float, size: int) -> np.ndarray:
    """Gamma draws with mean 1 and coefficient of variation 1/sqrt(shape)."""
    return rng.standard_gamma(shape, size) / shape


def draws(generator: Callable[[int], np.ndarray], block: int = BLOCK) -> Iterator[float]:
    """Endless iterator over blocks of draws: ``generator(block)`` returns an array."""
    while True:
        yield from generator(block).tolist()


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
