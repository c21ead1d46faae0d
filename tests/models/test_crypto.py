"""Personal data at rest: every value sealed with its own nonce, and look-up digests that need the key."""

from __future__ import annotations

from models.crypto import PersonalDataCipher


def test_values_encrypted_together_come_back_and_never_share_a_nonce(cipher: PersonalDataCipher) -> None:
    plains = ["140902199001011234", "13812345678", "13812345678", "王建国", ""]
    tokens = cipher.encrypt_many(plains) + cipher.encrypt_many(plains) + [cipher.encrypt(p) for p in plains]
    assert [cipher.decrypt(t) for t in tokens] == plains * 3
    assert len({t[:12] for t in tokens}) == len(tokens)
    assert cipher.encrypt_many([]) == []


def test_digests_match_for_equal_values_only_and_depend_on_the_secret(cipher: PersonalDataCipher) -> None:
    same_secret = PersonalDataCipher("test-secret-" + "x" * 40)  # as the conftest fixture
    other_secret = PersonalDataCipher("another-secret-" + "z" * 40)
    first = cipher.digest("140902199001011234")
    assert len(first) == 64 and first == cipher.digest("140902199001011234")
    assert first != cipher.digest("140902199001011235")
    assert first != other_secret.digest("140902199001011234")
    assert same_secret.digest("140902199001011234") == first  # another process, the same secret
