"""Many Redis locks taken or released in one round trip (the region evaluation locks).

The keys and values are those of redis-py's ``Lock``: ``SET name token NX PX``, released only by
the owner of the token. So a batch that holds some regions and a ``client.lock()`` waiting on one
of them exclude each other. Taking ten region locks one by one cost ten round trips to take and
ten script calls to release, for every batch of stories.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


def try_acquire(client: Any, names: Iterable[str], timeout: float) -> dict[str, str]:
    """Take every free lock among ``names`` without waiting; returns {name: token} of those taken.

    A lock expires after ``timeout`` seconds, so a holder that dies frees it.
    """
    tokens = {name: uuid.uuid4().hex for name in dict.fromkeys(names)}
    if not tokens:
        return {}
    pipe = client.pipeline(transaction=False)
    for name, token in tokens.items():
        pipe.set(name, token, nx=True, px=int(timeout * 1000))
    taken = pipe.execute()
    return {name: token for (name, token), ok in zip(tokens.items(), taken, strict=True) if ok}


def release(client: Any, held: dict[str, str]) -> int:
    """Release locks taken by :func:`try_acquire`; one that expired and was re-taken is left alone.

    Returns how many were still ours.
    """
    if not held:
        return 0
    script = client.register_script(_RELEASE)
    pipe = client.pipeline(transaction=False)
    for name, token in held.items():
        script(keys=[name], args=[token], client=pipe)
    return sum(int(n) for n in pipe.execute())
