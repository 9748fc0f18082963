"""Reading a manifest: TOML → the published JSON Schema → the models → the checks.

Every problem is reported with the file, the line and the key path it concerns, one per
line (``sandbox.toml:42: services.create_order.body.lines: unknown name 'line.sku'``),
and a manifest with any problem is refused whole. The schema is the one shipped next
to the models (``manifest.schema.json``); :mod:`.checks` adds what a schema cannot say
(paths and templates that parse, names that exist, required services, safe URLs).
"""

from __future__ import annotations

import difflib
import json
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from orderbridge.connectors.rest_pos import checks
from orderbridge.connectors.rest_pos.lines import key_lines, line_of
from orderbridge.connectors.rest_pos.manifest import Manifest

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError as SchemaError

SCHEMA_NAME = "manifest.schema.json"
SHIPPED = "manifests"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a manifest: where (key path, line) and why."""

    path: tuple[str | int, ...]
    message: str
    line: int | None = None

    def where(self) -> str:
        return ".".join(str(p) for p in self.path) or "(top)"


class ManifestError(ValueError):
    """A manifest that cannot be used; ``str()`` gives one line per problem."""

    def __init__(self, source: str, problems: Sequence[Problem]) -> None:
        self.source = source
        self.problems = list(problems)
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        return [f"{self.source}:{p.line or 1}: {p.where()}: {p.message}" for p in self.problems]


@cache
def schema() -> dict[str, Any]:
    """The published JSON Schema of manifests (shipped in the package)."""
    text = resources.files(__package__).joinpath(SCHEMA_NAME).read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def shipped_names() -> list[str]:
    """The manifests shipped with orderbridge (``sandbox`` …)."""
    folder = resources.files(__package__).joinpath(SHIPPED)
    return sorted(
        p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml")
    )


def shipped_text(name: str) -> str:
    """The text of a shipped manifest; ``ValueError`` for a name not shipped."""
    if name not in shipped_names():
        raise ValueError(f"no shipped manifest {name!r} (shipped: {', '.join(shipped_names())})")
    folder = resources.files(__package__).joinpath(SHIPPED)
    return folder.joinpath(f"{name}.toml").read_text(encoding="utf-8")


def load_file(path: Path) -> Manifest:
    """Read and check the manifest at ``path`` (``ManifestError`` names the file)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ManifestError(str(path), [Problem((), f"cannot read: {exc.strerror}")]) from None
    return load_text(text, source=str(path))


def load_text(text: str, *, source: str = "manifest") -> Manifest:
    """Read and check a manifest's text; cached, so a connection's manifest is read once."""
    return _load(text, source)


@lru_cache(maxsize=64)
def _load(text: str, source: str) -> Manifest:
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(source, [_toml_problem(str(exc))]) from None
    lines = key_lines(text)
    problems = sorted(_schema_problems(document), key=lambda p: [str(x) for x in p.path])
    if not problems:
        try:
            manifest = Manifest.model_validate(document)
        except ValidationError as exc:  # the schema and the models disagree: a bug
            problems = [Problem(tuple(e["loc"]), e["msg"]) for e in exc.errors()]
        else:
            problems = [Problem(p, m) for p, m in checks.problems(manifest)]
    if problems:
        located = [Problem(p.path, p.message, line_of(lines, p.path)) for p in problems]
        raise ManifestError(source, located)
    return manifest


def _toml_problem(message: str) -> Problem:
    # tomllib: "Invalid value (at line 3, column 9)"
    line = None
    if "(at line " in message:
        tail = message.rsplit("(at line ", 1)[1]
        digits = tail.split(",", 1)[0].rstrip(")")
        line = int(digits) if digits.isdigit() else None
        message = message.rsplit(" (at line ", 1)[0]
    return Problem((), f"not valid TOML: {message}", line)


def _schema_problems(document: dict[str, Any]) -> Iterable[Problem]:
    # jsonschema (~15 MiB) is imported when a manifest is checked, not by every process.
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(schema())
    for error in validator.iter_errors(document):
        yield _explain(error)


def _explain(error: SchemaError) -> Problem:
    if error.validator in ("anyOf", "oneOf") and error.context:
        # An optional section ({"$ref"} or null): say what is wrong inside it.
        inner = [e for e in error.context if e.validator_value != "null"]
        if inner:
            return _explain(max(inner, key=lambda e: len(e.absolute_path)))
    path = tuple(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        schema = error.schema if isinstance(error.schema, dict) else {}
        known = set(schema.get("properties", {}))
        extra = sorted(k for k in error.instance if k not in known)
        key = extra[0] if extra else "?"
        return Problem((*path, key), f"unknown key {key!r}{_suggest(key, known)}")
    if "propertyNames" in error.schema_path:  # a key of a table with fixed names
        name = str(error.instance)
        allowed = error.schema.get("enum", []) if isinstance(error.schema, dict) else []
        return Problem((*path, name), f"unknown name {name!r}{_suggest(name, allowed)}")
    if error.validator == "required":
        return Problem(path, error.message.replace("is a required property", "is missing"))
    if error.validator in ("enum", "const") and isinstance(error.validator_value, list):
        allowed = ", ".join(repr(v) for v in error.validator_value)
        return Problem(path, f"{error.instance!r} is not one of {allowed}")
    return Problem(path, error.message)


def _suggest(word: str, choices: Iterable[Any]) -> str:
    close = difflib.get_close_matches(word, [str(c) for c in choices], n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
