"""Settings mean what they say: bounds, enumerated levels, ordered thresholds, secrets hidden, one clear line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from worker.alerts.delivery import SCHEDULE, schedule_for
from worker.errors import ConfigError
from worker.settings import Settings, describe_errors, get_settings

REPO = Path(__file__).resolve().parents[2]


def test_defaults_are_valid() -> None:
    s = Settings()
    assert s.log_level == "INFO"
    assert s.alert_p_critical < s.alert_p_warning < s.alert_p_watch <= s.alert_p_close


@pytest.mark.parametrize(("field", "value"), [
    ("api_port", 0), ("api_port", 70000), ("metrics_port", -1), ("dedup_threshold", 1.0),
    ("dedup_threshold", 0), ("fetch_total_timeout", 0), ("max_attempts", 0), ("webhook_max_attempts", 0),
    ("alert_p_watch", 1.5), ("visibility_timeout", 0), ("fetch_max_redirects", -1),
])
def test_out_of_bounds_values_are_refused(field: str, value: object) -> None:
    with pytest.raises(ValidationError) as info:
        Settings(**{field: value})  # type: ignore[arg-type]
    assert [e["loc"] for e in info.value.errors()] == [(field,)]


def test_log_level_is_one_of_four_any_case() -> None:
    assert Settings(log_level="warning").log_level == "WARNING"  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        Settings(log_level="verbose")  # type: ignore[arg-type]


@pytest.mark.parametrize("values", [
    {"alert_p_critical": 1e-4},  # above p_warning 1e-5
    {"alert_p_warning": 1e-2},  # above p_watch 1e-3
    {"alert_p_watch": 0.05},  # above p_close 1e-2
    {"alert_volume_warning": 9},  # above volume_critical 8
    {"backoff_base": 7 * 3600.0},  # above backoff_max 6 h
])
def test_thresholds_out_of_order_are_refused(values: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Settings(**values)  # type: ignore[arg-type]


def test_urls_are_secret_in_repr_and_dump() -> None:
    s = Settings(redis_url="redis://:hunter2@db:6379/0", database_url="postgresql://u:hunter2@db/x")  # type: ignore[arg-type]
    assert isinstance(s.redis_url, SecretStr)
    assert "hunter2" not in repr(s) and "hunter2" not in str(s.model_dump())
    assert s.redis == "redis://:hunter2@db:6379/0"
    assert s.effective_database_url == "postgresql://u:hunter2@db/x"
    assert s.with_redis("redis://other:1/0").redis == "redis://other:1/0"


def test_errors_are_one_line_naming_the_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RASD_API_PORT", "99999")
    monkeypatch.setenv("RASD_REDIS_URL", "redis://:hunter2@db:6379/0")
    monkeypatch.setenv("RASD_ALERT_P_WARNING", "0.5")
    get_settings.cache_clear()
    try:
        with pytest.raises(ConfigError) as info:
            get_settings()
    finally:
        get_settings.cache_clear()
    message = info.value.reason
    assert "\n" not in message and "hunter2" not in message
    assert message == ("invalid settings: RASD_API_PORT='99999': Input should be less than or equal to 65535")


def test_model_errors_are_described_without_pydantic_prefix() -> None:
    with pytest.raises(ValidationError) as info:
        Settings(alert_p_warning=0.5)  # type: ignore[arg-type]
    assert describe_errors(info.value) == (
        "invalid settings: alert tail probabilities must be ordered RASD_ALERT_P_CRITICAL < RASD_ALERT_P_WARNING "
        "< RASD_ALERT_P_WATCH <= RASD_ALERT_P_CLOSE (got 1e-08 < 0.5 < 0.001 <= 0.01)")


def test_cli_start_with_a_bad_setting_prints_one_line_and_no_traceback(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RASD_")}
    env.update({"RASD_DATA_DIR": str(tmp_path), "RASD_LOG_LEVEL": "chatty"})
    done = subprocess.run([sys.executable, "-m", "worker.cli", "status"], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.strip() == ("error: invalid settings: RASD_LOG_LEVEL='CHATTY': "
                                   "Input should be 'DEBUG', 'INFO', 'WARNING' or 'ERROR'")


def test_webhook_max_attempts_sets_the_schedule_length() -> None:
    assert schedule_for(8) == SCHEDULE
    assert schedule_for(3) == (0, 5, 300)
    assert schedule_for(10) == (*SCHEDULE, 36000, 36000)
    with pytest.raises(ValueError):
        schedule_for(0)
