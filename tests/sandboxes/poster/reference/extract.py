"""Extract every web-API request example of the Poster reference into JSON.

The replay test (``test_reference_replay.py``) and the coverage table of
``docs/poster-sandbox.md`` read ``tests/payloads/poster/reference_examples.json``,
which this script writes from the reference text (``shared/reference/
poster-api-reference.txt``; the POS-platform JavaScript part after "Error Codes" is
not the web API and is left out)::

    uv run python -m tests.sandboxes.poster.reference.extract \
        /work/shared/reference/poster-api-reference.txt

For each example: the method, the query string and the array the PHP code sends (see
``php.read_example``), whether it is a POST and whether as JSON, the documented answer
(the whole body: a few methods document keys beside ``response``), a second documented
answer where the reference gives one for the same request, and the line it starts on.
For each method: the HTTP verb its "HTTP request" paragraph names and its title.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.sandboxes.poster.reference.php import read_example

OUTPUT = Path(__file__).resolve().parents[3] / "payloads" / "poster" / "reference_examples.json"
WEB_API_END = "errors: Error Codes"
# What introduces an answer: "Response example:" (the introduction says "Example of response").
_CODE_STARTS = ("$", " ", "\t", "]", ")", "}", "{", "//", "<?", "function", "'", '"', ".")
_ANSWER_LINES = ("Response example", "Example of", "Response to a successful")
_METHOD = r"[a-z][A-Za-z]+\.[A-Za-z0-9]+"
_URL_METHOD = re.compile(rf"joinposter\.com/api/({_METHOD})")
_HEADING = re.compile(rf"^({_METHOD}): (.+)$")
_VERB = re.compile(
    rf"^(?:HTTP (GET|POST) request|(GET|POST) https://joinposter\.com/api/({_METHOD}))"
)


def _answer(lines: list[str], start: int) -> tuple[Any, int]:
    text = "\n".join(lines[start:])
    offset = text.index("{")
    value, end = json.JSONDecoder().raw_decode(text, offset)
    return value, start + text[:end].count("\n") + 1


def extract(text: str) -> dict[str, Any]:
    """The examples and methods of the reference ``text`` (see the module docstring)."""
    lines = text.split("\n")
    lines = lines[: next(i for i, line in enumerate(lines) if line.startswith(WEB_API_END))]
    methods: dict[str, dict[str, Any]] = {}
    examples: list[dict[str, Any]] = []
    label = ""
    i = 0
    while i < len(lines):
        line = lines[i]
        heading = _HEADING.match(line)
        if heading:
            methods.setdefault(heading.group(1), {})["title"] = heading.group(2)
        if line.startswith("Request example"):
            label = line.rstrip(":")
        verb = _VERB.match(line)
        if verb:
            name = verb.group(3) or _next_url_method(lines, i)
            if name:
                methods.setdefault(name, {})["doc_verb"] = verb.group(1) or verb.group(2)
        if not line.startswith("<?"):
            i += 1
            continue
        end = next(j for j in range(i + 1, len(lines)) if _prose(lines[j]))
        source = "\n".join(lines[i:end])
        found = _URL_METHOD.search(source)
        if found is None or not lines[end].startswith(_ANSWER_LINES):
            i = end  # the OAuth and webhook samples: not API methods
            continue
        example = _example(found.group(1), source, label, i + 1)
        example["answer"], i = _answer(lines, end)
        if i < len(lines) and _second_answer(lines, i):
            example["answer_alternative"], i = _answer(lines, i + 1)
        examples.append(example)
        summary = _summary(lines, i)
        info = methods.setdefault(example["method"], {})
        if summary and not info.get("summary"):
            info["summary"] = summary
        label = ""
    _number(examples)
    methods = _merge_spellings(methods, {e["method"] for e in examples})
    return {
        "source": "shared/reference/poster-api-reference.txt",
        "sha256": hashlib.sha256(text.encode()).hexdigest(),
        "methods": {name: methods[name] for name in sorted(methods, key=str.lower)},
        "examples": examples,
    }


def _merge_spellings(
    methods: dict[str, dict[str, Any]], called: set[str]
) -> dict[str, dict[str, Any]]:
    """Fold headings spelt otherwise than the URL the example calls into that method.

    The reference heads a section "dash.getTransactionWriteOffs" and calls
    "dash.getTransactionWriteoffs"; the URL's spelling is the method's name.
    """
    by_lower = {name.lower(): name for name in called}
    merged: dict[str, dict[str, Any]] = {name: {"title": ""} for name in called}
    for name, info in methods.items():
        canonical = by_lower.get(name.lower(), name)
        target = merged.setdefault(canonical, {"title": ""})
        for key, value in info.items():
            if value and not target.get(key):
                target[key] = value
        if canonical != name:
            target.setdefault("aliases", []).append(name)
    return merged


def _summary(lines: list[str], i: int) -> str:
    """The sentence after an example's answer ("The method returns …"), if it is one."""
    for line in lines[i : i + 4]:
        if line.strip():
            return line.strip() if line.startswith(("The ", "Request for", "It returns")) else ""
    return ""


def _prose(line: str) -> bool:
    """A line that cannot be part of an example's PHP code."""
    return bool(line.strip()) and not line.startswith(_CODE_STARTS)


def _next_url_method(lines: list[str], i: int) -> str | None:
    for line in lines[i + 1 : i + 4]:
        found = _URL_METHOD.search(line)
        if found:
            return found.group(1)
    return None


def _second_answer(lines: list[str], i: int) -> bool:
    """'Response example по месяцам:' follows the first answer of dash.getPaymentsReport."""
    for line in lines[i : i + 3]:
        if line.strip():
            return line.startswith("Response example")
    return False


def _example(method: str, source: str, label: str, line: int) -> dict[str, Any]:
    # The introduction's example opens with the definition of sendRequest itself.
    source = re.sub(r"(?ms)^function sendRequest.*?^}\n", "", source)
    request = read_example(source)
    url = urlsplit(request.url)
    query = dict(parse_qsl(url.query, keep_blank_values=True))
    params = request.params if isinstance(request.params, dict) else {}
    params = {**params, **request.computed}
    return {
        "method": method,
        "label": label,
        "line": line,
        "http": "POST" if request.post else "GET",
        "json": request.json,
        "query": query,
        "params": params,
        "variables": request.variables,
        "php": source,
    }


def _number(examples: list[dict[str, Any]]) -> None:
    seen: dict[str, int] = {}
    for example in examples:
        seen[example["method"]] = seen.get(example["method"], 0) + 1
        example["id"] = f"{example['method']}#{seen[example['method']]}"


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    data = extract(Path(argv[1]).read_text(encoding="utf-8"))
    OUTPUT.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(data['examples'])} examples of {len(data['methods'])} methods → {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
