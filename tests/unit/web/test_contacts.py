"""Phones in any common form become E.164; emails are checked and their domain lower-cased."""

from __future__ import annotations

import pytest

from orderbridge.web.contacts import check_phone_shape, normalize_email, normalize_phone


@pytest.mark.parametrize(
    "raw",
    [
        "+380671234567",
        "+380 67 123 45 67",
        "+38 (067) 123-45-67",
        "067 123 45 67",
        "(067) 123-45-67",
        "0671234567",
        "00380671234567",
        "  067.123.45.67  ",
    ],
)
def test_common_ukrainian_forms_normalise_to_e164(raw: str) -> None:
    assert normalize_phone(raw) == "+380671234567"


def test_the_region_hint_decides_what_a_national_number_means() -> None:
    assert normalize_phone("512 345 678", "PL") == "+48512345678"
    assert normalize_phone("512 345 678", "pl") == "+48512345678"


def test_an_international_number_ignores_the_region_hint() -> None:
    assert normalize_phone("+48 512 345 678", "UA") == "+48512345678"
    assert normalize_phone("+1 202-555-0143", "UA") == "+12025550143"


@pytest.mark.parametrize(
    "raw",
    ["", "   ", "123", "call me", "+380 67 ABC 45 67", "+380000000000", "0" * 40, "+"],
)
def test_what_is_not_a_valid_phone_raises_without_echoing_it(raw: str) -> None:
    with pytest.raises(ValueError) as caught:
        normalize_phone(raw)
    if len(raw.strip()) > 3:
        assert raw.strip() not in str(caught.value)


def test_the_shape_check_trims_and_allows_typing_punctuation() -> None:
    assert check_phone_shape(" (067) 123-45-67 ") == "(067) 123-45-67"
    with pytest.raises(ValueError):
        check_phone_shape("067 123 45 67 ext. 5")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("olena@example.com", "olena@example.com"),
        ("  Olena.K+orders@Example.COM ", "Olena.K+orders@example.com"),
        ("олена@приклад.укр", "олена@приклад.укр"),
        ("a@b.co", "a@b.co"),
    ],
)
def test_plausible_emails_are_kept_with_a_lower_case_domain(raw: str, expected: str) -> None:
    assert normalize_email(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "olena",
        "olena@",
        "@example.com",
        "olena@example",
        "olena@@example.com",
        "ol ena@example.com",
        "olena@exa mple.com",
        "olena@-example.com",
        "olena@example.c",
        f"{'a' * 250}@example.com",
    ],
)
def test_implausible_emails_raise(raw: str) -> None:
    with pytest.raises(ValueError):
        normalize_email(raw)


def test_a_number_seen_again_is_answered_alike_without_parsing_it_again() -> None:
    # A pure function of the text and the region: its answers are kept (web/contacts.py).
    from orderbridge.web import contacts

    before = contacts._parsed.cache_info().hits
    assert normalize_phone("067 555 12 34") == normalize_phone("067 555 12 34") == "+380675551234"
    for _ in range(2):
        with pytest.raises(ValueError, match=r"not a valid number \(read as a national"):
            normalize_phone("012 34", region="UA")
    assert contacts._parsed.cache_info().hits - before == 2
