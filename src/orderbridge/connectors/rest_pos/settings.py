"""The configuration of one REST POS connection: which manifest, where, and its secrets.

Settings name the manifest — one shipped with orderbridge (``manifest = "sandbox"``) or
the manifest's own text (``manifest_toml``), for a POS the deployment describes itself
— and may override its base URL (a vendor's test environment). Credentials are the
names the manifest's ``[credentials]`` declares, each a secret string.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

from orderbridge.connectors.rest_pos import checks, loading
from orderbridge.connectors.rest_pos.manifest import Manifest


class RestPosSettings(BaseModel):
    """One REST POS connection."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    manifest: str | None = Field(
        None, description="A manifest shipped with orderbridge, by name (e.g. sandbox)."
    )
    manifest_toml: str | None = Field(
        None, description="Or the manifest itself, as TOML text (see docs/rest-pos.md)."
    )
    base_url: str | None = Field(None, description="Overrides the manifest's api.base_url.")
    timeout_seconds: float | None = Field(
        None, gt=0, le=120, description="Overrides the manifest's api.timeout_seconds."
    )

    @model_validator(mode="after")
    def _one_manifest(self) -> RestPosSettings:
        if (self.manifest is None) == (self.manifest_toml is None):
            raise ValueError("give either manifest (a shipped name) or manifest_toml")
        return self

    def load(self) -> Manifest:
        """The manifest, read and checked (``ManifestError`` / ``ValueError`` if not usable)."""
        if self.manifest_toml is not None:
            return loading.load_text(self.manifest_toml, source="manifest_toml")
        assert self.manifest is not None
        return loading.load_text(
            loading.shipped_text(self.manifest), source=f"{self.manifest}.toml"
        )

    def url(self, manifest: Manifest, *, allow_private: bool) -> str:
        """The base URL to call; ``ValueError`` when it is not safe to call."""
        url = self.base_url or manifest.api.base_url
        problems = checks.url_problems(url, allow_private=allow_private)
        if problems:
            raise ValueError(f"base_url: {problems[0]}")
        return url.rstrip("/")


def credentials_for(manifest: Manifest, given: Mapping[str, Any]) -> dict[str, str]:
    """The connection's credentials the manifest declares; ``ValueError`` for a missing
    one (unknown ones are refused too: a typo must not go unnoticed)."""
    declared = set(manifest.credentials)
    missing = sorted(declared - set(given))
    if missing:
        raise ValueError(f"credentials: {', '.join(missing)} missing (the manifest needs them)")
    unknown = sorted(set(given) - declared)
    if unknown:
        raise ValueError(f"credentials: {', '.join(unknown)} not declared in the manifest")
    out = {}
    for name in sorted(declared):
        value = given[name]
        value = value.get_secret_value() if isinstance(value, SecretStr) else value
        if not isinstance(value, str) or not value:
            raise ValueError(f"credentials: {name} must be a non-empty string")
        out[name] = value
    return out
