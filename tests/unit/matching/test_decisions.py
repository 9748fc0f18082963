"""Mapping statuses: what a rematch keeps, what a lost POS item breaks."""

from __future__ import annotations

from orderbridge.matching import (
    Candidate,
    ItemMapping,
    MappingStatus,
    Match,
    Target,
    confirm,
    decide,
    fresh,
    ignore,
    with_options,
)

LATTE = Target("115")
MATCHA = Target("60")


def _match(*candidates: tuple[Target, float], auto: bool = False) -> Match:
    return Match(
        "web-1",
        tuple(Candidate(t, t.item_id, c, complete=True) for t, c in candidates),
        auto=auto,
    )


def _everything(_: Target) -> bool:
    return True


def test_fresh_statuses_follow_the_matcher() -> None:
    assert fresh(_match((LATTE, 0.97), auto=True)).status is MappingStatus.AUTO
    assert fresh(_match((LATTE, 0.7))).status is MappingStatus.SUGGESTED
    low = fresh(_match((LATTE, 0.4)))
    assert (low.status, low.target) == (MappingStatus.UNMAPPED, None)
    assert fresh(_match()).status is MappingStatus.UNMAPPED


def test_a_confirmed_mapping_outlives_a_rematch_that_prefers_another_item() -> None:
    before = confirm(fresh(_match((LATTE, 0.7))), MATCHA, ())
    after = decide(before, _match((LATTE, 0.99), auto=True), _everything)
    assert (after.mapping.status, after.mapping.target, after.broken) == (
        MappingStatus.CONFIRMED,
        MATCHA,
        False,
    )
    assert after.mapping.candidates[0].target == LATTE  # fresh candidates, same decision


def test_an_ignored_item_stays_ignored() -> None:
    before = ignore(fresh(_match((LATTE, 0.7))))
    after = decide(before, _match((LATTE, 0.99), auto=True), _everything)
    assert after.mapping.status is MappingStatus.IGNORED and after.mapping.target is None


def test_a_vanished_pos_item_breaks_the_mapping_back_to_suggested() -> None:
    before = confirm(fresh(_match((LATTE, 0.7))), LATTE, ())
    after = decide(before, _match((MATCHA, 0.95), auto=True), lambda t: t != LATTE)
    assert after.broken
    assert (after.mapping.status, after.mapping.target) == (MappingStatus.SUGGESTED, MATCHA)
    auto = fresh(_match((LATTE, 0.97), auto=True))
    lost = decide(auto, _match(), lambda t: t != LATTE)
    assert lost.broken and lost.mapping.status is MappingStatus.UNMAPPED


def test_suggestions_follow_the_newest_match() -> None:
    before = fresh(_match((LATTE, 0.7)))
    after = decide(before, _match((MATCHA, 0.97), auto=True), _everything)
    assert (after.mapping.status, after.mapping.target) == (MappingStatus.AUTO, MATCHA)


def test_confirming_another_item_forgets_the_person_set_options() -> None:
    mapping = ItemMapping(
        "web-1",
        MappingStatus.CONFIRMED,
        LATTE,
        options={"m1": "33"},
        pinned_options=frozenset({"m1"}),
    )
    assert confirm(mapping, LATTE, ()).options == {"m1": "33"}
    assert confirm(mapping, MATCHA, ()).options == {}


def test_pinned_options_win_while_their_pos_option_exists() -> None:
    mapping = ItemMapping(
        "web-1",
        MappingStatus.CONFIRMED,
        LATTE,
        options={"m1": "33", "m2": "99"},
        pinned_options=frozenset({"m1", "m2"}),
    )
    merged = with_options(mapping, {"m1": "32", "m2": "34"}, lambda pos_id: pos_id != "99")
    assert merged.options == {"m1": "33", "m2": "34"}
    assert merged.pinned_options == frozenset({"m1"})
