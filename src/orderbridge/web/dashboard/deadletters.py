"""Dead letters: the tenant's jobs that ran out of attempts, and sending them back."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from orderbridge.web.dashboard import jobs
from orderbridge.web.dashboard.auth import Posted, Signed
from orderbridge.web.dashboard.orders import page_number
from orderbridge.web.dashboard.render import render
from orderbridge.web.deps import Context
from orderbridge.web.schemas.common import MAX_ROW_ID

router = APIRouter(prefix="/admin", include_in_schema=False)
PER_PAGE = 50


@router.get("/deadletters", response_class=HTMLResponse)
def dead_letters(request: Request, ctx: Context, who: Signed) -> HTMLResponse:
    with ctx.sessions() as db:
        counts = jobs.queue_counts(db, who.tenant_id)
        pages = max(1, -(-counts.dead // PER_PAGE))
        page = min(page_number(request), pages)
        rows = jobs.dead_page(db, who.tenant_id, limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
    return render(
        request,
        "deadletters.html",
        who=who,
        rows=rows,
        total=counts.dead,
        page=page,
        pages=pages,
    )


@router.post("/deadletters/{job_id}/retry", response_model=None)
def retry_one(job_id: int, ctx: Context, who: Posted) -> Response:
    with ctx.sessions() as db, db.begin():
        if not 0 < job_id <= MAX_ROW_ID or not jobs.owns_dead(db, who.tenant_id, job_id):
            # Retried already, another tenant's, or no id a row can have: one answer.
            return RedirectResponse("/admin/deadletters?error=gone", 303)
        jobs.retry(db, [job_id], now=ctx.clock())
    return RedirectResponse("/admin/deadletters?done=retried", 303)


@router.post("/deadletters/retry-all", response_model=None)
def retry_all(ctx: Context, who: Posted) -> Response:
    with ctx.sessions() as db, db.begin():
        count = jobs.retry(db, jobs.dead_ids(db, who.tenant_id), now=ctx.clock())
    return RedirectResponse(f"/admin/deadletters?done=retried_all&n={count}", 303)
