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
    api_host: str = Field("127.0.0.1", description="address the API binds")
    api_port: int = Field(8080, description="port of the API")
    api_open_reads: bool = Field(False, description="serve read-only endpoints without a token")
    api_public_url: str = Field("", description="the API and dashboard's URL as users reach it, for links in "
                                "webhook payloads; empty = http://api_host:api_port")
    api_max_body_bytes: int = Field(1_048_576, description="largest request body the API accepts (413 above)")

    # --- fetching ----------------------------------------------------------------------
    fetch_allow_hosts: str = Field("", description="hosts/IPs/CIDRs exempt from the SSRF guard")
    fetch_connect_timeout: float = Field(5.0, description="seconds to connect to a feed server")
    fetch_read_timeout: float = Field(10.0, description="seconds between two reads before a fetch times out")
    fetch_total_timeout: float = Field(30.0, description="seconds for a whole fetch, redirects and slow drip included")
    fetch_max_bytes: int = Field(10 * 1024 * 1024, description="largest body, after decompression (10 MiB)")
    fetch_max_redirects: int = Field(5, description="redirect hops followed, each SSRF-checked")
    fetch_per_host_limit: int = Field(4, description="concurrent requests to one host per worker process")
    fetch_user_agent: str = Field("Rasd/0.1 (+https://github.com/rasd-news/rasd)", description="User-Agent sent with every fetch")
    poll_interval_default: int = Field(300, description="seconds between checks of a feed")
    poll_claim_batch: int = Field(500, description="most feeds claimed by one poll_due run")
    fetch_claim_seconds: int = Field(120, description="a claimed feed is due again after this if its fetch never finished (its worker died); at least RASD_FETCH_TOTAL_TIMEOUT + 5")
    backoff_base: float = Field(60.0, description="seconds of the first back-off after a failed fetch (doubles, jittered)")
    backoff_max: float = Field(6 * 3600.0, description="longest back-off between fetch attempts")
    pause_after_failures: int = Field(8, description="consecutive failures before a feed is paused")
    import_feeds_on_start: bool = Field(True, description="import feeds_file when the feeds table is empty")
    feeds_file: Path = Field(Path("schedules/feeds.yaml"), description="feed list imported on first start")
    beat_poll_seconds: float = Field(15.0, description="how often beat claims due feeds")

    # --- processing --------------------------------------------------------------------
    fulltext_min_chars: int = Field(400, description="fetch the page when the item text is shorter")
    dedup_window_days: int = Field(7, description="how long the near-duplicate index remembers an article")
    dedup_threshold: float = Field(0.5, description="estimated Jaccard similarity above which two articles are one story")
    dedup_num_perm: int = Field(128, description="MinHash permutations")
    vague_tens: int = Field(10, description="lower bound for عشرات (tens)")
    vague_dozens: int = Field(12, description="lower bound for dozens")
    vague_hundreds: int = Field(100, description="lower bound for مئات (hundreds)")
    vague_thousands: int = Field(1000, description="lower bound for آلاف (thousands)")
    vague_few: int = Field(3, description="lower bound for بضعة / عدد من (a few)")
    max_attempts: int = Field(5, description="attempts before an item is parked as dead-letter")

    # --- signals and alerts ------------------------------------------------------------
    bucket_seconds: int = Field(3600, description="signal time bucket")
    baseline_halflife_hours: float = Field(72.0, description="half-life of the EWMA baseline of a region's story rate")
    baseline_prior_rate: float = Field(0.05, description="prior stories/hour for a region with no history")
    baseline_prior_weight_hours: float = Field(24.0, description="weight of the prior, in hours of observation")
    alert_window_hours: int = Field(3, description="hours summed for the spike test")
    alert_min_stories: int = Field(3, description="fewest unique stories in the window for an alert")
    alert_min_sources: int = Field(2, description="fewest independent sources in the window for an alert")
    alert_p_watch: float = Field(1e-3, description="tail probability for a 'watch' alert")
    alert_p_warning: float = Field(1e-5, description="tail probability for 'warning'")
    alert_p_critical: float = Field(1e-8, description="tail probability for 'critical'")
    alert_cooldown_hours: float = Field(6.0, description="quiet hours before a region can open a new episode")
    webhook_timeout: float = Field(15.0, description="seconds per webhook request")
    webhook_disable_after_days: float = Field(5.0, description="an endpoint failing this long is disabled")

    # --- logging -----------------------------------------------------------------------
    log_level: str = Field("INFO", description="DEBUG, INFO, WARNING or ERROR")
    log_json: bool = Field(True, description="JSON log lines (false: console format)")

    # --- metrics (appended by ops) ------------------------------------------------------
    metrics_port: int = Field(default=0, description="worker/beat: serve Prometheus /metrics on this port; 0 = off")
    metrics_host: str = Field(default="0.0.0.0", description="address the worker/beat metrics server binds")

    # --- signals and alerts (detector details, appended) ---------------------------------
    alert_p_close: float = Field(1e-2, description="an open episode stays open while p <= this (hysteresis)")
    alert_min_ratio: float = Field(2.0, description="observed/expected needed for any alert")
    alert_volume_warning: int = Field(5, description="stories in the window needed for 'warning'")
    alert_volume_critical: int = Field(8, description="stories in the window needed for 'critical'")
    alert_warmup_hours: float = Field(24.0, description="EWMA hours of data before a region leaves warm-up")
    alert_new_region_min_stories: int = Field(5, description="min stories while a region is in warm-up")
    baseline_winsor_sigmas: float = Field(5.0, description="cap on counts folded into the baseline")
    baseline_season_halflife_days: float = Field(14.0, description="half-life of the hour-of-day profile")
    baseline_season_prior_days: float = Field(7.0, description="shrinkage of the daily profile; 0 = none")
    baseline_season_prior_stories: float = Field(
        5.0, description="the daily profile's shrinkage is at least this many pseudo-stories per hour of the day")
    baseline_phi_prior: float = Field(3.0, description="overdispersion assumed until a region's counts show their own")
    baseline_phi_prior_stories: float = Field(10.0, description="weight of that prior, in expected stories")
    baseline_phi_max: float = Field(4.0, description="upper bound on the overdispersion factor")
    alert_scales_hours: str = Field("3,24,72", description="window lengths tested, comma-separated hours")
    alert_scale_min_stories: str = Field("4,5,8", description="fewest stories per window length, same order")
    signal_retention_days: int = Field(30, description="TTL of per-bucket story sets in Redis")
    webhook_max_attempts: int = Field(8, description="attempts per delivery (schedule length)")

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
