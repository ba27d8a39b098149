"""Admin commands of `rasd`: API tokens, webhooks, re-process and re-ingest of one URL.

Registered in worker/cli.py::

    app.add_typer(tokens_app, name="tokens")
    app.add_typer(webhooks_app, name="webhooks")
    app.command("reprocess")(reprocess)
    reingest_app.command("url")(reingest_url)
"""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, datetime
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from worker.cli_common import EXIT_USAGE, console, err, fail, parse_time
from worker.clock import utcnow as now
from worker.errors import RasdError
from worker.resources import Resources
from worker.states import JOB_FINAL, JobState
from worker.store import jobs_repo

tokens_app = typer.Typer(help="API tokens (stored hashed; a token is shown once, when created).",
                         no_args_is_help=True)
webhooks_app = typer.Typer(help="Webhook endpoints for alerts (Standard Webhooks signatures).", no_args_is_help=True)

FINAL = JOB_FINAL


def resources(*, broker: bool = False) -> Resources:
    """The process's Resources on a migrated database; ``broker`` also checks Redis is configured."""
    from worker.resources import get_resources, resolve_redis_url
    from worker.store.db import migrate

    res = get_resources()
    migrate(res.settings.effective_database_url)
    if broker:
        try:
            resolve_redis_url(res.settings)
        except RasdError as exc:
            fail(exc.reason)
    return res


def iso(value: Any) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if isinstance(value, datetime) else ""


# --------------------------------------------------------------------------- tokens


@tokens_app.command("create")
def tokens_create(name: str, scope: Annotated[str, typer.Option(help="read | admin")] = "read") -> None:
    """Create a token and print it once (only its hash is stored)."""
    from worker.store import tokens_repo

    if scope not in tokens_repo.SCOPES:
        fail("--scope must be 'read' or 'admin'", EXIT_USAGE)
    with resources().engine.begin() as conn:
        token_id, token = tokens_repo.create_token(conn, name, scope, now())
    err.print(f"token {token_id} ({scope}) created; it is shown only now:")
    sys.stdout.write(token + "\n")


@tokens_app.command("list")
def tokens_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Tokens (never their values)."""
    from worker.store import tokens_repo

    with resources().engine.connect() as conn:
        rows = tokens_repo.list_tokens(conn)
    if as_json:
        for r in rows:
            sys.stdout.write(json.dumps({"id": r.id, "name": r.name, "scope": r.scope, "created_at": iso(r.created_at),
                                         "revoked_at": iso(r.revoked_at) or None}) + "\n")
        return
    table = Table("id", "name", "scope", "created", "revoked")
    for r in rows:
        table.add_row(str(r.id), r.name, r.scope, iso(r.created_at), iso(r.revoked_at))
    console.print(table)


@tokens_app.command("revoke")
def tokens_revoke(token_id: int) -> None:
    """Revoke a token: requests with it get 401 from now on."""
    from worker.store import tokens_repo

    with resources().engine.begin() as conn:
        if not tokens_repo.revoke_token(conn, token_id, now()):
            fail(f"no token {token_id}")
    console.print(f"token {token_id} revoked")


# --------------------------------------------------------------------------- webhooks


def _check_url(res: Resources, url: str) -> None:
    from worker.services.reingest import check_submitted_url

    try:
        check_submitted_url(url, res.settings)
    except RasdError as exc:
        fail(f"refused {url}: {exc.reason}", EXIT_USAGE)


@webhooks_app.command("add")
def webhooks_add(url: str, secret: Annotated[str | None, typer.Option(
        help="whsec_ + base64 of ≥ 24 bytes; generated when omitted")] = None) -> None:
    """Register an endpoint (SSRF-checked). A generated secret is printed once."""
    from worker.services.webhooks import resolve_secret
    from worker.store import webhooks_repo

    res = resources()
    _check_url(res, url)
    try:
        value, generated = resolve_secret(secret)
    except RasdError as exc:
        fail(f"--secret: {exc.reason}", EXIT_USAGE)
        return
    with res.engine.begin() as conn:
        webhook_id = webhooks_repo.add_webhook(conn, url, value, now())
    console.print(f"webhook {webhook_id} added: {url}")
    if generated:
        err.print("signing secret (shown only now):")
        sys.stdout.write(value + "\n")


@webhooks_app.command("list")
def webhooks_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Endpoints with their state; secrets are masked."""
    from worker.store import webhooks_repo

    with resources().engine.connect() as conn:
        rows = webhooks_repo.list_webhooks(conn)
    views: list[dict[str, Any]] = [
        {"id": r.id, "url": r.url, "secret": webhooks_repo.mask_secret(r.secret), "enabled": r.enabled,
         "disabled_reason": r.disabled_reason, "failing_since": iso(r.failing_since) or None,
         "created_at": iso(r.created_at)} for r in rows]
    if as_json:
        for v in views:
            sys.stdout.write(json.dumps(v, ensure_ascii=False) + "\n")
        return
    table = Table("id", "url", "secret", "enabled", "failing since", "disabled reason")
    for v in views:
        table.add_row(str(v["id"]), v["url"], v["secret"], "yes" if v["enabled"] else "no",
                      v["failing_since"] or "", (v["disabled_reason"] or "")[:60])
    console.print(table)


@webhooks_app.command("test")
def webhooks_test(webhook_id: int) -> None:
    """Send a signed test event now and show the endpoint's answer (exit 1 if it did not accept)."""
    from worker.services.webhooks import send_test
    from worker.store import webhooks_repo

    res = resources()
    with res.engine.connect() as conn:
        row = webhooks_repo.get_webhook(conn, webhook_id)
    if row is None:
        fail(f"no webhook {webhook_id}")
        return
    result = send_test(res, row)
    sys.stdout.write(json.dumps(result) + "\n")
    if not result["ok"]:
        raise typer.Exit(1)


@webhooks_app.command("rotate")
def webhooks_rotate(webhook_id: int,
                    secret: Annotated[str | None, typer.Option(help="the new secret; generated when omitted")] = None,
                    finish: Annotated[bool, typer.Option("--finish", help="drop the previous secret")] = False,
                    ) -> None:
    """Rotate an endpoint's signing secret: deliveries carry both signatures until --finish."""
    from worker.services.webhooks import resolve_secret
    from worker.store import webhooks_repo

    new: str | None = None
    generated = False
    if not finish:
        try:
            new, generated = resolve_secret(secret)
        except RasdError as exc:
            fail(f"--secret: {exc.reason}", EXIT_USAGE)
            return
    with resources().engine.begin() as conn:
        if not webhooks_repo.rotate_secret(conn, webhook_id, new):
            fail(f"no webhook {webhook_id}")
    if finish:
        console.print(f"webhook {webhook_id}: previous secret dropped; one signature per delivery")
        return
    console.print(f"webhook {webhook_id}: new secret active, previous kept (two signatures until --finish)")
    if generated:
        err.print("new signing secret (shown only now):")
        sys.stdout.write(f"{new}\n")


@webhooks_app.command("remove")
def webhooks_remove(webhook_id: int) -> None:
    from worker.store import webhooks_repo

    with resources().engine.begin() as conn:
        if not webhooks_repo.remove_webhook(conn, webhook_id):
            fail(f"no webhook {webhook_id}")
    console.print(f"webhook {webhook_id} removed")


# --------------------------------------------------------------------------- jobs


def wait_for_job(res: Resources, job_id: str, label: str, timeout: float | None = None) -> jobs_repo.Job:
    """Poll a job with a progress bar until it ends; exit 1 unless it ends ``done``."""
    deadline = None if timeout is None else time.monotonic() + timeout
    job: jobs_repo.Job | None = None
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=False) as bar:
        task = bar.add_task(label, total=None)
        while True:
            with res.engine.connect() as conn:
                job = jobs_repo.get_job(conn, job_id)
            if job is None:
                fail(f"job {job_id} disappeared")
                raise AssertionError("unreachable")
            bar.update(task, total=max(job.total, 1), completed=job.done, description=f"{label} [{job.state}]")
            if job.state in FINAL or (deadline is not None and time.monotonic() > deadline):
                break
            time.sleep(0.25)
    sys.stdout.write(json.dumps({"job_id": job_id, "state": job.state, "done": job.done, "total": job.total,
                                 "error": job.error, "outcome": job.outcome}, ensure_ascii=False) + "\n")
    if job.state != JobState.DONE:
        raise typer.Exit(1)
    return job


def reprocess(since: Annotated[str | None, typer.Option(help="event time from (ISO)")] = None,
              until: Annotated[str | None, typer.Option(help="event time until, exclusive (ISO)")] = None,
              feed: Annotated[int | None, typer.Option(help="only this feed's items")] = None,
              wait: Annotated[bool, typer.Option("--wait", help="show progress until the job ends")] = False) -> None:
    """Re-run clean/dedup/extract on stored items with the current code (on the workers)."""
    from worker.tasks.jobs import submit_reprocess

    since_dt, until_dt = parse_time(since, "--since"), parse_time(until, "--until")
    if since_dt and until_dt and since_dt >= until_dt:
        fail("--since must be before --until", EXIT_USAGE)
    res = resources(broker=True)
    job_id = submit_reprocess(res, since_dt, until_dt, feed)
    if wait:
        wait_for_job(res, job_id, "re-process")
    else:
        sys.stdout.write(job_id + "\n")


def reingest_url(url: str, wait: Annotated[bool, typer.Option("--wait", help="wait until it is stored")] = False
                 ) -> None:
    """Fetch one URL on the workers: a feed's items, or an article page as one item (SSRF-checked)."""
    from worker.tasks.jobs import submit_reingest_url

    res = resources(broker=True)
    _check_url(res, url)
    job_id = submit_reingest_url(res, url)
    if wait:
        wait_for_job(res, job_id, "re-ingest")
    else:
        sys.stdout.write(job_id + "\n")
