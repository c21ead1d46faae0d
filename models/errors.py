"""Domain errors. Messages meant for brokers and workers are Chinese and say what to do.

The tree::

    AnyeError
    ├── NotFound        a record asked for does not exist
    ├── Conflict        the request clashes with the current state (a duplicate, a full posting)
    ├── NotAllowed      the actor's role or scope does not permit this
    ├── InvalidInput    the input cannot be understood (a malformed file or value)
    └── Misconfigured   a setting needed here is missing or wrong
"""

from __future__ import annotations

__all__ = ["AnyeError", "Conflict", "InvalidInput", "Misconfigured", "NotAllowed", "NotFound"]


class AnyeError(Exception):
    """Base of every error Anye raises on purpose; ``detail`` is shown to the user."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFound(AnyeError):
    pass


class Conflict(AnyeError):
    pass


class NotAllowed(AnyeError):
    pass


class InvalidInput(AnyeError):
    pass


class Misconfigured(AnyeError):
    pass
