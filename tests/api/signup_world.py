"""What the employer self-registration tests share: valid credit codes, a code sender that keeps what it sends,
and a client of the world's app whose text messages go to it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi.testclient import TestClient

from api.deps import get_code_sender
from api.otp import CodeSender
from api.settings import Settings
from ingest.credit_code import check_character
from tests.api.openings_world import app_client

__all__ = ["FakeSender", "credit_code", "signup_client"]


def credit_code(n: int) -> str:
    """A valid 统一社会信用代码 (its check character computed), different for each ``n``."""
    first17 = f"91140900MA0K{n:05d}"
    return first17 + check_character(first17)


class FakeSender:
    """Takes the place of the development code sender: keeps the last code sent to each phone."""

    def __init__(self) -> None:
        self.codes: dict[str, str] = {}

    def send(self, phone: str, code: str) -> None:
        self.codes[phone] = code


@contextmanager
def signup_client(settings: Settings, var_dir: Path, sender: FakeSender) -> Iterator[TestClient]:
    """A client of the app on ``settings`` whose one-time codes go to ``sender``."""
    with app_client(settings, var_dir) as test_client:

        def fake_sender() -> CodeSender:
            return sender

        test_client.app.dependency_overrides[get_code_sender] = fake_sender  # type: ignore[attr-defined]
        yield test_client
