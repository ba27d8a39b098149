"""The broker transport (worker/broker_transport.py) on a real Valkey: closing a connection whose
transport kombu already closed is a connection error, not a crash, and loses no message."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest
from kombu import Connection
from kombu.common import ignore_errors
from kombu.transport import redis as kombu_redis

from worker.broker_transport import Transport, install
from worker.celery_app import make_celery
from worker.settings import Settings

QUEUE = "rasd-transport-test"


def _held_message(conn: Connection) -> None:
    """One message delivered to ``conn`` and not acknowledged, as a task a worker is running."""
    queue = conn.SimpleQueue(QUEUE, channel=conn.default_channel)
    queue.put({"item": 7})
    assert queue.get(timeout=5).payload == {"item": 7}
    assert len(conn.default_channel.qos._delivered) == 1


def _close_twice(conn: Connection) -> None:
    """What a lost broker looks like to Celery 5.7: kombu closed the transport, then the consumer
    closes the connection (``ignore_errors(connection, connection.close)``)."""
    conn._do_close_transport()
    ignore_errors(conn, conn.close)


def test_kombus_own_transport_crashes_on_the_second_close(redis_url: str) -> None:
    """Why the subclass exists; when this stops failing in kombu, the workaround can go."""
    parts = urlsplit(redis_url)
    conn = Connection(transport=kombu_redis.Transport, hostname=parts.hostname, port=parts.port)
    _held_message(conn)
    with pytest.raises(AttributeError, match="hostname"):
        _close_twice(conn)


def test_the_second_close_is_a_connection_error_and_the_message_comes_back(redis_url: str) -> None:
    install()
    options = {"visibility_timeout": 1}
    conn = Connection(redis_url, transport_options=options)
    assert isinstance(conn.transport, Transport)
    _held_message(conn)
    _close_twice(conn)  # no AttributeError: the consumer would now reconnect
    with Connection(redis_url, transport_options=options) as again:
        queue = again.SimpleQueue(QUEUE, channel=again.default_channel)
        deadline = time.monotonic() + 15
        while True:  # restored from the unacked index once the visibility timeout has passed
            again.default_channel.qos.restore_visible(num=10)
            try:
                message = queue.get(timeout=0.2)
                break
            except queue.Empty:
                assert time.monotonic() < deadline, "the unacknowledged message was not restored"
        assert message.payload == {"item": 7}
        message.ack()


def test_the_celery_app_uses_the_transport(redis_url: str) -> None:
    app = make_celery(Settings(_env_file=None, redis_url=redis_url))
    with app.connection_for_read() as conn:
        assert type(conn.transport) is Transport
