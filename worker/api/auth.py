"""Bearer-token authentication with two scopes: ``read`` (GET endpoints) and ``admin`` (everything).

Tokens are looked up by their sha256 (see :mod:`worker.store.tokens_repo`); the token itself is
never logged. With ``api_open_reads`` the read endpoints also answer without a token, but a token
that is presented must still be valid.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from worker.feeds.ssrf import Resolver, system_resolver
from worker.resources import Resources, get_resources
from worker.store import tokens_repo

bearer = HTTPBearer(auto_error=False, description="API token (`rasd tokens create NAME --scope read|admin`)")


@dataclass(frozen=True)
class Principal:
    token_id: int | None  # None: anonymous (open reads)
    scope: str


def resources(request: Request) -> Resources:
    return request.app.state.resources or get_resources()


def resolver(request: Request) -> Resolver:
    """DNS for the SSRF checks of submitted URLs (tests inject one; production uses the system's)."""
    return getattr(request.app.state, "resolver", None) or system_resolver


Res = Annotated[Resources, Depends(resources)]
Creds = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(status_code=401, detail=detail, headers={"WWW-Authenticate": "Bearer"})


def _principal(res: Resources, creds: HTTPAuthorizationCredentials | None, *, open_ok: bool) -> Principal:
    if creds is None or not creds.credentials:
        if open_ok:
            return Principal(None, "read")
        raise _unauthorized("missing bearer token")
    with res.engine.connect() as conn:
        row = tokens_repo.verify_token(conn, creds.credentials)
    if row is None:
        raise _unauthorized("invalid or revoked token")
    return Principal(int(row["id"]), str(row["scope"]))


def _require(scope: str, *, open_reads_apply: bool) -> Callable[[Resources, HTTPAuthorizationCredentials | None],
                                                                 Principal]:
    def dependency(res: Res, creds: Creds) -> Principal:
        open_ok = open_reads_apply and res.settings.api_open_reads
        principal = _principal(res, creds, open_ok=open_ok)
        if scope == "admin" and principal.scope != "admin":
            raise HTTPException(status_code=403, detail="this endpoint needs an admin token")
        return principal

    return dependency


require_read = _require("read", open_reads_apply=True)
require_admin = _require("admin", open_reads_apply=False)
Reader = Annotated[Principal, Depends(require_read)]
Admin = Annotated[Principal, Depends(require_admin)]


def document_auth(router: APIRouter) -> None:
    """Declare in the OpenAPI document the 401 (and, for admin endpoints, 403) each route can answer."""
    problem = {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for route in router.routes:
        if not isinstance(route, APIRoute):
            continue
        calls = {d.call for d in route.dependant.dependencies}
        if require_admin in calls or require_read in calls:
            route.responses.setdefault(401, {"description": "missing, invalid or revoked token",
                                             "content": problem})
        if require_admin in calls:
            route.responses.setdefault(403, {"description": "the token is not an admin token",
                                             "content": problem})
