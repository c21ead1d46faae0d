"""Password hashing (argon2id) and the password policy (密码要求).

Hashes carry their own parameters and salt, so parameters can be raised later: ``needs_rehash`` tells
when a stored hash was made with weaker ones, and the caller stores a new hash at the next sign-in.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from models.errors import InvalidInput

__all__ = ["MIN_LENGTH", "check_policy", "hash_password", "needs_rehash", "verify_password"]

MIN_LENGTH = 10

_HASHER = PasswordHasher()
# verified against when the account does not exist, so that both failures take the same time
_DUMMY = _HASHER.hash("anye-no-such-account")


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored``; ``None`` (no password set) never matches, in the same time."""
    try:
        return _HASHER.verify(stored or _DUMMY, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return _HASHER.check_needs_rehash(stored)


def check_policy(password: str, username: str) -> None:
    """Raise ``InvalidInput`` with the Chinese reason when ``password`` is too weak."""
    if len(password) < MIN_LENGTH:
        raise InvalidInput(f"密码太短：至少需要 {MIN_LENGTH} 个字符。")
    if password.isdigit():
        raise InvalidInput("密码不能全是数字，请加入字母或符号。")
    if password.strip().casefold() == username.strip().casefold():
        raise InvalidInput("密码不能与用户名相同。")
    if len(set(password)) < 3:
        raise InvalidInput("密码过于简单（几乎全是同一个字符），请换一个。")
