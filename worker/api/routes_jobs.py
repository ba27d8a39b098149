"""Re-ingest and re-process jobs: submit, follow, cancel."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request

from worker.api.auth import Admin, Reader, Res
from worker.api.routes_feeds import NOT_FOUND, checked_url
from worker.api.schemas import JobOut, JobRef, Problem, ReingestIn
from worker.store import jobs_repo
from worker.tasks import jobs as job_tasks

router = APIRouter(tags=["jobs"])


def job_view(job: jobs_repo.Job) -> dict[str, Any]:
    params = dict(job.params)
    outcome = params.pop("outcome", None)
    return {"id": job.id, "kind": job.kind, "state": job.state,
            "progress": {"done": job.done, "total": job.total},
            "cancel_requested": job.cancel_requested, "params": params, "outcome": outcome,
            "error": job.error, "created_at": job.created_at, "updated_at": job.updated_at}


@router.post("/reingest", response_model=JobRef, status_code=202,
             responses={400: {"model": Problem}, 404: {"model": Problem}})
def reingest(body: ReingestIn, request: Request, res: Res, _: Admin) -> dict[str, str]:
    """Fetch a feed again (``force`` ignores ETag/Last-Modified), fetch one URL (a feed or an article
    page), or re-process the stored items of a window with the current code. Returns a job id."""
    if body.feed is not None:
        job_id = job_tasks.submit_reingest_feed(res, body.feed, body.force)
        if job_id is None:
            raise HTTPException(status_code=404, detail=f"no feed {body.feed}")
        return {"job_id": job_id}
    if body.url is not None:
        return {"job_id": job_tasks.submit_reingest_url(res, checked_url(request, res, body.url.strip()))}
    window = body.reprocess
    assert window is not None  # the model guarantees exactly one
    if window.since and window.until and window.since >= window.until:
        raise HTTPException(status_code=400, detail="'since' must be before 'until'")
    return {"job_id": job_tasks.submit_reprocess(res, window.since, window.until, window.feed)}


@router.get("/jobs/{job_id}", response_model=JobOut, responses=NOT_FOUND)
def get_job(job_id: str, res: Res, _: Reader) -> dict[str, Any]:
    with res.engine.connect() as conn:
        row = jobs_repo.get_job(conn, job_id)
    if row is None:
        raise HTTPException(status_code=404, detail="no such job")
    return job_view(row)


@router.post("/jobs/{job_id}/cancel", response_model=JobOut, responses=NOT_FOUND)
def cancel_job(job_id: str, res: Res, _: Admin) -> dict[str, Any]:
    """Ask the job to stop; batches stop before their next item, leaving each item whole."""
    row = job_tasks.cancel_job(res, job_id)
    if row is None:
        raise HTTPException(status_code=404, detail="no such job")
    return job_view(row)
