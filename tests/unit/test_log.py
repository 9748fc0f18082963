"""Logs never carry tokens, phone numbers or e-mail addresses."""

from __future__ import annotations

import pytest

from orderbridge.log import REDACTED, configure_logging, get_logger, redact, redact_text


def test_sensitive_keys_are_masked_recursively() -> None:
    payload = {
        "order": {"customer": {"phone": "+380671234567", "email": "a@b.ua", "name": "Олена"}},
        "token": "687409:4164553abf6a031302898da7800b59fb",
        "items": [{"api_key": "ob_secret", "quantity": 2}],
        "spot_id": 1,
    }
    clean = redact(payload)
    assert clean["order"]["customer"]["phone"] == REDACTED
    assert clean["order"]["customer"]["email"] == REDACTED
    assert clean["token"] == REDACTED
    assert clean["items"][0] == {"api_key": REDACTED, "quantity": 2}
    assert clean["spot_id"] == 1


@pytest.mark.parametrize(
    "text",
    [
        "call +380 67 123 45 67 now",
        "mail olena.k@example.com please",
        "GET /api/menu.getProducts?token=687409:4164553abf6a031302898da7800b59fb",
        "GET /api/x?token=687409%3A4164553abf6a031302898da7800b59fb",
        "Authorization: Bearer ob_abcdefghijklmnop",
    ],
)
def test_secrets_inside_free_text_are_masked(text: str) -> None:
    masked = redact_text(text)
    assert REDACTED in masked
    for secret in ("123 45 67", "olena.k@", "4164553abf", "ob_abcdefgh"):
        assert secret not in masked


@pytest.mark.parametrize(
    "text",
    [
        "order 1042 total 38000 UAH",
        "at 2026-11-22 18:30:00+02:00",
        "time 1518794257",
        "spot 1, product 139, modification 147",
    ],
)
def test_ids_amounts_and_dates_survive(text: str) -> None:
    assert redact_text(text) == text


def test_bare_digit_phones_as_poster_stores_them_are_masked() -> None:
    assert redact_text("client 380684112224") == f"client {REDACTED}"


def test_logger_output_is_redacted(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO", json=True)
    get_logger("test").info("order received", phone="+380671234567", note="ring a@b.ua")
    err = capsys.readouterr().err
    assert "order received" in err
    assert "+380671234567" not in err and "a@b.ua" not in err
