"""All configuration in one object, read once from the environment (prefix ``RASD_``) and ``.env``.

Modules receive the values they need as arguments; only entry points (CLI, Celery app, API) call
:func:`get_settings`, so tests can build their own ``Settings`` without touching the environment.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from worker.errors import ConfigError
from worker.schedules import FEEDS_FILE

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RASD_", env_file=".env", extra="ignore")

    # --- storage and broker -------------------------------------------------------------
    data_dir: Path = Field(Path("./var"), description="SQLite file, embedded Valkey data, pidfiles")
    database_url: SecretStr = Field(SecretStr(""), description="SQLAlchemy URL; empty = SQLite in data_dir")
    redis_url: SecretStr = Field(SecretStr(""), description="Redis/Valkey URL; empty = start an embedded Valkey")
    visibility_timeout: int = Field(3600, ge=1, description="seconds before an unacked task is redelivered")
    broker_startup_wait: float = Field(30.0, ge=0, description="seconds `rasd worker`/`rasd beat` wait at start for an "
                                       "unreachable Redis (restarting, still booting) before giving up")

    # --- API ---------------------------------------------------------------------------
    api_host: str = Field("127.0.0.1", description="address the API binds")
    api_port: int = Field(8080, ge=1, le=65535, description="port of the API")
    api_open_reads: bool = Field(False, description="serve read-only endpoints without a token")
    api_public_url: str = Field("", description="the API and dashboard's URL as users reach it, for links in "
                                "webhook payloads; empty = http://api_host:api_port")
    api_max_body_bytes: int = Field(1_048_576, ge=1, description="largest request body the API accepts (413 above)")

    # --- fetching ----------------------------------------------------------------------
    fetch_allow_hosts: str = Field("", description="hosts/IPs/CIDRs exempt from the SSRF guard")
    fetch_connect_timeout: float = Field(5.0, gt=0, description="seconds to connect to a feed server")
    fetch_read_timeout: float = Field(10.0, gt=0, description="seconds between two reads before a fetch times out")
    fetch_total_timeout: float = Field(30.0, gt=0, description="seconds for a whole fetch, redirects and slow drip included")
    fetch_max_bytes: int = Field(10 * 1024 * 1024, ge=1, description="largest body, after decompression (10 MiB)")
    fetch_max_redirects: int = Field(5, ge=0, le=20, description="redirect hops followed, each SSRF-checked")
    fetch_per_host_limit: int = Field(4, ge=1, description="concurrent requests to one host per worker process")
    fetch_user_agent: str = Field("Rasd/0.1 (+https://github.com/rasd-news/rasd)", description="User-Agent sent with every fetch")
    poll_interval_default: int = Field(300, ge=1, description="seconds between checks of a feed")
    poll_claim_batch: int = Field(500, ge=1, description="most feeds claimed by one poll_due run")
    fetch_claim_seconds: int = Field(120, ge=1, description="a claimed feed is due again after this if its fetch never finished (its worker died); at least RASD_FETCH_TOTAL_TIMEOUT + 5")
    backoff_base: float = Field(60.0, gt=0, description="seconds of the first back-off after a failed fetch (doubles, jittered)")
    backoff_max: float = Field(6 * 3600.0, gt=0, description="longest back-off between fetch attempts")
    pause_after_failures: int = Field(8, ge=0, description="consecutive failures before a feed is paused")
    import_feeds_on_start: bool = Field(True, description="import feeds_file when the feeds table is empty")
    feeds_file: Path = Field(FEEDS_FILE, description="feed list imported on first start (default: the one bundled in the package)")
    beat_poll_seconds: float = Field(15.0, gt=0, description="how often beat claims due feeds")

    # --- processing --------------------------------------------------------------------
    fulltext_min_chars: int = Field(400, ge=0, description="fetch the page when the item text is shorter")
    dedup_window_days: int = Field(7, ge=1, description="how long the near-duplicate index remembers an article")
    dedup_threshold: float = Field(0.5, gt=0, lt=1, description="estimated Jaccard similarity above which two articles are one story")
    dedup_num_perm: int = Field(128, ge=1, description="MinHash permutations")
    vague_tens: int = Field(10, ge=1, description="lower bound for عشرات (tens)")
    vague_dozens: int = Field(12, ge=1, description="lower bound for dozens")
    vague_hundreds: int = Field(100, ge=1, description="lower bound for مئات (hundreds)")
    vague_thousands: int = Field(1000, ge=1, description="lower bound for آلاف (thousands)")
    vague_few: int = Field(3, ge=1, description="lower bound for بضعة / عدد من (a few)")
    max_attempts: int = Field(5, ge=1, description="attempts before an item is parked as dead-letter")

    # --- signals and alerts ------------------------------------------------------------
    bucket_seconds: int = Field(3600, ge=1, description="signal time bucket")
    baseline_halflife_hours: float = Field(72.0, gt=0, description="half-life of the EWMA baseline of a region's story rate")
    baseline_prior_rate: float = Field(0.05, gt=0, description="prior stories/hour for a region with no history")
    baseline_prior_weight_hours: float = Field(24.0, ge=0, description="weight of the prior, in hours of observation")
    alert_window_hours: int = Field(3, ge=1, description="hours summed for the spike test")
    alert_min_stories: int = Field(3, ge=1, description="fewest unique stories in the window for an alert")
    alert_min_sources: int = Field(2, ge=1, description="fewest independent sources in the window for an alert")
    alert_p_watch: float = Field(1e-3, gt=0, lt=1, description="tail probability for a 'watch' alert")
    alert_p_warning: float = Field(1e-5, gt=0, lt=1, description="tail probability for 'warning'")
    alert_p_critical: float = Field(1e-8, gt=0, lt=1, description="tail probability for 'critical'")
    alert_cooldown_hours: float = Field(6.0, ge=0, description="quiet hours before a region can open a new episode")
    webhook_timeout: float = Field(15.0, gt=0, description="seconds per webhook request")
    webhook_disable_after_days: float = Field(5.0, gt=0, description="an endpoint failing this long is disabled")

    # --- logging -----------------------------------------------------------------------
    log_level: LogLevel = Field("INFO", description="DEBUG, INFO, WARNING or ERROR")
    log_json: bool = Field(True, description="JSON log lines (false: console format)")

    # --- metrics (appended by ops) ------------------------------------------------------
    metrics_port: int = Field(default=0, ge=0, le=65535, description="worker/beat: serve Prometheus /metrics on this port; 0 = off")
    metrics_host: str = Field(default="0.0.0.0", description="address the worker/beat metrics server binds")

    # --- signals and alerts (detector details, appended) ---------------------------------
    alert_p_close: float = Field(1e-2, gt=0, lt=1, description="an open episode stays open while p <= this (hysteresis)")
    alert_min_ratio: float = Field(2.0, ge=0, description="observed/expected needed for any alert")
    alert_volume_warning: int = Field(5, ge=1, description="stories in the window needed for 'warning'")
    alert_volume_critical: int = Field(8, ge=1, description="stories in the window needed for 'critical'")
    alert_warmup_hours: float = Field(24.0, ge=0, description="EWMA hours of data before a region leaves warm-up")
    alert_new_region_min_stories: int = Field(5, ge=1, description="min stories while a region is in warm-up")
    baseline_winsor_sigmas: float = Field(5.0, gt=0, description="cap on counts folded into the baseline")
    baseline_season_halflife_days: float = Field(14.0, gt=0, description="half-life of the hour-of-day profile")
    baseline_season_prior_days: float = Field(7.0, ge=0, description="shrinkage of the daily profile; 0 = none")
    baseline_season_prior_stories: float = Field(
        5.0, ge=0, description="the daily profile's shrinkage is at least this many pseudo-stories per hour of the day")
    baseline_phi_prior: float = Field(3.0, gt=0, description="overdispersion assumed until a region's counts show their own")
    baseline_phi_prior_stories: float = Field(10.0, ge=0, description="weight of that prior, in expected stories")
    baseline_phi_max: float = Field(4.0, gt=0, description="upper bound on the overdispersion factor")
    alert_scales_hours: str = Field("3,24,72", description="window lengths tested, comma-separated hours")
    alert_scale_min_stories: str = Field("4,5,8", description="fewest stories per window length, same order")
    alert_slow_baseline_days: int = Field(
        21, ge=0, description="days of the slow-burn test's long-memory daily level; 0 = no slow-burn test")
    alert_slow_lag_days: int = Field(7, ge=0, description="days between that level and the window tested")
    alert_slow_window_hours: int = Field(72, ge=1, description="window tested by the slow-burn test (at most the longest scale)")
    alert_slow_min_stories: int = Field(15, ge=1, description="fewest stories in that window for a slow-burn alert")
    alert_slow_min_baseline_stories: float = Field(
        10.0, ge=0, description="fewest stories in the slow-burn level's days: sparser regions are not slow-burn tested")
    alert_slow_p: float = Field(1e-4, gt=0, lt=1, description="tail probability for a slow-burn watch alert")
    alert_slow_min_ratio: float = Field(2.0, ge=0, description="observed/expected needed for a slow-burn alert")
    signal_retention_days: int = Field(30, ge=1, description="TTL of per-bucket story sets in Redis")
    webhook_max_attempts: int = Field(8, ge=1, le=50, description="attempts per delivery (schedule length)")

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _ordered(self) -> Settings:
        """Thresholds that only make sense in one order: refused at start, not found out in production."""
        if not self.alert_p_critical < self.alert_p_warning < self.alert_p_watch <= self.alert_p_close:
            raise ValueError("alert tail probabilities must be ordered RASD_ALERT_P_CRITICAL < RASD_ALERT_P_WARNING "
                             f"< RASD_ALERT_P_WATCH <= RASD_ALERT_P_CLOSE (got {self.alert_p_critical:g} < "
                             f"{self.alert_p_warning:g} < {self.alert_p_watch:g} <= {self.alert_p_close:g})")
        if self.alert_volume_warning > self.alert_volume_critical:
            raise ValueError("RASD_ALERT_VOLUME_WARNING must not exceed RASD_ALERT_VOLUME_CRITICAL "
                             f"(got {self.alert_volume_warning} > {self.alert_volume_critical})")
        if self.backoff_base > self.backoff_max:
            raise ValueError(f"RASD_BACKOFF_BASE must not exceed RASD_BACKOFF_MAX "
                             f"(got {self.backoff_base:g} > {self.backoff_max:g})")
        return self

    @property
    def redis(self) -> str:
        """RASD_REDIS_URL in clear (it may hold a password: never log it, see worker.broker.redact_url)."""
        return self.redis_url.get_secret_value()

    @property
    def database(self) -> str:
        """RASD_DATABASE_URL in clear (may hold a password)."""
        return self.database_url.get_secret_value()

    def with_redis(self, url: str) -> Settings:
        """A copy pointing at another Redis (e.g. an embedded Valkey started for one command)."""
        return self.model_copy(update={"redis_url": SecretStr(url)})

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "rasd.sqlite3"

    @property
    def effective_database_url(self) -> str:
        return self.database or f"sqlite:///{self.sqlite_path.resolve()}"

    @property
    def allow_hosts(self) -> list[str]:
        return [h.strip() for h in self.fetch_allow_hosts.split(",") if h.strip()]


def describe_errors(exc: ValidationError) -> str:
    """One line naming each bad setting by its environment variable (values of URLs left out)."""
    parts = []
    for e in exc.errors():
        if e["loc"]:
            name = str(e["loc"][0])
            shown = "" if name.endswith("_url") else f"={e.get('input')!r}"
            parts.append(f"RASD_{name.upper()}{shown}: {e['msg']}")
        else:
            parts.append(str(e["msg"]).removeprefix("Value error, "))
    return "invalid settings: " + "; ".join(parts)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings, or a :class:`ConfigError` saying in one line which ones are wrong."""
    try:
        return Settings()
    except ValidationError as exc:
        raise ConfigError(describe_errors(exc)) from None
