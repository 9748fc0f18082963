"""Just enough PHP to read the reference's request examples as data.

Every web-API example of the reference is a handful of statements::

    $url = 'https://joinposter.com/api/menu.createProduct'
     . '?token=687409:4164553abf6a031302898da7800b59fb';
    $product = ['product_name' => 'Пончик', 'price[1]' => 3100, 'ingredient' => [[...]]];
    $data = sendRequest($url, 'post', $product, true);

``read_example(source)`` turns such a block into a ``PhpRequest``: the URL, the array
sent (PHP values as Python values: ``int``, ``float``, ``str``, ``bool``, ``None``,
``list`` for arrays without keys, ``dict`` otherwise), whether it goes as a POST and as
JSON. Expressions the examples compute at run time (``date("Y-m-d H:i:s")``, the
``md5(...)`` signature of payments.*) are kept as ``{"$php": "<source>"}`` markers for
the replay to evaluate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_TOKEN = re.compile(
    r"""
    (?P<space>\s+|//[^\n]*|\#[^\n]*|<\?(?:php)?)
  | (?P<sq>'(?:[^'\\]|\\.)*')
  | (?P<dq>"(?:[^"\\]|\\.)*")
  | (?P<num>-?\d+\.\d+|-?\d+)
  | (?P<var>\$[A-Za-z_]\w*)
  | (?P<name>[A-Za-z_]\w*)
  | (?P<op>=>|\.=|[\[\](),;=.])
    """,
    re.VERBOSE,
)


class PhpSyntaxError(ValueError):
    """The example uses PHP this reader does not know."""


@dataclass
class _Tok:
    kind: str
    text: str
    start: int
    end: int


def _tokens(source: str) -> list[_Tok]:
    tokens, pos = [], 0
    while pos < len(source):
        match = _TOKEN.match(source, pos)
        if match is None:
            raise PhpSyntaxError(f"unexpected {source[pos : pos + 20]!r}")
        kind = match.lastgroup or ""
        if kind != "space":
            tokens.append(_Tok(kind, match.group(), match.start(), match.end()))
        pos = match.end()
    return tokens


def _unquote(tok: _Tok) -> str:
    body = tok.text[1:-1]
    if tok.kind == "sq":
        return body.replace("\\'", "'").replace("\\\\", "\\")
    return (
        body.encode("latin-1", "backslashescape").decode("unicode_escape") if "\\" in body else body
    )


@dataclass
class PhpRequest:
    """What one example sends: ``sendRequest($url, $type, $params, $json)``."""

    url: str
    post: bool = False
    json: bool = False
    params: dict[str, Any] = field(default_factory=dict)
    # Statements that set one key of the array after it was built: key → marker.
    computed: dict[str, Any] = field(default_factory=dict)
    # Other string variables (``$application_secret``), for the markers to use.
    variables: dict[str, str] = field(default_factory=dict)


class _Reader:
    def __init__(self, source: str):
        self.source = source
        self.toks = _tokens(source)
        self.i = 0

    def peek(self, offset: int = 0) -> _Tok | None:
        j = self.i + offset
        return self.toks[j] if j < len(self.toks) else None

    def take(self, text: str | None = None) -> _Tok:
        tok = self.peek()
        if tok is None or (text is not None and tok.text != text):
            raise PhpSyntaxError(f"expected {text!r}, got {tok.text if tok else 'end'!r}")
        self.i += 1
        return tok

    def at(self, text: str) -> bool:
        tok = self.peek()
        return tok is not None and tok.text == text

    # Expressions -------------------------------------------------------------------

    def value(self) -> Any:
        tok = self.peek()
        if tok is None:
            raise PhpSyntaxError("expression expected")
        if tok.text == "[":
            return self.array("[", "]")
        if (
            tok.kind == "name"
            and tok.text.lower() == "array"
            and self.peek(1)
            and self.at_next("(")
        ):
            self.take()
            return self.array("(", ")")
        if tok.kind == "name" and self.at_next("("):
            return self.call_marker()
        if tok.kind in ("sq", "dq"):
            return self.concat()
        if tok.kind == "num":
            self.take()
            return float(tok.text) if "." in tok.text else int(tok.text)
        if tok.kind == "name" and tok.text.lower() in ("true", "false", "null"):
            self.take()
            return {"true": True, "false": False, "null": None}[tok.text.lower()]
        raise PhpSyntaxError(f"unexpected {tok.text!r}")

    def at_next(self, text: str) -> bool:
        tok = self.peek(1)
        return tok is not None and tok.text == text

    def concat(self) -> str:
        parts = [_unquote(self.take())]
        while self.at(".") and self.peek(1) is not None and self.peek(1).kind in ("sq", "dq"):  # type: ignore[union-attr]
            self.take(".")
            parts.append(_unquote(self.take()))
        return "".join(parts)

    def call_marker(self) -> dict[str, str]:
        """A function call kept as source text, to be evaluated by the replay."""
        start = self.take().start
        depth = 0
        while True:
            tok = self.take()
            if tok.text == "(":
                depth += 1
            elif tok.text == ")":
                depth -= 1
                if depth == 0:
                    end = tok.end
                    break
        while self.at(".") and self.peek(1) is not None:
            self.take(".")
            end = self.take().end
        return {"$php": self.source[start:end]}

    def array(self, open_: str, close: str) -> Any:
        self.take(open_)
        items: list[tuple[Any, Any]] = []
        while not self.at(close):
            first = self.value()
            if self.at("=>"):
                self.take("=>")
                items.append((first, self.value()))
            else:
                items.append((None, first))
            if not self.at(close):
                self.take(",")
        self.take(close)
        if all(key is None for key, _ in items):
            return [v for _, v in items]
        result: dict[str, Any] = {}
        next_index = 0
        for key, value in items:
            if key is None:
                key = next_index
            if isinstance(key, int):
                next_index = max(next_index, key + 1)
            result[str(key)] = value
        return result


def read_example(source: str) -> PhpRequest:
    """The request one PHP example sends (see the module docstring)."""
    reader = _Reader(source)
    arrays: dict[str, Any] = {}
    computed: dict[str, dict[str, Any]] = {}
    url = ""
    request: PhpRequest | None = None
    while reader.peek() is not None:
        target = reader.take()
        if target.kind != "var":
            raise PhpSyntaxError(f"statement expected at {target.text!r}")
        if reader.at("["):
            reader.take("[")
            key = reader.value()
            reader.take("]")
            reader.take("=")
            computed.setdefault(target.text, {})[str(key)] = reader.value()
        elif reader.at(".="):
            reader.take(".=")
            url += _append_query(reader, arrays)
        else:
            reader.take("=")
            tok = reader.peek()
            if tok is not None and tok.kind == "name" and tok.text == "sendRequest":
                request = _send_request(reader, url, arrays, computed)
            elif tok is not None and tok.kind in ("sq", "dq"):
                text = reader.concat()
                if target.text == "$url":
                    url = text
                else:
                    arrays[target.text] = text
            else:
                arrays[target.text] = reader.value()
        reader.take(";")
    if request is None:
        raise PhpSyntaxError("no sendRequest call")
    request.variables = {k: v for k, v in arrays.items() if isinstance(v, str)}
    return request


def _append_query(reader: _Reader, arrays: dict[str, Any]) -> str:
    """``$url .= '&' . http_build_query($request);``: the array goes in the query."""
    prefix = reader.concat()
    reader.take(".")
    if reader.take().text != "http_build_query":
        raise PhpSyntaxError("only http_build_query may be appended to $url")
    reader.take("(")
    name = reader.take().text
    reader.take(")")
    return prefix + "{" + name + "}"


def _send_request(
    reader: _Reader, url: str, arrays: dict[str, Any], computed: dict[str, dict[str, Any]]
) -> PhpRequest:
    reader.take("sendRequest")
    reader.take("(")
    args: list[_Tok] = []
    while not reader.at(")"):
        args.append(reader.take())
        if reader.at(","):
            reader.take(",")
    reader.take(")")
    post = len(args) > 1 and _unquote(args[1]).lower() in ("post", "put")
    is_json = len(args) > 3 and args[3].text.lower() == "true"
    request = PhpRequest(url=url, post=post, json=is_json)
    if len(args) > 2:
        request.params = arrays[args[2].text]
        request.computed = computed.get(args[2].text, {})
    for name, array in arrays.items():
        placeholder = "{" + name + "}"
        if placeholder in request.url:
            # The array rides in the query string (payments.getOpenTransactionsOnTable).
            request.url = request.url.replace(placeholder, "")
            request.params = array
            request.computed = computed.get(name, {})
    return request
