"""Fixtures every browser test shares: Debian's Chromium and a fresh page per test
(defined with the Poster shop's tests, where they began)."""

from tests.browser.test_shop import browser, page  # noqa: F401
