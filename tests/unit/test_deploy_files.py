"""Deployment files are data other people run in production: check their structure, and that every
metric an alert or a dashboard panel reads is one worker/metrics.py really exports."""

from __future__ import annotations

import configparser
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from worker.metrics import EXPORTED_METRICS
from worker.settings import Settings

REPO = Path(__file__).resolve().parents[2]
OPS = REPO / "ops"
SYSTEMD = OPS / "systemd"

RASD_SERVICES = ("migrate", "worker", "beat", "api")
ALL_SERVICES = {"valkey", "postgres", "migrate", "worker", "beat", "api", "flower", "prometheus", "grafana"}


def _yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = _yaml(REPO / "docker-compose.yml")
    assert isinstance(data, dict)
    return data


# --- PromQL metric-name extraction ------------------------------------------------------------
_PROMQL_KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless",
                    "bool", "offset", "inf", "nan"}


def promql_metric_names(expr: str) -> set[str]:
    """Metric names an expression reads (histogram/summary suffixes stripped)."""
    e = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)
    e = re.sub(r"\{[^}]*\}", " ", e)  # label matchers
    e = re.sub(r"\[[^\]]*\]", " ", e)  # ranges and subqueries
    e = re.sub(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", e)
    e = re.sub(r"\$\{?\w+\}?", " ", e)  # Grafana variables
    names = set()
    for m in re.finditer(r"(?<![\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?", e):
        word, is_call = m.group(1), m.group(2)
        if is_call or word.lower() in _PROMQL_KEYWORDS:
            continue
        names.add(re.sub(r"_(bucket|sum|count)$", "", word))
    return names


def test_metric_name_extraction_finds_foreign_metrics() -> None:
    """The guard below is only as good as this extractor: it must see every metric, and only metrics."""
    expr = ('histogram_quantile(0.95, sum by (le, task) (rate(rasd_task_duration_seconds_bucket{task=~"a|b"}'
            "[$__rate_interval]))) > 1e-05 and on (job) up == 0 or absent(node_load1) "
            "unless time() - max(rasd_beat_last_tick_timestamp_seconds offset 5m) > 90")
    assert promql_metric_names(expr) == {"rasd_task_duration_seconds", "up", "node_load1",
                                         "rasd_beat_last_tick_timestamp_seconds"}
    assert promql_metric_names("deriv(max by (queue) (rasd_queue_depth)[15m:1m]) > 1") == {"rasd_queue_depth"}


# --- docker-compose.yml ---------------------------------------------------------------------
def test_compose_services_and_healthchecks(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(services) == ALL_SERVICES
    for name, svc in services.items():
        if name == "migrate":
            assert svc["healthcheck"] == {"disable": True}
            assert svc["restart"] == "no"
            continue
        check = svc["healthcheck"]
        assert check["test"][0] in {"CMD", "CMD-SHELL"}, name
        assert {"interval", "timeout", "retries"} <= set(check), name
        assert svc["restart"] == "unless-stopped", name
    assert services["valkey"]["healthcheck"]["test"] == ["CMD", "valkey-cli", "ping"]
    assert "pg_isready" in services["postgres"]["healthcheck"]["test"][1]
    assert "/healthz" in " ".join(services["api"]["healthcheck"]["test"])


def test_compose_valkey_is_durable_and_never_evicts(compose: dict[str, Any]) -> None:
    valkey = compose["services"]["valkey"]
    assert valkey["image"].startswith("valkey/valkey:")
    command = valkey["command"]
    assert command[command.index("--appendonly") + 1] == "yes"
    assert command[command.index("--maxmemory-policy") + 1] == "noeviction"


def test_compose_volumes_are_named_and_declared(compose: dict[str, Any]) -> None:
    declared = set(compose["volumes"])
    used: set[str] = set()
    for name, svc in compose["services"].items():
        for mount in svc.get("volumes", []):
            source = mount.split(":", 1)[0]
            if source.startswith((".", "/")):
                assert (REPO / source).exists(), f"{name}: bind mount {source} missing from the repo"
                assert mount.endswith(":ro"), f"{name}: config mounts are read-only"
            else:
                used.add(source)
    assert used == declared
    assert {"valkey-data", "postgres-data", "prometheus-data", "grafana-data", "rasd-data"} <= declared


def test_compose_rasd_services_share_the_env_anchor(compose: dict[str, Any]) -> None:
    anchor = compose["x-rasd-env"]
    fields = {f"RASD_{name.upper()}" for name in Settings.model_fields}
    unknown = {k for k in anchor if k.startswith("RASD_")} - fields
    assert unknown == set(), f"env names not in worker/settings.py: {unknown}"
    assert anchor["RASD_REDIS_URL"] == "redis://valkey:6379/0"
    assert anchor["RASD_DATABASE_URL"].startswith("postgresql+psycopg://rasd:")
    assert anchor["RASD_DATABASE_URL"].endswith("@postgres:5432/rasd")
    assert anchor["RASD_API_HOST"] == "0.0.0.0"
    for name in RASD_SERVICES:
        svc = compose["services"][name]
        assert svc["environment"] == anchor, name
        assert svc["build"] == {"context": ".", "dockerfile": "Dockerfile"}
        assert svc["command"] == ["rasd", name]
        assert svc["volumes"] == ["rasd-data:/var/lib/rasd"]


def test_compose_startup_order(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert services["migrate"]["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    for name in ("worker", "beat", "api"):
        deps = services[name]["depends_on"]
        assert deps["migrate"] == {"condition": "service_completed_successfully"}, name
        assert deps["valkey"] == {"condition": "service_healthy"}, name
    assert services["flower"]["depends_on"] == {"valkey": {"condition": "service_healthy"}}
    assert services["grafana"]["depends_on"]["prometheus"] == {"condition": "service_healthy"}


def test_compose_worker_scales(compose: dict[str, Any]) -> None:
    worker = compose["services"]["worker"]
    assert "container_name" not in worker
    assert "ports" not in worker  # host ports would collide between replicas
    assert worker["deploy"]["replicas"] >= 2
    assert worker["stop_signal"] == "SIGTERM"
    grace = int(worker["stop_grace_period"].rstrip("s"))
    assert grace >= 60
    assert all("container_name" not in svc for svc in compose["services"].values())


def test_compose_monitoring_wiring(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert services["api"]["ports"] == ["${RASD_API_PUBLISH:-127.0.0.1:8080}:8080"]
    assert "--broker=redis://valkey:6379/0" in services["flower"]["command"]
    assert services["flower"]["image"].startswith("mher/flower:")
    assert "./ops/prometheus:/etc/prometheus:ro" in services["prometheus"]["volumes"]
    assert "./ops/grafana/provisioning:/etc/grafana/provisioning:ro" in services["grafana"]["volumes"]
    assert "./ops/grafana/dashboards:/var/lib/grafana/dashboards:ro" in services["grafana"]["volumes"]
    for name in ("flower", "prometheus", "grafana"):
        assert all(p.startswith("127.0.0.1:") for p in services[name]["ports"]), name


# --- Dockerfile ------------------------------------------------------------------------------
def test_dockerfile_and_dockerignore() -> None:
    text = (REPO / "Dockerfile").read_text(encoding="utf-8")
    froms = re.findall(r"^FROM (\S+)", text, re.M)
    assert froms and all(f == "python:3.11-slim" for f in froms)
    users = re.findall(r"^USER (\S+)", text, re.M)
    assert users == ["rasd"]
    assert re.search(r"pip install -c constraints.txt \.$", text, re.M)  # the tested, pinned set
    assert 'CMD ["rasd", "run"]' in text
    ignored = set((REPO / ".dockerignore").read_text(encoding="utf-8").split())
    assert {".git", ".venv", "var", ".env", "**/__pycache__"} <= ignored


# --- systemd ---------------------------------------------------------------------------------
def _unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(SYSTEMD / name, encoding="utf-8")
    return parser


UNITS = {"rasd-worker.service": "worker", "rasd-worker@.service": "worker",
         "rasd-beat.service": "beat", "rasd-api.service": "api"}


@pytest.mark.parametrize("unit,role", sorted(UNITS.items()))
def test_systemd_units(unit: str, role: str) -> None:
    parsed = _unit(unit)
    service = parsed["Service"]
    assert re.match(rf"^/opt/rasd/venv/bin/rasd {role}(\s|$)", service["ExecStart"])
    assert service["Restart"] == "on-failure"
    assert service["RestartSec"].endswith("s")
    assert service["EnvironmentFile"] == "/etc/rasd/rasd.env"
    assert service["User"] == "rasd"
    assert service["KillSignal"] == "SIGTERM"
    hardening = {"NoNewPrivileges": "yes", "ProtectSystem": "strict", "ProtectHome": "yes", "PrivateTmp": "yes",
                 "ReadWritePaths": "/var/lib/rasd", "CapabilityBoundingSet": "",
                 "RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX"}
    for key, value in hardening.items():
        assert service[key] == value, (unit, key)
    assert "SystemCallFilter" in service
    assert re.fullmatch(r"\d+[MG]", service["MemoryMax"])
    stop = int(service["TimeoutStopSec"])
    assert stop >= (120 if role == "worker" else 20)
    if role == "worker":
        assert service["KillMode"] == "mixed"  # SIGTERM to Celery's main process only → warm shutdown
    assert parsed["Install"]["WantedBy"] == "multi-user.target"
    assert "network-online.target" in parsed["Unit"]["After"]


def test_systemd_filter_keeps_system_service_set() -> None:
    # configparser keeps the last duplicate; read the raw lines for the repeated key.
    for unit in UNITS:
        lines = (SYSTEMD / unit).read_text(encoding="utf-8").splitlines()
        assert "SystemCallFilter=@system-service" in lines, unit


def test_template_unit_consumes_its_instance_queues() -> None:
    assert "--queues %i" in _unit("rasd-worker@.service")["Service"]["ExecStart"]


def test_env_example_lists_every_setting() -> None:
    text = (OPS / "rasd.env.example").read_text(encoding="utf-8")
    listed = set(re.findall(r"^#?(RASD_[A-Z0-9_]+)=", text, re.M))
    expected = {f"RASD_{name.upper()}" for name in Settings.model_fields}
    assert listed == expected


# --- Prometheus and Grafana ------------------------------------------------------------------
def _rules() -> list[dict[str, Any]]:
    data = _yaml(OPS / "prometheus" / "rules.yml")
    return [rule for group in data["groups"] for rule in group["rules"]]


def test_prometheus_scrape_config() -> None:
    config = _yaml(OPS / "prometheus" / "prometheus.yml")
    assert config["rule_files"] == ["/etc/prometheus/rules.yml"]
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    assert jobs["rasd-api"]["metrics_path"] == "/metrics"
    assert jobs["rasd-api"]["static_configs"][0]["targets"] == ["api:8080"]
    assert jobs["rasd-worker"]["dns_sd_configs"][0] == {"names": ["worker"], "type": "A", "port": 9100,
                                                        "refresh_interval": "30s"}


def test_prometheus_rules_structure() -> None:
    data = _yaml(OPS / "prometheus" / "rules.yml")
    assert all({"name", "rules"} == set(group) for group in data["groups"])
    rules = _rules()
    names = [rule["alert"] for rule in rules]
    assert len(names) == len(set(names))
    for rule in rules:
        assert set(rule) == {"alert", "expr", "for", "labels", "annotations"}, rule["alert"]
        assert re.fullmatch(r"\d+[smh]", rule["for"]), rule["alert"]
        assert rule["labels"]["severity"] in {"info", "warning", "critical"}
        assert rule["annotations"]["summary"] and rule["annotations"]["description"]
    required = {"RasdNoWorkers", "RasdQueueBacklog", "RasdFeedsFailing", "RasdFeedsPaused",
                "RasdWebhookDeliveriesFailing", "RasdBeatLockLost", "RasdBeatNotTicking", "RasdDeadLetterItems"}
    assert required <= set(names)


def _dashboard_exprs() -> list[str]:
    dashboard = json.loads((OPS / "grafana" / "dashboards" / "rasd.json").read_text(encoding="utf-8"))
    return [t["expr"] for panel in dashboard["panels"] for t in panel.get("targets", [])]


def test_every_metric_in_rules_and_dashboard_is_exported() -> None:
    exported = set(EXPORTED_METRICS)
    for rule in _rules():
        used = promql_metric_names(rule["expr"])
        assert used, rule["alert"]
        assert used <= exported, (rule["alert"], used - exported)
    exprs = _dashboard_exprs()
    used_anywhere: set[str] = set()
    for expr in exprs:
        used = promql_metric_names(expr)
        assert used and used <= exported, (expr, used - exported)
        used_anywhere |= used
    # the dashboard shows every metric we export
    assert used_anywhere == exported


def test_grafana_dashboard_and_provisioning_agree() -> None:
    dashboard = json.loads((OPS / "grafana" / "dashboards" / "rasd.json").read_text(encoding="utf-8"))
    datasources = _yaml(OPS / "grafana" / "provisioning" / "datasources" / "prometheus.yml")["datasources"]
    uid = datasources[0]["uid"]
    assert datasources[0]["url"] == "http://prometheus:9090"
    ids = [p["id"] for p in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    for panel in dashboard["panels"]:
        if panel["type"] == "row":
            continue
        assert panel["datasource"]["uid"] == uid
        assert panel["targets"], panel["title"]
        assert panel["gridPos"]["w"] <= 24
    provider = _yaml(OPS / "grafana" / "provisioning" / "dashboards" / "rasd.yml")["providers"][0]
    assert provider["options"]["path"] == "/var/lib/grafana/dashboards"
    assert dashboard["uid"] == "rasd-overview"


def test_runbook_covers_the_procedures() -> None:
    text = (OPS / "RUNBOOK.md").read_text(encoding="utf-8")
    headings = set(re.findall(r"^## (.+)$", text, re.M))
    for heading in ("Install", "Scale workers across machines", "Rotate webhook secrets", "Re-ingest and re-process",
                    "Recover from Redis loss", "Move from SQLite to PostgreSQL", "Pause and resume feeds",
                    "Read dead-letter items", "Upgrade", "Backups"):
        assert heading in headings, heading
    # every runbook anchor the alert rules link to exists
    anchors = {re.sub(r"[^a-z0-9 -]", "", h.lower()).replace(" ", "-") for h in headings}
    for rule in _rules():
        link = rule["annotations"].get("runbook")
        if link:
            assert link.split("#", 1)[1] in anchors, link
