"""Feeds: list, add (SSRF-checked), show, remove, resume."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response

from worker.api.auth import Admin, Reader, Res, resolver
from worker.api.schemas import FeedIn, FeedOut, IdPath, Problem
from worker.errors import RasdError
from worker.services import feeds as feeds_service
from worker.services.reingest import check_submitted_url
from worker.store import feeds_repo

router = APIRouter(tags=["feeds"])
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": Problem}}


def checked_url(request: Request, res: Res, url: str) -> str:
    """The URL if the SSRF guard accepts it, else 400 with the guard's reason."""
    try:
        check_submitted_url(url, res.settings, resolver(request))
    except RasdError as exc:
        raise HTTPException(status_code=400, detail=exc.reason) from None
    return url


@router.get("/feeds", response_model=list[FeedOut])
def list_feeds(res: Res, _: Reader) -> list[dict[str, Any]]:
    """Feeds with their health: last success, last new item, errors, paused."""
    with res.engine.connect() as conn:
        return [feed.as_dict() for feed in feeds_repo.list_feeds(conn)]


@router.post("/feeds", response_model=FeedOut, status_code=201,
             responses={200: {"model": FeedOut, "description": "the URL was already registered: metadata updated"},
                        400: {"model": Problem}})
def add_feed(body: FeedIn, request: Request, response: Response, res: Res, _: Admin) -> dict[str, Any]:
    """Register a feed (201), or update the metadata of a known URL (200); refused URLs give 400 with
    the reason. Without a name, the feed is named after its title at its first fetch."""
    try:
        feed, created = feeds_service.add_feed(res.engine, res.settings, body.url, datetime.now(UTC), name=body.name,
                                               interval=body.interval, country=body.country,
                                               resolver=resolver(request))
    except RasdError as exc:
        raise HTTPException(status_code=400, detail=exc.reason) from None
    if not created:
        response.status_code = 200
    return feed.as_dict()


@router.get("/feeds/{feed_id}", response_model=FeedOut, responses=NOT_FOUND)
def get_feed(feed_id: IdPath, res: Res, _: Reader) -> dict[str, Any]:
    with res.engine.connect() as conn:
        feed = feeds_repo.get_feed(conn, feed_id)
    if feed is None:
        raise HTTPException(status_code=404, detail=f"no feed {feed_id}")
    return feed.as_dict()


@router.delete("/feeds/{feed_id}", status_code=204, responses=NOT_FOUND)
def remove_feed(feed_id: IdPath, res: Res, _: Admin) -> Response:
    with res.engine.begin() as conn:
        if not feeds_repo.remove_feed(conn, feed_id):
            raise HTTPException(status_code=404, detail=f"no feed {feed_id}")
    return Response(status_code=204)


@router.post("/feeds/{feed_id}/resume", response_model=FeedOut, responses=NOT_FOUND)
def resume_feed(feed_id: IdPath, res: Res, _: Admin) -> dict[str, Any]:
    """Resume a paused feed and check it now."""
    with res.engine.begin() as conn:
        resumed = feeds_repo.resume_feed(conn, feed_id, datetime.now(UTC))
        feed = feeds_repo.get_feed(conn, feed_id) if resumed else None
    if feed is None:
        raise HTTPException(status_code=404, detail=f"no feed {feed_id}")
    return feed.as_dict()
