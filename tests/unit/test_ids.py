"""Ids: the prefix, then 16 characters of the hub's base32 spelling, never repeated."""

from __future__ import annotations

import re

from orderbridge.services.ids import new_id


def test_an_id_is_the_prefix_and_sixteen_characters_of_the_hub_alphabet() -> None:
    ids = [new_id("ord") for _ in range(2000)]
    assert all(re.fullmatch(r"ord_[0-9a-hjkmnp-tv-z]{16}", i) for i in ids)
    assert len(set(ids)) == len(ids)
    # Every character of the alphabet turns up (80 random bits per id, spread evenly).
    assert len({c for i in ids for c in i[4:]}) == 32
