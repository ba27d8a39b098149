"""One log stream: structlog events and every library's stdlib records (Celery, kombu, uvicorn,
alembic, SQLAlchemy, ...) leave through one handler, as JSON lines by default, with secrets scrubbed.

Entry points call :func:`configure_logging` once: the CLI's ``main``, Celery's ``setup_logging``
signal (so Celery does not install its own plain-text handlers) and each worker child.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any, TextIO

import structlog

from worker.settings import Settings

_SECRET_KEYS = re.compile(r"(secret|token|password|authorization|signature)", re.I)
_URL_PASSWORD = re.compile(r"(\w+://[^:/@\s]*:)[^@\s]+@")
_WHSEC = re.compile(r"whsec_[A-Za-z0-9+/=]+")
# A secret passed in a query string (an access log line holds the whole request target).
_QUERY_SECRET = re.compile(r"([?&][\w.-]*(?:secret|token|password|signature|key)[\w.-]*=)[^&\s\"']+", re.I)
_BEARER = re.compile(r"(\bBearer\s+)[A-Za-z0-9._~+/=-]+", re.I)
HANDLER_NAME = "rasd"
# Chatty at INFO on every command (alembic announces its context on each migrate check).
_QUIET_BELOW_DEBUG = ("alembic",)


def scrub(value: Any) -> Any:
    if isinstance(value, str):
        value = _URL_PASSWORD.sub(r"\1***@", value)
        value = _QUERY_SECRET.sub(r"\1***", value)
        value = _BEARER.sub(r"\1***", value)
        return _WHSEC.sub("whsec_***", value)
    return value


def _scrub_processor(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    for key in list(event):
        if _SECRET_KEYS.search(key):
            event[key] = "***"
        else:
            event[key] = scrub(event[key])
    return event


def configure_logging(settings: Settings, stream: TextIO | None = None) -> None:
    level = logging.getLevelNamesMapping()[settings.log_level]
    renderer: Any = structlog.processors.JSONRenderer(ensure_ascii=False) if settings.log_json \
        else structlog.dev.ConsoleRenderer(colors=False)
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, _scrub_processor,
                    structlog.processors.format_exc_info, renderer],
    )
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name(HANDLER_NAME)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    # Idempotent: a second call replaces our handler; handlers others installed (pytest's) stay.
    root.handlers = [h for h in root.handlers if h.get_name() != HANDLER_NAME] + [handler]
    root.setLevel(level)
    logging.captureWarnings(True)  # warnings.warn (e.g. Celery's SecurityWarning) as log lines too
    for name in ("celery", "celery.task", "celery.redirected", "kombu", "uvicorn", "uvicorn.error",
                 "uvicorn.access", "alembic", "sqlalchemy", "redbeat"):
        lib = logging.getLogger(name)
        lib.handlers = []  # anything a library set up on its own logger would bypass the scrubber
        lib.propagate = True
    for name in _QUIET_BELOW_DEBUG:
        logging.getLogger(name).setLevel(level if level <= logging.DEBUG else logging.WARNING)


def get_logger(name: str) -> Any:
    return structlog.get_logger(name)
