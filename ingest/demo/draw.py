"""Random draws for the demo city: reproducible from a seed, and cheap enough for 300,000 draws a second.

``Draw`` is a ``random.Random`` (seeded the same way: a text seed is hashed, so runs and platforms agree)
whose ``choice``, ``randint`` and ``randrange`` take one ``random()`` each instead of rejection sampling
on bits; the bias (below 2**-40 for these small ranges) does not matter for synthetic data.
"""

from __future__ import annotations

import random
from bisect import bisect
from itertools import accumulate
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from _typeshed import SupportsLenAndGetItem

__all__ = ["Draw", "Weighted"]

T = TypeVar("T")


class Draw(random.Random):
    """A seeded generator with float-based choice, randint and randrange."""

    def choice(self, seq: SupportsLenAndGetItem[T]) -> T:
        return seq[int(self.random() * len(seq))]

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:
        if stop is None:
            start, stop = 0, start
        return start + step * int(self.random() * ((stop - start + step - 1) // step))


class Weighted:
    """Values with weights; ``pick`` draws one by weight (bisect on the cumulative weights)."""

    __slots__ = ("_cumulative", "_values")

    def __init__(self, *pairs: tuple[str, float]) -> None:
        self._values = [v for v, _ in pairs]
        self._cumulative = list(accumulate(w for _, w in pairs))

    def pick(self, rng: random.Random) -> str:
        return self._values[bisect(self._cumulative, rng.random() * self._cumulative[-1])]
