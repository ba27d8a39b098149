"""Structured logging (structlog → JSON lines) with secrets scrubbed from every event."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

from worker.settings import Settings

_SECRET_KEYS = re.compile(r"(secret|token|password|authorization|signature)", re.I)
_URL_PASSWORD = re.compile(r"(\w+://[^:/@\s]*:)[^@\s]+@")
_WHSEC = re.compile(r"whsec_[A-Za-z0-9+/=]+")


def scrub(value: Any) -> Any:
    if isinstance(value, str):
        return _WHSEC.sub("whsec_***", _URL_PASSWORD.sub(r"\1***@", value))
    return value


def _scrub_processor(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    for key in list(event):
        if _SECRET_KEYS.search(key):
            event[key] = "***"
        else:
            event[key] = scrub(event[key])
    return event


def configure_logging(settings: Settings) -> None:
    level = getattr(logging, settings.log_level.upper(), logging.INFO)
    renderer: Any = structlog.processors.JSONRenderer(ensure_ascii=False) if settings.log_json \
        else structlog.dev.ConsoleRenderer()
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            _scrub_processor,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=True,
    )


def get_logger(name: str) -> Any:
    return structlog.get_logger(name)
