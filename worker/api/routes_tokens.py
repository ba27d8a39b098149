"""API tokens (admin only, never served by open reads): the token is shown once, at creation."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Response

from worker.api.auth import Admin, Res
from worker.api.routes_feeds import NOT_FOUND
from worker.api.schemas import IdPath, TokenCreated, TokenIn, TokenOut
from worker.store import tokens_repo

router = APIRouter(tags=["tokens"])


@router.get("/tokens", response_model=list[TokenOut])
def list_tokens(res: Res, _: Admin) -> list[tokens_repo.Token]:
    with res.engine.connect() as conn:
        return tokens_repo.list_tokens(conn)


@router.post("/tokens", response_model=TokenCreated, status_code=201)
def create_token(body: TokenIn, res: Res, _: Admin) -> dict[str, Any]:
    with res.engine.begin() as conn:
        token_id, token = tokens_repo.create_token(conn, body.name, body.scope, datetime.now(UTC))
    return {"id": token_id, "name": body.name, "scope": body.scope, "token": token}


@router.delete("/tokens/{token_id}", status_code=204, responses=NOT_FOUND)
def revoke_token(token_id: IdPath, res: Res, _: Admin) -> Response:
    with res.engine.begin() as conn:
        if not tokens_repo.revoke_token(conn, token_id, datetime.now(UTC)):
            raise HTTPException(status_code=404, detail=f"no token {token_id}")
    return Response(status_code=204)
