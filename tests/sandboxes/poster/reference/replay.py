"""Replaying the reference's request examples against a freshly seeded sandbox.

Each example (``reference_examples.json``, written by ``extract``) becomes one or more
``Case``s: a GET example is sent as written; a POST example is sent form-encoded (what
the reference's ``sendRequest`` does with ``http_build_query``) and as JSON (its
``$json = true``), and, for a method that changes data, once more as a GET, which
must be refused. Every case runs over HTTP (``httpx.ASGITransport``) against its own
``demo_world()`` on a fixed clock, so examples never see each other's changes and the
answers are repeatable.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

from orderbridge.sandboxes.poster.app import create_app
from orderbridge.sandboxes.poster.context import WebhookEvent
from orderbridge.sandboxes.poster.methods import is_write
from orderbridge.sandboxes.poster.sandbox import PosterSandbox
from orderbridge.sandboxes.poster.seed import DEMO_ACCOUNT as DEMO
from orderbridge.sandboxes.poster.seed import demo_world
from orderbridge.sandboxes.poster.state import World
from tests.sandboxes.poster.reference.errata import ERRATA

EXAMPLES_FILE = (
    Path(__file__).resolve().parents[3] / "payloads" / "poster" / "reference_examples.json"
)
# 16:00 in Kyiv on the day of transactions.getTransactions' example: the seeded
# history (May 2017 – March 2018) lies around it, so the examples that default to "the
# last month" find checks, supplies and transfers.
REPLAY_NOW = datetime(2017, 11, 30, 14, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Example:
    """One request example of the reference and the answer it documents."""

    id: str
    method: str
    http: str
    json: bool
    query: dict[str, str]
    params: dict[str, Any]
    variables: dict[str, str]
    answer: Any
    label: str
    line: int
    answer_alternative: Any = None


@dataclass(frozen=True)
class Reference:
    examples: list[Example]
    methods: dict[str, dict[str, Any]]


@cache
def reference() -> Reference:
    """The extracted examples and methods of the reference."""
    data = json.loads(EXAMPLES_FILE.read_text(encoding="utf-8"))
    fields = set(Example.__dataclass_fields__)
    examples = [Example(**{k: v for k, v in e.items() if k in fields}) for e in data["examples"]]
    return Reference(examples, data["methods"])


@dataclass(frozen=True)
class Case:
    """An example sent one way: ``query`` (GET), ``form`` or ``json`` (POST), or
    ``get`` (a write sent as GET, to be refused)."""

    example: Example
    encoding: str

    @property
    def id(self) -> str:
        return f"{self.example.id}/{self.encoding}"


def cases() -> list[Case]:
    """Every way every example is replayed."""
    found = []
    for example in reference().examples:
        if example.http == "GET":
            found.append(Case(example, "query"))
            continue
        found += [Case(example, "form"), Case(example, "json")]
        if is_write(example.method):
            found.append(Case(example, "get"))
    return found


# PHP as the examples use it ------------------------------------------------------------


def php_string(value: Any) -> str:
    """A scalar as PHP's string conversion writes it (``369.0`` → ``"369"``)."""
    if value is True:
        return "1"
    if value is False or value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def http_build_query(data: dict[str, Any]) -> list[tuple[str, str]]:
    """The pairs PHP's ``http_build_query`` makes of an array (nulls skipped)."""
    pairs: list[tuple[str, str]] = []

    def add(key: str, value: Any) -> None:
        if isinstance(value, dict):
            for sub, item in value.items():
                add(f"{key}[{sub}]", item)
        elif isinstance(value, list):
            for sub, item in enumerate(value):
                add(f"{key}[{sub}]", item)
        elif value is not None:
            pairs.append(
                (key, "1" if value is True else "0" if value is False else php_string(value))
            )

    for key, value in data.items():
        add(key, value)
    return pairs


_DATE_FORMAT = {"Y": "%Y", "m": "%m", "d": "%d", "H": "%H", "i": "%M", "s": "%S"}


def _evaluate(marker: str, params: dict[str, Any], variables: dict[str, str], now: datetime) -> str:
    date = re.fullmatch(r'date\("([^"]*)"\)', marker)
    if date:
        fmt = "".join(_DATE_FORMAT.get(ch, ch) for ch in date.group(1))
        return now.strftime(fmt)
    sign = re.fullmatch(r"md5\(implode\(':', \$\w+\) \. ':' \. (\$\w+)\)", marker)
    if sign:
        values = [php_string(v) for k, v in params.items() if k != "sign"]
        return hashlib.md5(":".join([*values, variables[sign.group(1)]]).encode()).hexdigest()
    raise ValueError(f"the replay cannot evaluate {marker}")


def resolve(example: Example, now: datetime) -> dict[str, Any]:
    """The example's parameters with its run-time expressions evaluated."""

    def walk(value: Any) -> Any:
        if isinstance(value, dict) and set(value) == {"$php"}:
            return _evaluate(value["$php"], example.params, example.variables, now)
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value

    params = dict(walk(example.params))
    erratum = ERRATA.get(example.id)
    if erratum is not None:
        for name in erratum.drop:
            params.pop(name, None)
        params |= {k: v for k, v in erratum.set.items() if k in params}
    return params


# Running a case ------------------------------------------------------------------------


@dataclass
class Recorder:
    """The webhook sink of a replayed sandbox."""

    events: list[WebhookEvent] = field(default_factory=list)

    def publish(self, event: WebhookEvent) -> None:
        self.events.append(event)


@cache
def _seeded() -> World:
    return demo_world()


def fresh_world() -> World:
    """A copy of the seeded world that examples may change: the examples call as the
    demo account, so only it is copied (the other accounts are only ever read)."""
    template = _seeded()
    world = template.model_copy()
    world.accounts = {**template.accounts, DEMO: copy.deepcopy(template.accounts[DEMO])}
    return world


def fresh_sandbox() -> PosterSandbox:
    """The seeded world on the replay's clock, webhooks recorded, not delivered."""
    sandbox = PosterSandbox(fresh_world(), clock=lambda: REPLAY_NOW)
    sandbox.sink = Recorder()
    return sandbox


@cache
def shared_sandbox() -> PosterSandbox:
    """One seeded sandbox for the cases that must change nothing (reads, refused GETs);
    building a world per case would cost seconds."""
    return fresh_sandbox()


def sandbox_for(case: Case) -> PosterSandbox:
    """Reads share a sandbox; a write gets a fresh one, so examples never meet."""
    return shared_sandbox() if case.encoding in ("query", "get") else fresh_sandbox()


def request_for(case: Case, now: datetime) -> httpx.Request:
    """The HTTP request a PHP client sends for ``case``."""
    example = case.example
    params = resolve(example, now)
    query = dict(example.query)
    erratum = ERRATA.get(example.id)
    if erratum is not None:
        for name in erratum.drop:
            query.pop(name, None)
        query |= {k: v for k, v in erratum.set.items() if k in query} | erratum.add
    url = f"http://api-demo.localhost/api/{example.method}"
    if case.encoding in ("query", "get"):
        pairs = [*query.items(), *http_build_query(params)]
        return httpx.Request("GET", url, params=pairs)
    if case.encoding == "form":
        return httpx.Request(
            "POST",
            url,
            params=query,
            content=urlencode(http_build_query(params)).encode(),
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
    body = json.dumps(params, ensure_ascii=False).encode()
    return httpx.Request(
        "POST", url, params=query, content=body, headers={"content-type": "application/json"}
    )


async def replay(case: Case, sandbox: PosterSandbox | None = None) -> Any:
    """Send ``case`` to ``sandbox`` (a fresh one by default) and decode the answer."""
    sandbox = sandbox or sandbox_for(case)
    sink = sandbox.sink
    app = create_app(sandbox)
    sandbox.sink = sink  # create_app hands the sink to its (not running) dispatcher
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport) as client:
        answer = await client.send(request_for(case, sandbox.clock()))
    return answer.json()
