"""All configuration in one object, read once from the environment (prefix ``RASD_``) and ``.env``.

Modules receive the values they need as arguments; only entry points (CLI, Celery app, API) call
:func:`get_settings`, so tests can build their own ``Settings`` without touching the environment.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RASD_", env_file=".env", extra="ignore")

    # --- storage and broker -------------------------------------------------------------
    data_dir: Path = Field(Path("./var"), description="SQLite file, embedded Valkey data, pidfiles")
    database_url: str = Field("", description="SQLAlchemy URL; empty = SQLite in data_dir")
    redis_url: str = Field("", description="Redis/Valkey URL; empty = start an embedded Valkey")
    visibility_timeout: int = Field(3600, description="seconds before an unacked task is redelivered")

    # --- API ---------------------------------------------------------------------------
    api_host: str = "127.0.0.1"
    api_port: int = 8080
    api_open_reads: bool = Field(False, description="serve read-only endpoints without a token")
    api_max_body_bytes: int = 1_048_576

    # --- fetching ----------------------------------------------------------------------
    fetch_allow_hosts: str = Field("", description="hosts/IPs/CIDRs exempt from the SSRF guard")
    fetch_connect_timeout: float = 5.0
    fetch_read_timeout: float = 10.0
    fetch_total_timeout: float = 30.0
    fetch_max_bytes: int = 10 * 1024 * 1024
    fetch_max_redirects: int = 5
    fetch_per_host_limit: int = 4
    fetch_user_agent: str = "Rasd/0.1 (+https://github.com/rasd-news/rasd)"
    poll_interval_default: int = Field(300, description="seconds between checks of a feed")
    poll_claim_batch: int = 500
    backoff_base: float = 60.0
    backoff_max: float = 6 * 3600.0
    pause_after_failures: int = 8
    import_feeds_on_start: bool = True
    feeds_file: Path = Path("schedules/feeds.yaml")
    beat_poll_seconds: float = Field(15.0, description="how often beat claims due feeds")

    # --- processing --------------------------------------------------------------------
    fulltext_min_chars: int = Field(400, description="fetch the page when the item text is shorter")
    dedup_window_days: int = 7
    dedup_threshold: float = 0.5
    dedup_num_perm: int = 128
    vague_tens: int = 10
    vague_dozens: int = 12
    vague_hundreds: int = 100
    vague_thousands: int = 1000
    vague_few: int = 3
    max_attempts: int = Field(5, description="attempts before an item is parked as dead-letter")

    # --- signals and alerts ------------------------------------------------------------
    bucket_seconds: int = 3600
    baseline_halflife_hours: float = 72.0
    baseline_prior_rate: float = 0.05
    baseline_prior_weight_hours: float = 24.0
    alert_window_hours: int = 3
    alert_min_stories: int = 3
    alert_min_sources: int = 2
    alert_p_watch: float = 1e-3
    alert_p_warning: float = 1e-5
    alert_p_critical: float = 1e-8
    alert_cooldown_hours: float = 6.0
    webhook_timeout: float = 15.0
    webhook_disable_after_days: float = 5.0

    # --- logging -----------------------------------------------------------------------
    log_level: str = "INFO"
    log_json: bool = True

    # --- metrics (appended by ops) ------------------------------------------------------
    metrics_port: int = Field(0, description="worker/beat: serve Prometheus /metrics on this port; 0 = off")
    metrics_host: str = Field("0.0.0.0", description="address the worker/beat metrics server binds")

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "rasd.sqlite3"

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.sqlite_path.resolve()}"

    @property
    def allow_hosts(self) -> list[str]:
        return [h.strip() for h in self.fetch_allow_hosts.split(",") if h.strip()]


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
