"""Personal data at rest: AES-GCM encryption plus a keyed hash (HMAC-SHA256) for look-up and de-duplication.

ID numbers (身份证号) and phones are stored only as ciphertext, a keyed hash and a mask
(``1409**********1234``, ``138****5678``). The plain value never goes to a log, a URL or a cache.
"""

from __future__ import annotations

import base64
import hmac
import os
import secrets
from collections.abc import Sequence
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from models.errors import InvalidInput, Misconfigured

__all__ = ["PersonalDataCipher", "load_or_create_secret", "mask_id_number", "mask_phone"]

_NONCE = 12
_DIGEST = "sha256"


class PersonalDataCipher:
    """Encrypts, decrypts and hashes personal fields with keys derived from one secret."""

    def __init__(self, secret: str) -> None:
        if len(secret) < 32:
            raise Misconfigured("加密密钥过短：ANYE_SECRET_KEY 至少需要 32 个字符。")
        material = secret.encode()
        self._aead = AESGCM(_derive(material, b"anye/aes-gcm"))
        # keyed once; each digest continues from a copy of this state instead of keying HMAC again
        self._mac = hmac.new(_derive(material, b"anye/hmac"), digestmod=_DIGEST)

    def encrypt(self, plain: str) -> bytes:
        nonce = os.urandom(_NONCE)
        return nonce + self._aead.encrypt(nonce, plain.encode(), None)

    def encrypt_many(self, plains: Sequence[str]) -> list[bytes]:
        """``encrypt`` of each value. Every nonce is still 12 fresh random bytes; they are only read from
        the operating system in one call, which a bulk import would otherwise make 200,000 times."""
        randoms = os.urandom(_NONCE * len(plains))
        seal = self._aead.encrypt
        out: list[bytes] = []
        for start, plain in zip(range(0, len(randoms), _NONCE), plains, strict=True):
            nonce = randoms[start : start + _NONCE]
            out.append(nonce + seal(nonce, plain.encode(), None))
        return out

    def decrypt(self, token: bytes) -> str:
        try:
            return self._aead.decrypt(token[:_NONCE], token[_NONCE:], None).decode()
        except Exception as exc:  # cryptography raises InvalidTag without a message
            raise InvalidInput("无法解密：密钥与数据不匹配。") from exc

    def encrypt_text(self, plain: str) -> str:
        """Ciphertext as base64 text, for JSON and text columns."""
        return base64.b64encode(self.encrypt(plain)).decode()

    def decrypt_text(self, token: str) -> str:
        return self.decrypt(base64.b64decode(token))

    def digest(self, plain: str) -> str:
        """Keyed hash: equal plain values give equal digests; without the key it reveals nothing."""
        mac = self._mac.copy()
        mac.update(plain.encode())
        return mac.hexdigest()


def _derive(material: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"anye-v1", info=info).derive(material)


def load_or_create_secret(path: Path) -> str:
    """The embedded mode's secret: generated once into ``path`` (mode 0600) and reused after."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(secret)
    return secret


def mask_id_number(id_number: str) -> str:
    """``140902199001011234`` -> ``1409**********1234``."""
    if len(id_number) <= 8:
        return "*" * len(id_number)
    return id_number[:4] + "*" * (len(id_number) - 8) + id_number[-4:]


def mask_phone(phone: str) -> str:
    """``13812345678`` -> ``138****5678``; landlines keep area code and last four."""
    if len(phone) == 11 and phone.isdigit():
        return phone[:3] + "****" + phone[-4:]
    if len(phone) <= 4:
        return "*" * len(phone)
    head = phone.split("-")[0] + "-" if "-" in phone else phone[:3]
    return head + "*" * max(len(phone) - len(head) - 4, 0) + phone[-4:]
