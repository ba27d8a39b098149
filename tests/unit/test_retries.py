"""Which retry tasks a batch's failures become: alone for an item's own failure, together for an
outage (worker.services.process.retries)."""

from __future__ import annotations

from worker.services.process import BatchResult, retries


def test_own_failures_alone_outage_failures_in_chunks() -> None:
    result = BatchResult(failed=[7, 3, 11, 12, 13, 14, 15], outage=[11, 12, 13, 14, 15], dead=[9])
    assert retries(result, chunk=2) == [[7], [3], [11, 12], [13, 14], [15]]


def test_nothing_failed_nothing_retried() -> None:
    assert retries(BatchResult(processed=40, dead=[2]), chunk=100) == []
