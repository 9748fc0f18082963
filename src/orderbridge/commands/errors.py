"""Every command's failure as one line on stderr and an exit code, never a traceback.

``orderbridge`` runs its commands through :func:`explain`: a bad setting, a database
that cannot be reached or is not migrated, a secret key that cannot decrypt what is
stored, an unknown id — each becomes a line saying what is wrong and what to do.
``orderbridge --debug …`` shows the traceback instead. Exit codes: 2 for a
configuration that cannot work (bad settings, the development key), 1 for the rest.
"""

from __future__ import annotations

from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError

from orderbridge.config import ConfigError
from orderbridge.ports import PermanentError, TransientError
from orderbridge.security import DecryptionError
from orderbridge.services.errors import ServiceError

CONFIG_EXIT = 2
DEBUG_HINT = "(orderbridge --debug … shows the traceback)"


class NotReady(Exception):
    """The deployment cannot serve yet (say, its database is not migrated)."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def explain(error: BaseException) -> tuple[str, int]:
    """The one line an operator reads for ``error``, and the exit code."""
    if isinstance(error, BaseExceptionGroup):
        # Concurrent calls (a menu import reads categories and products at once) fail
        # together; the first one's reason is the operator's.
        return explain(error.exceptions[0])
    if isinstance(error, ConfigError):
        return f"configuration: {error}", CONFIG_EXIT
    if isinstance(error, NotReady):
        return str(error), error.exit_code
    if isinstance(error, ServiceError):
        field = f" ({error.field})" if error.field else ""
        return f"{error.code}: {error.message}{field}", 1
    if isinstance(error, PermanentError):
        return f"{error.code}: {error.reason}", 1
    if isinstance(error, TransientError):
        return f"unreachable: {_line(error)} (try again)", 1
    if isinstance(error, DecryptionError):
        return (
            "the secret key cannot decrypt the stored credentials: set ORDERBRIDGE_SECRET_KEY "
            "to the key they were saved with (or list it in ORDERBRIDGE_OLD_SECRET_KEYS)",
            1,
        )
    if isinstance(error, (ArgumentError, NoSuchModuleError)):
        return f"configuration: ORDERBRIDGE_DATABASE_URL is unusable: {_line(error)}", CONFIG_EXIT
    if isinstance(error, DBAPIError):
        cause = _line(error.orig) if error.orig is not None else _line(error)
        if _not_migrated(cause):
            return "the database has no orderbridge tables: run orderbridge db upgrade", 1
        if isinstance(error, OperationalError):
            return f"the database cannot be reached: {cause}", 1
        return f"the database refused: {cause}", 1
    return f"{type(error).__name__}: {_line(error)} {DEBUG_HINT}", 1


def _line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _not_migrated(cause: str) -> bool:
    lowered = cause.lower()
    return "no such table" in lowered or ("relation" in lowered and "does not exist" in lowered)
