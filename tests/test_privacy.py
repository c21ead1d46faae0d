"""The privacy scan finds the demo city's ID numbers and phones written in any usual way, and not masks."""

from __future__ import annotations

from ingest.demo.population import build_city
from tests.privacy import DEMO_SEED, demo_secrets, find_secrets


def test_plain_ids_and_phones_are_found_and_masks_are_not() -> None:
    person = next(p for h in build_city("small", DEMO_SEED).households for p in h.members if p.phones)
    secrets = demo_secrets("small")
    id18, phone = person.id_number, next(p for p in person.phones if p.startswith("1"))
    spaced = f"{phone[:3]} {phone[3:7]} {phone[7:]}"
    text = f"worker {id18} called from {spaced}; old id {id18[:6] + id18[8:17]}"
    assert len(find_secrets(text, secrets)) == 3
    masked = f"{id18[:4]}**********{id18[-4:]} {phone[:3]}****{phone[-4:]}"
    assert find_secrets(masked, secrets) == []
    assert find_secrets("110101199003077777 13900000000", secrets) == []  # not the demo city's
