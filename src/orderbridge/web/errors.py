"""Every failure answers with one body: ``{"error": {"code", "message", "field"}}``.

DESIGN.md promises websites a machine-readable error for every 4xx and never a 500
for bad input. :func:`install_error_handlers` keeps that promise for a FastAPI app by
catching each kind of failure and translating it:

=================================  ======  ==========================================
raised                              status  code
=================================  ======  ==========================================
:class:`ApiError`                   its own its own (routes raise this on purpose)
domain ``DomainError``              422     the error's ``code`` (``invalid_phone`` …)
pydantic / FastAPI validation       422     ``missing_field``, ``unknown_field``,
                                            ``invalid_type``, ``value_out_of_range`` …
body that is not JSON               400     ``malformed_json``
body sent as form, text …           415     ``unsupported_media_type``
body over the size limit            413     ``payload_too_large``
control character in path / query   400     ``invalid_path``, ``invalid_query``
the database away (an outage)       503     ``unavailable``, with ``Retry-After``
a value the database cannot hold    400     ``invalid_value`` (a NUL, a number or
                                            text too large, that slipped through
                                            the request models' bounds:
                                            ``web.database_errors``)
unknown route, wrong method …       404/405 ``not_found``, ``method_not_allowed`` …
anything else (a bug)               500     ``internal_error``, no details
=================================  ======  ==========================================

Pydantic's error locations become the API's field paths: ``("body", "items", 0,
"item_id")`` is ``items[0].item_id``, the form ``validate_order`` uses too. Messages
never repeat the input, which may be a phone number or an email.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from orderbridge.domain.errors import DomainError
from orderbridge.domain.validation import ValidationProblem
from orderbridge.log import get_logger
from orderbridge.services.errors import ServiceError
from orderbridge.sql.availability import RETRY_AFTER_SECONDS, unavailable
from orderbridge.web.allow import allowed_methods
from orderbridge.web.database_errors import DATABASE_ERRORS, unstorable
from orderbridge.web.guards import RefuseControlCharacters
from orderbridge.web.limits import DEFAULT_MAX_BODY_BYTES, BodySizeLimit
from orderbridge.web.schemas import ErrorBody, ErrorDetail, ProblemOut

_CODE_BY_TYPE = {
    "missing": "missing_field",
    "extra_forbidden": "unknown_field",
    "timezone_aware": "naive_datetime",
    "json_invalid": "malformed_json",
    "literal_error": "invalid_value",
    "enum": "invalid_value",
    "string_pattern_mismatch": "invalid_value",
    "invalid_value": "invalid_value",
    "invalid_phone": "invalid_phone",
    "invalid_email": "invalid_email",
    "invalid_url": "invalid_url",
}
_OUT_OF_RANGE = frozenset(
    {
        "greater_than",
        "greater_than_equal",
        "less_than",
        "less_than_equal",
        "too_short",
        "too_long",
        "string_too_short",
        "string_too_long",
        "finite_number",
    }
)
_CODE_BY_STATUS = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    410: "gone",
    412: "precondition_failed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    428: "precondition_required",
    429: "rate_limited",
    503: "unavailable",
}


_log = get_logger("orderbridge.web")


class ApiError(Exception):
    """An error a route raises on purpose; the handlers answer it as ``status`` + body.

    >>> raise ApiError(404, "unknown_order", "no order ord_123")  # doctest: +SKIP
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        field: str | None = None,
        *,
        problems: Sequence[ProblemOut] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.problems = tuple(problems)
        self.headers = dict(headers or {})

    @classmethod
    def from_domain(cls, exc: DomainError, *, status: int = 422) -> ApiError:
        """The API form of a domain error: same code, message and field."""
        return cls(status, exc.code, exc.message, exc.field)

    @classmethod
    def from_problems(cls, problems: Sequence[ValidationProblem], *, status: int = 422) -> ApiError:
        """The API form of ``validate_order``'s findings: the first, then all in ``problems``."""
        body = body_from_problems(problems)
        error = body.error
        return cls(status, error.code, error.message, error.field, problems=error.problems or ())

    def body(self) -> ErrorBody:
        """The body this error answers with."""
        return error_body(self.code, self.message, self.field, self.problems or None)


def api_error(error: ServiceError) -> ApiError:
    """The API form of a service's refusal: its status, code, message and field, and
    ``validate_order``'s problems when it carries them."""
    problems = getattr(error, "problems", None)
    if problems:
        return ApiError.from_problems(problems, status=error.status)
    return ApiError(error.status, error.code, error.message, error.field)


def error_body(
    code: str, message: str, field: str | None = None, problems: Iterable[ProblemOut] | None = None
) -> ErrorBody:
    """An error body; ``problems`` is left out of the JSON when None."""
    listed = None if problems is None else list(problems)
    return ErrorBody(error=ErrorDetail(code=code, message=message, field=field, problems=listed))


def body_from_domain_error(exc: DomainError) -> ErrorBody:
    """The body for a domain error: its own ``code``, ``message`` and ``field``."""
    return error_body(exc.code, exc.message, exc.field)


def body_from_problems(problems: Sequence[ValidationProblem]) -> ErrorBody:
    """The body for a non-empty list of ``validate_order`` problems."""
    if not problems:
        raise ValueError("an error body needs at least one problem")
    listed = [ProblemOut(code=p.code.value, message=p.message, field=p.field) for p in problems]
    first = listed[0]
    return error_body(first.code, first.message, first.field, listed)


def field_path(loc: Sequence[int | str]) -> str | None:
    """A pydantic location as an API field path; None for the body as a whole.

    ``("body", "items", 0, "modifiers", 1, "quantity")`` → ``items[0].modifiers[1].quantity``.
    FastAPI's ``body`` prefix goes; ``query``, ``path`` and ``header`` stay, so
    ``("query", "limit")`` reads ``query.limit``.
    """
    parts = list(loc[1:] if loc and loc[0] == "body" else loc)
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or None


def _problem_from_pydantic(error: Mapping[str, Any]) -> ProblemOut:
    kind = str(error.get("type", ""))
    field = field_path(tuple(error.get("loc", ())))
    if kind == "json_invalid":
        reason = (error.get("ctx") or {}).get("error", "syntax error")
        return ProblemOut(
            code="malformed_json", message=f"body is not valid JSON: {reason}", field=None
        )
    code = _CODE_BY_TYPE.get(kind)
    if code is None and kind in _OUT_OF_RANGE:
        code = "value_out_of_range"
    elif code is None and (kind.endswith(("_type", "_parsing")) or kind == "model_attributes_type"):
        code = "invalid_type"
    # A ValueError raised in a validator reads "Value error, <text>"; the text is enough.
    message = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
    if code == "missing_field":
        message = f"{field} is required" if field else "a request body is required"
    elif code == "unknown_field":
        message = f"{field} is not a field of this request"
    return ProblemOut(code=code or "invalid_request", message=message, field=field)


def body_from_validation_error(exc: ValidationError | RequestValidationError) -> ErrorBody:
    """The body for a pydantic or FastAPI validation error: first error, then all of them."""
    listed = [_problem_from_pydantic(error) for error in exc.errors()]
    if not listed:
        return error_body("invalid_request", "the request is not valid")
    first = listed[0]
    return error_body(first.code, first.message, first.field, listed)


def error_response(
    status: int, body: ErrorBody, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    """A JSON answer carrying ``body``."""
    return JSONResponse(body.model_dump(mode="json"), status_code=status, headers=headers)


def _is_json(content_type: str | None) -> bool:
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


def _request_validation_response(request: Request, exc: RequestValidationError) -> Response:
    errors = exc.errors()
    # FastAPI hands a non-JSON body to the model as raw bytes; say what was really wrong.
    if not _is_json(request.headers.get("content-type")) and any(
        tuple(e.get("loc", ())) == ("body",) and e.get("type") != "missing" for e in errors
    ):
        message = "send the body as JSON with Content-Type: application/json"
        return error_response(415, error_body("unsupported_media_type", message))
    body = body_from_validation_error(exc)
    return error_response(400 if body.error.code == "malformed_json" else 422, body)


def _http_exception_response(request: Request, exc: HTTPException) -> Response:
    if exc.status_code < 400:
        return Response(status_code=exc.status_code, headers=exc.headers)
    phrase = HTTPStatus(exc.status_code).phrase
    message = exc.detail if isinstance(exc.detail, str) and exc.detail else phrase
    if exc.status_code == 404 and message == phrase:
        message = f"nothing at {request.method} {request.url.path}"
    elif exc.status_code == 405 and message == phrase:
        message = f"{request.method} is not allowed on {request.url.path}"
    headers = exc.headers
    if exc.status_code == 405:  # every method of the path, not only one route's
        allow = allowed_methods(request.app, request.url.path)
        headers = {**(headers or {}), "Allow": allow} if allow else headers
    fallback = "internal_error" if exc.status_code >= 500 else "http_error"
    code = _CODE_BY_STATUS.get(exc.status_code, fallback)
    return error_response(exc.status_code, error_body(code, message), headers)


async def handle_error(request: Request, exc: Exception) -> Response:
    """Answer any exception with the API's error body; unknown ones become a bare 500."""
    if isinstance(exc, ApiError):
        return error_response(exc.status, exc.body(), exc.headers)
    if isinstance(exc, DomainError):
        return error_response(422, body_from_domain_error(exc))
    if isinstance(exc, RequestValidationError):
        return _request_validation_response(request, exc)
    if isinstance(exc, ValidationError):
        return error_response(422, body_from_validation_error(exc))
    if isinstance(exc, HTTPException):
        return _http_exception_response(request, exc)
    if unavailable(exc):
        # One line per outage comes from the engine's watch, not one per request.
        message = "the database is unavailable; try again shortly"
        retry = {"Retry-After": str(RETRY_AFTER_SECONDS)}
        return error_response(503, error_body("unavailable", message), retry)
    if unstorable(exc):
        # The route should have refused it with a field; say where it slipped through.
        _log.warning("unstorable value", path=request.url.path, error=type(exc).__name__)
        message = "a value cannot be stored: a NUL character, or a number or text too large"
        return error_response(400, error_body("invalid_value", message))
    if isinstance(exc, DATABASE_ERRORS):
        # Answered here, not by Starlette's error middleware (which logs): log it.
        _log.error("internal error", path=request.url.path, exc_info=exc)
    return error_response(500, error_body("internal_error", "internal error"))


def install_error_handlers(
    app: FastAPI, *, max_body_bytes: int | None = DEFAULT_MAX_BODY_BYTES
) -> None:
    """Make every error ``app`` answers, 4xx or 5xx, carry the API's error body.

    Also caps request bodies at ``max_body_bytes`` (None: no cap), answering 413.
    Call it once while building the app, before it serves.
    """
    for kind in (
        ApiError,
        DomainError,
        RequestValidationError,
        ValidationError,
        HTTPException,
        *DATABASE_ERRORS,
    ):
        app.add_exception_handler(kind, handle_error)
    # Registered for Exception, Starlette runs it in ServerErrorMiddleware and re-raises
    # afterwards, so the server still logs the traceback the client never sees.
    app.add_exception_handler(Exception, handle_error)
    app.state.max_body_bytes = max_body_bytes  # also the direct lane's (``web.direct``)
    if max_body_bytes is not None:
        app.add_middleware(BodySizeLimit, max_bytes=max_body_bytes)
    app.add_middleware(RefuseControlCharacters)
