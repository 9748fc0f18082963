"""transactions.changeComment: a comment the cashier reads on an open check.

Per the reference: ``spot_id``, ``spot_tablet_id``, ``transaction_id`` and ``comment``
(``time`` optional) answer ``{"err_code": 0}``. The comment replaces the check's
comment. A removed or closed check cannot take one (error 32, as an unknown check).
"""

from __future__ import annotations

from typing import Any

from orderbridge.sandboxes.poster.context import CallContext, Handler
from orderbridge.sandboxes.poster.errors import PosterError, not_found
from orderbridge.sandboxes.poster.params import Params

MAX_COMMENT = 1000


def change_comment(ctx: CallContext, params: Params) -> dict[str, Any]:
    """Set the check's comment; announces ``transaction`` ``changed`` as Poster does."""
    spot_id = params.req_int("spot_id")
    params.req_int("spot_tablet_id")
    tx_id = params.req_int("transaction_id")
    comment = params.str("comment")
    if comment is None:
        raise PosterError(34, "comment is required", field="comment")
    if len(comment) > MAX_COMMENT:
        raise PosterError(400, f"comment is longer than {MAX_COMMENT}", field="comment")
    tx = ctx.account.transactions.get(tx_id)
    if tx is None or tx.spot_id != spot_id or tx.status != 1:
        raise not_found("transaction_id", tx_id)
    tx.transaction_comment = comment
    ctx.emit("transaction", tx_id, "changed")
    return {"err_code": 0}


METHODS: dict[str, Handler] = {"transactions.changeComment": change_comment}
