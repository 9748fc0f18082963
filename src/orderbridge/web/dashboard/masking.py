"""Contacts as the dashboard shows them: enough to recognise a customer, not to reach one.

An operator matching a phone call to an order needs the country and the last digits;
the full number and the full address stay in the database, out of the HTML, out of
screenshots and out of the browser's cache.
"""

from __future__ import annotations

DOT = "•"


def mask_phone(phone: str | None) -> str:
    """``+380671234567`` → ``+38•••••••4567``: the leading digits and the last four."""
    if not phone:
        return ""
    digits = phone.lstrip("+")
    if len(digits) <= 6:
        return DOT * len(phone)
    prefix = "+" if phone.startswith("+") else ""
    return f"{prefix}{digits[:2]}{DOT * (len(digits) - 6)}{digits[-4:]}"


def mask_email(email: str | None) -> str:
    """``olena@example.com`` → ``o•••@e•••.com``: first letters and the top-level domain."""
    if not email or "@" not in email:
        return ""
    local, _, domain = email.rpartition("@")
    host, dot, tld = domain.rpartition(".")
    if not dot:
        host, tld = domain, ""
    masked_host = f"{host[:1]}{DOT * 3}" if host else DOT * 3
    return f"{local[:1]}{DOT * 3}@{masked_host}{dot}{tld}"


def mask_secret_settings(settings: dict[str, object]) -> dict[str, object]:
    """Settings with any value whose name sounds secret replaced by dots.

    Credentials live in their own encrypted column and are never read by the dashboard;
    this guards against a secret that was put into the plain settings by mistake.
    """
    words = ("secret", "token", "password", "passwd", "api_key", "apikey", "private")
    shown: dict[str, object] = {}
    for name, value in settings.items():
        lowered = name.lower()
        shown[name] = DOT * 8 if any(word in lowered for word in words) else value
    return shown
