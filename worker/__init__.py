"""Rasd: streaming ingestion of Arabic news."""

from worker import _compiled

_compiled.install()
