"""kombu's Redis transport with one fix: a broker connection that is already closed stays a
connection error (adapter; installed for ``redis://`` and ``rediss://`` by :func:`install`).

Celery 5.7 closes a lost broker connection before it reconnects
(``Consumer.on_connection_error_after_connected``). When kombu had closed that connection
already, closing its default channel again restores the unacked messages through a transport
whose client is gone, and kombu fails with ``AttributeError: 'NoneType' object has no attribute
'hostname'``. That is not one of the connection errors Celery ignores while closing: the worker
logs "Unrecoverable error" and exits (docs/decisions/broker-transport.md). Here that case raises
redis' ``ConnectionError``, which kombu's close and Celery's reconnect already handle: the close-time
restore is skipped, the messages stay in the unacked index (restored after the visibility
timeout, as a killed worker's are) and the consumer reconnects.
"""

from __future__ import annotations

from typing import Any

import redis
from kombu.transport import TRANSPORT_ALIASES
from kombu.transport import redis as kombu_redis

__all__ = ["Channel", "Transport", "install"]


class Channel(kombu_redis.Channel):
    def _connparams(self, asynchronous: bool = False) -> dict[str, Any]:
        if self.connection.client is None:  # the kombu Connection was closed
            raise redis.exceptions.ConnectionError("the broker connection is already closed")
        params: dict[str, Any] = super()._connparams(asynchronous=asynchronous)
        return params


class Transport(kombu_redis.Transport):
    Channel = Channel


def install() -> None:
    """Make ``redis://`` and ``rediss://`` broker URLs use :class:`Transport` in this process."""
    for scheme in ("redis", "rediss"):
        TRANSPORT_ALIASES[scheme] = f"{__name__}:Transport"
