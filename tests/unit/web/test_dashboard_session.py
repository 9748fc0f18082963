"""The dashboard's signed session cookie, its CSRF tokens, and how contacts are masked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from orderbridge.web.dashboard.masking import mask_email, mask_phone, mask_secret_settings
from orderbridge.web.dashboard.session import SessionSigner

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


def test_a_session_survives_the_round_trip_until_it_expires() -> None:
    signer = SessionSigner("secret")
    session = signer.new_session("ten_a", "key_1", now=NOW)
    value = signer.dump(session)
    assert signer.load(value, now=NOW + timedelta(hours=11)) == session
    assert signer.load(value, now=NOW + timedelta(hours=12)) is None


def test_a_forged_or_foreign_cookie_is_no_session() -> None:
    signer = SessionSigner("secret")
    value = signer.dump(signer.new_session("ten_a", "key_1", now=NOW))
    assert SessionSigner("another secret").load(value, now=NOW) is None
    payload, mac = value.split(".")
    forged = SessionSigner("secret").dump(signer.new_session("ten_b", "key_1", now=NOW))
    assert signer.load(forged.split(".")[0] + "." + mac, now=NOW) is None
    for junk in ["", "abc", "a.b.c", payload + ".", "." + mac]:
        assert signer.load(junk, now=NOW) is None


def test_csrf_tokens_belong_to_one_session() -> None:
    signer = SessionSigner("secret")
    one = signer.new_session("ten_a", "key_1", now=NOW)
    two = signer.new_session("ten_a", "key_1", now=NOW)
    assert signer.csrf_ok(one, signer.csrf_token(one))
    assert not signer.csrf_ok(one, signer.csrf_token(two))
    assert not signer.csrf_ok(one, "")


def test_contacts_are_masked_but_recognisable() -> None:
    assert mask_phone("+380671234567") == "+38••••••4567"
    assert mask_phone("+12025550123") == "+12•••••0123"
    assert mask_phone("12345") == "•••••"
    assert mask_phone(None) == ""
    assert mask_email("olena@example.com") == "o•••@e•••.com"
    assert mask_email("a@localhost") == "a•••@l•••"
    assert mask_email("not-an-address") == ""


def test_settings_that_sound_secret_are_hidden() -> None:
    shown = mask_secret_settings({"account": "cafe", "api_token": "t", "ClientSecret": "s"})
    assert shown == {"account": "cafe", "api_token": "••••••••", "ClientSecret": "••••••••"}
