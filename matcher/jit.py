"""Numba for the loops of a search that numpy cannot fuse: one place to import it, with its cache under var/.

Compiled functions are cached on disk (``cache=True``), in ``var/cache/numba`` of the checkout unless
``NUMBA_CACHE_DIR`` says otherwise, so only the first process after a change compiles them (some seconds);
later ones load the machine code. They release the GIL: readers of a matcher may search in parallel.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

# numba reads its configuration when first imported: the cache folder has to be set before that
os.environ.setdefault("NUMBA_CACHE_DIR", str(Path(__file__).resolve().parent.parent / "var" / "cache" / "numba"))

import numba  # noqa: E402

__all__ = ["compiled", "inlined"]

F = TypeVar("F", bound=Callable[..., Any])


def compiled(function: F) -> F:
    """``function`` compiled in nopython mode, cached on disk, without the GIL; typed as the Python one."""
    return cast(F, numba.njit(cache=True, nogil=True)(function))


def inlined(function: F) -> F:
    """A compiled helper that is inlined into its compiled callers (a call would count references to every
    array it is given, which costs more than a rule check)."""
    return cast(F, numba.njit(cache=True, nogil=True, inline="always")(function))
