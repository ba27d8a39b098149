"""One exception tree for Rasd, so callers can catch by meaning rather than by library.

    RasdError
    ├── ConfigError              bad or refused configuration (e.g. eviction policy)
    ├── FetchError               anything that stops a fetch; ``reason`` is shown to users
    │   ├── BlockedAddress       SSRF guard refused a URL or a redirect hop
    │   ├── TooLarge             body over the cap (streamed or after decompression)
    │   ├── FetchTimeout         connect/read/total deadline passed
    │   ├── TooManyRedirects
    │   ├── RateLimited          429/503; ``retry_after`` seconds when the server said
    │   └── HTTPStatusError      other non-success status
    ├── ParseError               the body is not a feed we can recover
    ├── ExtractionError          a pipeline stage failed on one item
    └── DeliveryError            webhook delivery failed; ``retry_after`` when the server said
"""

from __future__ import annotations


class RasdError(Exception):
    """Base of every error Rasd raises on purpose."""

    @property
    def reason(self) -> str:
        return str(self) or type(self).__name__


class ConfigError(RasdError):
    pass


class FetchError(RasdError):
    pass


class BlockedAddress(FetchError):
    pass


class TooLarge(FetchError):
    pass


class FetchTimeout(FetchError):
    pass


class TooManyRedirects(FetchError):
    pass


class RateLimited(FetchError):
    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class HTTPStatusError(FetchError):
    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class ParseError(RasdError):
    pass


class ExtractionError(RasdError):
    pass


class DeliveryError(RasdError):
    def __init__(self, message: str, status: int | None = None, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after
